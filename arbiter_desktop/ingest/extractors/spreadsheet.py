"""Spreadsheets (XLSX, XLS, ODS through calamine; CSV/TSV): one page per sheet, each row with its column headers.

A row reads "appelant : 06 12 34 56 78 ; appelé : 07 87 65 43 21 ; date : 2024-03-14", so that a passage about
one call carries the names of its columns. The header row is the first of the sheet's first rows whose cells are
all labels (text with a letter, no number, date or phone) and that spans most of the sheet's columns: title rows
above it ("Facture détaillée de la ligne …") are kept as they are. Without such a row, cells are joined with " ; ".

Values are written as a person reads them: text exactly as stored (a phone number stored as text keeps its
leading zero and its spaces), whole numbers without ".0" and never in exponent notation (612345678, not
6.12E+08), other numbers with a decimal comma, dates as 2024-03-14 (with the time when it is not midnight),
durations as 00:04:12, booleans as VRAI / FAUX. A numeric cell whose display format pads it with zeros shows
without them: calamine does not expose number formats.

Sheets are bounded: past ``MAX_CELLS`` cells in a workbook (or ``MAX_ROWS`` rows in a sheet) the rest is not
read, and the page ends with a note saying how many rows were left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.extractors.text import MAX_TEXT_BYTES, read_bytes
from arbiter_desktop.ingest.filetypes import decode_text
from arbiter_desktop.ingest.readonly import open_source

MAX_CELLS = 2_000_000  # cells read in one workbook (the rest is left out, with a note)
MAX_ROWS = 200_000  # rows read in one sheet
HEADER_SCAN_ROWS = 12  # rows searched for the header row (title rows may come first)
CELL_SEPARATOR = " ; "
LABEL_SEPARATOR = " : "
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LETTER = re.compile(r"[^\W\d_]")
_NUMBERISH = re.compile(r"^[\s+()./:-]*\d[\d\s+()./:,-]*$")  # numbers, phones, dates written as text

Cell = object  # a value as calamine or the CSV reader gives it


def extract(path: Path) -> Extraction:
    """XLSX, XLS or ODS: one page per sheet, labelled with the sheet's name."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    with open_source(path) as handle:
        if handle.read(8) == _OLE_MAGIC and _is_encrypted_package(handle):
            raise ExtractionError(
                ErrorReason.ENCRYPTED,
                "the workbook is password-protected (an encrypted package): remove the password in a working copy",
            )
        handle.seek(0)
        if _zip_package(handle):
            _check_package(handle)
        handle.seek(0)
        try:
            workbook = CalamineWorkbook.from_filelike(handle)
        except PasswordError as exc:
            raise ExtractionError(ErrorReason.ENCRYPTED, "the workbook is password-protected") from exc
        except (CalamineError, ValueError) as exc:
            raise _damaged(exc) from exc
        budget = [MAX_CELLS]
        pages: list[tuple[str, str]] = []
        notes: list[str] = []
        try:
            for name in workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(name)
                text, cut = render_rows(sheet.iter_rows(), budget)
                pages.append((text, f"feuille : {name}"))
                if cut:
                    notes.append(f"{name}: {cut} rows not read")
        except PasswordError as exc:
            raise ExtractionError(ErrorReason.ENCRYPTED, "the workbook is password-protected") from exc
        except (CalamineError, ValueError) as exc:
            raise _damaged(exc) from exc
    text, spans = join_pages(pages)
    fields = {"sheets": str(len(pages))}
    if notes:
        fields["truncated"] = "; ".join(notes)
    return Extraction(text=text, pages=spans, fields=fields)


def extract_csv(path: Path) -> Extraction:
    """CSV or TSV: one page, each row with its column headers."""
    text = decode_text(read_bytes(path, MAX_TEXT_BYTES))
    rows = csv_rows(text, "\t" if path.suffix.lower() == ".tsv" else None)
    if rows is None:  # not delimited after all: the text as it is
        body, spans = join_pages([(text, "")])
        return Extraction(text=body, pages=spans)
    rendered, cut = render_rows(rows, [MAX_CELLS])
    body, spans = join_pages([(rendered, "")])
    fields = {"truncated": f"{cut} rows not read"} if cut else {}
    return Extraction(text=body, pages=spans, fields=fields)


def csv_rows(text: str, delimiter: str | None = None) -> list[list[str]] | None:
    """The rows of a delimited text (delimiter sniffed among , ; tab |), or None when it is not one."""
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:16384], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = _common_delimiter(text[:16384])  # the sniffer gives up on title lines above the table
            if delimiter is None:
                return None
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return None


def _common_delimiter(sample: str) -> str | None:
    """The delimiter that splits most of the sample's lines the same number of times (at least half of them)."""
    lines = [line for line in sample.splitlines()[:200] if line.strip()]
    best: tuple[int, str] | None = None
    for candidate in (";", "\t", ",", "|"):
        counts = [line.count(candidate) for line in lines]
        usual = max(set(counts), key=counts.count) if counts else 0
        agreeing = counts.count(usual)
        if usual and 2 * agreeing >= len(lines) and (best is None or agreeing > best[0]):
            best = (agreeing, candidate)
    return best[1] if best else None


