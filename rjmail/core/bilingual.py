"""Letters in the person's language first, then English (SPEC section 3, "The person's language").

Pure: the caller passes the two sets of template environments (one with the person's catalogue
installed, one English). Each part is marked with its language: HTML parts sit in <div lang=…>,
plain text has a separator line, and the message says "Content-Language: pl, en". Subjects are
rendered once, in English: they are neutral (hub name and reference) in every language.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jinja2 import Template
from markupsafe import Markup

from rjmail.core.locale_words import locale_words
from rjmail.core.render import RenderedLetter, Templates, render_letter
from rjmail.core.slots import MONTHS, WEEKDAYS  # the English words slot_text writes
from rjmail.core.timewords import DAYS


def N_(message: str) -> str:  # noqa: N802 - the gettext convention that extraction tools look for
    """Mark a message for the catalogue without translating it here."""
    return message


WHEN = N_("%(weekday)s %(day)s %(month)s at %(time)s")
EVERY_DAY = N_("every day")
OR = N_("or")
#: What this module translates itself, beside the messages the templates mark.
CODE_MESSAGES = (WHEN, EVERY_DAY, OR)
SEPARATOR = "=" * 40
#: "Tuesday 8 December at 10:30am" as written by rjmail.core.slots.slot_text.
_SLOT_TEXT = re.compile(
    r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) (?P<day>\d{1,2}) "
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|"
    r"December) at (?P<hour>\d{1,2})(?::(?P<minute>\d\d))?(?P<half>am|pm)"
)


def language_name(code: str) -> str:
    """English name of a language code ("pl" -> "Polish"), for advisors."""
    try:
        return locale_words(code).name
    except ValueError:
        return code


def localise_when(text: str, lang: str, gettext: Callable[[str], str]) -> str:
    """A slot time in the person's language and a 24-hour clock; unknown wording is left as it is."""
    match = _SLOT_TEXT.fullmatch(text.strip())
    if match is None:
        return text
    words = locale_words(lang)
    hour = int(match["hour"]) % 12 + (12 if match["half"] == "pm" else 0)
    return gettext(WHEN) % {
        "weekday": words.days[WEEKDAYS.index(match["weekday"])],
        "day": match["day"],
        "month": words.months[MONTHS.index(match["month"])],
        "time": f"{hour:02d}:{match['minute'] or '00'}",
    }


def localise_wish(windows: Sequence[Mapping[str, Any]], lang: str, gettext: Callable[[str], str]) -> str:
    """The person's call windows in their language, never English words in their part: day names
    from the locale and a 24-hour clock ("poniedziałek–piątek, 18:00–21:00")."""
    names = locale_words(lang).days
    parts = []
    for window in windows:
        days = sorted(DAYS.index(d) for d in window["days"])
        if len(days) == len(DAYS):
            said = gettext(EVERY_DAY)
        elif len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
            said = f"{names[days[0]]}–{names[days[-1]]}"
        else:
            said = ", ".join(names[d] for d in days)
        parts.append(f"{said}, {window['from']}–{window['to']}")
    return f" {gettext(OR)} ".join(parts)


def localised_context(context: Mapping[str, Any], lang: str, gettext: Callable[[str], str]) -> dict[str, Any]:
    """The context with slot times and call wishes in the person's language; other values are
    left alone."""
    ctx = dict(context)
    wish = ctx.get("wish_windows")
    if ctx.get("wish_text") and isinstance(wish, list) and wish:
        ctx["wish_text"] = localise_wish(wish, lang, gettext)
    if isinstance(ctx.get("slot_text"), str):
        ctx["slot_text"] = localise_when(ctx["slot_text"], lang, gettext)
    slots = ctx.get("slots")
    if isinstance(slots, list):
        ctx["slots"] = [
            {**slot, "text": localise_when(str(slot.get("text", "")), lang, gettext)}
            if isinstance(slot, Mapping)
            else slot
            for slot in slots
        ]
    return ctx


def _content(template: Template, context: Mapping[str, Any]) -> str:
    """The letter's own content block (no <html> shell), so two languages fit in one document."""
    block = template.blocks.get("content")
    if block is None:  # a hub override without the shared layout: keep its document whole
        return template.render(context)
    return "".join(block(template.new_context(dict(context))))


def render_bilingual(
    first: Templates, english: Templates, kind: str, context: Mapping[str, Any]
) -> RenderedLetter:
    """The letter in `first.lang`, then in English, as one plain-text and one HTML part."""
    catalogue = first.translations or gettext.NullTranslations()
    local = localised_context(context, first.lang, catalogue.gettext)
    plain = render_letter(english, kind, context)
    first_text = first.text.get_template(f"{kind}.txt.j2").render(local)
    text = f"{first_text.rstrip()}\n\n{SEPARATOR}\nEnglish\n{SEPARATOR}\n\n{plain.text}"
    first_html = _content(first.html.get_template(f"{kind}.html.j2"), local)
    english_html = _content(english.html.get_template(f"{kind}.html.j2"), context)
    html = english.html.get_template("_bilingual.html.j2").render(
        {
            **context,
            "first_lang": first.lang,
            "first_part": Markup(first_html),  # noqa: S704
            "english_part": Markup(english_html),  # noqa: S704 - rendered by autoescaping templates
        }
    )
    return RenderedLetter(subject=plain.subject, text=text, html=html, languages=(first.lang, "en"))
