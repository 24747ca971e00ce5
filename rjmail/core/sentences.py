"""A message body cut into sentences, for the readers that look at one sentence at a time."""

from __future__ import annotations

import re

_FIELD_LINE = re.compile(r"^\s*(?:[\w'() -]{1,30}:\s|[-*•]\s)")
# Where a sentence ends. A day's short name with a full stop ends none when a list of days goes on
# ("Please call Mon. or Tue. after 6.": cut there, the hours were read apart from the days and both
# days offered all day). Only a lower-case "or", "and" or "&" and a day: any other word after a dotted
# day may start a new thought ("sat. he's home so dont call"), and then the cut is right.
_SHORT_DAYS = ("mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun")
_DOTTED_DAY = "".join(rf"(?<!\b{day}\.)" for day in _SHORT_DAYS)  # look-behinds are fixed width
_MORE_DAYS = r"(?-i:or|and|&)\s+(?:mon|tue|wed|thu|fri|sat|sun)"
SENTENCE_BREAK = rf"(?i)(?<=[.!?])(?:{_DOTTED_DAY}\s+|\s+(?!\s|{_MORE_DAYS}))"
_BREAK = re.compile(SENTENCE_BREAK)


def sentences(text: str) -> list[str]:
    """Sentences with hard-wrapped lines re-joined ("Key: value" lines stay on their own)."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines: list[str] = []
        for line in paragraph.split("\n"):
            if lines and not _FIELD_LINE.match(line) and not _FIELD_LINE.match(lines[-1]):
                lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
            else:
                lines.append(line.strip())
        for line in lines:
            out += [s for s in _BREAK.split(line) if s.strip()]
    return out
