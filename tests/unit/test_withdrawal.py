"""Conservative withdrawal detection (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rjmail.core.withdrawal import wants_to_withdraw


@pytest.mark.parametrize("text", [
    "Please withdraw my referral.",
    "stop",
    "STOP",
    "Stop please",
    "I don't want to go ahead with this any more.",
    "I do not wish to take part.",
    "Please stop contacting me.",
    "Don't contact me again.",
    "I would like to withdraw.",
    "Hi, I've thought about it and I no longer want to continue. Sorry.",
    "Please cancel my referral",
])
def test_clear_withdrawal_wording_is_recognised(text):
    """Clear requests to withdraw or stop are recognised."""
    assert wants_to_withdraw(text)


@pytest.mark.parametrize("text", [
    "I don't want to stop, I just need more time.",
    "Please don't withdraw my referral.",
    "> Please withdraw my referral\nThanks, I'm happy to carry on.",
    "Yes please call me.",
    "The bus stop near my house is where it happened.",
    "I was worried I'd have to withdraw but I'm fine now, no need to stop.",
    "",
    "2",
])
def test_negations_quotes_and_ordinary_replies_do_not_withdraw(text):
    """Negations, quoted text and ordinary replies never withdraw a case."""
    assert not wants_to_withdraw(text)


@given(st.text())
def test_never_raises(text):
    """Any text is handled."""
    assert wants_to_withdraw(text) in (True, False)
