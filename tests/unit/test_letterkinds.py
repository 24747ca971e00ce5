"""One table of letter kinds: every template set is in it, and every kind in it has its templates."""

from __future__ import annotations

from pathlib import Path

from rjmail.core.domain import MessageKind
from rjmail.core.letterkinds import ALL_KINDS, PERSON_LETTERS, PROFESSIONAL_LETTERS, TIMELINE_KIND

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_letter_kind_has_its_three_templates_and_no_template_is_orphaned():
    """subject, plain text and HTML for each kind; no shipped template set outside the table."""
    shipped = {p.name.split(".")[0] for p in TEMPLATES.glob("*.subject.j2")}
    assert shipped == set(ALL_KINDS)
    for kind in ALL_KINDS:
        for part in ("subject", "txt", "html"):
            assert (TEMPLATES / f"{kind}.{part}.j2").is_file(), (kind, part)


def test_letters_to_people_and_to_professionals_never_overlap():
    """A letter is either for the person or for the professional who referred them, never both."""
    assert not PERSON_LETTERS & PROFESSIONAL_LETTERS
    assert "introduction" in PERSON_LETTERS and "referral_acknowledgement" in PROFESSIONAL_LETTERS


def test_timeline_kinds_are_in_the_case_json_vocabulary():
    """Letters recorded under another name use a kind the SPEC's case JSON lists."""
    assert set(TIMELINE_KIND.values()) <= {k.value for k in MessageKind}
