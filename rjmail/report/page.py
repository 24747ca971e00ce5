"""The one-page HTML summary: three charts, a table under each, and a table of the other figures.

Self-contained (inline SVG and CSS, no external assets), `lang="en"`, high-contrast, printable on A4.
Counts below 5 are shown as "<5"; only hub codes, month labels, codes and numbers appear."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from rjmail.core.figures import Figures, HubReport, Report, duration_text, shown
from rjmail.report.charts import Chart, Series, svg

STYLE = """
@page { size: A4; margin: 12mm; }
body { font: 9pt/1.35 system-ui, "Segoe UI", Arial, sans-serif; color: #111; background: #fff;
       margin: 0 auto; max-width: 186mm; }
h1 { font-size: 14pt; margin: 0 0 2mm; } h2 { font-size: 10.5pt; margin: 3mm 0 1mm; }
p { margin: 0 0 2mm; }
figure { margin: 0; } svg.chart { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; font-size: 8pt; }
caption { text-align: left; font-weight: 600; }
th, td { border: 1px solid #767676; padding: 0.6mm 1.5mm; text-align: right; }
th[scope=row], thead th:first-child { text-align: left; } thead th { background: #e8eef6; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
section { break-inside: avoid; }
"""


def _cells(tag: str, values: Iterable[str], scope: str = "") -> str:
    attr = f' scope="{scope}"' if scope else ""
    return "".join(f"<{tag}{attr}>{escape(v)}</{tag}>" for v in values)


def table(caption: str, head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    body = "".join(f'<tr><th scope="row">{escape(r[0])}</th>{_cells("td", r[1:])}</tr>' for r in rows)
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{_cells('th', head, 'col')}"
        f"</tr></thead><tbody>{body}</tbody></table>"
    )


def _months(report: Report) -> list[str]:
    return [m.month or "" for m in report.hubs[0].months] if report.hubs else []


def referrals_section(report: Report) -> str:
    months = _months(report)
    chart = Chart(
        "referrals",
        "Referrals per month",
        "Bar chart of new referrals each month, one bar "
        "per hub; counts below 5 are labelled <5 and not drawn.",
        months,
        [Series(h.code, [m.referrals for m in h.months]) for h in report.hubs],
    )
    head = ["Month", *[f"{h.code} {what}" for h in report.hubs for what in ("all", "self", "prof.")]]
    rows = [
        [
            label,
            *[
                shown(getattr(h.months[i], what))
                for h in report.hubs
                for what in ("referrals", "self", "professional")
            ],
        ]
        for i, label in enumerate(months)
    ]
    rows.append(
        [
            "Total",
            *[
                shown(getattr(h.totals, what))
                for h in report.hubs
                for what in ("referrals", "self", "professional")
            ],
        ]
    )
    return (
        f"<section><h2>Referrals</h2><figure>{svg(chart)}</figure>"
        f"{table('Referrals by month: all, self-referrals and professional referrals', head, rows)}"
        "</section>"
    )


def outcomes_section(report: Report) -> str:
    statuses = list(report.hubs[0].totals.outcomes) if report.hubs else []
    chart = Chart(
        "outcomes",
        "Where the period's cases are now",
        "Bar chart of the cases of the "
        "period by their current status, per hub; counts below 5 are labelled <5.",
        [s.replace("_", " ") for s in statuses],
        [Series(h.code, [h.totals.outcomes.get(s, 0) for s in statuses]) for h in report.hubs],
    )
    rows = [
        [s.replace("_", " "), *[shown(h.totals.outcomes.get(s, 0)) for h in report.hubs]] for s in statuses
    ]
    return (
        f"<section><h2>Outcomes</h2><figure>{svg(chart, 3.6, 2.2)}</figure>"
        f"{table('Cases by current status', ['Status', *[h.code for h in report.hubs]], rows)}"
        "</section>"
    )


def times_section(report: Report) -> str:
    months = _months(report)
    chart = Chart(
        "times",
        "Time to acknowledgement",
        "Bar chart of the median minutes from a "
        "referral arriving to its acknowledgement being sent, per month and hub.",
        months,
        [Series(h.code, [(m.ack_median_s or 0) / 60 for m in h.months]) for h in report.hubs],
        unit="minutes",
    )
    head = [
        "Month",
        *[f"{h.code} {what}" for h in report.hubs for what in ("ack. median", "ack. 95%", "call booked")],
    ]
    rows = [[m_label, *_time_cells(h.months[i] for h in report.hubs)] for i, m_label in enumerate(months)]
    rows.append(["Whole period", *_time_cells(h.totals for h in report.hubs)])
    return (
        f"<section><h2>How fast people were answered</h2><figure>{svg(chart, 3.6, 2.2)}</figure>"
        f"{table('Median and 95th percentile to acknowledgement; median to a booked call', head, rows)}"
        "</section>"
    )


def _time_cells(cells: Iterable[Figures]) -> list[str]:
    return [duration_text(v) for c in cells for v in (c.ack_median_s, c.ack_p95_s, c.booked_median_s)]


def details_section(hubs: Sequence[HubReport]) -> str:
    rows: list[list[str]] = []
    for label, name in (
        ("Role", "roles"),
        ("Not suitable", "not_suitable_reasons"),
        ("Letters in", "languages"),
    ):
        keys = sorted({k for h in hubs for k in getattr(h.totals, name)})
        rows += [
            [f"{label}: {k.replace('_', ' ')}", *[shown(getattr(h.totals, name).get(k, 0)) for h in hubs]]
            for k in keys
        ]
    rows.append(["Withdrawn", *[shown(h.totals.withdrawn) for h in hubs]])
    return (
        f"<section><h2>Who referred, reasons and letters</h2>"
        f"{table('Whole period, per hub', ['Figure', *[h.code for h in hubs]], rows)}</section>"
    )


def render_html(report: Report) -> str:
    period = f"{report.first:%-d %B %Y} to {report.last:%-d %B %Y}"
    hubs = ", ".join(h.code for h in report.hubs) or "none"
    body = (
        f"<h1>Restorative Justice referrals, {escape(period)}</h1>"
        f"<p>Hubs: {escape(hubs)}. Months are calendar months in UK time. Cases are counted in the "
        "month they arrived; letters in the month they were sent. Counts below 5 are shown as "
        "&ldquo;&lt;5&rdquo; so that no one can be identified.</p>"
    )
    if report.hubs:
        body += (
            referrals_section(report)
            + '<div class="pair">'
            + outcomes_section(report)
            + times_section(report)
            + "</div>"
            + details_section(report.hubs)
        )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>RJ report {escape(period)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )
