"""Intake and delivery throughput, and the cost of an idle poll against mailbox size.

    .venv/bin/python bench/ingest.py --n 2000

Against a private mail stack (Dovecot + SMTP sink on loopback) and a SQLite database (or
--database-url), in this process:

1. N referrals from N distinct referrers are APPENDed (MULTIAPPEND) to hub BIG's mailbox, and
   --small (1,000) more to hub SML's; `rjmail db upgrade`;
2. intake: one `intake.poll_hub` over BIG (fetch + parse + classify + extract + store + outbox,
   one transaction per message) -> messages/s, overall and for the first and last tenth of the
   messages (a growing per-message cost would show as a lower last-tenth rate);
3. delivery: `delivery.deliver_due` for BIG (acknowledgements + advisor notifications, one SMTP
   connection per call, at most 200 rows per call) repeated until nothing is due -> letters/s and
   acknowledgements/s;
4. one more poll of BIG takes in rjmail's own copies of the acknowledgements (the SMTP sink, like
   the hub's real server, delivers them to the hub mailbox too) as duplicates; SML's messages are
   taken in as well, so both folders hold only old messages (SML: --small, BIG: 2 x N);
5. idle polls (nothing new): `poll_hub` on SML and on BIG, alternated, --reps times each ->
   median / p90 / min per folder size. The design goal is that both cost the same;
6. peak RSS of this process (resource.getrusage; Dovecot and the SMTP sink not included).

Logs go (as JSON, at INFO, like production) to a file in the work directory, so their cost is
counted but the terminal shows only the table. Exit code 0 when every message was taken in and
every letter accepted, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIGNING_KEY = "ingest-bench-signing-key-0123456789"
HUBS = {"BIG": "rj-bench-big", "SML": "rj-bench-small"}
FIRST = ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Charlie", "Jamie", "Morgan", "Taylor"]
LAST = ["Example", "Testperson", "Sample", "Placeholder", "Fictional", "Madeup"]
STORIES = [
    "My shed was broken into in March and I would like to hear about meeting the person responsible.",
    "Our car was damaged outside the house last year. I would like to know more about restorative "
    "justice and whether it could help our family.",
    "I was assaulted in the town centre. The police gave me your address. I am not sure what I want "
    "yet but I would like some information.",
    "My mum was the victim of a fraud. She has asked me to get in touch on her behalf.",
]


def write_config(workdir: Path, stack: Any, database_url: str) -> Path:
    key = workdir / "signing-key"
    key.write_text(SIGNING_KEY)
    key.chmod(0o600)
    secret = workdir / "imap-password"
    secret.write_text(stack.PASSWORD)
    secret.chmod(0o600)
    hubs = "".join(
        f"""
[[hubs]]
code = "{code}"
name = "{code} RJ Hub"
address = "{user}@example.org"
notify = ["advisors-{code.lower()}@example.org"]
advisors = ["advisor-{code.lower()}@example.org"]
trusted_authserv_ids = ["mx.example.org"]
signposting = "norfolk"
  [hubs.imap]
  host = "{stack.host}"
  port = {stack.imap_port}
  security = "none"
  username = "{user}"
  password_file = "{secret}"
"""
        for code, user in HUBS.items()
    )
    config = workdir / "rjmail.toml"
    config.write_text(f"""
[database]
url = "{database_url}"

[paths]
templates = "{ROOT / "templates"}"
config = "{ROOT / "config"}"

[service]
poll_interval_seconds = 60
idle = false
signing_key_file = "{key}"

