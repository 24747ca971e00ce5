"""Outbox delivery: claim, send, record; retries with capped backoff; crash recovery.

Ordering (README "Delivery guarantees"):
1. claim: a conditional UPDATE moves the row pending -> sending, counts the attempt and pushes
   next_attempt_at forward, then commits. A poison row can therefore never be retried in a tight loop.
2. send: one SMTP transaction to the person AND a blind copy to the hub's own address. SMTP accepts
   both recipients in the same transaction, so the copy in the hub mailbox is proof of delivery.
   (Advisor notifications carry no copy: after a crash in the window they may arrive twice.)
3. record: status sent (a new short transaction). If we die between 2 and 3 the row stays `sending`.
4. recover (start-up / leadership): each `sending` row is looked up by Message-ID in the hub mailbox;
   found -> sent, not found -> back to pending. So a crash never loses a letter nor sends it twice.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

import structlog
from sqlalchemy import BindParameter, Engine, Table, bindparam, func, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from rjmail.adapters import db
from rjmail.adapters.lean import Lean
from rjmail.adapters.tables import OutboxItem, metadata
from rjmail.core.addresses import BadAddressError, load
from rjmail.core.domain import OutboxStatus
from rjmail.errors import PermanentError, TransientError

log = structlog.get_logger("rjmail.outbox")


class Sender(Protocol):
    """The narrow port delivery needs (SmtpSender implements it)."""

    def send(self, mail_from: str, recipients: Sequence[str], raw: bytes) -> None: ...

    def close(self) -> None: ...


class DeliveryResult(StrEnum):
    """The outcome of one send attempt (counted per delivery run)."""

    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 20
    backoff_base_seconds: float = 30.0
    backoff_cap_seconds: float = 1800.0
    copy_to_self: bool = True
    proof_grace_seconds: float = 600.0  # how long a relay may take to deliver our copy to the hub


def backoff(attempts: int, policy: DeliveryPolicy) -> timedelta:
    delay = min(policy.backoff_cap_seconds, policy.backoff_base_seconds * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay * random.uniform(0.8, 1.0))


# SQLAlchemy Core on the hot paths: no ORM identity map, flush or refresh per letter.
OUTBOX: Table = metadata.tables["outbox"]
AUDIT: Table = metadata.tables["audit"]
CASES: Table = metadata.tables["case"]


def due_rows(engine: Engine, hubs: list[str], now: datetime, limit: int = 200) -> list[tuple[int, str]]:
    """(id, order key) of rows due now, oldest first. Letters with the same key go out in the
    order they were written: a person's letters, or the advisors' notices about one case (notices
    about different cases may pass each other)."""
    with db.reading(engine) as conn:
        rows = conn.execute(_DUE, {"b_hubs": hubs, "b_now": now, "b_limit": limit}).all()
    return [(i, to if person else f"{to}\x00case:{case_id}") for i, to, person, case_id in rows]


_DUE = (
    core_select(OUTBOX.c.id, OUTBOX.c.to_addr, OUTBOX.c.person_letter, OUTBOX.c.case_id)
    .where(
        OUTBOX.c.status == OutboxStatus.PENDING.value,
        OUTBOX.c.next_attempt_at <= bindparam("b_now", type_=OUTBOX.c.next_attempt_at.type),
        OUTBOX.c.hub.in_(bindparam("b_hubs", expanding=True)),
    )
    .order_by(OUTBOX.c.id)
    .limit(bindparam("b_limit"))
)


def due_ids(engine: Engine, hubs: list[str], now: datetime, limit: int = 200) -> list[int]:
    return [i for i, _ in due_rows(engine, hubs, now, limit)]


def claim(engine: Engine, item_id: int, now: datetime, policy: DeliveryPolicy) -> OutboxItem | None:
    """pending -> sending for exactly one worker; None if someone else got it first."""
    claimed = claim_many(engine, [item_id], now, policy)
    return claimed[0] if claimed else None


def claim_many(engine: Engine, ids: Sequence[int], now: datetime, policy: DeliveryPolicy) -> list[OutboxItem]:
    """pending -> sending for these rows, in one short transaction: a conditional UPDATE (one for
    the letters never tried, then one per attempt count of the others) counts the attempt and
    pushes next_attempt_at forward, and its RETURNING names exactly the rows this call moved; a row
    another worker or instance took meanwhile is simply not among them. Oldest first."""
    if not ids:
        return []
    claimed: list[OutboxItem] = []
    with engine.begin() as conn:

        def take(group: Sequence[int], attempts: int) -> None:
            due = now + backoff(attempts + 1, policy)
            params = {
                "b_ids": list(group),
                "b_attempts": attempts,
                "b_next": attempts + 1,
                "b_now": now,
                "b_due": due,
            }
            # model_construct: the database's own typed values need no validation (~10x cheaper).
            claimed.extend(
                OutboxItem.model_construct(**row) for row in conn.execute(_CLAIM, params).mappings()
            )

        take(ids, 0)  # letters never tried: nearly all of them, in one statement
        left = set(ids) - {item.id for item in claimed}
        groups: dict[int, list[int]] = {}
        for item_id, attempts in conn.execute(_ATTEMPTS, {"b_ids": list(left)}).all() if left else ():
            groups.setdefault(attempts, []).append(item_id)  # retries, by their count of attempts
        for attempts, group in groups.items():
            take(group, attempts)
    return sorted(claimed, key=lambda item: item.id or 0)


# Built once: these run for every few letters (SQLAlchemy would rebuild and re-key them each time).
_IDS: BindParameter[int] = bindparam("b_ids", expanding=True)
_ATTEMPTS = core_select(OUTBOX.c.id, OUTBOX.c.attempts).where(
    OUTBOX.c.id.in_(_IDS), OUTBOX.c.status == OutboxStatus.PENDING.value
)
_CLAIM = (
    update(OUTBOX)
    .where(
        OUTBOX.c.id.in_(_IDS),
        OUTBOX.c.status == OutboxStatus.PENDING.value,
        OUTBOX.c.attempts == bindparam("b_attempts"),
    )
    .values(
        status=OutboxStatus.SENDING.value,
        attempts=bindparam("b_next"),
        claimed_at=bindparam("b_now", type_=OUTBOX.c.claimed_at.type),
        next_attempt_at=bindparam("b_due", type_=OUTBOX.c.next_attempt_at.type),
    )
    .returning(*OUTBOX.c)
)
_SENT = (
    update(OUTBOX)
    .where(OUTBOX.c.id.in_(_IDS))
    .values(
        status=OutboxStatus.SENT.value,
        sent_at=bindparam("b_now", type_=OUTBOX.c.sent_at.type),
        last_error=None,
    )
    .returning(OUTBOX.c.id)
)
_REFS = core_select(CASES.c.id, CASES.c.ref).where(CASES.c.id.in_(_IDS))
_DISCLOSED = AUDIT.insert()


def release(engine: Engine, items: Sequence[OutboxItem], now: datetime) -> None:
    """Rows this process claimed but never tried to send (the run was stopped first) go back to
    `pending` as they were, due now, with the attempt uncounted."""
    with engine.begin() as conn:
        for item in items:
            conn.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id == item.id, OUTBOX.c.status == OutboxStatus.SENDING.value)
                .values(status=OutboxStatus.PENDING.value, attempts=item.attempts - 1, next_attempt_at=now)
            )


def _finish(engine: Engine, item_id: int, **values: object) -> None:
    """Record the outcome of our own claim. Only a row still `sending` changes: if intake meanwhile
    saw our delivery copy and marked it `sent`, a late timeout must not put it back to pending."""
    with engine.begin() as conn:
        conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == item_id, OUTBOX.c.status == OutboxStatus.SENDING.value)
            .values(**values)
        )


IN_FLIGHT: set[int] = set()  # rows this process is sending right now; recovery leaves them alone


@dataclass(frozen=True)
class Attempt:
    """What one send attempt came to, before it is recorded."""

    result: DeliveryResult
    error: str | None = None  # the server's answer, or why the row was refused
    bad_address: bool = False
    gave_up: bool = False  # a transient failure on the last attempt allowed


def attempt(sender: Sender, item: OutboxItem, policy: DeliveryPolicy) -> Attempt:
    """Send one claimed row (no database work: the caller records the outcome, alone or in a batch)."""
    try:
        recipients = load(item.recipients)
        if not recipients:
            raise BadAddressError("no recipient")
    except BadAddressError:
        # Never split or guess: a row whose recipients are not each one valid address is not sent.
        return Attempt(DeliveryResult.FAILED, "recipient is not one valid address", bad_address=True)
    if policy.copy_to_self and item.person_letter and item.mail_from not in recipients:
        recipients.append(item.mail_from)
    try:
        sender.send(item.mail_from, recipients, item.raw)
    except TransientError as exc:
        gave_up = item.attempts >= policy.max_attempts
        return Attempt(DeliveryResult.FAILED if gave_up else DeliveryResult.RETRY, str(exc), gave_up=gave_up)
    except PermanentError as exc:
        return Attempt(DeliveryResult.FAILED, str(exc))
    return Attempt(DeliveryResult.SENT)


def record(engine: Engine, item: OutboxItem, tried: Attempt, now: datetime) -> None:
    """Record one attempt's outcome on the row this process claimed."""
    assert item.id is not None
    if tried.result == DeliveryResult.SENT:
        record_sent(engine, [item], now)
        return
    retry = tried.result == DeliveryResult.RETRY
    status = OutboxStatus.PENDING if retry else OutboxStatus.FAILED
    _finish(engine, item.id, status=status, last_error=(tried.error or "")[:500])
    where = {"outbox_id": item.id, "hub": item.hub, "kind": item.kind}
    if retry or tried.gave_up:
        log.warning(
            "delivery_retry", **where, attempts=item.attempts, error=tried.error, gave_up=tried.gave_up
        )
    elif tried.bad_address:
        log.error("delivery_refused", **where)
    else:
        log.error("delivery_failed", **where, error=tried.error)


