"""The person's voice on a case (issue 12), inside the caller's transaction: reused Message-IDs,
calendar replies to our invites, notifications that name the real sender, voided actions.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import structlog
from sqlmodel import Session, col, select

from rjmail.adapters import store
from rjmail.adapters.tables import Booking, Case, Intake
from rjmail.cases import calls
from rjmail.cases.casework import add_note, set_status
from rjmail.cases.context import CaseContext, queue_letter
from rjmail.core import pseudonym
from rjmail.core.domain import CaseStatus, InboundMail, LetterSpec, ThreadMatch
from rjmail.core.slots import Slot, slot_text
from rjmail.core.voice import body_hash, calendar_words, reused_id, sender_context

log = structlog.get_logger("rjmail.cases")


def fresh_identity(s: Session, mail: InboundMail, key: bytes) -> tuple[InboundMail, str, bool]:
    """(mail, its body hash, already seen). A message whose Message-ID was seen before with other
    words is a new message: it is filed under a derived ID (SPEC section 6, nothing dropped)."""
    digest = body_hash(key, mail)
    if not store.already_seen(s, mail.message_id, key):
        return mail, digest, False
    if store.is_own_letter(s, mail.message_id, key):
        return mail, digest, True  # a copy of our own letter
    forms = pseudonym.id_forms(key, mail.message_id)
    hashes = set(s.exec(select(Intake.body_hash).where(col(Intake.message_id).in_(forms))).all())
    if None in hashes or digest in hashes:
        return mail, digest, True  # the same words (or a row from before hashes were kept)
    renamed = replace(mail, message_id=reused_id(mail, digest))
    log.warning("message_id_reused")
    return renamed, digest, store.already_seen(s, renamed.message_id, key)


def notify(
    ctx: CaseContext,
    case: Case,
    event: str,
    mail: InboundMail,
    detail: str | None = None,
    summary: str | None = None,
    *,
    key: str | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> None:
    """A notification about `mail` that names who really wrote it (and warns when that is not an
    address on the case)."""
    snap = store.snapshot(ctx.session, case)
    letter = LetterSpec(
        kind="notification",
        to=ctx.hub.notify,
        to_advisors=True,
        attachments=attachments,
        context={"event": event, "detail": detail, **sender_context(mail, snap)},
        idempotency_key=f"notify:{event}:{key or mail.message_id}",
    )
    queue_letter(ctx, case, letter, summary)


def _booking(s: Session, case: Case) -> Booking | None:
    return s.exec(select(Booking).where(Booking.case_id == case.id, Booking.status == "active")).first()


def _when(ctx: CaseContext, booking: Booking) -> str:
    start = booking.start if booking.start.tzinfo else booking.start.replace(tzinfo=ZoneInfo("UTC"))
    tz = ZoneInfo(ctx.rt.settings.service.timezone)
    return slot_text(Slot(start, start + timedelta(minutes=booking.minutes)), tz)


def calendar_reply(ctx: CaseContext, case: Case, mail: InboundMail, thread: ThreadMatch) -> None:
    """The person answered our invite. Acted on only when the reply names the booked call (its UID)
    or threads onto a letter we signed; a DECLINE frees the slot and the advisors get a CANCEL."""
    s = ctx.session
    booking = _booking(s, case)
    words = calendar_words(mail)
    uid_ok = booking is not None and mail.calendar_uid == booking.uid
    if booking is None or not (uid_ok or (mail.calendar_uid is None and thread.signed_parent)):
        why = "there is no booked call on this case" if booking is None else "it names another call"
        notify(
            ctx,
            case,
            "calendar_unverified",
            mail,
            f"A calendar reply ({words}) came from {mail.from_addr}, but {why}. Nothing was changed.",
        )
        return
    when = _when(ctx, booking)
    partstat = (mail.calendar_partstat or "").upper()
    if partstat == "DECLINED" and mail.calendar_method == "REPLY":
        _release(ctx, case, when)
        detail = f"The person declined the call on {when}. The slot is free again; the case is {case.status}."
    else:
        detail = f"The person {words} the call on {when}. Nothing was changed."
    add_note(
        ctx,
        case,
        f"Calendar reply from the person: {words} the call on {when}.",
        "rjmail",
        f"calendar.{note_key(mail)}",
    )
    store.audit(s, "rjmail", "collection", case.ref, f"calendar reply: {words}", now=ctx.now)
    notify(ctx, case, "calendar_reply", mail, detail)


def _release(ctx: CaseContext, case: Case, when: str) -> None:
    """A declined invite: booking cancelled (advisors' calendars get a CANCEL), status back."""
    calls.cancel_booking(ctx, case)
    case.call_slot = None
    back = CaseStatus.IN_PROGRESS if case.advisor else CaseStatus.NEW
    if case.status == CaseStatus.CALL_BOOKED.value:
        set_status(ctx, case, back, "person", f"declined the call on {when}")


def voided(ctx: CaseContext, case: Case, note: str, key: str) -> None:
    """Why nothing was changed, on the case's timeline and in the audit trail."""
    add_note(ctx, case, note, "rjmail", f"void.{key}")
    store.audit(
        ctx.session,
        "rjmail",
        "collection",
        case.ref,
        "person-side action void: sender failed DMARC",
        now=ctx.now,
    )


def note_key(mail: InboundMail) -> str:
    """A timeline note's key: the sender's Message-ID hashed (it may hold their name)."""
    return hashlib.sha256(mail.message_id.encode("utf-8", "replace")).hexdigest()[:24]
