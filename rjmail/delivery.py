"""The outbox job: send due letters, tell advisors when one can never arrive, settle rows a crash
left `sending`, and copy delivered letters to the hub's Sent folder."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlmodel import Session

from rjmail.adapters import outbox
from rjmail.adapters.mailbox import Mailbox
from rjmail.adapters.outbox import DeliveryResult, Sender
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
    """Send every due outbox row for these hubs over `[smtp] connections` connections."""
    return DeliveryPool(rt, hubs).run()


class DeliveryPool:
    """Delivery workers, each with its own SMTP connection, fed due outbox rows by one feeder.

    `run(until)` feeds until nothing is due and `until()` is true (by default at once): intake
    running in another thread calls `wake()` after each commit, so a letter goes out as soon as
    its transaction committed. Every row is still claimed by the same conditional UPDATE, and it is
    in IN_FLIGHT from before its claim until its outcome is recorded, so recovery never touches it.
    """

    def __init__(
        self,
        rt: Runtime,
        hubs: list[HubSettings],
        connections: int | None = None,
        sender: Callable[[], Sender] | None = None,
    ) -> None:
        self.rt, self.codes = rt, [h.code for h in hubs]
        self._new_sender = sender or (lambda: SmtpSender(rt.settings.smtp, rt.smtp_token))
        self.size = connections or rt.settings.smtp.connections
        self.counts = DeliveryCounts()
        self._wake = threading.Event()
        self._queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._handed: dict[int, str] = {}  # queued or being sent (id -> recipient): never handed out twice
        self._lock = threading.Lock()
        self._stop = False  # the server is unreachable: leave the rest for the next run
        self._error: Exception | None = None  # a worker's unexpected error, raised by run()

    def wake(self) -> None:
        self._wake.set()

    def run(
        self,
        until: Callable[[], bool] = lambda: True,
        idle_wait: float = 1.0,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> dict[str, int]:
        """Deliver until nothing is due once `until()` holds; `cancelled()` (shutdown) stops it
        between letters: rows not yet claimed stay pending for the next run."""
        workers = [
            threading.Thread(target=self._work, name=f"smtp-{i}", daemon=True) for i in range(self.size)
        ]
        for worker in workers:
            worker.start()
        try:
            self._feed(until, idle_wait, cancelled)
        finally:
            for _ in workers:
                self._queue.put(None)
            for worker in workers:
                worker.join()
        if self._error is not None:
            raise self._error  # e.g. the database gone: as the serial delivery raised it
        return self.counts.as_dict()

    def _feed(self, until: Callable[[], bool], idle_wait: float, cancelled: Callable[[], bool]) -> None:
        while not self._stop:
            if cancelled():
                self._stop = True
                return
            finished = until()  # read before the query: a commit after it wakes us again
            self._wake.clear()
            with self._lock:
                busy = dict(self._handed)
            new = _next_per_recipient(outbox.due_rows(self.rt.engine, self.codes, self.rt.now()), busy)
            with self._lock:
                self._handed.update(new)
            for item_id in new:
                self._queue.put(item_id)
            if not new and not busy and finished:
                return
            self._wake.wait(idle_wait)  # a commit, or a worker running short of work

    def _work(self) -> None:
        sender = self._new_sender()  # one SMTP connection per worker, opened at its first letter
        try:
            while (item_id := self._queue.get()) is not None:
                try:
                    if not self._stop:
                        self._deliver(sender, item_id)
                except Exception as exc:  # stop the run; a claimed row stays `sending` for recovery
                    self._error, self._stop = exc, True
                    self._wake.set()
                finally:
                    with self._lock:
                        self._handed.pop(item_id, None)
                        starving = len(self._handed) < self.size
                    if starving:
                        self._wake.set()
        finally:
            sender.close()

    def _deliver(self, sender: Sender, item_id: int) -> None:
        rt = self.rt
        outbox.IN_FLIGHT.add(item_id)  # before the claim: recovery must never see it `sending` unowned
        try:
            item = outbox.claim(rt.engine, item_id, rt.now(), rt.delivery)
            if item is None:
                return
            result = outbox.deliver_one(rt.engine, sender, item, rt.now(), rt.delivery)
        finally:
            outbox.IN_FLIGHT.discard(item_id)
        rt.metrics.delivered(rt.engine, item, result.value, rt.now())
        with self._lock:
            self.counts.add(result)
            if self.counts.retry and not self.counts.sent:
                self._stop = True
        if result == DeliveryResult.FAILED and item.person_letter:
            _tell_delivery_failure(rt, item)


def _next_per_recipient(due: list[tuple[int, str]], busy: dict[int, str]) -> dict[int, str]:
    """The oldest due letter of each recipient with nothing already on its way: letters to one
    person go in the order they were written (the acknowledgement before the call offer, the
    introduction before anything else), while different people's letters go in parallel."""
    taken = set(busy.values())
    picked: dict[int, str] = {}
    for item_id, to in due:
        if item_id in busy or to in taken:
            continue
        taken.add(to)
        picked[item_id] = to
    return picked


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
