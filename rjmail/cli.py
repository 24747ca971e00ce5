"""The `rjmail` command line (SPEC section 7): parse arguments, build the runtime, call the module
that does the work. The runtime itself is composed in rjmail.runtime."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import structlog
from sqlmodel import Session

from rjmail import logging as rjlog
from rjmail import once
from rjmail.adapters import daemonlock, db, store
from rjmail.errors import ConfigError, NotMigratedError, RjmailError
from rjmail.ops.commands import register as register_ops
from rjmail.report.command import add_parser as add_report
from rjmail.retention import cmd_retention
from rjmail.runtime import build_runtime, operator, utcnow
from rjmail.settings import Settings, default_config_path, load

log = structlog.get_logger("rjmail.cli")


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    # Delivery workers wait on their SMTP sockets and need the GIL back at once when the server
    # answers; the default 5 ms switch interval left them queued behind intake (issue 17, measured).
    sys.setswitchinterval(0.001)
    with daemonlock.hold(settings.database_url):  # one daemon per SQLite file (issue 12)
        rt = build_runtime(settings)
        if args.once:
            # Delivery in a child process of its own (measured faster, issue 17) when this is the
            # `rjmail` program itself and nothing else runs threads that a fork could break.
            alone = getattr(args, "program", False) and threading.active_count() == 1
            return once.run_once(rt, delivery_process=alone and hasattr(os, "fork"))
        from rjmail import daemon  # the scheduler and IDLE are imported only where they run

        return daemon.Daemon(rt).run()


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    print(f"database is at revision {db.head_revision()}")
    return 0


def cmd_cases(args: argparse.Namespace, settings: Settings) -> int:
    from rjmail import reports  # each command imports what it uses: `run --once` starts sooner

    rt = build_runtime(settings)
    now = utcnow()
    with Session(rt.engine) as s, s.begin():
        if args.cases_cmd == "list":
            print(reports.cases_table(reports.list_cases(s, args.hub, args.status)))
            return 0
        if args.cases_cmd == "show":
            case = store.case_by_ref(s, args.ref)
            if case is None:
                print(f"no case {args.ref}", file=sys.stderr)
                return 1
            store.audit(s, operator(), "consultation", case.ref, "cases show", now=now)
            print(reports.case_text(s, case))
            return 0
        cases = reports.list_cases(s, args.hub, args.status)
        store.audit(s, operator(), "consultation", None, f"cases export of {len(cases)} case(s)", now=now)
        json.dump([reports.case_json(s, c) for c in cases], sys.stdout, indent=2, ensure_ascii=False)
        print()
    return 0


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from rjmail import reports

    rt = build_runtime(settings)
    with Session(rt.engine) as s:
        print("\n".join(reports.audit_lines(s, args.ref)))
    return 0


def cmd_templates(args: argparse.Namespace, settings: Settings) -> int:
    from rjmail.preview import preview

    print(preview(settings, args.name, args.hub, html=args.html, lang=args.lang))
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from rjmail.check import run_checks

    return run_checks(settings)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rjmail", description="Restorative Justice hub mail robot")
    p.add_argument(
        "--config",
        type=Path,
        default=None,
        help="config file (default $RJMAIL_CONFIG, ./rjmail.toml, /etc/rjmail/rjmail.toml)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="the daemon")
    run.add_argument("--once", action="store_true", help="one full cycle over every hub, then exit")
    run.set_defaults(func=cmd_run)
    sub.add_parser("check", help="validate config and connectivity").set_defaults(func=cmd_check)
    dbp = sub.add_parser("db", help="database")
    dbp.add_argument("db_cmd", choices=["upgrade"])
    dbp.set_defaults(func=cmd_db)
    cases = sub.add_parser("cases", help="list, show or export cases")
    csub = cases.add_subparsers(dest="cases_cmd", required=True)
    for name in ("list", "export"):
        c = csub.add_parser(name)
        c.add_argument("--hub")
        c.add_argument("--status")
        if name == "export":
            c.add_argument("--format", choices=["json"], default="json")
    csub.add_parser("show").add_argument("ref")
    cases.set_defaults(func=cmd_cases)
    tpl = sub.add_parser("templates", help="letters")
    tsub = tpl.add_subparsers(dest="templates_cmd", required=True)
    prev = tsub.add_parser("preview")
    prev.add_argument("name")
    prev.add_argument("--hub")
    prev.add_argument("--html", action="store_true")
    prev.add_argument("--lang", default="en", help="the person's language first, then English (e.g. pl)")
    tpl.set_defaults(func=cmd_templates)
    aud = sub.add_parser("audit", help="the audit trail")
    aud.add_argument("ref", nargs="?")
    aud.set_defaults(func=cmd_audit)
    _extra_commands(sub)
    # SPEC: every command takes --config, so it is accepted after the subcommand too.
    for action in [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]:
        for child in action.choices.values():
            _add_config(child)
    return p


def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    for action in [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]:
        for child in action.choices.values():
            _add_config(child)


def _extra_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ret = sub.add_parser("retention", help="anonymise closed cases past retention_days")
    ret.add_argument("--dry-run", action="store_true")
    ret.set_defaults(func=cmd_retention)
    add_report(sub)
    register_ops(sub)


def main(argv: Sequence[str] | None = None, *, program: bool = False) -> int:
    """`program` is true when this is the `rjmail` process itself, not a caller in another program."""
    args = parser().parse_args(argv)
    args.program = program
    rjlog.configure()
    func: Callable[[argparse.Namespace, Settings], int] = args.func
    try:
        settings = load(args.config or default_config_path())
        return func(args, settings)
    except ConfigError as exc:
        print(f"rjmail: configuration error: {exc}", file=sys.stderr)
        return 2
    except NotMigratedError as exc:
        print(f"rjmail: {exc}", file=sys.stderr)
        return 3
    except RjmailError as exc:
        print(f"rjmail: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # `python -m rjmail.cli`, as before rjmail/__main__.py was the entry
    sys.exit(main(program=True))
