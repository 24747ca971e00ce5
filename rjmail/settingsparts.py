"""Readers for the parts of rjmail.toml with rules of their own: `[hubs.calls]` (call hours,
evening sessions, invite address), a hub's `languages`, and `[service] metrics_listen`."""

from __future__ import annotations

import re
from datetime import date

from rjmail.configread import _Reader, is_loopback
from rjmail.core.callhours import DAYS, CallSettings

#: Languages with a shipped letter catalogue (translations/<code>/LC_MESSAGES/rjmail.po).
LETTER_LANGUAGES = ("pl", "lt", "ro", "pt")


def read_calls(r: _Reader) -> CallSettings:
    r.unknown(
        {
            "slot_minutes",
            "offer_count",
            "min_notice_hours",
            "hold_hours",
            "hours",
            "closed_dates",
            "reminder_hours",
            "invite_address",
        }
    )
    hours_r = r.table("hours")
    hours: dict[str, tuple[str, ...]] = {}
    for day in hours_r.data:
        if day not in DAYS:
            raise hours_r.fail(day, f"day must be one of {', '.join(DAYS)}")
        spans = hours_r.strings(day)
        for span in spans:
            _check_span(hours_r, day, span)
        hours[day] = spans
    calls = CallSettings(
        slot_minutes=r.get("slot_minutes", int, 30),
        offer_count=r.get("offer_count", int, 3),
        min_notice_hours=r.get("min_notice_hours", int, 24),
        hold_hours=r.get("hold_hours", int, 72),
        hours=hours,
        closed_dates=r.strings("closed_dates"),
        reminder_hours=r.get("reminder_hours", int),
        invite_address=r.get("invite_address", str, "").strip().lower(),
    )
    if calls.invite_address and not re.fullmatch(r"[^@\s\"<>:;]+@[^@\s\"<>:;]+", calls.invite_address):
        raise r.fail("invite_address", "must be one plain email address, e.g. calls@example.org")
    if not 5 <= calls.slot_minutes <= 240:
        raise r.fail("slot_minutes", "must be between 5 and 240")
    if not 1 <= calls.offer_count <= 9:
        raise r.fail("offer_count", "must be between 1 and 9")
    for value in calls.closed_dates:
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise r.fail("closed_dates", f"'{value}' is not a date like 2026-12-24") from exc
    return calls


def _check_span(r: _Reader, day: str, span: str) -> None:
    try:
        start, end = span.split("-")
        sh, sm = (int(x) for x in start.split(":"))
        eh, em = (int(x) for x in end.split(":"))
    except ValueError as exc:
        raise r.fail(day, f"'{span}' is not like '09:00-12:00'") from exc
    if not (0 <= sh < 24 and 0 <= eh <= 24 and 0 <= sm < 60 and 0 <= em < 60) or (sh, sm) >= (eh, em):
        raise r.fail(day, f"'{span}' is not a valid time range")


def read_languages(r: _Reader) -> tuple[str, ...]:
    """`languages`: ISO 639-1 codes with a letter catalogue (shipped: pl, lt, ro, pt)."""
    if "languages" not in r.data:
        return ("pl", "lt", "ro", "pt")
    codes = tuple(c.lower() for c in r.strings("languages"))
    for code in codes:
        if code not in LETTER_LANGUAGES:
            known = ", ".join(LETTER_LANGUAGES)
            raise r.fail("languages", f"no letter catalogue for '{code}'; known: {known}")
    return codes


def read_metrics_listen(r: _Reader) -> tuple[str, int] | None:
    """`host:port` on a loopback address only: the metrics page has no authentication, so it is
    scraped through a local Prometheus agent or a reverse proxy, never exposed directly."""
    value = r.get("metrics_listen", str, "").strip()
    if not value:
        return None
    host, sep, port = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise r.fail("metrics_listen", f"'{value}' is not HOST:PORT (e.g. \"127.0.0.1:9464\")")
    if not is_loopback(host):
        raise r.fail(
            "metrics_listen",
            f"'{host}' is not a loopback address: use 127.0.0.1 or ::1 "
            "(the metrics page has no authentication)",
        )
    return host, int(port)
