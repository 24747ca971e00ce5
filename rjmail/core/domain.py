"""Values that flow through the pure core: parsed mail, referral fields, decisions, letters.

Everything here is frozen and free of I/O so every stage can be tested on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from rjmail.core.timewords import CallWindow


class CaseStatus(StrEnum):
    NEW = "new"
    CALL_OFFERED = "call_offered"
    CALL_BOOKED = "call_booked"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    NOT_SUITABLE = "not_suitable"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class MessageKind(StrEnum):
    """The `kind` of a timeline entry, exactly as in the case JSON (SPEC section 7)."""

    REFERRAL = "referral"
    REPLY = "reply"
    ACKNOWLEDGEMENT = "acknowledgement"
    CALL_OFFER = "call_offer"
    BOOKING_CONFIRMATION = "booking_confirmation"
    NEXT_STEPS = "next_steps"
    NOT_SUITABLE = "not_suitable"
    WITHDRAWAL_CONFIRMATION = "withdrawal_confirmation"
    ADVISOR_COMMAND = "advisor_command"
    ADVISOR_REPLY = "advisor_reply"
    NOTE = "note"
    REMINDER = "reminder"
    REFERRAL_ACKNOWLEDGEMENT = "referral_acknowledgement"
    INTRODUCTION = "introduction"


class Action(StrEnum):
    """What intake did with an inbound message: the `decision` column of the intake ledger."""

    NEW_CASE = "new_case"
    TIMELINE = "timeline"
    RECORD_ONLY = "record_only"
    DUPLICATE = "duplicate"
    ADVISOR_REPLY = "advisor_reply"  # an advisor's own reply found in the Sent folder
    QUARANTINE = "quarantine"


class FollowUp(StrEnum):
    """Work a decision hands on to the case operations, after the message is filed."""

    WITHDRAW = "withdraw"
    CALL_CHOICE = "call_choice"
    ADVISOR_COMMANDS = "advisor_commands"
    OFFER_CALL = "offer_call"
    BOUNCE = "bounce"
    CALENDAR_REPLY = "calendar_reply"  # the person accepted/declined/countered our invite


class OutboxStatus(StrEnum):
    """A letter's place in the outbox; only rjmail.adapters.outbox moves a row between them."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"  # a held letter an advisor stopped with #cancel before it went


class MailClass(StrEnum):
    """What the classifier decided an inbound message is (SPEC section 3, in rule order)."""

    DUPLICATE = "duplicate"
    AUTOMATIC = "automatic"
    ADVISOR_COMMAND = "advisor_command"
    REPLY = "reply"
    NEW_REFERRAL = "new_referral"


