"""Readings a reviewer found wider than the person allowed (or too slow), on the change that added
"too", exclusion-only sentences, pairs and the booking guard. Each case is held here."""

from __future__ import annotations

import time

import pytest

from rjmail.cases.wishes import stated_changes
from rjmail.core.windows import times_unclear, windows_list, windows_to_json
from rjmail.core.wishes import read_contact_wishes

ALL = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def windows(text: str) -> list[tuple[tuple[str, ...], str, str]] | None:
    found = read_contact_wishes(text).call_windows
    return None if found is None else [(w.days, w.start, w.end) for w in found]


def later(first: str, then: str) -> list[dict[str, object]] | None:
    before = read_contact_wishes(first)
    changes = stated_changes(read_contact_wishes(then), before.call_windows, before.call_times)
    kept = windows_to_json(before.call_windows)  # a message with no call times keeps the windows
    return windows_list(changes.get("call_windows", kept))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please call after 6 at the earliest", [(ALL, "18:00", "21:00")]),
        ("Please leave it till 10, at the very earliest.", [(ALL, "10:00", "21:00")]),
        ("Please call till 10 At the earliest", [(ALL, "10:00", "21:00")]),
        ("Please call after 6 at the latest", None),
    ],
)
def test_at_the_earliest_and_latest(text: str, expected: object) -> None:
    assert windows(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Please call Mondays not Tuesdays after 6",  # which words does "not" govern?
        "Please call after one",
        "Please call Mondays after ten to six",  # "after ten" alone would be 10am
        "please call no later than 4",
    ],
)
def test_times_whose_reach_is_a_guess_are_unclear(text: str) -> None:
    wishes = read_contact_wishes(text)
    assert wishes.call_windows is None and times_unclear(wishes.call_times, wishes.call_windows)


def test_a_ruled_out_day_is_not_paired_with_a_time_the_person_praises() -> None:
    """ "not Wednesdays evenings are best": Wednesday stays out whole, never only its evening."""
    found = windows("Please call not Wednesdays evenings are best")
    assert found is not None and all("wed" not in days for days, _, _ in found)


@pytest.mark.parametrize(
    "then", ["Mondays are out now. Tuesdays too.", "Mondays are no good now, and Tuesdays as well."]
)
def test_too_after_a_day_ruled_out_rules_its_day_out_as_well(then: str) -> None:
    assert later("Please call weekdays after 6pm.", then) == [
        {"days": ["wed", "thu", "fri"], "from": "18:00", "to": "21:00"}
    ]


def test_a_day_someone_is_home_is_taken_away_beside_the_windows() -> None:
    assert windows("Please call weekdays after 6, my husband is home on Wednesdays.") == [
        (("mon", "tue", "thu", "fri"), "18:00", "21:00")
    ]
    # and "too" beside it no longer adds: the new words replace, without the Wednesday
    assert later(
        "Please call weekdays after 6pm.", "My husband is home on Wednesdays now, Saturdays are OK too."
    ) == [{"days": ["sat"], "from": "18:00", "to": "21:00"}]


def test_days_with_an_exclusion_but_no_hours_keep_the_earlier_hours() -> None:
    """ "just not Friday evenings" leaves daytime hours on Friday; read as stated hours they would
    lift the earlier "evenings"."""
    assert later("Please call in the evenings.", "Weekdays are fine, just not Friday evenings.") == [
        {"days": ["mon", "tue", "wed", "thu"], "from": "17:00", "to": "21:00"}
    ]


