"""Database reads and writes for intake. Callers hold the transaction: one per inbound message, so
the case change, its timeline entry, its outbox letters, the ledger row and the folder checkpoint
commit together or not at all."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, exists, func, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col, select

from rjmail.adapters.lean import Lean
from rjmail.adapters.tables import (
    Case,
    Intake,
    Message,
    OutboxItem,
    QuarantineItem,
    metadata,
)
from rjmail.core import pseudonym, signing
from rjmail.core.casefields import REFERRAL_FIELDS, SNAPSHOT_FIELDS
from rjmail.core.classify import subject_ref
from rjmail.core.domain import CaseSnapshot, CaseStatus, InboundMail, MailboxPosition, Referral, ThreadMatch
from rjmail.core.windows import windows_to_json


def snapshot(session: Session, case: Case) -> CaseSnapshot:
    # Only the addresses the referral itself gave: anyone can write in quoting a reference, and
    # such a sender must never become someone who can withdraw or book for the person.
    # A professional who referred someone is not the person: their replies never act for the person
    # (withdraw, book) and never get the person's letters (issue 13).
    own = (case.referred_email,) if case.referral_type == "professional" else (case.referrer_email,)
    addresses = {a.lower() for a in (*own, case.referred_email) if a}
    fields = {name: getattr(case, name) for name in SNAPSHOT_FIELDS}
    fields["status"] = CaseStatus(case.status)
    return CaseSnapshot(
        **fields,
        known_addresses=frozenset(addresses),
        withdrawn=case.withdrawn_at is not None,
        letter_language=case.letter_language or "en",
        closed_reply_sent=_closed_reply_sent(session, case),
    )


def _closed_reply_sent(session: Session, case: Case) -> bool:
    """One short acknowledgement per closure, however many messages follow (issue 16)."""
    if case.status not in ("closed", "not_suitable"):
        return False
    since = case.closed_at or case.updated_at
    return (
        session.exec(
            select(OutboxItem.id).where(
                OutboxItem.case_id == case.id,
                OutboxItem.kind == "closed_reply",
                OutboxItem.created_at >= since,
            )
        ).first()
        is not None
    )


def case_by_ref(session: Session, ref: str) -> Case | None:
    return session.exec(select(Case).where(Case.ref == ref)).first()


def _case_by_message_ids(session: Session, ids: Iterable[str]) -> tuple[Case | None, str | None]:
    ids = [i for i in ids if i]
    if not ids:
        return None, None
    for row_id, mid in session.exec(
        select(Message.case_id, Message.message_id).where(
            col(Message.message_id).in_(ids), col(Message.case_id).is_not(None)
        )
    ).all():
        return session.get(Case, row_id), mid
    for row_id, mid in session.exec(
        select(OutboxItem.case_id, OutboxItem.message_id).where(
            col(OutboxItem.message_id).in_(ids), col(OutboxItem.case_id).is_not(None)
        )
    ).all():
        return session.get(Case, row_id), mid
    return None, None


def lookup_thread(session: Session, mail: InboundMail, key: bytes) -> ThreadMatch:
    """Find the case a message belongs to, and whether it answers a message rjmail signed."""
    signed = [s for s in (signing.verify(key, m) for m in (*mail.in_reply_to, *mail.references)) if s]
    case, by = None, None
    found, _ = _case_by_message_ids(session, mail.in_reply_to)
    if found is not None:
        case, by = found, "in-reply-to"
    if case is None:
        found, _ = _case_by_message_ids(session, mail.references)
        if found is not None:
            case, by = found, "references"
    if case is None:
        ref = subject_ref(mail.subject)
        if ref:
            case, by = case_by_ref(session, ref), "subject"
    if case is None:
        return ThreadMatch()
    own = [s for s in signed if s.ref == case.ref]
    return ThreadMatch(
        case=snapshot(session, case),
        by=by,
        signed_parent=bool(own),
        signed_parent_kind=own[0].kind if own else None,
    )


_INTAKE, _OUTBOX, _AUDIT = metadata.tables["intake"], metadata.tables["outbox"], metadata.tables["audit"]
_COUNTERS, _MESSAGES = metadata.tables["case_counter"], metadata.tables["message"]
_CASES = metadata.tables["case"]
_CASE_COLUMNS = [c.name for c in _CASES.c if c.name != "id"]
# Hot statements are built once with bind parameters and run lean (rjmail.adapters.lean): building,
# keying and executing a statement through Core per message cost more than running it (issue 17).
_AUDIT_INSERT = Lean(_AUDIT.insert())
_INTAKE_INSERT = Lean(_INTAKE.insert())
_MESSAGE_INSERT = Lean(_MESSAGES.insert())
_NEW_CASE = Lean(_CASES.insert().returning(_CASES.c.id))
# pseudonym.id_forms: the plain and the keyed form of a Message-ID
_FORMS: list[BindParameter[str]] = [bindparam("plain"), bindparam("hashed")]
_SEEN = Lean(
    core_select(
        or_(
            exists().where(_INTAKE.c.message_id.in_(_FORMS)),
            exists().where(_OUTBOX.c.message_id.in_(_FORMS)),
        )
    )
)


def already_seen(session: Session, message_id: str, key: bytes) -> bool:
    """True for a message already taken in (any hub), or a copy of a letter rjmail sent itself.
    The one place dedup looks: under the plain Message-ID, and under its keyed hash, which is all
    that is left of it once retention has anonymised its case (rjmail.core.pseudonym)."""
    session.flush()  # as a Session query would: rows added in this transaction count too
    return bool(_SEEN.scalar(session.connection(), _forms(key, message_id)))


def is_own_letter(session: Session, message_id: str, key: bytes) -> bool:
    """True when rjmail sent a letter with this Message-ID (plain, or keyed once anonymised)."""
    return _OWN.first(session.connection(), _forms(key, message_id)) is not None


def _forms(key: bytes, message_id: str) -> dict[str, str]:
    plain, hashed = pseudonym.id_forms(key, message_id)
    return {"plain": plain, "hashed": hashed}


_OWN = Lean(core_select(_OUTBOX.c.id).where(_OUTBOX.c.message_id.in_(_FORMS)).limit(1))


def case_for_message_id(session: Session, message_id: str, key: bytes) -> Case | None:
    """The case an already-seen message was filed on (same mail sent to two hubs is linked)."""
    case_id = session.exec(
        select(Intake.case_id).where(
            col(Intake.message_id).in_(pseudonym.id_forms(key, message_id)), col(Intake.case_id).is_not(None)
        )
    ).first()
    return session.get(Case, case_id) if case_id is not None else None


_REPLIES = Lean(
    core_select(func.count())
    .select_from(_OUTBOX)
    .where(
        _OUTBOX.c.to_addr == bindparam("to"),
        _OUTBOX.c.person_letter.is_(True),
        _OUTBOX.c.auto_reply.is_(True),
        _OUTBOX.c.created_at >= bindparam("since", type_=_OUTBOX.c.created_at.type),
    )
)


def replies_today(session: Session, address: str, now: datetime) -> int:
    """Automatic letters to this person in the last 24 hours (loop guard); letters an advisor asked
    for are not automatic and do not count."""
    session.flush()  # letters queued earlier in this transaction count too
    params = {"to": address.lower(), "since": now - timedelta(days=1)}
    return int(_REPLIES.scalar(session.connection(), params) or 0)


def next_ref(session: Session, hub: str, year: int) -> str:
    """The next reference of this hub and year: one UPDATE ... RETURNING (the row lock keeps two
    instances apart on PostgreSQL), the counter row created at the year's first case."""
    conn = session.connection()
    seq = _NEXT_SEQ.scalar(conn, {"b_hub": hub, "b_year": year})
    if seq is None:
        seq = 1
        conn.execute(_COUNTERS.insert(), {"hub": hub, "year": year, "last_seq": seq})
    return f"RJ-{hub}-{year}-{seq:04d}"


