"""HTML as text with the standard library parser: no scripts, styles or head; blocks become lines."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from arbiter_desktop.domain import Extraction
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.extractors.text import read_bytes
from arbiter_desktop.ingest.filetypes import decode_text

MAX_HTML_BYTES = 64 * 1024 * 1024
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "math", "object", "iframe"})
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog"),
        *("div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "html"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "legend", "li", "main", "nav", "ol", "p", "pre", "section"),
        *("summary", "table", "tbody", "tfoot", "thead", "tr", "ul"),
    }
)
_CELLS = frozenset({"td", "th"})
_WHITESPACE = re.compile(r"\s+")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
# Declared Latin-1 or ASCII is read as windows-1252, as browsers and mail readers do.
LATIN1_ALIASES = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"})


class _TextParser(HTMLParser):
    """Collects the visible text and the first <title>; <head> ends at </head> or at the first content tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0
        self._in_head = False
        self._in_title = False
        self._title_seen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self._in_head = True
        elif self._in_head and tag != "html" and (tag in _BLOCKS or tag in _CELLS):
            self._in_head = False  # content started: the head was closed implicitly
        if tag == "title" and not self._skip_depth and not self._title_seen:
            self._in_title = True
        elif tag in _SKIPPED:
            self._skip_depth += 1
        elif tag == "pre":
            self._pre_depth += 1
        if tag in _CELLS:
            self.parts.append(" ; ")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        elif tag == "title" and self._in_title:
            self._in_title = False
            self._title_seen = True
        elif tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip_depth and not self._in_head:
            self.parts.append(data if self._pre_depth else _WHITESPACE.sub(" ", data))


def html_to_text(markup: str) -> tuple[str, str]:
    """(text, title) of an HTML document, one line per block; the text is not yet normalised."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    lines = (line.strip().removeprefix("; ").strip() for line in "".join(parser.parts).split("\n"))
    title = " ".join("".join(parser.title_parts).split())
    return "\n".join(line for line in lines if line), title


def decode_html(data: bytes) -> str:
    """Decode with the charset a <meta> declares in the first KiBs, else by detection."""
    match = _META_CHARSET.search(data[:4096])
    if match and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        charset = match.group(1).decode("ascii").lower()
        if charset in LATIN1_ALIASES:
            charset = "cp1252"  # as browsers do
        try:
            return data.decode(charset, errors="replace")
        except LookupError:
            pass
    return decode_text(data)


def extract(path: Path) -> Extraction:
    text, title = html_to_text(decode_html(read_bytes(path, MAX_HTML_BYTES)))
    body, pages = join_pages([(text, "")])
    return Extraction(text=body, pages=pages, title=title)
