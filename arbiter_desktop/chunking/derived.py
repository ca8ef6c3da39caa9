"""What indexing derives from a document's text besides its chunks, computed in the extraction worker beside the
chunks (so that the indexer, which records documents one after another, only writes what the workers found):

- per chunk, the terms of the full-text index's derived fields (:class:`ChunkTerms`: entity keys, OCR-tolerant word
  keys, acronyms as written);
- per document, its entities, its MinHash signature and its facts (:class:`TextAnalysis`, recorded by
  ``stores/analysis.py`` for the entity index and near-duplicate grouping).

Both are pure functions of the text: the indexer computes them itself for a text that did not come from a worker
(a repair, the OCR phase's new text) and gets the same result.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from arbiter_desktop.domain import ChunkSpan
from arbiter_desktop.duplicates import facts as doc_facts
from arbiter_desktop.duplicates import minhash
from arbiter_desktop.entities import Entity, find_entities, search_keys
from arbiter_desktop.entities.recognise import keys_of
from arbiter_desktop.noisytext import ocr_keys
from arbiter_desktop.textfold import fold

_LETTERS = re.compile(r"[^\W\d_]+")
MAX_ACRONYM = 8


def acronym_terms(text: str) -> list[str]:
    """Words written in capitals (2 to 8 letters, accents folded: "CI", "JLD", "FOVES"), outside lines written
    all in capitals (a heading or a message in capitals tells no acronym from a word). Searched as written, they
    let a short acronym be found without its lowercase homographs ("CI" for comparution immédiate, not "celle-ci")."""
    found: list[str] = []
    for line in text.splitlines():
        words = _LETTERS.findall(line)
        capitals = [w for w in words if len(w) >= 2 and w.isupper()]
        if not capitals or (len(words) >= 3 and len(capitals) * 5 > len(words) * 3):
            continue
        found += [fold(w).upper() for w in capitals if len(w) <= MAX_ACRONYM]
    return found


def acronym_key(written: str) -> str:
    """The form an acronym is searched in the ``acronyms`` field ("FOVeS" → "FOVES")."""
    return fold(written).upper()


def entity_terms(text: str) -> list[str]:
    """The entity field's terms of ``text``: the search keys of its entities (arbiter_desktop.entities), so that
    any written form of a phone, plate, IBAN, date, amount or number finds any other."""
    return search_keys(text)


@dataclass(frozen=True, slots=True)
class ChunkTerms:
    """A chunk's terms for the full-text index's derived fields, each space-separated."""

    entities: str
    ocr: str
    acronyms: str


def chunk_terms(text: str, entities: Sequence[Entity] | None = None) -> ChunkTerms:
    """``entities``: those of ``text`` when already found."""
    keys = entity_terms(text) if entities is None else keys_of(entities)
    return ChunkTerms(" ".join(keys), " ".join(ocr_keys(text)), " ".join(acronym_terms(text)))


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    """A document's entities, MinHash signature (bytes; None for a text too short to compare) and facts (JSON;
    None with the signature); ``bands``: the signature's LSH keys when computed with it (in the extraction worker,
    so that the indexer, which records documents one after another, does not hash them)."""

    entities: tuple[Entity, ...]
    signature: bytes | None
    facts: str | None
    bands: tuple[int, ...] = ()


def analyse_text(text: str) -> TextAnalysis:
    entities = tuple(find_entities(text))
    sig = minhash.signature(text)
    if sig is None:
        return TextAnalysis(entities, None, None)
    facts = doc_facts.of_text(text, entities).to_json()
    return TextAnalysis(entities, minhash.to_bytes(sig), facts, tuple(minhash.band_keys(sig)))


@dataclass(frozen=True, slots=True)
class Derived:
    """Everything derived from one extracted text: its analysis and its chunks' terms (in the chunks' order)."""

    analysis: TextAnalysis
    terms: tuple[ChunkTerms, ...]


def derive(text: str, chunks: Sequence[ChunkSpan]) -> Derived:
    analysis = analyse_text(text)
    starts = [e.start for e in analysis.entities]
    return Derived(analysis, tuple(chunk_terms(c.text, _within(analysis.entities, starts, text, c)) for c in chunks))


def _within(entities: Sequence[Entity], starts: list[int], text: str, chunk: ChunkSpan) -> Sequence[Entity] | None:
    """The document's entities inside ``chunk``: found once in the whole text instead of again in each chunk (the
    recognisers read a few words around each digit, so a chunk's own reading finds the same ones; a long document's
    analysis took twice as long). None, for the chunk to be read on its own, when the chunk is not a span of
    ``text`` or when its edge cuts an entity: what the chunk shows of it ("virement de 1 500" of "1 500 €") is
    still searchable there."""
    if text[chunk.start : chunk.end] != chunk.text:
        return None
    first, end = bisect_left(starts, chunk.start), bisect_left(starts, chunk.end)
    if first > 0 and entities[first - 1].end > chunk.start:
        return None  # an entity begins before the chunk and ends in it
    inside = entities[first:end]  # in reading order without overlaps: the last one ends last
    if inside and inside[-1].end > chunk.end:
        return None
    return inside
