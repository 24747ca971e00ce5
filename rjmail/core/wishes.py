"""What a person says about how and when they may be contacted (SPEC section 3, "Listening to the person").

`read_contact_wishes(text, language)` reads the person's own words (quoted history and signature
already removed) in English and, for `language` pl, lt, ro or pt, also in that language. It is pure:
no clock, no I/O. Precision comes first: a field the words do not settle clearly stays empty (None),
because these fields bind what rjmail does on the person's behalf.

Fixed meanings of call-time words (Europe/London wall-clock time):
- morning 09:00-12:00; afternoon 12:00-17:00; evening 17:00-21:00;
  "during the day" / daytime 09:00-17:00; lunchtime 12:00-14:00.
- "after X" means X to 21:00; "before X" (or "until X") means 09:00 to X.
- "between 10 and 2" means 10:00-14:00: a bare hour 1-7 means pm ("after 6" is 18:00-21:00);
  a bare "after 8" or "after 9" could be morning or evening, so it is not read.
- A day part with a bound narrows it: "evenings after 7pm" is 19:00-21:00.
- "after 6 weekdays or sat morning" is two windows (Mon-Fri 18:00-21:00, Sat 09:00-12:00): only when
  the two times do not meet, so joining them could mean nothing.
- Days not stated mean all seven; weekdays mon-fri; weekends sat, sun; "Monday to Thursday" a range.
- "not on Wednesdays" means the other six days, at the times stated or else 09:00-21:00;
  "not Wednesday evenings" or "any time except Wednesday evenings" takes the evening away on Wednesdays only;
  "don't call before 6pm" means 18:00-21:00 (a time qualifier restricts the time, it is not a refusal);
  "not mornings" and "any time except mornings" mean 12:00-21:00 (a plain "but" is no exclusion).
- "any time" means no windows (None). Several windows give several CallWindow, sorted by time.
- A clause about work, sleep, a job, treatment or who is home ("I work during the day") names when NOT
  to call and is not read as a window, except an exclusion in it ("not weekends, he is home then");
  with no other time it leaves the times unclear. One-off times and dates ("tomorrow morning",
  "Monday 7th December"), "early"/"late" evening, "nights", clock times that are not a span ("at 6pm",
  "half 6"), days that cannot be paired with times, and times that hang on something rjmail cannot
  know ("when I'm back", "after the court case", "when he is at work") leave call_windows None
  (call_times keeps the words so an advisor can read them).
- "Sorry, I mean after 7.30" is read as call times though it has no call word (hours only: "I mean
  Saturday not Friday" may correct the story); after words rjmail could not read it stays unclear.
- `lifts`: days only, that suit again ("Fridays are OK now", "I can do Fridays again"); after words
  that ruled those days out, rjmail.cases.wishes adds them back with the earlier hours.
- `narrows`: the words only take away ("can't do Tuesdays any more"); rjmail.core.windows.restate
  then narrows the earlier windows instead of replacing them.

Other wishes:
- email_only: "please only email me", "email only", "don't call or text", "he checks my phone",
  "it is not safe to call", "could we keep to email", "email is easier for me than talking", "I'd
  rather write than talk", a refused call with email named ("please don't ring, just email"); then
  wants_call is False and no call is ever offered.
- wants_call: True for a call request in everyday wording ("I would welcome a telephone call",
  "could someone ring me", "proszę zadzwonić", "paskambinkite man", "vă rog să mă sunați",
  "liguem-me", "a phone conversation would be helpful"; not "I'm ready to talk", which says they
  are willing, and is easily someone else's words or negated across a line break); False for a
  refusal of calls to the person. Refusals beat requests.
- voicemail_ok / texts_ok: False for "no voicemail" / "don't text", True only when said to be fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from rjmail.core.doubts import doubt_in
from rjmail.core.opening import without_greetings
from rjmail.core.sentences import sentences
from rjmail.core.timecues import LIFTS, RULED_OUT_AFTER, UNREAD_TIME, clause
from rjmail.core.timewords import CallWindow, Found, read_items, windows_in
from rjmail.core.wishlang import Rewritten, rewrite
from rjmail.core.wishwords import email_only, texts_ok, voicemail_ok, wants_call

__all__ = [
    "ANY_TIME",
    "CallWindow",
    "ContactWishes",
    "read_contact_wishes",
    "rules_out_times",
    "says_yes",
]

LANGUAGES = ("en", "pl", "lt", "ro", "pt")


@dataclass(frozen=True)
class ContactWishes:
    wants_call: bool | None
    call_windows: tuple[CallWindow, ...] | None
    call_times: str | None  # the person's own words
    voicemail_ok: bool | None
    texts_ok: bool | None
    email_only: bool
    narrows: bool = False  # the call times only take away ("not Tuesdays"): restated, they narrow
    adds: bool = False  # the call times join the earlier ones ("Saturdays are OK now too")
    gives_hours: bool = True  # False: "Weekdays, just not Friday evenings" names no hours that suit
    lifts: bool = False  # "Fridays are OK now": days only, that suit again (perhaps once ruled out)


_WHENS = r"(?:\w+days?|weekends?|weekdays?|mornings?|afternoons?|evenings?|lunch\s*times?)"
_ONLY = (
    rf"(?:only|just)\s+(?:on\s+|at\s+|in\s+the\s+)?(?:{_WHENS}|after|before|between|from)|{_WHENS}\s+only|"
    r"(?:any|no)\s+good|good\s+for\s+me|a\s+no[\s-]go"
)
# "sorry, I mean after 7.30": a correction of the call times just given, with no call word
_CORRECTS = (
    r"i\s+mean[t]?(?:\s+to\s+say)?(?=\s+(?:after|before|between|from|mornings?|afternoons?|evenings?|"
    r"lunch\s*times?)\b)"  # hours only: "I mean Saturday not Friday" may correct the story
)
_CALL_CUE = re.compile(
    rf"(?i)\b(?:{_ONLY}|call|calls|ring|phone(?!\s*(?:numbers?|no)\b)|reach|contact|speak|talk|free|"
    r"available|best|better|suits?|please|otherwise|(?:is|are|be)\s+good|ideal|ok|okay|"
    r"(?:has|have|would\s+have|needs?|would\s+need|'d\s+need)\s+to\s+be|"
    r"pls|ideally|possible|instead|rather\s+than|try\s+me|make\s+it|(?:can|could)\s+(?:you|u|we|i)\s+do|fine|"
    r"(?:can'?t|cannot|can|could)\s+do|easiest|(?:be|being)\s+called|(?:can|could)\s+it\s+be|reached|"
    r"leave\s+\w+\s+out|"
    rf"{_CORRECTS}|"
    r"prefer|preferably|easier|convenient|safe\s+times?|good\s+times?|safest|answer|works?\s+(?:best|better|"
    r"for\s+me)|i'?m\s+(?:usually\s+|normally\s+|mostly\s+|generally\s+)?(?:in|home|at\s+home|around))\b"
)
# Call words about someone else's calls or how the person is, not about the hub calling them: "I
# missed a call from a withheld number on Tuesday", "my mum calls me every morning", "to check I'm ok"
_NOT_A_CUE = re.compile(
    r"(?i)\b(?:(?:missed|answered|ignored|blocked)\s+(?:(?:his|her|their|loads\s+of|lots\s+of)\s+(?:\w+\s+)?"
    r"(?:phone\s+)?calls?\b|(?:a|an|two|three|several|\d+)\s+(?:\w+\s+)?(?:phone\s+)?calls?\s+from)|"
    r"(?:got|had|received|took)\s+(?:(?:a|an|"
    r"the|two|three|several|loads\s+of|lots\s+of|\d+)\s+)?(?:\w+\s+)?(?:phone\s+)?calls?\s+from)\b|"
    r"\b(?:he|she|they|mum|mom|mam|dad|nan|gran|husband|wife|partner|ex|son|daughter|brother|sister|friend|"
    r"neighbou?r|officer|someone|somebody|number)\s+(?:\w+\s+)?(?:calls|called|rang|rings|phoned|phones|"
    r"keeps\s+(?:calling|ringing|phoning))\s+(?:me|us|her|him)\b|"
    # "to check I'm ok": how they are; "I'm ok, just not Fridays" is still read
    r"\b(?:check|see|make\s+sure|know|ask)\s+(?:if\s+|whether\s+|that\s+)?(?:i'?m|i\s+am|we'?re|we\s+are|"
    r"he'?s|she'?s|they'?re)\s+(?:ok|okay|fine|alright)\b"
)


def _cued(sentence: str) -> bool:
    return bool(_CALL_CUE.search(_NOT_A_CUE.sub(" ", sentence)))


_HARM_CUE = re.compile(
    r"(?i)\b(?:attack\w*|assault\w*|happened|burgl\w*|broke|stole\w*|hit|threat\w*|punch\w*|robbed|mugged)\b"
)
ANY_TIME = re.compile(r"(?i)\b(?:any\s*time|whenever(?:\s+suits)?|at\s+any\s+time)\b")
# A time that depends on something rjmail cannot know ("when I'm back", "after the court case",
# "next week sometime"): a slot picked by rjmail could fall when the person is away or not safe to
# talk, so these make the call times unclear and advisors arrange the call.
_SOMEONE = (
    r"(?:things|everything|i'?m|i\s+am|i\s+get|i'?ve|i\s+have|we'?re|we\s+are|he|she|they|my\s+\w+|"
    r"the\s+(?:kids|children|baby|boys|girls|twins|little\s+ones)|one\s+of\s+them)"
)
# "I'll let you know when I'm settled": the person will say when; read wherever it stands
_LATER = (
    r"(?:i'?ll|i\s+will|i\s+can|we'?ll|we\s+will)\s+(?:let\s+(?:you|u)\s+know|be\s+in\s+touch|get\s+back\s+to\s+"
    r"(?:you|u)|contact\s+(?:you|u))\s+(?:when|once)\b"
)
_LATER_CUE = re.compile(rf"(?i)\b{_LATER}")
_REST = r"[^.,;!?\n]{0,60}"  # the rest of the clause, so advisors read "when I'm back from my mum's"
_VAGUE = re.compile(
    rf"(?i)\b(?:(?:next(?:\s+few)?|the\s+following|in\s+a\s+(?:few|couple\s+of)|in\s+(?:two|three|2|3)|"
    rf"later\s+(?:this|in\s+the|next))\s+(?:weeks?|months?|days)|in\s+a\s+(?:day|week|month)\s+or\s+two|"
    rf"(?:after|in)\s+(?:\d+|a\s+few|a\s+couple\s+of|two|three|four|few)\s+(?:wks?|weeks?|mths?|months?)\b|"
    rf"(?:when|once)\s+(?:i'?m|i\s+am|i\s+get|we'?re|we\s+are|we\s+get)\s+back|"
    rf"(?:once|until|till)\s+(?:i'?m|i\s+am|i\s+get|i'?ve|we'?re|we\s+are)|"
    rf"(?:after|before)\s+(?:the|my|his|her|our)\s+(?:court|trial|hearing|case|sentencing|funeral|holiday|"
    rf"operation|op|surgery|appointment|wedding|exams?)|"
    rf"(?:after|before|till|until)\s+(?:christmas|easter|new\s+year|half[\s-]term|the\s+holidays)|"
    rf"(?:come|get)\s+back\s+(?:to\s+you|in\s+touch)|have\s+a\s+think|in\s+a\s+fortnight|{_LATER}|"
    rf"(?:not\s+sure|don'?t\s+know|no\s+idea)\s+when|week\s+to\s+week|changes\s+every\s+week)\b{_REST}"
)
# "please call when he is at work" names no time rjmail can read; with windows beside it ("mornings,
# that's when I'm on my own") it only says why they suit
_WHEN_SOMEONE = re.compile(
    rf"(?i)(?:(?<!that's\s)(?<!that\sis\s)\b(?:when|while|whilst|once|until|till|after|before)\s+{_SOMEONE}\b|"
    rf"\b(?:tea|dinner|supper|bed|bath)\s*time|\bfirst\s+thing\b|\bschool\s+run\b){_REST}"
)
# A clock time the grammar has no span for ("at 6pm", "around 7:30", "half 6"): never "any time"
_LONE_TIME = re.compile(
    r"(?i)\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock|ish)(?!\w)|\b\d{1,2}:\d{2}\b|"
    r"\bhalf\s+(?:past\s+)?\d{1,2}\b|\b(?:at|around|about)\s+\d{1,2}\b(?![:.]?\d)"
    r"(?!\s*(?:days?|weeks?|months?|years?|mins?|minutes?|hours?|times?|th|st|nd|rd|of)\b)"
)
_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def read_contact_wishes(text: str, language: str = "en") -> ContactWishes:
    """Contact wishes in `text` (the person's own words); anything unclear stays None."""
    plain, maybe_time = without_greetings(text.translate(_QUOTE_MARKS))
    written = rewrite(plain, language.lower()[:2])
    words = written.text
    context = call_context(words)  # once: the times and the lift both read it
    windows, times, found = _call_times(written, context)
    if times is None:  # "anytime except weds, hes home" with no call word: never "any time"
        times = _limited_times(written)
    lifts = windows is not None and _lifts(context)
    if windows is not None and (maybe_time or (lifts and _LIFT_DOUBT.search(words)) or doubt_in(words)):
        # a greeting that may be a time, a lift with a condition, wording read two ways: for advisors
        windows, found, lifts = None, None, False
    only_email = email_only(words, gives_call_times=windows is not None)
    return ContactWishes(
        wants_call=False if only_email else wants_call(words, gives_call_times=windows is not None),
        call_windows=windows,
        call_times=times,
        voicemail_ok=voicemail_ok(words),
        texts_ok=texts_ok(words),
        email_only=only_email,
        narrows=bool(found and found.narrows),
        adds=bool(found and found.adds),
        gives_hours=not found or found.gives_hours,
        lifts=lifts,
    )


def _lifts(context: str) -> bool:
    """Every call-time item is a day that suits again ("I can do Fridays again"), and nothing else."""
    items, busy = read_items(context)
    return (
        bool(items)
        and not busy
        and all(i.kind == "days" and not i.negated and not i.unclear for i in items)
        and all(LIFTS.search(clause(context, i.start, i.end)) for i in items)
        and not any(_ASKS.match(context, i.end) for i in items)  # "Is Friday OK now?" asks
    )


_ASKS = re.compile(r"[^.!?\n]*\?")
# words that limit times: "except Mondays", "but not Fridays", "weekdays only"
TIME_LIMIT = re.compile(r"(?i)\b(?:except|apart\s+from|other\s+than|not|never|no|but|only|unless)\b|n'?t\b")


def _limited_times(written: Rewritten) -> str | None:
    """In a message with no call word, a sentence that opens with times and limits them ("Any time
    apart from Mondays.", "Weekday afternoons but not Fridays"): left unread the case would hold no
    limit at all and the day ruled out could be offered. The words are kept with no windows, so the
    times are unclear and advisors arrange the call; a story that happens to open with a day ("Sunday
    afternoon was horrible, he wasn't supposed to be there") costs only an automatic offer."""
    for sentence in sentences(written.text):
        if _HARM_CUE.search(sentence) or not TIME_LIMIT.search(sentence):
            continue
        lead = _LEAD.match(sentence)
        at = lead.end() if lead else 0
        found = windows_in(sentence)
        if _ANY_TIME_OPENS.match(sentence, at) or (found and found.span[0] == at):
            return sentence.strip()
    return None


# "Any time except Mondays" opens with the times; "Anytime you need more info" addresses the hub
_ANY_TIME_OPENS = re.compile(
    r"(?i)(?:any\s*time|whenever)(?!\s+(?:you|u)\s+(?:need|want|have|get|are|'re|can|could|would|wish)\b)"
)
# "Fridays are fine again, except when he has the kids", "my mum said Fridays are fine again for her":
# a condition, or someone else's words, is not the day suiting again
_LIFT_DOUBT = re.compile(
    r"(?i)\b(?:except|unless|when|whenever|if|as\s+long\s+as|said|says|told|for\s+(?:her|him|them)|until|till|"
    r"hopefully|depends?|maybe|might|should|probably|for\s+now|now\s+and\s+again)\b"
)


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def call_context(text: str) -> str:
    """`text` with only the sentences about calling kept (others blanked, positions unchanged).

    A time often follows the request ("Please call me. Mornings are best."), so a sentence right after
    a call sentence counts too; words about the harm ("he attacked me on a Friday evening") never. In a
    call sentence that names the harm ("give me a ring about the burglary, mornings are best"), only
    the clauses that say something about calling themselves, or exclude a time, are kept; so is an
    exclusion right before a call sentence ("Not Fridays, I'm on a late shift. Any other day is fine.").
    """
    flat = re.sub(r"(?<!\n)\n(?!\n)", " ", text)
    kept = [" "] * len(flat)
    spans = _sentence_spans(flat)
    # a sentence that only rules a time out leads on like a call sentence: "Weekends are out for me.
    # Weekday mornings before 11 would be ideal."
    excluding = [_only_excludes(flat[start:end]) for start, end in spans]
    cued = [x or _cued(flat[a:b]) for (a, b), x in zip(spans, excluding, strict=True)]
    for i, (start, end) in enumerate(spans):
        sentence = flat[start:end]
        read = (
            cued[i]
            or (i > 0 and cued[i - 1])
            or _names_busy_times(_NOT_A_CUE.sub(" ", sentence))
            or _LATER_CUE.search(sentence)
        )
        if read and not _HARM_CUE.search(sentence):
            kept[start:end] = sentence
        elif cued[i] or (i + 1 < len(spans) and cued[i + 1]):  # "Not Fridays. Any other day is fine."
            for at, clause in _clauses(sentence):
                # ... and "Any time except fri eve." before "Not weekends either." (which narrows it)
                limits = _EXCLUDING.match(clause) or _ANY_TIME_OPENS.match(clause.strip())
                if (_cued(clause) or limits) and not _HARM_CUE.search(clause):
                    kept[start + at : start + at + len(clause)] = clause
    return "".join(kept)


_CLAUSE_BREAK = re.compile(r"(?i)[,;:]|\b(?:but|so|because|although|though|about|regarding|concerning)\b")
# ", not Mondays," in a sentence that names the harm: an exclusion only narrows, so it is read
_EXCLUDING = re.compile(r"(?i)^\W*(?:not|never|except|apart\s+from|other\s+than|excluding|no)\b")


_LEAD = re.compile(  # "hi Dean again, Thursdays are off the table"
    r"(?i)^\W*(?:(?:hi|hello|hiya|hey)\b[^,.!?\n]{0,30}[,.!?]\s*)?"
    r"(?:(?:also|and|but|oh|sorry|just|actually|one\s+more\s+thing|p\.?s|(?:i\s+)?(?:forgot|meant)\s+to\s+"
    r"(?:say|mention|add))\W+)*"
)


def _only_excludes(sentence: str) -> bool:
    """The sentence opens by ruling a time out and names none that suits ("Sundays are no good
    either", "Not before 10 though"): it can only narrow the times, so no call word is needed. An
    exclusion further in ("he didn't come on Monday") is not read: it may be about the harm."""
    if _HARM_CUE.search(sentence):
        return False
    found = windows_in(sentence)
    lead = _LEAD.match(sentence)
    opens = lead is not None and found is not None and found.span[0] == lead.end()
    return bool(found and found.narrows and found.windows and (opens or RULED_OUT_AFTER.search(sentence)))


def _names_busy_times(sentence: str) -> bool:
    """ "My partner is at home on Wednesdays now.": when not to call, with no call word. Read, it
    leaves the times unclear (or only its exclusions count) rather than "any time"."""
    return bool(read_items(sentence)[1])


def rules_out_times(text: str, language: str = "en") -> bool:
    """The words rule a time out or say when the person is busy or someone is home ("Thursdays are
    out now", "my partner is at home on Wednesdays now"): such a reply to a call offer is never
    taken as picking one of the offered times, whatever day or time it names."""
    written = rewrite(text.translate(_QUOTE_MARKS), language.lower()[:2])
    items, busy = read_items(written.text)
    return bool(busy) or any(i.rules_out for i in items)


def _clauses(sentence: str) -> list[tuple[int, str]]:
    """(offset, clause) pieces of a sentence, split at commas and the words that start a new clause."""
    cuts = [0, *(m.start() for m in _CLAUSE_BREAK.finditer(sentence)), len(sentence)]
    return [(a, sentence[a:b]) for a, b in pairwise(cuts) if b > a]


def _call_times(
    written: Rewritten, context: str
) -> tuple[tuple[CallWindow, ...] | None, str | None, Found | None]:
    """(windows, the person's words, how the grammar read them when the windows stand); `context` is
    call_context(written.text)."""
    found = windows_in(context)
    vague = [*_VAGUE.finditer(context)]
    if found is None or found.windows is None:
        vague += _WHEN_SOMEONE.finditer(context)
    if found is None:
        said = (UNREAD_TIME.search(context), _LONE_TIME.search(context), ANY_TIME.search(context))
        loose = vague or [m for m in said if m][:1]
        return None, (written.span(*_extent(loose)) or None) if loose else None, None
    if vague:  # "evenings, but not till I'm back": the words are kept, nothing automatic
        return None, written.span(*_extent(vague, found.span)) or None, None
    if found.narrows and _times_beside(written.text, context, found.span):
        # "Any afternoon. But not Thursdays.": read alone, the exclusion means any other day at any
        # hour, and the times in the other words (not read as call words) would be lost
        return None, written.span(*found.span) or None, None
    return found.windows, written.span(*found.span) or None, found


_STORY = re.compile(
    r"(?i)\b(?:was|were|happened|did|had|ago|last|attacked|assaulted|burgled|broke|stole|hit)\b"
)


def _times_beside(text: str, context: str, span: tuple[int, int]) -> bool:
    """Times around `span` (its sentences and the next ones) that call_context did not keep, outside a
    story of what happened ("He attacked me on a Friday night" says nothing about calls)."""
    flat = re.sub(r"(?<!\n)\n(?!\n)", " ", text)
    spans = _sentence_spans(flat)
    inside = [i for i, (a, b) in enumerate(spans) if a < span[1] and span[0] < b]
    if not inside:
        return False
    for i in range(max(0, inside[0] - 1), min(len(spans), inside[-1] + 2)):
        a, b = spans[i]
        left = "".join(c if k == " " else " " for c, k in zip(flat[a:b], context[a:b], strict=True))
        if not (_HARM_CUE.search(flat[a:b]) or _STORY.search(flat[a:b])) and (
            any(read_items(left)) or UNREAD_TIME.search(left) or ANY_TIME.search(left)
        ):
            return True  # ("Anytime but evenings. Not Sundays either." keeps only "Anytime")
    return False


def _extent(found: list[re.Match[str]], span: tuple[int, int] | None = None) -> tuple[int, int]:
    """From the start of the first of these words to the end of the last."""
    edges = [(m.start(), m.end()) for m in found] + ([span] if span else [])
    return min(e[0] for e in edges), max(e[1] for e in edges)


_YES = re.compile(
    r"(?i)^\W*(?:yes|yeah|yep|yes\s+please|please\s+do|ok(?:ay)?|sure|that\s+would\s+be\s+(?:great|good|"
    r"lovely|helpful)|tak|taip|da|sim)(?:[\s,!.]+(?:please|thanks|thank\s+you|proszę|prašau|vă\s+rog|"
    r"por\s+favor|obrigad[oa]))*\W*$"
)


def says_yes(text: str) -> bool:
    """A bare "yes please" (any of the five languages): the caller decides what it answers."""
    return bool(_YES.match(text.strip()))
