"""Shared test helpers: config files for a running mail stack, invented referral emails."""

from __future__ import annotations

import email
import io
import itertools
import json
import os
import subprocess
import sys
from contextlib import redirect_stdout
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from rjmail import cli

SIGNING_KEY = "test-signing-key-0123456789abcdef"
_counter = itertools.count(1)


def fresh_python(probe: str) -> str:
    """What `probe` prints, run in a new interpreter on this tree's rjmail: memory and imports are
    measured as a process starting from nothing would meet them."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60, env=env)
    return done.stdout.strip()


def unique(prefix: str) -> str:
    return f"{prefix}{os.getpid() % 1000}x{next(_counter)}"


def write_config(
    tmp: Path,
    stack: Any,
    db_url: str,
    hubs: list[dict[str, Any]],
    extra_service: str = "",
    smtp_extra: str = "",
) -> Path:
    """rjmail.toml pointing at the test stack; secrets in files next to it."""
    secret = tmp / "imap-password"
    secret.write_text(stack.PASSWORD)
    secret.chmod(0o600)
    key = tmp / "signing-key"
    key.write_text(SIGNING_KEY)
    key.chmod(0o600)
    root = Path(__file__).resolve().parents[1]
    lines = [
        "[database]",
        f'url = "{db_url}"',
        "",
        "[paths]",
        f'templates = "{root / "templates"}"',
        f'config = "{root / "config"}"',
        "",
        "[service]",
        "poll_interval_seconds = 2",
        "idle = false",
        f'signing_key_file = "{key}"',
        # Advisor letters go at once unless a test is about holding them (it sets its own value).
        "" if "advisor_letter_hold_minutes" in extra_service else "advisor_letter_hold_minutes = 0",
        extra_service,
        "",
        "[smtp]",
        f'host = "{stack.host}"',
        f"port = {stack.smtp_port}",
        'security = "none"',
        smtp_extra,
        "",
    ]
    for hub in hubs:
        lines += [
            "[[hubs]]",
            f'code = "{hub["code"]}"',
            f'name = "{hub["name"]}"',
            f'address = "{hub["user"]}@example.org"',
            f'notify = ["{hub.get("notify", "advisors-" + hub["code"].lower())}@example.org"]',
            f"advisors = {hub.get('advisors', [])!r}".replace("'", '"'),
            'trusted_authserv_ids = ["mx.example.org"]',
            f'signposting = "{hub.get("signposting", "norfolk")}"',
            hub.get("extra", ""),
            "[hubs.imap]",
            f'host = "{stack.host}"',
            f"port = {stack.imap_port}",
            'security = "none"',
            f'username = "{hub["user"]}"',
            f'password_file = "{secret}"',
            hub.get("imap_extra", ""),
            "",
        ]
    path = tmp / "rjmail.toml"
    path.write_text("\n".join(lines))
    return path


def run(config: Path, *args: str) -> tuple[int, str]:
    """Run the CLI in-process; returns (exit code, stdout)."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["--config", str(config), *args])
    return code, out.getvalue()


def referral(
    frm: str,
    to: str,
    subject: str = "Help please",
    body: str = "",
    *,
    name: str = "Alex Testperson",
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> bytes:
    msg = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    msg["From"] = f"{name} <{frm}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="example.test")
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(
        body
        or (
            "Hello,\n\nI was burgled last year and I would like to hear more about meeting the person "
            f"who did it.\n\nThanks,\n{name}\n"
        )
    )
    return msg.as_bytes()


def setup_config(tmp: Path, stack: Any, db_url: str, hubs: list[dict[str, Any]], **kw: Any) -> Path:
    """write_config + `rjmail db upgrade`."""
    config = write_config(tmp, stack, db_url, hubs, **kw)
    assert run(config, "db", "upgrade")[0] == 0
    return config


def new_person(stack: Any, prefix: str = "person-") -> str:
    """A fresh mailbox on the stack for an invented person; returns its login (local part)."""
    user = unique(prefix)
    stack.add_user(user)
    return user


def export_cases(config: Path) -> list[dict[str, Any]]:
    code, out = run(config, "cases", "export", "--format", "json")
    assert code == 0
    cases: list[dict[str, Any]] = json.loads(out)
    return cases


def inbox(stack: Any, user: str, folder: str = "INBOX") -> list[EmailMessage]:
    """Every message in a mailbox of the stack, parsed."""
    out = []
    for raw in stack.fetch_all(user, folder):
        msg = email.message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        out.append(msg)
    return out


def body_text(msg: EmailMessage) -> str:
    body = msg.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())
