"""Slot choice in the community languages: the same precision rules as English replies."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from rjmail.core.choice import Choice, interpret_choice
from rjmail.core.slots import Slot

LONDON = ZoneInfo("Europe/London")
OFFERED = (
    Slot.starting(datetime(2026, 12, 8, 10, 30, tzinfo=UTC), 30),  # 1: Tuesday morning
    Slot.starting(datetime(2026, 12, 9, 14, 0, tzinfo=UTC), 30),  # 2: Wednesday afternoon
    Slot.starting(datetime(2026, 12, 10, 9, 30, tzinfo=UTC), 30),  # 3: Thursday morning
)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("numer 2", Choice("slot", 2)),
        ("Numer 2 mi pasuje", Choice("slot", 2)),
        ("Numer 2 mi pasuje.\n\nPozdrawiam\nAnna", Choice("slot", 2)),
        ("Trzeci termin", Choice("slot", 3)),
        ("Nie mogę w środę, ale czwartek pasuje", Choice("slot", 3)),
        ("Wtorek rano", Choice("slot", 1)),
        ("antrasis", Choice("slot", 2)),
        ("Antrasis variantas tinka", Choice("slot", 2)),
        ("a doua", Choice("slot", 2)),
        ("A doua variantă îmi convine, mulțumesc", Choice("slot", 2)),
        ("Numărul 2 ne convine", Choice("slot", 2)),  # "ne" is a Romanian pronoun here, not "no"
        ("a segunda", Choice("slot", 2)),
        ("opção 2", Choice("slot", 2)),
        ("A opção 2, obrigada", Choice("slot", 2)),
    ],
)
def test_a_choice_in_the_persons_language_books_that_slot(reply: str, expected: Choice) -> None:
    assert interpret_choice(reply, OFFERED, LONDON) == expected


@pytest.mark.parametrize(
    "reply",
    [
        "żaden z tych terminów mi nie pasuje… Proszę dzwonić po 17:00",
        "Pode ser mais tarde?",
        "Nenhuma serve, pode ser depois das 17h?",
        "Wolę wieczorem",
    ],
)
def test_asking_for_other_times_in_the_persons_language_books_nothing(reply: str) -> None:
    assert interpret_choice(reply, OFFERED, LONDON) == Choice("other_times")


@pytest.mark.parametrize("reply", ["Nė vienas netinka", "Niciuna nu îmi convine", "Żaden"])
def test_none_of_them_in_the_persons_language_is_none(reply: str) -> None:
    assert interpret_choice(reply, OFFERED, LONDON) == Choice("none")


@pytest.mark.parametrize("reply", ["segunda", "Tak", "Dziękuję"])
def test_words_with_two_meanings_or_none_are_unclear_not_a_guess(reply: str) -> None:
    # Portuguese "segunda" is both "second" and "Monday": ask again rather than book.
    assert interpret_choice(reply, OFFERED, LONDON).kind == "unclear"
