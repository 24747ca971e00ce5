"""Classification of inbound mail (SPEC section 3 and 6): duplicates first, every automatic-mail
marker, and advisor commands only from a verified advisor answering rjmail's own notification."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from rjmail.core import signing
from rjmail.core.autoreply import automatic_reason
from rjmail.core.classify import ClassifyContext, classify, subject_ref
from rjmail.core.domain import CaseSnapshot, CaseStatus, InboundMail, MailClass, ThreadMatch
from rjmail.core.parse import parse

KEY = b"unit-test-signing-key-0123456789"
NOR = "rj-norfolk@example.org"
SUF = "rj-suffolk@example.org"
ADVISOR = "advisor.one@example.org"
REF = "RJ-NOR-2026-0042"
TRUSTED = "mx.example.org"
OWN = frozenset({NOR, SUF})
CASE = CaseSnapshot(
    ref=REF,
    hub="NOR",
    status=CaseStatus.NEW,
    referrer_email="pat@example.test",
    known_addresses=frozenset({"pat@example.test"}),
)
NOTIFICATION_ID = signing.make_message_id(KEY, "notification", REF, "example.org")
ACK_ID = signing.make_message_id(KEY, "acknowledgement", REF, "example.org")
PASS = (
    f"{TRUSTED}; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org; "
    f"dmarc=pass (p=reject) header.from=example.org"
)


def raw_mail(
    frm: str = "Pat Example <pat@example.test>",
    subject: str = "Help please",
    body: str = "I would like to talk to someone about what happened.\n",
    headers: list[tuple[str, str]] | None = None,
    to: str = NOR,
) -> bytes:
    msg = EmailMessage()
    for name, value in headers or []:
        msg[name] = value  # first, as a receiving MTA prepends (Return-Path, Authentication-Results)
    msg["From"] = frm
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    msg["Message-ID"] = "<m1@example.test>"
    msg.set_content(body)
    # Long Message-IDs in In-Reply-To must stay literal, as mail clients write them.
    return msg.as_bytes(policy=policy.SMTP.clone(max_line_length=998))


def mail(**kw: object) -> InboundMail:
    return parse(raw_mail(**kw))  # type: ignore[arg-type]


def ctx(thread: ThreadMatch | None = None, *, seen: bool = False) -> ClassifyContext:
    return ClassifyContext(
        hub_code="NOR",
        own_addresses=OWN,
        advisors=frozenset({ADVISOR}),
        trusted_authserv_ids=frozenset({TRUSTED}),
        thread=thread or ThreadMatch(),
        already_seen=seen,
    )


def thread_for(m: InboundMail, case: CaseSnapshot = CASE) -> ThreadMatch:
    """What the store's lookup finds: the case, and whether the reply names a message we signed."""
    signed = [s for s in (signing.verify(KEY, i) for i in (*m.in_reply_to, *m.references)) if s]
    own = [s for s in signed if s.ref == case.ref]
    by = "in-reply-to" if m.in_reply_to else "subject"
    return ThreadMatch(
        case=case, by=by, signed_parent=bool(own), signed_parent_kind=own[0].kind if own else None
    )


def advisor_mail(
    *,
    frm: str = f"Advisor One <{ADVISOR}>",
    auth: list[str] | None = None,
    parent: str | None = NOTIFICATION_ID,
    body: str = "#suitable\n",
) -> InboundMail:
    headers = [("Authentication-Results", a) for a in (auth if auth is not None else [PASS])]
    if parent:
        headers += [("In-Reply-To", parent), ("References", parent)]
    return mail(frm=frm, subject=f"Re: [{REF}] New case", body=body, headers=headers)


# --------------------------------------------------------------------------- automatic mail


AUTOMATIC_HEADERS = [
    [("Auto-Submitted", "auto-replied")],
    [("Auto-Submitted", "auto-generated")],
    [("Auto-Submitted", "auto-notified")],
    [("Auto-Submitted", "Auto-Replied; owner-email=pat@example.test")],
    [("Precedence", "bulk")],
    [("Precedence", "junk")],
    [("Precedence", "list")],
    [("Precedence", "Bulk")],
    [("List-Id", "Neighbourhood news <news.example.test>")],
    [("List-Unsubscribe", "<mailto:unsubscribe@example.test>")],
    [("X-Auto-Response-Suppress", "All")],
    [("X-Auto-Response-Suppress", "DR, OOF, AutoReply")],
    [("X-MS-Exchange-Inbox-Rules-Loop", "pat@example.test")],
    [("X-MS-Exchange-Generated-Message-Source", "Mailbox Rules Agent")],
    [("X-Autoreply", "yes")],
    [("X-Autorespond", "Out of office")],
    [("Return-Path", "<>")],
]


