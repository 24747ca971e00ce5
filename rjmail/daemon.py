"""The daemon: APScheduler jobs per hub, IMAP IDLE threads, leader locks, signals, systemd notify.

Jobs (BackgroundScheduler, UTC; the main thread keeps signals and the watchdog):
* `poll:HUB` every `poll_interval_seconds`: make sure this instance leads the hub (PostgreSQL
  advisory lock; always on SQLite), settle outbox rows a crash left `sending` when it has just
  become leader, poll the hub folder. A standby only retries the lock.
* `outbox` every half interval, and at once when intake commits letters: a delivery pool of
  `[smtp] connections` workers (rjmail.delivery.DeliveryPool) sends due letters of the hubs it
  leads; while any poll is taking in mail the pool stays up and each commit wakes it, so letters
  go out during a long backlog, not after it.
* `leaders` (PostgreSQL): checks every few seconds that each held lock's session is alive.
* IDLE threads (rjmail.idle) call `request_poll(hub)`, which runs `poll:HUB` now; a request that
  arrives while the hub is being polled makes that poll go round once more, so no mail waits for
  the next interval.

systemd (Type=notify): READY=1 once config and database are checked, before any IMAP login, so
an IMAP outage does not make the unit fail to start; STATUS= lines; WATCHDOG=1 only while every
hub's cycle keeps completing (a wedged job stops the pings and systemd restarts the service);
STOPPING=1 on SIGTERM, after which running jobs finish and the process exits 0.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import partial
from types import FrameType

import structlog
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from rjmail import delivery, intake, leader, stopping
from rjmail.adapters import metrics, outbox
from rjmail.errors import PermanentError, TransientError
from rjmail.idle import IdleWatcher
from rjmail.runtime import Runtime
from rjmail.settings import HubSettings
from rjmail.systemd import sd_notify, watchdog_interval

log = structlog.get_logger("rjmail.daemon")

LEADER_CHECK_SECONDS = 5
RUNNING_CYCLE_LIMIT = 3600.0  # a poll still running after this long counts as wedged
STOP_JOIN_SECONDS = 5.0


class Daemon:
    def __init__(self, rt: Runtime, leaders: dict[str, leader.Leadership] | None = None) -> None:
        self.rt = rt
        self.hubs: tuple[HubSettings, ...] = rt.settings.hubs
        self.interval = rt.settings.service.poll_interval_seconds
        self.stop = threading.Event()
        self.leaders = leaders or leader.for_hubs(rt.engine, [h.code for h in self.hubs])
        codes = [h.code for h in self.hubs]
        self.hub_errors: dict[str, str] = {}
        self.last_ok: dict[str, datetime] = {}
        self._hub_locks = {c: threading.Lock() for c in codes}
        self._poll_wanted = {c: threading.Event() for c in codes}
        self._cycle_started: dict[str, float | None] = dict.fromkeys(codes)
        self._cycle_done = dict.fromkeys(codes, time.monotonic())
        self._was_leading: set[str] = set()
        self._needs_recovery: set[str] = set()
        self._deliver_lock = threading.Lock()
        self._sched_lock = threading.Lock()  # see _run_now
        self._deliver_wanted = threading.Event()
        self._pool: delivery.DeliveryPool | None = None  # the running delivery, fed by intake commits
        self._intakes = 0  # polls taking in mail right now: the delivery pool stays up while any runs
        self._intakes_lock = threading.Lock()
        self._sched: BackgroundScheduler | None = None
        self.watchers: list[IdleWatcher] = []

    # ------------------------------------------------------------------ leadership

    def _ensure_leading(self, hub: HubSettings) -> bool:
        code = hub.code
        lead = self.leaders[code]
        leading = lead.still_leading() if lead.leading else False
        if not leading:
            if code in self._was_leading:
                self._lost(code)
            leading = lead.try_acquire()
        if leading and code not in self._was_leading:
            self._was_leading.add(code)
            self._needs_recovery.add(code)
            log.info("hub_leading", hub=code)
        if leading and code in self._needs_recovery:
            self._recover(hub)
        self.rt.metrics.set_leader(code, leading)  # ops
        return leading

    def _lost(self, code: str) -> None:
        self.rt.metrics.set_leader(code, False)  # ops
        self._was_leading.discard(code)
        self._needs_recovery.discard(code)
        log.warning("hub_standby", hub=code, reason="leadership lost")

    def _recover(self, hub: HubSettings) -> None:
        """Settle rows left `sending` by a crash (ours or the previous leader's). Never while our
        own delivery runs: its in-flight rows are `sending` too and would be sent twice."""
        with self._deliver_lock:
            delivery.recover_outbox(self.rt, hub)
            if not outbox.stuck_rows(self.rt.engine, [hub.code]):
                self._needs_recovery.discard(hub.code)

    def check_leaders(self) -> None:
        """PostgreSQL: notice a dead lock session within seconds, not at the next poll."""
        for code, lead in self.leaders.items():
            if lead.leading and not lead.still_leading() and code in self._was_leading:
                self._lost(code)

    def leading(self, code: str) -> bool:
        return self.leaders[code].leading

    # ------------------------------------------------------------------ polling

    def request_poll(self, hub: HubSettings) -> None:
        """New mail (IDLE): poll the hub now, or once more right after the poll in progress."""
        self._poll_wanted[hub.code].set()
        if not self._hub_locks[hub.code].locked():  # else the running cycle sees the flag
            self._run_now(f"poll:{hub.code}")

    def _run_now(self, job_id: str) -> None:
        """Ask the scheduler to run a job now, but never once stopping has begun: shutdown(wait=True)
        holds the scheduler's lock while it waits for the jobs, so a job asking it for anything then
        would wait for ever (seen as a daemon that did not exit on SIGTERM)."""
        with self._sched_lock:
            if self.stop.is_set() or self._sched is None:
                return
            with contextlib.suppress(JobLookupError, SchedulerNotRunningError):
                self._sched.modify_job(job_id, next_run_time=datetime.now(UTC))

    def poll(self, hub: HubSettings) -> None:
        """The `poll:HUB` job."""
        code = hub.code
        lock = self._hub_locks[code]
        while not self.stop.is_set():
            if not lock.acquire(blocking=False):
                return
            try:
                self._cycle(hub)
            finally:
                lock.release()
            # A request that came between the cycle's last look and the release: go again.
            if not self._poll_wanted[code].is_set():
                return

    def _cycle(self, hub: HubSettings) -> None:
        code = hub.code
        self._cycle_started[code] = time.monotonic()
        try:
            with structlog.contextvars.bound_contextvars(hub=code, job="poll"):
                while not self.stop.is_set():
                    self._poll_wanted[code].clear()
                    if not self._ensure_leading(hub):
                        break
                    self._poll_once(hub)
                    self.letters_committed()  # the outbox job delivers; this cycle does not wait
                    if not self._poll_wanted[code].is_set():
                        break
        finally:
            self._cycle_done[code] = time.monotonic()
            self._cycle_started[code] = None

    def _poll_once(self, hub: HubSettings) -> None:
        code = hub.code
        lead = self.leaders[code]
        with self._intakes_lock:
            self._intakes += 1
        try:
            result = intake.poll_hub(
                self.rt,
                hub,
                keep_going=lambda: not self.stop.is_set() and lead.still_leading(),
                on_commit=self.letters_committed,
            )
        except (TransientError, PermanentError) as exc:
            self.hub_errors[code] = type(exc).__name__
            log.warning("poll_failed", error=str(exc))
            return
        except SQLAlchemyError as exc:
            self.hub_errors[code] = "DatabaseError"
            log.warning("poll_failed", error=type(exc).__name__)
            return
        except Exception:  # a bug must not stop this hub's future polls or the other hubs
            self.hub_errors[code] = "InternalError"
            log.exception("poll_crashed")
            return
        finally:
            with self._intakes_lock:
                self._intakes -= 1
        self.hub_errors.pop(code, None)
        self.last_ok[code] = datetime.now(UTC)
        if result.fetched:
            log.info("poll_done", fetched=result.fetched, quarantined=result.quarantined)

    # ------------------------------------------------------------------ delivery

    def deliver(self) -> None:
        """Deliver due letters of the hubs this instance leads (also the `outbox` job)."""
        self._deliver_wanted.set()
        while not self.stop.is_set():
            if not self._deliver_lock.acquire(blocking=False):
                return  # the running delivery sees the flag and goes round again
            try:
                while self._deliver_wanted.is_set() and not self.stop.is_set():
                    self._deliver_wanted.clear()
                    self._deliver_once()
            finally:
                self._deliver_lock.release()
            if not self._deliver_wanted.is_set():
                return

    def letters_committed(self) -> None:
        """A transaction wrote letters (or a poll ended): wake the running delivery, or start one."""
        pool = self._pool
        if pool is not None:
            pool.wake()
        self._deliver_wanted.set()
        if not self._deliver_lock.locked():  # else the running delivery goes round again
            self._run_now("outbox")

    def _intake_idle(self) -> bool:
        return self._intakes == 0 or self.stop.is_set()

    def _deliver_once(self) -> None:
        hubs = [h for h in self.hubs if self.leaders[h.code].leading]
        if not hubs:
            return
        pool = delivery.DeliveryPool(self.rt, hubs)
        self._pool = pool
        try:
            counts = pool.run(until=self._intake_idle, cancelled=self.stop.is_set)
        except (TransientError, PermanentError) as exc:
            log.warning("delivery_failed", error=str(exc))
            return
        except SQLAlchemyError as exc:
            log.warning("delivery_failed", error=type(exc).__name__)
            return
        finally:
            self._pool = None
        if any(counts.values()):
            log.info("delivery_done", **counts)

    # ------------------------------------------------------------------ health

    def healthy(self) -> bool:
        """Every hub's cycle completed recently, or is running and not yet suspiciously long."""
        now = time.monotonic()
        limit = max(300.0, 5.0 * self.interval)
        for code, done in self._cycle_done.items():
            started = self._cycle_started.get(code)
            if now - done < limit:
                continue
            if started is not None and now - started < RUNNING_CYCLE_LIMIT:
                continue
            return False
        return True

    def status(self) -> str:
        leading = [c for c in self.leaders if self.leaders[c].leading]
        standby = [c for c in self.leaders if not self.leaders[c].leading]
        failing = sorted(self.hub_errors)
        last = max(self.last_ok.values(), default=None)
        parts = [f"leading {_join(leading)}"]
        if standby:
            parts.append(f"standby {_join(standby)}")
        parts.append(f"failing {_join(failing)}")
        if any(w.connected for w in self.watchers):
            parts.append(f"idle {_join(w.hub.code for w in self.watchers if w.connected)}")
        parts.append(f"last ok {last:%H:%M:%SZ}" if last else "no poll yet")
        return "STATUS=" + "; ".join(parts)

    # ------------------------------------------------------------------ lifecycle

    def _on_event(self, event: JobExecutionEvent) -> None:
        # EVENT_JOB_MAX_INSTANCES / MISSED events carry no `exception` attribute.
        exc = getattr(event, "exception", None)
        log.error("job_problem", job=event.job_id, code=event.code, error=type(exc).__name__ if exc else None)

    def run(self) -> int:
        interval = self.interval
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._signal)
        sched = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(len(self.hubs) + 3)},
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": interval},
        )
        sched.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        now = datetime.now(UTC)
        for hub in self.hubs:
            sched.add_job(
                self.poll,
                IntervalTrigger(seconds=interval, jitter=min(5, interval / 10)),
                args=[hub],
                id=f"poll:{hub.code}",
                next_run_time=now,
            )
        sched.add_job(self.deliver, IntervalTrigger(seconds=max(5, interval // 2)), id="outbox")
        if any(isinstance(lead, leader.AdvisoryLeader) for lead in self.leaders.values()):
            sched.add_job(self.check_leaders, IntervalTrigger(seconds=LEADER_CHECK_SECONDS), id="leaders")
        self._sched = sched
        rt = self.rt
        stop_metrics = metrics.start(  # Prometheus listener when metrics_listen is set
            rt.metrics, rt.engine, [h.code for h in rt.settings.hubs], rt.settings.service.metrics_listen
        )
        sched.start()
        # Config and database were checked by the CLI before we got here; IMAP has not been
        # touched on purpose (an IMAP outage must not fail the start and cause a restart storm).
        sd_notify("READY=1", f"STATUS=started, {len(self.hubs)} hub(s)")
        log.info(
            "daemon_started",
            hubs=[h.code for h in self.hubs],
            idle=self.rt.settings.service.idle,
            poll_interval=interval,
        )
        if self.rt.settings.service.idle:
            self._start_idle()
        try:
            self._main_loop()
        finally:
            sd_notify("STOPPING=1", "STATUS=stopping")
            log.info("daemon_stopping")
            with self._sched_lock:  # no job asks the scheduler for anything from here on
                self.stop.set()
            # Running cycles finish their current message (jobs check `stop`), within a grace period.
            clean = stopping.finished_within(lambda: sched.shutdown(wait=True))
            if not clean:
                log.error("stop_timeout", seconds=stopping.STOP_GRACE_SECONDS, at=stopping.stuck_frames())
            for watcher in self.watchers:
                watcher.join(timeout=STOP_JOIN_SECONDS)
            for lead in self.leaders.values():
                lead.release()
            stop_metrics()
            log.info("daemon_stopped")
        if not clean:  # a job thread is stuck: leave as kill -9 would (all work is crash-safe)
            sys.stdout.flush()
            os._exit(0)
        return 0

    def _start_idle(self) -> None:
        for hub in self.hubs:
            watcher = IdleWatcher(
                hub,
                self.rt.imap_token,
                on_mail=partial(self.request_poll, hub),
                stop=self.stop,
                active=partial(self.leading, hub.code),
            )
            watcher.start()
            self.watchers.append(watcher)

    def _main_loop(self) -> None:
        wd = watchdog_interval()
        period = min(wd, 5.0) if wd else 5.0
        while not self.stop.wait(period):
            if wd and self.healthy():
                sd_notify("WATCHDOG=1")
            sd_notify(self.status())

    def _signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("signal_received", signal=signal.Signals(signum).name)
        self.stop.set()


def _join(codes: Iterable[str]) -> str:
    return ",".join(codes) or "none"
