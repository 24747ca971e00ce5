"""Guards on who a letter goes to, and on what counts as an automatic reply (SPEC section 6).

Hooks: pipeline.queue_letter asks `refused` before composing; pipeline.follow_up calls
`mark_advisor_triggered` after an advisor's commands ran.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import structlog
from sqlmodel import Session

from rjmail.adapters.tables import Case, OutboxItem
from rjmail.core.addresses import BadAddressError, all_valid, load
from rjmail.core.domain import LetterSpec

if TYPE_CHECKING:
    from rjmail.pipeline import Runtime
    from rjmail.settings import HubSettings

log = structlog.get_logger("rjmail.recipients")


def refused(s: Session, rt: Runtime, hub: HubSettings, case: Case | None, letter: LetterSpec,
            now: datetime) -> bool:
    """True when the letter must not be queued: some recipient is not exactly one valid address.
    Nothing is sent to anyone then; the advisors are told instead (never silently dropped)."""
    if letter.to and all_valid(letter.to):
        return False
    log.warning("letter_refused_bad_address", hub=hub.code, ref=case.ref if case else None,
                kind=letter.kind)
    if letter.to_advisors:
        return True  # an advisor list is configuration; `rjmail check` is where that shows
    from rjmail import casework

    casework.notify_advisors(
        s, rt, hub, case, "bad_address", f"{letter.idempotency_key}", now,
        detail=f"The {letter.kind.replace('_', ' ')} letter was not sent: the email address on the "
               "case is not one valid address. Please check it and contact the person another way "
               "if that is safe.")
    return True


def mark_advisor_triggered(s: Session) -> int:
    """Letters queued in this transaction by an advisor's command are not automatic replies: the
    loop guard (auto_replies_per_address_per_day) must not count them."""
    marked = 0
    for obj in list(s.new):
        if isinstance(obj, OutboxItem) and obj.auto_reply:
            obj.auto_reply = False
            marked += 1
    return marked


def bounce_matches(item: OutboxItem, bounced_recipients: tuple[str, ...]) -> bool:
    """A delivery report counts only when it names a recipient this letter was really sent to: a
    forged "bounce" quoting a real letter's Message-ID with another address changes nothing."""
    try:
        sent_to = {a.lower() for a in load(item.recipients)}
    except BadAddressError:
        return False
    return bool(sent_to & {r.lower() for r in bounced_recipients})
