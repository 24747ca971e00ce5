"""A real, private mail stack on loopback for tests, demos and benchmarks.

* IMAP: a private Dovecot 2.3 instance from a config generated into ``base_dir`` (plain IMAP
  with STARTTLS, implicit-TLS IMAPS, LMTP on a unix socket, passwd-file users).
* SMTP: :mod:`rjmail.devtools.smtpsink` in its own process (plain + STARTTLS, implicit TLS),
  which spools every accepted message and delivers local recipients over LMTP before it
  answers ``250``.
* TLS: a per-stack test CA (``ca_file``) signs the server certificate for ``localhost`` and
  ``127.0.0.1``; clients verifying against the system CAs are rejected, as they should be.

Usage::

    with MailStack(users=["rj-norfolk"]) as stack:
        smtplib.SMTP(stack.host, stack.smtp_port).sendmail(...)
        assert stack.fetch_all("rj-norfolk")

See ``/work/shared/MAILSTACK.md`` for the reasoning behind the Dovecot settings.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import ClassVar

from imapclient import IMAPClient

from rjmail.devtools.smtpsink import SinkConfig, SpooledMessage, read_spool, write_atomic

__all__ = ["MailStack", "MailStackError", "SpooledMessage"]

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
    "aggregator", "director", "imap-urlauth-login", "ipc", "old-stats", "pop3-login",
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
            ["useradd", "--system", "--user-group", "--no-create-home",
             "--shell", "/usr/sbin/nologin", _MAIL_USER],
            capture_output=True, text=True, check=False,
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
    _openssl("req", "-x509", *ec, "-keyout", str(ca_key), "-out", str(ca_pem), "-days", "3650",
             "-subj", "/CN=rjmail mailstack test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _openssl("req", "-new", *ec, "-keyout", str(key), "-out", str(csr), "-subj", "/CN=localhost")
    ext.write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
    )
    _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca_pem), "-CAkey", str(ca_key),
             "-CAcreateserial", "-out", str(pem), "-days", "3650", "-extfile", str(ext))
    ca_pem.chmod(0o644)


# --------------------------------------------------------------------------- the stack


class MailStack:
    """Private Dovecot + SMTP sink on 127.0.0.1, all state under ``base_dir``.

    Ports are chosen at construction and kept across stop/start, so outage tests can
    reconnect. ``load(base_dir)`` re-attaches to a stack started elsewhere (scripts/mailstack).

    SMTP sink policy: AUTH is optional and any credentials work, until ``set_smtp_auth`` or
    ``set_smtp_xoauth2_token`` make it required (``reset_smtp_auth`` undoes both). Every
    accepted message is spooled; recipients whose local part is a user also get it in their
    INBOX before the ``250``. If Dovecot is down, such messages get ``451`` and are not
    spooled, so ``spooled()`` is exactly what clients saw accepted.
    """

    # Same for every user: a throwaway password of a loopback-only test server.
    PASSWORD: ClassVar[str] = "testpass"  # noqa: S105

    host: str
    imap_port: int
    imaps_port: int
    smtp_port: int
    smtps_port: int
    ca_file: Path
    spool_dir: Path
    base_dir: Path

    def __init__(self, base_dir: Path | None = None, users: Iterable[str] = ()) -> None:
        if base_dir is None:
            base_dir = Path(tempfile.mkdtemp(prefix="rjms-", dir="/tmp"))
        self._set_paths(Path(base_dir).absolute())
        self.host = "127.0.0.1"
        self.imap_port, self.imaps_port, self.smtp_port, self.smtps_port = _free_ports(4)
        self._prepare()
        for user in users:
            self.add_user(user)

    @classmethod
    def load(cls, base_dir: Path | str) -> MailStack:
        """Re-attach to a stack prepared (and possibly started) by another process."""
        stack = cls.__new__(cls)
        stack._set_paths(Path(base_dir).absolute())
        try:
            state = json.loads(stack._state_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MailStackError(f"no mail stack in {base_dir} (missing stack.json)") from None
        stack.host = state["host"]
        stack.imap_port, stack.imaps_port = state["imap_port"], state["imaps_port"]
        stack.smtp_port, stack.smtps_port = state["smtp_port"], state["smtps_port"]
        stack._uid, stack._gid = state["uid"], state["gid"]
        return stack

    # ----------------------------------------------------------------- layout

    def _set_paths(self, base_dir: Path) -> None:
        if len(os.fsencode(base_dir)) > _MAX_BASE_DIR_BYTES:
            raise MailStackError(
                f"base_dir {base_dir} is too long for unix socket paths; use a short /tmp path"
            )
        self.base_dir = base_dir
        self.ca_file = base_dir / "tls" / "ca.pem"
        self.spool_dir = base_dir / "spool"
        self._cert_file = base_dir / "tls" / "server.pem"
        self._key_file = base_dir / "tls" / "server.key"
        self._state_file = base_dir / "stack.json"
        self._users_dir = base_dir / "users"  # one passwd-file per user
        self._xoauth2_dir = base_dir / "xoauth2"  # one passwd-file per user, token as password
        self._mail_dir = base_dir / "mail"
        self._run_dir = base_dir / "run"  # Dovecot's base_dir: sockets + master.pid
        self._dovecot_conf = base_dir / "dovecot.conf"
        self._dovecot_log = base_dir / "dovecot.log"
        self._dovecot_out = base_dir / "dovecot.out"
        self._smtp_conf = base_dir / "smtp.json"
        self._smtp_pid = base_dir / "smtp.pid"
        self._smtp_log = base_dir / "smtp.log"
        self._imap_token_file = base_dir / "imap-xoauth2.token"
        self._smtp_proc: subprocess.Popen[bytes] | None = None

    def _prepare(self) -> None:
        """Create everything on disk once; start() then only launches processes."""
        self.base_dir.mkdir(parents=True, exist_ok=True)
        # mkdtemp makes 0700; Dovecot's mail processes (as vmail) must traverse it.
        self.base_dir.chmod(0o755)
        _check_traversable(self.base_dir)
        self._uid, self._gid = _ensure_mail_user()
        self._mail_dir.mkdir(mode=0o700, exist_ok=True)
        os.chown(self._mail_dir, self._uid, self._gid)
        self.spool_dir.mkdir(exist_ok=True)
        (self.base_dir / "state").mkdir(exist_ok=True)
        if not self.ca_file.exists():
            _make_tls(self.base_dir / "tls")
        for passwd_dir in (self._users_dir, self._xoauth2_dir):
            passwd_dir.mkdir(mode=0o755, exist_ok=True)
        self._dovecot_conf.write_text(self._dovecot_config())
        self._write_smtp_config()
        self._save_state()

    def _save_state(self) -> None:
        state = {
            "host": self.host, "imap_port": self.imap_port, "imaps_port": self.imaps_port,
            "smtp_port": self.smtp_port, "smtps_port": self.smtps_port,
            "ca_file": str(self.ca_file), "spool_dir": str(self.spool_dir),
            "base_dir": str(self.base_dir), "uid": self._uid, "gid": self._gid,
        }
        write_atomic(self._state_file, json.dumps(state, indent=2).encode())

    def describe(self) -> dict[str, object]:
        """What a client needs to connect (the CLI prints this)."""
        return {
            "host": self.host, "imap_port": self.imap_port, "imaps_port": self.imaps_port,
            "smtp_port": self.smtp_port, "smtps_port": self.smtps_port,
            "ca_file": str(self.ca_file), "spool_dir": str(self.spool_dir),
            "base_dir": str(self.base_dir), "users": list(self.users),
            "password": self.PASSWORD,
        }

    # ----------------------------------------------------------------- dovecot config

    def _dovecot_config(self) -> str:
        return "\n".join([self._config_core(), self._config_auth(), self._config_mail(),
                          self._config_services()])

    def _config_core(self) -> str:
        internal = ""
        if os.geteuid() != 0:
            # Not root: every internal/login process runs as us (see MAILSTACK.md).
            me = pwd.getpwuid(os.getuid()).pw_name
            internal = (f"default_internal_user = {me}\ndefault_internal_group = {me}\n"
                        f"default_login_user = {me}\n"
                        "service auth-worker {\n  user = $default_internal_user\n}\n")
        return f"""\