def render_rows(rows: Iterable[Sequence[Cell]], budget: list[int]) -> tuple[str, int]:
    """The rows as lines (with their headers once the header row is found); ``budget`` holds the cells left to
    read, shared by the sheets of a workbook. Returns the text and the number of rows left out."""
    lines: list[str] = []
    header: list[str] | None = None
    pending: list[list[str]] = []  # the first rows, kept until the header row is known
    cut = 0
    for number, row in enumerate(rows):
        cells = [format_cell(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if budget[0] <= 0 or number >= MAX_ROWS:
            cut += 1 if cells else 0
            continue
        budget[0] -= max(1, len(cells))
        if header is None and number < HEADER_SCAN_ROWS:
            pending.append(cells)
            continue
        if header is None:
            header = _flush_pending(pending, lines)
        lines.append(_row_line(cells, header))
    if header is None:
        _flush_pending(pending, lines)
    if cut:
        lines.append(f"[… {cut} ligne(s) non lue(s) : limite de {MAX_CELLS} cellules ou {MAX_ROWS} lignes]")
    return "\n".join(line for line in lines if line), cut


def _flush_pending(pending: list[list[str]], lines: list[str]) -> list[str]:
    """Write the rows held back, with the header found among them (or [] when there is none)."""
    width = max((sum(1 for c in cells if c) for cells in pending), default=0)
    header: list[str] = []
    at = -1
    for index, cells in enumerate(pending):
        filled = [c for c in cells if c]
        later = pending[index + 1 :]
        if len(filled) >= 2 and 2 * len(filled) >= width and all(_is_label(c) for c in filled) and later:
            header, at = cells, index
            break
    for index, cells in enumerate(pending):
        if index == at:
            lines.append(CELL_SEPARATOR.join(c for c in cells if c))
        else:
            lines.append(_row_line(cells, header if index > at >= 0 else []))
    pending.clear()
    return header


def _row_line(cells: Sequence[str], header: Sequence[str]) -> str:
    parts = []
    for index, cell in enumerate(cells):
        if not cell:
            continue
        label = header[index] if index < len(header) else ""
        parts.append(f"{label}{LABEL_SEPARATOR}{cell}" if label else cell)
    return CELL_SEPARATOR.join(parts)


def _is_label(cell: str) -> bool:
    return bool(_LETTER.search(cell)) and not _NUMBERISH.match(cell) and len(cell) <= 80


def format_cell(value: Cell) -> str:
    """A cell as it reads on screen (see the module's doc)."""
    formatter = _FORMATTERS.get(type(value))
    if formatter is not None:
        return formatter(value)
    if value is None:
        return ""
    for kind, convert in _FORMATTERS.items():  # subclasses of the types above
        if isinstance(value, kind):
            return convert(value)
    return " ".join(str(value).split())


def _text(value: Any) -> str:
    return " ".join(value.split())


def _datetime(value: Any) -> str:
    if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        return str(value.date().isoformat())
    return str(value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes"))


def _time(value: Any) -> str:
    return str(value.isoformat(timespec="seconds" if value.second else "minutes"))


def _duration(value: Any) -> str:
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _number(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = format(Decimal(repr(value)), "f")  # never in exponent notation
    return text.rstrip("0").rstrip(".").replace(".", ",")


_FORMATTERS: dict[type, Callable[[Any], str]] = {
    str: _text,
    bool: lambda v: "VRAI" if v else "FAUX",
    int: str,
    float: lambda v: _number(v),
    dt.datetime: _datetime,
    dt.date: lambda v: str(v.isoformat()),
    dt.time: _time,
    dt.timedelta: _duration,
}


def _is_encrypted_package(handle: BinaryIO) -> bool:
    """An OOXML workbook saved with a password is an OLE file holding an "EncryptedPackage" stream."""
    import olefile

    handle.seek(0)
    try:
        with olefile.OleFileIO(handle) as ole:
            return bool(ole.exists("EncryptedPackage"))
    except (OSError, ValueError, IndexError, TypeError, RecursionError):
        return False


def _zip_package(handle: BinaryIO) -> bool:
    handle.seek(0)
    return handle.read(4) == b"PK\x03\x04"


def _check_package(handle: BinaryIO) -> None:
    """XLSX and ODS packages: sizes checked from the zip directory before calamine inflates anything (a bomb is
    refused as for DOCX), and an ODS saved with a password (its manifest has encryption data) is reported as
    encrypted."""
    from arbiter_desktop.ingest.extractors.odt import refuse_encrypted
    from arbiter_desktop.ingest.extractors.safezip import check_sizes

    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            check_sizes(archive.infolist())
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise _damaged(exc) from exc
    refuse_encrypted(handle)


def _damaged(exc: Exception) -> ExtractionError:
    if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
        return ExtractionError(ErrorReason.ENCRYPTED, "the workbook is password-protected")
    return ExtractionError(ErrorReason.CORRUPT, f"damaged spreadsheet: {exc}")
