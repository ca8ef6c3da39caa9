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
