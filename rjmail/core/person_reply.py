"""What the person's own reply on a case may do (issue 12): withdraw only when clear and verified,
a possible withdrawal only told to advisors, a call on request or on "yes please" to our
acknowledgement, calendar replies, and nothing at all when a trusted server saw DMARC fail.

Pure; called by rjmail.core.decide.decide_reply.
"""

from __future__ import annotations

from rjmail.core.choice import reads_as_option
from rjmail.core.decision import Decision, HubPolicy
from rjmail.core.decision import notify as _notify
from rjmail.core.domain import (
    Action,
    CaseSnapshot,
    CaseStatus,
    Classification,
    FollowUp,
    InboundMail,
    MessageKind,
    ThreadMatch,
)
from rjmail.core.sentences import sentences
from rjmail.core.voice import calendar_words, on_case, sender_context, sender_text
from rjmail.core.wishes import read_contact_wishes, says_yes
from rjmail.core.wishwords import wants_call
from rjmail.core.withdrawal import WithdrawalReading, WithdrawalVerdict

NOT_READ = WithdrawalReading(WithdrawalVerdict.NONE, None)


def timeline(cls: Classification, case: CaseSnapshot, kind: MessageKind, **more: object) -> Decision:
    """A message filed on the case's timeline (`more`: the rest of the Decision)."""
    return Decision(action=Action.TIMELINE, case_ref=case.ref, timeline_kind=kind, **more)  # type: ignore[arg-type]


def asks_for_call(text: str, case: CaseSnapshot, thread: ThreadMatch) -> bool:
    """A call request in everyday words, or a bare "yes please" answering our acknowledgement's
    "Would you like a phone call?" (only there: "yes" to anything else is not a call request)."""
    wishes = read_contact_wishes(text, case.letter_language)
    if wishes.email_only or wishes.wants_call is False:
        return False
    if wishes.wants_call or wants_call(text):
        return True
    answers_ack = thread.signed_parent_kind == "acknowledgement" and case.wants_call is None
    return answers_ack and any(says_yes(s) for s in sentences(text)[:2])


def person_request(
    mail: InboundMail,
    cls: Classification,
    case: CaseSnapshot,
    policy: HubPolicy,
    kind: MessageKind,
    text: str,
    reading: WithdrawalReading,
    thread: ThreadMatch,
) -> Decision | None:
    """What a verified reply from the person asks for: withdrawal, a call, or a slot choice."""
    who = sender_context(mail, case)
    if reading.verdict is WithdrawalVerdict.CLEAR:
        # The advisors' "withdrawal" notification is composed after the status change (cases.inbound).
        return timeline(
            cls,
            case,
            kind,
            reason=f"{cls.reason}; the person asked to withdraw",
            follow_up=FollowUp.WITHDRAW,
            person_verified=True,
        )
    if reading.verdict is WithdrawalVerdict.POSSIBLE:
        detail = _possible_detail(reading, verified=True)
        letter = _notify(policy, "possible_withdrawal", mail, mail.message_id, detail, who)
        return timeline(
            cls,
            case,
            kind,
            reason=f"{cls.reason}; possible withdrawal: advisors asked to check",
            letters=(letter,),
            person_verified=True,
        )
    if case.status in (CaseStatus.NEW, CaseStatus.IN_PROGRESS) and asks_for_call(text, case, thread):
        # They answered our letter's "just reply 'call me'": send the times to choose from.
        return timeline(
            cls,
            case,
            kind,
            reason=f"{cls.reason}; the person asked for a call",
            follow_up=FollowUp.OFFER_CALL,
            person_verified=True,
            letters=(_notify(policy, "new_message", mail, mail.message_id, None, who),),
        )
    # A bare option number ("1 please") may answer an offer that is no longer open (on hold,
    # expired): the call operations answer it rather than leave silence (issue 11).
    if case.status == CaseStatus.CALL_OFFERED or reads_as_option(text):
        return timeline(
            cls,
            case,
            kind,
            reason=f"{cls.reason}; answer to a call offer",
            follow_up=FollowUp.CALL_CHOICE,
            person_verified=True,
        )
    return None


