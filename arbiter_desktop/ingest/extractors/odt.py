"""ODT text with odfpy: headings, paragraphs, lists and tables in document order; title and date from meta."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax import SAXException

from defusedxml import DefusedXmlException
from odf.opendocument import load

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.extractors.safezip import check_zip_package
from arbiter_desktop.ingest.extractors.text import CELL_SEPARATOR
from arbiter_desktop.ingest.readonly import open_source

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DC = "http://purl.org/dc/elements/1.1/"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_PARAGRAPHS = frozenset({(_TEXT, "p"), (_TEXT, "h")})
_ROW_GROUPS = frozenset({(_TABLE, name) for name in ("table-rows", "table-header-rows", "table-row-group")})
# Never text of the document: change-tracking records (deleted text), comments, note marks, declarations.
_SKIPPED = frozenset(
    {
        (_TEXT, "tracked-changes"),
        (_TEXT, "note-citation"),
        (_TEXT, "sequence-decls"),
        (_OFFICE, "annotation"),
        (_OFFICE, "forms"),
        (_TABLE, "covered-table-cell"),
    }
)
_MIMETYPE = "application/vnd.oasis.opendocument.text"
_FRACTION = re.compile(r"(\.\d{6})\d+")


def extract(path: Path) -> Extraction:
    try:
        source = open_source(path)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc.strerror or exc}") from exc
    with source:
        return _extract(source)


def _extract(source: BinaryIO) -> Extraction:
    refuse_encrypted(source)
    check_zip_package(source)
    try:
        source.seek(0)
        document = load(source)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc
    except DefusedXmlException as exc:  # odfpy parses with defusedxml too
        raise ExtractionError(ErrorReason.HOSTILE, f"XML declares a DTD or entities: {exc!r}") from exc
    except (KeyError, IndexError, ValueError, SAXException, zipfile.BadZipFile) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged ODT: {exc!r}") from exc
    if not str(document.mimetype).startswith(_MIMETYPE):
        raise ExtractionError(ErrorReason.UNSUPPORTED, f"not an ODF text document ({document.mimetype})")
    text, pages = join_pages([("\n".join(_block_lines(document.text)), "")])
    title, date = _meta(document.meta)
    return Extraction(text=text, pages=pages, title=title, date=date)


def refuse_encrypted(source: BinaryIO) -> None:
    """An encrypted ODT is a valid zip whose manifest carries <manifest:encryption-data>."""
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            info = archive.getinfo("META-INF/manifest.xml")
            if info.file_size > 1024 * 1024:
                return  # let the package check report it
            manifest = archive.read(info)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return  # the package check reports damaged zips
    if b"encryption-data" in manifest:
        raise ExtractionError(
            ErrorReason.ENCRYPTED, "password-protected OpenDocument file: remove the password in a working copy"
        )


def _block_lines(element: Any) -> Iterator[str]:
    for child in _elements(element):
        if child.qname in _PARAGRAPHS:
            yield _inline_text(child)
        elif child.qname == (_TABLE, "table"):
            yield from _table_lines(child)
        else:  # lists, list items, sections, index bodies, frames...
            yield from _block_lines(child)


def _table_lines(table: Any) -> Iterator[str]:
    for row in _rows(table):
        cells = []
        for cell in _elements(row):
            if cell.qname == (_TABLE, "table-cell"):
                cells.append(" ".join(line.strip() for line in _block_lines(cell) if line.strip()))
        yield CELL_SEPARATOR.join(cell for cell in cells if cell)


def _rows(element: Any) -> Iterator[Any]:
    for child in _elements(element):
        if child.qname == (_TABLE, "table-row"):
            yield child
        elif child.qname in _ROW_GROUPS:
            yield from _rows(child)


def _elements(element: Any) -> Iterator[Any]:
    for child in element.childNodes:
        if child.nodeType == child.ELEMENT_NODE and child.qname not in _SKIPPED:
            yield child


def _inline_text(element: Any) -> str:
    parts: list[str] = []
    _collect_inline(element, parts)
    return "".join(parts)


def _collect_inline(element: Any, parts: list[str]) -> None:
    for child in element.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
        elif child.nodeType != child.ELEMENT_NODE or child.qname in _SKIPPED:
            continue
        elif child.qname == (_TEXT, "s"):
            parts.append(" " * _space_count(child))
        elif child.qname == (_TEXT, "tab"):
            parts.append("\t")
        elif child.qname == (_TEXT, "line-break"):
            parts.append("\n")
        elif child.qname in _PARAGRAPHS:  # in a frame, a note body
            parts.append("\n")
            _collect_inline(child, parts)
        else:
            _collect_inline(child, parts)


def _space_count(element: Any) -> int:
    value = element.getAttrNS(_TEXT, "c")
    return min(int(value), 100) if value and str(value).isdigit() else 1


def _meta(meta: Any) -> tuple[str, datetime | None]:
    values: dict[tuple[str, str], str] = {}
    for child in _elements(meta):
        values.setdefault(child.qname, _inline_text(child).strip())
    title = values.get((_DC, "title"), "")
    for key in ((_META, "creation-date"), (_DC, "date")):
        date = _parse_date(values.get(key, ""))
        if date is not None:
            return title, date
    return title, None


def _parse_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(_FRACTION.sub(r"\1", value)) if value else None
    except ValueError:
        return None
