"""Each hub folder's checkpoint: the highest UID taken in, under the folder's UIDVALIDITY. It moves in
the transaction of the message it covers, so a message is taken in exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, case, update
from sqlmodel import Session, select

from rjmail.adapters.lean import Lean
from rjmail.adapters.tables import FolderCheckpoint, metadata
from rjmail.core.domain import MailboxPosition


def checkpoint(session: Session, hub: str, folder: str) -> FolderCheckpoint | None:
    return session.exec(
        select(FolderCheckpoint).where(FolderCheckpoint.hub == hub, FolderCheckpoint.folder == folder)
    ).first()


_CHECKPOINTS = metadata.tables["folder_checkpoint"]
_ADVANCE = Lean(  # the usual case, one UPDATE; no row or a new UIDVALIDITY is handled below
    update(_CHECKPOINTS)
    .where(
        _CHECKPOINTS.c.hub == bindparam("b_hub"),
        _CHECKPOINTS.c.folder == bindparam("b_folder"),
        _CHECKPOINTS.c.uidvalidity == bindparam("b_validity"),
    )
    .values(
        last_uid=case(
            (_CHECKPOINTS.c.last_uid < bindparam("b_uid"), bindparam("b_uid")), else_=_CHECKPOINTS.c.last_uid
        ),
        updated_at=bindparam("b_now", type_=_CHECKPOINTS.c.updated_at.type),
    )
)


def advance(session: Session, pos: MailboxPosition, now: datetime) -> None:
    """Move the folder's high-water mark to `pos`; a new UIDVALIDITY restarts it (every old UID is void)."""
    params = {
        "b_hub": pos.hub,
        "b_folder": pos.folder,
        "b_validity": pos.uidvalidity,
        "b_uid": pos.uid,
        "b_now": now,
    }
    if _ADVANCE.execute(session.connection(), params) == 1:
        return
    row = checkpoint(session, pos.hub, pos.folder)
    if row is None:
        row = FolderCheckpoint(hub=pos.hub, folder=pos.folder, uidvalidity=pos.uidvalidity, last_uid=0)
    if row.uidvalidity != pos.uidvalidity:
        row.uidvalidity, row.last_uid = pos.uidvalidity, 0
    row.last_uid = max(row.last_uid, pos.uid)
    row.updated_at = now
    session.add(row)
