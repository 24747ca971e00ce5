"""Issue 12 items 1-4 on the real stack: everyday sentences do not withdraw, the real sender is shown,
a forged From failing DMARC at our server changes nothing, calendar replies reach advisors (a decline
frees the slot), automatic-looking mail with words of its own reaches advisors, and a reused
Message-ID with different words is a new message."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

import icalendar
import pytest

from tests.integration.test_advisor import Scene
from tests.integration.test_calls import ALL_WEEK, Desk
from tests.support import body_text, export_cases, inbox, referral, run, setup_config, unique

pytestmark = pytest.mark.integration
DMARC_FAIL = (
    "mx.example.org; spf=fail smtp.mailfrom=example.test; dkim=none; dmarc=fail header.from=example.test"
)
REFERRAL_WORDS = (
    "Referral for restorative justice. The victim, Mrs Ann Example, was assaulted outside her home in "
    "March and has asked to be referred. She consents to be contacted by email and would like to know "
    "more about meeting the offender.\n"
)


@pytest.fixture
def scene(tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]) -> Scene:
    return Scene(tmp_path, mailstack, db_url, hubs)


def _notes(scene: Scene) -> list[EmailMessage]:
    return inbox(scene.stack, scene.hub["notify"])


@pytest.mark.parametrize(
    "body",
    [
        "Please don't call me again before 6pm. After 6 is fine.",
        "Can you stop calling me at work? I still want to go ahead.",
        "I told him to leave me alone, and that's why I'm writing to you. I want to meet him.",
        "I want to withdraw my statement to the police, but I would still like restorative justice.",
    ],
)
def test_everyday_sentences_do_not_withdraw(scene, body):
    scene.person_reply(body)
    assert scene.case()["status"] != "withdrawn"
    assert len(inbox(scene.stack, scene.person)) == 1  # the acknowledgement only
    assert "Withdrawn" not in _notes(scene)[-1]["Subject"]


def test_withdrawal_notice_shows_withdrawn_and_a_possible_one_only_asks(scene):
    scene.person_reply("My sister asked me to write. She has changed her mind and does not want to go ahead.")
    assert scene.case()["status"] == "new"
    note = _notes(scene)[-1]
    assert "Possible withdrawal: please check" in note["Subject"]
    assert len(inbox(scene.stack, scene.person)) == 1
    scene.person_reply("Please withdraw my referral. I do not want to take part any more.")
    note = _notes(scene)[-1]
    assert scene.case()["status"] == "withdrawn"
    assert "Withdrawn" in note["Subject"] and "(withdrawn)" in body_text(note)


def test_a_strangers_message_shows_the_real_sender(scene):
    other = unique("other-")
    scene.stack.add_user(other)
    raw = referral(
        f"{other}@example.test",
        "x@example.org",
        subject=f"Re: [{scene.ref}]",
        name="Mal Other",
        body="I've changed my phone number, only call me on 07700 900111 from now on.",
    )
    scene.stack.append(scene.hub["user"], raw)
    assert run(scene.config, "run", "--once")[0] == 0
    text = body_text(_notes(scene)[-1])
    warning = f"NOT FROM AN ADDRESS ON THIS CASE: Mal Other <{other}@example.test>"
    assert warning in text.split("A new message")[0]  # at the top, before anything else
    assert "not the writer of this message" in text
    shown = run(scene.config, "cases", "show", scene.ref)[1]
    assert f"from: Mal Other <{other}@example.test>" in shown and "NOT FROM AN ADDRESS" in shown
    assert f"from: Robin Testperson <{scene.person}@example.test>" in shown


def _forged(scene: Scene, parent: EmailMessage, body: str) -> None:
    headers = {
        "In-Reply-To": parent["Message-ID"],
        "References": parent["Message-ID"],
        "Authentication-Results": DMARC_FAIL,
    }
    raw = referral(
        f"{scene.person}@example.test",
        "x@example.org",
        subject=f"Re: {parent['Subject']}",
        body=body,
        headers=headers,
    )
    scene.stack.append(scene.hub["user"], raw)
    assert run(scene.config, "run", "--once")[0] == 0


def test_forged_from_failing_dmarc_neither_withdraws_nor_books(tmp_path, mailstack, db_url, hubs):
    scene = Scene(tmp_path, mailstack, db_url, hubs)
    scene.config.write_text(scene.config.read_text().replace("[hubs.imap]", ALL_WEEK + "[hubs.imap]", 1))
    ack = inbox(scene.stack, scene.person)[0]
    _forged(scene, ack, "Please withdraw my referral. I do not want to take part any more.")
    assert scene.case()["status"] == "new"
    assert len(inbox(scene.stack, scene.person)) == 1
    assert "sender failed DMARC at mx.example.org: nothing was changed" in body_text(_notes(scene)[-1])
    scene.person_reply("Yes please")  # the real person answers the acknowledgement's question
    assert scene.case()["status"] == "call_offered" and scene.case()["wants_call"] is True
    offer = inbox(scene.stack, scene.person)[-1]
    _forged(scene, offer, "1")
    assert scene.case()["status"] == "call_offered" and scene.case()["call_slot"] is None
    shown = run(scene.config, "cases", "show", scene.ref)[1]
    assert "failed DMARC" in shown


def _booked(desk: Desk) -> tuple[str, str, EmailMessage]:
    person = desk.new_person()
    desk.cycle()
    offer = inbox(desk.stack, person)[-1]
    desk.reply(person, offer, "1")
    desk.cycle()
    confirmation = inbox(desk.stack, person)[-1]
    for part in confirmation.walk():
        if part.get_content_type() == "text/calendar":
            cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
            return person, str(next(iter(cal.walk("VEVENT")))["UID"]), confirmation
    raise AssertionError("no invite")


def _calendar_reply(frm: str, to: str, uid: str, parent: EmailMessage, partstat: str = "DECLINED") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = frm, to
    msg["Subject"] = f"Declined: {parent['Subject']}"
    msg["Message-ID"] = f"<{unique('cal')}@example.test>"
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nATTENDEE;PARTSTAT={partstat}:mailto:{frm}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    msg.set_content(f"{partstat.title()}.")
    msg.add_alternative(ics, subtype="calendar", params={"method": "REPLY"})
    return msg.as_bytes()


def test_declined_invite_reaches_advisors_and_frees_the_slot(tmp_path, mailstack, db_url, hubs):
    desk = Desk(tmp_path, mailstack, db_url, hubs)
    person, uid, confirmation = _booked(desk)
    assert desk.cases()[0]["status"] == "call_booked"
    stranger = unique("other-")
    desk.stack.add_user(stranger)
    desk.stack.append(
        desk.hub["user"], _calendar_reply(f"{stranger}@example.test", "x@example.org", uid, confirmation)
    )
    desk.cycle()
    case = desk.cases()[0]
    assert case["status"] == "call_booked" and case["call_slot"]
    notes = inbox(desk.stack, desk.hub["notify"])
    assert "Check this calendar reply" in notes[-1]["Subject"]
    desk.stack.append(
        desk.hub["user"], _calendar_reply(f"{person}@example.test", "x@example.org", uid, confirmation)
    )
    desk.cycle()
    case = desk.cases()[0]
    assert case["status"] in ("new", "in_progress") and case["call_slot"] is None
    notes = inbox(desk.stack, desk.hub["notify"])
    texts = [body_text(n) for n in notes]
    assert any("declined the call on" in t for t in texts)
    cancels = [
        p
        for n in notes
        for p in n.walk()
        if p.get_content_type() == "text/calendar" and b"METHOD:CANCEL" in p.get_payload(decode=True)
    ]
    assert cancels
    shown = run(desk.config, "cases", "show", case["ref"])[1]
    assert "declined the call" in shown


@pytest.mark.parametrize(
    ("subject", "headers"),
    [
        ("Out of office - referral", {}),
        ("Read: referral for RJ", {}),
        ("New referral", {"Auto-Submitted": "auto-generated"}),
        ("New referral", {"Return-Path": "<>"}),
    ],
)
def test_automatic_looking_referrals_with_words_reach_advisors(
    tmp_path, mailstack, db_url, hubs, subject, headers
):
    scene_hub = hubs[0]
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    sender = unique("referrals-")
    mailstack.add_user(sender)
    mailstack.append(
        scene_hub["user"],
        referral(
            f"{sender}@example.test", "x@example.org", subject=subject, body=REFERRAL_WORDS, headers=headers
        ),
    )
    assert run(config, "run", "--once")[0] == 0
    cases = export_cases(config)
    assert len(cases) == 1
    assert mailstack.fetch_all(sender) == []  # no acknowledgement: it may be a robot
    notes = inbox(mailstack, scene_hub["notify"])
    assert len(notes) == 1 and "no acknowledgement" in body_text(notes[0])


def test_reused_message_id_with_different_words_is_a_new_message(tmp_path, mailstack, db_url, hubs):
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    hub = hubs[0]
    first, second = unique("first-"), unique("second-")
    for user in (first, second):
        mailstack.add_user(user)
    mid = f"<{unique('reused')}@example.test>"
    mailstack.append(hub["user"], referral(f"{first}@example.test", "x@example.org", message_id=mid))
    assert run(config, "run", "--once")[0] == 0
    mailstack.append(
        hub["user"],
        referral(
            f"{second}@example.test",
            "x@example.org",
            message_id=mid,
            body="My bike was stolen and I would like to talk to someone.",
        ),
    )
    # and the same first message again (a second copy) stays a duplicate
    mailstack.append(hub["user"], referral(f"{first}@example.test", "x@example.org", message_id=mid))
    assert run(config, "run", "--once")[0] == 0
    cases = export_cases(config)
    assert sorted(c["referrer_email"] for c in cases) == sorted(
        [f"{first}@example.test", f"{second}@example.test"]
    )
    assert len(inbox(mailstack, second)) == 1 and len(inbox(mailstack, first)) == 1
