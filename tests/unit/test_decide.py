"""What rjmail does with a classified message: letters, loop guard, withdrawn and closed cases,
automatic mail — each decision with the reason an advisor can read later."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from rjmail.core.decide import HubPolicy, decide
from rjmail.core.domain import (
    CaseSnapshot,
    CaseStatus,
    Classification,
    InboundMail,
    MailClass,
    MessageKind,
    Referral,
    ThreadMatch,
)
from rjmail.core.parse import parse

REF = "RJ-NOR-2026-0042"
PERSON = "pat@example.test"
NOTIFY = ("advisors-nor@example.org",)


def policy(on_closed_reply: str = "notify", limit: int = 5) -> HubPolicy:
    return HubPolicy(code="NOR", notify=NOTIFY, on_closed_reply=on_closed_reply, auto_reply_limit=limit)


def inbound(
    subject: str = "Help please",
    frm: str = f"Pat Example <{PERSON}>",
    reply_to: str | None = None,
    message_id: str = "<m1@example.test>",
) -> InboundMail:
    msg = EmailMessage()
    msg["From"] = frm
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["To"] = "rj-norfolk@example.org"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    msg["Message-ID"] = message_id
    msg["References"] = "<earlier@example.test>"
    msg.set_content("I would like to talk to someone.\n")
    return parse(msg.as_bytes())


def case(status: CaseStatus) -> CaseSnapshot:
    return CaseSnapshot(
        ref=REF, hub="NOR", status=status, referrer_email=PERSON, known_addresses=frozenset({PERSON})
    )


NEW = Classification(MailClass.NEW_REFERRAL, "no case reference or thread: new referral")
REPLY = Classification(MailClass.REPLY, f"threads onto {REF} by in-reply-to", REF)


def kinds(decision) -> list[str]:
    return [letter.kind for letter in decision.letters]


# --------------------------------------------------------------------------- new referrals


def test_new_referral_gets_an_acknowledgement_and_a_notification():
    """A new case: one acknowledgement to the person threaded on their mail, one note to advisors."""
    mail = inbound()
    d = decide(mail, NEW, None, Referral(referrer_email=PERSON), policy(), replies_today=0)
    assert d.action == "new_case"
    assert d.timeline_kind == MessageKind.REFERRAL
    assert kinds(d) == ["acknowledgement", "notification"]
    ack, note = d.letters
    assert ack.to == (PERSON,) and not ack.to_advisors
    assert ack.reply_to_message_id == "<m1@example.test>"
    assert ack.references == ("<earlier@example.test>",)
    assert ack.idempotency_key == "ack:<m1@example.test>"
    assert note.to == NOTIFY and note.to_advisors
    assert note.context["event"] == "new_case"
    assert d.suppressed == ()
    assert "sent acknowledgement" in d.ledger_reason


def test_same_event_gives_the_same_idempotency_keys():
    """Deciding the same message twice names the same letters (so nothing is sent twice)."""
    mail = inbound()
    first = decide(mail, NEW, None, Referral(referrer_email=PERSON), policy(), 0)
    again = decide(mail, NEW, None, Referral(referrer_email=PERSON), policy(), 0)
    assert [x.idempotency_key for x in first.letters] == [x.idempotency_key for x in again.letters]
    other = decide(
        inbound(message_id="<m2@example.test>"), NEW, None, Referral(referrer_email=PERSON), policy(), 0
    )
    assert {x.idempotency_key for x in first.letters}.isdisjoint(x.idempotency_key for x in other.letters)


def test_loop_guard_suppresses_the_acknowledgement_with_a_reason():
    """Past the per-address daily limit the person gets no letter, advisors still hear, and why is kept."""
    d = decide(inbound(), NEW, None, Referral(referrer_email=PERSON), policy(limit=5), replies_today=5)
    assert d.action == "new_case"
    assert kinds(d) == ["notification"]
    assert len(d.suppressed) == 1
    assert d.suppressed[0].startswith("acknowledgement:")
    assert "5 automatic replies" in d.suppressed[0] and "limit 5" in d.suppressed[0]
    assert "suppressed acknowledgement" in d.ledger_reason


def test_just_under_the_limit_is_still_answered():
    """The guard trips at the limit, not before it."""
    d = decide(inbound(), NEW, None, Referral(referrer_email=PERSON), policy(limit=5), replies_today=4)
    assert kinds(d) == ["acknowledgement", "notification"]


def test_referral_without_an_address_is_recorded_and_advisors_told():
    """With no address to answer, the case is still opened and the reason recorded."""
    d = decide(inbound(), NEW, None, Referral(referrer_email=""), policy(), 0)
    assert d.action == "new_case" and kinds(d) == ["notification"]
    assert "no address" in d.suppressed[0]


# --------------------------------------------------------------------------- replies on cases


@pytest.mark.parametrize(
    "status",
    [
        CaseStatus.NEW,
        CaseStatus.CALL_OFFERED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.ON_HOLD,
        CaseStatus.CALL_BOOKED,
    ],
)
def test_reply_on_an_open_case_goes_on_the_timeline_and_to_advisors(status):
    """A reply on an open case is added to the timeline; advisors are told; nothing to the person."""
    d = decide(inbound(f"Re: [{REF}]"), REPLY, case(status), None, policy(), 0)
    assert d.action == "timeline" and d.case_ref == REF
    assert d.timeline_kind == MessageKind.REPLY
    assert kinds(d) == ["notification"]
    assert d.letters[0].context["event"] == "new_message"
    assert d.new_status is None


def test_withdrawn_case_gets_no_letter_to_the_person():
    """The person asked for silence: their mail is kept and advisors told, no automatic letter."""
    for on_closed in ("notify", "reopen", "new_case"):
        d = decide(inbound(f"Re: [{REF}]"), REPLY, case(CaseStatus.WITHDRAWN), None, policy(on_closed), 0)
        assert d.action == "timeline" and d.case_ref == REF
        assert all(letter.to_advisors for letter in d.letters)
        assert kinds(d) == ["notification"]
        assert d.new_status is None
        assert any("withdrawn" in s for s in d.suppressed)
        assert "withdrawn" in d.ledger_reason


def test_possible_spoof_is_flagged_to_advisors():
    """An unverified advisor-looking reply is kept and shown to advisors as a possible spoof."""
    cls = Classification(
        MailClass.REPLY,
        "advisor address not verified: no passing "
        "Authentication-Results from a trusted server (possible spoof)",
        REF,
        spoof=True,
    )
    d = decide(inbound(f"Re: [{REF}]"), cls, case(CaseStatus.NEW), None, policy(), 0)
    assert kinds(d) == ["notification"]
    assert d.letters[0].context["event"] == "spoof"
    assert "possible spoof" in d.letters[0].context["detail"]


def test_spoof_follows_the_flag_not_the_wording():
    """The advisors' warning is keyed on the classifier's flag, never on its human-readable text."""
    cls = Classification(MailClass.REPLY, "threads onto the case by subject", REF, spoof=True)
    d = decide(inbound(f"Re: [{REF}]"), cls, case(CaseStatus.NEW), None, policy(), 0)
    assert d.letters[0].context["event"] == "spoof"
    plain = Classification(MailClass.REPLY, "mentions a possible spoof in passing", REF)
    d = decide(inbound(f"Re: [{REF}]"), plain, case(CaseStatus.NEW), None, policy(), 0)
    assert d.letters[0].context["event"] == "new_message"


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.NOT_SUITABLE])
def test_closed_case_policy_notify(status):
    """notify: timeline, advisors told, one short acknowledgement, status unchanged."""
    d = decide(inbound(f"Re: [{REF}]"), REPLY, case(status), None, policy("notify"), 0)
    assert d.action == "timeline" and d.case_ref == REF
    assert kinds(d) == ["closed_reply", "notification"]
    assert d.letters[0].to == (PERSON,)
    assert d.letters[0].reply_to_message_id == "<m1@example.test>"
    assert d.new_status is None
    assert "policy notify" in d.reason


def test_closed_case_reply_ignores_reply_to_and_strangers():
    """The short acknowledgement goes only to an address the referral gave, never to a Reply-To a
    sender chose, and a stranger quoting the reference gets nothing."""
    d = decide(
        inbound(f"Re: [{REF}]", reply_to="pat.home@example.test"),
        REPLY,
        case(CaseStatus.CLOSED),
        None,
        policy("notify"),
        0,
    )
    assert d.letters[0].to == (PERSON,)
    stranger = decide(
        inbound(f"Re: [{REF}]", frm="mallory@example.test"),
        REPLY,
        case(CaseStatus.CLOSED),
        None,
        policy("reopen"),
        0,
    )
    assert kinds(stranger) == ["notification"]
    assert stranger.new_status is None


def test_closed_case_policy_reopen():
    """reopen: a verified reply from the person puts the case back in progress, same letters as notify;
    without the signed thread it only notifies."""
    thread = signed_thread(CaseStatus.CLOSED)
    d = decide(inbound(f"Re: [{REF}]"), REPLY, case(CaseStatus.CLOSED), None, policy("reopen"), 0, thread)
    assert d.new_status == CaseStatus.IN_PROGRESS
    unthreaded = decide(inbound(f"Re: [{REF}]"), REPLY, case(CaseStatus.CLOSED), None, policy("reopen"), 0)
    assert unthreaded.new_status is None
    assert kinds(d) == ["closed_reply", "notification"]
    assert "policy reopen" in d.reason


def test_closed_case_policy_new_case():
    """new_case: the message starts a new case, acknowledged and notified like any referral."""
    d = decide(
        inbound(f"Re: [{REF}]"),
        REPLY,
        case(CaseStatus.NOT_SUITABLE),
        Referral(referrer_email=PERSON),
        policy("new_case"),
        0,
    )
    assert d.action == "new_case"
    assert kinds(d) == ["acknowledgement", "notification"]
    assert d.timeline_kind == MessageKind.REFERRAL
    assert d.case_ref is None
    assert "new_case" in d.reason


def test_closed_case_acknowledgement_respects_the_loop_guard():
    """The closed-case acknowledgement is also rate limited per address."""
    d = decide(inbound(f"Re: [{REF}]"), REPLY, case(CaseStatus.CLOSED), None, policy("notify", limit=2), 2)
    assert kinds(d) == ["notification"]
    assert any(s.startswith("closed_reply:") for s in d.suppressed)


WITHDRAW = "Please withdraw my referral, I do not want to take part any more."


def signed_thread(status: CaseStatus, signed: bool = True) -> ThreadMatch:
    return ThreadMatch(
        case=case(status),
        by="in-reply-to",
        signed_parent=signed,
        signed_parent_kind="acknowledgement" if signed else None,
    )


def test_new_referral_asking_for_a_call_is_followed_by_a_call_offer():
    """A referral that asks for a call gets the call offer as a follow-up after the acknowledgement."""
    d = decide(inbound(), NEW, None, Referral(referrer_email=PERSON, wants_call=True), policy(), 0)
    assert d.follow_up == "offer_call"
    d = decide(inbound(), NEW, None, Referral(referrer_email=PERSON, wants_call=True), policy(limit=1), 1)
    assert d.follow_up is None  # no acknowledgement (loop guard): no call offer either


def test_verified_withdrawal_is_acted_on():
    """From an address on the case, replying to our signed letter: the withdrawal goes ahead."""
    thread = signed_thread(CaseStatus.NEW)
    d = decide(inbound(f"Re: [{REF}]"), REPLY, thread.case, None, policy(), 0, thread, WITHDRAW)
    assert d.follow_up == "withdraw"
    # The advisors' "withdrawal" notice is composed after the status change (cases.inbound), so it
    # shows "withdrawn" rather than the status before.
    assert d.letters == ()
    assert "withdraw" in d.reason and d.person_verified


@pytest.mark.parametrize(
    ("frm", "signed"),
    [
        (f"Pat Example <{PERSON}>", False),  # reference in the subject only
        ("Someone Else <other@example.test>", True),  # not an address on the case
    ],
)
def test_unverified_withdrawal_only_tells_advisors(frm, signed):
    """Withdrawal wording that cannot be tied to the person changes nothing; advisors are told why."""
    thread = signed_thread(CaseStatus.NEW, signed=signed)
    d = decide(inbound(f"Re: [{REF}]", frm=frm), REPLY, thread.case, None, policy(), 0, thread, WITHDRAW)
    assert d.follow_up is None and d.new_status is None
    assert kinds(d) == ["notification"]
    assert "could not confirm" in d.letters[0].context["detail"]


def test_withdrawal_wording_on_a_withdrawn_case_sends_nothing_to_the_person():
    """A second 'please withdraw' on a withdrawn case: timeline and advisors only."""
    thread = signed_thread(CaseStatus.WITHDRAWN)
    d = decide(inbound(f"Re: [{REF}]"), REPLY, thread.case, None, policy(), 0, thread, WITHDRAW)
    assert d.follow_up is None
    assert all(x.to_advisors for x in d.letters)


def test_verified_answer_to_a_call_offer_is_read_as_a_choice():
    """On a case with a call offer out, the person's verified reply is read for a slot number."""
    thread = signed_thread(CaseStatus.CALL_OFFERED)
    d = decide(inbound(f"Re: [{REF}]"), REPLY, thread.case, None, policy(), 0, thread, "2 please")
    assert d.follow_up == "call_choice"
    unverified = signed_thread(CaseStatus.CALL_OFFERED, signed=False)
    d = decide(inbound(f"Re: [{REF}]"), REPLY, unverified.case, None, policy(), 0, unverified, "2 please")
    assert d.follow_up is None and kinds(d) == ["notification"]


