"""The classifier agrees with the corpus: automatic mail is never answered, people always are."""

from __future__ import annotations

import pytest

from rjmail.core.autoreply import automatic_reason
from rjmail.core.parse import ParseError, parse
from tests.unit.test_corpus import CORPUS, ENTRIES, SETTINGS

OWN = frozenset(SETTINGS["hub_addresses"])


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_corpus_message_is_classified_as_labelled(name: str) -> None:
    """Each corpus message is automatic exactly when its manifest says so."""
    try:
        mail = parse((CORPUS / name).read_bytes())
    except ParseError:
        pytest.skip("quarantined before classification (covered by the parse tests)")
    reason = automatic_reason(mail, OWN)
    assert (reason is not None) is ENTRIES[name]["automatic"], reason
