"""PDF page previews: rendering, the open document kept between pages, and errors that say what happened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fpdf import FPDF

from arbiter_desktop.domain import ErrorReason, ExtractionError
from arbiter_desktop.ingest import render
from arbiter_desktop.ingest.render import PdfPages, render_pdf_page


def write_pdf(path: Path, pages: list[str]) -> Path:
    document = FPDF()
    document.set_font("Helvetica", size=12)
    for text in pages:
        document.add_page()
        document.multi_cell(0, 8, text)
    document.output(str(path))
    return path


def test_a_page_renders_as_rgb_pixels(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "pv.pdf", ["Page une.", "Page deux."])
    image = render_pdf_page(path, 2, width_px=300)
    assert (image.page, image.pages, image.width) == (2, 2, 300)
    assert len(image.rgb) == image.width * image.height * 3
    assert min(image.rgb) < 128 < max(image.rgb)  # text on a white page


def test_paging_reads_the_file_once_until_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_pdf(tmp_path / "pv.pdf", ["Une.", "Deux.", "Trois."])
    opened: list[int] = []
    real = render.pdfium.PdfDocument

    def counting(data: bytes) -> object:
        opened.append(len(data))
        return real(data)

    monkeypatch.setattr(render.pdfium, "PdfDocument", counting)
    pages = PdfPages()
    try:
        assert [pages.render(path, n, 200).page for n in (1, 2, 3, 1)] == [1, 2, 3, 1]
        assert len(opened) == 1
        write_pdf(path, ["Une seule page, réécrite."])
        os.utime(path, ns=(1, 1))  # another modification time, whatever the clock's resolution
        assert pages.render(path, 1, 200).pages == 1
        assert len(opened) == 2
        with pytest.raises(ExtractionError, match="page 2 does not exist") as caught:
            pages.render(path, 2, 200)
        assert caught.value.reason is ErrorReason.CORRUPT
    finally:
        pages.close()


def test_missing_and_damaged_files_are_reported(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as missing:
        render_pdf_page(tmp_path / "absent.pdf", 1)
    assert missing.value.reason is ErrorReason.UNREADABLE
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\nnot really")
    with pytest.raises(ExtractionError) as corrupt:
        render_pdf_page(damaged, 1)
    assert corrupt.value.reason is ErrorReason.CORRUPT
