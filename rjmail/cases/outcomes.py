"""Typed results of case operations: an advisor's command is done or refused, never a string code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Done:
    """The operation happened; `message` is the line the advisor reads."""

    message: str

    ok = True


@dataclass(frozen=True)
class Refused:
    """Nothing was changed; `message` says why, in words the advisor can act on."""

    message: str

    ok = False


Result = Done | Refused


class ChoiceOutcome(StrEnum):
    """What a person's reply to a call offer led to."""

    BOOKED = "booked"
    SLOT_TAKEN = "slot_taken"  # someone else took the time first: fresh times were offered
    REOFFERED = "reoffered"  # asked for other times: a second offer went out
    NONE_SUIT = "none_suit"  # none suit and no further offer: advisors told
    CLARIFY = "clarify"  # unclear: one letter asking which time
    OFFER_CLOSED = "offer_closed"  # chose from an offer no longer open: answered, advisors told
    NOT_ABOUT_CALL = "not_about_call"
