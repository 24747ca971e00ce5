"""A complete timeline on the real stack (issue 16): bounces on the case, a ledger reason for
follow-up letters, one closed_reply per closure, and a withdrawn person's fresh mail linked."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from rjmail.adapters.db import make_engine
from rjmail.adapters.tables import Case, Intake
from tests.integration.test_loops import _bounced_ack
from tests.support import export_cases, inbox, new_person, referral, run, setup_config

pytestmark = pytest.mark.integration


def _reply(stack: Any, hub: dict[str, Any], person: str, parent: EmailMessage, body: str) -> None:
    stack.append(
        hub["user"],
        referral(
            f"{person}@example.test",
            "x@example.org",
            subject=f"Re: {parent['Subject']}",
            body=body,
            headers={"In-Reply-To": parent["Message-ID"], "References": parent["Message-ID"]},
        ),
    )


def _ledger(db_url: str) -> list[tuple[str, str]]:
    engine = make_engine(db_url)
    with Session(engine) as s:
        rows = s.exec(select(Intake.decision, Intake.reason).order_by(col(Intake.id))).all()
    engine.dispose()
    return [(d, r) for d, r in rows]


def _close(db_url: str) -> None:
    engine = make_engine(db_url)
    with Session(engine) as s, s.begin():
        for case in s.exec(select(Case)).all():
            case.status, case.closed_at = "closed", datetime.now(UTC)
            s.add(case)
    engine.dispose()


def _only(stack: Any, person: str) -> EmailMessage:
    [raw] = stack.fetch_all(person)
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


@pytest.fixture
def config(tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]) -> Path:
    return setup_config(tmp_path, mailstack, db_url, hubs)


def test_a_bounce_is_on_the_case_timeline(tmp_path, mailstack, db_url, hubs):
    config, _, _, _ = _bounced_ack(tmp_path, mailstack, db_url, hubs, "message/rfc822")
    [case] = export_cases(config)
    kinds = [m["kind"] for m in case["messages"]]
    assert kinds[:2] == ["referral", "acknowledgement"]
    assert kinds.count("delivery_failure") == 1


def test_withdrawal_is_in_the_ledger_and_fresh_mail_afterwards_goes_to_the_old_case(
    config, mailstack, db_url, hubs
):
    """The ledger names the withdrawal confirmation; a new unthreaded email from the same person
    lands on the withdrawn case, gets no automatic letter, and the advisors are told why."""
    hub, person = hubs[0], new_person(mailstack)
    mailstack.append(hub["user"], referral(f"{person}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    ack = _only(mailstack, person)
    _reply(mailstack, hub, person, ack, "Please withdraw my referral, I do not want to go ahead.")
    assert run(config, "run", "--once")[0] == 0
    assert len(mailstack.fetch_all(person)) == 2  # the acknowledgement and one confirmation
    assert any("follow-up withdraw: sent withdrawal_confirmation" in r for _, r in _ledger(db_url))

    before_notes = len(mailstack.fetch_all(hub["notify"]))
    fresh = referral(f"{person}@example.test", "x@example.org", subject="Another thing")
    mailstack.append(hub["user"], fresh)
    assert run(config, "run", "--once")[0] == 0
    cases = export_cases(config)
    assert len(cases) == 1 and cases[0]["status"] == "withdrawn"
    assert [m["kind"] for m in cases[0]["messages"]].count("reply") == 2
    assert len(mailstack.fetch_all(person)) == 2  # nothing automatic
    notes = inbox(mailstack, hub["notify"])[before_notes:]
    assert len(notes) == 1
    text = notes[0].get_body(("plain",)).get_content()
    assert "withdrew" in text and "linked" in text
    assert "suppressed letter: case withdrawn" in _ledger(db_url)[-1][1]


def test_two_messages_on_a_closed_case_get_one_closed_reply(config, mailstack, db_url, hubs):
    hub, person = hubs[0], new_person(mailstack)
    mailstack.append(hub["user"], referral(f"{person}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    ack = _only(mailstack, person)
    _close(db_url)
    _reply(mailstack, hub, person, ack, "Hello again, one more question.")
    _reply(mailstack, hub, person, ack, "And another thing I forgot.")
    assert run(config, "run", "--once")[0] == 0
    assert len(mailstack.fetch_all(person)) == 2  # the acknowledgement and ONE closed reply
    reasons = [r for _, r in _ledger(db_url) if "case is closed" in r]
    assert len(reasons) == 2
    assert "sent closed_reply" in reasons[0]
    assert "closed_reply: one was already sent since the case was closed" in reasons[1]
