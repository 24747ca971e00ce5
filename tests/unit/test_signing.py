"""Signed Message-IDs: rjmail can prove a reply answers a letter it sent, and nothing else can."""

from __future__ import annotations

import re

import pytest

from rjmail.core.signing import make_message_id, nonce_for, own_letter_id, verify

KEY = b"unit-test-signing-key-0123456789"
REF = "RJ-NOR-2026-0042"
ID_SHAPE = re.compile(r"^<[\x21-\x7e]+@[A-Za-z0-9.-]+>$")


def _parts(message_id: str) -> list[str]:
    local, domain = message_id.strip("<>").split("@")
    return [*local.split("."), domain]


def _join(parts: list[str]) -> str:
    *local, domain = parts
    return f"<{'.'.join(local)}@{domain}>"


@pytest.mark.parametrize(
    ("kind", "ref"),
    [
        ("acknowledgement", REF),
        ("notification", REF),
        ("command_result", "RJ-SUF-2025-0001"),
        ("notification", None),
    ],
)
def test_round_trip(kind, ref):
    """A Message-ID rjmail made verifies back to its kind, case reference and domain."""
    mid = make_message_id(KEY, kind, ref, "Example.ORG")
    assert ID_SHAPE.match(mid)
    signed = verify(KEY, mid)
    assert signed is not None
    assert (signed.kind, signed.ref, signed.domain) == (kind, ref, "example.org")


def test_surrounding_whitespace_is_tolerated():
    """IDs copied out of folded headers still verify."""
    mid = make_message_id(KEY, "acknowledgement", REF, "example.org")
    assert verify(KEY, f"  {mid}\r\n") is not None


def test_fresh_ids_are_unique():
    """Without an idempotency nonce, every letter gets a new Message-ID."""
    assert len({make_message_id(KEY, "notification", REF, "example.org") for _ in range(200)}) == 200


def test_other_key_does_not_verify():
    """An ID made with another key (another installation, an attacker) is not ours."""
    mid = make_message_id(b"another-key-000000000000000000000", "notification", REF, "example.org")
    assert verify(KEY, mid) is None


def test_tampered_mac_is_rejected():
    """Changing any character of the MAC breaks the signature."""
    mid = make_message_id(KEY, "notification", REF, "example.org")
    parts = _parts(mid)
    mac = parts[-2]
    for i in range(len(mac)):
        flipped = mac[:i] + ("a" if mac[i] != "a" else "b") + mac[i + 1 :]
        assert verify(KEY, _join([*parts[:-2], flipped, parts[-1]])) is None


def test_tampered_reference_is_rejected():
    """A signed letter about one case cannot be relabelled as another case."""
    mid = make_message_id(KEY, "notification", REF, "example.org")
    assert verify(KEY, mid.replace(REF, "RJ-NOR-2026-0043")) is None
    assert verify(KEY, mid.replace(REF, "RJ-SUF-2026-0042")) is None
    assert verify(KEY, mid.replace(REF, "x")) is None


def test_tampered_kind_is_rejected():
    """An acknowledgement to a person cannot be relabelled as an advisor notification."""
    mid = make_message_id(KEY, "acknowledgement", REF, "example.org")
    assert verify(KEY, mid.replace("acknowledgement", "notification", 1)) is None


def test_tampered_domain_is_rejected():
    """The hub domain is signed too; case of the domain does not matter."""
    mid = make_message_id(KEY, "notification", REF, "example.org")
    assert verify(KEY, mid.replace("@example.org", "@example.net")) is None
    assert verify(KEY, mid.replace("@example.org", "@EXAMPLE.org")) is not None


def test_tampered_nonce_is_rejected():
    """The nonce is covered by the MAC."""
    mid = make_message_id(KEY, "notification", REF, "example.org", nonce="0123456789abcdef")
    assert verify(KEY, mid.replace("0123456789abcdef", "0123456789abcdee")) is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "<>",
        "<abc@example.org>",
        "not a message id",
        "<rj.notification.RJ-NOR-2026-0042@example.org>",
        "<rj.notification.RJ-NOR-2026-0042.0123456789abcdef.@example.org>",
        "<rj.Notification.RJ-NOR-2026-0042.0123456789abcdef.aaaaaaaaaaaaaaaaaaaaaaaaaa@example.org>",
    ],
)
def test_foreign_and_malformed_ids_are_rejected(value):
    """Anything not in rjmail's format simply does not verify (no exception)."""
    assert verify(KEY, value) is None


def test_deterministic_nonce_gives_the_same_id_for_the_same_event():
    """The same idempotency key always yields the same Message-ID (a retried letter is one letter)."""
    nonce = nonce_for(KEY, "ack:<m1@example.test>")
    assert nonce == nonce_for(KEY, "ack:<m1@example.test>")
    assert re.fullmatch(r"[0-9a-f]{16}", nonce)
    first = make_message_id(KEY, "acknowledgement", REF, "example.org", nonce=nonce)
    again = make_message_id(KEY, "acknowledgement", REF, "example.org", nonce=nonce)
    assert first == again
    assert verify(KEY, first) is not None


def test_different_events_or_keys_give_different_nonces():
    """Another event, or another installation's key, yields another nonce."""
    assert nonce_for(KEY, "ack:<m1@example.test>") != nonce_for(KEY, "ack:<m2@example.test>")
    assert nonce_for(KEY, "ack:<m1@example.test>") != nonce_for(
        b"other-key-0000000000000000000000", "ack:<m1@example.test>"
    )


def _copy(headers: str, body: str = "Hello\r\n") -> bytes:
    return f"Received: from mx.example.org by hub.example.org\r\n{headers}\r\n\r\n{body}".encode()


def test_a_copy_of_our_own_letter_is_known_from_its_header_alone() -> None:
    own = make_message_id(KEY, "acknowledgement", REF, "example.org")
    assert own_letter_id(KEY, _copy(f"From: hub@example.org\r\nMessage-ID: {own}\r\nSubject: x")) == own
    assert (
        own_letter_id(KEY, _copy(f"message-id:   {own}  ").replace(b"\r\n", b"\n")) == own
    )  # LF, case, spaces


@pytest.mark.parametrize(
    "headers",
    [
        "Message-ID: {forged}",  # our shape, another key's MAC
        "Message-ID: <someone@example.test>",  # not ours at all
        "Message-ID:\r\n {own}",  # folded: the full parse reads it
        "Message-ID: {own}\r\nMessage-ID: <other@example.test>",  # two of them: the full parse decides
        "X-Original-Message-ID: {own}",  # another header naming ours
        "Subject: re",  # none in the header (ours is in the body)
    ],
)
def test_anything_else_takes_the_full_path(headers: str) -> None:
    own = make_message_id(KEY, "acknowledgement", REF, "example.org")
    forged = make_message_id(b"another-key-0123456789-abcdefghij", "acknowledgement", REF, "example.org")
    raw = _copy(headers.format(own=own, forged=forged), body=f"Message-ID: {own}\r\n")
    assert own_letter_id(KEY, raw) is None
