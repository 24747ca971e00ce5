"""The only module that joins the pure core to the adapters:
mailbox -> parse -> classify -> decide -> store + outbox (one transaction per message) -> deliver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, col, select

from rjmail.adapters import outbox, store
from rjmail.adapters.mailbox import Fetched, Mailbox
from rjmail.adapters.smtp import SmtpSender
from rjmail.adapters.tables import Case, Message, OutboxItem
from rjmail.core.catalogue import Reason, Service
from rjmail.core.classify import ClassifyContext, classify
from rjmail.core.decide import Decision, HubPolicy, decide
from rjmail.core.domain import InboundMail, LetterSpec, MailClass, MessageKind, ThreadMatch
from rjmail.core.extract import extract, strip_quoted
from rjmail.core.language import choose_letter_language
from rjmail.core.parse import ParseError, parse
from rjmail.core.status import backlog
from rjmail.errors import PermanentError, TransientError
from rjmail.letters import Composer
from rjmail.ops import hubstate, timeline
from rjmail.ops.metrics import Metrics
from rjmail.settings import HubSettings, Settings

log = structlog.get_logger("rjmail.pipeline")


# Timeline kinds are the case-JSON vocabulary (SPEC section 7); these letters are recorded as the
# nearest kind in it (the outbox keeps the exact template name).
TIMELINE_KIND = {
    "closed_reply": "acknowledgement",
    "clarify_choice": "call_offer",
    "slot_taken": "call_offer",
}


@dataclass
class Runtime:
    """Everything a cycle needs, built once by the CLI."""

    settings: Settings
    engine: Engine
    composer: Composer
    now: Callable[[], datetime]
    professional_domains: frozenset[str] = frozenset()
    imap_token: Callable[[], str] | None = None
    smtp_token: Callable[[], str] | None = None
    delivery: outbox.DeliveryPolicy = field(default_factory=outbox.DeliveryPolicy)
    reasons: dict[str, Reason] = field(default_factory=dict)
    services: dict[str, list[Service]] = field(default_factory=dict)  # by hub code
    metrics: Metrics = field(default_factory=Metrics)  # own registry; served only with metrics_listen

    @property
    def key(self) -> bytes:
        return self.settings.service.signing_key.reveal().encode()

    @property
    def own_addresses(self) -> frozenset[str]:
        return frozenset(h.address for h in self.settings.hubs)


@dataclass
class PollResult:
    fetched: int = 0
    processed: int = 0
    quarantined: int = 0


def policy_for(rt: Runtime, hub: HubSettings) -> HubPolicy:
    return HubPolicy(
        code=hub.code,
        notify=hub.notify,
        on_closed_reply=hub.on_closed_reply,
        auto_reply_limit=rt.settings.service.auto_replies_per_address_per_day,
    )


def poll_hub(rt: Runtime, hub: HubSettings, keep_going: Callable[[], bool] | None = None) -> PollResult:
    with hubstate.polling(rt, hub):  # ops: last poll, its error and duration for status and metrics
        return _poll_hub(rt, hub, keep_going)


def _poll_hub(rt: Runtime, hub: HubSettings, keep_going: Callable[[], bool] | None = None) -> PollResult:
    """Fetch and process everything new in the hub's folder (and its Sent folder, where advisors'
    own replies are recorded). `keep_going` is asked before each message (shutdown, leadership).
    Raises Transient/PermanentError."""
    result = PollResult()
    with Mailbox(hub.imap, rt.imap_token) as mailbox:
        recover_outbox(rt, hub, mailbox)
        _poll_folder(rt, hub, mailbox, hub.imap.folder, result, sent=False, keep_going=keep_going)
        if hub.imap.sent_folder:
            copy_to_sent(rt, hub, mailbox)
            _poll_folder(rt, hub, mailbox, hub.imap.sent_folder, result, sent=True, keep_going=keep_going)
    if hub.calls.reminder_hours:
        send_reminders(rt, hub)
    return result


def _poll_folder(
    rt: Runtime,
    hub: HubSettings,
    mailbox: Mailbox,
    folder: str,
    result: PollResult,
    *,
    sent: bool,
    keep_going: Callable[[], bool] | None = None,
) -> None:
    with Session(rt.engine) as s:
        cp = store.checkpoint(s, hub.code, folder)
        last_uid, last_validity = (cp.last_uid, cp.uidvalidity) if cp else (0, None)
    state = mailbox.state(folder)
    if not sent:  # ops: backlog gauge
        waiting = backlog(state.uidnext, state.uidvalidity, cp, hub.imap.process_existing)
        rt.metrics.backlog.labels(hub.code).set(waiting)
    if last_validity is None and not hub.imap.process_existing and not sent:
        # Going live on a mailbox that already holds old mail: start after it, answer nobody from
        # the past (an operator opts in with process_existing = false).
        log.warning("existing_mail_skipped", hub=hub.code, folder=folder, uid=state.uidnext - 1)
        _advance(rt, hub, folder, state.uidvalidity, state.uidnext - 1)
        return
    if state.uidvalidity != last_validity:
        if last_validity is not None:
            log.warning("uidvalidity_changed", hub=hub.code, folder=folder)
        last_uid = 0  # every stored UID is void: rescan; Message-ID dedup sends nothing twice
    if state.uidnext - 1 <= last_uid:
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
    _advance(rt, hub, folder, state.uidvalidity, state.uidnext - 1)


def _advance(rt: Runtime, hub: HubSettings, folder: str, uidvalidity: int, uid: int) -> None:
    """UIDs below UIDNEXT that the search did not return are gone for good: skip them next time."""
    with Session(rt.engine) as s, s.begin():
        store.advance_checkpoint(s, hub.code, folder, uidvalidity, uid, rt.now())


def process_fetched(
    rt: Runtime, hub: HubSettings, folder: str, uidvalidity: int, f: Fetched, *, sent: bool = False
) -> int:
    """Process one message in its own transaction. Returns 1 when it was quarantined."""
    with structlog.contextvars.bound_contextvars(hub=hub.code, folder=folder, uid=f.uid):
        if f.raw is None:
            limit = rt.settings.service.max_message_bytes
            why = (
                f"message of {f.size} bytes is over max_message_bytes ({limit})"
                if f.size > limit
                else "the IMAP server returned no content for this message"
            )
            return _quarantine(rt, hub, folder, uidvalidity, f, None, why)
        try:
            mail = parse(f.raw)
        except ParseError as exc:
            return _quarantine(rt, hub, folder, uidvalidity, f, None, f"cannot be parsed: {exc}")
        problem = _limits(rt, mail)
        if problem:
            return _quarantine(rt, hub, folder, uidvalidity, f, mail.message_id, problem)
        try:
            with Session(rt.engine, expire_on_commit=False) as s, s.begin():
                (handle_sent if sent else handle)(s, rt, hub, folder, uidvalidity, f.uid, mail, f.raw)
                timeline.record_arrival(s, mail.message_id, f.arrived)  # ops: for the ack latency
        except OperationalError:
            raise  # database busy or gone: the checkpoint did not move, the next poll retries
        except Exception as exc:
            # Type and place only: a traceback's text can carry what the sender wrote.
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            where = f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}" if tb else "?"
            log.error("processing_failed", error=type(exc).__name__, at=where)
            return _quarantine(
                rt, hub, folder, uidvalidity, f, mail.message_id, f"processing failed: {type(exc).__name__}"
            )
        return 0


def _limits(rt: Runtime, mail: InboundMail) -> str | None:
    svc = rt.settings.service
    if mail.mime_depth > svc.max_mime_depth:
        return f"MIME nesting {mail.mime_depth} deeper than max_mime_depth ({svc.max_mime_depth})"
    if mail.part_count > svc.max_parts:
        return f"{mail.part_count} MIME parts, more than max_parts ({svc.max_parts})"
    return None


def _quarantine(
    rt: Runtime,
    hub: HubSettings,
    folder: str,
    uidvalidity: int,
    f: Fetched,
    message_id: str | None,
    reason: str,
) -> int:
    try:
        return _store_quarantine(rt, hub, folder, uidvalidity, f, message_id, reason, f.raw)
    except OperationalError:
        raise
    except SQLAlchemyError:
        # Whatever in the message made the database refuse it, the record must still be written:
        # without the raw bytes (they stay in the mailbox) and without the sender's Message-ID.
        return _store_quarantine(
            rt, hub, folder, uidvalidity, f, None, reason.encode("ascii", "replace").decode(), None
        )


def _store_quarantine(
    rt: Runtime,
    hub: HubSettings,
    folder: str,
    uidvalidity: int,
    f: Fetched,
    message_id: str | None,
    reason: str,
    raw: bytes | None,
) -> int:
    now = rt.now()
    with Session(rt.engine, expire_on_commit=False) as s, s.begin():
        item = store.quarantine(s, hub.code, folder, uidvalidity, f.uid, raw, f.size, reason, message_id, now)
        letter = LetterSpec(
            kind="notification",
            to=hub.notify,
            to_advisors=True,
            context={"event": "quarantine", "detail": reason},
            idempotency_key=f"quarantine:{hub.code}:{folder}:{uidvalidity}:{f.uid}",
        )
        s.add(rt.composer.compose(hub.code, None, letter, now, summary=None))
        store.record_intake(
            s, hub.code, folder, uidvalidity, f.uid, message_id or "", "quarantine", reason, None, now
        )
        store.advance_checkpoint(s, hub.code, folder, uidvalidity, f.uid, now)
        rt.metrics.count_message(s, hub.code, "quarantined")
    log.warning("quarantined", quarantine_id=item.id, reason=reason.split(":", maxsplit=1)[0])
    return 1


def handle(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    folder: str,
    uidvalidity: int,
    uid: int,
    mail: InboundMail,
    raw: bytes,
) -> Decision:
    now = rt.now()
    seen = store.already_seen(s, mail.message_id, rt.key)
    if seen:
        outbox.mark_sent_by_copy(s, mail.message_id, now)
    thread = store.lookup_thread(s, mail, rt.key) if not seen else ThreadMatch()
    thread = timeline.link_withdrawn(s, mail, thread, seen)  # ops: a withdrawn person writing afresh
    # A message about another hub's case is that hub's business: its advisors, its trusted servers,
    # its notify list and its letters (hubs are isolated even when people write to the wrong one).
    owner = rt.settings.hub(thread.case.hub) if thread.case else hub
    ctx = ClassifyContext(
        hub_code=owner.code,
        own_addresses=rt.own_addresses,
        advisors=frozenset(owner.advisors),
        trusted_authserv_ids=frozenset(owner.trusted_authserv_ids),
        thread=thread,
        already_seen=seen,
    )
    cls = classify(mail, ctx)
    rt.metrics.count_message(s, hub.code, cls.kind.value)
    wanted = cls.kind in (MailClass.NEW_REFERRAL, MailClass.REPLY) or thread.case is None
    referral = extract(mail, rt.professional_domains, rt.own_addresses) if wanted else None
    to = referral.referrer_email if referral else mail.from_addr
    own_words = strip_quoted(mail.text) if mail.text else ""
    decision = decide(
        mail,
        cls,
        thread.case,
        referral,
        policy_for(rt, owner),
        store.replies_today(s, to, now) if to else 0,
        thread,
        own_words,
    )
    case = apply(s, rt, owner, mail, raw, decision, now)
    before = timeline.queued(s)  # ops: the ledger names what follow-ups sent
    if decision.follow_up == "bounce":
        bounced(s, rt, owner, mail, now)
    elif case is not None and decision.follow_up:
        follow_up(s, rt, owner, case, mail, decision.follow_up, own_words, now)
    store.record_intake(
        s,
        hub.code,
        folder,
        uidvalidity,
        uid,
        mail.message_id,
        decision.action,
        decision.ledger_reason + timeline.follow_up_reason(s, before, decision.follow_up),
        case,
        now,
    )
    store.advance_checkpoint(s, hub.code, folder, uidvalidity, uid, now)
    log.info(
        "message_processed",
        decision=decision.action,
        classification=cls.kind.value,
        ref=case.ref if case else None,
        letters=[le.kind for le in decision.letters],
        suppressed=len(decision.suppressed),
    )
    return decision


def bounced(s: Session, rt: Runtime, hub: HubSettings, mail: InboundMail, now: datetime) -> None:
    """A delivery report about our own letters: mark them failed and tell the advisors once."""
    from rjmail import recipients

    for message_id in mail.bounced_message_ids:
        item = s.exec(select(OutboxItem).where(OutboxItem.message_id == message_id)).first()
        if item is None or item.status == "failed":
            continue
        if not recipients.bounce_matches(item, mail.bounced_recipients):  # hook (issue 12)
            log.warning("bounce_unmatched", outbox_id=item.id)
            continue
        item.status, item.last_error = "failed", "bounced: the receiving server reported it undeliverable"
        s.add(item)
        case = s.get(Case, item.case_id) if item.case_id else None
        timeline.delivery_failed(s, rt, item, item.last_error, now)  # ops: timeline + advisors
        rt.metrics.letters.labels(item.hub, item.kind, "bounced").inc()
        log.warning("bounce_recorded", outbox_id=item.id, ref=case.ref if case else None)


def handle_sent(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    folder: str,
    uidvalidity: int,
    uid: int,
    mail: InboundMail,
    raw: bytes,
) -> None:
    """Mail in the hub's Sent folder: an advisor's own reply goes on the case's timeline."""
    now = rt.now()
    case: Case | None = None
    if store.already_seen(s, mail.message_id, rt.key):
        decision, reason = "duplicate", "rjmail's own letter or already recorded"
    else:
        thread = store.lookup_thread(s, mail, rt.key)
        case = store.case_by_ref(s, thread.case.ref) if thread.case else None
        decision = "advisor_reply" if case else "record_only"
        reason = f"advisor's reply from the Sent folder ({thread.by})" if case else "sent mail about no case"
    if case is not None:
        summary = strip_quoted(mail.text)[:1500] if mail.text else None
        row = store.add_inbound(s, hub.code, case, MessageKind.ADVISOR_REPLY.value, mail, raw, summary, now)
        row.direction = "out"
        store.audit(
            s,
            f"advisor:{mail.from_addr}",
            "disclosure",
            case.ref,
            "advisor replied from the hub mailbox",
            now=now,
        )
    store.record_intake(s, hub.code, folder, uidvalidity, uid, mail.message_id, decision, reason, case, now)
    store.advance_checkpoint(s, hub.code, folder, uidvalidity, uid, now)


