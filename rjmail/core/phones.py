"""Finding the writer's own phone number in free text, as E.164.

Precision over recall: a number is taken only when the line labels it as a phone number, the
writer says it is theirs ("call me on …"), or it stands alone on a line (a signature). Numbers
said to be someone else's ("his number is …"), service lines (0300/0800/0808 are never a
person's own number) and things that merely look numeric (crime references, dates, 11-digit
occurrence numbers without a leading 0) are never taken.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher, PhoneNumberType

_PERSONAL_TYPES = frozenset(
    {
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.PERSONAL_NUMBER,
    }
)
# Ofcom's drama ranges are "unassigned" to libphonenumber but are exactly what examples use.
_DRAMA = re.compile(
    r"^(?:7700900\d{3}|1632960\d{3}|207946[0]\d{3}|1[1-9]14960\d{3}|1[1-9]1498\d{4}"
    r"|2890180\d{3}|2920180\d{3}|1134960\d{3}|1174960\d{3}|1214960\d{3})$"
)
_LABEL = re.compile(
    r"(?i)(?:\b(?:tel(?:ephone)?|phone(?: number| no)?|mob(?:ile)?(?: number| no)?|cell|"
    r"contact(?: number| no| tel)?|number|nr(?: tel)?|ffôn|rhif ffôn|telefon(?:u)?|telefone|"
    r"telemóvel|telef\.?|tlf|landline|home|work|daytime|m|t)\b\.?|\btel\.?)\s*(?:number|no\.?|nr\.?)?\s*(?:is|:|-|–|=)?\s*"
    r"(?:\(\w+\)\s*)?$"
)
_OWNED = re.compile(
    r"(?i)\b(?:call me|ring me|text me|reach me|contact me|get me|phone me|my (?:mobile|phone|"
    r"number|mob|landline|tel)(?: number)?(?: is)?|me on|I'm on|I am on|numer(?: telefonu)?(?: to)?|"
    r"give me a (?:call|ring|bell))\b[?:,]?[^.!?]*$"
)
_OTHERS = re.compile(
    r"(?i)\b(?:his|her|their|he|she|they|him|them|offender|suspect|support|helpline|line|police|"
    r"officer|office|switchboard|fax|reception|101|samaritans|services?|team|desk|"
    r"he's|she's)\b"
)
# "07700 900117 is my mobile."
_OWNED_AFTER = re.compile(r"(?i)^\s*(?:is|'s)\s+my\s+(?:mobile|phone|number|mob|landline)\b")
# "I work days. 07700 900110. Sue": a number that is a sentence of its own, then at most a name
_ALONE_THEN_NAME = re.compile(r"^\s*[.!]?\s*(?:[A-Z][a-z]+\.?)?\s*$")
_LEADING_NUMBER = re.compile(r"^[+(0][\d ()+.-]{6,20}\d")
_WORK = re.compile(r"(?i)\b(?:work|office|landline|home)\b")
_MOBILE_LABEL = re.compile(r"(?i)\b(?:mob|mobile|cell|telemóvel|komórk\w*)\b")


def normalise_phone(value: str) -> str | None:
    """E.164 of a single written number (UK default), or None when it is not a personal number."""
    lead = _LEADING_NUMBER.match(value.strip())
    if lead is None or "/" in value:
        return None
    raw = lead.group(0)
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not _personal(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _personal(number: phonenumbers.PhoneNumber) -> bool:
    national = str(number.national_number)
    if number.country_code == 44 and _DRAMA.match(national):
        return True
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in _PERSONAL_TYPES


def _score(line_prefix: str, suffix: str) -> int:
    """How sure we are that a number written after `prefix` on its line is the writer's own."""
    # Only the sentence holding the number counts: "He is in prison. My number is …" is fine.
    prefix = re.split(r"[.!?]\s+", line_prefix)[-1]
    label = _LABEL.search(prefix)
    owned = _OWNED.search(prefix)
    lead = prefix[: label.start()] if label else prefix
    if _OTHERS.search(lead if (label or owned) else prefix):
        return 0
    if owned or _OWNED_AFTER.match(suffix):
        return 3
    if label:
        if _WORK.search(prefix):
            return 2
        return 4 if _MOBILE_LABEL.search(prefix) else 3
    if not prefix.strip(" \t*-•>:") and (
        not re.search(r"[A-Za-z]{3}", suffix) or _ALONE_THEN_NAME.match(suffix)
    ):
        return 1  # alone on a line or in its sentence: a signature or a bare form value
    return 0


def find_phone(text: str) -> str | None:
    """The writer's own phone number in `text` as E.164, or None when there is no clear one."""
    best: tuple[int, int, str] | None = None
    for match in PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE, max_tries=200):
        e164 = normalise_phone(match.raw_string)
        if e164 is None:
            continue
        line_start = text.rfind("\n", 0, match.start) + 1
        line_end = text.find("\n", match.end)
        prefix = text[line_start : match.start]
        suffix = text[match.end : len(text) if line_end < 0 else line_end]
        score = _score(prefix, suffix)
        if score and (best is None or score > best[0]):
            best = (score, match.start, e164)
    return best[2] if best else None
