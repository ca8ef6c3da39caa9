"""The learned second stage: its file, its scoring, and the full mode that uses it."""

import json
from pathlib import Path

import numpy as np
import pytest
from support import session_of, write

from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.search.engine import SearchEngine
from arbiter_desktop.search.expansion import default_lexicon
from arbiter_desktop.search.ranker import FEATURES, LearnedRanker, RankerError, shipped_ranker
from arbiter_desktop.stores.case import Case


def ranker_file(path: Path, weights: dict[str, float]) -> Path:
    n = len(FEATURES)
    data = {
        "name": "test-ranker",
        "trained_on": ["nothing"],
        "features": list(FEATURES),
        "weights": [weights.get(f, 0.0) for f in FEATURES],
        "mean": [0.0] * n,
        "std": [1.0] * n,
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_ranker_file_is_read_scored_and_written_back(tmp_path: Path) -> None:
    ranker = LearnedRanker.load(ranker_file(tmp_path / "r.json", {"coverage": 2.0, "dense_z": 1.0}))
    rows = np.zeros((2, len(FEATURES)))
    rows[0, FEATURES.index("coverage")] = 1.0
    rows[1, FEATURES.index("dense_z")] = 1.5
    assert list(ranker.score(rows)) == pytest.approx([2.0, 1.5])
    again = tmp_path / "again.json"
    again.write_text(ranker.to_json(), encoding="utf-8")
    assert LearnedRanker.load(again).weights.tolist() == ranker.weights.tolist()


def test_a_ranker_of_other_features_or_a_damaged_file_is_refused(tmp_path: Path) -> None:
    path = ranker_file(tmp_path / "r.json", {})
    data = json.loads(path.read_text())
    data["features"] = data["features"][:-1]
    path.write_text(json.dumps(data))
    with pytest.raises(RankerError, match="other features"):
        LearnedRanker.load(path)
    path.write_text("{not json")
    with pytest.raises(RankerError, match="not a ranker file"):
        LearnedRanker.load(path)
    assert shipped_ranker(tmp_path / "absent") is None


def test_the_shipped_ranker_is_read() -> None:
    ranker = shipped_ranker()
    assert ranker is not None and ranker.features == FEATURES and np.abs(ranker.weights).sum() > 0


def test_the_full_mode_reorders_the_head_by_the_learned_ranker(case: Case, tmp_path: Path) -> None:
    write(tmp_path / "src", "a.txt", "Le conducteur a pris la fuite au volant d'une voiture grise.")
    write(
        tmp_path / "src", "b.txt", "La voiture grise du conducteur était garée devant la gare, le conducteur dormait."
    )
    write(tmp_path / "src", "c.txt", "Rapport sans rapport avec la question posée.")
    embedder = HashingEmbedder()
    session_of(case, embedder).index([tmp_path / "src"])
    engine = SearchEngine(case, embedder, default_lexicon())
    request = SearchRequest("conducteur voiture grise", mode=SearchMode.FULL)
    # a ranker that prefers the passages holding fewer of the query's words: the order must turn over
    engine.learned = LearnedRanker.load(ranker_file(tmp_path / "r.json", {"coverage": -5.0, "lex_z": -1.0}))
    full = engine.search(request)
    hybrid = engine.search(SearchRequest("conducteur voiture grise", mode=SearchMode.HYBRID))
    assert full.reranker == "test-ranker" and not full.notes
    assert [Path(h.doc_path).name for h in full.hits] != [Path(h.doc_path).name for h in hybrid.hits]
    assert all(h.scores.rerank is not None for h in full.hits)
    assert Path(full.hits[-1].doc_path).name != "c.txt" or len(full.hits) == 1
