"""Timeline completeness (issue 16): arrival times, delivery failures on the case, a ledger reason
for follow-up letters, and new mail from a person who withdrew linked to their case.

Every function runs inside the caller's transaction.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import Session, select

from rjmail.adapters import queueing, store
from rjmail.adapters.lean import Lean
from rjmail.adapters.tables import Case, Message, OutboxItem
from rjmail.cases.casework import notify_advisors
from rjmail.cases.context import CaseContext
from rjmail.core.domain import InboundMail, ThreadMatch

WITHDRAWN_LINK = "the sender's address (they withdrew earlier)"
FAILURE_KIND = "delivery_failure"


def delivery_failed(ctx: CaseContext, item: OutboxItem, why: str) -> None:
    """A letter to a person will never arrive: on the case's timeline, and the advisors are told.
    Each failure is its own event (a letter retried by an operator can fail again)."""
    s, now = ctx.session, ctx.now
    if not item.person_letter:
        return
    case = s.get(Case, item.case_id) if item.case_id else None
    n = s.exec(
        select(func.count())
        .select_from(Message)
        .where(Message.kind == FAILURE_KIND, Message.in_reply_to == item.message_id)
    ).one()
    letter = item.kind.replace("_", " ")
    if case is not None:
        s.add(
            Message(
                case_id=case.id,
                hub=item.hub,
                direction="out",
                kind=FAILURE_KIND,
                message_id=f"<delivery-failure.{item.id}.{n + 1}@rjmail.invalid>",
                in_reply_to=item.message_id,
                subject=f"Delivery failed: {letter} letter",
                at=now,
                summary=why[:500],
            )
        )
    key = item.message_id if n == 0 else f"{item.message_id}:{n + 1}"
    notify_advisors(
        ctx.for_hub(item.hub),
        case,
        "delivery_failure",
        key,
        detail=f"The {letter} letter could not be delivered.",
    )


_CASES = Case.metadata.tables["case"]
_LATEST_OF = Lean(  # built once and run lean: this runs for every new message (issue 17)
    core_select(_CASES.c.id, _CASES.c.withdrawn_at)
    .where(
        (_CASES.c.referrer_email == bindparam("sender")) | (_CASES.c.referred_email == bindparam("sender")),
        _CASES.c.anonymised_at.is_(None),
    )
    .order_by(_CASES.c.created_at.desc(), _CASES.c.id.desc())
    .limit(1)
)


def link_withdrawn(s: Session, mail: InboundMail, thread: ThreadMatch, seen: bool) -> ThreadMatch:
    """New, unthreaded mail from someone whose latest case is withdrawn belongs on that case (and to
    the advisors), not in a new case with an automatic acknowledgement: they asked for silence."""
    if seen or thread.case is not None or not mail.from_addr:
        return thread
    s.flush()  # as a Session query would: a case opened earlier in this transaction counts
    sender = mail.from_addr.lower()  # addresses are stored lower-case
    latest = _LATEST_OF.first(s.connection(), {"sender": sender})
    if latest is None or latest[1] is None:  # (id, withdrawn_at): only whether it is set matters
        return thread
    case = s.get(Case, latest[0])
    return ThreadMatch(case=store.snapshot(s, case), by=WITHDRAWN_LINK) if case else thread


def queued(s: Session) -> int:
    """How many letters this transaction has queued so far."""
    return len(queueing.queued_in(s))


def follow_up_reason(s: Session, before: int, what: str | None) -> str:
    """The ledger's words for what a follow-up (withdrawal, booking, clarification, advisor
    command, call offer) sent, so "why did / didn't they get a reply?" is answered for it too."""
    if not what:
        return ""
    added = queueing.queued_in(s)[before:]
    people = sorted({o.kind for o in added if o.person_letter})
    advisors = any(not o.person_letter for o in added)
    sent = f"sent {', '.join(people)}" if people else "no letter to the person"
    return f"; follow-up {what}: {sent}" + ("; advisors notified" if advisors else "")
