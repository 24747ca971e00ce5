"""The words around a call time that change what it means (rjmail.core.timewords reads the times).

Pure vocabulary and clause bounds: which clause a time sits in, whether it is ruled out ("not
Mondays", "Sundays are no good", "so not then"), whether the clause says when the person is busy
or someone who must not overhear is home ("I work during the day", "he is at home at weekends"),
whether the words add to earlier times ("Saturdays are OK too"), and whether a day names a thing
("the Friday shop") rather than a time that suits.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

THING_BEFORE = re.compile(r"(?i)\b(?:the|my|his|her|our|their)\s+$")
NOUN_AFTER = re.compile(
    r"(?i)\s+(?!(?:mornings?|afternoons?|evenings?|nights?|lunch\w*|is|are|was|would|will|could|or|and|"
    r"after|before|between|from|till?|until|works?|suits?|please|if|then|at|on|only|instead|too|as|be|"
    r"for|i|that|which|slot|time|call)\b)[a-z]+\b"
)
ONE_OFF = re.compile(r"(?i)\b(?:this|tomorrow|yesterday|last|that|one|next|coming|tonight|today|good)\s*$")
_NEG_BEFORE = re.compile(
    r"(?i)(?:\bnot|n't|\bnever|\bno|\bnothing|\bcant|\bdont|\bwont|\bcannot|\brather\s+than|\binstead\s+of|"
    r"\bbetter\s+than)\b"
)
_OR = re.compile(r"(?i)\s*(?:or|nor)\b")
# "I wouldn't mind a call", "not sure", "no problem": a "not" that negates nothing
NOT_NEGATING = re.compile(
    r"(?i)\b(?:wouldn'?t|would\s+not|don'?t|do\s+not)\s+mind\b|\bnot\s+sure\b|"
    r"\b(?:no|not\s+a)\s+(?:problem|worries|rush|bother|hurry)\b"  # "No problem, mon-fri evenings are good"
)
# words that rule out the day just named: "..., so those days are out now"
_RULED_OUT = (
    r"\bso\s+(?:not\s+(?:then|on\s+th(?:at|ose)\s+days?)|"
    r"th(?:at|ose)\s+days?(?:'s|\s+is|\s+are)\s+(?:out|no\s+good))\b"
)
RULED_OUT_AFTER = re.compile(rf"(?i){_RULED_OUT}")
_NEG_AFTER = re.compile(
    # "Tuesday & Thursday no good for me, other days fine": the same without "are", when the words
    # end there ("Please call after 6 not good before", "Tues no good for him" are something else)
    r"(?i)^\s*(?:no\s+good|not\s+good|not\s+ok(?:ay)?|not\s+possible|impossible)(?:\s+for\s+(?:me|us))?\s*"
    r"(?:$|[.;:!?)\n]|,(?!\s*but\b)|\b(?:as|because|cos|since|though|tho|either|now|any\s*more)\b)|"
    r"^\s*(?:still\s+|really\s+|just\s+)?(?:are|is|would\s+be|(?:have|has)\s+(?:got|become)|are\s+getting|got|still)\s*"
    r"(?:not|no|n't|difficult|bad|hard|impossible|tricky|out|a\s+no|off\s+the\s+table|"
    r"out\s+of\s+the\s+question)\b|"
    r"^\s*(?:don'?t|do\s+not|won'?t|will\s+not)\s+(?:work|suit)|^\s*out\b|"
    # "Sundays are family time, so not then", "a new job on Wednesdays so that day's out"
    rf"^[^.;!?\n]{{0,60}}?{_RULED_OUT}"
)
BUSY = re.compile(  # "back from school" is when they are free again, not busy
    r"(?i)(?<!back\sfrom\s)(?<!home\sfrom\s)(?<!changed\s)(?<!left\s)\b(?:i\s+work|at\s+work|busy|"
    r"work(?:ing|s)?\s+(?:in|during|on|at|from|until|till|every|nights|days|evenings|weekends|mornings|"
    r"afternoons|lates|earlies)|"
    r"shifts?|jobs?|asleep|sleep|tired|treatment|dialysis|school|nursery|college|lectures?|class(?:es)?|"
    r"childcare|appointments?|gym|clinic|physio\w*|hospital|courses?|training|lates|earlies|volunteer\w*|"
    r"naps?|napping|resting|(?:have|having|take|taking)\s+a\s+rest|l(?:ie|ying)\s+down|my\s+hours|"
    r"(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:out|away)\b|"
    # someone coming round: "my carer comes in the mornings", "my daughter visits in the evenings"
    r"(?:carer|nurse|care\s+worker|support\s+worker|daughter|son|mum|mam|dad|brother|sister|friend|family)s?\s+"
    r"(?:\w+\s+)?(?:comes?|visits?|pops?\s+(?:in|round|over)|drops?\s+in|is\s+round|are\s+round)|"
    # caring for someone or having them round: "I look after my dad in the afternoons"
    r"look(?:s|ing)?\s+after|car(?:e|es|ing)\s+for|i\s+(?:have|'?ve\s+got|get)\s+(?:my|the)\s+(?:mum|mam|"
    r"dad|nan|gran|grandkids|grandchildren|kids|children)|deliver(?:y|ies)|"
    # "my husband rings me at lunch" (not "Sarah rings me in the mornings": that may be the advisor)
    r"(?:husband|wife|partner|ex|mum|mam|dad|boss|son|daughter|brother|sister|he|she|they)\s+(?:\w+\s+)?"
    r"(?:calls|rings|phones)\s+(?:me|us)|"
    # when they read email: "I check my emails after work", "I check it every evening"
    r"(?:check|read)(?:s|ing)?\s+(?:(?:my\s+)?(?:e-?mails?|inbox)|(?:it|them)(?=\s+(?:every|each|most|at|after|"
    r"before|on|in\s+the)\b))|"
    r"do\s+(?:\w+\s+)?work|"
    r"goes\s+to|go\s+to|i(?:'?m|\s+am)\s+(?:at\s+(?:the|my)|in\s+(?:court|hospital|class)|away|out)\b|"
    # when someone who must not know is around: a time NOT to call
    r"(?:checks?|reads?|goes\s+through|looks\s+(?:at|through))\s+my\s+phone|(?:he|she|they|partner|husband|wife|ex|boyfriend|girlfriend|son|daughter|"
    r"kids|children|mum|dad|brother|sister)(?:\s+is|\s+are|'s|'re)\s+"
    r"(?:usually\s+|always\s+|normally\s+|often\s+|mostly\s+)?(?:at\s+home|home|in|around|about|back|here|off)|"
    r"(?:has|have|gets?)\s+the\s+(?:kids|children))\b"
)
# "about the fight at the pub where I work" is what the call is about, not when it suits
CLAUSE_END = re.compile(
    r"(?i)[.;:!?,\n]|\b(?:but|so|because|as(?!\s+well\b)|although|though|except\s+that|since|while|whilst|"
    r"now(?:\s+that)?(?=\s+(?:my|i|i'?[mv]e?|he|she|we|they|the|our|his|her)\b)|"
    r"about(?!\s+(?:half\s+)?\d)|regarding|concerning)\b"
)
# "Saturdays would be OK as well now", "evenings are fine too": more times, not other times
ADDS = re.compile(r"(?i)\b(?:as\s+well(?!\s+as)|too(?=\s*(?:[.!?,;)]|$|now\b|please\b|thanks?\b|if\b)))")
# "Fridays are OK now", "I can do Fridays again": a day that suits again, perhaps one ruled out before
# (rjmail.cases.wishes adds it back only then). Not "only Fridays now", "Fridays are better now".
LIFTS = re.compile(
    r"(?i)^(?=.*\b(?:again|now|after\s+all)\b)(?=.*\b(?:ok|okay|fine|alright|all\s+right|free|possible|"
    r"available|works?|can\s+do|could\s+do|can\s+manage|back\s+on)\b)(?!.*\b(?:only|just|instead|rather|"
    r"better|best|prefer\w*|ideal\w*|but|except|apart|not|never|no|cannot|cant)\b|.*n't\b)"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
# "Monday 7th December", "Tue 8/12", "Mon, 27 Apr": a date, once only, not every week
DATE_AFTER = re.compile(
    rf"(?i),?\s*(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)\b|,?\s*\d{{1,2}}\s*/\s*\d{{1,2}}\b|"
    rf",?\s*(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s*(?:of\s+)?{_MONTH}"
)
# a clock time that is not a span the grammar reads: the words are unclear, not "any time"
STRAY_TIME = re.compile(
    r"(?i)\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b|\bhalf\s+(?:past\s+)?\d{1,2}\b|"
    r"\bquarter\s+(?:past|to)\b|"
    r"\b\d{1,2}\s*(?:-|–|to|till?|until)\s*\d{1,2}\b(?!\s*(?:days?|weeks?|months?|years?))|"
    # a lone "sat" / "sun" joined on ("not sat morn or sun"): a day only the list around it shows
    r"(?:(?<=\bor\s)|(?<=\band\s)|(?<=\bnor\s)|(?<=&\s)|(?<=&)|(?<=\bexcl\s)|(?<=\bexc\s)|(?<=\bbut\s))(?:sat|sun)s?\b"
)
# times the grammar cannot read but must not ignore: "ten to six" (read alone, "after ten" would be
# 10am), "after one", "no later than 4"
UNREAD_TIME = re.compile(
    r"(?i)(?<!from\s)(?<!between\s)\b(?:five|ten|twenty(?:[\s-]five)?|quarter)\s+(?:to|past)\s+"
    r"(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b|\b(?:after|from|before|by|till?|until|past)\s+one\b(?!\s+of)|"
    r"\bno\s+(?:later|earlier|sooner)\s+than\b|"
    # "after 2 weekends": 2pm at weekends, or two weekends from now?
    r"\b\d{1,2}\s+weekends?\b|\b(?:after|before|till?|until)\s+(?:lunch|dinner|tea|breakfast)\b|"
    # "fri eve": the evening typed on a phone, or Eve by name ("Sunday Eve is with me", "I sat Eve
    # down"); read either way, one of them offers a time nobody allowed
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun|(?:week|wk)\s*(?:day|end))s?"
    r"\s+eve\b(?!s)|"
    # "fri eves no good, other eves ok": which others? (the grammar read only Friday evenings)
    r"\bother\s+(?:eve|evening|morn|morning|aft|afternoon|arvo|night|lunch)"
)


@lru_cache(maxsize=16)
def _bounds(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(starts, ends) of every clause break in `text`, found once per text: each item asks for its
    clause, and scanning the whole text per item made a long message quadratic."""
    found = [(m.start(), m.end()) for m in CLAUSE_END.finditer(text)]
    return tuple(s for s, _ in found), tuple(e for _, e in found)


