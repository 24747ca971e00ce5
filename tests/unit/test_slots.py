"""Free call slots: weekly hours, notice, taken slots, bank holidays, closed days, clock changes, words."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rjmail.core.slots import Slot, free_slots, parse_book_time, slot_text
from rjmail.settings import CallSettings

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
EVERY_DAY = (*WEEKDAYS, "sat", "sun")


def _calls(
    spans: tuple[str, ...] = ("09:00-12:00", "13:00-16:00"),
    days: tuple[str, ...] = WEEKDAYS,
    *,
    slot_minutes: int = 30,
    min_notice_hours: int = 24,
    closed_dates: tuple[str, ...] = (),
) -> CallSettings:
    """CallSettings with the same `spans` on each of `days`."""
    return CallSettings(
        slot_minutes=slot_minutes,
        min_notice_hours=min_notice_hours,
        hours={d: spans for d in days},
        closed_dates=closed_dates,
    )


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _local(slot: Slot) -> datetime:
    """The slot start as London wall time."""
    return slot.start.astimezone(LONDON)


def _all(calls: CallSettings, now: datetime, taken: tuple[datetime, ...] = (), days: int = 28) -> list[Slot]:
    """Every free slot (no spreading: asking for more than there can be)."""
    return free_slots(calls, LONDON, now, taken, count=10_000, horizon_days=days)


def test_slots_lie_wholly_inside_spans() -> None:
    """A slot is offered only where all of it fits inside one span."""
    slots = _all(_calls(("09:00-10:45",), ("mon",)), _utc(2026, 12, 1, 9), days=7)
    assert [(_local(s).hour, _local(s).minute) for s in slots] == [(9, 0), (9, 30), (10, 0)]
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)


def test_slot_minutes_setting_is_used() -> None:
    """Slots are `slot_minutes` long and step by that length."""
    slots = _all(_calls(("09:00-12:00",), ("mon",), slot_minutes=45), _utc(2026, 12, 1, 9), days=7)
    assert [_local(s).strftime("%H:%M") for s in slots] == ["09:00", "09:45", "10:30", "11:15"]


def test_notice_period_is_respected() -> None:
    """Nothing starts sooner than min_notice_hours after now."""
    now = _utc(2026, 12, 7, 10, 15)  # Monday
    slots = _all(_calls(min_notice_hours=24), now)
    assert slots[0].start == _utc(2026, 12, 8, 10, 30)
    assert all(s.start >= now + timedelta(hours=24) for s in slots)


def test_zero_notice_still_skips_the_past() -> None:
    """With no notice period, a slot already started is not offered."""
    slots = _all(_calls(min_notice_hours=0), _utc(2026, 12, 7, 10, 15))
    assert slots[0].start == _utc(2026, 12, 7, 10, 30)


def test_taken_slots_are_skipped() -> None:
    """A booked or held start is never offered again."""
    calls = _calls(("09:00-10:00",), ("tue",))
    taken = (_utc(2026, 12, 8, 9),)
    slots = _all(calls, _utc(2026, 12, 1, 9), taken, days=7)
    assert [s.start for s in slots] == [_utc(2026, 12, 8, 9, 30)]


def test_naive_taken_values_are_read_as_utc() -> None:
    """A naive taken start (SQLite drops the zone) counts as UTC."""
    calls = _calls(("09:00-10:00",), ("tue",))
    slots = _all(calls, _utc(2026, 12, 1, 9), (datetime(2026, 12, 8, 9, 30),), days=7)
    assert [s.start for s in slots] == [_utc(2026, 12, 8, 9)]


def test_overlapping_taken_slot_blocks() -> None:
    """A taken slot that only overlaps (hours changed since) still blocks the candidate."""
    calls = _calls(("09:00-10:00",), ("tue",))
    slots = _all(calls, _utc(2026, 12, 1, 9), (_utc(2026, 12, 8, 9, 15),), days=7)
    assert slots == []


def test_full_days_are_skipped() -> None:
    """A day whose slots are all taken gives nothing; the offer moves on to the next days."""
    calls = _calls(("09:00-10:00",))
    tuesday = (_utc(2026, 12, 8, 9), _utc(2026, 12, 8, 9, 30))
    offered = free_slots(calls, LONDON, _utc(2026, 12, 7, 8), tuesday, count=3)
    assert [_local(s).date() for s in offered] == [date(2026, 12, 9), date(2026, 12, 10), date(2026, 12, 11)]


def test_offer_spreads_over_days_and_alternates_morning_afternoon() -> None:
    """At most one slot a day at first: the earliest, then an afternoon, then the earliest again."""
    offered = free_slots(_calls(), LONDON, _utc(2026, 12, 5, 12), (), count=3)
    assert [_local(s).strftime("%a %H:%M") for s in offered] == ["Mon 09:00", "Tue 13:00", "Wed 09:00"]


def test_offer_fills_from_one_day_when_only_one_day_is_open() -> None:
    """When fewer days than `count` are open, the remaining places take the earliest unused slots."""
    calls = _calls(("09:00-12:00",), ("wed",))
    offered = free_slots(calls, LONDON, _utc(2026, 12, 7, 8), (), count=3, horizon_days=6)
    assert [_local(s).strftime("%d %H:%M") for s in offered] == ["09 09:00", "09 09:30", "09 10:00"]


def test_offer_count_and_order() -> None:
    """Exactly `count` slots, in time order; none when count is 0."""
    offered = free_slots(_calls(), LONDON, _utc(2026, 12, 1, 9), (), count=5)
    assert len(offered) == 5
    assert offered == sorted(offered)
    assert free_slots(_calls(), LONDON, _utc(2026, 12, 1, 9), (), count=0) == []


def test_horizon_limits_the_search() -> None:
    """Nothing further ahead than horizon_days is offered."""
    now = _utc(2026, 12, 1, 9)
    slots = _all(_calls(), now, days=3)
    assert slots
    assert all(s.start.date() <= date(2026, 12, 4) for s in slots)


def test_no_hours_gives_no_slots() -> None:
    """A hub without call hours offers nothing (and does not fail)."""
    assert free_slots(CallSettings(), LONDON, _utc(2026, 12, 1, 9), (), count=3) == []


@pytest.mark.parametrize(
    "holiday", [date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28), date(2027, 1, 1)]
)
def test_bank_holidays_are_skipped(holiday: date) -> None:
    """England & Wales bank holidays, substitute days included, have no slots."""
    slots = _all(_calls(days=EVERY_DAY), _utc(2026, 12, 20, 9), days=14)
    days = {_local(s).date() for s in slots}
    assert holiday not in days
    assert date(2026, 12, 24) in days and date(2026, 12, 29) in days and date(2027, 1, 2) in days


def test_closed_dates_are_skipped() -> None:
    """A hub's own closed dates have no slots."""
    calls = _calls(closed_dates=("2026-12-09", "2026-12-10"))
    days = {_local(s).date() for s in _all(calls, _utc(2026, 12, 7, 8), days=6)}
    assert days == {date(2026, 12, 8), date(2026, 12, 11)}


