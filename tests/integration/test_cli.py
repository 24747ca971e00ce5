"""The operator's command line on the real stack: check, templates preview, cases, audit,
retention, and clear exits for a bad config."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from rjmail import cli
from tests.support import new_person, referral, run, setup_config, write_config

pytestmark = pytest.mark.integration


def _one_case(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]], **kw: Any
) -> tuple[Path, str]:
    """A config with one referral taken in; returns (config, case reference)."""
    config = setup_config(tmp_path, mailstack, db_url, hubs, **kw)
    person = new_person(mailstack)
    mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", f"{hubs[0]['user']}@example.org"))
    assert run(config, "run", "--once")[0] == 0
    code, out = run(config, "cases", "export", "--format", "json")
    assert code == 0
    (case,) = json.loads(out)
    return config, case["ref"]


def _text_lines(out: str) -> list[str]:
    """The command's own output, without the JSON log lines that share stdout."""
    return [line for line in out.splitlines() if not line.startswith("{")]


# --------------------------------------------------------------------------- rjmail check


def test_check_passes_on_a_healthysetup_config(tmp_path, mailstack, db_url, hubs):
    """`rjmail check` connects to every server, finds the schema current and exits 0."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    code, out = run(config, "check")
    lines = _text_lines(out)
    assert code == 0, out
    assert any(line.startswith("ok") and "config" in line for line in lines)
    assert any(line.startswith("ok") and "database schema is current" in line for line in lines)
    for hub in ("NOR", "SUF"):
        assert any(line.startswith("ok") and f"{hub}: IMAP" in line for line in lines), out
    assert any(line.startswith("ok") and "SMTP" in line for line in lines)
    assert not any(line.startswith("PROBLEM") for line in lines)
    assert "0 problem(s)" in out
    # The shipped catalogues are first drafts: check says so for every enabled language.
    for lang in ("pl", "lt", "ro", "pt"):
        assert any(
            line.startswith("WARNING") and f"letters in '{lang}': awaiting review" in line for line in lines
        ), out


def test_check_names_the_hub_with_a_wrong_imap_password(tmp_path, mailstack, db_url, hubs):
    """A hub that cannot log in makes `check` fail, naming that hub; the other hub still checks out."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    wrong = tmp_path / "wrong-password"
    wrong.write_text("not-the-password")
    wrong.chmod(0o600)
    text = config.read_text()
    nor_login = f'username = "{hubs[0]["user"]}"\npassword_file = "{tmp_path / "imap-password"}"'
    assert nor_login in text
    config.write_text(text.replace(nor_login, f'username = "{hubs[0]["user"]}"\npassword_file = "{wrong}"'))
    code, out = run(config, "check")
    assert code != 0
    problems = [line for line in _text_lines(out) if line.startswith("PROBLEM")]
    assert problems and all("NOR" in line for line in problems), out
    assert any("login" in line.lower() for line in problems)
    assert any(line.startswith("ok") and "SUF: IMAP" in line for line in _text_lines(out))
    assert "not-the-password" not in out


def test_check_without_the_schema_fails(tmp_path, mailstack, db_url, hubs):
    """Before `rjmail db upgrade`, check says the database is not ready."""
    config = write_config(tmp_path, mailstack, db_url, hubs)
    code, out = run(config, "check")
    assert code != 0
    assert any(line.startswith("PROBLEM") for line in _text_lines(out))


def test_check_reports_an_old_message_with_no_intake_record(tmp_path, mailstack, db_url, hubs):
    """A message older than one poll interval that rjmail never took in is reported until it is."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    person = new_person(mailstack)
    raw = referral(f"{person}@example.test", f"{hubs[1]['user']}@example.org")
    with mailstack.imap(hubs[1]["user"]) as client:
        client.append("INBOX", raw, msg_time=datetime.now(UTC) - timedelta(hours=2))

    code, out = run(config, "check")
    assert code != 0
    problems = [line for line in _text_lines(out) if line.startswith("PROBLEM")]
    assert len(problems) == 1, out
    assert "SUF" in problems[0] and "no intake record" in problems[0]
    assert re.search(r"1 message\(s\)", problems[0])

    assert run(config, "run", "--once")[0] == 0
    code, out = run(config, "check")
    assert code == 0, out
    assert any("SUF: every message in INBOX is accounted for" in line for line in _text_lines(out))


def test_check_ignores_a_message_younger_than_one_poll_interval(tmp_path, mailstack, db_url, hubs):
    """A message that just arrived is not a problem yet: the next poll will take it."""
    config = setup_config(tmp_path, mailstack, db_url, hubs, extra_service="")
    text = config.read_text().replace("poll_interval_seconds = 2", "poll_interval_seconds = 600")
    config.write_text(text)
    person = new_person(mailstack)
    mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org"))
    code, out = run(config, "check")
    assert code == 0, out


# --------------------------------------------------------------------------- templates preview


def test_templates_preview_prints_the_plain_letter(tmp_path, mailstack, db_url, hubs):
    """`templates preview acknowledgement --hub SUF` prints the subject and plain text for that hub."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    code, out = run(config, "templates", "preview", "acknowledgement", "--hub", "SUF")
    assert code == 0
    assert out.startswith("Subject: Suffolk RJ Hub [RJ-SUF-")
    assert "Thank you for writing to us" in out
    assert "999" in out
    assert "<p>" not in out


