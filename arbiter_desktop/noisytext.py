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
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

from arbiter_desktop.textfold import fold

MIN_LETTERS = 4  # shorter words collide too often once folded ("bus"/"bns"/"bis")

_STRAY = re.compile(r"[·~^°¦|]")
# each pattern starts with its mark and looks behind it only there (a look-behind first is tried at every character:
# 4 to 30 times slower)
_LINE_BREAK_HYPHEN = re.compile(r"-(?<=[^\W\d_]-)[ \t]*\r?\n[ \t]*(?=[^\W\d_])")
_PUNCT_INSIDE = re.compile(r"[,;:](?<=[^\W\d_][,;:])(?=[^\W\d_])")
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


@lru_cache(maxsize=1 << 16)
def folded_word(word: str) -> str:
    """``fold(word)``, kept for the words that recur from one batch of documents to the next."""
    return fold(word)


def clean_for_keys(text: str) -> str:
    """OCR litter removed before cutting words: stray marks, words cut at a line end, commas inside a word."""
    text = _STRAY.sub("", text)
    text = _LINE_BREAK_HYPHEN.sub("", text)
    return _PUNCT_INSIDE.sub("", text)


def ocr_keys(text: str) -> list[str]:
    """The keys of the words of ``text`` (in order, repeated as they occur), for the ``text_ocr`` field."""
    return [key for key in map(ocr_key, _WORD.findall(clean_for_keys(text))) if key]


# --- readings: a badly recognised document read with the case's own spelling ------------------------------------
#
# The OCR key above lets a clean query word find a damaged one, word by word. A badly scanned statement still
# ranks low: its damaged words miss every phrase and every stem, and the embedding model reads "gronpe Snapcbat"
# and "bljouterie" as noise. Its *reading* replaces each damaged word by the word of the case that has the same OCR
# key and is written that way far more often ("gronpe" → "groupe", "Snapcbat" → "Snapchat", "bljouterie" →
# "bijouterie", "re1eves" → "relevés"): the case's documents are its dictionary, names and jargon included. The
# reading feeds the full-text index and the embedding model; the document's text — what a hit shows, cites and
# exports — stays as it was recognised.
#
# Only a document whose words look damaged gets a reading: at least READING_MIN_FIXES of its words, and
# READING_MIN_SHARE of them (≥ 4 letters), have a far more frequent twin. A clean document has at most one or two such
# words (a rare real word whose OCR twin happens to be frequent: "haleine"/"baleine", "aile"/"allé"), and is left as
# it is.

# Measured: the damaged scans of police_marseille have 8–18 % of their words with a twin; none of 5,062 clean
# documents (police_dev, police_marseille, piaf_v1.1, codes_penal_cpp) has more than 2 such words. Documents of
# police_dev and police_marseille damaged at random (one OCR confusion in 5 % of their words) pass in 37/80 and
# 60/90 cases (13/80 and 34/90 with 5 words and 3 %): bench/bench_readings.py.
READING_MIN_FIXES = 3
READING_MIN_SHARE = 0.02
TWIN_MIN_COUNT = 3  # the replacing word is written at least this often in the case...
TWIN_RATIO = 3.0  # ... and this many times more often than the damaged form


def word_counts(text: str) -> Counter[str]:
    """How often each word long enough for an OCR key is written in ``text``, lowercased (accents kept)."""
    return _counts(clean_for_keys(text))


def _counts(cleaned: str) -> Counter[str]:
    counts = Counter(_WORD.findall(cleaned.lower()))  # counted at C speed, then filtered
    for word in [w for w in counts if len(w) < MIN_LETTERS]:
        del counts[word]
    return counts


