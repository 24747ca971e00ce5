"""Letters -> complete EmailMessage objects with every threading and loop-safety header.

Pure: templates are read through a Jinja2 loader built once by the caller; `now` and the Message-ID
are passed in. Headers go through `email.policy.SMTP`, which rejects CR/LF in values, so nothing a
sender wrote can inject a header.
"""

from __future__ import annotations

import gettext
import random
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, nodes
from jinja2.ext import InternationalizationExtension
from jinja2.sandbox import SandboxedEnvironment


@dataclass(frozen=True)
class Templates:
    """Text and HTML environments for one hub (hub overrides first, then the shipped templates)."""

    text: SandboxedEnvironment
    html: SandboxedEnvironment
    lang: str = "en"  # ISO 639-1 code of the language these environments write in
    translations: gettext.NullTranslations | None = None


class FixedCatalogue(InternationalizationExtension):
    """{% trans %} translated once, when the template is compiled, instead of at every render.

    An environment's catalogue never changes after it is built (templates and catalogues are read
    at start), and each {% trans %} was a sandboxed call to gettext: most of the time of a letter.
    What the block does is unchanged: the translated string is still a %-format filled with its
    variables, HTML-escaped where the environment escapes (as newstyle gettext does), and a
    misspelt placeholder still fails where it is rendered. Plurals and contexts keep the call."""

    def _make_node(
        self,
        singular: str,
        plural: str | None,
        context: str | None,
        variables: dict[str, nodes.Expr],
        plural_expr: nodes.Expr | None,
        vars_referenced: bool,
        num_called_num: bool,
    ) -> nodes.Output:
        catalogue = getattr(self.environment, "rjmail_catalogue", None)
        if catalogue is None or plural_expr is not None or context is not None:
            return super()._make_node(
                singular, plural, context, variables, plural_expr, vars_referenced, num_called_num
            )
        translated = nodes.MarkSafeIfAutoescape(nodes.Const(catalogue.gettext(singular)))
        pairs = [nodes.Pair(nodes.Const(key), value) for key, value in variables.items()]
        return nodes.Output([nodes.Mod(translated, nodes.Dict(pairs))])


def build_templates(
    templates_dir: Path,
    hub_code: str | None = None,
    translations: gettext.NullTranslations | None = None,
    lang: str = "en",
) -> Templates:
    """Environments for one hub and one language ({% trans %} blocks; English when no catalogue)."""
    search = [str(templates_dir / hub_code)] if hub_code else []
    search.append(str(templates_dir))

    def env(autoescape: bool) -> SandboxedEnvironment:
        # Sandboxed because staff edit templates; StrictUndefined so a typo fails loudly in tests.
        environment = SandboxedEnvironment(
            loader=FileSystemLoader(search),
            undefined=StrictUndefined,
            autoescape=autoescape,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=[FixedCatalogue],
            # Compiled once and kept: no stat() of every template file on every letter. A changed
            # template is read at the next start (`rjmail preview` and `check` build their own).
            auto_reload=False,
            cache_size=-1,
        )
        # newstyle: placeholders are filled (and HTML-escaped) by gettext itself, so a translation
        # that drops or misspells one fails loudly instead of printing "%(ref)s".
        catalogue = translations or gettext.NullTranslations()
        environment.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
        environment.extend(rjmail_catalogue=catalogue)  # read by FixedCatalogue as templates compile
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


def build_message(
    letter: RenderedLetter, env: Envelope, attachments: Sequence[tuple[str, str, bytes]] = ()
) -> EmailMessage:
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


# --------------------------------------------------------------------------- fast path
# `build_message(...).as_bytes()` costs ~2 ms a letter, most of it parsing and refolding headers we
# wrote ourselves. For the common letter (plain-ASCII header values with nothing to quote or encode,
# no attachment, no line over 998 bytes) `message_bytes` writes the very same bytes from a fixed
# skeleton; anything else goes through EmailMessage as before, so the CR/LF guard stays there.
_SAFE_VALUE = re.compile(r"[\x20-\x7e]{0,900}")  # printable ASCII: no CR, LF or other control
_SAFE_NAME = re.compile(r"[A-Za-z0-9 ]{0,200}")  # a display name that needs no quoting
_SAFE_ADDR = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,190}")
_SAFE_ID = re.compile(r"<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,400}@[A-Za-z0-9.-]{1,190}>")
_CRLF = b"\r\n"


