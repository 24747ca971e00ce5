"""End to end: a backlog of N referrals through a real `rjmail run --once` process, against the
ceiling of the same SMTP server for the same letters from a bare sender.

    .venv/bin/python bench/e2e.py --n 600 [--connections 3] [--database-url URL] [--keep]
    .venv/bin/python bench/e2e.py --n 600 --relay postfix   # a queueing relay (see README)

1. A private mail stack (Dovecot + the SMTP sink, loopback) and a fresh SQLite database; N invented
   self-referrals from N senders are APPENDed to the hub mailbox; `rjmail db upgrade` and the
   compiling of rjmail's modules to bytecode run first, outside the measured time (install steps,
   as for an installed package, not part of a cycle).
2. `rjmail run --once` is started as its own process, as cron or an operator would; the clock starts
   just before the process is spawned, so interpreter start-up and imports are counted.
3. From the SMTP sink's spool (each accepted message is written, then renamed into place: the
   file's mtime is the acceptance time) the benchmark reads when each acknowledgement was accepted:
   time to the first acknowledgement, referrals fully handled per second (case stored and
   acknowledgement accepted), and the arrival -> acknowledgement latency (p50 / p95; arrival is the
   moment the referral was in the mailbox, the end of the APPEND).
4. Ceiling: the exact letters rjmail had accepted (same bytes, same envelope recipients) are sent
   again by a bare `smtplib` sender over the same number of connections, with nothing else to do.
   Referrals/s at the ceiling = letters/s / letters per referral; the ratio compares the two.
5. Peak RSS of the `rjmail` process (RUSAGE_CHILDREN: the larger of rjmail and its delivery
   child), and the peak of the two together sampled from /proc: RSS every 50 ms (shared pages
   counted in each; /proc/PID/status, ~30 us a read) and PSS every second (shared pages split
   between them; smaps_rollup walks the page tables, ~2-3 ms of CPU a process, which at 50 ms took
   ~5 % of the machine during rjmail's run and none during the ceiling's).
6. Where the CPU went (/proc/stat): while rjmail ran, its own CPU (it and its delivery child) and
   the rest of the machine's (the SMTP server, Dovecot, the kernel), per referral; and the whole
   machine's during the ceiling. The sum per referral bounds the rate: 2 cores / 20 ms = 100 /s.
   rjmail's CPU is also split between its two processes (/proc/PID/stat, sampled every 50 ms).

With `--relay postfix`, rjmail sends through a private Postfix (bench/postfix_stack.py) that
answers 250 once a letter is queued, as production relays do, and delivers hub mail over LMTP into
the same Dovecot (other domains discarded). Acceptance times and envelopes then come from the
relay's log (queue file creation, at MAIL FROM); the ceiling sends letters with the same envelopes
and sizes (Postfix keeps no copy of the bytes) to the same relay.

Exit 0 when every referral became exactly one case with one acknowledgement; 77 (skipped) when
`--relay postfix` cannot run here (Postfix not installed, or not root).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpusmail import corpus_mail  # noqa: E402
from bench.ingest import HUBS, referral_mail, write_config  # noqa: E402

HUB = "BIG"


@dataclass(frozen=True)
class Accepted:
    at: float  # wall-clock acceptance time (spool file mtime)
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


def read_accepted(spool: Path) -> list[Accepted]:
    out = []
    for envelope_path in sorted(spool.glob("[0-9]*.json")):
        envelope = json.loads(envelope_path.read_text())
        eml = spool / envelope["eml"]
        out.append(
            Accepted(
                eml.stat().st_mtime, envelope["mail_from"], tuple(envelope["rcpt_tos"]), eml.read_bytes()
            )
        )
    return out


def machine_cpu() -> float:
    """CPU-seconds every core of this machine has been busy since boot (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def person_letters(accepted: list[Accepted]) -> list[Accepted]:
    """The first letter to each invented referrer: the acknowledgement (a person's letters go out in
    the order they were written; a referral that asks for a call also gets a call offer after it)."""
    first: dict[tuple[str, ...], Accepted] = {}
    for a in sorted(accepted, key=lambda a: a.at):
        if any(r.startswith("bench-person-") for r in a.rcpt_tos):
            first.setdefault(a.rcpt_tos, a)
    return list(first.values())


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (rjmail and its delivery child)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in _tree(int(child)))]


