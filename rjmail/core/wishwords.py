"""English wording of contact wishes: call requests, refusals, email only, voicemail and texts.

Refusals win over requests: calling someone who said "please don't call" can put them at risk,
while missing a request only means the advisor asks. A request inside a negated clause
("I don't want anyone to ring me") counts as a refusal. A time qualifier ("don't call before 6pm")
restricts the time; it is not a refusal. The community languages arrive here already rewritten into
these words (rjmail.core.wishlang).
"""

from __future__ import annotations

import re

from rjmail.core.timecues import NOT_NEGATING

_CALL = r"(?:call|ring|phone|telephone|contact)"
_WHO = (
    r"(?:someone\s+|somebody\s+|sum1\s+|some1\s+|you\s+|u\s+|one\s+of\s+(?:you|your\s+(?:team|advisors))\s+|"
    r"an?\s+advisor\s+|the\s+team\s+)?"
)
# The rest of the sentence adds nothing that could turn a call request into something else (a line
# end alone is not an end: mail is hard-wrapped, "happy to talk\nbut not on the phone")
# (the \s* before _END takes the spaces: a second \s* beside it made long blank runs quadratic)
_END = r"(?:[.!?]|\n[^\S\n]*\n|\Z)"
_SAYS_NO_MORE = (
    rf"(?=\s*(?:{_END}|(?:,\s*)?(?:please|thanks|thank\s+you|if\s+possible|if\s+(?:that'?s|it'?s)\s+"
    rf"(?:ok|okay|alright|possible))[^\w\n]*?{_END}))"
)
_WANTS = re.compile(
    rf"(?im)\b(?:(?:please|pls|can|could|would|will)\s+{_WHO}(?:{_CALL}\s+me|give\s+(?:me|us)\s+a\s+"
    rf"(?:call|ring|bell))|(?:like|want|need)\s+(?:someone|somebody|you|one\s+of\s+you|an?\s+advisor)\s+"
    rf"to\s+(?:{_CALL}\s+me|give\s+me\s+a\s+call)|(?:give me|want|like|prefer|have|welcome|appreciate|"
    rf"receive|get)\s+a\s+(?:quick\s+)?(?:phone\s+|telephone\s+)?(?:call|ring|chat\s+on\s+the\s+phone)|"
    rf"(?<![\w'])(?:i|i'?d|i\s+would|we|we'?d|we\s+would)\s+(?:really\s+)?(?:welcome|appreciate|like|want)\s+a\s+"
    rf"(?:quick\s+)?(?:phone|telephone)\s+(?:conversation|chat)"
    rf"(?!\s+with\s+(?:him|her|them|his|their|the\s+(?:offender|person|man|woman|lad|boy|girl)))|"
    rf"mind\s+a\s+(?:quick\s+)?(?:phone\s+|telephone\s+)?call|"
    rf"(?:glad|grateful)\s+(?:of|for)\s+a\s+(?:quick\s+)?(?:phone\s+|telephone\s+)?(?:call|ring|chat)|"
    rf"(?:best|easiest|good|safest)\s+(?:time\s+)?to\s+{_CALL}\s+me|"
    rf"(?:happy|glad|ok|okay|fine|willing|prefer|like|rather|love)\s+to\s+(?:talk|speak|chat)\s+"
    rf"(?:on|over|by)\s+the\s+(?:phone|telephone)|(?:talk|speak|chat)\s+(?:to|with)\s+(?:someone|somebody|"
    rf"an?\s+advisor|you)\s+(?:on|over|by)\s+the\s+(?:phone|telephone)|{_CALL}\s+me\s+(?:on|at|back)|"
    rf"(?:phone\s+|telephone\s+)?call\s+would\s+be\s+(?:good|great|best|fine|welcome|helpful|lovely)|"
    rf"prefer\s+(?:a\s+)?(?:phone|call)|(?:happy|fine|ok|okay)\s+for\s+(?:you|someone|an?\s+advisor)\s+"
    rf"to\s+{_CALL}\s+me|(?:you\s+)?(?:can|may)\s+{_CALL}\s+me|feel\s+free\s+to\s+{_CALL}\s+me|"
    # "please ring after 6pm": a request with a time, never "please call 999"
    rf"(?:please|pls|(?:can|could|would)\s+(?!(?:call|ring|phone)\b){_WHO})\s*(?:call|ring|phone)(?=\s+(?:after|before|between|in\s+the|(?:on\s+)?(?:mon|tue|wed|thu|"
    rf"fri|sat|sun|week)\w*|any\s*time|at\s+(?:weekends|lunch)|mornings|afternoons|evenings|during)\b)|"
    rf"(?:(?:phone|telephone)\s+(?:chat|conversation)|chat\s+(?:on|over)\s+the\s+(?:phone|telephone))\s+"
    rf"would\s+be\s+(?:good|great|fine|welcome|helpful|lovely|nice){_SAYS_NO_MORE}|"
    # The acknowledgement says: just reply "call me".
    rf"(?:yes|please)[\s,!.]+(?:please[\s,!.]+)?call\s+me|^[^\w\n]*call\s+me)\b"
)
_REFUSES = re.compile(
    r"(?i)\b(?:(?:rather|prefer)\s+not\s+(?:to\s+)?(?:speak|talk|be\s+(?:called|rung|phoned)|"
    r"have\s+a\s+(?:phone\s+)?call|get\s+a\s+call)|(?:don'?t|do\s+not|never|please\s+don'?t|"
    r"please\s+do\s+not)\s+(?:call|ring|phone|telephone)(?:\s+me)?|no\s+(?:phone\s*)?calls|"
    r"(?:can'?t|cannot|not\s+able\s+to|unable\s+to)\s+(?:talk|speak)\s+on\s+the\s+phone|"
    r"prefer\s+(?:e-?mail|to\s+e-?mail|writing|to\s+write|written)|(?:don'?t|do\s+not)\s+want\s+"
    r"(?:anyone|anybody|someone|you|people)\s+to\s+(?:call|ring|phone)|(?:text|e-?mail|write\s+to)\s+"
    r"me\s+rather\s+than\s+(?:call|ring|phon)\w*|not\s+ready\s+to\s+(?:talk|speak)\s+(?:on|over|by)\s+"
    r"the\s+phone)\b"
)
# Strong wording: never call, never offer a call (SPEC 3: "email only").
_EMAIL_ONLY = re.compile(
    r"(?i)\b(?:(?:by\s+|via\s+)?e-?mails?\s+only|only\s+(?:by\s+|via\s+|through\s+|contact\s+me\s+"
    r"(?:by|via)\s+)?e-?mail(?:\s+me)?|(?:please\s+)?(?:only\s+)?e-?mail\s+me\s+only|"
    r"in\s+writing\s+only|only\s+in\s+writing|(?:don'?t|do\s+not|never|please\s+don'?t)\s+(?:call|"
    r"phone|ring)\s+(?:me\s+)?or\s+(?:text|message|sms)|no\s+(?:phone\s+)?calls\s+or\s+texts|"
    r"(?:checks?|reads?|goes\s+through|looks\s+(?:at|through)|monitors?)\s+my\s+phone|my\s+phone\s+"
    r"(?:is|gets)\s+(?:checked|monitored|watched)|not\s+safe\s+(?:for\s+(?:you|anyone)\s+)?to\s+"
    r"(?:call|ring|phone)|(?:can'?t|cannot)\s+(?:safely\s+)?(?:take|have)\s+(?:phone\s+)?calls|"
    # "could we keep to email for now", "email is easier for me than talking", "I'd rather write than
    # talk": email named instead of talking. Not "keep to email and phone", nor "rather write to him
    # than talk to him" (a letter to the other party, not how the hub reaches them)
    r"(?:keep|stick|stay)\s+(?:to|with)\s+e-?mail(?:s|ing)?(?![^.!?\n]*\b(?:call|ring|phon|talk|speak|chat))|"
    r"keep\s+(?:all\s+of\s+)?(?:this|it|everything|things)\s+(?:on|to|by|over)\s+e-?mail"
    r"(?![^.!?\n]*\b(?:call|ring|phon|talk|speak|chat))|"
    r"(?:e-?mail(?:ing)?|writing)\s+(?:is|would\s+be|works?)\s+(?:much\s+|a\s+lot\s+)?(?:easier|better|safer)\s+"
    r"(?:for\s+me\s+)?than\s+(?:talking|speaking|calls|phone\s+calls|the\s+phone|phoning|a\s+(?:phone\s+)?call)|"
    r"rather\s+(?:write|e-?mail|put\s+it\s+in\s+writing)\s+than\s+(?:talk|speak|call|phone|ring|be\s+called)"
    r"(?:\s+(?:on|over)\s+the\s+phone|\s+to\s+(?:you|someone|anyone|an?\s+advisor))?(?=\s*(?:[.!?,;]|$|"
    r"please|thanks|if|for\s+now|at\s+the\s+moment|right\s+now)))\b"
)
# Email named as the way, which counts beside a refused call ("please don't ring, just email", "I'd
# rather not speak on the phone, email is fine", "I struggle on the phone ... emails are much better")
_EMAIL_INSTEAD = re.compile(
    r"(?i)\b(?:just\s+e-?mail|e-?mail(?:ing)?\s+(?:me\s+)?(?:instead|is\s+(?:fine|ok|okay|best|better|great|"
    r"good|easier)|fine|would\s+be\s+(?:better|best|easier)|works?\s+(?:better|best|for\s+me))|e-?mails?\s+(?:are|is)?\s*"
    r"(?:much\s+|a\s+lot\s+|far\s+)?(?:better|easier|fine)(?:\s+for\s+me)?|"
    r"e-?mail\s+me(?=\s*(?:instead|please|pls|only|at\s+\S+@|[.!]?\s*$))|"
    r"(?:keep|stick)\s+(?:it\s+|this\s+)?to\s+e-?mail)"
)
_PHONE_HARD = re.compile(
    r"(?i)(?:\b(?:struggle|panic|get\s+(?:muddled|upset|anxious|flustered))\s+(?:on|with)\s+the\s+phone|"
    r"\bfind\s+(?:the\s+)?(?:phones?|calls)(?:\s+calls?)?\s+(?:too\s+|really\s+|very\s+|so\s+)?(?:hard|difficult|"
    r"stressful)|\b(?:can'?t|cannot)\s+(?:do|face|manage)\s+(?:phone\s+)?calls|\b(?:don'?t|do\s+not)\s+want\s+to\s+"
    r"(?:talk|speak)\s+(?:on|over)\s+the\s+phone)(?!\s+(?:before|after|till?|until|when|whilst|while|during|"
    r"at\s+(?:work|home|night|weekends?|the\s+weekend|\d)|in\s+the|on\s+\w+days?|to\s+(?:him|her|them))\b)"
)
_CALL_IF = re.compile(r"(?i)\b(?:if|when)\s+(?:you|someone|an?\s+advisor)\s+(?:do\s+)?(?:call|ring|phone)")
# "don't call before 6pm" restricts the time; it is not a refusal.
_TIME_QUALIFIER = re.compile(
    r"(?i)^\s*(?:me\s+)?(?:(?:before|after|until|between)\s+(?:\d|noon|midday|lunch|work|school|"
    r"mon|tue|wed|thu|fri|sat|sun|week)|during|in\s+the|at\s+work|on\s+(?:week|mon|tue|wed|thu|"
    r"fri|sat|sun))"
)
_NAMING = re.compile(  # "Call me Jo"; a name after a blank line ("Happy to talk\n\nThanks") signs off
    r"(?![^\S\n]*\n[^\S\n]*\n)\s+(?!(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|After|Before|Between|In|On|At|Any|Please|Back|Anytime)\w*\b)"
    r"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][a-z]+\b(?!\s*\d)"
)
_NEGATION = re.compile(r"(?i)(?:\bnot|n't|\bnever|\bno\s+one|\bnobody)\b[^.!?,;\n]*$")

