import os
from pathlib import Path

import pytest
from support import session_of, write

from arbiter_desktop.chunking.derived import ChunkTerms
from arbiter_desktop.domain import ErrorReason, SearchRequest
from arbiter_desktop.indexing.analysis import analyse_backlog
from arbiter_desktop.stores.analysis import ANALYSIS_VERSION
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.lexical import ChunkRecord


def _search(case: Case, query: str) -> list[str]:
    return [h.doc_path for h in session_of(case).search(SearchRequest(query=query, top=20)).hits]


def test_index_search_and_incremental_update(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    a = write(src, "pv/audition.txt", "Audition du témoin Karim MEZIANE au sujet du véhicule.")
    b = write(src, "rapport.txt", "Rapport de surveillance : le suspect attendait à la gare.")
    report = session_of(case).index([src])
    assert (report.added, report.errors, report.documents) == (2, 0, 2)
    assert _search(case, "meziane") == [str(a)]

    again = session_of(case).index([src])
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)

    b.write_text("Rapport de surveillance : le suspect attendait devant la mairie.", encoding="utf-8")
    os.utime(b, ns=(b.stat().st_atime_ns, b.stat().st_mtime_ns + 1_000_000_000))
    changed = session_of(case).index([src])
    assert (changed.changed, changed.unchanged) == (1, 1)
    assert _search(case, "gare") == []
    assert _search(case, "mairie") == [str(b)]

    a.unlink()
    removed = session_of(case).index([src])
    assert removed.removed == 1
    assert _search(case, "meziane") == []
    status = session_of(case).status()
    assert (status.documents, status.files) == (1, 1)
    assert case.lexical.num_chunks() == status.chunks


def test_identical_content_is_indexed_once_under_every_path(case: Case, tmp_path: Path) -> None:
    text = "Procès-verbal de saisie : 12 barrettes de résine de cannabis."
    first = write(tmp_path / "src", "a/scelle.txt", text)
    second = write(tmp_path / "src", "b/copie.txt", text)
    report = session_of(case).index([tmp_path / "src"])
    assert report.documents == 1 and report.duplicates == 1
    hits = session_of(case).search(SearchRequest(query="barrettes")).hits
    assert len(hits) == 1
    assert {hits[0].doc_path, *hits[0].other_paths} == {str(first), str(second)}
    assert case.lexical.num_chunks() == session_of(case).status().chunks

    second.unlink()
    session_of(case).index([tmp_path / "src"])
    hits = session_of(case).search(SearchRequest(query="barrettes")).hits
    assert [(h.doc_path, h.other_paths) for h in hits] == [(str(first), ())]


