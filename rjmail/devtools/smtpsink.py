"""SMTP sink for the local test mail stack (see :mod:`rjmail.devtools.mailstack`).

Runs as its own process (``python -m rjmail.devtools.smtpsink --config BASE/smtp.json``) so
tests can kill and restart it independently of Dovecot and of the code under test.

Every accepted message is first written to the spool folder (``NNNNNNNN.eml`` plus a
``NNNNNNNN.json`` envelope, both renamed into place so readers never see half a file), then
delivered synchronously over LMTP to each recipient whose local part is a Dovecot user. The
client only gets ``250`` once every local delivery is done, so tests never poll a queue.

Authentication policy is re-read from the config file for every new connection, so
``MailStack.set_smtp_auth`` takes effect without restarting this process.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import hmac
import json
import logging
import os
import signal
import smtplib
import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

log = logging.getLogger("rjmail.smtpsink")

# Recipients whose local part starts with this are refused at RCPT (550), like an unknown user.
REFUSED_PREFIX = "refused-"

# Width of the spool counter: file names then sort in acceptance order as plain strings.
_COUNTER_WIDTH = 8


class AuthConfig(TypedDict):
    username: str
    password: str


class SinkConfig(TypedDict):
    host: str
    smtp_port: int
    smtps_port: int
    cert_file: str
    key_file: str
    spool_dir: str
    users_dir: str
    lmtp_socket: str
    pid_file: str
    auth: AuthConfig | None
    xoauth2_token: str | None


@dataclass(frozen=True)
class SpooledMessage:
    """One message the sink accepted, as recorded in the spool folder."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    path: Path


class DeliveryError(Exception):
    """Dovecot refused or could not take a local delivery."""


# --------------------------------------------------------------------------- config / spool


def read_config(path: Path) -> SinkConfig:
    config: SinkConfig = json.loads(path.read_text(encoding="utf-8"))
    return config


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file + rename so concurrent readers see all or nothing."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
    tmp.replace(path)


def next_counter(spool_dir: Path) -> int:
    """Continue numbering after the highest spooled message (survives sink restarts)."""
    numbers = [int(p.stem) for p in spool_dir.glob("*.eml") if p.stem.isdigit()]
    return max(numbers, default=0) + 1


def spool_message(spool_dir: Path, number: int, mail_from: str, rcpt_tos: list[str], data: bytes) -> Path:
    """Write the message, then its envelope: the envelope's presence marks a complete entry."""
    stem = f"{number:0{_COUNTER_WIDTH}d}"
    eml = spool_dir / f"{stem}.eml"
    write_atomic(eml, data)
    envelope = {"mail_from": mail_from, "rcpt_tos": rcpt_tos, "eml": eml.name}
    write_atomic(spool_dir / f"{stem}.json", json.dumps(envelope).encode("utf-8"))
    return eml


def unspool_message(eml: Path) -> None:
    eml.with_suffix(".json").unlink(missing_ok=True)
    eml.unlink(missing_ok=True)


def read_spool(spool_dir: Path) -> list[SpooledMessage]:
    """All complete spool entries in acceptance order."""
    messages = []
    for envelope_path in sorted(spool_dir.glob("[0-9]*.json")):
        try:
            envelope = json.loads(envelope_path.read_text(encoding="utf-8"))
            eml = spool_dir / envelope["eml"]
            data = eml.read_bytes()
        except FileNotFoundError:
            continue  # removed meanwhile (clear_spool, or a delivery failure)
        messages.append(
            SpooledMessage(
                mail_from=envelope["mail_from"],
                rcpt_tos=tuple(envelope["rcpt_tos"]),
                data=data,
                path=eml,
            )
        )
    return messages


# --------------------------------------------------------------------------- local delivery


def is_known_user(users_dir: Path, address: str) -> bool:
    """Checked afresh per message: users may be added while the sink runs.

    Dovecot's users are one passwd-file each, named after the (lowercase) login.
    """
    name = local_part(address)
    return name != "" and "/" not in name and not name.startswith(".") and (users_dir / name).is_file()


def local_part(address: str) -> str:
    return address.rpartition("@")[0].lower() if "@" in address else address.lower()


def deliver_lmtp(socket_path: str, mail_from: str, recipients: list[str], data: bytes) -> None:
    """One LMTP transaction per recipient.

    smtplib.LMTP reads a single reply after DATA, but LMTP sends one per recipient; a
    transaction per recipient keeps replies in step and errors attributable.
    """
    if not recipients:
        return
    try:
        with smtplib.LMTP(socket_path, timeout=30) as lmtp:
            for rcpt in recipients:
                lmtp.sendmail(mail_from, [rcpt], data)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"LMTP delivery to {recipients} failed: {exc}") from exc


# --------------------------------------------------------------------------- SMTP handler


def parse_xoauth2(blob: bytes) -> tuple[str, str] | None:
    """Split ``user=U^Aauth=Bearer T^A^A`` into (user, token); None if malformed."""
    user = token = None
    for field in blob.decode("utf-8", "replace").split("\x01"):
        if field.startswith("user="):
            user = field[5:]
        elif field.lower().startswith("auth=bearer "):
            token = field[12:]
    if user is None or token is None:
        return None
    return user, token


