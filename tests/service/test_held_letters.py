"""Held letters (SPEC section 5): a letter to the person caused by an advisor command waits
`advisor_letter_hold_minutes`, one confirmation quotes it, #cancel stops it and undoes the command,
and a held letter survives a restart and is sent exactly once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from rjmail.adapters import outbox
from rjmail.adapters.tables import Booking, OutboxItem
from rjmail.core.domain import CaseStatus, OutboxStatus
from rjmail.runtime import Runtime, build_runtime
from rjmail.settings import load
from tests.service.conftest import ADVISOR, CALL_ME, PERSON, Desk

HOLD = "advisor_letter_hold_minutes = 10"
SECOND = "advisor-two@example.org"
WORDS = "The other person has decided not to take part at the moment."


class Recorder:
    """The delivery port (adapters.outbox.Sender) without a server: what would have been sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple[str, ...]]] = []

    def send(self, mail_from: str, recipients: Sequence[str], raw: bytes) -> None:
        self.sent.append((mail_from, tuple(recipients)))

    def close(self) -> None:
        pass


def deliver(rt: Runtime, sender: Recorder) -> list[str]:
    """One delivery run at rt.now(): the kinds of the letters that went."""
    went = []
    for item_id in outbox.due_ids(rt.engine, ["NOR"], rt.now()):
        item = outbox.claim(rt.engine, item_id, rt.now(), rt.delivery)
        if item is not None:
            outbox.record(rt.engine, item, outbox.attempt(sender, item, rt.delivery), rt.now())
            went.append(item.kind)
    return went


@pytest.fixture
def held(tmp_path: Path) -> Desk:
    return Desk(tmp_path, service=HOLD, advisors=(ADVISOR, SECOND))


def confirmations(desk: Desk) -> list[OutboxItem]:
    return [r for r in desk.letters(ADVISOR) if r.kind == "command_result"]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_not_suitable_letter_waits_and_the_one_confirmation_quotes_its_words(held: Desk):
    ref = held.refer()
    sender = Recorder()
    deliver(held.rt, sender)  # the acknowledgement goes
    held.advisor_reply(f"#not-suitable other-party-declined {WORDS}\n#note Margaret was upset on the phone")

    assert held.case(ref).status == CaseStatus.NOT_SUITABLE
    letter = held.latest("not_suitable")
    assert letter.status == OutboxStatus.PENDING and letter.held_by is not None
    assert deliver(held.rt, sender) == ["command_result"]  # nothing to the person at once
    [confirm] = confirmations(held)
    text = flat(held.text(confirm))
    assert confirm.subject == f"[{ref}] Done: #not-suitable, #note"
    assert WORDS in text and "Margaret" not in flat(held.text(letter))
    assert "to r***@example.test will go on Monday 7 December 2026 at 9:10am" in text
    assert "Reply #cancel" in text


def test_cancel_stops_the_held_letter_and_puts_the_case_back(held: Desk):
    ref = held.refer()
    held.advisor_reply("#suitable")
    held.now += timedelta(minutes=11)
    assert "next_steps" in deliver(held.rt, Recorder())  # that one went: it is not undone
    held.advisor_reply(f"#not-suitable other-party-declined {WORDS}")
    held.now += timedelta(minutes=3)
    held.advisor_reply("#cancel")

    case = held.case(ref)
    assert case.status == CaseStatus.IN_PROGRESS and case.closed_at is None
    assert held.latest("not_suitable").status == OutboxStatus.CANCELLED
    reply = flat(held.text(confirmations(held)[-1]))
    assert (
        "Cancelled: the not-suitable letter to r***@example.test will not be sent. The case is "
        "back to 'in progress'."
    ) in reply
    assert ("out", "not_suitable") not in held.timeline(ref)
    held.now += timedelta(hours=1)
    assert "not_suitable" not in deliver(held.rt, Recorder())


def test_cancel_stops_every_held_letter_and_goes_back_to_the_status_before_the_first(held: Desk):
    ref = held.refer()
    held.advisor_reply("#suitable")
    held.advisor_reply("#withdraw")
    held.advisor_reply("#cancel")

    case = held.case(ref)
    assert case.status == CaseStatus.NEW and case.withdrawn_at is None and case.closed_at is None
    assert {r.status for r in held.letters(PERSON) if r.held_by} == {OutboxStatus.CANCELLED}


def test_a_held_letter_survives_a_restart_and_goes_exactly_once_when_the_hold_ends(held: Desk):
    held.refer()
    held.advisor_reply("#suitable")
    sender = Recorder()

    restarted = build_runtime(load(held.config))  # a new process: only the database remembers
    restarted.now = lambda: held.now + timedelta(minutes=9)
    assert "next_steps" not in deliver(restarted, sender)
    restarted.now = lambda: held.now + timedelta(minutes=10)
    assert deliver(restarted, sender).count("next_steps") == 1
    restarted.now = lambda: held.now + timedelta(days=1)
    assert "next_steps" not in deliver(restarted, sender)
    assert sum(1 for _, to in sender.sent if PERSON in to) == 2  # acknowledgement + next steps
    assert held.latest("next_steps").status == OutboxStatus.SENT


