"""A PDF page as an image, for the preview. The file is read with the same read-only open as indexing."""

from __future__ import annotations

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


def render_pdf_page(path: Path, page: int, width_px: int = 900) -> PageImage:
    """Render page ``page`` (1-based) of the PDF at ``path`` about ``width_px`` pixels wide."""
    try:
        handle = open_source(path)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot open {path}: {exc.strerror}") from exc
    with handle:
        data = handle.read(MAX_RENDER_BYTES + 1)
    if len(data) > MAX_RENDER_BYTES:
        raise ExtractionError(ErrorReason.TOO_LARGE, "the PDF is too large to render a page preview")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"cannot render the PDF: {exc}") from exc
    try:
        count = len(document)
        if not 1 <= page <= count:
            raise ExtractionError(ErrorReason.CORRUPT, f"page {page} does not exist (the PDF has {count})")
        pdf_page = document[page - 1]
        scale = width_px / max(1.0, pdf_page.get_width())
        bitmap = pdf_page.render(scale=scale, rev_byteorder=True)
        array = bitmap.to_numpy()[:, :, :3].copy()  # RGB, contiguous
        return PageImage(width=array.shape[1], height=array.shape[0], rgb=array.tobytes(), page=page, pages=count)
    finally:
        document.close()
