"""Crash-consistency harness: `kill -9` the daemon again and again, then prove nothing was lost or
sent twice.

    .venv/bin/python bench/crash.py --referrals 300 --kills 20

Against a private mail stack (Dovecot + SMTP sink on loopback) and a SQLite database:

1. N referrals from N distinct referrers are APPENDed to two hub mailboxes, in waves (one before
   each daemon start, so every life of the daemon has intake and delivery work to be cut); each
   referrer is a mailbox user, so their acknowledgement lands in their own INBOX; the hubs have a
   Sent folder configured, as in the example config;
2. `rjmail run` (the daemon, poll_interval_seconds = 1) is started as a subprocess and killed with
   SIGKILL at varied moments, at least `--kills` times: random delays after start, very short delays
   after readiness, right after the k-th message was processed (the next one is mid-fetch or
   mid-transaction) and right after the k-th letter was delivered (the next one is mid-claim,
   mid-SMTP-send or mid-record);
3. `rjmail run --once` is repeated until no outbox row is pending or sending;
4. then: exactly N cases, exactly one acknowledgement accepted by the SMTP server per referrer and
   exactly one message in each referrer's INBOX.

The figures (kills, referrals, cases, acks, duplicates, losses, elapsed; also where each kill landed,
how the rows it left `sending` were settled, duplicate advisor notifications and Sent-folder copies,
which are reported but not failed) are printed; the exit code is non-zero when any check fails. The
daemon's log, the database and the config stay in the work directory with --keep or on failure.
`run_harness` is also used by tests/integration/test_crash.py.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import email
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIGNING_KEY = "crash-harness-signing-key-0123456789"
STRATEGIES = ("timer", "short", "intake", "delivery", "running")
WEIGHTS = (1, 1, 2, 4, 1)


@dataclass
class KillRecord:
    strategy: str
    after_seconds: float
    last_event: str | None
    phase: str  # before-ready | idle | intake | delivery-claimed | delivery-accepted | ...
    sending_rows: int
    sending_in_spool: int


@dataclass
class Result:
    referrals: int
    kills: int = 0
    cases: int = 0
    acks: int = 0
    duplicates: int = 0
    losses: int = 0
    inbox_problems: int = 0
    notification_duplicates: int = 0
    sent_folder_duplicates: int = 0
    sent_folder_missing: int = 0
    once_runs: int = 0
    recovered: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    kill_log: list[KillRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    workdir: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def phases(self) -> dict[str, int]:
        return dict(collections.Counter(k.phase for k in self.kill_log))

    def summary(self) -> str:
        lines = [
            f"kills      {self.kills}",
            f"referrals  {self.referrals}",
            f"cases      {self.cases}",
            f"acks       {self.acks}",
            f"duplicates {self.duplicates}",
            f"losses     {self.losses}",
            f"inbox_bad  {self.inbox_problems}",
            f"elapsed    {self.elapsed:.1f} s",
            f"once_runs  {self.once_runs}",
            f"notification duplicates (advisor copies, no delivery proof by design) "
            f"{self.notification_duplicates}",
            f"Sent-folder copies: duplicates {self.sent_folder_duplicates}, missing "
            f"{self.sent_folder_missing}",
            f"kill phases {json.dumps(self.phases(), sort_keys=True)}",
            f"rows a kill left `sending`, settled at restart {json.dumps(self.recovered, sort_keys=True)}",
        ]
        lines += [f"PROBLEM: {p}" for p in self.problems]
        return "\n".join(lines)


# --------------------------------------------------------------------------- setup


def write_config(workdir: Path, stack: Any, hubs: list[dict[str, str]], db_path: Path) -> Path:
    """rjmail.toml for the stack; plaintext on loopback, secrets in files, daemon polling every second."""
    secret = workdir / "imap-password"
    secret.write_text(stack.PASSWORD)
    secret.chmod(0o600)
    key = workdir / "signing-key"
    key.write_text(SIGNING_KEY)
    key.chmod(0o600)
    lines = [
        "[database]",
        f'url = "sqlite:///{db_path}"',
        "",
        "[paths]",
        f'templates = "{ROOT / "templates"}"',
        f'config = "{ROOT / "config"}"',
        "",
        "[service]",
        "poll_interval_seconds = 1",
        "idle = false",
        "delivery_proof_grace_seconds = 2  # the test relay delivers our copy before it answers 250",
        f'signing_key_file = "{key}"',
        "",
        "[smtp]",
        f'host = "{stack.host}"',
        f"port = {stack.smtp_port}",
        'security = "none"',
        "",
    ]
    for hub in hubs:
        lines += [
            "[[hubs]]",
            f'code = "{hub["code"]}"',
            f'name = "{hub["name"]}"',
            f'address = "{hub["user"]}@example.org"',
            f'notify = ["{hub["notify"]}@example.org"]',
            "advisors = []",
            'trusted_authserv_ids = ["mx.example.org"]',
            f'signposting = "{hub["signposting"]}"',
            "[hubs.imap]",
            f'host = "{stack.host}"',
            f"port = {stack.imap_port}",
            'security = "none"',
            f'username = "{hub["user"]}"',
            f'password_file = "{secret}"',
            'sent_folder = "Sent"',
            "",
        ]
    path = workdir / "rjmail.toml"
    path.write_text("\n".join(lines))
    return path


def referral_mail(frm: str, to: str, name: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{frm}>"
    msg["To"] = to
    msg["Subject"] = "Restorative justice - can you help?"
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="crash.example.test")
    msg.set_content(
        "Hello,\n\nMy car was broken into last spring and I would like to know whether I could "
        f"meet the person who did it, or write to them.\n\nThank you,\n{name}\n"
    )
    return msg.as_bytes()


def _cli(config: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rjmail", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )


def _db(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, timeout=30)
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _scalar(db_path: Path, sql: str, *params: Any) -> Any:
    with contextlib.closing(_db(db_path)) as conn:
        return conn.execute(sql, params).fetchone()[0]


# --------------------------------------------------------------------------- the daemon


class Daemon:
    """`rjmail run` as a subprocess; its JSON log lines are read by a thread and kept."""

    def __init__(self, config: Path, log_file: Path) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rjmail", "--config", str(config), "run"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # events in real time
        self.events: list[str] = []
        self.cond = threading.Condition()
        self._log = log_file.open("a", encoding="utf-8")
        self._log.write(f"--- daemon pid {self.proc.pid} started\n")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace")
            self._log.write(line)
            try:
                event = str(json.loads(line).get("event"))
            except (json.JSONDecodeError, AttributeError):
                event = "?"
            with self.cond:
                self.events.append(event)
                self.cond.notify_all()

    def count(self, event: str) -> int:
        return sum(1 for e in self.events if e == event)

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return predicate()
                self.cond.wait(min(left, 0.05))
            return True

    @property
    def last_event(self) -> str | None:
        with self.cond:
            return self.events[-1] if self.events else None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=5)
        self._log.write(f"--- daemon pid {self.proc.pid} killed (exit {self.proc.returncode})\n")
        self._log.close()


def _kill_at(daemon: Daemon, strategy: str, rng: random.Random) -> None:
    """Wait for the moment this strategy aims at; fall back to a timer when it never comes.

    timer: 0.05-1.5 s after the start (often still importing); running: 0.05-1.5 s after readiness;
    short: under 50 ms after readiness (recovery, first poll); intake/delivery: at once after the
    k-th processed message / delivered letter, so the next one is cut mid-way.
    """
    if strategy == "timer":
        time.sleep(rng.uniform(0.05, 1.5))
        return
    if strategy in ("short", "running"):
        daemon.wait_for(lambda: "daemon_started" in daemon.events, 5)
        time.sleep(rng.uniform(0.0, 0.05) if strategy == "short" else rng.uniform(0.05, 1.5))
        return
    event = "message_processed" if strategy == "intake" else "delivered"
    target = rng.randint(1, 6)
    if not daemon.wait_for(lambda: daemon.count(event) >= target, 6):
        time.sleep(rng.uniform(0.0, 0.3))
        return
    time.sleep(rng.choice([0.0, 0.0, rng.uniform(0.0, 0.01)]))


def _spooled_ids(stack: Any) -> set[str]:
    ids = set()
    for msg in stack.spooled():
        parsed = email.message_from_bytes(msg.data)
        if parsed["Message-ID"]:
            ids.add(parsed["Message-ID"].strip())
    return ids


def _phase(db_path: Path, stack: Any, daemon: Daemon, appended: int) -> tuple[str, int, int]:
    """Where the kill landed, from the database and the SMTP spool."""
    with contextlib.closing(_db(db_path)) as conn:
        sending = [r[0] for r in conn.execute("SELECT message_id FROM outbox WHERE status='sending'")]
        processed = conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
    accepted = len(set(sending) & _spooled_ids(stack)) if sending else 0
    if "daemon_started" not in daemon.events:
        phase = "before-ready"
    elif sending and accepted:
        phase = "delivery: SMTP accepted, not yet recorded"
    elif sending:
        phase = "delivery: claimed, before/during SMTP"
    elif processed < appended:
        phase = "intake"
    else:
        phase = "between steps"
    return phase, len(sending), accepted


# --------------------------------------------------------------------------- checks


def _check(result: Result, stack: Any, config: Path, referrers: list[str], notify: list[str]) -> None:
    out = _cli(config, "cases", "export", "--format", "json")
    if out.returncode != 0:
        result.problems.append(f"cases export failed: {out.stderr.strip()[-500:]}")
        return
    cases = json.loads(out.stdout)
    result.cases = len(cases)
    expected = {f"{r}@example.test" for r in referrers}
    if result.cases != result.referrals:
        result.problems.append(f"{result.cases} cases for {result.referrals} referrals")
    by_referrer = collections.Counter(c["referrer_email"] for c in cases)
    extra = {a: n for a, n in by_referrer.items() if n != 1 or a not in expected}
    if extra or set(by_referrer) != expected:
        result.problems.append(
            f"cases per referrer wrong: {dict(list(extra.items())[:5])}, "
            f"missing {len(expected - set(by_referrer))}"
        )

    spooled = stack.spooled()
    acks: collections.Counter[str] = collections.Counter()
    notes: collections.Counter[str] = collections.Counter()
    wanted = {f"{n}@example.org" for n in notify}
    for msg in spooled:
        rcpts = {r.lower() for r in msg.rcpt_tos}
        for addr in rcpts & expected:
            acks[addr] += 1
        if rcpts & wanted:
            notes[str(email.message_from_bytes(msg.data)["Message-ID"])] += 1
    result.acks = sum(acks.values())
    result.duplicates = sum(n - 1 for n in acks.values() if n > 1)
    result.losses = len(expected - set(acks))
    result.notification_duplicates = sum(n - 1 for n in notes.values() if n > 1)
    if result.duplicates:
        dup = sorted(a for a, n in acks.items() if n > 1)
        result.problems.append(f"{result.duplicates} duplicate acknowledgement(s), e.g. {dup[:3]}")
    if result.losses:
        result.problems.append(
            f"{result.losses} referrer(s) got no acknowledgement, e.g. {sorted(expected - set(acks))[:3]}"
        )
    for person in referrers:
        inbox = stack.fetch_all(person)
        if len(inbox) != 1:
            result.inbox_problems += 1
            if result.inbox_problems <= 3:
                subjects = [email.message_from_bytes(m, policy=policy.default)["Subject"] for m in inbox]
                result.problems.append(f"INBOX of {person} holds {len(inbox)} messages: {subjects}")


def _check_sent_folders(result: Result, stack: Any, db_path: Path, hubs: list[dict[str, str]]) -> None:
    """Advisors see exactly what went out: each sent letter once in its hub's Sent folder (reported,
    not asserted: a duplicate copy there is cosmetic)."""
    with contextlib.closing(_db(db_path)) as conn:
        sent = {
            (hub, mid)
            for hub, mid in conn.execute("SELECT hub, message_id FROM outbox WHERE status = 'sent'")
        }
    for hub in hubs:
        ids = collections.Counter(
            str(email.message_from_bytes(raw)["Message-ID"]).strip()
            for raw in stack.fetch_all(hub["user"], "Sent")
        )
        result.sent_folder_duplicates += sum(n - 1 for n in ids.values() if n > 1)
        result.sent_folder_missing += sum(1 for h, mid in sent if h == hub["code"] and mid not in ids)


def _recoveries(log_file: Path) -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter()
    for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines():
        if '"outbox_recovered"' in line:
            with contextlib.suppress(json.JSONDecodeError):
                counts[str(json.loads(line).get("result"))] += 1
    return dict(counts)


def _pending(db_path: Path) -> int:
    return int(_scalar(db_path, "SELECT count(*) FROM outbox WHERE status IN ('pending','sending')"))


# --------------------------------------------------------------------------- the harness


def run_harness(
    stack: Any,
    workdir: Path,
    referrals: int,
    kills: int,
    *,
    seed: int | None = None,
    echo: Callable[[str], None] = print,
    max_seconds: float | None = None,
) -> Result:
    """Seed, kill the daemon `kills` times at varied moments, finish with `run --once`, check."""
    started = time.monotonic()
    rng = random.Random(seed)
    tag = f"c{os.getpid() % 10000}{rng.randrange(10**6):06d}"
    result = Result(referrals=referrals, workdir=workdir)
    hubs = [
        {
            "code": "NOR",
            "name": "Norfolk RJ Hub",
            "user": f"{tag}-nor",
            "notify": f"{tag}-nor-adv",
            "signposting": "norfolk",
        },
        {
            "code": "SUF",
            "name": "Suffolk RJ Hub",
            "user": f"{tag}-suf",
            "notify": f"{tag}-suf-adv",
            "signposting": "suffolk",
        },
    ]
    for hub in hubs:
        stack.add_user(hub["user"])
        stack.add_user(hub["notify"])
    referrers = [f"{tag}-p{i:04d}" for i in range(referrals)]
    for person in referrers:
        stack.add_user(person)
    db_path = workdir / "rjmail.db"
    config = write_config(workdir, stack, hubs, db_path)
    up = _cli(config, "db", "upgrade")
    if up.returncode != 0:
        raise RuntimeError(f"db upgrade failed: {up.stderr}")
    # Referrals arrive in waves, one before each daemon start, so every life has work to be cut.
    waves = [referrers[i :: max(1, kills)] for i in range(max(1, kills))]
    mail: dict[str, bytes] = {}
    for index, hub in enumerate(hubs):
        for person in referrers[index :: len(hubs)]:
            mail[person] = referral_mail(
                f"{person}@example.test", f"{hub['user']}@example.org", f"Sam {person[-4:]}"
            )
    hub_of = {p: hubs[i % len(hubs)]["user"] for i, p in enumerate(referrers)}
    echo(f"{referrals} referrers, {len(hubs)} hubs, {kills} waves (workdir {workdir})")
    appended = 0

    def feed() -> None:
        nonlocal appended
        wave = waves.pop(0)
        for hub in hubs:
            stack.append_many(hub["user"], [mail[p] for p in wave if hub_of[p] == hub["user"]])
        appended += len(wave)

    log_file = workdir / "daemon.log"
    for number in range(kills):
        # Each strategy once, then weighted towards the delivery window (the hardest to get right).
        strategy = (
            STRATEGIES[number] if number < len(STRATEGIES) else rng.choices(STRATEGIES, weights=WEIGHTS)[0]
        )
        feed()
        daemon = Daemon(config, log_file)
        _kill_at(daemon, strategy, rng)
        last = daemon.last_event
        if daemon.proc.poll() is not None:
            result.problems.append(f"daemon exited by itself (exit {daemon.proc.returncode}); see {log_file}")
        daemon.kill()
        result.kills += 1
        phase, sending, accepted = _phase(db_path, stack, daemon, appended)
        result.kill_log.append(
            KillRecord(strategy, time.monotonic() - daemon.started, last, phase, sending, accepted)
        )
        echo(
            f"kill {result.kills:3d} [{strategy:8s}] after {time.monotonic() - daemon.started:5.2f} s, "
            f"last event {last!s:20s} -> {phase} (sending rows {sending}, of them accepted by SMTP "
            f"{accepted}); outbox open {_pending(db_path)}"
        )
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            result.problems.append(f"over the time budget of {max_seconds} s after {result.kills} kills")
            break

    while waves:  # kills == 0, or the time budget ran out
        feed()
    for _ in range(10):
        once = _cli(config, "run", "--once", timeout=300)
        result.once_runs += 1
        with log_file.open("a", encoding="utf-8") as fh:
            fh.write(f"--- run --once exit {once.returncode}\n{once.stdout}{once.stderr}")
        if once.returncode != 0:
            echo(f"run --once exited {once.returncode}: {once.stderr.strip()[-300:]}")
        if _pending(db_path) == 0:
            break
    else:
        with contextlib.closing(_db(db_path)) as conn:
            rows = conn.execute(
                "SELECT id, status, attempts, next_attempt_at FROM outbox "
                "WHERE status IN ('pending','sending') LIMIT 5"
            ).fetchall()
        result.problems.append(f"outbox still open after {result.once_runs} run --once: {rows}")
    once = _cli(config, "run", "--once", timeout=300)  # copies the last letters to the Sent folders
    result.once_runs += 1
    failed = int(_scalar(db_path, "SELECT count(*) FROM outbox WHERE status = 'failed'"))
    if failed:
        result.problems.append(f"{failed} outbox row(s) failed")
    _check(result, stack, config, referrers, [h["notify"] for h in hubs])
    result.recovered = _recoveries(log_file)
    _check_sent_folders(result, stack, db_path, hubs)
    result.elapsed = time.monotonic() - started
    return result


@contextlib.contextmanager
def _stack() -> Iterator[Any]:
    from rjmail.devtools.mailstack import MailStack

    stack = MailStack().start()
    try:
        yield stack
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--referrals", type=int, default=300)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, database)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="rjcrash-", dir="/tmp"))
    with _stack() as stack:
        result = run_harness(stack, workdir, args.referrals, args.kills, seed=args.seed)
    print(result.summary())
    if args.keep or not result.ok:
        print(f"work directory kept: {workdir}")
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
