"""File one parsed message on its case: a new case, a reply, a bounce, a calendar reply, or an
advisor's own reply found in the Sent folder. Returns what was done; the caller records it."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from rjmail.adapters import outbox, store
from rjmail.adapters.tables import Case
from rjmail.cases import advisor, calls, timeline, voice, wishes
from rjmail.cases.context import CaseContext, queue_letter
from rjmail.cases.outcomes import ChoiceOutcome
from rjmail.core.classify import ClassifyContext, classify
from rjmail.core.decide import Decision, HubPolicy, decide
from rjmail.core.domain import (
    Action,
    Classification,
    FollowUp,
    InboundMail,
    MailClass,
    MessageKind,
    Referral,
    ThreadMatch,
)
from rjmail.core.extract import extract, strip_quoted
from rjmail.core.language import choose_letter_language
from rjmail.settings import HubSettings

log = structlog.get_logger("rjmail.cases")


@dataclass(frozen=True)
class Filed:
    """What happened to one inbound message: the ledger's decision and reason, and its case."""

    action: Action
    reason: str
    case: Case | None = None
    decision: Decision | None = None
    message_id: str | None = None  # the ID it was filed under, when not its own (a reused ID)
    body_hash: str | None = None  # keyed hash of its words, kept in the intake ledger


def policy_for(ctx: CaseContext, hub: HubSettings) -> HubPolicy:
    return HubPolicy(
        code=hub.code,
        notify=hub.notify,
        on_closed_reply=hub.on_closed_reply,
        auto_reply_limit=ctx.rt.settings.service.auto_replies_per_address_per_day,
    )


Classified = tuple[CaseContext, Classification, ThreadMatch, InboundMail, str]


def _classify(ctx: CaseContext, mail: InboundMail) -> Classified:
    """Classify against the owning hub: a message about another hub's case is that hub's business
    (its advisors, its trusted servers, its notify list and its letters)."""
    s, rt = ctx.session, ctx.rt
    mail, digest, seen = voice.fresh_identity(s, mail, rt.key)
    if seen:
        outbox.mark_sent_by_copy(s, mail.message_id, ctx.now)
    thread = store.lookup_thread(s, mail, rt.key) if not seen else ThreadMatch()
    thread = timeline.link_withdrawn(s, mail, thread, seen)  # a withdrawn person writing afresh
    owner = ctx.for_hub(thread.case.hub) if thread.case else ctx
    cls = classify(
        mail,
        ClassifyContext(
            hub_code=owner.hub.code,
            own_addresses=rt.own_addresses,
            advisors=frozenset(owner.hub.advisors),
            trusted_authserv_ids=frozenset(owner.hub.trusted_authserv_ids),
            thread=thread,
            already_seen=seen,
        ),
    )
    return owner, cls, thread, mail, digest


def file_message(ctx: CaseContext, mail: InboundMail, raw: bytes) -> Filed:
    """Classify, decide and apply one message in the caller's transaction."""
    given = mail.message_id
    owner, cls, thread, mail, digest = _classify(ctx, mail)
    ctx.rt.metrics.count_message(ctx.session, ctx.hub.code, cls.kind.value)
    duplicate = cls.kind == MailClass.DUPLICATE  # e.g. our own delivery copies: decide() needs no more
    wanted = cls.kind in (MailClass.NEW_REFERRAL, MailClass.REPLY) or thread.case is None
    referral = (
        extract(mail, ctx.rt.professional_domains, ctx.rt.own_addresses) if wanted and not duplicate else None
    )
    to = referral.referrer_email if referral else mail.from_addr
    own_words = strip_quoted(mail.text) if mail.text and not duplicate else ""
    replies = store.replies_today(owner.session, to, owner.now) if to and not duplicate else 0
    decision = decide(
        mail, cls, thread.case, referral, policy_for(owner, owner.hub), replies, thread, own_words
    )
    case = apply(owner, mail, raw, decision)
    before = timeline.queued(owner.session)  # the ledger names what follow-ups sent
    if decision.follow_up == FollowUp.BOUNCE:
        bounced(owner, mail)
    elif case is not None and decision.follow_up:
        follow_up(owner, case, mail, decision.follow_up, own_words, thread)
    reason = decision.ledger_reason + timeline.follow_up_reason(owner.session, before, decision.follow_up)
    log.info(
        "message_processed",
        decision=decision.action.value,
        classification=cls.kind.value,
        ref=case.ref if case else None,
        letters=[le.kind for le in decision.letters],
        suppressed=len(decision.suppressed),
    )
    renamed = mail.message_id if mail.message_id != given else None
    return Filed(decision.action, reason, case, decision, message_id=renamed, body_hash=digest)


def _timeline_summary(mail: InboundMail) -> str | None:
    if mail.calendar_method == "REPLY":
        return f"Calendar response to our invite: {(mail.calendar_partstat or 'unknown').lower()}"
    return strip_quoted(mail.text)[:1500] if mail.text else None


def _case_for(ctx: CaseContext, mail: InboundMail, decision: Decision) -> Case | None:
    if decision.action == Action.NEW_CASE:
        referral: Referral = decision.referral or extract(
            mail, ctx.rt.professional_domains, ctx.rt.own_addresses
        )
        case = store.create_case(ctx.session, ctx.hub.code, referral, ctx.now)
        case.letter_language = choose_letter_language(referral.language, ctx.hub.languages)
        return case
    if decision.case_ref:
        return store.case_by_ref(ctx.session, decision.case_ref)
    return None


