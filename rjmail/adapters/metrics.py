"""Prometheus metrics (SPEC section 7, "Metrics") on a dedicated registry, never the global one.

Labels are hub codes, classifications, letter kinds and results only: never an address, a name or
a case reference (the metrics page has no authentication and ends up in long-lived TSDBs).
Counters count after the message's transaction committed, so a rolled-back attempt that is
retried later is counted once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, bindparam, event, func
from sqlalchemy import select as core_select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from rjmail.adapters import db
from rjmail.adapters.tables import Message, OutboxItem, QuarantineItem
from rjmail.core.domain import MailClass
from rjmail.errors import ConfigError

log = structlog.get_logger("rjmail.metrics")

POLL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
ACK_BUCKETS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 4 * 3600.0, 86400.0)
ACK_KINDS = frozenset({"acknowledgement", "referral_acknowledgement"})


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        # Whether anyone can read these (the daemon with metrics_listen): the acknowledgement latency
        # costs a query per batch of letters, for nothing in `run --once` or without a listener.
        self.served = False
        r = self.registry
        self.messages = Counter(
            "rjmail_messages",
            "Inbound messages processed, by classification",
            ["hub", "classification"],
            registry=r,
        )
        self.letters = Counter(
            "rjmail_letters",
            "Outgoing letters by kind and delivery result",
            ["hub", "kind", "result"],
            registry=r,
        )
        self.poll_seconds = Histogram(
            "rjmail_poll_seconds", "Duration of one hub poll", ["hub"], buckets=POLL_BUCKETS, registry=r
        )
        self.poll_errors = Counter("rjmail_poll_errors", "Hub polls that failed", ["hub"], registry=r)
        self.ack_latency = Histogram(
            "rjmail_ack_latency_seconds",
            "Arrival of a referral in the mailbox (INTERNALDATE) to SMTP acceptance of its acknowledgement",
            ["hub"],
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self.leader = Gauge("rjmail_leader", "1 while this instance leads the hub", ["hub"], registry=r)
        self.last_poll = Gauge(
            "rjmail_last_poll_timestamp_seconds", "Unix time of the last successful poll", ["hub"], registry=r
        )
        self.backlog = Gauge(
            "rjmail_backlog", "Messages above the checkpoint when the last poll looked", ["hub"], registry=r
        )

    def init_hubs(self, hubs: Iterable[str]) -> None:
        """Series exist from the start (0), so alerts on rates and absence work from the first scrape."""
        for hub in hubs:
            for kind in MailClass:
                self.messages.labels(hub, kind.value)
            self.messages.labels(hub, "quarantined")
            self.poll_errors.labels(hub)
            self.poll_seconds.labels(hub)
            self.ack_latency.labels(hub)

    def count_message(self, session: Session, hub: str, classification: str) -> None:
        """Counted when the message's transaction commits (never for a rolled-back attempt)."""
        counter = self.messages.labels(hub, classification)
        event.listen(session, "after_commit", lambda _s: counter.inc(), once=True)

    def polled(self, hub: str, seconds: float, ok: bool) -> None:
        self.poll_seconds.labels(hub).observe(seconds)
        if ok:
            self.last_poll.labels(hub).set(time.time())
        else:
            self.poll_errors.labels(hub).inc()

    def set_leader(self, hub: str, leading: bool) -> None:
        self.leader.labels(hub).set(1 if leading else 0)

    def delivered(self, engine: Engine, results: Sequence[tuple[OutboxItem, str]], now: datetime) -> None:
        """Delivery attempts' results; for acknowledgements, the arrival-to-acceptance time."""
        for item, result in results:
            self.letters.labels(item.hub, item.kind, result).inc()
        if not self.served:
            return
        acks = [i for i, result in results if result == "sent" and i.kind in ACK_KINDS and i.case_id]
        arrivals = referral_arrivals(engine, {i.case_id for i in acks if i.case_id}) if acks else {}
        for item in acks:
            arrived = arrivals.get(item.case_id or 0)
            if arrived is not None:
                arrived = arrived if arrived.tzinfo else arrived.replace(tzinfo=now.tzinfo)
                self.ack_latency.labels(item.hub).observe(max(0.0, (now - arrived).total_seconds()))

    def watch_database(self, engine: Engine, hubs: list[str]) -> None:
        """Outbox and quarantine gauges are read from the database at scrape time."""
        self.registry.register(_DatabaseCollector(engine, hubs))


