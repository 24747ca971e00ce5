"""Turn a LetterSpec about a case into an outbox row: context, rendering, signed Message-ID."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rjmail.adapters.tables import Case
from rjmail.core import addresses, signing
from rjmail.core.bilingual import language_name, render_bilingual
from rjmail.core.casefields import VIEW_FIELDS
from rjmail.core.catalogue import REQUIRED_REASON_CODES
from rjmail.core.domain import ComposedLetter, LetterSpec
from rjmail.core.greeting import first_name
from rjmail.core.letterkinds import PERSON_LETTERS, PROFESSIONAL_LETTERS
from rjmail.core.notice import shorten, with_notice
from rjmail.core.render import (
    Envelope,
    RenderedLetter,
    Templates,
    build_templates,
    message_bytes,
    render_letter,
)
from rjmail.core.windows import windows_list
from rjmail.settings import SHIPPED, HubSettings
from rjmail.translations import Catalogue, load_catalogue

# The reason codes the cheat-sheet lists when the catalogue is not at hand (preview, tests).
COMMANDS_REASONS_FALLBACK = REQUIRED_REASON_CODES


def greeting_name(case: Case | None, recipient: str) -> str | None:
    """Greet the person the letter goes to: the referred person, not the professional who wrote."""
    if case is None:
        return None
    if case.referred_email and recipient.lower() == case.referred_email.lower():
        return first_name(case.referred_name)
    return first_name(case.referrer_name)


def case_view(case: Case) -> dict[str, Any]:
    """The case as advisors' letters show it (rjmail.core.casefields decides which fields)."""
    view = {name: getattr(case, name) for name in VIEW_FIELDS}
    view["call_slot"] = case.call_slot.isoformat() if case.call_slot else None
    view.update(referral_view(case))
    view["call_windows"] = windows_list(case.call_windows)
    return view


def referral_view(case: Case) -> dict[str, Any]:
    """The two blocks of a professional referral (rjmail.core.notice): the person referred and the
    professional's own number, kept apart so an officer's mobile is never read as the victim's."""
    person = {"name": case.referred_name, "email": case.referred_email, "phone": case.referred_phone}
    return {
        "referred_person": person if any(person.values()) else None,
        # The column arrives with migration 0007 (issue 11); until then there is no number to show.
        "referrer_phone": getattr(case, "referrer_phone", None),
    }


def language_line(case: Case | None) -> str | None:
    """What advisors read at the top of a notification: the language and how letters are written."""
    if case is None:
        return None
    code = case.letter_language or "en"
    if code != "en":
        name = language_name(code)
        return f"Language: {name} (letters in {name} and English)"
    if case.language:
        return f"Language: {case.language} (letters in English)"
    return None


def letter_language(hub: HubSettings, case: Case | None, letter: LetterSpec) -> str:
    """First language of this letter: the case's, for letters to the person themself, else English."""
    if case is None or letter.to_advisors or letter.kind not in PERSON_LETTERS or not letter.to:
        return "en"
    code = case.letter_language or "en"
    if code not in hub.languages:
        return "en"
    recipient = letter.to[0].lower()
    # A professional who referred someone reads English; the referred person reads their language.
    if case.referral_type == "professional" and recipient != (case.referred_email or "").lower():
        return "en"
    return code


class Composer:
    """Renders letters for every hub; built once by the CLI and passed down."""

    def __init__(
        self,
        templates_dir: Path,
        hubs: tuple[HubSettings, ...],
        signing_key: bytes,
        reason_codes: tuple[str, ...] = COMMANDS_REASONS_FALLBACK,
        timezone: str = "Europe/London",
        translations_dir: Path | None = None,
    ) -> None:
        self._tz = ZoneInfo(timezone)
        self._templates: dict[str, Templates] = {h.code: build_templates(templates_dir, h.code) for h in hubs}
        folder = translations_dir or SHIPPED / "translations"
        self.catalogues: dict[str, Catalogue] = {
            lang: load_catalogue(folder, lang) for lang in sorted({x for h in hubs for x in h.languages})
        }
        self._local: dict[tuple[str, str], Templates] = {
            (h.code, lang): build_templates(templates_dir, h.code, self.catalogues[lang].translations, lang)
            for h in hubs
            for lang in h.languages
        }
        self._hubs = {h.code: h for h in hubs}
        self._key = signing_key
        self.reason_codes = reason_codes

    def context(
        self, hub: HubSettings, case: Case | None, letter: LetterSpec, summary: str | None
    ) -> dict[str, Any]:
        ctx: dict[str, Any] = {
            "hub": {"code": hub.code, "name": hub.name, "address": hub.address, "phone": hub.phone},
            "ref": case.ref if case else "",
            "greeting_name": greeting_name(case, letter.to[0] if letter.to else ""),
            "wants_call": case.wants_call if case else None,
            # What the person already told us binds every letter: no voicemail, no asking twice.
            "voicemail_ok": case.voicemail_ok if case else None,
            "call_times_known": bool(case and case.call_times),
            "reason_codes": list(self.reason_codes),
        }
        if letter.to_advisors:
            ctx.update(
                {
                    "case": case_view(case) if case else None,
                    "summary": shorten(summary) if summary else None,
                    "detail": None,
                    "event": "new_message",
                    "language_line": language_line(case),
                }
            )
        ctx.update(letter.context)
        return with_notice(ctx, self._tz) if letter.to_advisors else ctx

    def render(self, hub_code: str, kind: str, ctx: Mapping[str, Any], lang: str = "en") -> RenderedLetter:
        """One letter; in `lang` first and then English when lang is not "en" (enabled for the hub)."""
        if lang != "en" and (hub_code, lang) in self._local:
            return render_bilingual(self._local[(hub_code, lang)], self._templates[hub_code], kind, ctx)
        return render_letter(self._templates[hub_code], kind, ctx)

    def compose(
        self,
        hub_code: str,
        case: Case | None,
        letter: LetterSpec,
        now: datetime,
        summary: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> ComposedLetter:
        hub = self._hubs[hub_code]
        ctx = self.context(hub, case, letter, summary)
        ctx.update(extra or {})
        rendered = self.render(hub_code, letter.kind, ctx, letter_language(hub, case, letter))
        ref = case.ref if case else None
        message_id = signing.make_message_id(
            self._key,
            letter.kind,
            ref,
            hub.domain,
            nonce=signing.nonce_for(self._key, letter.idempotency_key),
        )
        envelope = Envelope(
            hub_name=hub.name,
            hub_address=hub.address,
            to=letter.to,
            message_id=message_id,
            date=now,
            in_reply_to=letter.reply_to_message_id,
            references=letter.references,
            to_advisors=letter.to_advisors,
        )
        raw = message_bytes(rendered, envelope, letter.attachments)  # perf: skeleton, same bytes
        return ComposedLetter(
            case_id=case.id if case else None,
            hub=hub_code,
            kind=letter.kind,
            idempotency_key=letter.idempotency_key,
            message_id=message_id,
            mail_from=hub.address,
            to_addr=letter.to[0].lower(),
            recipients=addresses.dump(letter.to),
            subject=rendered.subject,
            raw=raw,
            next_attempt_at=now,
            created_at=now,
            person_letter=letter.kind in PERSON_LETTERS or letter.kind in PROFESSIONAL_LETTERS,
        )
