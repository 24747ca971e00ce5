"""`rjmail outbox list [--status S] [--format json]` / `retry ID`.

A retry moves a failed letter back to pending with a conditional UPDATE (failed -> pending), so two
operators retrying at once queue it once; the daemon's next delivery run sends it. The recipient's
address is not listed: the case reference leads to it for those allowed to see it.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from rjmail.adapters import store
from rjmail.adapters.tables import Case, OutboxItem
from rjmail.core.status import iso
from rjmail.runtime import Runtime, build_runtime, operator
from rjmail.settings import Settings

STATUSES = ("pending", "sending", "sent", "failed", "cancelled")


def item_json(item: OutboxItem, ref: str | None) -> dict[str, Any]:
    return {
        "id": item.id,
        "hub": item.hub,
        "case": ref,
        "kind": item.kind,
        "to_person": item.person_letter,
        "status": item.status,
        "attempts": item.attempts,
        "created_at": iso(item.created_at),
        "next_attempt_at": iso(item.next_attempt_at) if item.status == "pending" else None,
        "sent_at": iso(item.sent_at),
        "last_error": item.last_error,
    }


def list_items(
    s: Session, status: str | None, hub: str | None, limit: int
) -> list[tuple[OutboxItem, str | None]]:
    query = (
        select(OutboxItem, Case.ref)
        .join(Case, col(Case.id) == col(OutboxItem.case_id), isouter=True)
        .order_by(col(OutboxItem.id).desc())
        .limit(limit)
    )
    if status:
        query = query.where(OutboxItem.status == status)
    if hub:
        query = query.where(OutboxItem.hub == hub)
    return [(item, ref) for item, ref in s.exec(query).all()]


def retry(rt: Runtime, item_id: int, actor: str) -> tuple[bool, str]:
    now = rt.now()
    with Session(rt.engine) as s, s.begin():
        row = s.get(OutboxItem, item_id)
        if row is None:
            return False, f"no outbox item {item_id}"
        result = s.exec(
            update(OutboxItem)  # type: ignore[call-overload]
            .where(col(OutboxItem.id) == item_id, col(OutboxItem.status) == "failed")
            .values(status="pending", attempts=0, next_attempt_at=now, claimed_at=None)
        )
        if result.rowcount != 1:
            return False, f"outbox item {item_id} is {row.status}, not failed: nothing to retry"
        case = s.get(Case, row.case_id) if row.case_id else None
        store.audit(
            s,
            actor,
            "change",
            case.ref if case else None,
            f"outbox item {item_id} ({row.kind}) queued again after a failure",
            now=now,
        )
    return True, f"outbox item {item_id} is pending again; the running service sends it on its next delivery"


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:

    rt = build_runtime(settings)
    if args.outbox_cmd == "retry":
        ok, message = retry(rt, args.id, operator())
        print(message, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    with Session(rt.engine) as s:
        rows = list_items(s, args.status, args.hub, args.limit)
    if args.format == "json":
        print(json.dumps([item_json(i, ref) for i, ref in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("no letters")
        return 0
    print(f"{'ID':>6}  {'HUB':4}  {'CASE':17}  {'KIND':24}  {'STATUS':8}  {'TRIES':>5}  LAST ERROR")
    for i, ref in rows:
        print(
            f"{i.id:>6}  {i.hub:4}  {ref or '-':17}  {i.kind:24}  {i.status:8}  {i.attempts:>5}  "
            f"{(i.last_error or '')[:60]}"
        )
    return 0
