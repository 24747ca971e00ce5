"""The context of one case transaction, and the letter queue every case operation writes to."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from rjmail.adapters.tables import Case, Message
from rjmail.core.domain import LetterSpec
from rjmail.runtime import Runtime
from rjmail.settings import HubSettings

# Timeline kinds are the case-JSON vocabulary (SPEC section 7); these letters are recorded as the
# nearest kind in it (the outbox keeps the exact template name).
TIMELINE_KIND = {
    "closed_reply": "acknowledgement",
    "clarify_choice": "call_offer",
    "slot_taken": "call_offer",
}


@dataclass(frozen=True)
class CaseContext:
    """One transaction: the open session, what the runtime built, the hub acting, and the time.

    `hub` is the hub that owns the case (a message about another hub's case is that hub's
    business), which may differ from the hub whose mailbox the message arrived in."""

    session: Session
    rt: Runtime
    hub: HubSettings
    now: datetime

    def for_hub(self, code: str) -> CaseContext:
        """The same transaction acting for another hub (e.g. a bounce about that hub's letter)."""
        return self if code == self.hub.code else replace(self, hub=self.rt.settings.hub(code))


def queue_letter(ctx: CaseContext, case: Case | None, letter: LetterSpec, summary: str | None = None) -> None:
    """Render the letter into the outbox and, for a letter to a person, put it on the timeline."""
    item = ctx.rt.composer.compose(
        ctx.hub.code, case, letter, ctx.now, summary=summary[:400] if summary else None
    )
    ctx.session.add(item)
    if case is not None and not letter.to_advisors:
        ctx.session.add(
            Message(
                case_id=case.id,
                hub=ctx.hub.code,
                direction="out",
                kind=TIMELINE_KIND.get(letter.kind, letter.kind),
                message_id=item.message_id,
                in_reply_to=letter.reply_to_message_id,
                subject=item.subject,
                at=ctx.now,
                raw_size=len(item.raw),
            )
        )
