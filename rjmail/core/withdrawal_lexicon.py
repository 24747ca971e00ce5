"""Wording that withdrawal detection reads, per language.

Patterns run on normalised text: lower case, accents removed (people often type Polish, Lithuanian,
Romanian and Portuguese without them), English contractions expanded ("don't" -> "do not"). Each
language lists the same kinds of wording; `rjmail.core.withdrawal` decides what they mean together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What may follow a withdrawal verb for it to mean "from this" (and not "my statement", "the call on
# Tuesday", "feeling like this"): nothing, punctuation, a filler, or restorative justice itself.
_OBJ_OK = (
    r"(?=\s*(?:$|[.,;:!)\-]|and (?:i|please|would|no|do not|will|have|am)\b|but\b|"
    r"so (?:please|i|could|can|would)\b|as (?:i|it|this|he|she)\b|because\b|please\b|now\b|thanks?\b|thank yo"
    r"u\b|"
    r"sorry\b|if\b|for now\b|for the time being\b|at the moment\b|right now\b|any ?more\b|any longer\b|at all"
    r"\b|altogether\b|after all\b|either\b|for good\b|"
    r"with (?:it|this|that|rj|restorative justice|the process|the referral|any of (?:this|it))\b|"
    r"(?:from|of|with) (?:rj|restorative justice|the (?:rj|restorative justice|process|scheme|service|"
    r"programme|program|whole thing)|this|it|everything|all of (?:this|it))\b|"
    r"my (?:referral|participation)\b|my case(?=\s*(?:$|[.,;!]|please|now|thank|with you|as\b|and\b))|"
    r"(?:this|it)\b))"
)
_EN_GO = (
    r"(?:go(?:ing)? ahead|tak(?:e|ing) part|continu(?:e|ing)|carry(?:ing)? on|proceed(?:ing)?|"
    r"be(?:ing)? involved|participat(?:e|ing)|do(?:ing)? (?:this|it|rj|restorative justice)|"
    r"pursu(?:e|ing) (?:this|it|rj|restorative justice)|go(?:ing)? through with (?:it|this)|"
    r"be(?:ing)? (?:a )?part of (?:this|it|rj|restorative justice|the process)(?: process)?)"
)
_EN_OUT = (
    r"(?:withdraw(?:ing)?|pull(?:ing)? out|opt(?:ing)? out|drop(?:ping)? out|back(?:ing)? out|"
    r"stop(?:ping)? (?:the|this|my) (?:process|(?:rj|restorative justice)(?: process)?|referral|case)|"
    r"stop(?:ping)? taking part)"
)
# Where an imperative may start: sentence start, after a comma, or after a softener.
_LEAD = r"(?:^|[,;:]\s*|\b(?:please|just|and|so|kindly|then|can you|could you|would you|you can)\s+)"


@dataclass(frozen=True)
class Lexicon:
    """Compiled wording of one language. Every field is a regular expression on normalised text."""

    clear: re.Pattern[str]  # first person, stop taking part in RJ
    contact: re.Pattern[str]  # "don't contact me again": all contact, from the hub
    channel: re.Pattern[str]  # "stop calling me": one channel only
    soft: re.Pattern[str]  # "I've changed my mind", "not interested": unclear on its own
    hedge: re.Pattern[str]  # "maybe I should stop"
    third: re.Pattern[str]  # "she has changed her mind": on someone else's behalf
    negation: re.Pattern[str]  # "I'm not withdrawing"
    still: re.Pattern[str]  # "I still want to go ahead"
    qualifier: re.Pattern[str]  # times, places, other channels: a contact wish
    pause: re.Pattern[str]  # "for now", "until": a pause, not an end
    alternative: re.Pattern[str]  # "email me instead", "after 6 is fine"
    question: re.Pattern[str]  # a question about the option, not a request
    hedged_off: re.Pattern[str]  # conditionals and reported speech before the wording
    bare: re.Pattern[str]  # a whole reply that is just "stop"
    behalf: re.Pattern[str]  # "I'm writing for my mum"


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts))


_NEVER = r"(?!x)x"

# "...consent to texts / to you leaving voicemails": one way of being reached, not the process.
_NOT_A_CHANNEL = (
    r"(?! (?:to|for) (?:you |your |any |the )?(?:leav|send|text|messag|voicemail|call|ring|phon|email"
    r"|being (?:called|phoned|rung|texted|emailed)))"
)


ENGLISH = Lexicon(
    clear=_rx(
        r"(?:\bi|\b(?:and|so|but) (?:i )?) ?(?:(?:do|really do|do really) not (?:want|wish)|no longer (?:wan"
        r"t|wish)|would rather not|"
        rf"(?:have )?decided not|will not be|am not going|(?:have )?decided against) (?:to )?{_EN_GO}"
        rf"{_OBJ_OK}",
        rf"(?:\bi|\b(?:and|so|but) (?:i )?) ?(?:would like|want|wish|(?:have )?decided|am going|will|am) "
        rf"(?:to )?{_EN_OUT}{_OBJ_OK}",
        rf"{_LEAD}(?:withdraw|cancel|close|end) (?:my|this) (?:referral|case|file|involvement|participation)"
        r"(?=\s*(?:$|[.,;!]|please|now|thank|with you|with (?:rj|restorative justice)|as\b|because\b|and\b|i"
        r"\b))",
        r"\bi (?:want|would like) (?:my|this) (?:case|referral|file) (?:to be )?closed\b",
        rf"\bi am no longer interested{_OBJ_OK}",
        r"\bi am no longer interested in (?:rj|restorative justice|this|taking part|going ahead)\b",
        rf"\bcount me out{_OBJ_OK}",
        r"\bi (?:do not want anything|want nothing) (?:more |else |further )?to do with (?:this|it|you|rj|"
        r"restorative justice|the process)\b",
        r"\bi (?:would like|want|wish) to (?:end|stop) my (?:involvement|participation)\b",
        r"\bi want out(?: of (?:this|it|the process|rj|restorative justice))?\s*(?:$|[.,;!])",
    ),
    contact=_rx(
        rf"{_LEAD}(?:do not|never) (?:ever )?(?:contact|get in touch with|bother) me\b",
        rf"{_LEAD}(?:do not|never) (?:ever )?get in touch(?: again| any ?more)?\s*(?:$|[.,;!])",
        rf"{_LEAD}stop (?:contacting|bothering) me\b",
        r"\bi (?:do not|no longer) want (?:you |anyone |anybody )?(?:to )?(?:contact|get in touch with) me\b",
        r"\bi (?:do not|no longer) (?:want|wish) to be contacted\b",
        r"\bi (?:do not|no longer) want (?:any (?:more |further )?|further )contact (?:from|with) "
        r"(?:you|your service|the service|the hub|anyone)\b",
        r"\bi (?:do not|no longer) want to hear from (?:you|anyone|anybody)\b",
        r"\b(?:take|remove) me (?:off|from) (?:your|the) (?:list|records|system|books|mailing list|database)"
        r"\b",
        r"(?:^|[,;:]\s*)(?:please |just |can you |could you |would you )*leave me alone"
        r"(?=\s*(?:$|[.!,;]|please|now|thank))",
    ),
    channel=_rx(
        rf"{_LEAD}(?:do not|stop|no more|never) (?:ever )?(?:calling|phoning|ringing|texting|emailing|"
        r"e-mailing|writing to|messaging|sending|call|phone|ring|text|email|e-mail|write to|message|send)"
        r"(?: me\b|(?= again| any ?more|\s*$|\s*[.,;!]))",
    ),
    soft=_rx(
        r"\bi (?:have )?(?:had a )?change[d]? (?:of )?my mind\b(?!\s*(?:about|on|over|regarding|re)\b)",
        r"\bi (?:have )?changed my mind (?:about|on) (?:all )?(?:this|it|rj|restorative justice|the whole thi"
        r"ng"
        r"|doing this|taking part|going ahead)\b",
        rf"^(?:i am )?not interested{_OBJ_OK}",
        rf"\bi (?:do not|no longer) want any (?:more |further )?contact{_OBJ_OK}(?! with (?:him|her|them))",
        r"(?:^|\bplease )(?:just )?stop\s*(?:please|now|it)?\s*[.!]*$",
        rf"{_LEAD}(?:do not|never) (?:contact|get in touch with) us\b|\bleave us alone\b",
        # Consent is what RJ rests on: taking it back is for an advisor to read, never acted on alone.
        r"\bi (?:hereby )?(?:withdraw|revoke|retract|take back|am withdrawing) "
        r"(?:all |any )?(?:of )?my consent\b" + _NOT_A_CHANNEL,
        r"\bi (?:no longer|do not) (?:give )?(?:my )?consent\b" + _NOT_A_CHANNEL,
    ),
    hedge=_rx(
        rf"\b(?:not sure|unsure|do not know|not certain)\s*(?:if|whether|that)?\s*i (?:still )?(?:want|wish) "
        rf"to {_EN_GO}{_OBJ_OK}",
        r"\b(?:maybe|perhaps|probably)\s+(?:i (?:should|will|need to|ought to|could|might)|"
        r"it(?:'s| is| would be) (?:best|better) (?:if i|to)) (?:just )?(?:stop|withdraw|pull out|drop out|"
        rf"give up|not go ahead|not continue|not carry on|leave it){_OBJ_OK}",
        rf"\bi (?:might|may|could) (?:need to |have to |want to )?(?:withdraw|pull out|drop out|stop|give up)"
        rf"{_OBJ_OK}",
        r"\bi am (?:thinking|considering|wondering)\s*(?:about|of|whether to|if i should)?\s*(?:withdrawing|"
        rf"pulling out|dropping out|stopping|giving up|withdraw|stop|pull out|not going ahead){_OBJ_OK}",
        r"\bsecond thoughts\b(?!\s*(?:about|on) (?:the|my) (?!process|referral|whole))",
        r"\b(?:this|it|rj|restorative justice) (?:is not|is no longer) (?:really )?for me\b",
        r"\bi do not think i (?:can|want to|could) (?:go through with|do|continue|carry on|go ahead)"
        r" (?:this|it|with this|with it)\b",
        rf"\bi think i (?:want|need|should|would like) to (?:withdraw|stop|pull out|give up){_OBJ_OK}",
        rf"\bi (?:can not|cannot) (?:do this|cope with this|go on|carry on|continue){_OBJ_OK}",
        r"\bnot sure (?:about|i want) (?:this|it|any of this|all (?:of )?this)\b",
    ),
    third=_rx(
        r"\b(?:she|he|they|we|my (?:husband|wife|partner|son|daughter|mum|mother|mom|dad|father|brother|siste"
        r"r|"
        r"child|client|friend|grandson|granddaughter|nan|gran|grandma|grandad|aunt|uncle|niece|nephew)) "
        r"(?:has |have |had |now |really |also )*(?:changed (?:her|his|their|our) minds?"
        r"(?!\s*(?:about|on|over|regarding)\s+(?!(?:this|it|all|rj|restorative|the whole|taking part|going "
        r"ahead|doing this)))|(?:does|do|did) not (?:want|wish)(?: to)? (?:this|it|rj|restorative justice|"
        rf"any (?:more |further )?contact|to be contacted|{_EN_GO}){_OBJ_OK}|no longer (?:wants?|wishes?|want"
        r"|wish)"
        r"|decided (?:not to|to withdraw|to pull out|against)|wants? to (?:withdraw|pull out|stop|drop out)"
        rf"{_OBJ_OK}"
        r"|would (?:like to withdraw|rather not)|(?:is|are) no longer interested|will not be taking part)",
        r"\b\w+ has changed (?:her|his|their) mind(?!\s*(?:about|on|over))",
    ),
    negation=_rx(
        r"\b(?:do not|not|never|no need to|will not|have not|has not|did not|is not|am not)\s+(?:\w+\s+){0,3}"
        r"?"
        r"(?:withdraw|withdrawing|stop|stopping|cancel|close|give up|giving up|pull out|pulling out|"
        r"changed? my mind|drop out|quit)\b",
    ),
    still=_rx(
        r"\bstill (?:want|wish|like|keen|interested|happy|hoping|would like)\b",
        r"\b(?:want|wish|would like|am happy|am keen|am ready) to (?:go ahead|carry on|continue|take part|mee"
        r"t|"
        r"keep going|do this|see this through|talk|speak|have a call)\b",
        r"\bi want to meet\b",
        r"\b(?:would like|want|need) (?:a |the )?(?:phone )?call\b",
        r"\bi (?:feel|think|know) i should\b",
        r"\bignore (?:that|my last|what i said)\b|\bi did not mean (?:it|that)\b",
        r"\b(?:contact|call|email|ring|write to) me (?:again )?(?:in|after|next)\b|\bget back to me\b",
    ),
    qualifier=_rx(
        r"\b(?:at|to|from) (?:my |the )?(?:work|office|home|school)\b",
        r"\b(?:at|on|to) (?:this|that|my old|the old|my work|my home|my new) (?:address|number|email|phone)\b"
        r"",
        r"\bon (?:my |the )?(?:mobile|landline|work|home|old|facebook|whatsapp|instagram|social media)\b",
        r"\bon (?:a |the )?(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekdays?\b|\bweekends?\b",
        r"\b(?:before|after|between)\b|\bfrom \d",
        r"\b(?:mornings?|afternoons?|evenings?|nights?|lunchtime|daytime|office hours)\b",
        r"\b(?:instead|only|prefer|rather|better|without|unless|except|apart from|other than|through|via)\b",
        r"\bby (?!you\b|your\b|the (?:service|hub|team)\b|anyone|anybody)|\bfor (?!any reason|good|ever|anyth"
        r"ing)|\babout (?!this\b|it\b|rj\b|restorative|the process|any of|all of)",
        r"\b(?:phone )?calls\b|\btexts\b|\bmessages\b|\baddress\b|\bhouse\b|\bnumber\b|\d",
        r"\b(?:today|tonight|tomorrow|this week|this month)\b",
        r"\bby (?:post|letter|phone|text|email|e-mail)\b|\b(?:voicemail|landline|mobile|post|letters|sms)\b",
    ),
    pause=_rx(
        r"\b(?:for now|for the time being|for a while|for a bit|until|till|at the moment|right now|"
        r"for (?:a few|some|two|three|\d+) (?:days|weeks|months))\b",
    ),
    alternative=_rx(
        r"\b(?:instead|is fine|are fine|is ok|are ok|is okay|works better|is better|are better|is best|prefer"
        r"|"
        r"only email|email only|email me|text me|call me|ring me|call (?:after|before|between|on|in)|use my|y"
        r"ou can (?:email|text|call|write)|"
        r"emails? (?:is|are) (?:fine|ok|okay|best|enough|better))\b",
        r"\b(?:email|e-mail|text|post|letter|call|phone|mobile|landline)s? (?:is|are) (?:safer|better|best|fi"
        r"ne|ok|"
        r"okay|easier|good)\b|\b(?:text|email|message) (?:me )?first\b",
    ),
    question=_rx(
        r"\?\s*$",
    ),
    hedged_off=_rx(
        r"\b(?:if|in case|unless|whether|what if|once)\b",
        r"\b(?:told|tell|tells|telling|asked|asks|ask|texted|wrote to|said to|shouted at|yelled at|screamed a"
        r"t)"
        r" (?:him|her|them|me|my \w+|the \w+|his \w+|people|everyone|someone)\b",
        r"\b(?:he|she|they|people|everyone|someone|my \w+|the \w+)\s+(?:keeps?\s+|kept\s+)?(?:said|says|sayin"
        r"g|"
        r"told|tells|telling|wrote|writes|texted|texts|wants|want|wanted|asked|expects?|shouted|"
        r"shouts|yelled|screamed|screams)\b",
    ),
    bare=_rx(
        r"^\W*(?:please\W+)?(?:stop|withdraw|unsubscribe|opt out|remove me)[^\w?]*(?:please|now|thanks|thank "
        r"you)?"
        r"[^\w?]*$",
    ),
    behalf=_rx(
        r"\bon (?:her|his|their) behalf\b|\bon behalf of\b|\bwriting for my\b",
        r"\b(?:she|he|they) (?:has |have )?(?:asked|wants|wanted) me to (?:tell|let you know|write|say|email)"
        r"\b",
    ),
)