def follow_up(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    case: Case,
    mail: InboundMail,
    what: str,
    own_words: str,
    now: datetime,
) -> None:
    """Work a decision hands on: commands, a withdrawal, a call offer or a call choice."""
    from rjmail import advisor, calls, casework, recipients

    if what == "advisor_commands":
        advisor.execute(s, rt, hub, case, mail, now)
        recipients.mark_advisor_triggered(s)  # hook (issue 12): outside the loop guard's count
    elif what == "withdraw":
        advisor.withdraw(
            s, rt, hub, case, "person", "the person asked to withdraw by email", mail.message_id, now
        )
    elif what == "offer_call":
        calls.offer(s, rt, hub, case, f"offer:{mail.message_id}", now)
    elif what == "call_choice":
        calls.on_choice(s, rt, hub, case, own_words, mail.message_id, now)
        # Whatever the choice did, advisors see what the person wrote (it may say more than "2").
        casework.notify_advisors(
            s, rt, hub, case, "new_message", mail.message_id, now, summary=own_words[:1500]
        )


def apply(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    mail: InboundMail,
    raw: bytes,
    decision: Decision,
    now: datetime,
) -> Case | None:
    """Write the decision: case, timeline entry, status, outbox letters."""
    if decision.action == "duplicate":
        return store.case_for_message_id(s, mail.message_id, rt.key)
    case: Case | None = None
    if decision.action == "new_case":
        referral = decision.referral or extract(mail, rt.professional_domains, rt.own_addresses)
        case = store.create_case(s, hub.code, referral, now)
        case.letter_language = choose_letter_language(referral.language, hub.languages)  # issue 15
    elif decision.case_ref:
        case = store.case_by_ref(s, decision.case_ref)
    if case is None:
        return None
    summary = strip_quoted(mail.text)[:1500] if mail.text else None
    if mail.calendar_method == "REPLY":
        summary = f"Calendar response to our invite: {(mail.calendar_partstat or 'unknown').lower()}"
    kind = decision.timeline_kind or MessageKind.REPLY
    store.add_inbound(s, hub.code, case, kind.value, mail, raw, summary, now)
    if decision.new_status is not None and decision.new_status.value != case.status:
        store.audit(
            s, "rjmail", "change", case.ref, f"status {case.status} -> {decision.new_status}", now=now
        )
        case.status = decision.new_status.value
        case.updated_at = now
        s.add(case)
    for letter in decision.letters:
        queue_letter(s, rt, hub, case, letter, now, summary)
    return case


