"""Held letters (SPEC section 5): letters to the person caused by an advisor command wait
`advisor_letter_hold_minutes`; `#cancel` stops every one still held on the case and puts the case
back as it was before the command. Each function runs inside the advisor reply's transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, delete, select

from rjmail.adapters import held as rows
from rjmail.adapters import store
from rjmail.adapters.tables import Booking, Case, Message, OutboxItem
from rjmail.cases import calls
from rjmail.cases.casework import notify_advisors
from rjmail.cases.context import CaseContext
from rjmail.cases.outcomes import Done, Refused, Result
from rjmail.core.domain import CaseStatus, OutboxStatus
from rjmail.core.held import Before, letter_name, mask_address, plain_text, quoted, status_words
from rjmail.core.notice import local_time


def _tz(ctx: CaseContext) -> ZoneInfo:
    return ZoneInfo(ctx.rt.settings.service.timezone)


def before(ctx: CaseContext, case: Case) -> tuple[set[int], Before]:
    """What is queued to the person and how the case stands, before a command runs."""
    ctx.session.flush()
    state = Before(case.status, case.withdrawn_at, case.closed_at, case.call_slot)
    return rows.pending_person_ids(ctx.session, case.id), state


def after(
    ctx: CaseContext, case: Case, command: str, held_by: str, seen: set[int], prior: Before
) -> list[int]:
    """The letters to the person this command queued (ids), held when the hub holds letters."""
    s = ctx.session
    s.flush()
    new = rows.pending_person_ids(s, case.id) - seen
    minutes = ctx.rt.settings.service.advisor_letter_hold_minutes
    if new and minutes:
        until = ctx.now + timedelta(minutes=minutes)
        rows.hold(s, new, until, held_by, command, prior.status, prior.dump())
    return sorted(new)


def letter_views(ctx: CaseContext, ids: list[int]) -> list[dict[str, Any]]:
    """Each letter as the confirmation shows it: what, to whom, when, and its exact words."""
    views = []
    for row in rows.rows(ctx.session, ids):
        ctx.session.refresh(row)  # the hold was written with an UPDATE
        held = row.held_by is not None and row.status == OutboxStatus.PENDING
        views.append(
            {
                "name": letter_name(row.kind),
                "to": mask_address(row.to_addr),
                "when": local_time(row.next_attempt_at, _tz(ctx)) if held else "now",
                "held": held,
                "text": quoted(plain_text(row.raw)),
                "plain": plain_text(row.raw),
            }
        )
    return views


def cancel(ctx: CaseContext, case: Case, actor: str) -> Result:
    """#cancel: stop every letter still held on the case, then undo the commands that queued them."""
    s = ctx.session
    s.flush()
    waiting = rows.still_held(s, case.id)
    if not waiting:
        return Refused(_nothing_to_cancel(ctx, case))
    stopped = [r for r in waiting if r.id is not None and rows.cancel(s, r.id)]
    gone = [r for r in waiting if r not in stopped]
    _forget_timeline(s, stopped)
    names = ", ".join(f"the {letter_name(r.kind)} letter to {mask_address(r.to_addr)}" for r in stopped)
    if gone:  # delivery claimed some meanwhile: the case must say what the person was told
        store.audit(
            s, actor, "change", case.ref, f"#cancel stopped {len(stopped)} held letter(s)", now=ctx.now
        )
        went = ", ".join(f"the {letter_name(r.kind)} letter" for r in gone)
        return Done(
            f"Cancelled: {names or 'nothing'}. {went.capitalize()} had already gone, so the "
            f"case stays '{status_words(case.status)}'."
        )
    notes = _undo(ctx, case, waiting, actor)
    return Done(
        f"Cancelled: {names} will not be sent. The case is back to "
        f"'{status_words(case.status)}'." + "".join(f" {n}" for n in notes)
    )


