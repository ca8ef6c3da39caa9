"""Recognise a file's format from its content, and decode text whose encoding is not declared.

Content decides first (magic bytes, zip members, header lines); the extension only chooses between the plain
text kinds (text, Markdown, CSV). Only a bounded head of the file is read, plus a zip's central directory.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, cast

from charset_normalizer import from_bytes

from arbiter_desktop.domain import FileKind
from arbiter_desktop.ingest.readonly import open_source

HEAD_BYTES = 64 * 1024
_PDF_SEARCH = 1024
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SEVENZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
_PST_MAGIC = b"!BDN"
_COMPRESSED_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")  # gzip, bzip2, xz: a tar inside is a container
_TAR_MAGIC_OFFSET = 257
# Formats whose first bytes could pass for text (the others have NULs or control bytes early on).
_BINARY_MAGIC = (b"\xd0\xcf\x11\xe0", b"\x1f\x8b")
# Images whose text OCR recognises: JPEG, PNG, TIFF (little- and big-endian, classic and BigTIFF), GIF; BMP and
# WebP are told by their headers (_is_bmp, _is_webp).
_IMAGE_MAGIC = (
    *(b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"),
    *(b"GIF87a", b"GIF89a"),
)
_BMP_INFO_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
# Office documents saved with a password are OLE files holding an encrypted package: named by their extension,
# so that their extractor reports them as encrypted.
_ENCRYPTED_PACKAGE_KINDS = {".xlsx": FileKind.XLSX, ".xlsm": FileKind.XLSX, ".pptx": FileKind.PPTX}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Characters expected in French text once decoded: used to choose between single-byte code pages.
_FRENCH = frozenset("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»°€§²…—\u2013\u2018\u2019\u201c\u201d")
_SINGLE_BYTE = ("cp1252", "cp850", "mac_roman")
_MAX_CHAOS = 0.3
_SAMPLE_BYTES = 1024 * 1024

_HEADER_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_-]*):")
_MAIL_HEADERS = frozenset(
    {
        *("from", "to", "cc", "bcc", "subject", "date", "received", "message-id", "mime-version"),
        *("return-path", "delivered-to", "reply-to", "content-type", "content-transfer-encoding"),
        *("x-mailer", "user-agent", "in-reply-to", "references", "sender"),
    }
)
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<!doctype\s+html|^\s*<html[\s>]", re.I | re.S)
_HTML_TAG = re.compile(
    r"<(?:head|body|title|meta|div|p|br|table|tr|td|span|a|h[1-6]|ul|ol|li|style|script)[\s/>]", re.I
)
_EXTENSION_KINDS = {
    ".md": FileKind.MARKDOWN,
    ".markdown": FileKind.MARKDOWN,
    ".csv": FileKind.CSV,
    ".tsv": FileKind.CSV,
}


def detect_kind(path: Path) -> FileKind:
    """The format of the file at ``path``, read from its first bytes (and zip or OLE directory)."""
    with open_source(path) as handle:
        return detect_kind_open(handle, handle.read(HEAD_BYTES), path.name)


def detect_kind_open(handle: IO[bytes], head: bytes, name: str) -> FileKind:
    """The format of the open file ``handle`` whose first HEAD_BYTES bytes are ``head`` (a zip's or an OLE file's
    directory is read through the handle, which may be left anywhere)."""
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(handle) or _zip_kind_from_local_headers(head)
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(handle, name)
    if head.startswith(_COMPRESSED_MAGIC):
        return _compressed_kind(handle)
    return detect_kind_bytes(head, name)


def detect_kind_bytes(head: bytes, name: str) -> FileKind:
    """The format of content starting with ``head`` (pass whole zips and OLE files); ``name`` gives the
    extension."""
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(io.BytesIO(head)) or _zip_kind_from_local_headers(head)
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(io.BytesIO(head), name)
    if head.startswith(_COMPRESSED_MAGIC):
        return _compressed_kind(io.BytesIO(head))
    if head.startswith(_SEVENZIP_MAGIC):
        return FileKind.SEVENZIP
    if head.startswith(_PST_MAGIC) and len(head) >= 12 and head[8:10] in (b"SM", b"SO"):
        return FileKind.PST
    if head[_TAR_MAGIC_OFFSET : _TAR_MAGIC_OFFSET + 5] == b"ustar":
        return FileKind.TAR
    if head.find(b"%PDF-", 0, _PDF_SEARCH + 5) >= 0:
        return FileKind.PDF
    head = head[:HEAD_BYTES]
    if is_image(head):
        return FileKind.IMAGE
    if head.startswith(_BINARY_MAGIC):
        return FileKind.UNKNOWN
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return FileKind.RTF
    text = _head_text(head)
    if text is None:
        return FileKind.UNKNOWN
    return _text_kind(text, Path(name).suffix.lower())


def is_image(head: bytes) -> bool:
    """Do these first bytes open an image the OCR reads (JPEG, PNG, TIFF, GIF, BMP, WebP)?"""
    return head.startswith(_IMAGE_MAGIC) or _is_webp(head) or _is_bmp(head)


def _is_webp(head: bytes) -> bool:
    return len(head) >= 16 and head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:15] == b"VP8"


def _is_bmp(head: bytes) -> bool:
    """A Windows bitmap: "BM", then a header whose sizes hold together (a text may start with "BM" too)."""
    if len(head) < 26 or not head.startswith(b"BM"):
        return False
    pixels_at = int.from_bytes(head[10:14], "little")
    info_size = int.from_bytes(head[14:18], "little")
    return head[6:10] == b"\x00\x00\x00\x00" and info_size in _BMP_INFO_SIZES and 14 + info_size <= pixels_at


def decode_text(data: bytes) -> str:
    """Decode bytes of unknown encoding: BOM, UTF-8, a Western code page, else charset-normalizer's guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _bomless_utf16(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    return _decode_single_byte(data) or data.decode("cp1252", errors="replace")


