"""End to end on the real stack: Dovecot hub mailboxes -> `rjmail run --once` -> cases in the
database and letters delivered through the real SMTP server into real IMAP inboxes."""

from __future__ import annotations

import email

import pytest
from sqlalchemy import create_engine, text

from rjmail.core import signing
from tests.support import (
    SIGNING_KEY,
    export_cases,
    inbox,
    new_person,
    referral,
    run,
    setup_config,
    write_config,
)

pytestmark = pytest.mark.integration


def test_referrals_become_cases_with_one_acknowledgement_each(tmp_path, mailstack, db_url, hubs):
    """Each referral in a hub mailbox gives one case and one acknowledgement in the person's inbox."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    nor = hubs[0]
    people = [new_person(mailstack) for _ in range(3)]
    originals = [referral(f"{p}@example.test", f"{nor['user']}@example.org") for p in people]
    for raw in originals:
        mailstack.append(nor["user"], raw)

    assert run(config, "run", "--once")[0] == 0

    cases = export_cases(config)
    assert sorted(c["referrer_email"] for c in cases) == sorted(f"{p}@example.test" for p in people)
    assert {c["hub"] for c in cases} == {"NOR"}
    assert sorted(c["ref"] for c in cases)[0].startswith("RJ-NOR-")
    for person, raw in zip(people, originals, strict=True):
        received = inbox(mailstack, person)
        assert len(received) == 1
        ack = received[0]
        original_id = email.message_from_bytes(raw)["Message-ID"]
        case = next(c for c in cases if c["referrer_email"] == f"{person}@example.test")
        assert f"[{case['ref']}]" in ack["Subject"]
        assert ack["In-Reply-To"] == original_id
        assert ack["Auto-Submitted"] == "auto-replied"
        assert ack["X-Auto-Response-Suppress"] == "OOF, AutoReply"
        assert ack["From"].addresses[0].addr_spec == f"{nor['user']}@example.org"
        signed = signing.verify(SIGNING_KEY.encode(), ack["Message-ID"])
        assert signed is not None and signed.ref == case["ref"]
        assert "999" in ack.get_body(("plain",)).get_content()
        assert [m["kind"] for m in case["messages"]] == ["referral", "acknowledgement"]
    notes = inbox(mailstack, nor["notify"])
    assert len(notes) == 3
    assert all(n["Auto-Submitted"] == "auto-generated" for n in notes)


def test_second_run_sends_nothing_new(tmp_path, mailstack, db_url, hubs):
    """A second cycle over the same mailbox creates no case and sends no letter."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    person = new_person(mailstack)
    mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    spooled = len(mailstack.spooled())
    assert run(config, "run", "--once")[0] == 0
    assert len(export_cases(config)) == 1
    assert len(mailstack.spooled()) == spooled
    assert len(mailstack.fetch_all(person)) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied", "Subject": "Automatic reply: Help please"},
        {"X-Auto-Response-Suppress": "All", "X-MS-Exchange-Inbox-Rules-Loop": "x@example.test"},
        {"Precedence": "bulk"},
        {"List-Id": "<news.example.test>"},
    ],
)
def test_automatic_mail_gets_nothing(tmp_path, mailstack, db_url, hubs, headers):
    """Out-of-office and other automatic mail is recorded but never answered; when it has words of
    its own it reaches the advisors (SPEC section 6: nothing dropped silently), never the sender."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    person = new_person(mailstack)
    subject = headers.pop("Subject", "Out of office")
    mailstack.append(
        hubs[0]["user"], referral(f"{person}@example.test", "x@example.org", subject=subject, headers=headers)
    )
    before = len(mailstack.spooled())
    assert run(config, "run", "--once")[0] == 0
    assert all(not c["messages"] or c["messages"][-1]["direction"] == "in" for c in export_cases(config))
    assert mailstack.fetch_all(person) == []
    new = mailstack.spooled()[before:]
    assert all(m.rcpt_tos == (f"{hubs[0]['notify']}@example.org",) for m in new)


def test_same_message_to_both_hubs_makes_one_case(tmp_path, mailstack, db_url, hubs):
    """Mail sent to both hub addresses is one case with one acknowledgement."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    person = new_person(mailstack)
    raw = referral(f"{person}@example.test", f"{hubs[0]['user']}@example.org")
    mailstack.append(hubs[0]["user"], raw)
    mailstack.append(hubs[1]["user"], raw)
    assert run(config, "run", "--once")[0] == 0
    assert len(export_cases(config)) == 1
    assert len(mailstack.fetch_all(person)) == 1


