"""Outages on the real stack: SMTP down, IMAP down, a hub with a missing folder, a locked database.
Whatever fails, nothing is lost and nothing is sent twice once the service is back."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import referral, run, unique, write_config

pytestmark = pytest.mark.integration


def _setup(tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]], **kw: Any) -> Path:
    config = write_config(tmp_path, mailstack, db_url, hubs, **kw)
    assert run(config, "db", "upgrade")[0] == 0
    return config


def _people(mailstack: Any, count: int) -> list[str]:
    people = [unique("outage-") for _ in range(count)]
    for person in people:
        mailstack.add_user(person)
    return people


def _export(config: Path) -> list[dict[str, Any]]:
    code, out = run(config, "cases", "export", "--format", "json")
    assert code == 0
    return json.loads(out)


def _spooled_to(mailstack: Any, address: str) -> int:
    return sum(1 for m in mailstack.spooled() if address in (r.lower() for r in m.rcpt_tos))


def _outbox(db_url: str) -> list[dict[str, Any]]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = (
                conn.execute(
                    text("SELECT kind, status, attempts, last_error, next_attempt_at FROM outbox ORDER BY id")
                )
                .mappings()
                .all()
            )
            return [dict(r) for r in rows]
    finally:
        engine.dispose()


def _assert_each_answered_once(mailstack: Any, config: Path, people: list[str]) -> None:
    cases = _export(config)
    assert sorted(c["referrer_email"] for c in cases) == sorted(f"{p}@example.test" for p in people)
    for person in people:
        assert _spooled_to(mailstack, f"{person}@example.test") == 1, person
        assert len(mailstack.fetch_all(person)) == 1, person


def test_smtp_down_keeps_letters_pending_then_delivers_each_once(tmp_path, mailstack, db_url, hubs):
    """With the SMTP server down, referrals still become cases and their letters wait in the outbox
    (attempt counted, error kept); once SMTP is back every letter goes out exactly once.

    The retry delay is shortened with `outbox_backoff_cap_seconds = 1`: the backoff *base* (30 s) is
    not configurable from rjmail.toml, only its cap."""
    config = _setup(tmp_path, mailstack, db_url, hubs, extra_service="outbox_backoff_cap_seconds = 1")
    people = _people(mailstack, 3)
    for person in people:
        mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org"))
    mailstack.stop_smtp()
    try:
        code, _ = run(config, "run", "--once")
        assert code in (0, 1)  # a delivery outage may or may not fail the cycle
        assert len(_export(config)) == 3
        rows = _outbox(db_url)
        assert len(rows) == 6  # 3 acknowledgements + 3 advisor notifications
        assert all(r["status"] == "pending" for r in rows), rows
        tried = [r for r in rows if r["attempts"] > 0]
        assert tried, "the delivery attempt was not counted"
        assert all(r["last_error"] for r in tried)
        assert all(_spooled_to(mailstack, f"{p}@example.test") == 0 for p in people)
    finally:
        mailstack.start_smtp()

    time.sleep(1.2)  # past the (capped) backoff of the attempted row
    assert run(config, "run", "--once")[0] == 0
    assert all(r["status"] == "sent" for r in _outbox(db_url))
    _assert_each_answered_once(mailstack, config, people)
    assert len(mailstack.fetch_all(hubs[0]["notify"])) == 3
    assert run(config, "run", "--once")[0] == 0  # and nothing more on the next cycle
    _assert_each_answered_once(mailstack, config, people)


def test_imap_down_for_one_run_loses_nothing(tmp_path, mailstack, db_url, hubs):
    """With Dovecot down the cycle fails (exit 1) and processes nothing; the next cycle after it is
    back processes every message in both hubs, each answered once."""
    config = _setup(tmp_path, mailstack, db_url, hubs)
    people = _people(mailstack, 3)
    for person, hub in zip(people, (hubs[0], hubs[0], hubs[1]), strict=True):
        mailstack.append(hub["user"], referral(f"{person}@example.test", f"{hub['user']}@example.org"))
    mailstack.stop_imap()
    try:
        code, out = run(config, "run", "--once")
        assert code == 1
        assert "poll_failed" in out
    finally:
        mailstack.start_imap()
    assert _export(config) == []
    assert _outbox(db_url) == []

    assert run(config, "run", "--once")[0] == 0
    _assert_each_answered_once(mailstack, config, people)
    assert sorted(c["hub"] for c in _export(config)) == ["NOR", "NOR", "SUF"]


def test_hub_with_missing_folder_fails_alone(tmp_path, mailstack, db_url, hubs):
    """A hub whose watched folder does not exist fails (exit 1) while the other hub works; once the
    folder is corrected its waiting mail is processed, nothing lost."""
    broken = dict(hubs[0], imap_extra='folder = "Nope"')
    config = _setup(tmp_path, mailstack, db_url, [broken, hubs[1]])
    nor_person, suf_person = _people(mailstack, 2)
    mailstack.append(hubs[0]["user"], referral(f"{nor_person}@example.test", "x@example.org"))
    mailstack.append(hubs[1]["user"], referral(f"{suf_person}@example.test", "x@example.org"))

    code, out = run(config, "run", "--once")
    assert code == 1
    assert "Nope" in out or "poll_failed" in out
    assert [c["hub"] for c in _export(config)] == ["SUF"]
    assert len(mailstack.fetch_all(suf_person)) == 1
    assert mailstack.fetch_all(nor_person) == []

    config.write_text(config.read_text().replace('folder = "Nope"', 'folder = "INBOX"'))
    assert run(config, "run", "--once")[0] == 0
    _assert_each_answered_once(mailstack, config, [nor_person, suf_person])


@contextmanager
def _database_locked(db_url: str, seconds: float) -> Iterator[threading.Thread]:
    """Another connection holds an exclusive lock for `seconds` (SQLite: BEGIN EXCLUSIVE; PostgreSQL:
    ACCESS EXCLUSIVE on the tables every cycle touches)."""
    locked, failure = threading.Event(), []

    def hold() -> None:
        try:
            url = make_url(db_url)
            if url.get_backend_name() == "sqlite":
                conn = sqlite3.connect(str(url.database), isolation_level=None)
                conn.execute("BEGIN EXCLUSIVE")
                locked.set()
                time.sleep(seconds)
                conn.execute("COMMIT")
                conn.close()
                return
            engine = create_engine(db_url)
            with engine.begin() as pg:
                pg.execute(
                    text(
                        'LOCK TABLE folder_checkpoint, intake, "case", message, outbox '
                        "IN ACCESS EXCLUSIVE MODE"
                    )
                )
                locked.set()
                time.sleep(seconds)
            engine.dispose()
        except Exception as exc:  # surfaced by the test, not lost in the thread
            failure.append(exc)
            locked.set()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert locked.wait(10)
    assert not failure, failure
    try:
        yield thread
    finally:
        thread.join(seconds + 10)
        assert not failure, failure


def test_locked_database_waits_or_fails_the_cycle_without_losing_anything(tmp_path, mailstack, db_url, hubs):
    """While another connection holds an exclusive lock for 2 s, a cycle either waits for it
    (busy_timeout / lock wait) or fails; the next cycle completes and every referral is answered
    exactly once."""
    config = _setup(tmp_path, mailstack, db_url, hubs)
    people = _people(mailstack, 3)
    for person in people:
        mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org"))

    with _database_locked(db_url, 2.0):
        started = time.monotonic()
        code, _ = run(config, "run", "--once")
        waited = time.monotonic() - started
        print(f"locked-database cycle: exit {code} after {waited:.2f} s")
    assert code in (0, 1)
    if code == 0:
        assert waited >= 1.5, f"a locked database cannot have been written in {waited:.2f} s"
    assert run(config, "run", "--once")[0] == 0
    _assert_each_answered_once(mailstack, config, people)
