"""Advisor command parsing and the case state rules (pure)."""

from __future__ import annotations

import pytest

from rjmail.core.commands import Command, CommandError, parse_commands, refusal
from rjmail.core.domain import CaseStatus

REASONS = frozenset({"safety", "other", "other-party-declined"})


def test_commands_are_read_only_from_the_top_of_the_reply():
    """Lines starting with # count until the first other line; quoted cheat-sheets never run."""
    text = "\n#suitable\n#note Called her today\nThanks\n#close\n> #withdraw"
    parsed = parse_commands(text, REASONS)
    assert [c.name for c in parsed if isinstance(c, Command)] == ["suitable", "note"]


def test_unknown_command_lists_the_valid_ones():
    """An unknown command is an error naming every valid command."""
    (err,) = parse_commands("#frobnicate", REASONS)
    assert isinstance(err, CommandError)
    assert "#offer-call" in err.message and "#close" in err.message


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("#not-suitable", "needs a reason"),
        ("#not-suitable nonsense", "unknown reason 'nonsense'"),
        ("#assign somebody", "email address"),
        ("#book tomorrow", "2026-12-08 10:30"),
        ("#note", "needs some text"),
    ],
)
def test_bad_arguments_get_a_clear_error(line, fragment):
    """Missing or wrong arguments are refused with a message saying what is expected."""
    (err,) = parse_commands(line, REASONS)
    assert isinstance(err, CommandError) and fragment in err.message


def test_not_suitable_with_a_note_parses():
    """#not-suitable keeps the reason code and the advisor's note."""
    (cmd,) = parse_commands("#not-suitable safety It would not be safe right now.", REASONS)
    assert isinstance(cmd, Command) and cmd.args.startswith("safety ")


@pytest.mark.parametrize(
    ("name", "status", "allowed"),
    [
        ("not-suitable", CaseStatus.WITHDRAWN, False),
        ("not-suitable", CaseStatus.NEW, True),
        ("suitable", CaseStatus.CLOSED, True),
        ("suitable", CaseStatus.IN_PROGRESS, False),
        ("withdraw", CaseStatus.WITHDRAWN, False),
        ("note", CaseStatus.WITHDRAWN, True),
        ("close", CaseStatus.CLOSED, False),
        ("offer-call", CaseStatus.NOT_SUITABLE, False),
        ("hold", CaseStatus.IN_PROGRESS, True),
    ],
)
def test_status_transitions_are_enforced(name, status, allowed):
    """Each command acts only on the statuses it makes sense for."""
    assert (refusal(Command(name, "", f"#{name}"), status) is None) is allowed


@pytest.mark.parametrize(
    "text",
    [
        "#not\u2011suitable safety",  # iPhone / Word non-breaking hyphen
        "#not\u2013suitable safety",  # en dash
        "#NOT\u2212SUITABLE Safety",  # minus sign, capitals
        "#\u00a0not-suitable\u00a0safety",  # non-breaking spaces after '#'
        "\u200b#not-suitable safety",  # zero-width space before the command
        "#not-suit\u00adable safety",  # soft hyphen inside the word
        "\uff03not-suitable safety",  # full-width number sign
    ],
)
def test_phone_and_word_typing_is_read_as_the_plain_command(text):
    """What phones and Outlook do to hyphens, spaces and '#' never stops a command from acting."""
    (cmd,) = parse_commands(text, REASONS)
    assert isinstance(cmd, Command)
    assert (cmd.name, cmd.args.split()[0].lower()) == ("not-suitable", "safety")


def test_hold_with_a_non_breaking_space_and_capital_acts():
    """'#Hold' followed by a non-breaking space is #hold with its note."""
    (cmd,) = parse_commands("#Hold\u00a0court case next month", REASONS)
    assert isinstance(cmd, Command) and cmd.name == "hold" and cmd.args == "court case next month"


def test_smart_quotes_in_a_note_become_plain_quotes():
    """Curly quotes typed by a phone are kept as plain quotes in the note."""
    (cmd,) = parse_commands("#note She said \u201cnot yet\u201d and that\u2019s fine", REASONS)
    assert isinstance(cmd, Command) and cmd.args == 'She said "not yet" and that\'s fine'


def test_a_typo_gets_the_nearest_command():
    """A misspelt command is answered with the nearest valid one."""
    (err,) = parse_commands("#not-suitible safety", REASONS)
    assert isinstance(err, CommandError) and "Did you mean #not-suitable?" in err.message


def test_a_look_alike_letter_is_named():
    """A Cyrillic 'o' in '#hold' looks right; the error names the character and suggests #hold."""
    (err,) = parse_commands("#h\u043eld court", REASONS)
    assert isinstance(err, CommandError)
    assert "Did you mean #hold?" in err.message
    assert "U+043E cyrillic small letter o" in err.message


def test_a_misspelt_reason_gets_the_nearest_reason():
    """An unknown reason code suggests the nearest one from the catalogue."""
    (err,) = parse_commands("#not-suitable other-party-decline", REASONS)
    assert isinstance(err, CommandError) and "Did you mean other-party-declined?" in err.message