_PHONE_CHECKED = (
    r"(?:checks?|reads?|goes\s+through|looks\s+(?:at|through)|monitors?)\s+my\s+phone|"
    r"my\s+phone\s+(?:is|gets)\s+(?:checked|monitored|watched)"
)
_NO_VOICEMAIL = re.compile(
    r"(?i)\b(?:(?:don'?t|do\s+not|please\s+don'?t|please\s+do\s+not|never|can'?t|cannot)\s+leave\s+"
    r"(?:a\s+|any\s+)?(?:message|voicemail|voice\s*mail|voice\s+message)s?|no\s+(?:voice\s*mails?|"
    r"voicemails?|voice\s+messages|messages)|not\s+safe\s+to\s+leave)"
)
_NO_TEXT = re.compile(
    r"(?i)\b(?:(?:don'?t|do\s+not|please\s+don'?t|never|can'?t|cannot)\s+(?:text|send\s+(?:a\s+|any\s+|me\s+"
    r"(?:a\s+|any\s+)?)?(?:texts?|sms|text\s+messages?))|(?:don'?t|do\s+not|never)\s+(?:call|phone|ring)"
    r"\s+(?:me\s+)?or\s+text|no\s+(?:phone\s+)?(?:calls\s+or\s+)?(?:texts|sms|text\s+messages)|"
    r"not\s+safe\s+to\s+(?:text|send))\b"
)
_VOICEMAIL_OK = re.compile(
    r"(?i)\b(?:(?:fine|ok|okay|happy|alright|safe|all\s+right)\s+(?:for\s+you\s+)?to\s+leave\s+(?:a\s+)?"
    r"(?:message|voicemail|voice\s*mail)|(?:you\s+)?can\s+leave\s+(?:a\s+)?(?:message|voicemail)|"
    r"(?:please\s+)?leave\s+(?:me\s+)?a\s+(?:message|voicemail)|(?:voicemails?|messages)\s+(?:is|are)\s+"
    r"(?:fine|ok|okay|safe)|"
    # A professional writing for the person: "she is happy for a voicemail".
    r"(?:happy|fine|ok|okay)\s+(?:for|with)\s+(?:a\s+)?(?:voicemail|voice\s*mail|message))\b"
)
_TEXT_OK = re.compile(
    r"(?i)\b(?:(?:fine|ok|okay|happy|alright|safe|all\s+right)\s+(?:for\s+you\s+)?to\s+(?:text|send\s+"
    r"(?:me\s+)?a\s+text)|(?:please\s+|you\s+can\s+|can\s+you\s+|feel\s+free\s+to\s+)text\s+me|"
    r"texts?\s+(?:is|are)\s+(?:fine|ok|okay|safe))\b"
)


