"""Text normalisation shared by every extractor, and the page-map builder."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from arbiter_desktop.domain import PageSpan

# A word cut at the end of a line by a hyphen: "enquê-\nteurs" -> "enquêteurs". Only between lowercase letters,
# so that "Jean-\nPierre" and "garde-\nà-vue" style compounds keep their hyphen when a capital follows.
_HYPHENATED_BREAK = re.compile(r"(?<=[a-zà-öø-ÿœæ])[-\u00ad\u2010]\n[ \t]*(?=[a-zà-öø-ÿœæ])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")

PAGE_SEPARATOR = "\n\n"


def normalize_text(text: str) -> str:
    """NFC, unified newlines, no control characters, line-break hyphenation undone, tidy blank space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    text = _HYPHENATED_BREAK.sub("", text)
    text = text.replace("\u00ad", "")
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def join_pages(pages: Iterable[tuple[str, str]]) -> tuple[str, tuple[PageSpan, ...]]:
    """Normalise each (text, label) page and join them, returning the text and its page map.

    Page numbers are 1-based and follow the input order; empty pages keep their number (so PDF page numbers
    stay true) but take no characters.
    """
    parts: list[str] = []
    spans: list[PageSpan] = []
    offset = 0
    for number, (raw, label) in enumerate(pages, start=1):
        text = normalize_text(raw)
        if parts and text:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        spans.append(PageSpan(number=number, start=offset, end=offset + len(text), label=label))
        parts.append(text)
        offset += len(text)
    return "".join(parts), tuple(spans)
