"""The slot filter and the plain-English description of call windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rjmail.core.timewords import CallWindow
from rjmail.core.windows import (
    clock_words,
    describe_windows,
    excluded_days,
    mentions,
    restate,
    within_windows,
)

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
ALL = (*WEEKDAYS, "sat", "sun")


def at(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


class TestWithinWindows:
    def test_keeps_only_slots_wholly_inside(self) -> None:
        """A 30-minute slot must end by the window's end: 20:30 fits 18-21, 20:45 does not."""
        window = CallWindow(WEEKDAYS, "18:00", "21:00")
        starts = [at(1, 17, 45), at(1, 18), at(1, 20, 30), at(1, 20, 45)]  # 1 March 2027 is a Monday
        assert within_windows(starts, 30, [window]) == [at(1, 18), at(1, 20, 30)]

    def test_excluded_day_is_never_kept(self) -> None:
        """ "not on Wednesdays": a Wednesday slot is dropped, Tuesday and Thursday kept."""
        window = CallWindow(("mon", "tue", "thu", "fri", "sat", "sun"), "09:00", "17:00")
        starts = [at(2, 10), at(3, 10), at(4, 10)]  # Tue, Wed, Thu
        assert within_windows(starts, 30, [window]) == [at(2, 10), at(4, 10)]

    def test_local_time_across_clock_change(self) -> None:
        """Windows are London wall-clock: 09:00 BST is 08:00 UTC and still a morning slot."""
        window = CallWindow(ALL, "09:00", "12:00")
        summer = datetime(2027, 4, 5, 8, 0, tzinfo=UTC)  # 09:00 BST
        winter = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # 08:00 GMT
        assert within_windows([summer, winter], 30, [window]) == [summer]

    def test_any_of_several_windows(self) -> None:
        """A slot inside any window is kept."""
        windows = [CallWindow(ALL, "09:00", "12:00"), CallWindow(ALL, "17:00", "21:00")]
        starts = [at(1, 9), at(1, 13), at(1, 18)]
        assert within_windows(starts, 30, windows) == [at(1, 9), at(1, 18)]

    def test_no_windows_keeps_everything(self) -> None:
        """None means "any time"."""
        starts = [at(1, 9) + timedelta(hours=h) for h in range(3)]
        assert within_windows(starts, 30, None) == starts

    def test_naive_start_is_refused(self) -> None:
        """A naive datetime has no place in time; refuse it."""
        with pytest.raises(ValueError, match="aware"):
            within_windows([datetime(2027, 3, 1, 10, 0)], 30, [CallWindow(ALL, "09:00", "12:00")])


class TestDescribe:
    @pytest.mark.parametrize(
        ("windows", "expected"),
        [
            ([CallWindow(WEEKDAYS, "18:00", "21:00")], "weekday evenings after 6pm"),
            (
                [CallWindow(("mon", "tue", "thu", "fri", "sat", "sun"), "09:00", "17:00")],
                "any day except Wednesday, during the day",
            ),
            ([CallWindow(ALL, "12:00", "17:00")], "afternoons"),
            ([CallWindow(ALL, "10:00", "14:00")], "between 10am and 2pm"),
            ([CallWindow(("sat", "sun"), "09:00", "21:00")], "weekends"),
            ([CallWindow(("tue", "thu"), "12:00", "17:00")], "Tuesday and Thursday afternoons"),
            ([CallWindow(WEEKDAYS, "09:00", "11:00")], "weekday mornings before 11am"),
            ([CallWindow(ALL, "09:00", "12:00"), CallWindow(ALL, "17:00", "21:00")], "mornings or evenings"),
            (
                [CallWindow(("mon", "tue", "thu"), "18:00", "21:00")],
                "Monday, Tuesday and Thursday evenings after 6pm",
            ),
            ([CallWindow(("mon", "thu"), "09:00", "21:00")], "Mondays and Thursdays"),
            ([CallWindow(("fri",), "10:00", "14:00")], "Fridays between 10am and 2pm"),
            (None, "any time"),
        ],
    )
    def test_plain_english(self, windows: list[CallWindow] | None, expected: str) -> None:
        """Windows read back in the person's terms for letters."""
        assert describe_windows(windows) == expected

    def test_clock_words(self) -> None:
        """Clock times in letter style."""
        times = ("18:00", "18:30", "12:00", "09:00")
        assert [clock_words(t) for t in times] == ["6pm", "6:30pm", "12 noon", "9am"]


def test_excluded_days() -> None:
    """Days no window allows, for saying "never on a Wednesday"."""
    six_days = CallWindow(("mon", "tue", "thu", "fri", "sat", "sun"), "09:00", "21:00")
    assert excluded_days([six_days]) == ("wed",)
    assert excluded_days(None) == ()


def test_mentions() -> None:
    """A reply naming call times is recognised; a slot choice is not."""
    assert mentions("None of these, mornings are better")
    assert not mentions("2 please")


