"""Reading and writing test mailboxes over IMAP, and the SMTP spool."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from imapclient import IMAPClient

from rjmail.devtools.mailstack.layout import StackLayout
from rjmail.devtools.mailstack.procs import _APPEND_BATCH, _FETCH_BATCH
from rjmail.devtools.smtpsink import SpooledMessage, read_spool


class MailboxAccess(StackLayout):
    # ----------------------------------------------------------------- IMAP helpers

    @contextlib.contextmanager
    def imap(self, user: str) -> Iterator[IMAPClient]:
        """A logged-in plain-IMAP connection as ``user``."""
        client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=30)
        try:
            client.login(user, self.PASSWORD)
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.logout()

    def append(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        """IMAP APPEND as ``user`` (the folder is created if missing)."""
        self.append_many(user, [raw], folder)

    def append_many(self, user: str, raws: Sequence[bytes], folder: str = "INBOX") -> None:
        """Seed a mailbox quickly: MULTIAPPEND in batches (one APPEND each slows down)."""
        with self.imap(user) as client:
            _ensure_folder(client, folder)
            multi = b"MULTIAPPEND" in client.capabilities()
            for start in range(0, len(raws), _APPEND_BATCH):
                batch = raws[start : start + _APPEND_BATCH]
                if multi:
                    client.multiappend(folder, list(batch))
                else:
                    for raw in batch:
                        client.append(folder, raw)

    def fetch_all(self, user: str, folder: str = "INBOX") -> list[bytes]:
        """Every message's raw bytes in UID order; BODY.PEEK[] leaves \\Seen alone."""
        with self.imap(user) as client:
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search("ALL"))
            messages: list[bytes] = []
            for start in range(0, len(uids), _FETCH_BATCH):
                batch = uids[start : start + _FETCH_BATCH]
                response = client.fetch(batch, ["BODY.PEEK[]"])
                messages.extend(bytes(response[uid][b"BODY[]"]) for uid in batch)
            return messages

    def imap_settings(self, user: str) -> dict[str, object]:
        """Plain-IMAP connection settings for ``user``, in the shape tests pass around."""
        return {
            "host": self.host,
            "port": self.imap_port,
            "security": "none",
            "username": user,
            "password": self.PASSWORD,
        }

    # ----------------------------------------------------------------- spool

    def spooled(self) -> list[SpooledMessage]:
        """Every message the SMTP sink accepted, in order of acceptance."""
        return read_spool(self.spool_dir)

    def clear_spool(self) -> None:
        """Forget everything spooled so far (the sink's numbering carries on)."""
        for entry in self.spool_dir.glob("[0-9]*"):
            entry.unlink(missing_ok=True)


def _ensure_folder(client: IMAPClient, folder: str) -> None:
    if folder.upper() != "INBOX" and not client.folder_exists(folder):
        client.create_folder(folder)
