"""`message_bytes` (issue 17): the fixed MIME skeleton writes exactly the bytes `build_message(...)
.as_bytes()` writes, and anything it cannot write plainly goes through EmailMessage (and its CR/LF
guard) as before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rjmail.core.render import RenderedLetter, build_message, message_bytes, render_letter
from tests.unit.test_render import LONG_ID, OUR_ACK, TEMPLATES, context, envelope, letter, templates

__all__ = ["templates"]  # the module-scoped fixture, shared

KINDS = sorted(
    p.name.removesuffix(".subject.j2")
    for p in Path(TEMPLATES).glob("*.subject.j2")
    if not p.name.startswith("_")
)
BOUNDARY = re.compile(rb'boundary="(=+\d+==)"')


def same_bytes(rendered: RenderedLetter, **env_kw: object) -> tuple[bytes, bytes]:
    env = envelope(**env_kw)  # type: ignore[arg-type]
    slow = build_message(rendered, env).as_bytes()
    fast = message_bytes(rendered, env)
    slow_b, fast_b = BOUNDARY.search(slow), BOUNDARY.search(fast)
    assert slow_b and fast_b
    return slow.replace(slow_b.group(1), b"B"), fast.replace(fast_b.group(1), b"B")


@pytest.mark.parametrize("kind", KINDS)
def test_every_shipped_letter_is_byte_for_byte_the_same(templates, kind):
    rendered = render_letter(templates, kind, context(kind))
    to_advisors = kind in ("notification", "command_result")
    slow, fast = same_bytes(rendered, to_advisors=to_advisors)
    assert fast == slow


@pytest.mark.parametrize(
    "env_kw",
    [
        {"in_reply_to": None},
        {"references": (LONG_ID, OUR_ACK, LONG_ID)},
        {"references": tuple(f"<ref{i}@example.test>" for i in range(30))},
        {"to": ("pat@example.test", "sam.o'neil+rj@example.net")},
    ],
)
def test_threading_variants_are_the_same(templates, env_kw):
    slow, fast = same_bytes(letter(templates), **env_kw)
    assert fast == slow


def test_non_ascii_words_and_bilingual_languages_are_the_same(templates):
    base = letter(templates, greeting_name="Zoë")
    rendered = RenderedLetter(
        subject=base.subject,
        text=base.text + "\nDziękuję – łączę\n",
        html=base.html,
        languages=("pl", "en-GB"),
    )
    slow, fast = same_bytes(rendered)
    assert b"8bit" in fast and fast == slow


@pytest.mark.parametrize("subject", ["Zoë's letter", "=?utf-8?q?x?=", "a\r\nBcc: x@example.net"])
def test_anything_unusual_goes_through_email_message(templates, subject):
    base = letter(templates)
    rendered = RenderedLetter(subject=subject, text=base.text, html=base.html)
    if "\n" in subject:
        with pytest.raises(ValueError):
            message_bytes(rendered, envelope())
        return
    slow, fast = same_bytes(rendered)
    assert fast == slow


def test_a_line_over_998_bytes_is_encoded_as_before(templates):
    base = letter(templates)
    rendered = RenderedLetter(subject=base.subject, text="x" * 1200 + "\n", html=base.html)
    assert b"Content-Transfer-Encoding: quoted-printable" in message_bytes(rendered, envelope())
