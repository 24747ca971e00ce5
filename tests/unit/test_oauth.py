"""OAuth2 token cache and refresh (fake clock), the token_url endpoint, certificate expiry, and the
IDLE loop's handling of BYE / EOF / token expiry (fake IMAP client)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs

import pytest

from rjmail import idle
from rjmail.errors import ConfigError, PermanentError, TransientError
from rjmail.oauth import (
    TokenProvider,
    certificate_not_after,
    certificate_thumbprint,
    credential_expiry,
    token_providers,
)
from rjmail.settings import OAuth2Settings, Secret


def _cfg(**kw: Any) -> OAuth2Settings:
    values: dict[str, Any] = {
        "tenant": "tenant-id",
        "client_id": "client-id",
        "client_secret": Secret("s3cret"),
        "certificate_file": None,
        "certificate_thumbprint": None,
        "authority": "https://login.microsoftonline.com/tenant-id",
        "scope": "https://outlook.office365.com/.default",
        "token_url": None,
        "secret_expires_on": None,
    }
    values.update(kw)
    return OAuth2Settings(**values)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Endpoint:
    """A fake token source: hands out tok-1, tok-2, ... with the given lifetime."""

    def __init__(self, expires_in: Any = 3600, answer: dict[str, Any] | None = None) -> None:
        self.calls = 0
        self.expires_in = expires_in
        self.answer = answer

    def __call__(self) -> dict[str, Any]:
        self.calls += 1
        if self.answer is not None:
            return self.answer
        return {"access_token": f"tok-{self.calls}", "expires_in": self.expires_in}


def test_token_is_cached_until_five_minutes_before_expiry():
    clock, endpoint = Clock(), Endpoint(expires_in=3600)
    provider = TokenProvider(_cfg(), clock=clock, fetch=endpoint)
    assert provider() == "tok-1"
    clock.now += 3000
    assert provider() == "tok-1"
    assert provider.expires_in == pytest.approx(600)
    assert provider.refresh_in == pytest.approx(300)
    clock.now += 299
    assert provider() == "tok-1"
    clock.now += 2  # 4 min 59 s before expiry: refreshed
    assert provider() == "tok-2"
    assert endpoint.calls == 2
    assert provider.expires_in == pytest.approx(3600)


def test_short_lived_tokens_are_refreshed_half_way():
    clock, endpoint = Clock(), Endpoint(expires_in=60)
    provider = TokenProvider(_cfg(), clock=clock, fetch=endpoint)
    assert provider() == "tok-1"
    clock.now += 29
    assert provider() == "tok-1"
    clock.now += 2
    assert provider() == "tok-2"


@pytest.mark.parametrize("expires_in", [None, "soon", -5, 0])
def test_missing_or_odd_lifetime_means_an_hour(expires_in):
    clock = Clock()
    provider = TokenProvider(_cfg(), clock=clock, fetch=Endpoint(expires_in=expires_in))
    provider()
    assert provider.expires_in == pytest.approx(3600)


def test_invalidate_forces_a_new_token():
    clock, endpoint = Clock(), Endpoint()
    provider = TokenProvider(_cfg(), clock=clock, fetch=endpoint)
    assert provider() == "tok-1"
    provider.invalidate()
    assert provider.expires_in <= 0
    assert provider() == "tok-2"


def test_refusals_are_permanent_or_transient():
    bad_client = TokenProvider(_cfg(), clock=Clock(), fetch=Endpoint(answer={"error": "invalid_client"}))
    with pytest.raises(PermanentError):
        bad_client()
    busy = TokenProvider(_cfg(), clock=Clock(), fetch=Endpoint(answer={"error": "temporarily_unavailable"}))
    with pytest.raises(TransientError):
        busy()


def test_threads_share_one_fetch():
    endpoint = Endpoint()
    provider = TokenProvider(_cfg(), fetch=endpoint)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(provider())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["tok-1"] * 8
    assert endpoint.calls == 1


# ---------------------------------------------------------------------------- token_url


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode())
        self.server.requests.append(form)
        status, body = self.server.reply
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: Any) -> None:
        return None


@pytest.fixture
def token_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.requests = []  # type: ignore[attr-defined]
    server.reply = (200, {"access_token": "local-token", "expires_in": 3599, "token_type": "Bearer"})  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_token_url_client_credentials_post(token_server):
    url = f"http://127.0.0.1:{token_server.server_address[1]}/oauth2/v2.0/token"
    provider = TokenProvider(_cfg(token_url=url))
    assert provider() == "local-token"
    assert provider() == "local-token"  # cached
    assert len(token_server.requests) == 1
    form = token_server.requests[0]
    assert form["grant_type"] == ["client_credentials"]
    assert form["client_id"] == ["client-id"]
    assert form["client_secret"] == ["s3cret"]
    assert form["scope"] == ["https://outlook.office365.com/.default"]
    assert 3000 < provider.expires_in <= 3599


def test_token_url_errors(token_server):
    url = f"http://127.0.0.1:{token_server.server_address[1]}/token"
    token_server.reply = (401, {"error": "invalid_client", "error_description": "AADSTS7000215"})
    with pytest.raises(PermanentError, match="invalid_client"):
        TokenProvider(_cfg(token_url=url))()
    token_server.reply = (503, {"error": "temporarily_unavailable"})
    with pytest.raises(TransientError):
        TokenProvider(_cfg(token_url=url))()
    with pytest.raises(TransientError):
        TokenProvider(_cfg(token_url="http://127.0.0.1:9/token"))()  # nothing listens on discard


@pytest.mark.parametrize("url", ["http://login.example.org/token", "ftp://127.0.0.1/token", "token"])
def test_token_url_must_be_https_or_loopback(url):
    with pytest.raises(ConfigError, match="token_url"):
        TokenProvider(_cfg(token_url=url))


def test_token_url_https_is_accepted():
    TokenProvider(_cfg(token_url="https://login.example.org/tenant/oauth2/v2.0/token"))


def _settings(oauth2: OAuth2Settings | None, imap_auth: str = "oauth2", smtp_auth: str = "oauth2") -> Any:
    hub = SimpleNamespace(imap=SimpleNamespace(auth=imap_auth))
    return SimpleNamespace(
        oauth2=oauth2, hubs=(hub,), smtp=SimpleNamespace(auth=smtp_auth), path=Path("rjmail.toml")
    )


def test_token_providers_share_one_cache():
    imap, smtp = token_providers(_settings(_cfg()))
    assert imap is not None and imap is smtp
    imap, smtp = token_providers(_settings(_cfg(), smtp_auth="password"))
    assert imap is not None and smtp is None
    assert token_providers(_settings(None, "password", "none")) == (None, None)
    with pytest.raises(ConfigError, match="oauth2"):
        token_providers(_settings(None))


# ---------------------------------------------------------------------------- certificates


def _certificate(tmp_path: Path, not_after: datetime) -> tuple[Path, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rjmail test app")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_after - timedelta(days=365))
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ) + cert.public_bytes(serialization.Encoding.PEM)
    path = tmp_path / "m365-cert.pem"
    path.write_bytes(pem)
    return path, cert


def test_certificate_expiry_and_thumbprint(tmp_path):
    from cryptography.hazmat.primitives import hashes

    not_after = datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
    path, cert = _certificate(tmp_path, not_after)
    pem = path.read_bytes()
    assert certificate_not_after(pem) == not_after
    assert certificate_thumbprint(pem) == cert.fingerprint(hashes.SHA1()).hex().upper()
    assert credential_expiry(_settings(_cfg(certificate_file=str(path), client_secret=None))) == date(
        2027, 3, 31
    )


def test_credential_expiry_is_the_earliest_known_date(tmp_path):
    path, _ = _certificate(tmp_path, datetime(2027, 3, 31, tzinfo=UTC))
    both = _cfg(certificate_file=str(path), secret_expires_on="2026-12-31")
    assert credential_expiry(_settings(both)) == date(2026, 12, 31)
    assert credential_expiry(_settings(_cfg(secret_expires_on="2028-01-01"))) == date(2028, 1, 1)
    assert credential_expiry(_settings(_cfg())) is None
    assert credential_expiry(_settings(None)) is None


def test_certificate_file_problems_are_config_errors(tmp_path):
    missing = _cfg(certificate_file=str(tmp_path / "nope.pem"))
    with pytest.raises(ConfigError, match="certificate_file"):
        credential_expiry(_settings(missing))
    key_only = tmp_path / "key.pem"
    key_only.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(ConfigError, match="CERTIFICATE"):
        credential_expiry(_settings(_cfg(certificate_file=str(key_only))))


# ---------------------------------------------------------------------------- IDLE and token expiry


class FakeIdleClient:
    """Scripted idle_check() answers; records idle()/idle_done()."""

    def __init__(self, script: list[list[Any]], after: list[Any] | None = None) -> None:
        self.script = list(script)
        self.after = after if after is not None else []
        self.idles = 0
        self.dones = 0
        self.checks = 0

    def idle(self) -> None:
        self.idles += 1

    def idle_check(self, timeout: float) -> list[Any]:
        self.checks += 1
        if self.script:
            return self.script.pop(0)
        return list(self.after)

    def idle_done(self) -> None:
        self.dones += 1


def test_access_token_expired_bye_ends_the_session():
    client = FakeIdleClient([[(b"BYE", b"Session invalidated - AccessTokenExpired")]])
    with pytest.raises(idle.ConnectionLostError, match="AccessTokenExpired"):
        idle.wait_for_mail(client, threading.Event(), tick=0.05)
    assert client.dones == 0  # no DONE on a dead connection (it would raise or hang)


def test_eof_is_detected_instead_of_spinning():
    client = FakeIdleClient([])  # [] at once, forever: what imapclient does after EOF
    with pytest.raises(idle.ConnectionLostError, match="EOF"):
        idle.wait_for_mail(client, threading.Event(), tick=0.5)
    assert client.checks == 1


def test_exists_triggers_a_poll_and_deadline_ends_the_session():
    seen: list[str] = []
    client = FakeIdleClient([[(3, b"EXISTS"), (1, b"RECENT")], [(b"OK", b"Still here")]])

    class SlowClient(FakeIdleClient):
        def idle_check(self, timeout: float) -> list[Any]:
            result = super().idle_check(timeout)
            if not result:
                threading.Event().wait(timeout)
            return result

    slow = SlowClient(client.script)
    import time

    reason = idle.wait_for_mail(
        slow,
        threading.Event(),
        tick=0.05,
        deadline=time.monotonic() + 0.3,
        on_mail=lambda: seen.append("mail"),
    )
    assert reason == "deadline"
    assert seen == ["mail"]
    assert slow.dones == 1


def test_stop_and_lost_leadership_end_idle_politely():
    stop = threading.Event()
    stop.set()
    client = FakeIdleClient([])
    assert idle.wait_for_mail(client, stop, tick=0.05) == "stop"
    assert client.dones == 1
    client = FakeIdleClient([])
    assert idle.wait_for_mail(client, threading.Event(), tick=0.05, still_wanted=lambda: False) == "unwanted"


def test_backoff_grows_with_jitter_and_is_capped():
    assert 0.5 <= idle.backoff_delay(1) <= 1
    assert 4 <= idle.backoff_delay(4) <= 8
    assert 150 <= idle.backoff_delay(30) <= 300


def test_idle_session_logs_in_again_before_the_token_is_refreshed():
    clock, endpoint = Clock(), Endpoint(expires_in=3600)
    provider = TokenProvider(_cfg(), clock=clock, fetch=endpoint)
    provider()
    hub: Any = SimpleNamespace(code="NOR", imap=SimpleNamespace(auth="oauth2"))
    watcher = idle.IdleWatcher(hub, provider, on_mail=lambda: None, stop=threading.Event())
    # 55 minutes left before the provider refreshes: the 45-minute cap applies.
    assert watcher._session_deadline(0.0, 2.0) == idle.MAX_SESSION
    clock.now += 3000  # 5 minutes before the refresh point
    assert watcher._session_deadline(0.0, 2.0) == pytest.approx(2.0 + 300 + idle.REFRESH_SLACK)
    password_hub: Any = SimpleNamespace(code="SUF", imap=SimpleNamespace(auth="password"))
    watcher = idle.IdleWatcher(password_hub, None, on_mail=lambda: None, stop=threading.Event())
    assert watcher._session_deadline(10.0, 12.0) == 10.0 + idle.MAX_SESSION
