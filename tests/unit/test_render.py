"""Letters from the shipped templates/ -> complete messages: threading and loop-safety headers,
both parts, escaping, and no way for data to add a header."""

from __future__ import annotations

import email
import shutil
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from rjmail.core import signing
from rjmail.core.notice import with_notice
from rjmail.core.render import (
    Envelope,
    RenderedLetter,
    Templates,
    build_message,
    build_templates,
    render_letter,
)
from rjmail.letters import COMMANDS_REASONS_FALLBACK
from rjmail.preview import SAMPLE_CASE, sample_context

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
KEY = b"unit-test-signing-key-0123456789"
REF = "RJ-NOR-2026-0042"
HUB_ADDRESS = "rj-norfolk@example.org"
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
PERSON_ID = "<CAF=person.original.1@mail.example.test>"
# Outlook/Exchange Online Message-IDs are long; so are rjmail's own signed ones.
LONG_ID = "<DB9PR04MB8362E3F1B2C63C3A7B8AE2A4D9A42C5@DB9PR04MB8362.eurprd04.prod.outlook.com>"
OUR_ACK = signing.make_message_id(KEY, "acknowledgement", REF, "example.org", nonce="0123456789abcdef")


def context(kind: str, **overrides: Any) -> dict[str, Any]:
    """The context the letter composer fills (hub, ref, greeting) plus the preview's sample data."""
    ctx: dict[str, Any] = {
        "hub": {"code": "NOR", "name": "Norfolk RJ Hub", "address": HUB_ADDRESS, "phone": None},
        "ref": REF,
        "greeting_name": "Sam",
        "wants_call": None,
        "reason_codes": list(COMMANDS_REASONS_FALLBACK),
    }
    ctx.update(sample_context(kind))
    ctx["case"] = dict(SAMPLE_CASE, ref=REF)
    ctx.update(overrides)
    return with_notice(ctx)


@pytest.fixture(scope="module")
def templates() -> Templates:
    return build_templates(TEMPLATES, "NOR")


def envelope(
    *,
    to_advisors: bool = False,
    in_reply_to: str | None = PERSON_ID,
    references: tuple[str, ...] = (),
    to: tuple[str, ...] = ("pat@example.test",),
) -> Envelope:
    kind = "notification" if to_advisors else "acknowledgement"
    return Envelope(
        hub_name="Norfolk RJ Hub",
        hub_address=HUB_ADDRESS,
        to=to,
        message_id=signing.make_message_id(KEY, kind, REF, "example.org"),
        date=NOW,
        in_reply_to=in_reply_to,
        references=references,
        to_advisors=to_advisors,
    )


def reparse(msg: EmailMessage) -> EmailMessage:
    """What a receiving client sees: the serialised bytes parsed back."""
    return email.message_from_bytes(msg.as_bytes(), policy=policy.default)  # type: ignore[return-value]


def letter(templates: Templates, kind: str = "acknowledgement", **overrides: Any) -> RenderedLetter:
    return render_letter(templates, kind, context(kind, **overrides))


# --------------------------------------------------------------------------- headers


def test_acknowledgement_has_loop_safety_and_threading_headers(templates):
    """A letter to a person is auto-replied, suppresses OOF/AutoReply only, and threads on their mail."""
    msg = reparse(build_message(letter(templates), envelope(references=("<older@mail.example.test>",))))
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["X-Auto-Response-Suppress"] == "OOF, AutoReply"  # not All: NDRs still wanted
    assert msg["In-Reply-To"] == PERSON_ID
    assert msg["References"].split() == ["<older@mail.example.test>", PERSON_ID]
    assert signing.verify(KEY, msg["Message-ID"]) is not None
    assert msg["From"].addresses[0].addr_spec == HUB_ADDRESS
    assert msg["From"].addresses[0].display_name == "Norfolk RJ Hub"
    assert msg["To"] == "pat@example.test"
    assert msg["Reply-To"] is None  # the person simply replies to the hub address
    assert msg["Date"] == "Mon, 02 Mar 2026 10:30:00 +0000"
    assert f"[{REF}]" in msg["Subject"]


