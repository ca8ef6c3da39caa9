"""Phase 1d: a badly recognised document is searched and embedded as the case spells its words, and shown as it
was recognised."""

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from support import session_of, write

from arbiter_desktop.domain import SearchRequest
from arbiter_desktop.embedding.base import HashingEmbedder, Vectors
from arbiter_desktop.indexing.readings import ReadingPhase
from arbiter_desktop.stores import analysis
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.lexical import ChunkRecord
from arbiter_desktop.stores.vectors import open_vector_store

CLEAN = {
    "plainte.txt": "La professeure dépose plainte : un groupe Snapchat de la classe publie des images d'elle. "
    "Le groupe Snapchat compte presque toute la classe. Une élève a prévenu la conseillère principale.",
    "rapport.txt": "Rapport : le groupe Snapchat a été créé début octobre. L'élève entendue a prévenu la conseillère "
    "principale d'éducation. Madame la professeure a reçu des menaces. La professeure a peur.",
    "requisition.txt": "Réquisition à Snap Inc. : contenu du groupe Snapchat et identité de l'élève administrateur. "
    "Madame la conseillère principale a transmis les captures.",
}
SCAN = (
    "PROCES-VERBAL D'AUDITI0N DE TEMOIN MINEUR\n"
    "Entendons Lina, elcve de 4e3, qui declare : Dans la classe on a un gronpe Snapcbat. Debut octobrc, Timeo a "
    "voulu se venger de la profcsseure. Le 8 octobrc je suis allee voir la conseillcre prlnclpale et je lui ai "
    "tout montre. Timeo a ecrit dans le gr0upe que quelqu'un avait balance."
)


class Recording(HashingEmbedder):
    """Keeps the texts it was given to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        self.read += list(texts)
        return super().embed_documents(texts, titles)


def _paths(case: Case, query: str) -> list[str]:
    return [h.doc_path for h in session_of(case).search(SearchRequest(query=query, top=20)).hits]


def test_a_badly_scanned_statement_is_searched_and_embedded_as_the_case_spells_it(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    clean = [write(src, name, text) for name, text in CLEAN.items()]
    scan = write(src, "scan_pv8.txt", SCAN)
    before = hashlib.sha256(scan.read_bytes()).hexdigest()
    embedder = Recording()
    report = session_of(case, embedder).index([src])
    assert report.errors == 0 and report.readings.read == 1  # the scan only: the clean documents keep their words

    assert str(scan) in _paths(case, '"groupe Snapchat"')  # a phrase, across two damaged words
    assert str(scan) in _paths(case, '"conseillère principale"')
    assert any("un groupe Snapchat. Debut" in text for text in embedder.read)  # what the model read
    assert not any("gronpe" in text for text in embedder.read)

    hits = session_of(case).search(SearchRequest(query="groupe Snapchat", top=20)).hits
    shown = next(h for h in hits if h.doc_path == str(scan))
    assert "un gronpe Snapcbat" in shown.passage  # shown and cited as recognised...
    marked = {shown.passage[a:b] for a, b in shown.highlights}
    assert {"gronpe", "Snapcbat"} <= marked  # ... with the words the reading matched marked
    assert hashlib.sha256(scan.read_bytes()).hexdigest() == before  # the source is never touched
    clean_ids = [case.catalog.document_of_path(str(p)) for p in clean]
    assert analysis.readings(case.catalog, [i for i in clean_ids if i is not None]) == {}

    again = session_of(case, embedder).index([src])  # nothing new: nothing read again, nothing embedded again
    assert (again.readings.judged, again.readings.read, again.embedded) == (0, 0, 0)


def test_a_scan_indexed_before_its_case_is_read_again_once_the_case_can_spell_it(case: Case, tmp_path: Path) -> None:
    first, later = tmp_path / "first", tmp_path / "later"
    scan = write(first, "scan_pv8.txt", SCAN)
    embedder = Recording()
    report = session_of(case, embedder).index([first])
    assert report.readings.read == 0 and str(scan) not in _paths(case, '"groupe Snapchat"')  # nothing to read by
    store = open_vector_store(case.directory, embedder.identity)
    assert store.keys() == case.catalog.chunk_ids()

    for name, text in CLEAN.items():
        write(later, name, text)
    embedder.read.clear()
    report = session_of(case, embedder).index([first, later])
    assert report.readings.read == 1 and report.errors == 0
    assert str(scan) in _paths(case, '"groupe Snapchat"')
    assert any("un groupe Snapchat" in text for text in embedder.read)  # its vectors replaced by its reading's
    assert open_vector_store(case.directory, embedder.identity).keys() == case.catalog.chunk_ids()
    document_id = case.catalog.document_of_path(str(scan))
    assert document_id is not None and analysis.readings(case.catalog, [document_id])[document_id]["gronpe"] == "groupe"


def _indexed_before_readings(case: Case, tmp_path: Path) -> tuple[Path, Path]:
    """(source folder, scan) of a case as a version without readings left it."""
    src = tmp_path / "src"
    for name, text in CLEAN.items():
        write(src, name, text)
    scan = write(src, "scan_pv8.txt", SCAN)
    session_of(case).index([src])
    catalog, lexical = case.catalog, case.lexical
    document_id = catalog.document_of_path(str(scan))
    document = catalog.document(document_id) if document_id is not None else None
    assert document is not None
    lexical.delete_document(document.sha256)
    lexical.add_chunks(
        ChunkRecord(c.id, document.id, document.sha256, c.text, document.title, [str(scan)], "text", None)
        for c in catalog.chunks_of(document.id)
    )
    lexical.commit()
    with catalog.transaction():
        catalog.db.execute("DELETE FROM document_readings")
        catalog.db.execute("DELETE FROM words")
        catalog.bump_generation()
    assert str(scan) not in _paths(case, '"groupe Snapchat"')
    return src, scan


def test_a_case_indexed_before_readings_reads_its_scans_at_its_next_run(case: Case, tmp_path: Path) -> None:
    src, scan = _indexed_before_readings(case, tmp_path)
    report = session_of(case).index([src])  # nothing changed on disk
    assert (report.readings.counted, report.readings.read, report.errors) == (4, 1, 0)
    assert str(scan) in _paths(case, '"groupe Snapchat"')
    assert _paths(case, "gronpe OR Timeo").count(str(scan)) == 1  # once, not twice


def test_a_reading_committed_by_a_killed_run_reaches_the_index_at_the_next_run(case: Case, tmp_path: Path) -> None:
    src, scan = _indexed_before_readings(case, tmp_path)

    def killed() -> None:
        raise KeyboardInterrupt  # the run stops between the reading's commit and the full-text index

    with pytest.raises(KeyboardInterrupt):
        ReadingPhase(case, checkpoint=lambda: False, flush=killed).run()
    assert str(scan) not in _paths(case, '"groupe Snapchat"')
    report = session_of(case).index([src])
    assert report.errors == 0 and report.readings.judged == 0  # judged before the kill: only sent now
    assert str(scan) in _paths(case, '"groupe Snapchat"')