def clause_start(text: str, at: int) -> int:
    """Where the clause holding text[at] begins."""
    ends = _bounds(text)[1]
    index = bisect_right(ends, at)  # breaks ending at or before `at` (lookaheads see past it)
    return ends[index - 1] if index else 0


def clause_end(text: str, end: int) -> int:
    """Where the clause holding text[end - 1] ends."""
    starts, ends = _bounds(text)
    index = bisect_left(ends, end + 1)  # the first break ending after `end` that starts at or after it
    while index < len(starts) and starts[index] < end:
        index += 1
    return starts[index] if index < len(starts) else len(text)


def clause(text: str, start: int, end: int) -> str:
    """The whole clause around text[start:end]."""
    return text[clause_start(text, start) : clause_end(text, end)]


# A busy clause that also says a time suits, or limits itself ("Afternoons are good except Tuesdays
# when I'm at college", "Tuesday is the only day I'm not looking after my dad", "the one day nobody
# rings me"): which time is the busy one is a guess, so the times are unclear
_BUSY_DOUBT = re.compile(  # (a "not" that only says more about the busy time is no doubt: "it's not a good
    # time", "I don't want him overhearing")
    r"(?i)\b(?:(?:are|is|'re|'s)\s+(?:good|best|fine|ok|okay|better)|suits?|free|available|only|one\s+day|"
    r"day\s+off|nobody|no\s+one|(?:i'?m|i\s+am|he'?s|she'?s|they'?re|we'?re)\s+not|isn'?t|aren'?t)\b"
)


