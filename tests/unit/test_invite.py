"""The booking invite (.ics): parses back, local time with VTIMEZONE, stable UID, neutral and private."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from rjmail.core.invite import call_invite

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
UID = "RJ-NOR-2026-0007-call-3@rjmail.example.org"


def _invite(**overrides: Any) -> bytes:
    """An invite for Tuesday 8 December 2026 at 10:30 with `overrides` applied."""
    args: dict[str, Any] = {
        "method": "REQUEST",
        "uid": UID,
        "sequence": 0,
        "start": datetime(2026, 12, 8, 10, 30, tzinfo=UTC),
        "minutes": 30,
        "organizer": "rj-norfolk@example.org",
        "organizer_name": "Norfolk Hub",
        "attendee": "sam@example.org",
        "tz": LONDON,
        "now": NOW,
    }
    args.update(overrides)
    return call_invite(**args)


def _parse(ics: bytes) -> tuple[Calendar, Event]:
    """The calendar and its single event."""
    calendar = Calendar.from_ical(ics)
    assert isinstance(calendar, Calendar)
    events = calendar.events
    assert len(events) == 1
    return calendar, events[0]


def test_request_parses_back() -> None:
    """A REQUEST carries METHOD, PRODID, UID, SEQUENCE, DTSTAMP, STATUS, CLASS and TRANSP."""
    calendar, event = _parse(_invite(sequence=2))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["PRODID"]) == "-//rjmail//EN"
    assert str(event["UID"]) == UID
    assert event.decoded("SEQUENCE") == 2
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["CLASS"]) == "PRIVATE"
    assert str(event["TRANSP"]) == "OPAQUE"


def test_start_is_local_time_with_vtimezone() -> None:
    """DTSTART is London wall time with a TZID, and the calendar defines that zone."""
    ics = _invite()
    _, event = _parse(ics)
    assert b"DTSTART;TZID=Europe/London:20261208T103000" in ics
    assert b"BEGIN:VTIMEZONE" in ics and b"TZID:Europe/London" in ics
    assert event.decoded("DTSTART") == datetime(2026, 12, 8, 10, 30, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)


def test_summer_start_reads_as_local_wall_time() -> None:
    """In summer 08:00 UTC is written as 09:00 London time."""
    ics = _invite(start=datetime(2027, 3, 29, 8, 0, tzinfo=UTC))
    _, event = _parse(ics)
    assert b"DTSTART;TZID=Europe/London:20270329T090000" in ics
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 3, 29, 8, 0, tzinfo=UTC)


def test_end_is_exact_across_a_clock_change() -> None:
    """DTEND is `minutes` after DTSTART in real time even when the clocks change in between."""
    _, event = _parse(_invite(start=datetime(2027, 3, 28, 0, 30, tzinfo=UTC), minutes=60))
    assert event.decoded("DTEND").astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_organizer_and_attendee() -> None:
    """ORGANIZER is the hub mailbox with CN; ATTENDEE asks for an RSVP and has not answered yet."""
    _, event = _parse(_invite())
    organizer, attendee = event["ORGANIZER"], event["ATTENDEE"]
    assert str(organizer) == "mailto:rj-norfolk@example.org"
    assert organizer.params["CN"] == "Norfolk Hub"
    assert str(attendee) == "mailto:sam@example.org"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"


def test_no_attendee() -> None:
    """Without an attendee address the invite has no ATTENDEE line."""
    ics = _invite(attendee=None)
    _, event = _parse(ics)
    assert "ATTENDEE" not in event
    assert b"ATTENDEE" not in ics


def test_cancel_keeps_uid_and_is_cancelled() -> None:
    """A CANCEL has the same UID, the given higher SEQUENCE and STATUS:CANCELLED."""
    calendar, event = _parse(_invite(method="CANCEL", sequence=1))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == UID
    assert event.decoded("SEQUENCE") == 1
    assert str(event["STATUS"]) == "CANCELLED"


def test_default_text_is_neutral() -> None:
    """Summary and description say nothing of restorative justice, crime or anyone else."""
    _, event = _parse(_invite())
    assert str(event["SUMMARY"]) == "Phone call"
    text = (str(event["SUMMARY"]) + " " + str(event["DESCRIPTION"])).lower()
    for word in ("restorative", "justice", "crime", "offence", "offender", "victim", "police"):
        assert word not in text


def test_same_input_same_bytes() -> None:
    """The invite depends only on its arguments (no random UID or clock inside)."""
    assert _invite() == _invite()


def test_name_with_line_break_cannot_break_the_line() -> None:
    """A display name with a line break stays inside the ORGANIZER property."""
    _, event = _parse(_invite(organizer_name="Norfolk\r\nATTENDEE:mailto:evil@example.org"))
    assert event["ORGANIZER"].params["CN"] == "Norfolk ATTENDEE:mailto:evil@example.org"
    assert str(event["ATTENDEE"]) == "mailto:sam@example.org"


@pytest.mark.parametrize(
    "overrides",
    [
        {"method": "PUBLISH"},
        {"start": datetime(2026, 12, 8, 10, 30)},  # naive
        {"organizer": "rj@example.org\r\nX-EVIL:1"},
        {"attendee": "not-an-address"},
    ],
)
def test_bad_arguments_are_refused(overrides: dict[str, Any]) -> None:
    """An unknown METHOD, a naive time or a malformed address raises ValueError."""
    with pytest.raises(ValueError):
        _invite(**overrides)
