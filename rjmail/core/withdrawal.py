"""Conservative detection of a person asking to withdraw.

A false positive silences someone who wanted help; a false negative still reaches an advisor (every
reply is shown to them). So only clear wording counts, negations cancel it, and the caller passes
text with the quoted history already removed.
"""

from __future__ import annotations

import re

_POSITIVE = re.compile(
    r"\b(please\s+)?(withdraw|cancel|close)\s+(my|the|this)\s+(referral|case|request|application)\b"
    r"|\bi\s+(would\s+like|want|wish|['’]d\s+like)\s+to\s+withdraw\b"
    r"|\bplease\s+withdraw\b"
    r"|\bi\s+(do\s+not|don['’]?t|no\s+longer)\s+(want|wish)\s+to\s+(go\s+ahead|take\s+part|continue|"
    r"carry\s+on|proceed|be\s+contacted)\b"
    r"|\bi\s+no\s+longer\s+want\s+(this|to\s+do\s+this|any\s+contact)\b"
    r"|\b(please\s+)?stop\s+(contacting|emailing|e-mailing|calling|writing\s+to)\s+me\b"
    r"|\b(please\s+)?(do\s+not|don['’]?t)\s+(contact|email|e-mail|call|write\s+to)\s+me\s+(again|any\s*more)\b"
    r"|\bleave\s+me\s+alone\b"
    r"|\bunsubscribe\b",
    re.IGNORECASE,
)
# A reply that is just the word the acknowledgement suggests ("just reply 'stop'").
_ALONE = re.compile(r"^\W*(stop|withdraw|unsubscribe)\W*(please|thanks|thank\s+you)?\W*$", re.IGNORECASE)
_NEGATED = re.compile(
    r"\b(do\s+not|don['’]?t|not|never|no\s+need\s+to)\s+(\w+\s+){0,3}?(want\s+(you\s+)?to\s+)?"
    r"(withdraw|stop|cancel|close)\b"
    r"|\bi\s+(do\s+not|don['’]?t)\s+want\s+(you\s+)?to\s+stop\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def wants_to_withdraw(text: str) -> bool:
    """True only for clear, un-negated withdrawal wording in the person's own words."""
    own = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    if _ALONE.match(own.strip()):
        return True
    for sentence in sentences(own):
        if _NEGATED.search(sentence):
            continue
        if _POSITIVE.search(sentence):
            return True
    return False