def test_reply_with_reference_joins_the_case(tmp_path, mailstack, db_url, hubs):
    """A reply quoting the case reference goes on that case's timeline, not a new case."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    person = new_person(mailstack)
    mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    ack = inbox(mailstack, person)[0]
    reply = referral(
        f"{person}@example.test",
        "x@example.org",
        subject=f"Re: {ack['Subject']}",
        body="Thank you. Mornings are best for me.",
        headers={"In-Reply-To": ack["Message-ID"], "References": ack["Message-ID"]},
    )
    mailstack.append(hubs[0]["user"], reply)
    assert run(config, "run", "--once")[0] == 0
    cases = export_cases(config)
    assert len(cases) == 1
    assert [m["kind"] for m in cases[0]["messages"]] == ["referral", "acknowledgement", "reply"]
    assert len(mailstack.fetch_all(person)) == 1  # no second acknowledgement


def test_unparseable_mail_is_quarantined_and_the_rest_still_processed(tmp_path, mailstack, db_url, hubs):
    """Mail that cannot be understood is kept in quarantine, advisors are told, nothing is lost."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    person = new_person(mailstack)
    mailstack.append(hubs[0]["user"], b"\x00\x01\x02 not an email at all \xff\xfe")
    mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    assert len(export_cases(config)) == 1
    notes = inbox(mailstack, hubs[0]["notify"])
    assert len(notes) == 2
    assert any("could not be read" in n["Subject"] for n in notes)
    kept = mailstack.fetch_all(hubs[0]["user"])  # the originals plus rjmail's own delivery copy
    assert b"not an email at all" in kept[0]


def test_one_hub_with_a_wrong_password_does_not_stop_the_other(tmp_path, mailstack, db_url, hubs):
    """A hub that cannot log in fails alone; the other hub's referrals are still answered."""
    bad = dict(hubs[0], imap_extra="")
    config = setup_config(tmp_path, mailstack, db_url, [bad, hubs[1]])
    text = config.read_text().replace(f'username = "{hubs[0]["user"]}"', 'username = "nobody-here"', 1)
    config.write_text(text)
    person = new_person(mailstack)
    mailstack.append(hubs[1]["user"], referral(f"{person}@example.test", "x@example.org"))
    code, _ = run(config, "run", "--once")
    assert code == 1
    assert [c["hub"] for c in export_cases(config)] == ["SUF"]
    assert len(mailstack.fetch_all(person)) == 1


def test_run_refuses_an_unmigrated_database(tmp_path, mailstack, db_url, hubs):
    """`rjmail run` on a database without the schema exits with a clear message."""
    config = write_config(tmp_path, mailstack, db_url, hubs)
    code, _ = run(config, "run", "--once")
    assert code == 3


