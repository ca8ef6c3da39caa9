"""What a candidate passage holds of a query: the evidence the fusion and the second stage weigh.

A query is cut into units (search/coverage.py: each expansion, each other content word) weighted by their rarity
in the case, plus its identifiers (search/fusion.py). A chunk's text is analysed once, as the index analyses it,
and each unit is looked up in it — so that 40 candidates × 8 units cost one analysis per candidate.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from arbiter_desktop.chunking.derived import acronym_key
from arbiter_desktop.domain import Expansion
from arbiter_desktop.entities import find_entities
from arbiter_desktop.noisytext import ocr_key
from arbiter_desktop.search.coverage import query_units
from arbiter_desktop.search.lexical_query import Matchers, QueryCompiler
from arbiter_desktop.stores.lexical import (
    EXACT,
    FRENCH,
    LexicalStore,
    analyze,
    analyze_uncached,
)

_WORD = re.compile(r"[^\W_]+")
WINDOW = 30  # tokens: units found within this many tokens of each other count as found together


@dataclass(frozen=True, slots=True)
class Unit:
    text: str
    matchers: Matchers
    weight: float  # inverse document frequency in the case
    expanded: bool  # an expression the lexicons expanded (matched through its alternatives too)


def units_of(compiler: QueryCompiler, store: LexicalStore, query: str, expansions: Sequence[Expansion]) -> list[Unit]:
    """The query's units with their matchers and rarity weights (see search/coverage.py)."""
    total = max(1, store.num_chunks())
    units: list[Unit] = []
    for text, expansion in query_units(query, expansions):
        stems = [t.text for t in analyze(text, FRENCH)]
        frequency = min((store.doc_freq("text", s) for s in stems), default=0)
        matchers = compiler.compile(text, expansion).matchers
        units.append(Unit(text, matchers, math.log(1 + total / max(1, frequency)), bool(expansion)))
    return units


def identifier_matchers(compiler: QueryCompiler, identifiers: Sequence[str]) -> list[Matchers]:
    return [compiler.compile(identifier).matchers for identifier in identifiers]


Forms = tuple[str, str, str, str]  # a word's stem, folded form, OCR key, acronym key ("" for none)
FORMS_KEPT = 200_000  # distinct words whose forms are kept (a large case's vocabulary; ~40 MB at most)
_FORMS: dict[str, Forms] = {}


def word_forms(words: Sequence[str]) -> list[Forms]:
    """The forms of each word (one of ``[^\\W_]+``): its stem and its folded form as the index's analyzers give
    them ("" for both when they drop it), its OCR key (noisytext.py), and its acronym key when it is written in
    capitals. The words not seen before are analysed together, one call per analyzer."""
    missing = [w for w in dict.fromkeys(words) if w not in _FORMS]
    if missing:
        if len(_FORMS) + len(missing) > FORMS_KEPT:
            _FORMS.clear()
        joined = " ".join(missing)
        starts = list(itertools.accumulate((len(w) + 1 for w in missing[:-1]), initial=0))
        stems = {bisect.bisect_right(starts, t.start) - 1: t.text for t in analyze_uncached(joined, FRENCH)}
        folded = {bisect.bisect_right(starts, t.start) - 1: t.text for t in analyze_uncached(joined, EXACT)}
        for i, word in enumerate(missing):
            capitals = acronym_key(word) if len(word) >= 2 and word.isupper() else ""
            stem = stems.get(i, "")
            _FORMS[word] = (stem, folded.get(i, stem) if stem else "", ocr_key(word), capitals)
    return [_FORMS[w] for w in words]


