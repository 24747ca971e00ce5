"""Advisor notifications read on a phone: safety first, two blocks, words not timestamps."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rjmail.core.notice import local_time, notice_view, shorten, windows_text, with_notice
from rjmail.core.render import build_templates, render_letter

LONDON = ZoneInfo("Europe/London")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\+00:00")
EVENTS = (
    "new_case",
    "new_message",
    "quarantine",
    "delivery_failure",
    "spoof",
    "booking",
    "bad_address",
    "withdrawal",
    "slot_none",
    "times_declined",
)
CASE: dict[str, Any] = {
    "ref": "RJ-NOR-2026-0003",
    "status": "call_booked",
    "referrer_name": "PC James Whitfield",
    "referrer_email": "james.whitfield@police.example.org",
    "phone": "+447700900345",
    "referrer_phone": "+447700900999",
    "role": "victim",
    "referral_type": "professional",
    "crime_reference": "36/12345/24",
    "wants_call": True,
    "call_times": "only after 6pm on weekdays",
    "voicemail_ok": False,
    "email_only": False,
    "language": "pl",
    "letter_language": "pl",
    "advisor": None,
    "call_slot": "2026-12-08T18:30:00+00:00",
    "organisation": "Norfolk Constabulary",
    "referred_person": {"name": "Janet Moore", "email": None, "phone": "+447700900345"},
    "access_needs": "hard of hearing: please speak slowly",
    "call_windows": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "18:00", "to": "21:00"}],
}


def test_a_long_summary_is_cut_at_a_sentence_with_an_ellipsis():
    """A summary over the limit ends at a full stop and says it was cut."""
    text = "He came round again. " * 80
    out = shorten(text, 300)
    assert len(out) <= 302 and out.endswith("again. …")


def test_a_summary_without_sentences_is_cut_at_a_word():
    """Polish without full stops is cut between words, never inside one ("Proszę n")."""
    text = "Proszę nie dzwonić rano " * 40
    out = shorten(text, 101)
    assert out.endswith("…")
    assert out[:-1].split()[-1] in {"Proszę", "nie", "dzwonić", "rano"}


@given(
    st.text(alphabet=st.sampled_from("ab ąę.\n"), min_size=0, max_size=400),
    st.integers(min_value=20, max_value=300),
)
def test_shorten_never_ends_inside_a_word(text, limit):
    """Whatever the text, the cut falls at a space, a line end or a sentence end."""
    out = shorten(text, limit)
    assert len(out) <= limit + 2
    if out != text.strip():
        body = out.rstrip("…").rstrip()
        assert text.strip().startswith(body)
        rest = text.strip()[len(body) :]
        assert not rest or not rest[0].isalnum() or not body or not body[-1].isalnum()


def test_local_time_is_in_words_in_uk_time():
    """18:30 UTC in December is 6:30pm in London, with the weekday and year."""
    assert local_time("2026-12-08T18:30:00+00:00", LONDON) == "Tuesday 8 December 2026 at 6:30pm"
    assert local_time(datetime(2026, 7, 1, 8, 0, tzinfo=UTC), LONDON) == "Wednesday 1 July 2026 at 9am"


def test_safety_lines_come_first_and_say_what_not_to_do():
    """No voicemail and the call window are warnings, not ordinary rows."""
    view = notice_view(CASE, LONDON)
    assert view.safety == (
        "NO VOICEMAIL: do not leave a message.",
        "CALL ONLY: Mon–Fri 18:00–21:00 (UK time).",
    )
    email_only = notice_view({**CASE, "email_only": True}, LONDON)
    assert email_only.safety[0] == "EMAIL ONLY: do not phone or text this person."
    assert not any(line.startswith("CALL ONLY") for line in email_only.safety)


def test_professional_referral_shows_two_separate_blocks():
    """The referred person's name and phone in one block, the officer's in another."""
    view = notice_view(CASE, LONDON)
    person = dict(view.person)
    referrer = dict(view.referrer)
    assert person["Name"] == "Janet Moore" and person["Phone"] == "+447700900345"
    assert person["Access needs"].startswith("hard of hearing")
    assert person["Language"] == "Polish"
    assert referrer == {
        "Name": "PC James Whitfield",
        "Organisation": "Norfolk Constabulary",
        "Email": "james.whitfield@police.example.org",
        "Phone": "+447700900999",
    }


def test_self_referral_has_no_referrer_block():
    """A person writing for themself is shown once."""
    view = notice_view({**CASE, "referral_type": "self", "referrer_name": "Jane Doe"}, LONDON)
    assert view.referrer == () and dict(view.person)["Name"] == "Jane Doe"


def test_windows_text_names_day_groups():
    """Weekdays, weekends and single days read naturally."""
    assert windows_text([{"days": ["sat", "sun"], "from": "09:00", "to": "12:00"}]) == "Sat–Sun 09:00–12:00"
    assert windows_text(None) is None


@pytest.mark.parametrize("event", EVENTS)
def test_no_notification_shows_an_iso_timestamp_or_a_cut_word(event):
    """Every notification kind: local times in words, and a summary cut at a word with '…'."""
    templates = build_templates(TEMPLATES, "NOR")
    summary = shorten("Proszę nie dzwonić przed 17:00 bo jestem w pracy " * 60)
    context = with_notice(
        {
            "hub": {
                "code": "NOR",
                "name": "Norfolk RJ Hub",
                "address": "rj-norfolk@example.org",
                "phone": None,
            },
            "ref": CASE["ref"],
            "greeting_name": None,
            "wants_call": True,
            "reason_codes": ["safety"],
            "event": event,
            "case": CASE,
            "summary": summary,
            "detail": "Tuesday 8 December 2026 at 6:30pm",
        }
    )
    out = render_letter(templates, "notification", context)
    for part in (out.subject, out.text, out.html):
        assert not ISO.search(part)
    assert "Tuesday 8 December 2026 at 6:30pm" in out.text
    assert "NO VOICEMAIL" in out.text.split("Commands:")[0][:400]
    summary_text = out.text.split("Summary:\n", 1)[1].split("\n\n", 1)[0]
    assert summary_text.endswith("…") and summary_text[:-1].rstrip().split()[-1] in (
        "Proszę",
        "nie",
        "dzwonić",
        "przed",
        "17:00",
        "bo",
        "jestem",
        "w",
        "pracy",
    )
