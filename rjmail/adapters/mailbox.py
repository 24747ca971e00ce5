"""IMAP adapter: new messages above a folder's checkpoint, cheaply; appends; Message-ID searches.

The mailbox is never changed: messages are read with BODY.PEEK[] (advisors still see them unread)
and nothing is moved or deleted.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.util import to_unicode

from rjmail.errors import PermanentError, TransientError
from rjmail.settings import ImapSettings

FETCH_BATCH = 100
FIRST_BATCH = 5
TokenProvider = Callable[[], str]


@functools.lru_cache(maxsize=8)
def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Verifying context; a ca_file is added to (not instead of) the system CAs. Cached: loading the
    system CA bundle costs ~50 ms, most of an idle poll."""
    ctx = ssl.create_default_context()
    if ca_file:
        ctx.load_verify_locations(cafile=ca_file)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    uidnext: int


@dataclass(frozen=True)
class Fetched:
    uid: int
    size: int
    raw: bytes | None  # None when over the size limit: quarantined without being downloaded
    arrived: datetime | None = None  # INTERNALDATE (UTC): when the message reached the mailbox


class Mailbox:
    def __init__(self, settings: ImapSettings, token: TokenProvider | None = None) -> None:
        self.settings = settings
        self._token = token
        self._client: IMAPClient | None = None

    def __enter__(self) -> Mailbox:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def client(self) -> IMAPClient:
        if self._client is None:
            raise TransientError("IMAP connection is not open")
        return self._client

    def open(self) -> None:
        s = self.settings
        try:
            self._client = IMAPClient(
                s.host,
                port=s.port,
                ssl=s.security == "tls",
                ssl_context=tls_context(s.ca_file) if s.security != "none" else None,
                timeout=s.timeout_seconds,
            )
        except (IMAPClientError, OSError, ssl.SSLError) as exc:
            raise _translate(exc) from exc
        try:
            if s.security == "starttls":
                self._client.starttls(tls_context(s.ca_file))
            self._client.normalise_times = False
            _keepalive(self._client)
            self._login(self._client)
        except (IMAPClientError, OSError, ssl.SSLError) as exc:
            self.close()  # never leave a half-open socket behind a failed STARTTLS or login
            raise _translate(exc) from exc

    def _login(self, client: IMAPClient) -> None:
        s = self.settings
        user = s.username or ""
        if s.auth == "oauth2":
            if self._token is None:
                raise PermanentError("auth = oauth2 but no OAuth2 settings")
            client.oauth2_login(user, self._token())
        else:
            client.login(user, s.password.reveal() if s.password else "")

    def close(self) -> None:
        if self._client is None:
            return
        try:
            self._client.logout()
        except (IMAPClientError, OSError):
            with contextlib.suppress(OSError):
                self._client.shutdown()
        self._client = None

    def state(self, folder: str) -> FolderState:
        """UIDVALIDITY and UIDNEXT without selecting: the cheap 'anything new?' check."""
        st = self._call(self.client.folder_status, folder, [b"UIDVALIDITY", b"UIDNEXT"])
        return FolderState(uidvalidity=int(st[b"UIDVALIDITY"]), uidnext=int(st[b"UIDNEXT"]))

    def new_messages(self, folder: str, after_uid: int, max_bytes: int) -> Iterator[Fetched]:
        """Messages with UID > after_uid, oldest first, in batches."""
        self._call(self.client.select_folder, folder, readonly=True)
        # "N:*" always matches the highest UID even when it is <= N, so filter.
        uids = sorted(
            u for u in self._call(self.client.search, ["UID", f"{after_uid + 1}:*"]) if u > after_uid
        )
        start = 0
        while start < len(uids):
            # A small first batch: the first person of a backlog is answered without waiting for a
            # hundred bodies to be fetched and parsed.
            batch = uids[start : start + (FIRST_BATCH if start == 0 else FETCH_BATCH)]
            start += len(batch)
            sizes = self._call(self.client.fetch, batch, ["RFC822.SIZE", "INTERNALDATE"])
            small = [u for u in batch if int(sizes.get(u, {}).get(b"RFC822.SIZE", 0)) <= max_bytes]
            bodies = self._call(self.client.fetch, small, ["BODY.PEEK[]"]) if small else {}
            for uid in batch:
                size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
                raw = bodies.get(uid, {}).get(b"BODY[]") if uid in small else None
                arrived = _utc(sizes.get(uid, {}).get(b"INTERNALDATE"))
                yield Fetched(uid=uid, size=size, raw=raw, arrived=arrived)

    def fetch_one(self, folder: str, uidvalidity: int, uid: int) -> bytes | None:
        """One message by UID, or None when it is gone or the folder's UIDVALIDITY changed."""
        if self.state(folder).uidvalidity != uidvalidity:
            return None
        self._call(self.client.select_folder, folder, readonly=True)
        found = self._call(self.client.fetch, [uid], ["BODY.PEEK[]"])
        raw = found.get(uid, {}).get(b"BODY[]")
        return bytes(raw) if raw is not None else None

    def append(self, folder: str, raw: bytes, seen: bool = True) -> None:
        self._call(self.client.append, folder, raw, flags=[b"\\Seen"] if seen else [])

    def has_message_id(self, folder: str, message_id: str) -> bool:
        return message_id in self.message_ids_in(folder, [message_id])

    def message_ids_in(self, folder: str, message_ids: list[str]) -> set[str]:
        """Which of these Message-IDs the folder holds: one SEARCH (ORed HEADER keys) and one FETCH
        of the matches' Message-ID headers, however many are asked about. The FETCH makes it exact:
        IMAP's HEADER search matches substrings."""
        if not message_ids:
            return set()
        criteria: list[str] = []
        for message_id in message_ids[:-1]:
            criteria += ["OR", "HEADER", "Message-ID", message_id]
        criteria += ["HEADER", "Message-ID", message_ids[-1]]
        self._call(self.client.select_folder, folder, readonly=True)
        uids = self._call(self.client.search, criteria)
        if not uids:
            return set()
        found = self._call(self.client.fetch, uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        present = set()
        for data in found.values():
            header = bytes(data.get(b"BODY[HEADER.FIELDS (MESSAGE-ID)]") or b"")
            value = BytesParser(policy=policy.compat32).parsebytes(header).get("Message-ID")
            if value:
                present.add(" ".join(str(value).split()))
        return present & set(message_ids)

    def capabilities(self) -> tuple[str, ...]:
        return tuple(to_unicode(c) for c in self.client.capabilities())

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (IMAPClientError, OSError, ssl.SSLError) as exc:
            raise _translate(exc) from exc


def _utc(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, LoginError):
        return PermanentError(f"IMAP login refused: {exc}")
    if isinstance(exc, IMAPClientError):
        return TransientError(f"IMAP error: {type(exc).__name__}: {exc}")
    return TransientError(f"IMAP connection failed: {type(exc).__name__}: {exc}")


def _keepalive(client: IMAPClient) -> None:
    sock = client.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
