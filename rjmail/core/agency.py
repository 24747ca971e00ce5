"""Is a message a professional referral, and from which organisation?

Signals: the sender's domain is configured as professional; the sender says they are a
professional or act "on behalf of" someone "with their consent"; or their signature, display
name or own text names an agency (police, victim services, probation, YOT, social care, NHS,
school). Someone referring themself ("I'd like to refer myself") is never professional.
"""

from __future__ import annotations

import re

AGENCY = re.compile(
    r"(?i)\b(?:constabulary|police|victim\s+support|victim\s+care|probation(?:\s+service)?|"
    r"youth\s+(?:offending|justice)(?:\s+(?:team|service))?|YOT|YJS|social\s+(?:care|services|work)|"
    r"children'?s\s+services|adult\s+(?:social\s+)?services|(?:county|city|district|borough)\s+"
    r"council|NHS|hospital|GP\s+surgery|(?:high|primary|secondary)\s+school|academy|HMP|"
    r"Citizens\s+Advice|Women'?s\s+Aid|housing\s+association|witness\s+care|(?:GP\s+|medical\s+)?"
    r"surgery|medical\s+(?:practice|centre)|health\s+centre|homes|housing|(?:support|advocacy)\s+"
    r"service)\b"
)
_PRO_PHRASE = re.compile(
    r"(?i)\b(?:on\s+behalf\s+of|with\s+(?:his|her|their|the\s+(?:victim|client|person)'s|full|"
    r"the\s+person's)\s+(?:full\s+|verbal\s+|written\s+)?(?:consent|permission|agreement)|"
    r"(?:has|have)\s+(?:given|provided)\s+(?:\w+\s+)?(?:consent|permission)|consented\s+to\s+"
    r"(?:this|the|a)\s+referral|(?:I\s+am|I'm)\s+(?:a|an|the|her|his|their)\s+(?:\w+\s+){0,2}?"
    r"(?:police\s+officer|officer|constable|PCSO|detective|social\s+worker|probation\s+officer|"
    r"case\s*worker|support\s+worker|key\s*worker|co-?ordinator|advocate|IDVA|ISVA|practitioner|"
    r"offender\s+manager|teacher|nurse|GP|safeguarding\s+lead|head\s*teacher|family\s+liaison\s+"
    r"officer)|my\s+client|service\s+user|referr(?:al|ing)\s+(?:on\s+"
    r"behalf|for\s+(?:Mr|Mrs|Ms|Miss|a\s+(?:victim|young\s+person|client)))|"
    r"(?:she|he|they)\s+(?:has|have)\s+(?:asked|agreed)\s+(?:me\s+)?to\s+(?:be\s+)?refer|"
    r"consents?\s+to\s+(?:be\s+contacted|being\s+(?:contacted|referred)|(?:this|the)\s+referral))|"
    # "I am referring Mrs Janet Moore": a named other person (a title or a capitalised name).
    r"\b(?:I\s+am|I'm|I\s+would\s+like\s+to|I'd\s+like\s+to|we\s+are|we\s+would\s+like\s+to)\s+"
    r"refer(?:ring)?\s+(?:(?:Mrs|Mr|Ms|Miss|Mx|Dr)\.?\s+(?-i:[A-Z])|(?-i:[A-Z][a-z]+\s+[A-Z][a-z]+))"
)
_SELF = re.compile(r"(?i)\brefer(?:ring)?\s+myself\b|\bself[-\s]referr?al\b")
_ORG_LINE = re.compile(r"^[^\d@:]{3,70}$")
# Job titles name an agency word too ("Probation Officer") but are not the organisation.
_JOB_TITLE = re.compile(
    r"(?i)\b(?:officer|worker|manager|constable|co-?ordinator|advis[eo]r|lead|practitioner|"
    r"sergeant|inspector|assistant|administrator|caseworker|nurse|teacher|head|director|"
    r"detective|pc|dc|pcso|isva|idva)\s*$"
)


def domain_matches(address: str, domains: frozenset[str]) -> bool:
    """True when the address's domain is, or is under, one of `domains` (label boundary)."""
    domain = address.rpartition("@")[2].lower().strip(".")
    for configured in domains:
        wanted = configured.lower().strip(".")
        if wanted and (domain == wanted or domain.endswith("." + wanted)):
            return True
    return False


def says_self_referral(text: str) -> bool:
    """The writer says this is a self-referral."""
    return bool(_SELF.search(text))


def professional_phrase(text: str) -> bool:
    """The writer speaks as a professional acting for someone else."""
    return bool(_PRO_PHRASE.search(text))


def _agency_segment(text: str) -> str | None:
    """The part of a line ("Caseworker | Victim Support") that names an agency, or None."""
    for segment in re.split(r"\s*[|,–]\s*|\s+-\s+", text):
        candidate = segment.strip(" ()[]")
        if AGENCY.search(candidate) and _ORG_LINE.match(candidate) and not _JOB_TITLE.search(candidate):
            return candidate
    return None


_FORM_ORG = re.compile(
    r"(?im)^[ \t*-]*(?:referring\s+)?(?:organisation|organization|agency|service|team)(?:\s+name)?"
    r"[ \t*]*:[ \t*]*(?P<value>[^\n]{3,70}?)[ \t]*$"
)


def form_organisation(body: str) -> str | None:
    """The agency a form names ("Referring agency: Victim Support"), or None."""
    for match in _FORM_ORG.finditer(body):
        value = match.group("value").strip()
        if AGENCY.search(value) and not re.search(r"[\d@]", value):
            return value
    return None


def organisation(signature: list[str], display_name: str) -> str | None:
    """The agency named in a display name ("Jo Bloggs (Norfolk Constabulary)") or signature."""
    bracket = re.search(r"\(([^)]+)\)", display_name or "")
    found = _agency_segment(bracket.group(1)) if bracket else None
    found = found or _agency_segment(re.sub(r"\([^)]*\)", " ", display_name or ""))
    for line in signature:
        found = found or _agency_segment(line)
    return found
