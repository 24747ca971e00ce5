"""Mail loops on the real stack: rjmail against robots that answer everything, and bounces of its own
letters. The exchange must always stop, and a bounce is never answered."""

from __future__ import annotations

import email
import json
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.support import referral, run, unique, write_config

pytestmark = pytest.mark.integration

LIMIT = 3
ROUNDS = 10


def _setup(tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]) -> Path:
    config = write_config(
        tmp_path, mailstack, db_url, hubs, extra_service=f"auto_replies_per_address_per_day = {LIMIT}"
    )
    assert run(config, "db", "upgrade")[0] == 0
    return config


def _user(mailstack: Any, prefix: str) -> str:
    user = unique(prefix)
    mailstack.add_user(user)
    return user


def _export(config: Path) -> list[dict[str, Any]]:
    code, out = run(config, "cases", "export", "--format", "json")
    assert code == 0
    return json.loads(out)


def _sent_to(mailstack: Any, address: str) -> int:
    """Messages the SMTP server accepted for `address` (any letter rjmail sent there)."""
    return sum(1 for m in mailstack.spooled() if address.lower() in (r.lower() for r in m.rcpt_tos))


def _parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def _sql(db_url: str, query: str, **params: Any) -> list[Any]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(query), params))
    finally:
        engine.dispose()


def _robot_answer(
    robot: str,
    hub_address: str,
    letter: email.message.EmailMessage,
    style: str,
    number: int,
    auto: bool = False,
) -> bytes:
    """A robot's plain answer to one letter it received (no Auto-Submitted unless `auto`)."""
    msg = EmailMessage()
    msg["From"] = f"Enquiries Desk <{robot}>"
    msg["To"] = hub_address
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="robot.example.test")
    if style == "threaded":  # a proper reply: Re: subject, In-Reply-To and References
        msg["Subject"] = f"Re: {letter['Subject']}"
        msg["In-Reply-To"] = letter["Message-ID"]
        msg["References"] = letter["Message-ID"]
    elif style == "subject-only":  # keeps the subject (with the reference), drops the threading
        msg["Subject"] = f"RE: {letter['Subject']}"
    else:  # "fresh": a brand-new message every time, like a crude ticketing system
        msg["Subject"] = f"Your enquiry has been logged (number {number})"
    if auto:
        msg["Auto-Submitted"] = "auto-replied"
    msg.set_content(
        f"Thank you for your email. We have logged it as enquiry number {number} and will "
        "get back to you.\n\nEnquiries Desk\n"
    )
    return msg.as_bytes()


@pytest.mark.parametrize("style", ["fresh", "subject-only", "threaded"])
def test_robot_answering_everything_is_bounded_by_the_daily_limit(tmp_path, mailstack, db_url, hubs, style):
    """A robot with an ordinary address answers every letter it gets, for 10 rounds (fetch its
    inbox, answer each new letter by APPEND to the hub, `run --once`): rjmail sends it at most
    `auto_replies_per_address_per_day` (3) letters, the exchange dies out, and every suppressed
    letter is recorded with its reason."""
    config = _setup(tmp_path, mailstack, db_url, hubs)
    robot_user = _user(mailstack, "enquiries-")
    robot, hub = f"{robot_user}@example.test", hubs[0]
    hub_address = f"{hub['user']}@example.org"
    mailstack.append(hub["user"], referral(robot, hub_address, name="Enquiries Desk"))
    answered, per_round = 0, []
    for number in range(ROUNDS):
        assert run(config, "run", "--once")[0] == 0
        inbox = mailstack.fetch_all(robot_user)
        per_round.append(len(inbox) - answered)
        for raw in inbox[answered:]:
            mailstack.append(hub["user"], _robot_answer(robot, hub_address, _parse(raw), style, number))
        answered = len(inbox)

    letters = _sent_to(mailstack, robot)
    assert letters <= LIMIT, per_round
    assert len(mailstack.fetch_all(robot_user)) == letters
    assert sum(per_round[-3:]) == 0, f"the exchange did not stop: new letters per round {per_round}"
    if style == "fresh":  # every answer looks like a new referral: only the loop guard stops it
        assert letters == LIMIT, per_round
        reasons = [
            r[0] for r in _sql(db_url, "SELECT reason FROM intake WHERE reason LIKE :p", p="%suppressed%")
        ]
        assert reasons, "suppressed acknowledgements were not recorded in the intake ledger"
        assert any(str(LIMIT) in r for r in reasons), reasons
    else:  # answers thread onto the case: they go on its timeline and get no letter at all
        assert letters == 1, per_round
        assert len(_export(config)) == 1


def test_robot_that_sets_auto_submitted_gets_nothing(tmp_path, mailstack, db_url, hubs):
    """A robot whose every message carries Auto-Submitted (and which writes every round) gets zero
    letters and opens no case."""
    config = _setup(tmp_path, mailstack, db_url, hubs)
    robot_user = _user(mailstack, "ticketing-")
    robot, hub = f"{robot_user}@example.test", hubs[0]
    hub_address = f"{hub['user']}@example.org"
    seed = EmailMessage()
    seed["Subject"], seed["Message-ID"] = "Help please", make_msgid()
    for number in range(ROUNDS):
        mailstack.append(hub["user"], _robot_answer(robot, hub_address, seed, "fresh", number, auto=True))
        assert run(config, "run", "--once")[0] == 0
    assert _sent_to(mailstack, robot) == 0
    assert mailstack.fetch_all(robot_user) == []
    assert _export(config) == []
    decisions = _sql(db_url, "SELECT decision, reason FROM intake")
    assert len(decisions) == ROUNDS
    assert all("Auto-Submitted" in reason for _, reason in decisions), decisions


