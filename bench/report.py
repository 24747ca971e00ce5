"""`rjmail report` on a large database: the time to compute and render a year's figures.

    .venv/bin/python bench/report.py --n 100000

Creates a fresh SQLite file (migrated with `db upgrade`) in a temporary directory, bulk-inserts N
synthetic cases over 2025 (through SQLAlchemy Core, in batches): each with its referral message,
an acknowledgement in the outbox, and for some a booking, a not-suitable audit entry or a
withdrawal; two hubs. Then times `build_report` for the whole year (both hubs, 12 London months)
and each renderer, and prints the seconds. Nothing is sent anywhere; `--keep` keeps the file.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from rjmail.adapters import db
from rjmail.adapters.tables import metadata
from rjmail.core.figures import period
from rjmail.report.build import build_report
from rjmail.report.command import render

CASES, MESSAGES, OUTBOX = (metadata.tables[n] for n in ("case", "message", "outbox"))
BOOKINGS, AUDIT = metadata.tables["booking"], metadata.tables["audit"]
STATUSES = [
    "new",
    "call_offered",
    "call_booked",
    "in_progress",
    "on_hold",
    "not_suitable",
    "withdrawn",
    "closed",
]
ROLES = ["victim", "family", "offender", "unknown"]
REASONS = ["no-responsibility", "other-party-declined", "safety", "domestic-abuse", "other"]
BATCH = 5000


def rows_for(i: int, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    hub = "NOR" if i % 3 else "SUF"
    at = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(365 * 86400))
    status = rng.choice(STATUSES)
    ref = f"RJ-{hub}-2025-{i:06d}"
    out: dict[str, list[dict[str, Any]]] = {
        "case": [],
        "message": [],
        "outbox": [],
        "booking": [],
        "audit": [],
    }
    out["case"].append(
        dict(
            id=i,
            ref=ref,
            hub=hub,
            status=status,
            created_at=at,
            updated_at=at,
            referral_type=rng.choice(["self", "self", "professional", "unknown"]),
            role=rng.choice(ROLES),
            language=rng.choice([None] * 8 + ["Polish", "Romanian"]),
            withdrawn_at=at + timedelta(days=3) if status == "withdrawn" else None,
        )
    )
    out["message"].append(
        dict(
            case_id=i,
            hub=hub,
            direction="in",
            kind="referral",
            message_id=f"<in{i}@example.test>",
            at=at,
            raw_size=0,
        )
    )
    sent = at + timedelta(seconds=rng.uniform(5, 900))
    out["outbox"].append(
        dict(
            case_id=i,
            hub=hub,
            kind="acknowledgement",
            idempotency_key=f"ack{i}",
            message_id=f"<o{i}@x.example>",
            mail_from="hub@example.org",
            to_addr="p@example.test",
            recipients="p@example.test",
            subject="",
            raw=b"",
            status="sent",
            attempts=1,
            next_attempt_at=at,
            created_at=at,
            sent_at=sent,
            copied_to_sent=False,
            person_letter=True,
        )
    )
    if status in ("call_booked", "in_progress") and rng.random() < 0.7:
        out["booking"].append(
            dict(
                case_id=i,
                hub=hub,
                start=at + timedelta(days=6),
                minutes=30,
                uid=f"u{i}",
                sequence=0,
                status="active",
                reminder_sent=False,
                created_at=at + timedelta(hours=rng.uniform(2, 200)),
            )
        )
    if status == "not_suitable":
        out["audit"].append(
            dict(
                at=at + timedelta(days=2),
                actor="advisor:a@example.org",
                action="change",
                case_ref=ref,
                reason=f"status new -> not_suitable: #not-suitable {rng.choice(REASONS)}",
            )
        )
    return out


def populate(engine: Engine, n: int) -> float:
    rng = random.Random(18)
    started = time.perf_counter()
    for first in range(1, n + 1, BATCH):
        batch: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("case", "message", "outbox", "booking", "audit")
        }
        for i in range(first, min(first + BATCH, n + 1)):
            for table, rows in rows_for(i, rng).items():
                batch[table] += rows
        with engine.begin() as conn:
            for table in ("case", "message", "outbox", "booking", "audit"):
                if batch[table]:
                    conn.execute(insert(metadata.tables[table]), batch[table])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rjmail-bench-report-"))
    try:
        engine = db.make_engine(f"sqlite:///{work / 'report.db'}")
        db.upgrade(engine)
        print(f"inserted {args.n:,} cases in {populate(engine, args.n):.1f} s")
        year = period(date(2025, 1, 1), date(2025, 12, 31))
        started = time.perf_counter()
        report = build_report(engine, year, ["NOR", "SUF"], None)
        computed = time.perf_counter() - started
        counted = sum(h.totals.referrals for h in report.hubs)
        print(f"report over {counted:,} cases, 2 hubs x 12 months: computed in {computed:.2f} s")
        for fmt in ("json", "csv", "html"):
            started = time.perf_counter()
            size = len(render(report, fmt))
            print(f"  {fmt}: rendered in {time.perf_counter() - started:.2f} s ({size:,} characters)")
        engine.dispose()
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
