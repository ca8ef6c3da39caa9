"""Phase 1b: scanned pages and photos become searchable, page-exact, with their OCR provenance; the OCR cache makes
a second run, a moved file or the same scan twice recognise nothing; a cancelled run resumes where it stopped;
a scan without text, a decompression bomb and OCR switched off are each reported as such."""

from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from scans import render_page, scanned_pdf, typed_and_scanned_pdf
from support import driver_command, new_case, python_env, session_of, write

from arbiter_desktop import app
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import ErrorReason, FileKind, SearchRequest
from arbiter_desktop.indexing.job import JobControl, Progress
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.ocr_cache import CACHE_FILE, OcrCache

TYPED = (
    "Procès-verbal de constatations. Le douze mars, nous, officier de police judiciaire, constatons que la vitrine "
    "de la bijouterie est brisée."
)


def _case(tmp_path: Path, **changes: Any) -> Case:
    """The test's case folder opened with the fixture's settings and ``changes`` (settings are fixed while a case
    is open: a test that changes them opens the case again)."""
    settings = Settings(workers=1, extract_timeout_s=60).replace(**changes)
    return Case.open(tmp_path / "case", create=True, settings=settings)


def _hits(case: Case, query: str) -> list[tuple[str, int, float | None]]:
    result = session_of(case).search(SearchRequest(query=query, top=10), audit=False)
    return [(Path(h.doc_path).name, h.page, h.ocr_confidence) for h in result.hits]


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    scanned_pdf(
        src / "pv_scanne.pdf",
        [render_page(["Audition de Mme Hélène DURAND, témoin."]), render_page(["Elle a vu la moto KAWASAKI verte."])],
    )
    typed_and_scanned_pdf(src / "mixte.pdf", TYPED, render_page(["Scellé numéro quatre : un téléphone SAMSUNG."]))
    photo = render_page(["Plainte de M. Gérard PICHON pour vol."], width=1000).rotate(90, expand=True)
    photo.convert("RGB").save(src / "photo_plainte.jpg", "JPEG", quality=90)
    write(src, "note.txt", "Note de service sans rapport.")
    return src


def test_scans_and_photos_become_searchable_page_exact(case: Case, sources: Path) -> None:
    phases: list[Progress] = []
    report = session_of(case).index([sources], on_progress=phases.append)
    assert report.failed == []
    assert report.ocr.pages == 4 and report.ocr.documents == 3 and report.ocr.awaiting_pages == 0
    assert _hits(case, "DURAND") == [("pv_scanne.pdf", 1, pytest.approx(90, abs=10))]
    assert _hits(case, "KAWASAKI") == [("pv_scanne.pdf", 2, pytest.approx(90, abs=10))]
    assert _hits(case, "SAMSUNG") == [("mixte.pdf", 2, pytest.approx(90, abs=10))]  # the scanned page
    assert _hits(case, "bijouterie") == [("mixte.pdf", 1, None)]  # the typed page: text of the file
    assert [h[0] for h in _hits(case, "PICHON")] == ["photo_plainte.jpg"]  # a photo taken sideways
    ocr = [p for p in phases if p.phase == "ocr"]
    assert ocr[-1].done == ocr[-1].total == 4
    assert any(p.eta_s is not None for p in ocr[:-1])
    text_done = max(i for i, p in enumerate(phases) if p.phase == "text")
    assert text_done < phases.index(ocr[0])  # the typed text first, then OCR

    document = case.catalog.document_id_for(_sha(case, "mixte.pdf"))
    assert document is not None
    page = case.catalog.ocr_page(document, 2)
    assert page is not None and page.rotation == 0 and page.failure == ""
    row = case.catalog.document(document)
    assert row is not None
    span = row.pages[1]
    words = [row.text[span.start + w.start : span.start + w.end] for w in page.words]
    assert "SAMSUNG." in words or "SAMSUNG" in words
    assert case.lexical.num_chunks() == session_of(case).status().chunks

    again = session_of(case).index([sources])  # nothing changed: no page recognised again
    assert (again.ocr.pages, again.ocr.cached, again.unchanged) == (0, 0, 4)


