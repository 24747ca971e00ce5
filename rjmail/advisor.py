"""Carry out a verified advisor's commands on a case and confirm each one back to the advisor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import structlog
from sqlmodel import Session

from rjmail import calls, casework
from rjmail.adapters import store
from rjmail.adapters.tables import Case
from rjmail.core.catalogue import services_for
from rjmail.core.commands import Command, CommandError, not_suitable_args, parse_commands, refusal
from rjmail.core.domain import CaseStatus, InboundMail, LetterSpec

if TYPE_CHECKING:
    from rjmail.pipeline import Runtime
    from rjmail.settings import HubSettings

log = structlog.get_logger("rjmail.advisor")


@dataclass(frozen=True)
class Outcome:
    command: str
    ok: bool
    message: str


def execute(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, mail: InboundMail, now: datetime
) -> list[Outcome]:
    """Run every command at the top of the advisor's reply, in order, and confirm each one."""
    parsed = parse_commands(mail.text or "", frozenset(rt.reasons))
    if not parsed:
        return []
    outcomes = [_one(s, rt, hub, case, mail, item, now, i) for i, item in enumerate(parsed)]
    for i, outcome in enumerate(outcomes):
        _confirm(s, rt, hub, case, mail, outcome, now, i)
        log.info("advisor_command", ref=case.ref, command=outcome.command, ok=outcome.ok)
    return outcomes


def _one(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    case: Case,
    mail: InboundMail,
    item: Command | CommandError,
    now: datetime,
    index: int,
) -> Outcome:
    if isinstance(item, CommandError):
        return Outcome(item.line.split()[0], False, item.message)
    problem = refusal(item, CaseStatus(case.status))
    if problem:
        return Outcome(f"#{item.name}", False, problem)
    key = f"{mail.message_id}:{index}"
    actor = f"advisor:{mail.from_addr}"
    handler = HANDLERS[item.name]
    message = handler(s, rt, hub, case, item, actor, key, now)
    ok = not message.startswith("!")
    return Outcome(f"#{item.name}", ok, message.lstrip("!"))


def _suitable(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, cmd: Command, actor: str, key: str, now: datetime
) -> str:
    if case.withdrawn_at is not None:  # the person came back after withdrawing
        case.withdrawn_at = None
        store.audit(s, actor, "change", case.ref, "the person came back after withdrawing", now=now)
    casework.set_status(s, case, CaseStatus.IN_PROGRESS, actor, "#suitable", now)
    sent = casework.letter_to_person(s, rt, hub, case, "next_steps", f"next_steps:{key}", now)
    return f"{case.ref} is now in progress." + (
        " The next-steps letter was sent."
        if sent
        else " No letter was sent: there is no address for the person."
    )


def _not_suitable(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, cmd: Command, actor: str, key: str, now: datetime
) -> str:
    code, note = not_suitable_args(cmd.args)
    reason = rt.reasons[code]
    services = services_for(
        rt.services.get(hub.code, []),
        reason.topics,
        date.today(),
        rt.settings.service.signposting_max_age_days,
    )
    context = {
        "reason_text": reason.text,
        "advisor_note": note,
        "services": [{"name": x.name, "description": x.description, "contact": x.contact} for x in services],
    }
    calls.release_offers(s, case, now)
    calls.cancel_booking(s, rt, hub, case, now)
    casework.set_status(s, case, CaseStatus.NOT_SUITABLE, actor, f"#not-suitable {code}", now)
    sent = casework.letter_to_person(s, rt, hub, case, "not_suitable", f"not_suitable:{key}", now, context)
    where = "sent" if sent else "not sent (no address for the person)"
    return (
        f"{case.ref} is now not suitable ({reason.title}). The letter with {len(services)} support "
        f"service(s) was {where}."
    )


def _withdraw(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, cmd: Command, actor: str, key: str, now: datetime
) -> str:
    withdraw(s, rt, hub, case, actor, "advisor #withdraw (the person asked by phone)", key, now)
    return (
        f"{case.ref} is withdrawn. The person was sent one confirmation and will get no more automatic mail."
    )


def withdraw(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, actor: str, reason: str, key: str, now: datetime
) -> None:
    calls.release_offers(s, case, now)
    calls.cancel_booking(s, rt, hub, case, now)
    casework.set_status(s, case, CaseStatus.WITHDRAWN, actor, reason, now)
    case.withdrawn_at = now  # stays set through a later #close: no automatic mail until they come back
    casework.letter_to_person(
        s, rt, hub, case, "withdrawal_confirmation", f"withdrawal:{case.ref}:{key}", now
    )


def _hold(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, cmd: Command, actor: str, key: str, now: datetime
) -> str:
    casework.set_status(s, case, CaseStatus.ON_HOLD, actor, f"#hold {cmd.args}".strip(), now)
    if cmd.args:
        casework.add_note(s, case, hub.code, cmd.args, actor, now, key)
    return f"{case.ref} is on hold. Nothing was sent to the person."


def _close(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, cmd: Command, actor: str, key: str, now: datetime
) -> str:
    calls.release_offers(s, case, now)
    calls.cancel_booking(s, rt, hub, case, now)
    casework.set_status(s, case, CaseStatus.CLOSED, actor, "#close", now)
    return f"{case.ref} is closed. Nothing was sent to the person."


def _assign(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, cmd: Command, actor: str, key: str, now: datetime
) -> str:
    advisor = cmd.args.lower()
    if advisor not in hub.advisors:
        return f"!{advisor} is not an advisor of {hub.name}. Advisors: {', '.join(hub.advisors)}"
    store.audit(s, actor, "change", case.ref, f"advisor set to {advisor}", now=now)
    case.advisor, case.updated_at = advisor, now
    s.add(case)
    return f"{case.ref} is now assigned to {advisor}."


def _note(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, cmd: Command, actor: str, key: str, now: datetime
) -> str:
    casework.add_note(s, case, hub.code, cmd.args, actor, now, key)
    return f"Note added to {case.ref}. Nothing was sent to the person."


def _offer_call(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, cmd: Command, actor: str, key: str, now: datetime
) -> str:
    return calls.offer(s, rt, hub, case, f"offer:{key}", now, actor=actor)


def _book(
    s: Session, rt: Runtime, hub: HubSettings, case: Case, cmd: Command, actor: str, key: str, now: datetime
) -> str:
    return calls.book_direct(s, rt, hub, case, cmd.args, f"book:{key}", now, actor=actor)


HANDLERS = {
    "suitable": _suitable,
    "not-suitable": _not_suitable,
    "withdraw": _withdraw,
    "hold": _hold,
    "close": _close,
    "assign": _assign,
    "note": _note,
    "offer-call": _offer_call,
    "book": _book,
}


def _confirm(
    s: Session,
    rt: Runtime,
    hub: HubSettings,
    case: Case,
    mail: InboundMail,
    outcome: Outcome,
    now: datetime,
    index: int,
) -> None:
    from rjmail.pipeline import queue_letter

    letter = LetterSpec(
        kind="command_result",
        to=(mail.from_addr,),
        to_advisors=True,
        context={"command": outcome.command, "ok": outcome.ok, "message": outcome.message},
        reply_to_message_id=mail.message_id,
        references=mail.references,
        idempotency_key=f"command_result:{mail.message_id}:{index}",
    )
    queue_letter(s, rt, hub, case, letter, now)
