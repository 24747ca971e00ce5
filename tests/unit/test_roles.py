"""Role from everyday wording: never a wrong guess."""

from __future__ import annotations

import pytest

from rjmail.core.roles import first_person_role


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Our house was burgled last winter.", "victim"),
        ("He assaulted me in the car park.", "victim"),
        ("They broke into our flat.", "victim"),
        ("My son was assaulted at the bus station.", "family"),
        ("Our daughter was attacked.", "family"),
        ("I was the one who did it.", "offender"),
        ("I want to make up for the harm I caused.", "offender"),
        ("My victim care worker told me about you.", "unknown"),
        ("My victim support worker suggested I write. I was mugged in May.", "victim"),
        ("I wrote a victim personal statement.", "unknown"),
        ("My son was attacked and I was threatened too.", "unknown"),
    ],
)
def test_first_person_role(text: str, expected: str) -> None:
    """Victim, family and offender wording; victim-service wording never reads as offender."""
    assert first_person_role(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ever since our burglary the kids won't sleep upstairs.", "victim"),
        ("I'd like to hear about RJ after my break-in in March.", "unknown"),  # "my" may be an offender's
        ("After my burglary arrest I was remanded.", "unknown"),
        ("Following our break-in last spring I don't feel safe.", "victim"),
        ("My burglary conviction was last year and I want to put things right.", "offender"),
        ("Our break-in case went to court in May.", "unknown"),  # whose case? not said
    ],
)
def test_the_households_own_burglary(text: str, expected: str) -> None:
    assert first_person_role(text) == expected
