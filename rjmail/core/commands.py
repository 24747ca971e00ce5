"""Advisor commands (SPEC section 5): parsing the top of a reply, and what each one may do.

Commands are the lines starting with `#` at the very top of the advisor's reply, above anything
quoted; the first other line ends the command block so a `#` further down (a quoted notification's
cheat-sheet, a signature) is never executed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rjmail.core.domain import CaseStatus
from rjmail.core.typed_text import invisible_differences, normalise

COMMANDS = (
    "offer-call",
    "book",
    "suitable",
    "not-suitable",
    "assign",
    "note",
    "withdraw",
    "hold",
    "close",
    "cancel",
)
_EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$")
_FINAL = frozenset({CaseStatus.WITHDRAWN, CaseStatus.CLOSED})

# Which statuses each command may act on. Everything not listed here is refused with a message.
ALLOWED_FROM: dict[str, frozenset[CaseStatus]] = {
    "offer-call": frozenset(
        {
            CaseStatus.NEW,
            CaseStatus.CALL_OFFERED,
            CaseStatus.CALL_BOOKED,
            CaseStatus.IN_PROGRESS,
            CaseStatus.ON_HOLD,
        }
    ),
    "book": frozenset(
        {
            CaseStatus.NEW,
            CaseStatus.CALL_OFFERED,
            CaseStatus.CALL_BOOKED,
            CaseStatus.IN_PROGRESS,
            CaseStatus.ON_HOLD,
        }
    ),
    # Also from withdrawn/closed: a person can always come back, and #suitable is how an advisor
    # reopens their case.
    "suitable": frozenset(set(CaseStatus) - {CaseStatus.IN_PROGRESS}),
    "not-suitable": frozenset(
        {
            CaseStatus.NEW,
            CaseStatus.CALL_OFFERED,
            CaseStatus.CALL_BOOKED,
            CaseStatus.IN_PROGRESS,
            CaseStatus.ON_HOLD,
        }
    ),
    "withdraw": frozenset(set(CaseStatus) - _FINAL),
    "hold": frozenset(
        {CaseStatus.NEW, CaseStatus.CALL_OFFERED, CaseStatus.CALL_BOOKED, CaseStatus.IN_PROGRESS}
    ),
    "close": frozenset(set(CaseStatus) - {CaseStatus.CLOSED}),
    "assign": frozenset(CaseStatus),
    "note": frozenset(CaseStatus),
    # Whatever the held command changed the status to: #cancel finds its held letters itself.
    "cancel": frozenset(CaseStatus),
}


@dataclass(frozen=True)
class Command:
    name: str
    args: str  # the rest of the line, stripped
    line: str  # as written, for confirmations


@dataclass(frozen=True)
class CommandError:
    line: str
    message: str


def command_block(text: str) -> list[str]:
    """The `#` lines at the top of `text` (blank lines before and between them are skipped)."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = normalise(raw).strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def parse_commands(text: str, reason_codes: frozenset[str]) -> list[Command | CommandError]:
    return [parse_line(line, reason_codes) for line in command_block(text)]


def parse_line(line: str, reason_codes: frozenset[str]) -> Command | CommandError:
    line = normalise(line).strip()
    head, _, rest = line[1:].strip().partition(" ")
    name, args = head.lower().rstrip(":"), rest.strip()
    name = _ALIASES.get(name.replace("_", "-"), name.replace("_", "-"))
    if name not in COMMANDS:
        return CommandError(line, "unknown command " + _unknown(f"#{name}", [f"#{c}" for c in COMMANDS]))
    problem = _check_args(name, args, reason_codes)
    return CommandError(line, problem) if problem else Command(name, args, line)


_ALIASES = {"offercall": "offer-call", "notsuitable": "not-suitable", "unsuitable": "not-suitable"}


def _unknown(word: str, valid: list[str]) -> str:
    """'#hоld' (Cyrillic o) -> "'#hоld'. Did you mean #hold? It contains U+043E cyrillic small
    letter o, which looks like a normal letter." followed by the valid words."""
    parts = [f"'{word}'."]
    nearest = difflib.get_close_matches(word.lower(), valid, n=1, cutoff=0.6)
    if nearest:
        parts.append(f"Did you mean {nearest[0]}?")
    odd = invisible_differences(word)
    if odd:
        parts.append(
            f"It contains {', '.join(odd)}, which looks like an ordinary character; please type it again."
        )
    parts.append("Valid: " + ", ".join(valid) + ".")
    return " ".join(parts)


def _check_args(name: str, args: str, reason_codes: frozenset[str]) -> str | None:
    if name == "not-suitable":
        code = args.split(" ", 1)[0].lower() if args else ""
        if code not in reason_codes:
            return (
                "unknown reason " + _unknown(code, sorted(reason_codes))
                if code
                else f"#not-suitable needs a reason: {', '.join(sorted(reason_codes))}"
            )
    if name == "assign" and not _EMAIL.match(args):
        return "#assign needs an advisor email address, e.g. #assign advisor.one@example.org"
    if name == "book" and not re.match(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$", args):
        return "#book needs a date and time like 2026-12-08 10:30 (UK time)"
    if name == "note" and not args:
        return "#note needs some text"
    return None


def refusal(command: Command, status: CaseStatus) -> str | None:
    """Why `command` may not act on a case in `status`, or None when it may."""
    if status in ALLOWED_FROM[command.name]:
        return None
    if status == CaseStatus.WITHDRAWN:
        return (
            f"the case is withdrawn: #{command.name} is not possible. Only #note, #assign, #close, "
            "or #suitable if the person has come back."
        )
    return f"#{command.name} is not possible while the case is {status.value.replace('_', ' ')}"


def not_suitable_args(args: str) -> tuple[str, str | None]:
    code, _, note = args.partition(" ")
    return code.lower(), note.strip() or None
