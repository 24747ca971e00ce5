"""Operators on the real stack (issue 16): `rjmail status`, quarantine and outbox commands, retry
exactly once, a complete timeline, and the daemon's Prometheus metrics without personal data."""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rjmail.cli import build_runtime
from rjmail.ops import quarantine as ops_quarantine
from rjmail.settings import load
from tests.integration.test_daemon import DaemonProcess, daemon_config, one_hub, wait_until
from tests.support import export_cases, inbox, new_person, referral, run, setup_config, unique

pytestmark = pytest.mark.integration


def nested(depth: int, frm: str = "nest@example.test", message_id: str | None = None) -> bytes:
    """A referral wrapped in `depth` multipart/mixed levels (built as text: the email package
    itself recurses per level)."""
    head = [
        f"From: Nest Person <{frm}>",
        "To: hub@example.org",
        "Subject: Nested",
        f"Message-ID: {message_id or '<' + unique('deep') + '@example.test>'}",
        "MIME-Version: 1.0",
    ]
    opens = [f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}' for i in range(depth)]
    inner = (
        "Content-Type: text/plain\r\n\r\nHello, I was burgled and would like to talk about "
        "restorative justice.\r\nNest Person"
    )
    closes = "".join(f"\r\n--b{i}--" for i in reversed(range(depth)))
    return ("\r\n".join(head) + "\r\n" + "\r\n".join(opens) + "\r\n" + inner + closes + "\r\n").encode()


def status(config: Path) -> tuple[int, dict[str, Any]]:
    code, out = run(config, "status", "--format", "json")
    return code, {h["code"]: h for h in json.loads(out)["hubs"]}


