"""Rank fusion and what it knows of the query (pure functions).

Hybrid search fuses the full-text and the semantic rankings. How much each one counts depends on the query, and
only on the query (never on the data set): :func:`query_shape` reads it — exact identifiers (plates, phone numbers,
IBANs, handles, numbers, names, quoted phrases), natural-language questions — and :func:`fusion_plan` turns that
into weights and into the identifiers a hit must hold to stay in front.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from arbiter_desktop.domain import Expansion
from arbiter_desktop.entities import find_entities
from arbiter_desktop.search.query import STOP_WORDS, Phrase, Term, is_natural, parse
from arbiter_desktop.textfold import fold

K = TypeVar("K", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[tuple[float, Sequence[K]]], k: int = 60) -> dict[K, float]:
    """Weighted RRF: ``score(d) = Σ weight / (k + rank(d))`` over the rankings that hold ``d`` (rank from 1)."""
    scores: dict[K, float] = {}
    for weight, ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return scores


MISSING_BELOW = 0.5  # a candidate absent from a list scores this far below that list's lowest standardised score


def standardised(ranking: Sequence[tuple[K, float]]) -> dict[K, float]:
    """Scores of one retriever as z-scores over its own candidates (an empty dict for an empty list)."""
    if not ranking:
        return {}
    values = [s for _, s in ranking]
    mean = sum(values) / len(values)
    std = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
    return {key: (value - mean) / std for key, value in ranking}


def zscore_fusion(lists: Sequence[tuple[float, Sequence[tuple[K, float]]]]) -> dict[K, float]:
    """Weighted sum of standardised scores: ``score(d) = Σ weight × (s(d) − mean) / std`` per list.

    Each retriever's scores are standardised over its own candidates, so BM25's unbounded scores and cosines
    meet on one scale and the score gaps still count (rank fusion throws them away). A candidate missing from a
    list scores below every candidate of that list (its lowest score less ``MISSING_BELOW``): a retriever that
    found nothing for it counts against it. (It used to get the list's average: with a short full-text list,
    such as the two documents that hold a plate number, the second of them then fell below documents that do
    not hold the plate at all.) Measured on the dev sets, z-score fusion beat both lexical and dense retrieval
    alone on both, where reciprocal rank fusion fell below the better retriever.
    """
    weighted = [(weight, standardised(ranking)) for weight, ranking in lists if ranking]
    keys = dict.fromkeys(key for _, scores in weighted for key in scores)
    fused: dict[K, float] = {}
    for key in keys:
        fused[key] = sum(weight * scores.get(key, min(scores.values()) - MISSING_BELOW) for weight, scores in weighted)
    return fused


# --- what the query is ----------------------------------------------------------------------------------------

QUESTION_WORDS = frozenset(
    """
    qui que quoi qu quel quelle quels quelles lequel laquelle lesquels lesquelles comment pourquoi quand où ou combien
    est-ce
    """.split()  # noqa: SIM905
)
CIVILITIES = frozenset("m mme mmes mlle mlles mr me dr monsieur madame mademoiselle maître".split())  # noqa: SIM905
_WORD = re.compile(r"[\w'’.@-]+")
_HANDLE = re.compile(r"^(?=.*[^\W\d_])(?=.*(?:\d|[._@]\w))[\w.@-]+$")  # "ilyes.kh42", "cigalons.balance13", "72h"


@dataclass(frozen=True, slots=True)
class QueryShape:
    """What a query is made of, as fusion needs to know it."""

    identifiers: tuple[str, ...]  # exact things to find as written: entities, numbers, handles, names, phrases
    concept_words: int  # content words that are not identifiers (expanded expressions count once)
    question: bool  # written as a question ("qui a vu …", "… ?")
    operators: bool  # not a natural query: phrases, fields, boolean operators, wildcards

    @property
    def identifier_centric(self) -> bool:
        """Mostly identifiers ("FK-318-LM", "tél 06 12 34 56 78", "Konaté", "14 rue Jules-Guesde"): the hits
        that hold them come first, whatever their meaning."""
        return bool(self.identifiers) and self.concept_words <= 1 and not self.question


def query_shape(query: str, expansions: Sequence[Expansion] = ()) -> QueryShape:
    """Read ``query``: its identifiers, its other content words, whether it is a question."""
    group = parse(query)
    operators = not is_natural(group)
    identifiers: list[str] = []
    covered: set[int] = set()
    for occur, node in group.clauses:
        if isinstance(node, Phrase) and occur != "must_not":
            identifiers.append(node.text)
    for entity in find_entities(query, query=True):
        identifiers.append(query[entity.start : entity.end])
        covered.update(range(entity.start, entity.end))
    concept = 0
    for expansion in expansions:
        covered.update(range(expansion.start, expansion.end))
        concept += max(1, sum(1 for w in _WORD.findall(expansion.matched) if fold(w) not in STOP_WORDS))
    words = [(m.start(), m.end(), m.group(0).strip(".-'’")) for m in _WORD.finditer(query)]
    first = True
    question = query.rstrip().endswith("?")
    for start, end, word in words:
        folded = fold(word)
        if first and folded in QUESTION_WORDS:
            question = True
        first = False
        if not word or covered.intersection(range(start, end)) or folded in STOP_WORDS or folded in CIVILITIES:
            continue
        if len(folded) < 2:
            continue
        if any(c.isdigit() for c in word) or _HANDLE.match(word) or _is_name(word):
            identifiers.append(word)
        else:
            concept += 1
    terms = [n for _, n in group.clauses if isinstance(n, Term)]
    if terms and fold(terms[0].text) in QUESTION_WORDS:
        question = True
    return QueryShape(tuple(dict.fromkeys(identifiers)), concept, question, operators)


def _is_name(word: str) -> bool:
    """A capitalised word that is not written all in capitals (an acronym is a concept): "Konaté", "Jules-Guesde"."""
    return word[:1].isupper() and not word.isupper() and any(c.islower() for c in word[1:])


# --- the plan of a fusion ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FusionPlan:
    lexical_weight: float
    dense_weight: float
    identifiers_first: bool  # hits holding every identifier of the query come first (identifier-centric queries)


# Weights of the two rankings by kind of query, on top of the full-text coverage (search/coverage.py).
IDENTIFIER_WEIGHTS = (1.0, 1.0)  # "FK-318-LM", "Konaté": the hits holding them come first; both order within
QUESTION_WEIGHTS = (0.7, 1.0)  # "qui a vu la voiture … s'enfuir ?": meaning leads
DESCRIPTION_WEIGHTS = (0.85, 1.0)  # "commerçant menacé avec un flingue"
DEFAULT_WEIGHTS = (1.0, 1.0)
DESCRIPTION_WORDS = 3  # concept words from which a query without identifier reads as a description


def fusion_plan(shape: QueryShape, coverage: float = 1.0) -> FusionPlan:
    """Weights (full text, meaning) for a query of this shape; ``coverage`` (0–1) scales the full-text weight by
    how much of the query its best passages hold."""
    if shape.operators:
        lexical, dense = DEFAULT_WEIGHTS
        return FusionPlan(lexical, dense, identifiers_first=bool(shape.identifiers))
    if shape.identifier_centric:
        lexical, dense = IDENTIFIER_WEIGHTS
        return FusionPlan(lexical, dense, identifiers_first=True)
    if shape.question:
        lexical, dense = QUESTION_WEIGHTS
    elif not shape.identifiers and shape.concept_words >= DESCRIPTION_WORDS:
        lexical, dense = DESCRIPTION_WEIGHTS
    else:
        lexical, dense = DEFAULT_WEIGHTS
    return FusionPlan(lexical * coverage, dense, identifiers_first=False)


TIER = 1000.0  # larger than any difference of fused scores: the share of identifiers held decides first


def identifiers_first(fused: Mapping[K, float], holds: Callable[[K], float]) -> dict[K, float]:
    """``fused`` with the candidates holding more of the query's identifiers (``holds``: share 0–1) ahead of the
    others, in fused order among equals ("keep the full text's order" for what it alone can tell: who holds the
    plate number)."""
    return {key: score + TIER * holds(key) for key, score in fused.items()}
