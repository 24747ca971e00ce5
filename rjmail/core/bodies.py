"""One pass over a parsed MIME tree: body text, attachments, forwarded messages, reports.

The walk is iterative (a stack, not recursion) so deeply nested or hostile mail cannot exhaust
the Python stack; content handling stops after MAX_PARTS but parts are still counted so the
caller can apply size limits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.message import Message

from rjmail.core.domain import Attachment
from rjmail.core.headers import decode_bytes, decode_header_value
from rjmail.core.reports import calendar_fields, calendar_uid, ids_from_header_block, recipients_from_report
from rjmail.core.textconv import html_to_text, tidy, unflow
from rjmail.core.tnef import tnef_contents

MAX_PARTS = 500
_REPORT_BODIES = frozenset(
    {
        "message/delivery-status",
        "message/disposition-notification",
        "message/global-delivery-status",
        "message/global-disposition-notification",
    }
)


@dataclass
class Owner:
    """Text found for one message: the top-level mail (index 0) or an attached message/rfc822."""

    msg: Message
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)


@dataclass
class Collected:
    owners: list[Owner]
    forwarded_owners: list[int] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    tnef_text: str = ""
    calendar_method: str | None = None
    calendar_partstat: str | None = None
    calendar_uid: str | None = None
    bounced_ids: list[str] = field(default_factory=list)
    bounced_recipients: list[str] = field(default_factory=list)
    depth: int = 0
    parts: int = 0
    defects: list[str] = field(default_factory=list)


def part_text(part: Message) -> str:
    """Decoded text of a leaf part (declared charset, then UTF-8, then windows-1252)."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    text = decode_bytes(payload, part.get_content_charset())
    if part.get_param("format", "").__str__().lower() == "flowed":
        text = unflow(text, str(part.get_param("delsp", "")).lower() == "yes")
    return text


def payload_bytes(part: Message) -> bytes:
    """Decoded bytes of a leaf part (what an attachment hash must cover)."""
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def walk(root: Message) -> Collected:
    """Visit every part of `root` once and collect what parse() needs."""
    found = Collected(owners=[Owner(root)])
    stack: list[tuple[Message, int, int, str]] = [(root, 0, 0, "")]
    while stack:
        part, depth, owner, parent_type = stack.pop()
        found.parts += 1
        found.depth = max(found.depth, depth)
        _note_defects(part, found)
        try:
            if found.parts > MAX_PARTS:
                children = _children_only(part, owner)  # still counted, content ignored
            else:
                children = _visit(part, owner, parent_type, found)
        except Exception:  # one bad part must not lose the rest of the mail
            found.defects.append("UnreadablePartDefect")
            continue
        ctype = _ctype(part)
        for child, child_owner in reversed(children):
            stack.append((child, depth + 1, child_owner, ctype))
    return found


def _ctype(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"


def _note_defects(part: Message, found: Collected) -> None:
    for defect in getattr(part, "defects", ()):
        name = type(defect).__name__
        if name not in found.defects:
            found.defects.append(name)


_HEADER_BLOCKS = frozenset({"text/rfc822-headers", "message/rfc822-headers", "message/global-headers"})


def _children_only(part: Message, owner: int) -> list[tuple[Message, int]]:
    payload = part.get_payload()
    if not isinstance(payload, list):
        return []
    return [(child, owner) for child in payload if isinstance(child, Message)]


def _visit(part: Message, owner: int, parent_type: str, found: Collected) -> list[tuple[Message, int]]:
    ctype = _ctype(part)
    payload = part.get_payload()
    if ctype in _HEADER_BLOCKS:  # a bounce's returned headers, whatever the sender called the part
        blocks: list[Message | str] = (
            [m for m in payload if isinstance(m, Message)] if isinstance(payload, list) else []
        )
        for block in blocks or [part_text(part)]:
            found.bounced_ids += ids_from_header_block(block, original_only=False)
        return []
    if ctype == "message/global" and isinstance(payload, list):
        ctype = "message/rfc822"  # RFC 6533: the SMTPUTF8 form of a returned message
    if ctype == "message/rfc822" or (ctype in _REPORT_BODIES and isinstance(payload, list)):
        return _visit_message(part, ctype, owner, parent_type, found)
    if part.is_multipart() and isinstance(payload, list):
        return _children_only(part, owner)
    _visit_leaf(part, ctype, owner, found)
    return []


def _visit_message(
    part: Message, ctype: str, owner: int, parent_type: str, found: Collected
) -> list[tuple[Message, int]]:
    inner = [m for m in part.get_payload() if isinstance(m, Message)] if part.is_multipart() else []
    if ctype in _REPORT_BODIES:
        for block in inner:
            found.bounced_ids += ids_from_header_block(block, original_only=True)
            found.bounced_recipients += recipients_from_report(block)
        return []
    if not inner:
        return []
    sub = inner[0]
    if parent_type == "multipart/report":
        # The returned copy of a bounced message names the Message-ID we sent.
        found.bounced_ids += ids_from_header_block(sub, original_only=False)
        return []
    if part.get_content_disposition() == "attachment" or part.get_filename():
        _add_attachment(found, part, sub.as_bytes(), "message/rfc822", _eml_name(part, sub))
    found.owners.append(Owner(sub))
    found.forwarded_owners.append(len(found.owners) - 1)
    return [(sub, len(found.owners) - 1)]


def _eml_name(part: Message, sub: Message) -> str:
    name = part.get_filename()
    if name:
        return decode_header_value(str(name))
    subject = decode_header_value(str(sub.get("subject", "") or ""))
    return f"{subject or 'message'}.eml"


def _visit_leaf(part: Message, ctype: str, owner: int, found: Collected) -> None:
    disposition = part.get_content_disposition()
    filename = part.get_filename()
    if ctype.startswith("multipart/"):
        ctype = "text/plain"  # a multipart without a usable boundary is just text to us
    if ctype in {"text/plain", "text/html"} and disposition != "attachment":
        target = found.owners[owner]
        (target.plain if ctype == "text/plain" else target.html).append(part_text(part))
        return
    if ctype == "text/calendar" and found.calendar_method is None:
        method, partstat = calendar_fields(part_text(part), part.get_param("method"))
        found.calendar_method, found.calendar_partstat = method, partstat
        found.calendar_uid = calendar_uid(part_text(part))
        if disposition != "attachment" and not filename:
            return
    if ctype == "text/rfc822-headers":
        found.bounced_ids += ids_from_header_block(part_text(part), original_only=False)
        return
    data = payload_bytes(part)
    name = decode_header_value(str(filename)) if filename else ""
    _add_attachment(found, part, data, ctype, name)
    if ctype == "application/ms-tnef" or name.lower() == "winmail.dat":
        _add_tnef(found, data)


def _add_attachment(found: Collected, part: Message, data: bytes, ctype: str, name: str) -> None:
    digest = hashlib.sha256(data).hexdigest()
    found.attachments.append(Attachment(name, ctype, len(data), digest))


def _add_tnef(found: Collected, data: bytes) -> None:
    inner, body = tnef_contents(data)
    found.attachments += inner
    if body and not found.tnef_text:
        found.tnef_text = body


def best_text(owner: Owner, fallback: str = "") -> tuple[str, str | None]:
    """(readable text, html or None) for one message: plain text first, HTML converted otherwise."""
    html = "\n".join(owner.html) if owner.html else None
    plain = tidy("\n\n".join(p for p in owner.plain if p.strip()))
    if plain:
        return plain, html
    if html:
        return html_to_text(html), html
    return tidy(fallback), html