def test_status_backlog_quarantine_and_failed_letter(tmp_path, mailstack, db_url, hubs):
    """7 waiting -> backlog 7; after a cycle: backlog 0, a last poll time, 1 quarantined (2,000
    multiparts deep), 1 failed letter (address refused), exit 1; both listed as JSON."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    nor = hubs[0]
    people = [new_person(mailstack) for _ in range(5)]
    refused = unique("refused-")
    for p in people:
        mailstack.append(nor["user"], referral(f"{p}@example.test", "x@example.org"))
    mailstack.append(nor["user"], nested(2000))
    mailstack.append(nor["user"], referral(f"{refused}@example.test", "x@example.org"))

    code, before = status(config)
    assert before["NOR"]["backlog"] == 7
    assert before["NOR"]["last_poll_at"] is None
    assert before["SUF"]["backlog"] == 0
    assert set(before["NOR"]) == {
        "code",
        "leader",
        "last_poll_at",
        "last_error",
        "backlog",
        "quarantined",
        "outbox",
    }
    assert set(before["NOR"]["outbox"]) == {"pending", "sending", "failed", "oldest_pending_at"}
    assert before["NOR"]["leader"] is (None if db_url.startswith("sqlite") else False)

    assert run(config, "run", "--once")[0] == 0

    code, after = status(config)
    hub = after["NOR"]
    assert code == 1
    assert hub["backlog"] == 0
    assert hub["last_poll_at"] and hub["last_poll_at"].endswith("Z")
    assert hub["last_error"] is None
    assert hub["quarantined"] == 1
    assert hub["outbox"]["failed"] == 1
    assert hub["outbox"]["pending"] == 0
    assert after["SUF"]["quarantined"] == 0 and after["SUF"]["outbox"]["failed"] == 0

    code, out = run(config, "quarantine", "list", "--format", "json")
    items = json.loads(out)
    assert code == 0 and len(items) == 1
    assert items[0]["hub"] == "NOR" and "parsed" in items[0]["reason"] and items[0]["status"] == "open"

    code, out = run(config, "outbox", "list", "--status", "failed", "--format", "json")
    failed = json.loads(out)
    assert code == 0 and len(failed) == 1
    assert failed[0]["kind"] == "acknowledgement" and failed[0]["status"] == "failed"
    assert failed[0]["last_error"] and refused not in json.dumps(failed)

    code, table = run(config, "quarantine", "list")
    assert code == 0 and f"{items[0]['id']:>5}  NOR" in table and "parsed" in table
    code, table = run(config, "outbox", "list", "--status", "failed")
    assert code == 0 and "acknowledgement" in table and "failed" in table and refused not in table

    text_code, text = run(config, "status")
    assert text_code == 1 and "1 failed letter(s)" in text and "UNHEALTHY" in text

    case = next(c for c in export_cases(config) if c["referrer_email"] == f"{refused}@example.test")
    assert [m["kind"] for m in case["messages"]] == ["referral", "acknowledgement", "delivery_failure"]


def test_outbox_retry_puts_a_failed_letter_back_once(tmp_path, mailstack, db_url, hubs):
    """`outbox retry` moves a failed letter to pending once; a second retry is refused."""
    config = setup_config(tmp_path, mailstack, db_url, hubs)
    refused = unique("refused-")
    mailstack.append(hubs[0]["user"], referral(f"{refused}@example.test", "x@example.org"))
    assert run(config, "run", "--once")[0] == 0
    letter = json.loads(run(config, "outbox", "list", "--status", "failed", "--format", "json")[1])[0]

    assert run(config, "outbox", "retry", str(letter["id"]))[0] == 0
    assert run(config, "outbox", "retry", str(letter["id"]))[0] == 1
    pending = json.loads(run(config, "outbox", "list", "--status", "pending", "--format", "json")[1])
    assert [p["id"] for p in pending] == [letter["id"]]
    # Still refused: it fails again, and the timeline shows both failures.
    assert run(config, "run", "--once")[0] == 0
    case = export_cases(config)[0]
    assert [m["kind"] for m in case["messages"]].count("delivery_failure") == 2


def test_quarantine_retry_twice_and_at_once_gives_one_case_and_one_acknowledgement(
    tmp_path, mailstack, db_url, hubs
):
    """Quarantined for nesting; the limit is raised; retried twice in a row (and, for another
    message, by two operators at the same moment): each becomes one case and one acknowledgement."""
    config = setup_config(tmp_path, mailstack, db_url, hubs, extra_service="max_mime_depth = 4")
    first, second = new_person(mailstack), new_person(mailstack)
    mailstack.append(hubs[0]["user"], nested(8, f"{first}@example.test"))
    mailstack.append(hubs[0]["user"], nested(8, f"{second}@example.test"))
    assert run(config, "run", "--once")[0] == 0
    assert export_cases(config) == []
    ids = [i["id"] for i in json.loads(run(config, "quarantine", "list", "--format", "json")[1])]
    assert len(ids) == 2

    assert run(config, "quarantine", "retry", str(ids[0]))[0] == 1  # still over the limit
    config.write_text(config.read_text().replace("max_mime_depth = 4", "max_mime_depth = 20"))
    assert run(config, "quarantine", "retry", str(ids[0]))[0] == 0
    assert run(config, "quarantine", "retry", str(ids[0]))[0] == 1

    rt = build_runtime(load(config))
    outcomes: list[bool] = []
    gate = threading.Barrier(2)

    def operator(name: str) -> None:
        gate.wait()
        outcomes.append(ops_quarantine.retry(rt, ids[1], f"operator:{name}").ok)

    threads = [threading.Thread(target=operator, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [False, True]

    assert run(config, "run", "--once")[0] == 0
    assert run(config, "run", "--once")[0] == 0
    cases = export_cases(config)
    expected = sorted([f"{first}@example.test", f"{second}@example.test"])
    assert sorted(c["referrer_email"] for c in cases) == expected
    for person in (first, second):
        assert len(inbox(mailstack, person)) == 1
    assert json.loads(run(config, "quarantine", "list", "--format", "json")[1]) == []
    assert status(config)[1]["NOR"]["quarantined"] == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_daemon_serves_metrics_without_personal_data(tmp_path, mailstack):
    """With metrics_listen the daemon serves the SPEC's metrics; no address, name or reference."""
    hub = unique("rj-nor-")
    notify = unique("notify-nor-")
    mailstack.add_user(hub)
    mailstack.add_user(notify)
    hubs = [{"code": "NOR", "name": "Norfolk RJ Hub", "user": hub, "notify": notify, "advisors": []}]
    port = free_port()
    config = daemon_config(
        tmp_path,
        mailstack,
        f"sqlite:///{tmp_path / 'rj.db'}",
        hubs,
        poll=1,
        idle=False,
        extra_service=f'metrics_listen = "127.0.0.1:{port}"',
    )
    person = new_person(mailstack)
    mailstack.append(hub, referral(f"{person}@example.test", "x@example.org", name="Morgan Fictional"))
    daemon = DaemonProcess(config, tmp_path / "daemon.log")
    try:
        assert wait_until(lambda: len(inbox(mailstack, person)) == 1, 30), daemon.tail()
        url = f"http://127.0.0.1:{port}/metrics"

        def scrape() -> str:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return str(resp.read().decode())

        assert wait_until(lambda: 'rjmail_ack_latency_seconds_count{hub="NOR"} 1.0' in scrape(), 15)
        text = scrape()
    finally:
        assert daemon.terminate() == 0
    for name in (
        "rjmail_messages_total",
        "rjmail_letters_total",
        "rjmail_ack_latency_seconds_bucket",
        "rjmail_leader",
        "rjmail_poll_seconds_bucket",
        "rjmail_outbox_pending",
        "rjmail_quarantined",
        "rjmail_last_poll_timestamp_seconds",
    ):
        assert name in text, name
    assert 'rjmail_messages_total{classification="new_referral",hub="NOR"} 1.0' in text
    assert 'rjmail_letters_total{hub="NOR",kind="acknowledgement",result="sent"} 1.0' in text
    assert 'rjmail_leader{hub="NOR"} 1.0' in text
    ref = export_cases(config)[0]["ref"]
    for secret in ("@", person, hub, "example", "Morgan", "Fictional", ref, "RJ-NOR"):
        assert secret not in text, secret


