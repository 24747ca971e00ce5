"""Hostile input on the real stack: oversized and over-nested mail is quarantined, never lost."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.support import referral, run, unique, write_config

pytestmark = pytest.mark.integration
LIMITS = "max_message_bytes = 20000\nmax_mime_depth = 4\nmax_parts = 20"


def _nested(depth: int) -> bytes:
    inner = EmailMessage()
    inner["Subject"] = "inner"
    inner.set_content("hello")
    for _ in range(depth):
        outer = EmailMessage()
        outer["From"] = "Nest Person <nest@example.test>"
        outer["Subject"] = "Nested"
        outer.make_mixed()
        outer.attach(inner)
        inner = outer
    inner["Message-ID"] = "<nested@example.test>"
    return inner.as_bytes()


def _quarantine(db_url: str) -> list[tuple[str, int]]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT reason, size FROM quarantine ORDER BY id"))
            return [(r[0], r[1]) for r in rows]
    finally:
        engine.dispose()


def test_over_limit_mail_is_quarantined_and_advisors_told(
    tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]
) -> None:
    """A message over max_message_bytes or max_mime_depth is quarantined with its reason; the
    mailbox keeps it; a normal referral in the same cycle is still answered."""
    config = write_config(tmp_path, mailstack, db_url, hubs, extra_service=LIMITS)
    assert run(config, "db", "upgrade")[0] == 0
    person = unique("person-")
    mailstack.add_user(person)
    hub = hubs[0]
    mailstack.append(hub["user"], referral("big@example.test", "x@example.org", body="x" * 30000))
    mailstack.append(hub["user"], _nested(8))
    mailstack.append(hub["user"], referral(f"{person}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    reasons = _quarantine(db_url)
    assert len(reasons) == 2
    assert "max_message_bytes" in reasons[0][0] and reasons[0][1] > 20000
    assert "max_mime_depth" in reasons[1][0] or "max_parts" in reasons[1][0]
    code, out = run(config, "cases", "export", "--format", "json")
    assert code == 0
    assert [c["referrer_email"] for c in json.loads(out)] == [f"{person}@example.test"]
    assert len(mailstack.fetch_all(hub["notify"])) == 3  # two quarantine notices, one new case
    assert len(mailstack.fetch_all(hub["user"])) >= 3
