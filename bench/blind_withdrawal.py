"""Withdrawal detection on the blind set written by someone else (run once, after tuning).

    PYTHONPATH=$PWD .venv/bin/python bench/blind_withdrawal.py [PATH] [--show]

PATH defaults to tests/blind/withdrawal.toml. The figure that matters is "false
withdrawals": CLEAR where the set expects none or possible (an automatic letter and silence the person
did not ask for). It must be 0. Then clear withdrawals recalled, possible recall, and the confusion
matrix (rows expected, columns read). --show lists every disagreement with its id.
"""

from __future__ import annotations

import sys
import tomllib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rjmail.core.withdrawal import read_withdrawal

DEFAULT = Path("tests/blind/withdrawal.toml")
LABELS = ("withdraw", "possible", "none")


def run(path: Path) -> list[tuple[str, str, str, str]]:
    """(id, expected, read, text) for every case."""
    cases = tomllib.loads(path.read_text(encoding="utf-8"))["case"]
    out = []
    for case in cases:
        reading = read_withdrawal(case["text"], case.get("lang", "en"))
        out.append((str(case.get("id", "?")), case["expect"], reading.verdict.value, case["text"]))
    return out


def report(rows: list[tuple[str, str, str, str]]) -> None:
    matrix = Counter((exp, got) for _, exp, got, _ in rows)
    expected = Counter(exp for _, exp, _, _ in rows)
    false_clear = sum(n for (exp, got), n in matrix.items() if got == "withdraw" and exp != "withdraw")
    print(f"cases: {len(rows)} ({', '.join(f'{k} {expected[k]}' for k in LABELS)})")
    print(f"FALSE WITHDRAWALS (CLEAR where none/possible expected): {false_clear}")
    print(f"clear withdrawals recalled: {matrix['withdraw', 'withdraw']}/{expected['withdraw']}")
    print(f"possible recall (read as possible): {matrix['possible', 'possible']}/{expected['possible']}")
    print(f"none kept silent: {matrix['none', 'none']}/{expected['none']}")
    print("\nconfusion (rows expected, columns read):")
    print(f"{'':>10}" + "".join(f"{g:>10}" for g in LABELS))
    for exp in LABELS:
        print(f"{exp:>10}" + "".join(f"{matrix[exp, got]:>10}" for got in LABELS))


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else DEFAULT
    if not path.exists():
        print(f"no blind set at {path}")
        return 2
    rows = run(path)
    report(rows)
    if "--show" in argv:
        print("\ndisagreements:")
        for cid, exp, got, text in rows:
            if exp != got:
                print(f"  {cid} expected {exp}, read {got}: {text!r}")
    return 1 if any(got == "withdraw" and exp != "withdraw" for _, exp, got, _ in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
