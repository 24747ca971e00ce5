"""The daemon: one APScheduler job per hub plus the outbox job, signals, systemd notify/watchdog."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from datetime import UTC, datetime
from types import FrameType

import structlog
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from rjmail import pipeline
from rjmail.errors import PermanentError, TransientError
from rjmail.pipeline import Runtime
from rjmail.settings import HubSettings

log = structlog.get_logger("rjmail.daemon")


def sd_notify(*lines: str) -> bool:
    """Tell systemd (Type=notify) about readiness, status and liveness. No-op outside systemd."""
    addr = os.environ.get("NOTIFY_SOCKET")
    if not addr:
        return False
    if addr[0] == "@":
        addr = "\0" + addr[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(addr)
            sock.sendall("\n".join(lines).encode())
    except OSError:
        return False
    return True


def watchdog_interval() -> float | None:
    usec, pid = os.environ.get("WATCHDOG_USEC"), os.environ.get("WATCHDOG_PID")
    if not usec or (pid and int(pid) != os.getpid()):
        return None
    return int(usec) / 2e6


class Daemon:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.stop = threading.Event()
        self.last_cycle = time.monotonic()
        self.hub_errors: dict[str, str] = {}
        self._lock = threading.Lock()

    def poll(self, hub: HubSettings) -> None:
        """One hub's cycle; its failure is logged and isolated from the other hubs."""
        if self.stop.is_set():
            return
        with structlog.contextvars.bound_contextvars(hub=hub.code, job="poll"):
            try:
                result = pipeline.poll_hub(self.rt, hub)
                self.hub_errors.pop(hub.code, None)
                if result.fetched:
                    log.info("poll_done", fetched=result.fetched, quarantined=result.quarantined)
            except (TransientError, PermanentError) as exc:
                self.hub_errors[hub.code] = type(exc).__name__
                log.warning("poll_failed", error=str(exc))
            self.last_cycle = time.monotonic()
        self.deliver()

    def deliver(self) -> None:
        if self.stop.is_set() or not self._lock.acquire(blocking=False):
            return
        try:
            counts = pipeline.deliver_due(self.rt, list(self.rt.settings.hubs))
            if any(counts.values()):
                log.info("delivery_done", **counts)
        except (TransientError, PermanentError) as exc:
            log.warning("delivery_failed", error=str(exc))
        finally:
            self._lock.release()

    def _on_event(self, event: JobExecutionEvent) -> None:
        log.error("job_problem", job=event.job_id, code=event.code,
                  error=type(event.exception).__name__ if event.exception else None)

    def run(self) -> int:
        interval = self.rt.settings.service.poll_interval_seconds
        sched = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max(2, len(self.rt.settings.hubs) + 1))},
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": interval},
        )
        sched.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        now = datetime.now(UTC)
        for hub in self.rt.settings.hubs:
            pipeline.recover_outbox(self.rt, hub)
            sched.add_job(self.poll, IntervalTrigger(seconds=interval, jitter=min(5, interval / 10)),
                          args=[hub], id=f"poll:{hub.code}", next_run_time=now)
        sched.add_job(self.deliver, IntervalTrigger(seconds=max(5, interval // 2)), id="outbox")
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._signal)
        sched.start()
        sd_notify("READY=1", f"STATUS=watching {len(self.rt.settings.hubs)} hub(s)")
        log.info("daemon_started", hubs=[h.code for h in self.rt.settings.hubs])
        self._main_loop(interval)
        sd_notify("STOPPING=1")
        sched.shutdown(wait=True)  # the running message finishes; jobs check `stop`
        log.info("daemon_stopped")
        return 0

    def _main_loop(self, interval: int) -> None:
        wd = watchdog_interval()
        while not self.stop.wait(wd or 5):
            healthy = time.monotonic() - self.last_cycle < max(300, 5 * interval)
            if wd and healthy:
                sd_notify("WATCHDOG=1")
            failing = ",".join(sorted(self.hub_errors)) or "none"
            sd_notify(f"STATUS=hubs {len(self.rt.settings.hubs)}, failing: {failing}")

    def _signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("signal_received", signal=signal.Signals(signum).name)
        self.stop.set()


def run_once(rt: Runtime) -> int:
    """One full cycle over every hub, then deliver. Exit code 1 when any hub failed."""
    failed = 0
    for hub in rt.settings.hubs:
        with structlog.contextvars.bound_contextvars(hub=hub.code, job="once"):
            try:
                pipeline.recover_outbox(rt, hub)
                result = pipeline.poll_hub(rt, hub)
                log.info("poll_done", fetched=result.fetched, quarantined=result.quarantined)
            except (TransientError, PermanentError) as exc:
                failed += 1
                log.error("poll_failed", error=str(exc))
    try:
        counts = pipeline.deliver_due(rt, list(rt.settings.hubs))
        log.info("delivery_done", **counts)
    except (TransientError, PermanentError) as exc:
        failed += 1
        log.error("delivery_failed", error=str(exc))
    return 1 if failed else 0
