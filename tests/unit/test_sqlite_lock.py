"""SQLite's write lock (issue 17): a second writer asks again every 0.2 ms instead of SQLite's own
1-100 ms back-off, and a lock it cannot get is reported as SQLAlchemy reports a busy database."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from rjmail.adapters import db


def _holder(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_a_writer_gets_the_lock_soon_after_another_commits(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'rj.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    other = _holder(tmp_path / "rj.db")
    releaser = threading.Timer(0.2, lambda: other.execute("COMMIT"))
    releaser.start()
    started = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    waited = time.monotonic() - started
    releaser.join()
    assert 0.19 < waited < 0.4  # it waited for the commit, and no longer than a loaded machine needs
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000  # restored for the rest


def test_a_lock_never_released_is_a_database_error_not_a_driver_error(tmp_path: Path) -> None:
    path = tmp_path / "rj.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x INTEGER)")
    other = _holder(path)
    mine = sqlite3.connect(path, isolation_level=None)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="locked"):  # intake retries these on the next poll
        db.begin_immediate(mine, wait=0.1)
    assert time.monotonic() - started < 0.5
    other.execute("ROLLBACK")


def test_a_read_does_not_wait_for_a_writer_and_sees_only_what_it_committed(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'rj.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    other = _holder(tmp_path / "rj.db")  # intake in the middle of a message
    other.execute("INSERT INTO t VALUES (2)")
    started = time.monotonic()
    with db.reading(engine) as conn:
        assert conn.execute(text("SELECT x FROM t")).scalars().all() == [1]
    assert time.monotonic() - started < 5  # taking the write lock would wait 30 s, then fail
    other.execute("COMMIT")
    with db.reading(engine) as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2


def test_a_writer_on_a_connection_that_was_read_from_still_takes_the_lock(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'rj.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    with db.reading(engine) as conn:
        read_with = conn.connection.dbapi_connection
        conn.execute(text("SELECT count(*) FROM t"))
    other = sqlite3.connect(tmp_path / "rj.db", isolation_level=None, timeout=0)
    with engine.begin() as conn:
        assert conn.connection.dbapi_connection is read_with  # the same pooled driver connection
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # ours holds the write lock before writing anything
    with db.reading(engine) as conn:
        conn.execute(text("SELECT count(*) FROM t"))
        other.execute("BEGIN IMMEDIATE")  # a read holds no write lock
        other.execute("ROLLBACK")


def test_every_connection_logs_ahead_and_checkpoints_rarely(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'rj.db'}")
    names = ("journal_mode", "synchronous", "wal_autocheckpoint", "foreign_keys")
    with engine.connect() as conn:
        settings = [conn.execute(text(f"PRAGMA {name}")).scalar() for name in names]
    # synchronous 1 = NORMAL: a commit survives a kill -9 (the log is written before COMMIT returns)
    assert settings == ["wal", 1, 10000, 1]


def test_the_delivery_feeder_copies_the_log_into_the_database_at_most_every_so_often(tmp_path: Path) -> None:
    path = tmp_path / "rj.db"
    engine = db.make_engine(f"sqlite:///{path}")
    checkpoint = db.Checkpoints(engine, every=60.0)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x BLOB)"))
        conn.execute(text("INSERT INTO t VALUES (zeroblob(100000))"))
    assert path.stat().st_size < 100_000  # the new pages are still only in the log
    checkpoint()
    copied = path.stat().st_size
    assert copied > 100_000
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (zeroblob(100000))"))
    checkpoint()  # within the minute: nothing copied
    assert path.stat().st_size == copied
