"""Letter catalogues: complete, placeholders kept, review recorded, and the care standard in every
language for every letter to a person (999, how to stop, you are in control, no pressure)."""

from __future__ import annotations

import re
import shutil
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir

from rjmail.core.bilingual import CODE_MESSAGES, SEPARATOR, render_bilingual
from rjmail.core.letterkinds import PERSON_LETTERS
from rjmail.core.render import Envelope, Templates, build_message, build_templates
from rjmail.preview import sample_context
from rjmail.settings import SHIPPED
from rjmail.settingsparts import LETTER_LANGUAGES
from rjmail.translations import Catalogue, catalogue_problems, load_catalogue

TEMPLATES = SHIPPED / "templates"
TRANSLATIONS = SHIPPED / "translations"
EXAMPLE = tomllib.loads((SHIPPED / "rjmail.toml.example").read_text(encoding="utf-8"))
ENABLED = sorted({*LETTER_LANGUAGES, *(c for h in EXAMPLE["hubs"] for c in h.get("languages", []))})

IN_CONTROL = {
    "pl": "To Ty decydujesz.",
    "lt": "Sprendžiate jūs.",
    "ro": "Dumneavoastră decideți.",
    "pt": "A decisão é sua.",
}
STOP = {
    "pl": "wystarczy odpisać na ten e-mail „stop”",
    "lt": "atsakykite į šį laišką žodžiu „stop“",
    "ro": "răspundeți „stop” la acest e-mail",
    "pt": "basta responder “stop” a este email",
}
COME_BACK = {
    "pl": "zawsze możesz do nas wrócić",
    "lt": "visada galite sugrįžti",
    "ro": "puteți reveni oricând",
    "pt": "pode voltar a qualquer momento",
}
PRESSURE = {
    "pl": (
        "musisz",
        "musi pan",
        "musi pani",
        "natychmiast",
        "koniecznie",
        "niezwłocznie",
        "ostateczny termin",
    ),
    "lt": ("privalote", "privalai", "nedelsiant", "skubiai", "būtinai", "galutinis terminas"),
    "ro": ("trebuie să", "imediat", "obligatoriu să", "urgent", "termen limită"),
    "pt": ("tem de", "tem que", "imediatamente", "deve", "urgente", "obrigatório que", "prazo"),
}


