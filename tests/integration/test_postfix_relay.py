"""The benchmark's private Postfix relay (bench/postfix_stack.py): loopback only, queues and answers
250, hub mailboxes over LMTP into the mail stack's Dovecot, everyone else discarded or kept queued.
Skipped where Postfix is not installed (apt-get install -y postfix) or not running as root."""

from __future__ import annotations

import importlib.util
import smtplib
import socket
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support import unique

pytestmark = pytest.mark.integration

BENCH = Path(__file__).resolve().parents[2] / "bench" / "postfix_stack.py"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rjmail_bench_postfix_stack", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


postfix_stack = _module()
_REASON = postfix_stack.postfix_unavailable()
if _REASON:
    pytestmark = [pytest.mark.integration, pytest.mark.skip(reason=_REASON)]


def _send(relay: Any, rcpts: list[str], subject: str) -> None:
    msg = (
        f"From: Hub <hub@example.org>\r\nTo: someone@example.test\r\nSubject: {subject}\r\n\r\nHello.\r\n"
    ).encode()
    with smtplib.SMTP(relay.host, relay.port, timeout=30) as smtp:
        smtp.sendmail("hub@example.org", rcpts, msg)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_hub_mail_reaches_dovecot_and_the_peoples_mail_is_discarded(mailstack: Any) -> None:
    user = unique("rj-pf-")
    mailstack.add_user(user)
    subject = unique("relay-")
    with postfix_stack.postfix_relay(mailstack) as relay:
        _send(relay, [f"{user}@example.org", "person@example.test", "advisor-x@example.org"], subject)
        assert relay.wait_drained(30)
        inbox = mailstack.fetch_all(user)
        deliveries = relay.deliveries()
        accepted = relay.accepted()
    assert len(inbox) == 1 and subject.encode() in inbox[0]
    assert deliveries["lmtp:sent"] == 1 and deliveries["discard:sent"] == 2
    assert [sorted(a.rcpt_tos) for a in accepted] == [
        sorted([f"{user}@example.org", "person@example.test", "advisor-x@example.org"])
    ]


def test_queue_mode_keeps_the_peoples_mail_undelivered(mailstack: Any) -> None:
    user = unique("rj-pf-")
    mailstack.add_user(user)
    with postfix_stack.postfix_relay(mailstack, others="queue") as relay:
        _send(relay, [f"{user}@example.org", "person@example.net"], unique("queued-"))
        assert relay.wait_drained(30)
        assert relay.deferred() == 1
        assert relay.deliveries()["lmtp:sent"] == 1


def test_stopping_closes_the_port_and_removes_the_instance(mailstack: Any) -> None:
    with postfix_stack.postfix_relay(mailstack) as relay:
        port, base_dir = relay.port, relay.base_dir
        assert _port_open(port)
    assert not _port_open(port)
    assert not base_dir.exists()
