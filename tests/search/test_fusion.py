import pytest

from arbiter_desktop.search.fusion import reciprocal_rank_fusion


def test_rrf_known_values() -> None:
    scores = reciprocal_rank_fusion([(1.0, ["a", "b"]), (2.0, ["b", "c"])], k=60)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["b"] == pytest.approx(1 / 62 + 2 / 61)
    assert scores["c"] == pytest.approx(2 / 62)
    assert max(scores, key=scores.__getitem__) == "b"
