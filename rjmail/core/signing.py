"""Signed Message-IDs: proof that a later reply answers mail rjmail itself sent.

Format: <rj.{kind}.{ref}.{nonce}.{mac}@{hub-domain}>. The MAC covers kind, ref, nonce and domain, so
a reply whose In-Reply-To/References names such an ID provably threads onto our own letter about
that case — a guessed case reference in a subject is not enough to act on (SPEC section 6).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

_ID = re.compile(
    r"^<rj\.(?P<kind>[a-z_]+)\.(?P<ref>[A-Z0-9-]+|x)\.(?P<nonce>[a-z0-9]{16})\.(?P<mac>[a-z2-7]{26})"
    r"@(?P<domain>[A-Za-z0-9.-]+)>$"
)


@dataclass(frozen=True)
class SignedId:
    kind: str
    ref: str | None
    domain: str


def _mac(key: bytes, kind: str, ref: str, nonce: str, domain: str) -> str:
    digest = hmac.new(key, f"{kind}|{ref}|{nonce}|{domain.lower()}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:16]).decode().lower().rstrip("=")


def make_message_id(key: bytes, kind: str, ref: str | None, domain: str, nonce: str | None = None) -> str:
    """A fresh signed Message-ID. `nonce` may be fixed to make the ID deterministic (idempotency)."""
    nonce = nonce or secrets.token_hex(8)
    ref_part = ref or "x"
    return f"<rj.{kind}.{ref_part}.{nonce}.{_mac(key, kind, ref_part, nonce, domain)}@{domain}>"


def verify(key: bytes, message_id: str) -> SignedId | None:
    """The signed parts of `message_id` when its MAC is valid, else None."""
    match = _ID.match(message_id.strip())
    if not match:
        return None
    kind, ref, nonce, domain = match["kind"], match["ref"], match["nonce"], match["domain"]
    if not hmac.compare_digest(match["mac"], _mac(key, kind, ref, nonce, domain)):
        return None
    return SignedId(kind=kind, ref=None if ref == "x" else ref, domain=domain.lower())


def nonce_for(key: bytes, idempotency_key: str) -> str:
    """A deterministic nonce so that the same event always yields the same Message-ID."""
    return hmac.new(key, idempotency_key.encode(), hashlib.sha256).hexdigest()[:16]


_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID_LINE = re.compile(rb"^message-id:(.*)$", re.IGNORECASE | re.MULTILINE)


def own_letter_id(key: bytes, raw: bytes) -> str | None:
    """The Message-ID of a message that is one of rjmail's own letters (the hub's proof copy coming
    back), read from the header block alone with a valid MAC; None when it could be anything else.
    A cheap check before a full parse: such a copy is recorded, never answered."""
    end = _HEADER_END.search(raw)
    found = _MESSAGE_ID_LINE.findall(raw[: end.start()] if end else raw)
    if len(found) != 1:  # none, or several: let the full parse decide
        return None
    message_id = found[0].strip().decode("ascii", "replace")  # folded: empty here, so not ours
    return message_id if verify(key, message_id) else None
