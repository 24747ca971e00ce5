"""Reading a person's reply to a numbered call offer: a slot, none, other times, or unclear."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rjmail.core.choice import SILENT, Choice, interpret_choice
from rjmail.core.slots import Slot

LONDON = ZoneInfo("Europe/London")
OFFERED = (
    Slot.starting(datetime(2026, 12, 8, 10, 30, tzinfo=UTC), 30),  # 1: Tuesday 8 December at 10:30am
    Slot.starting(datetime(2026, 12, 9, 14, 0, tzinfo=UTC), 30),  # 2: Wednesday 9 December at 2pm
    Slot.starting(datetime(2026, 12, 10, 9, 30, tzinfo=UTC), 30),  # 3: Thursday 10 December at 9:30am
)
TWO_TUESDAYS = (*OFFERED, Slot.starting(datetime(2026, 12, 15, 14, 0, tzinfo=UTC), 30))  # 4: Tue 15th 2pm

NONE = Choice("none")
OTHER = Choice("other_times")
UNCLEAR = Choice("unclear")


def _slot(number: int) -> Choice:
    """The choice of option `number`."""
    return Choice("slot", number)


PHRASINGS = [
    # plain numbers, in every dress
    ("2", _slot(2)),
    ("2.", _slot(2)),
    ("  3  ", _slot(3)),
    ("option 2", _slot(2)),
    ("Option 1 please", _slot(1)),
    ("number 2 please", _slot(2)),
    ("#2", _slot(2)),
    ("No. 3", _slot(3)),
    ("No 2 please", _slot(2)),
    ("2nd", _slot(2)),
    ("the second one", _slot(2)),
    ("I'd like the first one please, thanks", _slot(1)),
    ("three please", _slot(3)),
    ("The last one", _slot(3)),
    ("Yes, 1 is good for me", _slot(1)),
    ("Yes the 2pm one please", _slot(2)),
    # days, dates and times
    ("Tue 10:30", _slot(1)),
    ("the Tuesday one", _slot(1)),
    ("Tuesday at 10.30 works", _slot(1)),
    ("10:30 on the 8th", _slot(1)),
    ("Wednesday 2pm please", _slot(2)),
    ("Wednesday at 2", _slot(2)),
    ("at 2 on wednesday", _slot(2)),
    ("Thursday morning", _slot(3)),
    ("half nine on Thursday is good", _slot(3)),
    ("Tuesday 8 December at 10:30am", _slot(1)),
    ("10 December", _slot(3)),
    ("9th December", _slot(2)),
    ("8/12", _slot(1)),
    ("The afternoon one", _slot(2)),
    ("Thursday at 9.30am is good, no problem", _slot(3)),
    ("2 - Wednesday", _slot(2)),
    # greetings, sign-offs and signatures do not count
    ("Good morning, 2 please", _slot(2)),
    ("Hi,\n\nThank you for your email. Number 3 please.\n\nKind regards\nSam\n07700 900123", _slot(3)),
    ("3\n\nSent from my iPhone", _slot(3)),
    ("Re RJ-NOR-2026-0007: 1 please. Call me on +44 7700 900 123", _slot(1)),
    ("2 please\n--\nSam Smith\nFlat 5, 12 High Street", _slot(2)),
    ("Morning,\n\n2 please", _slot(2)),
    ("I work until 3 so 2 is best", _slot(2)),
    # any of them
    ("any of them is fine", _slot(1)),
    ("any is fine", _slot(1)),
    ("Any", _slot(1)),
    ("whichever", _slot(1)),
    ("Whichever suits you", _slot(1)),
    ("all work", _slot(1)),
    ("They all work for me", _slot(1)),
    ("Either is fine", _slot(1)),
    ("I don't mind", _slot(1)),
    ("No preference", _slot(1)),
    ("Any except 1", _slot(2)),
    ("Anything but 1", _slot(2)),
    ("2 please, but any is fine really", _slot(2)),
    # none of them
    ("none of these work", NONE),
    ("none of those times suit me", NONE),
    ("I can't do any of them", NONE),
    ("I cannot make any of those, sorry", NONE),
    ("those times don't work for me", NONE),
    ("Sorry, they don't suit me", NONE),
    ("I can't do either", NONE),
    ("Neither", NONE),
    ("I can't do 1, 2 or 3", NONE),
    # other times
    ("can you do another time / evenings?", OTHER),
    ("Evenings would be better for me", OTHER),
    ("Is there a different day?", OTHER),
    ("Could you do a weekend?", OTHER),
    ("Can you do Friday at 2pm?", OTHER),
    ("none of these work, could we try next week?", OTHER),
    ("2 doesn't work, can we do Monday instead?", OTHER),
    # negations
    ("not 2, maybe 3", _slot(3)),
    ("I can do 2, not 3", _slot(2)),
    ("I can't do Tuesday but Wednesday at 2 is fine", _slot(2)),
    ("I'm at work in the mornings so 2 is best", _slot(2)),
    ("2 doesn't work for me", UNCLEAR),
    ("I can't do 2 or 3", UNCLEAR),
    ("Not 1", UNCLEAR),
    # ambiguous: never guess
    ("2 or 3", UNCLEAR),
    ("1 or 2 would be fine", UNCLEAR),
    ("1, 2", UNCLEAR),
    ("1 works but 2 would be better", UNCLEAR),
    ("either 2 or 3", UNCLEAR),
    ("yes", UNCLEAR),
    ("Yes please", UNCLEAR),
    ("OK", UNCLEAR),
    ("5", UNCLEAR),
    ("option 0", UNCLEAR),
    ("Friday", UNCLEAR),
    ("2 - Tuesday", UNCLEAR),
    ("Tuesday at 2pm", UNCLEAR),
    ("12/12", UNCLEAR),
    ("I'm not sure", UNCLEAR),
    ("Tuesday works but could you call after 11?", UNCLEAR),
    ("2 please, or another time would be better", UNCLEAR),
    ("1. Tuesday 8 December at 10:30am\n2. Wednesday 9 December at 2pm", UNCLEAR),
    ("", UNCLEAR),
    ("Thank you", UNCLEAR),
    ("Just to add, I've remembered the crime number, it's 36/55555/26.", SILENT),
    ("Would I be allowed to bring my mum to the meeting?", SILENT),
    ("1 please. I have 2 children", UNCLEAR),
    ("Option B", UNCLEAR),
]


@pytest.mark.parametrize(("text", "expected"), PHRASINGS)
def test_interprets_phrasings(text: str, expected: Choice) -> None:
    """Each phrasing of a reply to three offered slots reads as the expected choice."""
    assert interpret_choice(text, OFFERED, LONDON) == expected


def test_enough_phrasings() -> None:
    """The table above covers at least 40 phrasings."""
    assert len(PHRASINGS) >= 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tuesday", UNCLEAR),
        ("the Tuesday one", UNCLEAR),
        ("Tuesday at 10:30", _slot(1)),
        ("the 2pm on Tuesday", _slot(4)),
        ("Tuesday the 15th", _slot(4)),
        ("4", _slot(4)),
        ("the last one", _slot(4)),
        ("2pm", UNCLEAR),
    ],
)
def test_two_tuesdays(text: str, expected: Choice) -> None:
    """A day that fits two offered slots is unclear until the time or date picks one."""
    assert interpret_choice(text, TWO_TUESDAYS, LONDON) == expected


def test_summer_times_are_read_in_local_time() -> None:
    """ "10:30" means London wall time, also in summer (09:30 UTC)."""
    summer = (
        Slot.starting(datetime(2027, 6, 1, 9, 30, tzinfo=UTC), 30),
        Slot.starting(datetime(2027, 6, 2, 13, 0, tzinfo=UTC), 30),
    )
    assert interpret_choice("Tuesday 10:30", summer, LONDON) == _slot(1)
    assert interpret_choice("the 2pm one", summer, LONDON) == _slot(2)


def test_nothing_offered_means_no_slot() -> None:
    """With no offered slots a number or "any" never becomes a slot."""
    assert interpret_choice("1", (), LONDON) == UNCLEAR
    assert interpret_choice("any is fine", (), LONDON) == NONE
    assert interpret_choice("none of them", (), LONDON) == NONE


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    """Any text at all gives a Choice, and a slot is always one that was offered."""
    choice = interpret_choice(text, OFFERED, LONDON)
    assert choice.kind in {"slot", "none", "unclear", "other_times", "silent"}
    assert choice.kind != "slot" or choice.number in {1, 2, 3}


_WORDS = st.sampled_from(
    [
        "2",
        "or",
        "not",
        "any",
        "none",
        "tuesday",
        "10:30",
        "at",
        "half",
        "ten",
        "2nd",
        "option",
        "no.",
        "the",
        "8th",
        "december",
        "may",
        "#",
        "can't",
        "\n",
        ",",
        ".",
        "?",
        "evenings",
        "12 noon",
        "+44 7700 900123",
        "one",
        "§",
        "sam@example.org",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORDS, max_size=30).map(" ".join), st.integers(min_value=0, max_value=4))
def test_never_raises_on_reply_like_text(text: str, count: int) -> None:
    """Word salad built from the words the reader looks for never breaks it either."""
    choice = interpret_choice(text, TWO_TUESDAYS[:count], LONDON)
    assert choice.kind != "slot" or 1 <= (choice.number or 0) <= count


def test_long_text_is_cheap() -> None:
    """A huge reply (pasted logs, a long disclaimer) is cut short rather than scanned for ever."""
    assert interpret_choice("1 or 2 " * 100_000, OFFERED, LONDON) == UNCLEAR


def test_a_full_date_is_read_as_a_date_and_a_crime_reference_is_not_a_choice() -> None:
    """Crime references are blanked before reading a choice; a date written d/m/y never is (found in
    review: blanking every a/b/c number booked 8 December for "9/12/2026 at 10am")."""
    starts = [datetime(2026, 12, 8, 10, tzinfo=LONDON), datetime(2026, 12, 9, 14, tzinfo=LONDON)]
    offered = [Slot(s, s) for s in starts]
    assert interpret_choice("9/12/2026 at 10am please", offered, LONDON).kind == "unclear"
    assert interpret_choice("9/12/2026 at 2pm please", offered, LONDON) == Choice("slot", 2)
    assert interpret_choice("Just to add, the crime number is 36/55555/26.", offered, LONDON) == SILENT
