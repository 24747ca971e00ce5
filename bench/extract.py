"""Referral extraction quality and speed over the labelled corpus.

    .venv/bin/python bench/extract.py

Per field (the referred person also part by part: referred_person.name/.email/.phone);
precision = correct non-empty predictions / non-empty predictions, recall = correct
predictions / expected non-empty values (only messages whose manifest entry lists the field).
Speed: parse + extract over every corpus message, repeated for at least two seconds.
Then the same figures for the contact-wishes corpus (tests/corpus/wishes.toml): wants_call,
call_windows (exact match of the whole window list), call_times, voicemail_ok, texts_ok, email_only
(true counts as a prediction) and role.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from typing import Any

from rjmail.core.domain import Referral
from rjmail.core.extract import extract
from rjmail.core.parse import parse
from tests.unit.test_corpus import (
    CORPUS,
    REFERRAL_FIELDS,
    load_manifest,
    normalised,
    run,
)
from tests.unit.test_wishes_corpus import WISH_FIELDS, expected_value, load_wishes, predicted

Table = dict[str, tuple[int, int, int, int]]

PERSON_FIELDS = ("referred_person.name", "referred_person.email", "referred_person.phone")


def _value(field: str, expected: dict[str, Any], referral: Referral) -> tuple[Any, Any] | None:
    """(wanted, got) in manifest terms, or None when the manifest does not list the field."""
    base, _, sub = field.partition(".")
    if base not in expected:
        return None
    want, got = expected[base], normalised(base, getattr(referral, base))
    if not sub:
        return want, got
    return (want or {}).get(sub, ""), (got or {}).get(sub, "")


def score(
    entries: dict[str, dict[str, Any]], extracted: dict[str, Referral], fields: tuple[str, ...]
) -> dict[str, tuple[int, int, int, int]]:
    """field -> (correct non-empty predictions, non-empty predictions, correct, expected non-empty)."""
    table = {field: [0, 0, 0, 0] for field in fields}
    for name, expected in entries.items():
        for field in fields:
            pair = _value(field, expected, extracted[name])
            if pair is None:
                continue
            want, got = pair
            row = table[field]
            if got != "":
                row[1] += 1
                row[0] += got == want
            if want != "":
                row[3] += 1
                row[2] += got == want
    return {field: (a, b, c, d) for field, (a, b, c, d) in table.items()}


def wish_scores(messages: list[dict[str, Any]]) -> Table:
    """The same four counts per wish field over [[message]] entries (see tests/unit/test_wishes_corpus)."""
    table = {field: [0, 0, 0, 0] for field in WISH_FIELDS}
    for message in messages:
        got = predicted(message)
        for field in WISH_FIELDS:
            if field not in message:
                continue
            want, row = expected_value(field, message[field]), table[field]
            if got[field] != "":
                row[1] += 1
                row[0] += got[field] == want
            if want != "":
                row[3] += 1
                row[2] += got[field] == want
    return {field: (a, b, c, d) for field, (a, b, c, d) in table.items()}


def print_table(table: Table) -> float:
    """Print precision/recall per field; returns the worst precision."""
    print(f"{'field':<24}{'precision':>10}{'recall':>9}{'pred':>7}{'expected':>10}")
    worst = 1.0
    for field, (right_pred, pred, right, wanted) in table.items():
        precision = right_pred / pred if pred else 1.0
        recall = right / wanted if wanted else 1.0
        worst = min(worst, precision)
        print(f"{field:<24}{precision:>10.3f}{recall:>9.3f}{pred:>7}{wanted:>10}")
    return worst


def scores() -> dict[str, tuple[int, int, int, int]]:
    """Scores over the labelled corpus, with the referred person scored field by field."""
    settings, entries = load_manifest()
    extracted = {name: run(name, settings)[1] for name in entries}
    return score(entries, extracted, (*REFERRAL_FIELDS, *PERSON_FIELDS))


def speed(min_seconds: float = 2.0) -> tuple[int, float]:
    """(messages processed, seconds) for parse + extract looped over the corpus."""
    settings, _entries = load_manifest()
    domains = frozenset(settings.get("professional_domains", []))
    hubs = frozenset(settings.get("hub_addresses", []))
    raws = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        for raw in raws:
            extract(parse(raw), domains, hubs)
            count += 1
    return count, time.perf_counter() - start


def main() -> int:
    worst = print_table(scores())
    count, seconds = speed()
    print(f"\nparse+extract: {count} messages in {seconds:.2f} s = {count / seconds:.0f} msgs/s")
    messages = load_wishes()
    print(f"\ncontact wishes and roles ({len(messages)} messages, tests/corpus/wishes.toml)")
    worst = min(worst, print_table(wish_scores(messages)))
    return 0 if worst == 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
