"""Who a professional referral is about, kept apart from the professional who wrote it.

The referred person's details come from their own forwarded mail, a form in the professional's
text, or the professional's sentences about them, in that order of trust. The professional's
signature (their phone, their address) never fills the person's fields, and `referred_text` gives
the person's part of the mail so their contact wishes are read from it alone.
"""

from __future__ import annotations

import re
from dataclasses import replace

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from rjmail.core.agency import AGENCY, domain_matches
from rjmail.core.domain import ForwardedPart, Person
from rjmail.core.names import signed_name, stated_name
from rjmail.core.phones import find_phone, normalise_phone
from rjmail.core.prefs import sentences
from rjmail.core.prose import prose_email, prose_name, prose_phone, says_no_email
from rjmail.core.referred import person_name, referred_block, referrer_form_phone

__all__ = ["is_colleague", "professional_name", "referred_person", "referred_text", "referrer_phone"]

_ABOUT = re.compile(
    r"(?i)\b(?:she|he|they|her|his|their|him|them|client|victim|patient|pupil|tenant|"
    r"young\s+person|mrs|mr|ms|miss|consents?|consented)\b"
)
_WRITER = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|myself|[Ww]e|[Oo]ur|us)\b")
# Form answers the contact-wish reader understands once they are said in words.
_FORM_WISHES = (
    (
        re.compile(
            r"(?im)^[ \t*-]*(?:safe|ok|okay)\s+to\s+leave\s+(?:a\s+)?(?:message|voicemail)s?\s*[:?-]"
            r"\s*(?:n|no)\b.*$"
        ),
        "Please do not leave a voicemail.",
    ),
    (
        re.compile(
            r"(?im)^[ \t*-]*(?:safe|ok|okay)\s+to\s+leave\s+(?:a\s+)?(?:message|voicemail)s?\s*[:?-]"
            r"\s*(?:y|yes)\b.*$"
        ),
        "It is fine to leave a voicemail.",
    ),
    (re.compile(r"(?im)^[ \t*-]*safe\s+to\s+text\s*[:?-]\s*(?:n|no)\b.*$"), "Please do not text."),
    (
        re.compile(
            r"(?im)^[ \t*-]*preferred\s+(?:method\s+of\s+)?contact(?:\s+method)?\s*[:-]\s*"
            r"(?:tel\w*|phone|mobile|call)\b.*$"
        ),
        "Would prefer a phone call.",
    ),
    (
        re.compile(
            r"(?im)^[ \t*-]*preferred\s+(?:method\s+of\s+)?contact(?:\s+method)?\s*[:-]\s*"
            r"e-?mail\b.*$"
        ),
        "Would prefer email.",
    ),
)
_FAX = re.compile(r"(?i)\bfax\b")


# Mail services anyone can sign up to: two people on one of them are not colleagues. (The reserved
# example domains stand for them in tests and samples.)
PUBLIC_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "live.co.uk",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "talktalk.net",
        "ntlworld.com",
        "protonmail.com",
        "proton.me",
        "gmx.com",
        "gmx.co.uk",
        "mail.com",
        "example.com",
        "example.org",
        "example.net",
        "example.test",
    }
)


def is_colleague(part: ForwardedPart, referrer_email: str, domains: frozenset[str]) -> bool:
    """A forwarded message from another professional (same organisation's domain, a professional
    domain, agency name), not the person. A victim and a support worker who both use Gmail are not
    colleagues."""
    domain = referrer_email.rpartition("@")[2].lower()
    if part.from_addr and part.from_addr.rpartition("@")[2] == domain and domain not in PUBLIC_MAIL:
        return True
    if part.from_addr and domain_matches(part.from_addr, domains):
        return True
    return bool(AGENCY.search(part.from_name or ""))


def referred_text(body: str, forwarded: str) -> str:
    """The person's part of a referral: their forwarded words, the professional's sentences
    about them (not those about the writer), and form answers about contact said in words."""
    kept = [s for s in sentences(body) if _ABOUT.search(s) or not _WRITER.search(s)]
    said = [words for pattern, words in _FORM_WISHES if pattern.search(body)]
    return "\n".join([forwarded, *kept, *said]).strip()


