"""`rjmail report` on the command line: formats, --out, --hub and clear errors for bad input."""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import pytest

from tests.report_data import engine_for, load_scenario
from tests.support import run, write_config

FAKE_STACK = SimpleNamespace(PASSWORD="pw-not-used", host="127.0.0.1", smtp_port=2525, imap_port=1143)
HUBS = [
    {"code": "NOR", "name": "Norfolk RJ Hub", "user": "rj-nor"},
    {"code": "SUF", "name": "Suffolk RJ Hub", "user": "rj-suf", "signposting": "suffolk"},
]


@pytest.fixture
def config(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = engine_for(url)
    load_scenario(engine)
    engine.dispose()
    return write_config(tmp_path, FAKE_STACK, url, HUBS)


def test_json_goes_to_standard_output_by_default(config):
    code, out = run(config, "report", "--from", "2026-03-01", "--to", "2026-04-30")
    assert code == 0
    data = json.loads(out)
    assert [h["code"] for h in data["hubs"]] == ["NOR", "SUF"]
    assert data["hubs"][0]["totals"]["referrals"] == 7


def test_out_file_takes_its_format_from_the_suffix(config, tmp_path):
    target = tmp_path / "q1.csv"
    code, out = run(config, "report", "--from", "2026-03-01", "--to", "2026-04-30", "--out", str(target))
    assert (code, out) == (0, "")
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert {r["hub"] for r in rows} == {"NOR", "SUF"}
    page = tmp_path / "q1.html"
    assert run(config, "report", "--from", "2026-03-01", "--to", "2026-04-30", "--out", str(page))[0] == 0
    assert page.read_text().startswith("<!DOCTYPE html>")


def test_one_hub_in_any_letter_case(config):
    code, out = run(
        config, "report", "--from", "2026-03-01", "--to", "2026-03-31", "--hub", "suf", "--format", "csv"
    )
    assert code == 0
    assert {row["hub"] for row in csv.DictReader(io.StringIO(out))} == {"SUF"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "01/03/2026", "--to", "2026-03-31"], "--from must be a date written YYYY-MM-DD"),
        (["--from", "2026-03-01", "--to", "2026-02-30"], "--to must be a date written YYYY-MM-DD"),
        (["--from", "2026-03-31", "--to", "2026-03-01"], "is before --from"),
        (["--from", "2026-03-01", "--to", "2026-03-31", "--hub", "XYZ"], "unknown hub 'XYZ'; hubs: NOR, SUF"),
    ],
)
def test_bad_input_gets_a_clear_error_and_exit_1(config, capsys, args, message):
    code, out = run(config, "report", *args)
    assert (code, out) == (1, "")
    assert message in capsys.readouterr().err