def queue_letter(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    case: Case | None,
    letter: LetterSpec,
    now: datetime,
    summary: str | None = None,
) -> None:
    from rjmail import recipients

    if recipients.refused(s, rt, hub, case, letter, now):  # hook (issue 12): addresses as data
        return
    item = rt.composer.compose(hub.code, case, letter, now, summary=summary)
    s.add(item)
    if case is not None and not letter.to_advisors:
        s.add(
            Message(
                case_id=case.id,
                hub=hub.code,
                direction="out",
                kind=TIMELINE_KIND.get(letter.kind, letter.kind),
                message_id=item.message_id,
                in_reply_to=letter.reply_to_message_id,
                subject=item.subject,
                at=now,
                raw_size=len(item.raw),
            )
        )


def send_reminders(rt: Runtime, hub: HubSettings) -> None:
    """One gentle reminder per booking, `reminder_hours` before the call (off unless configured)."""
    from rjmail import calls

    with Session(rt.engine, expire_on_commit=False) as s, s.begin():
        calls.due_reminders(s, rt, hub, rt.now())


def copy_to_sent(rt: Runtime, hub: HubSettings, mailbox: Mailbox) -> int:
    """Append delivered letters to the hub's Sent folder so advisors see exactly what went out."""
    assert hub.imap.sent_folder
    with Session(rt.engine) as s:
        rows = s.exec(
            select(OutboxItem.id, OutboxItem.raw)
            .where(
                OutboxItem.hub == hub.code,
                OutboxItem.status == "sent",
                col(OutboxItem.copied_to_sent).is_(False),
            )
            .limit(200)
        ).all()
    for row_id, raw in rows:
        mailbox.append(hub.imap.sent_folder, raw)
        with Session(rt.engine) as s, s.begin():
            item = s.get(OutboxItem, row_id)
            if item is not None:
                item.copied_to_sent = True
    return len(rows)


