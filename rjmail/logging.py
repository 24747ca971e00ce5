"""structlog JSON lines on stdout, free of personal data by construction.

Code logs identifiers only (hub, folder, UID, case reference, outbox id). As a second line of
defence a redaction processor masks anything that looks like an email address or phone number in
every value that is not on the allow-list, including stdlib records from libraries.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog
from structlog.tracebacks import ExceptionDictTransformer

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+/-])(?:\+\d[\d\s().-]{7,18}\d|0\d(?:[\s().-]{0,2}\d){8,12})(?![\w/-])")
SAFE_KEYS = frozenset(
    {
        "timestamp",
        "level",
        "logger",
        "event",
        "hub",
        "case",
        "ref",
        "uid",
        "uidvalidity",
        "folder",
        "outbox_id",
        "kind",
        "decision",
        "job",
    }
)
SECRET_KEYS = frozenset(
    {
        "body",
        "subject",
        "name",
        "display_name",
        "phone",
        "password",
        "token",
        "access_token",
        "raw",
        "text",
        "address",
        "email",
    }
)


def _scrub(value: str) -> str:
    return PHONE.sub("[phone]", EMAIL.sub("[email]", value))


def _walk(value: Any) -> Any:
    if isinstance(value, str):
        return _scrub(value)
    if isinstance(value, dict):
        return {k: _walk(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(v) for v in value]
    return value


def redact(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in list(event.items()):
        if key in SECRET_KEYS:
            event[key] = "[redacted]"
        elif key not in SAFE_KEYS or key == "event":
            event[key] = _walk(value)
    return event


SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure(level: str = "INFO", stream: Any = None) -> None:
    """JSON to stdout (journald keeps each line); tracebacks without local variables."""
    structlog.configure(
        processors=[*SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*SHARED, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
            redact,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    copy = os.environ.get("RJMAIL_LOG_COPY")
    if copy:  # the test suite collects every line any rjmail process logs, to prove none is personal
        tee = logging.FileHandler(copy, encoding="utf-8")
        tee.setFormatter(formatter)
        root.handlers.append(tee)
    root.setLevel(level)
    # imapclient logs whole responses (message bodies) at DEBUG.
    for noisy in (
        "imapclient",
        "imapclient.imaplib",
        "apscheduler",
        "alembic",
        "mail-parser",
        "mailparser",
        "sqlalchemy",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)
