"""`rjmail report` on the real stack: referrals through Dovecot and SMTP, advisor commands and a
withdrawal by reply, then the figures in every format without personal data."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support import export_cases, inbox, new_person, referral, run, setup_config

pytestmark = pytest.mark.integration
TRUSTED_PASS = "mx.example.org; dmarc=pass header.from=example.org; spf=pass"
NAMES = [f"Alex Testperson{chr(65 + i)}" for i in range(14)]


def test_report_counts_referrals_and_outcomes_and_hides_people(tmp_path, mailstack, db_url, hubs):
    """14 referrals, 2 not suitable, 1 withdrawn: exact JSON, '<5' in CSV, charts and no one in HTML."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    nor = hubs[0]
    people = [new_person(mailstack) for _ in NAMES]
    for person, name in zip(people, NAMES, strict=True):
        mailstack.append(nor["user"], referral(f"{person}@example.test", "x@example.org", name=name))
    assert run(config, "run", "--once")[0] == 0
    cases = {c["referrer_email"].split("@")[0]: c for c in export_cases(config)}
    notes = inbox(mailstack, nor["notify"])
    for person, code in ((people[0], "safety"), (people[1], "other-party-declined")):
        note = next(n for n in notes if cases[person]["ref"] in n["Subject"])
        mailstack.append(
            nor["user"],
            referral(
                nor["advisors"][0],
                "x@example.org",
                subject=f"Re: {note['Subject']}",
                name="Advisor One",
                body=f"#not-suitable {code}\n",
                headers={
                    "In-Reply-To": note["Message-ID"],
                    "References": note["Message-ID"],
                    "Authentication-Results": TRUSTED_PASS,
                },
            ),
        )
    ack = inbox(mailstack, people[2])[0]
    mailstack.append(
        nor["user"],
        referral(
            f"{people[2]}@example.test",
            "x@example.org",
            subject=f"Re: {ack['Subject']}",
            name=NAMES[2],
            body="Please withdraw my referral. Thank you.",
            headers={"In-Reply-To": ack["Message-ID"], "References": ack["Message-ID"]},
        ),
    )
    assert run(config, "run", "--once")[0] == 0

    today = datetime.now(ZoneInfo("Europe/London")).date()
    first, last = today - timedelta(days=40), today + timedelta(days=1)
    span = ["--from", first.isoformat(), "--to", last.isoformat()]
    code, out = run(config, "report", *span, "--format", "json")
    assert code == 0
    nor_report = json.loads(out)["hubs"][0]
    totals = nor_report["totals"]
    assert (nor_report["code"], totals["referrals"], totals["self"]) == ("NOR", 14, 14)
    assert totals["outcomes"]["not_suitable"] == 2 and totals["outcomes"]["withdrawn"] == 1
    assert totals["not_suitable_reasons"] == {"safety": 1, "other-party-declined": 1}
    assert totals["withdrawn"] == 1
    assert totals["ack_median_s"] is not None and totals["ack_median_s"] >= 0
    assert sum(m["referrals"] for m in nor_report["months"]) == 14

    assert run(config, "report", *span, "--out", str(tmp_path / "r.html"))[0] == 0
    assert run(config, "report", *span, "--out", str(tmp_path / "r.csv"))[0] == 0
    page, table = (tmp_path / "r.html").read_text(), (tmp_path / "r.csv").read_text()
    assert page.count("<svg") == 3
    rows = list(csv.DictReader(io.StringIO(table)))
    value = {(r["hub"], r["month"], r["figure"], r["key"]): r["value"] for r in rows}
    assert value[("NOR", "total", "referrals", "")] == "14"
    assert value[("NOR", "total", "outcome", "not_suitable")] == "<5"
    assert value[("NOR", "total", "withdrawn", "")] == "<5"
    for text in (out, page, table):
        assert not [c["ref"] for c in cases.values() if c["ref"] in text]
        assert not [n for n in NAMES if n in text]
        assert not [p for p in people if p in text]
        assert not re.search(r"[\w.+-]+@[\w-]+\.", text)
