"""Call booking by email on the real stack: offer -> the person's choice -> confirmation + invite."""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlmodel import Session, select

from rjmail.adapters.tables import CallOffer, Case
from rjmail.runtime import build_runtime
from rjmail.settings import load
from tests.support import body_text, inbox, new_person, referral, run, unique, write_config

pytestmark = pytest.mark.integration
LONDON = ZoneInfo("Europe/London")
ALL_WEEK = (
    "[hubs.calls]\nslot_minutes = 30\noffer_count = 3\nmin_notice_hours = 24\n"
    'hours = { mon = ["09:00-17:00"], tue = ["09:00-17:00"], wed = ["09:00-17:00"], '
    'thu = ["09:00-17:00"], fri = ["09:00-17:00"], sat = ["09:00-17:00"], sun = ["09:00-17:00"] }\n'
)
CALL_ME = (
    "Hello,\n\nSomeone damaged my car last month. Please call me on 07700 900321, "
    "I am happy to talk on the phone.\n\nThanks,\nRiley"
)


def _ics(msg: EmailMessage) -> icalendar.Calendar:
    for part in msg.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no calendar part")


class Desk:
    def __init__(self, tmp_path: Path, stack: Any, db_url: str, hubs: list[dict[str, Any]]) -> None:
        self.stack, self.hub = stack, hubs[0]
        hubs = [dict(hubs[0], extra=""), hubs[1]]
        self.config = write_config(tmp_path, stack, db_url, hubs)
        self.config.write_text(self.config.read_text().replace("[hubs.imap]", ALL_WEEK + "[hubs.imap]", 1))
        assert run(self.config, "db", "upgrade")[0] == 0

    def cycle(self) -> None:
        assert run(self.config, "run", "--once")[0] == 0

    def cases(self) -> list[dict[str, Any]]:
        code, out = run(self.config, "cases", "export", "--format", "json")
        assert code == 0
        return json.loads(out)

    def new_person(self) -> str:
        person = unique("caller-")
        self.stack.add_user(person)
        self.stack.append(self.hub["user"], referral(f"{person}@example.test", "x@example.org", body=CALL_ME))
        return person

    def reply(self, person: str, parent: EmailMessage, body: str) -> None:
        raw = referral(
            f"{person}@example.test",
            "x@example.org",
            subject=f"Re: {parent['Subject']}",
            body=body,
            headers={"In-Reply-To": parent["Message-ID"], "References": parent["Message-ID"]},
        )
        self.stack.append(self.hub["user"], raw)


@pytest.fixture
def desk(tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]) -> Desk:
    return Desk(tmp_path, mailstack, db_url, hubs)


def test_reply_2_books_the_second_slot_with_a_valid_invite(desk):
    """Referral asking for a call -> ack + offer -> reply "2" -> confirmation with the right invite."""
    person = desk.new_person()
    desk.cycle()
    _ack, offer = inbox(desk.stack, person)
    assert desk.cases()[0]["status"] == "call_offered"
    lines = [ln for ln in body_text(offer).splitlines() if ln.strip().startswith("2")]
    assert lines, body_text(offer)
    desk.reply(person, offer, "2 please")
    desk.cycle()
    case = desk.cases()[0]
    assert case["status"] == "call_booked" and case["call_slot"]
    confirmation = inbox(desk.stack, person)[-1]
    cal = _ics(confirmation)
    assert str(cal["METHOD"]) == "REQUEST"
    event = next(iter(cal.walk("VEVENT")))
    start = event.decoded("DTSTART")
    booked = datetime.fromisoformat(case["call_slot"].replace("Z", "+00:00"))
    assert start.astimezone(ZoneInfo("UTC")) == booked
    assert str(event["CLASS"]) == "PRIVATE"
    assert "restorative" not in str(event["SUMMARY"]).lower()
    local = booked.astimezone(LONDON)
    assert local.strftime("%-d %B") in lines[0] and local.strftime("%-d %B") in body_text(confirmation)
    kinds = [m["kind"] for m in case["messages"] if m["direction"] == "out"]
    assert kinds == ["acknowledgement", "call_offer", "booking_confirmation"]
    advisors = inbox(desk.stack, desk.hub["notify"])
    assert any(m["Subject"].endswith("Call booked") for m in advisors)


def test_an_invite_with_a_neutral_address_names_neither_the_hub_nor_the_police(desk):
    """With `invite_address`, nothing a shared calendar shows carries the hub's address, and the
    letter's promise "It does not say who we are" is then true."""
    desk.config.write_text(
        desk.config.read_text().replace(
            "[hubs.calls]\n", '[hubs.calls]\ninvite_address = "calls-7421@example.net"\n', 1
        )
    )
    person = desk.new_person()
    desk.cycle()
    desk.reply(person, inbox(desk.stack, person)[1], "1")
    desk.cycle()
    confirmation = inbox(desk.stack, person)[-1]
    ics = _ics(confirmation).to_ical().decode()
    assert "calls-7421@example.net" in ics
    assert desk.hub["user"] not in ics and "Norfolk" not in ics
    assert "It does not say who we are." in body_text(confirmation)


