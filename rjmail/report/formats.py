"""Report JSON (SPEC section 7, exact counts) and CSV (one row per hub, month and figure; counts below 5
shown as "<5"). Only codes, month labels and numbers are written: no case, person or free text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from rjmail.core.figures import Figures, Report, shown

TIME_FIELDS = ("ack_median_s", "ack_p95_s", "booked_median_s")
COUNT_FIELDS = ("referrals", "self", "professional", "withdrawn")
DICT_FIELDS = (
    ("roles", "role"),
    ("outcomes", "outcome"),
    ("not_suitable_reasons", "not_suitable_reason"),
    ("languages", "letters_language"),
)


def figures_json(cell: Figures) -> dict[str, Any]:
    out: dict[str, Any] = {} if cell.month is None else {"month": cell.month}
    out |= {
        "referrals": cell.referrals,
        "self": cell.self,
        "professional": cell.professional,
        "roles": dict(cell.roles),
        "ack_median_s": cell.ack_median_s,
        "ack_p95_s": cell.ack_p95_s,
        "booked_median_s": cell.booked_median_s,
        "outcomes": dict(cell.outcomes),
        "not_suitable_reasons": dict(sorted(cell.not_suitable_reasons.items())),
        "withdrawn": cell.withdrawn,
        "languages": dict(sorted(cell.languages.items())),
    }
    return out


def report_json(report: Report) -> dict[str, Any]:
    return {
        "from": report.first.isoformat(),
        "to": report.last.isoformat(),
        "hubs": [
            {
                "code": hub.code,
                "months": [figures_json(m) for m in hub.months],
                "totals": figures_json(hub.totals),
            }
            for hub in report.hubs
        ],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_json(report), indent=2) + "\n"


def csv_rows(report: Report) -> Iterator[list[str]]:
    yield ["hub", "month", "figure", "key", "value"]
    for hub in report.hubs:
        for cell in [*hub.months, hub.totals]:
            month = cell.month or "total"
            for name in COUNT_FIELDS:
                yield [hub.code, month, name, "", shown(getattr(cell, name))]
            for name in TIME_FIELDS:
                value = getattr(cell, name)
                yield [hub.code, month, name, "", "" if value is None else str(value)]
            for name, figure in DICT_FIELDS:
                for key, n in sorted(getattr(cell, name).items()):
                    yield [hub.code, month, figure, key, shown(n)]


def render_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv_rows(report):
        writer.writerow(row)
    return out.getvalue()
