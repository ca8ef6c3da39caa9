"""Plain text, Markdown and CSV/TSV: decoded, kept as one page; CSV rows become readable "a ; b ; c" lines."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.filetypes import decode_text
from arbiter_desktop.ingest.profile import stage
from arbiter_desktop.ingest.readonly import open_source

MAX_TEXT_BYTES = 64 * 1024 * 1024
CELL_SEPARATOR = " ; "
_MARKDOWN_TITLE = re.compile(r"^#[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)


def extract(path: Path) -> Extraction:
    with stage("read"):
        data = read_bytes(path, MAX_TEXT_BYTES)
    text = decode_text(data)
    suffix = path.suffix.lower()
    title = ""
    if suffix in (".csv", ".tsv"):
        text = csv_to_lines(text, "\t" if suffix == ".tsv" else None)
    elif suffix in (".md", ".markdown"):
        match = _MARKDOWN_TITLE.search(text)
        title = match.group(1) if match else ""
    body, pages = join_pages([(text, "")])
    return Extraction(text=body, pages=pages, title=title)


def read_bytes(path: Path, limit: int) -> bytes:
    """The whole file, read-only; ExtractionError TOO_LARGE over ``limit`` bytes (refused before any read, so a
    huge file costs no memory), UNREADABLE on OS errors."""
    try:
        with open_source(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise _too_large(size, limit)
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise _too_large(len(data), limit)
    return data


def _too_large(size: int, limit: int) -> ExtractionError:
    return ExtractionError(
        ErrorReason.TOO_LARGE,
        f"{size / 1e6:.0f} MB is over the {limit // (1024 * 1024)} MiB limit of this format (its whole text is held "
        "in memory): split it, in a working copy, to index it",
    )


def csv_to_lines(text: str, delimiter: str | None = None) -> str:
    """Rows as lines of cells joined by " ; " (line breaks in cells become spaces); unchanged if not CSV."""
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:16384], delimiters=",;\t|").delimiter
        except csv.Error:
            return text
    lines = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            cells = [" ".join(cell.split()) for cell in row]
            lines.append(CELL_SEPARATOR.join(cell for cell in cells if cell))
    except csv.Error:
        return text
    return "\n".join(lines)