def doubtful_busy(text: str, start: int, end: int) -> bool:
    return bool(_BUSY_DOUBT.search(clause(text, start, end)))


def in_busy_clause(text: str, start: int, end: int) -> bool:
    """The clause around text[start:end] says when the person is busy or someone is home."""
    return _busy_clause(text, clause_start(text, start), clause_end(text, end))


@lru_cache(maxsize=256)
def _busy_clause(text: str, start: int, end: int) -> bool:  # once per clause, not once per item
    return bool(BUSY.search(text, start, end))


def ruled_out_near(text: str, start: int, end: int) -> bool:
    """The words right before or after text[start:end] rule it out ("never tues-thurs", "I can't do
    Monday to Wednesday", "mon-wed are no good"); for a day range, where a "no" further back in the
    clause ("No problem, mon-fri evenings", "I'm not working Mon-Wed, so ring me then") says nothing
    about it."""
    return bool(
        _NEG_RIGHT_BEFORE.search(text, max(0, start - 24), start) or _NEG_AFTER.match(text[end : end + 30])
    )


_NEG_RIGHT_BEFORE = re.compile(
    r"(?i)\b(?:not|never|no|(?:can'?t|cannot|couldn'?t)\s+(?:do|manage|make))\s+(?:on\s+|any\s+)?$"
)


