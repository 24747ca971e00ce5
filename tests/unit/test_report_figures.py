"""Report figures against hand-counted cases in the real tables (SQLite; PostgreSQL too when
RJMAIL_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from datetime import date

import pytest

from rjmail.core.figures import period
from rjmail.report.build import build_report
from rjmail.report.formats import report_json
from tests.report_data import Spec, add_case, engine_for, load_scenario


@pytest.fixture
def engine(db_url):
    engine = engine_for(db_url)
    yield engine
    engine.dispose()


def report(engine, first, last, hub=None):
    return report_json(build_report(engine, period(first, last), ["NOR", "SUF"], hub))


def test_figures_per_hub_and_month_match_the_hand_count(engine):
    load_scenario(engine)
    out = report(engine, date(2026, 3, 1), date(2026, 4, 30))
    assert (out["from"], out["to"]) == ("2026-03-01", "2026-04-30")
    nor, suf = out["hubs"]
    march, april = nor["months"]
    assert march["month"] == "2026-03"
    assert (march["referrals"], march["self"], march["professional"]) == (4, 3, 1)
    assert march["roles"] == {"victim": 1, "family": 1, "offender": 1, "unknown": 1}
    assert (march["ack_median_s"], march["ack_p95_s"], march["booked_median_s"]) == (210, 555, 172800)
    assert {k: v for k, v in march["outcomes"].items() if v} == {
        "new": 1,
        "call_booked": 1,
        "not_suitable": 1,
        "withdrawn": 1,
    }
    assert march["not_suitable_reasons"] == {"safety": 1}
    assert march["withdrawn"] == 1
    # Letters go by the month sent: the Feb 28 23:59 case's acknowledgement went on 1 March.
    assert march["languages"] == {"en": 4, "pl": 1}
    # The 23:30 UTC 31 March referral is 00:30 on 1 April in London.
    assert (april["referrals"], april["self"], april["professional"]) == (3, 2, 1)
    assert (april["ack_median_s"], april["ack_p95_s"], april["booked_median_s"]) == (60, 87, None)
    assert april["not_suitable_reasons"] == {"domestic-abuse": 1}
    assert april["languages"] == {"en": 1, "pl": 1}
    totals = nor["totals"]
    assert "month" not in totals
    assert (totals["referrals"], totals["self"], totals["professional"], totals["withdrawn"]) == (7, 5, 2, 1)
    assert (totals["ack_median_s"], totals["ack_p95_s"], totals["booked_median_s"]) == (105, 525, 172800)
    assert totals["outcomes"]["not_suitable"] == 2
    assert totals["not_suitable_reasons"] == {"domestic-abuse": 1, "safety": 1}
    assert suf["code"] == "SUF"
    assert (suf["totals"]["referrals"], suf["totals"]["withdrawn"]) == (1, 1)
    assert suf["totals"]["outcomes"]["closed"] == 1  # withdrawn, then closed: still a withdrawal
    assert suf["months"][1]["referrals"] == 0


def test_every_month_has_the_schema_of_the_spec(engine):
    load_scenario(engine)
    out = report(engine, date(2026, 3, 1), date(2026, 4, 30))
    keys = {
        "referrals",
        "self",
        "professional",
        "roles",
        "ack_median_s",
        "ack_p95_s",
        "booked_median_s",
        "outcomes",
        "not_suitable_reasons",
        "withdrawn",
        "languages",
    }
    assert set(out) == {"from", "to", "hubs"}
    for hub in out["hubs"]:
        assert set(hub) == {"code", "months", "totals"}
        assert set(hub["totals"]) == keys
        assert all(set(m) == keys | {"month"} for m in hub["months"])


def test_an_empty_period_gives_zero_counts_and_no_times(engine):
    load_scenario(engine)
    out = report(engine, date(2025, 1, 1), date(2025, 2, 28))
    assert [h["code"] for h in out["hubs"]] == ["NOR", "SUF"]
    for hub in out["hubs"]:
        assert [m["month"] for m in hub["months"]] == ["2025-01", "2025-02"]
        for cell in [*hub["months"], hub["totals"]]:
            assert (cell["referrals"], cell["withdrawn"]) == (0, 0)
            assert (cell["ack_median_s"], cell["ack_p95_s"], cell["booked_median_s"]) == (None, None, None)
            assert cell["not_suitable_reasons"] == {} and cell["languages"] == {}


def test_a_referral_late_on_31_may_utc_counts_in_june_in_london(engine):
    with engine.begin() as conn:
        add_case(conn, Spec("NOR", "2026-05-31T22:59:00", ack_s=None))  # 23:59 BST: May
        add_case(conn, Spec("NOR", "2026-05-31T23:30:00", ack_s=None))  # 00:30 BST: June
        add_case(conn, Spec("NOR", "2026-03-29T00:30:00", ack_s=None))  # before the clocks went forward
        add_case(conn, Spec("NOR", "2026-03-29T01:30:00", ack_s=None))  # after: both still March
    out = report(engine, date(2026, 3, 1), date(2026, 6, 30), hub="NOR")
    assert [h["code"] for h in out["hubs"]] == ["NOR"]
    counts = {m["month"]: m["referrals"] for m in out["hubs"][0]["months"]}
    assert counts == {"2026-03": 2, "2026-04": 0, "2026-05": 1, "2026-06": 1}


def test_the_period_starts_at_midnight_london_time_not_utc(engine):
    with engine.begin() as conn:
        add_case(conn, Spec("NOR", "2026-03-31T22:59:00", ack_s=None))  # 23:59 on 31 March BST
        add_case(conn, Spec("NOR", "2026-03-31T23:00:00", ack_s=None))  # 00:00 on 1 April BST
    out = report(engine, date(2026, 4, 1), date(2026, 4, 30))
    assert out["hubs"][0]["totals"]["referrals"] == 1


def test_only_the_latest_not_suitable_reason_of_a_case_counts(engine):
    from sqlalchemy import insert

    from tests.report_data import AUDIT, utc

    with engine.begin() as conn:
        ref = add_case(conn, Spec("NOR", "2026-03-02T10:00:00", status="not_suitable", reason="safety"))
        conn.execute(
            insert(AUDIT).values(
                at=utc("2026-03-20T10:00:00"),
                actor="advisor:a@example.org",
                action="change",
                case_ref=ref,
                reason="status in_progress -> not_suitable: #not-suitable other",
            )
        )
        add_case(conn, Spec("NOR", "2026-03-03T10:00:00", status="in_progress", reason="safety"))  # reopened
    out = report(engine, date(2026, 3, 1), date(2026, 3, 31))
    assert out["hubs"][0]["totals"]["not_suitable_reasons"] == {"other": 1}


def test_letters_not_yet_sent_and_advisor_mail_are_not_counted(engine):
    from tests.report_data import letter, utc

    with engine.begin() as conn:
        add_case(conn, Spec("SUF", "2026-03-02T10:00:00", ack_s=30))
        letter(conn, 1, "SUF", "call_offer", utc("2026-03-02T10:05:00"), 1, status="failed")
        letter(conn, 1, "SUF", "call_offer", None, 1, status="pending")
    out = report(engine, date(2026, 3, 1), date(2026, 3, 31), hub="suf".upper())
    assert out["hubs"][0]["totals"]["languages"] == {"en": 1}


def test_a_report_reads_a_snapshot_while_intake_holds_the_write_lock(tmp_path):
    import sqlite3
    import time

    engine = engine_for(f"sqlite:///{tmp_path / 'rj.db'}")
    load_scenario(engine)
    before = report(engine, date(2026, 3, 1), date(2026, 4, 30))
    intake = sqlite3.connect(tmp_path / "rj.db", isolation_level=None)
    intake.execute("BEGIN IMMEDIATE")  # a running daemon in the middle of a message
    intake.execute("DELETE FROM outbox")
    started = time.monotonic()
    assert report(engine, date(2026, 3, 1), date(2026, 4, 30)) == before  # what was committed
    assert time.monotonic() - started < 5  # taking the write lock would wait 30 s, then fail
    intake.execute("ROLLBACK")
    engine.dispose()
