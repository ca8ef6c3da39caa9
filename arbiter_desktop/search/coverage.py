"""How much of a query the best full-text passages contain: the confidence given to the full-text ranking.

In hybrid search the full-text and semantic rankings are fused. When the best full-text passages hold every
informative word of the query (a plate, a name, an acronym and its expansion), the full-text ranking is strong
evidence; when they hold only its common words ("message … policiers" for "message insultant envers les
policiers", answered by a document that quotes the insult), it is noise that would drag the semantic ranking
down. The coverage is the share of the query's units (each expansion, each other content word), weighted by
their rarity in the case (inverse document frequency), found in the best of the top full-text passages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from arbiter_desktop.domain import Expansion
from arbiter_desktop.search.highlight import find_matches
from arbiter_desktop.search.lexical_query import Matchers, QueryCompiler
from arbiter_desktop.search.query import STOP_WORDS
from arbiter_desktop.stores.lexical import FRENCH, LexicalStore, analyze
from arbiter_desktop.textfold import fold

_WORD = re.compile(r"[\w'’-]+")
COVERAGE_PASSAGES = 3  # top full-text passages looked at


def query_units(query: str, expansions: Sequence[Expansion]) -> list[tuple[str, list[Expansion]]]:
    """The query's units: each expanded expression with its expansion, then each other content word."""
    units: list[tuple[str, list[Expansion]]] = [(query[e.start : e.end], [e]) for e in expansions]
    covered = {i for e in expansions for i in range(e.start, e.end)}
    for m in _WORD.finditer(query):
        if covered.intersection(range(m.start(), m.end())):
            continue
        word = m.group(0)
        if len(word) >= 2 and fold(word) not in STOP_WORDS:
            units.append((word, []))
    return units


def lexical_coverage(
    compiler: QueryCompiler,
    store: LexicalStore,
    query: str,
    expansions: Sequence[Expansion],
    passages: Sequence[str],
) -> float:
    """IDF-weighted share of the query's units found in the best of ``passages`` (1.0 when nothing to weigh)."""
    units = query_units(query, expansions)
    if not units or not passages:
        return 1.0
    total = max(1, store.num_chunks())
    weighted: list[tuple[Matchers, float]] = []
    for text, expansion in units:
        stems = [t.text for t in analyze(text, FRENCH)]
        frequency = min((store.doc_freq("text", s) for s in stems), default=0)
        weighted.append((compiler.compile(text, expansion).matchers, math.log(1 + total / max(1, frequency))))
    whole = sum(w for _, w in weighted)
    best = 0.0
    for passage in passages:
        found = sum(w for matchers, w in weighted if find_matches(passage, matchers))
        best = max(best, found / whole)
    return best
