"""`rjmail run` as systemd runs it: a subprocess with NOTIFY_SOCKET and WATCHDOG_USEC, IMAP IDLE
against the real Dovecot, SIGTERM, an IMAP outage; plus the shipped systemd unit itself."""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import referral, run, unique, write_config

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "contrib" / "systemd" / "rjmail.service"


# ---------------------------------------------------------------------------- helpers


def daemon_config(
    tmp: Path, stack: Any, db_url: str, hubs: list[dict[str, Any]], *, poll: int, idle: bool, **kw: Any
) -> Path:
    """write_config with the daemon's poll interval and IDLE switch, migrated."""
    config = write_config(tmp, stack, db_url, hubs, **kw)
    text = config.read_text().replace("poll_interval_seconds = 2", f"poll_interval_seconds = {poll}", 1)
    text = text.replace("idle = false", f"idle = {'true' if idle else 'false'}", 1)
    config.write_text(text)
    code, _ = run(config, "db", "upgrade")
    assert code == 0
    return config


class DaemonProcess:
    """`rjmail run` in a subprocess; its JSON log lines go to a file the test reads."""

    def __init__(self, config: Path, log_file: Path, env: dict[str, str] | None = None) -> None:
        self.log_file = log_file
        full_env = dict(os.environ)
        full_env.update({"PYTHONUNBUFFERED": "1"})
        full_env.pop("NOTIFY_SOCKET", None)
        full_env.pop("WATCHDOG_USEC", None)
        full_env.update(env or {})
        with log_file.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "rjmail", "--config", str(config), "run"],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=full_env,
                cwd=ROOT,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def events(self) -> list[dict[str, Any]]:
        found = []
        for line in self.log_file.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except ValueError:
                    continue
        return found

    def has(self, event: str, **match: Any) -> bool:
        return any(
            e.get("event") == event and all(e.get(k) == v for k, v in match.items()) for e in self.events()
        )

    def wait_for(self, event: str, timeout: float, **match: Any) -> None:
        if not wait_until(
            lambda: self.has(event, **match) or self.proc.poll() is not None, timeout
        ) or not self.has(event, **match):
            raise AssertionError(f"no {event} {match} within {timeout}s; log:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def terminate(self, timeout: float = 20) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def inbox_count(stack: Any, user: str) -> int:
    with stack.imap(user) as client:
        return int(client.folder_status("INBOX", [b"MESSAGES"])[b"MESSAGES"])


def person(stack: Any) -> str:
    user = unique("person-")
    stack.add_user(user)
    return user


class NotifySocket:
    """What systemd's side of NOTIFY_SOCKET sees: an abstract unix datagram socket."""

    def __init__(self) -> None:
        self.name = f"@rjmail-test-{uuid.uuid4().hex}"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + self.name[1:])
        self.sock.settimeout(0.2)
        self.messages: list[str] = []

    def drain(self) -> list[str]:
        while True:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                return self.messages

    def lines(self) -> list[str]:
        self.drain()
        return [line for m in self.messages for line in m.split("\n")]

    def wait_for(self, line: str, timeout: float, count: int = 1) -> bool:
        return wait_until(lambda: sum(1 for seen in self.lines() if seen == line) >= count, timeout, 0)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def notify() -> Iterator[NotifySocket]:
    sock = NotifySocket()
    try:
        yield sock
    finally:
        sock.close()


@pytest.fixture(scope="module")
def own_stack() -> Iterator[Any]:
    """A private stack: these tests stop and start Dovecot, which must not disturb other tests."""
    from rjmail.devtools.mailstack import MailStack

    stack = MailStack().start()
    try:
        yield stack
    finally:
        stack.stop()


def one_hub(stack: Any) -> list[dict[str, Any]]:
    hub = {
        "code": "NOR",
        "name": "Norfolk RJ Hub",
        "user": unique("rj-nor-"),
        "signposting": "norfolk",
        "notify": unique("notify-nor-"),
        "advisors": [f"{unique('adv-nor-')}@example.org"],
    }
    for user in (hub["user"], hub["notify"], hub["advisors"][0].split("@")[0]):
        stack.add_user(user)
    return [hub]


