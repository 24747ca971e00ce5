"""The local mail stack (private Dovecot + SMTP sink) really works end to end."""

from __future__ import annotations

import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from rjmail.devtools.mailstack import MailStack, _session_members

pytestmark = pytest.mark.integration

USERS = ("rj-norfolk", "sam.referrer")
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stack() -> Iterator[MailStack]:
    with MailStack(users=USERS) as running:
        yield running
    shutil.rmtree(running.base_dir)


@pytest.fixture(autouse=True)
def _clean_smtp_policy(stack: MailStack) -> Iterator[None]:
    """Each test starts from the default SMTP policy and an empty spool."""
    stack.reset_smtp_auth()
    stack.clear_spool()
    yield
    stack.reset_smtp_auth()


def make_message(subject: str, to: str = "rj-norfolk@example.org") -> bytes:
    msg = EmailMessage()
    msg["From"] = "sam.referrer@example.org"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{subject.replace(' ', '-')}@test>"
    msg.set_content(f"Body of {subject}\n")
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def refused(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_append_fetch_roundtrip(stack: MailStack) -> None:
    """APPEND and MULTIAPPEND land in the folder and come back byte-identical in UID order."""
    first = make_message("append one")
    batch = [make_message(f"batch {i}") for i in range(5)]
    stack.append("sam.referrer", first, folder="Archive")
    stack.append_many("sam.referrer", batch, folder="Archive")
    assert stack.fetch_all("sam.referrer", "Archive") == [first, *batch]


def test_fetch_does_not_mark_seen(stack: MailStack) -> None:
    """fetch_all uses BODY.PEEK[], so mail stays unread for the code under test."""
    stack.append("sam.referrer", make_message("unread"), folder="Peek")
    stack.fetch_all("sam.referrer", "Peek")
    with stack.imap("sam.referrer") as client:
        client.select_folder("Peek", readonly=True)
        assert client.search("UNSEEN")


def test_special_use_folders_exist(stack: MailStack) -> None:
    """Sent/Drafts/Trash exist with SPECIAL-USE flags, as on a real provider."""
    with stack.imap("rj-norfolk") as client:
        flags = {name: set(f) for f, _, name in client.list_folders()}
    assert b"\\Sent" in flags["Sent"]
    assert b"\\Drafts" in flags["Drafts"]
    assert b"\\Trash" in flags["Trash"]


def test_smtp_delivers_to_known_user_immediately(stack: MailStack) -> None:
    """A message to a known user is spooled and already in the INBOX when 250 arrives."""
    raw = make_message("hello hub")
    before = len(stack.fetch_all("rj-norfolk"))
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        smtp.sendmail("sam.referrer@example.org", ["RJ-Norfolk@Example.org"], raw)
    inbox = stack.fetch_all("rj-norfolk")
    assert len(inbox) == before + 1
    assert inbox[-1].endswith(raw)  # Dovecot prepends Return-Path/Delivered-To/Received
    [spooled] = stack.spooled()
    assert spooled.mail_from == "sam.referrer@example.org"
    assert spooled.rcpt_tos == ("RJ-Norfolk@Example.org",)
    assert spooled.data == raw
    assert spooled.path.read_bytes() == raw


def test_unknown_recipient_is_only_spooled(stack: MailStack) -> None:
    """Recipients that are not Dovecot users are accepted (outbound sink) and only spooled."""
    before = len(stack.fetch_all("rj-norfolk"))
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        smtp.sendmail(
            "rj-norfolk@example.org",
            ["victim@elsewhere.example"],
            make_message("outbound 1", to="victim@elsewhere.example"),
        )
        smtp.sendmail(
            "rj-norfolk@example.org",
            ["someone@elsewhere.example"],
            make_message("outbound 2", to="someone@elsewhere.example"),
        )
    assert len(stack.fetch_all("rj-norfolk")) == before
    assert [m.rcpt_tos for m in stack.spooled()] == [
        ("victim@elsewhere.example",),
        ("someone@elsewhere.example",),
    ]


def test_add_user_while_running(stack: MailStack) -> None:
    """add_user works without a restart, for IMAP login and for SMTP delivery."""
    stack.add_user("late.joiner")
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        smtp.sendmail("x@example.org", ["late.joiner@example.org"], make_message("welcome"))
    assert len(stack.fetch_all("late.joiner")) == 1


def test_starttls_verifies_only_against_stack_ca(stack: MailStack) -> None:
    """STARTTLS (SMTP and IMAP) verifies with ca_file and fails with the system CAs."""
    good = ssl.create_default_context(cafile=str(stack.ca_file))
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        smtp.starttls(context=good)
        smtp.login("anyone", "anything")  # default policy: any credentials
        smtp.sendmail("a@example.org", ["b@example.org"], make_message("over tls"))
    with IMAPClient(stack.host, port=stack.imap_port, ssl=False, timeout=10) as client:
        client.starttls(good)
        client.login("rj-norfolk", MailStack.PASSWORD)

    system = ssl.create_default_context()
    with (
        pytest.raises(ssl.SSLCertVerificationError),
        smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp,
    ):
        smtp.starttls(context=system)
    with (
        pytest.raises(ssl.SSLCertVerificationError),
        IMAPClient(stack.host, port=stack.imap_port, ssl=False, timeout=10) as client,
    ):
        client.starttls(system)


def test_implicit_tls(stack: MailStack) -> None:
    """IMAPS and SMTPS work with ca_file, for both hostname forms in the certificate."""
    context = ssl.create_default_context(cafile=str(stack.ca_file))
    for host in ("127.0.0.1", "localhost"):
        with IMAPClient(host, port=stack.imaps_port, ssl=True, ssl_context=context, timeout=10) as client:
            client.login("rj-norfolk", MailStack.PASSWORD)
            assert client.select_folder("INBOX")
    with smtplib.SMTP_SSL(stack.host, stack.smtps_port, context=context, timeout=10) as smtp:
        smtp.sendmail("a@example.org", ["rj-norfolk@example.org"], make_message("smtps"))
    assert len(stack.spooled()) == 1


def test_smtp_outage_and_restart(stack: MailStack) -> None:
    """stop_smtp refuses connections; start_smtp serves again on the same port."""
    stack.stop_smtp()
    assert refused(stack.host, stack.smtp_port)
    with pytest.raises(ConnectionRefusedError):
        smtplib.SMTP(stack.host, stack.smtp_port, timeout=5)
    stack.start_smtp()
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        smtp.sendmail("a@example.org", ["b@example.org"], make_message("after restart"))
    assert len(stack.spooled()) == 1


def test_imap_outage_and_restart(stack: MailStack) -> None:
    """stop_imap refuses IMAP; SMTP to a local user then answers 451 and spools nothing."""
    stack.stop_imap()
    try:
        assert refused(stack.host, stack.imap_port)
        assert refused(stack.host, stack.imaps_port)
        with (
            pytest.raises(smtplib.SMTPDataError) as info,
            smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp,
        ):
            smtp.sendmail("a@example.org", ["rj-norfolk@example.org"], make_message("down"))
        assert info.value.smtp_code == 451
        assert stack.spooled() == []
    finally:
        stack.start_imap()
    before = len(stack.fetch_all("rj-norfolk"))
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        smtp.sendmail("a@example.org", ["rj-norfolk@example.org"], make_message("back up"))
    assert len(stack.fetch_all("rj-norfolk")) == before + 1


def test_required_smtp_auth(stack: MailStack) -> None:
    """With set_smtp_auth, no AUTH -> 530, wrong password -> 535, right one -> accepted."""
    stack.set_smtp_auth("hub-sender", "s3cret")
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        with pytest.raises(smtplib.SMTPSenderRefused) as no_auth:
            smtp.sendmail("a@example.org", ["b@example.org"], make_message("no auth"))
        assert no_auth.value.smtp_code == 530
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError) as wrong:
            smtp.login("hub-sender", "wrong")
        assert wrong.value.smtp_code == 535
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        smtp.login("hub-sender", "s3cret")
        smtp.sendmail("a@example.org", ["b@example.org"], make_message("authed"))
    assert len(stack.spooled()) == 1


