"""Trust Authentication-Results only from our own servers (RFC 8601).

Anyone can write an Authentication-Results header into a message. Only the topmost header carrying
one of the hub's trusted authserv-ids counts: our MTA prepends its own above anything the sender
forged, and a forged copy with a trusted id below it is ignored.
"""

from __future__ import annotations

import authres

from rjmail.core.domain import InboundMail


def _parse(value: str) -> authres.AuthenticationResultsHeader | None:
    try:
        return authres.AuthenticationResultsHeader.parse(f"Authentication-Results: {value}")
    except Exception:  # a malformed header is simply not trusted
        return None


def trusted_header(mail: InboundMail, trusted: frozenset[str]) -> authres.AuthenticationResultsHeader | None:
    """The topmost header naming a trusted authserv-id, parsed. Found by its raw id (the text before
    the first ';'), so a header of ours that fails to parse stops the search instead of letting a
    forged one further down count."""
    for value in mail.headers.get("authentication-results", ()):
        words = value.split(";", 1)[0].split()
        if words and words[0].lower() in trusted:
            return _parse(value)
    return None


def sender_verified(mail: InboundMail, trusted: frozenset[str]) -> bool:
    """dmarc=pass for the From domain, or auth=pass (internal authenticated submission)."""
    header = trusted_header(mail, trusted)
    if header is None:
        return False
    from_domain = mail.from_addr.rsplit("@", 1)[-1]
    for result in header.results:
        method, outcome = str(result.method).lower(), str(result.result).lower()
        if outcome != "pass":
            continue
        if method == "auth":
            return True
        if method == "dmarc" and _dmarc_domain(result) in (None, from_domain):
            return True
    return False


def _dmarc_domain(result: authres.AuthenticationResult) -> str | None:
    for prop in getattr(result, "properties", []) or []:
        if str(prop.type).lower() == "header" and str(prop.name).lower() == "from":
            return str(prop.value).lower()
    return None