def test_advisor_notification_is_auto_generated_with_reply_to_the_hub(templates):
    """Advisor mail is auto-generated and sends replies (commands) back to the hub mailbox."""
    rendered = letter(templates, "notification", event="new_case")
    msg = reparse(
        build_message(
            rendered, envelope(to_advisors=True, in_reply_to=None, to=("advisors-nor@example.org",))
        )
    )
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert msg["Reply-To"] == HUB_ADDRESS
    assert msg["In-Reply-To"] is None and msg["References"] is None
    assert signing.verify(KEY, msg["Message-ID"]).kind == "notification"


def test_references_are_deduplicated_capped_and_end_with_the_parent(templates):
    """References keep the last 20 ancestors, without the parent twice, and end with In-Reply-To."""
    ancestors = tuple(f"<a{i}@example.test>" for i in range(30))
    msg = reparse(
        build_message(letter(templates), envelope(in_reply_to="<a29@example.test>", references=ancestors))
    )
    refs = msg["References"].split()
    assert refs[-1] == "<a29@example.test>"
    assert refs.count("<a29@example.test>") == 1
    assert len(refs) == 21 and refs[0] == "<a9@example.test>"


def test_long_message_ids_stay_literal_in_threading_headers(templates):
    """Outlook's long Message-IDs (and rjmail's own) appear verbatim in In-Reply-To and References."""
    raw = build_message(letter(templates), envelope(in_reply_to=LONG_ID, references=(OUR_ACK,))).as_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    unfolded = head.replace(b"\r\n ", b" ").decode()
    assert "=?utf-8?" not in unfolded.lower()
    assert f"In-Reply-To: {LONG_ID}" in unfolded
    assert f"References: {OUR_ACK} {LONG_ID}" in unfolded


# --------------------------------------------------------------------------- injection and escaping


def _header_names(raw: bytes) -> list[str]:
    return [name.lower() for name in email.message_from_bytes(raw, policy=policy.default)]


CRLF_VALUES = [
    "RJ-NOR-2026-0042\r\nBcc: attacker@example.test",
    "RJ-NOR-2026-0042\nBcc: attacker@example.test",
    "RJ-NOR-2026-0042\rBcc: attacker@example.test",
    "RJ-NOR-2026-0042\r\n\r\n<script>injected body</script>",
]


@pytest.mark.parametrize("value", CRLF_VALUES)
def test_crlf_in_data_cannot_inject_a_header_via_the_subject(templates, value):
    """Data with CR/LF rendered into a subject ends up on the one Subject line, never as a header."""
    rendered = letter(templates, "acknowledgement", ref=value)
    assert "\r" not in rendered.subject and "\n" not in rendered.subject
    raw = build_message(rendered, envelope()).as_bytes()
    names = _header_names(raw)
    assert "bcc" not in names
    assert names.count("subject") == 1
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert not any(line.lower().startswith(b"bcc:") for line in head.split(b"\r\n"))


@pytest.mark.parametrize("field", ["name"])
def test_crlf_in_hub_name_cannot_inject_a_header(templates, field):
    """Even a hub name with CR/LF (it reaches From and Subject) adds no header."""
    hub = {
        "code": "NOR",
        "name": "Norfolk\r\nBcc: attacker@example.test",
        "address": HUB_ADDRESS,
        "phone": None,
    }
    rendered = letter(templates, "acknowledgement", hub=hub)
    env = Envelope(
        hub_name="Norfolk RJ Hub",
        hub_address=HUB_ADDRESS,
        to=("pat@example.test",),
        message_id=OUR_ACK,
        date=NOW,
    )
    assert "bcc" not in _header_names(build_message(rendered, env).as_bytes())
    bad_from = Envelope(
        hub_name=hub[field], hub_address=HUB_ADDRESS, to=("pat@example.test",), message_id=OUR_ACK, date=NOW
    )
    try:
        raw = build_message(rendered, bad_from).as_bytes()
    except ValueError:
        return  # refused outright: fine
    assert "bcc" not in _header_names(raw)


