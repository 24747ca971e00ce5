"""Read a person's reply to a numbered call offer: a slot, none of them, other times, or unclear.

Never guess: anything ambiguous is "unclear", so the person is asked again and advisors can read it.

1. The reply is cut at its sign-off or signature; e-mail addresses, links, phone numbers and case
   references are blanked, and idioms are settled first ("no problem" is not a refusal, "I don't mind"
   means any, "good morning" is not a time).
2. Mentions are found (and blanked, so each piece of text counts once) in this order: times ("10:30",
   "2pm", "half ten", "at 2", "noon"), dates ("8 December", "8/12"), option numbers ("option 2", "#2",
   "no. 2"), ordinals ("2nd", "the second one"; "2nd" may also be a date), weekdays, "morning" /
   "afternoon", bare digits 1-9 and "two".."nine". Each mention stands for the offered slots it fits.
3. The reply is split into clauses (at . , ; ! ? new lines and "but", "so", "because"...). In a clause,
   mentions joined by "or", and any two of the same kind ("2 3", "Tuesday and Wednesday"), are
   alternatives; others describe one slot together ("Tuesday at 10:30" is Tuesday AND 10:30), and if
   they contradict each other ("2 - Tuesday" when 2 is Wednesday) the reply is unclear.
4. A reference is negative when a negation ("not", "can't", "doesn't work") comes before it in its clause,
   or after it with nothing mentioned after the negation ("2 doesn't work for me").
5. The answer is the single slot every positive reference agrees on, minus negative ones; "any" picks the
   first slot not ruled out; "none"/"can't do any of them" is none; "another time", "evenings" or asking
   for a time not offered is other_times. Mixed signals (a slot and "none", two slots) are unclear.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from rjmail.core.addresses import ADDRESS_OR_LINK
from rjmail.core.choice_words import english_choice_words
from rjmail.core.slots import Slot

MAX_CHARS = 4000  # a choice is a line or two; the rest is signatures and disclaimers
_MASK = "§"  # stands in for text already read as a mention
_PLAIN = str.maketrans({_MASK: " ", "\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u2013": "-"})


@dataclass(frozen=True)
class Choice:
    kind: str  # "slot" | "none" | "unclear" | "other_times" | "silent" (says nothing about the times)
    number: int | None = None  # 1-based option number, only for kind "slot"


UNCLEAR = Choice("unclear")
SILENT = Choice("silent")
# "yes", "OK", "either is fine": an answer to the offer that does not say which, worth asking once
_ANSWERS = re.compile(
    r"(?i)\b(?:yes|yeah|yep|ok(?:ay)?|sure|unsure|fine|option|slot|times?|first|second|third|which|either|"
    r"both|one)\b"
)
_NUM = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_ORD = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
}
_DAY = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_MON = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_W = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_MER = r"(?:\s*([ap])\.?m\b\.?)?"
_MONTHS = (
    r"(january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|"
    r"september|sept|sep|october|oct|november|nov|december|dec)\b"
)
_SUFFIX = r"(st|nd|rd|th)?"

_CUT = re.compile(
    r"(?:--|__+|-{3,}|sent from\b|get outlook\b|on .{0,100} wrote:?$|from: |disclaimer|"
    r"this (?:e-?mail|message) (?:and|is|may|contains)|confidential|if you (?:are not|have "
    r"received)|(?:(?:kind |best |warm )?(?:regards|wishes)|cheers|many thanks)"
    r"[\s,.!]*[a-z]*[\s,.!]*$)"
)
# addresses, links, case and crime references ("36/55555/26"), long numbers: never a choice
_BLANK = re.compile(
    rf"{ADDRESS_OR_LINK}|\brj-[a-z0-9]+-\d{{4}}-\d+\b|\+?\d(?:[\s().-]?\d){{8,}}|"
    r"\b\d{2}/\d{4,}/\d{2,4}\b|\b[a-z]{0,4}\d{5,}\b"  # "36/55555/26", never a date ("9/12/2026")
)
_NEUTRAL = re.compile(
    r"\bno (?:problem|worries|bother|rush)\b|\bnot a problem\b|\bnot sure\b|\bunsure\b|"
    r"\b(?:don't|do not) know\b|\bif not\b|\bgood (?:morning|afternoon|evening|day)\b|"
    r"\bthis (?:morning|afternoon|evening)\b|\bfirst of all\b|\bat first\b|"
    r"\A\s*(?:morning|afternoon|evening)\b(?=\s*[,!.\n])"
)
_ANYOK = re.compile(
    r"\b(?:don't|do not|doesn't|does not|wouldn't|would not|won't|didn't)\s+(?:mind|matter)"
    r"\b|\bno preference\b|\bnot (?:fussy|bothered)\b"
)
_CUE = re.compile(
    r"\b(?:not|no|never|cannot|cant|wont|dont|doesnt|unable|busy|except|unavailable|"
    r"impossible|neither|nor|none|away|working|at work)\b|n't\b"
)
_ANY = re.compile(
    r"\bany(?:thing)?(?=\s*(?:$|[.,!;]|except\b))|\bany(?:thing)?\s+(?:of\s+(?:them|those|"
    r"these|the\s+\w+)|one|time|slot|option|day|date|is|are|will|would|works?|suits?)\b|"
    r"\beither\s+(?:one|is|of|would|will|works?)\b|\ball\s+(?:of\s+(?:them|those|these|the\s+\w+)|three|two|four|five|"
    r"the\s+(?:times|slots|dates|options)|times|slots|options|work|suit|fine|ok|okay)\b"
)
_ALL = re.compile(r"\b(?:any|anything|either|all|those|these|them|they|the (?:times|slots|dates|options))\b")
_NONE = re.compile(r"\b(?:none|neither)\b|\bno good\b")
_OTHER = re.compile(
    r"\b(?:another|other|different|alternative|later|earlier|more)\s+(?:times?|days?|"
    r"dates?|slots?|week|options?)\b|\bevenings?\b|\bweekends?\b|\binstead\b|\bnext week\b|"
    r"\b(?:after|before)\s+(?:\d|noon|midday|lunch|work|school)"
)
_ASK = re.compile(r"\?|\b(?:can|could|would|possible|how about|what about|prefer|rather|better)\b")
# A comma between two mentions lists them ("1, 2 or 3"); elsewhere it ends a clause.
_SPLIT = re.compile(
    r"[;!?\n]|\.(?=\s|$)|(?<!§),(?=\s|$)|(?<=§),(?=\s*[^\s§]|\s*$)|"
    r"\b(?:but|however|though|although|otherwise|so|because|as|since|then|instead)\b"
)
_OR = re.compile(r"\b(?:or|nor)\b|[/&]")


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    kind: str
    slots: frozenset[int]


@dataclass
class _Reading:
    positive: list[frozenset[int]] = field(default_factory=list)
    negative: set[int] = field(default_factory=set)
    bad: bool = False  # an option number not offered ("5" of 3), or a contradiction ("2 - Tuesday")
    any: bool = False
    none: bool = False


_Found = tuple[str, frozenset[int]] | None


def _where(local: Sequence[datetime], test: Callable[[datetime], bool]) -> frozenset[int]:
    return frozenset(i for i, t in enumerate(local) if test(t))


def _time(hour: str, minute: int, meridiem: str | None, local: Sequence[datetime]) -> _Found:
    h = int(hour) if hour.isdigit() else _NUM.get(hour, 99)
    if h > 23 or (meridiem and not 1 <= h <= 12):
        return None
    # Without am/pm "2" or "2:30" may be either half of the day; the offered slots decide.
    hours = {h % 12 + (12 if meridiem == "p" else 0)} if meridiem else {h, h + 12} if 0 < h < 12 else {h}
    return "time", _where(local, lambda t: t.hour in hours and t.minute == minute)


def _date(day: str, month: str | None, suffix: str | None, local: Sequence[datetime]) -> _Found:
    if month is not None and month.startswith("may") and not suffix:
        return None  # "2 may work" is not the 2nd of May
    d, m = int(day), _MON[month[:3]] if month else None
    return "date", _where(local, lambda t: t.day == d and m in (None, t.month))


def _option(number: str, local: Sequence[datetime]) -> _Found:
    n = int(number) if number.isdigit() else _NUM.get(number, _ORD.get(number, 0))
    return "option", frozenset({n - 1}) if 1 <= n <= len(local) else frozenset()


def _ordinal(m: re.Match[str], local: Sequence[datetime]) -> _Found:
    """ "2nd" is the second option or the 2nd of the month: both readings count (two slots = unclear)."""
    option, date = _option(m[1], local), _date(m[1], None, None, local)
    return "ordinal", (option[1] if option else frozenset()) | (date[1] if date else frozenset())


def _bare_word(m: re.Match[str], local: Sequence[datetime]) -> _Found:
    # "the two times", "either of the two" count the offers, they do not choose one.
    return None if re.search(r"\b(?:the|of|all)\s+$", m.string[: m.start()]) else _option(m[1], local)


_Finder = Callable[[re.Match[str], Sequence[datetime]], _Found]
_FINDERS: list[tuple[re.Pattern[str], _Finder]] = [
    (re.compile(r"\bhalf\s+(?:past\s+)?" + _W + r"\b" + _MER), lambda m, t: _time(m[1], 30, m[2], t)),
    (re.compile(r"\b" + _W + r"\s+thirty\b" + _MER), lambda m, t: _time(m[1], 30, m[2], t)),
    (re.compile(r"\b(\d{1,2})[:.]([0-5]\d)\b" + _MER), lambda m, t: _time(m[1], int(m[2]), m[3], t)),
    (
        re.compile(r"\b" + _W + r"(?:\s*([ap])\.?m\b\.?|\s*o'?\s?clock\b)"),
        lambda m, t: _time(m[1], 0, m[2], t),
    ),
    (re.compile(r"\b(?:12\s*)?(?:noon|midday)\b"), lambda m, t: _time("12", 0, None, t)),
    (
        re.compile(
            r"(?:\bat|@)\s*(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
            r"(?![:.]\d)"
        ),
        lambda m, t: _time(m[1], 0, None, t),
    ),
    # "I work until 3", "after 11": limits, not choices; blanked so "3" is not read as option 3.
    (
        re.compile(r"\b(?:until|till|after|before|from|by|between)\s+\d{1,2}\b(?:\s*(?:and|-)\s*\d{1,2}\b)?"),
        lambda m, t: ("limit", frozenset()),
    ),
    (
        re.compile(r"\b(\d{1,2})" + _SUFFIX + r"\s+(?:of\s+)?" + _MONTHS),
        lambda m, t: _date(m[1], m[3], m[2], t),
    ),
    (
        re.compile(r"\b" + _MONTHS + r"\s+(?:the\s+)?(\d{1,2})" + _SUFFIX + r"\b"),
        lambda m, t: _date(m[2], m[1], m[3], t),
    ),
    (
        re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(?:\d{4}|\d{2}))?\b"),
        lambda m, t: _date(m[1], None, None, t) if 1 <= int(m[2]) <= 12 else None,
    ),
    (
        re.compile(r"(?:\b(?:option|number|num|slot|choice)\s*|#\s*)(?:no\.?\s*|#\s*)?" + _W + r"\b"),
        lambda m, t: _option(m[1], t),
    ),
    (re.compile(r"\bno\.?\s*(\d)\b(?![:.]\d)"), lambda m, t: _option(m[1], t)),
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b"), _ordinal),
    (
        re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b"),
        lambda m, t: _option(m[1], t),
    ),
    (re.compile(r"\bthe\s+last\b|\blast\s+(?:one|option|slot|time)\b"), lambda m, t: _option(str(len(t)), t)),
    (
        re.compile(
            r"\b(monday|mon|tuesday|tues|tue|wednesday|weds|wed|thursday|thurs|thur|thu|friday|fri|"
            r"saturday|sunday)s?\b"
        ),
        lambda m, t: ("weekday", _where(t, lambda s: s.weekday() == _DAY[m[1][:3]])),
    ),
    (
        re.compile(r"\b(morning|afternoon)s?\b"),
        lambda m, t: ("period", _where(t, lambda s: (s.hour < 12) == (m[1] == "morning"))),
    ),
    (re.compile(r"(?<![\w.:/£$§])(\d)(?![\w%:/§]|[.:]\d)"), lambda m, t: _option(m[1], t)),
    (re.compile(r"\b(two|three|four|five|six|seven|eight|nine)\b"), _bare_word),
]


def interpret_choice(text: str, offered: Sequence[Slot], tz: ZoneInfo) -> Choice:
    """What the reply `text` (quoted history already stripped) chooses from the numbered `offered`."""
    local = [slot.start.astimezone(tz) for slot in offered]
    clean = _clean(text)
    masked, mentions = _mentions(clean, local)
    reading, starts = _Reading(), [m.start for m in mentions]
    for begin, end in _clauses(masked):
        inside = mentions[bisect_left(starts, begin) : bisect_left(starts, end)]
        _read_clause(masked, begin, end, inside, reading)
    other = bool(_OTHER.search(clean))  # unmasked: "after 3pm" keeps its time
    if reading == _Reading() and not other and len(clean.split()) >= 4 and not _ANSWERS.search(clean):
        # "Can I bring my mum to the meeting?", a crime number: a sentence about something else.
        # Short replies ("Tak", "segunda", "thank you") are still asked about once.
        return SILENT
    return _decide(reading, len(offered), other=other, ask=bool(_ASK.search(masked)))


def _decide(r: _Reading, count: int, *, other: bool, ask: bool) -> Choice:
    if r.bad or r.positive:
        return _decide_positive(r, other=other, ask=ask)
    if other:
        return Choice("other_times")
    left = [i for i in range(count) if i not in r.negative]
    if r.any and not r.none:
        return Choice("slot", left[0] + 1) if left else Choice("none")
    if (r.none and not r.any) or (count and r.negative and not left):
        return Choice("none")  # also "I can't do 1, 2 or 3"
    return UNCLEAR


def _decide_positive(r: _Reading, *, other: bool, ask: bool) -> Choice:
    """Something was mentioned: every positive reference must agree on one slot."""
    if r.bad:
        return UNCLEAR
    chosen = frozenset.intersection(*r.positive) - r.negative
    if not chosen and (other or ask) and any(not p for p in r.positive):
        return Choice("other_times")  # asks for a day or time we did not offer
    if len(chosen) != 1 or other or r.none:
        return UNCLEAR
    return Choice("slot", min(chosen) + 1)


def _clean(text: str) -> str:
    text = english_choice_words(text[:MAX_CHARS].lower().translate(_PLAIN))  # pl, lt, ro, pt replies
    text = re.sub(r"\bcan not\b", "cannot", text)
    text = re.sub(r"\b(any(?:thing)?|all)\s+(?:but|apart from|other than)\b", r"\1 except", text)
    lines = text.splitlines()
    for index, line in enumerate(lines[1:], start=1):
        if _CUT.match(line.strip()):
            lines = lines[:index]
            break
    text = _BLANK.sub(" ", "\n".join(lines))
    text = _NEUTRAL.sub(" ", text)
    return _ANYOK.sub(" anyok ", text)


def _mentions(text: str, local: Sequence[datetime]) -> tuple[str, list[_Mention]]:
    """Find every mention in FINDERS order, blanking each so later patterns cannot reuse its text."""
    found: list[_Mention] = []
    for pattern, finder in _FINDERS:
        for match in list(pattern.finditer(text)):
            result = finder(match, local)
            if result is not None:
                if result[0] != "limit":
                    found.append(_Mention(match.start(), match.end(), result[0], result[1]))
                text = text[: match.start()] + _MASK * (match.end() - match.start()) + text[match.end() :]
    return text, sorted(found, key=lambda m: m.start)


def _clauses(text: str) -> list[tuple[int, int]]:
    cuts = [0, *(m.start() for m in _SPLIT.finditer(text)), len(text)]
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def _read_clause(text: str, begin: int, end: int, mentions: list[_Mention], r: _Reading) -> None:
    cues = [m.start() for m in _CUE.finditer(text, begin, end)]
    refs = _group(text, mentions)
    for k, ref in enumerate(refs):
        first, last = ref[0][0].start, ref[-1][-1].end
        before = refs[k - 1][-1][-1].end if k else begin
        joint = [frozenset.intersection(*(m.slots for m in comp)) for comp in ref]
        slots = frozenset().union(*joint)
        if _negated(cues, before, first, last, refs[k + 1][0][0].start if k + 1 < len(refs) else None):
            r.negative |= slots
            continue
        r.positive.append(slots)
        r.bad |= any(m.kind == "option" and not m.slots for comp in ref for m in comp) or any(
            not both and all(m.slots for m in comp) for both, comp in zip(joint, ref, strict=True)
        )
    mention_starts = [m.start for m in mentions]
    for match in _ALL.finditer(text, begin, end):
        later = [s for s in mention_starts if s > match.end()]
        if _negated(cues, begin, match.start(), match.end(), later[0] if later else None):
            r.none = True
        elif _ANY.match(text, match.start()):
            r.any = True
    r.any |= bool(re.search(r"\banyok\b|\bwhichever\b|\banytime\b", text[begin:end]))
    r.none |= bool(_NONE.search(text, begin, end))


def _negated(cues: list[int], before: int, first: int, last: int, following: int | None) -> bool:
    """A negation between `before` and the reference, or after it with no other reference in between."""
    if any(before <= c < first for c in cues):
        return True
    # A negation after it counts only when nothing else is mentioned after it: in "2 not 3" and
    # "any except 2" the negation belongs to what follows.
    return following is None and any(c >= last for c in cues)


def _group(text: str, mentions: list[_Mention]) -> list[list[list[_Mention]]]:
    """References -> alternatives -> mentions that describe one slot together."""
    refs: list[list[list[_Mention]]] = []
    for m in mentions:
        if not refs:
            refs.append([[m]])
            continue
        comp = refs[-1][-1]
        gap = text[comp[-1].end : m.start]
        if _CUE.search(gap) or len(gap.split()) > 4:
            refs.append([[m]])
        elif _OR.search(gap) or any(x.kind == m.kind for x in comp):  # "2 3", "2 and 3": a list
            refs[-1].append([m])
        else:
            comp.append(m)
    return refs


_OPTION_ONLY = re.compile(
    r"(?i)^\W*(?:(?:option|number|no\.?|#|slot|time)\s*)?(?:[1-9]|one|two|three|four|five|six|seven|eight|nine|"
    r"(?:the\s+)?(?:first|second|third|fourth|fifth)(?:\s+one)?)"
    r"(?:[\s,!.]+(?:please|pls|thanks|thank\s+you|is\s+(?:fine|good|great|best)|works?(?:\s+for\s+me)?|"
    r"suits?\s+me|for\s+me))*\W*$"
)


def reads_as_option(text: str) -> bool:
    """A reply that is only an option number ("1 please", "option 2", "the second one"): a choice
    even when no offer is open any more, so it is answered rather than met with silence."""
    return len(text) <= 80 and bool(_OPTION_ONLY.match(text.strip()))
