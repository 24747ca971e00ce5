"""Listening to the person on the real mail stack (issue 11's Done-when): call windows bind the offers,
"no voicemail" is said back and never asked again, email only means no offer even after #offer-call,
re-offers follow the new wish and repeat nothing, and a choice on an on-hold case is answered."""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support import body_text, inbox, referral, run, unique, write_config

pytestmark = pytest.mark.integration
LONDON = ZoneInfo("Europe/London")
TRUSTED_PASS = "mx.example.org; dmarc=pass header.from=example.org; spf=pass"
WEEK = ("mon", "tue", "wed", "thu", "fri")


def calls(*spans: str, days: tuple[str, ...] = WEEK) -> str:
    hours = ", ".join(f"{d} = [{', '.join(repr(s).replace(chr(39), chr(34)) for s in spans)}]" for d in days)
    return f"[hubs.calls]\nslot_minutes = 30\noffer_count = 3\nmin_notice_hours = 24\nhours = {{ {hours} }}\n"


EVENINGS = calls("09:00-12:00", "13:00-16:00", "17:30-20:00")
DAYTIME = calls("09:00-17:00", days=(*WEEK, "sat", "sun"))
AFTER_SIX = (
    "Hello,\n\nSomeone broke into our shed in the summer. Please call me on 07700 900321. Only after 6pm "
    "on weekdays please, I am at work in the day. Please don't leave a voicemail.\n\nThanks,\nRobin"
)


class Stage:
    """One hub with the given call hours and one person who writes in."""

    def __init__(
        self, tmp_path: Path, stack: Any, db_url: str, hubs: list[dict[str, Any]], hours: str, body: str
    ) -> None:
        self.stack, self.hub = stack, hubs[0]
        self.config = write_config(tmp_path, stack, db_url, [dict(hubs[0], extra=hours), hubs[1]])
        assert run(self.config, "db", "upgrade")[0] == 0
        self.person = unique("listen-")
        stack.add_user(self.person)
        self.write(body)

    def write(self, body: str, parent: EmailMessage | None = None) -> None:
        headers = {"In-Reply-To": parent["Message-ID"], "References": parent["Message-ID"]} if parent else {}
        subject = f"Re: {parent['Subject']}" if parent else "Help please"
        self.stack.append(
            self.hub["user"],
            referral(
                f"{self.person}@example.test",
                "x@example.org",
                subject=subject,
                body=body,
                name="Robin Testperson",
                headers=headers,
            ),
        )
        assert run(self.config, "run", "--once")[0] == 0

    def advisor(self, body: str) -> None:
        parent = inbox(self.stack, self.hub["notify"])[0]
        raw = referral(
            self.hub["advisors"][0],
            "x@example.org",
            subject=f"Re: {parent['Subject']}",
            body=body,
            name="Advisor One",
            headers={
                "In-Reply-To": parent["Message-ID"],
                "References": parent["Message-ID"],
                "Authentication-Results": TRUSTED_PASS,
            },
        )
        self.stack.append(self.hub["user"], raw)
        assert run(self.config, "run", "--once")[0] == 0

    def case(self) -> dict[str, Any]:
        code, out = run(self.config, "cases", "export", "--format", "json")
        assert code == 0
        return json.loads(out)[0]

    def letters(self) -> list[EmailMessage]:
        return inbox(self.stack, self.person)

    def kinds(self) -> list[str]:
        return [m["kind"] for m in self.case()["messages"] if m["direction"] == "out"]

    def offered(self) -> list[datetime]:
        return [
            datetime.fromisoformat(x.replace("Z", "+00:00")).astimezone(LONDON)
            for x in self.case()["offered_slots"]
        ]

    def notices(self) -> str:
        return "\n".join(" ".join(body_text(m).split()) for m in inbox(self.stack, self.hub["notify"]))


@pytest.fixture
def stage(tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    return lambda hours, body: Stage(tmp_path, mailstack, db_url, hubs, hours, body)


def test_after_six_no_voicemail_to_a_hub_with_evening_sessions(stage):
    s = stage(EVENINGS, AFTER_SIX)

    case = s.case()
    assert case["call_windows"] == [{"days": list(WEEK), "from": "18:00", "to": "21:00"}]
    assert case["voicemail_ok"] is False and case["email_only"] is False
    assert len(s.offered()) == 3
    assert all(x.weekday() < 5 and (x.hour, x.minute) >= (18, 0) for x in s.offered())
    texts = [body_text(m) for m in s.letters()]
    assert "We will not leave a voicemail." in texts[1]
    assert all("leave a message" not in t for t in texts)


def test_after_six_to_a_hub_without_evening_sessions_gets_no_offer_but_a_kind_letter(stage):
    s = stage(DAYTIME, AFTER_SIX)

    assert s.kinds() == ["acknowledgement", "call_arrange"] and s.case()["offered_slots"] == []
    kind = body_text(s.letters()[-1])
    assert "arrange a time that suits you" in kind and "We will not leave a voicemail." in kind
    told = s.notices()
    assert "Mon–Fri 18:00–21:00" in told and "Mon 09:00-17:00" in told and "NO VOICEMAIL" in told


@pytest.mark.parametrize(
    ("words", "ok"),
    [
        ("I'm usually in during the day but not on Wednesdays.", lambda x: x.weekday() != 2),
        ("I'm free in the afternoons.", lambda x: x.hour >= 12),
    ],
)
def test_days_and_day_parts_bind_the_offer(stage, words, ok):
    s = stage(DAYTIME, f"Hello,\n\nPlease call me. {words}\n\nRobin")
    assert len(s.offered()) == 3 and all(ok(x) for x in s.offered())


def test_none_of_these_mornings_are_better_gets_fresh_mornings(stage):
    s = stage(DAYTIME, "Hello,\n\nPlease call me on 07700 900321.\n\nRobin")
    first = s.offered()

    s.write("None of these, mornings are better", parent=s.letters()[1])

    second = s.offered()[3:]
    assert s.kinds().count("call_offer") == 2
    assert len(second) == 3 and all(x.hour < 12 for x in second) and not set(first) & set(second)


def test_email_only_gets_no_offer_even_after_offer_call(stage):
    s = stage(DAYTIME, "Hello,\n\nPlease only email me, he checks my phone.\n\nRobin")
    assert s.case()["email_only"] is True and s.case()["wants_call"] is False

    s.advisor("#offer-call")

    assert "call_offer" not in s.kinds()
    result = inbox(s.stack, s.hub["advisors"][0].split("@")[0])[-1]
    assert "the person asked to be contacted by email only" in body_text(result)


def test_i_would_welcome_a_telephone_call_is_offered_times(stage):
    s = stage(DAYTIME, "Hello,\n\nI would welcome a telephone call to discuss this.\n\nRobin")
    assert s.case()["wants_call"] is True and s.kinds() == ["acknowledgement", "call_offer"]


def test_one_please_on_an_on_hold_case_is_answered_and_nothing_is_booked(stage):
    s = stage(DAYTIME, "Hello,\n\nPlease call me.\n\nRobin")
    offer = s.letters()[1]
    s.advisor("#hold")

    s.write("1 please", parent=offer)

    case = s.case()
    assert case["status"] == "on_hold" and case["call_slot"] is None
    assert s.kinds()[-1] == "offer_closed"
    assert "we have not booked a call" in body_text(s.letters()[-1])
    assert "The person chose 1 (" in s.notices() and "nothing was booked" in s.notices()
