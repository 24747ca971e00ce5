"""Migration 0004 on a real SQLite file: an outbox row written with the old comma-joined
recipients column becomes a JSON list, is still delivered to exactly its recipients, and a row
whose old string hid a bad address is refused at delivery instead of fanning out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlmodel import Session

from rjmail.adapters import db, outbox
from rjmail.adapters.tables import OutboxItem


class Recorder:
    def __init__(self) -> None:
        self.sent: list[list[str]] = []

    def send(self, mail_from: str, recipients: Sequence[str], raw: bytes) -> None:
        self.sent.append(list(recipients))

    def close(self) -> None:
        pass


def _old_row(conn: object, row_id: int, recipients: str) -> None:
    conn.execute(
        text(  # type: ignore[attr-defined]
            "INSERT INTO outbox (id, hub, kind, idempotency_key, message_id, mail_from, to_addr, recipients,"
            " subject, raw, status, attempts, next_attempt_at, created_at, copied_to_sent, person_letter)"
            " VALUES (:id, 'NOR', 'acknowledgement', :k, :m, 'rj@example.org', 'a@example.test', :r, 's',"
            " :raw, 'pending', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 0, 1)"
        ),
        {"id": row_id, "k": f"k{row_id}", "m": f"<m{row_id}@example.org>", "r": recipients, "raw": b"x"},
    )


def test_old_comma_joined_rows_become_lists_and_bad_ones_are_refused(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = db._alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        _old_row(conn, 1, "a@example.test")
        _old_row(conn, 2, "gary,admin@example.net")
    db.upgrade(engine)
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT id, recipients FROM outbox")).all())
    assert stored == {1: '["a@example.test"]', 2: '["gary", "admin@example.net"]'}
    sender, now = Recorder(), datetime.now(UTC)
    policy = outbox.DeliveryPolicy(copy_to_self=False)
    results = []
    for row_id in (1, 2):
        item = outbox.claim(engine, row_id, now, policy)
        assert item is not None
        tried = outbox.attempt(sender, item, policy)
        outbox.record(engine, item, tried, now)
        results.append(tried.result)
    assert results == ["sent", "failed"]
    assert sender.sent == [["a@example.test"]]
    with Session(engine) as s:
        bad = s.get(OutboxItem, 2)
        assert bad is not None and bad.status == "failed"
        assert "not one valid address" in (bad.last_error or "")


def test_head_read_from_the_migration_files_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from rjmail.adapters import db

    assert db.head_revision() == ScriptDirectory.from_config(db._alembic_config()).get_current_head()
