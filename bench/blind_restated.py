"""Call times restated over several messages, on the blind set written by someone else (run once).

    PYTHONPATH=$PWD .venv/bin/python bench/blind_restated.py [PATH] [--show]

PATH defaults to tests/blind/restated.toml: each case is one person's messages in order and the call
windows a careful human would honour after the last one. The messages go through the same steps as
in rjmail: the first is read as the referral, each later one with `stated_changes` over the windows
before it (what rjmail.cases.wishes does for a later message of the person).

The figure that matters is "wider than expected": cases where rjmail would offer a time the person
did not allow (a call at a time they ruled out, perhaps for their safety). It must be 0. Then exact
matches, "narrower" (safe, but fewer times offered), and the minute-level precision and recall of
the allowed week (precision: of the times rjmail would offer, the share the person allowed).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rjmail.cases.wishes import stated_changes
from rjmail.core.timewords import DAYS
from rjmail.core.windows import windows_from_json, windows_list, windows_to_json
from rjmail.core.wishes import read_contact_wishes

DEFAULT = Path("tests/blind/restated.toml")
Week = set[tuple[str, int]]  # (day, minute of the day) a call may start in


def final_windows(messages: list[str]) -> list[dict[str, object]] | None:
    """The case's call windows after these messages, as rjmail keeps them (None: no windows)."""
    first = read_contact_wishes(messages[0])
    row, words = windows_to_json(first.call_windows), first.call_times
    for text in messages[1:]:
        changes = stated_changes(read_contact_wishes(text), windows_from_json(row), words)
        row, words = changes.get("call_windows", row), changes.get("call_times", words)
    return windows_list(row)


def minutes(windows: list[dict[str, Any]] | None) -> Week | None:
    """Every allowed minute of the week; None for no windows (nothing automatic)."""
    if not windows:
        return None

    def at(hhmm: str) -> int:
        hours, mins = hhmm.split(":")
        return int(hours) * 60 + int(mins)

    return {(d, m) for w in windows for d in w["days"] for m in range(at(w["from"]), at(w["to"]))}


def verdict(want_m: Week | None, got_m: Week | None) -> str:
    """ "" when rjmail keeps exactly the allowed times, "WIDER" when it could offer a time the person
    did not allow, "narrower" when it offers fewer or none (safe: nothing automatic outside them)."""
    if want_m == got_m:
        return ""
    return "WIDER" if got_m is not None and (want_m is None or bool(got_m - want_m)) else "narrower"


def expected_and_read(case: dict[str, Any]) -> tuple[Week | None, Week | None, list[dict[str, Any]] | None]:
    """(allowed minutes, minutes rjmail would allow, rjmail's windows) for one case."""
    want = None if case["call_windows"] == "none" else case["call_windows"]
    got = final_windows(case["messages"])
    return minutes(want), minutes(got), got


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    cases = tomllib.loads((Path(args[0]) if args else DEFAULT).read_text(encoding="utf-8"))["case"]
    exact = wider = narrower = 0
    kept = offered = allowed = 0
    misses: list[str] = []
    for case in cases:
        want_m, got_m, got = expected_and_read(case)
        found = verdict(want_m, got_m)
        exact += found == ""
        wider += found == "WIDER"  # an offer could fall outside what the person allowed
        narrower += found == "narrower"
        if got_m and want_m:
            kept, offered, allowed = kept + len(got_m & want_m), offered + len(got_m), allowed + len(want_m)
        elif want_m:
            allowed += len(want_m)
        elif got_m:
            offered += len(got_m)
        if found:
            misses.append(f"{case['id']} {found}: expected {case['call_windows']} got {got}")
    print(f"cases: {len(cases)}; one week has {len(DAYS) * 24 * 60} minutes")
    print(f"WIDER THAN EXPECTED (a time the person did not allow could be offered): {wider}")
    print(f"exact: {exact}/{len(cases)}; narrower (safe, fewer times or none): {narrower}")
    print(f"allowed minutes: precision {kept / max(1, offered):.3f}, recall {kept / max(1, allowed):.3f}")
    if "--show" in argv:
        print("\n".join(misses))
    return 1 if wider else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
