"""When rjmail must not pick a call time itself: email only, unclear wording, no free time inside the
person's windows, or a choice on an offer that is no longer open (SPEC section 3).

Each case gets a short, kind letter to the person where one helps ("an advisor will arrange a time
that suits you"; never silence after they chose a time) and a notification that tells the advisors
exactly what happened, so a person can arrange the call and use #book.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rjmail.adapters.tables import Case
from rjmail.cases.casework import letter_to_person, notify_advisors
from rjmail.cases.context import CaseContext
from rjmail.cases.outcomes import Refused
from rjmail.core.notice import windows_text
from rjmail.core.slots import hours_text
from rjmail.core.timewords import CallWindow
from rjmail.core.windows import describe_windows, times_unclear, windows_from_json

EMAIL_ONLY_REASON = "the person asked to be contacted by email only"
LOOK_AHEAD_DAYS = 28  # rjmail.core.slots.free_slots' horizon


def barred(ctx: CaseContext, case: Case, key: str, *, automatic: bool) -> Refused | None:
    """Why no offer may be sent at all, or None. An automatic offer on unclear wording sends the
    kind letter and tells the advisors; an advisor's #offer-call just gets the reason back."""
    if case.email_only:
        return Refused(f"No call offer was sent: {EMAIL_ONLY_REASON}.")
    if times_unclear(case.call_times, windows_from_json(case.call_windows)):
        detail = (
            f'The person wrote about call times ("{case.call_times}") in words rjmail cannot read '
            "safely as times, so no call offer was sent. Please agree a time with them and use #book."
        )
        if automatic:
            _arrange(ctx, case, key, detail)
        return Refused(detail)
    return None


def no_slot(
    ctx: CaseContext, case: Case, key: str, windows: Sequence[CallWindow] | None, *, automatic: bool
) -> Refused:
    """No free time fits: name the conflict (their wish, the hub's hours) instead of offering."""
    if windows is None:
        notify_advisors(ctx, case, "slot_none", key)
        return Refused(
            "There are no free call times in the hub's hours: no offer was sent. Use #book after "
            "agreeing a time, or add call hours."
        )
    told = " The person was told an advisor will arrange a time that suits them." if automatic else ""
    plain = windows_text([w.as_json() for w in windows])
    detail = (
        f"The person asked for calls {describe_windows(windows)} ({plain}"
        f' UK time; their words: "{case.call_times or "not kept"}"). The hub\'s call hours are: '
        f"{hours_text(ctx.hub.calls)}. No free time in the next {LOOK_AHEAD_DAYS} days fits both, "
        f"so no call offer was sent.{told} Please agree a time with them and use #book."
    )
    if automatic:
        _arrange(ctx, case, key, detail)
    else:
        notify_advisors(ctx, case, "slot_none", key, detail=detail)
    return Refused(detail)


def _arrange(ctx: CaseContext, case: Case, key: str, detail: str) -> None:
    letter_to_person(ctx, case, "call_arrange", f"arrange:{key}", {})
    notify_advisors(ctx, case, "slot_none", key, detail=detail)


def closed_choice(
    ctx: CaseContext, case: Case, number: int, when: str, why: str, key: str, words: str
) -> None:
    """A choice on a dead offer: a short answer to the person and the plain facts to the advisors."""
    sent = letter_to_person(ctx, case, "offer_closed", key, {"slot_text": when, "chosen_number": number})
    answer = (
        " They were sent a short answer saying an advisor will be in touch to arrange a time."
        if sent
        else " No answer could be sent to them."
    )
    detail = f"The person chose {number} ({when}) from an offer that {why}; nothing was booked.{answer}"
    notify_advisors(ctx, case, "offer_closed", key, detail=detail, summary=words[:1500])


def dead_reason(case_status: str, offer_status: str, expires_at: datetime, now: datetime) -> str:
    """In plain words, why an offer can no longer be taken."""
    if case_status == "on_hold":
        return "was closed when the case was put on hold"
    if offer_status == "expired" or (offer_status == "open" and expires_at <= now):
        return "has expired"
    if offer_status == "released":
        return "was withdrawn when the case changed"
    return "is no longer open"