@pytest.mark.parametrize("subject", ["Hello\r\nBcc: attacker@example.test", "Hello\nX-Evil: 1"])
def test_build_message_refuses_a_raw_crlf_subject(subject):
    """A subject that somehow still carries CR/LF is refused rather than written as two headers."""
    rendered = RenderedLetter(subject=subject, text="text", html="<p>html</p>")
    with pytest.raises(ValueError, match=r"linefeed|carriage"):
        build_message(rendered, envelope())


def test_crlf_in_recipient_cannot_inject_a_header():
    """A recipient address with CR/LF is refused."""
    rendered = RenderedLetter(subject="Hello", text="text", html="<p>html</p>")
    try:
        raw = build_message(
            rendered, envelope(to=("pat@example.test\r\nBcc: attacker@example.test",))
        ).as_bytes()
    except ValueError:
        return
    assert "bcc" not in _header_names(raw)


def test_html_escapes_a_script_in_a_name(templates):
    """A name containing markup is shown as text in the HTML part, never run."""
    name = "<script>alert('x')</script>"
    rendered = letter(templates, "acknowledgement", greeting_name=name)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert name in rendered.text  # the plain-text part is plain text


def test_notification_html_escapes_sender_data(templates):
    """Everything a sender wrote (name, summary) is escaped in the advisors' HTML."""
    case = dict(SAMPLE_CASE, ref=REF, referrer_name='<img src=x onerror="alert(1)">')
    rendered = letter(
        templates,
        "notification",
        case=case,
        event="new_case",
        summary="<script>steal()</script>\nsecond line",
    )
    assert "<script>" not in rendered.html and "<img src=x" not in rendered.html
    assert "&lt;script&gt;" in rendered.html and "&lt;img src=x" in rendered.html


# --------------------------------------------------------------------------- parts and templates


@pytest.mark.parametrize("kind", ["acknowledgement", "call_offer", "withdrawal_confirmation", "notification"])
def test_text_and_html_parts_are_both_present(templates, kind):
    """Every letter has a plain-text part and an HTML alternative with the same reference."""
    msg = reparse(build_message(letter(templates, kind), envelope(to_advisors=kind == "notification")))
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    assert REF in plain.get_content() and REF in html.get_content()
    assert "<html" in html.get_content().lower()


def test_subject_is_one_line_with_the_reference(templates):
    """The subject is the hub name and reference in brackets, on one line."""
    rendered = letter(templates, "acknowledgement")
    assert rendered.subject == f"Norfolk RJ Hub [{REF}]"


def test_attachment_is_added_after_the_alternatives(templates):
    """A booking confirmation carries the .ics invite as an attachment next to text and HTML."""
    ics = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    msg = reparse(
        build_message(
            letter(templates, "booking_confirmation"),
            envelope(),
            attachments=[("invite.ics", "text/calendar", ics)],
        )
    )
    assert msg.get_content_type() == "multipart/mixed"
    attachments = list(msg.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["invite.ics"]
    assert attachments[0].get_content_type() == "text/calendar"
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None


def test_hub_override_template_wins(tmp_path):
    """templates/<HUB>/ overrides a shipped template for that hub only."""
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    (tmp_path / "templates" / "SUF").mkdir()
    (tmp_path / "templates" / "SUF" / "acknowledgement.subject.j2").write_text("Suffolk hub - {{ ref }}")
    suf = render_letter(
        build_templates(tmp_path / "templates", "SUF"),
        "acknowledgement",
        context("acknowledgement", ref="RJ-SUF-2026-0001"),
    )
    nor = render_letter(
        build_templates(tmp_path / "templates", "NOR"), "acknowledgement", context("acknowledgement")
    )
    assert suf.subject == "Suffolk hub - RJ-SUF-2026-0001"
    assert nor.subject == f"Norfolk RJ Hub [{REF}]"


def test_templates_cannot_reach_python_internals(tmp_path):
    """Templates are sandboxed: a staff-edited template cannot call into Python internals."""
    from jinja2.exceptions import SecurityError

    (tmp_path / "evil.subject.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    (tmp_path / "evil.txt.j2").write_text("x")
    (tmp_path / "evil.html.j2").write_text("x")
    with pytest.raises(SecurityError):
        render_letter(build_templates(tmp_path), "evil", {})
