"""The outbox job: send due letters, tell advisors when one can never arrive, settle rows a crash
left `sending`, and copy delivered letters to the hub's Sent folder."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import structlog
from sqlmodel import Session

from rjmail.adapters import db, outbox
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
    """Delivery workers, each with its own SMTP connection, and one feeder that claims due rows
    for them and records what they did, a few at a time.

    `run(until)` feeds until nothing is due and `until()` is true (by default at once): intake
    running in another thread calls `wake()` after each commit, so a letter goes out 10-20 ms
    after its transaction's commit (_GATHER; the pool hands out _AHEAD * connections letters a pass,
    ~780 /s with 3 connections). Rows are claimed by the same conditional UPDATE as ever, in small
    batches (at most three per worker claimed and not yet sent, so a crash strands few), and are in
    IN_FLIGHT from before their claim until their outcome is recorded, so recovery never touches
    them. Outcomes are recorded in one transaction per batch; the next letter with the same order
    key is handed out only after the one before it was recorded, so each person's letters keep
    their order.
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
        self._new_mail = threading.Event()  # intake committed: ask the database what is due
        self._queue: queue.SimpleQueue[OutboxItem | None] = queue.SimpleQueue()
        self._handed: dict[int, str] = {}  # claimed and not yet recorded (id -> order key)
        self._done: list[tuple[OutboxItem, outbox.Attempt | None]] = []  # None: never tried
        self._due: list[tuple[int, str]] = []  # the last answer to "what is due", oldest first
        self._lock = threading.Lock()
        self._stop = False  # the server is unreachable, or shutting down: leave the rest for later
        self._sent_any = False
        self._error: Exception | None = None  # a worker's unexpected error, raised by run()
        self._checkpoint = db.Checkpoints(rt.engine)  # off intake's path, while letters go out

    def wake(self) -> None:
        self._new_mail.set()
        self._wake.set()

    def run(
        self,
        until: Callable[[], bool] = lambda: True,
        idle_wait: float = 1.0,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> dict[str, int]:
        """Deliver until nothing is due once `until()` holds; `cancelled()` (shutdown) stops it
        between letters: rows not yet sent go back to pending for the next run."""
        workers = [
            threading.Thread(target=self._work, name=f"smtp-{i}", daemon=True) for i in range(self.size)
        ]
        for worker in workers:
            worker.start()
        try:
            self._feed(until, idle_wait, cancelled)
        finally:
            self._stop = self._stop or self._error is not None
            for _ in workers:
                self._queue.put(None)
            for worker in workers:
                worker.join()
            self._record()
        if self._error is not None:
            raise self._error  # e.g. the database gone: as the serial delivery raised it
        return self.counts.as_dict()

    def _feed(self, until: Callable[[], bool], idle_wait: float, cancelled: Callable[[], bool]) -> None:
        self._new_mail.set()
        while not self._stop:
            if cancelled():
                self._stop = True
                return
            finished = until()  # read before the query: a commit after it wakes us again
            self._wake.clear()
            self._record()
            self._hand_out()
            self._checkpoint()
            with self._lock:
                idle = not self._handed
            if idle and not self._due and finished:
                return
            self._wake.wait(idle_wait)  # a commit, or a worker done with a letter
            time.sleep(_GATHER)

    def _hand_out(self) -> None:
        """Claim the oldest due letter of each order key with nothing on its way, up to three per
        worker waiting to be sent, and queue them for the workers."""
        with self._lock:
            busy = dict(self._handed)
            room = _AHEAD * self.size - (len(busy) - len(self._done))
        if room <= 0:
            return
        if self._new_mail.is_set() or not _next_per_key(self._due, busy):
            self._new_mail.clear()
            # Enough rows to fill the workers past a few busy people, not the whole backlog each time.
            self._due = outbox.due_rows(self.rt.engine, self.codes, self.rt.now(), limit=10 * self.size)
        wanted = dict(list(_next_per_key(self._due, busy).items())[:room])
        if not wanted:
            return
        outbox.IN_FLIGHT.update(wanted)  # before the claim: recovery must never see them `sending` unowned
        with self._lock:
            self._handed.update(wanted)
        try:
            claimed = outbox.claim_many(self.rt.engine, list(wanted), self.rt.now(), self.rt.delivery)
        except BaseException:
            self._forget(wanted)
            raise
        got = {item.id for item in claimed}
        self._forget([i for i in wanted if i not in got])  # someone else's now
        self._due = [(i, to) for i, to in self._due if i not in wanted]
        for item in claimed:
            self._queue.put(item)

    def _forget(self, ids: Iterable[int]) -> None:
        with self._lock:
            for item_id in ids:
                self._handed.pop(item_id, None)
                outbox.IN_FLIGHT.discard(item_id)

    def _work(self) -> None:
        sender = self._new_sender()  # one SMTP connection per worker, opened at its first letter
        try:
            while (item := self._queue.get()) is not None:
                tried: outbox.Attempt | None = None
                try:
                    if not self._stop:
                        tried = outbox.attempt(sender, item, self.rt.delivery)
                except Exception as exc:  # stop the run; the claimed row stays `sending` for recovery
                    self._error, self._stop = exc, True
                    self._forget([item.id or 0])
                    self._wake.set()
                    continue
                with self._lock:
                    self._done.append((item, tried))
                    if tried is not None and tried.result == DeliveryResult.SENT:
                        self._sent_any = True
                    elif tried is not None and tried.result == DeliveryResult.RETRY and not self._sent_any:
                        self._stop = True  # the server is not answering: leave the rest for the next run
                    recorded_soon = len(self._done) < self.size and self._queue.qsize() >= self.size
                if not recorded_soon or self._stop:  # else the feeder records a bigger batch later
                    self._wake.set()
        finally:
            sender.close()

    def _record(self) -> None:
        """Record what the workers did since the last call, in one transaction for the letters sent."""
        with self._lock:
            done, self._done = self._done, []
        if not done:
            return
        rt, now = self.rt, self.rt.now()
        try:
            untried = [item for item, tried in done if tried is None]
            if untried:
                outbox.release(rt.engine, untried, now)
            sent = [item for item, tried in done if tried is not None and tried.result == DeliveryResult.SENT]
            outbox.record_sent(rt.engine, sent, now)
            for item, tried in done:
                if tried is not None and tried.result != DeliveryResult.SENT:
                    outbox.record(rt.engine, item, tried, now)
        finally:
            self._forget([item.id or 0 for item, _ in done])
        results = [(item, tried.result.value) for item, tried in done if tried is not None]
        rt.metrics.delivered(rt.engine, results, now)
        for item, tried in done:
            if tried is None:
                continue
            self.counts.add(tried.result)
            if tried.result == DeliveryResult.FAILED and item.person_letter:
                _tell_delivery_failure(rt, item)


class DeliveryChild:
    """A DeliveryPool in a forked child process, for `run --once` when it is a program of its own.

    In one process intake and the delivery threads share one interpreter lock, and measured on a
    600-referral backlog they were CPU-bound on one core while the second was partly idle; in a
    child, delivery runs on its own lock. The parent says "new letters are due" by writing a byte
    to a pipe after each commit and "intake is done" by closing it; the child answers with its
    counts as JSON and exits. Claims are the same conditional UPDATEs as ever, so the two
    processes never send a letter twice; the child dies with its parent (PR_SET_PDEATHSIG), and
    rows it left `sending` are recovered by the next run as after any crash.

    Fork only from a process with no other threads (a lock another thread held at the fork would
    never be released in the child)."""

    def __init__(self, rt: Runtime, hubs: list[HubSettings]) -> None:
        self.rt, self.hubs = rt, hubs
        self.pid = 0
        self._wake_w = self._result_r = -1

    def start(self) -> None:
        wake_r, self._wake_w = os.pipe()
        self._result_r, result_w = os.pipe()
        parent = os.getpid()
        sys.stdout.flush()  # else the child would write the parent's buffered log lines again
        sys.stderr.flush()
        # No pooled connection may cross the fork: a SQLite handle closed in the child, or used by
        # both, breaks the parent's locks. Nothing is checked out now; the parent reconnects.
        self.rt.engine.dispose()
        try:
            pid = os.fork()
        except OSError:
            for fd in (wake_r, self._wake_w, self._result_r, result_w):
                os.close(fd)
            raise
        if pid == 0:  # the child: deliver, answer, and exit whatever happens, never returning into
            code = 1  # the parent's code (its finally blocks would release the parent's hub locks)
            try:
                os.close(self._wake_w)
                os.close(self._result_r)
                code = _child(self.rt, self.hubs, parent, wake_r, result_w)
            finally:
                os._exit(code)
        self.pid = pid
        os.close(wake_r)
        os.close(result_w)
        os.set_blocking(self._wake_w, False)

    def wake(self) -> None:
        # A full pipe already holds wakes enough; a child that died is reported by finish().
        if self._wake_w >= 0:
            with contextlib.suppress(BlockingIOError, BrokenPipeError):
                os.write(self._wake_w, b".")

    def abandon(self) -> None:
        """Intake stopped on an unexpected error or Ctrl-C: stop the child now, as a crash would
        (what it claimed is recovered by the next run)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        for fd in (self._wake_w, self._result_r):
            if fd >= 0:
                os.close(fd)
        self._wake_w = self._result_r = -1

    def finish(self) -> dict[str, int]:
        """Intake is done: wait for the child to deliver what is due, and return its counts."""
        if self._wake_w >= 0:
            os.close(self._wake_w)
            self._wake_w = -1
        chunks = []
        while chunk := os.read(self._result_r, 65536):
            chunks.append(chunk)
        os.close(self._result_r)
        _, status = os.waitpid(self.pid, 0)
        answer = json.loads(b"".join(chunks) or b"{}")
        if "error" in answer or not answer:
            ended = f"delivery process ended with {os.waitstatus_to_exitcode(status)}"
            raise TransientError(answer.get("error") or ended)
        return {k: int(v) for k, v in answer.items()}


def _child(rt: Runtime, hubs: list[HubSettings], parent: int, wake_r: int, result_w: int) -> int:
    try:
        _die_with(parent)  # (the parent emptied the pool before the fork: no connection came along)
        pool = DeliveryPool(rt, hubs)
        intake_done = threading.Event()

        def listen() -> None:
            while os.read(wake_r, 4096):
                pool.wake()
            intake_done.set()  # the parent closed its end: intake is done (or the parent died)
            pool.wake()

        threading.Thread(target=listen, name="wake", daemon=True).start()
        answer: dict[str, object] = dict(pool.run(until=intake_done.is_set))
        code = 0
    except BaseException as exc:  # every error must reach the parent, as text
        answer = {"error": (str(exc).splitlines() or [type(exc).__name__])[0]}
        code = 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the answer short
    with contextlib.suppress(OSError):  # the parent is gone: nobody to answer
        os.write(result_w, json.dumps(answer).encode())
        sys.stdout.flush()
        sys.stderr.flush()
    return code


def _die_with(parent: int) -> None:
    """A kill -9 of the parent kills the child too, as it would the delivery threads."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the line above: nobody to deliver for


_AHEAD = 3  # letters per worker claimed and not yet sent: what a kill -9 leaves `sending` unsent
_GATHER = 0.01  # 10 ms more of commits and sent letters join each wake: ~5 letters a claim, not ~2


def _next_per_key(due: list[tuple[int, str]], busy: dict[int, str]) -> dict[int, str]:
    """The oldest due letter of each order key (outbox.due_rows) with nothing already on its way:
    letters to one person go in the order they were written (the acknowledgement before the call
    offer, the introduction before anything else), while different people's letters go in parallel."""
    taken = set(busy.values())
    picked: dict[int, str] = {}
    for item_id, key in due:
        if item_id in busy or key in taken:
            continue
        taken.add(key)
        picked[item_id] = key
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
    # A crash between an APPEND and its record leaves a copy in the folder that is not marked; rows
    # become `sent` in no fixed order, so any row of the batch may be one: ask about all of them.
    there = mailbox.message_ids_in(hub.imap.sent_folder, [message_id for _, message_id, _ in rows])
    for row_id, message_id, raw in rows:
        if message_id not in there:
            mailbox.append(hub.imap.sent_folder, raw)
        outbox.mark_copied(rt.engine, row_id)
    return len(rows)
