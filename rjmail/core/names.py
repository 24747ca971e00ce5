"""People's names: from display names, "Name:" fields, "My name is …" and sign-offs.

A name is only accepted when it looks like a person's name: letters, 1–5 words, no address,
no digits and no organisation words ("Norfolk Constabulary", "Website Forms" are not people).
"""

from __future__ import annotations

import re

_ORG_WORDS = re.compile(
    r"(?i)\b(?:police|constabulary|service|services|council|team|hub|support|victim|care|nhs|"
    r"trust|probation|ltd|limited|plc|group|office|department|dept|unit|no-?reply|forms?|"
    r"website|web|admin|info|enquiries|mailbox|school|academy|prison|hmp|justice|foundation|"
    r"charity|association|partnership|centre|center|desk|notifications?|mailer|daemon|"
    r"postmaster|system|youth|restorative|inbox|reception|customer|online|project|housing)\b"
)
_RANK = re.compile(
    r"(?i)^(?:(?:pc|dc|ds|di|dci|psco|pcso|sgt|sergeant|insp|inspector|constable|det|detective)"
    r"\.?\s+)+(?:\d+\s+)?"
)
_NAME = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:[ '’.\-]+[^\W\d_][^\W\d_'’.\-]*){0,4}\.?$")
_NOT_NAMES = frozenset(
    {
        "thanks",
        "thank",
        "regards",
        "kind",
        "best",
        "wishes",
        "hi",
        "hello",
        "dear",
        "sent",
        "yours",
        "sincerely",
        "faithfully",
        "cheers",
        "love",
        "x",
        "xx",
        "xxx",
        "me",
        "sorry",
        "please",
        "help",
        "from",
        "anonymous",
        "the",
        "mum",
        "dad",
        "to",
        "and",
        "iphone",
        "android",
    }
)
_PARTICLES = frozenset(
    {
        "de",
        "da",
        "van",
        "von",
        "der",
        "den",
        "le",
        "la",
        "di",
        "du",
        "bin",
        "al",
        "ap",
        "ó",
        "o'",
        "dos",
        "das",
        "del",
        "ter",
    }
)
_SIGN_OFF = re.compile(
    r"(?im)^[ \t]*(?:kind(?:est)?\s+regards|warm(?:est)?\s+regards|best\s+regards|regards|"
    r"best\s+wishes|best|many\s+thanks|thanks(?:\s+again)?|thank\s+you(?:\s+so\s+much)?|cheers|"
    r"yours\s+sincerely|yours\s+faithfully|sincerely|all\s+the\s+best|take\s+care|love|"
    r"pozdrawiam|z\s+powa[żz]aniem|dzi[ęe]kuj[ęe]|cu\s+(?:stim[ăa]|respect)|mul[țt]umesc|"
    r"pagarbiai|a[čc]i[ūu]|cumprimentos|atenciosamente|obrigad[oa]|cofion(?:\s+cynnes)?|"
    r"diolch(?:\s+yn\s+fawr)?|saludos|cordialement|mit\s+freundlichen\s+gr[üu][ßs]en)"
    r"[ \t]*[,.!]*[ \t]*$"
)
_MY_NAME = re.compile(
    r"(?:\b[Mm]y\s+name\s+is|\b[Mm]y\s+name's|\bI\s+am\s+called|\b[Nn]azywam\s+si[ęe]|"
    r"\b[Mm][ăa]\s+numesc|\b[Nn]umele\s+meu\s+este|\b[Mm]ano\s+vardas(?:\s+yra)?|"
    r"\b[Cc]hamo-me|\b[Oo]\s+meu\s+nome\s+[ée]|\b[Ff]y\s+enw\s+(?:i\s+)?yw|\b[Mm]e\s+llamo|"
    r"\b[Jj]e\s+m'appelle|\b[Ii]ch\s+hei[ßs]e)\s+"
    r"(?P<name>[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]+(?:\s+[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]+){0,3})"
)
NAME_FIELD = re.compile(
    r"(?im)^[ \t]*(?:your\s+|full\s+|first\s+and\s+last\s+)?name[ \t]*[:\-][ \t]*(?P<name>[^\n]+?)[ \t]*$"
)


def clean_name(raw: str | None) -> str | None:
    """A person's name from a display name or field value, or None when it is not one."""
    if not raw:
        return None
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>", " ", raw)
    text = re.sub(r"(?i)\s+via\s+.*$", "", text)  # "Jo Smith via Forms"
    # "Jo Smith - Victim Care" or "Victim Support - Jo Smith": keep the part that is a person.
    for segment in re.split(r"\s+[-|–/]\s+|\s*\|\s*", text):
        name = _one_name(segment)
        if name:
            return name
    return None


def _one_name(segment: str) -> str | None:
    name = " ".join(segment.replace('"', " ").split()).strip(" ,;:")
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}".strip()
    name = _RANK.sub("", name).strip()
    name = re.sub(r"\s+\d+$", "", name)  # collar numbers after the name
    if not name or "@" in name or not _NAME.match(name):
        return None
    words = name.lower().replace(".", "").split()
    if _ORG_WORDS.search(name) or all(w in _NOT_NAMES for w in words) or words[0] in _NOT_NAMES:
        return None
    if len(name) < 2 or (len(words) == 1 and len(words[0]) < 2):
        return None
    if any(not w[:1].isupper() and w.lower() not in _PARTICLES for w in name.split()):
        return None  # prose such as "I was attacked" is not a name; names are capitalised
    return name


def stated_name(text: str) -> str | None:
    """A name the writer gives for themself ("My name is …", "Name: …"), or None."""
    match = _MY_NAME.search(text)
    if match:
        name = clean_name(_trim_trailing_lowercase(match.group("name")))
        if name:
            return name
    field = NAME_FIELD.search(text)
    return clean_name(field.group("name")) if field else None


def _trim_trailing_lowercase(name: str) -> str:
    return name.split("\n", 1)[0].strip()


def signature_start(text: str) -> int | None:
    """Offset of the sign-off line ("Kind regards", "Diolch"), searched near the end, or None."""
    found = None
    for match in _SIGN_OFF.finditer(text):
        found = match  # the last sign-off is the signature; earlier "thanks" lines are prose
    if found is None:
        sep = re.search(r"(?m)^-- ?$", text)
        return sep.start() if sep else None
    return found.start()


def signature_lines(text: str) -> list[str]:
    """Non-empty lines after the sign-off (at most 8), or [] without a sign-off."""
    start = signature_start(text)
    if start is None:
        return []
    lines = [ln.strip() for ln in text[start:].split("\n")[1:] if ln.strip()]
    return lines[:8]


def signed_name(text: str) -> str | None:
    """The name signed under a sign-off ("Kind regards,\\nJo Bloggs"), or None."""
    for line in signature_lines(text)[:2]:
        name = clean_name(line)
        if name:
            return name
    return None
