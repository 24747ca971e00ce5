"""Microsoft 365 OAuth2 (client-credentials via MSAL): tokens for XOAUTH2 on IMAP and SMTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rjmail.errors import PermanentError, TransientError
from rjmail.settings import OAuth2Settings, Settings

REFRESH_MARGIN_SECONDS = 300


class TokenProvider:
    """Caches the app token and refreshes it five minutes before it expires."""

    def __init__(self, cfg: OAuth2Settings) -> None:
        self.cfg = cfg
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self._app: Any = None

    def _client(self) -> Any:
        if self._app is None:
            import msal

            credential: Any
            if self.cfg.certificate_file:
                credential = {"private_key": Path(self.cfg.certificate_file).read_text(),
                              "thumbprint": self.cfg.certificate_thumbprint}
            elif self.cfg.client_secret is not None:
                credential = self.cfg.client_secret.reveal()
            else:
                raise PermanentError("oauth2: a client secret or certificate is needed")
            self._app = msal.ConfidentialClientApplication(
                self.cfg.client_id, authority=self.cfg.authority, client_credential=credential)
        return self._app

    def __call__(self) -> str:
        with self._lock:
            if self._token and time.monotonic() < self._expires_at - REFRESH_MARGIN_SECONDS:
                return self._token
            result = self._client().acquire_token_for_client(scopes=[self.cfg.scope])
            if "access_token" not in result:
                raise TransientError(f"oauth2 token refused: {result.get('error', 'unknown error')}")
            self._token = str(result["access_token"])
            self._expires_at = time.monotonic() + float(result.get("expires_in", 3600))
            return self._token

    @property
    def expires_in(self) -> float:
        return self._expires_at - time.monotonic()


def token_providers(settings: Settings) -> tuple[Callable[[], str] | None, Callable[[], str] | None]:
    """(imap, smtp) token callables; None where password auth is used."""
    if settings.oauth2 is None:
        return None, None
    provider = TokenProvider(settings.oauth2)
    uses_imap = any(h.imap.auth == "oauth2" for h in settings.hubs)
    return (provider if uses_imap else None), (provider if settings.smtp.auth == "oauth2" else None)