def test_advisor_replies_from_the_hub_sent_folder_are_recorded(tmp_path, mailstack, db_url, hubs):
    """With sent_folder set, rjmail copies its letters there and records advisors' own replies."""
    hub = dict(hubs[0], imap_extra='sent_folder = "Sent"')
    config = setup_config(tmp_path, mailstack, db_url, [hub, hubs[1]])
    person = new_person(mailstack)
    mailstack.append(hub["user"], referral(f"{person}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    assert run(config, "run", "--once")[0] == 0  # copies our letters to Sent, then reads Sent
    copies = mailstack.fetch_all(hub["user"], "Sent")
    assert len(copies) == 2  # the acknowledgement and the advisor notification
    ack = inbox(mailstack, person)[0]
    own = referral(
        f"{hub['user']}@example.org",
        f"{person}@example.test",
        subject=f"Re: {ack['Subject']}",
        body="Hello, thank you. I will ring you on Tuesday.",
        name="Norfolk RJ Hub",
        headers={"In-Reply-To": ack["Message-ID"], "References": ack["Message-ID"]},
    )
    mailstack.append(hub["user"], own, folder="Sent")
    assert run(config, "run", "--once")[0] == 0
    (case,) = export_cases(config)
    assert [(m["direction"], m["kind"]) for m in case["messages"]] == [
        ("in", "referral"),
        ("out", "acknowledgement"),
        ("out", "advisor_reply"),
    ]


def test_a_copy_appended_to_sent_before_a_crash_is_not_appended_again(tmp_path, mailstack, db_url, hubs):
    """A kill between appending a copy to Sent and recording it leaves the row unmarked (any row:
    letters become `sent` in no fixed order); the next run finds the copies there and appends none
    a second time."""
    hub = dict(hubs[0], imap_extra='sent_folder = "Sent"')
    config = setup_config(tmp_path, mailstack, db_url, [hub, hubs[1]])
    person = new_person(mailstack)
    mailstack.append(hub["user"], referral(f"{person}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    assert run(config, "run", "--once")[0] == 0
    assert len(mailstack.fetch_all(hub["user"], "Sent")) == 2
    engine = create_engine(db_url)
    with engine.begin() as conn:  # as a kill after the APPEND and before the record leaves it
        conn.execute(text("UPDATE outbox SET copied_to_sent = false"))
    engine.dispose()
    assert run(config, "run", "--once")[0] == 0
    copies = [email.message_from_bytes(raw)["Message-ID"] for raw in mailstack.fetch_all(hub["user"], "Sent")]
    assert len(copies) == 2 and len(set(copies)) == 2


def test_uidvalidity_change_rescans_without_sending_twice(tmp_path, mailstack, db_url, hubs):
    """A folder recreated with a new UIDVALIDITY is rescanned; only truly new mail is answered."""
    hub = dict(hubs[0], imap_extra="")
    config = setup_config(tmp_path, mailstack, db_url, [hub, hubs[1]])
    config.write_text(
        config.read_text().replace(
            f'username = "{hub["user"]}"', f'username = "{hub["user"]}"\nfolder = "Referrals"', 1
        )
    )
    first, second = new_person(mailstack), new_person(mailstack)
    old = referral(f"{first}@example.test", "x@example.org")
    mailstack.append(hub["user"], old, folder="Referrals")
    assert run(config, "run", "--once")[0] == 0
    with mailstack.imap(hub["user"]) as client:
        before = client.folder_status("Referrals", [b"UIDVALIDITY"])[b"UIDVALIDITY"]
        client.delete_folder("Referrals")
        client.create_folder("Referrals")
        assert client.folder_status("Referrals", [b"UIDVALIDITY"])[b"UIDVALIDITY"] != before
    mailstack.append(hub["user"], old, folder="Referrals")
    mailstack.append(hub["user"], referral(f"{second}@example.test", "x@example.org"), folder="Referrals")
    assert run(config, "run", "--once")[0] == 0
    assert len(export_cases(config)) == 2
    assert len(mailstack.fetch_all(first)) == 1
    assert len(mailstack.fetch_all(second)) == 1


def test_going_live_on_an_old_mailbox_answers_nobody_from_the_past(tmp_path, mailstack, db_url, hubs):
    """process_existing = false: mail already in the folder at the first poll is left alone."""
    hub = dict(hubs[0], imap_extra="process_existing = false")
    config = setup_config(tmp_path, mailstack, db_url, [hub, hubs[1]])
    old, new = new_person(mailstack), new_person(mailstack)
    mailstack.append(hub["user"], referral(f"{old}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    mailstack.append(hub["user"], referral(f"{new}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    assert [c["referrer_email"] for c in export_cases(config)] == [f"{new}@example.test"]
    assert mailstack.fetch_all(old) == []
