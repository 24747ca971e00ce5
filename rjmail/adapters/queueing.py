"""Queueing letters: a composed letter becomes a pending outbox row in the transaction of the change
that caused it (rjmail.adapters.outbox delivers it once that transaction has committed)."""

from __future__ import annotations

from dataclasses import fields

from sqlmodel import Session

from rjmail.adapters.lean import Lean
from rjmail.adapters.tables import OutboxItem, metadata
from rjmail.core.domain import ComposedLetter


def add(session: Session, letter: ComposedLetter) -> None:
    """Queue a composed letter in the case's transaction. A Core insert, at once: this runs for
    every letter, and an ORM object would cost a flush at commit for nothing (no caller keeps it;
    later reads in the transaction find the row in the database)."""
    _INSERT.execute(session.connection(), {**_NEW_ROW, **letter.__dict__})
    queued_in(session).append(letter)


def queued_in(session: Session) -> list[ComposedLetter]:
    """The letters this session queued, in order (the ledger says what a follow-up sent)."""
    queued: list[ComposedLetter] = session.info.setdefault("rjmail_queued", [])
    return queued


_INSERT = Lean(metadata.tables["outbox"].insert())
# What a new row holds beyond the composed letter, from the table's own defaults: pending, never
# tried, automatic, not copied, not held.
_COMPOSED = {f.name for f in fields(ComposedLetter)}
_NEW_ROW: dict[str, object] = {
    name: info.get_default(call_default_factory=True)
    for name, info in OutboxItem.model_fields.items()
    if name != "id" and name not in _COMPOSED
}