def _possible_detail(reading: WithdrawalReading, *, verified: bool) -> str:
    said = f'They wrote: "{reading.sentence}". ' if reading.sentence else ""
    if not verified:
        why = (
            "rjmail could not confirm it comes from the person (the sender is not an address on "
            "this case, or it is not a reply to our email)."
        )
    elif reading.verdict is WithdrawalVerdict.CLEAR:
        why = "It reads as a wish to withdraw."
    else:
        why = "It may be written on someone's behalf, or it is not certain."
    return f"{said}{why} No letter was sent and nothing was changed: please check with the person."


def void(
    mail: InboundMail, cls: Classification, case: CaseSnapshot, policy: HubPolicy, kind: MessageKind
) -> Decision:
    """A trusted server saw the From domain fail DMARC: whatever it asks, nothing changes."""
    said = f"sender failed DMARC at {cls.auth_failed}: nothing was changed"
    detail = (
        f"The {said}. The message may not come from the address it shows "
        f"({mail.from_addr or 'no address'}). It is on the timeline; no letter was sent."
    )
    notify = _notify(policy, "auth_failed", mail, mail.message_id, detail, sender_context(mail, case))
    return timeline(
        cls,
        case,
        kind,
        reason=f"{cls.reason}; {said}",
        letters=(notify,),
        note=f"Message from {sender_text(mail)}: {said}.",
        suppressed=("person-side action: sender failed DMARC",),
    )


def calendar_reply(
    mail: InboundMail, cls: Classification, case: CaseSnapshot, policy: HubPolicy, verified: bool
) -> Decision:
    """A reply to our invite: from the person's address it is theirs to make (the booking's UID is
    checked when the case is changed); from anyone else a warning and nothing else."""
    words = calendar_words(mail)
    if cls.auth_failed:
        return void(mail, cls, case, policy, MessageKind.REPLY)
    if on_case(mail, case):
        reason = f"{cls.reason}; calendar reply from the person: {words}"
        return timeline(
            cls,
            case,
            MessageKind.REPLY,
            reason=reason,
            follow_up=FollowUp.CALENDAR_REPLY,
            person_verified=verified,
        )
    detail = (
        f"A calendar reply ({words} the call) came from {sender_text(mail)}, which is not an address "
        "on this case. Nothing was changed: the booking stands."
    )
    notify = _notify(policy, "calendar_unverified", mail, mail.message_id, detail, sender_context(mail, case))
    return timeline(
        cls,
        case,
        MessageKind.REPLY,
        letters=(notify,),
        reason=f"{cls.reason}; calendar reply not from an address on the case: nothing changed",
    )


def reply_event(
    cls: Classification,
    case: CaseSnapshot,
    thread: ThreadMatch | None,
    verified: bool,
    reading: WithdrawalReading,
) -> tuple[str, str | None]:
    if cls.spoof:
        return "spoof", cls.reason
    if case.status == CaseStatus.WITHDRAWN or case.withdrawn:
        return "new_message", _withdrawn_detail(thread)
    if reading.verdict is not WithdrawalVerdict.NONE:
        return "possible_withdrawal", _possible_detail(reading, verified=verified)
    if cls.robot:
        return "new_message", f"This message looks automatic ({cls.robot}), so rjmail did not answer it."
    return "new_message", None


def _withdrawn_detail(thread: ThreadMatch | None) -> str:
    linked = thread is not None and thread.by is not None and "withdrew" in thread.by
    how = " It is a new email, not a reply: rjmail linked it here by the sender's address." if linked else ""
    return (
        "This person withdrew. rjmail sent no automatic reply, because they asked for no automatic mail."
        + how
        + " An advisor decides whether and how to answer."
    )
