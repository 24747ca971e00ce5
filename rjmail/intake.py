"""The mailbox side: checkpoint, fetch, parse, limits, quarantine.

mailbox -> parse -> limits -> cases.inbound (classify, decide, apply) -> ledger + checkpoint, in one
transaction per message that this module opens and commits. Anything that cannot be parsed or
handled is quarantined: its bytes and the reason are kept and the advisors are told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session

from rjmail import delivery
from rjmail.adapters import checkpoints, hubstate, outbox, store
from rjmail.adapters.mailbox import Fetched, Mailbox
from rjmail.adapters.tables import FolderCheckpoint
from rjmail.cases import calls, inbound
from rjmail.cases.context import CaseContext, queue_letter
from rjmail.core import signing
from rjmail.core.classify import DUPLICATE_REASON
from rjmail.core.domain import Action, InboundMail, LetterSpec, MailboxPosition, MailClass
from rjmail.core.parse import ParseError, parse
from rjmail.core.status import backlog
from rjmail.runtime import Runtime
from rjmail.settings import HubSettings

log = structlog.get_logger("rjmail.intake")


@dataclass
class PollResult:
    fetched: int = 0
    processed: int = 0
    quarantined: int = 0


KeepGoing = Callable[[], bool]
Committed = Callable[[], None]


def poll_hub(
    rt: Runtime,
    hub: HubSettings,
    keep_going: KeepGoing | None = None,
    on_commit: Committed | None = None,
    recover: bool = True,
) -> PollResult:
    """Fetch and process everything new in the hub's folder (and its Sent folder, where advisors'
    own replies are recorded). `keep_going` is asked before each message (shutdown, leadership);
    `on_commit` is called after each message's transaction committed (its letters are now due).
    `recover` settles rows a crash left `sending` first: off while another process delivers (its
    rows in flight are not in this process's IN_FLIGHT). Raises Transient/PermanentError. The
    outcome is recorded for `rjmail status` and the metrics."""
    result = PollResult()
    committed = on_commit or _nothing
    recorded = hubstate.polling(rt.engine, rt.metrics, hub.code, rt.now)
    with recorded, Mailbox(hub.imap, rt.imap_token) as mailbox:
        if recover:
            delivery.recover_outbox(rt, hub, mailbox)
        _poll_folder(
            rt, hub, mailbox, hub.imap.folder, result, sent=False, keep_going=keep_going, on_commit=committed
        )
        if hub.imap.sent_folder:
            delivery.copy_to_sent(rt, hub, mailbox)
            _poll_folder(
                rt,
                hub,
                mailbox,
                hub.imap.sent_folder,
                result,
                sent=True,
                keep_going=keep_going,
                on_commit=committed,
            )
    if hub.calls.reminder_hours:
        send_reminders(rt, hub)
    return result


def _nothing() -> None:
    return None


def _start_after(rt: Runtime, hub: HubSettings, folder: str) -> FolderCheckpoint | None:
    with Session(rt.engine, expire_on_commit=False) as s:
        return checkpoints.checkpoint(s, hub.code, folder)


def _poll_folder(
    rt: Runtime,
    hub: HubSettings,
    mailbox: Mailbox,
    folder: str,
    result: PollResult,
    *,
    sent: bool,
    keep_going: KeepGoing | None = None,
    on_commit: Committed = _nothing,
) -> None:
    cp = _start_after(rt, hub, folder)
    last_uid, last_validity = (cp.last_uid, cp.uidvalidity) if cp else (0, None)
    state = mailbox.state(folder)
    top = MailboxPosition(hub.code, folder, state.uidvalidity, state.uidnext - 1)
    if not sent:
        waiting = backlog(state.uidnext, state.uidvalidity, cp, hub.imap.process_existing)
        rt.metrics.backlog.labels(hub.code).set(waiting)
    if last_validity is None and not hub.imap.process_existing and not sent:
        # Going live on a mailbox that already holds old mail: start after it, answer nobody from
        # the past (an operator opts in with process_existing = false).
        log.warning("existing_mail_skipped", hub=hub.code, folder=folder, uid=top.uid)
        _advance(rt, top)
        return
    if state.uidvalidity != last_validity:
        if last_validity is not None:
            log.warning("uidvalidity_changed", hub=hub.code, folder=folder)
        last_uid = 0  # every stored UID is void: rescan; Message-ID dedup sends nothing twice
    if top.uid <= last_uid:
        return  # the cheap path: one STATUS, however many old messages the folder holds
    for fetched in mailbox.new_messages(folder, last_uid, rt.settings.service.max_message_bytes):
        if keep_going is not None and not keep_going():
            # Shutting down, or another instance took the hub: stop between messages. Every
            # processed message moved the checkpoint itself, so nothing is skipped or repeated.
            log.info("poll_interrupted", hub=hub.code, folder=folder, uid=fetched.uid)
            return
        result.fetched += 1
        result.quarantined += process_fetched(rt, hub, folder, state.uidvalidity, fetched, sent=sent)
        result.processed += 1
        on_commit()
    _advance(rt, top)


def _advance(rt: Runtime, top: MailboxPosition) -> None:
    """UIDs below UIDNEXT that the search did not return are gone for good: skip them next time."""
    with Session(rt.engine) as s, s.begin():
        checkpoints.advance(s, top, rt.now())


def _missing_reason(rt: Runtime, f: Fetched) -> str:
    limit = rt.settings.service.max_message_bytes
    if f.size > limit:
        return f"message of {f.size} bytes is over max_message_bytes ({limit})"
    return "the IMAP server returned no content for this message"


def process_fetched(
    rt: Runtime, hub: HubSettings, folder: str, uidvalidity: int, f: Fetched, *, sent: bool = False
) -> int:
    """Process one message in its own transaction. Returns 1 when it was quarantined."""
    pos = MailboxPosition(hub.code, folder, uidvalidity, f.uid)
    with structlog.contextvars.bound_contextvars(hub=hub.code, folder=folder, uid=f.uid):
        if f.raw is None:
            return _quarantine(rt, pos, f, None, _missing_reason(rt, f))
        own = None if sent else signing.own_letter_id(rt.key, f.raw)
        if own is not None and _file_own_copy(rt, pos, own):
            return 0
        try:
            mail = parse(f.raw)
        except ParseError as exc:
            return _quarantine(rt, pos, f, None, f"cannot be parsed: {exc}")
        problem = limits_problem(rt, mail)
        if problem:
            return _quarantine(rt, pos, f, mail.message_id, problem)
        try:
            _file(rt, hub, pos, mail, f.raw, sent=sent, arrived=f.arrived)
        except OperationalError:
            raise  # database busy or gone: the checkpoint did not move, the next poll retries
        except Exception as exc:
            log.error("processing_failed", error=type(exc).__name__, at=_where(exc))
            return _quarantine(rt, pos, f, mail.message_id, f"processing failed: {type(exc).__name__}")
        return 0


def _file(
    rt: Runtime,
    hub: HubSettings,
    pos: MailboxPosition,
    mail: InboundMail,
    raw: bytes,
    *,
    sent: bool,
    arrived: datetime | None = None,
) -> None:
    """The transaction boundary: case change, letters, ledger row and checkpoint commit together."""
    with Session(rt.engine, expire_on_commit=False) as s, s.begin():
        ctx = CaseContext(s, rt, hub, rt.now(), arrived)
        filed = (inbound.file_sent if sent else inbound.file_message)(ctx, mail, raw)
        message_id = filed.message_id or mail.message_id  # issue 12: a reused Message-ID is renamed
        store.record_intake(
            s, pos, message_id, filed.action, filed.reason, filed.case, ctx.now, body_hash=filed.body_hash
        )
        checkpoints.advance(s, pos, ctx.now)


def _file_own_copy(rt: Runtime, pos: MailboxPosition, message_id: str) -> bool:
    """The hub's proof copy of one of our letters, recorded as the full path records it (the letter
    is certainly delivered; a duplicate, answered by nobody) without parsing it: every referral
    brings one back, and parsing and classifying it cost almost half of taking in the referral.
    False, and nothing written, when the outbox does not know the letter: the full path decides.
    The ledger row keeps no body hash: hashes are read only for IDs that are not our own letters."""
    with Session(rt.engine, expire_on_commit=False) as s, s.begin():
        if not store.is_own_letter(s, message_id, rt.key):
            return False
        now = rt.now()
        outbox.mark_sent_by_copy(s, message_id, now)
        rt.metrics.count_message(s, pos.hub, MailClass.DUPLICATE.value)
        store.record_intake(s, pos, message_id, Action.DUPLICATE, DUPLICATE_REASON, None, now)
        checkpoints.advance(s, pos, now)
    kind = {"decision": Action.DUPLICATE.value, "classification": MailClass.DUPLICATE.value}
    log.info("message_processed", **kind, ref=None, letters=[], suppressed=0)
    return True


def _where(exc: BaseException) -> str:
    """Type and place only: a traceback's text can carry what the sender wrote."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}" if tb else "?"


