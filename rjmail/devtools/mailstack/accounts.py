"""Mail stack users, XOAUTH2 tokens and the SMTP sink's AUTH policy."""

from __future__ import annotations

import json

from rjmail.devtools.mailstack.layout import StackLayout
from rjmail.devtools.mailstack.procs import _TOKEN_RE, _USER_RE, _wait_next_second, _write_passwd
from rjmail.devtools.smtpsink import SinkConfig, write_atomic


class Accounts(StackLayout):
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
            "host": self.host,
            "smtp_port": self.smtp_port,
            "smtps_port": self.smtps_port,
            "cert_file": str(self._cert_file),
            "key_file": str(self._key_file),
            "spool_dir": str(self.spool_dir),
            "users_dir": str(self._users_dir),
            "lmtp_socket": str(self._run_dir / "lmtp"),
            "pid_file": str(self._smtp_pid),
            "auth": None,
            "xoauth2_token": None,
        }
        write_atomic(self._smtp_conf, json.dumps(config, indent=2).encode())

    def _update_smtp_config(self, **changes: object) -> None:
        config = self._load_smtp_config()
        config.update(changes)
        write_atomic(self._smtp_conf, json.dumps(config, indent=2).encode())

    # ----------------------------------------------------------------- lifecycle
