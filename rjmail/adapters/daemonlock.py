"""One daemon per SQLite file. PostgreSQL deployments elect a leader per hub (rjmail.leader); SQLite
has no such lock, and two daemons on one file would answer every message twice. An fcntl lock on a
file beside the database is held for the process's life (the kernel drops it when the process
dies, so a crash never leaves a stale lock)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from rjmail.adapters.db import _sqlite_file
from rjmail.errors import RjmailError


class AlreadyRunningError(RjmailError):
    pass


@contextmanager
def hold(database_url: str) -> Iterator[None]:
    """Hold the lock for the block; AlreadyRunningError at once if another process holds it."""
    path = _sqlite_file(database_url)
    if path is None:
        yield
        return
    lock_path = path.with_name(path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunningError(
                f"another rjmail daemon is already running on {path} (it holds {lock_path}); "
                "stop it first: two daemons on one SQLite file would answer every message twice"
            ) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
