"""The case's fields, defined once. The database row, the snapshot the core sees, the case JSON,
the case view in advisors' letters, the preview sample and retention's erasure list all derive
from this table (tests/unit/test_casefields.py checks the row against it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseField:
    name: str
    personal: bool = False  # names, contact details, anything about the person: erased by retention
    json: bool = True  # a top-level key of the case JSON (SPEC section 7)
    view: bool = False  # in the case view of advisors' letters (and the preview sample)
    snapshot: bool = False  # the pure core may know it (CaseSnapshot)
    from_referral: bool = False  # filled from the Referral when the case is opened


FIELDS: tuple[CaseField, ...] = (
    CaseField("ref", view=True, snapshot=True),
    CaseField("hub", snapshot=True),
    CaseField("status", view=True, snapshot=True),
    CaseField("created_at"),
    CaseField("referrer_email", personal=True, view=True, snapshot=True, from_referral=True),
    CaseField("referrer_name", personal=True, view=True, from_referral=True),
    CaseField("phone", personal=True, view=True, from_referral=True),
    CaseField("referral_type", view=True, from_referral=True),
    CaseField("role", view=True, from_referral=True),
    CaseField("crime_reference", personal=True, view=True, from_referral=True),
    CaseField("wants_call", view=True, snapshot=True, from_referral=True),
    CaseField("call_times", personal=True, view=True, from_referral=True),
    CaseField("voicemail_ok", view=True, from_referral=True),
    # Contact wishes (SPEC section 3): the view's safety lines read these before any phone number.
    CaseField("call_windows", personal=True, view=True, from_referral=True),  # JSON text in the row
    CaseField("email_only", view=True, from_referral=True),
    CaseField("texts_ok", view=True, from_referral=True),
    CaseField("referrer_phone", personal=True, json=False, view=True, from_referral=True),
    CaseField("language", personal=True, view=True, from_referral=True),
    CaseField("access_needs", personal=True, view=True, from_referral=True),
    CaseField("advisor", personal=True, view=True, snapshot=True),
    CaseField("call_slot", view=True),
    CaseField("organisation", personal=True, view=True, from_referral=True),
    CaseField("letter_language", view=True),  # first language of letters to the person ("en")
    # The person a professional referred: one nested "referred_person" object in the case JSON.
    CaseField("referred_name", personal=True, json=False, view=True),
    CaseField("referred_email", personal=True, json=False),
    CaseField("referred_phone", personal=True, json=False),
)

# Row columns that are bookkeeping, not facts about the case.
ROW_ONLY = ("id", "updated_at", "closed_at", "withdrawn_at", "anonymised_at")

JSON_FIELDS = tuple(f.name for f in FIELDS if f.json)
VIEW_FIELDS = tuple(f.name for f in FIELDS if f.view)
SNAPSHOT_FIELDS = tuple(f.name for f in FIELDS if f.snapshot)
REFERRAL_FIELDS = tuple(f.name for f in FIELDS if f.from_referral)
PERSONAL_FIELDS = tuple(f.name for f in FIELDS if f.personal)
