"""ODT text, streamed from ``content.xml`` with expat: headings, paragraphs, lists and tables in document order;
title and date from ``meta.xml``.

No object tree is built: one pass through a small state machine (block → paragraph, or block → table → row →
cell → block), with the same refusals as every other XML part of an office document (safezip.py).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.extractors.safezip import check_archive, in_memory, parse_member, safe_parser
from arbiter_desktop.ingest.extractors.text import CELL_SEPARATOR
from arbiter_desktop.ingest.profile import stage
from arbiter_desktop.ingest.readonly import open_source

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0 "
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
_DC = "http://purl.org/dc/elements/1.1/ "
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0 "
_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0 "
_PARAGRAPHS = frozenset({_TEXT + "p", _TEXT + "h"})
_TABLE_TABLE, _ROW, _CELL_TAG = _TABLE + "table", _TABLE + "table-row", _TABLE + "table-cell"
_ROW_GROUPS = frozenset(_TABLE + name for name in ("table-rows", "table-header-rows", "table-row-group"))
_SPACE, _TAB, _LINE_BREAK = _TEXT + "s", _TEXT + "tab", _TEXT + "line-break"
# Never text of the document: change-tracking records (deleted text), comments, note marks, declarations.
_SKIPPED = frozenset(
    {
        _TEXT + "tracked-changes",
        _TEXT + "note-citation",
        _TEXT + "sequence-decls",
        _OFFICE + "annotation",
        _OFFICE + "forms",
        _TABLE + "covered-table-cell",
    }
)
_MIMETYPE = "application/vnd.oasis.opendocument.text"
_FRACTION = re.compile(r"(\.\d{6})\d+")

# Modes of the content reader: what an element's children mean.
_SKIP, _DOCUMENT, _BODY, _BLOCK, _INLINE, _TABLE_ROWS, _CELLS, _CELL = range(8)


def extract(path: Path) -> Extraction:
    try:
        source = open_source(path)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc.strerror or exc}") from exc
    with source:
        with stage("read"):
            source = in_memory(source)
        return _extract(source)


def _extract(source: BinaryIO) -> Extraction:
    refuse_encrypted(source)
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            with stage("scan"):
                check_archive(archive)
            mimetype = _mimetype(archive)
            if not mimetype.startswith(_MIMETYPE):
                raise ExtractionError(ErrorReason.UNSUPPORTED, f"not an ODF text document ({mimetype})")
            content = _Content()
            parse_member(archive, "content.xml", content.parser())
            title, date = _meta(archive)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged ODT: {exc!r}") from exc
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc
    text, pages = join_pages([("\n".join(content.lines), "")])
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


def _mimetype(archive: zipfile.ZipFile) -> str:
    """The package's media type: its ``mimetype`` member, else the manifest's root entry, else a text document."""
    try:
        info = archive.getinfo("mimetype")
    except KeyError:
        pass
    else:
        return archive.read(info)[:256].decode("utf-8", errors="replace").strip()
    try:
        archive.getinfo("META-INF/manifest.xml")
    except KeyError:
        return _MIMETYPE
    found: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == _MANIFEST + "file-entry" and attrs.get(_MANIFEST + "full-path") == "/":
            found.append(attrs.get(_MANIFEST + "media-type", ""))

    parser = safe_parser(namespaces=True)
    parser.StartElementHandler = start
    parse_member(archive, "META-INF/manifest.xml", parser)
    return found[0] if found else _MIMETYPE


@dataclass(slots=True)
class _Frame:
    mode: int
    lines: list[str]  # where the lines of this block go (the document's, or a table cell's)
    cells: list[str] = field(default_factory=list)  # a row's cell texts


class _Content:
    """Lines of ``office:body/office:text`` in document order, read from expat events."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._stack: list[_Frame] = []
        self._run: list[str] = []  # the paragraph being read

    def parser(self) -> object:
        parser = safe_parser(namespaces=True)
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        return parser

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        stack = self._stack
        if not stack:
            stack.append(_Frame(_DOCUMENT, self.lines))
            return
        top = stack[-1]
        mode = top.mode
        if mode == _SKIP or tag in _SKIPPED:
            stack.append(_Frame(_SKIP, top.lines))
        elif mode == _INLINE:
            run = self._run
            if tag == _SPACE:
                run.append(" " * _space_count(attrs.get(_TEXT + "c")))
            elif tag == _TAB:
                run.append("\t")
            elif tag == _LINE_BREAK or tag in _PARAGRAPHS:  # a paragraph: in a frame, a note body
                run.append("\n")
            stack.append(_Frame(_INLINE, top.lines))
        elif mode in (_BLOCK, _CELL):
            if tag in _PARAGRAPHS:
                self._run = []
                stack.append(_Frame(_INLINE, top.lines))
            elif tag == _TABLE_TABLE:
                stack.append(_Frame(_TABLE_ROWS, top.lines))
            else:  # lists, list items, sections, index bodies, frames…
                stack.append(_Frame(_BLOCK, top.lines))
        elif mode == _TABLE_ROWS:
            if tag == _ROW:
                stack.append(_Frame(_CELLS, top.lines))
            else:
                stack.append(_Frame(_TABLE_ROWS if tag in _ROW_GROUPS else _SKIP, top.lines))
        elif mode == _CELLS:
            stack.append(_Frame(_CELL, []) if tag == _CELL_TAG else _Frame(_SKIP, top.lines))
        elif mode == _DOCUMENT:
            stack.append(_Frame(_BODY if tag == _OFFICE + "body" else _SKIP, top.lines))
        else:  # _BODY: the text document's body; a spreadsheet or drawing body holds no text of ours
            stack.append(_Frame(_BLOCK if tag == _OFFICE + "text" else _SKIP, top.lines))

    def _end(self, tag: str) -> None:
        frame = self._stack.pop()
        if not self._stack:
            return
        parent = self._stack[-1]
        if frame.mode == _INLINE and parent.mode != _INLINE:
            frame.lines.append("".join(self._run))
            self._run = []
        elif frame.mode == _CELLS:
            frame.lines.append(CELL_SEPARATOR.join(cell for cell in frame.cells if cell))
        elif frame.mode == _CELL:
            parent.cells.append(" ".join(line.strip() for line in frame.lines if line.strip()))

    def _characters(self, data: str) -> None:
        if self._stack and self._stack[-1].mode == _INLINE:
            self._run.append(data)