[smtp]
host = "{stack.host}"
port = {stack.smtp_port}
security = "none"
{hubs}""")
    return config


def referral_mail(i: int, to: str) -> bytes:
    """An invented self-referral; every sender is distinct, so the loop guard never trips."""
    name = f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}"
    msg = EmailMessage()
    msg["From"] = f"{name} <bench-person-{i}@example.test>"
    msg["To"] = to
    msg["Subject"] = "Restorative justice - can you help?"
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(idstring=f"bench{i}", domain="example.test")
    msg.set_content(f"Hello,\n\n{STORIES[i % len(STORIES)]}\n\nThanks,\n{name}\n")
    return msg.as_bytes()


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


@contextlib.contextmanager
def _stack() -> Iterator[Any]:
    from rjmail.devtools.mailstack import MailStack

    stack = MailStack().start()
    try:
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(stack.base_dir, ignore_errors=True)


def _seed(stack: Any, user: str, count: int, offset: int) -> float:
    started = time.perf_counter()
    raws = [referral_mail(offset + i, f"{user}@example.org") for i in range(count)]
    stack.append_many(user, raws)
    return time.perf_counter() - started


def _outbox_counts(rt: Any, hub: str) -> dict[str, int]:
    from sqlalchemy import func
    from sqlmodel import Session, select

    from rjmail.adapters.tables import OutboxItem

    with Session(rt.engine) as s:
        rows = s.exec(
            select(OutboxItem.kind, OutboxItem.status, func.count())
            .where(OutboxItem.hub == hub)
            .group_by(OutboxItem.kind, OutboxItem.status)
        ).all()
    return {f"{kind}:{status}": int(n) for kind, status, n in rows}


def _messages(stack: Any, user: str) -> int:
    with stack.imap(user) as client:
        return int(client.folder_status("INBOX", [b"MESSAGES"])[b"MESSAGES"])


def measure(stack: Any, workdir: Path, n: int, small: int, reps: int, database_url: str) -> dict[str, Any]:
    from rjmail import cli, delivery, intake, runtime
    from rjmail import logging as rjlog
    from rjmail.settings import load

    for user in HUBS.values():
        stack.add_user(user)
    config = write_config(workdir, stack, database_url)
    out: dict[str, Any] = {"n": n, "small": small, "reps": reps}
    out["seed_big_s"] = _seed(stack, HUBS["BIG"], n, 0)
    out["seed_small_s"] = _seed(stack, HUBS["SML"], small, n)

    log_file = (workdir / "rjmail.log").open("w")
    rjlog.configure(stream=log_file)
    with contextlib.redirect_stdout(log_file):
        if cli.main(["--config", str(config), "db", "upgrade"]) != 0:
            raise SystemExit("rjmail db upgrade failed")
    rjlog.configure(stream=log_file)  # cli.main reconfigured logging to stdout

    settings = load(config)
    rt = runtime.build_runtime(settings)
    big, sml = settings.hub("BIG"), settings.hub("SML")

    # Per-message finishing times, to see whether the cost per message grows with the database.
    stamps: list[float] = []
    process = intake.process_fetched

    def timed(*args: Any, **kwargs: Any) -> int:
        try:
            return process(*args, **kwargs)
        finally:
            stamps.append(time.perf_counter())

    intake.process_fetched = timed  # type: ignore[assignment]
    cpu = time.process_time()
    started = time.perf_counter()
    try:
        result = intake.poll_hub(rt, big)
    finally:
        intake.process_fetched = process  # type: ignore[assignment]
    out["intake_s"] = time.perf_counter() - started
    out["intake_cpu"] = time.process_time() - cpu
    tenth = max(1, len(stamps) // 10)
    if len(stamps) > 2 * tenth:
        out["first_tenth"] = tenth / (stamps[tenth - 1] - started)
        out["last_tenth"] = tenth / (stamps[-1] - stamps[-tenth - 1])
    out["fetched"], out["quarantined"] = result.fetched, result.quarantined
    out["rss_after_intake"] = peak_rss_mib()

    # deliver_due sends at most one batch (200 rows) per call, as the daemon's outbox job does;
    # call it until nothing is due, as consecutive runs of that job would.
    counts = {"sent": 0, "retry": 0, "failed": 0}
    calls = 0
    cpu = time.process_time()
    started = time.perf_counter()
    while True:
        batch = delivery.deliver_due(rt, [big])
        calls += 1
        for key in counts:
            counts[key] += batch.get(key, 0)
        if not any(batch.values()) or (batch.get("retry") and not batch.get("sent")):
            break
    out["delivery_s"] = time.perf_counter() - started
    out["delivery_cpu"] = time.process_time() - cpu
    out["delivery"], out["delivery_calls"] = counts, calls
    out["outbox"] = _outbox_counts(rt, "BIG")

    # Letters to people are also delivered to the hub mailbox (rjmail's own copy, which crash
    # recovery looks for); the next poll takes them in as duplicates. Steady state after that.
    started = time.perf_counter()
    out["copies"] = intake.poll_hub(rt, big).fetched
    out["copies_s"] = time.perf_counter() - started

    started = time.perf_counter()
    small_result = intake.poll_hub(rt, sml)
    out["intake_small_s"] = time.perf_counter() - started
    out["fetched_small"] = small_result.fetched

    idle: dict[str, list[float]] = {"SML": [], "BIG": []}
    for _ in range(reps):
        for hub in (sml, big):
            started = time.perf_counter()
            r = intake.poll_hub(rt, hub)
            idle[hub.code].append(time.perf_counter() - started)
            if r.fetched:
                raise SystemExit(f"idle poll of {hub.code} fetched {r.fetched} message(s)")
    out["idle"] = idle
    out["folder_messages"] = {code: _messages(stack, HUBS[code]) for code in HUBS}
    out["rss_peak"] = peak_rss_mib()
    rt.engine.dispose()
    log_file.close()
    return out


def report(r: dict[str, Any]) -> bool:
    n = r["n"]
    sent = r["delivery"]["sent"]
    acks = r["outbox"].get("acknowledgement:sent", 0)
    notes = r["outbox"].get("notification:sent", 0)
    rows = [
        ("seed: MULTIAPPEND of N referrals", f"{r['seed_big_s']:.2f} s", f"{n / r['seed_big_s']:.0f} msgs/s"),
        (
            "intake: poll_hub over N new",
            f"{r['intake_s']:.2f} s",
            f"{r['fetched'] / r['intake_s']:.1f} msgs/s",
        ),
        (
            "  first / last tenth of the intake",
            f"{r.get('first_tenth', 0):.1f} msgs/s",
            f"{r.get('last_tenth', 0):.1f} msgs/s",
        ),
        (
            "  CPU of this process per message taken in",
            f"{1000 * r['intake_cpu'] / max(1, r['fetched']):.2f} ms",
            "",
        ),
        (
            f"delivery: deliver_due x {r['delivery_calls']}",
            f"{r['delivery_s']:.2f} s",
            f"{sent / r['delivery_s']:.1f} letters/s, {acks / r['delivery_s']:.1f} acks/s",
        ),
        (
            "  CPU of this process per letter sent",
            f"{1000 * r['delivery_cpu'] / max(1, sent):.2f} ms",
            "",
        ),
        (
            "next poll: own copies taken in as duplicates",
            f"{r['copies_s']:.2f} s",
            f"{r['copies'] / r['copies_s']:.1f} msgs/s ({r['copies']} copies)",
        ),
        (
            f"intake of {r['small']} into SML (for info)",
            f"{r['intake_small_s']:.2f} s",
            f"{r['fetched_small'] / r['intake_small_s']:.1f} msgs/s",
        ),
    ]
    for code in ("SML", "BIG"):
        t = [x * 1000 for x in r["idle"][code]]
        size = r["folder_messages"][code]
        rows.append(
            (
                f"idle poll {code}, {size:,} old msgs ({len(t)} runs)",
                f"median {statistics.median(t):.1f} ms",
                f"p90 {percentile(t, 90):.1f} ms, min {min(t):.1f} ms",
            )
        )
    ratio = statistics.median(r["idle"]["BIG"]) / statistics.median(r["idle"]["SML"])
    rows.append(("idle poll ratio BIG/SML (medians)", f"{ratio:.2f}x", "1.00x = independent of size"))
    rows.append(
        ("peak RSS after intake / at end", f"{r['rss_after_intake']:.0f} MiB", f"{r['rss_peak']:.0f} MiB")
    )
    width = max(len(a) for a, _, _ in rows)
    print(f"rjmail ingest benchmark: N = {n:,}, SQLite/loopback, Python {sys.version.split()[0]}")
    print("-" * (width + 48))
    for a, b, c in rows:
        print(f"{a:<{width}}  {b:>16}  {c}")
    print("-" * (width + 48))
    print(
        f"fetched {r['fetched']}/{n}, quarantined {r['quarantined']}; letters sent {sent} "
        f"(acknowledgements {acks}, notifications {notes}), retry {r['delivery']['retry']}, "
        f"failed {r['delivery']['failed']}"
    )
    return (
        r["fetched"] == n
        and r["quarantined"] == 0
        and acks == n
        and notes == n
        and r["fetched_small"] == r["small"]
        and not r["delivery"]["failed"]
        and r["copies"] == acks
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="referrals to take in (and old messages in BIG)")
    parser.add_argument("--small", type=int, default=1000, help="old messages in the small folder")
    parser.add_argument("--reps", type=int, default=25, help="idle polls per folder (>= 20)")
    parser.add_argument(
        "--database-url", default=None, help="default: a fresh SQLite file in the work directory"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, database)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="rjing-", dir="/tmp"))
    try:
        with _stack() as stack:
            result = measure(
                stack,
                workdir,
                args.n,
                args.small,
                max(args.reps, 1),
                args.database_url or f"sqlite:///{workdir / 'rjmail.db'}",
            )
        ok = report(result)
    finally:
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
