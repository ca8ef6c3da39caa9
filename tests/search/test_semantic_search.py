"""Dense and hybrid retrieval through the engine, with the deterministic test embedder."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from support import session_of, write

from arbiter_desktop.domain import FileKind, SearchMode, SearchRequest
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.search.engine import ModeUnavailable
from arbiter_desktop.search.rerank import RerankerIdentity
from arbiter_desktop.stores.case import Case


@pytest.fixture
def embedded(case: Case, tmp_path: Path) -> tuple[Case, HashingEmbedder]:
    write(tmp_path / "src", "gav.txt", "La prolongation de la garde à vue a été autorisée par le procureur.")
    write(tmp_path / "src", "stup.csv", "date;message\n2024-03-05;ramène les barrettes de shit ce soir\n")
    write(tmp_path / "src", "vehicule.txt", "Le véhicule Peugeot stationnait devant la boulangerie.")
    embedder = HashingEmbedder()
    session_of(case, embedder).index([tmp_path / "src"])
    return case, embedder


def names(case: Case, embedder: HashingEmbedder, query: str, mode: SearchMode, **kw: object) -> list[str]:
    result = session_of(case, embedder).search(SearchRequest(query=query, mode=mode, **kw))  # type: ignore[arg-type]
    return [Path(h.doc_path).name for h in result.hits]


def test_dense_finds_by_similarity_without_an_exact_word(embedded: tuple[Case, HashingEmbedder]) -> None:
    case, embedder = embedded
    # "prolongations" and "gardes" are not in the text; their trigrams are
    assert names(case, embedder, "prolongations gardes", SearchMode.DENSE)[0] == "gav.txt"


def test_hybrid_carries_every_component_score(embedded: tuple[Case, HashingEmbedder]) -> None:
    case, embedder = embedded
    result = session_of(case, embedder).search(SearchRequest(query="barrettes", mode=SearchMode.HYBRID))
    top = result.hits[0]
    assert top.doc_path.endswith("stup.csv")
    assert top.scores.bm25 is not None and top.scores.dense is not None and top.scores.fused == top.score
    assert result.coverage.embedded == result.coverage.chunks == 3


def test_filters_apply_to_semantic_hits(embedded: tuple[Case, HashingEmbedder]) -> None:
    case, embedder = embedded
    found = names(case, embedder, "barrettes", SearchMode.DENSE, kinds=(FileKind.TEXT,))
    assert found and "stup.csv" not in found


def test_dense_without_a_model_says_what_to_do(embedded: tuple[Case, HashingEmbedder]) -> None:
    case, _ = embedded
    with pytest.raises(ModeUnavailable, match="embedding model"):
        session_of(case).search(SearchRequest(query="gare", mode=SearchMode.DENSE))


def test_the_sentence_closest_in_meaning_is_marked(case: Case, tmp_path: Path) -> None:
    text = (
        "Le rapport commence par le contexte de l'enquête. "
        "Les policiers ont saisi des barrettes de résine de cannabis dans la cave. "
        "La suite décrit la perquisition de l'appartement."
    )
    write(tmp_path / "src", "rapport.txt", text)
    embedder = HashingEmbedder()
    session_of(case, embedder).index([tmp_path / "src"])
    for mode in (SearchMode.DENSE, SearchMode.HYBRID):
        hit = session_of(case, embedder).search(SearchRequest(query="barrettes de cannabis saisies", mode=mode)).hits[0]
        assert hit.semantic_highlight is not None
        start, end = hit.semantic_highlight
        assert hit.passage[start:end].startswith("Les policiers ont saisi")
    lexical = session_of(case, embedder).search(SearchRequest(query="barrettes", mode=SearchMode.LEXICAL)).hits[0]
    assert lexical.semantic_highlight is None
    second = session_of(case, embedder).search(
        SearchRequest(query="barrettes de cannabis saisies", mode=SearchMode.DENSE)
    )
    assert all(h.semantic_highlight is None for h in second.hits[1:])  # only the top hit by default


class MarkerEmbedder(HashingEmbedder):
    """Texts holding "hosto" (and queries holding "qzx") point one way, every other text the other way."""

    def __init__(self) -> None:
        super().__init__(dim=2)

    def _one(self, text: str) -> npt.NDArray[np.float32]:
        near = "hosto" in text or "qzx" in text
        return np.array([1.0, 0.0] if near else [0.0, 1.0], dtype=np.float32)


def test_a_hit_by_meaning_alone_shows_its_closest_rows_not_the_header(case: Case, tmp_path: Path) -> None:
    rows = [
        f"0{day % 9 + 1}/03/2024;10:{day:02d};0600001234;0700005678;ok on se voit au hall {day}" for day in range(30)
    ]
    rows[21] = "22/03/2024;22:10;0600001234;0600004321;si t'as pas la thune samedi jte jure tu finis a l'hosto"
    write(tmp_path / "src", "extraction_sms.csv", "date;heure;de;à;message\n" + "\n".join(rows) + "\n")
    embedder = MarkerEmbedder()
    session_of(case, embedder).index([tmp_path / "src"])
    hit = session_of(case, embedder).search(SearchRequest(query="qzx", mode=SearchMode.DENSE)).hits[0]
    assert not hit.highlights  # no word of the query is in the document
    assert not hit.passage.startswith("date ; heure")  # the header line (rows carry their headers: "date : …")
    assert hit.semantic_highlight is not None
    start, end = hit.semantic_highlight
    assert "tu finis a l'hosto" in hit.passage[start:end]


class ScriptedReranker:
    """A reranker whose scores are known: the number of times "cave" appears, minus the passage length / 1e4."""

    identity = RerankerIdentity("scripted", "cross-encoder", "0" * 64, "")

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        self.calls.append((query, len(passages)))
        return [p.count("cave") - len(p) / 1e4 for p in passages]

    def close(self) -> None:
        pass


def test_full_mode_orders_the_head_by_the_reranker(embedded: tuple[Case, HashingEmbedder], tmp_path: Path) -> None:
    case, embedder = embedded
    write(tmp_path / "src", "cave.txt", "Perquisition de la cave : rien dans la cave, la cave est vide.")
    session_of(case, embedder).index([tmp_path / "src"])
    reranker = ScriptedReranker()
    result = session_of(case, embedder, reranker).search(
        SearchRequest(query="perquisition barrettes", mode=SearchMode.FULL)
    )
    assert reranker.calls and reranker.calls[0][0] == "perquisition barrettes"
    scores = [h.scores.rerank for h in result.hits]
    assert all(s is not None for s in scores) and scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert result.hits[0].doc_path.endswith("cave.txt") and result.reranker == "scripted"
    assert result.hits[0].score == result.hits[0].scores.rerank


def test_full_mode_without_a_reranker_says_so(
    embedded: tuple[Case, HashingEmbedder], monkeypatch: pytest.MonkeyPatch
) -> None:
    case, embedder = embedded
    monkeypatch.setattr("arbiter_desktop.search.engine.shipped_ranker", lambda: None)  # no learned ranker either
    result = session_of(case, embedder).search(SearchRequest(query="barrettes", mode=SearchMode.FULL))
    assert result.reranker is None and "no reranker installed" in result.notes[0]
    hybrid = session_of(case, embedder).search(SearchRequest(query="barrettes", mode=SearchMode.HYBRID))
    assert [h.chunk_id for h in result.hits] == [h.chunk_id for h in hybrid.hits]


def test_full_mode_names_the_shipped_learned_ranker(embedded: tuple[Case, HashingEmbedder]) -> None:
    case, embedder = embedded
    result = session_of(case, embedder).search(SearchRequest(query="barrettes", mode=SearchMode.FULL))
    assert result.reranker is not None and result.reranker.startswith("arbiter linear ranker")
    assert not result.notes and all(h.scores.rerank is not None for h in result.hits)
