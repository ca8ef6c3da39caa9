r"""RTF text with striprtf, decoding \'xx escapes in the document's code page (cp1252 unless declared)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import cast

from striprtf import striprtf

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.extractors.text import read_bytes

MAX_RTF_BYTES = 64 * 1024 * 1024
_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
_CHARSET_WORDS = {b"\\mac": "mac_roman", b"\\pca": "cp850", b"\\pc": "cp437"}
_TITLE = re.compile(r"\{\\title\s?((?:\\.|[^{}\\])*)\}")
_CREATED = re.compile(r"\\creatim((?:\\[a-z]+-?\d+\s?)+)")
_TIME_PART = re.compile(r"\\(yr|mo|dy|hr|min|sec)(\d+)")
# striprtf is untyped: rtf_to_text(text, encoding, errors) -> str
rtf_to_text = cast(Callable[..., str], striprtf.rtf_to_text)


def extract(path: Path) -> Extraction:
    data = read_bytes(path, MAX_RTF_BYTES)
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise ExtractionError(ErrorReason.CORRUPT, "not an RTF document (missing {\\rtf header)")
    encoding = _codepage(data[:4096])
    source = _decode(data, encoding)
    try:
        raw = rtf_to_text(source, encoding=encoding, errors="replace")
    except (ValueError, LookupError, IndexError) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged RTF: {exc}") from exc
    text, pages = join_pages([(raw.replace("|", " | "), "")])
    return Extraction(text=text, pages=pages, title=_title(source, encoding), date=_created(source))


def _codepage(head: bytes) -> str:
    match = _CODEPAGE.search(head)
    if match:
        encoding = f"cp{int(match.group(1))}"
        try:
            codecs.lookup(encoding)
            return encoding
        except LookupError:
            return "cp1252"
    for word, encoding in _CHARSET_WORDS.items():
        if re.search(re.escape(word) + rb"(?![a-z])", head[:64]):
            return encoding
    return "cp1252"


def _decode(data: bytes, encoding: str) -> str:
    """RTF is 7-bit ASCII, but some writers put raw 8-bit characters in the text: UTF-8 or the code page."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace")


def _title(source: str, encoding: str) -> str:
    match = _TITLE.search(source)
    if match is None:
        return ""
    try:
        return " ".join(rtf_to_text("{" + match.group(1) + "}", encoding=encoding, errors="replace").split())
    except (ValueError, LookupError, IndexError):
        return ""


def _created(source: str) -> datetime | None:
    match = _CREATED.search(source)
    if match is None:
        return None
    parts = {name: int(value) for name, value in _TIME_PART.findall(match.group(1))}
    try:
        return datetime(
            parts.get("yr", 0),
            parts.get("mo", 1),
            parts.get("dy", 1),
            parts.get("hr", 0),
            parts.get("min", 0),
            parts.get("sec", 0),
        )
    except ValueError:
        return None
