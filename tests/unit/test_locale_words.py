"""The shipped day, month and language names are Babel's (CLDR), without loading Babel at run time."""

from __future__ import annotations

import pytest

from rjmail.core.bilingual import language_name
from rjmail.core.locale_words import SHIPPED, babel_words, locale_words
from rjmail.letters import SHIPPED as SHIPPED_FILES
from tests.support import fresh_python


@pytest.mark.parametrize("lang", sorted(SHIPPED))
def test_shipped_words_are_babels(lang: str) -> None:
    assert SHIPPED[lang] == babel_words(lang)


def test_every_shipped_catalogue_has_its_words_shipped() -> None:
    catalogues = {path.name for path in (SHIPPED_FILES / "translations").iterdir() if path.is_dir()}
    assert catalogues == set(SHIPPED)


def test_a_language_not_shipped_is_read_from_babel() -> None:
    welsh = locale_words("cy")
    assert (welsh.name, welsh.days[0], welsh.months[11]) == ("Welsh", "Dydd Llun", "Rhagfyr")


def test_an_unknown_code_is_no_language() -> None:
    with pytest.raises(ValueError):
        locale_words("xx-nonsense")
    assert language_name("xx-nonsense") == "xx-nonsense"


def test_letters_in_a_shipped_language_load_no_locale_data() -> None:
    """Babel's locale data took ~10 MiB of a run that wrote in the four shipped languages."""
    probe = (
        "import sys\n"
        "from rjmail.core.bilingual import language_name, localise_when, localise_wish\n"
        "for lang in ('pl', 'lt', 'ro', 'pt'):\n"
        "    language_name(lang)\n"
        "    localise_when('Tuesday 8 December at 2pm', lang, str)\n"
        "    localise_wish([{'days': ['mon', 'tue', 'wed'], 'from': '18:00', 'to': '21:00'}], lang, str)\n"
        "import rjmail.translations  # the catalogues' reader imports Babel itself\n"
        "print(sorted(sys.modules['babel.localedata']._cache))\n"
    )
    assert fresh_python(probe) == "[]"