@pytest.mark.parametrize("headers", AUTOMATIC_HEADERS, ids=lambda h: f"{h[0][0]}={h[0][1]}")
def test_automatic_header_markers_are_automatic(headers):
    """RFC 3834, Precedence, mailing-list, Exchange and empty-return-path mail is never answered."""
    m = mail(headers=headers)
    result = classify(m, ctx())
    assert result.kind == MailClass.AUTOMATIC, result
    assert result.reason


@pytest.mark.parametrize(
    "sender",
    [
        "MAILER-DAEMON@mx.example.test",
        "Mail Delivery System <mailer-daemon@mx.example.test>",
        "postmaster@example.test",
        "Postmaster <POSTMASTER@example.test>",
    ],
)
def test_mail_daemon_and_postmaster_are_automatic(sender):
    """Mail from MAILER-DAEMON or postmaster is a bounce or notice, never a referral."""
    assert classify(mail(frm=sender), ctx()).kind == MailClass.AUTOMATIC


@pytest.mark.parametrize("sender", [f"Norfolk RJ Hub <{NOR}>", SUF, "RJ-Norfolk@Example.org"])
def test_mail_from_a_hub_address_is_a_loop(sender):
    """rjmail's own letters (or another hub's) coming back are never answered."""
    result = classify(mail(frm=sender), ctx())
    assert result.kind == MailClass.AUTOMATIC
    assert "loop" in result.reason


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: Help please",
        "Auto-reply: Help please",
        "AutoReply: Help please",
        "Out of Office: Help please",
        "Out of the office",
        "Abwesenheitsnotiz: Hilfe",
        "Automatische Antwort: Hilfe",
        "Réponse automatique : Aide",
        "Respuesta automática: Ayuda",
        "Risposta automatica: Aiuto",
        "Automatyczna odpowiedź: Pomoc",
        "Autosvar: Hjælp",
        "Ateb awtomatig: Help",
        "Undeliverable: Help please",
        "Delivery Status Notification (Failure)",
        "Read: Help please",
    ],
)
def test_auto_reply_subjects_in_several_languages_are_automatic(subject):
    """Outlook and other clients mark out-of-office replies by subject in the user's language."""
    result = classify(mail(subject=subject), ctx())
    assert result.kind == MailClass.AUTOMATIC, result
    assert "subject" in result.reason


def _report(report_type: str, part_type: str, part_body: str) -> bytes:
    return (
        "From: Mail Delivery <notices@mx.example.test>\r\nTo: rj-norfolk@example.org\r\n"
        "Subject: Your message\r\nMessage-ID: <r1@mx.example.test>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type={report_type}; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nAbout your message.\r\n"
        f"--B\r\nContent-Type: {part_type}\r\n\r\n{part_body}\r\n--B--\r\n"
    ).encode()


@pytest.mark.parametrize(
    "raw",
    [
        _report(
            "delivery-status",
            "message/delivery-status",
            "Reporting-MTA: dns; mx.example.test\r\n\r\nFinal-Recipient: rfc822; x@example.test\r\n"
            "Action: failed\r\nStatus: 5.1.1",
        ),
        _report(
            "disposition-notification",
            "message/disposition-notification",
            "Final-Recipient: rfc822; pat@example.test\r\nDisposition: manual-action/MDN-sent-manually;"
            " displayed",
        ),
    ],
    ids=["dsn", "read-receipt"],
)
def test_delivery_reports_and_read_receipts_are_automatic(raw):
    """multipart/report (bounces, read receipts) from an ordinary-looking sender is still automatic."""
    result = classify(parse(raw), ctx())
    assert result.kind == MailClass.AUTOMATIC
    assert "report" in result.reason


CALENDAR_REPLY = (
    b"From: Pat Example <pat@example.test>\r\nTo: rj-norfolk@example.org\r\nSubject: Phone call\r\n"
    b"Message-ID: <c1@example.test>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="B"\r\n\r\n'
    b"--B\r\nContent-Type: text/plain\r\n\r\nPat has accepted.\r\n"
    b"--B\r\nContent-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n"
    b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:rj-1\r\n"
    b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:pat@example.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n--B--\r\n"
)


