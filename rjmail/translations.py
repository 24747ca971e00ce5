"""Letter catalogues: translations/<lang>/LC_MESSAGES/rjmail.po, compiled when rjmail starts.

Staff correct a translation by editing the .po file (any text editor or Poedit) and restarting
rjmail: the catalogue is compiled here with Babel, so there is no build step and no .mo file to
forget. Each catalogue's header says who reviewed it and when (X-Reviewed-By, X-Reviewed-On) and
its X-Review-Status ("awaiting review by a native speaker" until someone signs it off).
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from rjmail.errors import ConfigError

DOMAIN = "rjmail"
_PLACEHOLDER = re.compile(r"%\(\w+\)s")
_HEADER = re.compile(r'^"(X-Review-Status|X-Reviewed-By|X-Reviewed-On): ?(.*?)\\n"$', re.M)


@dataclass(frozen=True)
class Catalogue:
    lang: str
    path: Path
    translations: gettext.GNUTranslations
    messages: dict[str, str]  # msgid -> msgstr, for the completeness checks
    review_status: str
    reviewed_by: str
    reviewed_on: str


def catalogue_path(translations_dir: Path, lang: str) -> Path:
    return translations_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalogue(translations_dir: Path, lang: str) -> Catalogue:
    """Read and compile one language's catalogue. Raises ConfigError naming the file."""
    path = catalogue_path(translations_dir, lang)
    try:
        text = path.read_text(encoding="utf-8")
        catalog = read_po(io.StringIO(text), locale=lang, domain=DOMAIN)
    except OSError as exc:
        raise ConfigError(f"cannot read the letter catalogue: {exc.strerror}", path=str(path)) from exc
    except Exception as exc:  # Babel's parse errors have no common base class
        raise ConfigError(f"not a valid gettext catalogue: {exc}", path=str(path)) from exc
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy (unsure) entry falls back to English
    compiled.seek(0)
    header = dict(_HEADER.findall(text))
    messages = {str(m.id): str(m.string or "") for m in catalog if m.id and isinstance(m.id, str)}
    return Catalogue(
        lang=lang,
        path=path,
        translations=gettext.GNUTranslations(compiled),
        messages=messages,
        review_status=header.get("X-Review-Status", "").strip() or "not recorded",
        reviewed_by=header.get("X-Reviewed-By", "").strip(),
        reviewed_on=header.get("X-Reviewed-On", "").strip(),
    )


def catalogue_problems(catalogue: Catalogue, msgids: Iterable[str]) -> list[str]:
    """Why letters in this language would be incomplete: a message missing, untranslated (empty or
    still the English text), or with a placeholder lost or invented. Empty when all is well."""
    problems: list[str] = []
    for msgid in msgids:
        where = f"{catalogue.path}: {msgid[:60]!r}"
        msgstr = catalogue.messages.get(msgid)
        if msgstr is None:
            problems.append(f"{where} is missing")
        elif not msgstr.strip() or msgstr.strip() == msgid.strip():
            problems.append(f"{where} is not translated")
        elif sorted(_PLACEHOLDER.findall(msgstr)) != sorted(_PLACEHOLDER.findall(msgid)):
            problems.append(f"{where} does not keep the placeholders {_PLACEHOLDER.findall(msgid)}")
    return problems
