"""Arrival -> acknowledgement and arrival -> booked call, in seconds, per hub and month.

The database computes each case's duration; Python receives one sorted column of numbers per
hub-month and takes the median and 95th percentile (SQLite has no percentile function, and doing it
the same way on PostgreSQL keeps both databases giving the same figures)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Subquery, func, select

from rjmail.report.query import ACK_KINDS, BOOKINGS, MESSAGES, OUTBOX

Durations = dict[tuple[str, str], list[float]]


def seconds_between(later: Any, earlier: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "sqlite":
        # Timestamps are stored as UTC text; julianday() parses them (fractions of a day).
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def _arrivals() -> Subquery:
    """Arrival of each case: the time its referral message was filed."""
    return (
        select(MESSAGES.c.case_id, func.min(MESSAGES.c.at).label("at"))
        .where(MESSAGES.c.direction == "in", MESSAGES.c.kind == "referral")
        .group_by(MESSAGES.c.case_id)
        .subquery("arr")
    )


def _acknowledged() -> Subquery:
    return (
        select(OUTBOX.c.case_id, func.min(OUTBOX.c.sent_at).label("at"))
        .where(OUTBOX.c.kind.in_(ACK_KINDS), OUTBOX.c.status == "sent", OUTBOX.c.sent_at.is_not(None))
        .group_by(OUTBOX.c.case_id)
        .subquery("ack")
    )


def _booked() -> Subquery:
    """When a call was first booked on each case (a later cancellation does not undo the wait)."""
    return (
        select(BOOKINGS.c.case_id, func.min(BOOKINGS.c.created_at).label("at"))
        .group_by(BOOKINGS.c.case_id)
        .subquery("bk")
    )


def durations(conn: Connection, pc: Subquery, which: str) -> Durations:
    """{(hub, month): sorted seconds} from arrival to the acknowledgement ('ack') or booking ('booked')."""
    done = _acknowledged() if which == "ack" else _booked()
    arrived = _arrivals()
    start = func.coalesce(arrived.c.at, pc.c.created_at)
    wait = seconds_between(done.c.at, start, conn.dialect.name).label("s")
    query = (
        select(pc.c.hub, pc.c.month, wait)
        .select_from(
            pc.join(done, done.c.case_id == pc.c.id).outerjoin(arrived, arrived.c.case_id == pc.c.id)
        )
        .order_by(pc.c.hub, pc.c.month, wait)
    )
    out: Durations = {}
    for hub, month, value in conn.execute(query):
        out.setdefault((hub, month), []).append(max(float(value), 0.0))
    return out