def negated(clause: str) -> bool:
    """The clause before a phrase holds a negation ("I don't want anyone to ...")."""
    return bool(_NEGATION.search(NOT_NEGATING.sub(" ", clause)))


def _before(text: str, at: int) -> str:
    return text[max(0, at - 60) : at]


def email_only(text: str, gives_call_times: bool = False) -> bool:
    """True for "please only email me", "don't call or text", "he checks my phone" and the like.

    A checked phone alone does not mean email only when the person also says when a call is safe
    ("he checks my phone ... if you call, the safest time is 10 to 2").
    """
    for m in _EMAIL_ONLY.finditer(text):
        if negated(_before(text, m.start())):
            continue
        if re.fullmatch(_PHONE_CHECKED, m.group(0), re.IGNORECASE) and (
            gives_call_times or _CALL_IF.search(text)
        ):
            continue
        if _TIME_QUALIFIER.match(text[m.end() : m.end() + 25]):
            continue  # "I can't take calls in the day" restricts the time
        return True
    instead = [m for m in _EMAIL_INSTEAD.finditer(text) if not negated(_before(text, m.start()))]
    if not instead or _asks_for_call(text):  # "that's changed, you can call me now. Email me the times."
        return False
    return _PHONE_HARD.search(text) is not None or refuses_calls(text)


