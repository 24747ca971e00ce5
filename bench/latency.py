"""IMAP IDLE latency: how long from a referral landing in the hub mailbox to the acknowledgement
landing in the referrer's INBOX, with the daemon polling only every 60 seconds.

    .venv/bin/python bench/latency.py --referrals 50

Against a private mail stack (Dovecot + SMTP sink on loopback) and a SQLite database, `rjmail run`
(the daemon, idle = true, poll_interval_seconds = 60) runs as a subprocess. Referrals from distinct
referrers are APPENDed one at a time; for each, the clock runs from just before the APPEND until a
STATUS on the referrer's INBOX shows the acknowledgement (checked every 10 ms). Prints p50 / p95 /
max and the throughput; exits non-zero if an acknowledgement is missing or the daemon died.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
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

SIGNING_KEY = "latency-bench-signing-key-0123456789"
HUB = "rj-latency-hub"


def write_config(workdir: Path, stack: Any, poll: int) -> Path:
    key = workdir / "signing-key"
    key.write_text(SIGNING_KEY)
    key.chmod(0o600)
    secret = workdir / "imap-password"
    secret.write_text(stack.PASSWORD)
    secret.chmod(0o600)
    config = workdir / "rjmail.toml"
    config.write_text(f"""
[database]
url = "sqlite:///{workdir / "rjmail.db"}"

[paths]
templates = "{ROOT / "templates"}"
config = "{ROOT / "config"}"

[service]
poll_interval_seconds = {poll}
idle = true
signing_key_file = "{key}"

[smtp]
host = "{stack.host}"
port = {stack.smtp_port}
security = "none"

[[hubs]]
code = "NOR"
name = "Norfolk RJ Hub"
address = "{HUB}@example.org"
notify = ["rj-latency-notify@example.org"]
advisors = ["rj-latency-advisor@example.org"]
trusted_authserv_ids = ["mx.example.org"]
signposting = "norfolk"
  [hubs.imap]
  host = "{stack.host}"
  port = {stack.imap_port}
  security = "none"
  username = "{HUB}"
  password_file = "{secret}"
""")
    return config


def referral_mail(frm: str, name: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{frm}>"
    msg["To"] = f"{HUB}@example.org"
    msg["Subject"] = "Restorative justice - can you help?"
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="example.test")
    msg.set_content(
        f"Hello,\n\nMy shed was broken into in March and I would like to hear about meeting "
        f"the person responsible.\n\nThanks,\n{name}\n"
    )
    return msg.as_bytes()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


@contextlib.contextmanager
def _stack() -> Iterator[Any]:
    from rjmail.devtools.mailstack import MailStack

    stack = MailStack().start()
    try:
        yield stack
    finally:
        stack.stop()


def _cli(config: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "rjmail", "--config", str(config), *args],
        check=True,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )


def _wait_log(log_file: Path, event: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if f'"event": "{event}"' in log_file.read_text(errors="replace"):
            return True
        time.sleep(0.05)
    return False


def measure(stack: Any, workdir: Path, referrals: int, timeout: float, poll: int) -> dict[str, Any]:
    stack.add_user(HUB)
    stack.add_user("rj-latency-notify")
    config = write_config(workdir, stack, poll)
    _cli(config, "db", "upgrade")
    log_file = workdir / "daemon.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NOTIFY_SOCKET", None)
    with log_file.open("ab") as out:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "rjmail", "--config", str(config), "run"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
        )
    latencies: list[float] = []
    missing = 0
    try:
        if not _wait_log(log_file, "idle_started", 30):
            raise SystemExit(f"the daemon never started IDLE; see {log_file}")
        people = [f"latency-person-{i}" for i in range(referrals)]
        for user in people:
            stack.add_user(user)
        started_all = time.monotonic()
        for i, user in enumerate(people):
            raw = referral_mail(f"{user}@example.test", f"Person {i}")
            with stack.imap(user) as client:
                start = time.monotonic()
                stack.append(HUB, raw)
                arrived = False
                while time.monotonic() - start < timeout:
                    status = client.folder_status("INBOX", [b"MESSAGES"])
                    if int(status[b"MESSAGES"]) >= 1:
                        arrived = True
                        break
                    time.sleep(0.01)
                elapsed = time.monotonic() - start
            if arrived:
                latencies.append(elapsed)
            else:
                missing += 1
            if daemon.poll() is not None:
                raise SystemExit(f"the daemon died (exit {daemon.returncode}); see {log_file}")
        total = time.monotonic() - started_all
    finally:
        if daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
    return {
        "referrals": referrals,
        "acknowledged": len(latencies),
        "missing": missing,
        "latencies": latencies,
        "seconds": total,
        "exit": daemon.returncode,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=30.0, help="per acknowledgement, seconds")
    parser.add_argument("--poll", type=int, default=60, help="poll_interval_seconds of the daemon")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rjlat-", dir="/tmp") as tmp, _stack() as stack:
        result = measure(stack, Path(tmp), args.referrals, args.timeout, args.poll)
    lat = result["latencies"]
    print(
        f"referrals: {result['referrals']}  acknowledged: {result['acknowledged']}  "
        f"missing: {result['missing']}  daemon exit: {result['exit']}"
    )
    if lat:
        print(f"APPEND -> acknowledgement in INBOX (IDLE, poll_interval_seconds={args.poll}):")
        print(
            f"  p50 {statistics.median(lat):.3f} s   p95 {percentile(lat, 95):.3f} s   "
            f"max {max(lat):.3f} s   min {min(lat):.3f} s"
        )
        print(
            f"  {len(lat) / result['seconds']:.2f} msgs/s one at a time "
            f"({result['seconds']:.1f} s for {len(lat)})"
        )
    return 0 if result["missing"] == 0 and result["exit"] == 0 and lat else 1


if __name__ == "__main__":
    sys.exit(main())
