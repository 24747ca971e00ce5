"""Language or interpreter need: stated ("I need a Polish interpreter") or seen in the text.

Detection is deliberately simple (stop-word counts plus script checks): it only has to notice
that a referral is not written in English, and it answers None unless one language clearly wins.
"""

from __future__ import annotations

import re

LANGUAGES = (
    "Albanian", "Amharic", "Arabic", "Bengali", "Bulgarian", "Cantonese", "Chinese", "Czech",
    "Dari", "Dutch", "Estonian", "Farsi", "French", "German", "Greek", "Gujarati", "Hindi",
    "Hungarian", "Italian", "Kurdish", "Latvian", "Lithuanian", "Mandarin", "Pashto", "Persian",
    "Polish", "Portuguese", "Punjabi", "Romanian", "Russian", "Slovak", "Somali", "Spanish",
    "Tamil", "Tigrinya", "Turkish", "Ukrainian", "Urdu", "Vietnamese", "Welsh",
)
_NAMES = "|".join(LANGUAGES)
_STATED = re.compile(
    rf"(?i)\b(?:(?P<a>{_NAMES}|british sign language|bsl)\s+(?:interpreter|translator|"
    rf"interpreting|translation|speaker)|(?:interpreter|translator|translation)\s+(?:in|for|into)\s+"
    rf"(?P<b>{_NAMES}|british sign language|bsl)|(?:i\s+(?:only\s+)?speak|my\s+(?:first|main)\s+"
    rf"language\s+is|i\s+prefer\s+to\s+(?:speak|write)\s+in)\s+(?:only\s+)?(?P<c>{_NAMES}))\b"
)
_NEGATED = re.compile(r"(?i)\b(?:no|not|don'?t|do not|doesn'?t|without)\b[^.!?\n]{0,25}$")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split(" "))


_STOPWORDS: dict[str, frozenset[str]] = {
    "English": _words(
        "the and i to of a my was is in it that he she me have for with not on this but be are "
        "you at we they his her been had would what from"),
    "Polish": _words(
        "i w na nie się że jest to z do jak mnie mój moja mam był była ale co o po przez tak "
        "jestem proszę dzień dobry chciałabym chciałbym mój syn mąż"),
    "Romanian": _words(
        "și în nu de la cu că este am un o pe mă eu mi sunt fost care pentru mai vă bună ziua "
        "doresc aș dori"),
    "Lithuanian": _words(
        "ir yra aš mano buvo kad su į iš man ne bet prašau laba diena norėčiau mane kai tai "
        "jis ji"),
    "Portuguese": _words(
        "e o a de que não um uma para com em meu minha eu foi estou por os as mais bom dia "
        "gostaria obrigado obrigada você"),
    "Spanish": _words(
        "el la de que y en un una por para con no mi me es fue yo los las pero estoy hola "
        "gracias quisiera"),
    "French": _words(
        "le la les de et je un une des est pas mon ma que qui dans pour avec suis été bonjour "
        "merci vous"),
    "German": _words(
        "der die das und ich nicht ist ein eine mit mein meine war zu von auf für sie es bin "
        "habe guten tag danke"),
    "Welsh": _words(
        "y yr a ac i yn ar mae fy roedd ei o gyda ond wedi hefyd chi fi bore da diolch hoffwn "
        "rwy'n dw i'n"),
    "Italian": _words(
        "il la di che e non un una per con mio mia sono è stato ho ma buongiorno grazie"),
    "Dutch": _words(
        "de het een en ik niet is van mijn was met op dat zijn voor maar hallo dank"),
}
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


def detected_language(text: str) -> str | None:
    """The language a text is written in when it is clearly not English, else None."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return None
    for name, script in _SCRIPTS:
        if len(script.findall(text)) > len(letters) / 3:
            return name
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 8:
        return None
    counts = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    runner_up = max(v for lang, v in counts.items() if lang != best)
    if best == "English" or counts[best] < max(4, len(words) * 0.12):
        return None
    return best if counts[best] >= 1.5 * max(runner_up, 1) else None


def language_need(text: str) -> str | None:
    """Stated interpreter/language need first, then the detected language of the text."""
    return stated_language(text) or detected_language(text)
