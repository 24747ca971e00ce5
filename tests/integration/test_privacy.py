"""Privacy on the real stack: a realistic cycle of referrals, replies, an advisor command, automatic
and unreadable mail leaves JSON logs that hold no name, address, phone number or body text, and
a database file only its owner can read."""

from __future__ import annotations

import email
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest

from tests.support import referral, run, unique, write_config

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
TRUSTED_PASS = "mx.example.org; dmarc=pass header.from=example.org; spf=pass"

# Invented people. Every name part, address and phone below must never reach the logs.
NAMES = [
    "Marigold Thistlewood",
    "Oswin Quarrington",
    "Zoë Ó Briain",
    "Thaddeus Pemberton-Vyse",
    "Wilhelmina Crabtree",
    "Ignatius Fairweather",
    "Perpetua Lindqvist",
]
PLACES = ["14 Larkspur Close", "Wymondham", "NR18 0QT", "Saxmundham"]
PHONES = {  # national significant number -> the ways it is written in the test mail
    "7700900123": ["07700 900123"],
    "7700900456": ["+44 7700 900456"],
    "7700900789": ["07700-900-789"],
    "7700900321": ["07700 900 321"],
    "7700900654": ["07700900654"],
    "7700900987": ["(07700) 900987"],
}
FIXED_EMAILS = [
    "zoe.obriain@example.test",
    "oswin.quarrington@norfolk.police.uk",
    "wilhelmina.crabtree@example.test",
    "ignatius@example.test",
]


def phone_variants(nsn: str) -> list[str]:
    """Every usual way to write a UK mobile: 07700 900123, 07700900123, +447700900123, ..."""
    local = "0" + nsn
    return [
        local,
        f"{local[:5]} {local[5:]}",
        f"{local[:5]} {local[5:8]} {local[8:]}",
        f"+44{nsn}",
        f"+44 {nsn[:4]} {nsn[4:]}",
        f"+44 (0){nsn[:4]} {nsn[4:]}",
        f"0044{nsn}",
        f"{local[:5]}-{local[5:]}",
    ]


def _msgs(stack: Any, user: str) -> list[EmailMessage]:
    return [
        email.message_from_bytes(raw, policy=policy.default)  # type: ignore[misc]
        for raw in stack.fetch_all(user)
    ]


