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
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from rjmail.devtools.mailstack.access import MailboxAccess
from rjmail.devtools.mailstack.accounts import Accounts
from rjmail.devtools.mailstack.dovecot_conf import DovecotConfig
from rjmail.devtools.mailstack.procs import (
    _START_TIMEOUT,
    _STOP_TIMEOUT,
    MailStackError,
    _alive,
    _check_traversable,
    _cmdline,
    _ensure_mail_user,
    _free_ports,
    _kill,
    _make_tls,
    _port_open,
    _read_pid,
    _session_members,
    _tail,
    _wait_for,
)


class MailStack(DovecotConfig, Accounts, MailboxAccess):
    """Private Dovecot + SMTP sink on 127.0.0.1, all state under ``base_dir``.

    Ports are chosen at construction and kept across stop/start, so outage tests can
    reconnect. ``load(base_dir)`` re-attaches to a stack started elsewhere (scripts/mailstack).

    SMTP sink policy: AUTH is optional and any credentials work, until ``set_smtp_auth`` or
    ``set_smtp_xoauth2_token`` make it required (``reset_smtp_auth`` undoes both). Every
    accepted message is spooled; recipients whose local part is a user also get it in their
    INBOX before the ``250``. If Dovecot is down, such messages get ``451`` and are not
    spooled, so ``spooled()`` is exactly what clients saw accepted.
    """

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

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ----------------------------------------------------------------- dovecot process

    def start_imap(self) -> None:
        """Start the private Dovecot (same ports as before); no-op if it is running."""
        if self._dovecot_running():
            return
        dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
        doveconf = shutil.which("doveconf") or "/usr/bin/doveconf"
        self._dovecot_conf.write_text(self._dovecot_config())
        check = subprocess.run(
            [doveconf, "-c", str(self._dovecot_conf), "-n"], capture_output=True, text=True, check=False
        )
        if check.returncode != 0:
            raise MailStackError(f"Dovecot rejected {self._dovecot_conf}:\n{check.stderr}")
        # Dovecot daemonizes; stdio to a file, or a caller reading our pipes would hang.
        with self._dovecot_out.open("ab") as out:
            result = subprocess.run(
                [dovecot, "-c", str(self._dovecot_conf)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                close_fds=True,
                check=False,
                timeout=30,
            )
        ports = (self.imap_port, self.imaps_port)
        ready = result.returncode == 0 and _wait_for(
            lambda: self._lmtp_ready() and all(_port_open(self.host, p) for p in ports), _START_TIMEOUT
        )
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
        if not _wait_for(lambda: not any(_port_open(self.host, p) for p in ports), _STOP_TIMEOUT):
            raise MailStackError(f"IMAP ports {ports} still open after stopping Dovecot")

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
        repo_root = str(Path(__file__).resolve().parents[3])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [repo_root, env.get("PYTHONPATH")]))
        with self._smtp_log.open("ab") as log:
            self._smtp_proc = subprocess.Popen(
                [sys.executable, "-m", "rjmail.devtools.smtpsink", "--config", str(self._smtp_conf)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                close_fds=True,
                start_new_session=True,  # our signals must not reach it
            )
        proc = self._smtp_proc
        ready = _wait_for(lambda: proc.poll() is not None or self._smtp_pid.exists(), _START_TIMEOUT)
        if not ready or proc.poll() is not None:
            self._stop_smtp_process()
            raise MailStackError(f"SMTP sink did not start.\n--- {self._smtp_log}:\n{_tail(self._smtp_log)}")

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
        if not _wait_for(lambda: not any(_port_open(self.host, p) for p in ports), _STOP_TIMEOUT):
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

    def is_running(self) -> bool:
        return self._dovecot_running() or self._smtp_pid_alive()
