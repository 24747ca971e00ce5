"""Errors named by their consequence (DESIGN: config -> exit, transient -> retry,
permanent -> mark failed, bad input -> quarantine)."""

from __future__ import annotations


class RjmailError(Exception):
    """Base of every error rjmail raises on purpose."""


class ConfigError(RjmailError):
    """The configuration cannot be used; the daemon must not start. Names the key and the file."""

    def __init__(self, message: str, *, key: str | None = None, path: str | None = None) -> None:
        where = ", ".join(p for p in (f"key '{key}'" if key else "", f"file {path}" if path else "") if p)
        super().__init__(f"{message} ({where})" if where else message)
        self.key = key
        self.path = path


class TransientError(RjmailError):
    """Try again later: network down, server busy, 4xx SMTP reply, database locked."""


class PermanentError(RjmailError):
    """Will never succeed as it is: 5xx SMTP reply, address rejected."""


class NotMigratedError(RjmailError):
    """The database schema is older than this code; run `rjmail db upgrade`."""
