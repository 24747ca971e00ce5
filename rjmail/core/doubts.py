"""Wording that makes any call times read from a message a guess, so advisors read them instead.

Each pattern here was found by a review reading call times wider than the person allowed: the
grammar (rjmail.core.timewords) reads the words one way, and a careful human sees another reading
as likely. Rather than teach the grammar to guess better, the message's call times are left
unclear (call_windows None, the words kept for advisors), which costs one automatic offer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rjmail.core.clock import WORD_HOUR
from rjmail.core.slips import slip_in
from rjmail.core.timecues import in_busy_clause

_SHORT_DAY = r"(?:mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun)"
_DAY = rf"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days?|{_SHORT_DAY}s?|week\s*days?|week\s*ends?)"
_PART = r"(?:mornings?|afternoons?|evenings?|eves|nights?|lunch\s*times?|daytimes?)"
_ONCE = (
    r"(?:tomorrow|tomorow|tommorow|tommorrow|tomorro|tomora|tmrw|tmw|tmr|tomoz|tmoz|tmoro|2mo+r+[oa]+w?|today|2day|"
    r"tonight|tonite|2nite|2nyt|later\s+on)"
)
_CLOCK = rf"(?:\d{{1,2}}(?:[:.]\d{{2}})?|{WORD_HOUR}|noon|midday)"
_NOT_SPAN = r"(?!\s*(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?|mins?|minutes?|times?|of)\b)"
_BOUND = rf"(?:after|before|from|between|till|until)\s+{_CLOCK}"
_ASKS = r"(?:call|ring|phone|speak|talk|chat|best\s+time|good\s+time)"  # words asking for a time
# a call or availability word: in the part of a sentence with a one-off time, that time is for the call
_CALLING = re.compile(
    r"(?i)\b(?:call|ring|phone|speak|talk|chat|contact|reach|free|around|available|pls|please|plz|"
    r"suits?|works?|good|fine|best|ok|okay|perfect|ideal|poss(?:ible)?)\b|"
    r"\b(?:i'?m|i\s+am|i'?ll\s+be|we'?re)\s+(?:in|home|about|around|here|free|off|available|up)\b|\bat\s+home\b"
)
_CLAUSE = r"(?:(?!\b(?:so|but|and|then)\b)[^.,;:!?\n])"  # a character of the same clause

# "Mon. or Tue. after 6", "not sat. or sun. cos he's home": a day's short name with a full stop and
# the words going on in lower case. Where that sentence ends is a guess, and two reviews found every
# guess tried read some call times wider than the person allowed.
_DOTTED_DAY_GOES_ON = re.compile(rf"(?i)\b{_SHORT_DAY}\.(?=[ \t]+(?-i:[a-z0-9&]))")


@dataclass(frozen=True)
class _Doubt:
    name: str
    cues: tuple[str, ...]  # one of these is in the lowered text, or the pattern cannot match: cheap
    pattern: re.Pattern[str]
    before: re.Pattern[str] | None = None  # must match right before the pattern's match
    busy_too: bool = True  # False: not in a clause saying when the person is busy (timecues.BUSY)
    needs: re.Pattern[str] | None = None  # must be in the match's part of its sentence (_part)


_DOUBTS = (
    _Doubt("dotted day", (".",), _DOTTED_DAY_GOES_ON),
    # "Best: Mon. Wed. Fri. Mornings." was read as Monday and Wednesday all day (not "Tue or Fri. Wed")
    _Doubt("dotted day", (".",), re.compile(rf"(?i)(?<!\Wor\s)(?<!and\s)\b{_SHORT_DAY}\.\s+{_SHORT_DAY}\b")),
    # "any day exept Mondays" was read as Mondays only: a misspelt "except" before a day or a part of
    # the day (one slip from "except" is found with the days' slips, rjmail.core.slips) ...
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
        re.compile(
            rf"(?i)(?:\b(?:days?|times?|{_DAY}|{_PART}|fine|ok|okay|good|best)|\d|am|pm)(?:\s*[,;])?\s+$"
        ),
    ),
    # "Except Mondays, Tuesdays and Thursdays are best": Wednesday, Friday and the weekend, or
    # Tuesdays and Thursdays? "Except weekends after 5 is best": weekdays after 5, or any time but
    # weekend evenings? An "except" opening the sentence, then only days (and a bound) and praise,
    # reads both ways ("Except Mondays, evenings are good" does not).
    _Doubt(
        "except opening praise",
        ("except", "other th", "apart"),
        re.compile(
            r"(?im)(?:^|[.!?]\s+)(?:but\s+)?(?:except(?:\s+for)?|other\s+th[ae]n|apart\s+from)\s+(?:on\s+)?"
            rf"(?!{_DAY}\s+(?:is|'s)\b){_DAY}(?:\s*(?:,|and|or|&|/)\s*{_DAY})*"
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
            "chaotic",
            "mad",
            "no go",
            "no-go",
            "nogo",
            "not ",
        ),
        re.compile(
            rf"(?i)\b(?:{_DAY}|(?!nights?\b){_PART})(?:(?:\s+(?:are|is|r)|'s|'re)\s+(?:\w+\s+){{0,2}}?(?:hopeless|"
            r"useless|impossible|terrible|awful|rubbish|a\s+nightmare|bad|difficult|hard|tricky|tough|hectic|"
            r"manic|chaos|chaotic|mad)|\s+r\s+a\s+no[\s-]?go|(?:\s+(?:are|is|r)|'s)?\s+not\s+(?:great|ideal|brilliant|easy|"
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
            rf"{_CLOCK}(?:\s*(?:am|pm|o'?clock))?\b{_NOT_SPAN}(?!\s*(?:-|to|till|until|and)\s*\d)"
        ),
    ),
    # "I start at the factory at 6 in the morning": a busy clock time on a part of the day, read as
    # the whole part
    _Doubt(
        "busy clock time on a part of the day",
        ("start", "finish", "leave", "get up", "work", "shift"),
        re.compile(
            rf"(?i)\b(?:start|finish|leave|get\s+up|work|shift)\w*\b{_CLAUSE}{{0,30}}?\bat\s+{_CLOCK}\s*"
            rf"(?:am|pm|o'?clock)?\s+(?:in\s+the\s+|at\s+)(?:{_PART})\b"
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
            rf"\b(?:after|before|between|from|by|till|until)\s+\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:[ap]\.?m\b\.?)?"
            rf"[^.!?\n]{{0,20}}?\b{_ONCE}\b"
        ),
        needs=_CALLING,
    ),
    # "Weekdays (excl. Weds) after 5" and "evenings unless it's a Friday" were read as the day ruled out
    _Doubt(
        "exclusion the grammar turns round",
        ("(", "unless"),
        re.compile(
            r"(?i)\(\s*(?:excl?|except|not|no|but\s+not)\b\.?[^)\n]{0,30}\)|"
            rf"\bunless\b[^.!?\n]{{0,20}}\b(?:{_DAY}|{_PART})\b"
        ),
    ),
    # "Tuesday not till after 7:30 though" offered Tuesday 17:00-19:30, the very hours ruled out; "8 at
    # the latest", "any time gone 7": bounds the grammar has no word for
    _Doubt(
        "bound in other words",
        ("not", "no ", "never", "latest", "earliest", "gone"),
        re.compile(
            rf"(?i)\b{_DAY}\s*,?\s*(?:not|no|never)\s+(?:till|until|til|before|earlier\s+than)\b|"
            r"(?<!till\s)(?<!until\s)(?<!after\s)(?<!before\s)(?<!from\s)\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?\s+"
            rf"at\s+the\s+(?:latest|earliest)\b|\bgone\s+{_CLOCK}\b"
        ),
    ),
    # "The one day that doesn't work is Monday", "Mon-Thurs are fine, Fri-Sun are not", "Thursday is
    # when he visits, so not then": ruled out in words the grammar reads as the day that suits
    _Doubt(
        "day ruled out in other words",
        ("one day", "only day", "not"),
        re.compile(
            r"(?i)\b(?:one|only)\s+day\b[^.!?\n]{0,30}\b(?:doesn'?t|does\s+not|don'?t|can'?t|cannot|won'?t|"
            rf"isn'?t|is\s+not|no\s+good)\b|\b{_DAY}(?:\s*-\s*{_DAY})?\s+(?:are|is)\s+not\b(?=\s*(?:[.,;!?\n]|$))|"
            rf"\b{_DAY}\b\s+(?:is|are)\s+when\b[^.!?\n]{{0,60}}\bnot\s+then\b"
        ),
    ),
    # "Mornings used to suit me", "Weekends were fine until he moved back in": times that suited once
    _Doubt(
        "time that suited once",
        ("used to", "was ", "were "),
        re.compile(
            rf"(?i)\bused\s+to\s+(?:suit|be\s+(?:fine|good|ok|okay|free|best|better))\b|"
            rf"\b(?:{_DAY}|{_PART})\s+(?:was|were)\s+(?:fine|free|good|ok|okay|best|better)\b|"
            rf"\b(?:was|were)\s+(?:free|available)\s+(?:on\s+|in\s+the\s+)?(?:{_DAY}|{_PART})\b"
        ),
    ),
    # "On Tuesdays I finish at 3 so after that is good": "after that" points back to a clock time (not
    # "before 11am, after that I'm drowsy", where it only says why)
    _Doubt(
        "after that",
        ("after that", "after then"),
        re.compile(
            r"(?i)\d[^.!?\n]{0,40}\bafter\s+(?:that|then)\s*(?:is|'s|would\s+be|are)?\s*(?:good|fine|ok|okay|best|"
            r"better|great|suits?|works?|please|pls)\b|"
            r"\d[^.!?\n]{0,60}\b(?:call|ring|phone)\w*\s+(?:me\s+|us\s+)?after\s+(?:that|then)\b"
        ),
    ),
    # "Weekends, except when it's my turn with the kids", "every other Tuesday", "the first Monday of
    # the month": a condition or a repeat the windows cannot hold
    _Doubt(
        "condition or repeat",
        ("except", "unless", "other", "alternate", "fortnight", "second", "2nd", "third", "3rd", "month"),
        re.compile(
            r"(?i)\b(?:except|unless)\s+(?:when|whenever|if|on\s+days?\s+when)\b|"
            r"\b(?:every\s+(?:other|second|2nd|third|3rd)|alternate|fortnightly)\b|"
            rf"\b(?:first|last|second|third|fourth|1st|2nd|3rd|4th)\s+{_DAY}\s+(?:of|in)\s+(?:the|each|every)\s+month\b"
        ),
    ),
    # "after the school run and before pick-up": a bound on an event, with no clock time
    _Doubt(
        "bound on an event",
        ("after", "before", "until", "till"),
        re.compile(
            r"(?i)\b(?:after|before|until|till)\s+(?:the\s+|my\s+)?(?:school\s+run|pick[\s-]?up|drop[\s-]?off|work|"
            r"tea|dinner|school|college|uni|(?:my\s+)?shift|the\s+kids)\b"
        ),
    ),
    # "only free this week: Wed and Fri after 1", "Monday coming", "on the 14th", "in the next hour":
    # one-off days, where someone asks for a call
    _Doubt(
        "one-off day",
        ("this ", "next ", "coming", " the ", "hour"),
        re.compile(
            rf"(?i)\b(?:this|next|coming)\s+(?:{_DAY}|week)\b|\b{_DAY}\s+coming\b|\bon\s+the\s+\d{{1,2}}(?:st|nd|rd|th)\b|"
            r"\bin\s+the\s+next\s+(?:hour|few\s+hours|couple\s+of\s+hours)\b"
        ),
        needs=_CALLING,
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
    lowered = " ".join(words.lower().split())  # cues hold single spaces: "in  the" and "at\n" match
    for doubt in _DOUBTS:
        if any(cue in lowered for cue in doubt.cues) and _found(doubt, words):
            return doubt.name
    if slip_in(words):
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
    r"(?i)(?<!\b[ap])(?<![ap]\.m)\.(?!\d)|[;:!?\n]|\b(?:and(?!\s*\d)|so|but|then|because|cos|coz|as|while|whilst|although|though)\b"
)


def _part(words: str, start: int, end: int) -> str:
    # from at most 200 characters back: each match would otherwise rescan the text from its start
    begin = max((m.end() for m in _PART_BREAK.finditer(words, max(0, start - 200), start)), default=0)
    after = _PART_BREAK.search(words, end)
    return words[begin : after.start() if after else len(words)]
