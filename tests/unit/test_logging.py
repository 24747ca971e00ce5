"""JSON logs without personal data: the redaction processor, and the configured pipeline end to end."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from rjmail import logging as rjlog
from rjmail.logging import SAFE_KEYS, SECRET_KEYS, redact

EMAILS = ["pat@example.test", "Pat.O'Neil+rj@Example.co.uk", "a_b-c@mail.sub.example.org"]
PHONES = [
    "07700 900123",
    "07700900123",
    "07700 900 123",
    "07700-900-123",
    "+447700900123",
    "+44 7700 900123",
    "+44 (0)7700 900123",
    "0044 7700 900123",
    "01603 123 456",
]


def run(**event: object) -> dict[str, object]:
    return dict(redact(None, "info", dict(event)))


@pytest.mark.parametrize("email", EMAILS)
def test_email_in_a_free_value_is_masked(email):
    """An address anywhere in a value that is not on the allow-list becomes [email]."""
    out = run(event="smtp_refused", error=f"550 5.1.1 <{email}>: user unknown")
    assert email not in json.dumps(out)
    assert "[email]" in out["error"]
    assert out["error"].startswith("550 5.1.1")


@pytest.mark.parametrize("phone", PHONES)
def test_phone_in_a_free_value_is_masked(phone):
    """A UK phone number in any usual format becomes [phone]."""
    out = run(event="x", detail=f"call me on {phone} please")
    assert phone not in out["detail"]
    assert out["detail"] == "call me on [phone] please"


def test_bracketed_area_code_is_masked():
    """'(01603) 123456' is a phone number too."""
    assert "123456" not in run(event="x", detail="ring (01603) 123456")["detail"]


def test_personal_data_in_the_event_text_is_masked():
    """Even the event name is scrubbed (it is the message of stdlib records from libraries)."""
    out = run(event="login failed for pat@example.test on 07700 900123")
    assert out["event"] == "login failed for [email] on [phone]"


@pytest.mark.parametrize("key", sorted(SECRET_KEYS))
def test_secret_keys_are_redacted_whatever_their_value(key):
    """Keys that hold personal data or credentials never show their value."""
    out = run(event="x", **{key: "Sam Example, 12 Acacia Road"})
    assert out[key] == "[redacted]"


def test_nested_values_are_scrubbed():
    """Lists and dicts are walked, so a structured field cannot smuggle an address out."""
    out = run(
        event="x", recipients=["pat@example.test", "07700 900123"], extra={"to": "pat@example.test", "n": 3}
    )
    assert out["recipients"] == ["[email]", "[phone]"]
    assert out["extra"] == {"to": "[email]", "n": 3}


def test_safe_keys_are_kept_verbatim():
    """Identifiers on the allow-list are what operators need: they are left as they are."""
    event = {
        "hub": "NOR",
        "case": "RJ-NOR-2026-0042",
        "ref": "RJ-SUF-2025-0007",
        "uid": 4711,
        "uidvalidity": 1700000000,
        "folder": "INBOX",
        "outbox_id": 12,
        "kind": "acknowledgement",
        "decision": "new_case",
        "job": "poll:NOR",
        "level": "info",
        "logger": "rjmail.cases",
        "timestamp": "2026-03-02T10:00:00.000000Z",
    }
    assert set(event) <= SAFE_KEYS
    assert run(event="message_processed", **event) == {"event": "message_processed", **event}


@pytest.mark.parametrize(
    "value",
    [
        "RJ-NOR-2026-0042",
        "RJ-SUF-2025-0007",
        "36/12345/24",
        "NC-01012024-0345",
        "37/0123456789/24",
        "CAD 0142 12/03/24",
        "2026-03-02T10:00:00+00:00",
        "127.0.0.1:14300",
        "UIDVALIDITY 1700000000",
    ],
)
def test_case_and_crime_references_are_not_mangled(value):
    """References, dates and ports in free text survive (they are not personal data)."""
    assert run(event="x", detail=f"about {value} here")["detail"] == f"about {value} here"


def test_numbers_and_booleans_pass_through():
    """Non-string values are left alone."""
    out = run(event="poll_done", fetched=17, quarantined=0, ok=True, ratio=0.5, nothing=None)
    assert out == {
        "event": "poll_done",
        "fetched": 17,
        "quarantined": 0,
        "ok": True,
        "ratio": 0.5,
        "nothing": None,
    }


# --------------------------------------------------------------------------- the configured pipeline


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    rjlog.configure(stream=stream)
    try:
        yield stream
    finally:
        root.handlers = handlers
        root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_structlog_events_are_json_lines_without_personal_data(captured):
    """A structlog call renders one JSON object per line, with level, time and masked values."""
    log = structlog.get_logger("rjmail.test")
    log.info(
        "message_processed",
        hub="NOR",
        ref="RJ-NOR-2026-0042",
        uid=7,
        error="bounce for pat@example.test",
        name="Sam Example",
    )
    (line,) = _lines(captured)
    assert line["event"] == "message_processed" and line["level"] == "info"
    assert line["hub"] == "NOR" and line["ref"] == "RJ-NOR-2026-0042" and line["uid"] == 7
    assert line["name"] == "[redacted]"
    assert "pat@example.test" not in captured.getvalue()
    assert "Sam Example" not in captured.getvalue()
    assert "timestamp" in line and line["logger"] == "rjmail.test"


def test_stdlib_records_from_libraries_are_scrubbed(captured):
    """A library logging an address or phone through the stdlib is masked too."""
    logging.getLogger("some.library").warning("rejected %s from %s", "pat@example.test", "07700 900123")
    (line,) = _lines(captured)
    assert line["event"] == "rejected [email] from [phone]"
    assert line["level"] == "warning"


def test_exceptions_are_rendered_without_local_variables(captured):
    """A traceback is logged as data, without the local variables that may hold a message body."""
    log = structlog.get_logger("rjmail.test")
    body = "My name is Sam Example and my number is 07700 900123"
    try:
        raise ValueError("bad header")
    except ValueError:
        log.exception("processing_failed", hub="NOR")
    assert body not in captured.getvalue()
    (line,) = _lines(captured)
    assert line["event"] == "processing_failed"
    assert "exception" in line
    assert "locals" not in json.dumps(line["exception"])


def test_noisy_libraries_do_not_log_message_contents_at_debug(captured):
    """imapclient logs whole responses at DEBUG; it is held at WARNING even when rjmail is verbose."""
    logging.getLogger().setLevel(logging.DEBUG)
    logging.getLogger("imapclient").debug("< * 1 FETCH (BODY[] {120} From: pat@example.test ...")
    assert captured.getvalue() == ""