def record_sent(engine: Engine, items: Sequence[OutboxItem], now: datetime) -> None:
    """Mark letters this process sent as `sent`, in one short transaction however many; for a
    letter to a person the disclosure goes in the audit trail (DPA 2018 s62)."""
    ids = [i.id for i in items if i.id is not None]
    if not ids:
        return
    with engine.begin() as conn:
        done = set(conn.execute(_SENT, {"b_ids": ids, "b_now": now}).scalars())
        told = [i for i in items if i.id in done and i.person_letter]
        if told:
            case_ids = list({i.case_id for i in told if i.case_id is not None})
            refs = dict(conn.execute(_REFS, {"b_ids": case_ids}).all()) if case_ids else {}
            conn.execute(
                _DISCLOSED,
                [
                    {
                        "at": now,
                        "actor": "rjmail",
                        "action": "disclosure",
                        "case_ref": refs.get(i.case_id) if i.case_id else None,
                        "reason": f"{i.kind} letter delivered to the person",
                        "detail": i.message_id,
                    }
                    for i in told
                ],
            )
    for item in items:  # every letter, advisors' notices too (a batch of only those used to log none)
        log.info("delivered", outbox_id=item.id, hub=item.hub, kind=item.kind, attempts=item.attempts)


def stuck_rows(engine: Engine, hubs: list[str]) -> list[OutboxItem]:
    with Session(engine, expire_on_commit=False) as s:
        return list(
            s.exec(
                select(OutboxItem).where(
                    OutboxItem.status == OutboxStatus.SENDING, col(OutboxItem.hub).in_(hubs)
                )
            ).all()
        )


