"""Carry out a verified advisor's commands on a case and confirm them back to the advisor in one
reply; letters to the person they cause are held so #cancel can stop them (cases/held.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import structlog

from rjmail.adapters import store
from rjmail.adapters.tables import Case, OutboxItem
from rjmail.cases import calls, held
from rjmail.cases.casework import (
    NO_EMAIL,
    add_note,
    letter_to_person,
    no_letter_reason,
    notify_advisors,
    set_status,
)
from rjmail.cases.context import CaseContext, queue_letter
from rjmail.cases.outcomes import Done, Refused, Result
from rjmail.core.catalogue import services_for
from rjmail.core.commands import Command, CommandError, not_suitable_args, parse_commands, refusal
from rjmail.core.domain import CaseStatus, InboundMail, LetterSpec
from rjmail.core.held import subject_words

log = structlog.get_logger("rjmail.advisor")


@dataclass(frozen=True)
class Outcome:
    """One command's result as the advisor is told it."""

    command: str
    result: Result
    letters: tuple[int, ...] = ()  # outbox ids of the letters to the person it queued

    @property
    def ok(self) -> bool:
        return isinstance(self.result, Done)

    @property
    def message(self) -> str:
        return self.result.message


@dataclass(frozen=True)
class Order:
    """One command to carry out: who asked, and the key that makes its letters idempotent."""

    command: Command
    actor: str
    key: str


Handler = Callable[[CaseContext, Case, Order], Result]


def execute(ctx: CaseContext, case: Case, mail: InboundMail) -> list[Outcome]:
    """Run every command at the top of the advisor's reply, in order, and confirm them all in one
    reply that quotes each letter to the person (held ones until #cancel or the hold ends)."""
    parsed = parse_commands(mail.text or "", frozenset(ctx.rt.reasons))
    outcomes = []
    for i, item in enumerate(parsed):
        seen, prior = held.before(ctx, case)
        outcome = _one(ctx, case, mail, item, i)
        name = outcome.command.lstrip("#")
        letters = held.after(ctx, case, name, mail.message_id, seen, prior)
        outcomes.append(replace(outcome, letters=tuple(letters)))
        log.info("advisor_command", ref=case.ref, command=outcome.command, ok=outcome.ok)
    if outcomes:
        _confirm(ctx, case, mail, outcomes)
    _not_automatic(ctx, [i for outcome in outcomes for i in outcome.letters])
    return outcomes


def _not_automatic(ctx: CaseContext, letter_ids: list[int]) -> None:
    """Letters an advisor asked for are not automatic replies: the loop guard
    (auto_replies_per_address_per_day) must not count them. (They were flushed already, so they are
    found by id, not among the session's new objects.)"""
    for letter_id in letter_ids:
        row = ctx.session.get(OutboxItem, letter_id)
        if row is not None:
            row.auto_reply = False
            ctx.session.add(row)


def _one(
    ctx: CaseContext, case: Case, mail: InboundMail, item: Command | CommandError, index: int
) -> Outcome:
    if isinstance(item, CommandError):
        return Outcome(item.line.split()[0], Refused(item.message))
    problem = refusal(item, CaseStatus(case.status))
    if problem:
        return Outcome(f"#{item.name}", Refused(problem))
    order = Order(item, actor=f"advisor:{mail.from_addr}", key=f"{mail.message_id}:{index}")
    return Outcome(f"#{item.name}", HANDLERS[item.name](ctx, case, order))


def _suitable(ctx: CaseContext, case: Case, order: Order) -> Result:
    if case.withdrawn_at is not None:  # the person came back after withdrawing
        case.withdrawn_at = None
        store.audit(
            ctx.session,
            order.actor,
            "change",
            case.ref,
            "the person came back after withdrawing",
            now=ctx.now,
        )
    set_status(ctx, case, CaseStatus.IN_PROGRESS, order.actor, "#suitable")
    sent = letter_to_person(ctx, case, "next_steps", f"next_steps:{order.key}")
    return Done(
        f"{case.ref} is now in progress."
        + (" The next-steps letter to the person is below." if sent else f" {no_letter_reason(case)}")
    )


def _not_suitable(ctx: CaseContext, case: Case, order: Order) -> Result:
    code, note = not_suitable_args(order.command.args)
    reason = ctx.rt.reasons[code]
    services = services_for(
        ctx.rt.services.get(ctx.hub.code, []),
        reason.topics,
        date.today(),
        ctx.rt.settings.service.signposting_max_age_days,
    )
    context = {
        "reason_text": reason.text,
        "advisor_note": note,
        "services": [{"name": x.name, "description": x.description, "contact": x.contact} for x in services],
    }
    calls.release_offers(ctx.session, case)
    calls.cancel_booking(ctx, case)
    set_status(ctx, case, CaseStatus.NOT_SUITABLE, order.actor, f"#not-suitable {code}")
    sent = letter_to_person(ctx, case, "not_suitable", f"not_suitable:{order.key}", context)
    where = "is below." if sent else f"was not sent. {no_letter_reason(case)}"
    return Done(
        f"{case.ref} is now not suitable ({reason.title}). The letter with {len(services)} support "
        f"service(s) {where}"
    )


