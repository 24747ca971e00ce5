"""What `rjmail retention` erases beyond the case row (SPEC section 6: no name, address, phone
number or words of the person left in any table).

Identifiers the sender chose (Message-IDs, In-Reply-To, References) and the idempotency keys built
from them are replaced by keyed hashes (rjmail.core.pseudonym), so intake still recognises a message
it has taken in before; free text in audit and ledger reasons is cut to metadata; quarantined
content that belongs to the case is erased; outbox rows keep no body and no recipient.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from rjmail.adapters.tables import AuditEntry, CallOffer, Case, Intake, Message, OutboxItem, QuarantineItem
from rjmail.core.pseudonym import hashed_id, hashed_ids, hashed_key, metadata_only


def case_markers(case: Case) -> list[bytes]:
    """What identifies the person in raw mail: their addresses (read before the case is blanked)."""
    return [a.lower().encode() for a in (case.referrer_email, case.referred_email) if a]


def erase_case_traces(s: Session, case: Case, key: bytes, markers: list[bytes]) -> None:
    ids = _erase_messages(s, case, key)
    ids |= _erase_outbox(s, case, key)
    _erase_intake(s, case, key, ids)
    _erase_quarantine(s, key, ids, markers)
    _erase_audit(s, case, key, ids)
    for offer in s.exec(select(CallOffer).where(CallOffer.case_id == case.id)).all():
        offer.letter_message_id = hashed_ids(key, offer.letter_message_id)
        s.add(offer)


def _erase_messages(s: Session, case: Case, key: bytes) -> set[str]:
    ids: set[str] = set()
    for msg in s.exec(select(Message).where(Message.case_id == case.id)).all():
        ids.add(msg.message_id)
        ids.update((msg.in_reply_to or "").split() + (msg.references or "").split())
        msg.message_id = hashed_id(key, msg.message_id)
        msg.in_reply_to, msg.references = hashed_ids(key, msg.in_reply_to), hashed_ids(key, msg.references)
        msg.raw = msg.summary = msg.subject = msg.from_addr = msg.attachments_json = None
        s.add(msg)
    return ids


def _erase_outbox(s: Session, case: Case, key: bytes) -> set[str]:
    ids: set[str] = set()
    for item in s.exec(select(OutboxItem).where(OutboxItem.case_id == case.id)).all():
        # The letters and notifications themselves carry names, addresses and summaries.
        ids.add(item.message_id)
        item.message_id = hashed_id(key, item.message_id)
        item.idempotency_key = hashed_key(key, item.idempotency_key)
        item.raw, item.subject, item.to_addr, item.recipients = b"", "", "", "[]"
        item.last_error = None
        if item.status in ("pending", "sending"):
            item.status, item.last_error = "failed", "erased by retention before it was sent"
        s.add(item)
    return ids


def _erase_intake(s: Session, case: Case, key: bytes, ids: set[str]) -> None:
    rows = s.exec(
        select(Intake).where(or_(col(Intake.case_id) == case.id, col(Intake.message_id).in_(ids or {""})))
    ).all()
    for row in rows:
        row.message_id = hashed_id(key, row.message_id) if row.message_id else ""
        row.reason = metadata_only(row.reason)
        s.add(row)


def _erase_quarantine(s: Session, key: bytes, ids: set[str], markers: list[bytes]) -> None:
    """Quarantined mail of the case: named by one of its Message-IDs, or holding the person's
    address in its bytes (a message too big or too broken to read was never linked to the case)."""
    for item in s.exec(select(QuarantineItem)).all():
        raw = (item.raw or b"").lower()
        if item.message_id in ids or any(m in raw for m in markers):
            erase_quarantined(item, key)
            s.add(item)


def erase_quarantined(item: QuarantineItem, key: bytes) -> None:
    item.raw = None
    item.message_id = hashed_id(key, item.message_id) if item.message_id else item.message_id
    item.reason = metadata_only(item.reason)


def _erase_audit(s: Session, case: Case, key: bytes, ids: set[str]) -> None:
    for entry in s.exec(select(AuditEntry).where(AuditEntry.case_ref == case.ref)).all():
        entry.reason = metadata_only(entry.reason)
        entry.detail = hashed_id(key, entry.detail) if entry.detail in ids else None
        s.add(entry)
