"""Free phone-call slots from a hub's weekly hours, their plain-words text, and advisor `#book` times.

Slots are built as local wall-clock times in the hub's zone (Europe/London) and only then converted to
UTC, so a 09:00 slot is 09:00 local on both sides of a clock change (08:00 UTC in summer, 09:00 UTC in
winter). Local times the clock skips or repeats are never offered or accepted: they cannot be said
unambiguously in a letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from rjmail.core.bankholidays import bank_holidays
from rjmail.core.callhours import DAYS, CallSettings
from rjmail.core.timewords import CallWindow
from rjmail.core.windows import within_windows

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_BOOK = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+|T)(\d{1,2})[:.](\d{2})\s*")


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC

    @classmethod
    def starting(cls, start: datetime, minutes: int) -> Slot:
        """The slot of `minutes` beginning at `start` (e.g. an advisor's `#book` time)."""
        start = start.astimezone(UTC)
        return cls(start, start + timedelta(minutes=minutes))


def free_slots(
    calls: CallSettings,
    tz: ZoneInfo,
    now: datetime,
    taken: Iterable[datetime],
    count: int,
    horizon_days: int = 28,
    windows: Sequence[CallWindow] | None = None,
) -> list[Slot]:
    """Up to `count` free slots to offer, in time order.

    Candidates: every `slot_minutes` slot lying wholly inside one of the day's `calls.hours` spans (local
    time), on the days from today to `horizon_days` ahead, starting at least `min_notice_hours` after
    `now`, not on an England & Wales bank holiday or a `closed_dates` day, and not overlapping a `taken`
    start (booked, or held by an open offer; naive values are read as UTC because SQLite drops the zone),
    and, when the person gave call `windows`, lying wholly inside one of them (never on a day they
    excluded). The filter comes before the spreading, so all `count` places go to times they can take.

    Spreading, so the person gets a real choice: at first at most one slot per day, from the earliest
    `count` days that have any; on alternate days (1st, 3rd, ... offered day) the earliest slot, on the
    others (2nd, 4th, ...) the earliest afternoon slot (12:00 or later) when the day has one, so mornings
    and afternoons alternate. Only when fewer than `count` days have room are the remaining places filled
    with the earliest unused slots.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if count <= 0:
        return []
    blocked = [_as_utc(t) for t in taken]
    earliest = now + timedelta(hours=calls.min_notice_hours)
    candidates = _candidates(calls, tz, now.astimezone(tz).date(), horizon_days)
    free = sorted({s for s in candidates if s.start >= earliest and not _clashes(s, blocked)})
    if windows is not None:
        inside = set(within_windows([s.start for s in free], calls.slot_minutes, windows, tz))
        free = [s for s in free if s.start in inside]
    return _spread(free, count, tz)


def hours_text(calls: CallSettings) -> str:
    """The hub's weekly call hours for advisors: "Mon 09:00-12:00, 17:30-20:00; Tue 09:00-16:00"."""
    days = [f"{d.title()} {', '.join(calls.hours[d])}" for d in DAYS if calls.hours.get(d)]
    return "; ".join(days) or "no call hours are set"


def slot_text(slot: Slot, tz: ZoneInfo) -> str:
    """Plain words in local time: "Tuesday 8 December at 10:30am", "Wednesday 9 December at 2pm"."""
    # Names come from tables, not strftime, so the words do not depend on the server's locale.
    local = slot.start.astimezone(tz)
    return f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} at {_clock(local)}"


def parse_book_time(text: str, tz: ZoneInfo) -> datetime | None:
    """Advisor `#book` time "2026-12-08 10:30" (local) -> aware UTC; None if invalid, skipped or repeated."""
    match = _BOOK.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute = (int(g) for g in match.groups())
    try:
        naive = datetime(year, month, day, hour, minute)  # naive on purpose: a wall time, zone added below
    except ValueError:
        return None
    return _local_to_utc(naive, tz)


def _spread(free: Sequence[Slot], count: int, tz: ZoneInfo) -> list[Slot]:
    """Pick `count` of the time-ordered `free` slots by the rule in `free_slots`' docstring."""
    by_day: dict[date, list[Slot]] = {}
    for slot in free:
        by_day.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    chosen: list[Slot] = []
    for index, day_slots in enumerate(list(by_day.values())[:count]):
        afternoons = [s for s in day_slots if s.start.astimezone(tz).hour >= 12]
        chosen.append(afternoons[0] if index % 2 == 1 and afternoons else day_slots[0])
    chosen += [s for s in free if s not in chosen][: count - len(chosen)]
    return sorted(chosen)


def _clock(local: datetime) -> str:
    if (local.hour, local.minute) == (12, 0):
        return "12 noon"
    if (local.hour, local.minute) == (0, 0):
        return "12 midnight"
    suffix = "am" if local.hour < 12 else "pm"
    hour = local.hour % 12 or 12
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def _local_to_utc(naive: datetime, tz: ZoneInfo) -> datetime | None:
    """A local wall time -> UTC, or None when that wall time does not exist or happens twice."""
    # For both a gap (spring forward) and a fold (fall back) the two readings of `fold` disagree.
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        return None
    return first.astimezone(UTC)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _clashes(slot: Slot, blocked: Sequence[datetime]) -> bool:
    """True when a taken slot (assumed to be as long as this one) overlaps it."""
    length = slot.end - slot.start
    return any(start < slot.end and slot.start < start + length for start in blocked)


def _candidates(calls: CallSettings, tz: ZoneInfo, first: date, horizon_days: int) -> Iterator[Slot]:
    closed = _closed_days(calls, first.year, (first + timedelta(days=horizon_days)).year)
    minutes = calls.slot_minutes
    for offset in range(horizon_days + 1):
        day = first + timedelta(days=offset)
        if day in closed:
            continue
        for span in calls.hours.get(DAYS[day.weekday()], ()):
            begin, end = _span_minutes(span)
            for at in range(begin, end - minutes + 1, minutes):
                slot = _local_slot(day, at, minutes, tz)
                if slot is not None:
                    yield slot


def _local_slot(day: date, at_minute: int, minutes: int, tz: ZoneInfo) -> Slot | None:
    """The slot starting `at_minute` after local midnight of `day`, or None across a clock change."""
    midnight = datetime(day.year, day.month, day.day)  # naive on purpose: a wall time
    start = _local_to_utc(midnight + timedelta(minutes=at_minute), tz)
    end = _local_to_utc(midnight + timedelta(minutes=at_minute + minutes), tz)
    # A slot that spans a change would last an hour more or less than it says on the letter.
    if start is None or end is None or end - start != timedelta(minutes=minutes):
        return None
    return Slot(start, end)


def _span_minutes(span: str) -> tuple[int, int]:
    """ "09:00-12:00" -> (540, 720); the format was checked when the settings were loaded."""
    begin, end = span.split("-")
    bh, bm = (int(x) for x in begin.split(":"))
    eh, em = (int(x) for x in end.split(":"))
    return bh * 60 + bm, eh * 60 + em


def _closed_days(calls: CallSettings, first_year: int, last_year: int) -> frozenset[date]:
    closed: set[date] = set()
    for text in calls.closed_dates:
        try:
            closed.add(date.fromisoformat(text.strip()))
        except ValueError:
            # Failing loudly beats offering a call on a day the hub said it is closed.
            raise ValueError(f"calls.closed_dates: '{text}' is not a date like 2026-12-24") from None
    return bank_holidays(first_year, last_year) | closed
