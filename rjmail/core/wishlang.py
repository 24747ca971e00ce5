"""Contact-wish wording in the community languages, rewritten into the English words rjmail reads.

One grammar (rjmail.core.timewords, rjmail.core.wishwords) then serves every language, and each
phrase here is a plain, reviewable pair: what people write -> what it means in English. Accents are
optional (people often type without them). Positions map back, so `call_times` keeps the person's
own words. Only whole phrases are rewritten; anything else stays as it was (and is not understood,
which leaves a field empty rather than wrong).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

_LOOSE = {
    "ą": "ąa",
    "ć": "ćc",
    "ę": "ęe",
    "ł": "łl",
    "ń": "ńn",
    "ó": "óo",
    "ś": "śs",
    "ź": "źzż",
    "ż": "żzź",
    "š": "šs",
    "ė": "ėe",
    "ų": "ųu",
    "ū": "ūu",
    "į": "įi",
    "č": "čc",
    "ž": "žz",
    "ă": "ăa",
    "â": "âa",
    "î": "îi",
    "ș": "șşs",
    "ț": "țţt",
    "ã": "ãa",
    "á": "áa",
    "à": "àa",
    "é": "ée",
    "ê": "êe",
    "í": "íi",
    "ô": "ôo",
    "õ": "õo",
    "ú": "úu",
    "ç": "çc",
}


def _loose(pattern: str) -> str:
    return "".join(f"[{_LOOSE[c]}]" if c in _LOOSE else c for c in pattern)


_CALL_ME, _NO_CALL = "please call me", "please do not call me"
_EMAIL_ONLY, _NO_VM, _NO_TEXT = "email only", "do not leave a voicemail", "do not text"

_PL_DAYS = [
    (r"poniedziałk(?:i|u)|poniedziałek", "mondays"),
    (r"wtork(?:i|u)|wtorek", "tuesdays"),
    (r"środ(?:y|ę|a|zie)", "wednesdays"),
    (r"czwartk(?:i|u)|czwartek", "thursdays"),
    (r"piątk(?:i|u)|piątek", "fridays"),
    (r"sobot(?:y|ę|a|ie)", "saturdays"),
    (r"niedziel(?:e|ę|a|i)", "sundays"),
]
_PL_DAY = "(?:" + "|".join(p for p, _ in _PL_DAYS) + ")"
_PL = [
    (r"proszę\s+nie\s+dzwonić|nie\s+dzwońcie(?:\s+do\s+mnie)?|nie\s+dzwonić", _NO_CALL),
    (
        r"proszę\s+(?:do\s+mnie\s+)?(?:o\s+)?(?:zadzwonić|dzwonić|kontakt\s+telefoniczny|telefon)(?:\s+do\s+mnie)?|"
        r"zadzwońcie(?:\s+do\s+mnie)?|(?:możecie|możesz|może\s+pani?)\s+(?:do\s+mnie\s+)?zadzwonić|"
        r"chciał(?:a|)bym\s+(?:porozmawiać\s+(?:przez\s+telefon|telefonicznie)|rozmowę\s+telefoniczną)",
        _CALL_ME,
    ),
    (r"(?:tylko|wyłącznie)\s+(?:e-?mail(?:owo)?|mailowo|przez\s+e-?mail|drogą\s+mailową)", _EMAIL_ONLY),
    (r"nie\s+zostawiać\s+(?:żadnych\s+)?wiadomości(?:\s+głosowych)?|bez\s+poczty\s+głosowej", _NO_VM),
    (r"nie\s+(?:wysyłać\s+)?(?:smsów|smsa|sms)|bez\s+smsów", _NO_TEXT),
    (r"(?:on|ona|mąż|żona|partner(?:ka)?)\s+sprawdza\s+mój\s+telefon", "he checks my phone"),
    (r"po\s+południu", "in the afternoon"),
    (r"przed\s+południem|rano", "in the morning"),
    (r"wieczorem|wieczorami", "in the evening"),
    (r"w\s+ciągu\s+dnia", "during the day"),
    (r"w\s+weekendy?", "at weekends"),
    (r"w\s+(?:dni\s+robocze|dni\s+powszednie|tygodniu)|od\s+poniedziałku\s+do\s+piątku", "on weekdays"),
    (rf"nie\s+w\s+(?={_PL_DAY})", "not on "),
    (rf"w\s+(?={_PL_DAY})", "on "),
    (r"po\s+(?:godz(?:\.|inie)?\s*)?(?=\d)", "after "),
    (r"przed\s+(?:godz(?:\.|iną)?\s*)?(?=\d)", "before "),
    (r"między\s+(?:godz(?:\.|iną)?\s*)?(?=\d)", "between "),
    (r"od\s+(?:godz(?:\.|iny)?\s*)?(?=\d)", "from "),
    (r"do\s+(?:godz(?:\.|iny)?\s*)?(?=\d)", "until "),
    (r"(?<=\d)\s+(?:a|i)\s+(?=\d)", " and "),
    (r"pracuję", "I work"),
    (r"nie\s+mogę", "is not possible"),
    (r"najlepiej|najlepsz(?:e|y)", "best"),
    (r"pasuje|pasują", "suits"),
    (r"zadzwonić|dzwonić", "call"),
    *_PL_DAYS,
]

_LT_DAYS = [
    (r"pirmadien\w*", "mondays"),
    (r"antradien\w*", "tuesdays"),
    (r"trečiadien\w*", "wednesdays"),
    (r"ketvirtadien\w*", "thursdays"),
    (r"penktadien\w*", "fridays"),
    (r"šeštadien\w*", "saturdays"),
    (r"sekmadien\w*", "sundays"),
]
_LT_DAY = "(?:" + "|".join(p for p, _ in _LT_DAYS) + ")"
_LT = [
    (r"(?:prašau\s+)?ne(?:skambinkite|skambinti)(?:\s+man)?", _NO_CALL),
    (
        r"(?:prašau\s+)?(?:paskambinkite|paskambinti)(?:\s+man)?|(?:galite|galėtumėte)\s+(?:man\s+)?"
        r"paskambinti|norėčiau\s+(?:pasikalbėti\s+telefonu|skambučio)",
        _CALL_ME,
    ),
    (r"tik\s+(?:el\.\s*paštu|e-?paštu|e-?mailu)", _EMAIL_ONLY),
    (r"nepalikite\s+(?:balso\s+)?(?:žinutės|žinučių|pranešimo|pranešimų)", _NO_VM),
    (r"nesiųskite\s+(?:sms|žinučių|žinutės)", _NO_TEXT),
    (r"po\s+pietų", "in the afternoon"),
    (r"ryte|rytais|iš\s+ryto", "in the morning"),
    (r"vakare|vakarais", "in the evening"),
    (r"dienos\s+metu", "during the day"),
    (r"savaitgaliais|savaitgalį", "at weekends"),
    (r"darbo\s+dienomis|šiokiadieniais", "on weekdays"),
    (rf"ne\s+(?={_LT_DAY})", "not on "),
    (rf"išskyrus\s+(?={_LT_DAY})", "except "),
    (r"po\s+(?=\d)", "after "),
    (r"prieš\s+(?=\d)", "before "),
    (r"nuo\s+(?=\d)", "from "),
    (r"iki\s+(?=\d)", "until "),
    (r"(?<=\d)\s*val\b\.?", "h"),
    (r"dirbu", "I work"),
    (r"negaliu", "is not possible"),
    (r"geriausia|geriausiai", "best"),
    (r"tinka", "suits"),
    (r"skambinti|skambinkite", "call"),
    *_LT_DAYS,
]

_RO_DAYS = [
    (r"lunea|lunia", "mondays"),
    (r"marțea|marți", "tuesdays"),
    (r"miercurea|miercuri", "wednesdays"),
    (r"joia|joi", "thursdays"),
    (r"vinerea|vineri", "fridays"),
    (r"sâmbăta|sâmbătă", "saturdays"),
    (r"duminica|duminică", "sundays"),
]
_RO_DAY = "(?:" + "|".join(p for p, _ in _RO_DAYS) + ")"
_RO = [
    (r"(?:vă\s+rog\s+(?:să\s+)?)?nu\s+(?:mă\s+)?sunați", _NO_CALL),
    (
        r"(?:vă\s+rog\s+(?:să\s+)?)mă\s+sunați|sunați-mă|(?:puteți|ați\s+putea)\s+(?:să\s+)?mă\s+suna(?:ți)?|"
        r"aș\s+(?:dori|vrea)\s+(?:un\s+(?:telefon|apel)|să\s+(?:vorbesc|discut)\s+(?:la|prin)\s+telefon|"
        r"să\s+fiu\s+sunat(?:ă)?)",
        _CALL_ME,
    ),
    (r"(?:doar|numai)\s+(?:pe|prin)\s+e-?mail", _EMAIL_ONLY),
    (r"nu\s+lăsați\s+(?:niciun\s+)?mesaj(?:e)?(?:\s+vocal(?:e)?)?|fără\s+mesaje\s+vocale", _NO_VM),
    (r"nu\s+trimiteți\s+(?:sms|mesaje\s+text)", _NO_TEXT),
    (r"după[\s-]amiaz(?:a|ă)|după[\s-]masa", "in the afternoon"),
    (r"dimineața", "in the morning"),
    (r"seara|serile", "in the evening"),
    (r"în\s+timpul\s+zilei", "during the day"),
    (r"în\s+weekend(?:uri)?|la\s+sfârșit\s+de\s+săptămână", "at weekends"),
    (r"în\s+timpul\s+săptămânii|în\s+zilele\s+lucrătoare|de\s+luni\s+până\s+vineri", "on weekdays"),
    (rf"nu\s+(?:și\s+)?(?:în\s+zilele\s+de\s+|în\s+|pe\s+)?(?={_RO_DAY})", "not on "),
    (rf"(?:cu\s+)?excepția\s+(?:zilei\s+de\s+)?(?={_RO_DAY})", "except "),
    (r"după\s+(?:ora\s+)?(?=\d)", "after "),
    (r"înainte\s+de\s+(?:ora\s+)?(?=\d)", "before "),
    (r"între\s+(?:orele\s+)?(?=\d)", "between "),
    (r"(?<=\d)\s+și\s+(?=\d)", " and "),
    (r"de\s+la\s+(?:ora\s+)?(?=\d)", "from "),
    (r"până\s+la\s+(?:ora\s+)?(?=\d)", "until "),
    (r"lucrez", "I work"),
    (r"nu\s+pot", "is not possible"),
    (r"cel\s+mai\s+bine", "best"),
    (r"îmi\s+convine|convine", "suits"),
    (r"sunați|suna", "call"),
    *_RO_DAYS,
]

_PT_DAYS = [
    (r"segundas?-feiras?|segundas", "mondays"),
    (r"terças?-feiras?|terças", "tuesdays"),
    (r"quartas?-feiras?|quartas", "wednesdays"),
    (r"quintas?-feiras?|quintas", "thursdays"),
    (r"sextas?-feiras?|sextas", "fridays"),
    (r"sábados?", "saturdays"),
    (r"domingos?", "sundays"),
]
_PT_DAY = "(?:" + "|".join(p for p, _ in _PT_DAYS) + ")"
_PT = [
    (r"(?:por\s+favor,?\s+)?não\s+(?:me\s+)?(?:liguem|ligue|telefonem|telefone)", _NO_CALL),
    (
        r"(?:por\s+favor,?\s+)?(?:liguem-me|ligue-me|liguem\s+para\s+mim|me\s+liguem|me\s+ligue)|"
        r"(?:podem|pode|poderiam|poderia)\s+(?:me\s+)?ligar(?:-me)?(?:\s+para\s+mim)?|"
        r"gostaria\s+de\s+(?:receber\s+)?(?:uma\s+chamada|um\s+telefonema|falar\s+(?:ao|por)\s+telefone)",
        _CALL_ME,
    ),
    (r"(?:só|apenas|somente)\s+(?:por|via)\s+e-?mail", _EMAIL_ONLY),
    (r"não\s+deixem?\s+(?:mensage(?:m|ns)|recados?)(?:\s+de\s+voz)?|sem\s+mensagens\s+de\s+voz", _NO_VM),
    (r"não\s+(?:enviem|mandem|envie|mande)\s+(?:sms|mensage(?:m|ns)\s+de\s+texto)", _NO_TEXT),
    (r"de\s+manhã|pela\s+manhã", "in the morning"),
    (r"à\s+tarde|pela\s+tarde|às\s+tardes", "in the afternoon"),
    (r"à\s+noite|às\s+noites|ao\s+fim\s+do\s+dia|ao\s+final\s+do\s+dia", "in the evening"),
    (r"durante\s+o\s+dia", "during the day"),
    (r"(?:ao|aos|nos?)\s+fins?\s+de\s+semana", "at weekends"),
    (r"durante\s+a\s+semana|(?:nos\s+)?dias\s+úteis|de\s+segunda\s+a\s+sexta", "on weekdays"),
    (rf"(?:exceto|menos|não)\s+(?:(?:às|nas|aos|nos|à|na|ao|no)\s+)?(?={_PT_DAY})", "not on "),
    (rf"(?:às|nas|aos|nos)\s+(?={_PT_DAY})", "on "),
    (r"depois\s+das?\s+(?=\d)|após\s+as?\s+(?=\d)", "after "),
    (r"antes\s+das?\s+(?=\d)", "before "),
    (r"entre\s+as\s+(?=\d)", "between "),
    (r"das\s+(?=\d)", "from "),
    (r"(?<=[\dh])\s+e\s+(?:as\s+)?(?=\d)", " and "),
    (r"(?<=[\dh])\s+às\s+(?=\d)", " to "),
    (r"(?<=\d)h(?=\d\d)", ":"),
    (r"trabalho", "I work"),
    (r"não\s+posso|não\s+dá", "is not possible"),
    (r"melhor", "best"),
    (r"dá\s+jeito|convém", "suits"),
    (r"ligar|liguem|ligue|telefonar", "call"),
    *_PT_DAYS,
]

_TABLES = {"pl": _PL, "lt": _LT, "ro": _RO, "pt": _PT}


@cache
def _compiled(language: str) -> tuple[re.Pattern[str], list[str]]:
    """One language's wish phrases as one pattern, compiled when a letter in it is first read."""
    table = _TABLES[language]
    pattern = "|".join(f"(?P<g{i}>{_loose(p)})" for i, (p, _) in enumerate(table))
    return re.compile(pattern, re.IGNORECASE), [r for _, r in table]