@pytest.mark.parametrize("unit", ["please call mondays ", "not mondays ", "after 6 ", "10:00 "])
def test_a_long_message_is_read_in_linear_time(unit: str) -> None:
    """50 KB of call-time words took up to 151 s (a clause scan per item): the daemon would stall."""
    text = unit * (50_000 // len(unit))
    started = time.perf_counter()
    read_contact_wishes(text)
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        # only the Thursday evening goes; nothing is added to "weekdays after 5"
        (
            "Any time is fine except Thursday evenings.",
            [{"days": ["mon", "tue", "wed", "fri"], "from": "17:00", "to": "21:00"}],
        ),
        (
            "Fine any time apart from Monday mornings.",
            [{"days": list(ALL[:5]), "from": "17:00", "to": "21:00"}],
        ),
    ],
)
def test_a_later_except_a_day_part_only_narrows(then: str, expected: object) -> None:
    assert later("Please call weekdays after 5.", then) == expected


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        (
            "Oops, I meant after 7pm.",
            [{"days": ["mon", "tue", "wed", "thu"], "from": "19:00", "to": "21:00"}],
        ),
        ("sorry i meant before 11", [{"days": ["mon", "tue", "wed", "thu"], "from": "09:00", "to": "11:00"}]),
        ("I meant to say Wednesdays only.", [{"days": ["wed"], "from": "17:30", "to": "21:00"}]),
        # a time in a story, not a correction of the call times: the windows stay
        (
            "I mean it was after 8pm when they left.",
            [{"days": ["mon", "tue", "wed", "thu"], "from": "17:30", "to": "21:00"}],
        ),
        # a correction rjmail cannot read: nothing automatic
        ("I mean after my operation.", None),
    ],
)
def test_a_later_correction_with_no_call_word_restates_the_times(then: str, expected: object) -> None:
    assert later("Please ring Monday to Thursday after 5.30.", then) == expected


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        # the unread words may hold a condition ("only when the kids are at school", "when he isn't
        # around") the correction does not repeat: a review found "Sorry I mean before 3" offering
        # weekends after "only when the kids are at school". So nothing automatic
        ("Sorry, I mean after 8pm.", None),
        ("I meant Saturdays after 7.", None),
        ("I mean Saturdays.", None),
        ("After 8pm please.", None),
    ],
)
def test_a_correction_after_unclear_words_stays_unclear(then: str, expected: object) -> None:
    assert later("Please phone me. I'm normally free once my shift finishes.", then) == expected


THU_OUT = "Please ring in the afternoon, but never on Thursdays."
AFTERNOONS = {"from": "12:00", "to": "17:00"}


@pytest.mark.parametrize(
    ("first", "then", "days"),
    [
        # the day ruled out before suits again: it joins the earlier days, with their hours
        (THU_OUT, "Thursdays are fine now.", list(ALL)),
        (THU_OUT, "I could do Thursdays again.", list(ALL)),
        (THU_OUT, "Thursday is possible after all.", list(ALL)),
        (
            "Please ring in the afternoon, but weekends are a no-go.",
            "Sundays are okay again.",
            [*ALL[:5], "sun"],
        ),
        # not a lift: a move to that day, a preference, a day never ruled out, or more than that day
        (THU_OUT, "Just Thursdays now.", ["thu"]),
        (THU_OUT, "Thursdays are best now.", ["thu"]),
        ("Please ring Tuesday afternoons.", "Thursdays are fine now.", ["thu"]),
        (THU_OUT, "Thursdays and Fridays are fine now.", ["thu", "fri"]),
        (THU_OUT, "Are Thursdays fine now?", ["thu"]),  # a question lifts nothing
        # still ruled out
        (THU_OUT, "Thursdays still aren't OK now.", ["mon", "tue", "wed", "fri", "sat", "sun"]),
    ],
)
def test_a_day_ruled_out_before_that_suits_again_joins_the_earlier_days(
    first: str, then: str, days: list[str]
) -> None:
    assert later(first, then) == [{"days": days, **AFTERNOONS}]


@pytest.mark.parametrize(
    "text",
    [
        "a phone chat would be good" + " \t" * 25_000 + "x",  # took 41 s before the fix
        "a phone chat would be good ," + " " * 50_000 + "x",
        "ready to talk" + "\u00a0" * 50_000 + "x",
    ],
)
def test_long_blank_runs_are_read_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    read_contact_wishes(text)
    assert time.perf_counter() - started < 2.0