def test_advisor_command_is_handed_to_the_command_runner():
    """A verified advisor command goes on the timeline as advisor_command; nothing else is decided here."""
    cls = Classification(MailClass.ADVISOR_COMMAND, "verified advisor reply", REF)
    d = decide(inbound(f"Re: [{REF}]"), cls, case(CaseStatus.NEW), None, policy(), 0)
    assert d.timeline_kind == MessageKind.ADVISOR_COMMAND
    assert d.follow_up == "advisor_commands"
    assert d.letters == ()


# --------------------------------------------------------------------------- automatic and duplicates


@pytest.mark.parametrize("case_ref", [None, REF])
def test_automatic_mail_is_recorded_only(case_ref):
    """Automatic mail is never answered and tells no one; the rule is kept as the reason."""
    cls = Classification(MailClass.AUTOMATIC, "Auto-Submitted: auto-replied", case_ref)
    snapshot = case(CaseStatus.NEW) if case_ref else None
    d = decide(inbound("Automatic reply: Help"), cls, snapshot, None, policy(), 0)
    assert d.action == "record_only"
    assert d.letters == ()
    assert d.case_ref == case_ref
    assert d.timeline_kind == (MessageKind.REPLY if case_ref else None)
    assert "Auto-Submitted: auto-replied" in d.ledger_reason
    assert "never answered" in d.reason


def test_duplicate_does_nothing():
    """A message already processed (or seen in a second hub) changes nothing and sends nothing."""
    cls = Classification(MailClass.DUPLICATE, "Message-ID already processed")
    d = decide(inbound(), cls, None, None, policy(), 0)
    assert d.action == "duplicate" and d.letters == () and d.case_ref is None


def test_closed_case_gets_one_closed_reply_per_closure():
    """A second message after the case closed gets no second closed_reply (advisors still told)."""
    closed = replace(case(CaseStatus.CLOSED), closed_reply_sent=True)
    d = decide(inbound(f"Re: [{REF}]"), REPLY, closed, None, policy("notify"), 0)
    assert kinds(d) == ["notification"]
    assert "closed_reply: one was already sent since the case was closed" in d.suppressed
