"""Turning MIME text parts into readable plain text: format=flowed, HTML, TNEF bodies."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import html2text

_CELL_END = re.compile(r"(?i)(</t[dh]\s*>)")
_HEADER_CELL = re.compile(r"(?i)([^:\s>])(\s*</th\s*>)")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_MANY_BLANKS = re.compile(r"\n{3,}")
# html2text costs a few microseconds per character: beyond _HTML_LIMIT the simple fallback
# converter is used, and nothing past _HTML_MAX is read (referral text is never that deep).
_HTML_LIMIT = 300_000
_HTML_MAX = 2_000_000


def unflow(text: str, delsp: bool) -> str:
    """Undo RFC 3676 format=flowed soft line breaks and space-stuffing."""
    out: list[str] = []
    pending = ""
    pending_depth = -1
    for raw_line in text.split("\n"):
        line = raw_line.rstrip("\r")
        depth = len(line) - len(line.lstrip(">"))
        body = line[depth:]
        if body.startswith(" "):
            body = body[1:]  # space-stuffing
        if pending and depth != pending_depth:
            out.append(">" * pending_depth + (" " if pending_depth else "") + pending)
            pending = ""
        soft = body.endswith(" ") and body != "-- "
        if soft and delsp:
            body = body[:-1]
        pending += body
        pending_depth = depth
        if not soft:
            out.append(">" * depth + (" " if depth else "") + pending)
            pending = ""
    if pending:
        out.append(">" * pending_depth + (" " if pending_depth else "") + pending)
    return "\n".join(out)


def tidy(text: str) -> str:
    """Normalise line endings, non-breaking spaces and runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = text.replace("\u200b", "").replace("\ufeff", "")
    text = _TRAILING_SPACE.sub("", text)
    return _MANY_BLANKS.sub("\n\n", text).strip()


def html_to_text(html: str) -> str:
    """Readable text from an HTML body (paragraphs, line breaks and table cells kept apart)."""
    if len(html) <= _HTML_LIMIT:
        try:
            conv = html2text.HTML2Text()
            conv.body_width = 0
            conv.ignore_images = True
            conv.ignore_emphasis = True  # "**" markers would get in the way of field extraction
            conv.ignore_links = True
            conv.ignore_tables = True
            conv.unicode_snob = True
            # Without a gap, "<td>Name:</td><td>Jo</td>" would read as "Name:Jo".
            # A form's "<th>Name</th><td>Jo</td>" reads as the field "Name: Jo".
            marked = _HEADER_CELL.sub(r"\1:\2", html)
            return tidy(conv.handle(_CELL_END.sub(r"\1 ", marked)))
        except Exception:  # noqa: S110 - html2text has assertion paths on broken markup
            pass
    return tidy(_plain_html_text(html[:_HTML_MAX]))


class _TextOnly(HTMLParser):
    """Minimal fallback converter: text nodes, line breaks at block elements, no script/style."""

    _BLOCK = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "table", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head"}:
            self._skip += 1
        elif tag in self._BLOCK:
            self.chunks.append("\n")
        elif tag in {"td", "th"}:
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head"} and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def _plain_html_text(html: str) -> str:
    parser = _TextOnly()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: S110 - keep whatever text was read before the parser tripped
        pass
    return "".join(parser.chunks)
