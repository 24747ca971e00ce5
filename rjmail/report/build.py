"""Assemble the report: run each figure's query once, then place the grouped counts in hub-months."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from sqlalchemy import Engine

from rjmail.adapters import db
from rjmail.core.domain import CaseStatus
from rjmail.core.figures import Figures, HubReport, Period, Report, percentile, seconds
from rjmail.report import query, times

ROLES = ("victim", "family", "offender", "unknown")
STATUSES = tuple(s.value for s in CaseStatus)


def build_report(engine: Engine, period: Period, hubs: Sequence[str], only_hub: str | None) -> Report:
    """Every hub of `hubs` (and any other hub found in the data) with every month of the period."""
    wanted = [only_hub] if only_hub else None
    with db.reading(engine) as conn:  # one snapshot; a running daemon's intake never waits for it
        pc = query.cases_in(period, wanted)
        counts = query.counts(conn, pc)
        roles = query.groups(query.by_column(conn, pc, "role"))
        outcomes = query.groups(query.by_column(conn, pc, "status"))
        reasons = query.groups(query.reasons(conn, pc))
        letters = query.groups(query.letters(conn, period, wanted))
        ack = times.durations(conn, pc, "ack")
        booked = times.durations(conn, pc, "booked")
    codes = (
        [only_hub]
        if only_hub
        else list(dict.fromkeys([*hubs, *sorted({row[0] for row in counts} | {key[0] for key in letters})]))
    )
    cells = {(code, m.label): blank(m.label) for code in codes for m in period.months}
    for hub, month, referrals, self_, professional, withdrawn in counts:
        cell = cells[(hub, month)]
        cell.referrals, cell.self = int(referrals), int(self_)
        cell.professional, cell.withdrawn = int(professional), int(withdrawn)
    _fill(cells, roles, "roles")
    _fill(cells, outcomes, "outcomes")
    _fill(cells, letters, "languages")
    for key, rows in reasons.items():
        target = cells[key].not_suitable_reasons
        for text, n in rows:
            code = query.reason_code(text)
            target[code] = target.get(code, 0) + int(n)
    for key, cell in cells.items():
        _set_times(cell, ack.get(key, []), booked.get(key, []))
    return Report(
        period.first,
        period.last,
        [_hub(code, [cells[(code, m.label)] for m in period.months], period, ack, booked) for code in codes],
    )


def blank(month: str | None) -> Figures:
    """Every role and status present (as 0), so each month has the same rows and columns."""
    return Figures(month, roles=dict.fromkeys(ROLES, 0), outcomes=dict.fromkeys(STATUSES, 0))


def _fill(
    cells: dict[tuple[str, str], Figures], grouped: dict[tuple[str, str], list[tuple[object, ...]]], name: str
) -> None:
    for key, rows in grouped.items():
        target: dict[str, int] = getattr(cells[key], name)
        for value, n in rows:
            target[str(value)] = target.get(str(value), 0) + int(str(n))


def _set_times(cell: Figures, ack: list[float], booked: list[float]) -> None:
    cell.ack_median_s = seconds(percentile(ack, 0.5))
    cell.ack_p95_s = seconds(percentile(ack, 0.95))
    cell.booked_median_s = seconds(percentile(booked, 0.5))


def _hub(
    code: str, months: list[Figures], period: Period, ack: times.Durations, booked: times.Durations
) -> HubReport:
    totals = blank(None)
    for cell in months:
        totals.add_counts(cell)
    labels = [m.label for m in period.months]
    # Each month's column is already sorted: merging keeps the whole period sorted without a re-sort.
    _set_times(
        totals,
        list(heapq.merge(*(ack.get((code, m), []) for m in labels))),
        list(heapq.merge(*(booked.get((code, m), []) for m in labels))),
    )
    return HubReport(code, months, totals)
