"""Word 97–2003 documents (.doc): the text read from the Word binary format's piece table, in pure Python.

The file is an OLE compound file ([MS-CFB], read with olefile). Its ``WordDocument`` stream opens with the File
Information Block ([MS-DOC] 2.5): the flags say whether the document is encrypted and which table stream
(``0Table`` or ``1Table``) holds the piece table (``Clx`` at ``fcClx``/``lcbClx``). Each piece maps a range of
character positions to bytes of the ``WordDocument`` stream, either cp1252 (compressed) or UTF-16LE. The main text
comes first (``ccpText`` characters), then footnotes, headers, comments, endnotes and text boxes: the main text is
the first page, the rest a second page labelled "notes, en-têtes et commentaires".

Word's control characters become plain text: paragraph and cell marks end lines, fields keep their result and lose
their code (``{ HYPERLINK "…" }``), pictures and drawn objects are dropped. Word 6/95 files (another format) are
reported as unsupported; encrypted or obfuscated files as ``encrypted``.
"""

from __future__ import annotations

import struct
from pathlib import Path

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.readonly import open_source

MAX_CHARACTERS = 64 * 1024 * 1024  # characters read from the piece table (a larger count is a damaged file)
_FIB_MIN = 0x01AA  # the FIB must reach fcClx/lcbClx
_WORD97 = 0x00C1  # nFib of Word 97 and later
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_TRANSLATE = str.maketrans(
    {
        "\r": "\n",  # paragraph mark
        "\x07": "\t",  # cell / row mark
        "\x0b": "\n",  # manual line break
        "\x0c": "\n",  # page or section break
        "\x0e": "\n",  # column break
        "\x1e": "-",  # non-breaking hyphen
        "\x1f": "",  # optional hyphen
        "\x01": "",  # picture
        "\x08": "",  # drawn object
        "\x02": "",  # auto-numbered footnote reference
        "\x05": "",  # comment reference
        "\xa0": " ",
    }
)


def extract(path: Path) -> Extraction:
    import olefile

    try:
        with open_source(path) as handle, olefile.OleFileIO(handle) as ole:
            if not ole.exists("WordDocument"):
                raise ExtractionError(ErrorReason.CORRUPT, "not a Word document (no WordDocument stream)")
            word = ole.openstream("WordDocument").read()
            fib = _fib(word)
            table_name = "1Table" if fib.which_table else "0Table"
            if not ole.exists(table_name):
                raise ExtractionError(ErrorReason.CORRUPT, f"damaged Word document: its {table_name} stream is missing")
            table = ole.openstream(table_name).read()
            title = _title(ole)
    except ExtractionError:
        raise
    except OSError as exc:
        if isinstance(exc, PermissionError | FileNotFoundError):
            raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged Word document: {exc}") from exc
    except (ValueError, IndexError, TypeError, struct.error) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged Word document: {exc}") from exc
    text = _piece_text(word, table, fib)
    main, rest = text[: fib.ccp_text], text[fib.ccp_text :]
    pages = [(_plain(main), "")]
    other = _plain(rest)
    if other.strip():
        pages.append((other, "notes, en-têtes et commentaires"))
    body, spans = join_pages(pages)
    return Extraction(text=body, pages=spans, title=title)


class _Fib:
    def __init__(self, which_table: bool, ccp_text: int, ccp_total: int, fc_clx: int, lcb_clx: int) -> None:
        self.which_table = which_table
        self.ccp_text = ccp_text
        self.ccp_total = ccp_total
        self.fc_clx = fc_clx
        self.lcb_clx = lcb_clx