class Vocabulary:
    """The words of a case with their counts, grouped by OCR key: for each key, the spelling written most often."""

    def __init__(self, rows: Iterable[tuple[str, str, str, int]], total: int | None = None) -> None:
        """``rows``: (word in lowercase, its folded form, its OCR key, how often the case writes it) for the case's
        words, or for those that share an OCR key with the words to read; ``total``: how many words the case
        holds (by default, those of ``rows``)."""
        self._forms: dict[str, tuple[str, str]] = {}  # word → (folded form, OCR key)
        by_folded: dict[str, int] = {}
        surface: dict[str, tuple[int, str]] = {}  # folded word → (count, its most frequent written form)
        key_of: dict[str, str] = {}
        for word, folded, key, count in rows:
            self._forms[word] = (folded, key)
            by_folded[folded] = by_folded.get(folded, 0) + count
            key_of[folded] = key
            if count > surface.get(folded, (0, ""))[0]:
                surface[folded] = (count, word)
        best: dict[str, str] = {}
        for folded, count in by_folded.items():
            key = key_of[folded]
            if count > by_folded.get(best.get(key, ""), 0):
                best[key] = folded
        self._count = by_folded
        self._best = best
        self._surface = {folded: form for folded, (_, form) in surface.items()}
        self.total = sum(by_folded.values()) if total is None else total
        self._twins: dict[str, str | None] = {}

    @classmethod
    def of(cls, counts: Mapping[str, int], total: int | None = None) -> Vocabulary:
        """The vocabulary of words (lowercase) and their counts."""
        return cls(((w, folded_word(w), ocr_key(w), c) for w, c in counts.items() if ocr_key(w)), total)

    def twin(self, word: str) -> str | None:
        """The case's usual spelling of a word that looks like a bad reading of it (lowercase), or None."""
        try:
            return self._twins[word]
        except KeyError:
            found = self._twins[word] = self._twin(word)  # the words of a batch of documents recur
            return found

    def _twin(self, word: str) -> str | None:
        known = self._forms.get(word.lower())
        form, key = known if known is not None else (folded_word(word), ocr_key(word))
        best = self._best.get(key) if key else None
        if best is None or best == form:
            return None
        count = self._count[best]
        if count < TWIN_MIN_COUNT or count < TWIN_RATIO * self._count.get(form, 0):
            return None
        return self._surface[best]


def _as_written(word: str, twin: str) -> str:
    """``twin`` in the case of ``word``: capitals ("AUDITI0N" → "AUDITION"), a capital first letter, or lowercase."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) > 1 and sum(c.isupper() for c in letters) > len(letters) // 2:
        return twin.upper()
    return twin[:1].upper() + twin[1:] if word[:1].isupper() else twin


def reading_fixes(text: str, vocabulary: Vocabulary, counts: Counter[str] | None = None) -> dict[str, str]:
    """The words of ``text`` (as written) to read as the case usually writes them, when ``text`` looks badly
    recognised; an empty map otherwise. ``counts``: ``word_counts(text)`` when already made."""
    cleaned = clean_for_keys(text)
    counts = _counts(cleaned) if counts is None else counts
    found = {word for word in counts if vocabulary.twin(word) is not None}
    fixed = sum(counts[w] for w in found)
    if fixed < READING_MIN_FIXES or fixed < READING_MIN_SHARE * sum(counts.values()):
        return {}
    fixes: dict[str, str] = {}
    for word in dict.fromkeys(_WORD.findall(cleaned)):  # as written: "Gronpe", "gronpe", "GRONPE"
        if word.lower() in found:
            twin = vocabulary.twin(word)
            if twin is not None:
                fixes[word] = _as_written(word, twin)
    return fixes


def read_with(text: str, fixes: dict[str, str]) -> str:
    """``text`` with each word of ``fixes`` replaced (word for word: the words keep their order and count)."""
    if not fixes:
        return text
    return _WORD.sub(lambda m: fixes.get(m.group(0), m.group(0)), text)


def read_with_offsets(text: str, fixes: dict[str, str]) -> tuple[str, list[int]]:
    """``read_with(text, fixes)`` (a fix of one letter left out) and, for each of its characters (and its end), the
    offset in ``text`` it comes from: a span ``[a, b)`` of the reading is ``[where[a], where[b - 1] + 1)`` in
    ``text``, a replaced word whole whatever its length."""
    parts: list[str] = []
    where: list[int] = []
    cursor = 0
    for m in _WORD.finditer(text) if fixes else ():
        new = fixes.get(m.group(0))
        if new is None or len(new) < 2:
            continue
        parts.append(text[cursor : m.start()])
        where.extend(range(cursor, m.start()))
        parts.append(new)
        last = len(m.group(0)) - 1
        where.extend(m.start() + min(i, last) for i in range(len(new) - 1))
        where.append(m.end() - 1)
        cursor = m.end()
    parts.append(text[cursor:])
    where.extend(range(cursor, len(text)))
    where.append(len(text))
    return "".join(parts), where