def _asks_for_call(text: str) -> bool:
    return any(
        not _NAMING.match(text[m.end() :]) and not negated(text[max(0, m.start() - 60) : m.end()])
        for m in _WANTS.finditer(text)
    )


def refuses_calls(text: str) -> bool:
    """A call refused outright: "please don't ring", "I'd rather not speak on the phone" (not "don't
    call before 6pm", which restricts the time, nor "don't call me Mrs Atkins")."""
    return any(_refusal(text, m) == "refuses" for m in _REFUSES.finditer(text))


def _refusal(text: str, match: re.Match[str]) -> str | None:
    """What a refusal wording does: None for a name ("Please don't call me Mrs Atkins"); "limits"
    for a time, a place or someone else ("don't call before 6pm", "don't call me at work", "don't
    ring my mum"), whose call words are no request either; else "refuses"."""
    if _NAMING.match(text[match.end() :]):
        return None
    if _OTHER_OBJECT.match(text, match.end()) or _TIME_QUALIFIER.match(text[match.end() : match.end() + 25]):
        return "limits"
    return "refuses"


# "don't ring my mum", "don't call my landline", "dont ring me on the work number", "he said don't
# ring the police": not a refusal of calls to the person
_OTHER_OBJECT = re.compile(
    r"(?i)\s+(?:me\s+)?(?:my\s+(?:mum|mam|mom|dad|husband|wife|partner|son|daughter|sister|brother|family|boss|"
    r"kids?|children|landline|work|office)|him|her|his|them|their|the\s+(?:police|school|office|offender)|"
    r"on\s+(?:the|my|this)\s+work|at\s+work)\b(?!,?\s+(?:or|and|nor)\s+(?:me|us|my\s+mobile)\b)"
)


