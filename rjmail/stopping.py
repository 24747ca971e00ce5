"""A stop that cannot hang: the daemon waits a bounded time for its jobs, then leaves.

Every piece of work is crash-safe (a message's transaction commits with its checkpoint; a letter in
`sending` is settled from the hub's copy), so a job that does not finish within the grace period is
abandoned exactly as a `kill -9` would abandon it, instead of keeping systemd waiting. Where it hung
is logged as code locations only (file, line, function: never values, which could hold what
someone wrote).
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable

STOP_GRACE_SECONDS = 20.0


def finished_within(step: Callable[[], None], seconds: float = STOP_GRACE_SECONDS) -> bool:
    """Run `step` (e.g. the scheduler's shutdown) and say whether it returned within `seconds`."""
    done = threading.Event()

    def run() -> None:
        try:
            step()
        finally:
            done.set()

    threading.Thread(target=run, name="stop", daemon=True).start()
    return done.wait(seconds)


def stuck_frames() -> list[str]:
    """Where every other thread is now: "file.py:123 function" per frame, innermost last."""
    me = threading.get_ident()
    out = []
    for ident, frame in sys._current_frames().items():
        if ident == me:
            continue
        for summary in traceback.extract_stack(frame)[-6:]:
            out.append(f"{summary.filename.rsplit('/', 1)[-1]}:{summary.lineno} {summary.name}")
    return out
