"""One extractor per format. Each module exposes ``extract(path: Path) -> Extraction``.

``extract`` picks the module for a detected :class:`FileKind`. Extractors raise :class:`ExtractionError` with
a reason for files they cannot read; any other exception is a bug in the parser and is reported as
``corrupt`` by the caller. What an extractor returns is cleaned of lone surrogates (undecodable bytes that a
parser let through), which no store can hold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError, FileKind
from arbiter_desktop.safetext import clean

Extractor = Callable[[Path], Extraction]


def _registry() -> dict[FileKind, Extractor]:
    # Imported lazily: a worker process only pays for the parsers it uses.
    from arbiter_desktop.ingest.extractors import doc, docx, email, html, msg, odt, pdf, pptx, rtf, spreadsheet, text

    return {
        FileKind.PDF: pdf.extract,
        FileKind.DOCX: docx.extract,
        FileKind.ODT: odt.extract,
        FileKind.RTF: rtf.extract,
        FileKind.TEXT: text.extract,
        FileKind.MARKDOWN: text.extract,
        FileKind.CSV: spreadsheet.extract_csv,
        FileKind.HTML: html.extract,
        FileKind.EML: email.extract_eml,
        FileKind.MBOX: email.extract_mbox,
        FileKind.XLSX: spreadsheet.extract,
        FileKind.XLS: spreadsheet.extract,
        FileKind.ODS: spreadsheet.extract,
        FileKind.DOC: doc.extract,
        FileKind.PPTX: pptx.extract,
        FileKind.MSG: msg.extract,
    }


def supported_kinds() -> frozenset[FileKind]:
    return frozenset(kind for kind in FileKind if kind is not FileKind.UNKNOWN)


def extract(path: Path, kind: FileKind) -> Extraction:
    """Extract text from ``path`` read as ``kind``; raises ExtractionError when it cannot."""
    extractor = _registry().get(kind)
    if extractor is None:
        raise ExtractionError(ErrorReason.UNSUPPORTED, f"unsupported format ({kind.value})")
    result = extractor(path)
    if not result.text.strip():
        raise ExtractionError(ErrorReason.EMPTY, "no extractable text (empty document, or scanned images only)")
    return dataclasses.replace(
        result,
        text=clean(result.text),  # same length: the page map and chunk offsets stay true
        title=clean(result.title),
        fields={clean(k): clean(v) for k, v in result.fields.items()},
    )
