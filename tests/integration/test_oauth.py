"""Microsoft-365-style OAuth2 end to end without Microsoft: a local token endpoint (`[oauth2]
token_url`), Dovecot accepting AUTHENTICATE XOAUTH2 with that bearer token, and the SMTP sink
accepting only AUTH XOAUTH2 (basic auth off, as in Exchange Online)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.integration.test_daemon import DaemonProcess, daemon_config, inbox_count, wait_until
from tests.support import referral, run, unique, write_config

pytestmark = pytest.mark.integration


class TokenEndpoint:
    """Entra's client-credentials token endpoint, reduced to what rjmail uses.

    Each request gets the next token from `issue()`; `on_issue` lets a test make the mail servers
    accept only the newest token (as if the previous one had expired)."""

    def __init__(self, expires_in: int = 3600) -> None:
        self.expires_in = expires_in
        self.requests: list[dict[str, list[str]]] = []
        self.tokens: list[str] = []
        self.fixed: str | None = None
        self.on_issue: Any = None
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                endpoint.requests.append(form)
                token = endpoint.fixed or f"tok{len(endpoint.requests)}x{unique('')}"
                if endpoint.on_issue is not None:
                    endpoint.on_issue(token)
                endpoint.tokens.append(token)
                body = json.dumps(
                    {"token_type": "Bearer", "expires_in": endpoint.expires_in, "access_token": token}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/tenant-id/oauth2/v2.0/token"

    def __enter__(self) -> TokenEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def m365_stack() -> Iterator[Any]:
    """A private stack: requiring XOAUTH2 on SMTP would break every other test's delivery."""
    from rjmail.devtools.mailstack import MailStack

    stack = MailStack().start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def hubs(m365_stack: Any) -> list[dict[str, Any]]:
    result = []
    for code, name in (("NOR", "Norfolk RJ Hub"), ("SUF", "Suffolk RJ Hub")):
        hub = {
            "code": code,
            "name": name,
            "user": unique(f"rj-{code.lower()}-"),
            "signposting": "norfolk" if code == "NOR" else "suffolk",
            "notify": unique(f"notify-{code.lower()}-"),
            "advisors": [f"{unique('adv-')}@example.org"],
        }
        for user in (hub["user"], hub["notify"], hub["advisors"][0].split("@")[0]):
            m365_stack.add_user(user)
        result.append(hub)
    return result


def _oauth_table(tmp: Path, url: str) -> str:
    secret = tmp / "client-secret"
    secret.write_text("the-client-secret")
    secret.chmod(0o600)
    return (
        f'\n[oauth2]\ntenant = "tenant-id"\nclient_id = "client-id"\nclient_secret_file = "{secret}"\n'
        f'token_url = "{url}"\n'
    )


def _oauth_hub(hub: dict[str, Any]) -> dict[str, Any]:
    return dict(hub, imap_extra='auth = "oauth2"')


def _person(stack: Any) -> str:
    user = unique("person-")
    stack.add_user(user)
    return user


def _export(config: Path) -> list[dict[str, Any]]:
    code, out = run(config, "cases", "export", "--format", "json")
    assert code == 0
    return json.loads(out)


