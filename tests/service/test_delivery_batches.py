"""Batched delivery (issue 17): the feeder claims a few letters at once and records what the workers
did in one transaction, without ever sending a letter twice, losing one, or sending a person's
letters out of order. No servers: the sender is our own port, faked."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from rjmail import delivery, intake
from rjmail.adapters import outbox, queueing
from rjmail.adapters.mailbox import Fetched
from rjmail.cases import inbound
from rjmail.cases.context import CaseContext
from rjmail.core import signing
from rjmail.core.domain import MailboxPosition
from rjmail.core.parse import parse
from rjmail.errors import TransientError
from tests.service.conftest import Desk
from tests.support import referral


class Recorder:
    """What would have been sent, in the order the server accepted it."""

    def __init__(self, sent: list[tuple[str, ...]], lock: threading.Lock) -> None:
        self.sent, self.lock = sent, lock

    def send(self, mail_from: str, recipients: Sequence[str], raw: bytes) -> None:
        subject = next(line for line in raw.split(b"\r\n") if line.startswith(b"Subject:"))
        with self.lock:
            self.sent.append((*recipients, subject.decode()))

    def close(self) -> None:
        pass


class NotAnswering:
    def send(self, mail_from: str, recipients: Sequence[str], raw: bytes) -> None:
        raise TransientError("SMTP connect failed: connection refused (test)")

    def close(self) -> None:
        pass


def _statuses(desk: Desk) -> dict[str, int]:
    with desk.rt.engine.connect() as conn:
        return dict(conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status")).all())


def _people(desk: Desk, count: int) -> list[str]:
    people = [f"batch-{i}@example.test" for i in range(count)]
    for person in people:
        desk.refer(frm=person)
    return people


def test_a_pool_sends_every_letter_once_and_audits_each_disclosure(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    people = _people(desk, 7)
    sent: list[tuple[str, ...]] = []
    lock = threading.Lock()
    counts = delivery.DeliveryPool(
        desk.rt, [desk.hub], connections=3, sender=lambda: Recorder(sent, lock)
    ).run()
    assert counts == {"sent": 14, "retry": 0, "failed": 0}  # acknowledgement + notification each
    assert _statuses(desk) == {"sent": 14}
    for person in people:
        assert sum(1 for letter in sent if person in letter) == 1
    with desk.rt.engine.connect() as conn:
        audited = conn.execute(text("SELECT count(*) FROM audit WHERE action = 'disclosure'")).scalar()
        refs = conn.execute(
            text("SELECT count(DISTINCT case_ref) FROM audit WHERE action = 'disclosure'")
        ).scalar()
    assert audited == 7 and refs == 7  # one per letter to a person, each naming its case


def test_a_claimed_row_is_claimed_once_and_a_released_one_is_as_it_was(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    _people(desk, 3)
    rt = desk.rt
    due = outbox.due_ids(rt.engine, ["NOR"], rt.now())
    first = outbox.claim_many(rt.engine, due[:4], rt.now(), rt.delivery)
    assert [i.id for i in first] == due[:4] and {i.attempts for i in first} == {1}
    again = outbox.claim_many(rt.engine, due[:4], rt.now(), rt.delivery)
    assert again == []  # nobody claims a row twice
    outbox.release(rt.engine, first, rt.now())
    with rt.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT status, attempts FROM outbox WHERE id IN (:a, :b, :c, :d)"),
            dict(zip("abcd", due[:4], strict=True)),
        ).all()
    assert set(rows) == {("pending", 0)}  # due again, the attempt uncounted


def test_a_server_not_answering_stops_the_run_and_strands_nothing(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    _people(desk, 5)
    counts = delivery.DeliveryPool(desk.rt, [desk.hub], connections=2, sender=NotAnswering).run()
    assert counts["sent"] == 0 and counts["retry"] >= 1
    statuses = _statuses(desk)
    assert statuses == {"pending": 10}  # tried ones wait for their retry, untried ones are due now
    with desk.rt.engine.connect() as conn:
        untried = conn.execute(text("SELECT count(*) FROM outbox WHERE attempts = 0")).scalar()
    assert untried == 10 - counts["retry"]


def test_a_persons_letters_share_an_order_key_and_notices_about_different_cases_do_not(
    tmp_path: Path,
) -> None:
    desk = Desk(tmp_path)
    _people(desk, 2)
    rows = outbox.due_rows(desk.rt.engine, ["NOR"], desk.rt.now())
    letters = {r.id: r for r in desk.letters()}
    keys = {letters[i].kind + ":" + str(letters[i].case_id): key for i, key in rows}
    notices = [key for name, key in keys.items() if name.startswith("notification")]
    acks = [key for name, key in keys.items() if name.startswith("acknowledgement")]
    assert len(set(notices)) == 2  # two cases: the advisors' notices may go side by side
    assert acks == ["batch-0@example.test", "batch-1@example.test"]


class Logged:
    """Stands in for the outbox's logger: the events it was given."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, object]]] = []

    def info(self, event: str, **fields: object) -> None:
        self.events.append((event, fields))


