"""Letters -> complete EmailMessage objects with every threading and loop-safety header.

Pure: templates are read through a Jinja2 loader built once by the caller; `now` and the Message-ID
are passed in. Headers go through `email.policy.SMTP`, which rejects CR/LF in values, so nothing a
sender wrote can inject a header.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

PERSON_LETTERS = frozenset({
    "acknowledgement", "call_offer", "booking_confirmation", "next_steps", "not_suitable",
    "withdrawal_confirmation", "closed_reply", "reminder", "clarify_choice", "slot_taken",
})


@dataclass(frozen=True)
class Templates:
    """Text and HTML environments for one hub (hub overrides first, then the shipped templates)."""

    text: SandboxedEnvironment
    html: SandboxedEnvironment
    lang: str = "en"  # ISO 639-1 code of the language these environments write in
    translations: gettext.NullTranslations | None = None


def build_templates(templates_dir: Path, hub_code: str | None = None,
                    translations: gettext.NullTranslations | None = None, lang: str = "en") -> Templates:
    """Environments for one hub and one language ({% trans %} blocks; English when no catalogue)."""
    search = [str(templates_dir / hub_code)] if hub_code else []
    search.append(str(templates_dir))

    def env(autoescape: bool) -> SandboxedEnvironment:
        # Sandboxed because staff edit templates; StrictUndefined so a typo fails loudly in tests.
        environment = SandboxedEnvironment(
            loader=FileSystemLoader(search), undefined=StrictUndefined, autoescape=autoescape,
            keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
            extensions=["jinja2.ext.i18n"],
            # Compiled once and kept: no stat() of every template file on every letter. A changed
            # template is read at the next start (`rjmail preview` and `check` build their own).
            auto_reload=False, cache_size=-1,
        )
        # newstyle: placeholders are filled (and HTML-escaped) by gettext itself, so a translation
        # that drops or misspells one fails loudly instead of printing "%(ref)s".
        environment.install_gettext_translations(  # type: ignore[attr-defined]
            translations or gettext.NullTranslations(), newstyle=True)
        return environment

    return Templates(text=env(False), html=env(True), lang=lang, translations=translations)


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    text: str
    html: str
    languages: tuple[str, ...] = ("en-GB",)  # Content-Language, first language first


def render_letter(templates: Templates, kind: str, context: Mapping[str, object]) -> RenderedLetter:
    subject = templates.text.get_template(f"{kind}.subject.j2").render(context)
    text = templates.text.get_template(f"{kind}.txt.j2").render(context)
    html = templates.html.get_template(f"{kind}.html.j2").render(context)
    # A subject is one line whatever the template or the data did.
    return RenderedLetter(subject=" ".join(subject.split()), text=text, html=html)


# SMTP line endings and CR/LF checks, but no folding of long tokens: the default 78-column limit
# turns a long Message-ID in In-Reply-To/References into an RFC 2047 encoded-word, which mail
# clients then fail to thread.
LETTER_POLICY = SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class Envelope:
    hub_name: str
    hub_address: str
    to: Sequence[str]
    message_id: str
    date: datetime
    in_reply_to: str | None = None
    references: Sequence[str] = ()
    to_advisors: bool = False


def build_message(letter: RenderedLetter, env: Envelope,
                  attachments: Sequence[tuple[str, str, bytes]] = ()) -> EmailMessage:
    msg = EmailMessage(policy=LETTER_POLICY)
    msg["From"] = Address(display_name=env.hub_name, addr_spec=env.hub_address)
    msg["To"] = ", ".join(env.to)
    msg["Subject"] = letter.subject
    msg["Date"] = format_datetime(env.date)
    msg["Message-ID"] = env.message_id
    if env.to_advisors:
        # Replies from advisors must come back to the hub mailbox where commands are read.
        msg["Reply-To"] = env.hub_address
    if env.in_reply_to:
        msg["In-Reply-To"] = env.in_reply_to
        refs = [*[r for r in env.references if r != env.in_reply_to][-20:], env.in_reply_to]
        msg["References"] = " ".join(refs)
    msg["Auto-Submitted"] = "auto-generated" if env.to_advisors else "auto-replied"
    # OOF and AutoReply only: we still want non-delivery reports for bad addresses.
    msg["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    msg.set_content(letter.text)
    msg.add_alternative(letter.html, subtype="html")
    for filename, mime, data in attachments:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    # Last: turning the message multipart moves every Content-* header into the first part.
    msg["Content-Language"] = ", ".join(letter.languages)
    return msg
