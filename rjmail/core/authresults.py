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


def auth_failure(mail: InboundMail, trusted: frozenset[str]) -> str | None:
    """The trusted authserv-id when our own server saw the From domain fail: dmarc=fail, or SPF and
    DKIM both failing (no dkim=pass). None when it passed, was not checked, or no header is trusted.
    A person-side action (withdrawal, slot choice, calendar reply) from such a message is void."""
    header = trusted_header(mail, trusted)
    if header is None:
        return None
    from_domain = mail.from_addr.rsplit("@", 1)[-1]
    outcomes: dict[str, set[str]] = {}
    for result in header.results:
        method, outcome = str(result.method).lower(), str(result.result).lower()
        if method == "dmarc" and _dmarc_domain(result) not in (None, from_domain):
            continue  # a verdict about another domain says nothing about this From
        outcomes.setdefault(method, set()).add(outcome)
    if "pass" in outcomes.get("auth", set()):
        return None  # authenticated submission on our own server
    dmarc = outcomes.get("dmarc", set())
    spf, dkim = outcomes.get("spf", set()), outcomes.get("dkim", set())
    failed = "fail" in dmarc and "pass" not in dmarc
    both = "fail" in spf and "pass" not in spf and bool(dkim) and "pass" not in dkim and "fail" in dkim
    if failed or both:
        return str(header.authserv_id)
    return None
