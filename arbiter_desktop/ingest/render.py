"""A PDF page as an image, for the preview. The file is read with the same read-only open as indexing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from arbiter_desktop.domain import ErrorReason, ExtractionError
from arbiter_desktop.ingest.readonly import open_source

MAX_RENDER_BYTES = 400 * 1024 * 1024  # a PDF larger than this is previewed as text only


@dataclass(frozen=True, slots=True)
class PageImage:
    """Pixels of a rendered page: ``height`` rows of ``width`` RGB pixels (3 bytes each), no padding."""

    width: int
    height: int
    rgb: bytes
    page: int
    pages: int


class PdfPages:
    """Renders pages of PDFs, keeping the last document open: paging through a preview reads the file once.

    The document is read again when its path, size or modification time changed. Not thread-safe: one
    owner (the search worker's thread)."""

    def __init__(self) -> None:
        self._key: tuple[str, int, int] | None = None
        self._document: pdfium.PdfDocument | None = None

    def render(self, path: Path, page: int, width_px: int = 900) -> PageImage:
        """Render page ``page`` (1-based) of the PDF at ``path`` about ``width_px`` pixels wide."""
        document = self._open(path)
        count = len(document)
        if not 1 <= page <= count:
            raise ExtractionError(ErrorReason.CORRUPT, f"page {page} does not exist (the PDF has {count})")
        pdf_page = document[page - 1]
        try:
            scale = width_px / max(1.0, pdf_page.get_width())
            bitmap = pdf_page.render(scale=scale, rev_byteorder=True)
            array = bitmap.to_numpy()[:, :, :3].copy()  # RGB, contiguous
        finally:
            pdf_page.close()
        return PageImage(width=array.shape[1], height=array.shape[0], rgb=array.tobytes(), page=page, pages=count)

    def close(self) -> None:
        if self._document is not None:
            self._document.close()
        self._document = None
        self._key = None

    def _open(self, path: Path) -> pdfium.PdfDocument:
        try:
            handle = open_source(path)
        except OSError as exc:
            raise ExtractionError(ErrorReason.UNREADABLE, f"cannot open {path}: {exc.strerror}") from exc
        with handle:
            st = os.fstat(handle.fileno())
            key = (str(path), st.st_size, st.st_mtime_ns)
            if key == self._key and self._document is not None:
                return self._document
            self.close()
            if st.st_size > MAX_RENDER_BYTES:
                raise ExtractionError(ErrorReason.TOO_LARGE, "the PDF is too large to render a page preview")
            data = handle.read(MAX_RENDER_BYTES + 1)
        if len(data) > MAX_RENDER_BYTES:
            raise ExtractionError(ErrorReason.TOO_LARGE, "the PDF is too large to render a page preview")
        try:
            self._document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise ExtractionError(ErrorReason.CORRUPT, f"cannot render the PDF: {exc}") from exc
        self._key = key
        return self._document


def render_pdf_page(path: Path, page: int, width_px: int = 900) -> PageImage:
    """Render page ``page`` (1-based) of the PDF at ``path`` about ``width_px`` pixels wide (one-off)."""
    pages = PdfPages()
    try:
        return pages.render(path, page, width_px)
    finally:
        pages.close()
