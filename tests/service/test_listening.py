"""Listening to the person (SPEC section 3, issue 11), on SQLite without mail servers: call windows
bind the offers, the newest wish wins, no voicemail is said back, email only means no offer, and a
choice on a closed offer is answered."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from rjmail.adapters.tables import AuditEntry, Booking, CallOffer, OutboxItem
from rjmail.cases import calls
from rjmail.cases.outcomes import Done, Refused
from rjmail.core.choice import interpret_choice
from rjmail.core.slots import Slot
from rjmail.reports import case_json
from tests.service.conftest import ADVISOR, PERSON, Desk
from tests.service.test_case_operations import desk_case

LONDON = ZoneInfo("Europe/London")
WEEK = ("mon", "tue", "wed", "thu", "fri")
EVENINGS = (
    "[hubs.calls]\nslot_minutes = 30\noffer_count = 3\nmin_notice_hours = 24\nhours = { "
    + ", ".join(f'{d} = ["09:00-12:00", "13:00-16:00", "17:30-20:00"]' for d in WEEK)
    + " }\n"
)
AFTER_SIX = (
    "Hello,\n\nSomeone broke into my shed. Please call me on 07700 900321. Only after 6pm on "
    "weekdays please. Please don't leave a voicemail.\n\nThanks,\nRobin"
)


def offered(desk: Desk, index: int = -1) -> list[datetime]:
    """The local starts of one call offer (the latest by default)."""
    with Session(desk.rt.engine) as s:
        rows = s.exec(select(CallOffer).order_by(col(CallOffer.id))).all()
    return [datetime.fromisoformat(x).astimezone(LONDON) for x in json.loads(rows[index].slots_json)]


def notification(desk: Desk, event_heading: str) -> str:
    texts = [desk.text(n) for n in desk.letters() if n.kind == "notification"]
    found = [t for t in texts if event_heading in t]
    assert found, f"no notification with {event_heading!r}"
    return found[-1]


def test_after_six_on_weekdays_to_a_hub_with_evening_sessions_offers_only_weekday_evenings(tmp_path: Path):
    desk = Desk(tmp_path, calls=EVENINGS)
    ref = desk.refer(AFTER_SIX)

    assert desk.kinds(PERSON) == ["acknowledgement", "call_offer"]
    starts = offered(desk)
    assert len(starts) == 3
    assert all(s.weekday() < 5 and (s.hour, s.minute) >= (18, 0) for s in starts)
    letter = desk.text(desk.latest("call_offer"))
    assert "We will not leave a voicemail." in letter
    assert "weekday evenings after 6pm" in letter
    for kind in ("acknowledgement", "call_offer"):
        assert "leave a message" not in desk.text(desk.latest(kind))
    case = desk.case(ref)
    assert case.voicemail_ok is False
    assert json.loads(case.call_windows or "") == [{"days": list(WEEK), "from": "18:00", "to": "21:00"}]


def test_none_of_these_thursday_keeps_after_six_and_never_offers_a_thursday_morning(tmp_path: Path):
    """A later message that names a day but no hours keeps the hours the person gave before: the
    "after 6pm" may be there for their safety (SPEC section 3: wishes are a safety matter)."""
    desk = Desk(tmp_path, calls=EVENINGS)
    ref = desk.refer(AFTER_SIX)
    first = offered(desk)

    desk.person_reply("None of these, sorry. Thursday would be better.", desk.latest("call_offer"))

    second = offered(desk)
    assert desk.kinds(PERSON).count("call_offer") == 2 and len(second) == 3
    assert all(s.weekday() == 3 and (s.hour, s.minute) >= (18, 0) for s in second)
    assert not set(first) & set(second)
    case = desk.case(ref)
    assert json.loads(case.call_windows or "") == [{"days": ["thu"], "from": "18:00", "to": "21:00"}]
    assert case.call_times == "Thursday" and case.voicemail_ok is False


def test_none_of_these_ring_me_when_im_back_sends_no_new_offer_and_advisors_see_the_words(tmp_path: Path):
    """A decline with a time rjmail cannot place ("when I'm back") leaves no windows: an offer picked
    now could fall while the person is away, so advisors arrange the call by hand."""
    desk = Desk(tmp_path, calls=EVENINGS)
    ref = desk.refer(AFTER_SIX)
    assert desk.kinds(PERSON).count("call_offer") == 1

    desk.person_reply(
        "Sorry, none of these. I'm away next week, can you try me when I'm back?", desk.latest("call_offer")
    )

    case = desk.case(ref)
    assert case.call_windows is None and "when I'm back" in (case.call_times or "")
    assert desk.kinds(PERSON).count("call_offer") == 1
    assert "cannot read safely as times" in notification(desk, "No call times free")


def test_cant_do_tuesdays_any_more_takes_tuesday_away_and_adds_no_weekend(tmp_path: Path):
    """Words that only exclude narrow what the person allowed before; they never add days."""
    desk = Desk(tmp_path, calls=EVENINGS)
    ref = desk.refer(AFTER_SIX)

    desk.person_reply(
        "cant do tuesdays any more for the call, ive started an evening class", desk.latest("call_offer")
    )

    windows = json.loads(desk.case(ref).call_windows or "")
    assert windows == [{"days": ["mon", "wed", "thu", "fri"], "from": "18:00", "to": "21:00"}]


def test_after_six_to_a_daytime_hub_sends_no_offer_but_a_kind_letter_and_names_the_conflict(desk: Desk):
    ref = desk.refer(AFTER_SIX)

    assert desk.kinds(PERSON) == ["acknowledgement", "call_arrange"]
    kind_letter = desk.text(desk.latest("call_arrange"))
    assert "arrange a time that suits you" in kind_letter
    assert "We will not leave a voicemail." in kind_letter
    assert "999" in kind_letter and '"stop"' in kind_letter
    told = notification(desk, "No call times free")
    assert "Mon–Fri 18:00–21:00" in told and "Mon 09:00-17:00" in told
    assert f'their words: "{desk.case(ref).call_times}"' in " ".join(told.split())
    assert "NO VOICEMAIL" in told
    with Session(desk.rt.engine) as s:
        assert s.exec(select(CallOffer)).all() == []
    assert desk.case(ref).status == "new"


def test_not_on_wednesdays_never_offers_a_wednesday(tmp_path: Path):
    desk = Desk(tmp_path)
    desk.refer("Hello,\n\nPlease call me. I am usually in during the day but not on Wednesdays.\n\nRobin")

    starts = offered(desk)
    assert starts and all(s.weekday() != 2 for s in starts)


def test_afternoons_gives_only_afternoon_slots(desk: Desk):
    desk.refer("Hello,\n\nPlease ring me, I'm free in the afternoons.\n\nRobin")

    starts = offered(desk)
    assert len(starts) == 3 and all(s.hour >= 12 for s in starts)


def test_none_of_these_mornings_are_better_reoffers_mornings_and_repeats_nothing(desk: Desk):
    ref = desk.refer("Hello,\n\nPlease call me on 07700 900321.\n\nRobin")
    first = offered(desk)

    desk.person_reply("None of these, mornings are better", desk.latest("call_offer"))

    second = offered(desk)
    assert desk.kinds(PERSON).count("call_offer") == 2
    assert len(second) == 3 and all(s.hour < 12 for s in second)
    assert not set(first) & set(second)
    data = desk.run(lambda ctx: case_json(ctx.session, desk_case(ctx, ref)))
    assert data["call_windows"] == [
        {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "09:00", "to": "12:00"}
    ]
    assert [datetime.fromisoformat(x) for x in data["offered_slots"]] == first + second


def test_a_reoffer_never_repeats_any_slot_ever_offered(desk: Desk):
    ref = desk.refer("Hello,\n\nPlease call me.\n\nRobin")
    desk.person_reply("None of these, afternoons are better", desk.latest("call_offer"))
    desk.person_reply("Sorry, none of these either. Could you do mornings?", desk.latest("call_offer"))

    data = desk.run(lambda ctx: case_json(ctx.session, desk_case(ctx, ref)))
    assert len(data["offered_slots"]) == 9 == len(set(data["offered_slots"]))


def test_email_only_gets_no_offer_even_when_an_advisor_asks(desk: Desk):
    ref = desk.refer("Hello,\n\nPlease only email me, he checks my phone.\n\nRobin")
    assert desk.case(ref).email_only is True and desk.case(ref).wants_call is False

    desk.advisor_reply("#offer-call")

    assert "call_offer" not in desk.kinds(PERSON)
    result = desk.text(desk.letters(ADVISOR)[-1])
    assert "the person asked to be contacted by email only" in result
    assert "EMAIL ONLY" in notification(desk, "New referral")


def test_book_on_an_email_only_case_works_and_warns_the_advisor(desk: Desk):
    ref = desk.refer("Hello,\n\nEmail only please.\n\nRobin")
    result = desk.run(
        lambda ctx: calls.book_direct(
            ctx, desk_case(ctx, ref), "2026-12-09 10:00", "book:t", actor=f"advisor:{ADVISOR}"
        )
    )

    assert isinstance(result, Done) and "email only" in result.message
    assert desk.case(ref).status == "call_booked"


def test_i_would_welcome_a_telephone_call_is_a_call_request(desk: Desk):
    ref = desk.refer("Hello,\n\nI would welcome a telephone call to discuss this.\n\nRobin")

    assert desk.case(ref).wants_call is True
    assert desk.kinds(PERSON) == ["acknowledgement", "call_offer"]


def test_one_please_on_an_on_hold_case_is_answered_and_books_nothing(desk: Desk):
    ref = desk.refer("Hello,\n\nPlease call me.\n\nRobin")
    offer_letter = desk.latest("call_offer")
    desk.advisor_reply("#hold waiting for the court date")

    desk.person_reply("1 please", offer_letter)

    assert desk.kinds(PERSON)[-1] == "offer_closed"
    assert "we have not booked a call" in desk.text(desk.latest("offer_closed"))
    told = notification(desk, "no longer open")
    assert "The person chose 1 (" in told and "on hold" in told and "nothing was booked" in told
    with Session(desk.rt.engine) as s:
        assert s.exec(select(Booking)).all() == []
    assert desk.case(ref).status == "on_hold"


def test_a_choice_on_an_expired_offer_is_answered_and_advisors_told_it_expired(desk: Desk):
    desk.refer("Hello,\n\nPlease call me.\n\nRobin")
    desk.now += timedelta(hours=80)  # past hold_hours (72)

    desk.person_reply("2", desk.latest("call_offer"))

    assert desk.kinds(PERSON)[-1] == "offer_closed"
    assert "from an offer that has expired; nothing was booked" in notification(desk, "no longer open")


def test_unclear_call_times_send_no_automatic_offer_and_advisors_see_the_words(desk: Desk):
    ref = desk.refer("Hello,\n\nPlease call me, tomorrow morning would be good.\n\nRobin")

    assert desk.case(ref).call_times and desk.case(ref).call_windows is None
    assert "call_offer" not in desk.kinds(PERSON)
    assert "cannot read safely as times" in notification(desk, "No call times free")


def test_a_later_message_updates_the_wishes_audits_it_and_the_notification_shows_it(desk: Desk):
    ref = desk.refer()
    assert desk.case(ref).voicemail_ok is None

    words = "Please don't leave a voicemail, and evenings are best."
    desk.person_reply(words, desk.latest("acknowledgement"))

    case = desk.case(ref)
    assert case.voicemail_ok is False and case.call_windows is not None
    assert "NO VOICEMAIL" in notification(desk, "New message")
    with Session(desk.rt.engine) as s:
        audit = [a.reason for a in s.exec(select(AuditEntry).where(AuditEntry.case_ref == ref))]
    changed = [r for r in audit if r.startswith("contact wishes updated")]
    assert changed and "voicemail_ok" in changed[0] and "call_windows" in changed[0]
    assert "evenings" not in " ".join(changed)  # metadata only, never the words


def test_a_message_from_another_address_changes_no_wishes(desk: Desk):
    ref = desk.refer("Hello,\n\nEmail only please.\n\nRobin")
    desk.person_reply(
        "Please call me any time, voicemail is fine.",
        desk.latest("acknowledgement"),
        frm="someone-else@example.net",
    )

    assert desk.case(ref).email_only is True and desk.case(ref).voicemail_ok is None


@pytest.mark.parametrize("kind", ["call_arrange", "offer_closed"])
def test_the_new_letters_are_person_letters_on_the_timeline(desk: Desk, kind: str):
    desk.refer(AFTER_SIX if kind == "call_arrange" else "Hello,\n\nPlease call me.\n\nRobin")
    if kind == "offer_closed":
        offer_letter = desk.latest("call_offer")
        desk.advisor_reply("#hold")
        desk.person_reply("option 2", offer_letter)
    with Session(desk.rt.engine) as s:
        rows = s.exec(select(OutboxItem).where(OutboxItem.kind == kind)).all()
    assert [r.to_addr for r in rows] == [PERSON]


def test_an_advisor_offer_on_a_case_without_windows_is_refused_with_no_free_times(tmp_path: Path):
    desk = Desk(tmp_path, calls="")
    ref = desk.refer()
    result = desk.run(
        lambda ctx: calls.offer(ctx, desk_case(ctx, ref), "offer:t", actor=f"advisor:{ADVISOR}")
    )
    assert isinstance(result, Refused) and "call_arrange" not in desk.kinds(PERSON)


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _single_day(starts: list[datetime]) -> datetime:
    """An offered slot whose weekday no other offered slot shares (a day name picks it alone)."""
    days = [s.weekday() for s in starts]
    return next(s for s in starts if days.count(s.weekday()) == 1)


@pytest.mark.parametrize(
    ("reply", "then"),
    [
        ("{day}s are out now I'm afraid, I've started a course on a {day}.", "call_offer"),
        ("Thanks. My partner is at home on {day}s now.", "call_arrange"),
    ],
)
def test_a_reply_that_rules_a_day_out_never_books_that_day(desk: Desk, reply: str, then: str):
    """Found trying rjmail as a new user: "Thursdays are out now" named the offered Thursday and the
    choice reader booked it. A reply that rules a time out, or says who is home when, is never a
    pick: new times inside the wishes as they now stand, or, when those are unclear, the kind
    call_arrange letter, and the advisors read the reply."""
    ref = desk.refer("Hello,\n\nPlease call me on 07700 900321.\n\nRobin")
    starts = offered(desk)
    slot = _single_day(starts)
    day = DAY_NAMES[slot.weekday()]
    text = reply.format(day=day)
    slots = [Slot(s, s) for s in starts]
    assert interpret_choice(text, slots, LONDON).kind == "slot"  # the reader alone would pick it

    desk.person_reply(text, desk.latest("call_offer"))

    with Session(desk.rt.engine) as s:
        assert s.exec(select(Booking)).all() == []
    assert "booking_confirmation" not in desk.kinds(PERSON)
    assert desk.kinds(PERSON)[-1] == then
    if then == "call_offer":
        assert all(s.weekday() != slot.weekday() for s in offered(desk))
    assert desk.case(ref).status != "call_booked"
