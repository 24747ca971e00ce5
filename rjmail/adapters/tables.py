"""Database tables (SQLModel). Rows never enter the pure core: the store turns them into snapshots."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Index, LargeBinary, MetaData, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from rjmail.core.domain import OutboxStatus

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    return datetime.now(UTC)


class FolderCheckpoint(SQLModel, table=True):
    """Progress per watched folder: everything up to last_uid under uidvalidity is processed."""

    __tablename__ = "folder_checkpoint"
    __table_args__ = (UniqueConstraint("hub", "folder"),)
    id: int | None = Field(default=None, primary_key=True)
    hub: str
    folder: str
    uidvalidity: int
    last_uid: int = 0
    updated_at: datetime = Field(default_factory=utcnow)


class CaseCounter(SQLModel, table=True):
    """Reference sequence per hub per year; references are never reused."""

    __tablename__ = "case_counter"
    hub: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last_seq: int = 0


class Case(SQLModel, table=True):
    __tablename__ = "case"
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True, index=True)
    hub: str = Field(index=True)
    status: str = Field(default="new", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    referrer_email: str | None = Field(default=None, index=True)
    referrer_name: str | None = None
    phone: str | None = None
    referral_type: str = "unknown"
    role: str = "unknown"
    crime_reference: str | None = None
    wants_call: bool | None = None
    call_times: str | None = None
    voicemail_ok: bool | None = None
    # The person's call windows as JSON text: [{"days": [...], "from": "HH:MM", "to": "HH:MM"}]
    call_windows: str | None = Field(default=None, sa_column=Column(Text))
    email_only: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    texts_ok: bool | None = None
    referrer_phone: str | None = None  # professional referrals: the professional's own number
    language: str | None = None
    letter_language: str = Field(default="en", sa_column_kwargs={"server_default": "en"})  # ISO 639-1
    access_needs: str | None = None
    organisation: str | None = None
    referred_name: str | None = None
    referred_email: str | None = Field(default=None, index=True)  # a withdrawn person's new mail
    referred_phone: str | None = None
    advisor: str | None = None
    call_slot: datetime | None = None
    withdrawn_at: datetime | None = None  # sticky: a later #close must not re-enable automatic mail
    anonymised_at: datetime | None = None


class Message(SQLModel, table=True):
    """One entry of a case's timeline (in or out). Inbound raw bytes are kept as evidence."""

    __tablename__ = "message"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    hub: str
    direction: str  # in | out
    kind: str
    message_id: str = Field(index=True)
    in_reply_to: str | None = None
    references: str | None = Field(default=None, sa_column=Column(Text))
    subject: str | None = None
    at: datetime = Field(default_factory=utcnow)
    from_addr: str | None = None
    raw_size: int = 0
    arrived_at: datetime | None = None  # IMAP INTERNALDATE: when it reached the mailbox (ack latency)
    attachments_json: str | None = Field(default=None, sa_column=Column(Text))
    summary: str | None = Field(default=None, sa_column=Column(Text))
    raw: bytes | None = Field(default=None, sa_column=Column(LargeBinary))


class Intake(SQLModel, table=True):
    """The intake ledger: every message seen in a watched folder and what was decided, and why."""

    __tablename__ = "intake"
    __table_args__ = (UniqueConstraint("hub", "folder", "uidvalidity", "uid"),)
    id: int | None = Field(default=None, primary_key=True)
    hub: str
    folder: str
    uidvalidity: int
    uid: int
    message_id: str = Field(index=True)
    decision: str
    reason: str
    case_id: int | None = Field(default=None, foreign_key="case.id")
    at: datetime = Field(default_factory=utcnow)
    # Keyed hash of the message's words (rjmail.core.voice.body_hash): the same Message-ID with other
    # words is a new message, not a duplicate. NULL for rows from before it was kept.
    body_hash: str | None = None


class OutboxItem(SQLModel, table=True):
    """Outgoing mail, written in the transaction of the change that caused it."""

    __tablename__ = "outbox"
    # Status first: the due, stuck and uncopied letters are few among all a hub ever sent (0010).
    __table_args__ = (
        Index("ix_outbox_status_hub", "status", "hub"),
        Index("ix_outbox_uncopied", "copied_to_sent", "status", "hub"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    hub: str = Field(index=True)
    kind: str
    idempotency_key: str = Field(unique=True)
    message_id: str = Field(unique=True)
    mail_from: str
    to_addr: str = Field(index=True)
    recipients: str  # JSON list of validated envelope recipients (rjmail.core.addresses)
    subject: str
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING.value, index=True)  # moved only by adapters.outbox
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    copied_to_sent: bool = False
    person_letter: bool = True
    auto_reply: bool = True  # counted by the loop guard; False for letters an advisor asked for
    # Held letters (SPEC section 5): the advisor reply whose command caused the letter, the command,
    # and the case as it was before it (JSON: status, withdrawn_at, closed_at, call_slot) for #cancel.
    held_by: str | None = Field(default=None, index=True)
    held_command: str | None = None
    held_prior_status: str | None = None
    held_undo: str | None = Field(default=None, sa_column=Column(Text))


class QuarantineItem(SQLModel, table=True):
    __tablename__ = "quarantine"
    id: int | None = Field(default=None, primary_key=True)
    hub: str
    folder: str
    uidvalidity: int
    uid: int
    message_id: str | None = None
    reason: str
    size: int = 0
    raw: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    at: datetime = Field(default_factory=utcnow)
    # open -> done when `rjmail quarantine retry` took it in (claimed by a conditional UPDATE, so a
    # message is retried exactly once however many operators try at the same moment).
    status: str = Field(default="open", index=True)
    retries: int = 0
    last_retry_error: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None


class HubState(SQLModel, table=True):
    """The last poll of each hub as the poll loop saw it, for `rjmail status` in another process."""

    __tablename__ = "hub_state"
    hub: str = Field(primary_key=True)
    last_poll_at: datetime | None = None  # end of the last poll, successful or not
    last_ok_at: datetime | None = None  # end of the last successful poll
    last_error: str | None = None  # error of the last poll; None when it succeeded
    instance: str | None = None  # host:pid of the instance that polled (the leader)


class AuditEntry(SQLModel, table=True):
    """DPA 2018 s62-style log: collection, change, consultation, disclosure, erasure."""

    __tablename__ = "audit"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str
    action: str  # collection | change | consultation | disclosure | erasure
    case_ref: str | None = Field(default=None, index=True)
    reason: str
    detail: str | None = None


class CallOffer(SQLModel, table=True):
    """Slots offered to a person. An open offer holds its slots until expires_at."""

    __tablename__ = "call_offer"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    hub: str = Field(index=True)
    letter_message_id: str | None = None
    slots_json: str = Field(sa_column=Column(Text, nullable=False))  # ISO UTC starts, in offer order
    status: str = Field(default="open", index=True)  # open | taken | expired | released
    expires_at: datetime
    clarified: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class Booking(SQLModel, table=True):
    """A booked call. `slot_key` is unique while active, so two people can never hold one slot."""

    __tablename__ = "booking"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    hub: str
    start: datetime
    minutes: int = 30
    uid: str
    sequence: int = 0
    status: str = Field(default="active")  # active | cancelled
    slot_key: str | None = Field(default=None, unique=True)
    reminder_sent: bool = False
    created_at: datetime = Field(default_factory=utcnow)