def test_calendar_reply_is_automatic_but_kept_on_the_case():
    """An accept/decline of rjmail's invite is recorded on the case and never answered."""
    m = parse(CALENDAR_REPLY)
    assert m.calendar_method == "REPLY"
    result = classify(m, ctx(ThreadMatch(case=CASE, by="subject")))
    assert result.kind == MailClass.AUTOMATIC
    assert result.case_ref == REF
    assert "calendar" in result.reason


def test_auto_submitted_no_is_a_person():
    """`Auto-Submitted: no` is what a person's client may send: it is an ordinary referral."""
    m = mail(headers=[("Auto-Submitted", "no")])
    assert automatic_reason(m, OWN) is None
    assert classify(m, ctx()).kind == MailClass.NEW_REFERRAL


@pytest.mark.parametrize(
    "subject",
    [
        "Help please",
        "Restorative justice",
        "Reading about RJ",
        "Re: what happens next?",
        "Fwd: referral for Ms Example",
        "Automatic doors at the station",
        "Out of hours help",
        "Autumn burglary",
    ],
)
def test_ordinary_mail_is_not_automatic(subject):
    """A person's mail with an ordinary subject and headers is a new referral."""
    m = mail(subject=subject, headers=[("Return-Path", "<pat@example.test>")])
    assert automatic_reason(m, OWN) is None
    assert classify(m, ctx()).kind == MailClass.NEW_REFERRAL


def test_subject_starting_with_out_of_office_hours_is_a_person():
    """A person asking about 'out of office hours' support is not an out-of-office reply."""
    assert automatic_reason(mail(subject="Out of office hours support please"), OWN) is None


def test_duplicates_are_found_before_anything_else():
    """An already processed Message-ID is a duplicate even when it also looks automatic."""
    m = mail(headers=[("Auto-Submitted", "auto-replied")])
    assert classify(m, ctx(seen=True)).kind == MailClass.DUPLICATE
    advisor = advisor_mail()
    assert classify(advisor, ctx(thread_for(advisor), seen=True)).kind == MailClass.DUPLICATE


def test_automatic_mail_on_a_case_keeps_the_reference():
    """An out-of-office answering our acknowledgement is automatic but filed on the case."""
    m = mail(subject=f"Automatic reply: [{REF}] Norfolk RJ Hub", headers=[("In-Reply-To", ACK_ID)])
    result = classify(m, ctx(thread_for(m)))
    assert result.kind == MailClass.AUTOMATIC and result.case_ref == REF


def test_reply_from_the_person_joins_the_case():
    """Mail threading onto a case from a non-advisor is a reply on that case."""
    m = mail(subject=f"Re: [{REF}] Norfolk RJ Hub", headers=[("In-Reply-To", ACK_ID)])
    result = classify(m, ctx(thread_for(m)))
    assert result.kind == MailClass.REPLY and result.case_ref == REF


def test_subject_reference_is_found():
    """The case reference in a subject is found with or without brackets and prefixes."""
    assert subject_ref(f"Re: Fwd: [{REF}] Norfolk RJ Hub") == REF
    assert subject_ref("About RJ-SUF-2025-0007 please") == "RJ-SUF-2025-0007"
    assert subject_ref("RJ-NOR-26-1") is None
    assert subject_ref("") is None


# --------------------------------------------------------------------------- advisor commands


def test_verified_advisor_reply_to_a_notification_is_a_command():
    """dmarc=pass from our own server plus a reply to our signed notification: a command."""
    m = advisor_mail()
    result = classify(m, ctx(thread_for(m)))
    assert result.kind == MailClass.ADVISOR_COMMAND, result
    assert result.case_ref == REF


def test_internal_authenticated_submission_counts_as_verified():
    """auth=pass from the trusted server (internal submission) also verifies the advisor."""
    m = advisor_mail(auth=[f"{TRUSTED}; auth=pass smtp.auth={ADVISOR}"])
    assert classify(m, ctx(thread_for(m))).kind == MailClass.ADVISOR_COMMAND


def test_advisor_address_is_compared_case_insensitively():
    """Advisor.One@Example.ORG is the same advisor."""
    m = advisor_mail(frm="Advisor One <Advisor.One@Example.ORG>")
    assert classify(m, ctx(thread_for(m))).kind == MailClass.ADVISOR_COMMAND


def _assert_possible_spoof(m: InboundMail) -> None:
    result = classify(m, ctx(thread_for(m)))
    assert result.kind == MailClass.REPLY, result
    assert "possible spoof" in result.reason
    assert result.spoof
    assert result.case_ref == REF


def test_advisor_mail_without_authentication_results_is_a_possible_spoof():
    """Anyone can write an advisor's address into From: without a verified result it only replies."""
    _assert_possible_spoof(advisor_mail(auth=[]))


