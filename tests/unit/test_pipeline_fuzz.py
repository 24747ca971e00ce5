"""Property: arbitrary bytes never crash the pure pipeline parse -> classify -> extract -> decide."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rjmail.core.classify import ClassifyContext, classify
from rjmail.core.decide import HubPolicy, decide
from rjmail.core.domain import MailClass, ThreadMatch
from rjmail.core.extract import extract
from rjmail.core.parse import ParseError, parse

CORPUS = sorted((Path(__file__).parents[1] / "corpus").glob("*.eml"))
CTX = ClassifyContext(
    hub_code="NOR",
    own_addresses=frozenset({"rj-norfolk@example.org"}),
    advisors=frozenset({"advisor@example.org"}),
    trusted_authserv_ids=frozenset({"mx.example.org"}),
    thread=ThreadMatch(),
)
POLICY = HubPolicy(code="NOR", notify=("advisors@example.org",))


def _through(raw: bytes) -> str:
    try:
        mail = parse(raw)
    except ParseError:
        return "quarantine"
    cls = classify(mail, CTX)
    referral = extract(mail) if cls.kind == MailClass.NEW_REFERRAL else None
    decision = decide(mail, cls, None, referral, POLICY, 0, CTX.thread, mail.text)
    return decision.action


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_become_a_case_an_automatic_record_or_quarantine(raw: bytes) -> None:
    """Any bytes end as a new case, a recorded automatic mail or a quarantine item."""
    assert _through(raw) in {"new_case", "record_only", "quarantine"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), st.integers(min_value=0), st.binary(min_size=1, max_size=64))
def test_mutated_corpus_messages_never_crash(path: Path, at: int, junk: bytes) -> None:
    """Corpus messages with bytes spliced in anywhere still end in a defined outcome."""
    raw = path.read_bytes()
    cut = at % (len(raw) + 1)
    assert _through(raw[:cut] + junk + raw[cut:]) in {"new_case", "record_only", "quarantine"}
