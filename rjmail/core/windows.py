"""Call windows at work: keep only slots inside them, restate them over a later message's words,
and say them back in plain English.

Pure: the caller passes candidate slot starts (for example from rjmail.core.slots) and the person's
windows (rjmail.core.wishes). Windows are Europe/London wall-clock times, so a slot is checked in
local time on both sides of a clock change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from rjmail.core.timewords import DAYS, WEEKDAYS, WEEKEND, CallWindow
from rjmail.core.wishes import ANY_TIME, TIME_LIMIT, read_contact_wishes

LONDON = ZoneInfo("Europe/London")
_NAMES = dict(
    zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)


def _hm(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def fits(start: datetime, minutes: int, window: CallWindow, tz: ZoneInfo = LONDON) -> bool:
    """The whole slot [start, start + minutes) lies inside `window` on one of its days (local time)."""
    if start.tzinfo is None:
        raise ValueError("slot starts must be timezone-aware")
    local_start = start.astimezone(tz)
    local_end = (start + timedelta(minutes=minutes)).astimezone(tz)
    if local_end.date() != local_start.date() or DAYS[local_start.weekday()] not in window.days:
        return False
    return _hm(window.start) <= local_start.time() and local_end.time() <= _hm(window.end)


def within_windows(
    starts: Iterable[datetime], minutes: int, windows: Sequence[CallWindow] | None, tz: ZoneInfo = LONDON
) -> list[datetime]:
    """The starts whose whole slot lies inside one window; every start when `windows` is None."""
    if windows is None:
        return list(starts)
    return [s for s in starts if any(fits(s, minutes, w, tz) for w in windows)]


def excluded_days(windows: Sequence[CallWindow] | None) -> tuple[str, ...]:
    """Days on which no window allows a call, in week order ("wed" for "not on Wednesdays")."""
    if not windows:
        return ()
    allowed = {d for w in windows for d in w.days}
    return tuple(d for d in DAYS if d not in allowed)


def mentions(text: str, language: str = "en") -> bool:
    """The words name call times at all ("None of these, mornings are better")."""
    return read_contact_wishes(text, language).call_times is not None


def clock_words(hhmm: str) -> str:
    """ "18:00" -> "6pm", "18:30" -> "6:30pm", "12:00" -> "12 noon", "09:00" -> "9am"."""
    at = _hm(hhmm)
    if (at.hour, at.minute) == (12, 0):
        return "12 noon"
    hour = at.hour % 12 or 12
    minutes = f":{at.minute:02d}" if at.minute else ""
    return f"{hour}{minutes}{'am' if at.hour < 12 else 'pm'}"


_WHOLE_DAY = ("09:00", "21:00")  # the hours the reader gives words that name days only
_PARTS = {
    ("09:00", "12:00"): "mornings",
    ("12:00", "17:00"): "afternoons",
    ("17:00", "21:00"): "evenings",
    ("09:00", "17:00"): "during the day",
    ("12:00", "14:00"): "at lunchtime",
}


def _time_words(window: CallWindow) -> str:
    span = (window.start, window.end)
    if span in _PARTS:
        return _PARTS[span]
    if span == _WHOLE_DAY:
        return ""
    if window.end == "21:00":
        return f"{'evenings ' if window.start >= '17:00' else ''}after {clock_words(window.start)}"
    if window.start == "09:00":
        return f"{'mornings ' if window.end <= '12:00' else ''}before {clock_words(window.end)}"
    return f"between {clock_words(window.start)} and {clock_words(window.end)}"


def _day_words(days: tuple[str, ...]) -> tuple[str, str]:
    """(adjective or "", stand-alone words): ("weekday", "weekdays"), ("", "Mondays and Thursdays")."""
    if days == DAYS:
        return "", ""
    if days == WEEKDAYS:
        return "weekday", "weekdays"
    if days == WEEKEND:
        return "weekend", "weekends"
    if len(days) == 6:
        missing = next(d for d in DAYS if d not in days)
        return "", f"any day except {_NAMES[missing]}"
    names = [_NAMES[d] for d in days]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return listed, " and ".join(f"{n}s" for n in listed.rsplit(" and ", 1))  # "Tuesday and Thursday"


def _one(window: CallWindow) -> str:
    adjective, days = _day_words(window.days)
    when = _time_words(window)
    if not when:
        return days or "any day"
    if adjective and when.split()[0] in ("mornings", "afternoons", "evenings"):
        return f"{adjective} {when}"  # "weekday evenings after 6pm", "Tuesday and Thursday afternoons"
    if not days:
        return when
    return f"{days}, {when}" if days.startswith("any day") else f"{days} {when}"


def describe_windows(windows: Sequence[CallWindow] | None) -> str:
    """Plain English for letters: "weekday evenings after 6pm", "any day except Wednesday, during
    the day"; "any time" when there are no windows."""
    if not windows:
        return "any time"
    return " or ".join(_one(w) for w in windows)


