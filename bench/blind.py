"""Run the blind evaluation sets for contact wishes and roles once, after tuning.

    PYTHONPATH=$PWD .venv/bin/python bench/blind.py [BLIND_DIR]

BLIND_DIR defaults to tests/blind (wishes.toml, roles.toml, written by someone else
before tuning). "none" in those files means null. Per field: precision = correct non-empty predictions
/ non-empty predictions, recall = correct predictions / expected non-empty values; email_only counts
only `true` as a value, role only victim/family/offender. call_windows must match the whole list.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.extract import Table, print_table
from rjmail.core.roles import first_person_role
from rjmail.core.wishes import read_contact_wishes

WISH_FIELDS = ("wants_call", "call_windows", "voicemail_ok", "texts_ok", "email_only")


def _empty(field: str, value: Any) -> Any:
    if value in ("none", None, "unknown") or (field == "email_only" and value is False):
        return ""
    if field == "call_windows":  # the order of the windows means nothing: compare them as a set
        return sorted(value, key=lambda w: (w["days"], w["from"], w["to"]))
    return value


def _count(table: dict[str, list[int]], field: str, want: Any, got: Any) -> None:
    row = table[field]
    if got != "":
        row[1] += 1
        row[0] += got == want
    if want != "":
        row[3] += 1
        row[2] += got == want


def wishes_table(cases: list[dict[str, Any]], misses: list[str]) -> Table:
    table = {field: [0, 0, 0, 0] for field in WISH_FIELDS}
    for case in cases:
        wishes = read_contact_wishes(case["text"], case.get("lang", "en"))
        windows = [w.as_json() for w in wishes.call_windows] if wishes.call_windows is not None else None
        got = {
            "wants_call": wishes.wants_call,
            "call_windows": windows,
            "voicemail_ok": wishes.voicemail_ok,
            "texts_ok": wishes.texts_ok,
            "email_only": wishes.email_only,
        }
        for field in WISH_FIELDS:
            if field in case:
                want, value = _empty(field, case[field]), _empty(field, got[field])
                _count(table, field, want, value)
                if value != "" and value != want:
                    misses.append(f"{case['id']} {field}: expected {want!r}, got {value!r}")
    return {f: (a, b, c, d) for f, (a, b, c, d) in table.items()}


def roles_table(cases: list[dict[str, Any]], misses: list[str]) -> Table:
    table = {"role": [0, 0, 0, 0]}
    for case in cases:
        want, got = _empty("role", case["expect"]), _empty("role", first_person_role(case["text"]))
        _count(table, "role", want, got)
        if got != "" and got != want:
            misses.append(f"{case['id']} role: expected {want!r}, got {got!r}")
    return {f: (a, b, c, d) for f, (a, b, c, d) in table.items()}


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "tests" / "blind"
    wishes = tomllib.loads((folder / "wishes.toml").read_text(encoding="utf-8"))["case"]
    roles_file = folder / "roles.toml"  # later sets (tests/blind/set6) check contact wishes only
    roles = tomllib.loads(roles_file.read_text(encoding="utf-8"))["case"] if roles_file.exists() else []
    misses: list[str] = []
    print(f"blind contact wishes ({len(wishes)} cases) and roles ({len(roles)} cases)")
    worst = print_table({**wishes_table(wishes, misses), **(roles_table(roles, misses) if roles else {})})
    print("\nwrong non-empty values:" if misses else "\nno wrong non-empty values")
    for line in misses:
        print(f"  {line}")
    return 0 if worst == 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
