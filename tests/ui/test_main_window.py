from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from gui_support import open_window
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from support import write

from arbiter_desktop import app
from arbiter_desktop.domain import SearchMode, SearchResult
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.indexing.job import IndexReport
from arbiter_desktop.safetext import path_key
from arbiter_desktop.session import FIRST_PASSAGES, ModelLoaders
from arbiter_desktop.ui.html import SEMANTIC_STYLE
from arbiter_desktop.ui.main_window import MainWindow
from arbiter_desktop.ui.results_model import HtmlRole
from arbiter_desktop.ui.search_worker import Marks

INDEXING_TIMEOUT_MS = 120_000


def _corpus(folder: Path) -> Path:
    write(folder, "pv/audition_meziane.txt", "Procès-verbal d'audition. Karim MEZIANE fixe un rendez-vous à la gare.")
    write(folder, "pv/gav.txt", "Prolongation de la garde à vue de Tito FERRAND accordée par le parquet.")
    write(folder, "rapport.txt", "Rapport de surveillance : véhicule immatriculé ZZ-417-XK devant la mairie.")
    return folder


def _drop(window: MainWindow, paths: list[Path]) -> None:
    """Drag files from a file manager onto the result list: enter, then drop (Qt delivers a drop only to the
    widget that accepted the drag)."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    target = window.results_view.viewport()
    action, button, modifier = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(10, 10), action, data, button, modifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(target, QDropEvent(QPointF(10, 10), action, data, button, modifier))


def _search(qtbot: QtBot, window: MainWindow, text: str) -> SearchResult:
    with qtbot.waitSignal(window.results_shown, timeout=20_000) as blocker:
        window.query.setText(text)
        window.search()
    result = blocker.args[0]
    assert isinstance(result, SearchResult)
    return result


def test_dropping_a_folder_indexes_it_and_results_appear(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    source = _corpus(tmp_path / "scelles")
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS) as blocker:
        _drop(window, [source])
        assert window.indexing.running
    report = blocker.args[0]
    assert isinstance(report, IndexReport)
    assert (report.added, report.errors, report.cancelled) == (3, 0, False)

    # a snapshot taken mid-run may already count the documents but not yet the files: wait for the final one
    def counted() -> bool:
        status = window.snapshot.status if window.snapshot is not None else None
        return status is not None and (status.documents, status.files) == (3, 3)

    qtbot.waitUntil(counted, timeout=10_000)
    assert window.sources.sources.topLevelItemCount() == 1
    assert window.sources.sources.topLevelItem(0).text(1) == "3"

    result = _search(qtbot, window, "rdv gare")
    assert [Path(h.doc_path).name for h in result.hits] == ["audition_meziane.txt"]
    html = str(window.results.index(0).data(HtmlRole))
    assert "rendez-vous</span>" in html and "gare</span>" in html  # both highlighted
    assert window.chips.chips[0].text().startswith("rdv →")
    # the preview shows the document with every match marked, current match first
    qtbot.waitUntil(lambda: window.preview.view is not None, timeout=10_000)
    assert window.preview.view is not None
    assert len(window.preview.view.matches) == 2
    assert "rendez-vous à la gare" in window.preview.text.toPlainText()
    window.preview.next_match()
    assert window.preview.current == 1
    window.preview.next_match()
    assert window.preview.current == 0


def test_switching_an_expansion_off_searches_again_without_it(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([_corpus(tmp_path / "src")])
    first = _search(qtbot, window, "GAV prolongée")
    assert [e.key for e in first.expansions] == ["gav"]
    assert first.hits[0].expansions  # the hit says it matched through "GAV → garde à vue"
    with qtbot.waitSignal(window.results_shown, timeout=20_000) as blocker:
        window.chips.chips[0].click()  # GAV → garde à vue, off
    result = blocker.args[0]
    assert result.expansions == ()
    assert all(not h.expansions and "garde" not in h.matched_terms for h in result.hits)
    assert "(off)" in window.chips.chips[0].text()
    with qtbot.waitSignal(window.results_shown, timeout=20_000) as blocker:
        window.chips.chips[0].click()  # and on again
    assert [e.key for e in blocker.args[0].expansions] == ["gav"]


def test_document_markup_is_shown_literally(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "piege.txt", "Message saisi : <b>gras</b> <script>alert('x')</script> &amp; <img src=x> FERRAND")
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([src])
    _search(qtbot, window, "ferrand")
    html = str(window.results.index(0).data(HtmlRole))
    assert "<script>" not in html and "<b>gras" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&amp;amp;" in html
    qtbot.waitUntil(lambda: window.preview.view is not None, timeout=10_000)
    shown = window.preview.text.toPlainText()
    assert "<b>gras</b> <script>alert('x')</script> &amp; <img src=x>" in shown


def test_results_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, window: MainWindow, tmp_path: Path
) -> None:
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([_corpus(tmp_path / "src")])
    _search(qtbot, window, "gare OR mairie OR parquet")
    assert window.results.rowCount() == 3
    qtmodeltester.check(window.results)


def test_keyboard_goes_from_the_query_to_the_results(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([_corpus(tmp_path / "src")])
    window.activateWindow()
    window.query.setFocus()
    with qtbot.waitSignal(window.results_shown, timeout=20_000):
        qtbot.keyClicks(window.query, "gare OR mairie")
        qtbot.keyClick(window.query, Qt.Key.Key_Return)
    qtbot.keyClick(window.query, Qt.Key.Key_Down)
    assert window.results_view.currentIndex().row() == 0
    qtbot.keyClick(window.results_view, Qt.Key.Key_Down)
    assert window.results_view.currentIndex().row() == 1


def _many(folder: Path, n: int) -> Path:
    for i in range(n):
        write(folder, f"pv_{i:04d}.txt", f"Procès-verbal numéro {i}. Audition du témoin {i} au sujet de la gare.")
    return folder


def _places(folder: Path, n: int) -> Path:
    """``n`` short statements that all say "audition" and "gare", none a near-copy of another (each its own hit)."""
    words = ["vélo", "colis", "voisin", "parking", "portail", "cave", "toit", "balcon", "ascenseur", "escalier"]
    words += ["fourgon", "scooter"]
    for i in range(n):
        a, b, c = words[i % 12], words[(i // 12 + i + 5) % 12], words[(3 * i + 1) % 12]
        write(folder, f"pv_{i:02d}.txt", f"Audition {i} : le {a} près de la gare, puis le {b} et le {c}.")
    return folder


def test_pause_resume_and_cancel(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    source = _many(tmp_path / "src", 400)
    with qtbot.waitSignal(window.indexing.started, timeout=10_000):
        window.index_paths([source])
    qtbot.waitUntil(lambda: window.indexing.last_progress is not None, timeout=30_000)
    window.progress.pause_button.click()  # pause
    assert window.indexing.paused
    assert window.progress.pause_button.text() in ("Resume", "Reprendre")
    time.sleep(1.5)  # the job finishes the file in hand and waits
    qtbot.wait(300)
    before = window.indexing.last_progress
    qtbot.wait(1500)
    assert window.indexing.last_progress == before  # nothing moved while paused
    assert window.indexing.running
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS) as blocker:
        window.progress.pause_button.click()  # resume
    assert blocker.args[0].cancelled is False
    assert blocker.args[0].documents == 400

    more = _many(tmp_path / "more", 400)
    for path in more.iterdir():
        path.write_text(path.read_text(encoding="utf-8") + " Complément.", encoding="utf-8")
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS) as blocker:
        window.index_paths([more])
        qtbot.waitUntil(lambda: window.indexing.last_progress is not None, timeout=30_000)
        window.progress.cancel_button.click()
    assert blocker.args[0].cancelled is True
    assert app.interrupted_run(window.snapshot.directory if window.snapshot else Path()) == []  # not resumed


def test_closing_mid_indexing_resumes_when_the_case_opens_again(qtbot: QtBot, case_dir: Path, tmp_path: Path) -> None:
    source = _many(tmp_path / "src", 400)
    first = open_window(qtbot, case_dir)
    with qtbot.waitSignal(first.indexing.started, timeout=10_000):
        first.index_paths([source])
    qtbot.waitUntil(lambda: first.indexing.last_progress is not None, timeout=30_000)
    first.close()  # stops the indexing process; the run is noted as interrupted
    assert app.interrupted_run(case_dir) == [source]
    marker = json.loads((case_dir / app.RUN_MARKER).read_text(encoding="utf-8"))
    assert marker == [str(source)]

    second = open_window(qtbot, case_dir)  # resumes by itself
    assert second.indexing.running
    with qtbot.waitSignal(second.indexing.finished, timeout=INDEXING_TIMEOUT_MS) as blocker:
        pass
    assert blocker.args[0].documents == 400
    assert app.interrupted_run(case_dir) == []
    second.close()


def _searches_logged(case_dir: Path) -> list[str]:
    from arbiter_desktop.stores.audit import AuditEntry, AuditLog

    entries = AuditLog(case_dir).entries()
    return [e.data["query"] for e in entries if isinstance(e, AuditEntry) and e.event == "search"]


def test_searches_the_user_stays_on_enter_the_audit_log(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([_corpus(tmp_path / "src")])
    assert window.snapshot is not None
    case_dir = window.snapshot.directory
    with qtbot.waitSignal(window.results_shown, timeout=20_000):
        window.query.setText("gar")
        window.search()  # as after a pause while typing: not recorded at once
    with qtbot.waitSignal(window.results_shown, timeout=20_000):
        window.query.setText("gare")
        window.search()
    assert _searches_logged(case_dir) == []
    qtbot.waitUntil(lambda: _searches_logged(case_dir) == ["gare"], timeout=10_000)  # stayed on it
    with qtbot.waitSignal(window.results_shown, timeout=20_000):
        window.query.setText("mairie")
        qtbot.keyClick(window.query, Qt.Key.Key_Return)  # Enter: recorded at once
    qtbot.waitUntil(lambda: _searches_logged(case_dir) == ["gare", "mairie"], timeout=5_000)
    qtbot.wait(2500)
    assert _searches_logged(case_dir) == ["gare", "mairie"]  # once each


def test_tagging_and_exporting_from_the_window(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from pypdf import PdfReader

    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([_corpus(tmp_path / "src")])
    result = _search(qtbot, window, "gare OR mairie")
    second, first = Path(result.hits[1].doc_path).name, Path(result.hits[0].doc_path).name
    window.results_view.selectAll()
    window.tag_selected("pertinent")
    qtbot.waitUntil(lambda: window.snapshot is not None and window.snapshot.tags == (("pertinent", 2),), timeout=10_000)

    out = tmp_path / "out"
    out.mkdir()
    with qtbot.waitSignal(window.exported, timeout=60_000) as blocker:
        window.export_to(out / "gare.pdf", out / "gare.csv", rows=(1,))
    files = blocker.args[0]
    assert sorted(Path(f.path).name for f in files) == ["gare.csv", "gare.pdf"]
    text = "\n".join(page.extract_text() for page in PdfReader(out / "gare.pdf").pages)
    assert "gare OR mairie" in text and second in text and first not in text  # the second hit only
    assert (out / "gare.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_members_of_an_archive_their_original_and_the_errors_by_reason(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    source = tmp_path / "scelles"
    source.mkdir()
    with zipfile.ZipFile(source / "scelle.zip", "w") as archive:
        archive.writestr("pv/audition.txt", "Audition de Karim MEZIANE au sujet du vol.")
        archive.writestr("programme.bin", b"\x7fELF\x02\x01\x01" + bytes(64))  # (a JPEG would be read by OCR)
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        _drop(window, [source])
    qtbot.waitUntil(lambda: window.sources.errors.topLevelItemCount() == 1, timeout=10_000)
    group = window.sources.errors.topLevelItem(0)
    assert group.text(0) == "unsupported format (1)" and group.child(0).text(0) == "programme.bin"
    result = _search(qtbot, window, "meziane")
    location = f"{source / 'scelle.zip'} › pv/audition.txt"
    assert [h.doc_path for h in result.hits] == [location]
    qtbot.waitUntil(lambda: window.preview.view is not None, timeout=10_000)
    opened: list[str] = []
    monkeypatch.setattr("arbiter_desktop.ui.main_window.QDesktopServices.openUrl", lambda url: opened.append(url))
    with qtbot.waitSignal(window.worker.original_ready, timeout=10_000) as blocker:
        window.preview.open_original()
    copy = Path(blocker.args[0])
    assert copy.read_text(encoding="utf-8") == "Audition de Karim MEZIANE au sujet du vol."
    qtbot.waitUntil(lambda: bool(opened), timeout=5_000)


def test_the_hit_list_shows_first_then_the_closest_sentences_of_the_hits_on_screen(
    qtbot: QtBot, case_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a search by meaning the hits come without their sentence marks; those of the hits on screen arrive
    after, in place, from the search thread."""
    embedder = HashingEmbedder()
    models = ModelLoaders(
        embedder=lambda _settings: embedder, reranker=lambda _settings: None, embedder_file=lambda _settings: Path("x")
    )
    monkeypatch.setattr(app, "MODELS", models)
    src = tmp_path / "src"
    report = "Le rapport commence par le contexte. Les policiers ont saisi des barrettes de cannabis dans la cave."
    places = [
        "Aubagne",
        "Cassis",
        "Marignane",
        "Vitrolles",
        "Gardanne",
        "Martigues",
        "Istres",
        "Salon",
        "Allauch",
        "Gémenos",
        "Rognac",
        "Berre",
    ]
    for i, place in enumerate(places):  # twelve reports, none a near-copy of another (each its own hit)
        tail = (
            f"Transmis au commissariat de {place} le {i + 3} mars, scellé {place.upper()}-{1000 + 37 * i}, agent {i}."
        )
        write(src, f"rapport_{i:02d}.txt", f"{report} {tail}")
    with app.open_session(case_dir) as session:
        session.index([src])
    window = open_window(qtbot, case_dir)
    assert window.mode.currentData() == "full"  # the case has vectors: hybrid then the learned ranker by default
    marked: list[Marks] = []
    window.hits_marked.connect(marked.append)
    result = _search(qtbot, window, "barrettes de cannabis saisies")
    assert len(result.hits) == 12 and all(h.semantic_highlight is None for h in result.hits)
    qtbot.waitUntil(lambda: len(marked) >= 1, timeout=20_000)
    shown = window.visible_rows()
    qtbot.waitUntil(lambda: {row for m in marked for row in m.hits} >= set(shown), timeout=20_000)
    hit = window.results.hit(0)
    assert hit is not None and hit.semantic_highlight is not None
    start, end = hit.semantic_highlight
    assert hit.passage[start:end].startswith("Les policiers ont saisi")
    assert window.result is not None and window.result.hits[0] == hit  # what tags and exports take
    assert SEMANTIC_STYLE in str(window.results.index(0).data(HtmlRole))  # drawn underlined in place
    window.close()


