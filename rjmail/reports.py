"""Read-only views of cases for the CLI: the case JSON of SPEC section 7, tables, timelines."""

from __future__ import annotations

from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import default as email_policy
from typing import Any

from sqlmodel import Session, col, select

from rjmail.adapters.offers import offered_starts
from rjmail.adapters.tables import AuditEntry, Case, Intake, Message
from rjmail.core.casefields import JSON_FIELDS
from rjmail.core.windows import windows_list


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def case_json(session: Session, case: Case) -> dict[str, Any]:
    messages = session.exec(
        select(Message).where(Message.case_id == case.id).order_by(col(Message.at), col(Message.id))
    ).all()
    data: dict[str, Any] = {name: getattr(case, name) for name in JSON_FIELDS}
    data["created_at"], data["call_slot"] = iso(case.created_at), iso(case.call_slot)
    data["call_windows"] = windows_list(case.call_windows)
    data["offered_slots"] = [iso(x) for x in offered_starts(session, case)]
    data["referred_person"] = (
        {"name": case.referred_name, "email": case.referred_email, "phone": case.referred_phone}
        if case.referral_type == "professional"
        else None
    )
    return data | {
        "messages": [
            {
                "direction": m.direction,
                "kind": m.kind,
                "message_id": m.message_id,
                "at": iso(m.at),
                "subject": m.subject,
            }
            for m in messages
        ],
    }


def list_cases(session: Session, hub: str | None, status: str | None) -> list[Case]:
    query = select(Case).order_by(col(Case.created_at), col(Case.id))
    if hub:
        query = query.where(Case.hub == hub.upper())
    if status:
        query = query.where(Case.status == status)
    return list(session.exec(query).all())


def cases_table(cases: list[Case]) -> str:
    header = f"{'REF':<18} {'HUB':<4} {'STATUS':<13} {'CREATED (UTC)':<17} {'TYPE':<12} {'ROLE':<8} CALL"
    lines = [header]
    for c in cases:
        created = iso(c.created_at) or ""
        call = {True: "yes", False: "no", None: "-"}[c.wants_call]
        lines.append(
            f"{c.ref:<18} {c.hub:<4} {c.status:<13} {created[:16]:<17} "
            f"{c.referral_type:<12} {c.role:<8} {call}"
        )
    return "\n".join(lines)


def case_text(session: Session, case: Case) -> str:
    data = case_json(session, case)
    lines = [f"{k}: {v}" for k, v in data.items() if k != "messages"]
    lines.append("timeline:")
    for m in session.exec(
        select(Message).where(Message.case_id == case.id).order_by(col(Message.at), col(Message.id))
    ).all():
        lines.append(f"  {iso(m.at)}  {m.direction:<3} {m.kind:<24} {m.subject or ''}")
        lines.extend(_sender_lines(case, m))
        if m.summary:
            lines.extend(f"      | {line}" for line in m.summary.splitlines()[:12])
    lines.append("decisions:")
    for row in session.exec(select(Intake).where(Intake.case_id == case.id).order_by(col(Intake.id))):
        lines.append(f"  {iso(row.at)}  {row.hub} uid {row.uid}: {row.decision} ({row.reason})")
    return "\n".join(lines)


def _display_name(raw: bytes | None) -> str:
    """The From display name as the message gave it (the raw bytes are kept as evidence)."""
    if not raw:
        return ""
    try:
        header = BytesHeaderParser(policy=email_policy).parsebytes(raw).get("From")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
        return " ".join(str(addresses[0].display_name).split()) if addresses else ""
    except Exception:  # a header the parser refuses: the address alone still names the sender
        return ""


def _sender_lines(case: Case, m: Message) -> list[str]:
    """Who really wrote an inbound entry, and a warning when it is not an address on the case."""
    if m.direction != "in" or m.kind == "note" or not m.from_addr:
        return []
    name = _display_name(m.raw)
    who = f"{name} <{m.from_addr}>" if name else m.from_addr
    known = {a.lower() for a in (case.referrer_email, case.referred_email) if a}
    lines = [f"      from: {who}"]
    if m.from_addr.lower() not in known and m.kind in ("referral", "reply"):
        lines.append(f"      !! NOT FROM AN ADDRESS ON THIS CASE: {who}")
    return lines


def audit_lines(session: Session, ref: str | None) -> list[str]:
    query = select(AuditEntry).order_by(col(AuditEntry.at), col(AuditEntry.id))
    if ref:
        query = query.where(AuditEntry.case_ref == ref)
    return [
        f"{iso(a.at)}  {a.actor:<28} {a.action:<12} {a.case_ref or '-':<18} {a.reason}"
        + (f" [{a.detail}]" if a.detail else "")
        for a in session.exec(query)
    ]
