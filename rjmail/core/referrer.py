"""Status updates for the professional who referred someone (hub setting `tell_referrer`).

Only two neutral words ever reach the professional: the case was accepted, or it is closed. Why a
case closed (not suitable, the person withdrew) is the person's business, never the referrer's.
"""

from __future__ import annotations

from rjmail.core.domain import CaseStatus

_ENDED = frozenset({CaseStatus.CLOSED, CaseStatus.NOT_SUITABLE, CaseStatus.WITHDRAWN})


def referrer_update(referral_type: str, before: str, status: CaseStatus) -> str | None:
    """ "accepted", "closed" or None (nothing to say) for a status change of a case."""
    if referral_type != "professional":
        return None
    ended_before = before in {s.value for s in _ENDED}
    if status in _ENDED:
        return None if ended_before else "closed"
    if status == CaseStatus.IN_PROGRESS and before != CaseStatus.IN_PROGRESS.value and not ended_before:
        return "accepted"
    return None
