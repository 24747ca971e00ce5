"""Advisors run cases from their mail client: verified commands, refusals, spoofs, withdrawals."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.support import body_text, inbox, referral, run, unique, write_config

pytestmark = pytest.mark.integration
TRUSTED_PASS = "mx.example.org; dmarc=pass header.from=example.org; spf=pass"


class Scene:
    """One hub, one referral acknowledged, ready for advisors and the person to reply."""

    def __init__(self, tmp_path: Path, stack: Any, db_url: str, hubs: list[dict[str, Any]]) -> None:
        self.stack, self.hub = stack, hubs[0]
        self.config = write_config(tmp_path, stack, db_url, hubs)
        assert run(self.config, "db", "upgrade")[0] == 0
        self.person = unique("person-")
        stack.add_user(self.person)
        self.advisor = self.hub["advisors"][0]
        stack.append(
            self.hub["user"],
            referral(f"{self.person}@example.test", "x@example.org", name="Robin Testperson"),
        )
        assert run(self.config, "run", "--once")[0] == 0
        self.ref = self.case()["ref"]

    def case(self) -> dict[str, Any]:
        code, out = run(self.config, "cases", "export", "--format", "json")
        assert code == 0
        cases = json.loads(out)
        assert len(cases) == 1
        return cases[0]

    def notification(self) -> EmailMessage:
        return inbox(self.stack, self.hub["notify"])[0]

    def advisor_reply(
        self,
        body: str,
        *,
        auth: str | None = TRUSTED_PASS,
        frm: str | None = None,
        parent: EmailMessage | None = None,
        display: str = "Advisor One",
    ) -> None:
        parent = parent or self.notification()
        headers = {"In-Reply-To": parent["Message-ID"], "References": parent["Message-ID"]}
        if auth:
            headers["Authentication-Results"] = auth
        raw = referral(
            frm or self.advisor,
            f"{self.hub['user']}@example.org",
            subject=f"Re: {parent['Subject']}",
            body=body,
            name=display,
            headers=headers,
        )
        self.stack.append(self.hub["user"], raw)
        assert run(self.config, "run", "--once")[0] == 0

    def person_reply(self, body: str, *, frm: str | None = None) -> None:
        ack = inbox(self.stack, self.person)[0]
        raw = referral(
            frm or f"{self.person}@example.test",
            "x@example.org",
            subject=f"Re: {ack['Subject']}",
            body=body,
            headers={"In-Reply-To": ack["Message-ID"], "References": ack["Message-ID"]},
        )
        self.stack.append(self.hub["user"], raw)
        assert run(self.config, "run", "--once")[0] == 0

    def advisor_inbox(self) -> list[EmailMessage]:
        return inbox(self.stack, self.advisor.split("@")[0])


@pytest.fixture
def scene(tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]) -> Scene:
    return Scene(tmp_path, mailstack, db_url, hubs)


def test_verified_not_suitable_sends_the_letter_with_signposting(scene):
    """#not-suitable from a verified advisor sends a kind letter with local services and confirms."""
    scene.advisor_reply("#not-suitable other-party-declined Thank you for talking with me.\n\n> quoted")
    case = scene.case()
    assert case["status"] == "not_suitable"
    letters = inbox(scene.stack, scene.person)
    assert len(letters) == 2
    text = body_text(letters[1])
    assert "Victim Care" in text and "999" in text
    assert "Thank you for talking with me." in text
    assert letters[1]["Subject"] == f"Norfolk RJ Hub [{scene.ref}]"
    confirmations = scene.advisor_inbox()
    assert len(confirmations) == 1 and "not suitable" in body_text(confirmations[0]).lower()
    assert [m["kind"] for m in case["messages"]][-2:] == ["advisor_command", "not_suitable"]


@pytest.mark.parametrize(
    "auth",
    [
        None,
        "evil.example.test; dmarc=pass header.from=example.org",
        "mx.example.org; dmarc=fail header.from=example.org",
    ],
)
def test_unverified_advisor_commands_do_nothing_and_warn(scene, auth):
    """Without a passing Authentication-Results from a trusted server, commands are not executed."""
    scene.advisor_reply("#close", auth=auth)
    assert scene.case()["status"] == "new"
    assert scene.advisor_inbox() == []
    warnings = inbox(scene.stack, scene.hub["notify"])
    assert "not verified" in warnings[-1]["Subject"]


def test_look_alike_and_display_name_spoofs_are_not_advisors(scene):
    """A look-alike address or an advisor's address in the display name never acts."""
    scene.advisor_reply("#close", frm=scene.advisor.replace("@example.org", "@examp1e.org"))
    scene.advisor_reply("#close", frm=f"{unique('mallory-')}@example.test", display=scene.advisor)
    assert scene.case()["status"] == "new"


def test_command_must_answer_an_rjmail_notification(scene):
    """A verified advisor writing fresh mail with only the reference in the subject cannot act."""
    fake_parent = EmailMessage()
    fake_parent["Message-ID"] = "<guessed@example.test>"
    fake_parent["Subject"] = f"[{scene.ref}] anything"
    scene.advisor_reply("#close", parent=fake_parent)
    assert scene.case()["status"] == "new"


