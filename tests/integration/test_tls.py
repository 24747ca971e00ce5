"""TLS against the real stack: certificates are verified for IMAP and SMTP (the stack's test CA is
trusted only through `ca_file`), and plaintext is refused for anything but loopback."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from rjmail.errors import ConfigError
from rjmail.settings import load
from tests.support import referral, run, unique, write_config

pytestmark = pytest.mark.integration

CERT_ERROR = re.compile(r"CERTIFICATE_VERIFY_FAILED|certificate verify failed|SSLCertVerificationError")


def _config(
    tmp_path: Path,
    stack: Any,
    db_url: str,
    hubs: list[dict[str, Any]],
    *,
    imap: tuple[str, int] | None = None,
    imap_ca: bool = True,
    smtp: tuple[str, int] | None = None,
    smtp_ca: bool = True,
) -> Path:
    """write_config, then switch the IMAP (every hub) and/or SMTP table to TLS."""
    config = write_config(tmp_path, stack, db_url, hubs)
    body = config.read_text()
    ca = f'\nca_file = "{stack.ca_file}"'
    if imap is not None:
        security, port = imap
        body = body.replace(
            f'port = {stack.imap_port}\nsecurity = "none"',
            f'port = {port}\nsecurity = "{security}"' + (ca if imap_ca else ""),
        )
    if smtp is not None:
        security, port = smtp
        body = body.replace(
            f'port = {stack.smtp_port}\nsecurity = "none"',
            f'port = {port}\nsecurity = "{security}"' + (ca if smtp_ca else ""),
        )
    config.write_text(body)
    assert run(config, "db", "upgrade")[0] == 0
    return config


def _person(mailstack: Any) -> str:
    user = unique("tls-")
    mailstack.add_user(user)
    return user


def _export(config: Path) -> list[dict[str, Any]]:
    code, out = run(config, "cases", "export", "--format", "json")
    assert code == 0
    return json.loads(out)


def _outbox(db_url: str) -> list[tuple[str, str | None]]:
    """(status, last_error) of every outbox row."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [
                (r[0], r[1]) for r in conn.execute(text("SELECT status, last_error FROM outbox ORDER BY id"))
            ]
    finally:
        engine.dispose()


def _outbox_statuses(db_url: str) -> list[str]:
    return [status for status, _ in _outbox(db_url)]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_imap_over_verified_tls_works(tmp_path, mailstack, db_url, hubs, security):
    """IMAPS (port imaps_port) and STARTTLS (port imap_port) with ca_file = the stack's CA: referrals
    are fetched and answered as over plaintext."""
    port = mailstack.imaps_port if security == "tls" else mailstack.imap_port
    config = _config(tmp_path, mailstack, db_url, hubs, imap=(security, port))
    assert f'security = "{security}"' in config.read_text()
    person = _person(mailstack)
    mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    assert [c["referrer_email"] for c in _export(config)] == [f"{person}@example.test"]
    assert len(mailstack.fetch_all(person)) == 1


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_imap_without_ca_file_fails_on_the_certificate(tmp_path, mailstack, db_url, hubs, security):
    """Without ca_file the test CA is unknown to the system trust store: the cycle fails for the hub
    with a certificate verification error (exit non-zero) and nothing is processed or sent."""
    port = mailstack.imaps_port if security == "tls" else mailstack.imap_port
    config = _config(tmp_path, mailstack, db_url, hubs, imap=(security, port), imap_ca=False)
    person = _person(mailstack)
    mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org"))
    before = len(mailstack.spooled())
    code, out = run(config, "run", "--once")
    assert code != 0
    assert CERT_ERROR.search(out), out[-2000:]
    assert _export(config) == []
    assert _outbox_statuses(db_url) == []
    assert len(mailstack.spooled()) == before
    assert mailstack.fetch_all(person) == []


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_smtp_over_verified_tls_delivers(tmp_path, mailstack, db_url, hubs, security):
    """SMTP with STARTTLS (smtp_port) or implicit TLS (smtps_port) and ca_file: letters are delivered."""
    port = mailstack.smtp_port if security == "starttls" else mailstack.smtps_port
    config = _config(tmp_path, mailstack, db_url, hubs, smtp=(security, port))
    person = _person(mailstack)
    mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    assert set(_outbox_statuses(db_url)) == {"sent"}
    assert len(mailstack.fetch_all(person)) == 1


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_smtp_without_ca_file_keeps_letters_pending(tmp_path, mailstack, db_url, hubs, security):
    """Without ca_file the SMTP certificate is rejected: the case is filed but its letters stay pending
    (to be retried, not failed), and nothing reaches the person."""
    port = mailstack.smtp_port if security == "starttls" else mailstack.smtps_port
    config = _config(tmp_path, mailstack, db_url, hubs, smtp=(security, port), smtp_ca=False)
    person = _person(mailstack)
    mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org"))
    code, _ = run(config, "run", "--once")
    assert code in (0, 1)
    assert len(_export(config)) == 1
    rows = _outbox(db_url)
    assert rows and {status for status, _ in rows} == {"pending"}, rows
    # The reason is kept on the row (the log line only says "TransientError").
    assert any(error and CERT_ERROR.search(error) for _, error in rows), rows
    assert mailstack.fetch_all(person) == []
    assert not any(f"{person}@example.test" in m.rcpt_tos for m in mailstack.spooled())


def _toml(
    tmp_path: Path,
    imap_host: str,
    imap_security: str,
    smtp_host: str = "127.0.0.1",
    smtp_security: str = "starttls",
) -> Path:
    (tmp_path / "pw").write_text("secret")
    (tmp_path / "pw").chmod(0o600)
    (tmp_path / "key").write_text("k" * 32)
    (tmp_path / "key").chmod(0o600)
    path = tmp_path / "rjmail.toml"
    path.write_text(f"""
[service]
signing_key_file = "{tmp_path / "key"}"

[smtp]
host = "{smtp_host}"
security = "{smtp_security}"

[[hubs]]
code = "NOR"
name = "Norfolk RJ Hub"
address = "rj-norfolk@example.org"
notify = ["advisors@example.org"]
  [hubs.imap]
  host = "{imap_host}"
  security = "{imap_security}"
  username = "rj-norfolk"
  password_file = "{tmp_path / "pw"}"
""")
    return path


@pytest.mark.parametrize("host", ["imap.example.org", "192.0.2.10", "10.0.0.1"])
def test_plaintext_imap_to_a_remote_host_is_refused(tmp_path, host):
    """security = "none" for a host that is not loopback is a configuration error naming the key."""
    with pytest.raises(ConfigError) as info:
        load(_toml(tmp_path, host, "none"))
    assert info.value.key == "hubs[0].imap.security"
    assert "hubs[0].imap.security" in str(info.value)
    assert str(tmp_path / "rjmail.toml") in str(info.value)


def test_plaintext_smtp_to_a_remote_host_is_refused(tmp_path):
    """The same rule for the SMTP table."""
    with pytest.raises(ConfigError) as info:
        load(_toml(tmp_path, "imap.example.org", "tls", smtp_host="smtp.example.org", smtp_security="none"))
    assert info.value.key == "smtp.security"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_plaintext_is_accepted_for_loopback(tmp_path, host):
    """Loopback hosts (the test stack) may use plaintext."""
    settings = load(_toml(tmp_path, host, "none"))
    assert settings.hubs[0].imap.security == "none"
    assert settings.hubs[0].imap.port == 143