def test_metrics_listen_refuses_a_public_address(tmp_path, mailstack, hubs):
    config = setup_config(tmp_path, mailstack, f"sqlite:///{tmp_path / 'rj.db'}", hubs)
    config.write_text(config.read_text().replace("[service]", '[service]\nmetrics_listen = "0.0.0.0:9464"'))
    code, _ = run(config, "status")
    assert code == 2


def test_status_shows_whether_an_instance_leads_each_hub(tmp_path, mailstack, db_url, hubs):
    """PostgreSQL: leader is true while some instance holds the hub's lock, false when none does."""
    if db_url.startswith("sqlite"):
        pytest.skip("leader locks exist only on PostgreSQL")
    from rjmail import leader
    from rjmail.adapters.db import make_engine

    config = setup_config(tmp_path, mailstack, db_url, hubs)
    engine = make_engine(db_url)
    locks = leader.for_hubs(engine, ["NOR"])
    try:
        assert locks["NOR"].try_acquire()
        _, held = status(config)
        assert held["NOR"]["leader"] is True and held["SUF"]["leader"] is False
    finally:
        locks["NOR"].release()
        engine.dispose()
    assert status(config)[1]["NOR"]["leader"] is False


def test_oversized_mail_is_fetched_again_from_the_mailbox_on_retry(tmp_path, mailstack, db_url, hubs):
    """Too big to store: `show` says where it is; after the limit is raised, `retry` reads it from
    the mailbox and it becomes one case with one acknowledgement."""
    config = setup_config(tmp_path, mailstack, db_url, hubs, extra_service="max_message_bytes = 20000")
    person = new_person(mailstack)
    body = "I was burgled and would like to talk.\n" + "More detail. " * 2500
    mailstack.append(hubs[0]["user"], referral(f"{person}@example.test", "x@example.org", body=body))
    assert run(config, "run", "--once")[0] == 0
    [item] = json.loads(run(config, "quarantine", "list", "--format", "json")[1])
    assert item["stored"] is False and "max_message_bytes" in item["reason"]
    code, out = run(config, "quarantine", "show", str(item["id"]))
    shown = json.loads(out)
    assert code == 0 and shown["uid"] == item["uid"] and shown["folder"] == "INBOX"

    config.write_text(config.read_text().replace("max_message_bytes = 20000", "max_message_bytes = 200000"))
    assert run(config, "quarantine", "retry", str(item["id"]))[0] == 0
    assert run(config, "run", "--once")[0] == 0
    [case] = export_cases(config)
    assert case["referrer_email"] == f"{person}@example.test"
    assert len(inbox(mailstack, person)) == 1
    [done] = json.loads(run(config, "quarantine", "list", "--all", "--format", "json")[1])
    assert done["status"] == "done"


@pytest.fixture
def own_stack() -> Iterator[Any]:
    """A private stack: this test stops Dovecot, which must not disturb other tests."""
    from rjmail.devtools.mailstack import MailStack

    stack = MailStack().start()
    try:
        yield stack
    finally:
        stack.stop()


def test_imap_down_shows_in_status_with_the_error_and_exit_1(tmp_path, own_stack):
    """The poll's error is recorded for `status` (another process); the backlog is unknown (null)."""
    hubs = one_hub(own_stack)
    config = setup_config(tmp_path, own_stack, f"sqlite:///{tmp_path / 'rj.db'}", hubs)
    assert run(config, "run", "--once")[0] == 0
    assert status(config)[0] == 0
    own_stack.stop_imap()
    try:
        assert run(config, "run", "--once")[0] == 1
        code, hubs_now = status(config)
        assert code == 1
        assert hubs_now["NOR"]["backlog"] is None
        assert "IMAP" in hubs_now["NOR"]["last_error"]
    finally:
        own_stack.start_imap()
    assert run(config, "run", "--once")[0] == 0
    code, healed = status(config)
    assert code == 0 and healed["NOR"]["last_error"] is None and healed["NOR"]["backlog"] == 0