def _head_text(head: bytes) -> str | None:
    """The head decoded, or None when it looks binary. A head may end in the middle of a character."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return codecs.getincrementaldecoder(encoding)("replace").decode(head[len(bom) :])
    utf16 = _bomless_utf16(head)
    if utf16:
        return codecs.getincrementaldecoder(utf16)("replace").decode(head)
    if b"\x00" in head:
        return None
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\x1b")
    if controls > max(2, len(head) // 100):
        return None
    try:
        return codecs.getincrementaldecoder("utf-8")("strict").decode(head)
    except UnicodeDecodeError:
        return _decode_single_byte(head)


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' for BOM-less UTF-16 of mostly Latin text (one NUL in every other byte)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _decode_single_byte(data: bytes) -> str | None:
    """Decode non-UTF-8 text: the Western code page whose accents look French, else charset-normalizer."""
    sample = data[:_SAMPLE_BYTES]
    best: tuple[float, str] | None = None
    for encoding in _SINGLE_BYTE:
        high = [char for char in sample.decode(encoding, errors="replace") if ord(char) > 127]
        score = sum(char in _FRENCH for char in high) / len(high) if high else 1.0
        if best is None or score > best[0]:
            best = (score, encoding)
    if best is not None and best[0] >= 0.5:
        return data.decode(best[1], errors="replace")
    match = from_bytes(data[:HEAD_BYTES]).best()
    if match is None or match.chaos > _MAX_CHAOS:
        return None
    return data.decode(match.encoding, errors="replace")


def _text_kind(text: str, suffix: str) -> FileKind:
    lines = text.splitlines()
    if lines and lines[0].startswith("From ") and _is_header_block(lines[1:]):
        return FileKind.MBOX
    if _is_header_block(lines):
        return FileKind.EML
    sample = text[:8192]
    if _HTML_START.match(sample):
        return FileKind.HTML
    kind = _EXTENSION_KINDS.get(suffix, FileKind.TEXT)
    tags = len(_HTML_TAG.findall(sample))
    if kind is FileKind.TEXT and sample.lstrip().startswith("<") and tags >= 3:
        return FileKind.HTML
    if suffix in (".html", ".htm", ".xhtml") and tags:
        return FileKind.HTML
    return kind


def _is_header_block(lines: list[str]) -> bool:
    """Do these lines open with an RFC 822 header block holding at least two well-known mail headers?"""
    known: set[str] = set()
    for index, line in enumerate(lines[:200]):
        if not line.strip():
            break
        if line[0] in " \t" and index > 0:
            continue  # folded continuation of the previous header
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        if match.group(1).lower() in _MAIL_HEADERS:
            known.add(match.group(1).lower())
    return len(known) >= 2


def _zip_kind(source: IO[bytes]) -> FileKind | None:
    """DOCX, XLSX, PPTX, ODT, ODS, or ZIP (an archive) from the zip's members; None when the zip directory cannot
    be read."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return FileKind.DOCX
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return FileKind.XLSX
            if "ppt/presentation.xml" in names:
                return FileKind.PPTX
            small = "mimetype" in names and archive.getinfo("mimetype").file_size <= 256
            if small and not archive.getinfo("mimetype").flag_bits & 0x1:
                mimetype = archive.read("mimetype").strip()
                if mimetype == _ODT_MIMETYPE:
                    return FileKind.ODT
                if mimetype == _ODS_MIMETYPE:
                    return FileKind.ODS
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, ValueError):
        return None
    return FileKind.ZIP