def recover(
    engine: Engine,
    hubs: list[str],
    was_delivered: Callable[[OutboxItem], bool | None],
    now: datetime,
    policy: DeliveryPolicy,
) -> dict[str, int]:
    """Settle rows a crash left in `sending`: proof of delivery -> sent. Without proof the row waits
    `proof_grace_seconds` after its claim (a relay answers 250 when it queues, so our copy can arrive
    minutes later; intake then marks it sent), and only then goes back to pending."""
    counts = {"sent": 0, "pending": 0, "waiting": 0}
    for row in stuck_rows(engine, hubs):
        assert row.id is not None
        if row.id in IN_FLIGHT:
            continue  # not stuck: this process's delivery thread is sending it now
        delivered = was_delivered(row)
        claimed = row.claimed_at or now
        claimed = claimed if claimed.tzinfo else claimed.replace(tzinfo=now.tzinfo)
        if delivered is None or (
            not delivered and now - claimed < timedelta(seconds=policy.proof_grace_seconds)
        ):
            counts["waiting"] += 1  # never guess: ask again on the next cycle
            continue
        status = OutboxStatus.SENT if delivered else OutboxStatus.PENDING
        _finish(engine, row.id, status=status, next_attempt_at=now, **({"sent_at": now} if delivered else {}))
        counts[status.value] += 1
        log.info("outbox_recovered", outbox_id=row.id, hub=row.hub, result=status)
    return counts


