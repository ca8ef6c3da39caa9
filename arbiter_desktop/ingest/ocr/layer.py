"""Which pages of a PDF need OCR: those without a text layer worth reading.

A page needs OCR when
- its text layer holds fewer than ``MIN_CHARS`` characters (spaces aside) and the page is not blank: a scan, maybe
  with a stamp or a page number in text — the recognised text then replaces that layer; or
- its text layer is *unusable*: more than ``MAX_GARBAGE`` of its characters are replacement characters, private-use
  or unassigned code points or control characters (a font without a Unicode map, which PDF readers show as boxes
  or as symbols), or, when it has at least ``MIN_WORDS`` words of three letters or more, fewer than
  ``MIN_WORDLIKE`` of them look like words of a Latin-script language (a vowel, no mix of cases inside the word:
  the invisible layer of a failed OCR, or glyphs mapped to wrong letters). Such a layer is not indexed.

A blank page (nothing darker than light grey on a small rendering) needs nothing.
"""

from __future__ import annotations

import re
import unicodedata

import pypdfium2 as pdfium

MIN_CHARS = 25
MAX_GARBAGE = 0.10
MIN_WORDS = 12
MIN_WORDLIKE = 0.5
BLANK_DPI = 36  # resolution of the rendering that tells a blank page
INK_LEVEL = 200  # a pixel darker than this (0–255) is ink

_WORD = re.compile(r"[^\W\d_]{3,}")
_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸŒÆ")


def is_garbage_char(char: str) -> bool:
    return char == "\ufffd" or unicodedata.category(char) in ("Co", "Cn", "Cc", "Cs")


def unusable(text: str) -> bool:
    """Is this text layer not worth indexing (see the module's doc)?"""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return False
    if sum(1 for c in chars if is_garbage_char(c)) > MAX_GARBAGE * len(chars):
        return True
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS:
        return False
    wordlike = sum(1 for w in words if _is_wordlike(w))
    return wordlike < MIN_WORDLIKE * len(words)


def _is_wordlike(word: str) -> bool:
    if not any(c in _VOWELS for c in word):
        return False
    inner = word[1:]
    return inner.islower() or word.isupper()


def too_thin(text: str) -> bool:
    """Too few characters to be a page's text (a scan's stamp or page number, or nothing)."""
    return sum(1 for c in text if not c.isspace()) < MIN_CHARS


def is_blank(page: pdfium.PdfPage) -> bool:
    """Does the page render without any ink (at a low resolution)?"""
    bitmap = page.render(scale=BLANK_DPI / 72, grayscale=True)
    pixels = bitmap.to_pil().convert("L")
    low, _ = pixels.getextrema()
    return bool(low >= INK_LEVEL)


def needs_ocr(text: str, page: pdfium.PdfPage) -> tuple[bool, bool]:
    """(OCR this page?, keep its text layer meanwhile?)"""
    if unusable(text):
        return True, False
    if too_thin(text):
        try:
            return not is_blank(page), True
        except pdfium.PdfiumError:
            return True, True
    return False, True
