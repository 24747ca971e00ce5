"""`scripts/demo`: run rjmail end to end on SQLite and a private local mail stack.

Starts Dovecot + the SMTP sink, writes a config into ./demo-state, loads invented sample referrals
from scripts/samples into the two hub mailboxes, runs one full cycle, and prints the cases and
every letter that was delivered. Everything is invented: example.org addresses, 07700 900xxx phones.
"""

from __future__ import annotations

import argparse
import email
import shutil
import sys
from email import policy
from email.message import EmailMessage
from pathlib import Path

from rjmail import cli
from rjmail.devtools.mailstack import MailStack

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "scripts" / "samples"
HUBS = {
    "NOR": ("Norfolk RJ Hub", "rj-norfolk", "norfolk"),
    "SUF": ("Suffolk RJ Hub", "rj-suffolk", "suffolk"),
}


def write_config(state: Path, stack: MailStack) -> Path:
    (state / "imap-password").write_text(stack.PASSWORD)
    (state / "imap-password").chmod(0o600)
    (state / "signing-key").write_text("demo-signing-key-not-for-production")
    (state / "signing-key").chmod(0o600)
    lines = [
        "[database]",
        f'url = "sqlite:///{state / "rjmail.db"}"',
        "",
        "[paths]",
        f'templates = "{ROOT / "templates"}"',
        f'config = "{ROOT / "config"}"',
        "",
        "[service]",
        "poll_interval_seconds = 5",
        "idle = false",
        f'signing_key_file = "{state / "signing-key"}"',
        "",
        "[smtp]",
        f'host = "{stack.host}"',
        f"port = {stack.smtp_port}",
        'security = "none"',
        "",
    ]
    for code, (name, user, area) in HUBS.items():
        lines += [
            "[[hubs]]",
            f'code = "{code}"',
            f'name = "{name}"',
            f'address = "{user}@example.org"',
            f'notify = ["advisors-{code.lower()}@example.org"]',
            f'advisors = ["advisor-{code.lower()}@example.org"]',
            'trusted_authserv_ids = ["mx.example.org"]',
            f'signposting = "{area}"',
            "[hubs.imap]",
            f'host = "{stack.host}"',
            f"port = {stack.imap_port}",
            'security = "none"',
            f'username = "{user}"',
            f'password_file = "{state / "imap-password"}"',
            'sent_folder = "Sent"',
            "[hubs.calls]",
            'hours = { mon = ["09:00-16:00"], tue = ["09:00-16:00"], '
            'wed = ["09:00-16:00"], thu = ["09:00-16:00"], fri = ["09:00-12:00"] }',
            "",
        ]
    path = state / "rjmail.toml"
    path.write_text("\n".join(lines))
    return path


def show_letter(raw: bytes, rcpts: tuple[str, ...]) -> None:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    body = msg.get_body(("plain",))
    print("=" * 78)
    print(f"To: {', '.join(rcpts)}\nSubject: {msg['Subject']}\nMessage-ID: {msg['Message-ID']}")
    print(f"In-Reply-To: {msg['In-Reply-To']}\nAuto-Submitted: {msg['Auto-Submitted']}\n")
    print(body.get_content() if isinstance(body, EmailMessage) else "(no text part)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--state", type=Path, default=ROOT / "demo-state")
    args = parser.parse_args(argv)
    shutil.rmtree(args.state, ignore_errors=True)
    args.state.mkdir(parents=True)
    users = [
        "rj-norfolk",
        "rj-suffolk",
        "advisors-nor",
        "advisors-suf",
        "sam.example",
        "jo.example",
        "kim.example",
        "pc.example",
    ]
    with MailStack(users=users) as stack:
        config = str(write_config(args.state, stack))
        for sample in sorted(SAMPLES.glob("*.eml")):
            hub_user = "rj-suffolk" if "suffolk" in sample.name else "rj-norfolk"
            stack.append(hub_user, sample.read_bytes())
            print(f"appended {sample.name} to {hub_user}")
        steps = [
            ["db", "upgrade"],
            ["run", "--once"],
            ["cases", "list"],
            ["cases", "export", "--format", "json"],
        ]
        for step in steps:
            print(f"\n$ rjmail {' '.join(step)}")
            code = cli.main(["--config", config, *step])
            if code != 0:
                print(f"rjmail {' '.join(step)} exited {code}", file=sys.stderr)
                return code
        print(f"\nLetters delivered by the SMTP server ({len(stack.spooled())}):")
        for spooled in stack.spooled():
            show_letter(spooled.data, spooled.rcpt_tos)
    print(f"\nDemo state (config, SQLite database) left in {args.state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
