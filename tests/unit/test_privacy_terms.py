"""The end-of-run privacy sweep (tests/conftest.py) really finds personal data."""

from __future__ import annotations

from tests.privacy_terms import leaked_terms


def test_sweep_finds_names_addresses_and_test_mailboxes():
    """A name from the corpus, an unmasked address or a test mailbox in a log line is a leak."""
    line = '{"event": "x", "detail": "Daniel Hughes wrote from sam@example.org as person-1x2"}'
    assert {"Daniel Hughes", "sam@example.org", "person-1x2"} <= leaked_terms(line)


def test_sweep_accepts_identifier_only_lines():
    """Hub codes, references, UIDs and masked values are not leaks."""
    line = (
        '{"event": "message_processed", "hub": "NOR", "ref": "RJ-NOR-2026-0001", "uid": 7, "to": "[email]"}'
    )
    assert leaked_terms(line) == set()
