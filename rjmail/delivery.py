"""The outbox job: send due letters, tell advisors when one can never arrive, settle rows a crash
left `sending`, and copy delivered letters to the hub's Sent folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlmodel import Session

from rjmail.adapters import outbox
from rjmail.adapters.mailbox import Mailbox
from rjmail.adapters.outbox import DeliveryResult
from rjmail.adapters.smtp import SmtpSender
from rjmail.adapters.tables import OutboxItem
from rjmail.cases.context import CaseContext
from rjmail.cases.timeline import delivery_failed
from rjmail.errors import PermanentError, TransientError
from rjmail.runtime import Runtime
from rjmail.settings import HubSettings

log = structlog.get_logger("rjmail.delivery")


@dataclass
class DeliveryCounts:
    sent: int = 0
    retry: int = 0
    failed: int = 0

    def add(self, result: DeliveryResult) -> None:
        setattr(self, result.value, getattr(self, result.value) + 1)

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retry": self.retry, "failed": self.failed}


def _tell_delivery_failure(rt: Runtime, item: OutboxItem) -> None:
    """A letter to a person will never arrive (refused, or retries used up): advisors must know."""
    with Session(rt.engine, expire_on_commit=False) as s, s.begin():
        ctx = CaseContext(s, rt, rt.settings.hub(item.hub), rt.now())
        row = s.get(OutboxItem, item.id) or item  # the timeline entry quotes the server's answer
        delivery_failed(ctx, row, f"refused: {row.last_error or 'no reason given'}")


def deliver_due(rt: Runtime, hubs: list[HubSettings]) -> dict[str, int]:
    """Send every due outbox row for these hubs over one SMTP connection, batch after batch."""
    counts = DeliveryCounts()
    sender = SmtpSender(rt.settings.smtp, rt.smtp_token)
    try:
        while ids := outbox.due_ids(rt.engine, [h.code for h in hubs], rt.now()):
            for item_id in ids:
                item = outbox.claim(rt.engine, item_id, rt.now(), rt.delivery)
                if item is None:
                    continue
                result = outbox.deliver_one(rt.engine, sender, item, rt.now(), rt.delivery)
                rt.metrics.delivered(rt.engine, item, result.value, rt.now())
                counts.add(result)
                if result == DeliveryResult.FAILED and item.person_letter:
                    _tell_delivery_failure(rt, item)
                if counts.retry and not counts.sent:
                    return counts.as_dict()  # server unreachable: leave the rest for the next run
    finally:
        sender.close()
    return counts.as_dict()


def recover_outbox(rt: Runtime, hub: HubSettings, mailbox: Mailbox | None = None) -> dict[str, int]:
    """Rows a crash left `sending` are settled by looking for our blind copy in the hub mailbox
    (INBOX, where it is delivered, and the watched folder, where server rules may file it)."""
    if not outbox.stuck_rows(rt.engine, [hub.code]):
        return {}
    folders = list(dict.fromkeys(["INBOX", hub.imap.folder]))

    def delivered(box: Mailbox) -> Callable[[OutboxItem], bool]:
        return lambda row: any(box.has_message_id(folder, row.message_id) for folder in folders)

    try:
        if mailbox is not None:
            return outbox.recover(rt.engine, [hub.code], delivered(mailbox), rt.now(), rt.delivery)
        with Mailbox(hub.imap, rt.imap_token) as box:
            return outbox.recover(rt.engine, [hub.code], delivered(box), rt.now(), rt.delivery)
    except (TransientError, PermanentError) as exc:
        log.warning("outbox_recovery_deferred", hub=hub.code, error=type(exc).__name__)
        return {}


def copy_to_sent(rt: Runtime, hub: HubSettings, mailbox: Mailbox) -> int:
    """Append delivered letters to the hub's Sent folder so advisors see exactly what went out."""
    assert hub.imap.sent_folder
    rows = outbox.sent_not_copied(rt.engine, hub.code)
    for row_id, raw in rows:
        mailbox.append(hub.imap.sent_folder, raw)
        outbox.mark_copied(rt.engine, row_id)
    return len(rows)