def _space_count(value: str | None) -> int:
    return min(int(value), 100) if value and value.isdigit() else 1


def _meta(archive: zipfile.ZipFile) -> tuple[str, datetime | None]:
    """Title and creation date from ``meta.xml`` (first of each; the text of an element and its children)."""
    try:
        archive.getinfo("meta.xml")
    except KeyError:
        return "", None
    values: dict[str, str] = {}
    path: list[str] = []
    skipped = [0]

    def start(tag: str, attrs: dict[str, str]) -> None:
        path.append(tag)
        if tag in _SKIPPED or skipped[0]:
            skipped[0] += 1
        elif len(path) == 3 and path[1] == _OFFICE + "meta" and tag not in values:
            values[tag] = ""
            path[2] = tag  # the property whose text this is
        elif len(path) == 3:
            path[2] = ""  # a repeated property: the first one counts

    def end(tag: str) -> None:
        path.pop()
        if skipped[0]:
            skipped[0] -= 1

    def characters(data: str) -> None:
        if len(path) >= 3 and path[2] and not skipped[0]:
            values[path[2]] += data

    parser = safe_parser(namespaces=True)
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parse_member(archive, "meta.xml", parser)
    title = values.get(_DC + "title", "").strip()
    for key in (_META + "creation-date", _DC + "date"):
        date = _parse_date(values.get(key, "").strip())
        if date is not None:
            return title, date
    return title, None


def _parse_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(_FRACTION.sub(r"\1", value)) if value else None
    except ValueError:
        return None
