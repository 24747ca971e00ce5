"""Language or interpreter need: stated ("I need a Polish interpreter") or seen in the text.

Detection uses CLD2 (Chromium's compact language detector) on the person's own words only; the
caller passes text with quoted, forwarded and signature lines already removed. A language is named
only when CLD2 is sure (_placed), and only if it is English, a community language rjmail writes
letters in, or a fixed set of near neighbours (a Spanish letter is named Spanish, so never gets a
Portuguese reply); anything else is left unnamed, and a letter in the wrong language is worse than
one in English. Addresses and links are no language, and neither is what the person quotes.

CLD2 replaced lingua at stop 31: its tables are compiled in (7 MiB, 0.05 ms a text), where lingua's
models took 40-75 MiB in low-accuracy mode and ~600 MiB in full, loaded at the first message that was
not plainly English (a run over real-looking mail peaked at 737 MiB, then 134 MiB). On four blind
sets it names fewer wrong languages and finds as many (bench/README.md, "Language detection"). Any
detector guesses on a few words (lingua took English signed with a Polish name for Polish), so a
short text is named only by its letters beyond a-z (_spelt_in), names left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import pycld2

from rjmail.core.addresses import ADDRESS_OR_LINK

#: ISO 639-1 codes of the languages rjmail has letter catalogues for, and their English names.
COMMUNITY: dict[str, str] = {"pl": "Polish", "lt": "Lithuanian", "ro": "Romanian", "pt": "Portuguese"}
#: The other languages a text may be named as (CLD2's codes): English, Welsh, and languages easily
#: mistaken for a community language or for English. CLD2 knows 80-odd more; a text it places in one
#: of those is left unnamed, so an odd guess on a few words never reaches a case.
_OTHERS: dict[str, str] = {
    "en": "English",
    "cy": "Welsh",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "nl": "Dutch",
    "lv": "Latvian",
    "cs": "Czech",
    "sk": "Slovak",
    "sl": "Slovene",
    "hr": "Croatian",
    "et": "Estonian",
    "hu": "Hungarian",
    "sq": "Albanian",
    "tr": "Turkish",
    "so": "Somali",
    "no": "Norwegian",
    "da": "Danish",
    "sv": "Swedish",
}
_NAMED = {**COMMUNITY, **_OTHERS}
MIN_WORDS = 5
MIN_LETTERS = 25
MIN_SHARE = 80  # per cent of the text CLD2 places in the language
MIN_MIXED_SHARE = 40  # ... or, beside English only and more than English, at least this
_FRAME = 5  # letters outside quote marks that make the quote someone else's, not the whole message
_DETECT_LIMIT = 4_000  # the first few paragraphs decide; bounds the cost of huge mail
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SHORT = 120  # below this many characters a detector guesses on a few words: letters must agree too
# The languages a short text may be named as: the community languages, and Welsh (the UK's other
# language, which advisors want to know of), with the letters beyond a-z each writes (lower case;
# Romanian with both the comma and the older cedilla forms). A short text with any other such letter
# is not in that language (short-text guesses have called Romanian Turkish and French).
_ALPHABETS = {
    "Welsh": frozenset("âêîôûŵŷäëïöüáéíóúàèìòù"),
    "Polish": frozenset("ąćęłńóśźż"),
    "Lithuanian": frozenset("ąčęėįšųūž"),
    "Romanian": frozenset("ăâîșțşţ"),
    "Portuguese": frozenset("ãõçáéíóúâêôàªº"),
}
_WELSH_OWN = frozenset("ŵŷâêîôû")
_SENTENCE_ENDS = (".", "!", "?", "…")
_CLOSING = "\"')]”’"
_NOT_WORDS = re.compile(ADDRESS_OR_LINK, re.IGNORECASE)
# Control characters, lone surrogates and Unicode's non-characters: CLD2 refuses a whole text for one
# of them (a C1 character is what a cp1252 quote mark becomes when mail mislabels its charset), so
# each becomes a space.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
_UNREADABLE = re.compile(f"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
# A quoted span (a quote mark after a space, colon or bracket, to its close in the same paragraph and
# within 800 characters, which bounds the search): what someone else said or wrote ("She wrote:
# 'Jesteś nikim...'"), quite possibly in the other person's language, not the writer's. The writer's
# language is read from their own words around it.
_QUOTED = re.compile(
    r"(?:^|(?<=[\s:(\[]))[\"“„«‘'](?=\S)(?:[^\n]|\n(?![ \t]*\n)){0,800}?(?<=\S)[\"”“»’'](?=[\s.,;:!?)\]]|$)",
    re.MULTILINE,
)


def language_code(name: str | None) -> str | None:
    """ISO 639-1 code of a community language name ("Polish" -> "pl"), else None."""
    for code, known in COMMUNITY.items():
        if name and name.casefold() == known.casefold():
            return code
    return None


def choose_letter_language(language: str | None, enabled: Iterable[str]) -> str:
    """First language of the letters: the person's language when the hub enables it, else "en"."""
    code = language_code(language)
    return code if code is not None and code in set(enabled) else "en"


