"""Keyed hashes that replace identifiers of anonymised cases (SPEC section 6, retention).

A sender chooses their own Message-ID, and some put their name or phone number in it. After
retention the plain ID is gone, but its HMAC (keyed with the signing key, so nobody without the key
can test guesses such as phone numbers against it) still lets intake recognise the same message
if the mailbox offers it again."""

from __future__ import annotations

import hashlib
import hmac
import re

_PREFIX = b"rjmail-retention-v1:"
_HASHED = re.compile(r"^<anon\.[0-9a-f]{32}@rjmail\.invalid>$")
_STATUS = re.compile(r"^status [a-z_]+ -> [a-z_]+")
_COMMAND = re.compile(r"^#(offer-call|book|suitable|not-suitable|assign|note|withdraw|hold|close)\b")


def _digest(key: bytes, value: str) -> str:
    return hmac.new(key, _PREFIX + value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


def hashed_id(key: bytes, message_id: str) -> str:
    """The anonymised form of a Message-ID (idempotent: a hashed ID stays as it is)."""
    if _HASHED.match(message_id):
        return message_id
    return f"<anon.{_digest(key, message_id)}@rjmail.invalid>"


def hashed_ids(key: bytes, value: str | None) -> str | None:
    """A space-separated In-Reply-To/References value, each ID hashed."""
    if not value:
        return value
    return " ".join(hashed_id(key, part) for part in value.split())


def hashed_key(key: bytes, idempotency_key: str) -> str:
    if idempotency_key.startswith("anon:"):
        return idempotency_key
    return f"anon:{_digest(key, idempotency_key)}"


def id_forms(key: bytes, message_id: str) -> tuple[str, str]:
    """(plain, hashed): what dedup must look for, before and after retention."""
    return message_id, hashed_id(key, message_id)


def metadata_only(reason: str) -> str:
    """What an audit or ledger reason keeps after erasure: a status change or an advisor command's
    name stays (statistics); everything else (advisor #hold/#note words, names, courts) goes."""
    found = _STATUS.match(reason)
    command = _COMMAND.match(reason)
    head = found.group(0) if found else command.group(0) if command else ""
    return f"{head} (details erased)".strip()
