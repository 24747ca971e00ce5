"""A queued letter is a whole outbox row: what composing gives plus the fixed start of every row."""

from __future__ import annotations

from dataclasses import fields

from rjmail.adapters import queueing
from rjmail.adapters.tables import OutboxItem, metadata
from rjmail.core.domain import ComposedLetter, OutboxStatus


def test_every_outbox_column_but_the_id_is_given_when_a_letter_is_queued() -> None:
    given = set(queueing._NEW_ROW) | {f.name for f in fields(ComposedLetter)}
    assert given == {c.name for c in metadata.tables["outbox"].c} - {"id"}
    assert not set(queueing._NEW_ROW) & {f.name for f in fields(ComposedLetter)}


def test_a_new_row_starts_as_the_table_class_would_start_it() -> None:
    """Pending, never tried, automatic (the loop guard counts it), not copied, not held."""
    fresh = OutboxItem(hub="NOR", kind="acknowledgement", idempotency_key="k", message_id="<m@x>",
                       mail_from="a@example.org", to_addr="b@example.test", recipients="[]", subject="s",
                       raw=b"")  # fmt: skip
    for name, value in queueing._NEW_ROW.items():
        assert getattr(fresh, name) == value, name
    assert queueing._NEW_ROW["status"] == OutboxStatus.PENDING.value