def _kib(pid: int, path: str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def rss(pid: int) -> int:
    """RSS in KiB of a process and its descendants (shared pages counted in each); cheap."""
    return sum(_kib(p, "status", "VmRSS:") for p in _tree(pid))


def pss(pid: int) -> int:
    """PSS in KiB of a process and its descendants: the delivery child shares most of its pages
    with rjmail copy-on-write, and PSS splits them. Costs a page-table walk per process."""
    return sum(_kib(p, "smaps_rollup", "Pss:") for p in _tree(pid))


def cpu_s(pid: int) -> float:
    """CPU-seconds a process has used so far (/proc/PID/stat utime + stime); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(
    config: Path, env: dict[str, str], profile: Path | None = None
) -> tuple[float, float, int, tuple[int, int], dict[int, float]]:
    """(start wall time, duration, exit code, peak (RSS, PSS) of the process tree in KiB, CPU-seconds
    of each process of the tree as last sampled) of one `rjmail run --once` process (under
    cProfile, writing `profile`, when given)."""
    started_wall = time.time()
    started = time.perf_counter()
    prof = ["-m", "cProfile", "-o", str(profile)] if profile else []
    sampler = os.environ.get("RJMAIL_BENCH_PYSPY")  # raw stacks of every thread, delivery child too
    spy = ["py-spy", "record", "--format", "raw", "--subprocesses", "-r", "100", "-o", sampler, "--"]
    wrap = spy if sampler else []
    peak, cpu = (0, 0), dict[int, float]()
    with (config.parent / "rjmail.log").open("wb") as logs:  # JSON logs, as in production
        proc = subprocess.Popen(
            [*wrap, sys.executable, *prof, "-m", "rjmail", "--config", str(config), "run", "--once"],
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        )
        tick = 0
        while proc.poll() is None:  # the tree's RSS every 50 ms, its PSS every second
            now = (rss(proc.pid), pss(proc.pid) if tick % 20 == 0 else 0)
            peak = (max(peak[0], now[0]), max(peak[1], now[1]))
            cpu.update((p, used) for p in _tree(proc.pid) if (used := cpu_s(p)))
            tick += 1
            time.sleep(0.05)
    return started_wall, time.perf_counter() - started, proc.returncode, peak, cpu


def relay_letters(relay: Any) -> list[Accepted]:
    """What the Postfix relay accepted, with stand-in bytes of each letter's size."""
    relay.wait_drained()
    time.sleep(0.3)  # the last delivery lines reach the log just after the queue empties
    return [Accepted(a.at, a.mail_from, a.rcpt_tos, stand_in(a.size, a.queue_id)) for a in relay.accepted()]


def stand_in(size: int, tag: str) -> bytes:
    """A plain letter of `size` bytes less the Received: header the relay added (~190)."""
    head = (
        f"From: bench@example.org\r\nTo: bench@example.test\r\nSubject: stand-in {tag}\r\n"
        f"Message-ID: <{tag}@example.org>\r\n\r\n"
    ).encode()
    body = max(0, size - 190 - len(head))
    return head + b"\r\n".join([b"x" * 76] * (body // 78) + [b""])


def ceiling(stack: Any, letters: list[Accepted], connections: int) -> float:
    """Letters/s a bare sender gets from the same SMTP server over `connections` connections."""
    chunks = [letters[i::connections] for i in range(connections)]

    def send(chunk: list[Accepted]) -> None:
        with smtplib.SMTP(stack.host, getattr(stack, "port", None) or stack.smtp_port) as smtp:
            for letter in chunk:
                smtp.sendmail(letter.mail_from, list(letter.rcpt_tos), letter.data)

    threads = [threading.Thread(target=send, args=(c,)) for c in chunks]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(letters) / (time.perf_counter() - started)


def _set_connections(config: Path, connections: int) -> None:
    """`[smtp] connections` where this version of rjmail has the setting (older ones send serially)."""
    if "connections" in (ROOT / "rjmail.toml.example").read_text().split("[smtp]", 1)[1].split("[[", 1)[0]:
        text = config.read_text().replace("[smtp]\n", f"[smtp]\nconnections = {connections}\n", 1)
        config.write_text(text)


def measure(
    n: int,
    connections: int,
    database_url: str | None,
    keep: bool,
    relay_kind: str = "sink",
    profile: Path | None = None,
    mail: str = "bench",
) -> dict[str, Any]:
    from rjmail.devtools.mailstack import MailStack

    workdir = Path(tempfile.mkdtemp(prefix="rjmail-e2e-"))
    stack = MailStack().start()
    relay = None
    try:
        for user in HUBS.values():
            stack.add_user(user)
        if relay_kind == "postfix":
            from bench.postfix_stack import PostfixRelay

            relay = PostfixRelay(stack).start()
        url = database_url or f"sqlite:///{workdir / 'rjmail.db'}"
        config = write_config(workdir, stack, url)
        if relay is not None:
            config.write_text(
                config.read_text().replace(f"port = {stack.smtp_port}\n", f"port = {relay.port}\n", 1)
            )
        _set_connections(config, connections)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        cli = [sys.executable, "-m", "rjmail", "--config", str(config)]
        # Install steps, outside the measured time: bytecode for rjmail's modules (as pip writes it
        # for an installed package) and the database schema.
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "rjmail")],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        upgrade = subprocess.run([*cli, "db", "upgrade"], env=env, capture_output=True, check=False)
        if upgrade.returncode:
            raise SystemExit(upgrade.stderr.decode())
        write = corpus_mail if mail == "corpus" else referral_mail
        stack.append_many(HUBS[HUB], [write(i, f"{HUBS[HUB]}@example.org") for i in range(n)])
        arrived = time.time()
        before, busy_before = resource.getrusage(resource.RUSAGE_CHILDREN), machine_cpu()
        start_wall, duration, code, (tree_rss, tree_pss), tree_cpu = run_once(config, env, profile)
        busy_run = machine_cpu() - busy_before
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        rjmail_cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
        rss = usage.ru_maxrss / 1024
        accepted = relay_letters(relay) if relay else read_accepted(stack.spool_dir)
        acks = person_letters(accepted)
        ack_times = sorted(a.at for a in acks)
        handled_s = (ack_times[-1] - start_wall) if ack_times else float("nan")
        letters_per_referral = len(accepted) / max(1, len(acks))
        busy_before, started = machine_cpu(), time.perf_counter()
        bare = ceiling(relay or stack, accepted, connections)
        busy_ceiling, ceiling_s = machine_cpu() - busy_before, time.perf_counter() - started
        return {
            "relay": relay_kind,
            "mail": mail,
            "n": n,
            "connections": connections,
            "exit": code,
            "run_s": duration,
            "acks": len(acks),
            "letters": len(accepted),
            "first_ack_s": ack_times[0] - start_wall if ack_times else None,
            "rate": len(acks) / handled_s,
            "p50": percentile([t - arrived for t in ack_times], 50),
            "p95": percentile([t - arrived for t in ack_times], 95),
            "rss": rss,
            "tree_rss": tree_rss / 1024,
            "tree_pss": tree_pss / 1024,
            "cpu_ms_per_referral": 1000 * (usage.ru_utime + usage.ru_stime) / max(1, n),
            # Where the machine's CPU went: rjmail itself, and everything else (the SMTP server,
            # Dovecot's LMTP, the kernel) while it ran; and the whole machine during the ceiling.
            "cores": os.cpu_count() or 1,
            "busy_share": busy_run / ((os.cpu_count() or 1) * duration),
            "rjmail_cpu_ms": 1000 * rjmail_cpu / max(1, n),
            # Sampled every 50 ms: the last ~50 ms of each process is missing (< 0.1 ms a referral).
            # In the order first seen: the process started, then its children.
            "split_cpu_ms": [1000 * used / max(1, n) for used in tree_cpu.values()],
            "rest_cpu_ms": 1000 * max(0.0, busy_run - rjmail_cpu) / max(1, n),
            "ceiling_cpu_ms": 1000 * busy_ceiling / max(1, len(accepted) / letters_per_referral),
            "ceiling_busy_share": busy_ceiling / ((os.cpu_count() or 1) * ceiling_s),
            "ceiling_letters": bare,
            "ceiling_rate": bare / letters_per_referral,
            "unique_acks": len({a.rcpt_tos for a in acks}),
        }
    finally:
        if relay is not None:
            relay.stop(remove=not keep)
        stack.stop()
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
            shutil.rmtree(stack.base_dir, ignore_errors=True)


def _bound(r: dict[str, Any]) -> str:
    """The rate every core busy would give at the CPU per referral measured in the run, and the
    rjmail CPU per referral that 0.7 of the ceiling would need with the rest of the machine unchanged."""
    cores, rest = r["cores"], r["rest_cpu_ms"]
    most = 1000 * cores / max(1e-9, r["rjmail_cpu_ms"] + rest)
    needed = 1000 * cores / (0.7 * r["ceiling_rate"]) - rest
    target = (
        f"0.7 needs rjmail <= {needed:.1f} ms per referral"
        if needed > 0
        else "0.7 is out of reach here whatever rjmail does: the rest of the machine alone is too slow"
    )
    return f"{most:.0f} referrals/s = {most / r['ceiling_rate']:.2f} of the ceiling; {target}"


def report(r: dict[str, Any]) -> bool:
    rows = [
        ("referrals waiting", f"{r['n']:,}"),
        ("rjmail run --once (process wall time)", f"{r['run_s']:.2f} s, exit {r['exit']}"),
        ("first acknowledgement accepted after start", f"{r['first_ack_s']:.2f} s"),
        ("referrals fully handled", f"{r['rate']:.1f} /s ({r['acks']} acknowledgements)"),
        ("arrival -> acknowledgement p50 / p95", f"{r['p50']:.2f} s / {r['p95']:.2f} s"),
        ("peak RSS of the rjmail process", f"{r['rss']:.0f} MiB (the larger process)"),
        (
            "peak of rjmail + its delivery child together",
            f"RSS {r['tree_rss']:.0f} MiB, PSS {r['tree_pss']:.0f} MiB (sampled every 50 ms / 1 s)",
        ),
        (
            f"ceiling: bare sender, {r['connections']} connection(s)",
            f"{r['ceiling_letters']:.1f} letters/s = {r['ceiling_rate']:.1f} referrals/s "
            f"({r['letters'] / max(1, r['acks']):.2f} messages per referral)",
        ),
        ("CPU of rjmail + db upgrade per referral", f"{r['cpu_ms_per_referral']:.1f} ms"),
        (
            "machine CPU during the run, per referral",
            f"rjmail {r['rjmail_cpu_ms']:.1f} ms + rest {r['rest_cpu_ms']:.1f} ms; "
            f"{100 * r['busy_share']:.0f} % of {r['cores']} cores busy",
        ),
        (
            "of which each rjmail process (sampled)",
            " + ".join(f"{ms:.1f} ms" for ms in r["split_cpu_ms"]) + " (run --once, then its delivery child)",
        ),
        (
            "machine CPU at the ceiling, per referral",
            f"{r['ceiling_cpu_ms']:.1f} ms; {100 * r['ceiling_busy_share']:.0f} % of {r['cores']} cores busy",
        ),
        ("rjmail / ceiling", f"{r['rate'] / r['ceiling_rate']:.2f}"),
        ("what the cores allow at these costs", _bound(r)),
    ]
    width = max(len(a) for a, _ in rows)
    server = "private Postfix relay" if r.get("relay") == "postfix" else "SMTP sink"
    print(f"rjmail end-to-end benchmark (SQLite, loopback {server}, Python {sys.version.split()[0]})")
    for a, b in rows:
        print(f"{a:<{width}}  {b}")
    return r["exit"] == 0 and r["acks"] == r["n"] and r["unique_acks"] == r["n"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--connections", type=int, default=3)
    parser.add_argument("--database-url")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--relay",
        choices=("sink", "postfix"),
        default="sink",
        help="SMTP server rjmail sends to: the mail stack's sink (default) or a "
        "private Postfix relay that answers 250 on queueing",
    )
    parser.add_argument(
        "--mail",
        choices=("bench", "corpus"),
        default="bench",
        help="the referrals: the bench's one-sentence self-referral (default), or the labelled "
        "corpus's self-referrals as people wrote them, each from a fresh sender (bench/corpusmail.py)",
    )
    parser.add_argument(
        "--profile", type=Path, help="run rjmail under cProfile and write the profile here (slows it down)"
    )
    args = parser.parse_args(argv)
    if args.relay == "postfix":
        from bench.postfix_stack import postfix_unavailable

        reason = postfix_unavailable()
        if reason:
            print(f"e2e --relay postfix skipped: {reason}", file=sys.stderr)
            return 77
    result = measure(
        args.n,
        args.connections,
        args.database_url,
        args.keep,
        args.relay,
        args.profile.resolve() if args.profile else None,
        args.mail,
    )
    ok = report(result)
    print(json.dumps({k: v for k, v in result.items()}, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
