"""Clock times in everyday English: "6pm", "18:00", "10.30", "noon", "half 6", "six" -> minutes.

Fixed meanings (quoted in rjmail.core.wishes): a bare hour 1-7 is afternoon or evening ("between 10
and 2" is 10:00-14:00); "half 6" is 6:30 with the same rule.
"""

from __future__ import annotations

import re

HOUR_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
# "after six", "half four": hours in words ("one" only as "one o'clock" or "one pm": "after one of them")
WORD_HOUR = rf"(?:{'|'.join(HOUR_WORDS)}|one(?=\s*(?:o'?clock|pm|am)))\b"


EARLIEST, LATEST = 9 * 60, 21 * 60  # the earliest and latest a call may be, minutes after midnight
Spans = tuple[tuple[int, int], ...]  # time spans, minutes after midnight


class UnclearError(ValueError):
    """The words name call times that the grammar cannot turn into windows safely."""


def clock(token: str) -> tuple[int, bool]:
    """(minutes after midnight, was a bare hour) for "6pm", "18:00", "10.30", "noon", "6"."""
    t = token.lower().replace(".", ":", 1) if re.match(r"\d+\.\d\d", token) else token.lower()
    if t in ("noon", "midday"):
        return 12 * 60, False
    half = re.match(r"half\s+(?:past\s+)?", t)
    if half:  # British "half 6" is 6:30, read like "6:30" with the bare-hour rule
        at, bare = clock(t[half.end() :])
        return at + 30, bare  # "after half 8" is still morning or evening
    m = re.match(r"(\d{1,2}|[a-z]+)(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|h|o'?clock)?", t)
    if not m:
        raise UnclearError(token)
    hour, minute, unit = hour_number(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").replace(".", "")
    if hour > 23 or minute > 59:
        raise UnclearError(token)
    if unit == "pm" and hour < 12:
        hour += 12
    elif unit == "am" and hour == 12:
        hour = 0
    bare = unit not in ("am", "pm") and m.group(2) is None
    if unit not in ("am", "pm") and 1 <= hour <= 7:
        hour += 12  # fixed meaning: a bare 1-7 is afternoon or evening ("between 10 and 2")
    return hour * 60 + minute, bare


def hour_number(word: str) -> int:
    """The hour a token starts with: "6" or "six" -> 6."""
    head = re.match(r"\d+|[a-z]+", word.lower())
    number = head.group(0) if head else ""
    if number.isdigit():
        return int(number)
    words = ("one", *HOUR_WORDS)
    if number in words:
        return words.index(number) + 1
    raise UnclearError(word)


def complement(spans: Spans) -> Spans:
    """The rest of the calling day (EARLIEST to LATEST) outside `spans`."""
    out, at = [], EARLIEST
    for start, end in sorted(spans):
        if start > at:
            out.append((at, min(start, LATEST)))
        at = max(at, end)
    if at < LATEST:
        out.append((at, LATEST))
    return tuple(out)


def intersect(a: Spans, b: Spans) -> Spans:
    """The times inside a span of `a` and one of `b`."""
    return tuple((max(s1, s2), min(e1, e2)) for s1, e1 in a for s2, e2 in b if max(s1, s2) < min(e1, e2))


PARTS = {  # fixed meanings (minutes after midnight), quoted in rjmail.core.wishes
    "morning": (9 * 60, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 21 * 60),
    "day": (9 * 60, 17 * 60),
    "lunch": (12 * 60, 14 * 60),
}