def referred_person(
    body: str,
    part: ForwardedPart | None,
    forwarded: str,
    signature: tuple[str, ...],
    referrer_email: str,
) -> Person | None:
    """The referred person's name, email and phone, or None when nothing is clear."""
    person = _from_forward(part, forwarded) if part is not None else None
    described = referred_block(body) or Person()
    described = Person(
        name=described.name or prose_name(body),
        email=described.email or prose_email(body),
        phone=described.phone or prose_phone(body),
    )
    person = _merge(person, described) if person else described
    person = _without_professional(person, signature, referrer_email)
    if says_no_email(body) and part is None:
        person = replace(person, email=None)
    return person if (person.name or person.email or person.phone) else None


def _from_forward(part: ForwardedPart, text: str) -> Person:
    name = person_name(part.from_name) or stated_name(text) or signed_name(text)
    return Person(name=name, email=part.from_addr or None, phone=find_phone(text))


def _merge(first: Person, second: Person) -> Person:
    return Person(
        name=first.name or second.name,
        email=first.email or second.email,
        phone=first.phone or second.phone,
    )


def _signature_only(signature: tuple[str, ...]) -> list[str]:
    """Signature lines that are not sentences about the person (a fallback signature may be)."""
    return [ln for ln in signature if not _ABOUT.search(ln) and ". " not in ln]


def _without_professional(person: Person, signature: tuple[str, ...], referrer_email: str) -> Person:
    """Drop any value that is the professional's own (in their signature or their address)."""
    block = "\n".join(_signature_only(signature))
    own_phones = {p for p in (_phones(block)) if p}
    email = person.email
    if email and (email == referrer_email.lower() or email in block.lower()):
        email = None
    phone = person.phone if person.phone not in own_phones else None
    return Person(name=person.name, email=email, phone=phone)


def _phones(text: str) -> list[str]:
    found: list[str] = []
    for match in PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE, max_tries=50):
        found.append(phonenumbers.format_number(match.number, PhoneNumberFormat.E164))
    return found


_OWN_NUMBER = re.compile(
    r"(?i)\b(?:(?:call|ring|phone|contact|reach|text)\s+me\s+(?:on|at)|my\s+(?:mobile|number|"
    r"direct\s+(?:line|dial)|work\s+(?:mobile|phone))(?:\s+is)?|I\s+(?:can\s+be|am)\s+"
    r"(?:reached|contacted)\s+on)\s*:?\s*$"
)


def referrer_phone(signature: tuple[str, ...], body: str = "") -> str | None:
    """The professional's own number: signature (office lines included), their part of a form,
    or "call me on ..." in their text; None otherwise."""
    return _signature_phone(signature) or referrer_form_phone(body) or _said_own(body)


def _said_own(body: str) -> str | None:
    for match in PhoneNumberMatcher(body, "GB", leniency=Leniency.POSSIBLE, max_tries=50):
        if _OWN_NUMBER.search(body[max(0, match.start - 40) : match.start]):
            return normalise_phone(match.raw_string)
    return None


def _signature_phone(signature: tuple[str, ...]) -> str | None:
    for line in _signature_only(signature):
        if _FAX.search(line):
            continue
        for match in PhoneNumberMatcher(line, "GB", leniency=Leniency.POSSIBLE, max_tries=20):
            number = match.number
            if normalise_phone(match.raw_string) or phonenumbers.is_valid_number(number):
                return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return None


def professional_name(display: str, address: str, signature: tuple[str, ...]) -> str | None:
    """The professional's name in natural order: Outlook's "Whitfield James (PC 1482)" is read as
    James Whitfield when the address or the signed name shows that order; the name as written
    otherwise."""
    name = person_name(display)
    signed = signed_name("Regards\n" + "\n".join(signature)) if signature else None
    signed = person_name(signed) if signed and not AGENCY.search(signed) else None
    if name is None:
        return signed
    words = name.split()
    if len(words) != 2:
        return name
    swapped = f"{words[1]} {words[0]}"
    if signed and signed.lower() == swapped.lower():
        return swapped
    local = [t for t in re.split(r"[._\-\d]+", address.partition("@")[0].lower()) if t]
    first, last = words[1].lower(), words[0].lower()
    if len(local) >= 2 and local[-1] == last and local[0] in {first, first[0]}:
        return swapped
    if len(local) == 1 and local[0] in {first[0] + last, first + last}:
        return swapped
    return name
