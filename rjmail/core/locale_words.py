"""Day, month and language names for the languages rjmail ships letters in.

They are CLDR's words as Babel gives them (format, wide), written out here so that a running rjmail
need not load Babel's locale data: ~2.5 MiB a language, 10 MiB for the four, for 19 words each.
tests/unit/test_locale_words.py holds them equal to Babel's. A language added later (a new
catalogue in translations/) is read from Babel as before.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple


class LocaleWords(NamedTuple):
    name: str  # the language's name in English, for advisors
    days: tuple[str, ...]  # Monday first
    months: tuple[str, ...]  # January first, as written after a day ("8 grudnia")


SHIPPED: dict[str, LocaleWords] = {
    "pl": LocaleWords(
        name="Polish",
        days=("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
        months=(
            "stycznia",
            "lutego",
            "marca",
            "kwietnia",
            "maja",
            "czerwca",
            "lipca",
            "sierpnia",
            "września",
            "października",
            "listopada",
            "grudnia",
        ),
    ),
    "lt": LocaleWords(
        name="Lithuanian",
        days=(
            "pirmadienis",
            "antradienis",
            "trečiadienis",
            "ketvirtadienis",
            "penktadienis",
            "šeštadienis",
            "sekmadienis",
        ),
        months=(
            "sausio",
            "vasario",
            "kovo",
            "balandžio",
            "gegužės",
            "birželio",
            "liepos",
            "rugpjūčio",
            "rugsėjo",
            "spalio",
            "lapkričio",
            "gruodžio",
        ),
    ),
    "ro": LocaleWords(
        name="Romanian",
        days=("luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică"),
        months=(
            "ianuarie",
            "februarie",
            "martie",
            "aprilie",
            "mai",
            "iunie",
            "iulie",
            "august",
            "septembrie",
            "octombrie",
            "noiembrie",
            "decembrie",
        ),
    ),
    "pt": LocaleWords(
        name="Portuguese",
        days=(
            "segunda-feira",
            "terça-feira",
            "quarta-feira",
            "quinta-feira",
            "sexta-feira",
            "sábado",
            "domingo",
        ),
        months=(
            "janeiro",
            "fevereiro",
            "março",
            "abril",
            "maio",
            "junho",
            "julho",
            "agosto",
            "setembro",
            "outubro",
            "novembro",
            "dezembro",
        ),
    ),
}


@cache
def locale_words(lang: str) -> LocaleWords:
    """The words of `lang`: shipped, else from Babel's locale data. ValueError for an unknown code."""
    return SHIPPED[lang] if lang in SHIPPED else babel_words(lang)


def babel_words(lang: str) -> LocaleWords:
    """The words of `lang` read from Babel's locale data (what SHIPPED holds, written out)."""
    from babel import Locale, UnknownLocaleError  # only for a language not shipped

    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, TypeError) as error:
        raise ValueError(lang) from error
    return LocaleWords(
        name=str(locale.get_display_name("en")),
        days=tuple(locale.days["format"]["wide"][i] for i in range(7)),
        months=tuple(locale.months["format"]["wide"][i] for i in range(1, 13)),
    )