def mark_sent_by_copy(session: Session, message_id: str, now: datetime) -> None:
    """Our own copy arrived in the hub mailbox: the letter was certainly delivered (one UPDATE:
    this runs for every copy taken in)."""
    _BY_COPY.execute(session.connection(), {"b_message_id": message_id, "b_now": now})


_OPEN: list[BindParameter[str]] = [
    bindparam(f"b_{s.value}", s.value) for s in (OutboxStatus.SENDING, OutboxStatus.PENDING)
]
_BY_COPY = Lean(
    update(OUTBOX)
    .where(OUTBOX.c.message_id == bindparam("b_message_id"), OUTBOX.c.status.in_(_OPEN))
    .values(
        status=OutboxStatus.SENT.value,
        sent_at=func.coalesce(OUTBOX.c.sent_at, bindparam("b_now", type_=OUTBOX.c.sent_at.type)),
    )
)


def mark_bounced(session: Session, message_id: str, bounced_recipients: tuple[str, ...]) -> OutboxItem | None:
    """A delivery report names this letter and one of its recipients: it failed after all. None when
    unknown, already failed, or the report names nobody the letter was sent to (a forgery)."""
    item = session.exec(select(OutboxItem).where(OutboxItem.message_id == message_id)).first()
    if item is None or item.status == OutboxStatus.FAILED:
        return None
    if not _sent_to_any(item, bounced_recipients):
        log.warning("bounce_unmatched", outbox_id=item.id)
        return None
    item.status = OutboxStatus.FAILED
    item.last_error = "bounced: the receiving server reported it undeliverable"
    session.add(item)
    return item


def _sent_to_any(item: OutboxItem, recipients: tuple[str, ...]) -> bool:
    try:
        sent_to = {a.lower() for a in load(item.recipients)}
    except BadAddressError:
        return False
    return bool(sent_to & {r.lower() for r in recipients})


def sent_not_copied(engine: Engine, hub: str, limit: int = 200) -> list[tuple[int, str, bytes]]:
    """(id, Message-ID, raw) of delivered letters not yet appended to the hub's Sent folder, oldest
    first."""
    with Session(engine) as s:
        rows = s.exec(
            select(OutboxItem.id, OutboxItem.message_id, OutboxItem.raw)
            .where(
                OutboxItem.hub == hub,
                OutboxItem.status == OutboxStatus.SENT,
                col(OutboxItem.copied_to_sent).is_(False),
            )
            .order_by(col(OutboxItem.id))
            .limit(limit)
        ).all()
    return [(row_id, message_id, raw) for row_id, message_id, raw in rows if row_id is not None]


def mark_copied(engine: Engine, item_id: int) -> None:
    with Session(engine) as s, s.begin():
        item = s.get(OutboxItem, item_id)
        if item is not None:
            item.copied_to_sent = True
