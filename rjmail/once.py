"""`rjmail run --once`: one full cycle over every hub this instance may lead, then deliver; for
cron, tests and benchmarks (the daemon in rjmail.daemon runs the same steps on a schedule).

Delivery runs beside intake: a pool of `[smtp] connections` workers starts before the first poll
and sends each letter as soon as the transaction that wrote it commits, so after an outage the
first person is answered within a second or two, not after the whole backlog was taken in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import structlog
from sqlalchemy.exc import SQLAlchemyError

from rjmail import delivery, intake, leader
from rjmail.errors import PermanentError, TransientError
from rjmail.runtime import Runtime
from rjmail.settings import HubSettings

log = structlog.get_logger("rjmail.once")

_ERRORS = (TransientError, PermanentError, SQLAlchemyError)


def settle(rt: Runtime, hubs: list[HubSettings]) -> int:
    """Take in the delivery copies of the letters just sent (and any mail that came meanwhile), so a
    `run --once` leaves the mailbox at its checkpoint; letters this causes are delivered too."""
    failed = 0
    for hub in hubs:
        try:
            intake.poll_hub(rt, hub)
        except _ERRORS as exc:
            failed += 1
            log.error("poll_failed", hub=hub.code, error=str(exc).splitlines()[0])
    counts = delivery.deliver_due(rt, hubs)
    if any(counts.values()):
        log.info("delivery_done", **counts)
    return failed


class _Delivering:
    """The delivery pool in a thread of its own, running until intake says it is done."""

    def __init__(self, rt: Runtime, hubs: list[HubSettings]) -> None:
        self.pool = delivery.DeliveryPool(rt, hubs)
        self.intake_done = threading.Event()
        self.cancelled = threading.Event()
        self.counts: dict[str, int] = {}
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="delivery", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def wake(self) -> None:
        self.pool.wake()

    def abandon(self) -> None:
        """Intake stopped on an unexpected error or Ctrl-C: stop between letters, do not wait."""
        self.cancelled.set()
        self.pool.wake()

    def _run(self) -> None:
        try:
            self.counts = self.pool.run(until=self.intake_done.is_set, cancelled=self.cancelled.is_set)
        except BaseException as exc:  # reported by finish() in the main thread
            self.error = exc

    def finish(self) -> dict[str, int]:
        self.intake_done.set()
        self.pool.wake()
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.counts


def _start_delivery(
    rt: Runtime, hubs: list[HubSettings], in_child: bool
) -> _Delivering | delivery.DeliveryChild:
    if in_child:
        child = delivery.DeliveryChild(rt, hubs)
        try:
            child.start()
            return child
        except OSError as exc:  # no fork (out of processes or memory): deliver from a thread
            log.warning("delivery_process_unavailable", error=type(exc).__name__)
    threads = _Delivering(rt, hubs)
    threads.start()
    return threads


def _recover(rt: Runtime, hubs: list[HubSettings]) -> None:
    """Rows a crash left `sending` are settled before any worker starts (nothing is in flight)."""
    for hub in hubs:
        delivery.recover_outbox(rt, hub)


def _poll(rt: Runtime, hub: HubSettings, on_commit: Callable[[], None]) -> int:
    try:
        # Recovery ran before delivery started (_recover) and runs again in settle(); here it would
        # not see the rows a delivery child is sending, so it is left out.
        result = intake.poll_hub(rt, hub, on_commit=on_commit, recover=False)
        log.info("poll_done", fetched=result.fetched, quarantined=result.quarantined)
    except _ERRORS as exc:
        log.error("poll_failed", error=str(exc).splitlines()[0])
        return 1
    return 0


def run_once(rt: Runtime, delivery_process: bool = False) -> int:
    """One full cycle over every hub this instance may lead, delivering while it goes (in a child
    process with `delivery_process`, see delivery.DeliveryChild). Exit code 1 when any hub
    failed. Hubs another running instance leads are skipped."""
    failed = 0
    leaders = leader.for_hubs(rt.engine, [h.code for h in rt.settings.hubs])
    try:
        led: list[HubSettings] = []
        for hub in rt.settings.hubs:
            if leaders[hub.code].try_acquire():
                led.append(hub)
            else:
                log.warning("hub_led_elsewhere", hub=hub.code, job="once")
        if not led:
            return 0
        _recover(rt, led)
        delivering = _start_delivery(rt, led, delivery_process)
        try:
            for hub in led:
                with structlog.contextvars.bound_contextvars(hub=hub.code, job="once"):
                    failed += _poll(rt, hub, delivering.wake)
        except BaseException:
            delivering.abandon()  # a bug or Ctrl-C: stop now, as a crash would; nothing is lost
            raise
        try:
            counts = delivering.finish()
        except _ERRORS as exc:
            counts = {}
            failed += 1
            log.error("delivery_failed", error=str(exc).splitlines()[0])
        if counts:
            log.info("delivery_done", **counts)
        try:
            failed += settle(rt, led) if counts.get("sent") else 0  # ops: leave no backlog of our copies
        except _ERRORS as exc:
            failed += 1
            log.error("delivery_failed", error=str(exc).splitlines()[0])
    finally:
        for lead in leaders.values():
            lead.release()
    return 1 if failed else 0
