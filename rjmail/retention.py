"""`rjmail retention`: anonymise cases closed longer than retention_days, keeping statistics."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from rjmail import erasure
from rjmail.adapters import store
from rjmail.adapters.tables import Case, QuarantineItem
from rjmail.core.casefields import PERSONAL_FIELDS
from rjmail.errors import ConfigError
from rjmail.runtime import build_runtime, operator
from rjmail.settings import Settings

FINAL_STATES = ("closed", "not_suitable", "withdrawn")


def due_cases(session: Session, now: datetime, days: int) -> list[Case]:
    cutoff = now - timedelta(days=days)
    return list(
        session.exec(
            select(Case).where(
                col(Case.status).in_(FINAL_STATES),
                col(Case.anonymised_at).is_(None),
                Case.updated_at < cutoff,
            )
        ).all()
    )


def old_quarantine(session: Session, now: datetime, days: int) -> list[QuarantineItem]:
    """Quarantined raw messages past retention (the originals stay in the mailbox)."""
    return list(
        session.exec(
            select(QuarantineItem).where(
                col(QuarantineItem.raw).is_not(None), QuarantineItem.at < now - timedelta(days=days)
            )
        ).all()
    )


def anonymise(session: Session, case: Case, now: datetime, actor: str, key: bytes) -> None:
    """Blank personal fields and message contents; keep hub, status, role, type, dates (statistics).
    Identifiers become keyed hashes and free text goes from every table (rjmail.erasure)."""
    erasure.erase_case_traces(session, case, key, erasure.case_markers(case))
    for name in PERSONAL_FIELDS:
        setattr(case, name, None)
    case.anonymised_at = now
    session.add(case)
    store.audit(
        session,
        actor,
        "erasure",
        case.ref,
        "retention period passed",
        detail="personal fields and message contents erased",
        now=now,
    )


def cmd_retention(args: argparse.Namespace, settings: Settings) -> int:
    days = settings.service.retention_days
    if days is None:
        raise ConfigError(
            "retention_days is not set; the force's records policy decides it",
            key="service.retention_days",
            path=str(settings.path),
        )
    rt = build_runtime(settings)
    now = datetime.now(UTC)
    with Session(rt.engine) as s, s.begin():
        cases = due_cases(s, now, days)
        for case in cases:
            print(f"{'would anonymise' if args.dry_run else 'anonymised'} {case.ref}")
            if not args.dry_run:
                anonymise(s, case, now, operator(), rt.key)
        held = old_quarantine(s, now, days)
        for item in held:
            print(f"{'would erase' if args.dry_run else 'erased'} quarantined message {item.id}")
            if not args.dry_run:
                erasure.erase_quarantined(item, rt.key)
                s.add(item)
                store.audit(
                    s,
                    operator(),
                    "erasure",
                    None,
                    "retention period passed",
                    detail=f"raw bytes of quarantine item {item.id}",
                    now=now,
                )
    print(f"{len(cases)} case(s) {'due' if args.dry_run else 'anonymised'}")
    return 0
