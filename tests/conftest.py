"""Fixtures: the real mail stack (Dovecot + SMTP sink), databases (SQLite, PostgreSQL when
RJMAIL_TEST_DATABASE_URL is set) and per-test hub mailboxes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.support import unique

PG_URL = os.environ.get("RJMAIL_TEST_DATABASE_URL")
DB_KINDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def mailstack() -> Iterator[Any]:
    from rjmail.devtools.mailstack import MailStack

    stack = MailStack().start()
    try:
        yield stack
    finally:
        stack.stop()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=DB_KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        assert PG_URL
        _reset_postgres(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path / 'rjmail.db'}"


@pytest.fixture
def hubs(mailstack: Any) -> list[dict[str, Any]]:
    """Two fresh hub mailboxes (and advisor/notify mailboxes) per test, so tests never share state."""
    nor, suf = unique("rj-nor-"), unique("rj-suf-")
    result = [
        {"code": "NOR", "name": "Norfolk RJ Hub", "user": nor, "signposting": "norfolk",
         "notify": unique("notify-nor-"), "advisors": [f"{unique('adv-nor-')}@example.org"]},
        {"code": "SUF", "name": "Suffolk RJ Hub", "user": suf, "signposting": "suffolk",
         "notify": unique("notify-suf-"), "advisors": [f"{unique('adv-suf-')}@example.org"]},
    ]
    for hub in result:
        mailstack.add_user(hub["user"])
        mailstack.add_user(hub["notify"])
        for adv in hub["advisors"]:
            mailstack.add_user(adv.split("@")[0])
    return result
