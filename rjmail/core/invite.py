"""The `.ics` invite attached to a booking confirmation (RFC 5545/5546 REQUEST or CANCEL).

Invites land in calendars that may be shared with family or colleagues, so the defaults are neutral
("Phone call"): never pass words about restorative justice, an offence or the other party. The event is
`CLASS:PRIVATE` and its start is written in local time with a VTIMEZONE, so every client shows the time
the letter gives.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # icalendar is imported when an invite is made: it costs every start ~0.05-0.1 s
    from icalendar import Event, vCalAddress

PRODID = "-//rjmail//EN"
METHODS = ("REQUEST", "CANCEL")
DEFAULT_SUMMARY = "Phone call"
DEFAULT_DESCRIPTION = "We will call you at this time. You can change or cancel it by replying to our email."


def call_invite(
    *,
    method: str,
    uid: str,
    sequence: int,
    start: datetime,
    minutes: int,
    organizer: str,
    organizer_name: str,
    attendee: str | None,
    tz: ZoneInfo,
    now: datetime,
    summary: str = DEFAULT_SUMMARY,
    description: str = DEFAULT_DESCRIPTION,
) -> bytes:
    """A VCALENDAR with one VEVENT for the call at `start` (UTC) lasting `minutes`.

    `uid` must stay the same for one booking: a rearranged call is the same UID with a higher `sequence`,
    and a cancellation is METHOD:CANCEL with STATUS:CANCELLED, the same UID and a higher `sequence`.
    `organizer` is the hub address that sends the mail (clients check they match). Pure: `now` is DTSTAMP.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if start.tzinfo is None or now.tzinfo is None:
        raise ValueError("start and now must be timezone-aware")
    _check_address(organizer)
    begin = start.astimezone(tz)
    # The end is computed in UTC: wall-clock arithmetic would be an hour out across a clock change.
    end = (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(tz)
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", begin)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("class", "PRIVATE")
    event.add("transp", "OPAQUE")
    # Line breaks in a display name would end the ORGANIZER line early; spaces do no harm.
    event.add("organizer", _address(organizer, {"CN": " ".join(organizer_name.split())}))
    if attendee:
        _check_address(attendee)
        event.add(
            "attendee",
            _address(
                attendee,
                {
                    "ROLE": "REQ-PARTICIPANT",
                    "PARTSTAT": "NEEDS-ACTION",
                    "RSVP": "TRUE",
                    "CUTYPE": "INDIVIDUAL",
                },
            ),
        )
    return _calendar(method, event)


def _calendar(method: str, event: Event) -> bytes:
    # Calendar() rather than Calendar.new(): new() adds a random calendar UID, and the bytes must
    # depend only on the arguments (same input, same invite).
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _address(email: str, params: dict[str, str]) -> vCalAddress:
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{email}")
    address.params.update(params)
    return address


def _check_address(email: str) -> None:
    # A stray CR/LF or ':' would let a value break out of its content line.
    if "@" not in email or any(ch in email for ch in '\r\n:;"<> '):
        raise ValueError(f"not a plain email address: {email!r}")
