"""The entity panel: entities by type with their document counts, a click filters the results to the documents
holding one (its written form marked in each passage), the entities found together, exports."""

from __future__ import annotations

from pathlib import Path

import pypdf
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from support import write

from arbiter_desktop.domain import SearchResult
from arbiter_desktop.ui.main_window import MainWindow

INDEXING_TIMEOUT_MS = 120_000


def _corpus(folder: Path) -> Path:
    write(folder, "a.txt", "Appel du 07 49 27 16 83 vers le 06 12 34 56 78. Véhicule HB-562-ZD devant la gare.")
    write(folder, "b.txt", "FADET : 33749271683;0612345678. La Clio HB562ZD est signalée au péage.")
    write(folder, "c.txt", "Le +33 7 49 27 16 83 a écrit à k.hamidi@gmail.com au sujet du rendez-vous.")
    write(folder, "d.txt", "Rapport de patrouille sans particularité, aucun numéro relevé ce jour-là.")
    return folder


def _indexed(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([_corpus(tmp_path / "src")])
    qtbot.waitUntil(lambda: window.entities_panel.model.rowCount() >= 4, timeout=20_000)


def test_a_click_on_an_entity_shows_the_documents_holding_it(
    qtbot: QtBot, qtmodeltester: ModelTester, window: MainWindow, tmp_path: Path
) -> None:
    _indexed(qtbot, window, tmp_path)
    panel = window.entities_panel
    qtmodeltester.check(panel.model)
    shown = {(panel.model.data(panel.model.index(r, 1)), panel.model.data(panel.model.index(r, 2))) for r in range(4)}
    assert ("07 49 27 16 83", 3) in shown and ("HB-562-ZD", 2) in shown
    panel.kind.setCurrentIndex(panel.kind.findData("plate"))
    assert panel.proxy.rowCount() == 1
    with qtbot.waitSignal(window.results_shown, timeout=20_000) as blocker:
        panel._clicked(panel.proxy.index(0, 1))
    result = blocker.args[0]
    assert isinstance(result, SearchResult)
    assert sorted(Path(h.doc_path).name for h in result.hits) == ["a.txt", "b.txt"]
    assert {h.passage[a:b] for h in result.hits for a, b in h.highlights} == {"HB-562-ZD", "HB562ZD"}
    assert window.entity_chip.isVisibleTo(window) and "HB-562-ZD" in window.entity_chip.text()
    with qtbot.waitSignal(window.results_shown, timeout=20_000) as blocker:  # with a query: both filters
        window.query.setText("péage")
        window.search()
    assert [Path(h.doc_path).name for h in blocker.args[0].hits] == ["b.txt"]
    window.clear_entity_filter()
    assert not window.entity_chip.isVisibleTo(window)
    panel.kind.setCurrentIndex(0)
    panel.finder.setText("hamidi")
    assert panel.proxy.rowCount() == 1


def test_entities_found_together_and_their_export(
    qtbot: QtBot, qtmodeltester: ModelTester, window: MainWindow, tmp_path: Path
) -> None:
    _indexed(qtbot, window, tmp_path)
    window.show_pairs()
    dialog = window.pairs_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=20_000)
    qtmodeltester.check(dialog.model)
    top = dialog.model.rows[0]
    assert top.documents == 2 and {top.a.display, top.b.display} <= {"07 49 27 16 83", "06 12 34 56 78", "HB-562-ZD"}
    pdf = tmp_path / "ensemble.pdf"
    with qtbot.waitSignal(window.exported, timeout=30_000):
        window._table_export_requested.emit("pairs", None, pdf, None, "fr")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Entités trouvées ensemble" in text and "Documents communs" in text
    csv = tmp_path / "entites.csv"
    with qtbot.waitSignal(window.exported, timeout=30_000):
        window._table_export_requested.emit("entities", None, None, csv, "fr")
    assert "07 49 27 16 83" in csv.read_text(encoding="utf-8-sig")