def xoauth2(user: str, token: str) -> str:
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def test_smtp_xoauth2(stack: MailStack) -> None:
    """SMTP AUTH XOAUTH2 accepts exactly the configured bearer token; basic auth is refused."""
    stack.set_smtp_xoauth2_token("good-token")
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        assert "XOAUTH2" in smtp.esmtp_features["auth"]
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.auth("XOAUTH2", lambda _=None: xoauth2("rj-norfolk@example.org", "bad-token"))
    with (
        smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp,
        pytest.raises(smtplib.SMTPAuthenticationError),
    ):
        smtp.login("rj-norfolk", MailStack.PASSWORD)
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        smtp.auth("XOAUTH2", lambda _=None: xoauth2("rj-norfolk@example.org", "good-token"))
        smtp.sendmail("rj-norfolk@example.org", ["x@example.org"], make_message("oauth"))
    assert len(stack.spooled()) == 1


def test_imap_xoauth2(stack: MailStack) -> None:
    """IMAP AUTHENTICATE XOAUTH2 works with the configured token only, for known users only."""
    stack.set_imap_xoauth2_token("imap-token-1")
    with IMAPClient(stack.host, port=stack.imap_port, ssl=False, timeout=10) as client:
        client.oauth2_login("rj-norfolk@example.org", "imap-token-1")
        assert client.select_folder("INBOX")
    rejected = [("rj-norfolk", "imap-token-2"), ("nobody", "imap-token-1")]
    for user, token in rejected:
        with (
            IMAPClient(stack.host, port=stack.imap_port, ssl=False, timeout=10) as client,
            pytest.raises(LoginError),
        ):
            client.oauth2_login(user, token)
    # The token is not a password, and the password is not a token.
    with (
        IMAPClient(stack.host, port=stack.imap_port, ssl=False, timeout=10) as client,
        pytest.raises(LoginError),
    ):
        client.login("rj-norfolk", "imap-token-1")
    with (
        IMAPClient(stack.host, port=stack.imap_port, ssl=False, timeout=10) as client,
        pytest.raises(LoginError),
    ):
        client.oauth2_login("rj-norfolk", MailStack.PASSWORD)
    # A new token of the same length takes effect at once (same second, same file size).
    stack.set_imap_xoauth2_token("imap-token-2")
    with IMAPClient(stack.host, port=stack.imap_port, ssl=False, timeout=10) as client:
        client.oauth2_login("rj-norfolk", "imap-token-2")


