"""What to do with a classified message: case changes and letters, with the reason for each.

Pure: every fact the decision needs (case snapshot, how many automatic replies this address got
today, the hub's policy) is passed in, and the result is a value the store applies in one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rjmail.core.autoreply import is_noreply
from rjmail.core.choice import reads_as_option
from rjmail.core.domain import (
    Action,
    CaseSnapshot,
    CaseStatus,
    Classification,
    FollowUp,
    InboundMail,
    LetterSpec,
    MailClass,
    MessageKind,
    Referral,
    ThreadMatch,
)
from rjmail.core.prefs import wants_call
from rjmail.core.withdrawal import wants_to_withdraw

CLOSED_STATES = frozenset({CaseStatus.NOT_SUITABLE, CaseStatus.CLOSED})


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

    @property
    def ledger_reason(self) -> str:
        parts = [self.reason]
        parts += [f"sent {letter.kind}" for letter in self.letters if not letter.to_advisors]
        parts += [f"suppressed {s}" for s in self.suppressed]
        return "; ".join(parts)


def _ack(mail: InboundMail, to: str, kind: str, key: str) -> LetterSpec:
    # A Message-ID we had to invent (the sender gave none) means nothing to the person's mail client.
    invented = mail.message_id.endswith("@rjmail.invalid>")
    return LetterSpec(
        kind=kind,
        to=(to,),
        reply_to_message_id=None if invented else mail.message_id,
        references=() if invented else mail.references,
        idempotency_key=key,
    )


def _notify(
    policy: HubPolicy, event: str, mail: InboundMail, key: str, detail: str | None = None
) -> LetterSpec:
    return LetterSpec(
        kind="notification",
        to=policy.notify,
        to_advisors=True,
        context={"event": event, "detail": detail},
        idempotency_key=f"notify:{event}:{key}",
    )


def decide_new_referral(
    mail: InboundMail, referral: Referral, policy: HubPolicy, replies_today: int
) -> Decision:
    """A new case: an acknowledgement to the person (unless the loop guard says no) and a notification."""
    letters: list[LetterSpec] = []
    suppressed: list[str] = []
    to = referral.referrer_email
    if not to:
        suppressed.append("acknowledgement: no address to answer")
    elif is_noreply(to):
        suppressed.append(
            "acknowledgement: the only address is a no-reply relay; advisors will reach "
            "the person another way"
        )
    elif replies_today >= policy.auto_reply_limit:
        suppressed.append(
            f"acknowledgement: {replies_today} automatic replies to this address today "
            f"(limit {policy.auto_reply_limit})"
        )
    else:
        letters.append(_ack(mail, to, "acknowledgement", f"ack:{mail.message_id}"))
    letters.append(_notify(policy, "new_case", mail, mail.message_id))
    # The call offer is a separate letter right after the acknowledgement (SPEC section 4).
    follow_up = FollowUp.OFFER_CALL if referral.wants_call and letters[0].kind == "acknowledgement" else None
    return Decision(
        action=Action.NEW_CASE,
        reason="new referral",
        referral=referral,
        timeline_kind=MessageKind.REFERRAL,
        letters=tuple(letters),
        suppressed=tuple(suppressed),
        follow_up=follow_up,
    )


def person_verified(mail: InboundMail, case: CaseSnapshot, thread: ThreadMatch) -> bool:
    """Automatic changes for the person need both: an address already on the case, and a reply
    threading onto a letter rjmail signed about this case (SPEC section 3)."""
    # From only: Reply-To is whatever the sender wants it to be.
    return mail.from_addr in case.known_addresses and thread.signed_parent


def _person_request(
    mail: InboundMail,
    cls: Classification,
    case: CaseSnapshot,
    policy: HubPolicy,
    kind: MessageKind,
    text: str,
) -> Decision | None:
    """What a verified reply from the person asks for: withdrawal, a call, or a slot choice."""
    if wants_to_withdraw(text):
        return Decision(
            action=Action.TIMELINE,
            reason=f"{cls.reason}; the person asked to withdraw",
            case_ref=case.ref,
            timeline_kind=kind,
            follow_up=FollowUp.WITHDRAW,
            letters=(_notify(policy, "withdrawal", mail, mail.message_id),),
        )
    if case.status in (CaseStatus.NEW, CaseStatus.IN_PROGRESS) and wants_call(text):
        # They answered our letter's "just reply 'call me'": send the times to choose from.
        return Decision(
            action=Action.TIMELINE,
            reason=f"{cls.reason}; the person asked for a call",
            case_ref=case.ref,
            timeline_kind=kind,
            follow_up=FollowUp.OFFER_CALL,
            letters=(_notify(policy, "new_message", mail, mail.message_id),),
        )
    # A bare option number ("1 please") may answer an offer that is no longer open (on hold,
    # expired): the call operations answer it rather than leave silence (issue 11).
    if case.status == CaseStatus.CALL_OFFERED or reads_as_option(text):
        return Decision(
            action=Action.TIMELINE,
            reason=f"{cls.reason}; answer to a call offer",
            case_ref=case.ref,
            timeline_kind=kind,
            follow_up=FollowUp.CALL_CHOICE,
        )
    return None


def decide_reply(
    mail: InboundMail,
    cls: Classification,
    case: CaseSnapshot,
    policy: HubPolicy,
    replies_today: int,
    thread: ThreadMatch | None = None,
    text: str = "",
) -> Decision:
    """A message on an existing case: timeline, advisors told, withdrawal or a call choice, and the
    closed/withdrawn policy."""
    from_advisor = cls.kind == MailClass.ADVISOR_COMMAND
    kind = MessageKind.ADVISOR_COMMAND if from_advisor else MessageKind.REPLY
    if from_advisor:
        return Decision(
            action=Action.TIMELINE,
            reason=cls.reason,
            case_ref=case.ref,
            timeline_kind=kind,
            follow_up=FollowUp.ADVISOR_COMMANDS,
        )
    verified = thread is not None and person_verified(mail, case, thread)
    open_case = case.status not in CLOSED_STATES | {CaseStatus.WITHDRAWN}
    acted = _person_request(mail, cls, case, policy, kind, text) if verified and open_case else None
    if acted is not None:
        return acted
    event = "spoof" if cls.spoof else "new_message"
    detail = cls.reason if event == "spoof" else None
    # An unverified advisor's "#withdraw" is a spoof warning already; this line is about the person.
    if event != "spoof" and not verified and open_case and wants_to_withdraw(text):
        detail = (
            "This message may ask to withdraw, but rjmail could not confirm it comes from the "
            "person (address not on the case, or not a reply to our email). Nothing was changed."
        )
    if case.status == CaseStatus.WITHDRAWN or case.withdrawn:
        detail = _withdrawn_detail(thread)
    notify = _notify(policy, event, mail, mail.message_id, detail=detail)
    if case.status == CaseStatus.WITHDRAWN or case.withdrawn:
        return Decision(
            action=Action.TIMELINE,
            reason=cls.reason,
            case_ref=case.ref,
            timeline_kind=kind,
            letters=(notify,),
            suppressed=("letter: case withdrawn, the person asked for no automatic mail",),
        )
    if case.status in CLOSED_STATES:
        return _closed_reply(mail, cls, case, policy, replies_today, notify, verified)
    return Decision(
        action=Action.TIMELINE, reason=cls.reason, case_ref=case.ref, timeline_kind=kind, letters=(notify,)
    )


def _withdrawn_detail(thread: ThreadMatch | None) -> str:
    linked = thread is not None and thread.by is not None and "withdrew" in thread.by
    how = " It is a new email, not a reply: rjmail linked it here by the sender's address." if linked else ""
    return (
        "This person withdrew. rjmail sent no automatic reply, because they asked for no automatic mail."
        + how
        + " An advisor decides whether and how to answer."
    )


def _closed_reply(
    mail: InboundMail,
    cls: Classification,
    case: CaseSnapshot,
    policy: HubPolicy,
    replies_today: int,
    notify: LetterSpec,
    verified: bool,
) -> Decision:
    """Only an address the referral gave gets the short reply; reopening also needs the message to
    answer one of our letters (SPEC section 3: automatic changes need both)."""
    reopen = policy.on_closed_reply == "reopen" and verified
    letters = [notify]
    suppressed: list[str] = []
    if mail.from_addr not in case.known_addresses:
        suppressed.append("closed_reply: sender is not an address on the case")
    elif replies_today >= policy.auto_reply_limit:
        suppressed.append("closed_reply: automatic reply limit for this address reached")
    elif case.closed_reply_sent:
        suppressed.append("closed_reply: one was already sent since the case was closed")
    else:
        letters.insert(0, _ack(mail, mail.from_addr, "closed_reply", f"closed_reply:{mail.message_id}"))
    return Decision(
        action=Action.TIMELINE,
        reason=f"{cls.reason}; case is {case.status}, policy {policy.on_closed_reply}",
        case_ref=case.ref,
        timeline_kind=MessageKind.REPLY,
        new_status=CaseStatus.IN_PROGRESS if reopen else None,
        letters=tuple(letters),
        suppressed=tuple(suppressed),
    )


def decide_automatic(mail: InboundMail, cls: Classification) -> Decision:
    """Never answered. A bounce naming our own Message-IDs fails those letters instead."""
    return Decision(
        action=Action.RECORD_ONLY,
        reason=f"automatic mail, never answered: {cls.reason}",
        case_ref=cls.case_ref,
        timeline_kind=MessageKind.REPLY if cls.case_ref else None,
        follow_up=FollowUp.BOUNCE if mail.bounced_message_ids else None,
    )


def _new_case_policy(cls: Classification, case: CaseSnapshot, policy: HubPolicy) -> bool:
    """`on_closed_reply = "new_case"`: a person's message on a closed case starts a new case."""
    return (
        policy.on_closed_reply == "new_case"
        and case.status in CLOSED_STATES
        and not case.withdrawn
        and cls.kind == MailClass.REPLY
    )


def decide(
    mail: InboundMail,
    cls: Classification,
    case: CaseSnapshot | None,
    referral: Referral | None,
    policy: HubPolicy,
    replies_today: int,
    thread: ThreadMatch | None = None,
    text: str = "",
) -> Decision:
    """`text` is the reply with quoted history removed (withdrawal and call choices read only that)."""
    if cls.kind == MailClass.DUPLICATE:
        return Decision(action=Action.DUPLICATE, reason=cls.reason)
    if cls.kind == MailClass.AUTOMATIC:
        return decide_automatic(mail, cls)
    if cls.kind == MailClass.NEW_REFERRAL or case is None:
        assert referral is not None
        return decide_new_referral(mail, referral, policy, replies_today)
    if _new_case_policy(cls, case, policy):
        assert referral is not None
        fresh = decide_new_referral(mail, referral, policy, replies_today)
        return replace(fresh, reason=f"message on {case.status} {case.ref}: policy new_case")
    return decide_reply(mail, cls, case, policy, replies_today, thread, text)
