"""Contact wishes: does the person want a call, when is it safe, may we leave a voicemail or text.

Refusals win over requests: calling someone who said "please don't call" can put them at risk,
while missing a request only means the advisor asks. A request inside a negated clause
("I don't want anyone to ring me") counts as a refusal.
"""

from __future__ import annotations

import re

_CALL = r"(?:call|ring|phone|telephone|contact)"
_WANTS = re.compile(
    rf"(?im)\b(?:(?:please|pls|can|could|would)\s+(?:someone\s+|somebody\s+|you\s+|one of you\s+)?"
    rf"(?:{_CALL}\s+me|give\s+me\s+a\s+(?:call|ring|bell))|(?:like|want|need)\s+(?:someone|"
    rf"somebody|you|one\s+of\s+you|an?\s+advisor)\s+to\s+(?:{_CALL}\s+me|give\s+me\s+a\s+call)|"
    rf"(?:give me|want|like|prefer|have)\s+a\s+(?:phone\s+)?(?:call|ring|chat on the phone)|"
    rf"(?:happy|glad|ok|okay|fine|willing|prefer|like|rather|love)\s+to\s+(?:talk|speak|chat)\s+"
    rf"(?:on|over|by)\s+the\s+phone|(?:talk|speak|chat)\s+(?:to|with)\s+(?:someone|somebody|an? "
    rf"advisor)\s+(?:on|over|by)\s+the\s+phone|{_CALL}\s+me\s+(?:on|at|back)|"
    rf"phone\s+call\s+would\s+be\s+(?:good|great|best|fine)|prefer\s+(?:a\s+)?(?:phone|call)|"
    # The acknowledgement says: just reply "call me".
    rf"(?:yes|please)[\s,!.]+(?:please[\s,!.]+)?call\s+me|^[^\w\n]*call\s+me)\b"
)
_REFUSES = re.compile(
    r"(?i)\b(?:(?:rather|prefer)\s+not\s+(?:to\s+)?(?:speak|talk|be\s+(?:called|rung|phoned)|"
    r"have\s+a\s+(?:phone\s+)?call|get\s+a\s+call)|(?:don'?t|do\s+not|never|please\s+don'?t|"
    r"please\s+do\s+not)\s+(?:call|ring|phone|telephone)(?:\s+me)?|no\s+(?:phone\s+)?calls|"
    r"(?:by\s+)?e-?mail\s+only|only\s+(?:by|via|through|contact me by)\s+e-?mail|"
    r"(?:please\s+)?(?:only\s+)?e-?mail\s+me\s+(?:only|rather)|(?:can'?t|cannot|not\s+able\s+to|"
    r"unable\s+to)\s+(?:talk|speak)\s+on\s+the\s+phone|prefer\s+(?:e-?mail|to\s+e-?mail|writing|"
    r"to\s+write|written)|in\s+writing\s+only|(?:don'?t|do\s+not)\s+want\s+(?:anyone|anybody|"
    r"someone|you|people)\s+to\s+(?:call|ring|phone)|(?:text|e-?mail|write\s+to)\s+me\s+rather\s+"
    r"than\s+(?:call|ring|phon)\w*|not\s+ready\s+to\s+(?:talk|speak)\s+(?:on|"
    r"over|by)\s+the\s+phone)\b"
)
# "don't call before 6pm" restricts the time; it is not a refusal.
_TIME_QUALIFIER = re.compile(
    r"(?i)^\s*(?:me\s+)?(?:(?:before|after|until|between)\s+(?:\d|noon|midday|lunch|work|school|"
    r"mon|tue|wed|thu|fri|sat|sun|week)|during|in\s+the|at\s+work|on\s+(?:week|mon|tue|wed|thu|"
    r"fri|sat|sun))"
)
_NEGATION = re.compile(r"(?i)(?:\bnot|n't|\bnever|\bno\s+one|\bnobody)\b[^.!?,;\n]*$")

_TIME = r"(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|noon|midday|lunchtime)"
_DAY = (r"(?:weekdays?|weekends?|week\s+days?|mondays?|tuesdays?|wednesdays?|thursdays?|"
        r"fridays?|saturdays?|sundays?)")
_PART = r"(?:mornings?|afternoons?|evenings?|lunchtimes?|daytime)"
_BOUND = rf"(?:(?:before|after|until|from|by)\s+{_TIME}|between\s+{_TIME}\s*(?:and|-|–|to)\s*{_TIME})"
_WHEN = re.compile(
    rf"(?i)\b(?:(?:{_DAY}|{_PART})(?:\s+(?:or|and|&)\s+(?:{_DAY}|{_PART}))*(?:\s+{_PART})?"
    rf"(?:\s+{_BOUND})?|{_BOUND}(?:\s+on\s+{_DAY})?)(?![\w])"
)
_CALL_CUE = re.compile(
    r"(?i)\b(?:call|calls|ring|phone|reach|contact|speak|talk|free|available|best time|safe time|"
    r"good time|safest|answer)\b"
)
_HARM_CUE = re.compile(r"(?i)\b(?:attack\w*|assault\w*|happened|burgl\w*|broke|stole|hit|threat\w*)\b")