@dataclass
class Analysed:
    """A text as the index sees it: stemmed and folded tokens (aligned), entities, with token positions.

    The index's analyzers cut words at every character that is not a letter or a digit, so a text's tokens are
    its words (``[^\\W_]+``) less those the analyzers drop (elided articles, overlong words); each distinct word is
    analysed once per process (:func:`word_forms`) and a passage is read as a list of its words' forms, not
    tokenised anew for every candidate of every search."""

    text: str
    stemmed: list[str] = field(init=False)
    exact: list[str] = field(init=False)
    _words: list[str] = field(init=False, repr=False)
    _forms: list[Forms] = field(init=False, repr=False)
    _patterns: dict[str, list[int]] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._words = _WORD.findall(self.text)
        self._forms = word_forms(self._words)
        tokens = [f for f in self._forms if f[0]]
        self.stemmed = [f[0] for f in tokens]
        self.exact = [f[1] for f in tokens]

    @cached_property
    def stem_positions(self) -> dict[str, list[int]]:
        return _positions(self.stemmed)

    @cached_property
    def exact_positions(self) -> dict[str, list[int]]:
        return _positions(self.exact)

    @cached_property
    def _token_of_word(self) -> list[int]:
        """The token position of each word: its own, or for a word the analyzers drop, the token before it."""
        positions: list[int] = []
        token = -1
        for forms in self._forms:
            if forms[0]:
                token += 1
            positions.append(max(token, 0))
        return positions

    @cached_property
    def entity_positions(self) -> dict[str, list[int]]:
        starts = [m.start() for m in _WORD.finditer(self.text)]
        of_word = self._token_of_word
        found: dict[str, list[int]] = {}
        for entity in find_entities(self.text):
            word = bisect.bisect_right(starts, entity.start) - 1
            for key in entity.all_keys():  # the keys a query's entity is looked up by (Matchers.entities)
                found.setdefault(key, []).append(of_word[word] if word >= 0 else 0)
        return found

    @cached_property
    def word_positions(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """(OCR key → positions, acronym written in capitals → positions)."""
        keys: dict[str, list[int]] = {}
        capitals: dict[str, list[int]] = {}
        for (_, _, key, acronym), position in zip(self._forms, self._token_of_word, strict=True):
            if key:
                keys.setdefault(key, []).append(position)
            if acronym:
                capitals.setdefault(acronym, []).append(position)
        return keys, capitals

    @cached_property
    def vocabulary(self) -> str:
        """The distinct unstemmed words, one a line (scanned by a pattern at once, not word by word)."""
        return "\n".join(self.exact_positions)

    def pattern_positions(self, patterns: Sequence[re.Pattern[str]]) -> list[int]:
        """Token positions of the words that one of ``patterns`` matches whole (wildcards, fuzzy words, word
        families: none of them matches across a line end)."""
        joined = "|".join(p.pattern for p in patterns)
        found = self._patterns.get(joined)
        if found is None:
            scan = re.compile(f"^(?:{joined})$", re.MULTILINE)
            found = [i for m in scan.finditer(self.vocabulary) for i in self.exact_positions[m.group(0)]]
            self._patterns[joined] = found
        return found

    def positions(self, matchers: Matchers) -> list[int]:
        """Token positions where ``matchers`` match (empty when they do not)."""
        found: list[int] = []
        for stem in matchers.stems:
            found += self.stem_positions.get(stem, [])
        for word in matchers.exact:
            found += self.exact_positions.get(word, [])
        for norm in matchers.entities:
            found += self.entity_positions.get(norm, [])
        for phrase in matchers.phrases:
            n = len(phrase)
            for i in self.stem_positions.get(phrase[0], []):
                if self.stemmed[i : i + n] == phrase:
                    found.append(i)
        if matchers.patterns:
            found += self.pattern_positions(matchers.patterns)
        if matchers.ocr_keys or matchers.acronyms:
            keys, capitals = self.word_positions
            for key in matchers.ocr_keys:
                found += keys.get(key, [])
            for acronym in matchers.acronyms:
                found += capitals.get(acronym, [])
        return sorted(set(found))


ANALYSED_KEPT = 256  # analysed passages kept: the head of a search, and of the next ones, is read again


@lru_cache(maxsize=ANALYSED_KEPT)
def analysed(text: str) -> Analysed:
    """``text`` analysed, or the analysis kept from a previous candidate or search that read the same text."""
    return Analysed(text)


def _positions(tokens: Sequence[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        found.setdefault(token, []).append(i)
    return found


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one passage holds of the query."""

    coverage: float  # rarity-weighted share of the query's units found
    typed: float  # the same, over the words typed as such (no expansion)
    expansions: float  # share of the expanded expressions found (1.0 when there is none)
    together: float  # rarity-weighted share found within one window of WINDOW tokens
    identifiers: float  # share of the query's identifiers found (1.0 when there is none)


def evidence(analysed: Analysed, units: Sequence[Unit], identifiers: Sequence[Matchers]) -> Evidence:
    found = [analysed.positions(u.matchers) for u in units]
    whole = sum(u.weight for u in units) or 1.0
    coverage = sum(u.weight for u, f in zip(units, found, strict=True) if f) / whole
    typed_units = [(u, f) for u, f in zip(units, found, strict=True) if not u.expanded]
    typed_whole = sum(u.weight for u, _ in typed_units)
    typed = sum(u.weight for u, f in typed_units if f) / typed_whole if typed_whole else coverage
    expanded = [f for u, f in zip(units, found, strict=True) if u.expanded]
    expansions = sum(1 for f in expanded if f) / len(expanded) if expanded else 1.0
    held = [bool(analysed.positions(m)) for m in identifiers]
    return Evidence(
        coverage=coverage,
        typed=typed,
        expansions=expansions,
        together=_together(units, found) / whole,
        identifiers=sum(held) / len(held) if held else 1.0,
    )


def _together(units: Sequence[Unit], found: Sequence[list[int]]) -> float:
    """The best rarity-weighted sum of units found within one window of WINDOW tokens."""
    events = sorted((p, i) for i, positions in enumerate(found) for p in positions)
    if not events:
        return 0.0
    best = 0.0
    counts: dict[int, int] = {}
    left = 0
    for position, unit in events:
        counts[unit] = counts.get(unit, 0) + 1
        while events[left][0] < position - WINDOW:
            gone = events[left][1]
            counts[gone] -= 1
            if not counts[gone]:
                del counts[gone]
            left += 1
        best = max(best, sum(units[u].weight for u in counts))
    return best
