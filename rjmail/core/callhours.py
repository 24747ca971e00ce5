"""A hub's call hours as plain values: the pure core plans calls from these, settings fills them in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class CallSettings:
    slot_minutes: int = 30
    offer_count: int = 3
    min_notice_hours: int = 24
    hold_hours: int = 72
    hours: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # "mon" -> ("09:00-12:00", ...)
    closed_dates: tuple[str, ...] = ()
    reminder_hours: int | None = None  # None: no reminder (off by default)
    # A neutral alias delivered into the hub mailbox, used as the invite's ORGANIZER so a shared
    # calendar never shows the hub's (police) address; "" uses the hub address and the letter
    # then promises less.
    invite_address: str = ""