def test_advisor_mail_without_signed_parent_is_a_possible_spoof():
    """A verified advisor writing with only the reference in the subject does not act on the case."""
    _assert_possible_spoof(advisor_mail(parent=None))


def test_advisor_mail_replying_to_a_letter_to_the_person_is_not_a_command():
    """The signed parent must be a notification to advisors, not the acknowledgement to the person."""
    _assert_possible_spoof(advisor_mail(parent=ACK_ID))


def test_advisor_mail_replying_to_a_forged_signature_is_not_a_command():
    """A Message-ID in rjmail's format but with a MAC made with another key proves nothing."""
    forged = signing.make_message_id(b"attacker-key-0000000000000000000", "notification", REF, "example.org")
    _assert_possible_spoof(advisor_mail(parent=forged))


def test_advisor_mail_replying_to_another_cases_notification_is_not_a_command():
    """A signed notification about case A does not authorise a command on case B."""
    other = signing.make_message_id(KEY, "notification", "RJ-NOR-2026-0001", "example.org")
    _assert_possible_spoof(advisor_mail(parent=other))


def test_failing_dmarc_is_a_possible_spoof():
    """Our server saying dmarc=fail is not verification."""
    _assert_possible_spoof(
        advisor_mail(auth=[f"{TRUSTED}; spf=fail; dkim=none; dmarc=fail header.from=example.org"])
    )


def test_authentication_results_from_an_untrusted_server_is_ignored():
    """A sender can forge an Authentication-Results header; only our servers' ids count."""
    _assert_possible_spoof(advisor_mail(auth=["mx.attacker.test; dmarc=pass header.from=example.org"]))


def test_trusted_id_below_our_own_failing_result_is_ignored():
    """Our MTA prepends its result; a forged 'pass' with our id lower down does not override it."""
    _assert_possible_spoof(
        advisor_mail(
            auth=[
                f"{TRUSTED}; dmarc=fail header.from=example.org",
                f"{TRUSTED}; dmarc=pass header.from=example.org",
            ]
        )
    )


def test_dmarc_pass_for_another_domain_is_not_the_advisor():
    """dmarc=pass must be for the From domain, not for some domain the attacker controls."""
    _assert_possible_spoof(advisor_mail(auth=[f"{TRUSTED}; dmarc=pass header.from=attacker.test"]))


def test_malformed_authentication_results_is_not_trusted():
    """A header the parser cannot read verifies nothing."""
    _assert_possible_spoof(advisor_mail(auth=[f"{TRUSTED}; ;;; dmarc"]))


@pytest.mark.parametrize(
    "sender",
    [
        "Advisor One <advisor@examp1e.org>",
        "Advisor One <advisor.one@examp1e.org>",
        "Advisor One <advisor.one@example.org.attacker.test>",
        "Advisor One <advisor.one@exаmple.org>",  # Cyrillic 'а'
        "Advisor One <advisor.0ne@example.org>",
    ],
)
def test_look_alike_advisor_addresses_never_command(sender):
    """Addresses that look like an advisor's are ordinary senders, whatever their headers say."""
    m = advisor_mail(frm=sender)
    result = classify(m, ctx(thread_for(m)))
    assert result.kind != MailClass.ADVISOR_COMMAND
    assert result.kind == MailClass.REPLY


def test_display_name_spoofing_never_commands():
    """'"advisor.one@example.org" <attacker@example.test>' is the attacker, not the advisor."""
    m = advisor_mail(
        frm=f'"{ADVISOR}" <attacker@example.test>', auth=[f"{TRUSTED}; dmarc=pass header.from=example.test"]
    )
    assert m.from_addr == "attacker@example.test"
    result = classify(m, ctx(thread_for(m)))
    assert result.kind == MailClass.REPLY


@pytest.mark.parametrize(
    "auth",
    [
        [],
        ["mx.attacker.test; dmarc=pass header.from=example.org"],
        [f"{TRUSTED}; dmarc=fail", f"{TRUSTED}; dmarc=pass header.from=example.org"],
    ],
)
@pytest.mark.parametrize("parent", [None, NOTIFICATION_ID, ACK_ID])
def test_no_unverified_combination_yields_a_command(auth, parent):
    """Whatever the thread, an advisor address without our passing result never commands."""
    m = advisor_mail(auth=auth, parent=parent)
    assert classify(m, ctx(thread_for(m))).kind != MailClass.ADVISOR_COMMAND