_NEXT_SEQ = Lean(
    update(_COUNTERS)
    .where(_COUNTERS.c.hub == bindparam("b_hub"), _COUNTERS.c.year == bindparam("b_year"))
    .values(last_seq=_COUNTERS.c.last_seq + 1)
    .returning(_COUNTERS.c.last_seq)
)


def create_case(session: Session, hub: str, referral: Referral, now: datetime) -> Case:
    person = referral.referred_person
    values = {name: getattr(referral, name) for name in REFERRAL_FIELDS}
    values["call_windows"] = windows_to_json(referral.call_windows)
    case = Case(
        ref=next_ref(session, hub, now.year),
        hub=hub,
        status=CaseStatus.NEW.value,
        created_at=now,
        updated_at=now,
        **values,
        referred_name=person.name if person else None,
        referred_email=person.email if person else None,
        referred_phone=person.phone if person else None,
    )
    case.referrer_email = referral.referrer_email or None
    # A Core insert, then the object joins the session as if loaded (later changes are tracked as
    # usual): the ORM's flush of one new row cost more than the rest of storing a referral.
    row = {column: getattr(case, column) for column in _CASE_COLUMNS}
    case.id = _NEW_CASE.scalar(session.connection(), row)
    make_transient_to_detached(case)
    session.add(case)
    audit(session, "rjmail", "collection", case.ref, "new referral received by email", now=now)
    return case


