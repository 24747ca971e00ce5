"""The blind sets (tests/blind, written before tuning) kept as regression guards for what acts.

They were run once after tuning and the first figures reported in the closing notes; these tests
only hold the line on the fields that change a case or a letter: no false withdrawal, and no wrong
email-only, voicemail or role reading.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bench.blind import roles_table, wishes_table
from bench.blind_restated import expected_and_read, verdict
from rjmail.core.language import detected_language
from rjmail.core.withdrawal import WithdrawalVerdict, read_withdrawal

BLIND = Path(__file__).resolve().parents[2] / "tests" / "blind"


def _cases(name: str) -> list[dict[str, object]]:
    return list(tomllib.loads((BLIND / name).read_text(encoding="utf-8"))["case"])


def test_no_everyday_sentence_in_the_blind_set_withdraws_a_case():
    """0 false withdrawals: nothing expected 'none' or 'possible' is read as a clear withdrawal."""
    false = [
        c["id"]
        for c in _cases("withdrawal.toml")
        if c["expect"] != "withdraw"
        and read_withdrawal(str(c["text"]), str(c.get("lang", "en"))).verdict == WithdrawalVerdict.CLEAR
    ]
    assert false == []


def test_blind_email_only_voicemail_and_role_readings_are_never_wrong():
    """Precision 1.000 on the blind set for the readings that stop calls or set the role."""
    misses: list[str] = []
    table = {**wishes_table(_cases("wishes.toml"), misses), **roles_table(_cases("roles.toml"), misses)}
    for field in ("email_only", "voicemail_ok", "role"):
        correct, predicted, _, _ = table[field]
        assert correct == predicted, (field, [m for m in misses if field in m])


def test_blind_set_6_readings_that_act_are_never_wrong():
    """Set 6 (contact wishes only): no wrong call windows, call request, email-only or voicemail
    reading (its first run, before tuning: call windows precision 0.571, 9 wrong)."""
    misses: list[str] = []
    table = wishes_table(_cases("set6/wishes.toml"), misses)
    for field in ("call_windows", "wants_call", "email_only", "voicemail_ok"):
        correct, predicted, _, _ = table[field]
        assert correct == predicted, (field, [m for m in misses if field in m])


def test_blind_set_7_call_times_are_never_wider_than_the_person_allowed():
    """Set 7 (single messages, hard wording): no case read wider than its expectation (its first
    run: 10 wider on 1ee01e5, 7 with the first doubts, written before it was read; bench/README.md)."""
    cases = [{**c, "messages": [c["text"]]} for c in _cases("set7/wishes.toml")]
    assert [c["id"] for c in cases if verdict(*expected_and_read(c)[:2]) == "WIDER"] == []


def test_blind_set_8_call_times_are_wider_only_where_known():
    """Set 8 (written blind after the doubts; its first run: 4 wider). Two are left: w8-060 ("ring me
    weekends or weekday evenings after 7" read as every day after 7, inside both readings), and
    w8-051, a PCSO's own "ring me after 2", which bench/blind.py reads from the whole message while a
    professional referral's wishes come from the person's part only (person.referred_text)."""
    cases = [{**c, "messages": [c["text"]]} for c in _cases("set8/wishes.toml")]
    wider = [c["id"] for c in cases if verdict(*expected_and_read(c)[:2]) == "WIDER"]
    assert set(wider) <= {"w8-051", "w8-060"}


def test_restated_call_times_are_never_wider_than_the_person_allowed():
    """All six restated sets: no case ends with a time the person ruled out (first runs: 13, 10, 17,
    10 and 9 of 40, and 8 of 30; the figures per set are in bench/README.md)."""
    wider = {
        name: [c["id"] for c in _cases(name) if verdict(*expected_and_read(c)[:2]) == "WIDER"]
        for name in (
            "restated.toml",
            "restated2.toml",
            "restated3.toml",
            "restated4.toml",
            "restated5.toml",
            "restated6.toml",
        )
    }
    assert wider == {name: [] for name in wider}


# Punjabi written in Shahmukhi (Arabic letters) is Urdu to CLD2, which knows Punjabi in Gurmukhi only.
_KNOWN_WRONG = {"language_scripts.toml": ["pa-shahmukhi"]}
_LANGUAGE = {"pl": "Polish", "lt": "Lithuanian", "ro": "Romanian", "pt": "Portuguese", "cy": "Welsh"}


@pytest.mark.parametrize(
    ("name", "least_right"),
    [
        ("language.toml", 28),
        ("language2.toml", 16),
        ("language3.toml", 27),
        # Written blind before CLD2 replaced lingua (2026-12-08): lingua read 45 of its 76 letter
        # languages and named a Galician letter Portuguese; CLD2 read 46 at first, 45 once a text
        # must be more its own language than English (a review's English signed with a Romanian
        # address).
        ("language4.toml", 45),
        # Written blind by a second review (2026-12-08): other scripts, and English quoting other
        # languages. d67397b named 23 wrong languages on it (Ukrainian and Bulgarian Russian;
        # Farsi, Urdu, Pashto and Kurdish Arabic; quotes their language); CLD2 3 at first.
        ("language_scripts.toml", 44),
    ],
)
def test_blind_language_sets_name_no_wrong_language(name: str, least_right: int):
    """A wrong language is worse than none (English letters): no text is named a letter language
    it is not written in, nor English or another language's text anything at all but its own
    language, and no fewer letter languages are read right than when CLD2 came in (2026-12-08)."""
    right, wrong = 0, []
    for case in _cases(name):
        expect, got = str(case["expect"]), detected_language(str(case["text"]))
        other = expect.startswith("other:")  # a language rjmail has no letters in: never one it has
        want = None if expect in ("en", "English") or other else _LANGUAGE.get(expect, expect)
        right += want is not None and got == want
        if got is not None and got != want and (not other or got in _LANGUAGE.values()):
            wrong.append(str(case["id"]))
    assert wrong == [] or wrong == _KNOWN_WRONG.get(name)
    assert right >= least_right
