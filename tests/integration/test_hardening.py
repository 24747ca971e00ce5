"""Issue 12 items 5-7 on the real stack: retention that erases, addresses as data, secret files,
bounce matching, one daemon per SQLite file, the loop guard and re-delivered mail without an ID."""

from __future__ import annotations

import email
import fcntl
import os
import re
import signal
import subprocess
import sys
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from tests.integration.test_advisor import TRUSTED_PASS
from tests.integration.test_loops import _dsn
from tests.support import export_cases, inbox, new_person, referral, run, setup_config, write_config

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RJMAIL_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "rjmail", "--config", str(config), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _threaded(raw: bytes, parent: EmailMessage | str) -> bytes:
    parent_id = parent if isinstance(parent, str) else str(parent["Message-ID"])
    return f"In-Reply-To: {parent_id}\r\nReferences: {parent_id}\r\n".encode() + raw


def dump_every_table(db_url: str) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every column of every row of every table."""
    engine = create_engine(db_url)
    meta = MetaData()
    meta.reflect(engine)
    found: list[tuple[str, str, str]] = []
    try:
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                for row in conn.execute(select(table)).mappings():
                    for column, value in row.items():
                        as_text = (
                            bytes(value).decode("utf-8", "replace")
                            if isinstance(value, (bytes, memoryview))
                            else value
                        )
                        found.append((table.name, column, "" if as_text is None else str(as_text)))
    finally:
        engine.dispose()
    return found


# ---------------------------------------------------------------- 1. retention that erases

NAME, PHONE, PLACE = "Marigold Thistlewood", "07700 900123", "Wymondham"
OTHER_PARTY, COURT = "Oswin Quarrington", "Norwich Crown Court"


def test_after_retention_no_table_holds_the_persons_data_and_dedup_still_works(
    tmp_path, mailstack, db_url, hubs
):
    """A case with a referral, a reply, an oversized (quarantined) message, advisor #hold/#note text
    naming the other party and the court, all with sender-chosen Message-IDs holding the person's
    name and phone: after `rjmail retention` a dump of every column of every table holds none of
    it; the same referral offered again is still recognised (keyed hashes)."""
    config = write_config(
        tmp_path, mailstack, db_url, hubs, extra_service="retention_days = 0\nmax_message_bytes = 20000"
    )
    assert run(config, "db", "upgrade")[0] == 0
    hub, person = hubs[0], new_person(mailstack)
    addr, hub_to = f"{person}@example.test", f"{hubs[0]['user']}@example.org"
    first = referral(
        addr,
        hub_to,
        subject="After the break-in",
        name=NAME,
        message_id="<marigold.thistlewood.07700900123@example.test>",
        body=f"Hello, I am {NAME}. My greenhouse in {PLACE} was smashed last spring.\n"
        f"Please ring me on {PHONE}, mornings are best.\n",
    )
    mailstack.append(hub["user"], first)
    assert run(config, "run", "--once")[0] == 0
    ack = inbox(mailstack, person)[0]  # then a call offer: "Please ring me" asks for a call
    mailstack.append(
        hub["user"],
        _threaded(
            referral(
                addr,
                hub_to,
                subject=f"Re: {ack['Subject']}",
                name=NAME,
                message_id="<re.thistlewood.07700900123@example.test>",
                body="Evenings after six are better, the greenhouse is still broken.\n",
            ),
            ack,
        ),
    )
    mailstack.append(
        hub["user"],
        referral(
            addr,
            hub_to,
            subject="Photos of the greenhouse",
            name=NAME,
            message_id="<big.marigold.thistlewood@example.test>",
            body=f"{NAME} here, {PHONE}. Photos of the greenhouse follow.\n" + "x" * 30000,
        ),
    )
    assert run(config, "run", "--once")[0] == 0
    [ref] = [c["ref"] for c in export_cases(config)]
    note = inbox(mailstack, hub["notify"])[0]
    for command in (
        f"#hold waiting for {COURT}; the other party {OTHER_PARTY} has a hearing",
        f"#note spoke to {NAME} on {PHONE}, greenhouse repairs pending",
        "#close",
    ):
        mailstack.append(
            hub["user"],
            _threaded(
                referral(
                    hub["advisors"][0],
                    hub_to,
                    subject=f"Re: {note['Subject']}",
                    name="Advisor One",
                    body=command,
                    headers={"Authentication-Results": TRUSTED_PASS},
                ),
                note,
            ),
        )
        assert run(config, "run", "--once")[0] == 0
    assert export_cases(config)[0]["status"] == "closed"
    before = dump_every_table(db_url)
    assert any(COURT in v for _, _, v in before) and any("thistlewood" in v for _, _, v in before)

    code, out = run(config, "retention")
    assert code == 0 and f"anonymised {ref}" in out
    forbidden = [
        "Marigold",
        "Thistlewood",
        person,
        "greenhouse",
        PLACE,
        "Oswin",
        "Quarrington",
        COURT,
        "Crown Court",
        PHONE,
        "07700900123",
        "+447700900123",
        "marigold.thistlewood",
    ]
    leaks = sorted(
        {
            (table, column, word)
            for table, column, value in dump_every_table(db_url)
            for word in forbidden
            if word.lower() in value.lower()
        }
        | {
            (table, column, "phone digits")
            for table, column, value in dump_every_table(db_url)
            if "7700900123" in re.sub(r"\D", "", value)
        }
    )
    assert leaks == []

    sent_before = len(inbox(mailstack, person))
    mailstack.append(hub["user"], first)  # the same referral offered again after retention
    assert run(config, "run", "--once")[0] == 0
    assert len(export_cases(config)) == 1
    assert len(inbox(mailstack, person)) == sent_before


# ---------------------------------------------------------------- 2. addresses as data


def test_a_comma_in_an_address_never_fans_a_letter_out(tmp_path, mailstack, db_url, hubs):
    """A web form's "Your email: name,admin@example.net" and a From with a quoted local part holding
    a comma get no letter at all (no envelope to "name", "admin@..." or a half-quoted piece); the
    advisors are told; a normal referral in the same cycle goes to exactly its person and the hub."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    hub, person = hubs[0], new_person(mailstack)
    hub_to, notify = f"{hub['user']}@example.org", f"{hub['notify']}@example.org"
    form = (
        Path(ROOT / "tests/corpus/009-webform-relay-no-reply-to.eml")
        .read_bytes()
        .replace(b"gary.pearce@example.net", b"gary,admin@example.net")
        .replace(b"<20260309121540.5d6e7f@forms.example.org>", f"<{person}.form@example.test>".encode())
    )
    quoted = (
        f'From: Jo Bloggs <"jo,admin"@example.test>\r\nTo: {hub_to}\r\nSubject: Help please\r\n'
        f"Message-ID: <{person}.quoted@example.test>\r\nDate: Mon, 2 Mar 2026 09:12:00 +0000\r\n\r\n"
        "I was burgled last year and I would like to hear about meeting the person who did it.\r\n"
    ).encode()
    before = len(mailstack.spooled())
    mailstack.append(hub["user"], form)
    mailstack.append(hub["user"], quoted)
    mailstack.append(hub["user"], referral(f"{person}@example.test", hub_to))
    assert run(config, "run", "--once")[0] == 0
    new = mailstack.spooled()[before:]
    envelopes = [tuple(r.lower() for r in m.rcpt_tos) for m in new]
    everyone = {r for env in envelopes for r in env}
    assert everyone <= {f"{person}@example.test", hub_to, notify}, everyone
    assert (f"{person}@example.test", hub_to) in envelopes  # a letter: the person and the hub copy
    assert len(export_cases(config)) == 3
    notices = [email.message_from_bytes(m.data, policy=policy.default) for m in new if notify in m.rcpt_tos]
    refused = [n for n in notices if "not valid" in str(n["Subject"]).lower()]
    assert len(refused) == 2


