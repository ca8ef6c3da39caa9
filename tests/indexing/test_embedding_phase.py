"""Phase 2: chunks are embedded behind the full-text index, kept in step with it, and resumed after a kill."""

from pathlib import Path

import pytest
from support import session_of, write

from arbiter_desktop.config import paths
from arbiter_desktop.config.models import LIGHT_EMBEDDER
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.embedding import pool
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.embedding.gguf import GgufEmbedder
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.vectors import VectorStoreError, open_vector_store

TEXTS = {
    "a.txt": "Le mis en cause a été placé en garde à vue au commissariat.",
    "b.txt": "Saisie de douze barrettes de résine de cannabis dans la cave.",
    "c.txt": "Réquisition adressée à l'opérateur téléphonique pour la ligne du suspect.",
}


def _src(tmp_path: Path) -> Path:
    for name, text in TEXTS.items():
        write(tmp_path / "src", name, text)
    return tmp_path / "src"


def test_every_chunk_is_embedded_and_counted(case: Case, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    report = session_of(case, embedder).index([_src(tmp_path)])
    status = session_of(case).status()
    assert report.embedded == status.chunks == status.embedded == 3
    assert open_vector_store(case.directory, embedder.identity).keys() == case.catalog.chunk_ids()
    again = session_of(case, embedder).index([tmp_path / "src"])
    assert again.embedded == 0


def test_vectors_leave_with_their_documents(case: Case, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    src = _src(tmp_path)
    session_of(case, embedder).index([src])
    (src / "b.txt").unlink()
    session_of(case, embedder).index([src])
    store = open_vector_store(case.directory, embedder.identity)
    assert store.keys() == case.catalog.chunk_ids() and len(store) == 2
    hits = session_of(case, embedder).search(SearchRequest(query="cannabis", mode=SearchMode.DENSE)).hits
    assert all(not h.doc_path.endswith("b.txt") for h in hits)


def test_a_kill_between_the_two_commits_is_repaired(case: Case, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    session_of(case, embedder).index([_src(tmp_path)])
    with case.catalog.transaction():  # vectors saved, catalog not yet marked
        case.catalog.db.execute("UPDATE chunks SET embedded=0")
    report = session_of(case, embedder).index([tmp_path / "src"])
    assert report.embedded == 0  # nothing embedded twice
    assert session_of(case).status().embedded == 3


def test_lexical_only_run_then_semantic_run(case: Case, tmp_path: Path) -> None:
    session_of(case).index([_src(tmp_path)])
    assert session_of(case).status().embedded == 0
    session_of(case, HashingEmbedder()).index([tmp_path / "src"])
    assert session_of(case).status().embedded == 3


def test_changing_the_model_needs_confirmation_and_reembeds_everything(case: Case, tmp_path: Path) -> None:
    first, second = HashingEmbedder(dim=256), HashingEmbedder(dim=128)
    session_of(case, first).index([_src(tmp_path)])
    with pytest.raises(VectorStoreError, match="reembed"):
        session_of(case, second).index([tmp_path / "src"])
    assert open_vector_store(case.directory, first.identity).keys() == case.catalog.chunk_ids()  # untouched
    report = session_of(case, second).index([tmp_path / "src"], reembed=True)
    assert report.embedded == 3
    assert [p.name for p in (case.directory / "vectors").iterdir()] == [second.identity.key]
    hits = session_of(case, second).search(SearchRequest(query="cannabis", mode=SearchMode.DENSE)).hits
    assert hits[0].doc_path.endswith("b.txt")


LIGHT = paths.models_dir() / LIGHT_EMBEDDER


@pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} not provisioned (make setup)")
def test_two_embedding_lanes_store_the_vectors_of_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "WARM_S", 0.01)  # the workers start after one batch, not seconds
    src = tmp_path / "src"
    for i in range(20):  # enough chunks for the worker to load its model and take some
        for name, text in TEXTS.items():
            write(src, f"{i}-{name}", " ".join([text] * 8) + f" Pièce numéro {i}.")  # one chunk of ~150 tokens
    embedder = GgufEmbedder(LIGHT, threads=2)
    queries = embedder.embed_queries(["garde à vue", "stupéfiants saisis", "téléphonie"])
    scores = []
    try:
        for workers in (1, 2):
            settings = Settings(workers=1, extract_timeout_s=60, indexing_cores=2, embed_workers=workers, embed_batch=2)
            case = Case.open(tmp_path / f"case-{workers}", create=True, settings=settings)
            try:
                report = session_of(case, embedder).index([src])
                assert report.embedded == 60 and report.embed_workers_lost == 0
                assert report.embed_lanes == workers
                if workers == 2:  # measured side by side, one kept
                    assert report.embed_layout in ("lanes", "one model") and None not in report.embed_rates
                assert ("rss.embed_workers" in report.profile) == (workers == 2)
                store = open_vector_store(case.directory, embedder.identity)
                ids = sorted(case.catalog.chunk_ids())
                scores.append([store.scores(q, ids) for q in queries])
            finally:
                case.close()
    finally:
        embedder.close()
    assert scores[0] == scores[1]
