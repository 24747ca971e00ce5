"""Case operations on SQLite, without mail servers: referral, reply, withdrawal, advisor commands,
call offers and choices, each checked by the rows it leaves behind."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from rjmail.adapters import store
from rjmail.adapters.tables import Booking, CallOffer, Case
from rjmail.cases import advisor, calls
from rjmail.cases.context import CaseContext
from rjmail.cases.outcomes import ChoiceOutcome, Done, Refused
from rjmail.core.domain import Action, CaseStatus, FollowUp, InboundMail
from rjmail.core.parse import parse
from tests.service.conftest import ADVISOR, CALL_ME, PERSON, Desk
from tests.support import referral


def test_a_new_referral_opens_a_case_acknowledges_and_tells_the_advisors(desk: Desk):
    """One message in: a case, its referral on the timeline, an acknowledgement and a notification."""
    filed = desk.receive(referral(PERSON, "rj-nor@example.org", name="Robin Testperson"))

    assert filed.action == Action.NEW_CASE
    assert filed.case is not None and filed.case.ref == "RJ-NOR-2026-0001"
    assert desk.case(filed.case.ref).status == CaseStatus.NEW
    assert desk.timeline(filed.case.ref) == [("in", "referral"), ("out", "acknowledgement")]
    assert desk.kinds() == ["acknowledgement", "notification"]
    assert desk.letters(PERSON)[0].kind == "acknowledgement"


def test_a_referral_asking_for_a_call_is_offered_times_after_the_acknowledgement(desk: Desk):
    """wants_call: the follow-up sends a call offer that holds three real slots."""
    ref = desk.refer(CALL_ME)

    assert desk.kinds(PERSON) == ["acknowledgement", "call_offer"]
    assert desk.case(ref).status == CaseStatus.CALL_OFFERED
    with Session(desk.rt.engine) as s:
        offers = s.exec(select(CallOffer)).all()
    assert [o.status for o in offers] == ["open"]


def test_the_same_message_twice_is_a_duplicate_and_sends_nothing_more(desk: Desk):
    """Message-ID dedup: filing the same bytes again changes nothing."""
    raw = referral(PERSON, "rj-nor@example.org", name="Robin Testperson")
    first = desk.receive(raw)
    letters = desk.kinds()

    again = desk.receive(raw)

    assert again.action == Action.DUPLICATE
    assert again.case is not None and first.case is not None and again.case.ref == first.case.ref
    assert desk.kinds() == letters


def test_a_reply_from_the_person_goes_on_the_timeline_and_only_advisors_hear(desk: Desk):
    """A plain reply: timeline entry, a notification to advisors, no automatic letter to the person."""
    ref = desk.refer()
    filed = desk.person_reply("Thank you, Tuesdays are best for me.", desk.latest("acknowledgement"))

    assert filed.action == Action.TIMELINE
    assert filed.decision is not None and filed.decision.follow_up is None
    assert desk.timeline(ref)[-1] == ("in", "reply")
    assert desk.kinds(PERSON) == ["acknowledgement"]
    assert desk.kinds()[-1] == "notification"


def test_withdrawing_by_reply_confirms_once_and_then_keeps_silent(desk: Desk):
    """A verified 'stop': status withdrawn, one confirmation, and later replies get no letter."""
    ref = desk.refer()
    filed = desk.person_reply("Please stop, I do not want to go ahead.", desk.latest("acknowledgement"))

    assert filed.decision is not None and filed.decision.follow_up == FollowUp.WITHDRAW
    case = desk.case(ref)
    assert case.status == CaseStatus.WITHDRAWN and case.withdrawn_at is not None
    assert desk.kinds(PERSON) == ["acknowledgement", "withdrawal_confirmation"]

    desk.person_reply("One more thing to say.", desk.latest("withdrawal_confirmation"))
    assert desk.kinds(PERSON) == ["acknowledgement", "withdrawal_confirmation"]


def test_a_withdrawal_from_an_address_not_on_the_case_changes_nothing(desk: Desk):
    """Precision first: an unknown sender cannot withdraw someone else's case."""
    ref = desk.refer()
    desk.person_reply(
        "Please stop, I do not want to go ahead.",
        desk.latest("acknowledgement"),
        frm="someone-else@example.net",
    )

    assert desk.case(ref).status == CaseStatus.NEW
    assert "withdrawal_confirmation" not in desk.kinds()
    assert "could not confirm" in " ".join(desk.text(desk.latest("notification")).split())


