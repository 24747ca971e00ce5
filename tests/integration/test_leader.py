"""Several `rjmail run` instances on one PostgreSQL database: one leads each hub (advisory lock),
the other stands by and takes over within a poll interval when the leader is killed, and nothing is
lost or answered twice. PostgreSQL only (RJMAIL_TEST_DATABASE_URL, set by scripts/test)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from rjmail.leader import AdvisoryLeader, lock_engine, lock_key
from tests.conftest import fresh_postgres
from tests.integration.test_daemon import DaemonProcess, daemon_config, inbox_count, wait_until
from tests.support import referral, run, unique

PG_URL = os.environ.get("RJMAIL_TEST_DATABASE_URL")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (RJMAIL_TEST_DATABASE_URL)"),
]

POLL = 5


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A database of its own, created and dropped around the test."""
    assert PG_URL
    with fresh_postgres(PG_URL) as url:
        yield url


def test_lock_keys_are_stable_and_distinct():
    assert lock_key("NOR") == lock_key("NOR")
    assert lock_key("NOR") != lock_key("SUF")
    assert -(2**63) <= lock_key("NOR") < 2**63


def test_one_leader_per_hub_and_a_lost_session_is_lost_leadership(pg_url):
    engine = lock_engine(create_engine(pg_url))
    assert engine is not None
    first, second, other_hub = (
        AdvisoryLeader(engine, "NOR"),
        AdvisoryLeader(engine, "NOR"),
        AdvisoryLeader(engine, "SUF"),
    )
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        assert other_hub.try_acquire()  # hubs are independent
        assert first.still_leading()
        # The leader's database session dies (server restart, network, pg_terminate_backend).
        with engine.connect() as conn:
            killed = conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND granted AND "
                    "((classid::bigint << 32) | objid::bigint) = (:k)::bigint AND "
                    # This test's database only: other databases on the server may hold the same key.
                    "database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"k": lock_key("NOR")},
            )
        assert killed == 1
        assert not first.still_leading()
        assert not first.leading
        assert second.try_acquire()
        second.release()
        assert first.try_acquire()  # released properly: available again at once
    finally:
        for lead in (first, second, other_hub):
            lead.release()
        engine.dispose()


def _people(stack: Any, n: int) -> list[str]:
    people = [unique("person-") for _ in range(n)]
    for user in people:
        stack.add_user(user)
    return people


def test_standby_takes_over_when_the_leader_is_killed(tmp_path, mailstack, pg_url):
    """Two daemons, one database, one mailbox; kill -9 the leader mid-run: the standby leads within
    a poll interval, and every referral gets exactly one case and one acknowledgement."""
    hub = {
        "code": "NOR",
        "name": "Norfolk RJ Hub",
        "user": unique("rj-nor-"),
        "signposting": "norfolk",
        "notify": unique("notify-nor-"),
        "advisors": [f"{unique('adv-nor-')}@example.org"],
    }
    for user in (hub["user"], hub["notify"], hub["advisors"][0].split("@")[0]):
        mailstack.add_user(user)
    # The test relay delivers our copy before it answers 250, so a letter the killed leader left
    # `sending` without a copy was never accepted: the standby may resend it after 2 s (production
    # waits delivery_proof_grace_seconds, default 600, for queueing relays).
    grace = "delivery_proof_grace_seconds = 2"
    config = daemon_config(tmp_path, mailstack, pg_url, [hub], poll=POLL, idle=True, extra_service=grace)
    address = f"{hub['user']}@example.org"
    people = _people(mailstack, 40)
    first = DaemonProcess(config, tmp_path / "first.log")
    second: DaemonProcess | None = None
    try:
        first.wait_for("leadership_acquired", 20, hub="NOR")
        second = DaemonProcess(config, tmp_path / "second.log")
        second.wait_for("daemon_started", 20)
        time.sleep(1)
        assert not second.has("leadership_acquired")

        # 15 referrals one by one, answered by the leader.
        for who in people[:15]:
            mailstack.append(hub["user"], referral(f"{who}@example.test", address))
            time.sleep(0.2)
        assert wait_until(lambda: all(inbox_count(mailstack, w) == 1 for w in people[:15]), 30), first.tail()
        # 10 more at once, and the leader dies while it works on them.
        mailstack.append_many(hub["user"], [referral(f"{w}@example.test", address) for w in people[15:25]])
        assert wait_until(lambda: _count(first, "message_processed", decision="new_case") >= 18, 15, 0.01), (
            first.tail()
        )
        first.kill()  # in the middle of the batch: some processed, some letters queued or in flight
        killed_at = time.monotonic()
        # The rest arrive while the standby takes over.
        for who in people[25:]:
            mailstack.append(hub["user"], referral(f"{who}@example.test", address))
            time.sleep(0.3)
        second.wait_for("leadership_acquired", POLL + 15, hub="NOR")
        takeover = _seen_at(second, "leadership_acquired", killed_at)
        assert takeover - killed_at < POLL + 5, takeover - killed_at

        assert wait_until(lambda: all(inbox_count(mailstack, w) >= 1 for w in people), 60), second.tail()
        time.sleep(3)  # anything sent twice would show up by now
        counts = {w: inbox_count(mailstack, w) for w in people}
        assert all(n == 1 for n in counts.values()), {w: n for w, n in counts.items() if n != 1}
        code, out = run(config, "cases", "export", "--format", "json")
        assert code == 0
        referrers = sorted(c["referrer_email"] for c in json.loads(out))
        assert referrers == sorted(f"{w}@example.test" for w in people)
        assert second.terminate() == 0
        print(f"failover: standby led {takeover - killed_at:.2f} s after kill -9 (poll interval {POLL} s)")
    finally:
        first.kill()
        if second is not None:
            second.kill()


def _count(daemon: DaemonProcess, event: str, **match: Any) -> int:
    return sum(
        1 for e in daemon.events() if e.get("event") == event and all(e.get(k) == v for k, v in match.items())
    )


def _seen_at(daemon: DaemonProcess, event: str, since: float) -> float:
    """When `event` showed up in the log, on the monotonic clock (the log's UTC timestamp, mapped)."""
    stamp = next(e["timestamp"] for e in daemon.events() if e.get("event") == event)
    from datetime import UTC, datetime

    wall = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    age = (datetime.now(UTC) - wall).total_seconds()
    return max(since, time.monotonic() - age)
