"""What phones, Word and Outlook do to typed text, undone before an advisor's command is read.

iOS and Word turn "-" into a non-breaking hyphen or a dash, insert non-breaking spaces after "#",
curl quotes, and copy-paste brings zero-width characters. Each of these makes `#not‑suitable` look
right on screen and fail to match, so they are mapped back to plain ASCII before parsing, and when a
word still does not match, `invisible_differences` names the characters a person cannot see.
"""

from __future__ import annotations

import unicodedata

_SPACES = "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u3000"
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # U+00AD soft hyphen shows nothing either

_TABLE: dict[int, str] = {
    **{ord(c): " " for c in _SPACES},
    **{ord(c): "-" for c in _HYPHENS},
    **{ord(c): "" for c in _ZERO_WIDTH},
    **{ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032"},
    **{ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u2033"},
    ord("\uff03"): "#",  # full-width number sign from CJK keyboards
}


def normalise(text: str) -> str:
    """Plain ASCII spaces, hyphens and quotes; zero-width characters removed."""
    return text.translate(_TABLE)


def invisible_differences(word: str) -> list[str]:
    """Characters in `word` a reader cannot tell from ASCII, named as "U+2011 non-breaking hyphen".

    Anything outside printable ASCII counts: after `normalise` the only ones left are look-alikes
    such as a Cyrillic "о" in "#hоld", which no one can see in a mail client.
    """
    named: list[str] = []
    for char in dict.fromkeys(word):
        if " " < char <= "~":
            continue
        name = unicodedata.name(char, "unnamed character").lower()
        named.append(f"U+{ord(char):04X} {name}")
    return named
