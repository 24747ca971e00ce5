"""Conservative withdrawal detection (pure)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rjmail.core.withdrawal import WithdrawalVerdict, read_withdrawal, wants_to_withdraw


@pytest.mark.parametrize(
    "text",
    [
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
    ],
)
def test_clear_withdrawal_wording_is_recognised(text):
    """Clear requests to withdraw or stop are recognised."""
    assert wants_to_withdraw(text)


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to stop, I just need more time.",
        "Please don't withdraw my referral.",
        "> Please withdraw my referral\nThanks, I'm happy to carry on.",
        "Yes please call me.",
        "The bus stop near my house is where it happened.",
        "I was worried I'd have to withdraw but I'm fine now, no need to stop.",
        "",
        "2",
    ],
)
def test_negations_quotes_and_ordinary_replies_do_not_withdraw(text):
    """Negations, quoted text and ordinary replies never withdraw a case."""
    assert not wants_to_withdraw(text)


@given(st.text())
def test_never_raises(text):
    """Any text is handled."""
    assert wants_to_withdraw(text) in (True, False)


def test_a_clear_withdrawal_names_the_sentence_that_triggered_it():
    """The reading carries the person's own sentence, for the advisors' notification."""
    reading = read_withdrawal("Thanks for your letter.\nI've changed my mind, I don't want to go ahead.")
    assert reading.verdict is WithdrawalVerdict.CLEAR
    assert reading.sentence == "I've changed my mind, I don't want to go ahead."


def test_withdrawal_on_someone_elses_behalf_is_only_possible():
    """'She has changed her mind … don't get in touch again': advisors decide, nothing automatic."""
    reading = read_withdrawal("She has changed her mind. Please don't get in touch again.")
    assert reading.verdict is WithdrawalVerdict.POSSIBLE
    assert not wants_to_withdraw("She has changed her mind. Please don't get in touch again.")


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("I withdraw my consent.", WithdrawalVerdict.POSSIBLE),
        ("I am withdrawing my consent to take part.", WithdrawalVerdict.POSSIBLE),
        ("I no longer consent to this.", WithdrawalVerdict.POSSIBLE),
        ("I withdraw my consent for texts.", WithdrawalVerdict.NONE),  # one way of being reached
        ("I do not consent to you leaving voicemails.", WithdrawalVerdict.NONE),
        ("I consent to you calling me.", WithdrawalVerdict.NONE),
        ("I do not want to withdraw my consent.", WithdrawalVerdict.NONE),
    ],
)
def test_taking_back_consent_is_for_the_advisors_to_read(text: str, verdict: WithdrawalVerdict) -> None:
    """Consent is what RJ rests on: taking it back is flagged to advisors, never acted on alone."""
    assert read_withdrawal(text).verdict is verdict


def test_the_case_language_is_read_as_well_as_english():
    """Lithuanian wording withdraws when the case is Lithuanian; English is always read."""
    text = "Apsigalvojau. Prašau daugiau su manimi nesisiekti."
    assert read_withdrawal(text, "lt").verdict is WithdrawalVerdict.CLEAR
    assert read_withdrawal(text, "en").verdict is WithdrawalVerdict.NONE
    assert read_withdrawal("Please stop contacting me.", "lt").verdict is WithdrawalVerdict.CLEAR


def test_quoted_lines_and_quoted_speech_are_not_the_persons_wish():
    """Lines starting '>' and words in quotation marks are someone else's."""
    reply = "> Reply stop to withdraw\nThank you, Tuesday is fine."
    assert read_withdrawal(reply).verdict is WithdrawalVerdict.NONE
    assert read_withdrawal('He wrote "please don\'t contact me again" on the card.').verdict is (
        WithdrawalVerdict.NONE
    )


def test_a_long_message_is_read_quickly():
    """No pathological backtracking on long or odd input (the daemon reads every reply)."""
    text = ("I do not not not want to " * 400 + "stop calling me at work before 6pm, ") * 20
    started = time.perf_counter()
    read_withdrawal(text, "pl")
    assert time.perf_counter() - started < 2.0


@given(st.text(), st.sampled_from(["en", "pl", "lt", "ro", "pt", "xx", ""]))
def test_read_withdrawal_never_raises(text, language):
    """Any text in any language code gives a verdict."""
    assert read_withdrawal(text, language).verdict in ("withdraw", "possible", "none")