def _cli(config: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real `rjmail` process, as systemd would run it: stdout and stderr both captured."""
    env = {k: v for k, v in os.environ.items() if k != "RJMAIL_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "rjmail", "--config", str(config), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _html_only(frm: str, to: str, subject: str, html: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="example.test")
    msg.set_content(html, subtype="html")
    return msg.as_bytes()


def _threaded(raw: bytes, parent_id: str) -> bytes:
    """A reply as mail clients write it: In-Reply-To/References with the parent's ID verbatim
    (Python's email package would RFC 2047-encode a long one, which clients never do)."""
    return f"In-Reply-To: {parent_id}\r\nReferences: {parent_id}\r\n".encode() + raw


class Cycle:
    """Everything the test mail contained, and every log line the processes wrote."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.subjects: list[str] = []
        self.emails: list[str] = list(FIXED_EMAILS)
        self.logs: list[str] = []

    def mail(self, raw: bytes) -> bytes:
        msg = email.message_from_bytes(raw, policy=policy.default)
        self.subjects.append(str(msg["Subject"] or ""))
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                text = part.get_content()
                text = re.sub(r"<[^>]+>", "\n", text)
                self.bodies += [line.strip() for line in text.splitlines() if len(line.strip()) >= 12]
        return raw

    def logged(self, result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
        self.logs += result.stdout.splitlines() + result.stderr.splitlines()
        return result


def _person(stack: Any, cycle: Cycle) -> str:
    user = unique("person-")
    stack.add_user(user)
    cycle.emails.append(f"{user}@example.test")
    return user


def _wait_for(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_logs_hold_no_personal_data_and_the_database_is_private(tmp_path, mailstack, db_url, hubs):
    """Referrals, a reply, a withdrawal, an advisor note, an out-of-office and garbage: the logs
    are JSON lines with identifiers only, and the SQLite file is mode 0600."""
    config = write_config(tmp_path, mailstack, db_url, hubs)
    assert run(config, "db", "upgrade")[0] == 0
    cycle = Cycle()
    nor, suf = hubs
    nor_to, suf_to = f"{nor['user']}@example.org", f"{suf['user']}@example.org"

    # ---- cycle 1: referrals (self, professional forward, HTML-only), an out-of-office, garbage
    marigold, thaddeus = _person(mailstack, cycle), _person(mailstack, cycle)
    mailstack.append(
        nor["user"],
        cycle.mail(
            referral(
                f"{marigold}@example.test",
                nor_to,
                subject="After the break-in at Larkspur Close",
                name="Marigold Thistlewood",
                body="Hello,\n\nMy name is Marigold Thistlewood and I live at 14 Larkspur Close, Wymondham "
                "NR18 0QT.\nMy house was burgled in January (crime ref 36/12345/24).\n"
                "I would like a phone call please, my mobile is 07700 900123, mornings are best.\n"
                "It is fine to leave a voicemail.\n\nMarigold\n",
            )
        ),
    )
    mailstack.append(
        nor["user"],
        cycle.mail(
            referral(
                "oswin.quarrington@norfolk.police.uk",
                nor_to,
                subject="Fwd: Referral for restorative justice",
                name="PC Oswin Quarrington",
                body="Hello,\n\nPlease see below, the victim has agreed to a referral.\n\n"
                "---------- Forwarded message ---------\nFrom: Zoë Ó Briain <zoe.obriain@example.test>\n"
                "Date: Mon, 2 Mar 2026 at 09:12\nSubject: What happened in Saxmundham\n"
                "To: PC Oswin Quarrington <oswin.quarrington@norfolk.police.uk>\n\n"
                "I want to meet the young man who broke into my shed in Saxmundham.\n"
                "You can reach me on +44 7700 900456 in the evenings.\n\n"
                "PC Oswin Quarrington\nNorfolk Constabulary\n",
            )
        ),
    )
    mailstack.append(
        suf["user"],
        cycle.mail(
            _html_only(
                f"Thaddeus Pemberton-Vyse <{thaddeus}@example.test>",
                suf_to,
                "Restorative justice question",
                "<html><body><p>Dear team,</p><p>I am Thaddeus Pemberton-Vyse and my son was assaulted "
                "outside the chip shop.</p><p>Please ring me on 07700-900-789 about what happens next.</p>"
                "</body></html>",
            )
        ),
    )
    mailstack.append(
        nor["user"],
        cycle.mail(
            referral(
                "wilhelmina.crabtree@example.test",
                nor_to,
                subject="Automatic reply: Referral",
                name="Wilhelmina Crabtree",
                headers={"Auto-Submitted": "auto-replied"},
                body="I am away until Monday. For urgent matters call Wilhelmina Crabtree on "
                "07700 900 321.\n",
            )
        ),
    )
    garbage = (
        b"\x00\x01\x02 Ignatius Fairweather 07700900654 ignatius@example.test "
        b"lives at the old mill \xff\xfe\n"
    )
    cycle.bodies.append("Ignatius Fairweather 07700900654 ignatius@example.test lives at the old mill")
    mailstack.append(nor["user"], garbage)
    first = cycle.logged(_cli(config, "run", "--once"))
    assert first.returncode == 0, first.stderr

    code, out = run(config, "cases", "export", "--format", "json")
    assert code == 0
    cases = {c["referrer_email"]: c for c in json.loads(out)}
    assert f"{marigold}@example.test" in cases and f"{thaddeus}@example.test" in cases
    marigold_ref = cases[f"{marigold}@example.test"]["ref"]

    # ---- cycle 2: Marigold replies, Thaddeus withdraws, an advisor adds a note
    ack = _msgs(mailstack, marigold)[0]
    mailstack.append(
        nor["user"],
        cycle.mail(
            _threaded(
                referral(
                    f"{marigold}@example.test",
                    nor_to,
                    subject=f"Re: {ack['Subject']}",
                    name="Marigold Thistlewood",
                    body="Thank you so much. Before ten is best on 07700 900123, my neighbour "
                    "Ignatius Fairweather may answer.\n\nMarigold Thistlewood\n",
                ),
                ack["Message-ID"],
            )
        ),
    )
    ack_t = _msgs(mailstack, thaddeus)[0]
    mailstack.append(
        suf["user"],
        cycle.mail(
            _threaded(
                referral(
                    f"{thaddeus}@example.test",
                    suf_to,
                    subject=f"Re: {ack_t['Subject']}",
                    name="Thaddeus Pemberton-Vyse",
                    body="Please withdraw my referral. We have talked it over as a family and "
                    "decided against it.\n",
                ),
                ack_t["Message-ID"],
            )
        ),
    )
    note = next(n for n in _msgs(mailstack, nor["notify"]) if marigold_ref in str(n["Subject"]))
    advisor = nor["advisors"][0]
    mailstack.append(
        nor["user"],
        cycle.mail(
            _threaded(
                referral(
                    advisor,
                    nor_to,
                    subject=f"Re: {note['Subject']}",
                    name="Advisor One",
                    body="#note Spoke to Marigold Thistlewood on 07700 900123, she is keen to go ahead.\n",
                    headers={"Authentication-Results": TRUSTED_PASS},
                ),
                note["Message-ID"],
            )
        ),
    )
    second = cycle.logged(_cli(config, "run", "--once"))
    assert second.returncode == 0, second.stderr
    _, out = run(config, "cases", "export", "--format", "json")
    cases = {c["referrer_email"]: c for c in json.loads(out)}
    assert cases[f"{thaddeus}@example.test"]["status"] == "withdrawn"
    kinds = [m["kind"] for m in cases[f"{marigold}@example.test"]["messages"]]
    assert "reply" in kinds and "advisor_command" in kinds

    # ---- cycle 3: the daemon itself picks up one more referral, then stops on SIGTERM
    perpetua = _person(mailstack, cycle)
    mailstack.append(
        nor["user"],
        cycle.mail(
            referral(
                f"{perpetua}@example.test",
                nor_to,
                subject="Support after the fraud",
                name="Perpetua Lindqvist",
                body="Hi, I am Perpetua Lindqvist. Someone stole my savings and I would like to talk.\n"
                "Landline is fine: (07700) 900987.\n",
            )
        ),
    )
    env = {k: v for k, v in os.environ.items() if k != "RJMAIL_CONFIG"}
    daemon = subprocess.Popen(
        [sys.executable, "-m", "rjmail", "--config", str(config), "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for(lambda: len(mailstack.fetch_all(perpetua)) >= 1, 45), "daemon sent no ack"
    finally:
        daemon.send_signal(signal.SIGTERM)
        out, err = daemon.communicate(timeout=30)
    cycle.logs += out.splitlines() + err.splitlines()
    assert daemon.returncode == 0, err

    # ---- the logs: JSON lines only, with identifiers, without personal data
    lines = [line for line in cycle.logs if line.strip()]
    records = []
    for line in lines:
        record = json.loads(line)  # every line is JSON
        assert isinstance(record, dict) and "event" in record and "level" in record
        records.append(record)
    processed = [r for r in records if r["event"] == "message_processed"]
    assert len(processed) >= 8, "the cycle should have logged every message it took in"
    assert {r.get("ref") for r in processed} >= {marigold_ref}
    assert any(r["event"] == "quarantined" for r in records)
    assert any(r["event"] == "daemon_started" for r in records)

    haystack = "\n".join(lines) + "\n" + "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    low = haystack.lower()
    forbidden: list[str] = []
    for name in NAMES:
        forbidden.append(name)
        forbidden += [part for part in re.split(r"[\s-]+", name) if len(part) >= 4]
    forbidden += PLACES + cycle.emails + [e.split("@")[0] for e in cycle.emails]
    for nsn, written in PHONES.items():
        forbidden += written + phone_variants(nsn)
    forbidden += cycle.bodies + [s for s in cycle.subjects if len(s) >= 12]
    leaks = sorted({item for item in forbidden if item and item.lower() in low})
    assert not leaks, f"personal data in the logs: {leaks}"
    for line in lines:
        digits = re.sub(r"\D", "", line)
        assert not any(nsn in digits for nsn in PHONES), f"phone digits in: {line}"

    # ---- the database file: owner-only
    if db_url.startswith("sqlite:///"):
        db_file = Path(db_url.removeprefix("sqlite:///"))
        for path in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm")):
            if path.exists():
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} is not 0600"
