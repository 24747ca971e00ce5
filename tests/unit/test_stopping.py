"""The daemon's stop is bounded: a stuck job cannot keep it (or systemd) waiting for ever."""

from __future__ import annotations

import threading
import time

from rjmail.stopping import finished_within, stuck_frames


def test_a_step_that_returns_in_time_is_clean():
    """A shutdown that finishes within the grace period reports a clean stop."""
    ran = []
    assert finished_within(lambda: ran.append(1), seconds=2.0) is True
    assert ran == [1]


def test_a_stuck_step_is_given_up_after_the_grace_period():
    """A step that blocks is abandoned after the grace period, not waited for."""
    gate = threading.Event()
    started = time.monotonic()
    assert finished_within(lambda: gate.wait(30), seconds=0.2) is False
    assert time.monotonic() - started < 5
    gate.set()


def test_stuck_frames_name_code_locations_only():
    """Where other threads are: "file.py:line function", no values."""
    gate = threading.Event()

    def waiting_for_the_gate() -> None:
        gate.wait(10)

    thread = threading.Thread(target=waiting_for_the_gate)
    thread.start()
    try:
        frames = stuck_frames()
        assert any(f.endswith(" waiting_for_the_gate") for f in frames)
        assert all(":" in f.split(" ", 1)[0] for f in frames)
    finally:
        gate.set()
        thread.join()
