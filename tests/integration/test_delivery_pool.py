"""The delivery pool (issue 17): several SMTP connections at once, letters sent while intake still
runs, and exactly once whatever a worker's connection does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from rjmail import delivery, intake, once
from rjmail.adapters.smtp import SmtpSender
from rjmail.errors import TransientError
from rjmail.runtime import Runtime, build_runtime
from rjmail.settings import load
from tests.support import export_cases, referral, run, setup_config, unique

pytestmark = pytest.mark.integration


class Recording:
    """The real SMTP sender, noting which worker thread used it (and failing once when asked)."""

    def __init__(self, real: SmtpSender, used: list[tuple[int, str]], fail_first: bool = False) -> None:
        self.real, self.used, self.fail_first = real, used, fail_first

    def send(self, mail_from: str, recipients: Sequence[str], raw: bytes) -> None:
        if self.fail_first:
            self.fail_first = False
            raise TransientError("SMTP send failed: connection dropped (test)")
        self.real.send(mail_from, recipients, raw)
        self.used.append((id(self), threading.current_thread().name))

    def close(self) -> None:
        self.real.close()


def _runtime(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]], connections: int
) -> tuple[Path, Runtime]:
    config = setup_config(tmp_path, mailstack, db_url, hubs, smtp_extra=f"connections = {connections}")
    return config, build_runtime(load(config))


def _take_in(rt: Runtime, mailstack: Any, hub: dict[str, Any], count: int) -> list[str]:
    people = [f"{unique('pool-')}@example.test" for _ in range(count)]
    for person in people:
        mailstack.append(hub["user"], referral(person, f"{hub['user']}@example.org"))
    intake.poll_hub(rt, rt.settings.hub(hub["code"]))
    return people


def _acks_to(mailstack: Any, people: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(people, 0)
    for message in mailstack.spooled():
        for rcpt in message.rcpt_tos:
            if rcpt.lower() in counts:
                counts[rcpt.lower()] += 1
    return counts


def test_letters_go_out_over_two_connections_at_once(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]
) -> None:
    _, rt = _runtime(tmp_path, mailstack, db_url, hubs, connections=2)
    people = _take_in(rt, mailstack, hubs[0], 12)
    used: list[tuple[int, str]] = []
    pool = delivery.DeliveryPool(
        rt, [rt.settings.hubs[0]], sender=lambda: Recording(SmtpSender(rt.settings.smtp), used)
    )
    counts = pool.run()
    assert counts == {"sent": 24, "retry": 0, "failed": 0}  # acknowledgement + notification each
    assert len({sender for sender, _ in used}) == 2
    assert len({thread for _, thread in used}) == 2
    assert set(_acks_to(mailstack, people).values()) == {1}


def test_a_connection_failing_on_one_worker_loses_and_repeats_nothing(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]
) -> None:
    _, rt = _runtime(tmp_path, mailstack, db_url, hubs, connections=3)
    people = _take_in(rt, mailstack, hubs[0], 10)
    made: list[Recording] = []
    used: list[tuple[int, str]] = []

    def sender() -> Recording:
        made.append(Recording(SmtpSender(rt.settings.smtp), used, fail_first=not made))
        return made[-1]

    first = delivery.DeliveryPool(rt, [rt.settings.hubs[0]], sender=sender).run()
    assert first["retry"] == 1 and first["failed"] == 0
    with rt.engine.begin() as conn:  # the retried letter is due again now, not in 30 s
        conn.execute(
            text("UPDATE outbox SET next_attempt_at = :now WHERE status = 'pending'"), {"now": rt.now()}
        )
    rest = delivery.deliver_due(rt, [rt.settings.hubs[0]])
    assert first["sent"] + rest["sent"] == 20 and rest["retry"] == rest["failed"] == 0
    assert set(_acks_to(mailstack, people).values()) == {1}
    with rt.engine.connect() as conn:
        statuses = conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status")).all()
    assert dict(statuses) == {"sent": 20}


def test_run_once_answers_the_first_person_before_the_backlog_is_taken_in(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]
) -> None:
    config = setup_config(tmp_path, mailstack, db_url, hubs, smtp_extra="connections = 2")
    hub = hubs[0]
    people = [f"{unique('early-')}@example.test" for _ in range(300)]  # a backlog the first ack beats by far
    for person in people:
        mailstack.append(hub["user"], referral(person, f"{hub['user']}@example.org"))
    assert run(config, "run", "--once")[0] == 0
    accepted = [
        os.stat(m.path).st_mtime
        for m in mailstack.spooled()
        if any(r.lower() == people[0] for r in m.rcpt_tos)
    ]
    assert len(accepted) == 1
    cases = {c["referrer_email"]: c for c in export_cases(config)}
    assert set(people) <= set(cases)
    last_case = max(_timestamp(cases[p]["created_at"]) for p in people)
    assert accepted[0] < last_case  # the first acknowledgement was accepted before the last case existed


def _timestamp(value: str) -> float:
    from datetime import UTC, datetime

    at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


class Broken:
    """A sender with a bug: an unexpected error, not an SMTP answer."""

    def send(self, mail_from: str, recipients: Sequence[str], raw: bytes) -> None:
        raise RuntimeError("bug in a sender (test)")

    def close(self) -> None:
        return None


def test_an_unexpected_error_in_a_worker_ends_the_run_and_leaves_its_row_for_recovery(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]
) -> None:
    _, rt = _runtime(tmp_path, mailstack, db_url, hubs, connections=2)
    _take_in(rt, mailstack, hubs[0], 3)
    with pytest.raises(RuntimeError):
        delivery.DeliveryPool(rt, [rt.settings.hubs[0]], sender=Broken).run()
    statuses = _statuses(rt)
    assert 1 <= statuses.get("sending", 0) <= 2  # claimed by a worker that failed; nothing was sent
    assert statuses.get("sent", 0) == 0


def _statuses(rt: Runtime) -> dict[str, int]:
    with rt.engine.connect() as conn:
        rows = conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status")).all()
    return {status: count for status, count in rows}


def test_run_once_with_a_delivery_process_sends_every_letter_once(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]
) -> None:
    """The `rjmail` program delivers from a forked child while intake runs: each person gets one
    acknowledgement, every letter is recorded sent, and each disclosure is in the audit trail."""
    _, rt = _runtime(tmp_path, mailstack, db_url, hubs, connections=3)
    hub = hubs[0]
    people = [f"{unique('child-')}@example.test" for _ in range(40)]
    for person in people:
        mailstack.append(hub["user"], referral(person, f"{hub['user']}@example.org"))
    assert once.run_once(rt, delivery_process=True) == 0
    assert set(_acks_to(mailstack, people).values()) == {1}
    statuses = _statuses(rt)
    assert set(statuses) == {"sent"} and statuses["sent"] >= 80  # acknowledgements and notices
    with rt.engine.connect() as conn:
        disclosures = conn.execute(text("SELECT count(*) FROM audit WHERE action = 'disclosure'")).scalar()
    assert disclosures == len(people)


def test_a_delivery_process_that_dies_is_reported_and_its_letters_wait_for_recovery(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]
) -> None:
    _, rt = _runtime(tmp_path, mailstack, db_url, hubs, connections=1)
    people = _take_in(rt, mailstack, hubs[0], 3)
    child = delivery.DeliveryChild(rt, [rt.settings.hubs[0]])
    child.start()
    os.kill(child.pid, signal.SIGKILL)
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # dead (left for finish() to reap)
    child.wake()  # intake committing after the child died must not fail on the closed pipe
    with pytest.raises(TransientError, match="delivery process ended"):
        child.finish()
    # Whatever it had claimed stays `sending` for recovery; nothing was sent twice.
    assert max(_acks_to(mailstack, people).values()) <= 1
    assert sum(_statuses(rt).values()) == 6


def test_an_abandoned_delivery_process_is_stopped_and_reaped(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]
) -> None:
    """Intake stopped by a bug or Ctrl-C: the child is stopped at once, as a crash would stop it."""
    _, rt = _runtime(tmp_path, mailstack, db_url, hubs, connections=1)
    child = delivery.DeliveryChild(rt, [rt.settings.hubs[0]])
    child.start()
    child.abandon()
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # already reaped: no zombie left behind
    child.wake()  # a late wake is harmless


def test_kill_minus_nine_of_run_once_takes_its_delivery_process_with_it(
    tmp_path: Path, mailstack: Any, hubs: list[dict[str, Any]]
) -> None:
    """`rjmail run --once` killed mid-backlog: its delivery child dies with it (no orphan keeps
    sending), and the next runs answer everyone exactly once. SQLite, as a cron job would run it."""
    config = setup_config(
        tmp_path,
        mailstack,
        f"sqlite:///{tmp_path / 'rjmail.db'}",
        hubs,
        smtp_extra="connections = 2",
        extra_service="delivery_proof_grace_seconds = 1",
    )
    hub = hubs[0]
    people = [f"{unique('killed-')}@example.test" for _ in range(150)]
    for person in people:
        mailstack.append(hub["user"], referral(person, f"{hub['user']}@example.org"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "rjmail", "--config", str(config), "run", "--once"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while sum(_acks_to(mailstack, people).values()) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    children = _children_of(proc.pid)
    assert children, "run --once delivers from a child process"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in children)
    time.sleep(1.1)  # delivery_proof_grace_seconds: rows without proof go back to pending
    for _ in range(4):
        assert run(config, "run", "--once")[0] == 0
    assert set(_acks_to(mailstack, people).values()) == {1}


def _children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its new parent to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
