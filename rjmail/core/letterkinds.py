"""Every letter rjmail writes, defined once: who reads it and how the case timeline names it.

The template files (templates/<kind>.*.j2), the outbox's `person_letter` flag, the letter language
rules, the timeline kind and `rjmail templates preview` all derive from this table, so a new letter
is added in one place (tests/unit/test_letterkinds.py checks the templates against it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Audience(StrEnum):
    PERSON = "person"  # the person the case is about: care standard, their language first
    PROFESSIONAL = "professional"  # a professional who referred someone: English, no victim wording
    ADVISOR = "advisor"  # the hub's advisors: notifications and command confirmations


@dataclass(frozen=True)
class LetterKind:
    name: str
    audience: Audience
    # The case-JSON timeline kind (SPEC section 7) when it differs from `name`: letters outside that
    # vocabulary are recorded as the nearest kind in it (the outbox keeps the exact template name).
    timeline: str | None = None


KINDS: tuple[LetterKind, ...] = (
    LetterKind("acknowledgement", Audience.PERSON),
    LetterKind("call_offer", Audience.PERSON),
    LetterKind("booking_confirmation", Audience.PERSON),
    LetterKind("next_steps", Audience.PERSON),
    LetterKind("not_suitable", Audience.PERSON),
    LetterKind("withdrawal_confirmation", Audience.PERSON),
    LetterKind("reminder", Audience.PERSON),
    LetterKind("closed_reply", Audience.PERSON, timeline="acknowledgement"),
    LetterKind("clarify_choice", Audience.PERSON, timeline="call_offer"),
    LetterKind("slot_taken", Audience.PERSON, timeline="call_offer"),
    LetterKind("introduction", Audience.PERSON),
    LetterKind("call_arrange", Audience.PERSON),
    LetterKind("offer_closed", Audience.PERSON),
    LetterKind("referral_acknowledgement", Audience.PROFESSIONAL),
    LetterKind("referrer_update", Audience.PROFESSIONAL),
    LetterKind("notification", Audience.ADVISOR),
    LetterKind("command_result", Audience.ADVISOR),
)

ALL_KINDS = tuple(k.name for k in KINDS)
PERSON_LETTERS = frozenset(k.name for k in KINDS if k.audience == Audience.PERSON)
PROFESSIONAL_LETTERS = frozenset(k.name for k in KINDS if k.audience == Audience.PROFESSIONAL)
TIMELINE_KIND = {k.name: k.timeline for k in KINDS if k.timeline}
