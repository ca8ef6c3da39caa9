"""Result sets and export contexts built by hand: the writers are tested without a case or a model."""

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

import pytest

from arbiter_desktop.domain import Coverage, Hit, Scores, SearchMode
from arbiter_desktop.export.resultset import ExportContext, ExportHit, ModelInfo, ResultSet
from arbiter_desktop.stores.tags import TaggedHit

PARIS_SUMMER = timezone(timedelta(hours=2), "CEST")

MakeHit = Callable[..., ExportHit]
MakeResults = Callable[..., ResultSet]


@pytest.fixture
def context() -> ExportContext:
    return ExportContext(
        case_name="Affaire GOURDON",
        case_dir="/dossiers/affaire-gourdon",
        operator="Lt Élodie Martin",
        user="emartin",
        created=datetime(2024, 3, 14, 16, 5, 9, tzinfo=PARIS_SUMMER),
        app_version="0.1.0",
        generation=7,
        documents=15,
        audit_head=(41, "ab" * 32),
    )


@pytest.fixture
def make_hit() -> MakeHit:
    """An export's hit; ``query``, ``mode``, ``origin_rank``, ``tagged`` and ``tagged_by`` make it a tag's."""

    def make(
        rank: int = 1, passage: str = "Le mis en cause a été placé en garde à vue à 14h30.", **changes: object
    ) -> ExportHit:
        start = passage.find("garde à vue")
        origin = {k: changes.pop(k) for k in ("query", "mode", "origin_rank", "tagged", "tagged_by") if k in changes}
        in_index = bool(changes.pop("in_index", True))
        fields: dict[str, object] = {
            "rank": int(origin.get("origin_rank", rank)),  # type: ignore[call-overload]
            "doc_path": f"/dossiers/affaire-gourdon/procédure/pv_{rank:02d}.txt",
            "other_paths": (),
            "sha256": f"{rank:02d}" * 32,
            "title": "",
            "page": 3,
            "chunk_id": rank,
            "document_id": rank,
            "score": 1.5,
            "passage": passage,
            "passage_start": 0,
            "highlights": ((start, start + len("garde à vue")),) if start >= 0 else (),
            "scores": Scores(bm25=5.25, dense=0.8125, fused=1.5, rerank=None),
            "matched_terms": ("garde à vue",),
            "expansions": ("GAV → garde à vue",),
        }
        fields.update(changes)
        hit = Hit(**fields)  # type: ignore[arg-type]
        tagged = None
        if origin:
            tagged = TaggedHit(
                id=1,
                tag="à vérifier",
                hit=hit,
                query=str(origin.get("query", "")),
                mode=origin.get("mode", SearchMode.LEXICAL),  # type: ignore[arg-type]
                tagged_at=str(origin.get("tagged", "")),
                operator=str(origin.get("tagged_by", "")),
            )
        return ExportHit(rank, hit, tagged, in_index)

    return make


@pytest.fixture
def make_results() -> MakeResults:
    def make(hits: Sequence[ExportHit], query: str = "GAV prolongée", **changes: object) -> ResultSet:
        fields: dict[str, object] = {
            "query": query,
            "tag": "",
            "mode": SearchMode.HYBRID,
            "expansions": ("GAV → garde à vue, gardé à vue",),
            "filters": (("top", "10"), ("kinds", "pdf, text")),
            "coverage": Coverage(chunks=200, embedded=150),
            "models": (ModelInfo("embedder", "embeddinggemma-300m-q8_0", "e" * 64),),
            "hits": tuple(hits),
        }
        fields.update(changes)
        return ResultSet(**fields)  # type: ignore[arg-type]

    return make
