"""Classify an inbound message exactly once, in the order of SPEC section 3."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rjmail.core.authresults import auth_failure, sender_verified
from rjmail.core.autoreply import automatic_reason
from rjmail.core.domain import Classification, InboundMail, MailClass, ThreadMatch
from rjmail.core.voice import answers_us, has_own_words

REF_PATTERN = re.compile(r"\bRJ-([A-Z0-9]{2,6})-(\d{4})-(\d{4,})\b")


@dataclass(frozen=True)
class ClassifyContext:
    hub_code: str
    own_addresses: frozenset[str]  # every hub address: mail from these is a loop
    advisors: frozenset[str]
    trusted_authserv_ids: frozenset[str]
    thread: ThreadMatch
    already_seen: bool = False


DUPLICATE_REASON = "Message-ID already processed"


def subject_ref(subject: str) -> str | None:
    """The first case reference written in a subject, e.g. RJ-NOR-2026-0007."""
    match = REF_PATTERN.search(subject or "")
    return match.group(0) if match else None


def classify(mail: InboundMail, ctx: ClassifyContext) -> Classification:
    if ctx.already_seen:
        return Classification(MailClass.DUPLICATE, DUPLICATE_REASON)
    reason = automatic_reason(mail, ctx.own_addresses)
    case = ctx.thread.case
    failed = auth_failure(mail, ctx.trusted_authserv_ids)
    robot = None
    if reason:
        # Nothing dropped silently (SPEC section 6): automatic-looking mail that is not about our own
        # letters and has words of its own is read by the advisors (it is never answered).
        if answers_us(mail, ctx.thread, ctx.own_addresses) or not has_own_words(mail):
            return Classification(MailClass.AUTOMATIC, reason, case.ref if case else None, auth_failed=failed)
        robot = reason
    looks = f"; looks automatic ({robot}) but has words of its own" if robot else ""
    if case is None:
        return Classification(
            MailClass.NEW_REFERRAL, "no case reference or thread: new referral" + looks, robot=robot
        )
    if mail.from_addr in ctx.advisors and not robot:
        return _advisor(mail, ctx, case.ref)
    return Classification(
        MailClass.REPLY,
        f"threads onto {case.ref} by {ctx.thread.by}" + looks,
        case.ref,
        auth_failed=failed,
        robot=robot,
    )


def _advisor(mail: InboundMail, ctx: ClassifyContext, ref: str) -> Classification:
    """An advisor's mail acts only when the sender is verified and it answers our notification."""
    problems = []
    if not sender_verified(mail, ctx.trusted_authserv_ids):
        problems.append("no passing Authentication-Results from a trusted server")
    thread = ctx.thread
    if not (thread.signed_parent and thread.signed_parent_kind in ("notification", "command_result")):
        problems.append("does not reply to an rjmail notification about this case")
    if problems:
        return Classification(
            MailClass.REPLY,
            "advisor address not verified: " + "; ".join(problems) + " (possible spoof)",
            ref,
            spoof=True,
        )
    return Classification(MailClass.ADVISOR_COMMAND, "verified advisor reply", ref)
