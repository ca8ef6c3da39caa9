"""Quality floors on the shared dev sets, through the real pipeline (`arbiter eval`).

The floors are the figures reached when they were set, rounded down: a change that makes retrieval worse
fails here. piaf_v1.1 must stay at or above the plain BM25 reference (Recall@5 0.861, nDCG@10 0.800). The hybrid
and full figures use the default embedding model, EmbeddingGemma (skipped where it is not provisioned), through
the evaluation cache (a first run embeds the two police sets: a few minutes on two cores).
"""

from pathlib import Path

import pytest
from support import EVALDATA

from arbiter_desktop import app
from arbiter_desktop.config import paths
from arbiter_desktop.config.models import DEFAULT_EMBEDDER
from arbiter_desktop.domain import SearchMode
from arbiter_desktop.embedding.gguf import GgufEmbedder
from arbiter_desktop.evaluation import beir
from arbiter_desktop.evaluation.embedding_cache import CachedEmbedder
from arbiter_desktop.evaluation.runner import EvalReport, evaluate, evaluate_modes
from arbiter_desktop.session import CaseSession, ModelLoaders

pytestmark = pytest.mark.slow

GEMMA = paths.models_dir() / DEFAULT_EMBEDDER


def _dataset(name: str) -> Path:
    path = EVALDATA / name
    if not (path / "corpus.jsonl").exists():
        pytest.skip(f"{path} not present (the dev sets live in ../shared/evaldata)")
    return path


def _full_text(directory: Path) -> CaseSession:
    """The evaluation's case, opened as `arbiter eval --mode lexical` opens it."""
    return app.open_session(directory, create=True, overrides={"semantic": False})


def test_piaf_lexical_matches_the_bm25_reference() -> None:
    report = evaluate(beir.load(_dataset("piaf_v1.1")), SearchMode.LEXICAL, _full_text)
    summary = report.summary()
    assert summary["queries"] == 7569
    assert summary["recall@5"] >= 0.861
    assert summary["ndcg@10"] >= 0.800


def test_police_dev_lexical_floor_and_the_gain_of_expansion() -> None:
    dataset = beir.load(_dataset("police_dev"))
    report = evaluate(dataset, SearchMode.LEXICAL, _full_text)
    summary = report.summary()
    assert summary["queries"] == 50
    assert summary["recall@5"] >= 0.80  # 0.813 when set (0.787 before the everyday synonyms and the
    # feminine/plural lookup); 0.643 without expansion
    by_category = report.by_category()
    assert by_category["ent"]["recall@5"] == 1.0  # exact entities in any spacing
    assert by_category["abbr"]["recall@5"] >= 0.95  # 1.0 when set; 0.35 without expansion
    assert by_category["impl"]["recall@5"] >= 0.2  # 0.233 when set (0.15 before); these need the dense side
    plain = evaluate(dataset, SearchMode.LEXICAL, _full_text, expand=False).summary()
    assert summary["ndcg@10"] >= plain["ndcg@10"] + 0.12  # 0.679 vs 0.540 when set


def test_police_marseille_lexical_floor_and_the_ocr_field() -> None:
    report = evaluate(beir.load(_dataset("police_marseille")), SearchMode.LEXICAL, _full_text)
    summary = report.summary()
    assert summary["queries"] == 60
    assert summary["recall@5"] >= 0.78  # 0.789 when set (0.669 before the OCR field, 0.769 before the readings)
    by_category = report.by_category()
    assert by_category["ent"]["recall@5"] == 1.0
    assert by_category["ocr"]["recall@5"] >= 0.85  # 0.875 when set; 0.25 without the OCR-folded field, 0.688
    # without the readings of badly recognised documents
    assert by_category["num"]["recall@5"] == 1.0  # 0.938 before the dates written in words ("L'an deux mille …")


def _semantic(name: str) -> tuple[EvalReport, EvalReport]:
    if not GEMMA.exists():
        pytest.skip(f"{GEMMA} not provisioned (make setup)")
    embedder = CachedEmbedder(GgufEmbedder(GEMMA, threads=2))
    loaders = ModelLoaders(lambda _settings: embedder, lambda _settings: None, lambda _settings: GEMMA)

    def open_session(directory: Path) -> CaseSession:
        overrides = {"semantic": True, "semantic_highlights": 0}
        return app.open_session(directory, create=True, overrides=overrides, loaders=loaders)

    try:
        hybrid, full = evaluate_modes(beir.load(_dataset(name)), [SearchMode.HYBRID, SearchMode.FULL], open_session)
    finally:
        embedder.close()
    return hybrid, full


def _floors(report: EvalReport, total: float, categories: dict[str, float]) -> None:
    assert report.summary()["recall@5"] >= total
    by_category = report.by_category()
    for category, floor in categories.items():
        assert by_category[category]["recall@5"] >= floor, (category, by_category[category])


def test_police_dev_hybrid_and_full_floors() -> None:
    hybrid, full = _semantic("police_dev")
    _floors(hybrid, 0.87, {"abbr": 0.95, "ent": 1.0, "fact": 0.95, "impl": 0.5, "para": 0.9})
    _floors(full, 0.90, {"abbr": 0.95, "ent": 1.0, "fact": 0.95, "impl": 0.6, "para": 0.9})


def test_police_marseille_hybrid_and_full_floors() -> None:
    hybrid, full = _semantic("police_marseille")
    # num: 0.896 before dates in words; ocr: 0.812 before the readings of badly recognised documents, 1.0 after
    categories = {"abbr": 0.95, "ent": 1.0, "fact": 0.95, "ocr": 0.95, "num": 0.95}
    _floors(hybrid, 0.92, {**categories, "impl": 0.65, "para": 0.9})  # 0.939 when set
    _floors(full, 0.94, {**categories, "impl": 0.75, "para": 0.85})  # 0.961 when set