def test_bad_closed_date_fails_loudly() -> None:
    """A typo in closed_dates is an error, not a silently open day."""
    with pytest.raises(ValueError, match="closed_dates"):
        free_slots(_calls(closed_dates=("2026-13-01",)), LONDON, _utc(2026, 12, 1, 9), (), count=3)


def test_naive_now_is_rejected() -> None:
    """`now` must be aware: a naive clock would shift every slot by the UTC offset."""
    with pytest.raises(ValueError, match="aware"):
        free_slots(_calls(), LONDON, datetime(2026, 12, 1, 9), (), count=3)


def test_spring_forward_keeps_local_hours() -> None:
    """After 2027-03-28 a 09:00 slot is 08:00 UTC; before it 09:00 UTC."""
    slots = _all(_calls(("09:00-09:30",)), _utc(2027, 3, 22, 0), days=16)
    by_day = {_local(s).date(): s.start for s in slots}
    assert by_day[date(2027, 3, 25)] == _utc(2027, 3, 25, 9)  # Thursday, GMT
    assert by_day[date(2027, 4, 5)] == _utc(2027, 4, 5, 8)  # Monday, BST
    assert all(_local(s).hour == 9 for s in slots)
    assert date(2027, 3, 26) not in by_day and date(2027, 3, 29) not in by_day  # Good Friday, Easter Monday


