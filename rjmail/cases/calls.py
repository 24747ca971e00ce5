"""Call booking by email: offers that hold real free slots, the person's choice, invites, reminders.

Two people can never hold one slot: a booking takes a unique `slot_key` inside a savepoint, so the
second writer gets an IntegrityError and is offered fresh times instead.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from rjmail.adapters import store
from rjmail.adapters.offers import offered_starts
from rjmail.adapters.tables import Booking, CallOffer, Case
from rjmail.cases import arrange
from rjmail.cases.casework import (
    can_write_to_person,
    letter_to_person,
    no_letter_reason,
    notify_advisors,
    person_address,
    set_status,
)
from rjmail.cases.context import CaseContext
from rjmail.cases.outcomes import ChoiceOutcome, Done, Refused, Result
from rjmail.core.choice import interpret_choice
from rjmail.core.domain import CaseStatus
from rjmail.core.invite import call_invite
from rjmail.core.slots import Slot, free_slots, parse_book_time, slot_text
from rjmail.core.windows import describe_windows, mentions, times_unclear, windows_from_json, within_windows
from rjmail.core.wishes import rules_out_times

# Invites land in shared calendars: nothing in them may say who is calling or why.
NEUTRAL_ORGANIZER = "Phone call"


def _tz(ctx: CaseContext) -> ZoneInfo:
    return ZoneInfo(ctx.rt.settings.service.timezone)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))


def _advisor_of(case: Case) -> tuple[str, ...] | None:
    """Bookings go to the case's advisor when one is assigned, else to the notify list."""
    return (case.advisor,) if case.advisor else None


def taken_starts(s: Session, hub: str, now: datetime) -> set[datetime]:
    """Starts already booked, or held by an offer that has not expired."""
    taken = {
        _aware(b.start)
        for b in s.exec(select(Booking).where(Booking.hub == hub, Booking.status == "active")).all()
    }
    for offer in s.exec(select(CallOffer).where(CallOffer.hub == hub, CallOffer.status == "open")).all():
        if _aware(offer.expires_at) > now:
            taken |= {datetime.fromisoformat(x) for x in json.loads(offer.slots_json)}
    return taken


def open_offer(s: Session, case: Case, now: datetime) -> CallOffer | None:
    offer = s.exec(
        select(CallOffer)
        .where(CallOffer.case_id == case.id, CallOffer.status == "open")
        .order_by(col(CallOffer.id).desc())
    ).first()
    if offer is not None and _aware(offer.expires_at) <= now:
        offer.status = "expired"
        s.add(offer)
        return None
    return offer


MAX_OFFERS = 3  # after this many offers, advisors arrange the time themselves


def _offers_made(s: Session, case: Case) -> int:
    return len(s.exec(select(CallOffer.id).where(CallOffer.case_id == case.id)).all())


def release_offers(s: Session, case: Case) -> None:
    for offer in s.exec(select(CallOffer).where(CallOffer.case_id == case.id, CallOffer.status == "open")):
        offer.status = "released"
        s.add(offer)


def reopen_offer(s: Session, case: Case, now: datetime) -> bool:
    """Undo a release (an advisor's #cancel): the case's latest offer is open again when it has not
    expired and none of its times was taken meanwhile by another case."""
    last = s.exec(
        select(CallOffer).where(CallOffer.case_id == case.id).order_by(col(CallOffer.id).desc())
    ).first()
    if last is None or last.status != "released" or _aware(last.expires_at) <= now:
        return False
    if {datetime.fromisoformat(x) for x in json.loads(last.slots_json)} & taken_starts(s, last.hub, now):
        return False
    last.status = "open"
    s.add(last)
    return True


def _slots_context(slots: list[Slot], tz: ZoneInfo) -> list[dict[str, object]]:
    return [{"number": i, "text": slot_text(slot, tz)} for i, slot in enumerate(slots, 1)]