LANGUAGES = (
    "Albanian",
    "Amharic",
    "Arabic",
    "Bengali",
    "Bulgarian",
    "Cantonese",
    "Chinese",
    "Czech",
    "Dari",
    "Dutch",
    "Estonian",
    "Farsi",
    "French",
    "German",
    "Greek",
    "Gujarati",
    "Hindi",
    "Hungarian",
    "Italian",
    "Kurdish",
    "Latvian",
    "Lithuanian",
    "Mandarin",
    "Pashto",
    "Persian",
    "Polish",
    "Portuguese",
    "Punjabi",
    "Romanian",
    "Russian",
    "Slovak",
    "Somali",
    "Spanish",
    "Tamil",
    "Tigrinya",
    "Turkish",
    "Ukrainian",
    "Urdu",
    "Vietnamese",
    "Welsh",
)
_NAMES = "|".join(LANGUAGES)
_STATED = re.compile(
    rf"(?i)\b(?:(?P<a>{_NAMES}|british sign language|bsl)\s+(?:interpreter|translator|"
    rf"interpreting|translation|speaker)|(?:interpreter|translator|translation)\s+(?:in|for|into)\s+"
    rf"(?P<b>{_NAMES}|british sign language|bsl)|(?:i\s+(?:only\s+)?speak|my\s+(?:first|main)\s+"
    rf"language\s+is|i\s+prefer\s+to\s+(?:speak|write)\s+in)\s+(?:only\s+)?(?P<c>{_NAMES}))\b"
)
_NEGATED = re.compile(r"(?i)\b(?:no|not|don'?t|do not|doesn'?t|without)\b[^.!?\n]{0,25}$")
# Letters outside the Latin script (Latin-1, Latin Extended A/B and Additional are Latin).
_NOT_LATIN = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
#: Languages of other scripts, named as CLD2 reads them, for advisors booking an interpreter (rjmail
#: writes no letters in them). The script alone does not tell: Ukrainian and Bulgarian are written
#: in Cyrillic, Farsi, Urdu and Pashto in Arabic letters, and each was named Russian or Arabic.
_SCRIPT_LANGUAGES: dict[str, str] = {
    "ar": "Arabic",
    "fa": "Farsi",
    "ur": "Urdu",
    "ps": "Pashto",
    "ku": "Kurdish",
    "uk": "Ukrainian",
    "ru": "Russian",
    "bg": "Bulgarian",
    "el": "Greek",
    "zh": "Chinese",
    "zh-Hant": "Chinese",
    "ti": "Tigrinya",
    "am": "Amharic",
    "pa": "Punjabi",
    "gu": "Gujarati",
    "hi": "Hindi",
    "bn": "Bengali",
    "ta": "Tamil",
    "sr": "Serbian",
    "ja": "Japanese",
    "ko": "Korean",
}


def stated_language(text: str) -> str | None:
    """A language named as an interpreter or language need, or None."""
    for match in _STATED.finditer(text):
        if _NEGATED.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        name = match.group("a") or match.group("b") or match.group("c")
        if name.lower() in {"bsl", "british sign language"}:
            return "British Sign Language"
        if name.lower() != "english":
            return name.capitalize()
    return None


@lru_cache(maxsize=8)  # extraction asks twice about the same words (language, then contact wishes)
def detected_language(text: str) -> str | None:
    """The language a text is written in when it is clearly not English, else None.

    Never a guess on a few words: at least MIN_WORDS words and MIN_LETTERS letters, and CLD2 must be
    sure (_placed).
    """
    # NFC: a letter typed as a base letter and a combining mark counts as the letter it is.
    text = unicodedata.normalize("NFC", _NOT_WORDS.sub(" ", _UNREADABLE.sub(" ", text[:_DETECT_LIMIT])))
    own = _QUOTED.sub(" ", text)
    letters = sum(c.isalpha() for c in own)
    if letters >= MIN_LETTERS:
        text = own
    elif letters >= _FRAME:  # a few words of their own around someone else's: unsure
        return None
    else:  # the quote, if any, is the whole message
        letters = sum(c.isalpha() for c in text)
    if letters < MIN_LETTERS:
        return None
    if len(_NOT_LATIN.findall(text)) > letters / 3:
        return _placed(text, _SCRIPT_LANGUAGES)
    if not _reads_as_prose(text) or plainly_english(text):
        return None
    if len(text.strip()) >= _SHORT:
        found = _placed(text, _NAMED)
        return None if found == "English" else found
    words = _without_names(text)
    found = _placed(words, _NAMED)
    return found if found is not None and _spelt_in(found, words) else None


