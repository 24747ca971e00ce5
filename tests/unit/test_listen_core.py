"""The pure parts of listening to the person: slots inside call windows (evening sessions too), the
hub's hours in words, a bare option number, unclear times, the row's JSON, and which fields a message
states (newest wins)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from rjmail.cases.wishes import stated_changes
from rjmail.core.callhours import CallSettings
from rjmail.core.choice import reads_as_option
from rjmail.core.slots import free_slots, hours_text
from rjmail.core.timewords import CallWindow
from rjmail.core.windows import times_unclear, windows_from_json, windows_list, windows_to_json
from rjmail.core.wishes import read_contact_wishes

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
EVENING_HUB = CallSettings(hours={d: ("09:00-12:00", "17:30-20:00") for d in WEEKDAYS})
AFTER_SIX = (CallWindow(WEEKDAYS, "18:00", "21:00"),)


def local(slots: list) -> list[datetime]:  # type: ignore[type-arg]
    return [s.start.astimezone(LONDON) for s in slots]


def test_evening_sessions_give_slots_inside_an_after_six_window_only():
    slots = local(free_slots(EVENING_HUB, LONDON, MONDAY, (), 3, windows=AFTER_SIX))

    assert len(slots) == 3
    assert all(s.weekday() < 5 and (s.hour, s.minute) >= (18, 0) for s in slots)
    assert all((s.hour, s.minute) <= (19, 30) for s in slots)  # the 30 minutes end by 20:00


def test_no_slot_fits_a_window_outside_the_hubs_hours():
    daytime = CallSettings(hours={d: ("09:00-17:00",) for d in WEEKDAYS})
    assert free_slots(daytime, LONDON, MONDAY, (), 3, windows=AFTER_SIX) == []


def test_without_windows_the_spread_is_unchanged():
    assert free_slots(EVENING_HUB, LONDON, MONDAY, (), 3) == free_slots(
        EVENING_HUB, LONDON, MONDAY, (), 3, windows=None
    )


def test_an_excluded_day_is_never_offered():
    not_wednesday = (CallWindow(("mon", "tue", "thu", "fri", "sat", "sun"), "09:00", "17:00"),)
    slots = local(free_slots(EVENING_HUB, LONDON, MONDAY, (), 6, windows=not_wednesday))
    assert slots and all(s.weekday() != 2 for s in slots)


def test_the_hubs_hours_read_as_words_for_advisors():
    assert hours_text(EVENING_HUB).startswith("Mon 09:00-12:00, 17:30-20:00; Tue")
    assert hours_text(CallSettings()) == "no call hours are set"


@pytest.mark.parametrize("text", ["1", "1 please", "Option 2", "number 3, thanks", "the second one", "#2"])
def test_a_bare_option_number_reads_as_a_choice(text: str):
    assert reads_as_option(text)


@pytest.mark.parametrize("text", ["Yes please", "call me", "I was 1 of them", "1 more thing to say: " * 5])
def test_other_replies_do_not_read_as_a_choice(text: str):
    assert not reads_as_option(text)


def test_unclear_times_are_words_without_windows_but_any_time_is_clear():
    assert times_unclear("tomorrow morning", None)
    assert not times_unclear("any time", None)
    assert not times_unclear(None, None)
    assert not times_unclear("after 6pm on weekdays", AFTER_SIX)


def test_windows_survive_the_row_and_read_as_the_case_json_shape():
    text = windows_to_json(AFTER_SIX)
    assert windows_from_json(text) == AFTER_SIX
    assert windows_list(text) == [{"days": list(WEEKDAYS), "from": "18:00", "to": "21:00"}]
    assert windows_to_json(None) is None and windows_list(None) is None and windows_list("[]") is None


def test_a_message_states_only_the_fields_it_mentions():
    changes = stated_changes(read_contact_wishes("Please don't leave a voicemail."))
    assert changes == {"voicemail_ok": False}


def test_unclear_wording_replaces_the_windows_with_none():
    changes = stated_changes(read_contact_wishes("Please call me tomorrow morning."))
    assert changes["call_windows"] is None and changes["call_times"]


def test_later_call_times_are_restated_over_the_windows_before_them():
    before = read_contact_wishes("Please only call me after 6pm, he is home during the day.").call_windows
    changes = stated_changes(read_contact_wishes("Please call me on Thursday."), before)
    assert changes["call_times"] == "Thursday"  # the person's own words, as written
    assert windows_list(changes["call_windows"]) == [{"days": ["thu"], "from": "18:00", "to": "21:00"}]
    unclear = stated_changes(read_contact_wishes("Please call me tomorrow morning."), before)
    assert unclear["call_windows"] is None  # unclear newer words still stop anything automatic


@pytest.mark.parametrize(
    "later", ["Could you do a Wednesday or a Thursday instead?", "Sorry, not Wednesdays please."]
)
def test_days_or_an_exclusion_after_times_rjmail_could_not_read_stay_unclear(later: str):
    """ "after half 6 in the evening, any night" was unclear; "Wednesday or Thursday" on its own would
    be Wednesday and Thursday from 9am. Nothing readable to restate it over: still nothing automatic,
    and advisors read both sets of words."""
    first = read_contact_wishes("The best time to call me is after half 6 in the evening, any night.")
    assert first.call_windows is None and times_unclear(first.call_times, None)
    changes = stated_changes(read_contact_wishes(later), None, first.call_times)
    assert changes["call_windows"] is None
    assert changes["call_times"].startswith(f"{first.call_times}; ")
    assert times_unclear(changes["call_times"], None)
    both = stated_changes(read_contact_wishes("Wednesday evenings after 7 please."), None, first.call_times)
    assert windows_list(both["call_windows"]) == [{"days": ["wed"], "from": "19:00", "to": "21:00"}]


def test_email_only_turns_off_calls_and_a_later_call_request_lifts_it():
    assert stated_changes(read_contact_wishes("Please only email me."))["email_only"] is True
    later = stated_changes(read_contact_wishes("I would welcome a telephone call to discuss this."))
    assert later["wants_call"] is True and later["email_only"] is False


def test_a_later_not_wednesday_evenings_narrows_weekday_evenings_to_the_other_evenings():
    before = read_contact_wishes("Please call weekdays after 6pm.").call_windows
    changes = stated_changes(
        read_contact_wishes("Not Wednesday evenings any more, I've got a class."), before
    )
    assert windows_list(changes["call_windows"]) == [
        {"days": ["mon", "tue", "thu", "fri"], "from": "18:00", "to": "21:00"}
    ]
