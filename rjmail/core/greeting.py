"""Who a letter greets by name, and when it must say a plain "Hello".

A wrong name in a greeting is worse than none: "Hello Mrs," or "Hello Whitfield" (a surname from an
Outlook "Whitfield James (PC 1482)" display name) reads as careless to a professional and as cold
to a person. So a first name is used only when it is clearly one.
"""

from __future__ import annotations

import re

# Titles and ranks that come before a name and are never a first name.
_TITLE = re.compile(
    r"(?i)^(?:mrs|mr|ms|miss|mx|dr|prof|rev|revd|sir|dame|lady|lord|fr|cllr|pc|dc|ps|ds|di|dci|dsi|"
    r"pcso|sgt|insp|supt|ch|cst|det|officer|constable|sergeant|inspector|detective|superintendent|"
    r"inspr|sister|nurse)\.?$"
)
# Outlook and directory display names: "Whitfield James (PC 1482)", "Whitfield, James", "WHITFIELD James".
_SURNAME_FIRST = re.compile(r"^\s*[^\s,()]+\s*,\s*\S|\(.*\)|^\s*[A-Z][A-Z'\-]{2,}\s+[A-Z][a-z]")


def first_name(name: str | None) -> str | None:
    """The first name of a personal name, or None when there is no clear one ("Mrs Moore",
    "PC Whitfield", "Dr", an initial, a word with digits)."""
    if not name:
        return None
    words = name.replace(",", " ").split()
    while words and _TITLE.match(words[0]):
        words = words[1:]
    if not words:
        return None
    if len(words) == 1 and len(name.split()) > 1:
        return None  # a title and a surname: "Mrs Moore", "PC Whitfield"
    word = words[0]
    return word if word.isalpha() and len(word) > 1 else None


def professional_greeting(display_name: str | None, referrer_name: str | None) -> str | None:
    """The name to greet a professional by. An Outlook "Surname Firstname (rank)" display name that
    rjmail could not put in natural order (core.person.professional_name) leaves the first name
    unsure, so the greeting is a plain "Hello"."""
    first = first_name(referrer_name)
    if first is None or not display_name or not _SURNAME_FIRST.search(display_name):
        return first
    display_words = [w.lower() for w in re.findall(r"[^\W\d_]+", display_name.split("(")[0])]
    # professional_name swapped the words: the order was confirmed by the address or signature.
    confirmed = len(display_words) >= 2 and display_words[0] != first.lower()
    return first if confirmed else None
