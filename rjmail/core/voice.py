"""Whose voice is this? Pure helpers for reading a message on a case (issue 12).

- Who really wrote it: the sender as advisors must see it, and whether it is an address on the case.
- Automatic-looking mail with words of its own: is it a reply to one of our letters (then a robot's
  answer, recorded only), or something a person or a referral system wrote that advisors must read?
- A reused Message-ID: the same ID with different words is a new message (a keyed hash of the body).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from rjmail.core.domain import CaseSnapshot, InboundMail, ThreadMatch
from rjmail.core.quotes import strip_quoted

ROBOT_WORDS = 20  # own words (after quote stripping) that make automatic-looking mail worth reading
CALENDAR_METHODS = ("REPLY", "COUNTER")
PARTSTAT_WORDS = {
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentatively accepted",
    "COUNTER": "proposed a new time for",
}
_WORD = re.compile(r"\w+")
_ROBOT_SENDERS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")
# Wording of a referral (two different cues needed): a newsletter that says "restorative" once is
# not a referral, and a referral system's mail that names a victim and an offence is one.
_REFERRAL_CUES = re.compile(
    r"(?i)\b(refer(?:ral|ring|red)?|restorative|victims?|offen[cs]es?|offenders?|crimes?|burgl\w*|"
    r"assault\w*|harass\w*|stalk\w*|abuse[ds]?|harmed|attacked|robbed|stolen|police|consent\w*)\b"
)
_BULK = ("bulk", "junk", "list")


def sender_text(mail: InboundMail) -> str:
    """'Name <address>' as the From header gave it (advisor-facing only, never for logs)."""
    if not mail.from_addr:
        return "(no sender address)"
    name = " ".join((mail.from_name or "").split())
    return f"{name} <{mail.from_addr}>" if name and name.lower() != mail.from_addr else mail.from_addr


def on_case(mail: InboundMail, case: CaseSnapshot | None) -> bool:
    """From an address the referral gave (Reply-To and display names do not count)."""
    return case is not None and bool(mail.from_addr) and mail.from_addr in case.known_addresses


def sender_context(mail: InboundMail, case: CaseSnapshot | None) -> dict[str, object]:
    """Notification context naming the real writer; `stranger` puts a warning at the top."""
    return {"sender": sender_text(mail), "stranger": case is not None and not on_case(mail, case)}


def own_word_count(mail: InboundMail) -> int:
    return len(_WORD.findall(strip_quoted(mail.text) if mail.text else ""))


def answers_us(mail: InboundMail, thread: ThreadMatch, own_addresses: frozenset[str]) -> bool:
    """Machine mail that is about our own letters: a bounce or report, a calendar reply, an
    out-of-office threading onto a letter we signed, our own copies. Recorded, never read out."""
    local = mail.from_addr.split("@", 1)[0]
    return bool(
        thread.signed_parent
        or mail.bounced_message_ids
        or mail.content_type == "multipart/report"
        or mail.report_type
        or mail.calendar_method
        or mail.from_addr in own_addresses
        or local in _ROBOT_SENDERS
    )


def has_own_words(mail: InboundMail) -> bool:
    return own_word_count(mail) >= ROBOT_WORDS


def reads_as_referral(mail: InboundMail, text: str) -> bool:
    """Automatic-looking mail that should become a case: two different referral cues, not bulk."""
    precedence = (mail.header("precedence") or "").strip().lower()
    if precedence in _BULK or any(name.startswith("list-") for name in mail.headers):
        return False
    cues = {m.group(1).lower()[:6] for m in _REFERRAL_CUES.finditer(f"{mail.subject}\n{text}")}
    return len(cues) >= 2


def body_hash(key: bytes, mail: InboundMail) -> str:
    """A keyed hash of what the message says (text and attachments), not of its headers: the same
    message delivered to two hubs has the same hash, a different one reusing a Message-ID does not.
    Keyed, so short texts cannot be guessed back from it."""
    parts = [" ".join(mail.text.split()), *sorted(a.sha256 for a in mail.attachments)]
    return hmac.new(key, "\x00".join(parts).encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


def reused_id(mail: InboundMail, digest: str) -> str:
    """The Message-ID a different message reusing an earlier one is filed under. It ends in
    "@rjmail.invalid", so no letter threads onto the sender's (possibly forged) ID."""
    original = hashlib.sha256(mail.message_id.encode("utf-8", "replace")).hexdigest()[:12]
    return f"<reused.{original}.{digest[:20]}@rjmail.invalid>"


def calendar_words(mail: InboundMail) -> str:
    """'declined', 'accepted', … for the notification and the timeline."""
    if mail.calendar_method == "COUNTER":
        return PARTSTAT_WORDS["COUNTER"]
    return PARTSTAT_WORDS.get((mail.calendar_partstat or "").upper(), "answered")
