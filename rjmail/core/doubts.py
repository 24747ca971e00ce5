"""Wording that makes any call times read from a message a guess, so advisors read them instead.

Each pattern here was found by a review reading call times wider than the person allowed: the
grammar (rjmail.core.timewords) reads the words one way, and a careful human sees another reading
as likely. Rather than teach the grammar to guess better, the message's call times are left
unclear (call_windows None, the words kept for advisors), which costs one automatic offer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rjmail.core.clock import WORD_HOUR
from rjmail.core.timecues import in_busy_clause

_SHORT_DAY = r"(?:mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun)"
_DAY = rf"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days?|{_SHORT_DAY}s?|week\s*days?|week\s*ends?)"
_PART = r"(?:mornings?|afternoons?|evenings?|eves|nights?|lunch\s*times?|daytimes?)"
_ONCE = (
    r"(?:tomorrow|tomorow|tommorow|tommorrow|tmrw|tmw|tmr|tomoz|tmoz|2mo+r+o+w?|today|2day|tonight|tonite|2nite|"
    r"2nyt|later\s+on)"
)
_CLOCK = rf"(?:\d{{1,2}}(?:[:.]\d{{2}})?|{WORD_HOUR}|noon|midday)"
_NOT_SPAN = r"(?!\s*(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?|mins?|minutes?|times?|of)\b)"
_BOUND = rf"(?:after|before|from|between|till|until)\s+{_CLOCK}"
_ASKS = r"(?:call|ring|phone|speak|talk|chat|best\s+time|good\s+time)"  # words asking for a time
_CLAUSE = r"(?:(?!\b(?:so|but|and|then)\b)[^.,;:!?\n])"  # a character of the same clause

# "Mon. or Tue. after 6", "not sat. or sun. cos he's home": a day's short name with a full stop and
# the words going on in lower case. Where that sentence ends is a guess, and two reviews found every
# guess tried read some call times wider than the person allowed.
DOTTED_DAY_GOES_ON = re.compile(rf"(?i)\b{_SHORT_DAY}\.(?=[ \t]+(?-i:[a-z0-9&]))")


@dataclass(frozen=True)
class _Doubt:
    name: str
    cues: tuple[str, ...]  # one of these is in the lowered text, or the pattern cannot match: cheap
    pattern: re.Pattern[str]
    before: re.Pattern[str] | None = None  # must match right before the pattern's match
    busy_too: bool = True  # False: not in a clause saying when the person is busy (timecues.BUSY)
    needs: re.Pattern[str] | None = None  # must be in the match's part of its sentence (_part)


_DOUBTS = (
    _Doubt("dotted day", (".",), DOTTED_DAY_GOES_ON),
    # "Best: Mon. Wed. Fri. Mornings." was read as Monday and Wednesday all day
    _Doubt("dotted day", (".",), re.compile(rf"(?i)\b{_SHORT_DAY}\.\s+{_SHORT_DAY}\b")),
    # "any day exept Mondays" was read as Mondays only: a misspelt "except" before a day or a part of
    # the day (one slip from "except" is found with the days' slips, below) ...
    _Doubt(
        "misspelt except",
        (
            "exep",
            "excp",
            "exse",
            "excep",
            "exec",
            "xcept",
            "ecxe",
            "excet",
            "acep",
            "expet",
        ),
        re.compile(
            r"(?i)\b(?:exept|excpet|exsept|excep|execpt|exepct|excet|excpt|xcept|ecxept|acept|expet)"
            rf"(?:\s+(?:for|on|the))*\s+(?:{_DAY}|{_PART})\b"
        ),
    ),
    # "Evenings are good, save for Tuesdays" offered Tuesday evenings only: "except" in words the
    # grammar does not know
    _Doubt(
        "except in other words",
        ("other then", "save for", "barring"),
        re.compile(rf"(?i)\b(?:other\s+then|save\s+for|barring)(?:\s+(?:on|the))*\s+(?:{_DAY}|{_PART})\b"),
    ),
    # ... or the real words people type for it ("expect", "accept") right after a time or its praise
    # ("Weekdays are fine expect for tuesday"; not "Call after 6pm, expect the evenings to be noisy")
    _Doubt(
        "misspelt except",
        ("expect", "accept"),
        re.compile(
            rf"(?i)\b(?:expect|accept)(?:\s+(?:for|on|the))*\s+(?:{_DAY}|{_PART})\b"
            r"(?!\s+to\s+(?:be|get)\b)"
        ),
        re.compile(rf"(?i)(?:\b(?:days?|times?|{_DAY}|{_PART}|fine|ok|okay|good|best)|\d|am|pm)\s+$"),
    ),
    # "Except Mondays, Tuesdays and Thursdays are best": Wednesday, Friday and the weekend, or
    # Tuesdays and Thursdays? "Except weekends after 5 is best": weekdays after 5, or any time but
    # weekend evenings? An "except" opening the sentence, then only days (and a bound) and praise,
    # reads both ways ("Except Mondays, evenings are good" does not).
    _Doubt(
        "except opening praise",
        ("except", "other th", "apart"),
        re.compile(
            rf"(?im)(?:^|[.!?]\s+)(?:but\s+)?(?:except(?:\s+for)?|other\s+th[ae]n|apart\s+from)\s+(?:on\s+)?(?!{_DAY}\s+(?:is|'s)\b){_DAY}(?:\s*(?:,|and|or|&|/)\s*{_DAY})*"
            r"(?:\s+(?:after|before|from|till|until)\s+\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?)?"
            r"\s+(?:(?:are|is|'re|'s)\s+(?:the\s+|all\s+)?(?:best|better|good|fine|ok|okay|ideal|great)|"
            r"(?:work|works|suit|suits)\s+(?:best|better|well|fine)?)\b"
        ),
    ),
    # "Mornings are best, except for Fridays when afternoons are better", "Afternoons suit me except
    # Mondays cos then it has to be before 11": a day with times of its own after the exception. Read
    # as an exclusion it offered the afternoons on every other day.
    _Doubt(
        "exception with its own times",
        ("except", "apart", "other than", "but"),
        re.compile(
            rf"(?i)\b(?:except|apart\s+from|other\s+than|but)\s+(?:for\s+|on\s+)?{_DAY}\b[\s,]*"
            rf"(?:when|where|as|because|cos|coz|then|that\s+day|those\s+days)\b[^.!?\n]{{0,40}}\b(?:{_PART}\b|"
            rf"(?:has|have|needs?|got|would\s+have)\s+to\s+be\s+(?:{_BOUND}|{_CLOCK})|"
            rf"(?:after|before|from|between|\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:am|pm)?)\b[^.!?\n]{{0,20}}"
            r"\b(?:(?:is|are|'s|'re|would\s+be)\s+(?:better|best|good|fine|ok|okay|easier|ideal)|suits?|"
            r"works?\s+(?:better|best)|please)\b)"
        ),
    ),
    # "I can do evenings, but Saturdays when the football's on are out" was read as Saturday
    # evenings only: words between the day and its "out"
    _Doubt(
        "day ruled out after an aside",
        ("but",),
        re.compile(
            rf"(?i)\bbut\s+(?:on\s+)?{_DAY}\b\s*,?\s+(?!(?:are|is)\b)[^.!?\n]{{1,40}}?\b(?:are|is|'s|'re)\s+"
            r"(?:out|off|no\s+good|not\s+(?:good|ok|okay|possible)|a\s+no(?:[\s-]go)?)\b"
        ),
    ),
    # "Mornings are hopeless, afternoons are ok": a time judged in words the grammar has no "no" for
    _Doubt(
        "time judged unsuitable",
        (
            "hopeless",
            "useless",
            "impossible",
            "terrible",
            "awful",
            "rubbish",
            "nightmare",
            "bad",
            "difficult",
            "hard",
            "tricky",
            "tough",
            "hectic",
            "manic",
            "chaos",
            "mad",
            "no go",
            "no-go",
            "nogo",
            "not ",
        ),
        re.compile(
            rf"(?i)\b(?:{_DAY}|(?!nights?\b){_PART})\s+(?:(?:are|is|'re|'s|r)\s+(?:\w+\s+){{0,2}}?(?:hopeless|"
            r"useless|impossible|terrible|awful|rubbish|a\s+nightmare|bad|difficult|hard|tricky|tough|hectic|"
            r"manic|chaos|chaotic|mad)|r\s+a\s+no[\s-]?go|(?:(?:are|is|r)\s+)?not\s+(?:great|ideal|brilliant|easy|"
            r"the\s+best))\b"
        ),
    ),
    # "Daytime is best, during the week", "after 6 during the week": the grammar reads no days in
    # "during the week", so the weekend was offered. Only beside a time, outside a busy clause ("I've
    # got the grandchildren in the week", "he's home every evening in the week")
    _Doubt(
        "during the week",
        ("week",),
        re.compile(
            rf"(?i)(?:\b(?:{_BOUND}|{_PART}|any\s*time|"
            r"(?<!\bwas\s)(?<!\bwere\s)(?<!\bfelt\s)(?:best|fine|ok|okay|good))\s*,?\s*)"
            r"(?:(?:during|in|through(?:out)?)\s+the\s+(?:working\s+)?week\b(?!\s*-?\s*ends?)|mid-?week\b)|"
            r"\b(?:(?:during|in|through(?:out)?)\s+the\s+(?:working\s+)?week\b(?!\s*-?\s*ends?)|mid-?week\b)\s*,?\s*"
            rf"(?:{_BOUND}|{_PART}|any\s*time)\b"
        ),
        busy_too=False,
    ),
    # "Could you call me at 6 on Thursday": a clock time the grammar has no span for, tied to a day
    # it reads as the whole day
    _Doubt(
        "clock time on a day",
        ("at ", "around ", "about ", "is "),
        re.compile(
            rf"(?i)\b{_ASKS}\b{_CLAUSE}{{0,30}}?\b(?:at|around|about|is)\s+{_CLOCK}"
            rf"\s*(?:am|pm|o'?clock)?{_NOT_SPAN}\s+(?:on\s+|in\s+the\s+|any\s+|every\s+)?(?:a\s+)?(?:{_DAY}|{_PART})\b|"
            rf"\b{_ASKS}\b{_CLAUSE}{{0,30}}?\b{_DAY}\s+(?:at|around|about)\s+"
            rf"{_CLOCK}\b{_NOT_SPAN}(?!\s*(?:-|to|till|until|and)\s*\d)"
        ),
    ),
    # "between 11 in the morning and 3 in the afternoon" was read as the whole morning and afternoon
    _Doubt(
        "range cut by a part of the day",
        ("between", "in the", "at "),
        re.compile(
            rf"(?i)\bbetween\s+{_CLOCK}\s*(?:am|pm|o'?clock)?\s+(?:in\s+the|at)\s+{_PART}|"
            rf"\b{_CLOCK}\s*(?:am|pm|o'?clock)?\s+(?:in\s+the|at)\s+{_PART}\s*(?:to|till|until|-|and)\s+{_CLOCK}"
        ),
    ),
    # "around 6ish", "between 10ish and 12ish": an edge the person left loose is no window's edge
    _Doubt(
        "approximate time",
        ("ish",),
        re.compile(
            rf"(?i)\b(?:(?:1[0-2]|0?[1-9])(?:[:.]\d{{2}})?|{WORD_HOUR}|noon|midday)\s*-?\s*ish\b"
            r"(?!\s*(?:\w+\s+)?(?:last|yesterday|ago)\b)"
        ),
    ),
    # "ring me tomorrow after 5", "after 5 tonight": once, not every day. The once-word and the clock
    # time in one clause ("Today is 2 years since", "thanks for the call today, in future after 5" are
    # no call times)
    _Doubt(
        "one-off time",
        ("tom", "tmr", "tmw", "today", "tonight", "tonite", "later", "2mo", "2ni", "2ny", "2da", "tmo"),
        re.compile(
            rf"(?i)\b{_ONCE}\b(?:(?!\bin\s+future\b){_CLAUSE}){{0,30}}?"
            rf"\b(?:after|before|between|from|by|till|until|at|around|about)\s+{_CLOCK}(?:\s*(?:am|pm))?\b{_NOT_SPAN}|"
            rf"\b{_ONCE}\s+(?:at\s+)?\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:am|pm)\b|"
            rf"\b(?:after|before|between|from|by|till|until)\s+\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:am|pm)?"
            rf"[^.!?\n]{{0,20}}?\b{_ONCE}\b"
        ),
        needs=re.compile(
            r"(?i)\b(?:call|ring|phone|speak|talk|chat|contact|reach|free|around|available|pls|please|plz|"
            r"suits?|works?|good|fine|best|ok|okay|perfect|ideal|poss(?:ible)?)\b|\?|"
            r"\b(?:i'?m|i\s+am|i'?ll\s+be|we'?re)\s+(?:in|home|about|around|here|free|off|available|up)\b|\bat\s+home\b"
        ),
    ),
    # "I cant do any day but Wednesday": the day left is the one that suits, not the one ruled out
    _Doubt(
        "no day but one",
        ("but",),
        re.compile(r"(?i)\b(?:any|every)\s*(?:day|time)\s+but\b"),
        re.compile(
            r"(?i)\b(?:can'?t|cannot|can\s+not|couldn'?t|never|busy|tied\s+up|booked\s+up|work(?:ing|s)?|"
            rf"not\s+(?:free|available|around|about|home|in))\b{_CLAUSE}{{0,30}}$"
        ),
    ),
    # "sat he's at home all day so dont call. sun after 11 is safe", "sun's fine. weekdays no": a
    # weekend day's short name opening a sentence is a day the grammar leaves unread ("sat" and "sun"
    # are words too: "Sat the kids down", "Sun, sea and no signal"), so the other times were offered on it
    _Doubt(
        "weekend day opening a sentence",
        ("sat", "sun"),
        re.compile(
            r"(?im)(?:^|[.!?]\s+)(?!sun\s+is\s+out\b)(?:sat|sun)s?(?:'s)?\b(?=\s*(?:[:-]|"
            rf",\s*(?:{_BOUND}|(?:no|not|never|only|pls|please|ok|okay|fine|good|best|\d)\b)|"
            rf"(?:he|she|they|i|we)\b|(?:he|she|they)'|{_BOUND}|"
            r"(?:no|not|never|only|pls|please|ok|okay|fine|good|best)\b|"
            r"\d(?![\d:.]*\s*(?:hours?|hrs?|mins?|minutes?|days?|weeks?|months?|years?|yrs?|times?)\b)|"
            r"(?:is|are)\s+(?:no|not|never|bad|out|off|fine|ok|okay|good|best|better|safe)\b|isn'?t|aren'?t))"
        ),
    ),
)


def doubt_in(words: str) -> str | None:
    """The name of the first wording in `words` that makes its call times a guess, or None."""
    lowered = words.lower()
    for doubt in _DOUBTS:
        if any(cue in lowered for cue in doubt.cues) and _found(doubt, words):
            return doubt.name
    ungreeted = _GREETING.sub(lambda m: " " * len(m.group()), words, count=1)  # positions kept
    for m in _WORD.finditer(ungreeted):
        if _misspelt_time_word(m.group().lower()) and not _a_name(words, m.start(), m.end()):
            return "misspelt day or part of the day"
    return None


def _found(doubt: _Doubt, words: str) -> bool:
    for m in doubt.pattern.finditer(words):
        if doubt.before is not None and not doubt.before.search(words, max(0, m.start() - 40), m.start()):
            continue
        if doubt.needs is not None and not doubt.needs.search(_part(words, m.start(), m.end())):
            continue
        if doubt.busy_too or not in_busy_clause(words, m.start(), m.end()):
            return True
    return False


# where a part of a sentence ends: "Today at 6 he turned up and I had to ring 999" ("and" between
# two clock times is a range: "between 2 and 4")
_PART_BREAK = re.compile(
    r"(?i)[.;:!?\n]|\b(?:and(?!\s*\d)|so|but|then|because|cos|coz|as|while|whilst|although|though)\b"
)


def _part(words: str, start: int, end: int) -> str:
    begin = max((m.end() for m in _PART_BREAK.finditer(words, 0, start)), default=0)
    after = _PART_BREAK.search(words, end)
    return words[begin : after.start() if after else len(words)]


# "weekdys after 7.30 in the evng but not monay" offered Mondays: a day or part of the day the
# grammar cannot read because of one slip of the keys. Words one edit from one of these, and not
# themselves words people write ("mourning", "money", "sundae"), are such slips.
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
_REAL_WORDS = frozenset(["mourning", "moaning", "money", "monkey", "sundae", "sundry", "excerpt", "funday"])
_CAPITAL = re.compile(r"[A-Z][a-z]+")
_CAPITAL_BEFORE = re.compile(r"\b([A-Z][a-z]+)[ \t]+$")
_NAME_BEFORE = re.compile(r"(?i)\b(?:i'?m|i\s+am|name\s+is|this\s+is|it'?s|mr|mrs|ms|miss|dr)\.?\s+$")
# a sign-off: "Thanks, Frida" ending the message
_SIGN_OFF = re.compile(r"(?i)\b(?:thanks|thank\s+you|regards|cheers|love|from|ta|best|wishes|x+)[\s,.!]*$")


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
    after = _CAPITAL.match(words[end:].lstrip()) if words[end : end + 1].isspace() else None
    near = [w.group(1) if w is before else w.group() for w in (before, after) if w]
    return any(
        w.lower() not in _TIME_WORDS and w.lower().rstrip("s") not in _TIME_WORDS and w != "I" for w in near
    )


# "Mornin," and "evenin all" open a message as a greeting: not a time at all
_GREETING = re.compile(r"(?i)^\s*(?:mornin|evenin)'?\b(?:[\s,!.]*all\b)?")
# slips more than one edit away, seen in people's mail
_SLIPS = frozenset(["wensday", "wendsday", "wenesday", "wedsday", "evng", "evngs", "evnin", "evnins"])
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
