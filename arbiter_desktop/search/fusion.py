"""Rank fusion (pure functions)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[tuple[float, Sequence[K]]], k: int = 60) -> dict[K, float]:
    """Weighted RRF: ``score(d) = Σ weight / (k + rank(d))`` over the rankings that hold ``d`` (rank from 1)."""
    scores: dict[K, float] = {}
    for weight, ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return scores


def zscore_fusion(lists: Sequence[tuple[float, Sequence[tuple[K, float]]]]) -> dict[K, float]:
    """Weighted sum of standardised scores: ``score(d) = Σ weight × (s(d) − mean) / std`` per list.

    Each retriever's scores are standardised over its own candidates, so BM25's unbounded scores and cosines
    meet on one scale and the score gaps still count (rank fusion throws them away). A candidate missing from a
    list gets nothing from it (that list's average). Measured on the dev sets, equal-weight z-score fusion beat
    both lexical and dense retrieval alone on both (piaf_v1.1 with multilingual-e5-small, police_dev with
    EmbeddingGemma), where reciprocal rank fusion fell below the better retriever.
    """
    scores: dict[K, float] = {}
    for weight, ranking in lists:
        if not ranking:
            continue
        values = [s for _, s in ranking]
        mean = sum(values) / len(values)
        std = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
        for key, value in ranking:
            scores[key] = scores.get(key, 0.0) + weight * (value - mean) / std
    return scores