def _may_be_name(word: str) -> bool:
    """Capitalised, and not all in capitals (shouting or initials)."""
    return word[:1].isupper() and not word.isupper()


def _placed(text: str, names: dict[str, str]) -> str | None:
    """CLD2's reading, if one of `names`, when it is sure: reliable, and the language holds MIN_SHARE
    of the text, or it is the one language beside English and holds more of it than English does (a
    person who apologises for their English, or signs off in it, writes in their own language). Best
    effort: without it CLD2 gives up on short or mixed texts, which the rules here decide instead."""
    try:
        reliable, _, found = pycld2.detect(text, isPlainText=True, bestEffort=True)
    except (pycld2.error, ValueError):  # a character CLD2 cannot take: unsure
        return None
    shares = {code: share for _, code, share, _ in found if code != "un"}
    if not reliable or not shares:
        return None
    best = max(shares, key=shares.__getitem__)
    mixed = best != "en" and set(shares) == {best, "en"} and shares[best] >= MIN_MIXED_SHARE
    return names.get(best) if shares[best] >= MIN_SHARE or mixed else None


def _without_names(text: str) -> str:
    """The words of a short text without its names, for the letter check: capitalised words that do
    not begin a sentence, and lines of capitalised words only (a signature); an accented name must
    not decide, nor stop, the check ("Dziękuję, José"). Words and lines in capitals are shouting or
    initials, not names, and stay."""
    kept: list[str] = []
    for line in text.splitlines():
        words = line.split()
        if not line.isupper() and all(w[:1].isupper() for w in words):
            continue
        starts = True
        for word in words:
            if starts or not _may_be_name(word):
                kept.append(word)
            starts = word.rstrip(_CLOSING).endswith(_SENTENCE_ENDS)
        kept.append("\n")
    return " ".join(kept)


def _spelt_in(name: str, text: str) -> bool:
    """A short text is named only by its letters beyond a-z: at least one, every one of them in the
    language's alphabet (_ALPHABETS), and for Welsh one of its circumflexed vowels. In plain a-z
    lingua took English signed with a Polish name for Polish and a Romanian sentence for
    Portuguese, so plain a-z is never enough."""
    alphabet = _ALPHABETS.get(name)
    beyond = {c for c in text.lower() if _beyond_a_z(c)}
    return (
        alphabet is not None
        and bool(beyond)
        and beyond <= alphabet
        and (name != "Welsh" or bool(beyond & _WELSH_OWN))
    )


def _beyond_a_z(char: str) -> bool:
    return char.isalpha() and not char.isascii()


# The commonest English function words. None of them is a common word in the community languages
# or their neighbours (short words such as "a", "i", "to", "on", "is" are left out for that reason).
_ENGLISH_WORDS = frozenset(
    (
        "the",
        "and",
        "of",
        "you",
        "that",
        "it",
        "for",
        "was",
        "with",
        "this",
        "have",
        "not",
        "but",
        "what",
        "are",
        "they",
        "my",
        "me",
        "we",
        "be",
        "at",
        "your",
        "he",
        "she",
        "his",
        "her",
        "from",
        "had",
        "would",
        "could",
        "will",
        "can",
        "there",
        "their",
        "about",
        "been",
        "were",
        "our",
        "when",
        "which",
        "who",
        "him",
        "them",
        "did",
        "just",
        "know",
        "want",
        "like",
        "because",
    )
)
_PLAINLY_ENGLISH_SHARE = 0.25


def plainly_english(text: str) -> bool:
    """A cheap pre-check before CLD2, and a guard on it: prose in plain a-z letters in which a
    quarter of the words are common English function words is English, so no letter language is
    detected. Erring here only ever means an English-only letter, the answer detection gives
    whenever it is unsure."""
    sample = text[:_DETECT_LIMIT]
    # Only letters tell: a dash, a pound sign or a no-break space from a phone says nothing of it.
    if not sample.isascii() and any(map(_beyond_a_z, sample)):
        return False
    words = [w.lower() for w in _WORD.findall(sample)]
    return bool(words) and sum(w in _ENGLISH_WORDS for w in words) >= _PLAINLY_ENGLISH_SHARE * len(words)


def _reads_as_prose(text: str) -> bool:
    """Enough ordinary words, and mostly words: binary junk and lists of codes are not a language."""
    words = [w for w in _WORD.findall(text) if 2 <= len(w) <= 20]
    visible = sum(not c.isspace() for c in text)
    return len(words) >= MIN_WORDS and sum(map(len, words)) >= 0.6 * visible


def language_need(text: str) -> str | None:
    """Stated interpreter/language need first, then the detected language of the text."""
    return stated_language(text) or detected_language(text)
