"""rjmail.adapters.lean on SQLite and PostgreSQL: the same rows as Core writes, SQLAlchemy's errors
with parameters hidden, and statements it cannot run safely refused when planned."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from rjmail.adapters import db, queueing
from rjmail.adapters.lean import Lean
from rjmail.adapters.tables import metadata
from rjmail.core.domain import ComposedLetter

pytestmark = pytest.mark.integration

INTAKE, OUTBOX, MESSAGES = metadata.tables["intake"], metadata.tables["outbox"], metadata.tables["message"]
AT = datetime(2026, 12, 7, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = db.make_engine(db_url)
    db.upgrade(eng)
    yield eng
    eng.dispose()


def _intake_row(uid: int) -> dict[str, object]:
    return {
        "hub": "NFK",
        "folder": "INBOX",
        "uidvalidity": 7,
        "uid": uid,
        "message_id": f"<m{uid}@example.org>",
        "decision": "new_case",
        "reason": "a referral",
        "case_id": None,
        "at": AT,
        "body_hash": None if uid % 2 else "abc",
    }


def _rows(engine: Engine, table: object, order: object) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(select(table).order_by(order)).mappings().all()  # type: ignore[call-overload]
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def test_lean_writes_the_rows_core_writes(engine: Engine) -> None:
    """Typed values (timestamps with their zone, booleans, bytes, NULLs) come back the same way."""
    lean = Lean(INTAKE.insert())
    letter = ComposedLetter(
        case_id=None,
        hub="NFK",
        kind="acknowledgement",
        idempotency_key="k1",
        message_id="<l1@example.org>",
        mail_from="rj-norfolk@example.org",
        to_addr="sam.sample@example.test",
        recipients='["sam.sample@example.test"]',
        subject="Your message to the RJ Hub",
        raw=b"From: x\r\n\r\nbody\r\n",
        next_attempt_at=AT,
        created_at=AT,
        person_letter=True,
    )
    with engine.begin() as conn:
        conn.execute(INTAKE.insert(), _intake_row(1))
        assert lean.execute(conn, _intake_row(2)) == 1
        conn.execute(OUTBOX.insert(), {**queueing._NEW_ROW, **letter.__dict__})
        queueing._INSERT.execute(
            conn,
            {
                **queueing._NEW_ROW,
                **letter.__dict__,
                "message_id": "<l2@example.org>",
                "idempotency_key": "k2",
            },
        )
    core, lean_row = _rows(engine, INTAKE, INTAKE.c.id)
    assert lean_row == {**core, "uid": 2, "message_id": "<m2@example.org>", "body_hash": "abc"}
    assert lean_row["at"] == AT
    core_out, lean_out = _rows(engine, OUTBOX, OUTBOX.c.id)
    assert lean_out == {**core_out, "message_id": "<l2@example.org>", "idempotency_key": "k2"}
    assert lean_out["person_letter"] is True and lean_out["raw"] == letter.raw


def test_returning_rowcount_and_constants(engine: Engine) -> None:
    with engine.begin() as conn:
        Lean(INTAKE.insert()).execute(conn, _intake_row(1))
        new_id = Lean(MESSAGES.insert().returning(MESSAGES.c.id)).scalar(
            conn,
            {
                "case_id": None,
                "hub": "NFK",
                "direction": "in",
                "kind": "referral",
                "message_id": "<a@example.org>",
                "subject": "Hello",
                "at": AT,
                "raw_size": 5,
            },
        )
        assert isinstance(new_id, int) and new_id > 0
        # A bound constant in the statement (not a parameter) is sent as planned.
        move = Lean(
            update(INTAKE)
            .where(INTAKE.c.uid == bindparam("b_uid"), INTAKE.c.decision.in_([bindparam("d", "new_case")]))
            .values(reason="moved")
        )
        assert move.execute(conn, {"b_uid": 1}) == 1
        assert move.execute(conn, {"b_uid": 2}) == 0
        assert Lean(select(INTAKE.c.reason).where(INTAKE.c.uid == bindparam("u"))).first(conn, {"u": 1}) == (
            "moved",
        )
        assert (
            Lean(select(INTAKE.c.reason).where(INTAKE.c.uid == bindparam("u"))).scalar(conn, {"u": 9}) is None
        )


def test_driver_errors_are_sqlalchemys_with_parameters_hidden(engine: Engine) -> None:
    lean = Lean(INTAKE.insert())
    row = {**_intake_row(1), "reason": "Sam Sample rang from 07700 900123"}
    with engine.connect() as conn, conn.begin():
        lean.execute(conn, row)
        with pytest.raises(IntegrityError) as caught:
            lean.execute(conn, row)  # the same hub, folder, UIDVALIDITY and UID
    assert "07700 900123" not in str(caught.value) and "Sam Sample" not in str(caught.value)
    assert isinstance(caught.value, DBAPIError)


def test_statements_it_cannot_run_safely_are_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        missing = {k: v for k, v in _intake_row(1).items() if k != "at"}  # 'at' has a Python default
        with pytest.raises(ValueError, match="'at'"):
            Lean(INTAKE.insert()).execute(conn, missing)
        with pytest.raises(ValueError, match="'u'"):
            Lean(select(INTAKE.c.id).where(INTAKE.c.uid == bindparam("u"))).first(conn, {})
        with pytest.raises(ValueError, match="expanding"):
            Lean(select(INTAKE.c.id).where(INTAKE.c.uid.in_(bindparam("u", expanding=True)))).first(
                conn, {"u": [1]}
            )
    assert _rows(engine, INTAKE, INTAKE.c.id) == []
