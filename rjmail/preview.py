"""`rjmail templates preview`: render a letter with invented sample data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from rjmail.core.casefields import VIEW_FIELDS
from rjmail.core.catalogue import services_for
from rjmail.core.domain import LetterSpec
from rjmail.core.letterkinds import ALL_KINDS
from rjmail.errors import ConfigError
from rjmail.letters import COMMANDS_REASONS_FALLBACK, Composer
from rjmail.runtime import catalogues
from rjmail.settings import HubSettings, Settings

SAMPLE_SLOTS = [
    {"number": 1, "text": "Tuesday 8 December at 10:30am"},
    {"number": 2, "text": "Wednesday 9 December at 2pm"},
    {"number": 3, "text": "Thursday 10 December at 9:30am"},
]
# Invented values; which fields the sample has comes from rjmail.core.casefields (the case view).
_SAMPLE_VALUES: dict[str, Any] = {
    "ref": "RJ-NOR-2026-0001",
    "status": "new",
    "referrer_name": "Sam Example",
    "referrer_email": "sam@example.org",
    "phone": "+447700900123",
    "role": "victim",
    "referral_type": "self",
    "crime_reference": "36/12345/24",
    "wants_call": True,
    "call_times": "only after 6pm on weekdays",
    "voicemail_ok": False,
    "call_windows": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "18:00", "to": "21:00"}],
    "email_only": False,
    "texts_ok": None,
}
SAMPLE_CASE = {name: _SAMPLE_VALUES.get(name) for name in VIEW_FIELDS}


def sample_context(kind: str) -> dict[str, Any]:
    return {
        "greeting_name": "Sam",
        "wants_call": True,
        "slots": SAMPLE_SLOTS,
        "wish_text": "weekday evenings after 6pm",
        "wish_windows": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "18:00", "to": "21:00"}],
        "voicemail_ok": False,
        "call_times_known": True,
        "chosen_number": 1,
        "slot_text": "Tuesday 8 December at 10:30am",
        "caller": None,
        "phone_known": True,
        "invite_discreet": True,
        "reason_text": "the other person has not agreed to take part.",
        "advisor_note": None,
        "services": [],
        "event": "new_case",
        "case": SAMPLE_CASE,
        "summary": "I would like to talk to someone about what happened.",
        "detail": None,
        "command": "#suitable",
        "ok": True,
        "message": "RJ-NOR-2026-0001 is now in progress.",
        "organisation": "Norfolk Constabulary",
        "by_email": True,
        "by_phone": True,
        "update": "accepted",
    }


LETTERS = ALL_KINDS


def _not_suitable_sample(settings: Settings, hub: HubSettings) -> dict[str, Any]:
    """A real reason and the hub's real signposting, so staff see what people will read."""
    reasons, services = catalogues(settings)
    reason = reasons.get("other-party-declined") or next(iter(reasons.values()))
    chosen = services_for(
        services[hub.code], reason.topics, date.today(), settings.service.signposting_max_age_days
    )
    return {
        "reason_text": reason.text,
        "services": [{"name": x.name, "description": x.description, "contact": x.contact} for x in chosen],
    }


def preview(settings: Settings, name: str, hub_code: str | None, *, html: bool, lang: str = "en") -> str:
    if name not in LETTERS:
        raise ConfigError(f"no letter called '{name}'; letters: {', '.join(LETTERS)}")
    codes = [h.code for h in settings.hubs]
    if hub_code and hub_code.upper() not in codes:
        raise ConfigError(f"no hub '{hub_code}'; hubs: {', '.join(codes)}")
    hub = settings.hub(hub_code.upper()) if hub_code else settings.hubs[0]
    lang = lang.lower()
    if lang != "en" and lang not in hub.languages:
        enabled = ", ".join(hub.languages) or "none"
        raise ConfigError(f"language '{lang}' is not enabled for hub {hub.code}; enabled: {enabled}")
    composer = Composer(
        settings.templates_dir, (hub,), b"preview-key-not-secret", translations_dir=settings.translations_dir
    )
    letter = LetterSpec(
        kind=name, to=("sam@example.org",), to_advisors=name in ("notification", "command_result")
    )
    ctx = composer.context(hub, None, letter, None)
    ctx.update(sample_context(name))
    if name == "not_suitable":
        ctx.update(_not_suitable_sample(settings, hub))
    ctx["ref"] = f"RJ-{hub.code}-{datetime.now(UTC).year}-0001"
    ctx["reason_codes"] = list(COMMANDS_REASONS_FALLBACK)
    rendered = composer.render(hub.code, name, ctx, lang)
    body = rendered.html if html else rendered.text
    return f"Subject: {rendered.subject}\nContent-Language: {', '.join(rendered.languages)}\n\n{body}"