def _nothing_to_cancel(ctx: CaseContext, case: Case) -> str:
    last = rows.latest_gone(ctx.session, case.id)
    if last is None:
        return "Nothing to cancel: no letter to the person is waiting on this case."
    name = letter_name(last.kind)
    if last.status == OutboxStatus.SENT:
        when = local_time(last.sent_at, _tz(ctx)) or "earlier"
        return f"Nothing to cancel: the {name} letter went on {when}."
    if last.status == OutboxStatus.SENDING:
        return f"Nothing to cancel: the {name} letter is being sent right now."
    if last.status == OutboxStatus.CANCELLED:
        return "Nothing to cancel: the held letters on this case were already cancelled."
    return f"Nothing to cancel: no letter is waiting (the {name} letter could not be delivered)."


def _forget_timeline(s: Session, stopped: list[OutboxItem]) -> None:
    """A stopped letter was never sent: it leaves the case timeline (the outbox row, status
    cancelled, and the audit entry keep the record)."""
    ids = [r.message_id for r in stopped]
    if ids:
        s.exec(delete(Message).where(col(Message.message_id).in_(ids), col(Message.direction) == "out"))  # type: ignore[call-overload]


def _undo(ctx: CaseContext, case: Case, waiting: list[OutboxItem], actor: str) -> list[str]:
    """Put the case back as it was before the oldest held command; say what stays changed."""
    first = waiting[0]
    prior = Before.load(first.held_undo, first.held_prior_status or case.status)
    commands = {r.held_command for r in waiting}
    notes: list[str] = []
    if "book" in commands:
        notes.append(_undo_booking(ctx, case, prior))
    if "offer-call" in commands:
        calls.release_offers(ctx.session, case)
        notes.append("The offered call times are free again.")
    status = prior.status
    if status == CaseStatus.CALL_BOOKED.value and not _active_booking(ctx.session, case):
        status = CaseStatus.IN_PROGRESS.value
        notes.append(
            "The booked call stays cancelled (calendars were told), so the case is in "
            "progress rather than call booked: use #book to book a call again."
        )
    elif prior.status == CaseStatus.CALL_OFFERED.value and commands & {"not-suitable", "withdraw"}:
        if calls.reopen_offer(ctx.session, case, ctx.now):
            notes.append("The call times offered earlier are open again: the person can still choose one.")
        else:  # expired or taken meanwhile: the case must not say an offer is waiting
            status = CaseStatus.IN_PROGRESS.value if case.advisor else CaseStatus.NEW.value
            notes.append(
                "The call times offered earlier have expired or were taken: use #offer-call "
                "to offer times again."
            )
    store.audit(
        ctx.session,
        actor,
        "change",
        case.ref,
        f"status {case.status} -> {status}: #cancel (held letters stopped)",
        now=ctx.now,
    )
    case.status, case.withdrawn_at, case.closed_at = status, prior.withdrawn_at, prior.closed_at
    case.updated_at = ctx.now
    ctx.session.add(case)
    return notes


def _active_booking(s: Session, case: Case) -> Booking | None:
    return s.exec(select(Booking).where(Booking.case_id == case.id, Booking.status == "active")).first()


def _undo_booking(ctx: CaseContext, case: Case, prior: Before) -> str:
    """A booking the held #book made is released; a call it moved goes back to its earlier time."""
    if prior.call_slot is None or _active_booking(ctx.session, case) is None:
        calls.cancel_booking(ctx, case)
        case.call_slot = None
        return "The booked time is free again (calendars were told)."
    booking = calls._claim(
        ctx.session, ctx.hub.code, case, prior.call_slot, ctx.hub.calls.slot_minutes, ctx.now
    )
    if booking is None:
        calls.cancel_booking(ctx, case)
        case.call_slot = None
        return (
            "The earlier call time was taken meanwhile, so the call is cancelled (calendars were told); "
            "the person still has the earlier confirmation: please contact them."
        )
    case.call_slot = prior.call_slot
    when = local_time(prior.call_slot, _tz(ctx))
    invite = (("invite.ics", "text/calendar", calls._invite(ctx, case, booking, "REQUEST")),)
    notify_advisors(
        ctx,
        case,
        "booking",
        f"rebook:{booking.uid}:{booking.sequence}",
        detail=when,
        to=(case.advisor,) if case.advisor else None,
        attachments=invite,
    )
    return f"The call is back at its earlier time, {when} (calendars were told)."
