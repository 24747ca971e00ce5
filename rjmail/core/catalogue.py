"""Reason codes and signposting services: staff-edited TOML, checked once, used by letters.

PURE: the caller reads the files and passes their text with a source name (usually the
path), so every error can name the file and the key that is wrong. Staff edit these files
without code changes, so the checks are strict and the messages say exactly what to fix.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rjmail.errors import ConfigError

#: Codes advisors type after `#not-suitable`; the shipped catalogue must define all of them.
REQUIRED_REASON_CODES: tuple[str, ...] = (
    "no-responsibility",
    "other-party-declined",
    "other-party-untraceable",
    "safety",
    "domestic-abuse",
    "specialist-needed",
    "ongoing-proceedings",
    "other",
)

#: Signposting topics a reason can ask for and a service can offer.
TOPICS: frozenset[str] = frozenset(
    {
        "victim_care",
        "domestic_abuse",
        "sexual_violence",
        "mental_health_crisis",
        "emotional_support",
        "advice",
        "emergency",
    }
)

_CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_AREA = re.compile(r"[a-z][a-z0-9_-]*")
_REASON_KEYS = frozenset({"title", "text", "topics"})
_SERVICE_KEYS = frozenset({"name", "area", "topics", "description", "contact", "source_url", "verified_on"})


class CatalogueError(ConfigError, ValueError):
    """A reason or signposting file cannot be used. The message names the file and the key."""

    def __init__(self, message: str, *, source: str, key: str | None = None) -> None:
        super().__init__(message, key=key, path=source)
        self.source = source


@dataclass(frozen=True)
class Reason:
    """Why a case is not suitable: `title` for advisors, `text` in plain words for the person."""

    code: str
    title: str
    text: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Service:
    """A signposting service listed under a not-suitable letter."""

    name: str
    area: str
    topics: tuple[str, ...]
    description: str
    contact: str
    source_url: str
    verified_on: date


def load_reasons(text: str, source: str) -> dict[str, Reason]:
    """Parse and check a reason catalogue (`[reasons.<code>]` tables), in file order."""
    document = _parse(text, source)
    _no_unknown_keys(document, frozenset({"reasons"}), source, prefix="")
    table = document.get("reasons")
    if not isinstance(table, dict):
        raise CatalogueError("expected [reasons.<code>] tables", source=source, key="reasons")
    reasons: dict[str, Reason] = {}
    for code, entry in table.items():
        key = f"reasons.{code}"
        if not _CODE.fullmatch(code):
            raise CatalogueError(
                "a reason code uses lower-case letters, digits and single hyphens",
                source=source,
                key=key,
            )
        if not isinstance(entry, dict):
            raise CatalogueError("expected a table", source=source, key=key)
        _no_unknown_keys(entry, _REASON_KEYS, source, prefix=key)
        reasons[code] = Reason(
            code=code,
            title=" ".join(_text(entry, "title", source, key).split()),
            text=_paragraphs(_text(entry, "text", source, key)),
            topics=_topics(entry, source, key),
        )
    for code in REQUIRED_REASON_CODES:
        if code not in reasons:
            raise CatalogueError(
                "this reason code is missing; advisors rely on it",
                source=source,
                key=f"reasons.{code}",
            )
    return reasons


def load_services(text: str, source: str) -> list[Service]:
    """Parse and check a signposting file (`[[service]]` entries), in file order."""
    document = _parse(text, source)
    _no_unknown_keys(document, frozenset({"service"}), source, prefix="")
    entries = document.get("service", [])
    if not isinstance(entries, list):
        raise CatalogueError("expected [[service]] entries", source=source, key="service")
    return [_service(entry, source, f"service[{index}]") for index, entry in enumerate(entries)]


def is_fresh(service: Service, today: date, max_age_days: int) -> bool:
    """True when the entry was checked between `max_age_days` ago and today (not in the future)."""
    age = (today - service.verified_on).days
    return 0 <= age <= max_age_days


def services_for(
    services: Sequence[Service], topics: Iterable[str], today: date, max_age_days: int
) -> list[Service]:
    """Fresh services offering any of `topics`, in file order, first entry of each name only."""
    wanted = frozenset(topics)
    chosen: list[Service] = []
    seen: set[str] = set()
    for service in services:
        if service.name.casefold() in seen or wanted.isdisjoint(service.topics):
            continue
        if not is_fresh(service, today, max_age_days):
            continue
        seen.add(service.name.casefold())
        chosen.append(service)
    return chosen


def stale_services(services: Sequence[Service], today: date, max_age_days: int) -> list[Service]:
    """Entries that letters leave out because nobody checked them recently (or dated ahead)."""
    return [service for service in services if not is_fresh(service, today, max_age_days)]


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"not valid TOML: {exc}", source=source) from exc


def _no_unknown_keys(table: Mapping[str, object], allowed: frozenset[str], source: str, prefix: str) -> None:
    for name in table:
        if name not in allowed:
            key = f"{prefix}.{name}" if prefix else name
            expected = ", ".join(sorted(allowed))
            raise CatalogueError(f"unknown key (expected: {expected})", source=source, key=key)


def _text(entry: Mapping[str, object], name: str, source: str, prefix: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError("expected a non-empty text", source=source, key=f"{prefix}.{name}")
    return value.strip()


def _paragraphs(value: str) -> str:
    """Rewrap staff-typed text: lines join into paragraphs, blank lines separate paragraphs."""
    blocks = re.split(r"\n\s*\n", value.strip())
    return "\n\n".join(" ".join(block.split()) for block in blocks if block.strip())


def _topics(entry: Mapping[str, object], source: str, prefix: str) -> tuple[str, ...]:
    key = f"{prefix}.topics"
    value = entry.get("topics")
    if not isinstance(value, list) or not value:
        raise CatalogueError("expected a non-empty list of topics", source=source, key=key)
    topics: list[str] = []
    for topic in value:
        if not isinstance(topic, str) or topic not in TOPICS:
            known = ", ".join(sorted(TOPICS))
            raise CatalogueError(f"unknown topic {topic!r} (known: {known})", source=source, key=key)
        if topic not in topics:
            topics.append(topic)
    return tuple(topics)


def _service(entry: object, source: str, prefix: str) -> Service:
    if not isinstance(entry, dict):
        raise CatalogueError("expected a table", source=source, key=prefix)
    name = _text(entry, "name", source, prefix)
    where = f'{prefix} ("{name}")'
    _no_unknown_keys(entry, _SERVICE_KEYS, source, prefix=where)
    area = _text(entry, "area", source, where)
    if not _AREA.fullmatch(area):
        raise CatalogueError(
            "an area is a lower-case word such as norfolk, suffolk or national",
            source=source,
            key=f"{where}.area",
        )
    source_url = _text(entry, "source_url", source, where)
    if not source_url.startswith(("https://", "http://")):
        raise CatalogueError(
            "expected a web address starting with https://",
            source=source,
            key=f"{where}.source_url",
        )
    return Service(
        name=" ".join(name.split()),
        area=area,
        topics=_topics(entry, source, where),
        description=" ".join(_text(entry, "description", source, where).split()),
        contact=" ".join(_text(entry, "contact", source, where).split()),
        source_url=source_url,
        verified_on=_date(entry.get("verified_on"), source, f"{where}.verified_on"),
    )


def _date(value: object, source: str, key: str) -> date:
    if isinstance(value, datetime):
        raise CatalogueError("expected a date like 2026-11-24, not a time", source=source, key=key)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CatalogueError("expected a date like 2026-11-24", source=source, key=key)