def _zip_kind_from_local_headers(head: bytes) -> FileKind:
    """Best effort for a zip whose central directory is beyond ``head``: look at the local file headers."""
    if head[30:38] == b"mimetype" and head[8:10] == b"\x00\x00":
        if head[38:].startswith(_ODT_MIMETYPE):
            return FileKind.ODT
        if head[38:].startswith(_ODS_MIMETYPE):
            return FileKind.ODS
    if b"word/document.xml" in head:
        return FileKind.DOCX
    if b"xl/workbook.xml" in head:
        return FileKind.XLSX
    return FileKind.ZIP  # a zip whose directory is damaged: the archive reader says what is wrong


def _ole_kind(source: IO[bytes], name: str) -> FileKind:
    """DOC, XLS, MSG (or an encrypted OOXML package, by its extension) from the streams of an OLE file."""
    import olefile

    try:
        with olefile.OleFileIO(source) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    except Exception:  # a damaged OLE directory: the extractor of its extension says what is wrong
        return _OLE_BY_SUFFIX.get(Path(name).suffix.lower(), FileKind.UNKNOWN)  # damaged: the extractor says so
    if "WordDocument" in streams:
        return FileKind.DOC
    if "Workbook" in streams or "Book" in streams:
        return FileKind.XLS
    if any(s.startswith("__substg1.0_") for s in streams):
        return FileKind.MSG
    if "EncryptedPackage" in streams:
        return _ENCRYPTED_PACKAGE_KINDS.get(Path(name).suffix.lower(), FileKind.DOCX)
    return FileKind.UNKNOWN


_OLE_BY_SUFFIX = {".doc": FileKind.DOC, ".xls": FileKind.XLS, ".msg": FileKind.MSG, ".dot": FileKind.DOC}


def _gzip_opener(source: IO[bytes]) -> IO[bytes]:
    import gzip

    return cast(IO[bytes], gzip.GzipFile(fileobj=source))


def _compressed_kind(source: IO[bytes]) -> FileKind:
    """TAR when a gzip, bzip2 or xz stream holds a tar archive (its first block says "ustar"), else UNKNOWN."""
    import bz2
    import lzma

    source.seek(0)
    magic = source.read(6)
    source.seek(0)
    opener: Callable[[IO[bytes]], IO[bytes]]
    if magic.startswith(b"\x1f\x8b"):
        opener = _gzip_opener
    elif magic.startswith(b"BZh"):
        opener = bz2.BZ2File
    else:
        opener = lzma.LZMAFile
    try:
        with opener(source) as stream:
            block = stream.read(512)
    except (OSError, EOFError, lzma.LZMAError, ValueError):
        return FileKind.UNKNOWN
    return FileKind.TAR if block[_TAR_MAGIC_OFFSET : _TAR_MAGIC_OFFSET + 5] == b"ustar" else FileKind.UNKNOWN