def offer(
    ctx: CaseContext,
    case: Case,
    key: str,
    *,
    actor: str = "rjmail",
    kind: str = "call_offer",
    exclude: frozenset[datetime] = frozenset(),
) -> Result:
    """Send `offer_count` free slots inside the person's call windows, none of them ever offered on
    this case before (nor `exclude`), held for `hold_hours` (SPEC section 3)."""
    barred = arrange.barred(ctx, case, key, automatic=actor == "rjmail")
    if barred is not None:
        return barred
    s, hub, now = ctx.session, ctx.hub, ctx.now
    if not can_write_to_person(case):  # before holding slots nobody will be offered
        return Refused(f"No call offer was sent. {no_letter_reason(case)}")
    release_offers(s, case)
    s.flush()
    windows = windows_from_json(case.call_windows)
    taken = taken_starts(s, hub.code, now) | exclude | set(offered_starts(s, case))
    slots = free_slots(hub.calls, _tz(ctx), now, taken, hub.calls.offer_count, windows=windows)
    if not slots:
        return arrange.no_slot(ctx, case, key, windows, automatic=actor == "rjmail")
    s.add(
        CallOffer(
            case_id=case.id or 0,
            hub=hub.code,
            created_at=now,
            slots_json=json.dumps([x.start.isoformat() for x in slots]),
            expires_at=now + timedelta(hours=hub.calls.hold_hours),
        )
    )
    wish = describe_windows(windows) if windows else None
    context = {
        "slots": _slots_context(slots, _tz(ctx)),
        "wish_text": wish,
        "wish_windows": [w.as_json() for w in windows] if windows else None,  # said again in their language
    }
    if not letter_to_person(ctx, case, kind, key, context):
        return Refused(f"No call offer was sent. {no_letter_reason(case)}")
    set_status(ctx, case, CaseStatus.CALL_OFFERED, actor, "call offer sent")
    return Done(f"A call offer with {len(slots)} times was sent for {case.ref}.")


def _claim(s: Session, hub: str, case: Case, start: datetime, minutes: int, now: datetime) -> Booking | None:
    """Book `start` for this case, or None when someone else holds it."""
    current = s.exec(select(Booking).where(Booking.case_id == case.id, Booking.status == "active")).first()
    key = f"{hub}:{start.isoformat()}"
    if current is not None and current.slot_key == key:
        return current
    try:
        with s.begin_nested():
            if current is not None:  # rearranging: same UID, higher SEQUENCE
                current.slot_key, current.start = key, start
                current.sequence += 1
                s.add(current)
                s.flush()
                return current
            booking = Booking(
                case_id=case.id or 0,
                hub=hub,
                start=start,
                minutes=minutes,
                created_at=now,
                uid=f"call-{hashlib.sha256(f'{case.ref}:{now.isoformat()}'.encode()).hexdigest()[:20]}@rjmail",
                slot_key=key,
            )
            s.add(booking)
            s.flush()
            return booking
    except IntegrityError:
        return None


def _invite(ctx: CaseContext, case: Case, booking: Booking, method: str) -> bytes:
    return call_invite(
        method=method,
        uid=booking.uid,
        sequence=booking.sequence,
        start=_aware(booking.start),
        minutes=booking.minutes,
        organizer=ctx.hub.calls.invite_address or ctx.hub.address,
        organizer_name=NEUTRAL_ORGANIZER,
        attendee=person_address(case),
        tz=_tz(ctx),
        now=ctx.now,
    )


def _confirm_booking(
    ctx: CaseContext, case: Case, booking: Booking, key: str, actor: str, summary: str | None = None
) -> bool:
    start = _aware(booking.start)
    text = slot_text(Slot(start, start + timedelta(minutes=booking.minutes)), _tz(ctx))
    case.call_slot, case.updated_at = start, ctx.now
    set_status(ctx, case, CaseStatus.CALL_BOOKED, actor, f"call booked for {start.isoformat()}")
    attachment = (("invite.ics", "text/calendar", _invite(ctx, case, booking, "REQUEST")),)
    context = {
        "slot_text": text,
        "caller": case.advisor,
        "phone_known": bool(case.phone),
        "invite_discreet": bool(ctx.hub.calls.invite_address),
    }
    sent = letter_to_person(ctx, case, "booking_confirmation", key, context, attachments=attachment)
    detail = text if sent else f"{text}. {no_letter_reason(case)}"
    notify_advisors(
        ctx,
        case,
        "booking",
        f"booking:{key}",
        detail=detail,
        summary=summary,
        to=_advisor_of(case),
        attachments=attachment,
    )
    return sent