def template_msgids() -> list[str]:
    """Every message the templates mark with {% trans %} or _(), plus the slot-time pattern."""
    options = {"**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}}
    found = extract_from_dir(str(TEMPLATES), method_map=[("**.j2", "jinja2")], options_map=options)
    return sorted({str(message) for _file, _line, message, _comments, _context in found} | set(CODE_MESSAGES))


@pytest.fixture(scope="module")
def catalogues() -> dict[str, Catalogue]:
    return {lang: load_catalogue(TRANSLATIONS, lang) for lang in ENABLED}


def test_the_templates_mark_the_letters_for_translation() -> None:
    msgids = template_msgids()
    assert "If you are in danger right now, call 999." in msgids
    assert len(msgids) > 50


@pytest.mark.parametrize("lang", ENABLED)
def test_every_message_of_an_enabled_language_is_translated_with_its_placeholders(
    catalogues: dict[str, Catalogue], lang: str
) -> None:
    assert catalogue_problems(catalogues[lang], template_msgids()) == []


def test_a_lost_placeholder_or_an_untranslated_message_is_caught(tmp_path: Path) -> None:
    folder = tmp_path / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = (TRANSLATIONS / "pl" / "LC_MESSAGES" / "rjmail.po").read_text(encoding="utf-8")
    po = po.replace('msgstr "Twój numer sprawy to %(ref)s.', 'msgstr "Twój numer sprawy to.', 1)
    po = po.replace('msgstr "Kiedy:"', 'msgstr ""', 1)
    po = po.replace('msgstr "Telefon:"', 'msgstr "Phone:"', 1)
    (folder / "rjmail.po").write_text(po, encoding="utf-8")
    problems = catalogue_problems(load_catalogue(tmp_path, "pl"), template_msgids())
    assert len(problems) == 3
    assert any("placeholders" in p for p in problems)


def test_a_missing_catalogue_is_missing_for_every_message(tmp_path: Path) -> None:
    folder = tmp_path / "pt" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(TRANSLATIONS / "pt" / "LC_MESSAGES" / "rjmail.po", folder / "rjmail.po")
    extra = "A sentence nobody has translated yet."
    assert catalogue_problems(load_catalogue(tmp_path, "pt"), [extra]) == [
        f"{folder / 'rjmail.po'}: {extra[:60]!r} is missing"
    ]


@pytest.mark.parametrize("lang", ENABLED)
def test_each_catalogue_records_its_review(catalogues: dict[str, Catalogue], lang: str) -> None:
    catalogue = catalogues[lang]
    if catalogue.review_status == "reviewed":
        assert catalogue.reviewed_by, "a signed-off catalogue names its reviewer"
        date.fromisoformat(catalogue.reviewed_on)
    else:
        assert catalogue.review_status == "awaiting review by a native speaker"


def _context(kind: str, wants_call: bool | None, slots: bool) -> dict[str, Any]:
    ctx = sample_context(kind)
    ctx.update(
        hub={
            "code": "NOR",
            "name": "Norfolk RJ Hub",
            "address": "rj-norfolk@example.org",
            "phone": "01632 960000",
        },
        ref="RJ-NOR-2026-0007",
        wants_call=wants_call,
        slots=ctx["slots"] if slots else [],
        advisor_note="I am sorry this is not the answer you hoped for.",
        services=[{"name": "Victim Care", "description": "Free support.", "contact": "0300 303 3706"}],
    )
    return ctx


VARIANTS = [(True, True), (False, False), (None, True)]
LETTERS = sorted(PERSON_LETTERS)


@pytest.fixture(scope="module")
def environments(catalogues: dict[str, Catalogue]) -> dict[str, Templates]:
    envs = {lang: build_templates(TEMPLATES, None, c.translations, lang) for lang, c in catalogues.items()}
    return {**envs, "en": build_templates(TEMPLATES)}


@pytest.mark.parametrize("lang", ENABLED)
@pytest.mark.parametrize("kind", LETTERS)
def test_every_letter_to_a_person_keeps_the_care_standard_in_their_language(
    environments: dict[str, Templates], lang: str, kind: str
) -> None:
    for wants_call, slots in VARIANTS:
        ctx = _context(kind, wants_call, slots)
        letter = render_bilingual(environments[lang], environments["en"], kind, ctx)
        first, english = letter.text.split(f"\n{SEPARATOR}\nEnglish\n{SEPARATOR}\n", 1)
        assert "999" in first and "999" in english
        if kind == "withdrawal_confirmation":
            assert COME_BACK[lang] in first
        else:
            assert IN_CONTROL[lang] in first and STOP[lang] in first
        for phrase in PRESSURE[lang]:
            assert not re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", first, re.IGNORECASE), phrase
        assert not re.search(r"%\(|\{\{|\{%|Undefined|\bNone\b", letter.text + letter.html)


@pytest.mark.parametrize("lang", ENABLED)
def test_a_bilingual_letter_marks_each_part_and_keeps_a_neutral_subject(
    environments: dict[str, Templates], lang: str
) -> None:
    ctx = _context("acknowledgement", None, True)
    letter = render_bilingual(environments[lang], environments["en"], "acknowledgement", ctx)
    first_html, english_html = letter.html.split('<div lang="en">', 1)
    assert f'<div lang="{lang}">' in first_html and "999" in first_html and "999" in english_html
    assert letter.html.count("<html") == 1
    assert letter.subject == "Norfolk RJ Hub [RJ-NOR-2026-0007]"
    msg = build_message(
        letter,
        Envelope(
            "Norfolk RJ Hub",
            "rj-norfolk@example.org",
            ("p@example.net",),
            "<x@example.org>",
            datetime(2026, 12, 1, tzinfo=UTC),
        ),
    )
    assert msg["Content-Language"] == f"{lang}, en"
    assert letter.text.index("RJ-NOR-2026-0007") < letter.text.index("Thank you for writing to us")


def test_english_letters_stay_english_only(environments: dict[str, Templates]) -> None:
    from rjmail.core.render import render_letter

    letter = render_letter(environments["en"], "acknowledgement", _context("acknowledgement", None, True))
    assert letter.languages == ("en-GB",) and SEPARATOR not in letter.text


WISH_SAID = {
    "pl": "poniedziałek–piątek, 18:00–21:00",
    "lt": "pirmadienis–penktadienis, 18:00–21:00",
    "ro": "luni–vineri, 18:00–21:00",
    "pt": "segunda-feira–sexta-feira, 18:00–21:00",
}


@pytest.mark.parametrize("lang", ENABLED)
def test_a_call_offer_says_the_persons_call_times_back_in_their_language(
    environments: dict[str, Templates], lang: str
) -> None:
    """The wish in the person's part is in their words, not "weekday evenings after 6pm"; the
    English part keeps the English wording."""
    ctx = _context("call_offer", True, True)
    letter = render_bilingual(environments[lang], environments["en"], "call_offer", ctx)
    own, english = letter.text.split(SEPARATOR, 1)
    assert WISH_SAID[lang] in own and "evenings" not in own and "after 6pm" not in own
    assert "weekday evenings after 6pm" in english


def test_call_times_in_another_language_name_every_day_and_join_windows() -> None:
    from rjmail.core.bilingual import localise_wish

    windows = [
        {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "09:00", "to": "12:00"},
        {"days": ["tue", "thu"], "from": "17:00", "to": "21:00"},
    ]
    said = localise_wish(windows, "pl", load_catalogue(TRANSLATIONS, "pl").translations.gettext)
    assert said == "codziennie, 09:00–12:00 lub wtorek, czwartek, 17:00–21:00"