# ---------------------------------------------------------------------------- systemd notify


def test_ready_status_watchdog_and_clean_stop(tmp_path, mailstack, notify):
    """Under systemd: READY=1, STATUS= lines, WATCHDOG=1 at half WatchdogSec; SIGTERM: STOPPING=1,
    exit 0."""
    hubs = one_hub(mailstack)
    config = daemon_config(tmp_path, mailstack, f"sqlite:///{tmp_path / 'rj.db'}", hubs, poll=60, idle=True)
    daemon = DaemonProcess(
        config, tmp_path / "daemon.log", {"NOTIFY_SOCKET": notify.name, "WATCHDOG_USEC": "2000000"}
    )
    try:
        assert notify.wait_for("READY=1", 20), daemon.tail()
        assert notify.wait_for("WATCHDOG=1", 6, count=3), (notify.lines(), daemon.tail())
        status = [line for line in notify.lines() if line.startswith("STATUS=")]
        assert any("leading NOR" in s for s in status), status
        started = time.monotonic()
        assert daemon.terminate(timeout=15) == 0
        assert time.monotonic() - started < 10
        assert "STOPPING=1" in notify.lines()
        assert daemon.has("daemon_stopped")
    finally:
        daemon.kill()


def test_ready_even_when_imap_is_down_then_recovers(tmp_path, own_stack, notify):
    """READY=1 comes from config + database checks, not from an IMAP login: an IMAP outage must not
    fail the start (restart storm). When Dovecot comes back, IDLE reconnects and mail is answered."""
    hubs = one_hub(own_stack)
    config = daemon_config(tmp_path, own_stack, f"sqlite:///{tmp_path / 'rj.db'}", hubs, poll=60, idle=True)
    own_stack.stop_imap()
    daemon = DaemonProcess(
        config, tmp_path / "daemon.log", {"NOTIFY_SOCKET": notify.name, "WATCHDOG_USEC": "2000000"}
    )
    try:
        assert notify.wait_for("READY=1", 20), daemon.tail()
        daemon.wait_for("poll_failed", 20)
        assert notify.wait_for("WATCHDOG=1", 6, count=2)  # a failing IMAP server is not a wedged daemon
        assert any("failing NOR" in line for line in notify.lines() if line.startswith("STATUS="))
        own_stack.start_imap()
        daemon.wait_for("idle_started", 40)  # backoff with jitter, well before the 60 s poll
        who = person(own_stack)
        own_stack.append(hubs[0]["user"], referral(f"{who}@example.test", f"{hubs[0]['user']}@example.org"))
        assert wait_until(lambda: inbox_count(own_stack, who) == 1, 10), daemon.tail()
        assert daemon.terminate() == 0
    finally:
        own_stack.start_imap()
        daemon.kill()


# ---------------------------------------------------------------------------- IDLE


def test_idle_answers_within_seconds_while_polling_is_slow(tmp_path, mailstack):
    """With poll_interval_seconds = 60, each acknowledgement still arrives within 5 s: IDLE at work."""
    hubs = one_hub(mailstack)
    config = daemon_config(tmp_path, mailstack, f"sqlite:///{tmp_path / 'rj.db'}", hubs, poll=60, idle=True)
    daemon = DaemonProcess(config, tmp_path / "daemon.log")
    try:
        daemon.wait_for("idle_started", 20)
        latencies = []
        for _ in range(5):
            who = person(mailstack)
            started = time.monotonic()
            address = f"{hubs[0]['user']}@example.org"
            mailstack.append(hubs[0]["user"], referral(f"{who}@example.test", address))
            assert wait_until(lambda w=who: inbox_count(mailstack, w) >= 1, 5, 0.02), daemon.tail()
            latencies.append(time.monotonic() - started)
        assert max(latencies) < 5, latencies
        assert daemon.terminate() == 0
    finally:
        daemon.kill()


