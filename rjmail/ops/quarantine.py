"""`rjmail quarantine list|show|retry`.

`retry` runs the stored message through the normal intake path exactly once. The claim is a
conditional UPDATE (open -> done) in the SAME transaction as the processing: two operators at once
serialise on the row (PostgreSQL row lock, SQLite write lock), the second finds it no longer open.
If processing fails, everything rolls back and the item stays open with the error noted. Message-ID
dedup (the intake ledger) still applies: a message already taken in elsewhere becomes nothing new.
"""

from __future__ import annotations

import argparse
import email
import json
import sys
from dataclasses import dataclass
from email import policy
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from rjmail.adapters import store
from rjmail.adapters.mailbox import Mailbox
from rjmail.adapters.tables import Intake, QuarantineItem
from rjmail.cases import inbound
from rjmail.cases.context import CaseContext
from rjmail.core.domain import MailboxPosition
from rjmail.core.parse import ParseError, parse
from rjmail.core.status import iso
from rjmail.errors import PermanentError, TransientError
from rjmail.intake import limits_problem
from rjmail.runtime import Runtime, build_runtime, operator
from rjmail.settings import Settings


@dataclass(frozen=True)
class RetryOutcome:
    ok: bool
    message: str


def item_json(item: QuarantineItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "hub": item.hub,
        "folder": item.folder,
        "uidvalidity": item.uidvalidity,
        "uid": item.uid,
        "at": iso(item.at),
        "reason": item.reason,
        "size": item.size,
        "status": item.status,
        "retries": item.retries,
        "last_retry_error": item.last_retry_error,
        "resolved_at": iso(item.resolved_at),
        "stored": item.raw is not None,
    }


def list_items(s: Session, hub: str | None, include_done: bool) -> list[QuarantineItem]:
    query = select(QuarantineItem).order_by(col(QuarantineItem.id))
    if hub:
        query = query.where(QuarantineItem.hub == hub)
    if not include_done:
        query = query.where(QuarantineItem.status == "open")
    return list(s.exec(query).all())


def headers_of(raw: bytes | None) -> list[str]:
    """Top-level headers an operator needs to find the mail in the mailbox (no body)."""
    if raw is None:
        return []
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0][:65536]
    msg = email.message_from_bytes(head, policy=policy.compat32)
    return [f"{name}: {msg[name]}" for name in ("Date", "From", "To", "Subject", "Message-ID") if msg[name]]


def _fail(rt: Runtime, item_id: int, why: str) -> RetryOutcome:
    with Session(rt.engine) as s, s.begin():
        s.exec(
            update(QuarantineItem)  # type: ignore[call-overload]
            .where(col(QuarantineItem.id) == item_id)
            .values(retries=QuarantineItem.retries + 1, last_retry_error=why[:2000])
        )
    return RetryOutcome(False, f"still cannot be processed: {why}")


def _raw(rt: Runtime, item: QuarantineItem) -> bytes | None:
    if item.raw is not None:
        return item.raw
    hub = rt.settings.hub(item.hub)
    with Mailbox(hub.imap, rt.imap_token) as box:
        return box.fetch_one(item.folder, item.uidvalidity, item.uid)


def _prepare(rt: Runtime, item_id: int) -> tuple[QuarantineItem, Any, bytes] | RetryOutcome:
    """The item, its parsed message and raw bytes, or why the retry cannot go ahead."""
    with Session(rt.engine, expire_on_commit=False) as s:
        item = s.get(QuarantineItem, item_id)
    if item is None:
        return RetryOutcome(False, f"no quarantined item {item_id}")
    if item.status != "open":
        return RetryOutcome(False, f"item {item_id} was already retried ({iso(item.resolved_at)})")
    try:
        raw = _raw(rt, item)
    except (TransientError, PermanentError) as exc:
        return RetryOutcome(False, f"the mailbox cannot be read: {exc}")
    if raw is None:
        return _fail(rt, item_id, "the message is no longer in the mailbox (or its UIDVALIDITY changed)")
    try:
        mail = parse(raw)
    except ParseError as exc:
        return _fail(rt, item_id, f"cannot be parsed: {exc}")
    problem = limits_problem(rt, mail)
    return _fail(rt, item_id, problem) if problem else (item, mail, raw)


