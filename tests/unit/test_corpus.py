"""The labelled corpus: every expectation in tests/corpus/manifest.toml holds for parse + extract.

The helpers here are shared with bench/extract.py so the benchmark scores exactly what the
tests assert.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from rjmail.core.domain import InboundMail, Person, Referral
from rjmail.core.extract import extract
from rjmail.core.parse import parse

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REFERRAL_FIELDS = (
    "referrer_email",
    "referrer_name",
    "phone",
    "referral_type",
    "role",
    "crime_reference",
    "wants_call",
    "call_times",
    "voicemail_ok",
    "language",
    "access_needs",
    "organisation",
    "referred_person",
    "referrer_phone",
)
NOT_CHECKED = frozenset({"automatic", "parse"})  # `automatic` belongs to the classifier's tests


def load_manifest() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(settings, {file name: expectations}) from the corpus manifest."""
    data = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))
    settings = {k: v for k, v in data.items() if not isinstance(v, dict)}
    entries = {k: v for k, v in data.items() if isinstance(v, dict)}
    return settings, entries


def run(name: str, settings: dict[str, Any]) -> tuple[InboundMail, Referral]:
    """parse + extract one corpus file with the manifest's domains and hub addresses."""
    mail = parse((CORPUS / name).read_bytes())
    referral = extract(
        mail,
        professional_domains=frozenset(settings.get("professional_domains", [])),
        hub_addresses=frozenset(settings.get("hub_addresses", [])),
    )
    return mail, referral


def normalised(field: str, value: Any) -> Any:
    """A Referral value in manifest terms: "" for empty, dicts for people."""
    if value is None or (field in {"referral_type", "role"} and value == "unknown"):
        return ""
    if isinstance(value, Person):
        return {k: ("" if v is None else v) for k, v in asdict(value).items()}
    return value


def parse_value(mail: InboundMail, field: str) -> Any:
    """An InboundMail value in manifest terms (attachments by filename, tuples as lists)."""
    value = getattr(mail, field)
    if field == "attachments":
        return [a.filename for a in value]
    if isinstance(value, tuple):
        return list(value)
    return "" if value is None else value


SETTINGS, ENTRIES = load_manifest()


def test_corpus_is_large_enough() -> None:
    """The corpus holds at least 60 messages, every file is listed, every listed file exists."""
    files = {p.name for p in CORPUS.glob("*.eml")}
    assert len(files) >= 60
    assert files == set(ENTRIES)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_corpus_message(name: str) -> None:
    """parse + extract meet every expectation recorded for this message."""
    expected = ENTRIES[name]
    mail, referral = run(name, SETTINGS)
    for field, want in expected.items():
        if field in NOT_CHECKED:
            continue
        assert field in REFERRAL_FIELDS, f"unknown manifest field {field}"
        assert normalised(field, getattr(referral, field)) == want, field
    for field, want in expected.get("parse", {}).items():
        assert parse_value(mail, field) == want, field
