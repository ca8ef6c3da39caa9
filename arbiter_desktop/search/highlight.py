"""Find the query's matches in a chunk and cut the passage that best explains the hit.

Matching uses the same analyzers as the index (so "enquêteurs" highlights when the query says "enquêteur")
and reports character offsets. The passage is the window of the chunk holding the most distinct matched
terms (then the most matches), widened to word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arbiter_desktop.search.analysed import analysed
from arbiter_desktop.search.lexical_query import Matchers


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    term: str  # the matched text as written in the document
    origin: str = ""  # the expansion that brought this term ("GAV → garde à vue"), empty for a typed word


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»)\]]*\s+|\n+")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the sentences of ``text[start:end]``, stripped, in order."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in [*_SENTENCE_END.finditer(text, start, end), None]:
        stop = m.start() if m is not None else end
        piece = text[cursor:stop]
        if piece.strip():
            left = cursor + len(piece) - len(piece.lstrip())
            spans.append((left, left + len(piece.strip())))
        if m is not None:
            cursor = m.end()
    return spans


def window_around(text: str, start: int, end: int, width: int) -> tuple[int, int]:
    """A window of about ``width`` characters holding ``text[start:end]``, cut at word boundaries."""
    if len(text) <= width:
        return 0, len(text)
    left = max(0, min(start - (width - (end - start)) // 2, len(text) - width))
    left = _word_start(text, left)
    right = min(len(text), _word_end(text, max(end, left + width)))
    return left, right


@dataclass(frozen=True, slots=True)
class Passage:
    start: int  # offset in the chunk text
    text: str
    highlights: tuple[tuple[int, int], ...]  # offsets in ``text``
    matched: tuple[str, ...]  # distinct matched words as written in the document
    expansions: tuple[str, ...] = ()  # labels of the expansions that matched in the passage


def find_matches(text: str, matchers: Matchers) -> list[Match]:
    """Every place in ``text`` that a query term matches, sorted and without overlaps.

    The text is read as the index reads it (search/analysed.py: its words' stems, folded forms, OCR keys and
    acronyms, analysed once per distinct word and kept for the passages of the next searches), and each of the
    query's terms is looked up in it rather than each word of the text tested against the query."""
    if matchers.is_empty():
        return []
    passage = analysed(text)
    spans = passage.token_spans
    stemmed = passage.stemmed
    found: list[tuple[int, int]] = []
    origin_at: dict[int, str] = {}
    # Each kind of term is first looked for in the passage's sets of forms (built at C speed, kept with the
    # passage): the pass over the tokens that places it runs only for the terms the passage holds.
    stems = matchers.stems.intersection(passage.stem_set) if matchers.stems else None
    if stems:  # one pass over the tokens: cheaper than a position map for the few terms of a query
        for i, stem in enumerate(stemmed):
            if stem in stems:
                found.append(spans[i])
                if stem in matchers.origins:
                    origin_at[spans[i][0]] = matchers.origins[stem]
    exact = matchers.exact.intersection(passage.exact_set) if matchers.exact else None
    if exact:
        for i, word in enumerate(passage.exact):
            if word in exact:
                found.append(spans[i])
                if word in matchers.exact_origins:  # an alternative matched as written ("mari")
                    origin_at[spans[i][0]] = matchers.exact_origins[word]
    if matchers.patterns:
        found += (spans[i] for i in passage.pattern_positions(matchers.patterns))
    for phrase in matchers.phrases:
        if not passage.stem_set.issuperset(phrase):
            continue
        n = len(phrase)
        origin = matchers.origins.get(" ".join(phrase))
        for i, stem in enumerate(stemmed):
            if stem == phrase[0] and stemmed[i : i + n] == phrase:
                found.append((spans[i][0], spans[i + n - 1][1]))
                if origin:
                    origin_at[spans[i][0]] = origin
    if matchers.entities:
        for entity in passage.entities:
            if not matchers.entities.isdisjoint(entity.all_keys()):
                found.append((entity.start, entity.end))
    if (matchers.ocr_keys or matchers.acronyms) and _holds_any(passage.key_sets, matchers):
        for span, (_, _, key, capitals) in zip(passage.word_spans, passage.forms, strict=True):
            if key and key in matchers.ocr_keys:  # words as a bad OCR read them ("scootcr" for "scooter")
                found.append(span)
            elif capitals and capitals in matchers.acronyms:  # "CI", as written
                found.append(span)
                if capitals in matchers.origins:
                    origin_at[span[0]] = matchers.origins[capitals]
    return [Match(s, e, text[s:e], origin_at.get(s, "")) for s, e in _merge(found)]


def _holds_any(key_sets: tuple[frozenset[str], frozenset[str]], matchers: Matchers) -> bool:
    """Whether a passage with these OCR keys and acronym keys holds one of the query's."""
    keys, capitals = key_sets
    return not (matchers.ocr_keys.isdisjoint(keys) and matchers.acronyms.isdisjoint(capitals))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def passage_at(text: str, start: int, end: int, matches: list[Match]) -> Passage:
    """The passage ``text[start:end]`` with the matches inside it."""
    return _passage(text, start, end, matches)


def best_passage(text: str, matches: list[Match], width: int = 360) -> Passage:
    """The window of about ``width`` characters with the most distinct matched terms."""
    if len(text) <= width:
        return _passage(text, 0, len(text), matches)
    if not matches:
        end = _word_end(text, width)
        return _passage(text, 0, end, matches)
    best = (-1, -1, 0)  # (distinct terms, matches, window start)
    for i, first in enumerate(matches):
        window_end = first.start + width
        inside = [m for m in matches[i:] if m.end <= window_end]
        score = (len({m.term.lower() for m in inside}), len(inside))
        if score > best[:2]:
            best = (score[0], score[1], first.start)
    anchor = best[2]
    # centre the matched region: start a little before the first match, at a word or sentence start
    start = max(0, anchor - width // 4)
    sentence = text.rfind(". ", start, anchor)
    if sentence != -1 and anchor - sentence < width // 3:
        start = sentence + 2
    start = _word_start(text, start)
    end = min(len(text), _word_end(text, start + width))
    if end - start < width and start > 0:
        start = _word_start(text, max(0, end - width))
    return _passage(text, start, end, matches)


def _word_start(text: str, pos: int) -> int:
    if pos <= 0:
        return 0
    while pos > 0 and not text[pos - 1].isspace():
        pos -= 1
    return pos


def _word_end(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    while pos < len(text) and not text[pos].isspace():
        pos += 1
    return pos


def _passage(text: str, start: int, end: int, matches: list[Match]) -> Passage:
    inside = [m for m in matches if m.start >= start and m.end <= end]
    seen: dict[str, None] = {}
    for m in inside:
        seen.setdefault(m.term, None)
    return Passage(
        start=start,
        text=text[start:end],
        highlights=tuple((m.start - start, m.end - start) for m in inside),
        matched=tuple(seen),
        expansions=tuple(dict.fromkeys(m.origin for m in inside if m.origin)),
    )
