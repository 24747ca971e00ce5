"""Web-form and no-reply relays: the real writer is in Reply-To or in the form's Email field."""

from __future__ import annotations

import re

from rjmail.core.domain import InboundMail

_RELAY_LOCAL = re.compile(
    r"^(?:no-?reply|do-?not-?reply|donotreply|forms?|web-?forms?|webmaster|wordpress|website|"
    r"contact-?form|notifications?|submissions?|enquiries-form)(?:[+._-].*)?$"
)
_RELAY_SUBJECT = re.compile(
    r"(?i)\b(?:form\s+submission|new\s+submission|contact\s+form|web\s*form|online\s+form|"
    r"website\s+enquiry|new\s+entry)\b"
)
_EMAIL_FIELD = re.compile(
    r"(?im)^[ \t]*(?:your\s+)?e-?mail(?:\s+address)?[ \t]*[:\-][ \t]*"
    r"<?(?P<addr>[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+?)>?[ \t]*$"
)


def is_relay(mail: InboundMail) -> bool:
    """True when From is a no-reply address or a web-form mailer rather than the writer."""
    local = mail.from_addr.partition("@")[0]
    if _RELAY_LOCAL.match(local):
        return True
    return bool(_RELAY_SUBJECT.search(mail.subject)) and bool(mail.reply_to)


def form_email(text: str) -> str | None:
    """The address in a form's "Email:" field, lower-cased, or None."""
    match = _EMAIL_FIELD.search(text)
    return match.group("addr").lower() if match else None