# Generated by rjmail.devtools.mailstack: a private Dovecot on loopback for tests.
base_dir = {self._run_dir}
state_dir = {self.base_dir / "state"}
log_path = {self._dovecot_log}
instance_name = rjmail-{self.base_dir.name}
listen = 127.0.0.1
protocols = imap lmtp
{internal}
ssl = yes
ssl_cert = <{self._cert_file}
ssl_key = <{self._key_file}
ssl_min_protocol = TLSv1.2
"""

    def _config_auth(self) -> str:
        return f"""\
# Loopback only: plaintext logins are fine and tests use them.
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_username_format = %Ln
# Otherwise one wrong-password test slows every later login from 127.0.0.1 by 2-15 s.
auth_failure_delay = 0 secs

# Dovecot answers failed logins on a 0.5 s tick even with auth_failure_delay = 0, unless
# the request carries "nodelay". This passdb only adds that field (noauthenticate: it
# never decides anything) and the fields of such a "next" result survive later failures.
passdb {{
  driver = static
  args = nopassword=y noauthenticate=y nodelay=y
  result_success = continue
}}
# One passwd-file per user (%n cannot contain "/": auth_username_chars): Dovecot stat()s
# a cached file at most once a second, but never caches a missing one, so a user added
# while running can log in and receive mail at once.
passdb {{
  driver = passwd-file
  args = {self._users_dir}/%n
  mechanisms = plain login
}}
# Fake Microsoft-365 XOAUTH2: Dovecot 2.3 verifies the bearer token like a password, so
# per-user files holding the token are a complete local "token introspection".
passdb {{
  driver = passwd-file
  args = {self._xoauth2_dir}/%n
  mechanisms = xoauth2
}}
userdb {{
  driver = passwd-file
  args = {self._users_dir}/%n
  override_fields = uid={self._uid} gid={self._gid} home={self._mail_dir}/%n
}}
# Dovecot refuses mail uids below first_valid_uid (500); vmail is a system user.
first_valid_uid = {self._uid}
first_valid_gid = {self._gid}
"""

    def _config_mail(self) -> str:
        folders = "".join(
            f"  mailbox {name} {{\n    special_use = \\{name}\n    auto = subscribe\n  }}\n"
            for name in ("Sent", "Drafts", "Trash")
        )
        return f"""\
