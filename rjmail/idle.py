"""IMAP IDLE: one thread per hub that wakes the hub's poll within about a second of new mail.

The scheduled poll stays the safety net; IDLE only makes it come sooner. The thread holds one
connection (its own IMAPClient: they are not thread-safe) with the hub folder selected read-only,
and calls `on_mail()` whenever the server reports EXISTS, and once after every (re)connect in case
mail arrived while it was away.

Robustness (LIBRARIES.md section 1):
* IDLE is re-issued every `renew_after` seconds (9 minutes, well under RFC 2177's 29), and the whole
  session is replaced after `max_session` (45 minutes: Exchange IDLE can go silent after 1-2 hours)
  or before the OAuth2 token it logged in with expires.
* After `* BYE` (e.g. Exchange's `Session invalidated - AccessTokenExpired`) or EOF, imapclient's
  `idle_check()` returns instantly forever (imapclient #565): both are detected and end the session
  instead of spinning.
* Reconnects back off exponentially with jitter from 1 s to 5 minutes; a session that lived a
  while resets the backoff.
* `stop` (SIGTERM) is noticed within `tick` seconds; all waits are on the event.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

import structlog
from imapclient.exceptions import IMAPClientError

from rjmail.adapters.mailbox import Mailbox
from rjmail.errors import PermanentError, TransientError
from rjmail.settings import HubSettings

log = structlog.get_logger("rjmail.idle")

RENEW_AFTER = 540.0  # re-issue IDLE every 9 minutes
MAX_SESSION = 2700.0  # log in afresh every 45 minutes at the latest
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 300.0
HEALTHY_SESSION = 60.0  # a session that lasted this long resets the backoff
REFRESH_SLACK = 0.5  # re-login just after the token provider's refresh point, never just before


class ConnectionLostError(Exception):
    """The IDLE connection ended: 'BYE ...' text or 'EOF'."""


class IdleUnsupportedError(Exception):
    """The server does not advertise IDLE."""


def backoff_delay(failures: int, first: float = BACKOFF_FIRST, cap: float = BACKOFF_MAX) -> float:
    """Exponential backoff with jitter: 1, 2, 4, ... capped at 5 minutes, each in [d/2, d]."""
    delay = min(cap, first * 2 ** max(0, failures - 1))
    return random.uniform(delay / 2, delay)


def wait_for_mail(
    client: Any,
    stop: threading.Event,
    *,
    renew_after: float = RENEW_AFTER,
    tick: float = 1.0,
    deadline: float | None = None,
    still_wanted: Callable[[], bool] = lambda: True,
    on_mail: Callable[[], None] = lambda: None,
) -> str:
    """One IDLE command. Calls `on_mail` on every EXISTS while idling.

    Returns why it ended: "renew" (time to re-issue IDLE), "deadline" (log in again), "stop",
    or "unwanted" (no longer leading the hub). Raises ConnectionLostError on BYE or EOF.
    """
    client.idle()
    started = time.monotonic()
    lost: str | None = None
    reason = "renew"
    try:
        while True:
            now = time.monotonic()
            if stop.is_set():
                reason = "stop"
                break
            if not still_wanted():
                reason = "unwanted"
                break
            if deadline is not None and now >= deadline:
                reason = "deadline"
                break
            if now - started >= renew_after:
                break
            checked = time.monotonic()
            responses = client.idle_check(timeout=tick)
            bye = next((r for r in responses if r and r[0] == b"BYE"), None)
            if bye is not None:
                lost = " ".join(_text(part) for part in bye)
                break
            if not responses and time.monotonic() - checked < tick / 2:
                lost = "EOF"  # the socket is closed: idle_check returns [] at once from now on
                break
            if any(len(r) > 1 and r[1] == b"EXISTS" for r in responses):
                on_mail()
        return reason
    finally:
        if lost is not None:
            raise ConnectionLostError(lost)
        client.idle_done()  # bounded by the connection's read timeout (imapclient #449)


def _text(part: object) -> str:
    if isinstance(part, bytes):
        return part.decode("ascii", "replace")
    return str(part)


class IdleWatcher(threading.Thread):
    """Holds IDLE on one hub's folder while `active()` (this instance leads the hub)."""

    def __init__(
        self,
        hub: HubSettings,
        token: Callable[[], str] | None,
        on_mail: Callable[[], None],
        stop: threading.Event,
        *,
        active: Callable[[], bool] = lambda: True,
        renew_after: float = RENEW_AFTER,
        max_session: float = MAX_SESSION,
        tick: float = 1.0,
    ) -> None:
        super().__init__(name=f"idle-{hub.code}", daemon=True)
        self.hub = hub
        self.token = token
        self.on_mail = on_mail
        self.stop = stop
        self.active = active
        self.renew_after = renew_after
        self.max_session = max_session
        self.tick = tick
        self.failures = 0
        self.sessions = 0  # successful IDLE sessions so far (tests, status)
        self.connected = False

    def run(self) -> None:
        with structlog.contextvars.bound_contextvars(hub=self.hub.code, job="idle"):
            while not self.stop.is_set():
                if not self.active():
                    self.stop.wait(self.tick)
                    continue
                try:
                    self._session()
                except IdleUnsupportedError:
                    log.warning("idle_unsupported", folder=self.hub.imap.folder)
                    return  # polling alone from now on
                if self.failures and not self.stop.is_set():
                    delay = backoff_delay(self.failures)
                    log.info("idle_reconnect_wait", seconds=round(delay, 1), failures=self.failures)
                    self.stop.wait(delay)

    def _session_deadline(self, started: float, now: float) -> float:
        """When this session should log in afresh (monotonic clock)."""
        deadline = started + self.max_session
        refresh_in = getattr(self.token, "refresh_in", None)
        if self.hub.imap.auth == "oauth2" and isinstance(refresh_in, float | int):
            # Log in again when the provider hands out a new token: 5 minutes (half the lifetime
            # of short tokens) before the one this session used expires.
            deadline = min(deadline, now + max(self.tick, float(refresh_in) + REFRESH_SLACK))
        return deadline

    def _session(self) -> None:
        started = time.monotonic()
        mailbox = Mailbox(self.hub.imap, self.token)
        try:
            mailbox.open()
            client = mailbox.client
            if not client.has_capability("IDLE"):
                raise IdleUnsupportedError
            client.select_folder(self.hub.imap.folder, readonly=True)
            deadline = self._session_deadline(started, time.monotonic())
            self.connected = True
            self.sessions += 1
            log.info(
                "idle_started", folder=self.hub.imap.folder, relogin_in=round(deadline - time.monotonic())
            )
            self.on_mail()  # whatever arrived while we were not listening
            reason = "renew"
            while reason == "renew":
                reason = wait_for_mail(
                    client,
                    self.stop,
                    renew_after=self.renew_after,
                    tick=self.tick,
                    deadline=deadline,
                    still_wanted=self.active,
                    on_mail=self._mail,
                )
            self.failures = 0
            if reason == "deadline":
                log.info("idle_relogin", reason="session age or token expiry")
        except ConnectionLostError as exc:
            reason_text = str(exc)
            if "AccessTokenExpired" in reason_text:
                invalidate = getattr(self.token, "invalidate", None)
                if callable(invalidate):
                    invalidate()
            self._lost(started, reason_text)
        except (TransientError, PermanentError, IMAPClientError, OSError) as exc:
            self._lost(started, f"{type(exc).__name__}: {exc}")
        finally:
            self.connected = False
            mailbox.close()

    def _lost(self, started: float, why: str) -> None:
        if self.stop.is_set():
            return
        lived = time.monotonic() - started
        self.failures = 1 if lived >= HEALTHY_SESSION else self.failures + 1
        log.warning(
            "idle_connection_lost", reason=why[:200], lived_seconds=round(lived, 1), failures=self.failures
        )

    def _mail(self) -> None:
        log.debug("idle_new_mail")
        self.on_mail()