def referral_arrivals(engine: Engine, case_ids: set[int]) -> dict[int, datetime]:
    """Each case's first referral's mailbox arrival time, in one query for a batch of letters."""
    first: dict[int, tuple[int, datetime | None]] = {}
    with db.reading(engine) as conn:
        for case_id, message_id, arrived in conn.execute(_ARRIVALS, {"b_cases": list(case_ids)}).all():
            if case_id not in first or message_id < first[case_id][0]:
                first[case_id] = (message_id, arrived)
    return {case_id: arrived for case_id, (_, arrived) in first.items() if arrived is not None}


_MESSAGES = Message.metadata.tables["message"]  # Core, built once: runs for every batch of acknowledgements
_ARRIVALS = core_select(_MESSAGES.c.case_id, _MESSAGES.c.id, _MESSAGES.c.arrived_at).where(
    _MESSAGES.c.case_id.in_(bindparam("b_cases", expanding=True)),
    _MESSAGES.c.kind == "referral",
    _MESSAGES.c.direction == "in",
)


class _DatabaseCollector(Collector):
    def __init__(self, engine: Engine, hubs: list[str]) -> None:
        self.engine = engine
        self.hubs = hubs

    def describe(self) -> Iterator[Any]:
        return iter(())  # no auto-describe: registering must not query the database

    def collect(self) -> Iterator[Any]:
        pending = GaugeMetricFamily("rjmail_outbox_pending", "Letters waiting to be sent", labels=["hub"])
        quarantined = GaugeMetricFamily(
            "rjmail_quarantined", "Quarantined messages not yet retried", labels=["hub"]
        )
        try:
            counts = _counts(self.engine)
        except SQLAlchemyError:
            return  # database away: the gauges are absent (alert on that), the scrape still works
        for hub in self.hubs:
            pending.add_metric([hub], counts[0].get(hub, 0))
            quarantined.add_metric([hub], counts[1].get(hub, 0))
        yield pending
        yield quarantined


def _counts(engine: Engine) -> tuple[dict[str, int], dict[str, int]]:
    with db.reading(engine) as conn, Session(conn) as s:  # a scrape must not make intake wait
        pending = s.exec(
            select(OutboxItem.hub, func.count())
            .where(OutboxItem.status == "pending")
            .group_by(col(OutboxItem.hub))
        ).all()
        quarantined = s.exec(
            select(QuarantineItem.hub, func.count())
            .where(QuarantineItem.status == "open")
            .group_by(col(QuarantineItem.hub))
        ).all()
    return dict(pending), dict(quarantined)


def serve(metrics: Metrics, listen: tuple[str, int]) -> Callable[[], None]:
    """Start the HTTP listener; returns a function that stops it."""
    from prometheus_client import start_http_server

    try:
        server, thread = start_http_server(listen[1], addr=listen[0], registry=metrics.registry)
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {listen[0]}:{listen[1]}: {exc.strerror}", key="service.metrics_listen"
        ) from exc

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop


def start(
    metrics: Metrics, engine: Engine, hubs: list[str], listen: tuple[str, int] | None
) -> Callable[[], None]:
    """For the daemon: hub series, database gauges and, with `metrics_listen`, the HTTP listener."""
    metrics.init_hubs(hubs)
    if listen is None:
        return lambda: None
    metrics.watch_database(engine, hubs)
    metrics.served = True
    stop = serve(metrics, listen)
    log.info("metrics_listening", port=listen[1])
    return stop
