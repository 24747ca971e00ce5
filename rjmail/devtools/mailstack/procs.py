"""Process, port and file helpers of the test mail stack (no state of their own)."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from rjmail.devtools.smtpsink import write_atomic

# Unix socket paths (sun_path) hold 108 bytes; Dovecot nests sockets up to ~40 bytes deep.
_MAX_BASE_DIR_BYTES = 60
_MAIL_USER = "vmail"
_APPEND_BATCH = 200
_FETCH_BATCH = 500
_START_TIMEOUT = 15.0
_STOP_TIMEOUT = 5.0
# Login names end up in passwd-file lines and mail paths: keep them boring.
_USER_RE = re.compile(r"^[a-z0-9][a-z0-9._+-]*$")
# What Dovecot's oauth2_valid_token() accepts (RFC 6750 b64token).
_TOKEN_RE = re.compile(r"^[A-Za-z0-9._~+/-]+=*$")
# Services whose default chroot needs CAP_SYS_CHROOT and a populated jail ("chroot =" on
# all of them; anvil and imap-login get it in their own, longer sections).
_CHROOTED_SERVICES = (
    "aggregator",
    "director",
    "imap-urlauth-login",
    "ipc",
    "old-stats",
    "pop3-login",
    "submission-login",
)


class MailStackError(RuntimeError):
    """The stack could not be prepared, started or stopped."""


# --------------------------------------------------------------------------- helpers


def _free_ports(count: int) -> list[int]:
    """Ask the kernel for distinct free ports (all bound at once so none repeats)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state, ppid, pgrp, session, ...)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return raw.rpartition(")")[2].split()


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie.

    Daemons are reparented to PID 1, which in a container may never reap them: a zombie
    would make os.kill(pid, 0) succeed forever.
    """
    fields = _proc_stat(pid)
    return fields is not None and fields[0] != "Z"


def _session_members(session_id: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _proc_stat(int(entry.name))
            if fields is not None and int(fields[3]) == session_id and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return b""


def _kill(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return f"({path} does not exist)"


def _write_passwd(path: Path, user: str, password: str) -> None:
    """One passwd-file line per file (see _dovecot_config for why files are per user).

    Dovecot re-reads a cached passwd-file only when its whole-second mtime or its size
    changed, so a same-size rewrite within one second gets a later mtime on purpose.
    """
    previous = path.stat().st_mtime if path.exists() else None
    write_atomic(path, f"{user}:{{PLAIN}}{password}::::::\n".encode())
    path.chmod(0o644)  # read by Dovecot's auth process (user "dovecot")
    if previous is not None and int(time.time()) <= int(previous):
        later = float(int(previous) + 1)
        os.utime(path, (later, later))


def _wait_next_second() -> None:
    """Dovecot stat()s a cached passwd-file at most once per second of its clock.

    After rewriting one, only a lookup in a later second is sure to see the change.
    """
    now = time.time()
    time.sleep(int(now) + 1.02 - now)


def _ensure_mail_user() -> tuple[int, int]:
    """uid/gid owning the mail files: Dovecot refuses uid 0, so as root use ``vmail``."""
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    try:
        entry = pwd.getpwnam(_MAIL_USER)
    except KeyError:
        result = subprocess.run(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                _MAIL_USER,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        # Exit status 9 = created meanwhile by a parallel stack: fine.
        if result.returncode not in (0, 9):
            raise MailStackError(f"useradd {_MAIL_USER} failed: {result.stderr}") from None
        entry = pwd.getpwnam(_MAIL_USER)
    return entry.pw_uid, entry.pw_gid


def _check_traversable(path: Path) -> None:
    """Dovecot's mail processes run as the mail user and must reach base_dir."""
    if os.geteuid() != 0:
        return
    for parent in [path, *path.parents]:
        if not parent.stat().st_mode & 0o001:
            raise MailStackError(
                f"{parent} is not traversable by other users (mode "
                f"{parent.stat().st_mode & 0o777:o}); put the mail stack under /tmp"
            )


def _openssl(*args: str) -> None:
    result = subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise MailStackError(f"openssl {args[0]} failed:\n{result.stderr}")


def _make_tls(tls_dir: Path) -> None:
    """A test CA and a server certificate (SAN localhost + 127.0.0.1) signed by it.

    Extensions are spelled out so strict verifiers (Python 3.13's VERIFY_X509_STRICT)
    accept the chain too. EC keys keep generation fast.
    """
    tls_dir.mkdir(mode=0o700, exist_ok=True)
    ca_key, ca_pem = tls_dir / "ca.key", tls_dir / "ca.pem"
    key, csr, pem = tls_dir / "server.key", tls_dir / "server.csr", tls_dir / "server.pem"
    ext = tls_dir / "server.ext"
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        "req",
        "-x509",
        *ec,
        "-keyout",
        str(ca_key),
        "-out",
        str(ca_pem),
        "-days",
        "3650",
        "-subj",
        "/CN=rjmail mailstack test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    _openssl("req", "-new", *ec, "-keyout", str(key), "-out", str(csr), "-subj", "/CN=localhost")
    ext.write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(ca_pem),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-out",
        str(pem),
        "-days",
        "3650",
        "-extfile",
        str(ext),
    )
    ca_pem.chmod(0o644)


# --------------------------------------------------------------------------- the stack
