"""A page as an image for OCR and for the preview: a PDF page rendered, or a frame of an image file.

Limits keep a hostile or oversized file from exhausting a worker: an image is refused, from its header and before
any pixel is decoded, when it holds more than ``MAX_PIXELS`` pixels (a decompression bomb: a few kilobytes that
decode to gigabytes) or more than ``MAX_FRAMES`` frames; a PDF page is rendered at the OCR resolution unless that
would exceed ``MAX_RENDER_PIXELS``, then at the largest resolution within it. Photos are turned as their EXIF
orientation says (a phone stores the picture as the sensor saw it, with a tag saying how to turn it).

What the OCR reads (:func:`page_image`), measured on pages of the dev corpora (``bench/bench_ocr.py``): a scanned
PDF page is rendered at the resolution of its scan (at most ``OCR_DPI``) — rendering a 150 dpi scan at 300 dpi
took the character error rate from 2.2 % to 13 % — then, like every page, in grey through a 3×3 median filter,
which removes the specks of a noisy scan (degraded 150 dpi pages: 2.2 % → 0.4 %; clean ones unchanged).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from arbiter_desktop.domain import ErrorReason, ExtractionError, FileKind
from arbiter_desktop.ingest.ocr.source import Locator, open_document

MAX_PIXELS = 120_000_000  # one frame of an image file: a 600 dpi A3 scan is 70 MP, a 108 MP phone photo passes
MAX_FRAMES = 10_000  # frames (pages) of a multi-page TIFF
MAX_RENDER_PIXELS = 40_000_000  # a PDF page rendered for OCR (A4 at 300 dpi: 8.7 MP)
MAX_OCR_PIXELS = 40_000_000  # a frame larger than this is scaled down before recognition
OCR_DPI = 300  # a PDF page is rendered at this resolution, or at its scan's own when lower (see pdf_page)
MIN_DPI = 100

Image.MAX_IMAGE_PIXELS = None  # Pillow's own guard is replaced by ours, which names the sizes (open_image)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    frames: int
    width: int  # of the first frame
    height: int
    format: str  # Pillow's name: JPEG, PNG, TIFF, GIF, BMP, WEBP


def _too_large(width: int, height: int) -> ExtractionError:
    return ExtractionError(
        ErrorReason.TOO_LARGE,
        f"image of {width} × {height} pixels ({width * height / 1e6:.0f} megapixels) is over the limit of "
        f"{MAX_PIXELS / 1e6:.0f} megapixels (a decompression bomb, or a scan at an extreme resolution): "
        "reduce it in a working copy to index it",
    )


@contextmanager
def open_image(locator: Locator) -> Iterator[Image.Image]:
    """The image file at ``locator``, opened lazily (header only) and checked against the limits."""
    try:
        handle: BinaryIO = open_document(locator)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc.strerror or exc}") from exc
    with handle:
        try:
            image = Image.open(handle)
        except UnidentifiedImageError as exc:
            raise ExtractionError(ErrorReason.CORRUPT, "damaged image: its format cannot be read") from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise ExtractionError(ErrorReason.CORRUPT, f"damaged image: {exc}") from exc
        with image:
            if image.width * image.height > MAX_PIXELS:
                raise _too_large(image.width, image.height)
            yield image


def image_info(locator: Locator) -> ImageInfo:
    """Frames and size of an image file, read from its headers (no pixel decoded). A GIF is one page, its first
    frame (the other frames of an animation are not pages)."""
    with open_image(locator) as image:
        try:
            frames = 1 if image.format == "GIF" else int(getattr(image, "n_frames", 1))
        except (OSError, ValueError, EOFError) as exc:
            raise ExtractionError(ErrorReason.CORRUPT, f"damaged multi-page image: {exc}") from exc
        if frames > MAX_FRAMES:
            raise ExtractionError(
                ErrorReason.TOO_LARGE, f"image with {frames} frames: over the limit of {MAX_FRAMES} pages"
            )
        return ImageInfo(frames=max(1, frames), width=image.width, height=image.height, format=str(image.format))


def image_frame(locator: Locator, page: int) -> Image.Image:
    """Frame ``page`` (1-based) of an image file, decoded, upright as its EXIF orientation says, in grey or RGB."""
    with open_image(locator) as image:
        try:
            if page > 1:
                image.seek(page - 1)
            if image.width * image.height > MAX_PIXELS:
                raise _too_large(image.width, image.height)
            image.load()
            upright = ImageOps.exif_transpose(image)
            mode = "L" if upright.mode in ("1", "L", "I;16", "I", "F", "LA") else "RGB"
            return upright.convert(mode)
        except EOFError as exc:
            raise ExtractionError(ErrorReason.CORRUPT, f"page {page} does not exist in the image") from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise ExtractionError(ErrorReason.CORRUPT, f"damaged image: {exc}") from exc


def scan_dpi(page: pdfium.PdfPage) -> float | None:
    """The resolution of the largest image drawn on the page (its scan), as placed; None without an image."""
    best: tuple[float, float] | None = None  # (area, dpi)
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        if not isinstance(image, pdfium.PdfImage):
            continue
        try:
            left, bottom, right, top = image.get_bounds()
            metadata = image.get_metadata()
        except pdfium.PdfiumError:
            continue
        area = abs(right - left) * abs(top - bottom)
        dpi = max(float(metadata.horizontal_dpi), float(metadata.vertical_dpi))
        if dpi > 0 and (best is None or area > best[0]):
            best = (area, dpi)
    return best[1] if best is not None else None


def pdf_page(locator: Locator, page: int, dpi: int | None = None, max_pixels: int = MAX_RENDER_PIXELS) -> Image.Image:
    """Page ``page`` (1-based) of a PDF rendered in grey, as printed: at ``dpi``, or by default at its scan's own
    resolution within [``MIN_DPI``, ``OCR_DPI``] (``OCR_DPI`` for a page without an image); less if the page is
    huge."""
    try:
        handle = open_document(locator)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        document = pdfium.PdfDocument(handle, autoclose=True)
    except pdfium.PdfiumError as exc:
        handle.close()
        raise ExtractionError(ErrorReason.CORRUPT, f"cannot open the PDF: {exc}") from exc
    try:
        if not 1 <= page <= len(document):
            raise ExtractionError(ErrorReason.CORRUPT, f"page {page} does not exist (the PDF has {len(document)})")
        pdf = document[page - 1]
        try:
            if dpi is None:
                found = scan_dpi(pdf)
                dpi = OCR_DPI if found is None else round(min(OCR_DPI, max(MIN_DPI, found)))
            width_pt, height_pt = pdf.get_size()
            scale = dpi / 72
            area = max(1.0, width_pt * height_pt) * scale * scale
            if area > max_pixels:
                scale *= (max_pixels / area) ** 0.5
            bitmap = pdf.render(scale=scale, grayscale=True)
            rendered: Image.Image = bitmap.to_pil().convert("L")
            return rendered
        finally:
            pdf.close()
    except pdfium.PdfiumError as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"cannot render page {page}: {exc}") from exc
    finally:
        document.close()


MESSAGE_KINDS = (FileKind.EML, FileKind.MBOX, FileKind.MSG)  # their pages to recognise are attachments


def page_image(locator: Locator, kind: FileKind, page: int) -> Image.Image:
    """Page ``page`` of a document as the OCR reads it: a PDF page, a frame of an image file, or, for a message,
    the page of an attachment that its page ``page`` is; in grey, cleaned of specks (see the module's doc)."""
    if kind in MESSAGE_KINDS:
        from arbiter_desktop.ingest.extractors.email import page_source

        attachment, inner_kind, inner_page = page_source(locator, kind, page)
        return page_image(attachment, inner_kind, inner_page)
    if kind is FileKind.PDF:
        image = pdf_page(locator, page)
    elif kind is FileKind.IMAGE:
        image = image_frame(locator, page)
        if image.width * image.height > MAX_OCR_PIXELS:
            factor = (MAX_OCR_PIXELS / (image.width * image.height)) ** 0.5
            image = image.resize((max(1, int(image.width * factor)), max(1, int(image.height * factor))))
    else:
        raise ExtractionError(ErrorReason.UNSUPPORTED, f"no page images in a {kind.value} document")
    cleaned: Image.Image = image.convert("L").filter(ImageFilter.MedianFilter(3))
    return cleaned
