"""Referral fields (SPEC section 3 "What a referral becomes") from one parsed mail.

Precision matters more than recall: every field is left empty unless the text says it clearly.
A professional referral keeps the professional (referrer_*, organisation) apart from the person
referred (referred_person, phone, role, language, contact wishes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rjmail.core.agency import (
    AGENCY,
    domain_matches,
    form_organisation,
    organisation,
    professional_phrase,
    says_self_referral,
)
from rjmail.core.crimeref import find_crime_reference
from rjmail.core.domain import ForwardedPart, InboundMail, Person, Referral
from rjmail.core.forwards import own_text
from rjmail.core.language import detected_language, stated_language
from rjmail.core.names import clean_name, signature_lines, signature_start, signed_name, stated_name
from rjmail.core.needs import access_needs
from rjmail.core.person import (
    is_colleague,
    professional_name,
    referred_person,
    referred_text,
    referrer_phone,
)
from rjmail.core.phones import find_phone
from rjmail.core.quotes import strip_quoted, without_quotes
from rjmail.core.referred import is_referral_form, referred_block
from rjmail.core.relay import form_email, is_relay
from rjmail.core.roles import first_person_role, third_person_role
from rjmail.core.wishes import read_contact_wishes
from rjmail.core.wishwords import phone_checked

__all__ = ["extract", "strip_quoted"]

_FIRST_PERSON = re.compile(
    r"(?i)\b(?:i|i'm|i've|i'd|me|my|myself|ja|mnie|mój|moja|jestem|eu|mă|meu|mea|sunt|am|aș|îmi|"
    r"aš|mano|man|mane|minha|fui|sou|estou|gostaria|prefiro|fy|rwy'n|dw|yo|je|moi|ich|mein|meine|"
    r"mich|we|our|us|chciałabym|chciałbym|mam)\b"
)
# Referral details sit near the top; bounding the text bounds the cost of hostile or huge mail.
_LIMIT = 20_000
_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_THIRD_PERSON = re.compile(r"(?i)\b(?:he|she|they|his|her|their|mr|mrs|ms|miss|client)\b")


@dataclass(frozen=True)
class _Texts:
    own: str  # what the sender wrote (no forwarded blocks, no quoted lines)
    body: str  # `own` without the signature
    signature: tuple[str, ...]
    referred: str  # words of the person forwarded by someone else, "" if none
    referred_part: ForwardedPart | None


def extract(
    mail: InboundMail,
    professional_domains: frozenset[str] = frozenset(),
    hub_addresses: frozenset[str] = frozenset(),
) -> Referral:
    """Referral fields found in `mail`; anything unclear is left empty (None / "unknown")."""
    hubs = frozenset(a.lower() for a in hub_addresses)
    texts = _texts(mail, hubs)
    email = _referrer_email(mail, hubs, texts.own)
    if _is_professional(mail, texts, professional_domains):
        return _professional(mail, _colleague_as_own(texts, email, professional_domains), email)
    return _self(mail, texts, email)


def _texts(mail: InboundMail, hubs: frozenset[str]) -> _Texts:
    own = without_quotes(own_text(mail.text[:_LIMIT]))
    others: list[ForwardedPart] = []
    for part in mail.forwarded:
        if part.from_addr and part.from_addr == mail.from_addr:
            own += "\n\n" + without_quotes(own_text(part.text[:_LIMIT]))  # their own earlier mail
        elif part.from_addr not in hubs or not part.from_addr:
            others.append(part)
    # Curly apostrophes ("don’t") would hide negations from every pattern.
    own = own.translate(_QUOTE_MARKS).strip()
    start = signature_start(own)
    body = own[:start] if start is not None else own
    first = others[0] if others else None
    referred = own_text(first.text[:_LIMIT]) if first else ""
    referred = without_quotes(referred).translate(_QUOTE_MARKS).strip()
    signature = signature_lines(own) or _trailing_lines(own)
    return _Texts(own, body.strip(), tuple(signature), referred, first)


def _trailing_lines(text: str) -> list[str]:
    """Without a sign-off, the last few short lines of the last paragraph usually hold the
    signature block (earlier paragraphs are the message, or a form about the person)."""
    last = re.split(r"\n[ \t]*\n", text.strip())[-1]
    lines = [ln.strip() for ln in last.split("\n") if ln.strip()]
    return [ln for ln in lines[-4:] if len(ln) <= 70]


def _referrer_email(mail: InboundMail, hubs: frozenset[str], own: str) -> str:
    """Reply-To wins over a no-reply or web-form relay; otherwise the From address."""
    if is_relay(mail):
        for addr in mail.reply_to:
            if addr not in hubs and addr != mail.from_addr:
                return addr
        found = form_email(own)
        if found and found not in hubs:
            return found
    return mail.from_addr


def _is_professional(mail: InboundMail, texts: _Texts, domains: frozenset[str]) -> bool:
    if mail.from_addr and domain_matches(mail.from_addr, domains):
        return True
    if says_self_referral(texts.own):
        return False
    if professional_phrase(texts.body) or is_referral_form(texts.body):
        return True
    agency = organisation(list(texts.signature), mail.from_name) or AGENCY.search(mail.from_name)
    part = texts.referred_part
    if agency and part is not None and not AGENCY.search(part.from_name):
        return True  # an agency passing on someone else's mail ("our caseload" is not "we")
    if not agency or first_person_role(texts.body) != "unknown":
        return False
    # An agency signature alone is not enough: a teacher may write about their own burglary.
    return (
        bool(texts.referred_part)
        or bool(referred_block(texts.body))
        or (third_person_role(texts.body) != "unknown")
    )


def _self(mail: InboundMail, texts: _Texts, email: str) -> Referral:
    own, body = texts.own, texts.body
    relay = is_relay(mail)
    name = None if relay else clean_name(mail.from_name)
    name = name or stated_name(own) or signed_name(own)
    role = first_person_role(body)
    writes_about_self = len(_FIRST_PERSON.findall(body)) >= 2 or role != "unknown"
    return Referral(
        referrer_email=email,
        referrer_name=name,
        phone=find_phone(own),
        referral_type="self" if writes_about_self else "unknown",
        role=role,
        crime_reference=_crime_reference(mail),
        language=stated_language(body) or detected_language(body),
        access_needs=access_needs(body),
        **_wishes(body, detected_language(body)),
    )


def _colleague_as_own(texts: _Texts, email: str, domains: frozenset[str]) -> _Texts:
    """A forwarded message from another professional is more of the referral, not the person."""
    part = texts.referred_part
    if part is None or not is_colleague(part, email, domains):
        return texts
    body = f"{texts.body}\n\n{texts.referred}".strip()
    return _Texts(texts.own, body, texts.signature, "", None)


def _professional(mail: InboundMail, texts: _Texts, email: str) -> Referral:
    person = _referred_person(texts, email)
    about = _about_person(texts)
    role = first_person_role(texts.referred) if texts.referred else "unknown"
    if role == "unknown":
        role = third_person_role(texts.body)
    return Referral(
        referrer_email=email,
        referrer_name=professional_name(mail.from_name, mail.from_addr, texts.signature),
        phone=person.phone if person else None,
        referral_type="professional",
        role=role,
        crime_reference=_crime_reference(mail),
        language=stated_language(texts.body + "\n" + texts.referred) or detected_language(texts.referred),
        **_wishes(about, detected_language(texts.referred)),
        access_needs=access_needs(texts.referred + "\n" + texts.body),
        referred_person=person,
        organisation=organisation(list(texts.signature), mail.from_name) or form_organisation(texts.body),
        referrer_phone=referrer_phone(texts.signature, texts.body),
    )


_LANGUAGE_CODES = {"Polish": "pl", "Lithuanian": "lt", "Romanian": "ro", "Portuguese": "pt"}


def _wishes(text: str, language: str | None) -> dict[str, Any]:
    """Contact-wish fields of a Referral (rjmail.core.wishes), read in English and `language`."""
    wishes = read_contact_wishes(text, _LANGUAGE_CODES.get(language or "", "en"))
    return {
        "wants_call": wishes.wants_call,
        "call_times": wishes.call_times,
        "voicemail_ok": _case_voicemail_ok(text, wishes.voicemail_ok, wishes.texts_ok),
        "call_windows": wishes.call_windows,
        "texts_ok": wishes.texts_ok,
        "email_only": wishes.email_only,
    }


def _case_voicemail_ok(text: str, voicemail: bool | None, texts: bool | None) -> bool | None:
    """The case's voicemail_ok has always meant "a message on the phone is safe" (voicemail or text),
    and a checked phone makes any message unsafe."""
    if voicemail is not None:
        return voicemail
    if texts is not None:
        return texts
    return False if phone_checked(text) else None


def _about_person(texts: _Texts) -> str:
    """The referred person's own words plus the professional's sentences about them."""
    return referred_text(texts.body, texts.referred)


def _referred_person(texts: _Texts, referrer_email: str) -> Person | None:
    return referred_person(texts.body, texts.referred_part, texts.referred, texts.signature, referrer_email)


def _crime_reference(mail: InboundMail) -> str | None:
    found = find_crime_reference(mail.text[:_LIMIT])
    if found:
        return found
    for part in mail.forwarded[:5]:
        found = find_crime_reference(part.text[:_LIMIT])
        if found:
            return found
    return find_crime_reference(mail.subject)
