"""The withdrawal development set: no false withdrawals, every clear one recognised."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from rjmail.core.withdrawal import WithdrawalVerdict, read_withdrawal

_DEV = tomllib.loads((Path(__file__).parent / "withdrawal_dev.toml").read_text(encoding="utf-8"))


def _cases(group: str) -> list[tuple[str, str]]:
    return [(c, "en") if isinstance(c, str) else (c["text"], c.get("lang", "en")) for c in _DEV[group]]


def test_the_set_is_big_enough():
    """At least 150 negatives, 40 clear (12 in other languages) and 20 possible withdrawals."""
    assert len(_DEV["none"]) >= 150
    assert len(_DEV["clear"]) >= 40
    assert sum(1 for _, lang in _cases("clear") if lang != "en") >= 12
    assert len(_DEV["possible"]) >= 20


def test_no_negative_or_possible_case_is_read_as_a_clear_withdrawal():
    """Zero false withdrawals: everyday sentences and uncertain wording never act automatically."""
    false = [
        (text, lang)
        for text, lang in _cases("none") + _cases("possible")
        if read_withdrawal(text, lang).verdict is WithdrawalVerdict.CLEAR
    ]
    assert false == []


def test_every_clear_withdrawal_is_recognised():
    """Every clear withdrawal in the set is CLEAR, in English and in the community languages."""
    missed = [
        (t, lang)
        for t, lang in _cases("clear")
        if read_withdrawal(t, lang).verdict is not WithdrawalVerdict.CLEAR
    ]
    assert missed == []


@pytest.mark.parametrize(("text", "lang"), _cases("possible"))
def test_uncertain_or_on_behalf_wording_is_a_possible_withdrawal(text, lang):
    """On someone else's behalf or hedged: POSSIBLE, with the sentence that triggered it."""
    reading = read_withdrawal(text, lang)
    assert reading.verdict is WithdrawalVerdict.POSSIBLE
    assert reading.sentence


def test_negatives_are_mostly_silent():
    """Contact wishes, corrections and questions are not even possible withdrawals (a few may be)."""
    noisy = [
        (t, lang)
        for t, lang in _cases("none")
        if read_withdrawal(t, lang).verdict is not WithdrawalVerdict.NONE
    ]
    assert len(noisy) <= len(_DEV["none"]) // 20, noisy