def test_fall_back_keeps_local_hours() -> None:
    """After 2026-10-25 a Monday 09:00 slot is 09:00 UTC; the Friday before it was 08:00 UTC."""
    slots = _all(_calls(("09:00-09:30",)), _utc(2026, 10, 19, 0), days=8)
    by_day = {_local(s).date(): s.start for s in slots}
    assert by_day[date(2026, 10, 23)] == _utc(2026, 10, 23, 8)
    assert by_day[date(2026, 10, 26)] == _utc(2026, 10, 26, 9)


def test_skipped_night_hour_is_never_offered() -> None:
    """On 2027-03-28 local 01:00-02:00 does not exist: no slot starts, ends or runs in it."""
    slots = _all(_calls(("00:30-03:00",), ("sun",)), _utc(2027, 3, 27, 0), days=1)
    assert [_local(s).strftime("%H:%M") for s in slots] == ["02:00", "02:30"]
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)


def test_repeated_night_hour_is_never_offered() -> None:
    """On 2026-10-25 local 01:00-02:00 happens twice: slots touching it would be ambiguous."""
    slots = _all(_calls(("00:00-03:00",), ("sun",), min_notice_hours=0), _utc(2026, 10, 24, 0), days=1)
    assert [_local(s).strftime("%H:%M") for s in slots] == ["00:00", "02:00", "02:30"]


@pytest.mark.parametrize(
    ("start", "text"),
    [
        (_utc(2026, 12, 8, 10, 30), "Tuesday 8 December at 10:30am"),
        (_utc(2026, 12, 9, 14), "Wednesday 9 December at 2pm"),
        (_utc(2026, 12, 10, 12), "Thursday 10 December at 12 noon"),
        (_utc(2026, 12, 10, 12, 30), "Thursday 10 December at 12:30pm"),
        (_utc(2026, 12, 11, 9, 5), "Friday 11 December at 9:05am"),
        (_utc(2027, 6, 1, 8), "Tuesday 1 June at 9am"),  # BST: words are local time
        (_utc(2027, 1, 4, 0), "Monday 4 January at 12 midnight"),
    ],
)
def test_slot_text(start: datetime, text: str) -> None:
    """Slots read as plain words in London time, without ":00"."""
    assert slot_text(Slot.starting(start, 30), LONDON) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-08 10:30", _utc(2026, 12, 8, 10, 30)),
        ("  2026-12-08T10:30 ", _utc(2026, 12, 8, 10, 30)),
        ("2026-12-08 9.05", _utc(2026, 12, 8, 9, 5)),
        ("2027-07-08 10:30", _utc(2027, 7, 8, 9, 30)),  # BST
        ("2027-03-28 01:30", None),  # skipped by the clock (spring forward)
        ("2026-10-25 01:30", None),  # happens twice (fall back)
        ("2026-02-30 10:00", None),
        ("2026-12-08 25:00", None),
        ("2026-12-08", None),
        ("tomorrow at 10", None),
        ("", None),
    ],
)
def test_parse_book_time(text: str, expected: datetime | None) -> None:
    """#book takes a local "YYYY-MM-DD HH:MM" and refuses impossible or ambiguous times."""
    assert parse_book_time(text, LONDON) == expected


def test_slot_starting() -> None:
    """Slot.starting makes a UTC slot of the given length."""
    slot = Slot.starting(datetime(2026, 12, 8, 10, 30, tzinfo=LONDON), 45)
    assert slot == Slot(_utc(2026, 12, 8, 10, 30), _utc(2026, 12, 8, 11, 15))