def book_direct(ctx: CaseContext, case: Case, when: str, key: str, *, actor: str) -> Result:
    start = parse_book_time(when, _tz(ctx))
    if start is None:
        return Refused(f"'{when}' is not a valid UK date and time (e.g. 2026-12-08 10:30).")
    if start <= ctx.now:
        return Refused("That time is in the past.")
    booking = _claim(ctx.session, ctx.hub.code, case, start, ctx.hub.calls.slot_minutes, ctx.now)
    if booking is None:
        return Refused("That time is already booked for another case.")
    release_offers(ctx.session, case)
    sent = _confirm_booking(ctx, case, booking, key, actor)
    when_text = slot_text(Slot(start, start), _tz(ctx))
    told = "The confirmation and invite to the person are below." if sent else no_letter_reason(case)
    warning = f" Please note: {arrange.EMAIL_ONLY_REASON}." if case.email_only else ""
    return Done(f"Call booked for {case.ref}: {when_text}. {told}{warning}")


def on_choice(ctx: CaseContext, case: Case, text: str, message_id: str) -> ChoiceOutcome:
    """A verified reply about a call offer: book the chosen time, offer others (inside any new wish
    the reply stated, which rjmail.cases.wishes has applied already), ask once which, or answer a
    choice on an offer that is no longer open. The advisors' one notice about it quotes the reply
    (it may say more than "2")."""
    key = f"choice:{message_id}"
    current = open_offer(ctx.session, case, ctx.now)
    if current is None or case.status != CaseStatus.CALL_OFFERED.value:
        return _dead_choice(ctx, case, text, key)
    offered = _offer_slots(current)
    choice = interpret_choice(text, offered, _tz(ctx))
    if choice.kind == "slot" and choice.number:
        start = offered[choice.number - 1].start
        # "Thursdays are out now", "my partner is at home on Wednesdays now": the day it names is the
        # one ruled out, never a pick. Other times inside the wishes as they now stand, or, when those
        # are unclear, the kind call_arrange letter; the advisors' notice quotes the reply.
        wanted = _still_wanted(ctx, case, start, text)
        return (
            _take(ctx, case, current, start, key, text)
            if wanted
            else _none_suit(ctx, case, key, text, again=True)
        )
    if mentions(text, case.letter_language or "en"):  # "None of these, mornings are better"
        return _none_suit(ctx, case, key, text, again=True)
    if choice.kind in ("none", "other_times"):
        return _none_suit(ctx, case, key, text, again=choice.kind == "other_times")
    if choice.kind == "unclear" and not current.clarified:
        current.clarified = True
        ctx.session.add(current)
        context = {"slots": _slots_context(offered, _tz(ctx))}
        letter_to_person(ctx, case, "clarify_choice", key, context)
        return ChoiceOutcome.CLARIFY
    return ChoiceOutcome.NOT_ABOUT_CALL


def _still_wanted(ctx: CaseContext, case: Case, start: datetime, text: str) -> bool:
    """The chosen slot still fits what the person wants, after the reply's own wishes were applied
    (rjmail.cases.wishes runs first): their windows hold it, their times are not now unclear, and
    the reply rules no time out."""
    windows = windows_from_json(case.call_windows)
    if times_unclear(case.call_times, windows) or rules_out_times(text, case.letter_language or "en"):
        return False
    return bool(within_windows([start], ctx.hub.calls.slot_minutes, windows, _tz(ctx)))


def _offer_slots(row: CallOffer) -> list[Slot]:
    return [Slot(datetime.fromisoformat(x), datetime.fromisoformat(x)) for x in json.loads(row.slots_json)]