def test_an_advisors_suitable_command_moves_the_case_on_and_sends_next_steps(desk: Desk):
    """#suitable from a verified advisor: in progress, next-steps letter, a 'done' confirmation."""
    ref = desk.refer()
    filed = desk.advisor_reply("#suitable\n\nThanks")

    assert filed.decision is not None and filed.decision.follow_up == FollowUp.ADVISOR_COMMANDS
    assert desk.case(ref).status == CaseStatus.IN_PROGRESS
    assert desk.kinds(PERSON)[-1] == "next_steps"
    assert desk.letters(ADVISOR)[-1].kind == "command_result"
    assert desk.timeline(ref)[-2:] == [("in", "advisor_command"), ("out", "next_steps")]


def test_advisor_commands_return_typed_outcomes_not_string_codes(desk: Desk):
    """Done or Refused: an unknown advisor in #assign is refused and the case keeps its advisor."""
    ref = desk.refer()
    body = "#assign nobody@example.net\n#note called, left no message"
    outcomes = desk.run(lambda ctx: advisor.execute(ctx, desk_case(ctx, ref), _mail(desk, body)))

    assert [type(o.result) for o in outcomes] == [Refused, Done]
    assert not outcomes[0].ok and "not an advisor" in outcomes[0].message
    assert desk.case(ref).advisor is None
    assert ("in", "note") in desk.timeline(ref)


def test_not_suitable_closes_the_case_with_a_letter_and_releases_the_offer(desk: Desk):
    """#not-suitable with a reason: the open call offer is released and the letter goes out."""
    ref = desk.refer(CALL_ME)
    desk.advisor_reply("#not-suitable other-party-declined")

    assert desk.case(ref).status == CaseStatus.NOT_SUITABLE
    assert desk.kinds(PERSON)[-1] == "not_suitable"
    with Session(desk.rt.engine) as s:
        assert [o.status for o in s.exec(select(CallOffer)).all()] == ["released"]


def test_choosing_an_offered_time_books_it_and_sends_the_invite(desk: Desk):
    """Reply '2' to the offer: a booking, status call_booked, confirmation with an invite attached."""
    ref = desk.refer(CALL_ME)
    desk.person_reply("2", desk.latest("call_offer"))

    case = desk.case(ref)
    assert case.status == CaseStatus.CALL_BOOKED and case.call_slot is not None
    assert desk.kinds(PERSON)[-1] == "booking_confirmation"
    assert b"text/calendar" in desk.latest("booking_confirmation").raw
    with Session(desk.rt.engine) as s:
        bookings = s.exec(select(Booking)).all()
    assert [(b.status, b.case_id) for b in bookings] == [("active", case.id)]


def test_an_unclear_choice_is_asked_about_once_then_left_to_the_advisors(desk: Desk):
    """The first unclear answer gets one clarifying letter; the second gets none."""
    ref = desk.refer(CALL_ME)

    def choose(message_id: str) -> ChoiceOutcome:
        return desk.run(lambda ctx: calls.on_choice(ctx, desk_case(ctx, ref), "maybe later on", message_id))

    first, second = choose("<a@example.test>"), choose("<b@example.test>")

    assert (first, second) == (ChoiceOutcome.CLARIFY, ChoiceOutcome.NOT_ABOUT_CALL)
    assert desk.kinds(PERSON).count("clarify_choice") == 1


def test_a_hub_without_call_hours_refuses_to_offer_and_tells_the_advisors(tmp_path: Path):
    """No free times: no letter to the person, a 'slot_none' notification, a Refused outcome."""
    desk = Desk(tmp_path, calls="")
    ref = desk.refer()

    result = desk.run(lambda ctx: calls.offer(ctx, desk_case(ctx, ref), "offer:test"))

    assert isinstance(result, Refused) and "no free call times" in result.message
    assert desk.kinds(PERSON) == ["acknowledgement"]
    assert desk.case(ref).status == CaseStatus.NEW


def test_booking_a_time_in_the_past_is_refused(desk: Desk):
    """#book checks the time before anything is stored."""
    ref = desk.refer()
    result = desk.run(
        lambda ctx: calls.book_direct(
            ctx, desk_case(ctx, ref), "2026-12-01 10:30", "book:test", actor=f"advisor:{ADVISOR}"
        )
    )

    assert result == Refused("That time is in the past.")
    with Session(desk.rt.engine) as s:
        assert s.exec(select(Booking)).all() == []


def desk_case(ctx: CaseContext, ref: str) -> Case:
    """The case row inside the operation's own session."""
    case = store.case_by_ref(ctx.session, ref)
    assert case is not None
    return case


def _mail(desk: Desk, body: str) -> InboundMail:
    return parse(referral(ADVISOR, "rj-nor@example.org", body=body, name="Advisor One"))
