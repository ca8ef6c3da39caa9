import math

import pytest

from arbiter_desktop.evaluation.metrics import distinct, mrr_at, ndcg_at, percentile, recall_at


def test_known_answers() -> None:
    ranked = ["d3", "d1", "d9", "d2"]
    relevant = {"d1": 2, "d2": 1}
    assert recall_at(ranked, relevant, 2) == 0.5
    assert recall_at(ranked, relevant, 5) == 1.0
    assert mrr_at(ranked, relevant, 10) == 0.5
    dcg = 2 / math.log2(3) + 1 / math.log2(5)
    idcg = 2 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at(ranked, relevant, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at(["d1", "d2"], relevant, 10) == pytest.approx(1.0)
    assert mrr_at(["x"], relevant, 10) == 0.0


def test_distinct_and_percentile() -> None:
    assert distinct(["a", "b", "a", "c", "b"]) == ["a", "b", "c"]
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([10.0], 95) == 10.0
    assert percentile([], 50) == 0.0
