"""DOCX text with python-docx: headers, body (paragraphs and tables in order, tracked insertions and content
controls included, deletions left out), footers; one page, since DOCX has no reliable page breaks."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import PackageNotFoundError

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.extractors.safezip import check_zip_package
from arbiter_desktop.ingest.extractors.text import CELL_SEPARATOR
from arbiter_desktop.ingest.readonly import open_source

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _T = (_W + name for name in ("p", "tbl", "tr", "tc", "t"))
_WRAPPERS = frozenset(_W + name for name in ("sdt", "sdtContent", "customXml", "ins", "smartTag"))
_BREAKS = frozenset({_W + "br", _W + "cr"})
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def extract(path: Path) -> Extraction:
    try:
        source = open_source(path)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc.strerror or exc}") from exc
    with source:
        return _extract(source)


def _extract(source: BinaryIO) -> Extraction:
    _refuse_ole(source)
    check_zip_package(source)
    try:
        source.seek(0)
        document = docx.Document(source)
    except ValueError as exc:
        raise ExtractionError(ErrorReason.UNSUPPORTED, f"not a Word document: {exc}") from exc
    except (PackageNotFoundError, KeyError, SyntaxError, zipfile.BadZipFile) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged DOCX: {exc}") from exc
    headers, footers = _headers_footers(document)
    body = [line for line in _block_lines(document.element.body) if line.strip()]
    text, pages = join_pages([("\n".join([*headers, *body, *footers]), "")])
    title, fields, date = _core_properties(document)
    return Extraction(text=text, pages=pages, title=title, fields=fields, date=date)


def _refuse_ole(source: BinaryIO) -> None:
    """Password-protected DOCX files are OLE containers holding an "EncryptedPackage" stream."""
    try:
        source.seek(0)
        head = source.read(64 * 1024)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc
    if head.startswith(_CFB_MAGIC):
        if _ENCRYPTED_PACKAGE in head:
            raise ExtractionError(ErrorReason.ENCRYPTED, "password-protected Word document")
        raise ExtractionError(ErrorReason.UNSUPPORTED, "legacy Word (.doc) document, not DOCX")


def _headers_footers(document: Any) -> tuple[list[str], list[str]]:
    """Lines of every defined header and footer, each distinct text once, across all sections."""
    seen: set[str] = set()
    headers: list[str] = []
    footers: list[str] = []
    for section in document.sections:
        kinds = (
            (headers, (section.header, section.first_page_header, section.even_page_header)),
            (footers, (section.footer, section.first_page_footer, section.even_page_footer)),
        )
        for target, parts in kinds:
            for header_footer in parts:
                if header_footer.is_linked_to_previous:
                    continue
                text = "\n".join(_block_lines(header_footer.part.element)).strip()
                if text and text not in seen:
                    seen.add(text)
                    target.append(text)
    return headers, footers


def _block_lines(container: Any) -> Iterator[str]:
    """Paragraph and table-row lines of a body, cell, header or content control, in document order."""
    for child in container.iterchildren():
        if child.tag == _P:
            yield _inline_text(child)
        elif child.tag == _TBL:
            yield from _table_lines(child)
        elif child.tag in _WRAPPERS:
            yield from _block_lines(child)


def _table_lines(table: Any) -> Iterator[str]:
    for row in _children(table, _TR):
        cells = (" ".join(line.strip() for line in _block_lines(cell) if line.strip()) for cell in _children(row, _TC))
        yield CELL_SEPARATOR.join(cell for cell in cells if cell)


def _children(element: Any, tag: str) -> Iterator[Any]:
    """Child elements with ``tag``, looking through content-control and custom-XML wrappers."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _inline_text(element: Any) -> str:
    parts: list[str] = []
    _collect_inline(element, parts)
    return "".join(parts)


def _collect_inline(element: Any, parts: list[str]) -> None:
    """Text of runs, hyperlinks, insertions, fields and text boxes; skips deleted text and field codes."""
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag == _MC_FALLBACK:
            continue
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _P:
            parts.append("\n")
            _collect_inline(child, parts)
        else:
            _collect_inline(child, parts)


def _core_properties(document: Any) -> tuple[str, dict[str, str], datetime | None]:
    """Title, fields and creation date, only when the package has a core-properties part (python-docx
    would otherwise invent defaults)."""
    rels = document.part.package.rels.values()
    if not any(rel.reltype == RELATIONSHIP_TYPE.CORE_PROPERTIES for rel in rels):
        return "", {}, None
    core = document.core_properties
    fields = {name: (getattr(core, name) or "").strip() for name in ("author", "subject")}
    created = core.created
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return (core.title or "").strip(), {k: v for k, v in fields.items() if v}, created