def restate(
    before: Sequence[CallWindow] | None,
    newer: Sequence[CallWindow],
    *,
    narrows: bool = False,
    adds: bool = False,
    gives_hours: bool = True,
) -> tuple[CallWindow, ...]:
    """Newer call times over the person's earlier ones, keeping what the newer words do not restate.

    Days named without hours keep the hours given before, and hours without days keep the days:
    "Thursday works" after "only after 6pm" is Thursday after 6pm, never Thursday at 9am, and
    "mornings are better" after "not on Wednesdays" is still never a Wednesday. A limit may be there
    for the person's safety; only words that restate it lift it. Words that state both replace both;
    words that narrow neither ("every day, 9am to 9pm") leave the earlier windows as they were.
    Words that only exclude (`narrows`: "can't do Tuesdays any more", "not before 10") take their
    days and hours away from the earlier windows and add none; empty when nothing is left.
    Words that only add (`adds`: "Saturdays are OK now too") keep every earlier window and join the
    newer ones, restated the same way (a new day takes the hours every earlier day had). Words that
    name days and rule hours out but name no hours that suit (`gives_hours` False: "weekdays, just
    not Friday evenings") restate the days over the earlier hours, then take the exclusions away.
    """
    newer = tuple(newer)
    if not before:
        return newer
    if narrows:
        return _narrowed(before, newer)
    if adds:
        return _joined(before, _replaced(before, newer))
    if not gives_hours:  # the named days keep the earlier hours, less what the words rule out
        named = tuple(d for d in DAYS if any(d in w.days for w in newer))
        return _narrowed(_replaced(before, [CallWindow(named, *_WHOLE_DAY)]), newer)
    return _replaced(before, newer)


def _replaced(before: Sequence[CallWindow], newer: Sequence[CallWindow]) -> tuple[CallWindow, ...]:
    """What the newer words restate replaces the earlier; what they do not restate stays."""
    hours = any((w.start, w.end) != _WHOLE_DAY for w in newer)
    days = any(w.days != DAYS for w in newer)
    if hours and days:
        return tuple(newer)
    if not hours and not days:
        return tuple(before)
    spans: dict[tuple[str, str], set[str]] = {}
    if days:  # the newer days, each with the hours it had before; a new day the hours every day had
        for day in {d for w in newer for d in w.days}:
            for span in {(w.start, w.end) for w in before if day in w.days} or _common_spans(before):
                spans.setdefault(span, set()).add(day)
    else:  # the newer hours on the days allowed before
        allowed = {d for w in before for d in w.days}
        for w in newer:
            spans.setdefault((w.start, w.end), set()).update(allowed)
    return _built(spans)


def _joined(*windows: Sequence[CallWindow]) -> tuple[CallWindow, ...]:
    spans: dict[tuple[str, str], set[str]] = {}
    for w in (w for group in windows for w in group):
        spans.setdefault((w.start, w.end), set()).update(w.days)
    return _built(spans)


def _common_spans(before: Sequence[CallWindow]) -> set[tuple[str, str]]:
    """The hours every earlier day had: "Fridays as well" after "Tuesday mornings and Thursday
    evenings" gives Friday no hours (nothing is common), never both."""
    days = {d for w in before for d in w.days}
    per_day = [{(w.start, w.end) for w in before if d in w.days} for d in days]
    return set.intersection(*per_day) if per_day else set()


def states_days_and_hours(windows: Sequence[CallWindow]) -> bool:
    """Words that name both days and hours stand on their own; others restate earlier times."""
    return any((w.start, w.end) != _WHOLE_DAY for w in windows) and any(w.days != DAYS for w in windows)


def _narrowed(before: Sequence[CallWindow], newer: Sequence[CallWindow]) -> tuple[CallWindow, ...]:
    spans: dict[tuple[str, str], set[str]] = {}
    for w, n in ((w, n) for w in before for n in newer):
        start, end = max(w.start, n.start), min(w.end, n.end)
        if start < end:
            spans.setdefault((start, end), set()).update(set(w.days) & set(n.days))
    return _built(spans)


def _built(spans: dict[tuple[str, str], set[str]]) -> tuple[CallWindow, ...]:
    found = [CallWindow(tuple(d for d in DAYS if d in on), a, b) for (a, b), on in spans.items() if on]
    return tuple(sorted(found, key=lambda w: (w.start, w.end, [DAYS.index(d) for d in w.days])))


def windows_to_json(windows: Sequence[CallWindow] | None) -> str | None:
    """The row's JSON text for `windows` (SPEC section 7 shape); None stays None."""
    return None if windows is None else json.dumps([w.as_json() for w in windows])


def windows_from_json(text: str | None) -> tuple[CallWindow, ...] | None:
    """The row's JSON text back to windows; None (or an empty list) means no windows."""
    items = json.loads(text) if text else None
    if not items:
        return None
    return tuple(CallWindow(tuple(i["days"]), str(i["from"]), str(i["to"])) for i in items)


def windows_list(text: str | None) -> list[dict[str, object]] | None:
    """The case JSON / case view value: a list of {"days", "from", "to"}, or None."""
    windows = windows_from_json(text)
    return None if windows is None else [w.as_json() for w in windows]


def times_unclear(call_times: str | None, windows: Sequence[CallWindow] | None) -> bool:
    """The person named call times that could not be read into windows ("tomorrow morning", "early
    evening"): nothing automatic may pick a time for them; advisors read the words instead."""
    # "any time except Thursdays" that could not be read is not "any time": that could offer Thursday
    any_time = ANY_TIME.search(call_times or "") and not TIME_LIMIT.search(call_times or "")
    return bool(call_times) and windows is None and not any_time
