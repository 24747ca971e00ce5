"""A message body cut into sentences, for the readers that look at one sentence at a time."""

from __future__ import annotations

import re

_FIELD_LINE = re.compile(r"^\s*(?:[\w'() -]{1,30}:\s|[-*•]\s)")
# "Mon. or Tue. after 6", "not sat. or sun. cos he's home": a day's short name with a full stop and
# the words going on in lower case. Where that sentence ends is a guess (see sentences()), and two
# reviews found every guess tried read some call times wider than the person allowed.
DOTTED_DAY_GOES_ON = re.compile(
    r"(?i)\b(?:mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun)\.(?=[ \t]+(?-i:[a-z0-9&]))"
)


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
            out += [s for s in re.split(r"(?<=[.!?])\s+", line) if s.strip()]
    return out