def test_replaced_chunks_leave_the_full_text_index_and_the_vectors(tmp_path: Path, sources: Path) -> None:
    """mixte.pdf had a chunk of typed text before OCR: its chunks are replaced (same document), the old one leaves
    both stores, and every new chunk gets a vector."""
    from arbiter_desktop.embedding.base import HashingEmbedder
    from arbiter_desktop.stores.vectors import open_vector_store

    embedder = HashingEmbedder()
    with _case(tmp_path, ocr=False) as case:
        session_of(case, embedder).index([sources])
        document = case.catalog.document_id_for(_sha(case, "mixte.pdf"))
        assert document is not None
        before = set(case.catalog.chunk_ids_of(document))
        assert before
    with _case(tmp_path) as case:
        report = session_of(case, embedder).index([sources])
        assert report.ocr.pages == 4
        assert case.catalog.document_id_for(_sha(case, "mixte.pdf")) == document  # the same document
        after = set(case.catalog.chunk_ids_of(document))
        assert after and not after & before
        vectors = open_vector_store(case.directory, embedder.identity)
        assert vectors.keys() == case.catalog.chunk_ids()
        case.lexical.reload()
        indexed = {c for _, c, _ in case.lexical.search(case.lexical.everything(), limit=1000)}
        assert indexed == case.catalog.chunk_ids()


