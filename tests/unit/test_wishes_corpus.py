"""The contact-wishes corpus: every expectation in tests/corpus/wishes.toml holds.

The helpers here are shared with bench/extract.py so the benchmark scores exactly what the tests
assert.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from rjmail.core.roles import first_person_role
from rjmail.core.wishes import read_contact_wishes

WISHES = Path(__file__).resolve().parent.parent / "corpus" / "wishes.toml"
WISH_FIELDS = ("wants_call", "call_windows", "call_times", "voicemail_ok", "texts_ok", "email_only", "role")


def load_wishes(path: Path = WISHES) -> list[dict[str, Any]]:
    """Every [[message]] of a wishes TOML file."""
    messages: list[dict[str, Any]] = tomllib.loads(path.read_text(encoding="utf-8"))["message"]
    return messages


def expected_value(field: str, value: Any) -> Any:
    """A TOML expectation in comparable terms: "" for empty (false email_only, unknown role)."""
    if (value is False and field == "email_only") or (value == "unknown" and field == "role"):
        return ""
    return value


def predicted(message: dict[str, Any]) -> dict[str, Any]:
    """What rjmail reads from one message, field by field, "" for empty."""
    wishes = read_contact_wishes(message["text"], message.get("language", "en"))
    windows = [w.as_json() for w in wishes.call_windows] if wishes.call_windows is not None else None
    role = first_person_role(message["text"])
    values: dict[str, Any] = {
        "wants_call": wishes.wants_call,
        "call_windows": windows,
        "call_times": wishes.call_times,
        "voicemail_ok": wishes.voicemail_ok,
        "texts_ok": wishes.texts_ok,
        "email_only": wishes.email_only or None,
        "role": None if role == "unknown" else role,
    }
    return {k: "" if v is None else v for k, v in values.items()}


MESSAGES = load_wishes()


def test_wishes_corpus_is_large_enough() -> None:
    """At least 60 hand-written messages, each with a unique id and at least one expectation."""
    ids = [m["id"] for m in MESSAGES]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)
    assert all(set(m) & set(WISH_FIELDS) for m in MESSAGES)


@pytest.mark.parametrize("message", MESSAGES, ids=[m["id"] for m in MESSAGES])
def test_wishes_message(message: dict[str, Any]) -> None:
    """read_contact_wishes and the role reader meet every expectation recorded for this message."""
    got = predicted(message)
    for field in WISH_FIELDS:
        if field in message:
            assert got[field] == expected_value(field, message[field]), field
