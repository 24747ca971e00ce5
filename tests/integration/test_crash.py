"""Crash consistency on the real stack: the daemon is killed with SIGKILL at varied moments (mid-fetch,
mid-transaction, mid-SMTP-send) and restarted; afterwards every referral is exactly one case with
exactly one acknowledgement. The harness itself is bench/crash.py (300 referrals, 20 kills there)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.integration

BENCH = Path(__file__).resolve().parents[2] / "bench" / "crash.py"


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rjmail_bench_crash", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_kill_minus_nine_loses_nothing_and_sends_nothing_twice(tmp_path: Path, mailstack: Any) -> None:
    """60 referrals, the daemon SIGKILLed 8 times and restarted, then `run --once` until the outbox is
    settled: 60 cases, each referrer exactly one acknowledgement at the SMTP server and one message in
    their INBOX. SQLite only (the crash behaviour under test is rjmail's ordering, not the engine's)."""
    crash = _harness()
    lines: list[str] = []
    result = crash.run_harness(mailstack, tmp_path, referrals=60, kills=8, seed=20260,
                               echo=lines.append, max_seconds=80)
    report = "\n".join([*lines, result.summary()])
    print(report)
    assert result.kills >= 8, report
    assert result.cases == 60, report
    assert result.duplicates == 0, report
    assert result.losses == 0, report
    assert result.acks == 60, report
    assert result.inbox_problems == 0, report
    assert result.ok, report
    assert result.elapsed < 90, report
