"""Recipients are data: one validated address each, never a string to split (SPEC section 6).

A web form's "Email: a,b@example.org" or a quoted local part with a comma must never become two
envelope recipients, and a bare local part must never be handed to a relay that would deliver it
to an internal mailbox.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

#: An email address or a web link inside free text: never the writer's own words.
ADDRESS_OR_LINK = r"\S+@\S+|\b(?:https?://|www\.)\S+"


class BadAddressError(ValueError):
    """An address that is not exactly one deliverable-looking mailbox (the message says why)."""


def one_address(value: str) -> str:
    """The address, normalised, if `value` is exactly one plain mailbox; else BadAddressError.

    No quoted local parts, no display names, no lists, no bare local parts; deliverability is not
    checked (no DNS: the relay decides that, and a bounce tells the advisors). `.test` domains are
    allowed (RFC 2606 test mail); every other special-use name (localhost, .invalid, .local) is not."""
    if not isinstance(value, str) or not value or value != value.strip():
        raise BadAddressError("empty address or surrounding spaces")
    if any(ch in value for ch in ',;<>"() \t\r\n') or value.count("@") != 1:
        raise BadAddressError("not exactly one plain address")
    normalised, problem = _validated(value)
    if normalised is None:
        raise BadAddressError(problem)
    return normalised


@lru_cache(maxsize=4096)  # the same few addresses (hub lists, a person writing again) recur all day
def _validated(value: str) -> tuple[str | None, str]:
    try:
        result = validate_email(
            value,
            check_deliverability=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
            test_environment=True,
        )
    except EmailNotValidError as exc:
        return None, str(exc)
    return str(result.normalized), ""


def all_valid(values: Iterable[str]) -> bool:
    try:
        for value in values:
            one_address(value)
    except BadAddressError:
        return False
    return True


def dump(recipients: Iterable[str]) -> str:
    """The stored form of an outbox row's recipients: a JSON list, each entry validated."""
    return json.dumps([one_address(r) for r in recipients])


def load(stored: str) -> list[str]:
    """Recipients of a stored row. Rows written before the JSON column (a comma-joined string) are
    still read, but each piece must then pass validation too; anything else raises BadAddressError."""
    if not stored:
        return []
    if stored.startswith("["):
        try:
            values = json.loads(stored)
        except ValueError as exc:
            raise BadAddressError("recipients column is not valid JSON") from exc
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise BadAddressError("recipients column is not a list of strings")
    else:
        values = [piece.strip() for piece in stored.split(",") if piece.strip()]
    return [one_address(v) for v in values]
