"""Who is writing and about whom: role (victim/family/offender) and professional signals.

First-person rules read the affected person's own words; third-person rules read what a
professional writes about the person they refer. Conflicting signals give "unknown".
"""

from __future__ import annotations

import re

_HARM = (
    r"(?:attacked|assaulted|robbed|mugged|burgled|abused|hit|punched|kicked|stabbed|"
    r"threatened|harassed|stalked|scammed|defrauded|bullied|raped|hurt|injured|beaten|"
    r"targeted|victimised|groomed|exploited|the\s+victim|a\s+victim|knocked\s+down|run\s+over)"
)
_KIN = (
    r"(?:son|daughter|mum|mother|mom|dad|father|husband|wife|partner|brother|sister|child|"
    r"children|kids?|boy|girl|grandson|granddaughter|grandmother|grandfather|nan|gran|"
    r"nephew|niece|uncle|aunt|auntie|cousin|fianc[ée]e?|stepson|stepdaughter)"
)
_GAP = r"(?:\w+\s+){0,2}?"
_PROPERTY = (
    r"(?:house|home|flat|car|shop|business|van|garage|shed|windows?|property|bike|"
    r"door|fence|caravan|office)"
)
_OFFENDER = re.compile(
    r"(?i)\b(?:I\s+was\s+the\s+one\s+(?:who|that)\s+(?:did|caused|hurt|harmed|broke|stole|attacked|"
    r"assaulted|burgled|hit|started|crashed|set)|I(?:'m|\s+am)\s+(?:currently\s+)?(?:in\s+prison|"
    r"in\s+custody|serving\s+(?:a\s+)?(?:sentence|time)|on\s+licen[cs]e|on\s+probation)|I\s+"
    r"(?:committed|offended|was\s+convicted|pleaded\s+guilty|pled\s+guilty|burgled|broke\s+into|"
    r"stole\s+from|assaulted|robbed|stabbed)|my\s+(?:(?:burglary|assault|robbery|theft|drugs?|driving|"
    r"criminal|previous|first)\s+)?(?:offence|offences|offending|convictions?)\b|"
    # "my victim care worker" or "my victim personal statement" is a victim's wording, not an offender's
    r"my\s+victims?\b(?!\s*(?:care|support|services?|liaison|workers?|officers?|advocates?|champion|"
    r"team|helpline|code|statement|impact|personal|navigator|hub|lead))|(?:the\s+harm|the\s+hurt|"
    r"the\s+damage|the\s+pain)\s+I\s+(?:caused|did|have\s+caused)|what\s+I\s+did\s+to\s+"
    r"(?:him|her|them|the)|I(?:'m|\s+am|\s+was)\s+the\s+(?:one|person)\s+(?:who|that)\s+(?:did\s+it|"
    r"caused|hurt|harmed|broke|stole|attacked|assaulted|burgled|robbed|hit|stabbed)|I\s+was\s+the\s+one\s+"
    r"responsible|the\s+(?:person|people|family|man|woman|lady|boy|girl)\s+I\s+(?:hurt|harmed|"
    r"burgled|robbed|attacked|assaulted|stole\s+from)|I\s+(?:want|would\s+like|'d\s+like)\s+to\s+"
    r"(?:apologi[sz]e|say\s+sorry)\s+to\s+(?:the\s+(?:person|people|family|man|woman|lady|"
    r"victim|owners?|shop)|him|her|them)\b)"
)
_FAMILY = re.compile(
    # "me and my kids were threatened" is the writer's own harm (victim), not only a relative's
    rf"(?i)(?<!me and )(?<!I and )\b(?:(?:my|our)\s+(?:late\s+)?{_KIN}(?:\s+[\w'-]+)?\s+"
    rf"(?:was|were|has\s+been|had\s+been|got)\s+"
    rf"{_GAP}"
    rf"(?:killed|murdered|{_HARM})|my\s+(?:late\s+)?{_KIN}(?:'s|’s)\s+(?:death|murder|killer|"
    rf"attacker)|(?:lost|losing)\s+(?:my|our)\s+{_KIN}|(?:my|our)\s+{_KIN}\s+(?:died|was\s+killed))\b"
)
_VICTIM = re.compile(
    rf"(?i)\b(?:(?:I|we|(?:me|I)\s+and\s+my\s+{_KIN})\s+(?:was|were|got|have\s+been|had\s+been|"
    rf"was\s+being)\s+{_GAP}{_HARM}|"
    rf"I(?:'m|\s+am)\s+(?:a|the)\s+victim|victim\s+of\s+(?:a|an|the|domestic|crime|burglary|"
    rf"assault)|happened\s+to\s+me|(?:attacked|assaulted|robbed|mugged|threatened|punched|abused|"
    rf"harassed|stalked|scammed|hit|threatening|harassing|stalking|abusing|hitting|beat|kicked|stabbed|"
    rf"burgled|raped|hurt|injured)\s+(?:me|us)\b|(?:broke|broken)\s+into\s+(?:my|our)|(?:we|I)\s+(?:were|was|"
    rf"have\s+been|had\s+been)\s+(?:the\s+)?victims?\s+of|(?:my|our)\s+(?:\w+\s+)?{_PROPERTY}"
    rf"(?:\s+(?:in|on|at)\s+[\w']+(?:\s+[\w']+)?)?\s+(?:was|were|got|has\s+been|have\s+been)\s+"
    rf"{_GAP}(?:burgled|broken\s+into|vandalised|damaged|smashed|set\s+on\s+fire|stolen|targeted|"
    rf"attacked|robbed)|stole\s+(?:from\s+(?:me|us)|my|our)|"
    # "since our burglary": the household's own ("my burglary" may be an offender's: "after my burglary
    # arrest", "amends for my burglary"), never with the words of a case against someone
    rf"(?:since|after|following|before)\s+our\s+(?:recent\s+)?(?:burglary|break[\s-]?in)(?![\s-]+(?:\w+\s+)?"
    rf"(?:arrests?|convictions?|charges?|sentenc\w*|offen[cs]es?|trial|case|record|hearing|court|of)\b))\b"
)
_THEY = (
    r"(?:he|she|they|who|my\s+client|the\s+client|the\s+young\s+person|the\s+service\s+user|"
    r"(?:mr|mrs|ms|miss)\.?\s+\w+)"
)
_PRO_OFFENDER = re.compile(
    rf"(?i)\b(?:{_THEY}\s+(?:is|was|has\s+been|are)\s+(?:currently\s+)?(?:serving|convicted|"
    rf"sentenced|in\s+custody|on\s+licen[cs]e|on\s+probation|remanded|subject\s+to)|{_THEY}\s+"
    rf"(?:has\s+)?(?:admitted|pleaded\s+guilty|accepts?\s+responsibility|accepted\s+"
    rf"responsibility)|(?:currently\s+)?(?:in\s+custody|serving)\s+(?:at|in)\s+HMP|{_THEY}\s+"
    rf"(?:wants?|would\s+like|wishes)\s+to\s+(?:apologi[sz]e|make\s+amends|say\s+sorry|write\s+a\s+"
    rf"letter\s+of\s+apology))\b"
)
_PRO_VICTIM = re.compile(
    rf"(?i)\b(?:{_THEY}\s+(?:is|was|were|has\s+been|had\s+been)\s+{_GAP}{_HARM}|(?:the|a)\s+"
    rf"victim\s+(?:of|in)\s+(?:a|an|the|my|our|this)|"
    rf"(?:his|her|their)\s+(?:house|home|flat|car|shop)\s+was\s+(?:burgled|broken\s+into))\b"
)
_PRO_FAMILY = re.compile(
    rf"(?i)\b(?:(?:mother|father|mum|dad|parents?|wife|husband|partner|sister|brother|son|"
    rf"daughter|family)\s+of\s+(?:the\s+)?(?:victim|deceased|late)|(?:whose|her|his|their)\s+"
    rf"{_KIN}\s+was\s+{_GAP}(?:killed|murdered|{_HARM}))\b"
)
_NEGATED = re.compile(r"(?i)\b(?:not|never)\b|n't\b")


def _found(pattern: re.Pattern[str], text: str) -> bool:
    return any(not _NEGATED.search(m.group(0)) for m in pattern.finditer(text))


def first_person_role(text: str) -> str:
    """Role of someone writing about themself: offender, family, victim or unknown."""
    if _found(_OFFENDER, text):
        return "offender"
    family, victim = _found(_FAMILY, text), _found(_VICTIM, text)
    if family and not victim:
        return "family"
    if victim and not family:
        return "victim"
    return "unknown"


def third_person_role(text: str) -> str:
    """Role of the person a professional describes: offender, family, victim or unknown."""
    hits = [
        role
        for role, pattern in (("offender", _PRO_OFFENDER), ("family", _PRO_FAMILY), ("victim", _PRO_VICTIM))
        if _found(pattern, text)
    ]
    if hits == ["family", "victim"]:
        return "family"  # "whose son was attacked" also reads as a victim phrase
    return hits[0] if len(hits) == 1 else "unknown"
