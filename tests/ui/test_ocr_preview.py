"""A hit on a scanned page says it comes from recognised text, and the preview shows the scan with its words boxed
(the page image rendered by the search worker, off the GUI thread)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_support import open_window
from pytestqt.qtbot import QtBot
from scans import render_page, scanned_pdf
from support import new_case

from arbiter_desktop import app
from arbiter_desktop.config import paths
from arbiter_desktop.domain import SearchResult
from arbiter_desktop.ui.results_model import HtmlRole


def test_a_scanned_hit_shows_its_provenance_and_its_words_boxed(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = tmp_path / "ocr-models"  # the OCR models only: no embedding model, full text
    models.mkdir()
    (models / "tessdata").symlink_to(paths.app_root() / "models" / "tessdata")
    monkeypatch.setenv("ARBITER_MODELS_DIR", str(models))
    source = tmp_path / "scelles"
    lines = ["Audition du témoin.", "Le témoin désigne Karim MEZIANE comme le conducteur."]
    scanned_pdf(source / "pv_scanne.pdf", [render_page(lines[:1]), render_page(lines[1:]).rotate(90, expand=True)])
    case_dir = new_case(tmp_path / "case")
    with app.open_session(case_dir) as session:
        report = session.index([source])
    assert report.ocr.pages == 2 and report.failed == []

    window = open_window(qtbot, case_dir)
    try:
        with qtbot.waitSignal(window.results_shown, timeout=20_000) as blocker:
            window.query.setText("MEZIANE conducteur")
            window.search()
        result = blocker.args[0]
        assert isinstance(result, SearchResult)
        (hit,) = result.hits
        assert hit.page == 2 and hit.ocr_confidence is not None
        assert "(OCR)" in str(window.results.index(0).data(HtmlRole))
        qtbot.waitUntil(lambda: window.preview.view is not None, timeout=10_000)
        assert "(OCR)" in window.preview.position.text()
        assert window.preview.page_button.isEnabled()
        # the window's own signal, on the GUI thread once the preview shows the image (the worker's page_ready
        # reaches a test's slot on the worker's thread, before the window has drawn the page)
        with qtbot.waitSignal(window.page_shown, timeout=20_000) as shown:
            window.preview.page_button.setChecked(True)
        image = shown.args[0]
        assert image.page == 2 and image.height < image.width / 3  # a one-line strip, turned upright as the OCR read it
        assert image.width <= 2000  # rescaled to the pane once turned
        assert len(image.boxes) == 2 and window.preview.marked_boxes == 2  # "MEZIANE" and "conducteur"
        pixmap = window.preview.page_label.pixmap()
        assert pixmap is not None and not pixmap.isNull()
    finally:
        window.close()
