"""How far a "not" or a "too" reaches among the call-time items of one text (rjmail.core.timewords).

"Not Wednesday evenings" rules out the evening on Wednesdays only (a pair); "Mondays are out now.
Tuesdays too." rules Tuesdays out as well (carried). Anything whose reach is a guess is left as the
narrower reading or made unclear: a wider reading must never come from a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rjmail.core.timecues import ADDS, ONE_OFF, clause, clause_start


@dataclass
class Item:
    """One call-time phrase: days, days ruled out, a time span, or a time ruled out on some days."""

    kind: str  # "days", "dayx", "time", "pairx" (a time ruled out on some days only)
    start: int
    end: int
    days: frozenset[str] = frozenset()
    spans: tuple[tuple[int, int], ...] = ()
    negated: bool = False
    unclear: bool = False

    @property
    def rules_out(self) -> bool:
        """A day or time ruled out ("not Mondays", "not before 10", "Not Wednesday evenings")."""
        return self.negated or self.kind == "dayx"

    @property
    def rules_out_days(self) -> bool:
        """Whole days ruled out ("not Mondays", "Fridays are no good")."""
        return self.kind == "dayx" or (self.kind == "days" and self.negated)


_TIGHT = re.compile(r"(?i)^(?:\s|on|in|at|the|a)*$")
_PRAISED = re.compile(
    r"(?i)\s*(?:are|is|would\s+be|will\s+be)?\s*(?:best|fine|good|ok|okay|great|better|ideal|only|suits?|works?|"
    r"i'?m\s+free|im\s+free|i\s+can)\b"
)
_ONLY_TOO = re.compile(r"(?i)^\W*(?:and\s+|or\s+|also\s+)?(?:the\s+)?\W*(?:too|as\s+well)\W*$")


def carried(text: str, items: list[Item]) -> list[Item]:
    """ "Mondays are out now. Tuesdays too.": a clause that is only a day or time and "too" / "as
    well", after one that ruled a time out, rules its own out as well."""
    for index, item in enumerate(items):
        if index and not item.rules_out and items[index - 1].rules_out:
            around, at = clause(text, item.start, item.end), clause_start(text, item.start)
            rest = around[: item.start - at] + " " + around[item.end - at :]
            if _ONLY_TOO.match(rest) and ADDS.search(rest):  # ADDS: "too" ends the clause
                item.negated = True
    return items


# "any time except Wednesday evenings": the part of the day after the day is ruled out with it,
# though no "not" reaches it. Not after "instead of"/"rather than" ("Tuesdays instead of Mondays
# after 6"), where the time may belong to the other day too, nor a clock time ("any day except
# Wednesday after 6" may mean any other day, after 6): only "Wednesday evenings" is one thing.
_EXCEPT = re.compile(r"(?i)(?:except|apart\s+from|other\s+than|excluding|avoid(?:ing)?)\b")
_PART = re.compile(r"(?i)(?:morn|afternoon|arvo|aft\b|eve|night|lunch)")
# "except weekends and friday evenings": the evening may belong to Friday only, and then the weekends
# are ruled out whole; pairing it with every day of the list would offer weekend mornings (a guess)
_LIST = re.compile(r"(?i)\s*(?:,|\band\b|\bor\b|&|/|\+|\bnor\b|\bplus\b|\bn\b)\s*")
# ... and only when nothing more is joined on: in "except Wednesday evenings or Saturday mornings" or
# "except wednesday afternoon and evening" the "except" reaches the later words too, which no "not"
# carries, so the whole is unclear (a review found the later words offered as the only times)
_JOINED_ON = re.compile(
    r"(?i)\s*(?:,|and|or|&|/|\+|nor|plus|n|\(|also|\.\s*or)\s*(?:(?:and|also|or)\s+)?"
    r"(?:(?:on|the|all|any|every|at|in|whole|of|day|time)\s+)*"
    r"(?:mon|tue|wed|thu|fri|sat|sun|week|wk|morn|aft|arvo|eve|lunch|night|\d)"
)


def paired(text: str, items: list[Item]) -> list[Item]:
    """ "Not Wednesday evenings", "never Sunday mornings", "except Wednesday evenings": a day ruled
    out with a time written right after it rules out that time on that day only. "Not Wednesdays
    evenings are best" is not paired, and "Mondays not Tuesdays after 6" (which words does "not"
    govern?) is unclear: a wider reading must never come from a guess."""
    out: list[Item] = []
    for item in items:
        last = out[-1] if out else None
        if (
            last is None
            or item.kind != "time"
            or not (item.negated or (_EXCEPT.match(text, last.start) and _PART.match(text, item.start)))
            or not last.rules_out_days
            or not _TIGHT.match(text[last.end : item.start])
            or _PRAISED.match(text, item.end)
        ):
            out.append(item)
        elif (
            any(not o.rules_out and o.start >= clause_start(text, last.start) for o in out)
            or (not item.negated and _JOINED_ON.match(text, item.end))
            or _LIST.search(text, last.start, last.end)
        ):
            item.unclear = True
            out.append(item)
        else:
            out[-1] = Item("pairx", last.start, item.end, days=last.days, spans=item.spans, negated=True)
            out[-1].unclear = last.unclear or item.unclear
    return _joined_after(text, out)