@dataclass(frozen=True)
class Rewritten:
    """English wording of a text plus a map from its positions back to the original's."""

    text: str
    original: str
    anchors: tuple[tuple[int, int, int, int], ...]  # (new start, new end, old start, old end) per change

    def span(self, start: int, end: int) -> str:
        """The person's own words for the rewritten span [start, end)."""
        return " ".join(self.original[self._back(start, True) : self._back(end, False)].split())

    def _back(self, pos: int, is_start: bool) -> int:
        i = bisect_right([a[0] for a in self.anchors], pos) - 1
        if i < 0:
            return pos
        new_start, new_end, old_start, old_end = self.anchors[i]
        if pos >= new_end:
            return old_end + (pos - new_end)
        return old_start if is_start or pos == new_start else old_end


def rewrite(text: str, language: str) -> Rewritten:
    """`text` with the wish phrases of `language` (pl, lt, ro, pt) put into English words."""
    if language not in _TABLES:
        return Rewritten(text, text, ())
    pattern, replacements = _compiled(language)
    out, anchors, last, shift = [], [], 0, 0
    for m in pattern.finditer(text):
        new = replacements[int(str(m.lastgroup)[1:])]
        out.append(text[last : m.start()] + new)
        start = m.start() + shift
        anchors.append((start, start + len(new), m.start(), m.end()))
        shift += len(new) - (m.end() - m.start())
        last = m.end()
    out.append(text[last:])
    return Rewritten("".join(out), text, tuple(anchors))