def test_a_slot_taken_meanwhile_gets_an_apology_and_fresh_times(desk):
    """Two people can never hold one slot: the second chooser is offered fresh times."""
    first, second = desk.new_person(), desk.new_person()
    desk.cycle()
    offer = inbox(desk.stack, first)[1]
    refs = {c["referrer_email"].split("@")[0]: c["ref"] for c in desk.cases()}
    # An advisor books the first person's option 1 for the second case directly.
    cal_line = next(ln for ln in body_text(offer).splitlines() if ln.strip().startswith("1"))
    assert cal_line
    rt = build_runtime(load(desk.config))
    with Session(rt.engine) as s:
        case = s.exec(select(Case).where(Case.ref == refs[first])).one()
        slot = json.loads(s.exec(select(CallOffer).where(CallOffer.case_id == case.id)).one().slots_json)[0]
    when = datetime.fromisoformat(slot).astimezone(LONDON).strftime("%Y-%m-%d %H:%M")
    note = next(m for m in inbox(desk.stack, desk.hub["notify"]) if refs[second] in m["Subject"])
    adv = desk.hub["advisors"][0]
    raw = referral(
        adv,
        "x@example.org",
        subject=f"Re: {note['Subject']}",
        body=f"#book {when}",
        headers={
            "In-Reply-To": note["Message-ID"],
            "References": note["Message-ID"],
            "Authentication-Results": "mx.example.org; dmarc=pass header.from=example.org",
        },
    )
    desk.stack.append(desk.hub["user"], raw)
    desk.cycle()
    desk.reply(first, offer, "1")
    desk.cycle()
    cases = {c["ref"]: c for c in desk.cases()}
    assert cases[refs[second]]["status"] == "call_booked"
    assert cases[refs[first]]["status"] == "call_offered"
    letters = inbox(desk.stack, first)
    assert len(letters) == 3 and "1" in body_text(letters[-1])
    assert cases[refs[first]]["call_slot"] is None


def test_unclear_answer_gets_one_short_question_not_a_guess(desk):
    """An ambiguous answer gets one clarifying reply and books nothing."""
    person = desk.new_person()
    desk.cycle()
    offer = inbox(desk.stack, person)[1]
    desk.reply(person, offer, "2 or 3 maybe?")
    desk.cycle()
    assert desk.cases()[0]["status"] == "call_offered"
    assert len(inbox(desk.stack, person)) == 3


def test_one_gentle_reminder_when_enabled_and_rebooking_updates_the_invite(desk):
    """With reminder_hours set, exactly one reminder goes out; #book again keeps the UID, SEQUENCE+1."""
    desk.config.write_text(
        desk.config.read_text().replace(
            "min_notice_hours = 24\n", "min_notice_hours = 24\nreminder_hours = 2000\n", 1
        )
    )
    person = desk.new_person()
    desk.cycle()
    offer = inbox(desk.stack, person)[1]
    desk.reply(person, offer, "1")
    desk.cycle()
    desk.cycle()
    desk.cycle()
    letters = inbox(desk.stack, person)
    kinds = [m["kind"] for m in desk.cases()[0]["messages"] if m["direction"] == "out"]
    assert kinds.count("reminder") == 1, kinds
    first = _ics(letters[2])
    note = inbox(desk.stack, desk.hub["notify"])[0]
    adv = desk.hub["advisors"][0]
    booked = datetime.fromisoformat(desk.cases()[0]["call_slot"].replace("Z", "+00:00"))
    hour = 16 if booked.astimezone(LONDON).hour == 15 else 15
    later = (booked.astimezone(LONDON).replace(hour=hour, minute=0)).strftime("%Y-%m-%d %H:%M")
    raw = referral(
        adv,
        "x@example.org",
        subject=f"Re: {note['Subject']}",
        body=f"#book {later}",
        headers={
            "In-Reply-To": note["Message-ID"],
            "References": note["Message-ID"],
            "Authentication-Results": "mx.example.org; dmarc=pass header.from=example.org",
        },
    )
    desk.stack.append(desk.hub["user"], raw)
    desk.cycle()
    update = _ics(inbox(desk.stack, person)[-1])
    ev1, ev2 = next(iter(first.walk("VEVENT"))), next(iter(update.walk("VEVENT")))
    assert str(ev1["UID"]) == str(ev2["UID"])
    assert int(ev2["SEQUENCE"]) == int(ev1["SEQUENCE"]) + 1


def test_asking_for_other_times_gets_one_fresh_offer(desk):
    """'Do you have anything in the evening?' gets one new offer without the times already offered."""
    person = desk.new_person()
    desk.cycle()
    first = inbox(desk.stack, person)[1]
    desk.reply(person, first, "None of those suit me, could you do another time please?")
    desk.cycle()
    letters = inbox(desk.stack, person)
    assert len(letters) == 3
    offered = {ln.strip() for ln in body_text(first).splitlines() if ln.strip()[:1].isdigit()}
    again = {ln.strip() for ln in body_text(letters[2]).splitlines() if ln.strip()[:1].isdigit()}
    assert offered and again and not offered & again
    assert desk.cases()[0]["status"] == "call_offered"


def test_replying_call_me_to_the_acknowledgement_sends_an_offer(desk):
    """The acknowledgement says 'just reply "call me"': doing so gets the call offer."""
    person = new_person(desk.stack, "caller-")
    desk.stack.append(desk.hub["user"], referral(f"{person}@example.test", "x@example.org"))
    desk.cycle()
    ack = inbox(desk.stack, person)[0]
    desk.reply(person, ack, "Yes please, call me.")
    desk.cycle()
    assert desk.cases()[0]["status"] == "call_offered"
    assert len(inbox(desk.stack, person)) == 2


def test_a_booking_reply_gives_advisors_one_notice_that_quotes_it(desk):
    """ "2 please, my mobile is best" books the time; advisors get ONE notice (Call booked) with the
    person's words, not a "New message" beside it."""
    person = desk.new_person()
    desk.cycle()
    before = len(inbox(desk.stack, desk.hub["notify"]))
    desk.reply(person, inbox(desk.stack, person)[1], "2 please, my mobile is best")
    desk.cycle()
    notices = inbox(desk.stack, desk.hub["notify"])[before:]
    assert [m["Subject"].split("] ", 1)[1] for m in notices] == ["Call booked"]
    assert "my mobile is best" in body_text(notices[0])