def test_unknown_command_and_refused_transition_get_clear_errors(scene):
    """Unknown commands list the valid ones; #not-suitable on a withdrawn case is refused."""
    scene.advisor_reply("#frobnicate")
    error = body_text(scene.advisor_inbox()[-1])
    assert "#offer-call" in error and "#not-suitable" in error
    scene.advisor_reply("#withdraw")
    assert scene.case()["status"] == "withdrawn"
    scene.advisor_reply("#not-suitable safety")
    assert scene.case()["status"] == "withdrawn"
    assert "withdrawn" in body_text(scene.advisor_inbox()[-1])
    letters = inbox(scene.stack, scene.person)
    assert [m["kind"] for m in scene.case()["messages"] if m["direction"] == "out"] == [
        "acknowledgement",
        "withdrawal_confirmation",
    ]
    assert len(letters) == 2


def test_assign_note_hold_and_close(scene):
    """#assign, #note and #hold change the case without writing to the person; #close closes it."""
    scene.advisor_reply(f"#assign {scene.advisor}\n#note Spoke to the officer.\n#hold court case ongoing")
    case = scene.case()
    assert case["advisor"] == scene.advisor and case["status"] == "on_hold"
    [confirm] = scene.advisor_inbox()  # one confirmation per reply, covering every command
    assert confirm["Subject"] == f"[{scene.ref}] Done: #assign, #note, #hold"
    scene.advisor_reply("#close", parent=scene.advisor_inbox()[0])
    assert scene.case()["status"] == "closed"
    assert len(inbox(scene.stack, scene.person)) == 1


def test_person_can_withdraw_with_one_reply(scene):
    """'Please withdraw my referral' from the person: withdrawn, one confirmation, advisors told."""
    scene.person_reply("Please withdraw my referral. Thank you.")
    case = scene.case()
    assert case["status"] == "withdrawn"
    letters = inbox(scene.stack, scene.person)
    assert len(letters) == 2 and "999" in body_text(letters[1])
    scene.person_reply("Sorry, one more thing to say.")
    assert len(inbox(scene.stack, scene.person)) == 2  # no automatic mail after withdrawal


@pytest.mark.parametrize(
    "body",
    ["I don't want to stop, I just need more time.", "> Please withdraw my referral\nThanks for the email."],
)
def test_negations_and_quotes_do_not_withdraw(scene, body):
    """Negated wording or withdrawal words inside quoted text never withdraw the case."""
    scene.person_reply(body)
    assert scene.case()["status"] == "new"


def test_withdrawal_from_another_address_is_only_shown_to_advisors(scene):
    """Someone else quoting the reference cannot withdraw the person's case."""
    other = unique("other-")
    scene.stack.add_user(other)
    scene.person_reply("Please withdraw my referral.", frm=f"{other}@example.test")
    assert scene.case()["status"] == "new"
    note = inbox(scene.stack, scene.hub["notify"])[-1]
    assert "could not confirm" in body_text(note)


def test_a_stranger_quoting_the_reference_cannot_reopen_or_withdraw(tmp_path, mailstack, db_url, hubs):
    """With on_closed_reply = reopen, a stranger's mail about a closed case gets no letter, reopens
    nothing, and so has no signed letter to answer 'stop' to."""
    hubs = [dict(hubs[0], extra='on_closed_reply = "reopen"'), hubs[1]]
    scene = Scene(tmp_path, mailstack, db_url, hubs)
    scene.advisor_reply("#not-suitable safety")
    mallory = unique("other-")
    mailstack.add_user(mallory)
    raw = referral(
        f"{mallory}@example.test",
        "x@example.org",
        subject=f"Re: [{scene.ref}]",
        body="Hello, any news?",
        headers={"Reply-To": f"{scene.person}@example.test"},
    )
    mailstack.append(scene.hub["user"], raw)
    assert run(scene.config, "run", "--once")[0] == 0
    assert scene.case()["status"] == "not_suitable"
    assert mailstack.fetch_all(mallory) == []
    assert len(inbox(mailstack, scene.person)) == 2  # acknowledgement + not-suitable, nothing more


def test_mail_to_the_wrong_hub_is_handled_by_the_case_hub(scene, hubs):
    """A reply about a Norfolk case sent to the Suffolk address is Norfolk's: Suffolk's advisors
    are not told and cannot act on it."""
    suffolk = hubs[1]
    raw = referral(
        f"{scene.person}@example.test",
        "x@example.org",
        subject=f"Re: [{scene.ref}]",
        body="One more thing I wanted to say.",
    )
    scene.stack.append(suffolk["user"], raw)
    assert run(scene.config, "run", "--once")[0] == 0
    assert scene.stack.fetch_all(suffolk["notify"]) == []
    assert "New message" in inbox(scene.stack, scene.hub["notify"])[-1]["Subject"]
    assert [m["kind"] for m in scene.case()["messages"]][-1] == "reply"