# ---------------------------------------------------------------- 3. secrets, bounces, daemons


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_secret_file_readable_by_others_is_refused_and_check_says_so(
    tmp_path, mailstack, db_url, hubs, mode
):
    """Like ssh: a signing key or password file with group/other permissions stops `run` and
    `check` with a configuration error naming the file and its mode."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    key = tmp_path / "signing-key"
    key.chmod(mode)
    for args in (("check",), ("run", "--once")):
        result = _cli(config, *args)
        assert result.returncode == 2
        assert f"permissions {mode:04o} for {key} are too open" in result.stderr
    key.chmod(0o600)
    (tmp_path / "imap-password").chmod(mode)
    result = _cli(config, "check")
    assert result.returncode == 2 and "imap-password are too open" in result.stderr


def test_a_forged_bounce_naming_another_recipient_changes_nothing(tmp_path, mailstack, db_url, hubs):
    """A delivery report quoting a real acknowledgement's Message-ID but naming an address the
    letter never went to leaves the letter sent and tells nobody it failed."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    hub, person = hubs[0], new_person(mailstack)
    hub_to, notify = f"{hub['user']}@example.org", f"{hub['notify']}@example.org"
    mailstack.append(hub["user"], referral(f"{person}@example.test", hub_to))
    assert run(config, "run", "--once")[0] == 0
    [ack] = inbox(mailstack, person)
    notices = len(inbox(mailstack, hub["notify"]))
    mailstack.append(hub["user"], _dsn(hub_to, "someone.else@example.test", ack, "text/rfc822-headers"))
    assert run(config, "run", "--once")[0] == 0
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            status = conn.exec_driver_sql(
                "SELECT status FROM outbox WHERE message_id = ?"
                if db_url.startswith("sqlite")
                else "SELECT status FROM outbox WHERE message_id = %s",
                (str(ack["Message-ID"]),),
            ).scalar()
    finally:
        engine.dispose()
    assert status == "sent"
    assert len(inbox(mailstack, hub["notify"])) == notices
    assert notify  # the notify mailbox exists and got no delivery-failure notice