def test_nothing_to_cancel_once_the_letter_has_gone(held: Desk):
    ref = held.refer()
    held.advisor_reply("#suitable")
    held.rt.now = lambda: held.now + timedelta(minutes=11)
    deliver(held.rt, Recorder())
    held.now += timedelta(minutes=12)
    held.advisor_reply("#cancel")

    reply = confirmations(held)[-1]
    assert reply.subject == f"[{ref}] Not done: #cancel"
    assert "Nothing to cancel: the next-steps letter went on Monday 7 December 2026 at 9:11am." in flat(
        held.text(reply)
    )
    assert held.case(ref).status == CaseStatus.IN_PROGRESS


def test_cancel_never_touches_a_letter_delivery_has_claimed(held: Desk):
    ref = held.refer()
    held.advisor_reply("#suitable")
    row = held.latest("next_steps")
    assert row.id is not None
    assert outbox.claim(held.rt.engine, row.id, held.now + timedelta(minutes=10), held.rt.delivery)
    held.advisor_reply("#cancel")

    assert held.latest("next_steps").status == OutboxStatus.SENDING
    assert held.case(ref).status == CaseStatus.IN_PROGRESS
    assert "is being sent right now" in flat(held.text(confirmations(held)[-1]))


def test_cancelling_a_held_booking_releases_the_time_and_tells_the_calendars(held: Desk):
    ref = held.refer()
    held.advisor_reply("#book 2026-12-09 10:00")
    assert held.case(ref).status == CaseStatus.CALL_BOOKED
    confirm = flat(held.text(confirmations(held)[-1]))
    assert "booking confirmation (with the calendar invite) letter" in confirm
    held.advisor_reply("#cancel")

    case = held.case(ref)
    assert case.status == CaseStatus.NEW and case.call_slot is None
    with Session(held.rt.engine) as s:
        assert [b.status for b in s.exec(select(Booking)).all()] == ["cancelled"]
    assert held.latest("booking_confirmation").status == OutboxStatus.CANCELLED
    assert "The booked time is free again" in flat(held.text(confirmations(held)[-1]))


def test_a_booking_not_suitable_cancelled_stays_cancelled_after_cancel(held: Desk):
    ref = held.refer()
    held.advisor_reply("#book 2026-12-09 10:00")
    held.now += timedelta(minutes=11)
    held.rt.now = lambda: held.now
    deliver(held.rt, Recorder())
    held.advisor_reply("#not-suitable other-party-declined")
    held.advisor_reply("#cancel")

    assert held.case(ref).status == CaseStatus.IN_PROGRESS
    assert "The booked call stays cancelled" in flat(held.text(confirmations(held)[-1]))


def test_assign_tells_the_new_advisor(held: Desk):
    ref = held.refer()
    held.advisor_reply(f"#assign {SECOND}")

    told = [r for r in held.letters(SECOND) if r.kind == "notification"]
    assert len(told) == 1 and ref in told[0].subject
    assert f"{SECOND} was told" in flat(held.text(confirmations(held)[-1]))


def test_with_no_hold_letters_go_at_once_and_the_confirmation_still_quotes_them(tmp_path: Path):
    desk = Desk(tmp_path)  # tests/support defaults the hold to 0
    desk.refer()
    desk.advisor_reply("#suitable")

    assert desk.latest("next_steps").held_by is None
    assert "next_steps" in deliver(desk.rt, Recorder())
    text = flat(desk.text(confirmations(desk)[-1]))
    assert "The next-steps letter to r***@example.test was sent now." in text
    assert "Reply #cancel" not in text


def test_cancelling_a_held_rebooking_moves_the_call_back_to_its_earlier_time(held: Desk):
    ref = held.refer()
    held.advisor_reply("#book 2026-12-09 10:00")
    held.now += timedelta(minutes=11)
    held.rt.now = lambda: held.now
    deliver(held.rt, Recorder())
    held.advisor_reply("#book 2026-12-09 11:00")
    held.advisor_reply("#cancel")

    case = held.case(ref)
    assert case.status == CaseStatus.CALL_BOOKED
    with Session(held.rt.engine) as s:
        [booking] = s.exec(select(Booking)).all()
    assert booking.status == "active" and booking.slot_key is not None and "T10:00" in booking.slot_key
    assert "The call is back at its earlier time" in flat(held.text(confirmations(held)[-1]))


def test_cancel_after_not_suitable_opens_the_persons_offer_again(held: Desk):
    """#not-suitable released the live call offer; #cancel puts the case back to call offered AND the
    offer is open again, so the person's "2 please" books the time (found trying it as an advisor)."""
    ref = held.refer(CALL_ME)
    assert held.case(ref).status == CaseStatus.CALL_OFFERED
    offer = held.latest("call_offer")
    held.advisor_reply(f"#not-suitable other-party-declined {WORDS}")
    held.advisor_reply("#cancel")
    assert held.case(ref).status == CaseStatus.CALL_OFFERED
    assert "open again" in flat(held.text(confirmations(held)[-1]))
    held.person_reply("2 please", offer)
    assert held.case(ref).status == CaseStatus.CALL_BOOKED
