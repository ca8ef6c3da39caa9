"""A page as an image, for the preview: a PDF page, or a frame of an image file; for a page whose text was
recognised by OCR, turned upright as the OCR read it, with boxes around the words of the matches. The file is read
with the same read-only open as indexing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from arbiter_desktop.domain import OCR_BOX_SCALE, ErrorReason, ExtractionError, FileKind, OcrWord
from arbiter_desktop.ingest.ocr.images import image_frame, image_info
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
    boxes: tuple[tuple[int, int, int, int], ...] = ()  # pixel rectangles (x0, y0, x1, y1) of the words to mark


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


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A page the preview wants to show: of which document, and which matches (document offsets) to mark."""

    path: str
    kind: FileKind
    document_id: int
    page: int
    ranges: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class PageMarks:
    """How a page was recognised and which of its words to box: from the catalog (``Catalog.ocr_page``)."""

    rotation: int  # degrees (counter-clockwise) the OCR turned the page to read it upright
    words: tuple[OcrWord, ...]  # offsets relative to the page's start in the document text
    page_start: int  # offset of the page in the document text
    ranges: tuple[tuple[int, int], ...]  # matches to box, as offsets in the document text


def marked_boxes(marks: PageMarks, width: int, height: int) -> tuple[tuple[int, int, int, int], ...]:
    """Pixel boxes, in an upright image of ``width`` × ``height``, of the words that overlap the matches."""
    boxes: list[tuple[int, int, int, int]] = []
    for word in marks.words:
        start, end = marks.page_start + word.start, marks.page_start + word.end
        if any(a < end and start < b for a, b in marks.ranges):
            x0, y0, x1, y1 = word.box
            boxes.append(
                (
                    x0 * width // OCR_BOX_SCALE,
                    y0 * height // OCR_BOX_SCALE,
                    -(-x1 * width // OCR_BOX_SCALE),
                    -(-y1 * height // OCR_BOX_SCALE),
                )
            )
    return tuple(boxes)


def _to_page_image(image: Image.Image, page: int, pages: int, marks: PageMarks | None) -> PageImage:
    rgb = image.convert("RGB")
    if marks is not None and marks.rotation:
        width = rgb.width
        rgb = rgb.rotate(marks.rotation, expand=True)
        rgb = rgb.resize((width, max(1, round(rgb.height * width / max(1, rgb.width)))))  # as wide as asked
    boxes = marked_boxes(marks, rgb.width, rgb.height) if marks is not None else ()
    return PageImage(rgb.width, rgb.height, rgb.tobytes(), page, pages, boxes)


def render_image_page(path: Path, page: int, width_px: int = 900) -> PageImage:
    """Frame ``page`` (1-based) of an image file, upright as its EXIF orientation says, about ``width_px`` wide."""
    frames = image_info(str(path)).frames
    if not 1 <= page <= frames:
        raise ExtractionError(ErrorReason.CORRUPT, f"page {page} does not exist (the image has {frames})")
    image = image_frame(str(path), page)
    height = max(1, round(image.height * width_px / max(1, image.width)))
    return _to_page_image(image.resize((width_px, height)), page, frames, None)


def render_page(
    pages: PdfPages, path: Path, kind: FileKind, page: int, width_px: int, marks: PageMarks | None = None
) -> PageImage:
    """Page ``page`` of a PDF or image document for the preview; with ``marks``, upright as the OCR read it and
    with the matched words boxed."""
    if kind is FileKind.PDF:
        plain = pages.render(path, page, width_px)
    elif kind is FileKind.IMAGE:
        plain = render_image_page(path, page, width_px)
    else:
        raise ExtractionError(ErrorReason.UNSUPPORTED, f"a {kind.value} document has no page image")
    if marks is None:
        return plain
    image = Image.frombytes("RGB", (plain.width, plain.height), plain.rgb)
    return _to_page_image(image, plain.page, plain.pages, marks)
