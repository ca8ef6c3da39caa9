"""The term-list view: a pasted list run against the case, its table (terms without hits too), a click shows a
term's hits as a normal result list, a re-run after new documents shows what changed, the export."""

from __future__ import annotations

from pathlib import Path

import pypdf
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from support import write

from arbiter_desktop.domain import SearchMode, SearchResult
from arbiter_desktop.ui.main_window import MainWindow
from arbiter_desktop.ui.termlist_dialog import NO_HIT

INDEXING_TIMEOUT_MS = 120_000
TERMS = 'gare\n0749271683\nHB562ZD\n"garde à vue"\nintrouvable\n'


def _index(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    with qtbot.waitSignal(window.indexing.finished, timeout=INDEXING_TIMEOUT_MS):
        window.index_paths([folder])


def test_run_click_rerun_export(qtbot: QtBot, qtmodeltester: ModelTester, window: MainWindow, tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "a.txt", "Audition : il appelait le 07 49 27 16 83 et roulait en Audi HB-562-ZD vers la gare.")
    write(src, "b.txt", "Rendez-vous à la gare Saint-Charles ; la garde à vue est prolongée.")
    _index(qtbot, window, src)
    window.show_termlists()
    dialog = window.termlist_dialog
    assert dialog is not None
    window._list_paste_requested.emit(TERMS, "cibles", True)
    qtbot.waitUntil(lambda: dialog.termlist is not None, timeout=20_000)
    assert dialog.run_button.isEnabled() and not dialog.export_button.isEnabled()
    dialog._run()
    qtbot.waitUntil(lambda: dialog.run is not None, timeout=60_000)
    qtmodeltester.check(dialog.model)
    counts = {r.term: (len(r.documents), r.hits) for r in dialog.model.rows}
    assert counts == {
        "gare": (2, 2),
        "0749271683": (1, 1),
        "HB562ZD": (1, 1),
        '"garde à vue"': (1, 1),
        "introuvable": (0, 0),
    }
    row = [r.term for r in dialog.model.rows].index("introuvable")
    assert dialog.model.data(dialog.model.index(row, 0), 9) == NO_HIT  # Qt.ForegroundRole: greyed
    assert dialog.model.columnCount() == 4  # nothing to compare with yet

    # a click shows the term's hits as a normal result list
    row = [r.term for r in dialog.model.rows].index("0749271683")
    with qtbot.waitSignal(window.results_shown, timeout=20_000) as blocker:
        dialog._clicked(dialog.proxy.mapFromSource(dialog.model.index(row, 0)))
    result = blocker.args[0]
    assert isinstance(result, SearchResult) and result.mode is SearchMode.LEXICAL
    assert [Path(h.doc_path).name for h in result.hits] == ["a.txt"] and window.query.text() == "0749271683"

    # new documents, then the list again: what changed shows
    write(src, "c.txt", "PV complémentaire : le 07.49.27.16.83 appelle depuis la gare routière.")
    _index(qtbot, window, src)
    first = dialog.run
    dialog._run()
    qtbot.waitUntil(lambda: dialog.run is not first, timeout=60_000)
    assert dialog.model.columnCount() == 6
    changed = {r.term: len(r.new) for r in dialog.model.rows if r.new}
    assert changed == {"gare": 1, "0749271683": 1}
    assert "documents matched: +1, −0" in dialog.summary.text()

    pdf = tmp_path / "liste.pdf"
    with qtbot.waitSignal(window.exported, timeout=30_000):
        window._table_export_requested.emit("termlist", dialog.run, pdf, None, "fr")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages).replace("\n", " ")
    assert dialog.run is not None and dialog.run.termlist.sha256 in text.replace(" ", "")
    assert "Documents nouveaux et disparus" in text

    # the list is saved in the case: chosen again, it comes back with its last run
    dialog.show_saved(("cibles",))
    with qtbot.waitSignal(window.tools.list_loaded, timeout=20_000):
        window._list_saved_requested.emit("cibles")
    qtbot.waitUntil(lambda: dialog.run is not None and dialog.run.previous_at == "", timeout=10_000)
    assert first is not None and [r.term for r in dialog.model.rows] == [r.term for r in first.results]
