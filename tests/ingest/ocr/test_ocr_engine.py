"""The OCR engine reads French from page images, word by word with offsets and boxes, upright or turned."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scans import render_page
from support import python_env

from arbiter_desktop.domain import OCR_BOX_SCALE
from arbiter_desktop.ingest.ocr.engine import Engine, OcrConfig, OcrUnavailable, _layout, check_models, engine_key

LINES = [
    "Procès-verbal d'audition du témoin Mme Hélène DURAND,",
    "entendue le 14 mars 2024 à 10h15 au commissariat de Nîmes.",
    "Elle déclare avoir vu le véhicule immatriculé AB-123-CD.",
]


@pytest.fixture(scope="module")
def engine(ocr_config: OcrConfig) -> Engine:
    return Engine(ocr_config)


def test_reads_french_with_word_offsets_and_boxes(engine: Engine) -> None:
    page = engine.recognise(render_page(LINES), 3)
    assert page.page == 3 and page.rotation == 0
    for expected in ("Procès-verbal", "témoin", "DURAND", "commissariat", "Nîmes", "véhicule", "AB-123-CD"):
        assert expected in page.text
    assert page.text.count("\n") == 2  # one line break per line of the page
    assert page.confidence > 80
    words = page.words
    assert [page.text[w.start : w.end] for w in words] == page.text.split()
    for word in words:
        x0, y0, x1, y1 = word.box
        assert 0 <= x0 < x1 <= OCR_BOX_SCALE and 0 <= y0 < y1 <= OCR_BOX_SCALE
    first_line = [w for w in words if w.end <= page.text.index("\n")]
    second_line = [w for w in words if w.start > page.text.index("\n")]
    assert max(w.box[3] for w in first_line) <= min(w.box[1] for w in second_line) + 50  # lines top to bottom


def test_a_turned_page_is_read_upright(engine: Engine) -> None:
    page = engine.recognise(render_page(LINES * 3).rotate(90, expand=True), 1)
    assert page.rotation == 270  # turned back counter-clockwise
    assert "DURAND" in page.text and "commissariat" in page.text
    assert page.confidence > 80


def test_a_blank_page_has_no_text(engine: Engine) -> None:
    page = engine.recognise(render_page([]), 1)
    assert page.text == "" and page.words == () and page.confidence == 0.0


def test_a_word_cut_by_a_hyphen_at_a_line_end_is_joined() -> None:
    words = [
        ("Les", 90.0, (0, 0, 10, 10), " "),
        ("enquê-", 90.0, (12, 0, 30, 10), " "),
        ("teurs", 90.0, (0, 12, 20, 22), "\n"),
        ("Jean-", 90.0, (0, 24, 20, 34), "\n"),
        ("Pierre", 90.0, (0, 36, 20, 46), "\n"),
    ]
    page = _layout(words, 1, 0, 100, 100)
    assert page.text == "Les enquêteurs\nJean-\nPierre"
    assert [page.text[w.start : w.end] for w in page.words] == ["Les", "enquê", "teurs", "Jean-", "Pierre"]


def test_missing_models_are_named(tmp_path: Path) -> None:
    with pytest.raises(OcrUnavailable, match=r"fra\.traineddata.*make setup"):
        check_models(OcrConfig(str(tmp_path), "fra"))


def test_the_cache_key_names_engine_models_and_settings(ocr_config: OcrConfig) -> None:
    key = engine_key(ocr_config)
    assert key.startswith("tesseract 5.") and "fra=" in key and "osd=" in key
    assert engine_key(OcrConfig(ocr_config.tessdata, "fra+eng")) != key


def test_the_engine_works_in_a_process_that_loaded_usearch(ocr_config: OcrConfig, tmp_path: Path) -> None:
    """usearch's statically linked C++ library breaks a libtesseract loaded after it: stores/vectors.py loads
    tesserocr first. A fresh process importing the stores (as the indexer and its workers do) must read a page."""
    image = tmp_path / "page.png"
    render_page(LINES[:1]).save(image)
    code = (
        "import sys\n"
        "import arbiter_desktop.stores.vectors\n"
        "from PIL import Image\n"
        "from arbiter_desktop.ingest.ocr.engine import Engine, OcrConfig\n"
        f"page = Engine(OcrConfig({ocr_config.tessdata!r}, 'fra')).recognise(Image.open({str(image)!r}), 1)\n"
        "print(page.text)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=python_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "DURAND" in done.stdout
