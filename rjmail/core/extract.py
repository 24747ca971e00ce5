"""Referral fields from a parsed mail (placeholder while the full extractor is written)."""

from __future__ import annotations

from rjmail.core.domain import InboundMail, Referral


def extract(
    mail: InboundMail,
    professional_domains: frozenset[str] = frozenset(),
    hub_addresses: frozenset[str] = frozenset(),
) -> Referral:
    """Referral fields found in `mail`; empty where unsure."""
    return Referral(referrer_email=mail.from_addr, referrer_name=mail.from_name or None)


def strip_quoted(text: str) -> str:
    """The new text of a reply, without quoted history."""
    return text
