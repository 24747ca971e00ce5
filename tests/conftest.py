"""Fixtures: the real mail stack (Dovecot + SMTP sink), databases (SQLite, PostgreSQL when
RJMAIL_TEST_DATABASE_URL is set) and per-test hub mailboxes."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import unique

PG_URL = os.environ.get("RJMAIL_TEST_DATABASE_URL")
LOG_COPY = Path(tempfile.mkdtemp(prefix="rjmail-logs-")) / "all.jsonl"
os.environ["RJMAIL_LOG_COPY"] = str(LOG_COPY)  # every rjmail process of this run, subprocesses too


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Privacy sweep: no name, address, phone number or body line of the test data in any log line."""
    from tests.privacy_terms import leaked_terms

    if not LOG_COPY.exists():
        return
    leaks = leaked_terms(LOG_COPY.read_text(encoding="utf-8", errors="replace"))
    lines = len(LOG_COPY.read_text(encoding="utf-8", errors="replace").splitlines())
    print(f"\nprivacy sweep: {lines} log lines from the whole run scanned, {len(leaks)} leak(s)")
    if leaks:
        print("personal data found in logs: " + ", ".join(sorted(leaks)[:20]))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


DB_KINDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def mailstack() -> Iterator[Any]:
    from rjmail.devtools.mailstack import MailStack

    stack = MailStack().start()
    try:
        yield stack
    finally:
        stack.stop()


@contextmanager
def fresh_postgres(base_url: str) -> Iterator[str]:
    """A new, empty database per test, so tests (and parallel runs) never see each other's rows."""
    name = f"rjt_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=DB_KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgresql":
        assert PG_URL
        with fresh_postgres(PG_URL) as url:
            yield url
        return
    yield f"sqlite:///{tmp_path / 'rjmail.db'}"


@pytest.fixture
def hubs(mailstack: Any) -> list[dict[str, Any]]:
    """Two fresh hub mailboxes (and advisor/notify mailboxes) per test, so tests never share state."""
    nor, suf = unique("rj-nor-"), unique("rj-suf-")
    result = [
        {
            "code": "NOR",
            "name": "Norfolk RJ Hub",
            "user": nor,
            "signposting": "norfolk",
            "notify": unique("notify-nor-"),
            "advisors": [f"{unique('adv-nor-')}@example.org"],
        },
        {
            "code": "SUF",
            "name": "Suffolk RJ Hub",
            "user": suf,
            "signposting": "suffolk",
            "notify": unique("notify-suf-"),
            "advisors": [f"{unique('adv-suf-')}@example.org"],
        },
    ]
    for hub in result:
        mailstack.add_user(hub["user"])
        mailstack.add_user(hub["notify"])
        for adv in hub["advisors"]:
            mailstack.add_user(adv.split("@")[0])
    return result
