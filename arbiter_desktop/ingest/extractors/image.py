"""Images of pages (JPEG, PNG, TIFF including multi-page, BMP, WebP): documents whose every page awaits OCR.

Extraction only reads the headers: the frames (pages) and their size, refused over the limits of
``ingest/ocr/images.py`` (a decompression bomb, an extreme resolution) before any pixel is decoded. The text comes
from the OCR phase.
"""

from __future__ import annotations

from pathlib import Path

from arbiter_desktop.domain import Extraction, PageSpan
from arbiter_desktop.ingest.ocr.images import image_info


def extract(path: Path) -> Extraction:
    info = image_info(str(path))
    pages = tuple(PageSpan(number, 0, 0) for number in range(1, info.frames + 1))
    return Extraction(text="", pages=pages, ocr_pages=tuple(p.number for p in pages))