def test_a_mixed_pdf_stays_searchable_at_every_commit_while_its_text_is_replaced(
    tmp_path: Path, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After every commit of the OCR phase (catalog or full-text index), a reader opened on the case finds the
    typed page of mixte.pdf with its own passage, the full-text index holds what the catalog allows, and the
    vectors on disk only name chunks the catalog records: the old chunk leaves the vectors with the replacement,
    before the embedding phase."""
    from contextlib import contextmanager

    from arbiter_desktop.embedding.base import HashingEmbedder
    from arbiter_desktop.stores.case import check_lexical_count
    from arbiter_desktop.stores.vectors import open_vector_store

    embedder = HashingEmbedder()
    with _case(tmp_path, ocr=False) as case:
        session_of(case, embedder).index([sources])
    with _case(tmp_path) as case, Case.open(case.directory, settings=case.settings) as reader:
        document = case.catalog.document_id_for(_sha(case, "mixte.pdf"))
        old = set(case.catalog.chunk_ids_of(document or 0))
        checks: list[str] = []
        phase = {"ocr": False}

        def look(after: str) -> None:
            if not phase["ocr"]:
                return
            result = session_of(reader).search(SearchRequest(query="bijouterie", top=10), audit=False)
            found = [(Path(h.doc_path).name, h.page, "bijouterie" in h.passage) for h in result.hits]
            assert found == [("mixte.pdf", 1, True)], after
            reader.lexical.reload()
            assert check_lexical_count(reader.lexical, reader.catalog) is None, after
            assert open_vector_store(case.directory, embedder.identity).keys() <= reader.catalog.chunk_ids(), after
            checks.append(after)

        transaction, commit = case.catalog.transaction, case.lexical.commit

        @contextmanager
        def watched_transaction() -> Any:
            with transaction() as db:
                yield db
            look("catalog commit")

        def watched_commit() -> None:
            commit()
            look("full-text commit")

        def on_progress(p: Progress) -> None:
            phase["ocr"] = p.phase == "ocr"

        monkeypatch.setattr(case.catalog, "transaction", watched_transaction)
        monkeypatch.setattr(case.lexical, "commit", watched_commit)
        report = session_of(case, embedder).index([sources], on_progress=on_progress)
        assert report.ocr.pages == 4 and report.ocr.documents == 3
        assert {"catalog commit", "full-text commit"} <= set(checks) and len(checks) >= 5
        assert not old & case.catalog.chunk_ids()
        assert not any(
            sha.endswith(("#ocr-staged", "#ocr-retired"))
            for (sha,) in case.catalog.db.execute("SELECT sha256 FROM documents")
        )


def test_the_cache_spares_a_moved_file_and_a_new_case(case: Case, sources: Path, tmp_path: Path) -> None:
    session_of(case).index([sources])
    (sources / "classement").mkdir()
    shutil.move(sources / "pv_scanne.pdf", sources / "classement" / "pv_scanne_renomme.pdf")
    shutil.copy(sources / "photo_plainte.jpg", sources / "copie.jpg")  # the same scan twice
    moved = session_of(case).index([sources])
    assert (moved.ocr.pages, moved.ocr.cached, moved.duplicates, moved.removed) == (0, 0, 2, 1)
    assert [h[0] for h in _hits(case, "KAWASAKI")] == ["pv_scanne_renomme.pdf"]

    # the same scans indexed again from scratch in this case folder: the cache answers
    for name in ("catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"):
        (case.directory / name).unlink(missing_ok=True)
    shutil.rmtree(case.directory / "lexical")
    fresh = Case.open(case.directory, settings=case.settings)
    try:
        report = session_of(fresh).index([sources])
        assert report.ocr.pages == 0 and report.ocr.cached == 4
        assert [h[0] for h in _hits(fresh, "DURAND")] == ["pv_scanne_renomme.pdf"]
    finally:
        fresh.close()


def test_a_cancelled_run_resumes_without_reading_pages_again(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    lines = ["Première page : audition.", "Deuxième page : le témoin KARIM.", "Troisième page : signatures."]
    scanned_pdf(src / "pv_long.pdf", [render_page([line]) for line in lines])
    control = JobControl()

    def stop_after_first_page(p: Progress) -> None:
        if p.phase == "ocr" and p.done >= 1:
            control.cancel()

    first = session_of(case).index([src], control=control, on_progress=stop_after_first_page)
    assert first.cancelled and first.ocr.pages == 1  # one worker: the page in flight is dropped
    # the document is completed only when all its pages are read
    assert session_of(case).status().awaiting_ocr_pages == 3
    cached = OcrCache(case.directory / CACHE_FILE)
    assert cached.count() == 1
    cached.close()
    second = session_of(case).index([src])
    assert (second.ocr.cached, second.ocr.pages) == (1, 2)
    assert session_of(case).status().awaiting_ocr_pages == 0
    assert _hits(case, "KARIM") == [("pv_long.pdf", 2, pytest.approx(90, abs=10))]


def test_a_killed_indexer_resumes_without_reading_pages_again(tmp_path: Path) -> None:
    """SIGKILL of the indexer and its workers (its process group) right after the first page is recognised."""
    src = tmp_path / "src"
    scanned_pdf(src / "pv_long.pdf", [render_page([f"Page {n} : le témoin KARIM parle."]) for n in (1, 2, 3)])
    case_dir = new_case(tmp_path / "case")
    process = subprocess.Popen(
        driver_command(case_dir, src, options=("--events",)),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=python_env(),
        start_new_session=True,  # its own process group: the kill takes the extraction workers too
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("EVENT ocr 1 "):
                break
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(60)
        process.stdout.close()
    done = subprocess.run(
        driver_command(case_dir, src), capture_output=True, text=True, env=python_env(), timeout=300, check=True
    )
    result = json.loads(done.stdout.rsplit("RESULT ", 1)[1])
    assert result["ocr_cached"] >= 1 and result["ocr_pages"] + result["ocr_cached"] == 3
    with app.open_session(case_dir) as session:
        assert [h[1] for h in _hits(session.case, "KARIM")] == [1]  # every page searchable, the best one first
        assert session.status().awaiting_ocr_pages == 0


def test_ocr_off_leaves_documents_awaiting_then_on_completes_them(tmp_path: Path, sources: Path) -> None:
    with _case(tmp_path, ocr=False) as case:
        report = session_of(case).index([sources])
        assert report.failed == [] and report.ocr.pages == 0 and "switched off" in report.ocr.note
        status = session_of(case).status()
        assert (status.awaiting_ocr_documents, status.awaiting_ocr_pages) == (3, 4)
        assert [h[0] for h in _hits(case, "bijouterie")] == ["mixte.pdf"]  # the typed page is searchable meanwhile
    with _case(tmp_path, ocr_max_pages=1) as case:
        limited = session_of(case).index([sources])
        assert limited.ocr.pages == 3 and limited.ocr.awaiting_pages == 1  # page 2 of pv_scanne.pdf waits
        assert _hits(case, "KAWASAKI") == [] and [h[0] for h in _hits(case, "DURAND")] == ["pv_scanne.pdf"]
    with _case(tmp_path, ocr_max_pages=10) as case:
        rest = session_of(case).index([sources])
        assert rest.ocr.pages == 1 and rest.ocr.awaiting_pages == 0
        assert [h[1] for h in _hits(case, "KAWASAKI")] == [2]


def test_a_page_over_the_time_limit_is_read_again_once_then_reported(tmp_path: Path) -> None:
    """A page stopped at the time limit waits for the next run (the document stays searchable by its typed
    text); read in time then, it is recognised; stopped again, it is given up and reported with its reason."""
    import io

    from arbiter_desktop.cli import _print_index_report

    src = tmp_path / "src"
    typed_and_scanned_pdf(src / "mixte.pdf", TYPED, render_page(["Scellé numéro cinq : une montre OMEGA."]))
    scanned_pdf(src / "pv.pdf", [render_page(["Le témoin ROSALIE est entendue."])])
    with _case(tmp_path, ocr=False) as case:
        session_of(case).index([src])  # the native text, at the usual time limit
    # a page's time limit counts from its worker being ready (start-up aside): no page is read in 10 ms
    with _case(tmp_path, extract_timeout_s=0.01) as case:  # no page can be read in 10 ms
        first = session_of(case).index([src])
        assert (first.ocr.failed_pages, first.ocr.retry_pages, first.ocr.failures, first.failed) == (2, 2, [], [])
        assert first.ocr.awaiting_pages == 2
        assert [h[0] for h in _hits(case, "bijouterie")] == ["mixte.pdf"]
    shutil.copytree(tmp_path / "case", tmp_path / "copy" / "case")

    with _case(tmp_path / "copy") as case:  # the next run reads them in time
        again = session_of(case).index([src])
        assert (again.ocr.pages, again.ocr.failed_pages, again.ocr.awaiting_pages) == (2, 0, 0)
        assert _hits(case, "OMEGA") == [("mixte.pdf", 2, pytest.approx(90, abs=10))]
        assert [h[0] for h in _hits(case, "ROSALIE")] == ["pv.pdf"]
        assert case.catalog.ocr_failures(case.catalog.document_id_for(_sha(case, "mixte.pdf")) or 0) == {}

    with _case(tmp_path, extract_timeout_s=0.01) as case:  # stopped a second time: given up
        second = session_of(case).index([src])
        assert (second.ocr.failed_pages, second.ocr.retry_pages, second.ocr.awaiting_pages) == (2, 0, 0)
        assert [(Path(f.path).name, f.page, f.reason) for f in second.ocr.failures] == [
            ("mixte.pdf", 2, ErrorReason.TIMEOUT),
            ("pv.pdf", 1, ErrorReason.TIMEOUT),
        ]
        assert all("second attempt" in f.message for f in second.ocr.failures)
        assert [(Path(e.path).name, e.reason) for e in second.failed] == [("pv.pdf", ErrorReason.TIMEOUT)]
        assert [h[0] for h in _hits(case, "bijouterie")] == ["mixte.pdf"]  # its typed page is kept
        mixte = case.catalog.document_id_for(_sha(case, "mixte.pdf")) or 0
        assert list(case.catalog.ocr_failures(mixte)) == [2]
        out = io.StringIO()
        _print_index_report(second, out)
        assert "OCR could not read 2 pages" in out.getvalue() and "mixte.pdf, page 2: timeout" in out.getvalue()


def test_blank_scans_and_bombs_are_errors_with_their_reason(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    scanned_pdf(src / "blanc.pdf", [Image.new("L", (1200, 1600), 255).point(lambda v: 0 if v < 0 else 250)])
    noise = Image.new("L", (800, 800), 255)
    for x in range(0, 800, 97):
        noise.putpixel((x, x), 0)
    noise.save(src / "taches.png")
    header = struct.pack(">IIBBBBB", 200_000, 200_000, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    (src / "bombe.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))
    write(src, "pv.txt", "Procès-verbal de synthèse.")
    report = session_of(case).index([src])
    reasons = {Path(e.path).name: e.reason for e in report.failed}
    assert reasons == {
        "blanc.pdf": ErrorReason.EMPTY,
        "taches.png": ErrorReason.EMPTY,
        "bombe.png": ErrorReason.TOO_LARGE,
    }
    messages = {Path(e.path).name: e.message for e in report.failed}
    assert "OCR recognised nothing" in messages["taches.png"]
    assert "megapixels" in messages["bombe.png"]
    assert [h[0] for h in _hits(case, "synthèse")] == ["pv.txt"]  # nothing else lost
    assert session_of(case).status().awaiting_ocr_documents == 0


def _sha(case: Case, name: str) -> str:
    row = case.catalog.db.execute("SELECT sha256 FROM files WHERE path LIKE ?", (f"%/{name}",)).fetchone()
    return str(row[0])


def test_scans_inside_an_archive_are_read_from_their_container(case: Case, tmp_path: Path) -> None:
    """A scanned PDF and a photo that are members of a ZIP scellé: copied out of it, recognised, cited in it."""
    import io
    import zipfile

    src = tmp_path / "src"
    src.mkdir()
    scan = scanned_pdf(tmp_path / "pv_scanne.pdf", [render_page(["Procès-verbal : le témoin VALENTIN."])])
    photo = io.BytesIO()
    render_page(["Photo du carnet : code ORCHIDEE."], width=900).convert("RGB").save(photo, "JPEG", quality=90)
    with zipfile.ZipFile(src / "scelle_9.zip", "w") as archive:
        archive.write(scan, "documents/pv_scanne.pdf")
        archive.writestr("photos/carnet.jpg", photo.getvalue())
    report = session_of(case).index([src])
    assert report.failed == [] and report.ocr.pages == 2 and report.ocr.awaiting_pages == 0
    (hit,) = session_of(case).search(SearchRequest(query="VALENTIN"), audit=False).hits
    assert hit.doc_path.endswith("scelle_9.zip › documents/pv_scanne.pdf") and hit.ocr_confidence is not None
    assert [h.doc_path.rsplit("/", 1)[-1] for h in session_of(case).search(SearchRequest(query="ORCHIDEE")).hits] == [
        "carnet.jpg"
    ]
    assert not (case.directory / "ocr-scratch").exists()  # the copies are gone
    again = session_of(case).index([src])
    assert again.ocr.pages == 0


def test_a_photo_attached_to_an_e_mail_and_a_gif_are_recognised(case: Case, tmp_path: Path) -> None:
    import io
    from email.message import EmailMessage
    from email.policy import default

    src = tmp_path / "src"
    src.mkdir()
    photo = io.BytesIO()
    render_page(["Photo du carnet : code ORCHIDEE."], width=900).convert("RGB").save(photo, "JPEG", quality=90)
    mail = EmailMessage(policy=default)
    mail["From"], mail["To"], mail["Subject"] = "opj@exemple.fr", "greffe@exemple.fr", "Carnet saisi"
    mail.set_content("Ci-joint la photo du carnet.")
    mail.add_attachment(photo.getvalue(), maintype="image", subtype="jpeg", filename="carnet.jpg")
    (src / "message.eml").write_bytes(mail.as_bytes())
    render_page(["Fax du parquet : LAMBERT."], width=900).convert("P").save(src / "fax.gif")
    report = session_of(case).index([src])
    assert report.failed == [] and report.ocr.pages == 2 and report.ocr.awaiting_pages == 0
    assert _hits(case, "ORCHIDEE") == [("message.eml", 2, pytest.approx(90, abs=10))]  # the attachment's page
    assert _hits(case, "LAMBERT") == [("fax.gif", 1, pytest.approx(90, abs=10))]
    document = case.catalog.document(case.catalog.document_id_for(_sha(case, "message.eml")) or 0)
    assert document is not None and document.pages[1].label == "pièce jointe : carnet.jpg"
    assert "Ci-joint la photo du carnet." in document.text  # the message itself is kept


def test_image_kind_is_a_search_filter(case: Case, sources: Path) -> None:
    session_of(case).index([sources])
    result = session_of(case).search(SearchRequest(query="PICHON", kinds=(FileKind.IMAGE,)), audit=False)
    assert [Path(h.doc_path).name for h in result.hits] == ["photo_plainte.jpg"]