def wants_call(text: str, gives_call_times: bool = False) -> bool | None:
    """True when the person asks for a phone call, False when they decline one, else None.
    `gives_call_times` as for email_only: "he reads my phone. you can ring me after 7" asks for a call."""
    # Read once: with call times given, a checked phone is a refusal only when no call is asked for
    # ("he goes through my phone at weekends" names a time, and asks for no call)
    if email_only(text) and (
        not gives_call_times or not _asks_for_call(text) or email_only(text, gives_call_times=True)
    ):
        return False
    asked = False
    restricted: list[tuple[int, int]] = []  # "don't call me before 6pm": a time, not a refusal
    for match in _REFUSES.finditer(text):
        kind = _refusal(text, match)
        if kind == "refuses":
            return False
        if kind == "limits":
            restricted.append((match.start(), match.end() + 25))
    for match in _WANTS.finditer(text):
        if _NAMING.match(text[match.end() :]):
            continue  # "Call me Jo" gives a name, not a request
        if any(start <= match.start() < end for start, end in restricted):
            continue
        # The request itself is read too, so "I wouldn't mind a call" is not a negation.
        if negated(text[max(0, match.start() - 60) : match.end()]):
            return False
        asked = True
    return True if asked else None


def _allowed(text: str, refused: re.Pattern[str], allowed: re.Pattern[str]) -> bool | None:
    if refused.search(text):
        return False
    for match in allowed.finditer(text):
        if not negated(_before(text, match.start())):
            return True
    return None


def voicemail_ok(text: str) -> bool | None:
    """False when a voicemail is unsafe, True when said to be fine, else None."""
    return _allowed(text, _NO_VOICEMAIL, _VOICEMAIL_OK)


def phone_checked(text: str) -> bool:
    """Someone checks the person's phone ("he checks my phone")."""
    return any(not negated(_before(text, m.start())) for m in re.finditer(_PHONE_CHECKED, text, re.I))


def texts_ok(text: str) -> bool | None:
    """False when a text message is unsafe, True when said to be fine, else None."""
    return _allowed(text, _NO_TEXT, _TEXT_OK)
