"""Run the extractor once over a blind set of professional referrals and score it.

    .venv/bin/python bench/blind_professional.py [tests/blind/professional]

The folder holds .eml files and a manifest.toml written by someone else; "none" in the manifest
means null. Scores per field as bench/extract.py does (precision over non-empty predictions,
recall over expected non-empty values); nothing from the blind set is copied into the corpus.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataclasses import replace

from bench.extract import normalised, print_table, score
from rjmail.core.domain import Referral
from rjmail.core.extract import extract
from rjmail.core.parse import parse

DEFAULT = Path("tests/blind/professional")


def _plain(value: Any) -> Any:
    """Manifest terms: "none"/None -> "", nested dicts likewise."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
        return ""
    return value


NOT_ON_THIS_BRANCH = ("call_windows", "email_only")  # read by core.wishes (another branch)


def _entry(raw: dict[str, Any]) -> dict[str, Any]:
    """A blind manifest entry in bench terms: flat referred_* keys become referred_person."""
    entry = {k: _plain(v) for k, v in raw.items() if k not in NOT_ON_THIS_BRANCH}
    keys = ("referred_name", "referred_email", "referred_phone")
    if any(k in entry for k in keys):
        person = {k.removeprefix("referred_"): entry.pop(k, "") for k in keys}
        entry["referred_person"] = person if any(person.values()) else ""
    if "access_needs_present" in entry:
        entry["access_needs"] = True if entry.pop("access_needs_present") is True else ""
    return entry


def load(folder: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    data = tomllib.loads((folder / "manifest.toml").read_text(encoding="utf-8"))
    settings = {k: v for k, v in data.items() if not isinstance(v, dict)}
    entries = {k: _entry(v) for k, v in data.items() if isinstance(v, dict)}
    return settings, entries


def _as_scored(referral: Referral) -> Referral:
    """access_needs is scored as present/absent (the blind manifest records only that)."""
    return replace(referral, access_needs=True if referral.access_needs else None)  # type: ignore[arg-type]


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "-v"]
    folder = Path(args[0]) if args else DEFAULT
    settings, entries = load(folder)
    domains = frozenset(settings.get("professional_domains", []))
    hubs = frozenset(settings.get("hub_addresses", []))
    extracted = {
        name: _as_scored(extract(parse((folder / name).read_bytes()), domains, hubs)) for name in entries
    }
    fields = tuple(sorted({f for entry in entries.values() for f in entry}))
    person = ("referred_person.name", "referred_person.email", "referred_person.phone")
    print(f"{len(entries)} messages from {folder}; not scored here: {', '.join(NOT_ON_THIS_BRANCH)}\n")
    print_table(score(entries, extracted, (*fields, *person)))
    if "-v" in sys.argv:
        for name, entry in entries.items():
            for field in entry:
                got = normalised(field, getattr(extracted[name], field))
                if got != entry[field]:
                    print(f"{name}: {field}: expected {entry[field]!r}, got {got!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