def test_templates_preview_html(tmp_path, mailstack, db_url, hubs):
    """`--html` prints the HTML part of the same letter."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    code, out = run(config, "templates", "preview", "acknowledgement", "--hub", "SUF", "--html")
    assert code == 0
    assert out.startswith("Subject: Suffolk RJ Hub [RJ-SUF-")
    assert "<html" in out.lower() and "<p>" in out
    assert "Thank you for writing to us" in out


@pytest.mark.parametrize(
    "name",
    [
        "call_offer",
        "booking_confirmation",
        "not_suitable",
        "call_arrange",
        "offer_closed",
        "withdrawal_confirmation",
        "notification",
        "introduction",
        "referral_acknowledgement",
        "referrer_update",
    ],
)
def test_templates_preview_renders_each_letter(tmp_path, mailstack, db_url, hubs, name):
    """Every letter kind named in the case JSON, and the advisor notification, previews."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    code, out = run(config, "templates", "preview", name)
    assert code == 0
    assert out.startswith("Subject: ")
    assert "RJ-NOR-" in out


# --------------------------------------------------------------------------- cases and audit


def test_cases_list_shows_the_case(tmp_path, mailstack, db_url, hubs):
    """`cases list` prints a table with the reference, hub and status, filtered by hub."""
    config, ref = _one_case(tmp_path, mailstack, db_url, hubs)
    code, out = run(config, "cases", "list")
    assert code == 0
    lines = _text_lines(out)
    assert lines[0].split()[:3] == ["REF", "HUB", "STATUS"]
    row = next(line for line in lines if line.startswith(ref))
    assert row.split()[1:3] == ["NOR", "new"]
    code, out = run(config, "cases", "list", "--hub", "SUF")
    assert code == 0 and ref not in out
    code, out = run(config, "cases", "list", "--status", "new")
    assert code == 0 and ref in out


def test_cases_show_prints_the_timeline_and_is_audited(tmp_path, mailstack, db_url, hubs):
    """`cases show REF` prints the case and timeline and records a consultation in the audit trail."""
    config, ref = _one_case(tmp_path, mailstack, db_url, hubs)
    code, before = run(config, "audit", ref)
    assert code == 0
    assert "consultation" not in before

    code, out = run(config, "cases", "show", ref)
    assert code == 0
    assert f"ref: {ref}" in out
    assert "timeline:" in out
    assert "referral" in out and "acknowledgement" in out

    code, trail = run(config, "audit", ref)
    assert code == 0
    consultations = [line for line in _text_lines(trail) if "consultation" in line]
    assert len(consultations) == 1
    assert ref in consultations[0] and "operator:" in consultations[0]
    assert "cases show" in consultations[0]


def test_cases_show_unknown_reference(tmp_path, mailstack, db_url, hubs, capsys):
    """An unknown reference exits 1 with a message, and nothing is audited."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    assert cli.main(["--config", str(config), "cases", "show", "RJ-NOR-2026-9999"]) == 1
    assert "no case RJ-NOR-2026-9999" in capsys.readouterr().err


def test_audit_without_reference_lists_all_entries(tmp_path, mailstack, db_url, hubs):
    """`rjmail audit` with no reference prints the whole trail, including the case's collection."""
    config, ref = _one_case(tmp_path, mailstack, db_url, hubs)
    code, out = run(config, "audit")
    assert code == 0
    assert ref in out


# --------------------------------------------------------------------------- bad config


def test_bad_config_exits_2_naming_key_and_file(tmp_path, mailstack, db_url, hubs, capsys):
    """A config mistake exits 2 and stderr names the key path and the file."""
    config = write_config(tmp_path, mailstack, db_url, hubs)
    config.write_text(
        config.read_text().replace(
            f'host = "{mailstack.host}"\nport = {mailstack.imap_port}', f"port = {mailstack.imap_port}", 1
        )
    )
    capsys.readouterr()
    assert cli.main(["--config", str(config), "check"]) == 2
    err = capsys.readouterr().err
    assert "hubs[0].imap.host" in err
    assert str(config) in err


def test_unknown_key_exits_2(tmp_path, mailstack, db_url, hubs, capsys):
    """A typo in a key is a configuration error, not silently ignored."""
    config = write_config(tmp_path, mailstack, db_url, hubs)
    config.write_text(config.read_text().replace("idle = false", "idle = false\npoll_intervall = 5"))
    capsys.readouterr()
    assert cli.main(["--config", str(config), "cases", "list"]) == 2
    err = capsys.readouterr().err
    assert "service.poll_intervall" in err and str(config) in err


def test_missing_config_file_exits_2(tmp_path, capsys):
    """A config path that does not exist exits 2 and names it."""
    missing = tmp_path / "nope.toml"
    assert cli.main(["--config", str(missing), "check"]) == 2
    assert str(missing) in capsys.readouterr().err


# --------------------------------------------------------------------------- retention


def test_retention_dry_run_lists_nothing_for_fresh_cases(tmp_path, mailstack, db_url, hubs):
    """Fresh (open) cases are never due for anonymisation."""
    config, ref = _one_case(tmp_path, mailstack, db_url, hubs, extra_service="retention_days = 30")
    code, out = run(config, "retention", "--dry-run")
    assert code == 0
    assert ref not in out
    assert "0 case(s) due" in out
    code, out = run(config, "cases", "export", "--format", "json")
    assert json.loads(out)[0]["referrer_email"]  # nothing was erased


def test_retention_without_a_configured_period_refuses(tmp_path, mailstack, db_url, hubs, capsys):
    """No retention period is assumed safe: without retention_days the command is a config error."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    capsys.readouterr()
    assert cli.main(["--config", str(config), "retention", "--dry-run"]) == 2
    assert "service.retention_days" in capsys.readouterr().err
