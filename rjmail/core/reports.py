"""Machine-readable parts: calendar responses and delivery/disposition reports."""

from __future__ import annotations

import re
from email.message import Message

from rjmail.core.headers import normalise_message_id

_UNFOLD = re.compile(r"\r?\n[ \t]")
_PARTSTAT = re.compile(r"(?i)[;:]PARTSTAT=\"?([A-Z-]+)")
_FIELD = re.compile(r"(?im)^(original-message-id|message-id)[ \t]*:[ \t]*(.+)$")
_RECIPIENT_FIELD = re.compile(
    r"(?im)^(?:final|original)-recipient[ \t]*:[ \t]*(?:[a-z0-9-]+[ \t]*;)?[ \t]*"
    r"<?([^\s<>;]+@[^\s<>;]+?)>?[ \t]*$"
)
_PLAIN_RECIPIENT = re.compile(r"(?m)^[ \t]*<([^\s<>]+@[^\s<>]+)>:")  # qmail/Postfix plain-text bounces


def calendar_fields(text: str, method_param: object = None) -> tuple[str | None, str | None]:
    """(METHOD, first ATTENDEE PARTSTAT) of an iCalendar text, by a simple line scan."""
    method: str | None = None
    partstat: str | None = None
    for line in _UNFOLD.sub("", text).splitlines():
        upper = line.upper()
        if method is None and upper.startswith("METHOD:"):
            method = line.split(":", 1)[1].strip().upper() or None
        elif partstat is None and upper.startswith("ATTENDEE"):
            found = _PARTSTAT.search(line.split(":mailto", 1)[0] if ":mailto" in line else line)
            partstat = found.group(1).upper() if found else None
    if method is None and isinstance(method_param, str) and method_param.strip():
        method = method_param.strip().upper()
    return method, partstat


def calendar_uid(text: str) -> str | None:
    """The first UID of an iCalendar text (a REPLY names the invite it answers by it)."""
    for line in _UNFOLD.sub("", text).splitlines():
        if line.upper().startswith("UID:"):
            return line.split(":", 1)[1].strip() or None
    return None


def ids_from_header_block(block: Message | str, original_only: bool) -> list[str]:
    """Message-IDs named in a header block (a returned message, its headers, or report fields)."""
    wanted = ("original-message-id",) if original_only else ("original-message-id", "message-id")
    if isinstance(block, Message):
        pairs = [(str(k).lower(), str(v)) for k, v in block.raw_items()]
    else:
        pairs = [(m.group(1).lower(), m.group(2)) for m in _FIELD.finditer(block)]
    out: list[str] = []
    for name, value in pairs:
        if name in wanted:
            mid = normalise_message_id(value)
            if mid and mid not in out:
                out.append(mid)
    return out


def recipients_from_report(block: Message | str) -> list[str]:
    """Recipients a delivery report says failed: Final-Recipient / Original-Recipient fields
    (RFC 3464), or the "<address>:" lines old-style plain-text bounces use. Lower-case."""
    text = "\n".join(f"{k}: {v}" for k, v in block.raw_items()) if isinstance(block, Message) else block
    found = _RECIPIENT_FIELD.findall(text) + _PLAIN_RECIPIENT.findall(text)
    return list(dict.fromkeys(addr.strip().lower() for addr in found))