def retry(rt: Runtime, item_id: int, actor: str) -> RetryOutcome:
    prepared = _prepare(rt, item_id)
    if isinstance(prepared, RetryOutcome):
        return prepared
    item, mail, raw = prepared
    try:
        with Session(rt.engine, expire_on_commit=False) as s, s.begin():
            if not _claim(s, item_id, actor, rt):
                return RetryOutcome(False, f"item {item_id} was already retried by someone else")
            action = _process(s, rt, item, mail, raw)
            why = f"quarantined item {item_id} retried: {action}"
            store.audit(s, actor, "change", None, why, now=rt.now())
    except OperationalError:
        raise
    except Exception as exc:  # a bug in processing: roll back, keep the item open, say what type
        return _fail(rt, item_id, f"processing failed: {type(exc).__name__}")
    return RetryOutcome(True, f"item {item_id} processed: {action}")


def _claim(s: Session, item_id: int, actor: str, rt: Runtime) -> bool:
    result = s.exec(
        update(QuarantineItem)  # type: ignore[call-overload]
        .where(col(QuarantineItem.id) == item_id, col(QuarantineItem.status) == "open")
        .values(status="done", resolved_at=rt.now(), resolved_by=actor, retries=QuarantineItem.retries + 1)
    )
    return bool(result.rowcount == 1)


def _process(s: Session, rt: Runtime, item: QuarantineItem, mail: Any, raw: bytes) -> str:
    """The normal path, minus the checkpoint move (the quarantine already moved it past this UID,
    and an old UIDVALIDITY must not reset it): the same filing and ledger row as intake."""
    hub = rt.settings.hub(item.hub)
    s.exec(
        delete(Intake).where(  # type: ignore[call-overload]
            col(Intake.hub) == item.hub,
            col(Intake.folder) == item.folder,
            col(Intake.uidvalidity) == item.uidvalidity,
            col(Intake.uid) == item.uid,
            col(Intake.decision) == "quarantine",
        )
    )
    ctx = CaseContext(s, rt, hub, rt.now())
    pos = MailboxPosition(item.hub, item.folder, item.uidvalidity, item.uid)
    sent = item.folder == hub.imap.sent_folder and item.folder != hub.imap.folder
    filed = (inbound.file_sent if sent else inbound.file_message)(ctx, mail, raw)
    store.record_intake(
        s,
        pos,
        filed.message_id or mail.message_id,
        filed.action,
        filed.reason,
        filed.case,
        ctx.now,
        body_hash=filed.body_hash,
    )
    return "recorded from the Sent folder" if sent else filed.action.value


def cmd_quarantine(args: argparse.Namespace, settings: Settings) -> int:

    rt = build_runtime(settings)
    if args.quarantine_cmd == "retry":
        outcome = retry(rt, args.id, operator())
        print(outcome.message, file=sys.stdout if outcome.ok else sys.stderr)
        return 0 if outcome.ok else 1
    with Session(rt.engine) as s, s.begin():
        if args.quarantine_cmd == "show":
            item = s.get(QuarantineItem, args.id)
            if item is None:
                print(f"no quarantined item {args.id}", file=sys.stderr)
                return 1
            store.audit(s, operator(), "consultation", None, f"quarantine show {args.id}", now=rt.now())
            print(
                json.dumps(
                    item_json(item) | {"message_id": item.message_id, "headers": headers_of(item.raw)},
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return 0
        items = list_items(s, args.hub, args.all)
        if args.format == "json":
            print(json.dumps([item_json(i) for i in items], indent=2, ensure_ascii=False))
        else:
            print(_table(items))
    return 0


def _table(items: list[QuarantineItem]) -> str:
    if not items:
        return "no quarantined mail"
    lines = [f"{'ID':>5}  {'HUB':4}  {'AT':20}  {'STATUS':6}  REASON"]
    for i in items:
        lines.append(f"{i.id:>5}  {i.hub:4}  {iso(i.at) or '':20}  {i.status:6}  {i.reason[:80]}")
    return "\n".join(lines)
