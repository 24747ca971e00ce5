"""Call booking by email: offers that hold real free slots, the person's choice, invites.

Two people can never hold one slot: a booking takes a unique `slot_key` inside a savepoint, so the
second writer gets an IntegrityError and is offered fresh times instead.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from rjmail import casework
from rjmail.adapters import store
from rjmail.adapters.tables import Booking, CallOffer, Case
from rjmail.core.choice import interpret_choice
from rjmail.core.domain import CaseStatus
from rjmail.core.invite import call_invite
from rjmail.core.slots import Slot, free_slots, parse_book_time, slot_text

if TYPE_CHECKING:
    from rjmail.pipeline import Runtime
    from rjmail.settings import HubSettings


def _tz(rt: Runtime) -> ZoneInfo:
    return ZoneInfo(rt.settings.service.timezone)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))


# Invites land in shared calendars: nothing in them may say who is calling or why.
NEUTRAL_ORGANIZER = "Phone call"


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


def _offers_made(s: Session, case: Case) -> int:
    return len(s.exec(select(CallOffer.id).where(CallOffer.case_id == case.id)).all())


def release_offers(s: Session, case: Case, now: datetime) -> None:
    for offer in s.exec(select(CallOffer).where(CallOffer.case_id == case.id, CallOffer.status == "open")):
        offer.status = "released"
        s.add(offer)


def _slots_context(slots: list[Slot], tz: ZoneInfo) -> list[dict[str, object]]:
    return [{"number": i, "text": slot_text(slot, tz)} for i, slot in enumerate(slots, 1)]


def offer(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    case: Case,
    key: str,
    now: datetime,
    *,
    actor: str = "rjmail",
    kind: str = "call_offer",
    exclude: frozenset[datetime] = frozenset(),
) -> str:
    """Send `offer_count` free slots (none of `exclude`), held for `hold_hours`. Returns a line for
    the advisor."""
    release_offers(s, case, now)
    s.flush()
    taken = taken_starts(s, hub.code, now) | exclude
    slots = free_slots(hub.calls, _tz(rt), now, taken, hub.calls.offer_count)
    if not slots:
        casework.notify_advisors(s, rt, hub, case, "slot_none", key, now)
        return (
            "!There are no free call times in the hub's hours: no offer was sent. Use #book after "
            "agreeing a time, or add call hours."
        )
    s.add(
        CallOffer(
            case_id=case.id or 0,
            hub=hub.code,
            created_at=now,
            slots_json=json.dumps([x.start.isoformat() for x in slots]),
            expires_at=now + timedelta(hours=hub.calls.hold_hours),
        )
    )
    sent = casework.letter_to_person(
        s, rt, hub, case, kind, key, now, {"slots": _slots_context(slots, _tz(rt))}
    )
    if not sent:
        return "!No call offer was sent: there is no address for the person (or the case is withdrawn)."
    casework.set_status(s, case, CaseStatus.CALL_OFFERED, actor, "call offer sent", now)
    return f"A call offer with {len(slots)} times was sent for {case.ref}."


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


def _confirm_booking(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    case: Case,
    booking: Booking,
    key: str,
    now: datetime,
    actor: str,
) -> None:
    tz = _tz(rt)
    start = _aware(booking.start)
    ics = call_invite(
        method="REQUEST",
        uid=booking.uid,
        sequence=booking.sequence,
        start=start,
        minutes=booking.minutes,
        organizer=hub.calls.invite_address or hub.address,
        organizer_name=NEUTRAL_ORGANIZER,
        attendee=casework.person_address(case),
        tz=tz,
        now=now,
    )
    text = slot_text(Slot(start, start + timedelta(minutes=booking.minutes)), tz)
    case.call_slot, case.updated_at = start, now
    casework.set_status(s, case, CaseStatus.CALL_BOOKED, actor, f"call booked for {start.isoformat()}", now)
    attachment = (("invite.ics", "text/calendar", ics),)
    casework.letter_to_person(
        s,
        rt,
        hub,
        case,
        "booking_confirmation",
        key,
        now,
        {"slot_text": text, "caller": case.advisor, "phone_known": bool(case.phone),
         "invite_discreet": bool(hub.calls.invite_address)},
        attachments=attachment,
    )
    casework.notify_advisors(
        s,
        rt,
        hub,
        case,
        "booking",
        f"booking:{key}",
        now,
        detail=text,
        to=_advisor_of(case),
        attachments=attachment,
    )


def book_direct(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, when: str, key: str, now: datetime, *, actor: str
) -> str:
    start = parse_book_time(when, _tz(rt))
    if start is None:
        return f"!'{when}' is not a valid UK date and time (e.g. 2026-12-08 10:30)."
    if start <= now:
        return "!That time is in the past."
    booking = _claim(s, hub.code, case, start, hub.calls.slot_minutes, now)
    if booking is None:
        return "!That time is already booked for another case."
    release_offers(s, case, now)
    _confirm_booking(s, rt, hub, case, booking, key, now, actor)
    return (
        f"Call booked for {case.ref}: {slot_text(Slot(start, start), _tz(rt))}. Confirmation and invite sent."
    )


def on_choice(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, text: str, message_id: str, now: datetime
) -> bool:
    """A verified reply to an open offer. Returns True when it was understood as being about the call."""
    current = open_offer(s, case, now)
    if current is None:
        return False
    offered = [
        Slot(datetime.fromisoformat(x), datetime.fromisoformat(x)) for x in json.loads(current.slots_json)
    ]
    choice = interpret_choice(text, offered, _tz(rt))
    key = f"choice:{message_id}"
    if choice.kind == "slot" and choice.number:
        return _take(s, rt, hub, case, current, offered[choice.number - 1].start, key, now)
    if choice.kind in ("none", "other_times"):
        # Asked for other times: one fresh offer without the times they could not do.
        again = choice.kind == "other_times" and _offers_made(s, case) < 2
        detail = (
            "The person asked for other times; a second offer was sent."
            if again
            else "The person said none of the offered times suit them."
        )
        casework.notify_advisors(s, rt, hub, case, "times_declined", key, now, detail=detail)
        if again:
            offer(s, rt, hub, case, f"reoffer:{key}", now, exclude=frozenset(x.start for x in offered))
        return True
    if choice.kind == "unclear" and not current.clarified:
        current.clarified = True
        s.add(current)
        casework.letter_to_person(
            s, rt, hub, case, "clarify_choice", key, now, {"slots": _slots_context(offered, _tz(rt))}
        )
        return True
    return False


def _take(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    case: Case,
    current: CallOffer,
    start: datetime,
    key: str,
    now: datetime,
) -> bool:
    current.status = "taken"
    s.add(current)
    s.flush()
    booking = _claim(s, hub.code, case, start, hub.calls.slot_minutes, now)
    if booking is None:  # taken meanwhile by someone else: apologise and offer fresh times
        offer(s, rt, hub, case, f"retake:{key}", now, kind="slot_taken")
        return True
    _confirm_booking(s, rt, hub, case, booking, key, now, "rjmail")
    return True


def cancel_booking(s: Session, rt: Runtime, hub: HubSettings, case: Case, now: datetime) -> None:
    """Free the case's slot and send advisors a METHOD:CANCEL so their calendars drop the call.
    The person gets no separate mail: after a withdrawal they asked for silence."""
    booking = s.exec(select(Booking).where(Booking.case_id == case.id, Booking.status == "active")).first()
    if booking is None:
        return
    booking.status, booking.slot_key, booking.sequence = "cancelled", None, booking.sequence + 1
    s.add(booking)
    store.audit(s, "rjmail", "change", case.ref, "booked call cancelled", now=now)
    ics = call_invite(
        method="CANCEL",
        uid=booking.uid,
        sequence=booking.sequence,
        start=_aware(booking.start),
        minutes=booking.minutes,
        organizer=hub.calls.invite_address or hub.address,
        organizer_name=NEUTRAL_ORGANIZER,
        attendee=casework.person_address(case),
        tz=_tz(rt),
        now=now,
    )
    casework.notify_advisors(
        s,
        rt,
        hub,
        case,
        "booking",
        f"cancel:{booking.uid}:{booking.sequence}",
        now,
        detail="The booked call is cancelled.",
        to=_advisor_of(case),
        attachments=(("cancel.ics", "text/calendar", ics),),
    )


def due_reminders(s: Session, rt: Runtime, hub: HubSettings, now: datetime) -> int:
    """Queue the single reminder for bookings starting within `reminder_hours`."""
    hours = hub.calls.reminder_hours
    if not hours:
        return 0
    sent = 0
    rows = s.exec(
        select(Booking).where(
            Booking.hub == hub.code, Booking.status == "active", col(Booking.reminder_sent).is_(False)
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
        text = slot_text(Slot(start, start + timedelta(minutes=booking.minutes)), _tz(rt))
        context = {"slot_text": text, "caller": case.advisor, "phone_known": bool(case.phone)}
        key = f"reminder:{booking.uid}:{booking.sequence}"
        sent += casework.letter_to_person(s, rt, hub, case, "reminder", key, now, context)
    return sent
