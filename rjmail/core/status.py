"""`rjmail status`: health rules and rendering (SPEC section 7, "Status JSON"). Pure: the caller
gathers the figures (database, one IMAP STATUS per hub) and passes the clock in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

STALE_INTERVALS = 10  # a backlog older than this many poll intervals is unhealthy


@dataclass(frozen=True)
class OutboxCounts:
    pending: int = 0
    sending: int = 0
    failed: int = 0
    oldest_pending_at: datetime | None = None


@dataclass(frozen=True)
class HubStatus:
    code: str
    leader: bool | None  # None without PostgreSQL (one instance, always in charge)
    last_poll_at: datetime | None
    last_ok_at: datetime | None
    last_error: str | None
    backlog: int | None  # None when the mailbox could not be asked
    quarantined: int
    outbox: OutboxCounts = field(default_factory=OutboxCounts)
    backlog_error: str | None = None  # why the backlog is unknown


class Checkpoint(Protocol):
    uidvalidity: int
    last_uid: int


def backlog(uidnext: int, uidvalidity: int, checkpoint: Checkpoint | None, process_existing: bool) -> int:
    """Messages above the checkpoint, from one IMAP STATUS (UIDNEXT): an upper bound, since UIDs of
    deleted messages count too until the next poll moves the checkpoint past them."""
    if checkpoint is None:
        return max(0, uidnext - 1) if process_existing else 0
    if checkpoint.uidvalidity != uidvalidity:
        return max(0, uidnext - 1)  # UIDVALIDITY changed: the next poll rescans the folder
    return max(0, uidnext - 1 - checkpoint.last_uid)


def problems(hub: HubStatus, now: datetime, poll_interval_seconds: int) -> list[str]:
    """What makes this hub unhealthy (empty when healthy)."""
    found: list[str] = []
    if hub.last_error:
        found.append(f"last poll failed: {hub.last_error}")
    if hub.backlog is None:
        found.append(f"backlog unknown: {hub.backlog_error or 'mailbox not reachable'}")
    elif hub.backlog > 0 and _stale(hub.last_ok_at, now, poll_interval_seconds):
        found.append(
            f"{hub.backlog} message(s) waiting and no successful poll in {STALE_INTERVALS} poll intervals"
        )
    if hub.outbox.failed:
        found.append(f"{hub.outbox.failed} failed letter(s)")
    return found


def _stale(last_ok: datetime | None, now: datetime, interval: int) -> bool:
    # A successful poll takes in everything that was waiting when it ran, so mail still waiting
    # with a recent successful poll is at most a few intervals old.
    return last_ok is None or now - last_ok > timedelta(seconds=STALE_INTERVALS * interval)


def exit_code(hubs: list[HubStatus], now: datetime, poll_interval_seconds: int) -> int:
    return 1 if any(problems(h, now, poll_interval_seconds) for h in hubs) else 0


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def as_json(hubs: list[HubStatus]) -> dict[str, Any]:
    """Exactly the SPEC schema."""
    return {
        "hubs": [
            {
                "code": h.code,
                "leader": h.leader,
                "last_poll_at": iso(h.last_poll_at),
                "last_error": h.last_error or (h.backlog_error if h.backlog is None else None),
                "backlog": h.backlog,
                "quarantined": h.quarantined,
                "outbox": {
                    "pending": h.outbox.pending,
                    "sending": h.outbox.sending,
                    "failed": h.outbox.failed,
                    "oldest_pending_at": iso(h.outbox.oldest_pending_at),
                },
            }
            for h in hubs
        ]
    }


def _leader_text(leader: bool | None) -> str:
    if leader is None:
        return "single instance (SQLite)"
    return "held by an instance" if leader else "NO INSTANCE LEADS THIS HUB"


def hub_text(h: HubStatus, now: datetime, poll_interval_seconds: int) -> list[str]:
    last = iso(h.last_poll_at) or "never"
    outcome = f"failed: {h.last_error}" if h.last_error else ("ok" if h.last_poll_at else "")
    backlog = "unknown" if h.backlog is None else f"{h.backlog} message(s) above the checkpoint"
    o = h.outbox
    lines = [
        f"{h.code}",
        f"  leader:       {_leader_text(h.leader)}",
        f"  last poll:    {last} {outcome}".rstrip(),
        f"  backlog:      {backlog}",
        f"  quarantined:  {h.quarantined}",
        f"  outbox:       {o.pending} pending, {o.sending} sending, {o.failed} failed; "
        f"oldest pending {iso(o.oldest_pending_at) or '-'}",
    ]
    lines += [f"  PROBLEM: {p}" for p in problems(h, now, poll_interval_seconds)]
    return lines


def as_text(hubs: list[HubStatus], now: datetime, poll_interval_seconds: int) -> str:
    lines: list[str] = []
    for h in hubs:
        lines += hub_text(h, now, poll_interval_seconds)
    healthy = exit_code(hubs, now, poll_interval_seconds) == 0
    lines.append("healthy" if healthy else "UNHEALTHY: see PROBLEM lines above")
    return "\n".join(lines)