def test_stop_leaves_nothing_running() -> None:
    """stop() closes every port and leaves no process of the stack's Dovecot session."""
    stack = MailStack(users=["solo"]).start()
    dovecot_pid = int((stack.base_dir / "run" / "master.pid").read_text())
    # An IDLE client would keep an imap process alive ~10 s after a plain master TERM.
    idler = IMAPClient(stack.host, port=stack.imap_port, ssl=False, timeout=5)
    idler.login("solo", MailStack.PASSWORD)
    idler.select_folder("INBOX")
    idler.idle()
    stack.stop()
    for port in (stack.imap_port, stack.imaps_port, stack.smtp_port, stack.smtps_port):
        assert refused(stack.host, port), port
    assert _session_members(dovecot_pid) == []
    assert not stack.is_running()
    idler.socket().close()
    shutil.rmtree(stack.base_dir)


def test_cli_start_load_stop() -> None:
    """scripts/mailstack starts a detached stack that MailStack.load() can use and stop."""
    base = Path(tempfile.mkdtemp(prefix="rjms-cli-", dir="/tmp"))
    script = str(REPO_ROOT / "scripts" / "mailstack")
    started = subprocess.run(
        [sys.executable, script, "start", "--dir", str(base), "--users", "cli.user"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 0, started.stderr
    try:
        stack = MailStack.load(base)
        assert stack.users == ("cli.user",)
        with smtplib.SMTP(stack.host, stack.smtp_port, timeout=10) as smtp:
            smtp.sendmail("a@example.org", ["cli.user@example.org"], make_message("cli"))
        assert len(stack.fetch_all("cli.user")) == 1
    finally:
        stopped = subprocess.run(
            [sys.executable, script, "stop", "--dir", str(base)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert stopped.returncode == 0, stopped.stderr
    assert refused(stack.host, stack.imap_port)
    assert refused(stack.host, stack.smtp_port)
    shutil.rmtree(base)
