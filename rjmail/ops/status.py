"""`rjmail status [--format json]`: gathers per-hub figures from the database and one IMAP STATUS
per hub (rules and rendering: rjmail.core.status)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from sqlalchemy import Engine, func, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from rjmail.adapters import checkpoints
from rjmail.adapters.mailbox import Mailbox
from rjmail.adapters.tables import HubState, OutboxItem, QuarantineItem
from rjmail.core import status as core
from rjmail.errors import PermanentError, TransientError
from rjmail.leader import lock_key
from rjmail.runtime import Runtime, build_runtime
from rjmail.settings import HubSettings, Settings


def leader_held(engine: Engine, hub: str) -> bool | None:
    """Does some instance hold the hub's leader lock? None on SQLite (one instance by design).
    Advisory locks are per database: another rjmail on the same server must not count."""
    if engine.url.get_backend_name() != "postgresql":
        return None
    key = lock_key(hub) & 0xFFFFFFFFFFFFFFFF
    with engine.connect() as conn:
        held = conn.scalar(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = :hi AND objid = :lo AND objsubid = 1 "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"hi": key >> 32, "lo": key & 0xFFFFFFFF},
        )
    return bool(held)


def outbox_counts(s: Session, hub: str) -> core.OutboxCounts:
    rows = dict(
        s.exec(
            select(OutboxItem.status, func.count())
            .where(OutboxItem.hub == hub)
            .group_by(col(OutboxItem.status))
        ).all()
    )
    oldest = s.exec(
        select(func.min(OutboxItem.created_at)).where(OutboxItem.hub == hub, OutboxItem.status == "pending")
    ).one()
    return core.OutboxCounts(
        pending=rows.get("pending", 0),
        sending=rows.get("sending", 0),
        failed=rows.get("failed", 0),
        oldest_pending_at=_aware(oldest),
    )


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def backlog(rt: Runtime, hub: HubSettings) -> tuple[int | None, str | None]:
    """Messages above the checkpoint: one STATUS (UIDNEXT) against the stored checkpoint."""
    with Session(rt.engine) as s:
        cp = checkpoints.checkpoint(s, hub.code, hub.imap.folder)
    try:
        with Mailbox(hub.imap, rt.imap_token) as box:
            state = box.state(hub.imap.folder)
    except (TransientError, PermanentError) as exc:
        return None, f"status could not ask the mailbox: {str(exc).splitlines()[0][:300]}"
    return core.backlog(state.uidnext, state.uidvalidity, cp, hub.imap.process_existing), None


def hub_status(rt: Runtime, hub: HubSettings) -> core.HubStatus:
    waiting, problem = backlog(rt, hub)
    with Session(rt.engine) as s:
        state = s.get(HubState, hub.code)
        quarantined = s.exec(
            select(func.count())
            .select_from(QuarantineItem)
            .where(QuarantineItem.hub == hub.code, QuarantineItem.status == "open")
        ).one()
        counts = outbox_counts(s, hub.code)
    return core.HubStatus(
        code=hub.code,
        leader=leader_held(rt.engine, hub.code),
        last_poll_at=_aware(state.last_poll_at) if state else None,
        last_ok_at=_aware(state.last_ok_at) if state else None,
        last_error=state.last_error if state else None,
        backlog=waiting,
        backlog_error=problem,
        quarantined=quarantined,
        outbox=counts,
    )


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:

    try:
        rt = build_runtime(settings)
        hubs = [hub_status(rt, h) for h in settings.hubs]
    except SQLAlchemyError as exc:
        print(f"rjmail: status: the database cannot be read ({type(exc).__name__})", file=sys.stderr)
        return 1
    now = rt.now()
    interval = settings.service.poll_interval_seconds
    if args.format == "json":
        print(json.dumps(core.as_json(hubs), indent=2))
    else:
        print(core.as_text(hubs, now, interval))
    return core.exit_code(hubs, now, interval)
