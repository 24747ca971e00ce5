"""Case changes shared by advisor commands, people's replies and calls: status, letters, notes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from rjmail.adapters import store
from rjmail.adapters.tables import Case, Message, OutboxItem
from rjmail.cases.context import CaseContext, queue_letter
from rjmail.core.domain import CaseStatus, LetterSpec
from rjmail.core.referrer import referrer_update

Attachments = tuple[tuple[str, str, bytes], ...]  # (filename, mime type, bytes)


# What advisors read when a letter meant for the person could not go to them (SPEC section 3: nothing
# meant for the person ever goes to the professional who referred them).
NO_EMAIL = "No letter was sent: the person has no email address on the case; please phone them."


def person_address(case: Case) -> str | None:
    """Where letters for the person go. For a professional referral that is the referred person's
    own address or no one: never the professional's."""
    if case.referral_type == "professional":
        return case.referred_email or None
    return case.referrer_email


def can_write_to_person(case: Case) -> bool:
    """A letter for the person can go: they have an address and did not withdraw."""
    withdrawn = case.status == CaseStatus.WITHDRAWN.value or case.withdrawn_at is not None
    return bool(person_address(case)) and not withdrawn


def no_letter_reason(case: Case) -> str:
    """Why a letter for the person was not sent, in the advisors' words."""
    if case.status == CaseStatus.WITHDRAWN.value or case.withdrawn_at is not None:
        return "No letter was sent: the person withdrew and asked for no more mail."
    return NO_EMAIL


def set_status(ctx: CaseContext, case: Case, status: CaseStatus, actor: str, reason: str) -> None:
    if case.status == status.value:
        return
    before = case.status
    store.audit(
        ctx.session,
        actor,
        "change",
        case.ref,
        f"status {case.status} -> {status.value}: {reason}",
        now=ctx.now,
    )
    case.status = status.value
    case.updated_at = ctx.now
    if status in (CaseStatus.CLOSED, CaseStatus.NOT_SUITABLE, CaseStatus.WITHDRAWN):
        case.closed_at = ctx.now
    ctx.session.add(case)
    tell_referrer(ctx, case, before, status)


def tell_referrer(ctx: CaseContext, case: Case, before: str, status: CaseStatus) -> bool:
    """With the hub's `tell_referrer`, a professional who referred someone gets a short neutral
    update when the case is accepted or closed: never the reason, never details."""
    update = referrer_update(case.referral_type, before, status) if ctx.hub.tell_referrer else None
    if update is None or not case.referrer_email:
        return False
    letter = LetterSpec(
        kind="referrer_update",
        to=(case.referrer_email,),
        context={"update": update},
        idempotency_key=f"referrer_update:{case.ref}:{update}:{ctx.now.isoformat()}",
    )
    queue_letter(ctx, case, letter)
    return True


def thread_parent(s: Session, case: Case, to: str) -> tuple[str | None, tuple[str, ...]]:
    """(In-Reply-To, References) for a letter to `to`: the person's own latest message on the case,
    else our latest letter to them, else a new thread — never an advisor's or a professional's mail,
    whose IDs must not reach the person."""
    mine = s.exec(
        select(Message)
        .where(
            Message.case_id == case.id,
            Message.direction == "in",
            Message.from_addr == to,
            col(Message.kind).in_(("referral", "reply")),
        )
        .order_by(col(Message.at).desc(), col(Message.id).desc())
    ).first()
    if mine is not None:
        return mine.message_id, tuple((mine.references or "").split())
    ours = s.exec(
        select(OutboxItem)
        .where(
            OutboxItem.case_id == case.id, OutboxItem.to_addr == to, col(OutboxItem.person_letter).is_(True)
        )
        .order_by(col(OutboxItem.id).desc())
    ).first()
    return (ours.message_id, ()) if ours is not None else (None, ())


def letter_to_person(
    ctx: CaseContext,
    case: Case,
    kind: str,
    key: str,
    context: Mapping[str, Any] | None = None,
    attachments: Attachments = (),
) -> bool:
    """Queue a letter to the person, threaded on their latest message. Never to a withdrawn case
    (except the withdrawal confirmation itself): the person asked for silence."""
    to = person_address(case)
    if not to:
        return False
    withdrawn = case.status == CaseStatus.WITHDRAWN.value or case.withdrawn_at is not None
    if withdrawn and kind != "withdrawal_confirmation":
        return False
    parent, refs = thread_parent(ctx.session, case, to.lower())
    letter = LetterSpec(
        kind=kind,
        to=(to,),
        context=dict(context or {}),
        reply_to_message_id=parent,
        references=refs,
        idempotency_key=key,
        attachments=attachments,
    )
    queue_letter(ctx, case, letter)
    return True


def notify_advisors(
    ctx: CaseContext,
    case: Case | None,
    event: str,
    key: str,
    detail: str | None = None,
    summary: str | None = None,
    *,
    to: tuple[str, ...] | None = None,
    attachments: Attachments = (),
) -> None:
    """A notification to the hub's notify list (or `to`, e.g. the case's advisor)."""
    letter = LetterSpec(
        kind="notification",
        to=to or ctx.hub.notify,
        to_advisors=True,
        attachments=attachments,
        context={"event": event, "detail": detail},
        idempotency_key=f"notify:{event}:{key}",
    )
    queue_letter(ctx, case, letter, summary)


def add_note(ctx: CaseContext, case: Case, text: str, actor: str, key: str) -> None:
    ctx.session.add(
        Message(
            case_id=case.id,
            hub=ctx.hub.code,
            direction="in",
            kind="note",
            message_id=f"<note.{key}>",
            subject="Internal note",
            at=ctx.now,
            from_addr=actor,
            summary=text[:2000],
        )
    )