def _locked(path: Path) -> bool:
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_a_second_daemon_on_the_same_sqlite_file_refuses_to_start(tmp_path, mailstack, db_url, hubs):
    """While one daemon runs, `run` and `run --once` on the same SQLite file exit at once with a
    clear message; after it stops, `run --once` works again."""
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL deployments elect a leader per hub instead")
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    lock = Path(db_url.removeprefix("sqlite:///") + ".lock")
    env = {k: v for k, v in os.environ.items() if k != "RJMAIL_CONFIG"}
    daemon = subprocess.Popen(
        [sys.executable, "-m", "rjmail", "--config", str(config), "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not _locked(lock) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _locked(lock), "the daemon did not take the lock"
        for args in (("run", "--once"), ("run",)):
            second = _cli(config, *args)
            assert second.returncode == 1
            assert "another rjmail daemon is already running" in second.stderr
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
    assert _cli(config, "run", "--once").returncode == 0


def test_letters_an_advisor_asked_for_are_outside_the_loop_guard(tmp_path, mailstack, db_url, hubs):
    """With a limit of 2 automatic letters a day: an acknowledgement, then a next-steps letter an
    advisor sent with #suitable, then a new referral from the same person is still acknowledged."""
    config = setup_config(
        tmp_path, mailstack, db_url, hubs, extra_service="auto_replies_per_address_per_day = 2"
    )
    hub, person = hubs[0], new_person(mailstack)
    hub_to = f"{hub['user']}@example.org"
    mailstack.append(hub["user"], referral(f"{person}@example.test", hub_to))
    assert run(config, "run", "--once")[0] == 0
    note = inbox(mailstack, hub["notify"])[0]
    mailstack.append(
        hub["user"],
        _threaded(
            referral(
                hub["advisors"][0],
                hub_to,
                subject=f"Re: {note['Subject']}",
                name="Advisor One",
                body="#suitable",
                headers={"Authentication-Results": TRUSTED_PASS},
            ),
            note,
        ),
    )
    assert run(config, "run", "--once")[0] == 0
    assert len(inbox(mailstack, person)) == 2
    mailstack.append(
        hub["user"],
        referral(
            f"{person}@example.test",
            hub_to,
            subject="Another thing",
            body="Hello again, my car was also damaged last week.\n",
        ),
    )
    assert run(config, "run", "--once")[0] == 0
    assert len(inbox(mailstack, person)) == 3


def _no_message_id(frm: str, to: str) -> bytes:
    return (
        f"From: Sam Example <{frm}>\nTo: {to}\nSubject: Help after the burglary\n"
        "Date: Mon, 2 Mar 2026 09:12:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n"
        "I was burgled last year and I would like to hear about meeting the person.\n"
    ).encode()


def test_mail_without_a_message_id_redelivered_with_other_bytes_is_not_answered_twice(
    tmp_path, mailstack, db_url, hubs
):
    """After a UIDVALIDITY change the server offers the same message again, re-encoded (a new
    Received line, quoted-printable, CRLF): one case, one acknowledgement."""
    hub = dict(hubs[0], imap_extra="")
    config = setup_config(tmp_path, mailstack, db_url, [hub, hubs[1]])
    config.write_text(
        config.read_text().replace(
            f'username = "{hub["user"]}"', f'username = "{hub["user"]}"\nfolder = "Referrals"', 1
        )
    )
    person = new_person(mailstack)
    original = _no_message_id(f"{person}@example.test", "x@example.org")
    mailstack.append(hub["user"], original, folder="Referrals")
    assert run(config, "run", "--once")[0] == 0
    with mailstack.imap(hub["user"]) as client:
        client.delete_folder("Referrals")
        client.create_folder("Referrals")
    redelivered = (
        b"Received: from mx2.example.org by imap.example.org; Tue, 3 Mar 2026 10:00:00 +0000\n"
        + original.replace(
            b"charset=utf-8\n", b"charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n"
        ).replace(b"I was burgled", b"I=20was burgled")
    ).replace(b"\n", b"\r\n")
    assert redelivered != original
    mailstack.append(hub["user"], redelivered, folder="Referrals")
    assert run(config, "run", "--once")[0] == 0
    assert len(export_cases(config)) == 1
    assert len(mailstack.fetch_all(person)) == 1
