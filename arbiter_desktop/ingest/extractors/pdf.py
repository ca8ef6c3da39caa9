"""PDF text, one page span per PDF page, with pypdfium2. Pages without a usable text layer (scans) are marked for
OCR (``Extraction.ocr_pages``; ``ingest/ocr/layer.py`` says which), recognised in a later phase of indexing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.ocr.layer import needs_ocr
from arbiter_desktop.ingest.readonly import open_source

# D:YYYYMMDDHHmmSSOHH'mm' with everything after the year optional.
_PDF_DATE = re.compile(
    r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?"
)


def extract(path: Path) -> Extraction:
    document = _open(path)
    try:
        pages: list[tuple[str, str]] = []
        ocr_pages: list[int] = []
        for index in range(len(document)):
            text, ocr = _page_text(document, index)
            pages.append((text, ""))
            if ocr:
                ocr_pages.append(index + 1)
        metadata = document.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged PDF: {exc}") from exc
    finally:
        document.close()
    text, spans = join_pages(pages)
    fields = {key.lower(): value.strip() for key, value in metadata.items() if key in ("Author", "Subject")}
    fields = {key: value for key, value in fields.items() if value}
    return Extraction(
        text=text,
        pages=spans,
        title=metadata.get("Title", "").strip(),
        fields=fields,
        date=parse_pdf_date(metadata.get("CreationDate", "")),
        ocr_pages=tuple(ocr_pages),
    )


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        handle = open_source(path)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        return pdfium.PdfDocument(handle, autoclose=True)  # pdfium reads through the read-only handle
    except pdfium.PdfiumError as exc:
        handle.close()
        raise _open_error(exc) from exc
    except BaseException:
        handle.close()
        raise


def _open_error(exc: pdfium.PdfiumError) -> ExtractionError:
    if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
        return ExtractionError(ErrorReason.ENCRYPTED, "password-protected PDF")
    if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
        return ExtractionError(ErrorReason.ENCRYPTED, "PDF uses an unsupported security handler")
    if exc.err_code == pdfium_c.FPDF_ERR_FILE:
        return ExtractionError(ErrorReason.UNREADABLE, "cannot open the file")
    return ExtractionError(ErrorReason.CORRUPT, f"damaged or invalid PDF: {exc}")


def _page_text(document: pdfium.PdfDocument, index: int) -> tuple[str, bool]:
    """The page's text, and whether it needs OCR (then the text kept meanwhile: "" for an unusable layer). A page
    pdfium cannot load counts as empty (no OCR either) so the others (and numbering) survive."""
    try:
        page = document[index]
    except pdfium.PdfiumError:
        return "", False
    try:
        textpage = page.get_textpage()
        try:
            text = str(textpage.get_text_range())
        finally:
            textpage.close()
        ocr, keep = needs_ocr(text, page)
        return (text if keep else ""), ocr
    finally:
        page.close()


def parse_pdf_date(value: str) -> datetime | None:
    """A PDF date string ("D:20240315103000+01'00'") as a datetime, aware when the string has an offset."""
    match = _PDF_DATE.match(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, zulu, sign, off_h, off_m = match.groups()
    try:
        tz: timezone | None = None
        if zulu:
            tz = UTC
        elif sign:
            offset = timedelta(hours=int(off_h), minutes=int(off_m or 0))
            tz = timezone(-offset if sign == "-" else offset)
        return datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
