"""Referrals for the benchmarks written as people really write them: the self-referrals of the
labelled corpus (tests/corpus: Gmail, Outlook, iPhone, HTML-only, cp1252, base64, forwarded, Polish,
time windows, no-voicemail requests), each sent again from a fresh invented sender.

The bench's own referral (bench.ingest.referral_mail) is one short sentence; real referrals are
longer and say more (times, needs, who is writing), which is what the reader of contact wishes and
the reply stripper spend their time on. `e2e.py --mail corpus` measures that cost end to end.
"""

from __future__ import annotations

import re
import tomllib
from email.utils import formataddr
from functools import cache, lru_cache
from pathlib import Path

from rjmail.core.parse import parse
from rjmail.core.relay import is_relay

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"

# The header lines each copy gets afresh: its own sender (so the loop guard never trips and each is
# a new person), Message-ID (no duplicate), and the hub as recipient.
_HEADER = re.compile(
    rb"^(From|Message-ID|To|Reply-To|Sender|Return-Path):[^\n]*\n(?:[ \t][^\n]*\n)*", re.I | re.M
)


@lru_cache(maxsize=1)
def self_referrals() -> tuple[bytes, ...]:
    """Raw bytes of the corpus messages a person wrote about themselves (not automatic mail, not a
    professional's referral), in file order."""
    manifest = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))
    names = [
        name
        for name, entry in manifest.items()
        if isinstance(entry, dict)
        and entry.get("automatic") is False
        and entry.get("referral_type") == "self"
        and (CORPUS / name).is_file()
    ]
    return tuple((CORPUS / name).read_bytes().replace(b"\r\n", b"\n") for name in sorted(names))


@cache
def _sender(index: int) -> tuple[str, bool]:
    """The display name of a corpus message's sender, and whether it came through a relay: parsed
    once per message, not once per copy."""
    original = parse(self_referrals()[index])
    return original.from_name, is_relay(original)


def corpus_mail(i: int, to: str) -> bytes:
    """The i-th self-referral of the corpus (cycling), from bench-person-i@example.test. A web form's
    or a no-reply relay's message stays one (From noreply-i@forms.example.test, the person in
    Reply-To), so the relay path is measured too."""
    raw = self_referrals()[i % len(self_referrals())]
    head, _, body = raw.partition(b"\n\n")
    head += b"\n"
    display, relay = _sender(i % len(self_referrals()))
    person = f"bench-person-{i}@example.test"
    fresh = [f"To: {to}", f"Message-ID: <bench-corpus-{i}@example.test>"]
    if relay:
        fresh += [f"From: {formataddr((display, f'noreply-{i}@forms.example.test'))}", f"Reply-To: {person}"]
    else:
        fresh += [f"From: {formataddr((display, person))}"]
    return "\n".join(fresh).encode() + b"\n" + _HEADER.sub(b"", head).rstrip(b"\n") + b"\n\n" + body
