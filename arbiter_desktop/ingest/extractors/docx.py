"""DOCX text, streamed from the package's XML with expat: headers, body (paragraphs and tables in order, tracked
insertions and content controls included, deletions left out), footers; one page, since DOCX has no reliable
page breaks. Title, author, subject and creation date from the core properties, when the package has them.

No object tree is built: the body is read in one pass by a small state machine (block → paragraph → runs, or
block → table → row → cell → block), so a DOCX costs about what its ``document.xml`` costs to scan.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.extractors.safezip import check_archive, in_memory, parse_member, safe_parser
from arbiter_desktop.ingest.extractors.text import CELL_SEPARATOR
from arbiter_desktop.ingest.profile import stage
from arbiter_desktop.ingest.readonly import open_source

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main "
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships "
_MC_FALLBACK = "http://schemas.openxmlformats.org/markup-compatibility/2006 Fallback"
_P, _TBL, _TR, _TC, _T, _TAB, _NB_HYPHEN = (_W + n for n in ("p", "tbl", "tr", "tc", "t", "tab", "noBreakHyphen"))
_BODY, _SECT_PR = _W + "body", _W + "sectPr"
_WRAPPERS = frozenset(_W + name for name in ("sdt", "sdtContent", "customXml", "ins", "smartTag"))
_BREAKS = frozenset({_W + "br", _W + "cr"})
_REFERENCES = {_W + "headerReference": "header", _W + "footerReference": "footer"}
_REFERENCE_TYPES = ("default", "first", "even")  # the order python-docx gave them in: kept for the same text
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_WORD_MAIN = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    }
)
_OFFICE_DOCUMENT = "/officeDocument"  # relationship type suffix (transitional and strict)
_CORE_PROPERTIES = "/metadata/core-properties"
_PACKAGE_NS = "http://schemas.openxmlformats.org/package/2006/"
_DC, _DCTERMS = "http://purl.org/dc/elements/1.1/ ", "http://purl.org/dc/terms/ "
_CORE_FIELDS = {_DC + "title": "title", _DC + "creator": "author", _DC + "subject": "subject"}
_CREATED = _DCTERMS + "created"
_OFFSET = re.compile(r"([+-])(\d\d):(\d\d)")

# Modes of the body reader: what an element's children mean.
_SKIP, _DOCUMENT, _BLOCK, _PARAGRAPH, _TEXT, _TABLE, _ROW, _CELL = range(8)


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
    _refuse_ole(source)
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            with stage("scan"):
                check_archive(archive)
            return _read_package(_Package(archive))
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged DOCX: {exc}") from exc
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc


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


def _read_package(package: _Package) -> Extraction:
    main = package.target("", _OFFICE_DOCUMENT)
    if main is None:
        raise ExtractionError(ErrorReason.CORRUPT, "damaged DOCX: the package names no main document part")
    content_type = package.content_type(main)
    if content_type not in _WORD_MAIN:
        raise ExtractionError(ErrorReason.UNSUPPORTED, f"not a Word document (main part is {content_type or '?'})")
    body = _Body(_DOCUMENT)
    package.parse(main, body.parser())
    headers = _header_footer_texts(package, main, body.references, "header")
    footers = _header_footer_texts(package, main, body.references, "footer")
    lines = [line for line in body.lines if line.strip()]
    text, pages = join_pages([("\n".join([*headers, *lines, *footers]), "")])
    title, fields, date = _core_properties(package)
    return Extraction(text=text, pages=pages, title=title, fields=fields, date=date)


class _Package:
    """Part names, content types and relationships of an OPC package, read on demand with the safe parser."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = {info.filename.lower(): info.filename for info in archive.infolist()}
        self._types: tuple[dict[str, str], dict[str, str]] | None = None
        self._relationships: dict[str, list[tuple[str, str, str]]] = {}

    def member(self, part: str) -> str | None:
        return self.names.get(part.lstrip("/").lower())

    def parse(self, part: str, parser: object) -> None:
        name = self.member(part)
        if name is None:
            raise ExtractionError(ErrorReason.CORRUPT, f"damaged DOCX: the package lacks its part {part}")
        parse_member(self.archive, name, parser)

    def relationships(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type, target part) of ``part``'s internal relationships ("" for the package's own)."""
        if part not in self._relationships:
            self._relationships[part] = self._read_relationships(part)
        return self._relationships[part]

    def _read_relationships(self, part: str) -> list[tuple[str, str, str]]:
        folder, name = posixpath.split(part.lstrip("/"))
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        if self.member(rels) is None:
            return []
        found: list[tuple[str, str, str]] = []

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag.endswith(" Relationship") and attrs.get("TargetMode", "Internal") != "External":
                target = attrs.get("Target", "")
                path = target if target.startswith("/") else posixpath.join("/", folder, target)
                found.append((attrs.get("Id", ""), attrs.get("Type", ""), posixpath.normpath(path)))

        parser = safe_parser(namespaces=True)
        parser.StartElementHandler = start
        self.parse(rels, parser)
        return found

    def target(self, part: str, type_suffix: str) -> str | None:
        return next((t for _, kind, t in self.relationships(part) if kind.endswith(type_suffix)), None)

    def content_type(self, part: str) -> str:
        if self._types is None:
            defaults: dict[str, str] = {}
            overrides: dict[str, str] = {}

            def start(tag: str, attrs: dict[str, str]) -> None:
                if tag.endswith(" Default"):
                    defaults[attrs.get("Extension", "").lower()] = attrs.get("ContentType", "")
                elif tag.endswith(" Override"):
                    overrides[attrs.get("PartName", "").lower()] = attrs.get("ContentType", "")

            parser = safe_parser(namespaces=True)
            parser.StartElementHandler = start
            self.parse("[Content_Types].xml", parser)
            self._types = (defaults, overrides)
        defaults, overrides = self._types
        key = "/" + part.lstrip("/").lower()
        return overrides.get(key) or defaults.get(posixpath.splitext(key)[1].lstrip("."), "")


@dataclass(slots=True)
class _Frame:
    mode: int
    lines: list[str]  # where the lines of this block go (the body's, or a table cell's)
    cells: list[str] = field(default_factory=list)  # a row's cell texts


class _Body:
    """Lines of a body, header or footer in document order, read from expat events; the header and footer
    references of each section (``w:sectPr``) on the way."""

    def __init__(self, root_mode: int) -> None:
        self.lines: list[str] = []
        self.references: list[list[tuple[str, str, str]]] = [[]]  # per section: (header|footer, type, r:id)
        self._stack: list[_Frame] = []
        self._root_mode = root_mode
        self._run: list[str] = []  # the paragraph being read
        self._text_open = False  # inside a w:t, before any child element

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
            stack.append(_Frame(self._root_mode, self.lines))
            return
        top = stack[-1]
        mode = top.mode
        if tag in _REFERENCES:
            self.references[-1].append((_REFERENCES[tag], attrs.get(_W + "type", "default"), attrs.get(_R + "id", "")))
        if mode == _SKIP:
            stack.append(top)
        elif mode == _PARAGRAPH:
            self._text_open = False
            self._inline(tag, top)
        elif mode == _TEXT:
            self._text_open = False  # as lxml's .text: the characters before a first child element only
            stack.append(_Frame(_SKIP, top.lines))
        elif mode in (_BLOCK, _CELL):
            if tag == _P:
                self._run = []
                stack.append(_Frame(_PARAGRAPH, top.lines))
            elif tag == _TBL:
                stack.append(_Frame(_TABLE, top.lines))
            elif tag in _WRAPPERS:
                stack.append(_Frame(_BLOCK, top.lines))
            else:
                stack.append(_Frame(_SKIP, top.lines))
        elif mode == _TABLE:
            if tag == _TR:
                stack.append(_Frame(_ROW, top.lines))
            else:
                stack.append(_Frame(_TABLE if tag in _WRAPPERS else _SKIP, top.lines))
        elif mode == _ROW:
            if tag == _TC:
                stack.append(_Frame(_CELL, []))
            elif tag in _WRAPPERS:
                stack.append(_Frame(_ROW, top.lines, top.cells))  # a wrapper's cells belong to the row
            else:
                stack.append(_Frame(_SKIP, top.lines))
        else:  # _DOCUMENT: only the body holds text
            stack.append(_Frame(_BLOCK if tag == _BODY else _SKIP, top.lines))

    def _inline(self, tag: str, top: _Frame) -> None:
        """An element inside a paragraph: runs, hyperlinks, insertions, fields, text boxes; deleted text
        (w:delText) and field codes (w:instrText) are not w:t and stay out."""
        run = self._run
        if tag == _T:
            self._text_open = True
            self._stack.append(_Frame(_TEXT, top.lines))
            return
        if tag == _MC_FALLBACK:
            self._stack.append(_Frame(_SKIP, top.lines))
            return
        if tag == _TAB:
            run.append("\t")
        elif tag in _BREAKS:
            run.append("\n")
        elif tag == _NB_HYPHEN:
            run.append("-")
        elif tag == _P:  # a paragraph in a text box or a note, inside this one
            run.append("\n")
        self._stack.append(_Frame(_PARAGRAPH, top.lines))

    def _end(self, tag: str) -> None:
        frame = self._stack.pop()
        if tag == _SECT_PR:
            self.references.append([])
        if not self._stack:
            return
        parent = self._stack[-1]
        mode = frame.mode
        if mode == _TEXT:
            self._text_open = False
        elif mode == _PARAGRAPH and parent.mode != _PARAGRAPH:
            frame.lines.append("".join(self._run))
            self._run = []
        elif mode == _ROW and parent.mode == _TABLE:
            frame.lines.append(CELL_SEPARATOR.join(cell for cell in frame.cells if cell))
        elif mode == _CELL:
            parent.cells.append(" ".join(line.strip() for line in frame.lines if line.strip()))

    def _characters(self, data: str) -> None:
        if self._text_open:
            self._run.append(data)


def _header_footer_texts(
    package: _Package, main: str, references: list[list[tuple[str, str, str]]], kind: str
) -> list[str]:
    """Each defined header (or footer) text once, section after section, default/first/even in turn; a section
    that defines none of a type links to the previous one and adds nothing."""
    targets = {rid: target for rid, _, target in package.relationships(main)}
    texts: dict[str, str] = {}  # part → its text (a part shared by sections is read once)
    seen: set[str] = set()
    found: list[str] = []
    for section in references:
        by_type = {ref_type: rid for ref_kind, ref_type, rid in section if ref_kind == kind}
        for ref_type in _REFERENCE_TYPES:
            target = targets.get(by_type.get(ref_type, ""))
            if target is None:
                continue
            if target not in texts:
                part = _Body(_BLOCK)
                package.parse(target, part.parser())
                texts[target] = "\n".join(part.lines).strip()
            text = texts[target]
            if text and text not in seen:
                seen.add(text)
                found.append(text)
    return found


def _core_properties(package: _Package) -> tuple[str, dict[str, str], datetime | None]:
    """Title, fields and creation date, only when the package has a core-properties part (nothing invented)."""
    part = package.target("", _CORE_PROPERTIES)
    if part is None or package.member(part) is None:
        return "", {}, None
    values: dict[str, str] = {}
    current: list[str | None] = [None]
    depth = [0]

    def start(tag: str, attrs: dict[str, str]) -> None:
        depth[0] += 1
        current[0] = tag if depth[0] == 2 else None  # a property: a child of the root

    def end(tag: str) -> None:
        depth[0] -= 1
        current[0] = None

    def characters(data: str) -> None:
        if current[0] is not None:
            values[current[0]] = values.get(current[0], "") + data

    parser = safe_parser(namespaces=True)
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    package.parse(part, parser)
    fields = {name: values.get(tag, "").strip() for tag, name in _CORE_FIELDS.items()}
    title = fields.pop("title")
    return title, {k: v for k, v in fields.items() if v}, _w3cdtf(values.get(_CREATED, "").strip())


def _w3cdtf(value: str) -> datetime | None:
    """A W3CDTF date ("2024-03-15T10:30:00Z", "…+01:00", "2024-03-15", "2024") in UTC; None if unreadable."""
    head, offset = value[:19], value[19:]
    for pattern in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            parsed = datetime.strptime(head, pattern)
        except ValueError:
            continue
        match = _OFFSET.fullmatch(offset)
        if match:  # local time with its offset from UTC
            sign, hours, minutes = match.groups()
            delta = timedelta(hours=int(hours), minutes=int(minutes))
            parsed = parsed - delta if sign == "+" else parsed + delta
        return parsed.replace(tzinfo=UTC)
    return None
