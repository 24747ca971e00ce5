"""Held letters and the one confirmation per advisor reply (SPEC section 5): pure helpers.

A letter to a person caused by an advisor command waits `advisor_letter_hold_minutes` so that
`#cancel` can stop it; the confirmation quotes it. Nothing here touches the database or the clock.
"""

from __future__ import annotations

import email
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from typing import Any

from rjmail.core.domain import CaseStatus

# Letters named as the advisor reads them in a confirmation.
LETTER_NAMES = {
    "not_suitable": "not-suitable",
    "next_steps": "next-steps",
    "withdrawal_confirmation": "withdrawal confirmation",
    "call_offer": "call offer",
    "booking_confirmation": "booking confirmation (with the calendar invite)",
}


@dataclass(frozen=True)
class Before:
    """The case as it was before a command, so #cancel can put it back."""

    status: str
    withdrawn_at: datetime | None = None
    closed_at: datetime | None = None
    call_slot: datetime | None = None

    def dump(self) -> str:
        return json.dumps({k: _iso(v) for k, v in self.__dict__.items()})

    @classmethod
    def load(cls, text: str | None, status: str) -> Before:
        data: dict[str, Any] = json.loads(text) if text else {}
        return cls(
            status=data.get("status") or status,
            withdrawn_at=_when(data.get("withdrawn_at")),
            closed_at=_when(data.get("closed_at")),
            call_slot=_when(data.get("call_slot")),
        )


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def letter_name(kind: str) -> str:
    return LETTER_NAMES.get(kind, kind.replace("_", " "))


def status_words(status: str) -> str:
    """'in_progress' -> 'in progress' (as the advisor reads a status)."""
    try:
        return CaseStatus(status).value.replace("_", " ")
    except ValueError:
        return status.replace("_", " ")


def mask_address(address: str) -> str:
    """'jo.smith@example.org' -> 'j***@example.org': enough to recognise, little to leak if the
    confirmation is forwarded."""
    local, at, domain = address.partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def plain_text(raw: bytes) -> str:
    """The plain-text part of a composed letter: exactly what the person will read."""
    msg = email.message_from_bytes(raw, policy=policy.default)
    if not isinstance(msg, EmailMessage):
        return ""
    body = msg.get_body(("plain",))
    if not isinstance(body, EmailMessage):
        return ""
    return str(body.get_content()).replace("\r\n", "\n").strip("\n")


def quoted(text: str, indent: str = "    ") -> str:
    """The letter indented, so the advisor can tell it apart from the confirmation around it."""
    return "\n".join(indent + line if line.strip() else "" for line in text.splitlines())


def subject_words(results: Sequence[tuple[str, bool]]) -> str:
    """'Done: #not-suitable, #note', 'Not done: #book' or 'Done: #note; not done: #book'."""
    done = ", ".join(dict.fromkeys(c for c, ok in results if ok))
    failed = ", ".join(dict.fromkeys(c for c, ok in results if not ok))
    if done and failed:
        return f"Done: {done}; not done: {failed}"
    if failed:
        return f"Not done: {failed}"
    return f"Done: {done}" if done else "Done"
