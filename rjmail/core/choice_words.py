"""Slot-choice replies in the community languages, rewritten into the English words choice.py reads.

Only words with one meaning in a choice reply are rewritten ("numer 2" -> "number 2", "antrasis" ->
"second", "a doua" -> "second", "opção 2" -> "option 2"). A word that could mean two things stays as
it is, so the reply reads as unclear and the person is asked again: Portuguese "segunda" alone is
both "second" and "Monday", so only "a segunda", "o segundo" and "segunda opção" mean second and
"segunda-feira" means Monday. Input is already lower-case.
"""

from __future__ import annotations

import re

_R = r"(?<![\w])"  # word start that also works before non-ASCII letters
_E = r"(?![\w])"

_WORDS: tuple[tuple[str, str], ...] = (
    # Portuguese weekdays before the ordinals: "segunda-feira" is Monday.
    (r"segunda[- ]feira", "monday"),
    (r"ter[cç]a(?:[- ]feira)?", "tuesday"),
    (r"quarta[- ]feira", "wednesday"),
    (r"quinta[- ]feira", "thursday"),
    (r"sexta(?:[- ]feira)?", "friday"),
    # "Later" and "evening" ask for other times; before "tarde" and "po" below.
    (r"mais tarde|p[oó][zź]niej|mai t[aâ]rziu|v[eė]liau", "later times"),
    (r"wieczor(?:em)?|vakare|vakarais|seara|(?:[aà] )?noite", "evening"),
    # Afternoon before "po" / "după" (after).
    (r"po po[lł]udniu", "afternoon"),
    (r"po piet[uų]", "afternoon"),
    (r"dup[aă][- ]amiaz[aă]", "afternoon"),
    (r"(?:à|a) tarde|tarde", "afternoon"),
    (r"rano|ryte|diminea[tț]a|(?:de |pela )?manh[aã]", "morning"),
    # Option numbers.
    (r"numer(?:ze|u)?|nr\.?|numeris|numer[iį]|numeriu|num[aă]rul|num[aă]r|n[uú]mero|n\.?º", "number"),
    (r"opcj[aęi]|opcja|variant[aąu]s?|variant[aą]|op[tț]iunea|op[tț]iune|op[cç][aã]o|op[cç][oõ]es", "option"),
    # Ordinals (Polish, Lithuanian, Romanian, Portuguese).
    (r"pierwsz[yaeą]|pirm(?:as|asis|ą|ąjį|oji|ąją)|prim(?:a|ul)|(?:a|o) primeir[ao]|primeir[ao]", "first"),
    (
        r"drug(?:i|a|ie|ą)|antr(?:as|asis|ą|ąjį|oji|ąją)|a doua|al doilea|(?:a|o) segund[ao]|"
        r"segund[ao] op[cç][aã]o",
        "second",
    ),
    (
        r"trzec(?:i|ia|ie|ią)|treč(?:ias|iasis|ią|iąjį|ioji|iąją)|a treia|al treilea|"
        r"(?:a|o) terceir[ao]|terceir[ao]",
        "third",
    ),
    (r"dw[oó]jk[aęi]", "two"),
    (r"tr[oó]jk[aęi]", "three"),
    # Weekdays.
    (r"poniedzia[lł]ek|pirmadien[iį]s?|luni", "monday"),
    (r"wtor(?:ek|ku)|antradien[iį]s?|mar[tț]i", "tuesday"),
    (r"[sś]rod[aęy]|tre[cč]iadien[iį]s?|miercuri", "wednesday"),
    (r"czwart(?:ek|ku)|ketvirtadien[iį]s?|joi", "thursday"),
    (r"pi[aą]t(?:ek|ku)|penktadien[iį]s?|vineri", "friday"),
    # None, negation, "but", "or", "after", sign-offs.
    (
        r"[zż]aden|[zż]adn[aey]|[zż]adnego|n[eė]i? vien(?:as|a|o)|niciun(?:a|ul)?|nici una|nenhu(?:m|ma)",
        "none",
    ),
    # Lithuanian negates with a prefix; a bare "ne" is also a Romanian pronoun ("ne convine").
    (r"nie|ne(?:tinka|galiu|gal[eė]siu|patogu|noriu)|nu|n[aã]o", "not"),
    (r"ale|bet|dar|mas", "but"),
    (r"lub|albo|arba|sau|ou", "or"),
    (r"po|dup[aă]|depois d[ao]s?", "after"),
    (r"przed|prie[sš]|[iî]nainte de|antes d[ao]s?", "before"),
    (
        r"pozdrawiam|z powa[zż]aniem|pagarbiai|linkėjimai|cu stim[aă]|cu drag|atenciosamente|"
        r"cumprimentos|obrigad[oa]",
        "regards",
    ),
)
_PATTERNS = tuple((re.compile(_R + f"(?:{p})" + _E), english) for p, english in _WORDS)
_HOUR_H = re.compile(r"(?<![\w:])(\d{1,2})\s?h(?:(\d\d))?(?![\w])")  # "17h", "17h30" (Portuguese)


def english_choice_words(text: str) -> str:
    """`text` (lower-case) with community-language choice words replaced by English ones."""
    text = _HOUR_H.sub(lambda m: f"{m[1]}:{m[2] or '00'}", text)
    for pattern, english in _PATTERNS:
        text = pattern.sub(english, text)
    return text
