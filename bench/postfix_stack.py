"""A private Postfix relay on loopback, in front of a MailStack's Dovecot, for benchmarks.

Production relays answer ``250`` as soon as a message is safely in their queue; the SMTP sink
of :mod:`rjmail.devtools.mailstack` answers only after it has spooled the message and
delivered it over LMTP. Sending through this relay shows what a real deployment would see.

The instance is Debian's ``postfix`` package run privately (needs root, as Postfix's master
does): its own ``config_directory``, ``queue_directory`` and ``data_directory`` in a temp dir
under /tmp, started with ``postfix -c DIR start``. The system-wide service and
``/etc/postfix/main.cf`` are never used or touched. Policy:

* SMTP on ``127.0.0.1:<free port>`` only; mail is accepted from 127.0.0.0/8 only.
* No DNS at all, and no SMTP client in ``master.cf``: nothing can leave the machine.
* Recipients ``<user>@<hub domain>`` for every user of the MailStack go over LMTP into its
  Dovecot (the same unix socket the sink uses); other hub-domain addresses are discarded,
  as the sink only spools them.
* Every other domain (the people: example.test, example.net, ...) is discarded
  (``others="discard"``, default) or kept in the local queue and never delivered
  (``others="queue"``).

Usage::

    with MailStack(users=["rj-norfolk"]) as stack, postfix_relay(stack) as relay:
        smtplib.SMTP(relay.host, relay.port).sendmail(...)
        relay.wait_drained()
        relay.deliveries()  # Counter({"lmtp": ..., "discard": ...})

``postfix_unavailable()`` says why the relay cannot run here (not installed, not root), so a
benchmark can skip with a clear message. Install with ``apt-get install -y postfix``.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Literal

from rjmail.devtools.mailstack import MailStack

# The mail stack's own process helpers: one copy of port probing and waiting for the dev stacks.
from rjmail.devtools.mailstack.procs import _free_ports, _port_open, _wait_for

__all__ = ["Accepted", "PostfixRelay", "PostfixRelayError", "postfix_relay", "postfix_unavailable"]

Others = Literal["discard", "queue"]

_POSTFIX = "/usr/sbin/postfix"
_START_TIMEOUT = 20.0
_STOP_TIMEOUT = 10.0
# Queues holding mail not yet handed to a delivery agent (deferred is listed separately).
_PENDING_QUEUES = ("maildrop", "incoming", "active")
# "postfix-rjpf/lmtp[123]: 4Xy...: to=<...>, relay=..., ..., status=sent (...)"
_STATUS_RE = re.compile(r"/(lmtp|discard|error|retry)\[\d+\]: .* status=(\w+)")
# Postfix writes no "smtp" client entry: mail for other domains goes to this transport,
# which is deferred forever in "queue" mode (defer_transports) and exists nowhere.
_NOWHERE = "nowhere"


class PostfixRelayError(RuntimeError):
    """The relay could not be prepared, started or stopped."""


def postfix_unavailable() -> str | None:
    """None if a private Postfix can run here, else the reason (for a clear skip message)."""
    if not (shutil.which("postfix") or Path(_POSTFIX).exists()):
        return "Postfix is not installed (apt-get install -y postfix)"
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        return "the 'postfix' system user is missing (reinstall: apt-get install -y postfix)"
    if os.geteuid() != 0:
        return "a private Postfix instance must be started as root (Postfix's master needs it)"
    return None


def _count_files(path: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(path))


class PostfixRelay:
    """One private Postfix instance relaying into ``stack``'s Dovecot; see the module doc."""

    host: str
    port: int
    base_dir: Path

    def __init__(
        self,
        stack: MailStack,
        hub_domain: str = "example.org",
        others: Others = "discard",
        base_dir: Path | None = None,
    ) -> None:
        reason = postfix_unavailable()
        if reason:
            raise PostfixRelayError(reason)
        if others not in ("discard", "queue"):
            raise ValueError(f"others must be 'discard' or 'queue', not {others!r}")
        self.stack = stack
        self.hub_domain = hub_domain.lower()
        self.others: Others = others
        self.host = "127.0.0.1"
        (self.port,) = _free_ports(1)
        self._own_dir = base_dir is None
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="rjpf-", dir="/tmp"))
        self.config_dir = self.base_dir / "etc"
        self.queue_dir = self.base_dir / "queue"
        self.data_dir = self.base_dir / "data"
        self.log_file = self.base_dir / "maillog"
        self._prepare()

    # ----------------------------------------------------------------- configuration

    def _prepare(self) -> None:
        """Directories with the ownership Postfix insists on, then main.cf and master.cf."""
        postfix_user = pwd.getpwnam("postfix")
        # mkdtemp makes 0700; Postfix's daemons drop to the "postfix" user.
        self.base_dir.chmod(0o755)
        self.config_dir.mkdir(mode=0o755, exist_ok=True)
        self.queue_dir.mkdir(mode=0o755, exist_ok=True)
        self.data_dir.mkdir(mode=0o700, exist_ok=True)
        os.chown(self.data_dir, postfix_user.pw_uid, postfix_user.pw_gid)
        (self.config_dir / "main.cf").write_text(self._main_cf())
        (self.config_dir / "master.cf").write_text(self._master_cf())
        self.sync_users()

    @property
    def _lmtp_socket(self) -> Path:
        return self.stack.base_dir / "run" / "lmtp"  # Dovecot's LMTP listener (mailstack)

    def _main_cf(self) -> str:
        if self.others == "queue":
            outside = f"default_transport = {_NOWHERE}\ndefer_transports = {_NOWHERE}\n"
        else:
            outside = "default_transport = discard:\n"
        return f"""\
# Generated by bench/postfix_stack.py: a private, loopback-only relay for benchmarks.
compatibility_level = 3.6
config_directory = {self.config_dir}
queue_directory = {self.queue_dir}
data_directory = {self.data_dir}
maillog_file_prefixes = {self.base_dir}
maillog_file = {self.log_file}
syslog_name = postfix-rjpf
myhostname = relay.{self.hub_domain}
mydomain = {self.hub_domain}
myorigin = $myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
local_transport = error:5.1.1 no local delivery on this relay
alias_maps =
alias_database =
relay_domains = {self.hub_domain}
relay_transport = discard:
{outside}transport_maps = texthash:{self.config_dir / "transport"}
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_client_restrictions = permit_mynetworks, reject
# No DNS anywhere: no reverse lookups of clients, no MX lookups.
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
lmtp_host_lookup = native
smtp_host_lookup = native
disable_dns_lookups = yes
biff = no
append_dot_mydomain = no
smtputf8_enable = no
# Long queue ids encode the queue file's creation time in microseconds: accepted() uses it.
enable_long_queue_ids = yes
"""

    def _master_cf(self) -> str:
        # No chroot (no jail to populate); no smtp client, no local delivery agent.
        return f"""\
# Generated by bench/postfix_stack.py
{self.host}:{self.port} inet n - n - - smtpd
pickup    unix  n - n 60    1 pickup
cleanup   unix  n - n -     0 cleanup
qmgr      unix  n - n 300   1 qmgr
rewrite   unix  - - n -     - trivial-rewrite
bounce    unix  - - n -     0 bounce
defer     unix  - - n -     0 bounce
trace     unix  - - n -     0 bounce
verify    unix  - - n -     1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -     - proxymap
showq     unix  n - n -     - showq
error     unix  - - n -     - error
retry     unix  - - n -     - error
discard   unix  - - n -     - discard
lmtp      unix  - - n -     - lmtp
anvil     unix  - - n -     1 anvil
scache    unix  - - n -     1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

    def sync_users(self) -> None:
        """Route every current MailStack user of the hub domain to Dovecot over LMTP.

        Call after ``stack.add_user`` while the relay runs (it reloads Postfix).
        """
        lmtp = f"lmtp:unix:{self._lmtp_socket}"
        lines = [f"{user}@{self.hub_domain} {lmtp}" for user in self.stack.users]
        lines.append(f"{self.hub_domain} discard:")
        (self.config_dir / "transport").write_text("\n".join(lines) + "\n")
        if self.is_running():
            self._postfix("reload")

    # ----------------------------------------------------------------- lifecycle

    def _postfix(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [shutil.which("postfix") or _POSTFIX, "-c", str(self.config_dir), *args],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )

    def _master_pid(self) -> int | None:
        try:
            pid = int((self.queue_dir / "pid" / "master.pid").read_text().split()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return None
        return pid if b"master" in cmdline and state != "Z" else None

    def is_running(self) -> bool:
        return self._master_pid() is not None

    def start(self) -> PostfixRelay:
        """Start the instance; return once its SMTP port accepts connections."""
        if self.is_running():
            return self
        result = self._postfix("start")
        if result.returncode != 0 or not _wait_for(lambda: _port_open(self.host, self.port), _START_TIMEOUT):
            self._kill_master()
            raise PostfixRelayError(
                f"Postfix did not start (exit {result.returncode}):\n{result.stdout}"
                f"{result.stderr}\n--- {self.log_file}:\n{self._log_tail()}"
            )
        return self

    def stop(self, remove: bool = True) -> None:
        """Stop the instance (verified by its port refusing connections); remove its dir."""
        if self.is_running():
            self._postfix("stop")
            pid = self._master_pid()
            if pid is not None and not _wait_for(lambda: not self.is_running(), _STOP_TIMEOUT):
                self._kill_master()
        if not _wait_for(lambda: not _port_open(self.host, self.port), _STOP_TIMEOUT):
            raise PostfixRelayError(f"relay port {self.port} still open after stopping Postfix")
        if remove and self._own_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def _kill_master(self) -> None:
        pid = self._master_pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_for(lambda: not self.is_running(), _STOP_TIMEOUT)

    def __enter__(self) -> PostfixRelay:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ----------------------------------------------------------------- observation

    def pending(self) -> int:
        """Messages accepted but not yet through the queue manager (excludes deferred)."""
        return sum(_count_files(self.queue_dir / name) for name in _PENDING_QUEUES)

    def deferred(self) -> int:
        """Messages kept in the deferred queue ("queue" mode keeps the people's mail there)."""
        return _count_files(self.queue_dir / "deferred")

    def wait_drained(self, timeout: float = 60.0) -> bool:
        """Wait until nothing accepted is still waiting for its first delivery attempt."""
        return _wait_for(lambda: self.pending() == 0, timeout, interval=0.1)

    def deliveries(self) -> collections.Counter[str]:
        """Counts of recipient outcomes from the log, e.g. ``{"lmtp:sent": 3, ...}``."""
        counts: collections.Counter[str] = collections.Counter()
        with contextlib.suppress(FileNotFoundError), self.log_file.open(errors="replace") as log:
            for line in log:
                match = _STATUS_RE.search(line)
                if match:
                    counts[f"{match.group(1)}:{match.group(2)}"] += 1
        return counts

    def accepted(self) -> list[Accepted]:
        """Messages received over SMTP, oldest first, from the log (call after wait_drained).

        ``at`` is when the queue file was created (from the long queue id), i.e. when the client
        sent MAIL FROM, a few milliseconds before the ``250`` for a small letter.
        """
        records: dict[str, dict[str, object]] = {}
        with contextlib.suppress(FileNotFoundError), self.log_file.open(errors="replace") as log:
            for line in log:
                _parse_line(line, records)
        out = [
            Accepted(queue_id, queue_id_time(queue_id), str(rec["from"]), tuple(rec["to"]), int(rec["size"]))  # type: ignore[arg-type,call-overload]
            for queue_id, rec in records.items()
            if rec.get("client") and "size" in rec
        ]
        return sorted(out, key=lambda a: a.at)

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


@dataclasses.dataclass(frozen=True)
class Accepted:
    """One message the relay accepted, as its log tells it."""

    queue_id: str
    at: float  # epoch seconds
    mail_from: str
    rcpt_tos: tuple[str, ...]
    size: int  # bytes in the queue file, with the Received: header the relay added


# Postfix's base-52 digits for long queue ids (src/util/safe_ultostr.c).
_B52 = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"
_QUEUE_LINE_RE = re.compile(r"/(\w+)\[\d+\]: ([0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{11,}): (.*)$")
_FROM_RE = re.compile(r"^from=<([^>]*)>, size=(\d+),")
_TO_RE = re.compile(r"^to=<([^>]*)>,")


def _b52(text: str) -> int:
    value = 0
    for char in text:
        value = value * 52 + _B52.index(char)
    return value


def queue_id_time(queue_id: str) -> float:
    """Creation time of a long queue id: 6 digits of seconds, 4 of microseconds (base 52)."""
    return _b52(queue_id[:6]) + _b52(queue_id[6:10]) / 1_000_000


def _parse_line(line: str, records: dict[str, dict[str, object]]) -> None:
    match = _QUEUE_LINE_RE.search(line.rstrip("\n"))
    if not match:
        return
    program, queue_id, rest = match.groups()
    rec = records.setdefault(queue_id, {"to": []})
    if program == "smtpd" and rest.startswith("client="):
        rec["client"] = True
    elif program == "qmgr" and (found := _FROM_RE.match(rest)):
        rec["from"], rec["size"] = found.group(1), int(found.group(2))
    elif (found := _TO_RE.match(rest)) and "status=" in rest:
        recipients = rec["to"]
        assert isinstance(recipients, list)
        if found.group(1) not in recipients:  # a deferred recipient is logged on every try
            recipients.append(found.group(1))


@contextlib.contextmanager
def postfix_relay(
    stack: MailStack, hub_domain: str = "example.org", others: Others = "discard"
) -> Iterator[PostfixRelay]:
    """``with postfix_relay(stack) as relay: relay.host, relay.port`` -- stopped and removed
    on exit."""
    relay = PostfixRelay(stack, hub_domain=hub_domain, others=others)
    try:
        relay.start()
    except BaseException:
        shutil.rmtree(relay.base_dir, ignore_errors=True)
        raise
    try:
        yield relay
    finally:
        relay.stop()
