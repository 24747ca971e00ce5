"""Case changes shared by advisor commands and people's replies: status, letters, timeline, audit.

Every function runs inside the caller's transaction (one per inbound message).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from rjmail.adapters import store
from rjmail.adapters.tables import Case, Message
from rjmail.core.domain import CaseStatus, LetterSpec

if TYPE_CHECKING:
    from rjmail.pipeline import Runtime
    from rjmail.settings import HubSettings


def person_address(case: Case) -> str | None:
    """Where letters about the case go: the referred person when a professional gave their address."""
    if case.referral_type == "professional" and case.referred_email:
        return case.referred_email
    return case.referrer_email


def set_status(s: Session, case: Case, status: CaseStatus, actor: str, reason: str, now: datetime) -> None:
    if case.status == status.value:
        return
    store.audit(s, actor, "change", case.ref, f"status {case.status} -> {status.value}: {reason}", now=now)
    case.status = status.value
    case.updated_at = now
    if status in (CaseStatus.CLOSED, CaseStatus.NOT_SUITABLE, CaseStatus.WITHDRAWN):
        case.closed_at = now
    s.add(case)


def last_inbound(s: Session, case: Case, from_addr: str | None = None) -> Message | None:
    query = select(Message).where(Message.case_id == case.id, Message.direction == "in")
    if from_addr:
        query = query.where(Message.from_addr == from_addr)
    return s.exec(query.order_by(col(Message.at).desc(), col(Message.id).desc())).first()


def letter_to_person(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    case: Case,
    kind: str,
    key: str,
    now: datetime,
    context: Mapping[str, Any] | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bool:
    """Queue a letter to the person, threaded on their latest message. Never to a withdrawn case
    (except the withdrawal confirmation itself): the person asked for silence."""
    from rjmail.pipeline import queue_letter

    to = person_address(case)
    if not to:
        return False
    if case.status == CaseStatus.WITHDRAWN.value and kind != "withdrawal_confirmation":
        return False
    parent = last_inbound(s, case, to) or last_inbound(s, case)
    refs = tuple((parent.references or "").split()) if parent else ()
    letter = LetterSpec(
        kind=kind,
        to=(to,),
        context=dict(context or {}),
        reply_to_message_id=parent.message_id if parent else None,
        references=refs,
        idempotency_key=key,
        attachments=attachments,
    )
    queue_letter(s, rt, hub, case, letter, now)
    return True


def notify_advisors(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    case: Case | None,
    event: str,
    key: str,
    now: datetime,
    detail: str | None = None,
    summary: str | None = None,
    *,
    to: tuple[str, ...] | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> None:
    """A notification to the hub's notify list (or `to`, e.g. the case's advisor)."""
    from rjmail.pipeline import queue_letter

    letter = LetterSpec(
        kind="notification",
        to=to or hub.notify,
        to_advisors=True,
        attachments=attachments,
        context={"event": event, "detail": detail},
        idempotency_key=f"notify:{event}:{key}",
    )
    queue_letter(s, rt, hub, case, letter, now, summary)


def add_note(s: Session, case: Case, hub: str, text: str, actor: str, now: datetime, key: str) -> None:
    s.add(
        Message(
            case_id=case.id,
            hub=hub,
            direction="in",
            kind="note",
            message_id=f"<note.{key}>",
            subject="Internal note",
            at=now,
            from_addr=actor,
            summary=text[:2000],
        )
    )
