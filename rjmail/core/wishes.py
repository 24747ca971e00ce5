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
- Days not stated mean all seven; weekdays mon-fri; weekends sat, sun; "Monday to Thursday" a range.
- "not on Wednesdays" means the other six days, at the times stated or else 09:00-21:00;
  "don't call before 6pm" means 18:00-21:00 (a time qualifier restricts the time, it is not a refusal);
  "not mornings" means 12:00-21:00.
- "any time" means no windows (None). Several windows give several CallWindow, sorted by time.
- A clause about work, sleep, a job, treatment or who is home ("I work during the day") names when NOT
  to call and is not read as a window, except an exclusion in it ("not weekends, he is home then");
  one-off times ("tomorrow morning"), "early"/"late" evening, clock times that are not a span
  ("at 6pm") and days that cannot be paired with times leave call_windows None (call_times keeps the
  words so an advisor can read them).

Other wishes:
- email_only: "please only email me", "email only", "don't call or text", "he checks my phone",
  "it is not safe to call"; then wants_call is False and no call is ever offered.
- wants_call: True for a call request in everyday wording ("I would welcome a telephone call",
  "could someone ring me", "proszę zadzwonić", "paskambinkite man", "vă rog să mă sunați",
  "liguem-me"); False for a refusal. Refusals beat requests.
- voicemail_ok / texts_ok: False for "no voicemail" / "don't text", True
  only when said to be fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from rjmail.core.timewords import CallWindow, windows_in
from rjmail.core.wishlang import Rewritten, rewrite
from rjmail.core.wishwords import email_only, texts_ok, voicemail_ok, wants_call

__all__ = ["CallWindow", "ContactWishes", "read_contact_wishes", "says_yes", "sentences"]

LANGUAGES = ("en", "pl", "lt", "ro", "pt")


@dataclass(frozen=True)
class ContactWishes:
    wants_call: bool | None
    call_windows: tuple[CallWindow, ...] | None
    call_times: str | None  # the person's own words
    voicemail_ok: bool | None
    texts_ok: bool | None
    email_only: bool


_CALL_CUE = re.compile(
    r"(?i)\b(?:call|calls|ring|phone|reach|contact|speak|talk|free|available|best|better|suits?|please|"
    r"pls|ideally|if\s+possible|fine|"
    r"prefer|preferably|easier|convenient|safe\s+time|good\s+time|safest|answer|works?\s+(?:best|better|"
    r"for\s+me)|i'?m\s+(?:usually\s+|normally\s+|mostly\s+|generally\s+)?(?:in|home|at\s+home|around))\b"
)
_HARM_CUE = re.compile(
    r"(?i)\b(?:attack\w*|assault\w*|happened|burgl\w*|broke|stole\w*|hit|threat\w*|punch\w*|robbed|mugged)\b"
)
_ANY_TIME = re.compile(r"(?i)\b(?:any\s*time|whenever(?:\s+suits)?|at\s+any\s+time)\b")
_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def read_contact_wishes(text: str, language: str = "en") -> ContactWishes:
    """Contact wishes in `text` (the person's own words); anything unclear stays None."""
    written = rewrite(text.translate(_QUOTE_MARKS), language.lower()[:2])
    words = written.text
    windows, times = _call_times(written)
    only_email = email_only(words, gives_call_times=windows is not None)
    return ContactWishes(
        wants_call=False if only_email else wants_call(words),
        call_windows=windows,
        call_times=times,
        voicemail_ok=voicemail_ok(words),
        texts_ok=texts_ok(words),
        email_only=only_email,
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
    the clauses that say something about calling themselves are kept.
    """
    flat = re.sub(r"(?<!\n)\n(?!\n)", " ", text)
    kept = [" "] * len(flat)
    previous = ""
    for start, end in _sentence_spans(flat):
        sentence = flat[start:end]
        cue = _CALL_CUE.search(sentence) or _CALL_CUE.search(previous)
        previous = sentence
        if cue and not _HARM_CUE.search(sentence):
            kept[start:end] = sentence
        elif _CALL_CUE.search(sentence):
            for at, clause in _clauses(sentence):
                if _CALL_CUE.search(clause) and not _HARM_CUE.search(clause):
                    kept[start + at : start + at + len(clause)] = clause
    return "".join(kept)


_CLAUSE_BREAK = re.compile(r"(?i)[,;:]|\b(?:but|so|because|although|though)\b")


def _clauses(sentence: str) -> list[tuple[int, str]]:
    """(offset, clause) pieces of a sentence, split at commas and the words that start a new clause."""
    cuts = [0, *(m.start() for m in _CLAUSE_BREAK.finditer(sentence)), len(sentence)]
    return [(a, sentence[a:b]) for a, b in pairwise(cuts) if b > a]


def _call_times(written: Rewritten) -> tuple[tuple[CallWindow, ...] | None, str | None]:
    context = call_context(written.text)
    found = windows_in(context)
    if found is None:
        any_time = _ANY_TIME.search(context)
        return None, (written.span(any_time.start(), any_time.end()) if any_time else None)
    windows, (start, end) = found
    return windows, written.span(start, end) or None


_YES = re.compile(
    r"(?i)^\W*(?:yes|yeah|yep|yes\s+please|please\s+do|ok(?:ay)?|sure|that\s+would\s+be\s+(?:great|good|"
    r"lovely|helpful)|tak|taip|da|sim)(?:[\s,!.]+(?:please|thanks|thank\s+you|proszę|prašau|vă\s+rog|"
    r"por\s+favor|obrigad[oa]))*\W*$"
)


def says_yes(text: str) -> bool:
    """A bare "yes please" (any of the five languages): the caller decides what it answers."""
    return bool(_YES.match(text.strip()))


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
