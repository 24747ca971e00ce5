"""Crash consistency on the real stack: the daemon is killed with SIGKILL at varied moments (mid-fetch,
mid-transaction, mid-SMTP-send) and restarted; afterwards every referral is exactly one case with
exactly one acknowledgement. The harness itself is bench/crash.py (300 referrals, 20 kills there)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.support import referral, run, unique, write_config

pytestmark = pytest.mark.integration

BENCH = Path(__file__).resolve().parents[2] / "bench" / "crash.py"


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rjmail_bench_crash", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_kill_minus_nine_loses_nothing_and_sends_nothing_twice(tmp_path: Path, mailstack: Any) -> None:
    """60 referrals, the daemon SIGKILLed 8 times and restarted, then `run --once` until the outbox is
    settled: 60 cases, each referrer exactly one acknowledgement at the SMTP server and one message in
    their INBOX. SQLite only (the crash behaviour under test is rjmail's ordering, not the engine's)."""
    crash = _harness()
    lines: list[str] = []
    result = crash.run_harness(
        mailstack, tmp_path, referrals=60, kills=8, seed=20260, echo=lines.append, max_seconds=80
    )
    report = "\n".join([*lines, result.summary()])
    print(report)
    assert result.kills >= 8, report
    assert result.cases == 60, report
    assert result.duplicates == 0, report
    assert result.losses == 0, report
    assert result.acks == 60, report
    assert result.inbox_problems == 0, report
    assert result.ok, report
    assert result.elapsed < 90, report


def _ack_rows(db_url: str) -> list[tuple[str, str]]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [
                (r[0], r[1])
                for r in conn.execute(
                    text("SELECT message_id, status FROM outbox WHERE kind = 'acknowledgement'")
                )
            ]
    finally:
        engine.dispose()


def _crash_after_smtp_accepted(db_url: str) -> None:
    """The state `kill -9` leaves between the SMTP server's 250 and the `sent` record (the harness
    reaches it for real: phase "delivery: SMTP accepted, not yet recorded")."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE outbox SET status = 'sending', sent_at = NULL WHERE kind = 'acknowledgement'")
            )
    finally:
        engine.dispose()


def _remove_from_inbox(mailstack: Any, user: str, message_id: str) -> bytes:
    with mailstack.imap(user) as client:
        client.select_folder("INBOX")
        uids = client.search(["HEADER", "Message-ID", message_id])
        assert uids, "the delivery copy should be in the hub INBOX"
        raw: bytes = client.fetch(uids, ["BODY.PEEK[]"])[uids[0]][b"BODY[]"]
        client.delete_messages(uids)
        client.expunge()
    return raw


@pytest.mark.parametrize(
    "situation",
    [
        "copy in the watched INBOX",
        "watched folder is not INBOX",
        "copy still queued at the relay",
    ],
)
def test_recovery_after_a_crash_between_smtp_and_record_sends_nothing_twice(
    tmp_path, mailstack, db_url, hubs, situation
):
    """A crash after the SMTP server accepted an acknowledgement but before it was recorded `sent`
    leaves the row `sending`; the next start settles it from the blind copy in the hub mailbox and
    the person still gets exactly one acknowledgement."""
    hub = dict(hubs[0])
    folder = "INBOX"
    if situation == "watched folder is not INBOX":
        folder = "Referrals"  # e.g. a server rule files the hub's incoming mail there
        hub["imap_extra"] = f'folder = "{folder}"'
    config = write_config(tmp_path, mailstack, db_url, [hub, hubs[1]])
    assert run(config, "db", "upgrade")[0] == 0
    person = unique("crashed-")
    mailstack.add_user(person)
    mailstack.append(hub["user"], referral(f"{person}@example.test", "x@example.org"), folder=folder)
    assert run(config, "run", "--once")[0] == 0
    assert len(mailstack.fetch_all(person)) == 1
    [(ack_id, status)] = _ack_rows(db_url)
    assert status == "sent"
    queued = None
    if situation == "copy still queued at the relay":
        queued = _remove_from_inbox(mailstack, hub["user"], ack_id)  # a real relay may deliver it later

    _crash_after_smtp_accepted(db_url)
    assert run(config, "run", "--once")[0] == 0
    assert run(config, "run", "--once")[0] == 0
    if queued is not None:
        # No proof yet: within delivery_proof_grace_seconds the row waits instead of resending...
        assert _ack_rows(db_url) == [(ack_id, "sending")]
        mailstack.append(hub["user"], queued)  # ...and when the relay delivers our copy, it is settled.
        assert run(config, "run", "--once")[0] == 0

    assert _ack_rows(db_url) == [(ack_id, "sent")]
    assert len(mailstack.fetch_all(person)) == 1, "the acknowledgement was sent twice"
