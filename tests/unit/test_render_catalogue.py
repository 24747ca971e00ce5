"""{% trans %} translated when a template compiles (FixedCatalogue) writes exactly what Jinja's own
i18n extension writes at every render: same letters, same escaping, same loud placeholder errors."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from markupsafe import Markup

from rjmail.core.bilingual import render_bilingual
from rjmail.core.letterkinds import ALL_KINDS, PERSON_LETTERS
from rjmail.core.render import Templates, build_templates, render_letter
from rjmail.settings import SHIPPED
from rjmail.settingsparts import LETTER_LANGUAGES
from rjmail.translations import load_catalogue
from tests.unit.test_render import context

TEMPLATES = SHIPPED / "templates"
# Data that must be escaped in HTML and kept as it is in text.
AWKWARD = {
    "hub": {"code": "NOR", "name": "Norfolk & <Suffolk> RJ Hub", "address": "rj@example.org", "phone": None},
    "greeting_name": "Sam <b>O'Neil</b> & co",
}


def stock(
    templates_dir: Path, translations: gettext.NullTranslations | None = None, lang: str = "en"
) -> Templates:
    """The same environments, with {% trans %} left to Jinja's i18n extension (a gettext call per
    render): FixedCatalogue does that wherever the environment names no catalogue."""
    templates = build_templates(templates_dir, None, translations, lang)
    for env in (templates.text, templates.html):
        del env.rjmail_catalogue  # type: ignore[attr-defined]
    return templates


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("wants_call", [True, False, None])
def test_every_english_letter_is_the_same_as_with_jinjas_own_extension(
    kind: str, wants_call: bool | None
) -> None:
    ctx = context(kind, wants_call=wants_call, **AWKWARD)
    assert render_letter(build_templates(TEMPLATES), kind, ctx) == render_letter(stock(TEMPLATES), kind, ctx)


@pytest.mark.parametrize("lang", sorted(LETTER_LANGUAGES))
@pytest.mark.parametrize("kind", sorted(PERSON_LETTERS))  # advisors' letters are in English only
def test_every_translated_letter_is_the_same_as_with_jinjas_own_extension(lang: str, kind: str) -> None:
    translations = load_catalogue(SHIPPED / "translations", lang).translations
    english = build_templates(TEMPLATES)
    ctx = context(kind, **AWKWARD)
    ours = render_bilingual(build_templates(TEMPLATES, None, translations, lang), english, kind, ctx)
    theirs = render_bilingual(stock(TEMPLATES, translations, lang), stock(TEMPLATES), kind, ctx)
    assert ours == theirs
    assert ours.text.split("\nEnglish\n", 1)[0] != render_letter(english, kind, ctx).text  # translated


class Catalogue(gettext.NullTranslations):
    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages, self.asked, self.plural_asked, self.context_asked = messages, 0, 0, 0

    def gettext(self, message: str) -> str:
        self.asked += 1
        return self.messages.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        self.plural_asked += 1
        return super().ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        self.context_asked += 1
        return super().pgettext(context, message)


def one_template(tmp_path: Path, source: str, messages: dict[str, str]) -> tuple[Templates, Catalogue]:
    (tmp_path / "t.txt.j2").write_text(source, encoding="utf-8")
    (tmp_path / "t.html.j2").write_text(source, encoding="utf-8")
    catalogue = Catalogue(messages)
    return build_templates(tmp_path, None, catalogue, "pl"), catalogue


def test_the_catalogue_is_read_when_the_template_compiles_not_at_each_letter(tmp_path: Path) -> None:
    templates, catalogue = one_template(
        tmp_path,
        "{% trans %}Hello{% endtrans %} {% trans name=who %}Bye {{ name }}{% endtrans %}",
        {"Hello": "Dzień dobry", "Bye %(name)s": "Do widzenia %(name)s"},
    )
    template = templates.html.get_template("t.html.j2")
    asked = catalogue.asked
    for _ in range(5):
        assert template.render(who="<Ola>") == "Dzień dobry Do widzenia &lt;Ola&gt;"
    assert catalogue.asked == asked == 2
    assert templates.text.get_template("t.txt.j2").render(who="<Ola>") == "Dzień dobry Do widzenia <Ola>"


def test_a_translation_is_trusted_markup_and_a_percent_sign_is_written_once(tmp_path: Path) -> None:
    templates, _ = one_template(
        tmp_path,
        "{% trans %}Half{% endtrans %} {% trans n=who %}{{ n }} off{% endtrans %}",
        {"Half": "<em>50%%</em>", "%(n)s off": "%(n)s%% taniej"},
    )
    assert (
        templates.html.get_template("t.html.j2").render(who=Markup("<i>5</i>"))
        == "<em>50%</em> <i>5</i>% taniej"
    )


def test_a_misspelt_placeholder_still_fails_where_the_letter_is_written(tmp_path: Path) -> None:
    templates, _ = one_template(
        tmp_path, "{% trans name=who %}Bye {{ name }}{% endtrans %}", {"Bye %(name)s": "Do widzenia %(imie)s"}
    )
    template = templates.text.get_template("t.txt.j2")  # compiles
    with pytest.raises(KeyError, match="imie"):
        template.render(who="Ola")


def test_plurals_contexts_and_underscore_calls_still_ask_the_catalogue_at_render(tmp_path: Path) -> None:
    source = (
        '{{ _("Hello") }} {% trans "greeting" %}Hi{% endtrans %} '
        "{% trans count=n %}{{ count }} letter{% pluralize %}{{ count }} letters{% endtrans %}"
    )
    templates, catalogue = one_template(tmp_path, source, {"Hello": "Cześć"})
    template = templates.text.get_template("t.txt.j2")
    asked = catalogue.asked
    assert template.render(n=1) == "Cześć Hi 1 letter"
    assert template.render(n=2) == "Cześć Hi 2 letters"
    assert catalogue.asked == asked + 2  # _() each time; the plural and the context by their own calls
    assert catalogue.plural_asked == catalogue.context_asked == 2
