"""The poll loop writes down how each hub's last poll went (`hub_state`), for `rjmail status` and the
metrics. Recording is best effort: a database outage must not hide the poll's own error."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from rjmail.adapters.metrics import Metrics
from rjmail.adapters.tables import HubState
from rjmail.errors import PermanentError, TransientError

log = structlog.get_logger("rjmail.hubstate")


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def describe(exc: BaseException) -> str:
    """Error text for operators: rjmail's own IMAP/SMTP errors carry the server's words (no personal
    data); anything else only by type, because its text might quote a message."""
    if isinstance(exc, TransientError | PermanentError):
        return str(exc).splitlines()[0][:500] if str(exc) else type(exc).__name__
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {type(exc).__name__}"
    return f"internal error: {type(exc).__name__}"


@contextmanager
def polling(engine: Engine, metrics: Metrics, hub: str, now: Callable[[], datetime]) -> Iterator[None]:
    """Around one poll of a hub: time it, then record the outcome (and re-raise any error)."""
    started = time.monotonic()
    error: str | None = None
    try:
        yield
    except BaseException as exc:
        error = describe(exc)
        raise
    finally:
        metrics.polled(hub, time.monotonic() - started, ok=error is None)
        record(engine, hub, error, now())


def record(engine: Engine, hub: str, error: str | None, now: datetime) -> None:
    try:
        with Session(engine) as s, s.begin():
            row = s.get(HubState, hub) or HubState(hub=hub)
            row.last_poll_at, row.last_error, row.instance = now, error, instance_name()
            if error is None:
                row.last_ok_at = now
            s.add(row)
    except SQLAlchemyError as exc:
        log.warning("hub_state_not_recorded", hub=hub, error=type(exc).__name__)
