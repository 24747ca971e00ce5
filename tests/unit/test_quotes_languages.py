"""Quoted history is cut in the languages people reply in, so their choice is read, not the quote."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from rjmail.core.choice import interpret_choice
from rjmail.core.quotes import strip_quoted, without_quotes
from rjmail.core.slots import Slot

LONDON = ZoneInfo("Europe/London")
OFFERED = [
    Slot(datetime(2026, 12, d, 18, tzinfo=UTC), datetime(2026, 12, d, 18, 30, tzinfo=UTC)) for d in (8, 9, 10)
]


@pytest.mark.parametrize(
    ("reply", "own"),
    [
        (
            "Numer 2 mi pasuje.\n\nMarta\n\nW dniu 6.12.2026 o 18:49, Norfolk RJ Hub pisze:\n> 1. wtorek\n",
            "Numer 2 mi pasuje.\n\nMarta",
        ),  # Thunderbird, Polish
        (
            "Numer 2 mi pasuje.\n\nniedz., 6 gru 2026 o 18:49 Norfolk RJ Hub <rj-norfolk@example.org>\n"
            "napisał(a):\n\n> 1. wtorek\n",
            "Numer 2 mi pasuje.",
        ),  # Gmail, Polish
        (
            "Antrasis tinka.\n\n2026 m. gruodžio 6 d., 18:49, Norfolk RJ Hub <rj-norfolk@example.org> rašė:\n"
            "> 1. antradienis\n",
            "Antrasis tinka.",
        ),  # Gmail, Lithuanian
        (
            "Antrasis tinka.\n\n________________________________\nSiuntėjas: Norfolk RJ Hub "
            "<rj-norfolk@example.org>\nIšsiųsta: 2026 m. gruodžio 6 d. 18:49\nKam: Ona <ona@example.net>\n"
            "Tema: [RJ-NOR-2026-0001]\n\n1. antradienis\n",
            "Antrasis tinka.",
        ),  # Outlook, Lithuanian
    ],
)
def test_reply_headers_in_polish_and_lithuanian_end_the_persons_own_words(reply, own):
    """Thunderbird, Gmail and Outlook attribution lines in Polish and Lithuanian are history."""
    assert strip_quoted(reply) == own


def test_a_polish_choice_under_a_thunderbird_quote_books_the_second_time():
    """ "Numer 2 mi pasuje" with a Polish Thunderbird quote below is a choice of slot 2, not unclear."""
    text = strip_quoted(
        "Numer 2 mi pasuje. Dziękuję!\n\nW dniu 6.12.2026 o 18:49, Norfolk RJ Hub pisze:\n"
        "> 1. wtorek, 8 grudnia, godz. 18:00\n> 2. środa\n"
    )
    choice = interpret_choice(text, OFFERED, LONDON)
    assert (choice.kind, choice.number) == ("slot", 2)


def test_the_persons_own_sentence_ending_in_wrote_is_kept():
    """Only an attribution line ends the reply: "he wrote: nothing" in the middle of a line stays."""
    text = "I was attacked on 3 May at 18:49 and he wrote: nothing kind."
    assert strip_quoted(text) == text


def test_without_quotes_drops_quoted_lines_and_the_attribution_but_keeps_a_bottom_posters_words() -> None:
    """The attribution's date ("On Mon, 27 Apr 2026 at 10:00") is not the writer's call time."""
    text = (
        "2 please\n\nOn Mon, 27 Apr 2026 at 10:00, Norfolk RJ Hub <rj-norfolk@example.org> wrote:\n"
        "> We can call you at one of these times:\n> 1. Tuesday 28 April, 10:00\n\nEvenings are best.\n"
    )
    kept = without_quotes(text)
    assert "2 please" in kept and "Evenings are best." in kept
    assert "Mon, 27 Apr" not in kept and "Tuesday 28 April" not in kept and "wrote:" not in kept