class TestRestate:
    """A later message's call times over the earlier ones: what the newer words do not restate stays."""

    AFTER_SIX = (CallWindow(ALL, "18:00", "21:00"),)

    def test_days_without_hours_keep_the_hours_given_before(self) -> None:
        """ "only after 6pm", then "Thursday works": Thursday after 6pm, never Thursday at 9am."""
        assert restate(self.AFTER_SIX, [CallWindow(("thu",), "09:00", "21:00")]) == (
            CallWindow(("thu",), "18:00", "21:00"),
        )

    def test_hours_without_days_keep_the_days_allowed_before(self) -> None:
        """ "not on Wednesdays", then "mornings are better": mornings, still never a Wednesday."""
        not_wednesday = (CallWindow(("mon", "tue", "thu", "fri", "sat", "sun"), "09:00", "21:00"),)
        assert restate(not_wednesday, [CallWindow(ALL, "09:00", "12:00")]) == (
            CallWindow(("mon", "tue", "thu", "fri", "sat", "sun"), "09:00", "12:00"),
        )

    def test_new_hours_replace_the_old_ones(self) -> None:
        """ "None of these, mornings are better" after "after 6pm": mornings, every day allowed before."""
        assert restate(self.AFTER_SIX, [CallWindow(ALL, "09:00", "12:00")]) == (
            CallWindow(ALL, "09:00", "12:00"),
        )

    def test_words_that_state_days_and_hours_replace_both(self) -> None:
        newer = [CallWindow(("sat",), "10:00", "14:00")]
        assert restate(self.AFTER_SIX, newer) == tuple(newer)

    def test_a_known_day_keeps_its_own_hours_and_a_new_day_only_hours_every_day_had(self) -> None:
        """ "Fridays as well, same times as the Thursday" after "Tuesday mornings and Thursday
        evenings": Friday never gets the Tuesday mornings the person did not offer for it."""
        before = (CallWindow(("mon",), "09:00", "12:00"), CallWindow(("fri",), "12:00", "17:00"))
        assert restate(before, [CallWindow(("fri", "sat"), "09:00", "21:00")]) == (
            CallWindow(("fri",), "12:00", "17:00"),
        )
        shared = (CallWindow(("mon", "fri"), "09:00", "12:00"), CallWindow(("fri",), "17:00", "21:00"))
        assert restate(shared, [CallWindow(("sat",), "09:00", "21:00")]) == (
            CallWindow(("sat",), "09:00", "12:00"),
        )

    def test_nothing_before_or_nothing_restated(self) -> None:
        newer = [CallWindow(("thu",), "09:00", "21:00")]
        assert restate(None, newer) == restate((), newer) == tuple(newer)
        assert restate(self.AFTER_SIX, [CallWindow(ALL, "09:00", "21:00")]) == self.AFTER_SIX

    def test_words_that_only_exclude_narrow_and_never_add(self) -> None:
        """ "any weekday after half 6", then "can't do Tuesdays any more": the weekend stays out."""
        weekday_evenings = (CallWindow(("mon", "tue", "wed", "thu", "fri"), "18:30", "21:00"),)
        not_tuesday = [CallWindow(("mon", "wed", "thu", "fri", "sat", "sun"), "09:00", "21:00")]
        assert restate(weekday_evenings, not_tuesday, narrows=True) == (
            CallWindow(("mon", "wed", "thu", "fri"), "18:30", "21:00"),
        )
        # the same words read as days that replace would have added Saturday and Sunday
        assert "sat" in restate(weekday_evenings, not_tuesday)[0].days

    def test_an_hours_exclusion_narrows_each_earlier_window(self) -> None:
        """ "weekday mornings", then "not before 10 now": 10-12 on weekdays, not 10-9pm every day."""
        before = (CallWindow(("mon", "fri"), "09:00", "12:00"), CallWindow(("sat",), "18:00", "21:00"))
        assert restate(before, [CallWindow(ALL, "10:00", "21:00")], narrows=True) == (
            CallWindow(("mon", "fri"), "10:00", "12:00"),
            CallWindow(("sat",), "18:00", "21:00"),
        )

    def test_excluding_every_earlier_day_leaves_nothing(self) -> None:
        """Nothing left is no windows: with the words kept, the times are unclear and advisors arrange."""
        tuesdays = (CallWindow(("tue",), "09:00", "21:00"),)
        others = [CallWindow(("mon", "wed", "thu", "fri", "sat", "sun"), "09:00", "21:00")]
        assert restate(tuesdays, others, narrows=True) == ()

    def test_words_that_only_add_keep_every_earlier_window(self) -> None:
        """ "weekday evenings", then "Saturdays are OK now too": Saturday evenings join, no weekday
        evening is lost (read as days that replace, only Saturday would be left)."""
        weekday_evenings = (CallWindow(ALL[:5], "17:00", "21:00"),)
        saturday = [CallWindow(("sat",), "09:00", "21:00")]
        assert restate(weekday_evenings, saturday, adds=True) == (CallWindow(ALL[:6], "17:00", "21:00"),)
        assert restate(weekday_evenings, saturday) == (CallWindow(("sat",), "17:00", "21:00"),)
        mornings = [CallWindow(ALL, "09:00", "12:00")]
        assert restate(weekday_evenings, mornings, adds=True) == (
            CallWindow(ALL[:5], "09:00", "12:00"),
            CallWindow(ALL[:5], "17:00", "21:00"),
        )
