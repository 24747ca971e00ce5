"""Inline forwarded messages inside a body text, as mail clients write them.

Recognised: Gmail "---------- Forwarded message ---------", Thunderbird "-------- Forwarded
Message --------", Outlook "-----Original Message-----" and its bare "From: … Sent: …" block,
Apple "Begin forwarded message:", plus the same headers in a few European languages.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from email.utils import parseaddr

from rjmail.core.domain import ForwardedPart
from rjmail.core.headers import decode_header_value

MAX_BLOCKS = 50  # a thread deeper than this is history, not content
MARKER = re.compile(
    r"(?im)^[ \t]*(?:-{2,}[ \t]*(?:forwarded message|original message|weitergeleitete nachricht"
    r"|message transf[ée]r[ée]|mensaje reenviado|mensaje original|wiadomo[śs][ćc] przekazana"
    r"|urspr[üu]ngliche nachricht|message d'origine|mesaj redirec[țt]ionat)[ \t]*-{2,}"
    r"|begin forwarded message:|start of forwarded message)[ \t]*$"
)
# Outlook's header block in the languages of the people who write to the hubs too (Lithuanian:
# Siuntėjas / Išsiųsta / Kam / Tema; Romanian: De la / Trimis / Către / Subiect).
FROM_KEY = r"(?:from|von|de|de la|od|van|da|oddi wrth|gan|siunt[ėe]jas|nuo)"
SENT_KEY = (
    r"(?:sent|date|gesendet|datum|envoy[ée]|enviado|fecha|data|wys[łl]ano|anfonwyd|dyddiad|"
    r"i[šs]si[ųu]sta|trimis)"
)
SUBJECT_KEY = r"(?:subject|betreff|objet|asunto|assunto|temat|pwnc|onderwerp|oggetto|tema|subiect)"
TO_KEY = r"(?:to|an|[àa]|para|do|at|aan|cc|kam|c[ăa]tre)"
_HEADER_LINE = re.compile(
    rf"(?i)^[ \t]*\*?({FROM_KEY}|{SENT_KEY}|{SUBJECT_KEY}|{TO_KEY})\*?[ \t]*:[ \t]*(.*)$"
)
_FROM_LINE = re.compile(rf"(?im)^[ \t]*\*?{FROM_KEY}\*?[ \t]*:[ \t]*\S.*$")
_SENT = re.compile(rf"(?i)^[ \t]*\*?{SENT_KEY}\*?[ \t]*:")
_SUBJECT = re.compile(rf"(?i)^[ \t]*\*?{SUBJECT_KEY}\*?[ \t]*:")
_OUTLOOK_RULE = re.compile(r"^[ \t]*_{10,}[ \t]*$")
_ANGLE = re.compile(r"^(.*?)\s*<([^<>\s@]+@[^<>\s]+)>\s*$")
_MAILTO = re.compile(r"\[mailto:([^\]\s]+)\]", re.I)


def block_starts(text: str) -> list[tuple[int, int]]:
    """(start, header start) offsets of each forwarded/quoted block, in order (at most MAX_BLOCKS)."""
    starts: list[tuple[int, int]] = [(m.start(), m.end()) for m in MARKER.finditer(text)]
    marker_ends = [end for _start, end in starts]
    for match in _FROM_LINE.finditer(text):
        if len(starts) >= MAX_BLOCKS:
            break
        before = bisect_right(marker_ends, match.start()) - 1
        if before >= 0 and not text[marker_ends[before] : match.start()].strip():
            continue  # the header block right after a marker line, already counted
        if is_header_block(text[match.start() : match.start() + 2000].split("\n", 8)[:8]):
            starts.append((_with_rule(text, match.start()), match.start()))
    return sorted(starts)[:MAX_BLOCKS]


def _with_rule(text: str, at: int) -> int:
    """Include Outlook's "____" separator line just above a bare header block."""
    before = text[max(0, at - 200) : at].rstrip("\n")
    offset = max(0, at - 200)
    line_start = before.rfind("\n") + 1
    return offset + line_start if _OUTLOOK_RULE.match(before[line_start:]) else at


def is_header_block(lines: list[str]) -> bool:
    """True when lines begin with From: and soon name a Sent/Date and a Subject (a mail header)."""
    head = [ln for ln in lines[:7] if ln.strip()]
    if not head or not _FROM_LINE.match(head[0]):
        return False
    return any(_SENT.match(ln) for ln in head[1:]) and any(_SUBJECT.match(ln) for ln in head[1:])


def own_text(text: str) -> str:
    """The part of a body written by its sender: everything before the first forwarded block."""
    starts = block_starts(text)
    return text[: starts[0][0]].rstrip() if starts else text


def inline_forwards(text: str) -> tuple[ForwardedPart, ...]:
    """Each inline forwarded or quoted-original block with its From, Subject and text."""
    starts = block_starts(text)
    parts: list[ForwardedPart] = []
    for index, (_start, header_at) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        block = text[header_at:end]
        part = _parse_block(block)
        if part is not None:
            parts.append(part)
    return tuple(parts)


def _parse_block(block: str) -> ForwardedPart | None:
    lines = block.split("\n")
    fields: dict[str, str] = {}
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1  # blank lines between the marker and the headers
    while index < len(lines):
        match = _HEADER_LINE.match(lines[index])
        if not match:
            break
        fields.setdefault(_field_name(match.group(1)), match.group(2).strip())
        index += 1
    if "from" not in fields:
        return None
    name, addr = parse_from_value(fields["from"])
    body = "\n".join(lines[index:]).strip()
    return ForwardedPart(addr, name, fields.get("subject", ""), body)


def _field_name(key: str) -> str:
    key = key.lower()
    if re.fullmatch(FROM_KEY, key):
        return "from"
    if re.fullmatch(SUBJECT_KEY, key):
        return "subject"
    return "sent" if re.fullmatch(SENT_KEY, key) else "to"


def parse_from_value(value: str) -> tuple[str, str]:
    """(display name, lower-case address) from a forwarded "From:" line in any client's style."""
    value = decode_header_value(value)
    mailto = _MAILTO.search(value)
    if mailto:
        # Outlook: Jo Bloggs [mailto:jo@example.com]
        return value[: mailto.start()].strip(" \"'"), mailto.group(1).lower()
    angle = _ANGLE.match(value)
    name, addr = (angle.group(1), angle.group(2)) if angle else parseaddr(value)
    if "@" not in addr:
        return value.strip(" \"'<>"), ""
    name = name.strip(" \"'")
    if "," in name:
        # Outlook writes "Bloggs, Jo"; a display name keeps the natural order.
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}".strip()
    return name, addr.lower()