def _dsn(hub_address: str, failed_rcpt: str, letter: email.message.EmailMessage, returned: str) -> bytes:
    """A Postfix-style non-delivery report from MAILER-DAEMON with an empty return path. `returned`
    is the content type of the part that carries the bounced letter's headers."""
    boundary = "DSN-boundary-0123456789"
    headers = "".join(
        f"{k}: {v}\r\n"
        for k, v in (
            ("From", letter["From"]),
            ("To", letter["To"]),
            ("Subject", letter["Subject"]),
            ("Date", letter["Date"]),
            ("Message-ID", letter["Message-ID"]),
            ("Auto-Submitted", letter["Auto-Submitted"]),
        )
    )
    if returned == "message/rfc822":
        headers += "Content-Type: text/plain; charset=utf-8\r\n\r\n(body omitted)\r\n"
    dsn = (
        "Return-Path: <>\r\n"
        f"From: Mail Delivery System <MAILER-DAEMON@mx.example.test>\r\n"
        f"To: {hub_address}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {format_datetime(datetime.now(UTC))}\r\n"
        f"Message-ID: {make_msgid(domain='mx.example.test')}\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is the mail system at host mx.example.test.\r\n\r\n"
        "I'm sorry to have to inform you that your message could not be delivered to one or more\r\n"
        f"recipients.\r\n\r\n<{failed_rcpt}>: host mx.example.test said: 550 5.1.1 User unknown\r\n\r\n"
        f"--{boundary}\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.test\r\n"
        "Arrival-Date: Mon, 1 Jun 2026 10:00:00 +0100\r\n\r\n"
        f"Final-Recipient: rfc822; {failed_rcpt}\r\n"
        "Action: failed\r\n"
        "Status: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
        f"--{boundary}\r\n"
        f"Content-Type: {returned}\r\n\r\n"
        f"{headers}\r\n"
        f"--{boundary}--\r\n"
    )
    return dsn.encode()


def _bounced_ack(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]], returned: str
) -> tuple[Path, str, str, int]:
    """A referral is acknowledged, then a DSN about that acknowledgement arrives and is processed.
    Returns (config, person, acknowledgement Message-ID, spool size before the DSN)."""
    config = _setup(tmp_path, mailstack, db_url, hubs)
    person, hub = _user(mailstack, "bounced-"), hubs[0]
    hub_address = f"{hub['user']}@example.org"
    mailstack.append(hub["user"], referral(f"{person}@example.test", hub_address))
    assert run(config, "run", "--once")[0] == 0
    [ack] = [_parse(raw) for raw in mailstack.fetch_all(person)]
    before = len(mailstack.spooled())
    mailstack.append(hub["user"], _dsn(hub_address, f"{person}@example.test", ack, returned))
    assert run(config, "run", "--once")[0] == 0
    assert run(config, "run", "--once")[0] == 0
    return config, person, str(ack["Message-ID"]), before


# How the bounced letter comes back: RFC 6522 headers, the whole message, their RFC 6533 (SMTPUTF8)
# forms, and the non-standard message/rfc822-headers some servers use.
RETURNED_PARTS = [
    "text/rfc822-headers",
    "message/rfc822",
    "message/global-headers",
    "message/global",
    "message/rfc822-headers",
]


@pytest.mark.parametrize("returned", RETURNED_PARTS)
def test_bounce_of_an_acknowledgement_is_never_answered(tmp_path, mailstack, db_url, hubs, returned):
    """A non-delivery report (multipart/report from MAILER-DAEMON, Return-Path <>) naming an rjmail
    acknowledgement gets no letter: nothing to the mailer daemon, nothing more to the person, no new
    case; at most the advisors hear of it."""
    config, person, _, before = _bounced_ack(tmp_path, mailstack, db_url, hubs, returned)
    new = mailstack.spooled()[before:]
    notify = f"{hubs[0]['notify']}@example.org"
    hub_address = f"{hubs[0]['user']}@example.org"
    outsiders = [m.rcpt_tos for m in new if set(r.lower() for r in m.rcpt_tos) - {notify, hub_address}]
    assert outsiders == []
    assert _sent_to(mailstack, "mailer-daemon@mx.example.test") == 0
    assert len(mailstack.fetch_all(person)) == 1
    assert len(_export(config)) == 1
    [(decision, _reason)] = _sql(
        db_url, "SELECT decision, reason FROM intake WHERE reason LIKE :p", p="%automatic%"
    )
    assert decision == "record_only"


@pytest.mark.parametrize("returned", RETURNED_PARTS)
def test_bounce_marks_the_letter_failed_and_tells_the_advisors(tmp_path, mailstack, db_url, hubs, returned):
    """A bounce of rjmail's own letter marks that outbox item failed and sends the advisors one
    delivery-failure notification (SPEC section 3, rule 2)."""
    _, _, ack_id, before = _bounced_ack(tmp_path, mailstack, db_url, hubs, returned)
    [(status, error)] = _sql(db_url, "SELECT status, last_error FROM outbox WHERE message_id = :m", m=ack_id)
    assert status == "failed"
    assert error
    notify = f"{hubs[0]['notify']}@example.org"
    notes = [_parse(m.data) for m in mailstack.spooled()[before:] if notify in m.rcpt_tos]
    assert len(notes) == 1
    body = notes[0].get_body(("plain",)).get_content().lower()
    assert "deliver" in body
