"""Safety checks for zip-based office documents (DOCX, ODT), and the one way their XML parts are parsed.

Sizes come from the zip's central directory, so a decompression bomb is refused without being inflated. XML is
read with expat and handlers that refuse DTDs, entity declarations and external references (the checks of
defusedxml, without ElementTree's per-token Python callback).

Every member is scanned up to the start of its root element: a document type, an entity declaration or an
external reference can only stand in that prolog (anywhere else they are not well-formed XML, which no parser
accepts), so the scan of a 400 KB ``styles.xml`` costs its first few hundred bytes instead of the whole part.
The parts an extractor reads (``word/document.xml``, ``content.xml``…) go through :func:`parse_member`, whose
parser applies the same refusals to the whole part and reports malformed XML as a damaged document.
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any, BinaryIO
from xml.parsers import expat

from arbiter_desktop.domain import ErrorReason, ExtractionError

MAX_MEMBERS = 10_000
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for members larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
_CHUNK = 64 * 1024
IN_MEMORY_BYTES = 64 * 1024 * 1024  # packages up to this size are read whole before they are opened
_PROLOG_CHUNK = 1024  # the scan reads a member in steps of this until its root element starts
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_XML_SUFFIXES = (".xml", ".rels")
NAMESPACE_SEPARATOR = " "  # names reach the handlers of parse_member as "namespace-uri local-name"


class _Hostile(Exception):
    """A construct that a document part must not hold (raised from an expat handler)."""


class _RootReached(Exception):
    """The scan met the root element: the prolog, where declarations live, is over."""


def safe_parser(forbid_dtd: bool = True, namespaces: bool = False) -> Any:
    """An expat parser that raises _Hostile on a DTD (if ``forbid_dtd``), an entity declaration or an external
    reference; with ``namespaces``, element names are "uri local" (:data:`NAMESPACE_SEPARATOR`)."""

    def doctype(name: str, system_id: str | None, public_id: str | None, internal_subset: bool) -> None:
        if forbid_dtd:
            raise _Hostile(f"document type declaration <!DOCTYPE {name}>")
        if system_id or public_id:
            raise _Hostile(f"external document type {system_id or public_id}")

    def entity(name: str, *_: object) -> None:
        raise _Hostile(f"entity declaration {name}")

    def external(context: str | None, base: str | None, system_id: str | None, public_id: str | None) -> int:
        raise _Hostile(f"external reference {system_id or public_id}")

    parser = expat.ParserCreate(namespace_separator=NAMESPACE_SEPARATOR) if namespaces else expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    return parser


def in_memory(source: BinaryIO) -> BinaryIO:
    """The whole file in memory when it is at most IN_MEMORY_BYTES (a zip is read by many small seeks and
    reads, each a system call on a file), else ``source`` itself."""
    try:
        size = os.fstat(source.fileno()).st_size
        if size > IN_MEMORY_BYTES:
            return source
        return io.BytesIO(source.read(IN_MEMORY_BYTES + 1))
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc


def check_zip_package(source: BinaryIO) -> None:
    """Raise ExtractionError (HOSTILE, TOO_LARGE, CORRUPT, UNREADABLE, ENCRYPTED) unless the package is safe to
    parse.

    ``source`` is the open file that the parser reads next (the check and the parse see the same file)."""
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            check_archive(archive)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged zip container: {exc}") from exc
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc


def check_archive(archive: zipfile.ZipFile) -> None:
    """:func:`check_zip_package` on a package already open (the one the extractor then reads: its directory is
    read once)."""
    try:
        infos = archive.infolist()
        check_sizes(infos)
        for info in infos:
            if not info.is_dir():
                _scan_prolog(archive, info)
    except ExtractionError:
        raise
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged zip container: {exc}") from exc
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc


def check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a package too many members, encrypted members, a decompression bomb or too many bytes in all."""
    if len(infos) > MAX_MEMBERS:
        raise ExtractionError(ErrorReason.HOSTILE, f"zip container has {len(infos)} members (bomb?)")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ExtractionError(ErrorReason.ENCRYPTED, f"zip member {info.filename} is password-protected")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise ExtractionError(
                ErrorReason.HOSTILE,
                f"decompression bomb: {info.filename} expands {ratio:.0f} times ({info.file_size} bytes)",
            )
        total += info.file_size
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise ExtractionError(
            ErrorReason.TOO_LARGE, f"document expands to {total} bytes (limit {MAX_TOTAL_UNCOMPRESSED})"
        )


def _scan_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Stream a member's prolog through the scanning parser. Members named .xml/.rels may hold no DOCTYPE; any
    other member that looks like markup (parsers pick parts by content type, not by name) must at least declare
    no entity and reference nothing external (an HTML part may carry <!DOCTYPE html>)."""
    named_xml = info.filename.lower().endswith(_XML_SUFFIXES)
    parser = safe_parser(forbid_dtd=named_xml)

    def root(*_: object) -> None:
        raise _RootReached

    parser.StartElementHandler = root
    try:
        with archive.open(info) as member:
            chunk = member.read(_PROLOG_CHUNK)
            if not named_xml and not _looks_like_markup(chunk):
                return  # images, fonts, binaries
            while chunk:
                parser.Parse(chunk, False)
                chunk = member.read(_PROLOG_CHUNK)
        parser.Parse(b"", True)
    except _RootReached:
        return
    except _Hostile as exc:
        raise ExtractionError(
            ErrorReason.HOSTILE, f"XML part {info.filename} declares a DTD or entities: {exc}"
        ) from exc
    except expat.ExpatError as exc:
        if named_xml:
            raise ExtractionError(ErrorReason.CORRUPT, f"malformed XML in {info.filename}: {exc}") from exc


def parse_member(archive: zipfile.ZipFile, name: str, parser: Any) -> None:
    """Stream the member ``name`` through ``parser`` (made by :func:`safe_parser`, its content handlers set).
    A missing member, malformed XML or a damaged stream is CORRUPT; a DTD or entity is HOSTILE."""
    try:
        try:
            member = archive.open(name)
        except KeyError as exc:
            raise ExtractionError(ErrorReason.CORRUPT, f"the document lacks its part {name}") from exc
        with member:
            while chunk := member.read(_CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Hostile as exc:
        raise ExtractionError(ErrorReason.HOSTILE, f"XML part {name} declares a DTD or entities: {exc}") from exc
    except expat.ExpatError as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"malformed XML in {name}: {exc}") from exc
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged zip member {name}: {exc}") from exc
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc


def _looks_like_markup(chunk: bytes) -> bool:
    return chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or chunk.startswith(_UTF16_BOMS)
