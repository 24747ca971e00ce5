"""What an advisor's notification shows, in the order a phone screen needs it.

Safety first: an advisor who glances at a notification on a phone must see "EMAIL ONLY" or
"NO VOICEMAIL" before a phone number. Then the person the case is about, then (for professional
referrals) the professional who referred them, as a separate block so an officer's mobile is never
read as the victim's. Times are local and in words; the summary is cut at a sentence or word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rjmail.core.slots import Slot, slot_text

SUMMARY_LIMIT = 1200
_YES_NO: dict[object, str] = {True: "yes", False: "no"}
_DAY_NAMES = {d: d.title() for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
LONDON = ZoneInfo("Europe/London")
LANGUAGE_NAMES = {"en": "English", "pl": "Polish", "lt": "Lithuanian", "ro": "Romanian", "pt": "Portuguese"}


def shorten(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """`text` cut to at most `limit` characters at a sentence end, else at a word, with "…".

    A sentence end is preferred when it keeps at least half of the allowance; a cut mid-word
    ("Proszę n") reads as a different word, and in Polish can change the meaning.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    sentence_end = max(head.rfind(mark) for mark in (". ", "! ", "? ", ".\n", "!\n", "?\n"))
    if sentence_end >= limit // 2:
        return head[: sentence_end + 1].rstrip() + " …"
    word_end = max(head.rfind(" "), head.rfind("\n"))
    cut = head[:word_end] if word_end > 0 else head
    return cut.rstrip(" ,;:-–") + "…"


def local_time(value: datetime | str | None, tz: ZoneInfo) -> str | None:
    """'Tuesday 8 December 2026 at 1pm' in the hub's time zone; None stays None."""
    if value is None:
        return None
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo("UTC"))
    words = slot_text(Slot(when, when), tz)
    day, _, clock = words.rpartition(" at ")
    return f"{day} {when.astimezone(tz).year} at {clock}"


def windows_text(windows: Sequence[Mapping[str, Any]] | None) -> str | None:
    """[{"days": ["mon", …], "from": "18:00", "to": "21:00"}] -> 'Mon–Fri 18:00–21:00'."""
    if not windows:
        return None
    return "; ".join(f"{_days(list(w.get('days') or []))} {w.get('from')}–{w.get('to')}" for w in windows)


def _days(days: list[str]) -> str:
    week = list(_DAY_NAMES)
    if days == week:
        return "any day"
    if days == week[:5]:
        return "Mon–Fri"
    if days == week[5:]:
        return "Sat–Sun"
    return ", ".join(_DAY_NAMES.get(d, d) for d in days)


@dataclass(frozen=True)
class NoticeView:
    """Rows for the notification templates; each row is (label, value)."""

    safety: tuple[str, ...]
    person: tuple[tuple[str, str], ...]
    referrer: tuple[tuple[str, str], ...]
    case: tuple[tuple[str, str], ...]


def safety_lines(case: Mapping[str, Any]) -> tuple[str, ...]:
    """The warnings an advisor must see before picking up the phone."""
    lines: list[str] = []
    if case.get("email_only"):
        lines.append("EMAIL ONLY: do not phone or text this person.")
    if case.get("voicemail_ok") is False:
        lines.append("NO VOICEMAIL: do not leave a message.")
    if case.get("texts_ok") is False:
        lines.append("NO TEXTS: do not send text messages.")
    windows = windows_text(case.get("call_windows"))
    if windows and not case.get("email_only"):
        lines.append(f"CALL ONLY: {windows} (UK time).")
    return tuple(lines)


def notice_view(case: Mapping[str, Any], tz: ZoneInfo) -> NoticeView:
    """Group a case's fields (the case JSON view) into the blocks of a notification."""
    professional = case.get("referral_type") == "professional"
    referred = case.get("referred_person") or {}
    person_name = referred.get("name") if professional else case.get("referrer_name")
    person_email = referred.get("email") if professional else case.get("referrer_email")
    language = case.get("letter_language") or case.get("language")
    person = [
        ("Name", person_name or "not given"),
        ("Email", person_email or ("none: phone only" if professional else "not given")),
        ("Phone", case.get("phone") or "not given"),
        ("Role", case.get("role") or "not known"),
        ("Wants a call", _YES_NO.get(case.get("wants_call"), "not said")),
        ("Their words", case.get("call_times") or "not given"),
        ("Voicemail OK", _YES_NO.get(case.get("voicemail_ok"), "not said")),
        ("Language", LANGUAGE_NAMES.get(language or "", language or "not given")),
        ("Access needs", case.get("access_needs") or "none stated"),
    ]
    referrer: list[tuple[str, str]] = []
    if professional:
        referrer = [
            ("Name", case.get("referrer_name") or "not given"),
            ("Organisation", case.get("organisation") or "not given"),
            ("Email", case.get("referrer_email") or "not given"),
            ("Phone", case.get("referrer_phone") or "not given"),
        ]
    facts = [
        ("Case", f"{case.get('ref') or 'none'} ({(case.get('status') or 'new').replace('_', ' ')})"),
        ("Crime ref", case.get("crime_reference") or "not given"),
        ("Advisor", case.get("advisor") or "not assigned"),
    ]
    booked = local_time(case.get("call_slot"), tz)
    if booked:
        facts.append(("Call booked", booked))
    return NoticeView(safety_lines(case), tuple(person), tuple(referrer), tuple(facts))


def with_notice(context: Mapping[str, Any], tz: ZoneInfo = LONDON) -> dict[str, Any]:
    """`context` plus the notification blocks of its `case` (None without a case). A message from an
    address not on the case (`stranger`) says so first, above every other safety line."""
    case = context.get("case")
    view = notice_view(case, tz) if case else None
    if view is not None and context.get("stranger"):
        warning = f"NOT FROM AN ADDRESS ON THIS CASE: {context.get('sender') or 'unknown sender'}"
        view = replace(view, safety=(warning, *view.safety))
    return {**context, "notice": view}
