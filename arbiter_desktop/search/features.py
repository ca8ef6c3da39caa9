"""What a candidate passage holds of a query: the evidence the fusion and the second stage weigh.

A query is cut into units (search/coverage.py: each expansion, each other content word) weighted by their rarity
in the case, plus its identifiers (search/fusion.py). A chunk's text is analysed once, as the index analyses it,
and each unit is looked up in it — so that 40 candidates × 8 units cost one analysis per candidate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from arbiter_desktop.domain import Expansion
from arbiter_desktop.search.analysed import Analysed
from arbiter_desktop.search.coverage import query_units
from arbiter_desktop.search.lexical_query import Matchers, QueryCompiler
from arbiter_desktop.stores.lexical import FRENCH, LexicalStore, analyze

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
