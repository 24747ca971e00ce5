"""The case's fields are defined once (rjmail.core.casefields); every other list derives from it."""

from __future__ import annotations

from dataclasses import fields

from rjmail.adapters.tables import Case
from rjmail.core.casefields import (
    FIELDS,
    JSON_FIELDS,
    PERSONAL_FIELDS,
    REFERRAL_FIELDS,
    ROW_ONLY,
    SNAPSHOT_FIELDS,
    VIEW_FIELDS,
)
from rjmail.core.domain import CaseSnapshot, Referral
from rjmail.preview import SAMPLE_CASE
from rjmail.retention import PERSONAL_FIELDS as ERASED


def test_the_row_has_exactly_the_defined_fields_and_its_bookkeeping():
    """A column added to the table without a line in casefields (or the reverse) fails here."""
    assert set(Case.model_fields) == {f.name for f in FIELDS} | set(ROW_ONLY)


def test_snapshot_and_referral_carry_the_fields_said_to_come_from_them():
    snapshot = {f.name for f in fields(CaseSnapshot)}
    referral = {f.name for f in fields(Referral)}
    assert set(SNAPSHOT_FIELDS) <= snapshot
    assert set(REFERRAL_FIELDS) <= referral


def test_retention_erases_every_personal_field_and_nothing_else():
    assert ERASED == PERSONAL_FIELDS
    assert {"referrer_email", "phone", "referred_email", "advisor"} <= set(ERASED)
    assert not {"status", "hub", "role", "referral_type"} & set(ERASED)


def test_the_preview_sample_shows_the_fields_of_the_case_view():
    assert tuple(SAMPLE_CASE) == VIEW_FIELDS


def test_the_case_json_keeps_the_spec_order():
    """SPEC section 7's keys, in order; referred_person and messages are added after them."""
    assert JSON_FIELDS[:4] == ("ref", "hub", "status", "created_at")
    assert JSON_FIELDS[-4:] == ("advisor", "call_slot", "organisation", "letter_language")