def message_bytes(
    letter: RenderedLetter, env: Envelope, attachments: Sequence[tuple[str, str, bytes]] = ()
) -> bytes:
    """The letter as sent: the same bytes as `build_message(letter, env).as_bytes()`."""
    fast = None if attachments else _skeleton(letter, env)
    return fast if fast is not None else build_message(letter, env, attachments).as_bytes()


def _headers(letter: RenderedLetter, env: Envelope) -> list[str] | None:
    ids = [env.message_id, *([env.in_reply_to] if env.in_reply_to else []), *env.references]
    simple = (
        _SAFE_NAME.fullmatch(env.hub_name)
        and " " * 2 not in env.hub_name
        and env.hub_name == env.hub_name.strip()
        and _SAFE_ADDR.fullmatch(env.hub_address)
        and env.to
        and all(_SAFE_ADDR.fullmatch(a) for a in env.to)
        and all(_SAFE_ID.fullmatch(i) for i in ids)
        and _SAFE_VALUE.fullmatch(letter.subject)
        and "=?" not in letter.subject
        and all(_SAFE_VALUE.fullmatch(x) for x in letter.languages)
    )
    if not simple:
        return None
    sender = f"{env.hub_name} <{env.hub_address}>" if env.hub_name else env.hub_address
    head = [
        f"From: {sender}",
        f"To: {', '.join(env.to)}",
        f"Subject: {letter.subject}",
        f"Date: {format_datetime(env.date)}",
        f"Message-ID: {env.message_id}",
    ]
    if env.to_advisors:
        head.append(f"Reply-To: {env.hub_address}")
    if env.in_reply_to:
        refs = [*[r for r in env.references if r != env.in_reply_to][-20:], env.in_reply_to]
        head += [f"In-Reply-To: {env.in_reply_to}", f"References: {' '.join(refs)}"]
    head += [
        f"Auto-Submitted: {'auto-generated' if env.to_advisors else 'auto-replied'}",
        "X-Auto-Response-Suppress: OOF, AutoReply",
    ]
    if any(len(h) > 998 for h in head):
        return None
    return head


def _part_body(text: str) -> tuple[str, bytes] | None:
    """(Content-Transfer-Encoding, body with CRLF line ends), or None when it needs encoding."""
    lines = text.encode("utf-8").splitlines()
    if max((len(x) for x in lines), default=0) > 998:
        return None
    body = _CRLF.join(lines) + _CRLF
    return ("7bit" if body.isascii() else "8bit"), body


def _skeleton(letter: RenderedLetter, env: Envelope) -> bytes | None:
    head = _headers(letter, env)
    plain, html = _part_body(letter.text), _part_body(letter.html)
    if head is None or plain is None or html is None:
        return None
    boundary = _boundary(plain[1] + html[1])
    head += [
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        f"Content-Language: {', '.join(letter.languages)}",
    ]
    mark = f"--{boundary}".encode()
    parts = [
        "\r\n".join(head).encode() + _CRLF,
        mark,
        b'Content-Type: text/plain; charset="utf-8"',
        f"Content-Transfer-Encoding: {plain[0]}".encode(),
        b"",
        plain[1],
        mark,
        b'Content-Type: text/html; charset="utf-8"',
        f"Content-Transfer-Encoding: {html[0]}".encode(),
        b"MIME-Version: 1.0",
        b"",
        html[1],
        mark + b"--",
        b"",
    ]
    return _CRLF.join(parts)


def _boundary(text: bytes) -> str:
    """The standard library's boundary form, never a string found in the text."""
    while True:
        token = random.randrange(sys.maxsize)
        boundary = "=" * 15 + f"{token:0{len(repr(sys.maxsize - 1))}d}" + "=="
        if boundary.encode() not in text:
            return boundary
