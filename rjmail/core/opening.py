"""A message's opening greeting ("Good morning,", "Afternoon!"): it greets and names no time, so it
is blanked before call times are read (rjmail.core.wishes)."""

from __future__ import annotations

import re

# Not mid-paragraph (a hard-wrapped "... on Monday or Friday\nafternoon" is a time), and a bare
# "Evening," whose paragraph names a day or a time may be either.
_GREETING = re.compile(
    r"(?i)(?:\A|(?<=\n\n))[^\S\n]*(?:(?:good|gd)[^\S\n]+(?:morning|afternoon|evening)\b|(?:morning|afternoon|"
    r"evening)\b(?=[^\S\n]*(?:[,!.]|\n|\Z))(?=(?P<timed>(?:[^\n]|\n(?!\s*\n))*?\b(?:mon|tue|wed|thu|fri|sat|sun|week|wk|morn|"
    r"aft|arvo|eve|night|lunch|after|before|from|between|till?|until|not|any|\d))?))"
    r"(?:[^\S\n]+(?:all|everyone|team|there)\b)?"
)


def without_greetings(text: str) -> tuple[str, bool]:
    """Greetings blanked (positions kept for call_times), and whether one may be a time: "Afternoon, I
    can't do Thursdays" is a greeting or a time, and neither is assumed (the times are unclear)."""
    timed = False

    def blank(m: re.Match[str]) -> str:
        nonlocal timed
        timed = timed or bool(m.group("timed"))
        return m.group() if m.group("timed") else " " * len(m.group())

    return _GREETING.sub(blank, text), timed