def _joined_after(text: str, items: list[Item]) -> list[Item]:
    """Items joined by "and" / "or" / "&" next to an exclusion, whose reach is a guess, are unclear:
    - "Fri evening and weekends are out": does the "out" reach back to the evening?
    - "except evenings and weekends": are the weekends ruled out too, or what suits?
    - "except friday after 6 and weekends": ruled out too, or the time is theirs, or neither.
    Read as times that suit, each offered the very times the person ruled out."""
    for index, item in enumerate(items):
        # (not after a comma: in "after 5 mon-thurs, fridays im at my mums" Friday is a clause of its own)
        if (
            index
            and item.kind in ("days", "time")  # ruled out by words after it ("dayx" has its "not" in front)
            and item.negated
            and not items[index - 1].rules_out
            and _joined(text, items[index - 1], item, commas=False)
        ):
            items[index - 1].unclear = True
        if index and items[index - 1].rules_out and not item.rules_out and not _PRAISED.match(text, item.end):
            # "except evenings and weekends", "except Sundays and evenings", "except mornings, Sundays":
            # ruled out too, or what suits? (a comma only after a time: "Not Mondays, evenings please")
            commas = items[index - 1].kind == "time"
            item.unclear = item.unclear or _joined(text, items[index - 1], item, commas=commas)
        if index < 2 or item.rules_out or items[index - 1].kind != "time":
            continue
        before = items[index - 2]
        if before.rules_out_days and _TIGHT.match(text[before.end : items[index - 1].start]):
            item.unclear = item.unclear or _joined(text, items[index - 1], item)
    return items


def _joined(text: str, first: Item, then: Item, commas: bool = True) -> bool:
    """Only "and" / "or" / "&" (or a comma) between the two items."""
    between = text[first.end : then.start]
    return bool(_LIST.fullmatch(_ARTICLES.sub("", between))) and (commas or "," not in between)


_ARTICLES = re.compile(r"(?i)\b(?:on|the|all|at|in|day)\b")  # "and all day Weds"


def phrase_start(text: str, first: Item) -> int:
    """Where the words begin, including a negation ("don't call before 6pm") or the word that makes
    them a one-off ("tomorrow morning": advisors must read "tomorrow", not just "morning")."""
    if not first.negated:
        once = ONE_OFF.search(text, max(0, first.start - 12), first.start)
        return once.start() if once else first.start
    begins = clause_start(text, first.start)
    found = list(re.finditer(r"(?i)\b(?:not|never|no|\w+n't)\b", text[begins : first.start]))
    return begins + found[-1].start() if found else first.start


def busy_beyond(text: str, items: list[Item], busy: list[Item], ruled_out: frozenset[str]) -> bool:
    """In words that only exclude, a busy clause naming other days or hours ("not mornings. I'm out
    Thursdays", "except 9-10 and 3-4 (school runs)"): ruled out too? Not when the exclusions already
    cover it ("not before 2pm as I work nights and sleep in the morning")."""
    out = [span for i in items if i.kind == "time" and i.negated for span in i.spans]
    # a busy time after a day ruled out, in its sentence, is its reason ("cant do tuesdays any more,
    # ive started an evening class"), not more hours ruled out; one before it is not ("I'm home every
    # day after 6 except Thursdays when I'm out": were the hours after 6 lost, any hour was offered)
    times = [
        b
        for b in busy
        if not b.days
        and not any(i.rules_out_days and i.start < b.start and _same_sentence(text, i, b) for i in items)
    ]
    hours = [s for b in times for s in b.spans if not any(a <= s[0] and s[1] <= z for a, z in out)]
    # a busy time not read ("2-4 when I'm at college"; "nights" are outside call hours anyway)
    unread = any(b.unclear and "night" not in text[b.start : b.end].lower() for b in times)
    return bool(hours) or unread or any(b.days - ruled_out for b in busy)


def _same_sentence(text: str, one: Item, other: Item) -> bool:
    first, second = sorted((one, other), key=lambda i: i.start)
    return not re.search(r"[.!?\n]", text[first.end : second.start])
