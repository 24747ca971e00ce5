"""SMTP sender. Maps every failure to TransientError (retry later) or PermanentError (never)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Sequence

from rjmail.adapters.mailbox import tls_context
from rjmail.errors import PermanentError, TransientError
from rjmail.settings import ServerSettings

TokenProvider = Callable[[], str]


class SmtpSender:
    """One connection reused for a delivery run; opened lazily, closed by `close()`."""

    def __init__(self, settings: ServerSettings, token: TokenProvider | None = None) -> None:
        self.settings = settings
        self._token = token
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        ctx = tls_context(s.ca_file) if s.security != "none" else None
        try:
            conn: smtplib.SMTP
            if s.security == "tls":
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=ctx)
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
            conn.ehlo()
            if s.security == "starttls":
                conn.starttls(context=ctx)
                conn.ehlo()  # auth() does not re-EHLO after STARTTLS
            self._login(conn)
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentError(f"SMTP login refused ({exc.smtp_code})") from exc
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            raise TransientError(f"SMTP connection failed: {type(exc).__name__}: {exc}") from exc
        return conn

    def _login(self, conn: smtplib.SMTP) -> None:
        s = self.settings
        if s.auth == "oauth2" and self._token is not None:
            token, user = self._token(), s.username or ""
            conn.auth(
                "XOAUTH2",
                lambda challenge=None: "" if challenge else f"user={user}\x01auth=Bearer {token}\x01\x01",
            )
        elif s.auth == "password" and s.password is not None:
            conn.login(s.username or "", s.password.reveal())

    def send(self, mail_from: str, recipients: Sequence[str], raw: bytes) -> None:
        if self._conn is None:
            self._conn = self._connect()
        try:
            refused = self._conn.sendmail(mail_from, list(recipients), raw)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            code = min(code for code, _ in exc.recipients.values())
            raise _by_code(code, "all recipients refused") from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise _by_code(exc.smtp_code, "message refused") from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TransientError(f"SMTP send failed: {type(exc).__name__}") from exc
        except (UnicodeError, ValueError) as exc:
            # e.g. a non-ASCII address the server cannot take: retrying will never help.
            self.close()
            raise PermanentError(f"the message cannot be sent as addressed: {type(exc).__name__}") from exc
        if refused:
            raise PermanentError(f"{len(refused)} recipient(s) refused")

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (smtplib.SMTPException, OSError):
                self._conn.close()
            self._conn = None


def _by_code(code: int, what: str) -> Exception:
    if 500 <= code < 600:
        return PermanentError(f"SMTP {code}: {what}")
    return TransientError(f"SMTP {code}: {what}")
