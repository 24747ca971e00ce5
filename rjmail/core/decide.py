"""What to do with a classified message: case changes and letters, with the reason for each.

Pure: every fact the decision needs (case snapshot, how many automatic replies this address got
today, the hub's policy) is passed in, and the result is a value the store applies in one
transaction.
"""

from __future__ import annotations

from dataclasses import replace

from rjmail.core.audience import professional_letters
from rjmail.core.autoreply import is_noreply
from rjmail.core.decision import Decision, HubPolicy
from rjmail.core.decision import ack as _ack
from rjmail.core.decision import notify as _notify
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
from rjmail.core.person_reply import (
    NOT_READ,
    calendar_reply,
    person_request,
    reply_event,
    timeline,
    void,
)
from rjmail.core.voice import CALENDAR_METHODS, reads_as_referral, sender_context
from rjmail.core.withdrawal import WithdrawalReading, read_withdrawal

__all__ = ["Decision", "HubPolicy", "decide", "decide_new_referral", "decide_reply", "person_verified"]

CLOSED_STATES = frozenset({CaseStatus.NOT_SUITABLE, CaseStatus.CLOSED})


def decide_new_referral(
    mail: InboundMail, referral: Referral, policy: HubPolicy, replies_today: int
) -> Decision:
    """A new case: an acknowledgement to the person (unless the loop guard says no) and a notification.
    A professional referral gets letters by audience instead (rjmail.core.audience)."""
    if referral.referral_type == "professional":
        return _professional_referral(mail, referral, policy, replies_today)
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


def _professional_referral(
    mail: InboundMail, referral: Referral, policy: HubPolicy, replies_today: int
) -> Decision:
    """The professional's referral acknowledgement, the referred person's introduction, and a call
    offer to the person (never the professional) only after their introduction."""
    audience = professional_letters(mail, referral, replies_today, policy.auto_reply_limit)
    notify = _notify(policy, "new_case", mail, mail.message_id)
    wants = referral.wants_call and not referral.email_only and audience.introduced
    return Decision(
        action=Action.NEW_CASE,
        reason="new professional referral",
        referral=referral,
        timeline_kind=MessageKind.REFERRAL,
        letters=(*audience.letters, notify),
        suppressed=audience.suppressed,
        follow_up=FollowUp.OFFER_CALL if wants else None,
    )


def person_verified(mail: InboundMail, case: CaseSnapshot, thread: ThreadMatch) -> bool:
    """Automatic changes for the person need both: an address already on the case, and a reply
    threading onto a letter rjmail signed about this case (SPEC section 3)."""
    # From only: Reply-To is whatever the sender wants it to be.
    return mail.from_addr in case.known_addresses and thread.signed_parent


def decide_reply(
    mail: InboundMail,
    cls: Classification,
    case: CaseSnapshot,
    policy: HubPolicy,
    replies_today: int,
    thread: ThreadMatch | None = None,
    text: str = "",
) -> Decision:
    """A message on an existing case: timeline, advisors told (naming the real sender), withdrawal
    or a call choice only from the verified person, and the closed/withdrawn policy."""
    if cls.kind == MailClass.ADVISOR_COMMAND:
        return timeline(
            cls, case, MessageKind.ADVISOR_COMMAND, reason=cls.reason, follow_up=FollowUp.ADVISOR_COMMANDS
        )
    verified = thread is not None and person_verified(mail, case, thread) and not cls.robot
    if mail.calendar_method in CALENDAR_METHODS:
        return calendar_reply(mail, cls, case, policy, verified)
    if cls.auth_failed:
        return void(mail, cls, case, policy, MessageKind.REPLY)
    open_case = case.status not in CLOSED_STATES | {CaseStatus.WITHDRAWN}
    # An advisor's unverified "#withdraw" is a spoof warning already; the reading is about the person.
    readable = open_case and not cls.robot and not cls.spoof
    reading = read_withdrawal(text, case.letter_language) if readable else NOT_READ
    acted = None
    if verified and open_case and thread is not None:
        acted = person_request(mail, cls, case, policy, MessageKind.REPLY, text, reading, thread)
    return acted or _reply_letters(mail, cls, case, policy, replies_today, thread, verified, reading)


def _reply_letters(
    mail: InboundMail,
    cls: Classification,
    case: CaseSnapshot,
    policy: HubPolicy,
    replies_today: int,
    thread: ThreadMatch | None,
    verified: bool,
    reading: WithdrawalReading,
) -> Decision:
    """No action for the person: advisors are told; withdrawn and automatic-looking mail is never
    answered; closed cases follow the hub's policy."""
    event, detail = reply_event(cls, case, thread, verified, reading)
    notify = _notify(policy, event, mail, mail.message_id, detail, sender_context(mail, case))
    kind = MessageKind.REPLY
    silent = None
    if case.status == CaseStatus.WITHDRAWN or case.withdrawn:
        silent = "letter: case withdrawn, the person asked for no automatic mail"
    elif cls.robot:
        silent = "letter: the message looks automatic, never answered"
    if silent:
        return timeline(cls, case, kind, reason=cls.reason, letters=(notify,), suppressed=(silent,))
    if case.status in CLOSED_STATES:
        return _closed_reply(mail, cls, case, policy, replies_today, notify, verified)
    return timeline(cls, case, kind, reason=cls.reason, letters=(notify,), person_verified=verified)


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


def decide_robot(
    mail: InboundMail, cls: Classification, referral: Referral | None, policy: HubPolicy, text: str
) -> Decision:
    """Automatic-looking mail with words of its own and no case: a case when it reads as a referral
    (with no acknowledgement: a robot may have sent it), otherwise a notification. Never only a
    ledger row."""
    looks = f"It looks automatic ({cls.robot})"
    if referral is not None and reads_as_referral(mail, text):
        fresh = decide_new_referral(mail, referral, policy, replies_today=0)
        detail = f"{looks}, so rjmail sent no acknowledgement: an advisor decides how to answer."
        letters = tuple(
            replace(le, context={**le.context, "detail": detail}) for le in fresh.letters if le.to_advisors
        )
        return replace(
            fresh,
            reason=cls.reason,
            letters=letters,
            follow_up=None,
            suppressed=(f"acknowledgement: {looks.lower()}; it may come from a robot",),
        )
    detail = f"{looks}, but it has words of its own and does not answer one of our letters. Nothing was sent."
    return Decision(
        action=Action.RECORD_ONLY,
        reason=f"automatic-looking mail with words of its own ({cls.robot}): advisors told",
        letters=(_notify(policy, "automatic_words", mail, mail.message_id, detail),),
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
    if cls.kind == MailClass.AUTOMATIC and not (case and mail.calendar_method in CALENDAR_METHODS):
        return decide_automatic(mail, cls)
    if cls.robot and (cls.kind == MailClass.NEW_REFERRAL or case is None):
        return decide_robot(mail, cls, referral, policy, text)
    if cls.kind == MailClass.NEW_REFERRAL or case is None:
        assert referral is not None
        return decide_new_referral(mail, referral, policy, replies_today)
    if _new_case_policy(cls, case, policy):
        assert referral is not None
        fresh = decide_new_referral(mail, referral, policy, replies_today)
        return replace(fresh, reason=f"message on {case.status} {case.ref}: policy new_case")
    return decide_reply(mail, cls, case, policy, replies_today, thread, text)
