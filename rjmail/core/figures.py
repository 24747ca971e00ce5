"""Pure parts of `rjmail report`: the period and its London months, percentiles, the figures of one
hub-month, and statistical disclosure control. No I/O, no clock, no database."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
SMALL = 5  # counts below this are shown as "<5" in HTML and CSV (JSON is exact, for internal use)
MAX_MONTHS = 240  # twenty years: the month CASE expression stays small


class PeriodError(ValueError):
    """A report period that cannot be used; the message says why, in plain words."""


@dataclass(frozen=True)
class Month:
    label: str  # "YYYY-MM"
    start: datetime  # aware, UTC: London midnight of the 1st (or the period start)
    end: datetime  # exclusive


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive
    months: tuple[Month, ...]

    @property
    def start(self) -> datetime:
        return self.months[0].start

    @property
    def end(self) -> datetime:
        return self.months[-1].end


def parse_day(text: str, option: str) -> date:
    value = text.strip()
    try:
        if len(value) == 10:  # fromisoformat also takes 20260401, which people do not mean
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise PeriodError(f"{option} must be a date written YYYY-MM-DD (for example 2026-04-01), not {text!r}")


def london_midnight(day: date) -> datetime:
    """The UTC instant of 00:00 in London on `day` (GMT in winter, BST in summer)."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def period(first: date, last: date) -> Period:
    """The London calendar months of [first, last], each cut to the period."""
    if last < first:
        raise PeriodError(f"--to ({last.isoformat()}) is before --from ({first.isoformat()})")
    months: list[Month] = []
    cursor = first
    while cursor <= last:
        following = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        stop = min(following, last + timedelta(days=1))
        months.append(Month(f"{cursor:%Y-%m}", london_midnight(cursor), london_midnight(stop)))
        cursor = following
        if len(months) > MAX_MONTHS:
            raise PeriodError(f"the period is longer than {MAX_MONTHS} months; ask for a shorter one")
    return Period(first, last, tuple(months))


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (as PostgreSQL's percentile_cont); None when empty."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    value = sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)
    return float(value)


def seconds(value: float | None) -> int | None:
    return None if value is None else round(value)


@dataclass
class Figures:
    """One hub-month (or a hub's totals when `month` is None): exactly the SPEC's Report JSON M."""

    month: str | None
    referrals: int = 0
    self: int = 0
    professional: int = 0
    roles: dict[str, int] = field(default_factory=dict)
    ack_median_s: int | None = None
    ack_p95_s: int | None = None
    booked_median_s: int | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    not_suitable_reasons: dict[str, int] = field(default_factory=dict)
    withdrawn: int = 0
    languages: dict[str, int] = field(default_factory=dict)

    def add_counts(self, other: Figures) -> None:
        """Counts add up across months; times do not (the caller recomputes them)."""
        self.referrals += other.referrals
        self.self += other.self
        self.professional += other.professional
        self.withdrawn += other.withdrawn
        for mine, theirs in (
            (self.roles, other.roles),
            (self.outcomes, other.outcomes),
            (self.not_suitable_reasons, other.not_suitable_reasons),
            (self.languages, other.languages),
        ):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n


@dataclass
class HubReport:
    code: str
    months: list[Figures]
    totals: Figures


@dataclass
class Report:
    first: date
    last: date
    hubs: list[HubReport]


def shown(n: int) -> str:
    """A count as people see it (HTML and CSV): below 5 it is "<5" so no one can be singled out."""
    return "<5" if n < SMALL else str(n)


def duration_text(value: int | None) -> str:
    """Seconds in words for tables: '2 min', '3.5 h', '4.0 days'; an en dash when nothing to measure."""
    if value is None:
        return "–"
    if value < 3600:
        return f"{max(value, 0) / 60:.0f} min"
    if value < 2 * 86400:
        return f"{value / 3600:.1f} h"
    return f"{value / 86400:.1f} days"