def _withdraw(ctx: CaseContext, case: Case, order: Order) -> Result:
    sent = withdraw(ctx, case, order.actor, "advisor #withdraw (the person asked by phone)", order.key)
    if not sent:
        return Done(f"{case.ref} is withdrawn. {NO_EMAIL}")
    return Done(
        f"{case.ref} is withdrawn. The person gets one confirmation (below) and no more automatic mail."
    )


def withdraw(ctx: CaseContext, case: Case, actor: str, reason: str, key: str) -> bool:
    """Withdraw the case (by the person's email or an advisor's #withdraw): one confirmation, then silence."""
    calls.release_offers(ctx.session, case)
    calls.cancel_booking(ctx, case)
    set_status(ctx, case, CaseStatus.WITHDRAWN, actor, reason)
    case.withdrawn_at = ctx.now  # stays set through a later #close: no automatic mail until they come back
    return letter_to_person(ctx, case, "withdrawal_confirmation", f"withdrawal:{case.ref}:{key}")


def _hold(ctx: CaseContext, case: Case, order: Order) -> Result:
    args = order.command.args
    set_status(ctx, case, CaseStatus.ON_HOLD, order.actor, f"#hold {args}".strip())
    if args:
        add_note(ctx, case, args, order.actor, order.key)
    return Done(f"{case.ref} is on hold. Nothing was sent to the person.")


def _close(ctx: CaseContext, case: Case, order: Order) -> Result:
    calls.release_offers(ctx.session, case)
    calls.cancel_booking(ctx, case)
    set_status(ctx, case, CaseStatus.CLOSED, order.actor, "#close")
    return Done(f"{case.ref} is closed. Nothing was sent to the person.")


def _assign(ctx: CaseContext, case: Case, order: Order) -> Result:
    advisor = order.command.args.lower()
    hub = ctx.hub
    if advisor not in hub.advisors:
        return Refused(f"{advisor} is not an advisor of {hub.name}. Advisors: {', '.join(hub.advisors)}")
    store.audit(ctx.session, order.actor, "change", case.ref, f"advisor set to {advisor}", now=ctx.now)
    case.advisor, case.updated_at = advisor, ctx.now
    ctx.session.add(case)
    told = ""
    if advisor != order.actor.removeprefix("advisor:").lower():
        notify_advisors(
            ctx,
            case,
            "assigned",
            f"assign:{order.key}",
            to=(advisor,),
            detail=order.actor.removeprefix("advisor:"),
        )
        told = f" {advisor} was told."
    return Done(f"{case.ref} is now assigned to {advisor}.{told}")


def _note(ctx: CaseContext, case: Case, order: Order) -> Result:
    add_note(ctx, case, order.command.args, order.actor, order.key)
    return Done(f"Note added to {case.ref}. Nothing was sent to the person.")


def _cancel(ctx: CaseContext, case: Case, order: Order) -> Result:
    return held.cancel(ctx, case, order.actor)


def _offer_call(ctx: CaseContext, case: Case, order: Order) -> Result:
    return calls.offer(ctx, case, f"offer:{order.key}", actor=order.actor)


def _book(ctx: CaseContext, case: Case, order: Order) -> Result:
    return calls.book_direct(ctx, case, order.command.args, f"book:{order.key}", actor=order.actor)


HANDLERS: dict[str, Handler] = {
    "suitable": _suitable,
    "not-suitable": _not_suitable,
    "withdraw": _withdraw,
    "hold": _hold,
    "close": _close,
    "assign": _assign,
    "note": _note,
    "offer-call": _offer_call,
    "book": _book,
    "cancel": _cancel,
}


def _confirm(ctx: CaseContext, case: Case, mail: InboundMail, outcomes: list[Outcome]) -> None:
    """One confirmation for the whole reply: every command's result and every letter to the person,
    quoted, with when it goes and how to stop it."""
    ids = [i for o in outcomes for i in o.letters]
    letters = held.letter_views(ctx, ids)
    results = [{"command": o.command, "ok": o.ok, "message": o.message} for o in outcomes]
    context = {
        "results": results,
        "subject_words": subject_words([(o.command, o.ok) for o in outcomes]),
        "letters": letters,
        "any_held": any(x["held"] for x in letters),
        # the single-command keys older templates (and per-hub overrides) read
        "command": ", ".join(o.command for o in outcomes),
        "ok": all(o.ok for o in outcomes),
        "message": "\n".join(o.message for o in outcomes),
    }
    letter = LetterSpec(
        kind="command_result",
        to=(mail.from_addr,),
        to_advisors=True,
        context=context,
        reply_to_message_id=mail.message_id,
        references=mail.references,
        idempotency_key=f"command_result:{mail.message_id}",
    )
    queue_letter(ctx, case, letter)
