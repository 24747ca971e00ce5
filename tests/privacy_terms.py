"""The personal data the tests feed rjmail: none of it may ever appear in a log line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus" / "manifest.toml"
# Names, phones and body lines used by tests/support.py and the integration tests.
FIXED = [
    "Alex Testperson",
    "Robin Testperson",
    "Testperson",
    "I was burgled last year",
    "Someone damaged my car",
    "07700 900321",
    "+447700900321",
    "Mornings are best for me",
    "Thank you for talking with me",
    "Spoke to the officer",
    "Riley",
]
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
TEST_LOCALPART = re.compile(r"\b(?:person|caller|crashed|other|tls|loop|robot)-\d+x\d+\b")


def terms() -> set[str]:
    data = tomllib.loads(CORPUS.read_text(encoding="utf-8"))
    found = set(FIXED)
    for entry in data.values():
        if not isinstance(entry, dict):
            continue
        for key in ("referrer_name", "referrer_email", "phone"):
            value = entry.get(key)
            if isinstance(value, str) and len(value) > 3:
                found.add(value)
        person = entry.get("referred_person")
        if isinstance(person, dict):
            found |= {v for v in person.values() if isinstance(v, str) and len(v) > 3}
    return found


def leaked_terms(text: str) -> set[str]:
    """Terms of the test data present in `text`, plus any unmasked email address or test mailbox."""
    leaks = {t for t in terms() if t.lower() in text.lower()}
    leaks |= set(EMAIL.findall(text))
    leaks |= set(TEST_LOCALPART.findall(text))
    return leaks
