"""Words one slip of the keys from a day, a part of the day or "except", which the time reader
cannot read: "weekdys after 7.30 in the evng but not monay" offered Mondays, because the reader saw
only "after 7.30". Such a message's call times are left to advisors (rjmail.core.doubts).
"""

from __future__ import annotations

import re
from functools import lru_cache


def slip_in(words: str) -> bool:
    """`words` hold a slip of the keys on a time word that is not a greeting or a name."""
    ungreeted = _GREETING.sub(lambda m: " " * len(m.group()), words, count=1)  # positions kept
    return any(
        _misspelt_time_word(m.group().lower()) and not _a_name(words, m.start(), m.end())
        for m in _WORD.finditer(ungreeted)
    )


# Words one edit from one of these, and not themselves words people write ("mourning", "sundae"),
# are slips.
_TIME_WORDS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "weekday",
    "weekend",
    "morning",
    "afternoon",
    "evening",
    "except",  # "any evening exceot friday" offered Fridays only
)
_REAL_WORDS = frozenset(["mourning", "moaning", "sundae", "sundry", "excerpt", "funday"])
_CAPITAL = re.compile(r"[A-Z][a-z]+")
_CAPITAL_BEFORE = re.compile(r"\b([A-Z][a-z]+)[ \t]+$")
_NAME_BEFORE = re.compile(r"(?i)\b(?:i'?m|i\s+am|name\s+is|this\s+is|mr|mrs|ms|miss|dr)\.?\s+$")
# a sign-off: "Thanks, Frida" ending the message
_SIGN_OFF = re.compile(r"(?i)\b(?:thanks|thank\s+you|regards|cheers|love|ta|best|wishes|x+)[\s,.!]*$")


def _a_name(words: str, start: int, end: int) -> bool:
    """words[start:end] is written as a name: capitalised, after "I'm", "Thanks," and the like, or
    beside another capitalised word that is no time word ("Carol Munday", "Sundar Rao")."""
    if not words[start].isupper():
        return False
    if _NAME_BEFORE.search(words[max(0, start - 20) : start]):
        return True
    if not words[end:].strip(" \t\n.!,x") and _SIGN_OFF.search(words[max(0, start - 20) : start]):
        return True
    before = _CAPITAL_BEFORE.search(words[max(0, start - 20) : start])
    if before:  # not the first word of a sentence ("Call Tusday after 6")
        ahead = words[: start - len(before.group())].rstrip()
        if not ahead or ahead[-1] in ".!?\n":
            before = None
    after = _CAPITAL.match(words[end:].lstrip(" \t")) if words[end : end + 1] in (" ", "\t") else None
    near = [w.group(1) if w is before else w.group() for w in (before, after) if w]
    return any(w.lower() not in _TIME_WORDS and w.lower().rstrip("s") not in _TIME_WORDS for w in near)


# "Mornin," and "evenin all" open a message as a greeting: not a time at all
_GREETING = re.compile(r"(?i)^\s*(?:mornin|evenin)'?\b(?:[\s,!.]*all\b)?")
# slips more than one edit away, seen in people's mail
_SLIPS = frozenset(
    [
        "wensday",
        "wendsday",
        "wenesday",
        "wedsday",
        "evng",
        "evngs",
        "evnin",
        "evnins",
        "aftr",
        "afta",
        "wknd",
        "wknds",
    ]
)
_WORD = re.compile(r"[a-zA-Z]{4,}")


@lru_cache(maxsize=4096)  # bounded: a daemon reads words for months
def _misspelt_time_word(word: str) -> bool:
    stem = word[:-1] if word.endswith("s") else word
    if stem in _SLIPS:
        return True
    if word[0] not in "mtwfsae" or stem in _REAL_WORDS:
        return False
    return any(abs(len(stem) - len(t)) <= 1 and _one_edit(stem, t) for t in _TIME_WORDS)


def _one_edit(a: str, b: str) -> bool:
    """`a` is `b` with one letter left out, added, changed, or two next to each other swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diffs) == 1 or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
