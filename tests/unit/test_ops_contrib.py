"""The shipped alert rules and dashboard only query metrics rjmail exports (issue 16)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rjmail.adapters.metrics import Metrics

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
DATABASE_GAUGES = {"rjmail_outbox_pending", "rjmail_quarantined"}


def exported() -> set[str]:
    names = set(DATABASE_GAUGES)
    metrics = Metrics()
    metrics.init_hubs(["NOR"])
    for family in metrics.registry.collect():
        suffixes = SUFFIXES.get(family.type, ("",))
        names.update(family.name + suffix for suffix in suffixes)
    return names


def queried(text: str) -> set[str]:
    return set(re.findall(r"\brjmail_[a-z_]+", text))


def test_alert_rules_use_exported_metrics_and_cover_the_four_alerts():
    text = (ROOT / "contrib" / "prometheus" / "rjmail-alerts.yml").read_text()
    assert queried(text) and queried(text) <= exported() | {
        "rjmail_leader",
        "rjmail_last_poll_timestamp_seconds",
        "rjmail_backlog",
    }
    for alert in ("RjmailBacklogGrowing", "RjmailFailedLetters", "RjmailNoPoll", "RjmailLeaderMissing"):
        assert f"alert: {alert}" in text


def test_dashboard_is_valid_json_and_queries_exported_metrics():
    dash = json.loads((ROOT / "contrib" / "grafana" / "rjmail-dashboard.json").read_text())
    exprs = " ".join(t["expr"] for p in dash["panels"] for t in p["targets"])
    assert queried(exprs) <= exported() | {
        "rjmail_leader",
        "rjmail_last_poll_timestamp_seconds",
        "rjmail_backlog",
    }
    assert {"rjmail_ack_latency_seconds_bucket", "rjmail_messages_total", "rjmail_letters_total"} <= queried(
        exprs
    )


def test_no_metric_has_a_label_that_could_carry_personal_data():
    labels = {label for family in Metrics().registry.collect() for s in family.samples for label in s.labels}
    metrics = Metrics()
    metrics.init_hubs(["NOR"])
    for family in metrics.registry.collect():
        labels.update(label for s in family.samples for label in s.labels)
    assert labels <= {"hub", "classification", "kind", "result", "le"}
