"""`rjmail check`: config, database, every IMAP/SMTP server, folder reconciliation, stale data."""

from __future__ import annotations

from datetime import UTC, date, datetime

from imapclient.exceptions import IMAPClientError
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from rjmail.adapters import db
from rjmail.adapters.mailbox import Mailbox
from rjmail.adapters.smtp import SmtpSender
from rjmail.adapters.tables import Intake, OutboxItem, QuarantineItem
from rjmail.core.catalogue import load_services, stale_services
from rjmail.core.domain import OutboxStatus
from rjmail.errors import RjmailError
from rjmail.oauth import credential_expiry
from rjmail.runtime import Runtime, build_runtime
from rjmail.settings import HubSettings, Settings

CREDENTIAL_WARN_DAYS = 30


class Report:
    def __init__(self) -> None:
        self.problems = 0
        self.warnings = 0

    def ok(self, what: str) -> None:
        print(f"ok       {what}")

    def warn(self, what: str) -> None:
        self.warnings += 1
        print(f"WARNING  {what}")

    def fail(self, what: str) -> None:
        self.problems += 1
        print(f"PROBLEM  {what}")


def _check_hub(rt: Runtime, hub: HubSettings, report: Report) -> None:
    try:
        with Mailbox(hub.imap, rt.imap_token) as mailbox:
            state = mailbox.state(hub.imap.folder)
            report.ok(
                f"{hub.code}: IMAP {hub.imap.host}:{hub.imap.port} folder {hub.imap.folder} "
                f"(UIDNEXT {state.uidnext})"
            )
            if hub.imap.sent_folder:
                mailbox.state(hub.imap.sent_folder)
                report.ok(f"{hub.code}: sent folder {hub.imap.sent_folder}")
            _reconcile(rt, hub, mailbox, state.uidvalidity, report)
    except (RjmailError, IMAPClientError, OSError) as exc:
        report.fail(f"{hub.code}: IMAP: {exc}")


def _reconcile(rt: Runtime, hub: HubSettings, mailbox: Mailbox, uidvalidity: int, report: Report) -> None:
    """Any message older than one poll interval that rjmail has no record of is reported."""
    client = mailbox.client
    client.select_folder(hub.imap.folder, readonly=True)
    uids = client.search(["ALL"])
    if not uids:
        report.ok(f"{hub.code}: {hub.imap.folder} is empty")
        return
    dates = client.fetch(uids, ["INTERNALDATE"])
    with Session(rt.engine) as s:
        seen = set(
            s.exec(
                select(Intake.uid).where(
                    Intake.hub == hub.code,
                    Intake.folder == hub.imap.folder,
                    Intake.uidvalidity == uidvalidity,
                )
            ).all()
        )
    now = datetime.now(UTC)
    missing = []
    for uid in uids:
        when = dates.get(uid, {}).get(b"INTERNALDATE")
        if uid in seen or when is None:
            continue
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        if (now - when).total_seconds() > rt.settings.service.poll_interval_seconds:
            missing.append(uid)
    if missing:
        report.fail(
            f"{hub.code}: {len(missing)} message(s) in {hub.imap.folder} older than one poll "
            f"interval with no intake record (UIDs {missing[:10]})"
        )
    else:
        report.ok(f"{hub.code}: every message in {hub.imap.folder} is accounted for")


def _check_smtp(rt: Runtime, report: Report) -> None:
    settings = rt.settings
    sender = SmtpSender(settings.smtp, rt.smtp_token)
    try:
        sender._conn = sender._connect()
        report.ok(f"SMTP {settings.smtp.host}:{settings.smtp.port} ({settings.smtp.security})")
    except RjmailError as exc:
        report.fail(f"SMTP: {exc}")
    finally:
        sender.close()


def _check_data(settings: Settings, report: Report) -> None:
    for hub in settings.hubs:
        for area in (hub.signposting, "national"):
            path = settings.config_dir / "signposting" / f"{area}.toml"
            if not path.exists():
                report.fail(f"{hub.code}: signposting file missing: {path}")
                continue
            services = load_services(path.read_text(encoding="utf-8"), str(path))
            for svc in stale_services(services, date.today(), settings.service.signposting_max_age_days):
                report.warn(
                    f"{hub.code}: signposting entry '{svc.name}' in {path.name} last verified "
                    f"{svc.verified_on}: left out of letters until re-checked"
                )
    try:
        expires = credential_expiry(settings)
    except RjmailError as exc:
        report.fail(f"oauth2 credential: {exc}")
        return
    if expires is not None:
        days = (expires - date.today()).days
        say = report.warn if days < CREDENTIAL_WARN_DAYS else report.ok
        say(f"oauth2 client secret/certificate expires on {expires} ({days} day(s))")


def _check_catalogues(rt: Runtime, report: Report) -> None:
    """Each enabled letter language: who reviewed its catalogue and when (SPEC section 3)."""
    for lang, catalogue in sorted(rt.composer.catalogues.items()):
        if catalogue.review_status == "reviewed" and catalogue.reviewed_by and catalogue.reviewed_on:
            report.ok(f"letters in '{lang}': reviewed by {catalogue.reviewed_by} on {catalogue.reviewed_on}")
        else:
            report.warn(
                f"letters in '{lang}': {catalogue.review_status} ({catalogue.path.name} in "
                f"{catalogue.path.parent.parent.name}/): set X-Review-Status when signed off"
            )


def _check_db(settings: Settings, report: Report) -> None:
    engine = db.make_engine(settings.database_url)
    try:
        db.ensure_migrated(engine)
        report.ok("database schema is current")
    except RjmailError as exc:
        report.fail(str(exc))
        return
    except SQLAlchemyError as exc:
        report.fail(f"database unreachable: {str(exc).splitlines()[0]}")
        return
    with Session(engine) as s:
        failed = len(s.exec(select(OutboxItem.id).where(OutboxItem.status == OutboxStatus.FAILED)).all())
        stuck = len(
            s.exec(
                select(OutboxItem.id).where(
                    col(OutboxItem.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
                    OutboxItem.attempts > 3,
                )
            ).all()
        )
        quarantined = len(s.exec(select(QuarantineItem.id)).all())
    if failed:
        report.warn(f"{failed} outbox item(s) failed permanently")
    if stuck:
        report.warn(f"{stuck} outbox item(s) still retrying after 3+ attempts")
    if quarantined:
        report.warn(f"{quarantined} quarantined message(s) on record")


def run_checks(settings: Settings) -> int:
    report = Report()
    report.ok(f"config {settings.path}: {len(settings.hubs)} hub(s)")
    _check_db(settings, report)
    _check_data(settings, report)
    rt = build_runtime(settings, check_schema=False)
    _check_catalogues(rt, report)
    for hub in settings.hubs:
        try:
            _check_hub(rt, hub, report)
        except SQLAlchemyError as exc:  # reconciliation reads the ledger
            report.fail(f"{hub.code}: database: {str(exc).splitlines()[0]}")
    _check_smtp(rt, report)
    print(f"{report.problems} problem(s), {report.warnings} warning(s)")
    return 1 if report.problems else 0
