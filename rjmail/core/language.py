"""Language or interpreter need: stated ("I need a Polish interpreter") or seen in the text.

Detection uses lingua (built for short text) on the person's own words only; the caller passes
text with quoted, forwarded and signature lines already removed. The detector knows English, the
community languages rjmail writes letters in, and a fixed set of near neighbours: a detector that
only knew English and Portuguese would call a Spanish letter Portuguese, and a letter in the wrong
language is worse than one in English. Building a detector is slow, so one is built per language
set and kept.

The detector runs in lingua's low-accuracy mode (trigram models only): ~40 MiB and a quarter of a
second to load, where the full models took ~600 MiB and 3-7 s at the first message in plain a-z that
was not plainly English (every language is a candidate then; a run over real-looking mail peaked at
737 MiB). lingua itself says that mode is weak below 120 characters, and in plain a-z it took
English signed with a Polish name for Polish. So a short text's language is read from its ordinary
(not capitalised) words, and it is named only by its letters beyond a-z (_spelt_in). Addresses and
links are no language. Measured against the full models on three blind sets and the test texts, it
names fewer wrong languages and finds a little less (bench/README.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from rjmail.core.addresses import ADDRESS_OR_LINK

#: ISO 639-1 codes of the languages rjmail has letter catalogues for, and their English names.
COMMUNITY: dict[str, str] = {"pl": "Polish", "lt": "Lithuanian", "ro": "Romanian", "pt": "Portuguese"}
#: Languages that are easily mistaken for a community language or for English.
_NEIGHBOURS = (
    "SPANISH",
    "FRENCH",
    "GERMAN",
    "ITALIAN",
    "DUTCH",
    "WELSH",
    "LATVIAN",
    "CZECH",
    "SLOVAK",
    "SLOVENE",
    "CROATIAN",
    "ESTONIAN",
    "HUNGARIAN",
    "ALBANIAN",
    "TURKISH",
    "SOMALI",
    "BOKMAL",
    "DANISH",
    "SWEDISH",
)
MIN_WORDS = 5
MIN_LETTERS = 25
MIN_CONFIDENCE = 0.80
MIN_MARGIN = 0.40
_DETECT_LIMIT = 4_000  # the first few paragraphs decide; bounds the cost of huge mail
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SHORT = 120  # below this many characters lingua's low-accuracy mode is unreliable (its own figure)
# The languages a short text may be named as: the community languages, and Welsh (the UK's other
# language, which advisors want to know of), with the letters beyond a-z each writes (lower case;
# Romanian with both the comma and the older cedilla forms). A short text with any other such letter
# is not in that language (lingua's short-text guesses called Romanian Turkish and French).
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


@lru_cache(maxsize=8)
def _detector(enabled: frozenset[str]) -> LanguageDetector:
    names = {"ENGLISH", *_NEIGHBOURS, *(COMMUNITY[c].upper() for c in enabled if c in COMMUNITY)}
    languages = (getattr(Language, n) for n in sorted(names))
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


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
_SCRIPTS = (
    ("Arabic", re.compile(r"[\u0600-\u06ff]")),
    ("Ukrainian", re.compile(r"[іїєґІЇЄҐ]")),
    ("Russian", re.compile(r"[\u0400-\u04ff]")),
    ("Greek", re.compile(r"[\u0370-\u03ff]")),
    ("Chinese", re.compile(r"[\u4e00-\u9fff]")),
)


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


def detected_language(text: str, enabled: Iterable[str] = COMMUNITY) -> str | None:
    """The language a text is written in when it is clearly not English, else None.

    Never a guess on a few words: at least MIN_WORDS words and MIN_LETTERS letters, and the detector
    must be confident (MIN_CONFIDENCE, and well ahead of the runner-up).
    """
    return _detected(text, frozenset(enabled))


@lru_cache(maxsize=8)  # extraction asks twice about the same words (language, then contact wishes)
def _detected(text: str, enabled: frozenset[str]) -> str | None:
    # NFC: a letter typed as a base letter and a combining mark counts as the letter it is.
    text = unicodedata.normalize("NFC", _NOT_WORDS.sub(" ", text[:_DETECT_LIMIT]))
    letters = sum(c.isalpha() for c in text)
    if letters < MIN_LETTERS:
        return None
    for name, script in _SCRIPTS:
        if len(script.findall(text)) > letters / 3:
            return name
    if not _reads_as_prose(text) or plainly_english(text):
        return None
    if len(text.strip()) >= _SHORT:
        found = _confident(text, enabled)
        return None if found == "English" else found
    words = _without_names(text)
    found = _confident(_ordinary(words), enabled)
    return found if found is not None and _spelt_in(found, words) else None


def _ordinary(text: str) -> str:
    """The words that are not capitalised (words in capitals are shouting, and stay): what a short
    text's language is read from, since any capitalised word may be a name ("Małgorzata will call
    you back tomorrow." is English) and in a few words a name outweighs the rest."""
    return " ".join(w for w in text.split(" ") if not _may_be_name(w))


def _may_be_name(word: str) -> bool:
    """Capitalised, and not all in capitals (shouting or initials)."""
    return word[:1].isupper() and not word.isupper()


def _confident(text: str, enabled: frozenset[str]) -> str | None:
    """lingua's answer when it is sure (MIN_CONFIDENCE, MIN_MARGIN ahead of the runner-up)."""
    values = _detector(enabled).compute_language_confidence_values(text)
    if not values:
        return None
    best, runner_up = values[0], (values[1].value if len(values) > 1 else 0.0)
    if best.value < MIN_CONFIDENCE or best.value - runner_up < MIN_MARGIN:
        return None
    return str(best.language.name.capitalize())


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
    language's alphabet (_ALPHABETS), and for Welsh one of its circumflexed vowels. In plain a-z the
    low-accuracy models took English signed with a Polish name for Polish and a Romanian sentence
    for Portuguese, so plain a-z is never enough."""
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
    """A cheap pre-check before lingua (0.1-0.5 ms a call; 0.27 s and ~40 MiB at the first): prose in
    plain a-z letters in which a quarter of the words are common English function words is English, so no
    letter language is detected. Erring here only ever means an English-only letter, the answer
    detection gives whenever it is unsure."""
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
