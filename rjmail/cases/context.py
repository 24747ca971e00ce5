"""The context of one case transaction, and the letter queue every case operation writes to."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import structlog
from sqlmodel import Session

from rjmail.adapters import queueing, store
from rjmail.adapters.tables import Case
from rjmail.core.addresses import all_valid
from rjmail.core.domain import LetterSpec
from rjmail.core.letterkinds import TIMELINE_KIND
from rjmail.runtime import Runtime
from rjmail.settings import HubSettings

log = structlog.get_logger("rjmail.cases")


@dataclass(frozen=True)
class CaseContext:
    """One transaction: the open session, what the runtime built, the hub acting, and the time.

    `hub` is the hub that owns the case (a message about another hub's case is that hub's
    business), which may differ from the hub whose mailbox the message arrived in."""

    session: Session
    rt: Runtime
    hub: HubSettings
    now: datetime
    arrived: datetime | None = None  # when the message being filed reached the mailbox (INTERNALDATE)

    def for_hub(self, code: str) -> CaseContext:
        """The same transaction acting for another hub (e.g. a bounce about that hub's letter)."""
        return self if code == self.hub.code else replace(self, hub=self.rt.settings.hub(code))


def queue_letter(ctx: CaseContext, case: Case | None, letter: LetterSpec, summary: str | None = None) -> None:
    """Render the letter into the outbox and, for a letter to a person, put it on the timeline.
    A letter whose recipients are not each exactly one valid address is never queued (SPEC section 6:
    recipients are data, never strings to split); the advisors are told instead."""
    if not (letter.to and all_valid(letter.to)):
        _refuse_bad_address(ctx, case, letter)
        return
    item = ctx.rt.composer.compose(ctx.hub.code, case, letter, ctx.now, summary=summary)
    if ctx.session.new:
        ctx.session.flush()  # rows added before this letter keep the earlier ids (timeline order)
    queueing.add(ctx.session, item)
    if case is not None and not letter.to_advisors:
        store.add_outbound(
            ctx.session,
            case,
            ctx.hub.code,
            TIMELINE_KIND.get(letter.kind, letter.kind),
            item.message_id,
            letter.reply_to_message_id,
            item.subject,
            ctx.now,
            len(item.raw),
        )


def _refuse_bad_address(ctx: CaseContext, case: Case | None, letter: LetterSpec) -> None:
    log.warning(
        "letter_refused_bad_address", hub=ctx.hub.code, ref=case.ref if case else None, kind=letter.kind
    )
    if letter.to_advisors:
        return  # an advisor list is configuration; `rjmail check` is where that shows
    detail = (
        f"The {letter.kind.replace('_', ' ')} letter was not sent: the email address on the case "
        "is not one valid address. Please check it and contact the person another way if that "
        "is safe."
    )
    notice = LetterSpec(
        kind="notification",
        to=ctx.hub.notify,
        to_advisors=True,
        context={"event": "bad_address", "detail": detail},
        idempotency_key=f"notify:bad_address:{letter.idempotency_key}",
    )
    queue_letter(ctx, case, notice)
