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


@pytest.mark.parametrize(("line", "fragment"), [
    ("#not-suitable", "needs a reason"),
    ("#not-suitable nonsense", "unknown reason 'nonsense'"),
    ("#assign somebody", "email address"),
    ("#book tomorrow", "2026-12-08 10:30"),
    ("#note", "needs some text"),
])
def test_bad_arguments_get_a_clear_error(line, fragment):
    """Missing or wrong arguments are refused with a message saying what is expected."""
    (err,) = parse_commands(line, REASONS)
    assert isinstance(err, CommandError) and fragment in err.message


def test_not_suitable_with_a_note_parses():
    """#not-suitable keeps the reason code and the advisor's note."""
    (cmd,) = parse_commands("#not-suitable safety It would not be safe right now.", REASONS)
    assert isinstance(cmd, Command) and cmd.args.startswith("safety ")


@pytest.mark.parametrize(("name", "status", "allowed"), [
    ("not-suitable", CaseStatus.WITHDRAWN, False),
    ("not-suitable", CaseStatus.NEW, True),
    ("suitable", CaseStatus.CLOSED, True),
    ("suitable", CaseStatus.IN_PROGRESS, False),
    ("withdraw", CaseStatus.WITHDRAWN, False),
    ("note", CaseStatus.WITHDRAWN, True),
    ("close", CaseStatus.CLOSED, False),
    ("offer-call", CaseStatus.NOT_SUITABLE, False),
    ("hold", CaseStatus.IN_PROGRESS, True),
])
def test_status_transitions_are_enforced(name, status, allowed):
    """Each command acts only on the statuses it makes sense for."""
    assert (refusal(Command(name, "", f"#{name}"), status) is None) is allowed
