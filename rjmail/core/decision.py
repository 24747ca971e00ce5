"""The value a decision is, and the letters it carries (split from rjmail.core.decide).

Pure: values only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rjmail.core.domain import (
    Action,
    CaseStatus,
    FollowUp,
    InboundMail,
    LetterSpec,
    MessageKind,
    Referral,
)
from rjmail.core.voice import sender_text


@dataclass(frozen=True)
class HubPolicy:
    code: str
    notify: tuple[str, ...]
    on_closed_reply: str = "notify"
    auto_reply_limit: int = 5


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str
    case_ref: str | None = None
    referral: Referral | None = None
    timeline_kind: MessageKind | None = None
    new_status: CaseStatus | None = None
    letters: tuple[LetterSpec, ...] = ()
    suppressed: tuple[str, ...] = field(default=())  # "letter: why it was not sent"
    follow_up: FollowUp | None = None
    note: str | None = None  # an internal note for the case's timeline (e.g. why nothing changed)
    # The person's own, verified voice (address on the case, signed thread, no DMARC failure): only
    # then may their words change the case (withdrawal, slot choice, contact-wish updates).
    person_verified: bool = False

    @property
    def ledger_reason(self) -> str:
        parts = [self.reason]
        parts += [f"sent {letter.kind}" for letter in self.letters if not letter.to_advisors]
        parts += [f"suppressed {s}" for s in self.suppressed]
        return "; ".join(parts)


def ack(mail: InboundMail, to: str, kind: str, key: str) -> LetterSpec:
    # A Message-ID we had to invent (the sender gave none) means nothing to the person's mail client.
    invented = mail.message_id.endswith("@rjmail.invalid>")
    return LetterSpec(
        kind=kind,
        to=(to,),
        reply_to_message_id=None if invented else mail.message_id,
        references=() if invented else mail.references,
        idempotency_key=key,
    )


def notify(
    policy: HubPolicy,
    event: str,
    mail: InboundMail,
    key: str,
    detail: str | None = None,
    who: dict[str, object] | None = None,
) -> LetterSpec:
    """An advisor notification about `mail`; it always names who really wrote it."""
    return LetterSpec(
        kind="notification",
        to=policy.notify,
        to_advisors=True,
        context={"event": event, "detail": detail, "sender": sender_text(mail), **(who or {})},
        idempotency_key=f"notify:{event}:{key}",
    )
