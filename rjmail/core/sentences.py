"""A message body cut into sentences, for the readers that look at one sentence at a time."""

from __future__ import annotations

import re

_FIELD_LINE = re.compile(r"^\s*(?:[\w'() -]{1,30}:\s|[-*•]\s)")


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
