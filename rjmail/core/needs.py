"""Access needs stated in a referral ("I am deaf", "large print please", "Access needs: …")."""

from __future__ import annotations

import re

_CONDITION = (
    r"(?:deaf|blind|registered\s+blind|partially\s+sighted|hard\s+of\s+hearing|"
    r"a\s+wheelchair\s+user|dyslexic|autistic|neurodivergent)"
)
_HAS = (
    r"(?:dyslexia|autism|ADHD|a\s+learning\s+disability|learning\s+difficulties|hearing\s+loss|"
    r"sight\s+loss|a\s+(?:hearing|visual|sight)\s+impairment|mobility\s+problems|aphasia)"
)
_NEED = (
    r"(?:large\s+print|easy\s+read|BSL|British\s+Sign\s+Language|wheelchair\s+access|"
    r"step-free\s+access|a\s+hearing\s+loop|a\s+text\s+relay|Relay\s+UK|an\s+advocate)"
)
# A professional names the person: "Mrs Moore is hard of hearing", "Hannah is dyslexic".
_WHO = r"(?:I|he|she|they|(?:Mrs|Mr|Ms|Miss|Mx|Dr)\.?\s+[A-Z][\w'’-]+|(?-i:[A-Z][a-z]{2,}))"
_PHRASE = re.compile(
    rf"(?i)\b(?:{_WHO}(?:'m|\s+am|\s+is|\s+are|'s)\s+{_CONDITION}|{_WHO}\s+"
    rf"(?:have|has)\s+{_HAS}|{_WHO}\s+uses?\s+a\s+(?:wheelchair|hearing\s+aid)|"
    rf"(?<![\w'])uses\s+a\s+wheelchair|needs\s+an?\s+interpreter(?:\s+\([A-Z][a-z]+\))?|"
    rf"(?:need|needs|require|requires|would\s+need|would\s+like)\s+(?:\w+\s+){{0,2}}?{_NEED})\b"
)
_FIELD = re.compile(
    r"(?im)^[ \t]*(?:access(?:ibility)?\s+needs?|additional\s+needs|support\s+needs|"
    r"reasonable\s+adjustments)[ \t]*[:\-][ \t]*(?P<value>[^\n]+?)[ \t]*$"
)
_NONE = re.compile(r"(?i)^(?:none|no|n/?a|nil|not\s+known|-+)\.?$")


def access_needs(text: str) -> str | None:
    """The stated access need as written, or None."""
    field = _FIELD.search(text)
    if field and not _NONE.match(field.group("value").strip()):
        return field.group("value").strip()
    for match in _PHRASE.finditer(text):
        before = text[max(0, match.start() - 12) : match.start()].lower()
        if "not" in before.split() or "n't" in before:
            continue
        return " ".join(match.group(0).split())  # hard-wrapped text reads as one line
    return None
