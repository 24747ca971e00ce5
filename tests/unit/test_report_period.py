"""The report's pure parts: London months around the clock changes, date checks, percentiles, "<5"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rjmail.core.figures import PeriodError, duration_text, parse_day, percentile, period, shown


def test_months_follow_london_time_across_the_spring_clock_change():
    p = period(date(2026, 3, 1), date(2026, 4, 30))
    assert [m.label for m in p.months] == ["2026-03", "2026-04"]
    assert p.months[0].start == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # GMT
    assert p.months[1].start == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)  # 1 April 00:00 BST
    assert p.end == datetime(2026, 4, 30, 23, 0, tzinfo=UTC)


def test_months_follow_london_time_across_the_autumn_clock_change():
    p = period(date(2026, 10, 1), date(2026, 11, 30))
    assert p.start == datetime(2026, 9, 30, 23, 0, tzinfo=UTC)  # 1 October 00:00 BST
    assert p.months[1].start == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)  # GMT again


def test_a_period_cut_mid_month_keeps_its_own_edges_and_crosses_the_year():
    p = period(date(2025, 12, 15), date(2026, 1, 10))
    assert [m.label for m in p.months] == ["2025-12", "2026-01"]
    assert p.start == datetime(2025, 12, 15, tzinfo=UTC)
    assert p.end == datetime(2026, 1, 11, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-13-01", "01/04/2026", "20260401", "2026-4-1", "", "april"])
def test_a_date_that_is_not_yyyy_mm_dd_is_refused_with_the_expected_form(text):
    with pytest.raises(PeriodError, match="--from must be a date written YYYY-MM-DD"):
        parse_day(text, "--from")


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(PeriodError, match="before --from"):
        period(date(2026, 4, 1), date(2026, 3, 31))


def test_percentiles_interpolate_between_ranks_as_postgresql_does():
    values = [60.0, 120.0, 300.0, 600.0]
    assert percentile(values, 0.5) == 210.0
    assert percentile(values, 0.95) == pytest.approx(555.0)
    assert percentile([42.0], 0.95) == 42.0
    assert percentile([], 0.5) is None


def test_counts_below_five_are_shown_as_less_than_five():
    assert [shown(n) for n in (0, 1, 4, 5, 17)] == ["<5", "<5", "<5", "5", "17"]


def test_durations_read_in_minutes_hours_or_days():
    assert duration_text(None) == "–"
    assert duration_text(90) == "2 min"
    assert duration_text(5400) == "1.5 h"
    assert duration_text(172800) == "2.0 days"
