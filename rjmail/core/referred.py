"""The "Name: / Tel: / Email:" block in which a professional describes the person referred."""

from __future__ import annotations

import re

from rjmail.core.domain import Person
from rjmail.core.names import clean_name
from rjmail.core.phones import normalise_phone

_NAME_LINE = re.compile(
    r"(?im)^[ \t]*(?:(?:victim|client|service\s+user|young\s+person|referred\s+person|person\s+"
    r"referred|person|subject|full)(?:'s|s)?\s+)?name[ \t]*[:\-][ \t]*(?P<value>\S[^\n]*)$"
)
_FIELD = re.compile(r"^[ \t]*(?P<key>[A-Za-z][A-Za-z ./'()-]{0,30}?)[ \t]*:[ \t]*(?P<value>[^\n]*)$")
_PHONE_KEY = re.compile(r"(?i)\b(?:tel|telephone|phone|mobile|mob|contact\s+(?:number|no)|number)\b")
_OTHER_PARTY = re.compile(
    r"(?i)\b(?:officer|referrer|my|our|oic|fax|office|parent|mum|dad|mother|father|guardian|carer|"
    r"next\s+of\s+kin|emergency)\b"
)
_EMAIL_KEY = re.compile(r"(?i)^e-?mail(?:\s+address)?$")
_ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+\.[A-Za-z]{2,}")


def _block_lines(text: str, start: int) -> list[str]:
    """Consecutive "Key: value" lines from `start` (single blank lines allowed)."""
    lines: list[str] = []
    blanks = 0
    for line in text[start:].split("\n")[:15]:
        if not line.strip():
            blanks += 1
            if blanks > 1:
                break
            continue
        if not _FIELD.match(line):
            break
        blanks = 0
        lines.append(line)
    return lines


def referred_block(body: str) -> Person | None:
    """Person described by a Name/Tel/Email block in a professional's text, or None."""
    match = _NAME_LINE.search(body)
    if not match:
        return None
    name = clean_name(match.group("value"))
    phone = email = None
    for line in _block_lines(body, match.start())[1:]:
        field = _FIELD.match(line)
        if field is None:
            continue
        key, value = field.group("key").strip(), field.group("value").strip()
        if phone is None and _PHONE_KEY.search(key) and not _OTHER_PARTY.search(key):
            phone = normalise_phone(value)
        elif email is None and _EMAIL_KEY.match(key):
            found = _ADDRESS.search(value)
            email = found.group(0).lower() if found else None
    if not (name or phone or email):
        return None
    return Person(name=name, email=email, phone=phone)