_NO_MESSAGE = re.compile(
    r"(?i)\b(?:(?:don'?t|do\s+not|please\s+don'?t|please\s+do\s+not|never|can'?t|cannot)\s+"
    r"(?:leave\s+(?:a\s+|any\s+)?(?:message|voicemail|voice\s*mail|voice\s+message)s?|text|send\s+"
    r"(?:a\s+|any\s+)?texts?|sms)|no\s+(?:voice\s*mails?|voicemails?|messages|texts|sms)|not\s+safe\s+"
    r"to\s+(?:leave|text|send)|(?:checks?|reads?|goes\s+through|looks\s+at)\s+my\s+phone|"
    r"nie\s+(?:zostawia[ćc]|nagrywa[ćc])\s+wiadomo[śs]ci|nie\s+(?:wysy[łl]a[ćc]\s+)?sms)"
)
_MESSAGE_OK = re.compile(
    r"(?i)\b(?:(?:fine|ok|okay|happy|alright|safe|all\s+right)\s+(?:for\s+you\s+)?to\s+(?:leave\s+"
    r"(?:a\s+)?(?:message|voicemail|voice\s*mail)|text)|(?:you\s+)?can\s+leave\s+(?:a\s+)?"
    r"(?:message|voicemail)|(?:please\s+)?leave\s+(?:me\s+)?a\s+(?:message|voicemail)|"
    r"(?:please\s+|you\s+can\s+|can\s+you\s+)text\s+me|"
    r"(?:texts?|voicemails?|messages)\s+(?:is|are)\s+(?:fine|ok|okay|safe)|"
    # A professional writing for the person: "she is happy for a voicemail".
    r"(?:happy|fine|ok|okay)\s+(?:for|with)\s+(?:a\s+)?(?:voicemail|voice\s*mail|message))\b"
)


# Negative words that do not negate a request ("I wouldn't mind a call").
_NOT_NEGATING = re.compile(r"(?i)\b(?:wouldn'?t|would\s+not|don'?t|do\s+not)\s+mind\b|\bnot\s+sure\b")


def _negated(clause: str) -> bool:
    return bool(_NEGATION.search(_NOT_NEGATING.sub(" ", clause)))


def _clause_before(text: str, at: int) -> str:
    return text[max(0, at - 60) : at]


def wants_call(text: str) -> bool | None:
    """True when the person asks for a phone call, False when they decline one, else None."""
    asked = False
    restricted: list[tuple[int, int]] = []  # "don't call me before 6pm": a time, not a refusal
    for match in _REFUSES.finditer(text):
        if not _TIME_QUALIFIER.match(text[match.end() : match.end() + 25]):
            return False
        restricted.append((match.start(), match.end() + 25))
    for match in _WANTS.finditer(text):
        if any(start <= match.start() < end for start, end in restricted):
            continue
        if _negated(_clause_before(text, match.start())):
            return False
        asked = True
    return True if asked else None


_FIELD_LINE = re.compile(r"^\s*(?:[\w'() -]{1,30}:\s|[-*•]\s)")


def sentences(text: str) -> list[str]:
    """Sentences with hard-wrapped lines re-joined ("Key: value" lines stay on their own)."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines: list[str] = []
        for line in paragraph.split("\n"):
            if lines and not _FIELD_LINE.match(line) and not _FIELD_LINE.match(lines[-1]):
                lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
            else:
                lines.append(line.strip())
        for line in lines:
            out += [s for s in re.split(r"(?<=[.!?])\s+", line) if s.strip()]
    return out


def call_times(text: str) -> str | None:
    """The phrase giving good or safe times to call ("weekday mornings before 11"), or None."""
    previous = ""
    for sentence in sentences(text):
        # The time often follows the request: "Please call me. Mornings are best."
        cue = _CALL_CUE.search(sentence) or _CALL_CUE.search(previous)
        previous = sentence
        if not cue or _HARM_CUE.search(sentence):
            continue
        found = [
            m for m in _WHEN.finditer(sentence)
            if _useful(m.group(0)) and not _negated(sentence[: m.start()])
        ]
        if found:
            return max(found, key=lambda m: len(m.group(0))).group(0).strip()
    return None


def _useful(phrase: str) -> bool:
    """A bare "before 6" could be anything; a time needs am/pm, a day part or a day name."""
    has_time_unit = re.search(r"(?i)\d\s*(?:am|pm|a\.m\.|p\.m\.)|:\d\d|noon|midday|lunchtime", phrase)
    has_day = re.search(rf"(?i){_DAY}|{_PART}", phrase)
    return bool(has_time_unit or has_day)


def voicemail_ok(text: str) -> bool | None:
    """False when a voicemail or text is unsafe, True when explicitly fine, else None."""
    if _NO_MESSAGE.search(text):
        return False
    for match in _MESSAGE_OK.finditer(text):
        if not _negated(_clause_before(text, match.start())):
            return True
    return None