def _fib(word: bytes) -> _Fib:
    if len(word) < _FIB_MIN:
        raise ExtractionError(ErrorReason.CORRUPT, "damaged Word document: its header is truncated")
    ident, n_fib = struct.unpack_from("<HH", word, 0)
    if ident != 0xA5EC:
        raise ExtractionError(ErrorReason.CORRUPT, "damaged Word document: bad header signature")
    if n_fib < _WORD97 and n_fib != 0x0065:  # 0x65: the FIB of Word 6/95 documents saved by some converters
        raise ExtractionError(
            ErrorReason.UNSUPPORTED,
            "Word 6.0/95 document (an older binary format): save it as .docx in a working copy to index it",
        )
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & 0x0100 or flags & 0x8000:  # fEncrypted, fObfuscated
        raise ExtractionError(
            ErrorReason.ENCRYPTED, "the Word document is password-protected: remove the password in a working copy"
        )
    if n_fib < _WORD97:
        raise ExtractionError(
            ErrorReason.UNSUPPORTED,
            "Word 6.0/95 document (an older binary format): save it as .docx in a working copy to index it",
        )
    # FibRgLw97 starts at 0x40 (after FibBase, csw and FibRgW97): ccpText at +0x0C, then ccpFtn, ccpHdd,
    # ccpMcr (unused), ccpAtn, ccpEdn, ccpTxbx, ccpHdrTxbx
    counts = struct.unpack_from("<8i", word, 0x4C)
    ccp_text = counts[0]
    ccp_total = sum(max(0, c) for i, c in enumerate(counts) if i != 3)
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x01A2)
    return _Fib(bool(flags & 0x0200), max(0, ccp_text), ccp_total, fc_clx, lcb_clx)


def _piece_text(word: bytes, table: bytes, fib: _Fib) -> str:
    """The document's characters, piece by piece, up to ``ccp_total``."""
    clx = table[fib.fc_clx : fib.fc_clx + fib.lcb_clx]
    if len(clx) != fib.lcb_clx or not clx:
        raise ExtractionError(ErrorReason.CORRUPT, "damaged Word document: its piece table is out of bounds")
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: formatting, skipped
        (size,) = struct.unpack_from("<h", clx, at + 1)
        at += 3 + max(0, size)
    if at >= len(clx) or clx[at] != 0x02:
        raise ExtractionError(ErrorReason.CORRUPT, "damaged Word document: no piece table")
    (size,) = struct.unpack_from("<I", clx, at + 1)
    plc = clx[at + 5 : at + 5 + size]
    count = (len(plc) - 4) // 12  # n+1 character positions (4 bytes) and n piece descriptors (8 bytes)
    if count <= 0:
        raise ExtractionError(ErrorReason.CORRUPT, "damaged Word document: empty piece table")
    positions = struct.unpack_from(f"<{count + 1}i", plc, 0)
    parts: list[str] = []
    total = 0
    limit = min(fib.ccp_total or positions[-1], MAX_CHARACTERS)
    for index in range(count):
        start, end = positions[index], positions[index + 1]
        if start >= limit:
            break
        length = min(end, limit) - start
        if length <= 0:
            continue
        (fc,) = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)
        if fc & 0x40000000:  # compressed: one byte a character, cp1252
            offset = (fc & ~0x40000000) // 2
            raw = word[offset : offset + length]
            parts.append(raw.decode("cp1252", errors="replace"))
        else:
            raw = word[fc : fc + 2 * length]
            parts.append(raw.decode("utf-16-le", errors="replace"))
        total += length
        if total > MAX_CHARACTERS:
            break
    return "".join(parts)


def _plain(text: str) -> str:
    """Word's control characters as plain text; of each field, its result only."""
    out: list[str] = []
    stack: list[bool] = []  # per open field: are we past its separator (in its result)?
    for char in text:
        if char == _FIELD_BEGIN:
            stack.append(False)
        elif char == _FIELD_SEPARATOR:
            if stack:
                stack[-1] = True
        elif char == _FIELD_END:
            if stack:
                stack.pop()
        elif not stack or all(stack):
            out.append(char)
    return "".join(out).translate(_TRANSLATE)


def _title(ole: object) -> str:
    """The title of the document's summary properties, when it has one."""
    try:
        meta = ole.get_metadata()  # type: ignore[attr-defined]
        title = meta.title
    except Exception:  # damaged property sets are common and never fatal
        return ""
    if isinstance(title, bytes):
        return title.decode("cp1252", errors="replace").strip("\x00 ").strip()
    return ""
