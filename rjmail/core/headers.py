"""Header decoding that tolerates what real mail clients send.

The stdlib (compat32) hands us header values as str with undecodable 8-bit bytes smuggled in as
surrogates; mail-parser silently drops such bytes, which loses names like "Zoë" sent by old
clients. Here we recover the bytes, decode them (UTF-8, then windows-1252), then decode RFC 2047
encoded words ourselves so a bad charset or broken base64 in one word never loses the rest.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import re
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

_ENCODED_WORD = re.compile(r"=\?([^?\s]+?)\?([bBqQ])\?([^?]*?)\?=")
_GAP_BETWEEN_WORDS = re.compile(r"(=\?[^?\s]+?\?[bBqQ]\?[^?]*?\?=)[ \t\r\n]+(?==\?)")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_MSGID = re.compile(r"<\s*([^<>\s]+?)\s*>")
_BARE_MSGID = re.compile(r"[^\s<>()\"',;]+@[^\s<>()\"',;]+")
_COMMENT = re.compile(r"\([^()]*\)")

# Single-byte Western charsets are often declared by clients that actually wrote UTF-8.
WESTERN = frozenset(
    {
        "us-ascii",
        "ascii",
        "iso-8859-1",
        "latin-1",
        "latin1",
        "iso-8859-15",
        "windows-1252",
        "cp1252",
        "iso8859-1",
        "l1",
    }
)


def codec_for(charset: str | None) -> str | None:
    """Python codec name for a declared charset, or None when unknown or unusable."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    if name in {"iso-8859-1", "latin-1", "latin1", "iso8859-1", "l1", "us-ascii", "ascii"}:
        # Mail labelled Latin-1 or ASCII is in practice windows-1252 (smart quotes, euro sign).
        return "windows-1252"
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # Codecs such as rot13 or base64 are not text encodings; refuse them.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode text bytes: declared charset, then UTF-8, then windows-1252 (never fails)."""
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        pass
    declared = codec_for(charset)
    order: list[str] = []
    if declared is None or declared in {"windows-1252", "cp1252", "iso8859-15"}:
        order.append("utf-8")  # valid multi-byte UTF-8 is almost never accidental Latin-1
    if declared:
        order.append(declared)
    order += ["utf-8", "windows-1252"]
    for codec in order:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("windows-1252", errors="replace")


def raw_to_text(value: str) -> str:
    """Recover 8-bit bytes the parser stored as surrogates and decode them."""
    if value.isascii():
        return value
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return decode_bytes(data)


def _decode_word(match: re.Match[str]) -> str:
    charset, kind, payload = match.group(1), match.group(2).lower(), match.group(3)
    charset = charset.split("*", 1)[0]  # RFC 2231 language suffix
    try:
        data = _decode_b(payload) if kind == "b" else _decode_q(payload)
    except (binascii.Error, ValueError):
        return match.group(0)
    return decode_bytes(data, charset)


def _decode_b(payload: str) -> bytes:
    return base64.b64decode(payload + "=" * (-len(payload) % 4))


def _decode_q(payload: str) -> bytes:
    raw = payload.replace("_", " ").encode("ascii", "replace")
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x3D and i + 2 < len(raw) and _is_hex(raw[i + 1 : i + 3]):
            out.append(int(raw[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def _is_hex(pair: bytes) -> bool:
    return len(pair) == 2 and all(c in b"0123456789abcdefABCDEF" for c in pair)


def decode_header_value(value: str) -> str:
    """Unfold, recover 8-bit bytes and decode RFC 2047 words in one header value."""
    text = raw_to_text(_FOLD.sub("", value))
    if "=?" in text:
        # Whitespace between adjacent encoded words is not part of the text (RFC 2047 s6.2).
        text = _GAP_BETWEEN_WORDS.sub(r"\1", text)
        text = _ENCODED_WORD.sub(_decode_word, text)
    return text.replace("\r", " ").replace("\n", " ").strip()


def addresses(values: list[str]) -> tuple[tuple[str, str], ...]:
    """(display name, lower-case address) pairs from raw address header values."""
    out: list[tuple[str, str]] = []
    for value in values:
        text = raw_to_text(_FOLD.sub("", value))
        for name, raw_addr in _angle_first(text):
            addr = raw_addr.strip().strip("<>").lower()
            if not addr or any(c.isspace() for c in addr):
                continue
            out.append((decode_header_value(name).strip("\"' "), addr))
    if any("@" in addr for _name, addr in out):
        # An unquoted comma in a display name ("Smith, John <j@x>") leaves a bare "smith".
        out = [(name, addr) for name, addr in out if "@" in addr]
    return tuple(out)


_ANGLE = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")


def _angle_first(text: str) -> list[tuple[str, str]]:
    """Addresses of one header value. When the value has <angle> addresses the parser did not return,
    the angle addresses win: `advisor@example.org <attacker@example.test>` is the attacker's mail,
    whatever its unquoted display text says."""
    parsed = getaddresses([text])
    angle = [a.lower() for a in _ANGLE.findall(text)]
    if angle and any(addr.strip().strip("<>").lower() not in angle for _n, addr in parsed):
        return [("", a) for a in angle]
    return parsed


def normalise_message_id(value: str) -> str:
    """The first Message-ID in a header value as "<id>", without comments or spaces; "" if none."""
    text = _COMMENT.sub(" ", raw_to_text(_FOLD.sub("", value or "")))
    match = _MSGID.search(text)
    if match:
        return _bounded(f"<{match.group(1)}>")
    bare = _BARE_MSGID.search(text)
    return _bounded(f"<{bare.group(0)}>") if bare else ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_ID = 250


def _bounded(message_id: str) -> str:
    """IDs are database keys: no control characters (PostgreSQL rejects NUL) and a bounded length
    (an index row has a size limit). A hostile ID is replaced by a stable digest of itself."""
    if len(message_id) <= MAX_ID and not _CONTROL.search(message_id):
        return message_id
    digest = hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"<{digest}@rjmail.invalid>"


def message_ids(value: str | None) -> tuple[str, ...]:
    """Every Message-ID named in an In-Reply-To or References header, in order, without repeats."""
    if not value:
        return ()
    text = _COMMENT.sub(" ", raw_to_text(_FOLD.sub("", value)))
    found = [f"<{m}>" for m in _MSGID.findall(text)]
    if not found:
        found = [f"<{m}>" for m in _BARE_MSGID.findall(text)]
    return tuple(dict.fromkeys(found))


def parse_date(value: str | None) -> datetime | None:
    """Aware UTC datetime from a Date header, or None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(raw_to_text(value).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # "-0000" means UTC with unknown local zone
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
