"""A small grammar for call times in everyday English: words -> CallWindow list.

No maintained library reads windows: dateparser (LIBRARIES.md section 11) finds a time token but
not "after", "before", "not on" or "mornings", and misreads Romanian and Portuguese times, so the
community languages are first rewritten into these English words (rjmail.core.wishlang).

The grammar reads items (day words, day parts, time bounds, ranges), groups the ones written side
by side ("weekday mornings before 11"), and builds windows. Anything it does not understand makes
the whole answer None: an empty field is better than a wrong one, because windows bind call offers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from rjmail.core.clock import EARLIEST, LATEST, PARTS, WORD_HOUR, Spans, UnclearError, clock, hour_number
from rjmail.core.clock import complement as _complement
from rjmail.core.clock import intersect as _intersect
from rjmail.core.timecues import (
    ADDS,
    DATE_AFTER,
    DOUBLE_NEGATIVE,
    NOUN_AFTER,
    ONE_OFF,
    STRAY_TIME,
    THING_BEFORE,
    UNREAD_TIME,
    clause,
    clause_start,
    doubtful_busy,
    except_unclear,
    in_busy_clause,
    negated,
    ruled_out_near,
)
from rjmail.core.timescope import Item as _Item
from rjmail.core.timescope import busy_beyond, carried, paired, phrase_start

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = DAYS[:5]
WEEKEND = DAYS[5:]


@dataclass(frozen=True)
class CallWindow:
    """Days (in week order) and a local time span, Europe/London, when a call is welcome."""

    days: tuple[str, ...]
    start: str  # "HH:MM"
    end: str  # "HH:MM"

    def as_json(self) -> dict[str, object]:
        return {"days": list(self.days), "from": self.start, "to": self.end}


# \b first: "allowed", "showed" and "common" end in a day's short name
_DAY_NAMES = r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tues?|weds?|thu(?:rs?)?|fri)"
# "sat" and "sun" are words of their own ("I sat", "the sun"): read only in a list with another day,
_SAT_SUN = r"\b(?:sat|sun)s?\b"
_DAY = rf"(?:\b(?:week|wk)[\s-]?days?|\b(?:week|wk)ends?|{_DAY_NAMES}s?\b|\bmon\s*-\s*fri)"
_AND = r"(?:\.\s*(?-i:and|or|&)|\s*(?:,|and|or|&|/))\s*"  # "except Tues. and Weds."
# ... or right before a whole part-of-day word ("sat morn", "sun aft"; not "sat eventually")
_SAT_SUN_PART = (
    r"\b(?:sat|sun)s?\b(?=\s*(?:morn(?:ing)?|aft(?:ernoon)?|arvo|eve(?=s)|evening|lunch\s*time)s?(?![\w-]))"
)
_DAYLIST = (
    rf"(?:{_DAY}|{_SAT_SUN_PART}|{_SAT_SUN}(?={_AND}(?:{_DAY}|{_SAT_SUN})))(?:{_AND}(?:{_DAY}|{_SAT_SUN}))*"
)
_T = (
    rf"(?:(?:half\s+(?:past\s+)?)?(?:\d{{1,2}}(?:[:.]\d{{2}})?|{WORD_HOUR})"
    r"(?:\s*(?:am|pm|a\.m\.|p\.m\.|h\b|o'?clock))?|"
    r"noon|midday)"
    # "in 6 weeks" is no clock time, but "after 6 weekdays" and "after 6pm weekends" are (the \b):
    # without it "after 6" was dropped and the days read at any hour
    r"(?![\d/%])(?!\s*(?:days?|weeks?|wks?|months?|mths?|years?|yrs?|minutes?|mins?|hours?|hrs?|of|th|st|nd|rd)\b)"
)
_ITEM = re.compile(
    rf"(?P<range>(?:between|from)\s+(?P<r1>{_T})\s*(?:and|to|till?|until|-|–)\s*(?P<r2>{_T})|"
    rf"(?P<q1>{_T})\s*(?:-|–|to|till?|until)\s*(?P<q2>{_T}))|"
    rf"(?P<bound>(?P<bw>before|b4|after|until|till?|from|by|(?<!half\s)past)\s+(?P<bt>{_T}))|"
    rf"(?P<dayx>(?:not|except(?:\s+for)?|exc\.?|excl\.?|apart\s+from|other\s+than|excluding|any\s+day\s+but|every\s+day\s+but|"
    rf"instead\s+of|rather\s+than|better\s+than|avoid(?:ing)?|(?:keep|stay)\s+away\s+from|steer\s+clear\s+of|"
    rf"(?:strike|cross)(?:\s+(?:off|out))?)"
    rf"\s+(?:on\s+|at\s+)?(?:the\s+)?(?P<xd>{_DAYLIST})(?P<xr>\s*(?:-|–|to|thr(?:ough|u)|till|until)\s*{_DAY_NAMES}s?\b)?)|"
    # "mon-fri or sat": a day joined on is read with the range, never dropped (not one after a
    # comma: "mon-thurs, fridays im at my mums" is another clause)
    rf"(?P<drange>(?P<d1>{_DAY_NAMES})s?\b\s*(?:to|-|–|thr(?:ough|u)|till|until)\s*(?P<d2>{_DAY_NAMES})s?\b"
    rf"(?P<dmore>(?:\s*(?:and|or|&|/)\s*(?:{_DAY}|{_SAT_SUN}))*))|"
    rf"(?P<days>{_DAYLIST})|"
    r"(?P<part>\b(?P<mod>early\s+|late\s+|mid[\s-]?)?(?P<pw>morning|morn|afternoon|arvo|aft|evening|eve(?=s)|lunch\s*time|"
    r"daytime|day\s*time|lunch\s*break|night|week\s*night)s?|(?:during|in)\s+the\s+day|(?:during|at)\s+lunch)(?![\w-])",
    re.IGNORECASE,
)
_JOIN = re.compile(r"(?i)^(?:\s|on|in|at|the|a|are|is|best|only|please|ideally)*$")


@dataclass
class _Group:
    start: int
    end: int
    days: frozenset[str] | None = None
    spans: Spans | None = None
    kinds: str = ""  # the kinds of its items in order, "td" for "after 6 weekdays"
    last: _Item | None = None  # its last item


def _day_set(words: str) -> frozenset[str]:
    found: set[str] = set()
    for word in re.findall(rf"(?i){_DAY}|{_SAT_SUN}", words):
        w = word.lower()
        if (w.startswith(("week", "wk")) and "end" not in w) or (w.startswith("mon") and "fri" in w):
            found |= set(WEEKDAYS)
        elif "weekend" in w:
            found |= set(WEEKEND)
        else:
            found.add(w[:3])
    return frozenset(found)


def _time_spans(m: re.Match[str]) -> Spans:
    if m.group("range"):
        first, second = m.group("r1") or m.group("q1"), m.group("r2") or m.group("q2")
        if (
            m.group("q1")
            and not re.search(r"(?i)am|pm|:|\.|noon|midday|h\b|half", first + second)
            and not (8 <= hour_number(first) <= 12 and 1 <= hour_number(second) <= 7)
        ):
            raise UnclearError(m.group(0))  # "2-3" alone could be anything; "9-5" is a working day
        start, _ = clock(first)
        end, bare = clock(second)
        if end <= start and bare and end < 12 * 60:
            end += 12 * 60  # "between 6 and 8" is 18:00-20:00
        return ((start, end),) if start < end else _unclear(m)
    if m.group("bound"):
        at, bare = clock(m.group("bt"))
        if m.group("bw").lower() in ("after", "from", "past"):
            if bare and 8 * 60 <= at < 10 * 60:
                raise UnclearError(m.group(0))  # "after 8": morning or evening?
            return ((at, LATEST),) if at < LATEST else _unclear(m)
        return ((EARLIEST, at),) if at > EARLIEST else _unclear(m)
    word = (m.group("pw") or m.group("part")).lower()
    key = _SHORT_PARTS.get(word.rstrip("s")[:4]) or next((k for k in PARTS if k in word), "day")
    if m.group("mod") or "night" in word:
        raise UnclearError(m.group(0))  # "early evening" has no fixed meaning
    return (PARTS[key],)


def _unclear(m: re.Match[str]) -> Spans:
    raise UnclearError(m.group(0))


_MAX_ITEMS = 40
_AT_THE = re.compile(r"(?i)\s*,?\s*at\s+the\s+(?:very\s+)?(earliest|latest)\b")
# "sat morn", "tues arvo", "weekday eves or sun aft" typed on a phone ("eve" alone is a name, or Christmas)
_SHORT_PARTS = {"arvo": "afternoon", "aft": "afternoon", "morn": "morning", "eve": "evening"}
# A word every call-time item starts with: most sentences have none, and _ITEM is costly to run
_HINT = re.compile(
    r"(?i)\b(?:\d|noon|midday|morn|arvo|aft|eve|night|lunch|day|week|wk|mon|tue|wed|thu|fri|sat|"
    r"sun|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half)"
)


def read_items(text: str) -> tuple[list[_Item], list[_Item]]:
    """Every call-time item in `text` (English words, one sentence or a few), in order, and apart
    the ones in a clause that says when the person is busy."""
    if not _HINT.search(text):
        return [], []
    items, busy = _read_items(text)
    return [replace(i) for i in items], [replace(i) for i in busy]  # copies: the cached ones stay


@lru_cache(maxsize=64)
def _read_items(text: str) -> tuple[tuple[_Item, ...], tuple[_Item, ...]]:
    items: list[_Item] = []
    busy: list[_Item] = []
    for count, m in enumerate(_ITEM.finditer(text)):
        if count == _MAX_ITEMS:  # nobody names this many times: unclear, and each costs a clause scan
            items.append(_Item("time", m.start(), m.end(), unclear=True))
            break
        item = _item(text, m)
        if in_busy_clause(text, m.start(), m.end()) and not item.rules_out:
            # "I work during the day" names when NOT to call; only other clauses count. An exclusion
            # in such a clause ("not weekends, my partner is home then") still counts: it is one.
            busy.append(item)
        else:
            items.append(item)
    return tuple(paired(text, carried(text, items))), tuple(busy)


def _item(text: str, m: re.Match[str]) -> _Item:
    if m.group("dayx"):
        # "any day but mon-wed": a range after the exclusion is not read (unclear), never half of it
        twice = DOUBLE_NEGATIVE.search(text, max(0, m.start() - 60), m.start("xd"))  # "no calls except mon"
        return _Item(
            "dayx", m.start(), m.end(), days=_day_set(m.group("xd")), unclear=bool(m.group("xr") or twice)
        )
    if m.group("drange"):
        first, last = DAYS.index(m.group("d1")[:3].lower()), DAYS.index(m.group("d2")[:3].lower())
        days = frozenset(DAYS[first : last + 1]) if first < last else frozenset()
        days = days and days | _day_set(m.group("dmore"))  # "mon-wed are no good" rules them out
        return _Item("days", *m.span(), days=days, negated=ruled_out_near(text, *m.span()), unclear=not days)
    if m.group("days"):
        ruled_out = negated(text, m.start(), m.end())
        # "on the 14th", "this saturday evening": one day, not every week
        once = bool(
            DATE_AFTER.match(text, m.end()) or ONE_OFF.search(text, max(0, m.start() - 12), m.start())
        )
        # "he's stopped doing the Friday shop": a day naming a thing, not a time that suits
        thing = not ruled_out and bool(
            THING_BEFORE.search(text, max(0, m.start() - 8), m.start()) and NOUN_AFTER.match(text, m.end())
        )
        days = _day_set(m.group("days"))
        return _Item("days", m.start(), m.end(), days=days, negated=ruled_out, unclear=once or thing)
    unclear = bool(m.group("part") and ONE_OFF.search(text[max(0, m.start() - 12) : m.start()])) or (
        except_unclear(text, m.start())
    )
    try:
        spans = _time_spans(m)
    except UnclearError:
        return _Item("time", m.start(), m.end(), unclear=True)
    ruled_out = negated(text, m.start(), m.end())
    at_the = _AT_THE.match(text, m.end()) if m.group("bound") else None
    if at_the:
        up_to = m.group("bw").lower() in ("before", "b4", "until", "till", "til", "by")
        earliest = at_the.group(1).lower() == "earliest"
        # "till 10 at the earliest" rules out before 10 ("not till 10"); "after 6 at the latest": unclear
        ruled_out = ruled_out or (up_to and earliest)
        unclear = unclear or (not up_to and not earliest)
    return _Item("time", m.start(), m.end(), spans=spans, negated=ruled_out, unclear=unclear)


def _groups(text: str, items: list[_Item]) -> list[_Group]:
    """Positive items written side by side ("weekday mornings before 11") form one group."""
    groups: list[_Group] = []
    for item in items:
        if item.rules_out:
            continue
        if not groups or not _JOIN.match(text[groups[-1].end : item.start]):
            groups.append(_Group(item.start, item.end))
        group = groups[-1]
        second = _second_list(text, groups[-1], item)
        if second is not None:  # "after 6 weekdays or sat morning": two windows, "or" between them
            group.days = group.days and group.days - second.days
            groups.append(group := _Group(second.start, item.end, second.days, kinds="d"))
        group.end, group.last = item.end, item
        group.kinds += item.kind[0]
        if item.kind == "days":
            group.days = item.days | (group.days or frozenset())
        else:
            group.spans = item.spans if group.spans is None else _intersect(group.spans, item.spans)
    return groups


_TWO_PART = re.compile(rf"(?i)({_DAY}|{_SAT_SUN}){_AND}({_DAY}|{_SAT_SUN})")


def _second_list(text: str, group: _Group, item: _Item) -> _Item | None:
    """ "after 6 weekdays or sat morning": a time, a list of two days and a time whose hours do not
    meet (6pm to 9pm and the morning) read as two windows, the first time with the first days and
    the second with the second. Only then: where the hours do meet ("after 10 Mondays or Tuesdays
    before 12") which time goes with which day is a guess, and they stay one window."""
    if group.kinds != "td" or item.kind != "time" or group.spans is None or group.last is None:
        return None
    if _intersect(group.spans, item.spans):
        return None
    two = _TWO_PART.fullmatch(text, group.last.start, group.last.end)
    first, second = (_day_set(two.group(1)), _day_set(two.group(2))) if two else (frozenset(), frozenset())
    if not two or not first or not second or first & second:
        return None
    return _Item("days", two.start(2), two.end(2), days=second)


def _windows(text: str, items: list[_Item]) -> list[tuple[frozenset[str], Spans]]:
    """The windows the items give, then each time ruled out on some days only taken away there."""
    found = _plain_windows(text, [i for i in items if i.kind != "pairx"])
    pairs = [i for i in items if i.kind == "pairx"]
    if not pairs:
        return found
    per_span: dict[Spans, set[str]] = {}
    for days, spans in found:
        for day in days:
            left = spans
            for pair in (p for p in pairs if day in p.days):
                left = _intersect(left, _complement(pair.spans))
            if left:
                per_span.setdefault(left, set()).add(day)
    return [(frozenset(days), spans) for spans, days in per_span.items()]


def _plain_windows(text: str, items: list[_Item]) -> list[tuple[frozenset[str], Spans]]:
    allowed_days = frozenset(DAYS)
    allowed_times: Spans = ((EARLIEST, LATEST),)
    for item in items:
        if item.rules_out_days:
            allowed_days -= item.days
        elif item.kind == "time" and item.negated:
            allowed_times = _intersect(allowed_times, _complement(item.spans))
    groups = _groups(text, items)
    timed = [g for g in groups if g.spans is not None]
    loose_days = [g.days for g in groups if g.spans is None and g.days]
    if not timed:
        days = frozenset().union(*loose_days) if loose_days else frozenset(DAYS)
        return [(days & allowed_days, allowed_times)]
    if (loose_days and any(g.days for g in timed)) or (len(loose_days) > 1 and len(timed) > 1):
        # "Mondays I'm free after 2. On Fridays it would have to be the morning": which hours go with
        # which days is for a person to read, not for a grammar to guess
        raise UnclearError("days and times do not pair up")
    shared = frozenset().union(*loose_days) if loose_days else None
    out, previous = [], shared
    for group in timed:
        if group.days is None and previous is None and any(g.days for g in timed):
            raise UnclearError("which days go with this time?")
        days = group.days or previous or frozenset(DAYS)
        previous = days
        out.append((days & allowed_days, _intersect(group.spans or (), allowed_times)))
    return out


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class Found(NamedTuple):
    windows: tuple[CallWindow, ...] | None  # None: call times named but not safely readable
    span: tuple[int, int]  # where the words are
    narrows: bool  # only exclusions ("not Tuesdays", "not before 10"): they take away, never add
    adds: bool = False  # "Saturdays are OK now too": the times join the earlier ones, none ruled out
    gives_hours: bool = True  # False: any hours in the windows are only what exclusions left


def windows_in(text: str) -> Found | None:
    """The call times named in `text` (English words), None if none."""
    items, busy = read_items(text)
    if not items and busy:  # "I work during the day." says when not to call, and no time that suits
        start = re.compile(r"\s*").match(text, clause_start(text, busy[0].start))
        return Found(None, (start.end() if start else busy[0].start, busy[-1].end), False)
    if not items:
        return None
    ruled_out = frozenset().union(*(i.days for i in items if i.rules_out_days))
    if ruled_out:  # "Fridays are no good now, he has them on Fridays as well": the day is ruled out
        items = [i for i in items if not (i.kind == "days" and not i.negated and i.days <= ruled_out)]
    span = (phrase_start(text, items[0]), items[-1].end)
    narrows = all(i.rules_out for i in items)
    gives_hours = any(i.kind == "time" and not i.negated for i in items)
    adds = (
        not busy
        and not any(i.rules_out for i in items)
        and all(ADDS.search(clause(text, i.start, i.end)) for i in items)
    )
    unclear = Found(None, span, narrows, adds, gives_hours)
    other_days = narrows and busy_beyond(text, items, busy, ruled_out)
    if other_days or any(doubtful_busy(text, b.start, b.end) for b in busy):
        return unclear
    if busy and not narrows:  # "weekdays after 6, my husband is home on Wednesdays": taken away
        held = [replace(i, negated=True) for i in busy if not i.unclear]
        items = paired(text, sorted([*items, *held], key=lambda i: i.start))
    try:
        windows = _build(text, items)
    except UnclearError:
        return unclear
    # a one-off busy day ("I'm away next Monday") on a day the windows offer: every Monday, or none?
    if any(b.unclear and b.days & {d for w in windows for d in w.days} for b in busy):
        return unclear
    return Found(windows, span, narrows, adds, gives_hours)


def _build(text: str, items: list[_Item]) -> tuple[CallWindow, ...]:
    strays = list(islice(STRAY_TIME.finditer(text), _MAX_ITEMS))
    if (
        any(i.unclear for i in items)
        or UNREAD_TIME.search(text)
        or any(
            not any(i.start <= m.start() < i.end for i in items)
            and not in_busy_clause(text, m.start(), m.end())
            for m in strays
        )
    ):
        raise UnclearError(text)
    found: set[CallWindow] = set()
    for days, spans in _windows(text, items):
        if not days or not spans:
            raise UnclearError("nothing left after the exclusions")
        ordered = tuple(d for d in DAYS if d in days)
        found |= {CallWindow(ordered, _hhmm(s), _hhmm(e)) for s, e in spans}
    # "Could it be in the evening? Anything after 6 is fine": the later words make the hours more
    # precise, so on the same days a span holding another gives way to it
    found = {
        w
        for w in found
        if not any(o != w and o.days == w.days and w.start <= o.start and o.end <= w.end for o in found)
    }
    # "Morning, after 10 please" means 10 till noon, not mornings and all day after 10: hours that
    # overlap on a day, neither holding the other, are one limit read twice or two wishes; unclear
    if any(set(w.days) & set(o.days) and w.start < o.start < w.end < o.end for w in found for o in found):
        raise UnclearError("overlapping hours")
    return tuple(sorted(found, key=lambda w: (w.start, w.end, [DAYS.index(d) for d in w.days])))
