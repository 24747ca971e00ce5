"""The newest wish wins: contact wishes stated in a later message of the person update the case
(SPEC section 3, "Listening to the person").

Only fields the new message states change; what it does not mention stays as it was, inside the call
times too (days without hours keep the earlier hours: rjmail.core.windows.restate). A message from
an address that is not on the case, or one our own server saw fail DMARC, changes nothing: someone
else must not be able to lift an "email only" or a "no voicemail". The audit trail records which
fields changed (never their values or the words).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog

from rjmail.adapters import store
from rjmail.adapters.tables import Case
from rjmail.cases.context import CaseContext
from rjmail.core.authresults import auth_failure
from rjmail.core.domain import InboundMail
from rjmail.core.timewords import CallWindow, read_items
from rjmail.core.windows import (
    restate,
    states_days_and_hours,
    times_unclear,
    windows_from_json,
    windows_to_json,
)
from rjmail.core.wishes import ContactWishes, read_contact_wishes

log = structlog.get_logger("rjmail.cases")


def from_the_person(case: Case, mail: InboundMail) -> bool:
    sender = (mail.from_addr or "").lower()
    return bool(sender) and sender in {a.lower() for a in (case.referrer_email, case.referred_email) if a}


def stated_changes(
    wishes: ContactWishes, before: Sequence[CallWindow] | None = None, before_words: str | None = None
) -> dict[str, Any]:
    """The case fields a message states, as row values (pure: what it does not say is absent).
    Call times are restated over the windows `before` them (`before_words`: the words they came
    from): days without hours keep the hours."""
    changes: dict[str, Any] = {}
    if wishes.call_times is not None:
        # Unclear wording keeps no windows: nothing automatic picks a time; advisors read the words.
        changes["call_times"] = wishes.call_times
        newer = wishes.call_windows
        partial = wishes.narrows or not states_days_and_hours(newer or ())
        if newer and partial and times_unclear(before_words, before):
            # "not Wednesdays" or "Thursdays" after times rjmail could not read ("after half 6, any
            # night"): nothing readable to restate them over, so the times stay unclear
            changes["call_times"], newer = f"{before_words}; {wishes.call_times}", None
        restated = (
            None
            if newer is None
            else restate(
                before,
                newer,
                narrows=wishes.narrows,
                adds=wishes.adds or _lifted(wishes, before, before_words),
                gives_hours=wishes.gives_hours,
            )
        )
        changes["call_windows"] = windows_to_json(restated)
    for name in ("voicemail_ok", "texts_ok", "wants_call"):
        if getattr(wishes, name) is not None:
            changes[name] = getattr(wishes, name)
    if wishes.email_only:
        changes["email_only"], changes["wants_call"] = True, False
    elif wishes.wants_call:
        changes["email_only"] = False  # a newer call request from the person lifts "email only"
    return changes


def _lifted(wishes: ContactWishes, before: Sequence[CallWindow] | None, before_words: str | None) -> bool:
    """ "Fridays are OK now" after words that ruled Fridays out ("not Fridays", "he is home on
    Fridays"): the day joins the earlier windows, as with "too". Only a day the earlier windows leave
    out and the earlier words ruled out: after "Mondays after 6", "Fridays are OK now" may be a move,
    so it restates the days as before (the narrower reading)."""
    if not wishes.lifts or not before or not wishes.call_windows:
        return False
    days = {d for w in wishes.call_windows for d in w.days}
    allowed = {d for w in before for d in w.days}
    items, busy = read_items(before_words or "")
    # a day the earlier words name but the windows leave out was ruled out ("not Fridays", "not Friday
    # evenings" after "after 6", "weekends are out"; the stored words may stop before the "are out")
    named = {d for i in [*items, *busy] for d in i.days}
    return bool(days) and not days & allowed and days <= named


def update_from_message(ctx: CaseContext, case: Case, mail: InboundMail, own_words: str) -> tuple[str, ...]:
    """Apply the wishes the person states in `own_words` to `case`; returns the fields that changed."""
    if not own_words.strip() or not from_the_person(case, mail):
        return ()
    if auth_failure(mail, frozenset(ctx.hub.trusted_authserv_ids)):  # our server saw a forged From
        return ()
    wishes = read_contact_wishes(own_words, case.letter_language or "en")
    stated = stated_changes(wishes, windows_from_json(case.call_windows), case.call_times)
    changed = tuple(name for name, value in stated.items() if getattr(case, name) != value)
    if not changed:
        return ()
    for name in changed:
        setattr(case, name, stated[name])
    case.updated_at = ctx.now
    ctx.session.add(case)
    store.audit(
        ctx.session,
        "person",
        "change",
        case.ref,
        "contact wishes updated from the person's message: " + ", ".join(changed),
        now=ctx.now,
    )
    log.info("contact_wishes_updated", ref=case.ref, fields=list(changed))
    return changed
