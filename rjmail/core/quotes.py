"""The new text of a reply, for timeline summaries: quoted history and signature removed.

mail-parser-reply does the heavy lifting (Outlook blocks, "On … wrote:", signatures) but knows no
Welsh and misses some client variants, so we cut at our own markers first. The original message
is always kept elsewhere; this text is a display aid only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mailparser_reply import EmailReplyParser

from rjmail.core.forwards import block_starts

_VERB = (
    r"(?:wrote|a [ée]crit|escribi[óo]|schrieb|napisa[łl](?:a|\(a\))?|pisze|ysgrifennodd|schreef|"
    r"ha scritto|escreveu|a scris|ra[šs][eė]|para[šs][eė])"
)
_WROTE = re.compile(
    r"(?im)^[ \t]*(?:on|le|el|am|dnia|w dniu|ar|op|il|em|în|pe)\b[^\n]{0,300}?"
    r"(?:\n[^\n]{0,200}?)?"
    rf"(?<!\w){_VERB}\s*:?[ \t]*$"
)
# Gmail writes the attribution in the reader's language, starting with the date ("niedz., 6 gru 2026
# o 18:49 Norfolk RJ Hub <…> napisał(a):", "2026 m. gruodžio 6 d., 18:49, … rašė:"): a line (or two)
# holding a digit and ending in the verb and a colon.
# The digit within a line's first 300 characters: an attribution is short, and an unbounded start
# backtracked over every digit of a long line (~0.2 s for a 50 KB pasted table).
_DATED_WROTE = re.compile(
    rf"(?im)^[^\n]{{0,300}}?\d[^\n]{{0,300}}(?:\n[^\n]{{0,200}})?(?<!\w){_VERB}[ \t]*:[ \t]*$"
)
_DEVICE = re.compile(
    r"(?im)^[ \t]*(?:sent from my \w+.*|sent from (?:yahoo|outlook|mail) .*|get outlook for \w+.*|"
    r"sent from samsung .*|envoy[ée] de mon \w+.*|von meinem \w+ gesendet.*|"
    r"wys[łl]ane z (?:mojego )?\w+.*|anfonwyd o('m)? \w+.*)$"
)
_QUOTED_LINE = re.compile(r"(?m)^[ \t]*>.*\n?")
_LIMIT = 50_000
_LANGUAGES = ["en", "de", "fr", "es", "pl", "nl", "it"]


def _cut_history(text: str) -> str:
    """Everything before the first quoted header, forward marker or "wrote:" line."""
    cut = len(text)
    starts = block_starts(text)
    if starts:
        cut = min(cut, starts[0][0])
    for pattern in (_WROTE, _DATED_WROTE):
        wrote = pattern.search(text)
        if wrote:
            cut = min(cut, wrote.start())
    return text[:cut]


def without_quotes(text: str) -> str:
    """`text` without its quoted lines ("> ...") and "On ... wrote:" lines: the writer's own words,
    wherever they wrote them (a bottom-poster's reply comes after the quote)."""
    text = _QUOTED_LINE.sub("", text)
    for pattern in (_WROTE, _DATED_WROTE):
        text = pattern.sub("", text)
    return text


@lru_cache(maxsize=4)  # extraction, the decision and the timeline all ask about the same message
def strip_quoted(text: str) -> str:
    """Reply text without quoted history, quoted lines, device footers or signature; never raises."""
    try:
        # Only the top of a long thread can be the new reply; bound the work on huge bodies.
        own = _cut_history(text[:_LIMIT].replace("\r\n", "\n"))
        own = _QUOTED_LINE.sub("", own)
        own = _DEVICE.sub("", own).strip()
        if not own:
            return ""
        try:
            body = EmailReplyParser(languages=list(_LANGUAGES)).read(text=own).replies[0].body
        except Exception:  # the reply parser is a heuristic; fall back to our cut
            body = own
        return (body or own).strip()
    except Exception:  # a summary aid must never break processing
        return text.strip() if isinstance(text, str) else ""
