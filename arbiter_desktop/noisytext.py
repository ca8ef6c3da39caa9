"""Words as a bad OCR may have read them, folded so that the usual confusions meet the clean spelling.

A scanned statement read by OCR says "interpeIlation", "proces-verbaI", "scootcr", "rnusique", "acc1dent":
a clean query word never matches them, and BM25 never finds the document. The classic confusions of OCR engines
are folded away on both sides, the indexed text and the query: accents lost; "rn" read for "m"; "1", "l", "i", "I"
and "|" for one another; "0" for "o"; "c" for "e"; "n" for "u"; "h" for "b"; stray marks (· ~ ^ ° |) inside
words; words cut at a line end ("sept-\\nembre"). "interpellation" and "interpeIlation" then give the same key.

The keys are indexed in a field of their own (``text_ocr``) and a query word reaches it only when the word is not
found as written: a clean document still ranks by its own words (see search/lexical_query.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from arbiter_desktop.textfold import fold

MIN_LETTERS = 4  # shorter words collide too often once folded ("bus"/"bns"/"bis")

_STRAY = re.compile(r"[·~^°¦|]")
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n[ \t]*(?=[^\W\d_])")
_PUNCT_INSIDE = re.compile(r"(?<=[^\W\d_])[,;:](?=[^\W\d_])")
_WORD = re.compile(r"[^\W_]+")
_DIGIT_AS_LETTER = str.maketrans({"1": "l", "0": "o"})
# confusable letters → one representative (applied after "rn" → "m")
_CONFUSABLE = str.maketrans({"i": "l", "j": "l", "e": "c", "u": "n", "h": "b"})


@lru_cache(maxsize=1 << 16)  # words recur from one passage to the next: each is folded once
def ocr_key(word: str) -> str:
    """The folded key of one word: "interpeIlation", "interpellation" → "lntcrpclllatlon"; "" when too short."""
    folded = fold(word)
    # most words are letters only: counted at C speed, the characters looked at one by one for the others
    letters = len(folded) if folded.isalpha() else sum(c.isalpha() for c in folded)
    if letters < MIN_LETTERS or letters < len(folded) - 2:  # numbers, codes ("2024", "b6", "a55") are not words
        return ""
    key = folded.translate(_DIGIT_AS_LETTER).replace("rn", "m").translate(_CONFUSABLE)
    return key if key.isalpha() else ""


def clean_for_keys(text: str) -> str:
    """OCR litter removed before cutting words: stray marks, words cut at a line end, commas inside a word."""
    text = _STRAY.sub("", text)
    text = _LINE_BREAK_HYPHEN.sub("", text)
    return _PUNCT_INSIDE.sub("", text)


def ocr_keys(text: str) -> list[str]:
    """The keys of the words of ``text`` (in order, repeated as they occur), for the ``text_ocr`` field."""
    return [key for key in map(ocr_key, _WORD.findall(clean_for_keys(text))) if key]
