"""Does the person ask to stop taking part? Precision first.

A false withdrawal silences someone who wanted help and sends them a letter they did not ask for; a
missed one still reaches an advisor (every reply is shown to them). So:

- CLEAR ("withdraw") only for the writer's own, plain wish to stop RJ or all contact with the hub;
- POSSIBLE for wording on someone else's behalf ("she has changed her mind") or hedged ("maybe I
  should stop"): nothing automatic, advisors are told with the sentence;
- NONE for contact wishes about channels and times ("don't call me at work"), other things withdrawn
  ("my statement to the police"), negations, questions, conditionals and reported or quoted speech.

`text` is the person's own words: the caller strips quoted history and signature; lines starting
with ">" are ignored here too. English is always read, plus the case's language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rjmail.core.withdrawal_lexicon import Lexicon


class WithdrawalVerdict(StrEnum):
    CLEAR = "withdraw"
    POSSIBLE = "possible"
    NONE = "none"


@dataclass(frozen=True)
class WithdrawalReading:
    verdict: WithdrawalVerdict
    sentence: str | None  # the sentence that triggered it, as the person wrote it


_NOTHING = WithdrawalReading(WithdrawalVerdict.NONE, None)
_CONTRACTIONS = (
    (r"\bwon'?t\b", "will not"),
    (r"\bcan'?t\b", "cannot"),
    (r"\bshan'?t\b", "shall not"),
    (r"\b(do|does|did|is|are|was|were|have|has|had|would|could|should|must|need)n'?t\b", r"\1 not"),
    (r"\bi'?m\b", "i am"),
    (r"\bi'?ve\b", "i have"),
    (r"\bi'd\b", "i would"),
    (r"\bi'll\b", "i will"),
    (r"'ve\b", " have"),
    (r"'re\b", " are"),
    (r"'ll\b", " will"),
    (r"\b(you|we|they|he|she)'d\b", r"\1 would"),
)
_QUOTED = re.compile(r"[\"“”„«»][^\"“”„«»\n]*[\"“”„«»]|(?<!\w)['‘][^'‘’\n]{2,}?['’](?!\w)")
_SPLIT = re.compile(r"(?<=[.!?…])\s+|\n+|…")
_GREETING = re.compile(
    r"^\W*(?:hi|hello|dear|hiya|hey|good (?:morning|afternoon|evening)|thanks|thank you|many thanks|regards|"
    r"kind regards|best wishes|best|cheers|sorry|dzien dobry|witam|pozdrawiam|dziekuje|laba diena|sveiki|"
    r"aciu|pagarbiai|buna ziua|multumesc|ola|bom dia|boa tarde|obrigad[oa]|cumprimentos)\b[^.!?]{0,30}$"
)
_NAME_LINE = re.compile(r"^[A-ZĄĆĘŁŃÓŚŹŻ][\w'-]+(?: [A-Z][\w'-]+)?\W*$")
_NEGATED_BEFORE = re.compile(r"\b(?:not|no longer|never|nie|nu|nao|ne)\s+(?:\w+\s+){0,2}$|\bor $")
_REQUEST = re.compile(r"^(?:\w+,\s*)?(?:please )?(?:can|could|would|will) you\b")
_REPORTED_AFTER = re.compile(
    r"\b(?:what|as) (?:i|he|she|they) (?:said|told|wrote|texted|shouted)\b"
    r"|\bi (?:said|told|wrote|texted|shouted) (?:to |at )?(?:him|her|them)\b"
)
_CONDITION = re.compile(
    r"\b(?:if (?!that|it is|it's|possible|you do not mind)|unless|as long as|provided|jesli|jezeli|jei|jeigu|"
    r"daca|se eu|caso)\b"
)
# Words of distress: "I don't want to carry on" may not be about RJ at all. An advisor decides.
_DISTRESS = re.compile(
    r"\b(?:cope|coping|living|my life|alive|end it all|kill myself|hurt myself|harm myself|suicid\w*|"
    r"self[- ]harm|overdose|depressed|some days|breaking down|give up on everything)\b"
)
# Someone else reads their mail or phone: a withdrawal confirmation could put them at risk, and "don't
# contact me" may mean "not this way". An advisor decides.
_WATCHED = re.compile(
    r"\b(?:he|she|they|my (?:husband|wife|partner|ex|boyfriend|girlfriend|dad|mum|family))\s+"
    r"(?:has |have |had )?(?:found|saw|seen|reads?|read|checks?|checked|looks? at|looked at|watch(?:es|ing)?|"
    r"monitors?|goes through|went through)\b"
)
_RANK = {WithdrawalVerdict.NONE: 0, WithdrawalVerdict.POSSIBLE: 1, WithdrawalVerdict.CLEAR: 2}


def normalise(text: str) -> str:
    """Lower case, straight quotes, no accents, English contractions expanded, single spaces."""
    s = text.replace("’", "'").replace("‘", "'").replace("ł", "l").replace("Ł", "L").lower()
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    for pattern, repl in _CONTRACTIONS:
        s = re.sub(pattern, repl, s)
    return re.sub(r"\s+", " ", s).strip()


def _own_words(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SPLIT.split(text) if s and s.strip()]


def _lexicons(language: str) -> tuple[Lexicon, ...]:
    # Imported at the first reply read, not at start-up: compiling the wording costs ~70 ms, which
    # every `run --once` paid even when it only took in new referrals (issue 17).
    from rjmail.core.withdrawal_languages import LANGUAGES
    from rjmail.core.withdrawal_lexicon import ENGLISH

    other = LANGUAGES.get(language.lower()[:2]) if language else None
    return (ENGLISH,) if other is None else (ENGLISH, other)


def _is_bare(own: str, lexicons: tuple[Lexicon, ...]) -> bool:
    """A reply that is only "stop" (the word our letters suggest), greetings and a name aside."""
    lines = [ln.strip() for ln in own.splitlines() if ln.strip()]
    kept = [ln for ln in lines if not _GREETING.match(normalise(ln)) and not _is_name(ln, lexicons)]
    body = normalise(" ".join(kept)).strip("\"'")
    return bool(body) and any(lex.bare.search(body) for lex in lexicons)


def _is_name(line: str, lexicons: tuple[Lexicon, ...]) -> bool:
    return bool(_NAME_LINE.match(line)) and not any(lex.bare.search(normalise(line)) for lex in lexicons)


def _positive(text: str, pattern: re.Pattern[str]) -> bool:
    """A "still want to go ahead" that is not itself negated ("I don't want to go ahead")."""
    return any(not _NEGATED_BEFORE.search(text[: m.start()]) for m in pattern.finditer(text))


def _trigger(s: str, lex: Lexicon) -> tuple[str, re.Match[str]] | None:
    for kind in ("clear", "contact", "channel", "soft"):
        m = getattr(lex, kind).search(s)
        if m is not None:
            return kind, m
    return None


def _gate(s: str, lex: Lexicon) -> str | None:
    """Sentences decided before looking for wording: negated or asked ("skip"), hedged, on behalf."""
    if lex.negation.search(s):
        return "skip"
    if lex.question.search(s) and not _REQUEST.match(s):
        return "skip"
    if lex.hedge.search(s):
        return "hedge"
    third = lex.third.search(s)
    if third is not None:
        # "we have decided not to": the writer is one of them, so it is doubt, not someone else's voice
        return "we" if third.group(0).startswith("we ") else "behalf"
    return None


def _read_sentence(s: str, lex: Lexicon) -> str | None:
    """The kind of withdrawal wording in one normalised sentence, or None."""
    gate = _gate(s, lex)
    if gate is not None:
        return None if gate == "skip" else gate
    found = _trigger(s, lex)
    if found is None or lex.hedged_off.search(s[: found[1].start()]):
        return None
    kind, m = found
    after = s[m.end() :]
    if _REPORTED_AFTER.search(after):
        return None
    return _in_context(kind, s, after, lex)


def _in_context(kind: str, s: str, after: str, lex: Lexicon) -> str | None:
    """Wording found; what the rest of the sentence makes of it."""
    if kind in ("contact", "channel"):
        if lex.pause.search(s):
            return "pause"
        if lex.qualifier.search(s):
            return None
        return "hedge" if _CONDITION.search(after) else kind
    if kind == "clear" and lex.pause.search(after):
        return "hedge"  # "I don't want to go ahead for now": a pause is for an advisor to talk about
    if _CONDITION.search(after):
        return "hedge"  # "I'll withdraw if he doesn't admit it": a condition, not a decision
    return kind


@dataclass(frozen=True)
class _Hit:
    kind: str
    sentence: str


def _hits(own: str, lexicons: tuple[Lexicon, ...]) -> list[_Hit]:
    hits = []
    for original in sentences(_QUOTED.sub(" ", own)):
        s = normalise(original)
        for lex in lexicons:
            kind = _read_sentence(s, lex)
            if kind is not None:
                hits.append(_Hit(kind, original))
                break
    return hits


def _verdict(kind: str, still: bool, alternative: bool, doubt: bool) -> WithdrawalVerdict:
    """What one hit means given the whole message (`doubt`: on someone's behalf, or distress)."""
    if kind in ("contact", "channel", "soft", "pause") and (still or alternative):
        return WithdrawalVerdict.NONE
    if kind in ("clear", "contact") and not (doubt or still or alternative):
        return WithdrawalVerdict.CLEAR
    return WithdrawalVerdict.POSSIBLE


def read_withdrawal(text: str, language: str = "en") -> WithdrawalReading:
    """Read the person's own words for a wish to withdraw: CLEAR, POSSIBLE or NONE, with the sentence."""
    own = _own_words(text or "")
    lexicons = _lexicons(language)
    if _is_bare(own, lexicons):
        return WithdrawalReading(WithdrawalVerdict.CLEAR, own.strip())
    hits = _hits(own, lexicons)
    if not hits:
        return _NOTHING
    flat = normalise(_QUOTED.sub(" ", own))
    still = any(_positive(flat, lex.still) for lex in lexicons)
    alternative = any(_positive(flat, lex.alternative) for lex in lexicons)
    behalf = any(h.kind == "behalf" for h in hits) or any(lex.behalf.search(flat) for lex in lexicons)
    doubt = behalf or bool(_DISTRESS.search(flat) or _WATCHED.search(flat))
    best = _NOTHING
    for hit in hits:
        verdict = _verdict(hit.kind, still, alternative, doubt)
        if _RANK[verdict] > _RANK[best.verdict]:
            best = WithdrawalReading(verdict, hit.sentence)
    return best


def wants_to_withdraw(text: str, language: str = "en") -> bool:
    """Compatibility: True only for a CLEAR withdrawal (a possible one is for the advisors)."""
    return read_withdrawal(text, language).verdict is WithdrawalVerdict.CLEAR
