"""Retired: contact wishes now live in rjmail.core.wishes (one place for them).

These names stay for callers not yet moved (rjmail.core.decide reads `wants_call` on replies).
"""

from __future__ import annotations

from rjmail.core.sentences import sentences
from rjmail.core.wishes import read_contact_wishes
from rjmail.core.wishwords import voicemail_ok, wants_call

__all__ = ["call_times", "sentences", "voicemail_ok", "wants_call"]


def call_times(text: str) -> str | None:
    """The person's own words giving good or safe times to call, or None."""
    return read_contact_wishes(text).call_times