@dataclass(frozen=True)
class MailboxPosition:
    """Where one message sits: UIDs mean something only inside (hub, folder, UIDVALIDITY)."""

    hub: str
    folder: str
    uidvalidity: int
    uid: int

    @property
    def key(self) -> str:
        return f"{self.hub}:{self.folder}:{self.uidvalidity}:{self.uid}"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class InboundMail:
    """One parsed inbound message. `text` is readable body text (from HTML when there is no plain part)."""

    message_id: str  # always "<...>"; synthesised from a hash of the bytes when the header is missing
    subject: str
    from_addr: str  # lower-cased address, "" when absent
    from_name: str
    reply_to: tuple[str, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: datetime | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    headers: Mapping[str, tuple[str, ...]]  # lower-case header name -> values (decoded)
    content_type: str  # top-level, lower-case, e.g. "multipart/report"
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    raw_size: int
    return_path: str | None  # None when there is no Return-Path header; "" for "<>"
    calendar_method: str | None = None  # METHOD of a text/calendar part, upper-case
    calendar_partstat: str | None = None  # ATTENDEE PARTSTAT of a calendar REPLY
    calendar_uid: str | None = None  # UID of that calendar part (our bookings carry one)
    report_type: str | None = None  # report-type of multipart/report
    bounced_message_ids: tuple[str, ...] = ()  # Message-IDs named in a DSN's returned headers
    bounced_recipients: tuple[str, ...] = ()  # recipients a DSN says failed (lower-case)
    forwarded: tuple[ForwardedPart, ...] = ()  # inline or attached forwarded messages
    mime_depth: int = 0
    part_count: int = 0
    defects: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """First value of a header, or None."""
        values = self.headers.get(name.lower())
        return values[0] if values else None


@dataclass(frozen=True)
class ForwardedPart:
    """A message forwarded inside another (inline "Forwarded message" block or message/rfc822)."""

    from_addr: str
    from_name: str
    subject: str
    text: str


@dataclass(frozen=True)
class Person:
    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Referral:
    """The case fields rjmail could fill from a referral (SPEC section 7). Empty means unknown."""

    referrer_email: str
    referrer_name: str | None = None
    phone: str | None = None  # E.164
    referral_type: str = "unknown"  # self | professional | unknown
    role: str = "unknown"  # victim | family | offender | unknown
    crime_reference: str | None = None
    wants_call: bool | None = None
    call_times: str | None = None
    voicemail_ok: bool | None = None
    language: str | None = None
    access_needs: str | None = None
    referred_person: Person | None = None  # professional referrals: the person referred
    organisation: str | None = None
    call_windows: tuple[CallWindow, ...] | None = None  # Europe/London; None: not stated or unclear
    texts_ok: bool | None = None
    email_only: bool = False
    referrer_phone: str | None = None  # professional referrals: the professional's own number


@dataclass(frozen=True)
class CaseSnapshot:
    """What the pure core may know about an existing case."""

    ref: str
    hub: str
    status: CaseStatus
    referrer_email: str | None
    known_addresses: frozenset[str] = frozenset()
    advisor: str | None = None
    wants_call: bool | None = None
    withdrawn: bool = False  # the person withdrew at some point and no advisor has reopened since
    closed_reply_sent: bool = False  # a closed_reply went out since the case was last closed
    letter_language: str = "en"  # the person's language: their replies are read in it too


@dataclass(frozen=True)
class ThreadMatch:
    """Result of looking a message up against stored cases (done by the store, used by classify)."""

    case: CaseSnapshot | None = None
    by: str | None = None  # "subject" | "in-reply-to" | "references"
    signed_parent: bool = False  # threads onto a Message-ID rjmail signed
    signed_parent_kind: str | None = None  # kind of that rjmail message (e.g. "notification")


@dataclass(frozen=True)
class Classification:
    kind: MailClass
    reason: str  # human readable rule name, recorded in the ledger
    case_ref: str | None = None
    spoof: bool = False  # claims to be an advisor but could not be verified
    auth_failed: str | None = None  # authserv-id of a trusted server that saw DMARC (or SPF+DKIM) fail
    robot: str | None = None  # looked automatic (this rule) but has words of its own: advisors read it


@dataclass(frozen=True)
class LetterSpec:
    """A letter the core decided to send; rendering turns it into an EmailMessage."""

    kind: str  # template name: acknowledgement, call_offer, notification, ...
    to: tuple[str, ...]
    context: Mapping[str, object] = field(default_factory=dict)
    reply_to_message_id: str | None = None
    references: tuple[str, ...] = ()
    to_advisors: bool = False
    idempotency_key: str = ""
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (filename, mime type, bytes)


@dataclass(frozen=True)
class ComposedLetter:
    """A letter rendered to its final bytes, ready to be queued (a new outbox row). Plain data
    rather than the table class: building an ORM object cost ~80 us a letter for nothing."""

    case_id: int | None
    hub: str
    kind: str
    idempotency_key: str
    message_id: str
    mail_from: str
    to_addr: str
    recipients: str  # JSON list of validated envelope recipients (rjmail.core.addresses)
    subject: str
    raw: bytes
    next_attempt_at: datetime
    created_at: datetime
    person_letter: bool