def test_every_letter_sent_is_logged_once_notices_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch holding only advisors' notices (no disclosure to audit) is logged too: operators
    count `delivered` lines."""
    desk = Desk(tmp_path)
    _people(desk, 3)
    with desk.rt.engine.connect() as conn:
        notices = [
            row_id for (row_id,) in conn.execute(text("SELECT id FROM outbox WHERE person_letter = false"))
        ]
    items = outbox.claim_many(desk.rt.engine, notices, desk.rt.now(), desk.rt.delivery)
    seen = Logged()
    monkeypatch.setattr(outbox, "log", seen)
    outbox.record_sent(desk.rt.engine, items, desk.rt.now())
    logged = [fields["outbox_id"] for event, fields in seen.events if event == "delivered"]
    assert len(items) == 3 and sorted(logged) == sorted(notices)


def test_the_arrival_time_is_kept_when_letters_were_queued_after_the_referral(tmp_path: Path) -> None:
    """The acknowledgement latency metric reads `arrived_at`: the referral's timeline entry carries
    it from its insert, whatever the letters queued after it flushed, and no other row gets it."""
    desk = Desk(tmp_path)
    arrived = desk.rt.now().replace(microsecond=0) - timedelta(minutes=3)
    raw = referral("arrival@example.test", "rj-nor@example.org")

    def filed(ctx: CaseContext) -> None:
        inbound.file_message(replace(ctx, arrived=arrived), parse(raw), raw)
        assert queueing.queued_in(ctx.session)  # letters were queued after the referral

    desk.run(filed)
    with desk.rt.engine.connect() as conn:
        stored = conn.execute(text("SELECT arrived_at FROM message WHERE direction = 'in'")).scalar()
        others = conn.execute(text("SELECT count(*) FROM message WHERE arrived_at IS NOT NULL")).scalar()
    assert others == 1
    assert stored is not None and str(stored).startswith(arrived.strftime("%Y-%m-%d %H:%M:%S"))


def _latencies(desk: Desk) -> float:
    return (
        desk.rt.metrics.registry.get_sample_value("rjmail_ack_latency_seconds_count", {"hub": "NOR"}) or 0.0
    )


@pytest.mark.parametrize("served", [False, True])
def test_acknowledgement_latency_is_measured_only_where_metrics_are_served(
    tmp_path: Path, served: bool
) -> None:
    """It costs a query per batch; `run --once` and a daemon without metrics_listen serve no metrics."""
    desk = Desk(tmp_path)
    _people(desk, 2)
    with desk.rt.engine.begin() as conn:  # as intake records it from the mailbox (INTERNALDATE)
        conn.execute(text("UPDATE message SET arrived_at = at WHERE direction = 'in'"))
    desk.rt.metrics.served = served
    items = outbox.claim_many(
        desk.rt.engine,
        outbox.due_ids(desk.rt.engine, ["NOR"], desk.rt.now()),
        desk.rt.now(),
        desk.rt.delivery,
    )
    desk.rt.metrics.delivered(desk.rt.engine, [(i, "sent") for i in items], desk.rt.now())
    assert _latencies(desk) == (2.0 if served else 0.0)
    sent = desk.rt.metrics.registry.get_sample_value(
        "rjmail_letters_total", {"hub": "NOR", "kind": "acknowledgement", "result": "sent"}
    )
    assert sent == 2.0  # counting letters is cheap and always done


def _no_parse(raw: bytes) -> None:
    raise AssertionError("parsed")


def _ledger(desk: Desk, message_id: str) -> list[tuple[str, str, object]]:
    with desk.rt.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT decision, reason, case_id FROM intake WHERE message_id = :m ORDER BY id"),
            {"m": message_id},
        )
        return [tuple(r) for r in rows]


def test_a_proof_copy_is_recorded_without_a_parse_as_the_full_path_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every referral's acknowledgement comes back to the hub mailbox (the proof copy). Known from
    its signed Message-ID, it is recorded at once: same ledger row, letter marked sent, no reply."""
    desk = Desk(tmp_path)
    _people(desk, 1)
    ack = desk.latest("acknowledgement")
    copy = b"Received: from mx.example.org by hub.example.org\r\n" + ack.raw
    letters = len(desk.letters())
    fetched = Fetched(uid=90, size=len(copy), raw=copy)
    with monkeypatch.context() as patched:
        patched.setattr(intake, "parse", _no_parse)
        assert intake.process_fetched(desk.rt, desk.hub, "INBOX", 1, fetched) == 0
    assert desk.latest("acknowledgement").status == "sent"  # the copy proves delivery
    desk.receive(copy)  # the full path: parse, classify, decide
    fast, full = _ledger(desk, ack.message_id)
    assert fast == full == ("duplicate", "Message-ID already processed", None)
    assert len(desk.letters()) == letters  # nobody was answered


def test_a_signed_id_the_outbox_does_not_know_is_left_to_the_full_path(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    unknown = signing.make_message_id(desk.rt.key, "acknowledgement", "RJ-NOR-2026-9999", "example.org")
    pos = MailboxPosition("NOR", "INBOX", 1, 91)
    assert intake._file_own_copy(desk.rt, pos, unknown) is False
    assert _ledger(desk, unknown) == []  # nothing written: the full parse decides what it is
