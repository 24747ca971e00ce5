"""Hand-made cases for the report tests, inserted through the real (migrated) tables, each carrying
invented personal data that must never reach a report."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, insert

from rjmail.adapters import db
from rjmail.adapters.tables import metadata

CASES, MESSAGES, OUTBOX = (metadata.tables[n] for n in ("case", "message", "outbox"))
BOOKINGS, AUDIT = metadata.tables["booking"], metadata.tables["audit"]
_ids = itertools.count(1)

# Everything personal the fixtures store; the no-personal-data tests look for each of these.
NAMES = ["Imogen Quarrington", "Tobias Fernsby", "Janet Moorcroft"]
EMAILS = ["imogen.q@example.net", "tobias.f@example.test", "pc.1482@example.org"]
PHONES = ["07700 900417", "+447700900417", "+447700900533"]
FREE_TEXT = [
    "my shed was broken into",
    "evenings after 6pm",
    "step-free access please",
    "Burglary at my flat",
]
CRIME_REFS = ["36/12345/26", "NC-26-0099"]


def engine_for(url: str) -> Engine:
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Spec:
    hub: str
    arrived: str  # ISO UTC
    referral_type: str = "self"
    role: str = "victim"
    status: str = "new"
    ack_s: float | None = 60.0
    ack_kind: str = "acknowledgement"
    booked_s: float | None = None
    withdrawn: bool = False
    reason: str | None = None  # not-suitable code
    language: str | None = None


def add_case(conn: Connection, spec: Spec) -> str:
    n = next(_ids)
    ref = f"RJ-{spec.hub}-2026-{n:04d}"
    at = utc(spec.arrived)
    case_id = conn.execute(
        insert(CASES).values(
            ref=ref,
            hub=spec.hub,
            status=spec.status,
            created_at=at,
            updated_at=at,
            referrer_email=EMAILS[n % 3],
            referrer_name=NAMES[n % 3],
            phone=PHONES[n % 3],
            referral_type=spec.referral_type,
            role=spec.role,
            crime_reference=CRIME_REFS[n % 2],
            call_times=FREE_TEXT[1],
            access_needs=FREE_TEXT[2],
            language=spec.language,
            letter_language="pl" if spec.language in ("Polish", "pl") else "en",
            organisation="Norfolk Constabulary" if spec.referral_type == "professional" else None,
            referred_name=NAMES[2] if spec.referral_type == "professional" else None,
            withdrawn_at=at + timedelta(days=3) if spec.withdrawn else None,
        )
    ).inserted_primary_key[0]
    conn.execute(
        insert(MESSAGES).values(
            case_id=case_id,
            hub=spec.hub,
            direction="in",
            kind="referral",
            message_id=f"<in{n}@example.test>",
            subject=FREE_TEXT[3],
            at=at,
            from_addr=EMAILS[n % 3],
            raw_size=10,
            summary=FREE_TEXT[0],
            raw=f"From: {NAMES[n % 3]}\n\n{FREE_TEXT[0]}".encode(),
        )
    )
    if spec.ack_s is not None:
        letter(conn, case_id, spec.hub, spec.ack_kind, at + timedelta(seconds=spec.ack_s), n)
    letter(conn, case_id, spec.hub, "notification", at, n, person=False)  # to advisors: not a letter
    if spec.booked_s is not None:
        conn.execute(
            insert(BOOKINGS).values(
                case_id=case_id,
                hub=spec.hub,
                start=at + timedelta(days=5),
                minutes=30,
                uid=f"u{n}",
                sequence=0,
                status="active",
                reminder_sent=False,
                created_at=at + timedelta(seconds=spec.booked_s),
            )
        )
    if spec.reason:
        conn.execute(
            insert(AUDIT).values(
                at=at + timedelta(days=1),
                actor="advisor:adv@example.org",
                action="change",
                case_ref=ref,
                reason=f"status new -> not_suitable: #not-suitable {spec.reason}",
            )
        )
    return ref


def letter(
    conn: Connection,
    case_id: int,
    hub: str,
    kind: str,
    sent: datetime | None,
    n: int,
    person: bool = True,
    status: str = "sent",
) -> None:
    key = next(_ids)
    conn.execute(
        insert(OUTBOX).values(
            case_id=case_id,
            hub=hub,
            kind=kind,
            idempotency_key=f"k{key}",
            message_id=f"<out{key}@example.org>",
            mail_from="hub@example.org",
            to_addr=EMAILS[n % 3],
            recipients=EMAILS[n % 3],
            subject=f"[RJ-{hub}-2026-{n:04d}] {NAMES[n % 3]}",
            raw=FREE_TEXT[0].encode(),
            status=status,
            attempts=1,
            next_attempt_at=sent or utc("2026-01-01T00:00:00"),
            created_at=sent or utc("2026-01-01T00:00:00"),
            sent_at=sent if status == "sent" else None,
            copied_to_sent=False,
            person_letter=person,
        )
    )


# The hand-counted scenario (see test_report_figures): NOR has 4 cases in March and 3 in April
# (one of them arrived at 23:30 UTC on 31 March, which is 00:30 on 1 April in London), SUF has one.
SCENARIO = [
    Spec("NOR", "2026-03-02T10:00:00", role="victim", status="call_booked", ack_s=60, booked_s=172800),
    Spec("NOR", "2026-03-10T09:00:00", role="family", ack_s=120),
    Spec(
        "NOR",
        "2026-03-15T12:00:00",
        referral_type="professional",
        role="unknown",
        status="not_suitable",
        ack_s=300,
        ack_kind="referral_acknowledgement",
        reason="safety",
    ),
    Spec(
        "NOR",
        "2026-03-29T00:30:00",
        role="offender",
        status="withdrawn",
        ack_s=600,
        withdrawn=True,
        language="Polish",
    ),
    Spec(
        "NOR",
        "2026-04-03T08:00:00",
        referral_type="professional",
        status="not_suitable",
        ack_s=30,
        reason="domestic-abuse",
        language="pl",
    ),
    Spec("NOR", "2026-04-20T16:00:00", ack_s=None),
    Spec("NOR", "2026-03-31T23:30:00", role="unknown", status="in_progress", ack_s=90),
    Spec("SUF", "2026-03-05T11:00:00", status="closed", ack_s=45, withdrawn=True),
    # Outside 2026-03-01..2026-04-30 in London time:
    Spec("NOR", "2026-02-28T23:59:00"),
    Spec("NOR", "2026-04-30T23:30:00"),  # 00:30 on 1 May in London
]


def load_scenario(engine: Engine) -> list[str]:
    with engine.begin() as conn:
        return [add_case(conn, spec) for spec in SCENARIO]
