"""#cancel parsing, the held-letter helpers and the confirmation and cheat-sheet wording (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from rjmail.core.commands import Command, parse_commands, refusal
from rjmail.core.domain import CaseStatus
from rjmail.core.held import Before, mask_address, plain_text, quoted, status_words, subject_words
from tests.unit.test_letters_care import _advisor_base, render  # noqa: F401  (fixture)

REASONS = frozenset({"other-party-declined"})


@pytest.mark.parametrize("line", ["#cancel", "#Cancel", "#CANCEL please", "#cancel\u200b"])
def test_cancel_parses_however_it_is_typed(line: str):
    [command] = parse_commands(line, REASONS)
    assert isinstance(command, Command) and command.name == "cancel"


@pytest.mark.parametrize("status", list(CaseStatus))
def test_cancel_is_allowed_from_every_status(status: CaseStatus):
    """The held command may have moved the case anywhere; #cancel finds its letters itself."""
    assert refusal(Command("cancel", "", "#cancel"), status) is None


def test_subject_words_say_what_was_done_and_what_was_not():
    assert subject_words([("#not-suitable", True), ("#note", True)]) == "Done: #not-suitable, #note"
    assert subject_words([("#book", False)]) == "Not done: #book"
    assert subject_words([("#note", True), ("#book", False)]) == "Done: #note; not done: #book"


def test_addresses_are_masked_to_first_letter_and_domain():
    assert mask_address("jo.smith@example.org") == "j***@example.org"
    assert mask_address("not-an-address") == "***"


def test_the_case_before_a_command_round_trips_through_the_outbox_row():
    before = Before("call_booked", None, None, datetime(2026, 12, 9, 10, tzinfo=UTC))
    again = Before.load(before.dump(), "new")
    assert again == before
    assert Before.load(None, "in_progress").status == "in_progress"
    assert status_words("in_progress") == "in progress"


def test_the_quoted_letter_is_its_plain_text_indented():
    raw = (
        b"Content-Type: text/plain; charset=utf-8\r\nSubject: x\r\n\r\nHello Sam,\r\n\r\n"
        b"You are in control.\r\n"
    )
    assert plain_text(raw) == "Hello Sam,\n\nYou are in control."
    assert quoted(plain_text(raw)) == "    Hello Sam,\n\n    You are in control."


def test_the_cheat_sheet_says_not_suitable_words_reach_the_person_and_lists_cancel(
    render: Callable[..., Any],  # noqa: F811 - the fixture of that name
):
    out = render(
        "command_result", {**_advisor_base("NOR"), "command": "#note", "ok": True, "message": "Note added."}
    )
    for part in (out.text, out.html):
        flat = " ".join(re.sub("<[^>]+>", " ", part).split())
        assert "#not-suitable CODE [words for the person]" in flat
        assert "the person will read them" in flat
        assert "#cancel" in flat and "Internal remarks go in #note" in flat


def test_one_confirmation_lists_every_command_and_quotes_each_held_letter(render: Callable[..., Any]):  # noqa: F811
    context = {
        **_advisor_base("NOR"),
        "results": [
            {"command": "#not-suitable", "ok": True, "message": "Now not suitable."},
            {"command": "#note", "ok": True, "message": "Note added."},
        ],
        "subject_words": "Done: #not-suitable, #note",
        "letters": [
            {
                "name": "not-suitable",
                "to": "r***@example.test",
                "held": True,
                "when": "Monday 7 December 2026 at 9:10am",
                "text": "    Hello Robin,",
                "plain": "Hello Robin,",
            }
        ],
        "any_held": True,
    }
    out = render("command_result", context)
    assert out.subject == "[RJ-NOR-2026-0001] Done: #not-suitable, #note"
    text = " ".join(out.text.split())
    assert "Done: #not-suitable Now not suitable." in text and "Done: #note Note added." in text
    assert "letter to r***@example.test will go on Monday 7 December 2026 at 9:10am" in text
    assert "\n    Hello Robin," in out.text and "Reply #cancel" in text
    assert "Hello Robin," in out.html
