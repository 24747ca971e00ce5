"""The report's figures, computed in the database: one aggregate query per figure, grouped by hub and
London month (SQLAlchemy Core; SQLite and PostgreSQL). Only counts per group, and for the times one
sorted column of seconds, ever reach Python — never a case row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    Table,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)

from rjmail.adapters.tables import metadata
from rjmail.core.figures import Period

CASES: Table = metadata.tables["case"]
MESSAGES: Table = metadata.tables["message"]
OUTBOX: Table = metadata.tables["outbox"]
BOOKINGS: Table = metadata.tables["booking"]
AUDIT: Table = metadata.tables["audit"]

ACK_KINDS = ("acknowledgement", "referral_acknowledgement")
NOT_SUITABLE_MARK = "-> not_suitable: #not-suitable "  # casework.set_status's audit wording
# Case.language holds a language name ("Polish", "British Sign Language") or a code; letters are
# written in a hub-enabled language or in English, so a name maps to its ISO 639-1 code.
LANGUAGE_CODES = {
    "english": "en",
    "polish": "pl",
    "lithuanian": "lt",
    "romanian": "ro",
    "portuguese": "pt",
    "welsh": "cy",
    "albanian": "sq",
    "amharic": "am",
    "arabic": "ar",
    "bengali": "bn",
    "bulgarian": "bg",
    "cantonese": "zh",
    "chinese": "zh",
    "mandarin": "zh",
    "czech": "cs",
    "dari": "fa",
    "farsi": "fa",
    "persian": "fa",
    "dutch": "nl",
    "estonian": "et",
    "french": "fr",
    "german": "de",
    "greek": "el",
    "gujarati": "gu",
    "hindi": "hi",
    "hungarian": "hu",
    "italian": "it",
    "kurdish": "ku",
    "latvian": "lv",
    "pashto": "ps",
    "punjabi": "pa",
    "russian": "ru",
    "slovak": "sk",
    "somali": "so",
    "spanish": "es",
    "tamil": "ta",
    "tigrinya": "ti",
    "turkish": "tr",
    "ukrainian": "uk",
    "urdu": "ur",
    "vietnamese": "vi",
    "british sign language": "en",
    "bsl": "en",  # BSL users read letters in English
}

Rows = list[tuple[Any, ...]]


def month_of(column: Any, period: Period) -> ColumnElement[Any]:
    """The London month label of a UTC timestamp, as a CASE over the period's month boundaries
    (computed in Python from the tz database, so SQLite needs no time zone support)."""
    return case(*[(column < m.end, literal(m.label)) for m in period.months], else_=None)


def in_period(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def _hub_filter(column: Any, hubs: Sequence[str] | None) -> ColumnElement[bool]:
    return column.in_(list(hubs)) if hubs else literal(True)


def language_code() -> ColumnElement[Any]:
    """The letters' language of a case: its `letter_language` when the schema has it, else the code
    of its stated/detected language, 'en' when none, 'other' for anything unknown (never free text)."""
    if "letter_language" in CASES.c:
        return func.coalesce(CASES.c.letter_language, literal("en"))
    lowered = func.lower(func.trim(func.coalesce(CASES.c.language, literal("english"))))
    known = {**LANGUAGE_CODES, **{code: code for code in LANGUAGE_CODES.values()}}
    return case(known, value=lowered, else_=literal("other"))


def cases_in(period: Period, hubs: Sequence[str] | None) -> Subquery:
    """The period's cases, one narrow row each, with their London month (the month they arrived)."""
    return (
        select(
            CASES.c.id,
            CASES.c.ref,
            CASES.c.hub,
            CASES.c.status,
            CASES.c.role,
            CASES.c.referral_type,
            CASES.c.created_at,
            month_of(CASES.c.created_at, period).label("month"),
            case((or_(CASES.c.withdrawn_at.is_not(None), CASES.c.status == "withdrawn"), 1), else_=0).label(
                "withdrawn"
            ),
        )
        .where(in_period(CASES.c.created_at, period), _hub_filter(CASES.c.hub, hubs))
        .subquery("pc")
    )


def _one_flag(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def counts(conn: Connection, pc: Subquery) -> Rows:
    """(hub, month, referrals, self, professional, withdrawn)."""
    query = select(
        pc.c.hub,
        pc.c.month,
        func.count(),
        _one_flag(pc.c.referral_type == "self"),
        _one_flag(pc.c.referral_type == "professional"),
        func.coalesce(func.sum(pc.c.withdrawn), 0),
    ).group_by(pc.c.hub, pc.c.month)
    return _rows(conn, query)


def by_column(conn: Connection, pc: Subquery, name: str) -> Rows:
    """(hub, month, value, n) for one column of the case: role or status."""
    column = pc.c[name]
    return _rows(
        conn, select(pc.c.hub, pc.c.month, column, func.count()).group_by(pc.c.hub, pc.c.month, column)
    )


def reasons(conn: Connection, pc: Subquery) -> Rows:
    """(hub, month, audit reason, n) for cases now not suitable, by the latest #not-suitable entry."""
    latest = (
        select(AUDIT.c.case_ref, func.max(AUDIT.c.id).label("audit_id"))
        .where(AUDIT.c.action == "change", AUDIT.c.reason.contains(NOT_SUITABLE_MARK, autoescape=True))
        .group_by(AUDIT.c.case_ref)
        .subquery("ns")
    )
    query = (
        select(pc.c.hub, pc.c.month, AUDIT.c.reason, func.count())
        .select_from(
            pc.join(latest, latest.c.case_ref == pc.c.ref).join(AUDIT, AUDIT.c.id == latest.c.audit_id)
        )
        .where(pc.c.status == "not_suitable")
        .group_by(pc.c.hub, pc.c.month, AUDIT.c.reason)
    )
    return _rows(conn, query)


def reason_code(audit_reason: str) -> str:
    """The reason code out of 'status X -> not_suitable: #not-suitable CODE' (codes are stable)."""
    tail = audit_reason.split(NOT_SUITABLE_MARK, 1)[-1].split()
    code = tail[0].lower() if tail else "other"
    return code if code.replace("-", "").isalnum() and len(code) <= 40 else "other"


def letters(conn: Connection, period: Period, hubs: Sequence[str] | None) -> Rows:
    """(hub, month sent, language code, n): letters to people sent in the period."""
    sent = (
        select(OUTBOX.c.hub, month_of(OUTBOX.c.sent_at, period).label("month"), language_code().label("lang"))
        .select_from(OUTBOX.join(CASES, CASES.c.id == OUTBOX.c.case_id))
        .where(
            OUTBOX.c.person_letter.is_(True),
            OUTBOX.c.status == "sent",
            in_period(OUTBOX.c.sent_at, period),
            _hub_filter(OUTBOX.c.hub, hubs),
        )
        .subquery("lt")
    )
    return _rows(
        conn,
        select(sent.c.hub, sent.c.month, sent.c.lang, func.count()).group_by(
            sent.c.hub, sent.c.month, sent.c.lang
        ),
    )


def _rows(conn: Connection, query: Select[Any]) -> Rows:
    return [tuple(row) for row in conn.execute(query)]


def groups(rows: Iterable[tuple[Any, ...]]) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    out: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for row in rows:
        out.setdefault((row[0], row[1]), []).append(row[2:])
    return out