def _tell_delivery_failure(rt: Runtime, item: OutboxItem) -> None:
    """A letter to a person will never arrive (refused, or retries used up): advisors must know."""
    with Session(rt.engine, expire_on_commit=False) as s, s.begin():
        row = s.get(OutboxItem, item.id) or item  # ops: timeline entry with the server's answer
        timeline.delivery_failed(s, rt, row, f"refused: {row.last_error or 'no reason given'}", rt.now())


def deliver_due(rt: Runtime, hubs: list[HubSettings]) -> dict[str, int]:
    """Send every due outbox row for these hubs over one SMTP connection, batch after batch."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    sender = SmtpSender(rt.settings.smtp, rt.smtp_token)
    try:
        while ids := outbox.due_ids(rt.engine, [h.code for h in hubs], rt.now()):
            for item_id in ids:
                item = outbox.claim(rt.engine, item_id, rt.now(), rt.delivery)
                if item is None:
                    continue
                result = outbox.deliver_one(rt.engine, sender, item, rt.now(), rt.delivery)
                rt.metrics.delivered(rt.engine, item, result, rt.now())
                counts[result] += 1
                if result == "failed" and item.person_letter:
                    _tell_delivery_failure(rt, item)
                if counts["retry"] and not counts["sent"]:
                    return counts  # server unreachable: leave the rest for the next run
    finally:
        sender.close()
    return counts


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
