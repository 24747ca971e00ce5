"""Run the extractor once over a blind set of professional referrals and score it.

    .venv/bin/python bench/blind_professional.py [/work/wt-blind/tests/blind/professional]

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

from bench.extract import print_table, score
from rjmail.core.domain import Referral
from rjmail.core.extract import extract
from rjmail.core.parse import parse

DEFAULT = Path("/work/wt-blind/tests/blind/professional")


def _plain(value: Any) -> Any:
    """Manifest terms: "none"/None -> "", nested dicts likewise."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
        return ""
    return value


def load(folder: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    data = tomllib.loads((folder / "manifest.toml").read_text(encoding="utf-8"))
    settings = {k: v for k, v in data.items() if not isinstance(v, dict)}
    entries = {k: _plain(v) for k, v in data.items() if isinstance(v, dict)}
    return settings, entries


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    settings, entries = load(folder)
    domains = frozenset(settings.get("professional_domains", []))
    hubs = frozenset(settings.get("hub_addresses", []))
    extracted: dict[str, Referral] = {
        name: extract(parse((folder / name).read_bytes()), domains, hubs) for name in entries
    }
    fields = sorted({f for entry in entries.values() for f in entry if hasattr(Referral, f)
                     or f in Referral.__dataclass_fields__})
    person = ("referred_person.name", "referred_person.email", "referred_person.phone")
    extra = person if "referred_person" in fields else ()
    print(f"{len(entries)} messages from {folder}\n")
    print_table(score(entries, extracted, (*fields, *extra)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
