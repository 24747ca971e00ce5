"""Raw RFC 5322 bytes -> InboundMail, for any bytes a mailbox can hold.

We parse with the stdlib (compat32 policy, which never raises on malformed structure) and walk
the tree ourselves rather than through mail-parser: mail-parser drops 8-bit header bytes, parses
every Received header (a known ReDoS path) and keeps attachments as base64 text, while we need
raw header bytes, per-part charsets, DSN/calendar parts and an iterative walk.
Only ParseError ever escapes parse().
"""

from __future__ import annotations

import dataclasses
import email
import hashlib
from email import policy
from email.message import Message

from rjmail.core.bodies import Collected, best_text, walk
from rjmail.core.domain import ForwardedPart, InboundMail
from rjmail.core.forwards import inline_forwards
from rjmail.core.headers import (
    addresses,
    decode_header_value,
    message_ids,
    normalise_message_id,
    parse_date,
    raw_to_text,
)
from rjmail.core.reports import ids_from_header_block, recipients_from_report

__all__ = ["ParseError", "message_ids", "normalise_message_id", "parse"]


class ParseError(Exception):
    """The bytes are not an email message we can understand (no headers, or nothing in it)."""


def parse(raw: bytes) -> InboundMail:
    """Parse one raw message; raises ParseError (and nothing else) when it cannot be understood."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise ParseError(f"expected bytes, got {type(raw).__name__}")
    try:
        return _without_nul(_parse(bytes(raw)))
    except ParseError:
        raise
    except (Exception, RecursionError, MemoryError) as exc:
        raise ParseError(f"unparseable message: {type(exc).__name__}") from exc


def _no_nul(value: str) -> str:
    return value.replace("\x00", "") if "\x00" in value else value


def _without_nul(mail: InboundMail) -> InboundMail:
    """NUL never means anything in mail text and PostgreSQL refuses it in text columns."""
    return dataclasses.replace(
        mail,
        subject=_no_nul(mail.subject),
        from_name=_no_nul(mail.from_name),
        text=_no_nul(mail.text),
        html=_no_nul(mail.html) if mail.html else mail.html,
        headers={k: tuple(_no_nul(v) for v in vs) for k, vs in mail.headers.items()},
        attachments=tuple(dataclasses.replace(a, filename=_no_nul(a.filename)) for a in mail.attachments),
        forwarded=tuple(
            dataclasses.replace(
                f, from_name=_no_nul(f.from_name), subject=_no_nul(f.subject), text=_no_nul(f.text)
            )
            for f in mail.forwarded
        ),
    )


def _raw_headers(msg: Message) -> dict[str, list[str]]:
    """Header name (lower-case) -> raw values as the parser stored them, in order."""
    found: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        key = raw_to_text(str(name)).strip().lower()
        found.setdefault(key, []).append(str(value))
    return found


def _parse(raw: bytes) -> InboundMail:
    if not raw.strip():
        raise ParseError("empty message")
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    raw_headers = _raw_headers(msg)
    if not raw_headers:
        raise ParseError("no headers")
    found = walk(msg)
    text, html = best_text(found.owners[0], found.tnef_text)
    senders = addresses(raw_headers.get("from", []))
    if not senders and not text and not found.attachments:
        raise ParseError("no sender and no content")
    from_name, from_addr = senders[0] if senders else ("", "")
    return InboundMail(
        message_id=_message_id(raw_headers, text, found),
        subject=decode_header_value(_first(raw_headers, "subject") or ""),
        from_addr=from_addr,
        from_name=from_name,
        reply_to=_addrs(raw_headers, "reply-to"),
        to=_addrs(raw_headers, "to"),
        cc=_addrs(raw_headers, "cc"),
        date=parse_date(_first(raw_headers, "date")),
        in_reply_to=_thread_ids(raw_headers, "in-reply-to"),
        references=_thread_ids(raw_headers, "references"),
        headers={k: tuple(decode_header_value(v) for v in vs) for k, vs in raw_headers.items()},
        content_type=_content_type(msg),
        text=text,
        html=html,
        attachments=tuple(found.attachments),
        raw_size=len(raw),
        return_path=_return_path(raw_headers),
        calendar_method=found.calendar_method,
        calendar_partstat=found.calendar_partstat,
        calendar_uid=found.calendar_uid,
        report_type=_report_type(msg),
        bounced_message_ids=_bounced(found, from_addr, text),
        bounced_recipients=_bounced_recipients(found, from_addr, text),
        forwarded=_attached_forwards(found) + inline_forwards(text),
        mime_depth=found.depth,
        part_count=found.parts,
        defects=tuple(found.defects),
    )


def _thread_ids(raw_headers: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """Message-IDs of a threading header; some senders (Python's email package among them) fold a
    long ID into an RFC 2047 encoded-word, which must be decoded before the IDs can be found."""
    value = " ".join(raw_headers.get(name, []))
    return message_ids(decode_header_value(value) if "=?" in value else value)


def _first(raw_headers: dict[str, list[str]], name: str) -> str | None:
    values = raw_headers.get(name)
    return values[0] if values else None


def _addrs(raw_headers: dict[str, list[str]], name: str) -> tuple[str, ...]:
    return tuple(addr for _name, addr in addresses(raw_headers.get(name, [])))


STABLE_HEADERS = ("from", "sender", "to", "cc", "subject", "date")


def _message_id(raw_headers: dict[str, list[str]], text: str, found: Collected) -> str:
    mid = normalise_message_id(_first(raw_headers, "message-id") or "")
    return mid or _synthetic_id(raw_headers, text, found)


def _synthetic_id(raw_headers: dict[str, list[str]], text: str, found: Collected) -> str:
    """Without a Message-ID, dedup still needs a key that survives a server re-delivering the same
    message with different bytes (after a UIDVALIDITY change: added Received lines, another
    transfer encoding, re-folded headers). So: the headers a person wrote and the words, decoded
    and with whitespace collapsed, plus attachment digests; never the raw bytes."""
    parts = []
    for name in STABLE_HEADERS:
        values = [" ".join(decode_header_value(v).split()) for v in raw_headers.get(name, [])]
        parts.append(f"{name}:{'|'.join(values)}")
    parts.append(" ".join(text.split()))
    parts += sorted(a.sha256 for a in found.attachments)
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "replace")).hexdigest()[:32]
    return f"<{digest}@rjmail.invalid>"


def _return_path(raw_headers: dict[str, list[str]]) -> str | None:
    value = _first(raw_headers, "return-path")
    if value is None:
        return None
    found = addresses([value])
    return found[0][1] if found else ""


def _content_type(msg: Message) -> str:
    try:
        return msg.get_content_type().lower()
    except Exception:  # a hostile Content-Type reads as the RFC default
        return "text/plain"


def _report_type(msg: Message) -> str | None:
    if _content_type(msg) != "multipart/report":
        return None
    value = msg.get_param("report-type")
    return str(value).strip().lower() if isinstance(value, str) and value.strip() else None


def _bounced(found: Collected, from_addr: str, text: str) -> tuple[str, ...]:
    ids = list(found.bounced_ids)
    if not ids and from_addr.partition("@")[0] in {"mailer-daemon", "postmaster"}:
        # Old-style bounces (qmail, some appliances) quote the returned headers as plain text.
        ids = ids_from_header_block(text[:100_000], original_only=False)
    return tuple(dict.fromkeys(ids))


def _bounced_recipients(found: Collected, from_addr: str, text: str) -> tuple[str, ...]:
    addrs = list(found.bounced_recipients)
    if not addrs and from_addr.partition("@")[0].lower() in {"mailer-daemon", "postmaster"}:
        addrs = recipients_from_report(text[:100_000])
    return tuple(dict.fromkeys(addrs))


def _attached_forwards(found: Collected) -> tuple[ForwardedPart, ...]:
    parts: list[ForwardedPart] = []
    for index in found.forwarded_owners:
        owner = found.owners[index]
        raw_headers = _raw_headers(owner.msg)
        senders = addresses(raw_headers.get("from", []))
        name, addr = senders[0] if senders else ("", "")
        subject = decode_header_value(_first(raw_headers, "subject") or "")
        text, _html = best_text(owner)
        parts.append(ForwardedPart(addr, name, subject, text))
    return tuple(parts)
