"""Every report format: no personal data, "<5" in HTML and CSV, exact JSON, an accessible HTML page."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest

from rjmail.core.figures import period
from rjmail.report.build import build_report
from rjmail.report.command import render
from tests.report_data import (
    CRIME_REFS,
    EMAILS,
    FREE_TEXT,
    NAMES,
    PHONES,
    Spec,
    add_case,
    engine_for,
    load_scenario,
)

FORMATS = ("json", "csv", "html")


@pytest.fixture
def scenario(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'r.db'}")
    refs = load_scenario(engine)
    with engine.begin() as conn:  # six more in SUF March, so some counts are 5 or more
        refs += [add_case(conn, Spec("SUF", f"2026-03-{d:02d}T10:00:00", ack_s=120)) for d in range(10, 16)]
    report = build_report(engine, period(date(2026, 3, 1), date(2026, 4, 30)), ["NOR", "SUF"], None)
    yield report, refs
    engine.dispose()


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_name_address_phone_reference_or_words_of_a_case_in_any_format(scenario, fmt):
    report, refs = scenario
    text = render(report, fmt).lower()
    personal = [*NAMES, *EMAILS, *PHONES, *FREE_TEXT, *CRIME_REFS, *refs, "Norfolk Constabulary"]
    assert [p for p in personal if p.lower() in text] == []
    assert not re.search(r"[\w.+-]+@[\w-]+\.", text)  # no email address of any kind
    assert not re.search(r"rj-[a-z]+-\d{4}-\d+", text)
    assert not re.search(r"07700|\+447", text)


def csv_value(text, hub, month, figure, key=""):
    rows = list(csv.DictReader(io.StringIO(text)))
    return next(
        r["value"] for r in rows if (r["hub"], r["month"], r["figure"], r["key"]) == (hub, month, figure, key)
    )


def test_csv_shows_counts_below_five_as_less_than_five_and_others_exactly(scenario):
    report, _ = scenario
    text = render(report, "csv")
    assert csv_value(text, "NOR", "2026-03", "referrals") == "<5"
    assert csv_value(text, "NOR", "total", "referrals") == "7"
    assert csv_value(text, "SUF", "2026-03", "referrals") == "7"
    assert csv_value(text, "SUF", "2026-03", "withdrawn") == "<5"
    assert csv_value(text, "NOR", "2026-03", "role", "family") == "<5"
    assert csv_value(text, "NOR", "2026-03", "not_suitable_reason", "safety") == "<5"
    assert csv_value(text, "NOR", "2026-03", "ack_median_s") == "210"  # times are not counts
    assert csv_value(text, "NOR", "2026-04", "booked_median_s") == ""
    values = [r["value"] for r in csv.DictReader(io.StringIO(text))]
    assert not [v for v in values if v in {"0", "1", "2", "3", "4"}]


def test_json_is_exact_for_internal_use(scenario):
    report, _ = scenario
    data = json.loads(render(report, "json"))
    nor = data["hubs"][0]
    assert nor["months"][0]["referrals"] == 4
    assert nor["months"][0]["not_suitable_reasons"] == {"safety": 1}
    assert "<5" not in render(report, "json")


def test_html_is_one_accessible_self_contained_page_with_charts_and_tables(scenario):
    report, _ = scenario
    page = render(report, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page
    assert "@page { size: A4" in page
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(svgs) == 3
    for chart in svgs:
        assert re.search(r'role="img" aria-labelledby="[\w-]+-t [\w-]+-d"', chart)
        assert re.search(r"<title id=\"[\w-]+-t\">\w", chart)
    assert page.count("<table>") == 4
    assert '<th scope="col">' in page
    without_ns = re.sub(r'xmlns(:\w+)?="[^"]*"', "", page)
    assert not re.search(r"https?:|src=|<link|<script|@import", without_ns)


def test_html_tables_and_charts_show_small_counts_as_less_than_five(scenario):
    report, _ = scenario
    page = render(report, "html")
    tables = "".join(re.findall(r"<table>.*?</table>", page, flags=re.S))
    assert "<td>&lt;5</td>" in tables
    assert "<td>7</td>" in tables  # SUF March
    cells = re.findall(r"<td>([^<]*)</td>", tables)
    assert not [c for c in cells if c in {"0", "1", "2", "3", "4"}]
    referrals_chart = re.search(r'<svg role="img" aria-labelledby="referrals-t.*?</svg>', page, re.S)
    assert referrals_chart and "&lt;5" in referrals_chart.group(0)


def test_an_empty_period_renders_in_every_format(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'e.db'}")
    report = build_report(engine, period(date(2026, 1, 1), date(2026, 1, 31)), ["NOR"], None)
    assert json.loads(render(report, "json"))["hubs"][0]["totals"]["ack_median_s"] is None
    assert csv_value(render(report, "csv"), "NOR", "2026-01", "referrals") == "<5"
    assert render(report, "html").count("<svg") == 3
    engine.dispose()
