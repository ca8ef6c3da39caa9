"""Damaged cases: each damage is detected when the case is opened, named with its fix, and `repair` rebuilds
the damaged store from the catalog, without the sources (they are moved away during the repair), until
searches answer as before the damage."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from support import session_of, write

from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.indexing.repair import diagnose, repair
from arbiter_desktop.stores.case import Case, CaseDamaged
from arbiter_desktop.stores.catalog import Catalog
from arbiter_desktop.stores.damage import CATALOG, LEXICAL, VECTORS

TEXTS = [
    "Le mis en cause a été placé en garde à vue au commissariat de Besançon.",
    "Saisie de douze barrettes de résine de cannabis dans la cave du suspect.",
    "Réquisition adressée à l'opérateur téléphonique pour la ligne 06 12 34 56 78.",
    "Le témoin a vu le véhicule immatriculé AB-123-CD quitter le parking de la gare.",
    "Perquisition au domicile : découverte d'une balance de précision et de sachets.",
    "Audition de la victime qui dépose plainte pour menaces par messages.",
]
QUERIES = ["garde à vue", "cannabis cave", "véhicule gare", "menaces"]
Results = dict[tuple[str, str], list[tuple[str, str]]]


def _results(case: Case, embedder: HashingEmbedder) -> Results:
    return {
        (mode.value, query): [
            (h.doc_path, h.passage) for h in session_of(case, embedder).search(SearchRequest(query, mode=mode)).hits
        ]
        for mode in (SearchMode.LEXICAL, SearchMode.DENSE)
        for query in QUERIES
    }


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path, Results]:
    """(case folder, source folder, search results) of a case indexed with vectors, then closed."""
    src = tmp_path / "src"
    for i, text in enumerate(TEXTS):
        write(src, f"pv_{i}.txt", text)
    embedder = HashingEmbedder()
    case = Case.open(tmp_path / "case", create=True, settings=Settings(workers=1))
    try:
        session_of(case, embedder).index([src])
        results = _results(case, embedder)
    finally:
        case.close()
    return tmp_path / "case", src, results


def _vector_folder(case_dir: Path) -> Path:
    (folder,) = (case_dir / "vectors").iterdir()
    return folder


def _truncate_int8(case_dir: Path) -> None:
    path = _vector_folder(case_dir) / "int8.bin"
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def _garbage_vector_meta(case_dir: Path) -> None:
    (_vector_folder(case_dir) / "meta.json").write_text('{"rows": 6, "dim": ')


def _more_rows_in_meta(case_dir: Path) -> None:
    meta_path = _vector_folder(case_dir) / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["rows"] += 3  # meta.json no longer matches its files
    meta_path.write_text(json.dumps(meta))


def _delete_a_segment_file(case_dir: Path) -> None:
    (segment,) = [p for p in (case_dir / "lexical").iterdir() if p.suffix == ".idx"][:1]
    segment.unlink()


def _delete_lexical_meta(case_dir: Path) -> None:
    (case_dir / "lexical" / "meta.json").unlink()


def _replace_lexical_by_an_empty_index(case_dir: Path) -> None:
    shutil.rmtree(case_dir / "lexical")
    Case.open(case_dir.parent / "empty", create=True).close()
    shutil.copytree(case_dir.parent / "empty" / "lexical", case_dir / "lexical")


DAMAGES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "truncated vector file": (_truncate_int8, VECTORS, "row files hold"),
    "unreadable vector meta.json": (_garbage_vector_meta, VECTORS, "meta.json cannot be read"),
    "vector meta.json counts more rows than its files": (_more_rows_in_meta, VECTORS, "of the 9 vectors"),
    "missing full-text segment": (_delete_a_segment_file, LEXICAL, "FileDoesNotExist"),
    "missing full-text meta.json": (_delete_lexical_meta, LEXICAL, "meta.json is missing"),
    "empty full-text index in place of the case's": (_replace_lexical_by_an_empty_index, LEXICAL, "holds 0 chunks"),
}


@pytest.mark.parametrize("name", DAMAGES)
def test_damage_is_detected_at_open_and_repaired_from_the_catalog(
    name: str, indexed: tuple[Path, Path, Results]
) -> None:
    case_dir, src, before = indexed
    damage, store, problem = DAMAGES[name]
    damage(case_dir)
    with pytest.raises(CaseDamaged) as caught:
        Case.open(case_dir)
    assert [d.store for d in caught.value.damages] == [store]
    assert problem in str(caught.value)
    assert f"arbiter repair {case_dir}" in str(caught.value) and caught.value.repairable

    away = src.parent / "sources-away"
    src.rename(away)  # the repair must not need the sources
    try:
        report = repair(case_dir, HashingEmbedder())
    finally:
        away.rename(src)
    assert [d.store for d in report.found] == [store]
    assert report.lexical_rebuilt == (store == LEXICAL)
    assert report.left_to_embed == 0
    assert diagnose(case_dir) == []
    with Case.open(case_dir) as case:
        status = session_of(case).status()
        assert status.documents == len(TEXTS) and status.embedded == status.chunks
        assert case.lexical.num_chunks() == status.chunks
        assert _results(case, HashingEmbedder()) == before


def test_vectors_lost_without_the_model_are_left_to_embed(indexed: tuple[Path, Path, Results]) -> None:
    case_dir, _, _ = indexed
    _truncate_int8(case_dir)
    report = repair(case_dir, None)  # no model at hand: keep what is intact, count the rest
    assert report.vector_rows_dropped > 0 and report.left_to_embed == report.vector_rows_dropped
    with Case.open(case_dir) as case:
        status = session_of(case).status()
        assert status.embedded == status.chunks - report.left_to_embed
        assert session_of(case, HashingEmbedder()).search(SearchRequest("cannabis", mode=SearchMode.DENSE)).hits
    again = repair(case_dir, HashingEmbedder())
    assert again.found == [] and again.embedded == report.left_to_embed and again.left_to_embed == 0


def test_a_repair_killed_half_way_is_finished_by_the_next_one(indexed: tuple[Path, Path, Results]) -> None:
    case_dir, _, before = indexed
    _delete_a_segment_file(case_dir)
    # what the repair does first, then a kill: every document marked pending, the index folder emptied
    catalog = Catalog(case_dir / "catalog.sqlite")
    with catalog.transaction():
        catalog.mark_all_pending()
    catalog.close()
    shutil.rmtree(case_dir / "lexical")
    with Case.open(case_dir) as case:  # a consistent (incomplete) case: it opens
        assert case.lexical.num_chunks() == 0 and len(case.catalog.pending_documents()) == len(TEXTS)
    report = repair(case_dir, HashingEmbedder())
    assert report.found == [] and report.documents_sent == len(TEXTS)
    with Case.open(case_dir) as case:
        assert _results(case, HashingEmbedder()) == before


def test_forced_rebuild_of_every_store(indexed: tuple[Path, Path, Results]) -> None:
    case_dir, _, before = indexed
    report = repair(case_dir, HashingEmbedder(), rebuild=("lexical", "vectors"))
    assert report.found == [] and report.lexical_rebuilt
    assert report.embedded == len(TEXTS) and report.vector_stores_dropped
    with Case.open(case_dir) as case:
        assert _results(case, HashingEmbedder()) == before


def test_a_damaged_catalog_is_named_and_cannot_be_rebuilt(indexed: tuple[Path, Path, Results]) -> None:
    case_dir, _, _ = indexed
    catalog = case_dir / "catalog.sqlite"
    data = bytearray(catalog.read_bytes())
    for offset in range(3 * 4096, len(data), 7 * 4096):  # garbage over some pages, the header intact
        data[offset : offset + 4096] = os.urandom(4096)
    catalog.write_bytes(bytes(data))
    assert [d.store for d in diagnose(case_dir)] == [CATALOG]
    with pytest.raises(CaseDamaged) as caught:
        repair(case_dir, HashingEmbedder())
    assert not caught.value.repairable
    assert "restore the case folder from a backup" in str(caught.value)
    catalog.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CaseDamaged, match="file is not a database"):
        Case.open(case_dir)
