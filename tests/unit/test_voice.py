"""Issue 12, the person's voice: everyday sentences do not withdraw, a possible withdrawal only tells
advisors, "yes please" to our acknowledgement asks for a call, a trusted DMARC failure voids every
person-side action, calendar replies, the real sender in notifications, automatic-looking mail with
words of its own, and reused Message-IDs."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from rjmail.core import signing
from rjmail.core.authresults import auth_failure
from rjmail.core.classify import ClassifyContext, classify
from rjmail.core.decide import HubPolicy, decide
from rjmail.core.domain import (
    Action,
    CaseSnapshot,
    CaseStatus,
    Classification,
    InboundMail,
    MailClass,
    Referral,
    ThreadMatch,
)
from rjmail.core.notice import with_notice
from rjmail.core.parse import parse
from rjmail.core.voice import body_hash, reused_id, sender_text

KEY = b"unit-test-signing-key-0123456789"
REF = "RJ-NOR-2026-0042"
PERSON = "pat@example.test"
STRANGER = "someone.else@example.net"
TRUSTED = "mx.example.org"
NOR = "rj-norfolk@example.org"
POLICY = HubPolicy(code="NOR", notify=("advisors-nor@example.org",))
ACK_ID = signing.make_message_id(KEY, "acknowledgement", REF, "example.org")
CASE = CaseSnapshot(
    ref=REF, hub="NOR", status=CaseStatus.NEW, referrer_email=PERSON, known_addresses=frozenset({PERSON})
)
REPLY = Classification(MailClass.REPLY, f"threads onto {REF} by in-reply-to", REF)
REFERRAL_WORDS = (
    "Referral for restorative justice. The victim, Mrs Ann Example, was assaulted outside her home "
    "in March and has asked to be referred. She consents to be contacted by email and would like "
    "to know more about meeting the offender. Police reference 36/12345/26."
)


def raw(
    frm: str = f"Pat Example <{PERSON}>",
    subject: str = f"Re: [{REF}] Your message",
    body: str = "Thank you.",
    headers: list[tuple[str, str]] | None = None,
    in_reply_to: str | None = None,
    message_id: str = "<m1@example.test>",
) -> bytes:
    msg = EmailMessage()
    for name, value in headers or []:
        msg[name] = value
    msg["From"] = frm
    msg["To"] = NOR
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    msg.set_content(body)
    return msg.as_bytes()


def mail(**kw: object) -> InboundMail:
    return parse(raw(**kw))  # type: ignore[arg-type]


def thread(kind: str | None = "acknowledgement", case: CaseSnapshot = CASE) -> ThreadMatch:
    return ThreadMatch(case=case, by="in-reply-to", signed_parent=kind is not None, signed_parent_kind=kind)


def reply(
    text: str,
    *,
    frm: str = f"Pat Example <{PERSON}>",
    cls: Classification = REPLY,
    th: ThreadMatch | None = None,
    case: CaseSnapshot = CASE,
):
    th = th or thread(case=case)
    return decide(mail(frm=frm, body=text), cls, case, None, POLICY, 0, th, text)


def events(d) -> list[str]:
    return [le.context["event"] for le in d.letters if le.to_advisors]


# ------------------------------------------------------------------ withdrawal wiring (item 1)

EVERYDAY = [
    "Please don't call me again before 6pm. After 6 is fine.",
    "Can you stop calling me at work? I still want to go ahead.",
    "I told him to leave me alone, and that's why I'm writing to you. I want to meet him.",
    "I want to withdraw my statement to the police, but I would still like restorative justice.",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_sentences_from_the_person_do_not_withdraw(text):
    d = reply(text)
    assert d.follow_up != "withdraw" and d.new_status is None
    assert "possible_withdrawal" not in events(d)


def test_clear_withdrawal_from_the_verified_person_withdraws():
    d = reply("Please withdraw my referral, I do not want to take part any more.")
    assert d.follow_up == "withdraw"


def test_withdrawal_on_someones_behalf_is_a_possible_withdrawal_with_the_sentence():
    text = "My sister asked me to write. She has changed her mind and does not want to go ahead."
    d = reply(text)
    assert d.follow_up is None and d.new_status is None
    assert events(d) == ["possible_withdrawal"]
    detail = str(d.letters[0].context["detail"])
    assert "changed her mind" in detail and "nothing was changed" in detail


def test_clear_withdrawal_from_another_address_is_a_possible_withdrawal_naming_the_sender():
    d = reply(
        "Please withdraw my referral, I do not want to take part any more.", frm=f"Someone Else <{STRANGER}>"
    )
    assert d.follow_up is None
    assert events(d) == ["possible_withdrawal"]
    ctx = d.letters[0].context
    assert ctx["stranger"] is True and STRANGER in str(ctx["sender"])
    assert "could not confirm" in str(ctx["detail"])


def test_withdrawal_is_read_in_the_cases_language():
    polish = CaseSnapshot(
        ref=REF,
        hub="NOR",
        status=CaseStatus.NEW,
        referrer_email=PERSON,
        known_addresses=frozenset({PERSON}),
        letter_language="pl",
    )
    d = reply("Rezygnuję. Proszę więcej się ze mną nie kontaktować.", case=polish, th=thread(case=polish))
    assert d.follow_up == "withdraw"


# ------------------------------------------------------------------ "yes please" (item 2)


def test_yes_please_to_the_acknowledgement_asks_for_a_call():
    d = reply("Yes please")
    assert d.follow_up == "offer_call"


def test_yes_please_to_another_letter_is_not_a_call_request():
    d = reply("Yes please", th=thread("next_steps"))
    assert d.follow_up is None


def test_everyday_call_request_asks_for_a_call_on_any_signed_letter():
    d = reply("I would welcome a telephone call.", th=thread("next_steps"))
    assert d.follow_up == "offer_call"


def test_call_request_with_email_only_is_not_a_call_request():
    d = reply("Yes please. But please only email me, he checks my phone.")
    assert d.follow_up is None


# ------------------------------------------------------------------ who really wrote it (item 3)


def test_notification_names_the_real_sender_and_flags_a_stranger():
    d = reply("I've changed my phone number, only call me on 07700 900123.", frm=f"Mal Other <{STRANGER}>")
    ctx = d.letters[0].context
    assert ctx["sender"] == f"Mal Other <{STRANGER}>"
    assert ctx["stranger"] is True
    d = reply("Thank you for your letter.")
    assert d.letters[0].context["stranger"] is False


def test_not_from_line_comes_first_in_the_notification_view():
    case_view = {"ref": REF, "referrer_name": "Pat Example", "email_only": True}
    ctx = with_notice({"case": case_view, "sender": f"<{STRANGER}>", "stranger": True})
    assert ctx["notice"].safety[0] == f"NOT FROM AN ADDRESS ON THIS CASE: <{STRANGER}>"
    assert ctx["notice"].safety[1].startswith("EMAIL ONLY")
    assert with_notice({"case": case_view, "sender": PERSON})["notice"].safety[0].startswith("EMAIL ONLY")


def test_sender_text_keeps_name_and_address():
    assert sender_text(mail(frm=f'"Example, Pat" <{PERSON}>')) == f"Example, Pat <{PERSON}>"
    assert sender_text(mail(frm=PERSON)) == PERSON


DMARC_FAIL = (
    f"{TRUSTED}; spf=fail smtp.mailfrom=example.test; dkim=none; dmarc=fail (p=none) header.from=example.test"
)


@pytest.mark.parametrize(
    ("results", "failed"),
    [
        (DMARC_FAIL, TRUSTED),
        (f"{TRUSTED}; spf=fail smtp.mailfrom=example.test; dkim=fail header.d=example.test", TRUSTED),
        (f"{TRUSTED}; spf=fail smtp.mailfrom=example.test; dkim=pass header.d=example.test", None),
        (f"{TRUSTED}; dmarc=pass header.from=example.test", None),
        (f"{TRUSTED}; dmarc=fail header.from=other.example", None),  # about another domain
        ("mx.attacker.example; dmarc=fail header.from=example.test", None),  # not our server
    ],
)
def test_auth_failure_reads_only_the_trusted_server(results, failed):
    m = mail(headers=[("Authentication-Results", results)])
    assert auth_failure(m, frozenset({TRUSTED})) == failed


def test_forged_header_below_ours_does_not_count():
    m = mail(
        headers=[
            ("Authentication-Results", f"{TRUSTED}; dmarc=pass header.from=example.test"),
            ("Authentication-Results", DMARC_FAIL),
        ]
    )
    assert auth_failure(m, frozenset({TRUSTED})) is None


def _classified(m: InboundMail, th: ThreadMatch) -> Classification:
    return classify(
        m,
        ClassifyContext(
            hub_code="NOR",
            own_addresses=frozenset({NOR}),
            advisors=frozenset(),
            trusted_authserv_ids=frozenset({TRUSTED}),
            thread=th,
        ),
    )


def test_dmarc_failure_voids_a_withdrawal_and_a_slot_choice():
    text = "Please withdraw my referral, I do not want to take part any more."
    m = mail(body=text, in_reply_to=ACK_ID, headers=[("Authentication-Results", DMARC_FAIL)])
    cls = _classified(m, thread())
    assert cls.auth_failed == TRUSTED
    d = decide(m, cls, CASE, None, POLICY, 0, thread(), text)
    assert d.follow_up is None and d.new_status is None and not d.person_verified
    assert events(d) == ["auth_failed"]
    assert f"sender failed DMARC at {TRUSTED}: nothing was changed" in d.ledger_reason
    assert d.note and "DMARC" in d.note
    offered = CaseSnapshot(
        ref=REF,
        hub="NOR",
        status=CaseStatus.CALL_OFFERED,
        referrer_email=PERSON,
        known_addresses=frozenset({PERSON}),
    )
    d = decide(m, cls, offered, None, POLICY, 0, thread(case=offered), "2")
    assert d.follow_up is None


# ------------------------------------------------------------------ calendar replies (item 4)


def calendar_reply(frm: str, partstat: str = "DECLINED", uid: str = "call-1@rjmail") -> InboundMail:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = NOR
    msg["Subject"] = f"Declined: [{REF}] Phone call"
    msg["Message-ID"] = "<cal1@example.test>"
    ics = (
        "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nATTENDEE;PARTSTAT={partstat}:mailto:{PERSON}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    msg.set_content("Declined.")
    msg.add_alternative(ics, subtype="calendar", params={"method": "REPLY"})
    return parse(msg.as_bytes())


def test_calendar_reply_carries_its_uid():
    m = calendar_reply(PERSON)
    assert (m.calendar_method, m.calendar_partstat, m.calendar_uid) == ("REPLY", "DECLINED", "call-1@rjmail")


def test_calendar_reply_from_the_person_is_handed_on():
    booked = CaseSnapshot(
        ref=REF,
        hub="NOR",
        status=CaseStatus.CALL_BOOKED,
        referrer_email=PERSON,
        known_addresses=frozenset({PERSON}),
    )
    m = calendar_reply(PERSON)
    cls = _classified(m, thread("booking_confirmation", booked))
    assert cls.kind == MailClass.AUTOMATIC  # still never answered
    d = decide(m, cls, booked, None, POLICY, 0, thread("booking_confirmation", booked), "")
    assert d.follow_up == "calendar_reply" and d.action == Action.TIMELINE


def test_calendar_reply_from_a_stranger_changes_nothing_and_warns():
    booked = CaseSnapshot(
        ref=REF,
        hub="NOR",
        status=CaseStatus.CALL_BOOKED,
        referrer_email=PERSON,
        known_addresses=frozenset({PERSON}),
    )
    m = calendar_reply(STRANGER)
    cls = Classification(MailClass.AUTOMATIC, "calendar response (method=REPLY)", REF)
    d = decide(m, cls, booked, None, POLICY, 0, ThreadMatch(case=booked, by="subject"), "")
    assert d.follow_up is None and d.new_status is None
    assert events(d) == ["calendar_unverified"]
    assert STRANGER in str(d.letters[0].context["detail"])


# ------------------------------------------------------------------ nothing dropped silently (item 5)


@pytest.mark.parametrize(
    ("subject", "headers"),
    [
        ("Out of office - referral", []),
        ("Read: referral", []),
        ("New referral", [("Auto-Submitted", "auto-generated")]),
        ("New referral", [("Return-Path", "<>")]),
    ],
)
def test_automatic_looking_referral_with_words_becomes_a_case_without_acknowledgement(subject, headers):
    m = mail(frm="Referrals <referrals@example.net>", subject=subject, body=REFERRAL_WORDS, headers=headers)
    cls = _classified(m, ThreadMatch())
    assert cls.kind == MailClass.NEW_REFERRAL and cls.robot
    d = decide(
        m,
        cls,
        None,
        Referral(referrer_email="referrals@example.net"),
        POLICY,
        0,
        ThreadMatch(),
        REFERRAL_WORDS,
    )
    assert d.action == Action.NEW_CASE
    assert [le.kind for le in d.letters] == ["notification"]
    assert any(s.startswith("acknowledgement:") for s in d.suppressed)
    assert "no acknowledgement" in str(d.letters[0].context["detail"])


def test_automatic_looking_mail_with_words_that_is_no_referral_is_a_notification():
    text = (
        "I am away from my desk this week and will pick up messages on my return. Please "
        "contact the duty desk for anything about the garden project or the summer rota."
    )
    m = mail(frm="Sam <sam@example.net>", subject="Out of office - garden project", body=text)
    cls = _classified(m, ThreadMatch())
    d = decide(m, cls, None, Referral(referrer_email="sam@example.net"), POLICY, 0, ThreadMatch(), text)
    assert d.action == Action.RECORD_ONLY
    assert events(d) == ["automatic_words"]


def test_automatic_reply_to_our_letter_or_without_words_stays_recorded_only():
    words = REFERRAL_WORDS
    to_us = mail(subject="Out of office - referral", body=words, in_reply_to=ACK_ID)
    assert _classified(to_us, thread()).kind == MailClass.AUTOMATIC
    short = mail(subject="Out of office - back Monday", body="I am out until Monday.")
    assert _classified(short, ThreadMatch()).kind == MailClass.AUTOMATIC


def test_automatic_looking_mail_on_a_case_is_never_answered():
    closed = CaseSnapshot(
        ref=REF,
        hub="NOR",
        status=CaseStatus.CLOSED,
        referrer_email=PERSON,
        known_addresses=frozenset({PERSON}),
    )
    m = mail(subject=f"Out of office - [{REF}]", body=REFERRAL_WORDS)
    cls = _classified(m, ThreadMatch(case=closed, by="subject"))
    assert cls.kind == MailClass.REPLY and cls.robot
    d = decide(m, cls, closed, None, POLICY, 0, ThreadMatch(case=closed, by="subject"), REFERRAL_WORDS)
    assert all(le.to_advisors for le in d.letters) and d.letters


def test_body_hash_tells_different_words_apart_and_keeps_same_words_equal():
    a = mail(body="First message.", message_id="<same@example.test>")
    b = mail(body="A different message.", message_id="<same@example.test>")
    a2 = mail(body="First message.", message_id="<same@example.test>", subject="Other subject")
    assert body_hash(KEY, a) == body_hash(KEY, a2) != body_hash(KEY, b)
    renamed = reused_id(b, body_hash(KEY, b))
    assert renamed.endswith("@rjmail.invalid>") and renamed != reused_id(a, body_hash(KEY, a))
