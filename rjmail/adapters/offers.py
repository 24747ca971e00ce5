"""Reading a case's call offers: every slot ever offered, in the order offered (SPEC section 7)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, select

from rjmail.adapters.tables import CallOffer, Case


def offered_starts(session: Session, case: Case) -> list[datetime]:
    """Each start once, in the order first offered; from the call_offer rows (no column of its own)."""
    rows = session.exec(
        select(CallOffer.slots_json).where(CallOffer.case_id == case.id).order_by(col(CallOffer.id))
    ).all()
    seen: dict[datetime, None] = {}
    for slots_json in rows:
        for text in json.loads(slots_json):
            seen.setdefault(datetime.fromisoformat(text), None)
    return list(seen)
