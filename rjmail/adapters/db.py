"""Engine creation, SQLite hardening, migrations and the 'is the schema current?' check."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

from rjmail.errors import NotMigratedError

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x726A6D61696C00  # 'rjmail' + 0: distinct from the per-hub leader locks


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _create_private(path: Path) -> None:
    """Create the database file owner-only before SQLite opens it (it would use the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


def make_engine(url: str) -> Engine:
    sqlite_path = _sqlite_file(url)
    if sqlite_path is not None:
        _create_private(sqlite_path)
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        _harden_sqlite(engine)
        return engine
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, hide_parameters=True)
        _harden_sqlite(engine)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        hide_parameters=True,  # SQL errors must not put personal data in logs
        connect_args={
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
            "application_name": "rjmail",
        },
    )


def _harden_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        # Driver autocommit so the pragmas run outside a transaction (foreign_keys is a no-op inside one).
        dbapi_conn.isolation_level = None
        wait = f"busy_timeout={int(LOCK_WAIT_SECONDS * 1000)}"
        # Checkpoints: see Checkpoints; SQLite's own at 10,000 pages, not 1,000, is the backstop.
        checkpoints = "wal_autocheckpoint=10000"
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", checkpoints, wait, "foreign_keys=ON"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if conn.get_execution_options().get(_READ_ONLY):
            # A snapshot read (WAL): never waits for the writer, and the writer never waits for it.
            conn.connection.dbapi_connection.execute("BEGIN")
            return
        # Take the write lock up front: a deferred read that later writes can hit SQLITE_BUSY
        # which busy_timeout cannot resolve.
        begin_immediate(conn.connection.dbapi_connection)


_READ_ONLY = "rjmail_read_only"


def reading(engine: Engine) -> Connection:
    """A connection for queries that write nothing. On SQLite it reads a snapshot instead of taking
    the write lock: the delivery process asks "what is due?" after every intake commit, and waiting
    for the lock each time made it wait for intake (and intake for it). Never write through it."""
    return engine.connect().execution_options(**{_READ_ONLY: True})


class Checkpoints:
    """Copies SQLite's write-ahead log into the database at most every `every` seconds, when called.

    SQLite's own checkpoint runs inside the commit that takes the log past its mark; at SQLite's
    1,000 pages that was intake's commit about once in three messages of a backlog (~75 pages
    each), on the serial path. The delivery feeder calls this after each pass: PASSIVE waits for no
    reader or writer, and with synchronous=NORMAL the log is fsynced at each checkpoint, so twice a
    second while letters go out, and the log stays a few MB. Elsewhere a no-op."""

    def __init__(self, engine: Engine, every: float = 0.5) -> None:
        self.engine, self.every, self._next = engine, every, 0.0

    def __call__(self) -> None:
        if self.engine.dialect.name != "sqlite" or time.monotonic() < self._next:
            return
        raw = self.engine.raw_connection()  # driver autocommit (see _pragmas): no transaction
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
        finally:
            raw.close()
        self._next = time.monotonic() + self.every


LOCK_WAIT_SECONDS = 30.0
_RETRY_SECONDS = 0.0002


def begin_immediate(dbapi_conn: Any, wait: float = LOCK_WAIT_SECONDS) -> None:
    """BEGIN IMMEDIATE, asking again every 0.2 ms while another connection holds the write lock.

    SQLite's own busy handler sleeps 1, 2, 5, 10 ... 100 ms between tries. Intake takes the lock
    again within a millisecond of each commit, so a second process (run --once delivers in one)
    that sleeps that long almost never gets it: measured, its feeder spent two thirds of its time
    waiting. Retrying on the raw driver connection costs a few microseconds a try."""
    dbapi_conn.execute("PRAGMA busy_timeout=0")
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    # As SQLAlchemy would raise it: callers retry a busy database on the next poll
                    # (sqlalchemy.exc.OperationalError), they do not quarantine the message.
                    raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
                time.sleep(_RETRY_SECONDS)
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")  # for anything else that waits


def _alembic_config() -> Config:
    # alembic is imported only where migrations run: it costs ~0.6 s of every `run --once` start.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine) -> None:
    from alembic import command

    cfg = _alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several hosts may run `db upgrade` at once (ExecStartPre): one migrates, the others
            # wait and then find nothing to do. Released at the end of the transaction.
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    for suffix in ("", "-wal", "-shm"):
        path = _sqlite_file(str(engine.url))
        if path is not None and Path(f"{path}{suffix}").exists():
            os.chmod(f"{path}{suffix}", 0o600)


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration, read from the migration files' `revision`/`down_revision` lines (no
    alembic import at start-up); alembic itself decides if the files are anything but one chain."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((m.group(1), m.group(2)) for m in _REVISION.finditer(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.update(_QUOTED.findall(found["revision"])[:1])
            parents.update(_QUOTED.findall(found.get("down_revision", "")))
    heads = revisions - parents
    if len(heads) == 1 and parents <= revisions:
        return heads.pop()
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (alembic's own table), or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else (",".join(sorted(rows)) or None)


def ensure_migrated(engine: Engine) -> None:
    """Refuse to run against a schema that is missing or older than the code."""
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        raise NotMigratedError(
            f"database schema is at {current or 'nothing (empty database)'}, code needs {head}: "
            "run `rjmail db upgrade` first"
        )
