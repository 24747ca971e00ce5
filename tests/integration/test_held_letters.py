"""On the real stack (issue 14 "Done when"): letters to the person from advisor commands are held,
one confirmation quotes them with how to #cancel, #cancel stops them and puts the case back, a letter
not cancelled goes when the hold ends, and commands typed on phones and in Outlook act."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest

from rjmail import delivery
from rjmail.runtime import build_runtime
from rjmail.settings import load
from tests.integration.test_advisor import TRUSTED_PASS, Scene
from tests.support import body_text, inbox, run, write_config

pytestmark = pytest.mark.integration
WORDS = "The other person has decided not to take part at the moment."


@pytest.fixture
def scene(tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]) -> Scene:
    scene = Scene(tmp_path, mailstack, db_url, hubs)
    scene.config = write_config(
        tmp_path, mailstack, db_url, hubs, extra_service="advisor_letter_hold_minutes = 10"
    )
    return scene


def deliver_later(scene: Scene, minutes: int) -> None:
    """A delivery run by a fresh process whose clock is `minutes` ahead."""
    rt = build_runtime(load(scene.config))
    later = datetime.now(UTC) + timedelta(minutes=minutes)
    rt.now = lambda: later
    delivery.deliver_due(rt, list(rt.settings.hubs))


def flat(msg: EmailMessage) -> str:
    return " ".join(body_text(msg).split())


def test_a_held_not_suitable_letter_is_quoted_and_cancel_stops_it(scene):
    scene.advisor_reply(f"#not-suitable other-party-declined {WORDS}")

    assert scene.case()["status"] == "not_suitable"
    assert len(inbox(scene.stack, scene.person)) == 1  # the acknowledgement only: nothing at once
    [confirm] = scene.advisor_inbox()
    assert confirm["Subject"] == f"[{scene.ref}] Done: #not-suitable"
    text = flat(confirm)
    assert WORDS in text and "Reply #cancel" in text and "will go on" in text

    scene.advisor_reply("#cancel")
    cancelled = scene.advisor_inbox()
    assert len(cancelled) == 2 and cancelled[1]["Subject"] == f"[{scene.ref}] Done: #cancel"
    assert "Cancelled: the not-suitable letter to" in flat(cancelled[1])
    assert "The case is back to 'new'." in flat(cancelled[1])
    assert scene.case()["status"] == "new"

    deliver_later(scene, 30)
    assert len(inbox(scene.stack, scene.person)) == 1  # never goes


def test_a_letter_not_cancelled_goes_once_when_the_hold_ends(scene):
    scene.advisor_reply(f"#not-suitable other-party-declined {WORDS}")
    deliver_later(scene, 5)
    assert len(inbox(scene.stack, scene.person)) == 1

    deliver_later(scene, 11)
    deliver_later(scene, 60)
    letters = inbox(scene.stack, scene.person)
    assert len(letters) == 2 and WORDS in " ".join(body_text(letters[1]).split())


def test_hold_typed_with_a_non_breaking_space_acts(scene):
    scene.advisor_reply("#Hold\u00a0court case still running")

    assert scene.case()["status"] == "on_hold"
    [confirm] = scene.advisor_inbox()
    assert confirm["Subject"] == f"[{scene.ref}] Done: #hold"


def outlook_html_reply(scene: Scene, html: str) -> bytes:
    parent = scene.notification()
    msg = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    msg["From"] = f"Advisor One <{scene.advisor}>"
    msg["To"] = f"{scene.hub['user']}@example.org"
    msg["Subject"] = f"RE: {parent['Subject']}"
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="example.org")
    msg["In-Reply-To"] = parent["Message-ID"]
    msg["References"] = parent["Message-ID"]
    msg["Authentication-Results"] = TRUSTED_PASS
    msg.set_content(html, subtype="html")
    return msg.as_bytes()


def test_an_outlook_html_reply_with_a_non_breaking_hyphen_acts_with_one_confirmation(scene):
    html = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><body lang=EN-GB>'
        "<div class=WordSection1><p class=MsoNormal>#not&#8209;suitable other-party-declined "
        f"{WORDS}<o:p></o:p></p><p class=MsoNormal>#note Margaret told by phone, she was upset"
        "<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>"
        '<div style="border-top:solid #E1E1E1 1.0pt"><p class=MsoNormal><b>From:</b> Norfolk RJ Hub'
        "</p></div></div></body></html>"
    )
    scene.stack.append(scene.hub["user"], outlook_html_reply(scene, html))
    assert run(scene.config, "run", "--once")[0] == 0

    case = scene.case()
    assert case["status"] == "not_suitable"
    assert "note" in [m["kind"] for m in case["messages"]]
    [confirm] = scene.advisor_inbox()
    assert confirm["Subject"] == f"[{scene.ref}] Done: #not-suitable, #note"
    deliver_later(scene, 11)
    letter = inbox(scene.stack, scene.person)[-1]
    assert WORDS in " ".join(body_text(letter).split()) and "Margaret" not in body_text(letter)
