"""Microsoft 365 OAuth2 (client credentials): app tokens for XOAUTH2 on IMAP and SMTP.

Production: `[oauth2] token_url` is unset and MSAL talks to Entra ID (`authority`) with a client
secret or, better, a certificate. Tests and unusual set-ups: `token_url` names an endpoint that
speaks the OAuth2 client-credentials form POST and answers `{"access_token": ..., "expires_in": ...}`
(the same shape as Entra's v2.0 token endpoint), so no Microsoft account is needed.

Tokens are cached and refreshed five minutes before they expire (or half-way through a token
that lives less than ten minutes). Short IMAP sessions log in with whatever `TokenProvider()`
returns; the long-lived IDLE connection asks `TokenProvider.expires_in` and logs in again before
the token it used runs out (Exchange ends such sessions with `BYE ... AccessTokenExpired`).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rjmail.configread import is_loopback
from rjmail.errors import ConfigError, PermanentError, TransientError
from rjmail.settings import OAuth2Settings, Settings

REFRESH_MARGIN_SECONDS = 300.0
DEFAULT_LIFETIME_SECONDS = 3600.0
HTTP_TIMEOUT_SECONDS = 30.0
_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)

# One token request: returns the endpoint's JSON answer (a dict with access_token / error).
Fetcher = Callable[[], dict[str, Any]]


class TokenProvider:
    """Thread-safe cached app token: call it for a token that is good for a while yet.

    `clock` is a monotonic clock (seconds); `fetch` performs one token request. Both are
    injectable so caching and refresh can be tested without waiting or a network.
    """

    def __init__(
        self,
        cfg: OAuth2Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        fetch: Fetcher | None = None,
    ) -> None:
        self.cfg = cfg
        self._clock = clock
        self._fetch = fetch or (self._fetch_http if cfg.token_url else self._fetch_msal)
        self._token: str | None = None
        self._expires_at = 0.0
        self._refresh_at = 0.0
        self._lock = threading.Lock()
        self._app: Any = None
        self.requests = 0  # how many tokens were fetched (tests, logs)
        if cfg.token_url:
            _check_token_url(cfg.token_url)

    # ------------------------------------------------------------------ token sources

    def _client(self) -> Any:
        if self._app is None:
            import msal

            self._app = msal.ConfidentialClientApplication(
                self.cfg.client_id, authority=self.cfg.authority, client_credential=_msal_credential(self.cfg)
            )
        return self._app

    def _fetch_msal(self) -> dict[str, Any]:
        try:
            result: dict[str, Any] = self._client().acquire_token_for_client(scopes=[self.cfg.scope])
        except ValueError as exc:  # MSAL: bad authority / unreadable key
            raise PermanentError(f"oauth2: MSAL refused the configuration: {exc}") from exc
        except OSError as exc:
            raise TransientError(f"oauth2: token endpoint unreachable: {type(exc).__name__}") from exc
        return result

    def _fetch_http(self) -> dict[str, Any]:
        assert self.cfg.token_url
        form: dict[str, str] = {
            "grant_type": "client_credentials",
            "client_id": self.cfg.client_id,
            "scope": self.cfg.scope,
        }
        if self.cfg.client_secret is not None:
            form["client_secret"] = self.cfg.client_secret.reveal()
        request = urllib.request.Request(  # noqa: S310 (scheme checked in _check_token_url)
            self.cfg.token_url,
            data=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            body = exc.read()
            if exc.code >= 500 or exc.code == 429:
                raise TransientError(f"oauth2: token endpoint answered HTTP {exc.code}") from exc
            try:
                answer = json.loads(body)
            except ValueError:
                answer = {}
            return {
                "error": answer.get("error", f"HTTP {exc.code}"),
                "error_description": answer.get("error_description", ""),
            }
        except (urllib.error.URLError, OSError) as exc:
            raise TransientError(f"oauth2: token endpoint unreachable: {exc}") from exc
        try:
            answer = json.loads(body)
        except ValueError as exc:
            raise TransientError("oauth2: token endpoint sent something that is not JSON") from exc
        if not isinstance(answer, dict):
            raise TransientError("oauth2: token endpoint sent an unexpected answer")
        return answer

    # ------------------------------------------------------------------ the cache

    def __call__(self) -> str:
        with self._lock:
            now = self._clock()
            if self._token and now < self._refresh_at:
                return self._token
            result = self._fetch()
            self.requests += 1
            if "access_token" not in result:
                error = str(result.get("error", "unknown error"))
                if error in ("invalid_client", "unauthorized_client", "invalid_scope", "invalid_request"):
                    raise PermanentError(f"oauth2 token refused: {error}")
                raise TransientError(f"oauth2 token refused: {error}")
            lifetime = _lifetime(result.get("expires_in"))
            self._token = str(result["access_token"])
            self._expires_at = now + lifetime
            self._refresh_at = self._expires_at - min(REFRESH_MARGIN_SECONDS, lifetime / 2)
            return self._token

    def invalidate(self) -> None:
        """Forget the cached token (the server said it expired): the next call fetches a new one."""
        with self._lock:
            self._token = None
            self._refresh_at = self._expires_at = 0.0

    @property
    def expires_in(self) -> float:
        """Seconds the cached token is still valid (<= 0 when there is none)."""
        return self._expires_at - self._clock()

    @property
    def refresh_in(self) -> float:
        """Seconds until a call would fetch a new token: sessions should log in again by then."""
        return self._refresh_at - self._clock()


def _lifetime(value: object) -> float:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_LIFETIME_SECONDS
    return seconds if seconds > 0 else DEFAULT_LIFETIME_SECONDS


def _check_token_url(url: str) -> None:
    parsed = urllib.parse.urlsplit(url)
    host = parsed.hostname or ""
    if parsed.scheme == "https" and host:
        return
    if parsed.scheme == "http" and is_loopback(host):
        return
    raise ConfigError(
        "must be an https:// URL (http:// only for a loopback test endpoint)", key="oauth2.token_url"
    )


# ---------------------------------------------------------------------- certificates


def _read_pem(cfg: OAuth2Settings) -> bytes:
    assert cfg.certificate_file
    try:
        return Path(cfg.certificate_file).read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"cannot read certificate file: {exc.strerror}", key="oauth2.certificate_file"
        ) from exc


def _certificate(pem: bytes) -> Any:
    """The first certificate in a PEM bundle (key and certificate may share the file)."""
    from cryptography import x509

    found = _PEM_CERT.search(pem)
    if found is None:
        raise ConfigError(
            "no -----BEGIN CERTIFICATE----- block in the certificate file", key="oauth2.certificate_file"
        )
    try:
        return x509.load_pem_x509_certificate(found.group(0))
    except ValueError as exc:
        raise ConfigError(f"the certificate cannot be read: {exc}", key="oauth2.certificate_file") from exc


def certificate_thumbprint(pem: bytes) -> str:
    """SHA-1 thumbprint (hex), as Entra ID shows it for an uploaded certificate."""
    from cryptography.hazmat.primitives.serialization import Encoding

    der = _certificate(pem).public_bytes(Encoding.DER)
    return hashlib.sha1(der, usedforsecurity=False).hexdigest().upper()


def certificate_not_after(pem: bytes) -> datetime:
    cert = _certificate(pem)
    when: datetime = cert.not_valid_after_utc
    return when.astimezone(UTC)


def _msal_credential(cfg: OAuth2Settings) -> Any:
    if cfg.certificate_file:
        pem = _read_pem(cfg)
        return {
            "private_key": pem.decode(),
            "thumbprint": cfg.certificate_thumbprint or certificate_thumbprint(pem),
        }
    if cfg.client_secret is not None:
        return cfg.client_secret.reveal()
    raise PermanentError("oauth2: a client secret or certificate is needed")


def credential_expiry(settings: Settings) -> date | None:
    """The earliest known expiry of the app credential: `secret_expires_on` and, when a
    certificate is configured, its notAfter. None when nothing is known (no [oauth2])."""
    cfg = settings.oauth2
    if cfg is None:
        return None
    dates: list[date] = []
    if cfg.secret_expires_on:
        try:
            dates.append(date.fromisoformat(cfg.secret_expires_on))
        except ValueError as exc:
            raise ConfigError("expected a date like 2027-06-30", key="oauth2.secret_expires_on") from exc
    if cfg.certificate_file:
        dates.append(certificate_not_after(_read_pem(cfg)).date())
    return min(dates) if dates else None


# ---------------------------------------------------------------------- wiring


def token_providers(settings: Settings) -> tuple[TokenProvider | None, TokenProvider | None]:
    """(imap, smtp) token callables; None where password auth is used. One shared cache."""
    uses_imap = any(h.imap.auth == "oauth2" for h in settings.hubs)
    uses_smtp = settings.smtp.auth == "oauth2"
    if settings.oauth2 is None:
        if uses_imap or uses_smtp:
            raise ConfigError('auth = "oauth2" needs an [oauth2] table', path=str(settings.path))
        return None, None
    provider = TokenProvider(settings.oauth2)
    return (provider if uses_imap else None), (provider if uses_smtp else None)
