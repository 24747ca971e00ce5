"""A job never asks the scheduler for anything once stopping has begun (the SIGTERM hang)."""

from __future__ import annotations

import threading
from typing import Any

from rjmail.daemon import Daemon


class Scheduler:
    """Records what the daemon asked of it (APScheduler's modify_job)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def modify_job(self, job_id: str, **_: Any) -> None:
        self.asked.append(job_id)


def _daemon(sched: Scheduler) -> Daemon:
    daemon = Daemon.__new__(Daemon)  # only the parts _run_now uses
    daemon.stop, daemon._sched_lock, daemon._sched = threading.Event(), threading.Lock(), sched  # type: ignore[assignment]
    return daemon


def test_a_job_wakes_another_while_running():
    """New mail or new letters run the poll or outbox job at once."""
    sched = Scheduler()
    _daemon(sched)._run_now("outbox")
    assert sched.asked == ["outbox"]


def test_once_stopping_no_job_asks_the_scheduler():
    """After stop is set (under the lock shutdown takes first), nothing calls into the scheduler,
    whose shutdown(wait=True) would otherwise wait for a job that waits for it."""
    sched = Scheduler()
    daemon = _daemon(sched)
    with daemon._sched_lock:
        daemon.stop.set()
    daemon._run_now("outbox")
    daemon._run_now("poll:NOR")
    assert sched.asked == []
