"""Idle-poll cost against the number of old messages in the folder (issue 17: "idle poll flat from
1,000 to 100,000 old messages").

    PYTHONPATH=$PWD .venv/bin/python bench/idlepoll.py --small 1000 --big 100000

Starts a private mail stack, APPENDs `--small` invented referrals to hub SML's mailbox and `--big` to
hub BIG's (in chunks, MULTIAPPEND), and configures both hubs with `process_existing = false`, so
rjmail's first poll of each starts after the old mail, as when going live on a full mailbox. Then it
times `intake.poll_hub` on each hub, alternating, `--reps` times: a poll that finds nothing new
(connect, log in, STATUS, checkpoint read, log out). Prints the median, p90 and minimum per hub and
the ratio of the medians (1.00x = the cost does not depend on the folder's size). SQLite, loopback
only; the work directory is removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import smtplib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.ingest import HUBS, _stack, percentile, referral_mail, write_config  # noqa: E402

CHUNK = 5000


def _seed(stack: Any, user: str, count: int) -> float:
    started = time.perf_counter()
    for first in range(0, count, CHUNK):
        stack.append_many(
            user, [referral_mail(i, f"{user}@example.org") for i in range(first, min(count, first + CHUNK))]
        )
    return time.perf_counter() - started


def _deliver(stack: Any, user: str, count: int) -> float:
    """Seed through the stack's SMTP server, which hands each message to Dovecot over LMTP one at a
    time, as a live hub mailbox fills (Dovecot's index then grows by one transaction per message)."""
    started = time.perf_counter()
    with smtplib.SMTP(stack.host, stack.smtp_port) as smtp:
        for i in range(count):
            smtp.sendmail(
                f"bench-person-{i}@example.test",
                [f"{user}@example.org"],
                referral_mail(i, f"{user}@example.org"),
            )
    return time.perf_counter() - started


def measure(small: int, big: int, reps: int, lmtp: bool = False) -> dict[str, Any]:
    from rjmail import cli, intake, runtime
    from rjmail import logging as rjlog
    from rjmail.settings import load

    workdir = Path(tempfile.mkdtemp(prefix="rjmail-idlepoll-"))
    try:
        with _stack() as stack:
            for user in HUBS.values():
                stack.add_user(user)
            config = write_config(workdir, stack, f"sqlite:///{workdir / 'rjmail.db'}")
            text = config.read_text().replace("password_file", "process_existing = false\n  password_file")
            config.write_text(text)
            seed = _deliver if lmtp else _seed
            seeded = {"SML": seed(stack, HUBS["SML"], small), "BIG": seed(stack, HUBS["BIG"], big)}
            log_file = (workdir / "rjmail.log").open("w")
            with contextlib.redirect_stdout(log_file):
                if cli.main(["--config", str(config), "db", "upgrade"]) != 0:
                    raise SystemExit("rjmail db upgrade failed")
            rjlog.configure(stream=log_file)  # JSON at INFO, as in production, off the terminal
            rt = runtime.build_runtime(load(config))
            hubs = {code: rt.settings.hub(code) for code in HUBS}
            for hub in hubs.values():
                intake.poll_hub(rt, hub)  # going live: starts after the old mail, answers nobody
            times: dict[str, list[float]] = {code: [] for code in HUBS}
            for _ in range(reps):
                for code, hub in hubs.items():
                    started = time.perf_counter()
                    result = intake.poll_hub(rt, hub)
                    times[code].append(time.perf_counter() - started)
                    if result.fetched:
                        raise SystemExit(f"an idle poll of {code} fetched {result.fetched} messages")
            return {"small": small, "big": big, "reps": reps, "seeded": seeded, "times": times, "lmtp": lmtp}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(r: dict[str, Any]) -> None:
    print(f"rjmail idle-poll benchmark (SQLite, loopback Dovecot, Python {sys.version.split()[0]})")
    sizes = {"SML": r["small"], "BIG": r["big"]}
    for code in ("SML", "BIG"):
        t = [x * 1000 for x in r["times"][code]]
        print(
            f"idle poll {code}, {sizes[code]:>7,} old msgs ({r['reps']} runs): median "
            f"{statistics.median(t):6.1f} ms  p90 {percentile(t, 90):6.1f} ms  min {min(t):6.1f} ms"
            f"  (seeded in {r['seeded'][code]:.0f} s{', one by one over LMTP' if r.get('lmtp') else ''})"
        )
    ratio = statistics.median(r["times"]["BIG"]) / statistics.median(r["times"]["SML"])
    print(f"idle poll ratio BIG/SML (medians): {ratio:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=25)
    parser.add_argument("--lmtp", action="store_true", help="seed through SMTP + LMTP, one message at a time")
    args = parser.parse_args(argv)
    report(measure(args.small, args.big, args.reps, args.lmtp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
