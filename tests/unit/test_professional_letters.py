"""Professional referrals: the right letter to the right person (SPEC section 3).

The professional gets a letter written for a professional; the referred person gets an
introduction as their first letter, and the call offer after it; the professional is greeted by
first name only when rjmail is sure of it; `tell_referrer` updates say "accepted" or "closed" only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from jinja2 import meta

from rjmail.core.decide import HubPolicy, decide
from rjmail.core.domain import (
    CaseStatus,
    Classification,
    FollowUp,
    InboundMail,
    MailClass,
    Person,
    Referral,
)
from rjmail.core.greeting import first_name, professional_greeting
from rjmail.core.parse import parse
from rjmail.core.referrer import referrer_update
from rjmail.core.render import build_templates, render_letter

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
OFFICER = "james.whitfield@police.example.org"
HER = "dana.kowalska@example.net"
NEW = Classification(MailClass.NEW_REFERRAL, "no case reference or thread: new referral")
POLICY = HubPolicy(code="NOR", notify=("advisors-nor@example.org",))
VICTIM_WORDING = re.compile(
    r'it can take a lot|reply "stop"|\b999\b|you are in control|in danger', re.IGNORECASE
)
HUB = {"code": "NOR", "name": "Norfolk RJ Hub", "address": "rj-norfolk@example.org", "phone": "01632 960000"}


def forward(display: str = "Whitfield James (PC 1482)") -> InboundMail:
    msg = EmailMessage()
    msg["From"] = f"{display} <{OFFICER}>"
    msg["To"] = "rj-norfolk@example.org"
    msg["Subject"] = "FW: referral"
    msg["Date"] = format_datetime(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    msg["Message-ID"] = "<fw1@police.example.org>"
    msg.set_content("Please see below.\n")
    return parse(msg.as_bytes())


def referral(person: Person | None, **extra: Any) -> Referral:
    fields: dict[str, Any] = {
        "referrer_email": OFFICER,
        "referrer_name": "Whitfield James",
        "referral_type": "professional",
        "referred_person": person,
        "organisation": "Norfolk Constabulary",
        "phone": person.phone if person else None,
    }
    return Referral(**{**fields, **extra})


def by_kind(decision: Any) -> dict[str, Any]:
    return {letter.kind: letter for letter in decision.letters}


def test_professional_gets_a_referral_acknowledgement_and_the_person_an_introduction() -> None:
    person = Person("Dana Kowalska", HER, "+447700900555")
    decision = decide(forward(), NEW, None, referral(person, wants_call=True), POLICY, 0)
    letters = by_kind(decision)
    assert list(letters) == ["referral_acknowledgement", "introduction", "notification"]
    assert letters["referral_acknowledgement"].to == (OFFICER,)
    assert letters["introduction"].to == (HER,)
    # A new thread for her: the officer's Message-ID must not reach her.
    assert letters["introduction"].reply_to_message_id is None
    assert letters["introduction"].references == ()
    assert letters["introduction"].context["organisation"] == "Norfolk Constabulary"
    assert decision.follow_up == FollowUp.OFFER_CALL  # her call offer comes after her introduction


def test_no_email_for_the_person_means_no_introduction_and_no_call_offer() -> None:
    person = Person("Janet Moore", None, "+447700900345")
    decision = decide(forward("Priya Shah"), NEW, None, referral(person, wants_call=True), POLICY, 0)
    assert [letter.kind for letter in decision.letters] == ["referral_acknowledgement", "notification"]
    assert decision.follow_up is None
    assert any("no email address" in s for s in decision.suppressed)
    context = decision.letters[0].context
    assert context["by_phone"] is True and context["by_email"] is False


def test_the_professionals_own_address_is_never_the_persons() -> None:
    person = Person("Dana Kowalska", OFFICER, None)
    decision = decide(forward(), NEW, None, referral(person), POLICY, 0)
    assert all(letter.kind != "introduction" for letter in decision.letters)


def test_the_loop_guard_still_holds_for_a_busy_professional() -> None:
    decision = decide(forward(), NEW, None, referral(Person("Dana", HER, None)), POLICY, 5)
    assert "referral_acknowledgement" not in by_kind(decision)
    assert any("automatic replies" in s for s in decision.suppressed)


@pytest.mark.parametrize(
    ("display", "name", "expected"),
    [
        ("Whitfield James (PC 1482)", "James Whitfield", "James"),  # order confirmed and swapped
        ("Whitfield James (PC 1482)", "Whitfield James", None),  # not sure: plain Hello
        ("Whitfield, James", "Whitfield James", None),
        ("Priya Shah", "Priya Shah", "Priya"),
        ("Mrs Moore", "Mrs Moore", None),
    ],
)
def test_a_professional_is_greeted_by_first_name_only_when_sure(
    display: str, name: str, expected: str | None
) -> None:
    assert professional_greeting(display, name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mrs Moore", None),
        ("Mrs Janet Moore", "Janet"),
        ("PC Whitfield", None),
        ("Dr", None),
        ("DC Sam Example", "Sam"),
        ("Janet Moore", "Janet"),
        ("J Moore", None),
        (None, None),
    ],
)
def test_titles_and_ranks_are_never_a_first_name(name: str | None, expected: str | None) -> None:
    assert first_name(name) == expected


def _render(kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    out = render_letter(build_templates(TEMPLATES), kind, {"hub": HUB, "ref": "RJ-NOR-2026-0007", **context})
    return out.subject, out.text, out.html


@pytest.mark.parametrize(
    ("by_email", "by_phone"), [(True, True), (True, False), (False, True), (False, False)]
)
def test_referral_acknowledgement_is_a_professionals_letter(by_email: bool, by_phone: bool) -> None:
    subject, text, html = _render(
        "referral_acknowledgement", {"greeting_name": None, "by_email": by_email, "by_phone": by_phone}
    )
    assert subject == "Norfolk RJ Hub [RJ-NOR-2026-0007]"
    for part in (text, html):
        assert VICTIM_WORDING.search(part) is None, VICTIM_WORDING.search(part)
        assert "RJ-NOR-2026-0007" in part
        assert "reply to this email" in part
    assert text.startswith("Hello,\n")
    assert ("introduction by email" in text) is by_email
    assert ("phone" in text.split("Adding information")[0]) is (by_phone or not by_email)
    if not (by_email or by_phone):
        assert "we will contact you for a way to reach them" in text


def test_referral_acknowledgement_greets_by_first_name_when_given() -> None:
    _subject, text, html = _render(
        "referral_acknowledgement", {"greeting_name": "James", "by_email": True, "by_phone": False}
    )
    assert text.startswith("Hello James,\n")
    assert "<p>Hello James,</p>" in html


@pytest.mark.parametrize("update", ["accepted", "closed"])
def test_referrer_update_is_short_and_neutral(update: str) -> None:
    subject, text, _html = _render("referrer_update", {"update": update})
    assert subject == "Norfolk RJ Hub [RJ-NOR-2026-0007]"
    assert update in text
    assert VICTIM_WORDING.search(text) is None
    assert not re.search(r"reason|suitable|withdr", text, re.IGNORECASE)


@pytest.mark.parametrize("kind", ["referral_acknowledgement", "referrer_update"])
def test_professional_letters_reach_only_their_own_fields(kind: str) -> None:
    """Nothing about the person (name, phone, what happened) can be rendered into them."""
    env = build_templates(TEMPLATES).text
    allowed = {"hub", "ref", "greeting_name", "by_email", "by_phone", "update"}
    for name in (f"{kind}.subject.j2", f"{kind}.txt.j2", f"{kind}.html.j2", "_professional_footer.txt.j2"):
        used = meta.find_undeclared_variables(env.parse((TEMPLATES / name).read_text(encoding="utf-8")))
        assert used <= allowed, f"{name} uses {sorted(used - allowed)}"


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("new", CaseStatus.IN_PROGRESS, "accepted"),
        ("call_booked", CaseStatus.IN_PROGRESS, "accepted"),
        ("in_progress", CaseStatus.CLOSED, "closed"),
        ("new", CaseStatus.NOT_SUITABLE, "closed"),
        ("call_offered", CaseStatus.WITHDRAWN, "closed"),
        ("not_suitable", CaseStatus.CLOSED, None),  # said once already
        ("new", CaseStatus.ON_HOLD, None),
        ("new", CaseStatus.CALL_OFFERED, None),
    ],
)
def test_referrer_updates_say_accepted_or_closed_once(
    before: str, after: CaseStatus, expected: str | None
) -> None:
    assert referrer_update("professional", before, after) == expected


def test_self_referrals_never_get_referrer_updates() -> None:
    assert referrer_update("self", "new", CaseStatus.CLOSED) is None


def test_the_case_view_gives_notifications_both_blocks() -> None:
    """The referred person (name, email, phone, access needs) and the professional (organisation)
    reach the notification as separate blocks; the officer's name is not in the person's block."""
    from rjmail.adapters.tables import Case
    from rjmail.core.notice import LONDON, notice_view
    from rjmail.letters import case_view

    case = Case(
        ref="RJ-NOR-2026-0007",
        hub="NOR",
        referrer_email=OFFICER,
        referrer_name="James Whitfield",
        referral_type="professional",
        phone="+447700900345",
        organisation="Victim Support",
        referred_name="Janet Moore",
        referred_phone="+447700900345",
        access_needs="hard of hearing",
    )
    view = case_view(case)
    assert view["referred_person"] == {"name": "Janet Moore", "email": None, "phone": "+447700900345"}
    assert view["access_needs"] == "hard of hearing"
    notice = notice_view(view, LONDON)
    person, referrer = dict(notice.person), dict(notice.referrer)
    assert person["Name"] == "Janet Moore" and person["Phone"] == "+447700900345"
    assert person["Access needs"] == "hard of hearing"
    assert "Whitfield" not in " ".join(person.values())
    assert referrer["Name"] == "James Whitfield" and referrer["Organisation"] == "Victim Support"


def test_a_self_referral_has_no_referred_person_in_its_view() -> None:
    from rjmail.adapters.tables import Case
    from rjmail.letters import case_view

    view = case_view(Case(ref="RJ-NOR-2026-0008", hub="NOR", referrer_email=HER, referral_type="self"))
    assert view["referred_person"] is None
