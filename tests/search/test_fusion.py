import pytest

from arbiter_desktop.search.fusion import reciprocal_rank_fusion, zscore_fusion


def test_rrf_known_values() -> None:
    scores = reciprocal_rank_fusion([(1.0, ["a", "b"]), (2.0, ["b", "c"])], k=60)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["b"] == pytest.approx(1 / 62 + 2 / 61)
    assert scores["c"] == pytest.approx(2 / 62)
    assert max(scores, key=scores.__getitem__) == "b"


def test_zscore_fusion_puts_both_retrievers_on_one_scale() -> None:
    lexical = [("a", 10.0), ("b", 9.0), ("c", 1.0)]  # BM25: unbounded scores
    dense = [("b", 0.9), ("d", 0.89), ("a", 0.1)]  # cosines
    scores = zscore_fusion([(1.0, lexical), (1.0, dense)])
    # high in both first; then found by both before found by one
    assert sorted(scores, key=lambda k: -scores[k]) == ["b", "a", "d", "c"]
    single = zscore_fusion([(1.0, [("x", 3.0), ("y", 1.0)])])
    assert single == {"x": pytest.approx(1.0), "y": pytest.approx(-1.0)}
    assert zscore_fusion([(1.0, [("z", 2.0)])]) == {"z": 0.0}


def test_a_candidate_missing_from_a_list_ranks_below_its_members() -> None:
    # two documents hold the plate (full text); the semantic side likes others better
    lexical = [("plate1", 12.0), ("plate2", 8.0)] + [(f"word{i}", 1.0) for i in range(6)]
    dense = [(f"other{i}", 0.66 - i * 0.01) for i in range(20)] + [("plate1", 0.60), ("plate2", 0.55)]
    scores = zscore_fusion([(1.0, lexical), (1.0, dense)])
    ranked = sorted(scores, key=lambda k: -scores[k])
    assert ranked[:2] == ["plate1", "plate2"]  # with the list's average for the others: plate1, other0