def test_sources_are_never_modified(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    files = [write(src, f"doc{i}.txt", f"Document {i} : réquisition à opérateur.") for i in range(3)]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    listing = sorted(os.listdir(src))
    session_of(case).index([src])
    session_of(case).index([src])
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
    assert sorted(os.listdir(src)) == listing


def test_unreadable_formats_are_reported_and_indexing_goes_on(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "photo.txt").parent.mkdir(parents=True)
    (src / "photo.txt").write_bytes(bytes(range(256)) * 40)
    write(src, "pv.txt", "Notification des droits en garde à vue.")
    report = session_of(case).index([src])
    assert report.documents == 1
    assert [(e.path, e.reason) for e in report.failed] == [(str(src / "photo.txt"), ErrorReason.UNSUPPORTED)]
    again = session_of(case).index([src])
    assert again.unchanged == 2 and again.errors == 0 and len(again.failed) == 1


def test_pending_documents_are_resent_without_duplicates(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "a.txt", "Le mis en cause a été placé en garde à vue.")
    session_of(case).index([src])
    document_id = case.catalog.pending_documents() or [1]
    # Simulate a kill between the full-text commit and the catalog's "indexed" mark.
    case.catalog.mark_pending(document_id[0])
    session_of(case).index([src])
    assert case.catalog.pending_documents() == []
    assert case.lexical.num_chunks() == session_of(case).status().chunks == 1


def test_an_unreachable_source_keeps_its_documents(case: Case, tmp_path: Path) -> None:
    """An unplugged drive or a folder that became unreadable is reported, and its files stay in the case."""
    src = tmp_path / "usb"
    write(src, "a/pv.txt", "Procès-verbal d'audition de Karim MEZIANE.")
    write(src, "b/rapport.txt", "Rapport de surveillance à la gare.")
    assert session_of(case).index([src]).documents == 2

    src.rename(tmp_path / "unplugged")
    report = session_of(case).index([src])
    assert (report.removed, report.documents) == (0, 2)
    assert [e.reason for e in report.failed] == [ErrorReason.UNREADABLE]
    assert _search(case, "meziane") == [str(src / "a" / "pv.txt")]

    (tmp_path / "unplugged").rename(src)
    (src / "b" / "rapport.txt").unlink()
    report = session_of(case).index([src])
    assert (report.removed, report.documents, report.failed) == (1, 1, [])


def test_the_index_terms_come_from_the_extraction_workers(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers derive each chunk's entity, OCR and acronym terms: the indexer only writes them (computing
    them again here would fail), and an entity is found under another of its written forms."""
    import arbiter_desktop.stores.lexical as lexical

    def refuse(text: str) -> None:
        raise AssertionError("the indexer computed a chunk's terms that its worker had sent")

    monkeypatch.setattr(lexical, "chunk_terms", refuse)
    src = tmp_path / "src"
    pv = write(src, "pv.txt", "Le JLD a prolongé la GAV. Appel passé au 06 12 34 56 78 depuis la gare.")
    report = session_of(case).index([src])
    assert (report.added, report.errors) == (1, 0)
    assert _search(case, "0612345678") == [str(pv)]
    assert _search(case, "JLD") == [str(pv)]


def _as_older_recognisers_left_it(case: Case, tmp_path: Path) -> Path:
    """A case indexed before dates written in words were recognised (analysis version 2, no date key in the
    full-text index); its PV dated in words."""
    pv = write(tmp_path / "src", "pv.txt", "L'an deux mille vingt-quatre, le vingt-trois novembre, nous entendons.")
    assert session_of(case).index([tmp_path / "src"]).errors == 0
    assert _search(case, "23/11/2024") == [str(pv)]
    catalog, lexical = case.catalog, case.lexical
    document_id = catalog.document_of_path(str(pv))
    assert document_id is not None
    document = catalog.document(document_id)
    assert document is not None
    lexical.delete_document(document.sha256)
    lexical.add_chunks(
        ChunkRecord(
            c.id, document_id, document.sha256, c.text, document.title, [str(pv)], "text", None, ChunkTerms("", "", "")
        )
        for c in catalog.chunks_of(document_id)
    )
    lexical.commit()
    with catalog.transaction():
        catalog.db.execute("UPDATE document_analysis SET version = ?", (ANALYSIS_VERSION - 1,))
        catalog.bump_generation()
    assert _search(case, "23/11/2024") == []
    return pv


def test_documents_analysed_by_older_recognisers_are_searched_with_the_current_ones(case: Case, tmp_path: Path) -> None:
    """A case indexed before dates written in words were recognised: its next indexing run analyses the documents
    again and sends them to the full-text index again, so that "23/11/2024" finds the PV dated in words."""
    pv = _as_older_recognisers_left_it(case, tmp_path)
    report = session_of(case).index([tmp_path / "src"])  # nothing changed on disk
    assert report.errors == 0 and _search(case, "23/11/2024") == [str(pv)]
    assert _search(case, "témoin OR entendons") == [str(pv)]  # once, not twice


def test_a_reanalysis_committed_by_a_killed_run_reaches_the_index_at_the_next_run(case: Case, tmp_path: Path) -> None:
    pv = _as_older_recognisers_left_it(case, tmp_path)

    def killed() -> None:
        raise KeyboardInterrupt  # the run stops between the analysis's commit and the full-text index

    with pytest.raises(KeyboardInterrupt):
        analyse_backlog(case.catalog, killed)
    assert _search(case, "23/11/2024") == []
    report = session_of(case).index([tmp_path / "src"])  # nothing left to analyse: the document is only sent
    assert report.errors == 0 and _search(case, "23/11/2024") == [str(pv)]
