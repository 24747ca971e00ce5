"""Crime, incident and occurrence references, kept exactly as the person wrote them.

Forces use different formats (DOMAIN section 1), so a labelled value is taken as written once it
looks like a reference (has at least four digits). Unlabelled text is only trusted for formats
that cannot be anything else: "36/12345/24", "NC-01012026-123", 11-digit "190…" occurrence numbers.
rjmail's own case references (RJ-…) are never a crime reference.
"""

from __future__ import annotations

import re

_LABEL = (
    r"(?:crime\s+(?:reference|ref)(?:\s+(?:number|no))?\.?|crime\s+(?:number|no)\.?|"
    r"crime\s+report\s+(?:number|no)\.?|police\s+(?:reference|ref)(?:\s+(?:number|no))?\.?|"
    r"incident\s+(?:number|no|reference|ref)\.?|occurrence(?:\s+(?:number|no|reference|ref))?\.?|"
    r"log\s+(?:number|no)\.?|urn|cad(?:\s+(?:number|no|ref))?\.?|"
    r"numer\s+sprawy|numer\s+zg[łl]oszenia|num[aă]r(?:ul)?\s+de\s+referin[țt][ăa]|"
    r"n[úu]mero\s+de\s+refer[êe]ncia|bylos\s+numeris|cyfeirnod\s+(?:trosedd|yr\s+heddlu))"
)
_LABELLED = re.compile(
    rf"(?i)\b{_LABEL}\s*(?:is|was|:|-|–|#|=)?\s*(?:is\s+)?"
    r"(?P<ref>[A-Za-z0-9][A-Za-z0-9/\-]{2,30}[A-Za-z0-9](?:\s+of\s+\d{1,2}/\d{1,2}/\d{2,4})?)"
)
_UNLABELLED = re.compile(r"(?<![\w/])(?:\d{2}/\d{3,7}/\d{2}|[A-Z]{2,3}-\d{8}-\d{2,6}|190\d{8})(?![\w/])")


def _looks_like_reference(value: str) -> bool:
    if value.upper().startswith("RJ-"):
        return False
    return sum(c.isdigit() for c in value) >= 4


def find_crime_reference(text: str) -> str | None:
    """The first crime/incident reference in `text`, exactly as written, or None."""
    for match in _LABELLED.finditer(text):
        value = match.group("ref").rstrip(".-/")
        if _looks_like_reference(value):
            return value
    unlabelled = _UNLABELLED.search(text)
    return unlabelled.group(0) if unlabelled else None
