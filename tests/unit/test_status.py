"""`rjmail status`: backlog from one STATUS, health rules, exact JSON schema, readable text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rjmail.core import status as st

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
INTERVAL = 60


@dataclass
class Cp:
    uidvalidity: int
    last_uid: int


def hub(**kw) -> st.HubStatus:
    base = dict(
        code="NOR",
        leader=None,
        last_poll_at=NOW - timedelta(seconds=30),
        last_ok_at=NOW - timedelta(seconds=30),
        last_error=None,
        backlog=0,
        quarantined=0,
    )
    base.update(kw)
    return st.HubStatus(**base)


def test_backlog_counts_uids_above_the_checkpoint():
    assert st.backlog(uidnext=108, uidvalidity=7, checkpoint=Cp(7, 100), process_existing=True) == 7


def test_backlog_before_the_first_poll_is_everything_unless_old_mail_is_skipped():
    assert st.backlog(8, 7, None, process_existing=True) == 7
    assert st.backlog(8, 7, None, process_existing=False) == 0


def test_backlog_after_a_uidvalidity_change_is_the_whole_folder():
    assert st.backlog(8, 9, Cp(7, 100), process_existing=True) == 7


def test_backlog_never_goes_negative():
    assert st.backlog(5, 7, Cp(7, 100), process_existing=True) == 0


def test_healthy_hub_has_no_problems_and_exit_0():
    assert st.problems(hub(), NOW, INTERVAL) == []
    assert st.exit_code([hub()], NOW, INTERVAL) == 0


def test_a_poll_error_a_failed_letter_or_an_unknown_backlog_is_unhealthy():
    assert st.exit_code([hub(last_error="IMAP connection failed")], NOW, INTERVAL) == 1
    assert st.exit_code([hub(outbox=st.OutboxCounts(failed=1))], NOW, INTERVAL) == 1
    assert st.exit_code([hub(backlog=None, backlog_error="refused")], NOW, INTERVAL) == 1


def test_a_backlog_is_unhealthy_only_without_a_successful_poll_for_ten_intervals():
    fresh = hub(backlog=3, last_ok_at=NOW - timedelta(seconds=9 * INTERVAL))
    stale = hub(backlog=3, last_ok_at=NOW - timedelta(seconds=11 * INTERVAL))
    never = hub(backlog=3, last_ok_at=None, last_poll_at=None)
    assert st.exit_code([fresh], NOW, INTERVAL) == 0
    assert st.exit_code([stale], NOW, INTERVAL) == 1
    assert st.exit_code([never], NOW, INTERVAL) == 1
    assert st.exit_code([hub(backlog=0, last_ok_at=None)], NOW, INTERVAL) == 0


def test_quarantined_mail_alone_does_not_fail_the_check():
    assert st.exit_code([hub(quarantined=4)], NOW, INTERVAL) == 0


def test_one_unhealthy_hub_fails_the_whole_status():
    assert st.exit_code([hub(), hub(code="SUF", last_error="x")], NOW, INTERVAL) == 1


def test_json_has_exactly_the_spec_schema():
    pending = datetime(2026, 12, 6, 11, 0, tzinfo=UTC)
    doc = st.as_json([hub(leader=True, backlog=2, quarantined=1, outbox=st.OutboxCounts(1, 2, 3, pending))])
    assert doc == {
        "hubs": [
            {
                "code": "NOR",
                "leader": True,
                "last_poll_at": "2026-12-06T11:59:30Z",
                "last_error": None,
                "backlog": 2,
                "quarantined": 1,
                "outbox": {
                    "pending": 1,
                    "sending": 2,
                    "failed": 3,
                    "oldest_pending_at": "2026-12-06T11:00:00Z",
                },
            }
        ]
    }


def test_json_unknown_backlog_is_null_with_the_reason_as_error():
    [doc] = st.as_json([hub(backlog=None, backlog_error="status could not ask the mailbox: refused")])["hubs"]
    assert doc["backlog"] is None
    assert doc["last_error"] == "status could not ask the mailbox: refused"


def test_text_names_every_figure_and_each_problem():
    text = st.as_text(
        [hub(leader=False, backlog=5, last_ok_at=None, outbox=st.OutboxCounts(failed=2))], NOW, INTERVAL
    )
    assert "NO INSTANCE LEADS THIS HUB" in text
    assert "5 message(s) above the checkpoint" in text
    assert "PROBLEM: 2 failed letter(s)" in text
    assert "PROBLEM: 5 message(s) waiting" in text
    assert text.endswith("UNHEALTHY: see PROBLEM lines above")


def test_text_of_a_healthy_single_instance():
    text = st.as_text([hub()], NOW, INTERVAL)
    assert "single instance (SQLite)" in text and "2026-12-06T11:59:30Z ok" in text
    assert text.endswith("healthy") and "PROBLEM" not in text
