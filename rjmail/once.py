"""`rjmail run --once`: one full cycle over every hub this instance may lead, then deliver; for
cron, tests and benchmarks (the daemon in rjmail.daemon runs the same steps on a schedule)."""

from __future__ import annotations

import structlog
from sqlalchemy.exc import SQLAlchemyError

from rjmail import delivery, intake, leader
from rjmail.errors import PermanentError, TransientError
from rjmail.runtime import Runtime
from rjmail.settings import HubSettings

log = structlog.get_logger("rjmail.once")


def settle(rt: Runtime, hubs: list[HubSettings]) -> int:
    """Take in the delivery copies of the letters just sent (and any mail that came meanwhile), so a
    `run --once` leaves the mailbox at its checkpoint; letters this causes are delivered too."""
    failed = 0
    for hub in hubs:
        try:
            intake.poll_hub(rt, hub)
        except (TransientError, PermanentError, SQLAlchemyError) as exc:
            failed += 1
            log.error("poll_failed", hub=hub.code, error=str(exc).splitlines()[0])
    counts = delivery.deliver_due(rt, hubs)
    if any(counts.values()):
        log.info("delivery_done", **counts)
    return failed


def run_once(rt: Runtime) -> int:
    """One full cycle over every hub this instance may lead, then deliver.
    Exit code 1 when any hub failed. Hubs another running instance leads are skipped."""
    failed = 0
    leaders = leader.for_hubs(rt.engine, [h.code for h in rt.settings.hubs])
    led: list[HubSettings] = []
    try:
        for hub in rt.settings.hubs:
            with structlog.contextvars.bound_contextvars(hub=hub.code, job="once"):
                if not leaders[hub.code].try_acquire():
                    log.warning("hub_led_elsewhere")
                    continue
                led.append(hub)
                try:
                    result = intake.poll_hub(rt, hub)
                    log.info("poll_done", fetched=result.fetched, quarantined=result.quarantined)
                except (TransientError, PermanentError, SQLAlchemyError) as exc:
                    failed += 1
                    log.error("poll_failed", error=str(exc).splitlines()[0])
        try:
            if led:
                counts = delivery.deliver_due(rt, led)
                log.info("delivery_done", **counts)
                failed += settle(rt, led) if counts["sent"] else 0  # ops: leave no backlog of our copies
        except (TransientError, PermanentError, SQLAlchemyError) as exc:
            failed += 1
            log.error("delivery_failed", error=str(exc).splitlines()[0])
    finally:
        for lead in leaders.values():
            lead.release()
    return 1 if failed else 0