def limits_problem(rt: Runtime, mail: InboundMail) -> str | None:
    """Why this message is over the configured size limits, or None."""
    svc = rt.settings.service
    if mail.mime_depth > svc.max_mime_depth:
        return f"MIME nesting {mail.mime_depth} deeper than max_mime_depth ({svc.max_mime_depth})"
    if mail.part_count > svc.max_parts:
        return f"{mail.part_count} MIME parts, more than max_parts ({svc.max_parts})"
    return None


def _quarantine(rt: Runtime, pos: MailboxPosition, f: Fetched, message_id: str | None, reason: str) -> int:
    try:
        return _store_quarantine(rt, pos, f, message_id, reason, f.raw)
    except OperationalError:
        raise
    except SQLAlchemyError:
        # Whatever in the message made the database refuse it, the record must still be written:
        # without the raw bytes (they stay in the mailbox) and without the sender's Message-ID.
        return _store_quarantine(rt, pos, f, None, reason.encode("ascii", "replace").decode(), None)


def _store_quarantine(
    rt: Runtime, pos: MailboxPosition, f: Fetched, message_id: str | None, reason: str, raw: bytes | None
) -> int:
    with Session(rt.engine, expire_on_commit=False) as s, s.begin():
        ctx = CaseContext(s, rt, rt.settings.hub(pos.hub), rt.now())
        item = store.quarantine(s, pos, raw, f.size, reason, message_id, ctx.now)
        rt.metrics.count_message(s, pos.hub, "quarantined")
        letter = LetterSpec(
            kind="notification",
            to=ctx.hub.notify,
            to_advisors=True,
            context={"event": "quarantine", "detail": reason},
            idempotency_key=f"quarantine:{pos.key}",
        )
        queue_letter(ctx, None, letter)
        store.record_intake(s, pos, message_id or "", Action.QUARANTINE, reason, None, ctx.now)
        checkpoints.advance(s, pos, ctx.now)
    log.warning("quarantined", quarantine_id=item.id, reason=reason.split(":", maxsplit=1)[0])
    return 1


def send_reminders(rt: Runtime, hub: HubSettings) -> None:
    """One gentle reminder per booking, `reminder_hours` before the call (off unless configured)."""
    with Session(rt.engine, expire_on_commit=False) as s, s.begin():
        calls.due_reminders(CaseContext(s, rt, hub, rt.now()))