def test_referral_acknowledged_over_xoauth2_imap_and_smtp(tmp_path, m365_stack, hubs):
    """Hub mailbox read with IMAP XOAUTH2, acknowledgement sent with SMTP XOAUTH2: one token fetch."""
    with TokenEndpoint() as endpoint:
        endpoint.fixed = "m365-good-token"
        m365_stack.set_imap_xoauth2_token("m365-good-token")
        m365_stack.set_smtp_xoauth2_token("m365-good-token")
        try:
            nor = hubs[0]
            config = write_config(
                tmp_path,
                m365_stack,
                f"sqlite:///{tmp_path / 'rj.db'}",
                [_oauth_hub(nor)],
                smtp_extra=f'auth = "oauth2"\nusername = "{nor["user"]}@example.org"',
            )
            config.write_text(config.read_text() + _oauth_table(tmp_path, endpoint.url))
            assert run(config, "db", "upgrade")[0] == 0
            who = _person(m365_stack)
            m365_stack.append(nor["user"], referral(f"{who}@example.test", f"{nor['user']}@example.org"))

            assert run(config, "run", "--once")[0] == 0

            cases = _export(config)
            assert [c["referrer_email"] for c in cases] == [f"{who}@example.test"]
            assert len(m365_stack.fetch_all(who)) == 1
            assert len(endpoint.requests) == 1  # one cached token for IMAP and SMTP
            form = endpoint.requests[0]
            assert form["grant_type"] == ["client_credentials"]
            assert form["client_secret"] == ["the-client-secret"]
            assert form["scope"] == ["https://outlook.office365.com/.default"]
        finally:
            m365_stack.reset_smtp_auth()


def test_wrong_token_fails_only_that_hub(tmp_path, m365_stack, hubs):
    """A token the IMAP server refuses fails the OAuth2 hub; the password hub is still answered."""
    with TokenEndpoint() as endpoint:
        endpoint.fixed = "m365-stale-token"
        m365_stack.set_imap_xoauth2_token("m365-current-token")
        nor, suf = hubs
        config = write_config(tmp_path, m365_stack, f"sqlite:///{tmp_path / 'rj.db'}", [_oauth_hub(nor), suf])
        config.write_text(config.read_text() + _oauth_table(tmp_path, endpoint.url))
        assert run(config, "db", "upgrade")[0] == 0
        people = [_person(m365_stack), _person(m365_stack)]
        m365_stack.append(nor["user"], referral(f"{people[0]}@example.test", f"{nor['user']}@example.org"))
        m365_stack.append(suf["user"], referral(f"{people[1]}@example.test", f"{suf['user']}@example.org"))

        assert run(config, "run", "--once")[0] == 1

        assert [c["hub"] for c in _export(config)] == ["SUF"]
        assert m365_stack.fetch_all(people[0]) == []
        assert len(m365_stack.fetch_all(people[1])) == 1
        assert endpoint.requests  # it did ask for a token


def test_idle_logs_in_again_before_each_token_expires(tmp_path, m365_stack, hubs):
    """Tokens live 20 s (refreshed after 10 s) and the servers accept only the newest one: the IDLE
    connection logs in again with each new token and mail is still answered within seconds."""
    with TokenEndpoint(expires_in=20) as endpoint:

        def rotate(token: str) -> None:
            m365_stack.set_imap_xoauth2_token(token)
            m365_stack.set_smtp_xoauth2_token(token)

        endpoint.on_issue = rotate
        nor = hubs[0]
        try:
            config = daemon_config(
                tmp_path,
                m365_stack,
                f"sqlite:///{tmp_path / 'rj.db'}",
                [_oauth_hub(nor)],
                poll=60,
                idle=True,
                smtp_extra=f'auth = "oauth2"\nusername = "{nor["user"]}@example.org"',
            )
            config.write_text(config.read_text() + _oauth_table(tmp_path, endpoint.url))
            daemon = DaemonProcess(config, tmp_path / "daemon.log")
            try:
                daemon.wait_for("idle_started", 20)
                relogins = lambda: sum(e["event"] == "idle_relogin" for e in daemon.events())  # noqa: E731
                assert wait_until(lambda: relogins() >= 2, 40), daemon.tail()
                assert wait_until(lambda: len(endpoint.requests) >= 3, 5)  # a new token for each login
                assert not daemon.has("idle_connection_lost")
                who = _person(m365_stack)
                m365_stack.append(nor["user"], referral(f"{who}@example.test", f"{nor['user']}@example.org"))
                assert wait_until(lambda: inbox_count(m365_stack, who) == 1, 8), daemon.tail()
                assert daemon.terminate() == 0
            finally:
                daemon.kill()
        finally:
            m365_stack.reset_smtp_auth()