def _dead_choice(ctx: CaseContext, case: Case, text: str, key: str) -> ChoiceOutcome:
    """A slot number for an offer that is gone (on hold, expired, released): never silence."""
    last = ctx.session.exec(
        select(CallOffer).where(CallOffer.case_id == case.id).order_by(col(CallOffer.id).desc())
    ).first()
    if last is None or case.status == CaseStatus.CALL_BOOKED.value:
        return ChoiceOutcome.NOT_ABOUT_CALL  # nothing was offered, or a call is booked: advisors read it
    offered = _offer_slots(last)
    choice = interpret_choice(text, offered, _tz(ctx))
    if choice.kind != "slot" or not choice.number:
        return ChoiceOutcome.NOT_ABOUT_CALL
    when = slot_text(offered[choice.number - 1], _tz(ctx))
    why = arrange.dead_reason(case.status, last.status, _aware(last.expires_at), ctx.now)
    arrange.closed_choice(ctx, case, choice.number, when, why, key, text)
    return ChoiceOutcome.OFFER_CLOSED


def _none_suit(ctx: CaseContext, case: Case, key: str, summary: str, *, again: bool) -> ChoiceOutcome:
    """Asked for other times: a fresh offer (never a time offered before, inside their windows)."""
    again = again and _offers_made(ctx.session, case) < MAX_OFFERS
    detail = (
        "The person asked for other times; a new offer was sent if any free time fits their wishes."
        if again
        else "The person said none of the offered times suit them."
    )
    notify_advisors(ctx, case, "times_declined", key, detail=detail, summary=summary)
    if not again:
        return ChoiceOutcome.NONE_SUIT
    offer(ctx, case, f"reoffer:{key}")
    return ChoiceOutcome.REOFFERED


def _take(
    ctx: CaseContext, case: Case, current: CallOffer, start: datetime, key: str, summary: str
) -> ChoiceOutcome:
    current.status = "taken"
    ctx.session.add(current)
    ctx.session.flush()
    booking = _claim(ctx.session, ctx.hub.code, case, start, ctx.hub.calls.slot_minutes, ctx.now)
    if booking is None:  # taken meanwhile by someone else: apologise and offer fresh times
        offer(ctx, case, f"retake:{key}", kind="slot_taken")
        return ChoiceOutcome.SLOT_TAKEN
    _confirm_booking(ctx, case, booking, key, "rjmail", summary)
    return ChoiceOutcome.BOOKED


def cancel_booking(ctx: CaseContext, case: Case) -> None:
    """Free the case's slot and send advisors a METHOD:CANCEL so their calendars drop the call.
    The person gets no separate mail: after a withdrawal they asked for silence."""
    s = ctx.session
    booking = s.exec(select(Booking).where(Booking.case_id == case.id, Booking.status == "active")).first()
    if booking is None:
        return
    booking.status, booking.slot_key, booking.sequence = "cancelled", None, booking.sequence + 1
    s.add(booking)
    store.audit(s, "rjmail", "change", case.ref, "booked call cancelled", now=ctx.now)
    notify_advisors(
        ctx,
        case,
        "booking",
        f"cancel:{booking.uid}:{booking.sequence}",
        detail="The booked call is cancelled.",
        to=_advisor_of(case),
        attachments=(("cancel.ics", "text/calendar", _invite(ctx, case, booking, "CANCEL")),),
    )


def due_reminders(ctx: CaseContext) -> int:
    """Queue the single reminder for bookings starting within `reminder_hours`."""
    hours = ctx.hub.calls.reminder_hours
    if not hours:
        return 0
    s, now = ctx.session, ctx.now
    sent = 0
    rows = s.exec(
        select(Booking).where(
            Booking.hub == ctx.hub.code, Booking.status == "active", col(Booking.reminder_sent).is_(False)
        )
    ).all()
    for booking in rows:
        start = _aware(booking.start)
        if not now < start <= now + timedelta(hours=hours):
            continue
        booking.reminder_sent = True
        s.add(booking)
        case = s.get(Case, booking.case_id)
        if case is None or case.status != CaseStatus.CALL_BOOKED.value:
            continue
        text = slot_text(Slot(start, start + timedelta(minutes=booking.minutes)), _tz(ctx))
        context = {"slot_text": text, "caller": case.advisor, "phone_known": bool(case.phone)}
        key = f"reminder:{booking.uid}:{booking.sequence}"
        sent += letter_to_person(ctx, case, "reminder", key, context)
    return sent
