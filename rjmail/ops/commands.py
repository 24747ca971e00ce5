"""Command-line registration of the operations commands (SPEC section 7)."""

from __future__ import annotations

import argparse

from rjmail.ops.outbox import STATUSES, cmd_outbox
from rjmail.ops.quarantine import cmd_quarantine
from rjmail.ops.status import cmd_status


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    st = sub.add_parser("status", help="health per hub: leader, last poll, backlog, quarantine, outbox")
    st.add_argument("--format", choices=["text", "json"], default="text")
    st.set_defaults(func=cmd_status)

    q = sub.add_parser("quarantine", help="list, show or retry quarantined mail")
    qsub = q.add_subparsers(dest="quarantine_cmd", required=True)
    ql = qsub.add_parser("list")
    ql.add_argument("--format", choices=["text", "json"], default="text")
    ql.add_argument("--hub")
    ql.add_argument("--all", action="store_true", help="also items already retried")
    qsub.add_parser("show").add_argument("id", type=int)
    qsub.add_parser("retry").add_argument("id", type=int)
    q.set_defaults(func=cmd_quarantine)

    o = sub.add_parser("outbox", help="list outgoing letters or retry a failed one")
    osub = o.add_subparsers(dest="outbox_cmd", required=True)
    ol = osub.add_parser("list")
    ol.add_argument("--status", choices=STATUSES)
    ol.add_argument("--hub")
    ol.add_argument("--format", choices=["text", "json"], default="text")
    ol.add_argument("--limit", type=int, default=500)
    osub.add_parser("retry").add_argument("id", type=int)
    o.set_defaults(func=cmd_outbox)
