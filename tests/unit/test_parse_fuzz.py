"""Property tests: no input makes parse, extract or strip_quoted fail in an unexpected way."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rjmail.core.domain import InboundMail, Referral
from rjmail.core.extract import extract, strip_quoted
from rjmail.core.parse import ParseError, parse

CORPUS = sorted((Path(__file__).resolve().parent.parent / "corpus").glob("*.eml"))
SEEDS = [p.read_bytes() for p in CORPUS]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOKENS = [
    b"\n",
    b"\r\n",
    b"\r\n\r\n",
    b"--",
    b":",
    b";",
    b"=?utf-8?b?",
    b"=?x?q?=FF",
    b"?=",
    b"<",
    b">",
    b"\x00",
    b"\xff",
    b"\xe9",
    b"Content-Type: multipart/mixed; boundary=B\n",
    b"--B\n",
    b"Content-Type: message/rfc822\n\n",
    b"Content-Transfer-Encoding: base64\n",
    b"charset=",
    b"From: ",
    b"Subject: ",
    b"\t",
    b"  ",
    b"====",
    b"begin 644 x\n",
]


def parse_or_reject(raw: bytes) -> InboundMail | None:
    """parse(), with ParseError (the only allowed failure) turned into None."""
    try:
        return parse(raw)
    except ParseError:
        return None


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A corpus message with bytes inserted, deleted, replaced or sliced out."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 12))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.integers(0, 3))
        if op == 0:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == 1:
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == 2:
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        else:
            data = data[pos:] if draw(st.booleans()) else data[:pos]
    return bytes(data)


@FUZZ
@given(st.binary(max_size=2000))
def test_parse_arbitrary_bytes_only_raises_parse_error(raw: bytes) -> None:
    """Any bytes either parse or raise ParseError."""
    mail = parse_or_reject(raw)
    assert mail is None or mail.message_id.startswith("<")


@FUZZ
@given(st.lists(st.sampled_from(TOKENS) | st.binary(max_size=6), max_size=40).map(b"".join))
def test_parse_header_like_noise(raw: bytes) -> None:
    """Noise built from MIME tokens either parses or raises ParseError."""
    parse_or_reject(b"From: a@example.com\n" + raw)


@FUZZ
@given(mutated())
def test_parse_and_extract_survive_mutated_corpus(raw: bytes) -> None:
    """Mutated corpus messages parse (or raise ParseError), and extract always returns a Referral."""
    mail = parse_or_reject(raw)
    if mail is not None:
        referral = extract(mail, frozenset({"police.example.org"}), frozenset({"rj-norfolk@example.org"}))
        assert isinstance(referral, Referral)
        assert referral.phone is None or referral.phone.startswith("+")


@FUZZ
@given(st.text(max_size=3000))
def test_strip_quoted_never_raises(text: str) -> None:
    """strip_quoted returns a string for any text."""
    assert isinstance(strip_quoted(text), str)


@FUZZ
@given(st.text(max_size=2000), st.text(max_size=60), st.text(max_size=60))
def test_extract_on_arbitrary_text(body: str, name: str, subject: str) -> None:
    """extract copes with any body text, display name and subject."""
    mail = InboundMail(
        message_id="<x@example.org>",
        subject=subject,
        from_addr="a@example.com",
        from_name=name,
        reply_to=(),
        to=(),
        cc=(),
        date=None,
        in_reply_to=(),
        references=(),
        headers={},
        content_type="text/plain",
        text=body,
        html=None,
        attachments=(),
        raw_size=len(body),
        return_path=None,
    )
    assert isinstance(extract(mail), Referral)