def negated(text: str, at: int, end: int) -> bool:
    """The words at text[at:end] are ruled out: "not Mondays", "Mondays are no good", "Sundays are family
    time, so not then"."""
    start = clause_start(text, at)
    if start and _OR.match(text, start, at):  # "don't call at weekends, or after 5": the "or"
        start = clause_start(text, start - 1)  # carries the "don't" on
    before = NOT_NEGATING.sub(" ", text[start:at])
    return bool(
        _NEG_BEFORE.search(before)
        or _NEG_AFTER.match(text[end : end + 30])
        or _EXCEPT_RIGHT_BEFORE.search(text, max(0, at - 30), at)
    )


def except_unclear(text: str, at: int) -> bool:
    """An "except" right before `at` whose clause does not open with the times that suit: "any time
    except mornings" rules mornings out, but "It's hard to talk except at lunchtime", "I'm in meetings
    except 12-1" and "No calls except after 6pm" ask for that very time. Unclear."""
    m = _EXCEPT_RIGHT_BEFORE.search(text, max(0, at - 30), at)
    if m is None:
        return bool(DOUBLE_NEGATIVE.search(text, max(0, at - 60), at))
    before = NOT_NEGATING.sub(" ", text[clause_start(text, m.start()) : m.start()])
    opens = _OPEN_ANY.search(before) or _OPEN_ANY.match(m.group(0))
    return not opens or bool(_NEG_BEFORE.search(before))


_OPEN_ANY = re.compile(
    r"(?i)\b(?:any\s*time|any\s+(?:other\s+)?(?:day|weekday|morning|afternoon|evening)s?|whenever|fine|ok(?:ay)?|"
    r"good|suits?|works?|happy)\b"
)


# "any time except mornings", "anytime apart from after 7": the time right after the word is ruled
# out (read as a time that suits, it was the only one offered). Not a plain "but": in "mornings but
# after 10" the 10 o'clock suits.
_EXCEPT_WORD = (
    r"(?:except(?:\s+for)?|exc|excl|excluding|apart(?:\s+from)?|other\s+than)"
    r"\.?\s+(?:(?:in|on|at|during|the)\s+)*$"
)
_EXCEPT_RIGHT_BEFORE = re.compile(  # "apart" alone: "apart from 2-4pm" reads "from 2-4pm"
    rf"(?i)\b(?:(?:any\s*time|whenever)\s+but\s+$|{_EXCEPT_WORD})"
)
# "No calls except after 6pm", "I can't do any time except after 5": the except turns the "no" round
DOUBLE_NEGATIVE = re.compile(
    r"(?i)\b(?:no|not|never|nothing|don'?t|can'?t|cannot|busy|work\w*|tied\s+up|booked\s+up|occupied|unavailable|"
    r"(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:out|away)(?!\s+of\b))\b(?:(?!\b(?:so|but|and)\b)[^.,;:!?\n]){0,40}"
    rf"\b{_EXCEPT_WORD}"
)
