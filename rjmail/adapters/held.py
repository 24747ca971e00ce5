"""Held letters in the outbox (SPEC section 5): a letter to a person from an advisor command is an
ordinary `pending` row whose next_attempt_at lies `advisor_letter_hold_minutes` ahead, marked with
the advisor reply that caused it. Delivery only claims due rows with a conditional UPDATE, and
#cancel moves pending -> cancelled with one too, so a letter either goes once or never.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from rjmail.adapters.tables import OutboxItem
from rjmail.core.domain import OutboxStatus


def pending_person_ids(s: Session, case_id: int | None) -> set[int]:
    """Letters to the person on this case not yet sent (the rows a command adds are the difference)."""
    rows = s.exec(
        select(OutboxItem.id).where(
            OutboxItem.case_id == case_id,
            OutboxItem.status == OutboxStatus.PENDING,
            col(OutboxItem.person_letter).is_(True),
        )
    ).all()
    return {i for i in rows if i is not None}


def hold(
    s: Session, ids: Iterable[int], until: datetime, held_by: str, command: str, prior: str, undo: str
) -> None:
    """Mark the rows a command just queued as held until `until` (still pending: nothing else
    changes about how delivery treats them)."""
    wanted = sorted(ids)
    if not wanted:
        return
    s.exec(
        update(OutboxItem)
        .where(col(OutboxItem.id).in_(wanted), col(OutboxItem.status) == OutboxStatus.PENDING)  # type: ignore[call-overload]
        .values(
            next_attempt_at=until,
            held_by=held_by,
            held_command=command,
            held_prior_status=prior,
            held_undo=undo,
            auto_reply=False,
        )
    )


def rows(s: Session, ids: Iterable[int]) -> list[OutboxItem]:
    wanted = sorted(ids)
    if not wanted:
        return []
    return list(s.exec(select(OutboxItem).where(col(OutboxItem.id).in_(wanted)).order_by(col(OutboxItem.id))))


def still_held(s: Session, case_id: int | None) -> list[OutboxItem]:
    """Held letters on the case that delivery has not claimed, oldest first."""
    return list(
        s.exec(
            select(OutboxItem)
            .where(
                OutboxItem.case_id == case_id,
                OutboxItem.status == OutboxStatus.PENDING,
                col(OutboxItem.held_by).is_not(None),
                col(OutboxItem.person_letter).is_(True),
            )
            .order_by(col(OutboxItem.id))
        ).all()
    )


def cancel(s: Session, item_id: int) -> bool:
    """pending -> cancelled, only while the row is still pending and held: a letter delivery has
    already claimed is never touched. True when this call stopped it."""
    result = s.exec(
        update(OutboxItem)
        .where(  # type: ignore[call-overload]
            col(OutboxItem.id) == item_id,
            col(OutboxItem.status) == OutboxStatus.PENDING,
            col(OutboxItem.held_by).is_not(None),
        )
        .values(status=OutboxStatus.CANCELLED, last_error="cancelled by an advisor (#cancel)")
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def latest_gone(s: Session, case_id: int | None) -> OutboxItem | None:
    """The newest letter to the person on the case that is no longer pending (sent, on its way,
    failed or cancelled): what 'nothing to cancel' explains."""
    return s.exec(
        select(OutboxItem)
        .where(
            OutboxItem.case_id == case_id,
            col(OutboxItem.person_letter).is_(True),
            OutboxItem.status != OutboxStatus.PENDING,
        )
        .order_by(col(OutboxItem.id).desc())
    ).first()
