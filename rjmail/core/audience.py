"""Letters by audience for a professional referral (SPEC section 3, "Professional referrals").

The professional gets a letter written for a professional (the reference, what happens next for
the person and by which route, how to add information), never the victim acknowledgement. The
referred person, when they have an email address, gets an introduction as their first letter. The
call offer, when they want a call, goes to them after it, never to the professional.
"""

from __future__ import annotations

from dataclasses import dataclass

from rjmail.core.addresses import all_valid
from rjmail.core.autoreply import is_noreply
from rjmail.core.domain import InboundMail, LetterSpec, Referral
from rjmail.core.greeting import professional_greeting


@dataclass(frozen=True)
class Audience:
    """The letters for both people, and why any was not sent."""

    letters: tuple[LetterSpec, ...]
    suppressed: tuple[str, ...]
    introduced: bool  # the referred person got their introduction (a call offer may follow)


def person_email(referral: Referral) -> str | None:
    """The referred person's own address, when it is one usable address that is not the
    professional's and not a no-reply relay."""
    person = referral.referred_person
    email = person.email if person else None
    if not email or email.lower() == referral.referrer_email.lower():
        return None
    if is_noreply(email) or not all_valid((email,)):
        return None
    return email


def route(referral: Referral) -> dict[str, bool]:
    """How the hub will reach the referred person: the referral acknowledgement says so."""
    person = referral.referred_person
    by_email = person_email(referral) is not None
    by_phone = bool(referral.phone or (person and person.phone)) and not referral.email_only
    return {"by_email": by_email, "by_phone": by_phone}


def _acknowledgement(
    mail: InboundMail, referral: Referral, replies_today: int, limit: int
) -> LetterSpec | str:
    to = referral.referrer_email
    if not to:
        return "referral_acknowledgement: no address to answer"
    if is_noreply(to):
        return "referral_acknowledgement: the professional's address is a no-reply relay"
    if replies_today >= limit:
        return (
            f"referral_acknowledgement: {replies_today} automatic replies to this address today "
            f"(limit {limit})"
        )
    invented = mail.message_id.endswith("@rjmail.invalid>")
    context: dict[str, object] = {
        **route(referral),
        "greeting_name": professional_greeting(mail.from_name, referral.referrer_name),
    }
    return LetterSpec(
        kind="referral_acknowledgement",
        to=(to,),
        context=context,
        reply_to_message_id=None if invented else mail.message_id,
        references=() if invented else mail.references,
        idempotency_key=f"referral_ack:{mail.message_id}",
    )


def _introduction(mail: InboundMail, referral: Referral) -> LetterSpec | str:
    to = person_email(referral)
    if to is None:
        return "introduction: the referred person has no email address on the case; advisors will phone"
    # A new thread: the professional's Message-IDs must never reach the person.
    return LetterSpec(
        kind="introduction",
        to=(to,),
        context={"organisation": referral.organisation, "wants_call": referral.wants_call},
        idempotency_key=f"intro:{mail.message_id}",
    )


def professional_letters(mail: InboundMail, referral: Referral, replies_today: int, limit: int) -> Audience:
    """The professional's referral acknowledgement and the person's introduction."""
    letters: list[LetterSpec] = []
    suppressed: list[str] = []
    for made in (_acknowledgement(mail, referral, replies_today, limit), _introduction(mail, referral)):
        if isinstance(made, LetterSpec):
            letters.append(made)
        else:
            suppressed.append(made)
    introduced = any(letter.kind == "introduction" for letter in letters)
    return Audience(tuple(letters), tuple(suppressed), introduced)