def apply(ctx: CaseContext, mail: InboundMail, raw: bytes, decision: Decision) -> Case | None:
    """Write the decision: case, timeline entry, status, outbox letters."""
    s, now = ctx.session, ctx.now
    if decision.action == Action.DUPLICATE:
        return store.case_for_message_id(s, mail.message_id, ctx.rt.key)
    case = _case_for(ctx, mail, decision)
    if case is None:
        for letter in decision.letters:  # nothing dropped silently: advisors read mail with no case
            queue_letter(ctx, None, letter, _timeline_summary(mail))
        return None
    summary = _timeline_summary(mail)
    kind = decision.timeline_kind or MessageKind.REPLY
    store.add_inbound(s, ctx.hub.code, case, kind.value, mail, raw, summary, now, ctx.arrived)
    if kind == MessageKind.REPLY:  # before any letter is rendered: the newest wish binds them all
        wishes.update_from_message(ctx, case, mail, strip_quoted(mail.text) if mail.text else "")
    if decision.new_status is not None and decision.new_status.value != case.status:
        store.audit(
            s, "rjmail", "change", case.ref, f"status {case.status} -> {decision.new_status}", now=now
        )
        case.status = decision.new_status.value
        case.updated_at = now
        s.add(case)
    if decision.note:
        voice.voided(ctx, case, decision.note, voice.note_key(mail))
    for letter in decision.letters:
        queue_letter(ctx, case, letter, summary)
    return case


def bounced(ctx: CaseContext, mail: InboundMail) -> None:
    """A delivery report about our own letters: mark them failed and tell the advisors once."""
    for message_id in mail.bounced_message_ids:
        # Only a report naming a recipient the letter really went to: a forged "bounce" quoting a
        # real letter's Message-ID with another address changes nothing.
        item = outbox.mark_bounced(ctx.session, message_id, mail.bounced_recipients)
        if item is None:
            continue
        timeline.delivery_failed(ctx.for_hub(item.hub), item, item.last_error or "bounced")
        ctx.rt.metrics.letters.labels(item.hub, item.kind, "bounced").inc()
        log.warning("bounce_recorded", outbox_id=item.id, case_id=item.case_id)


def follow_up(
    ctx: CaseContext,
    case: Case,
    mail: InboundMail,
    what: FollowUp,
    own_words: str,
    thread: ThreadMatch | None = None,
) -> None:
    """Work a decision hands on: commands, a withdrawal, a call offer, a call choice, a calendar reply."""
    if what == FollowUp.ADVISOR_COMMANDS:
        advisor.execute(ctx, case, mail)
    elif what == FollowUp.WITHDRAW:
        advisor.withdraw(ctx, case, "person", "the person asked to withdraw by email", mail.message_id)
        # Composed after the status change, so advisors read "withdrawn", not the status before.
        voice.notify(ctx, case, "withdrawal", mail, summary=own_words[:1500] or None)
    elif what == FollowUp.OFFER_CALL:
        if case.wants_call is not True:  # "yes please" / "could someone ring me": they want a call
            case.wants_call, case.updated_at = True, ctx.now
            ctx.session.add(case)
        calls.offer(ctx, case, f"offer:{mail.message_id}")
    elif what == FollowUp.CALL_CHOICE:
        outcome = calls.on_choice(ctx, case, own_words[:1500], mail.message_id)
        # Advisors see what the person wrote (it may say more than "2") once: in the notice about
        # what the choice did (booked, none suit, a closed offer), else as a new message.
        if outcome not in _TOLD:
            voice.notify(ctx, case, "new_message", mail, summary=own_words[:1500])
    elif what == FollowUp.CALENDAR_REPLY:
        voice.calendar_reply(ctx, case, mail, thread or ThreadMatch())


# Call choices whose own notice to advisors already quotes the reply.
_TOLD = frozenset(
    {ChoiceOutcome.BOOKED, ChoiceOutcome.NONE_SUIT, ChoiceOutcome.REOFFERED, ChoiceOutcome.OFFER_CLOSED}
)


def file_sent(ctx: CaseContext, mail: InboundMail, raw: bytes) -> Filed:
    """Mail in the hub's Sent folder: an advisor's own reply goes on the case's timeline."""
    s, now = ctx.session, ctx.now
    if store.already_seen(s, mail.message_id, ctx.rt.key):
        return Filed(Action.DUPLICATE, "rjmail's own letter or already recorded")
    thread = store.lookup_thread(s, mail, ctx.rt.key)
    case = store.case_by_ref(s, thread.case.ref) if thread.case else None
    if case is None:
        return Filed(Action.RECORD_ONLY, "sent mail about no case")
    summary = strip_quoted(mail.text)[:1500] if mail.text else None
    kind = MessageKind.ADVISOR_REPLY.value
    store.add_inbound(s, ctx.hub.code, case, kind, mail, raw, summary, now, ctx.arrived, direction="out")
    store.audit(
        s,
        f"advisor:{mail.from_addr}",
        "disclosure",
        case.ref,
        "advisor replied from the hub mailbox",
        now=now,
    )
    return Filed(Action.ADVISOR_REPLY, f"advisor's reply from the Sent folder ({thread.by})", case)