class SinkHandler:
    """aiosmtpd handler: spool, then deliver locally, then answer."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        config = read_config(config_path)
        self.spool_dir = Path(config["spool_dir"])
        self.users_dir = Path(config["users_dir"])
        self.lmtp_socket = config["lmtp_socket"]
        self.counter = next_counter(self.spool_dir)

    # aiosmtpd finds hooks by these exact (non-PEP 8) names.
    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        # Tests need an address the server refuses outright: any local part starting "refused-".
        if local_part(address).startswith(REFUSED_PREFIX):
            return "550 5.1.1 User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        data = envelope.original_content or b""
        mail_from = envelope.mail_from or ""
        rcpt_tos = list(envelope.rcpt_tos)
        # Number on the event loop so concurrent connections still get unique, ordered names.
        number, self.counter = self.counter, self.counter + 1
        # Spooling and local delivery are one step that finishes even when the client goes away
        # meanwhile (aiosmtpd then cancels this handler), as a real server finishes delivering
        # what it has queued: a spooled message is always a delivered one. Cancelled between the
        # two, a letter was spooled (counted as accepted by the crash harness) but never delivered,
        # so its proof copy could not be found and the harness counted a duplicate that no
        # mailbox ever received.
        accepted = await asyncio.shield(asyncio.to_thread(self._accept, number, mail_from, rcpt_tos, data))
        if not accepted:
            return "451 4.3.0 Local delivery failed, try again later"
        return "250 2.0.0 Message accepted"

    def _accept(self, number: int, mail_from: str, rcpt_tos: list[str], data: bytes) -> bool:
        eml = spool_message(self.spool_dir, number, mail_from, rcpt_tos, data)
        local = [rcpt for rcpt in rcpt_tos if is_known_user(self.users_dir, rcpt)]
        try:
            deliver_lmtp(self.lmtp_socket, mail_from, local, data)
        except DeliveryError as exc:
            # Not accepted after all: drop the spool entry so spooled() == accepted mail.
            log.warning("%s", exc)
            unspool_message(eml)
            return False
        return True

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:  # noqa: N802
        """Microsoft-365-style XOAUTH2: accept exactly the configured bearer token."""
        blob: Any
        if len(args) == 2:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except binascii.Error:
                return AuthResult(success=False, handled=False)
        else:
            blob = await server.challenge_auth("")
            if not isinstance(blob, bytes):
                return AuthResult(success=False, handled=True)
        parsed = parse_xoauth2(blob)
        expected = read_config(self.config_path)["xoauth2_token"]
        if parsed is None or expected is None:
            return AuthResult(success=False, handled=False)
        user, token = parsed
        ok = hmac.compare_digest(token.encode(), expected.encode())
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)


def make_authenticator(config: SinkConfig) -> Callable[..., AuthResult]:
    """PLAIN/LOGIN policy for one connection, from the config as it was when it opened."""
    creds = config["auth"]

    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        if creds is None:
            # No credentials configured: with an XOAUTH2 token set, basic auth is "disabled"
            # like on Microsoft 365; otherwise any credentials are welcome.
            return AuthResult(success=config["xoauth2_token"] is None, handled=False)
        ok = hmac.compare_digest(auth_data.login, creds["username"].encode()) and hmac.compare_digest(
            auth_data.password, creds["password"].encode()
        )
        return AuthResult(success=ok, handled=False)

    return authenticate


def tls_context(config: SinkConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(config["cert_file"], config["key_file"])
    return context


def smtp_factory(handler: SinkHandler, starttls: ssl.SSLContext | None) -> Callable[[], SMTP]:
    """A fresh SMTP protocol per connection, honouring the current auth settings."""

    def factory() -> SMTP:
        config = read_config(handler.config_path)
        excluded = [] if config["xoauth2_token"] else ["XOAUTH2"]
        return SMTP(
            handler,
            hostname="localhost",  # avoids a slow getfqdn() per connection
            enable_SMTPUTF8=True,
            tls_context=starttls,
            require_starttls=False,
            auth_required=config["auth"] is not None or config["xoauth2_token"] is not None,
            auth_require_tls=False,
            auth_exclude_mechanism=excluded,
            authenticator=make_authenticator(config),
            loop=asyncio.get_running_loop(),
        )

    return factory


# --------------------------------------------------------------------------- process


async def serve(config_path: Path) -> None:
    config = read_config(config_path)
    handler = SinkHandler(config_path)
    context = tls_context(config)
    loop = asyncio.get_running_loop()
    plain = await loop.create_server(
        smtp_factory(handler, context), config["host"], config["smtp_port"], reuse_address=True
    )
    implicit = await loop.create_server(
        smtp_factory(handler, None), config["host"], config["smtps_port"], ssl=context, reuse_address=True
    )
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    pid_file = Path(config["pid_file"])
    # Written only once both listeners are bound: the pidfile doubles as a readiness flag.
    write_atomic(pid_file, f"{os.getpid()}\n".encode())
    log.info(
        "listening on %s:%d and %s:%d (TLS)",
        config["host"],
        config["smtp_port"],
        config["host"],
        config["smtps_port"],
    )
    try:
        await stop.wait()
    finally:
        for server in (plain, implicit):
            server.close()
        with contextlib.suppress(FileNotFoundError):
            pid_file.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SMTP sink of the rjmail test mail stack")
    parser.add_argument("--config", type=Path, required=True, help="path of smtp.json")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # aiosmtpd logs every connection at INFO, and a warning per connection when AUTH is
    # required without TLS (deliberate here): keep the sink log readable.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    asyncio.run(serve(args.config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
