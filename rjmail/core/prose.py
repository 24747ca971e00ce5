"""The referred person as a professional describes them in prose.

"I am referring Mrs Janet Moore who consents to be contacted on 07700 900345. She does not use
email." A name is taken after a referral verb ("referring", "on behalf of", "referral for"); a
number or address only from a sentence that is about the person ("her number is", "she can be
contacted on") and never from one about the writer ("call me on", "my direct line").
"""

from __future__ import annotations

import re

from phonenumbers import Leniency, PhoneNumberMatcher

from rjmail.core.phones import normalise_phone
from rjmail.core.prefs import sentences
from rjmail.core.referred import person_name

_TITLE = r"(?:(?:Mrs|Mr|Ms|Miss|Mx|Dr)\.?\s+)"
_WORD = r"(?:[A-Z][a-z'’\-]+|[A-Z]{2,}|[A-Z]\.?)"
_INTRO = re.compile(
    r"(?i:\b(?:referring|refer|referral\s+(?:is\s+)?for|on\s+behalf\s+of|writing\s+(?:about|for)|"
    r"(?:her|his|their|the\s+(?:victim|client|person)'s)\s+name\s+is|"
    r"(?:victim|client|person|young\s+person|patient|pupil|tenant)\s+(?:is|was)\s+(?:called\s+)?))"
    r"\s+(?:(?i:my|our)\s+(?i:client|patient|pupil|tenant|service\s+user|resident|student)\s*,?\s*)?"
    rf"(?P<name>{_TITLE}?{_WORD}(?:\s+{_WORD}){{0,2}})"
)
_ABOUT = re.compile(
    r"(?i)\b(?:she|he|they|her|his|their|hers|him|them|client'?s?|victim'?s?|patient'?s?|"
    r"tenant'?s?|pupil'?s?|young\s+person'?s?|consents?|consented|(?:can|may)\s+be\s+"
    r"(?:contacted|reached|called)|contactable)\b"
)
_WRITER = re.compile(
    r"(?i)\b(?:me|my|myself|I\s+can\s+be|I\s+am\s+(?:on|available)|reach\s+me|call\s+me|"
    r"office|switchboard|direct\s+line|desk|duty|team|helpline|reception)\b"
)
_ADDRESS = re.compile(r"[^\s<>@:;,()\[\]]+@[^\s<>@:;,()\[\]]+\.[A-Za-z]{2,}")
_NO_EMAIL = re.compile(
    r"(?i)\b(?:(?:does|do)\s*(?:n'?t|\s+not)\s+(?:use|have|check)\s+(?:an?\s+)?e-?mail|"
    r"no\s+e-?mail(?:\s+address)?|not\s+(?:on|by)\s+e-?mail)\b"
)


def prose_name(body: str) -> str | None:
    """The person's name after a referral verb, or None."""
    for sentence in sentences(body):
        match = _INTRO.search(sentence)
        if match:
            name = person_name(_trim(match.group("name")))
            if name:
                return name
    return None


def _trim(name: str) -> str:
    """ "Janet Moore To" cannot happen (names are capitalised) but "Janet Moore I" can."""
    words = name.split()
    while words and words[-1] in {"I", "A", "The", "She", "He", "They", "Who", "On", "Re"}:
        words.pop()
    return " ".join(words)


def _about_person(prefix: str) -> bool:
    clause = re.split(r"[.!?;]\s+", prefix)[-1]
    return bool(_ABOUT.search(clause)) and not _WRITER.search(clause)


def prose_phone(body: str) -> str | None:
    """The one phone number given in a sentence about the person, or None (also when several)."""
    found: set[str] = set()
    for sentence in sentences(body):
        for match in PhoneNumberMatcher(sentence, "GB", leniency=Leniency.POSSIBLE, max_tries=50):
            e164 = normalise_phone(match.raw_string)
            if e164 and _about_person(sentence[: match.start]):
                found.add(e164)
    return found.pop() if len(found) == 1 else None


def prose_email(body: str) -> str | None:
    """The one email address given in a sentence about the person, or None."""
    if _NO_EMAIL.search(body):
        return None
    found: set[str] = set()
    for sentence in sentences(body):
        for match in _ADDRESS.finditer(sentence):
            if _about_person(sentence[: match.start()]):
                found.add(match.group(0).rstrip(".").lower())
    return found.pop() if len(found) == 1 else None


def says_no_email(text: str) -> bool:
    """The text says the person has or uses no email."""
    return bool(_NO_EMAIL.search(text))