def add_inbound(
    session: Session,
    hub: str,
    case: Case | None,
    kind: str,
    mail: InboundMail,
    raw: bytes,
    summary: str | None,
    now: datetime,
    arrived: datetime | None = None,
    direction: str = "in",
) -> None:
    """The message on the case's timeline, with its bytes as evidence; `arrived` is when it reached
    the mailbox (IMAP INTERNALDATE), which the acknowledgement latency is measured from. A Core
    insert at once (no caller keeps the row), so it precedes the letters it causes."""
    attachments = [a.__dict__ for a in mail.attachments]
    _MESSAGE_INSERT.execute(
        session.connection(),
        {
            "case_id": case.id if case else None,
            "hub": hub,
            "direction": direction,
            "kind": kind,
            "message_id": mail.message_id,
            "in_reply_to": " ".join(mail.in_reply_to) or None,
            "references": " ".join(mail.references) or None,
            "subject": mail.subject,
            "at": now,
            "from_addr": mail.from_addr or None,
            "raw_size": len(raw),
            "arrived_at": arrived,
            "attachments_json": json.dumps(attachments) if attachments else None,
            "summary": summary,
            "raw": raw,
        },
    )


def add_outbound(
    session: Session,
    case: Case,
    hub: str,
    kind: str,
    message_id: str,
    in_reply_to: str | None,
    subject: str,
    now: datetime,
    raw_size: int,
) -> None:
    """A letter to the person on the case's timeline (Core, like the outbox row it goes with)."""
    _MESSAGE_INSERT.execute(
        session.connection(),
        {
            "case_id": case.id,
            "hub": hub,
            "direction": "out",
            "kind": kind,
            "message_id": message_id,
            "in_reply_to": in_reply_to,
            "subject": subject,
            "at": now,
            "raw_size": raw_size,
        },
    )


def record_intake(
    session: Session,
    pos: MailboxPosition,
    message_id: str,
    decision: str,
    reason: str,
    case: Case | None,
    now: datetime,
    body_hash: str | None = None,
) -> None:
    _INTAKE_INSERT.execute(  # one row per message taken in, nothing reads it back here
        session.connection(),
        {
            "hub": pos.hub,
            "folder": pos.folder,
            "uidvalidity": pos.uidvalidity,
            "uid": pos.uid,
            "message_id": message_id,
            "decision": str(decision),
            "reason": reason[:2000],
            "case_id": case.id if case else None,
            "at": now,
            "body_hash": body_hash,
        },
    )


def quarantine(
    session: Session,
    pos: MailboxPosition,
    raw: bytes | None,
    size: int,
    reason: str,
    message_id: str | None,
    now: datetime,
) -> QuarantineItem:
    item = QuarantineItem(
        hub=pos.hub,
        folder=pos.folder,
        uidvalidity=pos.uidvalidity,
        uid=pos.uid,
        message_id=message_id,
        reason=reason[:2000],
        size=size,
        raw=raw,
        at=now,
    )
    session.add(item)
    session.flush()
    return item


def audit(
    session: Session,
    actor: str,
    action: str,
    case_ref: str | None,
    reason: str,
    detail: str | None = None,
    *,
    now: datetime,
) -> None:
    entry = {"at": now, "actor": actor, "action": action, "case_ref": case_ref, "reason": reason}
    entry["detail"] = detail
    _AUDIT_INSERT.execute(session.connection(), entry)  # write-only, nothing reads it back here
