"""The composition root: settings -> engine, letters, catalogues, token providers, clock.

Built once per command by `build_runtime` and passed down; nothing below it builds connections or
reads config files itself. It sits below every module that uses it (cases, intake, delivery, daemon,
cli), so none of them ever has to import upwards to reach it.
"""

from __future__ import annotations

import getpass
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from rjmail.adapters import db, outbox
from rjmail.adapters.metrics import Metrics
from rjmail.core.catalogue import Reason, Service, load_reasons, load_services
from rjmail.errors import ConfigError
from rjmail.letters import Composer
from rjmail.oauth import token_providers
from rjmail.settings import Settings


def utcnow() -> datetime:
    return datetime.now(UTC)


def operator() -> str:
    """The audit actor for a command run by a person at the console."""
    try:
        return f"operator:{getpass.getuser()}"
    except (KeyError, OSError):
        return "operator:unknown"


@dataclass
class Runtime:
    """Everything a cycle needs, built once by the CLI."""

    settings: Settings
    engine: Engine
    composer: Composer
    now: Callable[[], datetime]
    professional_domains: frozenset[str] = frozenset()
    imap_token: Callable[[], str] | None = None
    smtp_token: Callable[[], str] | None = None
    delivery: outbox.DeliveryPolicy = field(default_factory=outbox.DeliveryPolicy)
    reasons: dict[str, Reason] = field(default_factory=dict)
    services: dict[str, list[Service]] = field(default_factory=dict)  # by hub code
    metrics: Metrics = field(default_factory=Metrics)  # own registry; served only with metrics_listen

    @property
    def key(self) -> bytes:
        return self.settings.service.signing_key.reveal().encode()

    @property
    def own_addresses(self) -> frozenset[str]:
        return frozenset(h.address for h in self.settings.hubs)


def professional_domains(settings: Settings) -> frozenset[str]:
    path = settings.config_dir / "professional_domains.toml"
    if not path.exists():
        return frozenset()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from exc
    return frozenset(d.lower() for d in data.get("domains", []) if isinstance(d, str))


def catalogues(settings: Settings) -> tuple[dict[str, Reason], dict[str, list[Service]]]:
    """Reason codes and, per hub, its area's signposting plus the national list."""
    path = settings.config_dir / "reasons.toml"
    reasons = load_reasons(_read(path), str(path))
    services: dict[str, list[Service]] = {}
    for hub in settings.hubs:
        services[hub.code] = []
        for area in dict.fromkeys((hub.signposting, "national")):
            file = settings.config_dir / "signposting" / f"{area}.toml"
            services[hub.code] += load_services(_read(file), str(file))
    return reasons, services


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=str(path)) from exc


def delivery_policy(settings: Settings) -> outbox.DeliveryPolicy:
    return outbox.DeliveryPolicy(
        max_attempts=settings.service.outbox_max_attempts,
        backoff_cap_seconds=settings.service.outbox_backoff_cap_seconds,
        proof_grace_seconds=settings.service.delivery_proof_grace_seconds,
    )


def build_runtime(settings: Settings, *, check_schema: bool = True) -> Runtime:
    engine = db.make_engine(settings.database_url)
    if check_schema:
        db.ensure_migrated(engine)
    reasons, services = catalogues(settings)
    composer = Composer(
        settings.templates_dir,
        settings.hubs,
        settings.service.signing_key.reveal().encode(),
        tuple(reasons),
        settings.service.timezone,
        translations_dir=settings.translations_dir,
    )
    imap_token, smtp_token = token_providers(settings)
    return Runtime(
        settings=settings,
        engine=engine,
        composer=composer,
        now=utcnow,
        reasons=reasons,
        services=services,
        professional_domains=professional_domains(settings),
        imap_token=imap_token,
        smtp_token=smtp_token,
        delivery=delivery_policy(settings),
    )