mail_location = maildir:~/Maildir
mailbox_idle_check_interval = 1 secs
namespace inbox {{
  inbox = yes
{folders}}}
"""

    def _config_services(self) -> str:
        chroots = "".join(f"service {name} {{\n  chroot =\n}}\n" for name in _CHROOTED_SERVICES)
        return f"""\
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0666
  }}
}}
service anvil {{
  chroot =
  # No auth penalty: a wrong-password test must not slow down the tests after it.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
{chroots}"""

    # ----------------------------------------------------------------- users / auth

    @property
    def users(self) -> tuple[str, ...]:
        """Logins known to Dovecot, sorted."""
        return tuple(sorted(p.name for p in self._users_dir.iterdir()
                            if not p.name.startswith(".")))

    def add_user(self, name: str) -> None:
        """Add a login (local part); works while running, Dovecot re-reads the file."""
        name = name.lower()  # auth_username_format = %Ln lowercases logins
        if not _USER_RE.match(name):
            raise ValueError(f"unsupported user name {name!r}")
        if name in self.users:
            return
        # Token file first: the user must not exist yet without their XOAUTH2 entry.
        token = self._imap_token()
        if token:
            _write_passwd(self._xoauth2_dir / name, name, token)
        _write_passwd(self._users_dir / name, name, self.PASSWORD)

    def _imap_token(self) -> str:
        try:
            return self._imap_token_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""

    def set_imap_xoauth2_token(self, token: str) -> None:
        """AUTHENTICATE XOAUTH2 with exactly this bearer token succeeds for every user."""
        if not _TOKEN_RE.match(token):
            raise ValueError("token must be an RFC 6750 b64token (what Dovecot accepts)")
        replacing = bool(self._imap_token()) and token != self._imap_token()
        # Kept in a file so add_user() from another process (load()) extends it too.
        write_atomic(self._imap_token_file, token.encode())
        for user in self.users:
            _write_passwd(self._xoauth2_dir / user, user, token)
        if replacing and self._dovecot_running():
            # Otherwise the old token could still work for up to a second.
            _wait_next_second()

    def set_smtp_auth(self, username: str, password: str) -> None:
        """From the next connection on, the SMTP sink requires AUTH with these credentials."""
        self._update_smtp_config(auth={"username": username, "password": password})

    def set_smtp_xoauth2_token(self, token: str) -> None:
        """From the next connection on, SMTP AUTH XOAUTH2 accepts exactly this token.

        Like Microsoft 365 with basic auth disabled, AUTH becomes required and PLAIN/LOGIN
        fail, unless set_smtp_auth() credentials are also set (then those work too).
        """
        self._update_smtp_config(xoauth2_token=token)

    def reset_smtp_auth(self) -> None:
        """Back to the default: AUTH optional, any credentials accepted, no XOAUTH2."""
        self._update_smtp_config(auth=None, xoauth2_token=None)

    # ----------------------------------------------------------------- smtp config

    def _load_smtp_config(self) -> dict[str, object]:
        config: dict[str, object] = json.loads(self._smtp_conf.read_text(encoding="utf-8"))
        return config

    def _write_smtp_config(self) -> None:
        """The sink's settings, with the default auth policy (optional, anything goes)."""
        config: SinkConfig = {
            "host": self.host, "smtp_port": self.smtp_port, "smtps_port": self.smtps_port,
            "cert_file": str(self._cert_file), "key_file": str(self._key_file),
            "spool_dir": str(self.spool_dir), "users_dir": str(self._users_dir),
            "lmtp_socket": str(self._run_dir / "lmtp"), "pid_file": str(self._smtp_pid),
            "auth": None, "xoauth2_token": None,
        }
        write_atomic(self._smtp_conf, json.dumps(config, indent=2).encode())

    def _update_smtp_config(self, **changes: object) -> None:
        config = self._load_smtp_config()
        config.update(changes)
        write_atomic(self._smtp_conf, json.dumps(config, indent=2).encode())

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> MailStack:
        """Start Dovecot and the SMTP sink; return once every port accepts connections."""
        self.start_imap()
        try:
            self.start_smtp()
        except BaseException:
            self.stop_imap()
            raise
        # Daemons outlive us: a test run that dies on an exception must not leak them.
        atexit.register(self._stop_at_exit)
        return self

    def _stop_at_exit(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()

    def stop(self) -> None:
        """Stop both servers; verified by every port refusing connections."""
        atexit.unregister(self._stop_at_exit)
        errors = []
        for stopper in (self.stop_smtp, self.stop_imap):
            try:
                stopper()
            except MailStackError as exc:
                errors.append(str(exc))
        if errors:
            raise MailStackError("; ".join(errors))

    def __enter__(self) -> MailStack:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ----------------------------------------------------------------- dovecot process

    @property
    def _dovecot_pid_file(self) -> Path:
        return self._run_dir / "master.pid"

    def start_imap(self) -> None:
        """Start the private Dovecot (same ports as before); no-op if it is running."""
        if self._dovecot_running():
            return
        dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
        doveconf = shutil.which("doveconf") or "/usr/bin/doveconf"
        self._dovecot_conf.write_text(self._dovecot_config())
        check = subprocess.run([doveconf, "-c", str(self._dovecot_conf), "-n"],
                               capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise MailStackError(f"Dovecot rejected {self._dovecot_conf}:\n{check.stderr}")
        # Dovecot daemonizes; stdio to a file, or a caller reading our pipes would hang.
        with self._dovecot_out.open("ab") as out:
            result = subprocess.run([dovecot, "-c", str(self._dovecot_conf)],
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                    close_fds=True, check=False, timeout=30)
        ports = (self.imap_port, self.imaps_port)
        ready = result.returncode == 0 and _wait_for(
            lambda: self._lmtp_ready() and all(_port_open(self.host, p) for p in ports),
            _START_TIMEOUT)
        if not ready:
            self._kill_dovecot()
            raise MailStackError(
                f"Dovecot did not start (exit {result.returncode}).\n"
                f"--- {self._dovecot_out}:\n{_tail(self._dovecot_out)}\n"
                f"--- {self._dovecot_log}:\n{_tail(self._dovecot_log)}"
            )

    def _lmtp_ready(self) -> bool:
        return (self._run_dir / "lmtp").exists()

    def stop_imap(self) -> None:
        """TERM the Dovecot master, then kill whatever is left of its process session."""
        self._kill_dovecot()
        ports = (self.imap_port, self.imaps_port)
        if not _wait_for(lambda: not any(_port_open(self.host, p) for p in ports),
                         _STOP_TIMEOUT):
            raise MailStackError(f"IMAP ports {ports} still open after stopping Dovecot")

    def _dovecot_pid(self) -> int | None:
        """The running master's pid; a stale pidfile's pid may belong to someone else."""
        pid = _read_pid(self._dovecot_pid_file)
        if pid is None or not _alive(pid) or b"dovecot" not in _cmdline(pid):
            return None
        return pid

    def _kill_dovecot(self) -> None:
        pid = self._dovecot_pid()
        if pid is None:
            return
        _kill(pid, signal.SIGTERM)
        _wait_for(lambda: not _alive(pid), _STOP_TIMEOUT)
        # Dovecot runs in its own session (setsid): imap processes with clients in IDLE
        # would linger ~10 s after the master is gone, so kill the rest of the session.
        for member in _session_members(pid):
            _kill(member, signal.SIGKILL)
        _wait_for(lambda: not _session_members(pid), _STOP_TIMEOUT)  # SIGKILL is async
        if _alive(pid):
            raise MailStackError(f"Dovecot master {pid} survived SIGTERM and SIGKILL")
        with contextlib.suppress(FileNotFoundError):
            self._dovecot_pid_file.unlink()

    # ----------------------------------------------------------------- smtp process

    def start_smtp(self) -> None:
        """Start the SMTP sink process (same ports as before); no-op if it is running."""
        if self._smtp_pid_alive():
            return
        self._smtp_pid.unlink(missing_ok=True)
        env = dict(os.environ)
        # The sink imports rjmail, which need not be installed in the interpreter's path.
        repo_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [repo_root, env.get("PYTHONPATH")]))
        with self._smtp_log.open("ab") as log:
            self._smtp_proc = subprocess.Popen(
                [sys.executable, "-m", "rjmail.devtools.smtpsink", "--config",
                 str(self._smtp_conf)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                close_fds=True, start_new_session=True,  # our signals must not reach it
            )
        proc = self._smtp_proc
        ready = _wait_for(lambda: proc.poll() is not None or self._smtp_pid.exists(),
                          _START_TIMEOUT)
        if not ready or proc.poll() is not None:
            self._stop_smtp_process()
            raise MailStackError(f"SMTP sink did not start.\n--- {self._smtp_log}:\n"
                                 f"{_tail(self._smtp_log)}")

    def _sink_pid(self) -> int | None:
        """The running sink's pid; a stale pidfile's pid may belong to someone else."""
        if self._smtp_proc is not None and self._smtp_proc.poll() is None:
            return self._smtp_proc.pid
        pid = _read_pid(self._smtp_pid)
        if pid is None or not _alive(pid) or b"rjmail.devtools.smtpsink" not in _cmdline(pid):
            return None
        return pid

    def _smtp_pid_alive(self) -> bool:
        return self._sink_pid() is not None

    def stop_smtp(self) -> None:
        """SIGTERM the SMTP sink and wait until its ports refuse connections."""
        self._stop_smtp_process()
        ports = (self.smtp_port, self.smtps_port)
        if not _wait_for(lambda: not any(_port_open(self.host, p) for p in ports),
                         _STOP_TIMEOUT):
            raise MailStackError(f"SMTP ports {ports} still open after stopping the sink")

    def _stop_smtp_process(self) -> None:
        pid = self._sink_pid()
        if pid is not None:
            _kill(pid, signal.SIGTERM)
            if not _wait_for(lambda: not _alive(pid), _STOP_TIMEOUT):
                _kill(pid, signal.SIGKILL)
                _wait_for(lambda: not _alive(pid), _STOP_TIMEOUT)
        if self._smtp_proc is not None:
            self._smtp_proc.wait(timeout=_STOP_TIMEOUT)  # reap our child
            self._smtp_proc = None
        self._smtp_pid.unlink(missing_ok=True)

    def detach(self) -> None:
        """Forget our handle on the sink so this process can exit and leave it running.

        stop() still works later, here or via load(), through the sink's pidfile.
        """
        atexit.unregister(self._stop_at_exit)
        if self._smtp_proc is not None:
            self._smtp_proc.returncode = 0  # silences Popen's "still running" warning
            self._smtp_proc = None

    def _dovecot_running(self) -> bool:
        return self._dovecot_pid() is not None

    def is_running(self) -> bool:
        return self._dovecot_running() or self._smtp_pid_alive()

    # ----------------------------------------------------------------- IMAP helpers

    @contextlib.contextmanager
    def imap(self, user: str) -> Iterator[IMAPClient]:
        """A logged-in plain-IMAP connection as ``user``."""
        client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=30)
        try:
            client.login(user, self.PASSWORD)
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.logout()

    def append(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        """IMAP APPEND as ``user`` (the folder is created if missing)."""
        self.append_many(user, [raw], folder)

    def append_many(self, user: str, raws: Sequence[bytes], folder: str = "INBOX") -> None:
        """Seed a mailbox quickly: MULTIAPPEND in batches (one APPEND each slows down)."""
        with self.imap(user) as client:
            _ensure_folder(client, folder)
            multi = b"MULTIAPPEND" in client.capabilities()
            for start in range(0, len(raws), _APPEND_BATCH):
                batch = raws[start:start + _APPEND_BATCH]
                if multi:
                    client.multiappend(folder, list(batch))
                else:
                    for raw in batch:
                        client.append(folder, raw)

    def fetch_all(self, user: str, folder: str = "INBOX") -> list[bytes]:
        """Every message's raw bytes in UID order; BODY.PEEK[] leaves \\Seen alone."""
        with self.imap(user) as client:
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search("ALL"))
            messages: list[bytes] = []
            for start in range(0, len(uids), _FETCH_BATCH):
                batch = uids[start:start + _FETCH_BATCH]
                response = client.fetch(batch, ["BODY.PEEK[]"])
                messages.extend(bytes(response[uid][b"BODY[]"]) for uid in batch)
            return messages

    def imap_settings(self, user: str) -> dict[str, object]:
        """Plain-IMAP connection settings for ``user``, in the shape tests pass around."""
        return {"host": self.host, "port": self.imap_port, "security": "none",
                "username": user, "password": self.PASSWORD}

    # ----------------------------------------------------------------- spool

    def spooled(self) -> list[SpooledMessage]:
        """Every message the SMTP sink accepted, in order of acceptance."""
        return read_spool(self.spool_dir)

    def clear_spool(self) -> None:
        """Forget everything spooled so far (the sink's numbering carries on)."""
        for entry in self.spool_dir.glob("[0-9]*"):
            entry.unlink(missing_ok=True)


def _ensure_folder(client: IMAPClient, folder: str) -> None:
    if folder.upper() != "INBOX" and not client.folder_exists(folder):
        client.create_folder(folder)
