"""The form in which a professional describes the person referred ("Victim name:", "Tel:", ...).

Police and agency forms put the person's details in "Key: value" lines, often beside the
referrer's own ("Officer name:", "Referrer tel:"). A value is taken only when its key names the
person ("Victim name", "Client mobile"), or when a generic key ("Name", "Tel", "Email") sits under
a heading about the person or just below the person's name. Anything under a heading about the
referrer, a parent or an officer is never the person's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rjmail.core.domain import Person
from rjmail.core.names import clean_name
from rjmail.core.phones import normalise_phone

_FIELD = re.compile(
    r"^[ \t*•-]*(?P<key>[A-Za-z][A-Za-z ./'’()&-]{0,45}?)[ \t*]*[:|][ \t*]*(?P<value>[^\n]*)$"
)
_PERSON_KEY = re.compile(
    r"(?i)\b(?:victim|client|service\s+user|young\s+person|referred|patient|pupil|student|tenant|"
    r"resident|witness|complainant|injured\s+party|subject|offender|person\s+on\s+probation|"
    r"PoP|child|individual|person|IP)\b"
)
_OTHER_KEY = re.compile(
    r"(?i)\b(?:officer|referrer|referring|my|our|your|oic|fax|office|parent|mum|dad|mother|father|"
    r"guardian|carer|next\s+of\s+kin|nok|emergency|staff|worker|school|organisation|agency|team|"
    r"manager|gp|doctor|practitioner|sender|completed\s+by|case\s+holder|allocated)\b"
)
_NAME_KEY = re.compile(
    r"(?i)(?:^|\b)(?:full\s+)?name(?:\s+of\s+[\w\s]+)?$|^(?:victim|client|person\s+referred|referred\s+person|"
    r"person\s+on\s+probation|pop|young\s+person|service\s+user|patient|pupil|tenant)$"
)
_FIRST_KEY = re.compile(r"(?i)\b(?:first\s+name|forenames?|given\s+names?|christian\s+name)\b")
_SURNAME_KEY = re.compile(r"(?i)\b(?:surname|last\s+name|family\s+name)\b")
_PHONE_KEY = re.compile(
    r"(?i)\b(?:tel|telephone|phone|mobile|mob|contact\s+(?:number|no|tel|details)|number|landline)\b"
)
_EMAIL_KEY = re.compile(r"(?i)\be-?mail\b")
_ADDRESS = re.compile(r"[^\s<>@:;,()\[\]]+@[^\s<>@:;,()\[\]]+\.[A-Za-z]{2,}")
_EMPTY = re.compile(r"(?i)^(?:none|no|n/?a|nil|not\s+known|unknown|tbc|-+|x)\.?$")
_HEADING = re.compile(r"^[ \t#*=_-]*(?P<text>[A-Za-z][A-Za-z '’&/()-]{2,50}?)[ \t#*=_:-]*$")
_TITLE = re.compile(r"(?i)(?:mrs|mr|ms|miss|mx|dr)\.?")
_NEAR = 8  # generic "Tel:" lines this close below the person's name belong to the same block


@dataclass
class _Found:
    name: str | None = None
    first: str | None = None
    surname: str | None = None
    phone: str | None = None
    email: str | None = None

    def person(self) -> Person | None:
        name = self.name
        if name is None and self.first and self.surname:
            name = person_name(f"{self.first} {self.surname}")
        if not (name or self.phone or self.email):
            return None
        return Person(name=name, email=self.email, phone=self.phone)


def person_name(raw: str | None) -> str | None:
    """A referred person's name: "Mrs Janet MOORE" -> "Janet Moore" (a title alone stays: "Mrs Moore")."""
    if not raw:
        return None
    words = [w.title() if w.isupper() and len(w) > 2 else w for w in raw.split()]
    name = clean_name(" ".join(words))
    if name is None:
        return None
    parts = name.split()
    if all(_TITLE.fullmatch(p) for p in parts):
        return None  # "Mr" alone ("Mr and Mrs Hughes") names no one
    titled = len(parts) >= 3 and _TITLE.fullmatch(parts[0])
    if titled and len(parts[1].rstrip(".")) > 1:
        return " ".join(parts[1:])
    return name


def _section(line: str, current: str | None) -> str | None:
    """The heading a line opens: "person", "other", or the current one when it is no heading."""
    heading = _HEADING.match(line)
    field = _FIELD.match(line)
    if heading is None or (field is not None and field.group("value").strip()):
        return current
    text = heading.group("text")
    if _OTHER_KEY.search(text):
        return "other"
    if _PERSON_KEY.search(text) or re.search(r"(?i)\bdetails\b", text):
        return "person" if _PERSON_KEY.search(text) else current
    return current


def _scope(key: str) -> str:
    """Whose field a key names: "person", "other" or "generic"."""
    if _OTHER_KEY.search(key):
        return "other"
    return "person" if _PERSON_KEY.search(key) else "generic"


def _take(found: _Found, key: str, value: str) -> None:
    if _EMPTY.match(value):
        return
    if _FIRST_KEY.search(key):
        found.first = found.first or value.split(maxsplit=1)[0]
    elif _SURNAME_KEY.search(key):
        found.surname = found.surname or value.strip()
    elif _EMAIL_KEY.search(key):
        address = _ADDRESS.search(value)
        found.email = found.email or (address.group(0).lower() if address else None)
    elif _PHONE_KEY.search(key):
        found.phone = found.phone or normalise_phone(value)
    elif _NAME_KEY.search(key.strip()):
        found.name = found.name or person_name(value)


def is_referral_form(body: str) -> bool:
    """A form naming both a referred person ("Referred person:", "Victim name:") and the
    referrer ("Referring officer:", "Practitioner phone:"): written by a professional."""
    person = other = False
    for line in body.split("\n")[:80]:
        field = _FIELD.match(line)
        if field is None or not field.group("value").strip():
            continue
        key = field.group("key").strip()
        scope = _scope(key)
        person = person or (scope == "person" and bool(_NAME_KEY.search(key)))
        other = other or scope == "other"
    return person and other


def referrer_form_phone(body: str) -> str | None:
    """The referrer's own number in a form ("Officer tel:", "Tel:" under "Referrer details")."""
    section = None
    for line in body.split("\n"):
        section = _section(line, section)
        field = _FIELD.match(line)
        if field is None:
            continue
        key = field.group("key").strip()
        if not _PHONE_KEY.search(key) or re.search(r"(?i)\b(?:parent|mum|dad|carer|guardian|kin)\b", key):
            continue
        if re.search(r"(?i)\b(?:officer|referrer|my|your|oic|practitioner)\b", key) or (
            section == "other" and _scope(key) == "generic"
        ):
            phone = normalise_phone(field.group("value").strip())
            if phone:
                return phone
    return None


def referred_block(body: str) -> Person | None:
    """The person described by "Key: value" lines in a professional's text, or None."""
    found, section, name_line = _Found(), None, -100
    for index, line in enumerate(body.split("\n")):
        section = _section(line, section)
        field = _FIELD.match(line)
        if field is None:
            continue
        key, value = field.group("key").strip(), field.group("value").strip()
        scope = _scope(key)
        if scope == "other" or not value or (section == "other" and scope == "generic"):
            continue
        is_name = bool(_NAME_KEY.search(key) or _FIRST_KEY.search(key) or _SURNAME_KEY.search(key))
        near = index - name_line <= _NEAR
        if scope == "person" or section == "person" or is_name or near:
            had_name = found.name or found.first
            _take(found, key, value)
            if is_name and not had_name and (found.name or found.first):
                name_line = index
    return found.person()