def test_the_hits_of_a_text_search_are_drawn(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """More hits than the list shows at once, in the text mode (no marks come to lay the list out again): the rows
    are drawn, not only counted (a batched layout narrowed by its own scroll bar once drew none)."""
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([_many(tmp_path / "src", 30)])
    window.mode.setCurrentIndex(window.mode.findData(SearchMode.LEXICAL.value))
    result = _search(qtbot, window, "gare")
    assert len(result.hits) >= 10

    def dark_pixels() -> int:
        image = window.results_view.viewport().grab().toImage()
        return sum(
            1
            for y in range(0, image.height(), 3)
            for x in range(0, image.width(), 3)
            if image.pixelColor(x, y).lightness() < 128
        )

    qtbot.waitUntil(lambda: dark_pixels() > 100, timeout=10_000)


def test_the_passages_below_the_first_screen_follow_the_list(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """The list comes with the passages of its first screen of hits; those of the others follow, in place, and
    are what tags and exports take."""
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([_places(tmp_path / "src", 30)])
    window.mode.setCurrentIndex(window.mode.findData(SearchMode.LEXICAL.value))
    marked: list[Marks] = []
    window.hits_marked.connect(marked.append)
    result = _search(qtbot, window, "audition gare")
    count = len(result.hits)
    assert count > FIRST_PASSAGES + 10
    assert not any(h.passage_pending for h in result.hits[:FIRST_PASSAGES])
    assert all(h.passage_pending and not h.highlights for h in result.hits[FIRST_PASSAGES:])
    qtbot.waitUntil(lambda: window.result is not None and not any(h.passage_pending for h in window.result.hits))
    assert {row for m in marked for row in m.hits} == set(range(FIRST_PASSAGES, count))
    assert window.result is not None
    assert all({"Audition", "gare"} <= set(h.matched_terms) and h.highlights for h in window.result.hits)
    assert window.results.hit(count - 1) == window.result.hits[-1]  # drawn in place


def test_results_whose_passages_cannot_be_found_are_not_exported(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hit still showing its chunk's opening (its passage could not be found: the case changed since, or an
    error) never reaches an export with a page that may not be its own: the user is told to search again."""
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([_places(tmp_path / "src", 15)])
    window.mode.setCurrentIndex(window.mode.findData(SearchMode.LEXICAL.value))

    def failing(self: object, request: object, hits: object) -> object:
        raise OSError("disk gone")

    monkeypatch.setattr("arbiter_desktop.session.CaseSession.complete", failing)
    warned: list[str] = []
    monkeypatch.setattr(
        "arbiter_desktop.ui.main_window.QMessageBox.warning", lambda _parent, _title, text: warned.append(text)
    )
    result = _search(qtbot, window, "audition gare")
    assert any(h.passage_pending for h in result.hits)
    out = tmp_path / "out"
    out.mkdir()
    window.export_to(out / "gare.pdf", None, rows=None)
    qtbot.waitUntil(lambda: bool(warned), timeout=10_000)
    assert "Search again" in warned[0] and not (out / "gare.pdf").exists()


def test_the_reranked_mode_is_offered_and_names_its_ranker(
    qtbot: QtBot, case_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second stage that ships (the learned ranker) is one of the window's modes; its hits say who ranked them."""
    from arbiter_desktop.search.ranker import shipped_ranker

    embedder = HashingEmbedder()
    models = ModelLoaders(
        embedder=lambda _settings: embedder, reranker=lambda _settings: None, embedder_file=lambda _settings: Path("x")
    )
    monkeypatch.setattr(app, "MODELS", models)
    src = tmp_path / "src"
    write(src, "pv.txt", "Les policiers ont saisi des barrettes de cannabis dans la cave de l'immeuble.")
    write(src, "rapport.txt", "Le véhicule stationnait devant la gare routière, moteur allumé.")
    with app.open_session(case_dir) as session:
        session.index([src])
    window = open_window(qtbot, case_dir)
    row = window.mode.findData(SearchMode.FULL.value)
    assert row >= 0 and window.mode.itemText(row)
    window.mode.setCurrentIndex(row)
    result = _search(qtbot, window, "cannabis saisi dans la cave")
    ranker = shipped_ranker()
    assert ranker is not None
    assert result.mode is SearchMode.FULL and result.hits[0].doc_path.endswith("pv.txt")
    assert result.reranker == ranker.name
    window.close()


def test_the_demo_case_follows_this_installations_demo_folder(qtbot: QtBot, tmp_path: Path) -> None:
    """After an update, the demo case still holds the demo folder of the earlier installation: on opening, the
    window indexes this installation's demo folder, and the earlier one is forgotten."""
    earlier = tmp_path / "old-install" / "resources" / "demo" / "affaire_demo"
    write(earlier, "pv.txt", "Ancienne installation : procès-verbal de garde à vue.")
    with app.open_session(app.demo_case_dir(), create=True) as session:
        session.index([earlier])
        assert session.lacks_demo_folder()
    window = open_window(qtbot, app.demo_case_dir())
    assert window.indexing.running
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        pass
    window.close()
    with app.open_session(app.demo_case_dir()) as session:
        assert not session.lacks_demo_folder()
        assert [p for _, p in session.case.catalog.sources()] == [path_key(str(app.demo_documents().resolve()))]
