"""The mail stack's files, ports and state on disk."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import ClassVar

from rjmail.devtools.mailstack.procs import _MAX_BASE_DIR_BYTES, MailStackError, _alive, _cmdline, _read_pid
from rjmail.devtools.smtpsink import write_atomic


class StackLayout:
    """Where a stack keeps its state on disk, its ports, and what it tells clients."""

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
    _uid: int
    _gid: int

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

    def _save_state(self) -> None:
        state = {
            "host": self.host,
            "imap_port": self.imap_port,
            "imaps_port": self.imaps_port,
            "smtp_port": self.smtp_port,
            "smtps_port": self.smtps_port,
            "ca_file": str(self.ca_file),
            "spool_dir": str(self.spool_dir),
            "base_dir": str(self.base_dir),
            "uid": self._uid,
            "gid": self._gid,
        }
        write_atomic(self._state_file, json.dumps(state, indent=2).encode())

    @property
    def users(self) -> tuple[str, ...]:
        """Logins known to Dovecot, sorted."""
        return tuple(sorted(p.name for p in self._users_dir.iterdir() if not p.name.startswith(".")))

    def describe(self) -> dict[str, object]:
        """What a client needs to connect (the CLI prints this)."""
        return {
            "host": self.host,
            "imap_port": self.imap_port,
            "imaps_port": self.imaps_port,
            "smtp_port": self.smtp_port,
            "smtps_port": self.smtps_port,
            "ca_file": str(self.ca_file),
            "spool_dir": str(self.spool_dir),
            "base_dir": str(self.base_dir),
            "users": list(self.users),
            "password": self.PASSWORD,
        }

    @property
    def _dovecot_pid_file(self) -> Path:
        return self._run_dir / "master.pid"

    def _dovecot_pid(self) -> int | None:
        """The running master's pid; a stale pidfile's pid may belong to someone else."""
        pid = _read_pid(self._dovecot_pid_file)
        if pid is None or not _alive(pid) or b"dovecot" not in _cmdline(pid):
            return None
        return pid

    def _dovecot_running(self) -> bool:
        return self._dovecot_pid() is not None