def test_idle_reconnects_after_the_server_drops_the_connection(tmp_path, own_stack):
    """Dovecot restarted under an IDLE connection (EOF): the watcher reconnects with backoff instead
    of spinning, and new mail is again answered long before the next scheduled poll."""
    hubs = one_hub(own_stack)
    config = daemon_config(tmp_path, own_stack, f"sqlite:///{tmp_path / 'rj.db'}", hubs, poll=60, idle=True)
    daemon = DaemonProcess(config, tmp_path / "daemon.log")
    try:
        daemon.wait_for("idle_started", 20)
        cpu_before = _cpu_seconds(daemon.pid)
        own_stack.stop_imap()
        daemon.wait_for("idle_connection_lost", 10)
        time.sleep(3)
        assert _cpu_seconds(daemon.pid) - cpu_before < 1.5  # no busy loop on the dead socket
        own_stack.start_imap()
        assert wait_until(lambda: sum(e["event"] == "idle_started" for e in daemon.events()) >= 2, 30), (
            daemon.tail()
        )
        who = person(own_stack)
        own_stack.append(hubs[0]["user"], referral(f"{who}@example.test", f"{hubs[0]['user']}@example.org"))
        assert wait_until(lambda: inbox_count(own_stack, who) == 1, 8), daemon.tail()
        assert daemon.terminate() == 0
    finally:
        own_stack.start_imap()
        daemon.kill()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------- the unit file


class _Repeated(dict):  # type: ignore[type-arg]
    """Keys systemd allows several times (LoadCredential=, SystemCallFilter=) keep every value,
    joined by newlines (configparser stores values as lists while it parses)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(value, list) and isinstance(self.get(key), list):
            self[key].extend(value)
        else:
            super().__setitem__(key, value)


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(
        strict=False, interpolation=None, delimiters=("=",), dict_type=_Repeated
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT)
    return parser


def test_unit_file_has_the_hardening_and_notify_settings():
    unit = _unit()
    service = unit["Service"]
    expected = {
        "Type": "notify",
        "NotifyAccess": "main",
        "Restart": "on-failure",
        "DynamicUser": "yes",
        "StateDirectory": "rjmail",
        "UMask": "0077",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "PrivateDevices": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectControlGroups": "yes",
        "RestrictSUIDSGID": "yes",
        "LockPersonality": "yes",
        "SystemCallArchitectures": "native",
        "RestrictNamespaces": "yes",
        "RestrictRealtime": "yes",
        "CapabilityBoundingSet": "",
    }
    for key, value in expected.items():
        assert service.get(key) == value, key
    assert service["ExecStartPre"].endswith("rjmail db upgrade")
    assert service["ExecStart"].endswith("rjmail run")
    assert int(service["WatchdogSec"]) >= 60
    assert service["MemoryMax"]
    assert len(service["LoadCredential"].splitlines()) >= 2
    assert "@system-service" in service["SystemCallFilter"].splitlines()
    assert "AF_UNIX" in service["RestrictAddressFamilies"]
    assert not any("PASSWORD" in v.upper() for k, v in service.items() if k == "Environment")
    assert unit["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_unit_file_passes_systemd_analyze_verify(tmp_path):
    # verify checks that ExecStart= binaries exist: point them at this venv's rjmail.
    rjmail = Path(sys.executable).with_name("rjmail")
    assert rjmail.exists()
    text = UNIT.read_text().replace("/opt/rjmail/venv/bin/rjmail", str(rjmail))
    copy = tmp_path / "rjmail.service"
    copy.write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"},
    )
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "rjmail.service" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    level = re.search(r"Overall exposure level for rjmail.service: ([0-9.]+)", security.stdout)
    if level is not None:  # older systemd-analyze has no --offline
        assert float(level.group(1)) <= 2.0, security.stdout
