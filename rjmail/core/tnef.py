"""Outlook's winmail.dat (TNEF): list the files inside and recover a plain body if there is one."""

from __future__ import annotations

import hashlib
import mimetypes

import tnefparse

from rjmail.core.domain import Attachment
from rjmail.core.headers import decode_bytes
from rjmail.core.textconv import html_to_text

_MAX_INNER = 100  # a hostile TNEF blob could claim thousands of attachments


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        return decode_bytes(value.rstrip(b"\x00"))
    return str(value).rstrip("\x00") if value is not None else ""


def tnef_contents(data: bytes) -> tuple[list[Attachment], str]:
    """Inner attachments and body text of a TNEF blob; ([], "") when it cannot be decoded."""
    try:
        # Checksums are skipped: Outlook's are often wrong, and we only need the contents.
        decoded = tnefparse.TNEF(data, do_checksum=False)
    except Exception:  # tnefparse raises anything from ValueError to IndexError
        return [], ""
    inner: list[Attachment] = []
    for item in list(getattr(decoded, "attachments", []))[:_MAX_INNER]:
        try:
            name = _as_text(item.long_filename()) or _as_text(item.name)
            blob = item.data if isinstance(item.data, bytes) else _as_text(item.data).encode()
        except Exception:  # noqa: S112 - one broken inner file must not hide the others
            continue
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        inner.append(Attachment(name, ctype, len(blob), hashlib.sha256(blob).hexdigest()))
    return inner, _tnef_body(decoded)


def _tnef_body(decoded: tnefparse.TNEF) -> str:
    try:
        body = _as_text(getattr(decoded, "body", None))
        if body.strip():
            return body
        html = _as_text(getattr(decoded, "htmlbody", None))
        return html_to_text(html) if html.strip() else ""
    except Exception:
        return ""
