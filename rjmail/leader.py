"""Which instance processes a hub: a PostgreSQL session advisory lock per hub.

Several `rjmail run` instances may share one PostgreSQL database (failover, several servers). For
each hub exactly one of them holds `pg_try_advisory_lock(key)` on a dedicated AUTOCOMMIT connection
that it keeps open while it leads; only the leader polls the hub, delivers its outbox and settles
rows a crash left `sending`. When the leader dies its database session ends, PostgreSQL drops the
lock, and a standby's next attempt (every poll interval) takes over.

Losing that connection is losing leadership: `still_leading()` runs a trivial query on it and the
daemon stops the hub's work at once when it fails. The lock is not a fencing token (a partitioned
old leader can still be mid-message for a moment), which is why every side effect is also
idempotent in the database (unique intake rows, outbox claims, Message-ID recovery).

On SQLite there is one instance by construction: `AlwaysLeader` always leads.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Protocol

import structlog
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

log = structlog.get_logger("rjmail.leader")

LOCK_NAMESPACE = "rjmail-hub-leader"


def lock_key(hub_code: str, namespace: str = LOCK_NAMESPACE) -> int:
    """A stable signed 64-bit advisory-lock key for one hub (same in every instance)."""
    digest = hashlib.blake2b(f"{namespace}:{hub_code}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Leadership(Protocol):
    hub: str

    @property
    def leading(self) -> bool: ...

    def try_acquire(self) -> bool: ...

    def still_leading(self) -> bool: ...

    def release(self) -> None: ...


class AlwaysLeader:
    """SQLite: a single instance, always in charge."""

    def __init__(self, hub: str) -> None:
        self.hub = hub

    @property
    def leading(self) -> bool:
        return True

    def try_acquire(self) -> bool:
        return True

    def still_leading(self) -> bool:
        return True

    def release(self) -> None:
        return None


class AdvisoryLeader:
    """One hub's leader lock on its own PostgreSQL connection (never from or back to a pool)."""

    def __init__(self, engine: Engine, hub: str, namespace: str = LOCK_NAMESPACE) -> None:
        self.engine = engine
        self.hub = hub
        self.key = lock_key(hub, namespace)
        self._conn: Connection | None = None
        self._mutex = threading.Lock()  # a Connection is not thread-safe

    @property
    def leading(self) -> bool:
        return self._conn is not None

    def try_acquire(self) -> bool:
        """Lead if nobody else does. True while leading (also when already leading)."""
        with self._mutex:
            if self._conn is not None:
                return True
            conn: Connection | None = None
            try:
                conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                got = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}))
            except SQLAlchemyError as exc:
                if conn is not None:
                    _discard(conn)
                log.warning("leader_election_failed", hub=self.hub, error=type(exc).__name__)
                return False
            if not got:
                conn.close()
                return False
            self._conn = conn
        log.info("leadership_acquired", hub=self.hub)
        return True

    def still_leading(self) -> bool:
        """Checks the lock's session is alive; a dead session means the lock is gone."""
        with self._mutex:
            if self._conn is None:
                return False
            try:
                self._conn.exec_driver_sql("SELECT 1")
                return True
            except DBAPIError as exc:
                _discard(self._conn)
                self._conn = None
                error = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
        log.error("leadership_lost", hub=self.hub, error=error)
        return False

    def release(self) -> None:
        with self._mutex:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                conn.close()
            except SQLAlchemyError:
                _discard(conn)
        log.info("leadership_released", hub=self.hub)


def _discard(conn: Connection) -> None:
    """Close for good: a connection holding a session lock must never go back to a pool."""
    try:
        conn.invalidate()
        conn.close()
    except SQLAlchemyError:
        pass


def lock_engine(engine: Engine) -> Engine | None:
    """A pool-less engine for leader locks on PostgreSQL; None on SQLite (no locks needed).

    Tight TCP keepalives and a user timeout make a dead network visible within a minute
    instead of the kernel default of about two hours."""
    if engine.url.get_backend_name() != "postgresql":
        return None
    return create_engine(
        engine.url,
        poolclass=NullPool,
        connect_args={
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": 30000,
            "connect_timeout": 10,
            "application_name": "rjmail-leader",
        },
    )


def for_hubs(engine: Engine, hubs: list[str]) -> dict[str, Leadership]:
    locks = lock_engine(engine)
    if locks is None:
        return {hub: AlwaysLeader(hub) for hub in hubs}
    return {hub: AdvisoryLeader(locks, hub) for hub in hubs}
