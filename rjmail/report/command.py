"""`rjmail report --from --to [--hub] [--format] [--out]`: the parser block and the command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rjmail.adapters import db
from rjmail.core.figures import PeriodError, Report, parse_day, period
from rjmail.errors import RjmailError
from rjmail.settings import Settings

FORMATS = ("html", "csv", "json")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rep = sub.add_parser("report", help="figures per hub and month, without personal data")
    rep.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD", help="first day")
    rep.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD", help="last day (included)")
    rep.add_argument("--hub", help="one hub code (default: every hub)")
    rep.add_argument(
        "--format", choices=FORMATS, default=None, help="default: from the --out file's suffix, else json"
    )
    rep.add_argument("--out", type=Path, help="write to this file (default: standard output)")
    rep.set_defaults(func=cmd_report)


def output_format(fmt: str | None, out: Path | None) -> str:
    if fmt:
        return fmt
    suffix = out.suffix.lower().lstrip(".") if out else ""
    return {"htm": "html"}.get(suffix, suffix) if suffix in (*FORMATS, "htm") else "json"


def render(report: Report, fmt: str) -> str:
    if fmt == "html":
        from rjmail.report.page import render_html  # matplotlib loads only when a chart is drawn

        return render_html(report)
    from rjmail.report.formats import render_csv, render_json

    return render_csv(report) if fmt == "csv" else render_json(report)


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from rjmail.report.build import build_report

    try:
        wanted = period(parse_day(args.first, "--from"), parse_day(args.last, "--to"))
    except PeriodError as exc:
        raise RjmailError(str(exc)) from exc
    codes = [h.code for h in settings.hubs]
    hub = args.hub.upper() if args.hub else None
    if hub and hub not in codes:
        raise RjmailError(f"unknown hub {args.hub!r}; hubs: {', '.join(codes)}")
    engine = db.make_engine(settings.database_url)
    db.ensure_migrated(engine)
    fmt = output_format(args.format, args.out)
    text = render(build_report(engine, wanted, codes, hub), fmt)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
