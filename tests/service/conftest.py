"""A hub desk on SQLite with no mail servers: case operations are called directly, in a
CaseContext, and the tests read the rows they leave (case, timeline, outbox, offers, bookings)."""

from __future__ import annotations

import email
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import pytest
from sqlmodel import Session, col, select

from rjmail.adapters import db, store
from rjmail.adapters.tables import Case, Message, OutboxItem
from rjmail.cases import inbound
from rjmail.cases.context import CaseContext
from rjmail.core.domain import MailboxPosition
from rjmail.core.parse import parse
from rjmail.runtime import build_runtime
from rjmail.settings import load
from tests.support import referral, write_config

T = TypeVar("T")
# A Monday morning: with 24 hours' notice the first free call times are on Tuesday.
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ADVISOR = "advisor-one@example.org"
PERSON = "robin@example.test"
TRUSTED_PASS = "mx.example.org; dmarc=pass header.from=example.org; spf=pass"
ALL_WEEK = (
    "[hubs.calls]\nslot_minutes = 30\noffer_count = 3\nmin_notice_hours = 24\n"
    'hours = { mon = ["09:00-17:00"], tue = ["09:00-17:00"], wed = ["09:00-17:00"], '
    'thu = ["09:00-17:00"], fri = ["09:00-17:00"] }\n'
)
CALL_ME = (
    "Hello,\n\nSomeone damaged my car last month. Please call me on 07700 900321, "
    "I am happy to talk on the phone.\n\nThanks,\nRobin"
)
# The servers are never contacted: the desk calls the case operations, not intake or delivery.
NO_SERVERS = SimpleNamespace(PASSWORD="unused", host="127.0.0.1", smtp_port=9, imap_port=9)


class Desk:
    """One hub (NOR) with one advisor, its database, and a clock that stands still."""

    def __init__(
        self, tmp_path: Path, calls: str = ALL_WEEK, service: str = "", advisors: tuple[str, ...] = (ADVISOR,)
    ) -> None:
        hub = {
            "code": "NOR",
            "name": "Norfolk RJ Hub",
            "user": "rj-nor",
            "advisors": list(advisors),
            "extra": calls,
        }
        self.config = write_config(
            tmp_path, NO_SERVERS, f"sqlite:///{tmp_path / 'desk.db'}", [hub], extra_service=service
        )
        settings = load(self.config)
        db.upgrade(db.make_engine(settings.database_url))
        self.rt = build_runtime(settings)
        self.now = MONDAY
        self.rt.now = lambda: self.now
        self.hub = settings.hubs[0]
        self.uid = 0

    def run(self, operation: Callable[[CaseContext], T]) -> T:
        """One transaction, as intake would open it."""
        with Session(self.rt.engine, expire_on_commit=False) as s, s.begin():
            return operation(CaseContext(s, self.rt, self.hub, self.now))

    def receive(self, raw: bytes) -> inbound.Filed:
        """File one message and write its ledger row, as intake does (duplicates are found there)."""
        self.uid += 1
        pos = MailboxPosition("NOR", "INBOX", 1, self.uid)

        def filed(ctx: CaseContext) -> inbound.Filed:
            mail = parse(raw)
            result = inbound.file_message(ctx, mail, raw)
            store.record_intake(
                ctx.session, pos, mail.message_id, result.action, result.reason, result.case, ctx.now
            )
            return result

        return self.run(filed)

    def refer(self, body: str = "", frm: str = PERSON) -> str:
        filed = self.receive(referral(frm, "rj-nor@example.org", name="Robin Testperson", body=body))
        assert filed.case is not None
        return filed.case.ref

    def case(self, ref: str) -> Case:
        with Session(self.rt.engine) as s:
            case = s.exec(select(Case).where(Case.ref == ref)).one()
            s.expunge(case)
            return case

    def letters(self, to: str | None = None) -> list[OutboxItem]:
        with Session(self.rt.engine) as s:
            rows = s.exec(select(OutboxItem).order_by(col(OutboxItem.id))).all()
            return [r for r in rows if to is None or r.to_addr == to]

    def text(self, item: OutboxItem) -> str:
        """The plain-text body of a queued letter."""
        msg = email.message_from_bytes(item.raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        body = msg.get_body(("plain",))
        assert isinstance(body, EmailMessage)
        return str(body.get_content())

    def kinds(self, to: str | None = None) -> list[str]:
        return [r.kind for r in self.letters(to)]

    def latest(self, kind: str) -> OutboxItem:
        return [r for r in self.letters() if r.kind == kind][-1]

    def timeline(self, ref: str) -> list[tuple[str, str]]:
        case = self.case(ref)
        with Session(self.rt.engine) as s:
            rows = s.exec(select(Message).where(Message.case_id == case.id).order_by(col(Message.id))).all()
            return [(m.direction, m.kind) for m in rows]

    def person_reply(self, body: str, parent: OutboxItem, frm: str = PERSON) -> inbound.Filed:
        headers = {"In-Reply-To": parent.message_id, "References": parent.message_id}
        return self.receive(
            referral(
                frm,
                "rj-nor@example.org",
                subject=f"Re: {parent.subject}",
                body=body,
                name="Robin Testperson",
                headers=headers,
            )
        )

    def advisor_reply(self, body: str, **extra: Any) -> inbound.Filed:
        parent = self.latest("notification")
        headers = {
            "In-Reply-To": parent.message_id,
            "References": parent.message_id,
            "Authentication-Results": TRUSTED_PASS,
        }
        return self.receive(
            referral(
                ADVISOR,
                "rj-nor@example.org",
                subject=f"Re: {parent.subject}",
                body=body,
                name="Advisor One",
                headers=headers,
                **extra,
            )
        )


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path)
