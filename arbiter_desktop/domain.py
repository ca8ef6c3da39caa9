"""Value objects shared by every layer.

Everything here is a frozen dataclass or a Protocol: no I/O, no Qt, no store. The CLI prints these, the GUI
carries them in signals, the stores persist them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


class FileKind(enum.StrEnum):
    """Formats recognised from a file's content (not its extension alone)."""

    PDF = "pdf"
    DOCX = "docx"
    ODT = "odt"
    RTF = "rtf"
    TEXT = "text"
    MARKDOWN = "markdown"
    CSV = "csv"
    HTML = "html"
    EML = "eml"
    MBOX = "mbox"
    XLSX = "xlsx"  # spreadsheets: one page per sheet
    XLS = "xls"
    ODS = "ods"
    DOC = "doc"  # Word 97-2003
    PPTX = "pptx"
    MSG = "msg"  # Outlook message
    ZIP = "zip"  # containers: their members are documents of their own
    SEVENZIP = "7z"
    TAR = "tar"  # plain or compressed (gzip, bzip2, xz)
    PST = "pst"  # Outlook mailbox (PST/OST)
    UNKNOWN = "unknown"


CONTAINER_KINDS = frozenset({FileKind.ZIP, FileKind.SEVENZIP, FileKind.TAR, FileKind.PST})
# Between a container and a member in a location: "/cas/scelle.zip › dossier/fichier.pdf"
LOCATION_SEPARATOR = " › "


class ErrorReason(enum.StrEnum):
    """Why a file could not be indexed: shown to the user next to the file."""

    UNSUPPORTED = "unsupported"  # a format the app does not read (images, executables…)
    ENCRYPTED = "encrypted"  # password-protected document
    CORRUPT = "corrupt"  # the parser could not read the file
    EMPTY = "empty"  # no text could be extracted
    TOO_LARGE = "too_large"  # beyond the configured size limit
    TIMEOUT = "timeout"  # the parser ran past its time limit and was stopped
    MEMORY = "memory"  # the parser ran past its memory limit and was stopped
    UNREADABLE = "unreadable"  # permission denied, vanished, not a regular file
    CHANGED = "changed"  # the file kept changing while it was being read (still being written?)
    HOSTILE = "hostile"  # rejected for safety (XML entities, decompression bomb)


class ExtractionError(Exception):
    """A per-file failure with a reason code and a message an investigator can act on."""

    def __init__(self, reason: ErrorReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class PageSpan:
    """A page (PDF page, e-mail part, attachment) as a character range of the document text."""

    number: int  # 1-based
    start: int
    end: int
    label: str = ""  # e.g. "pièce jointe : rapport.pdf, p. 2"; empty for plain pages


@dataclass(frozen=True, slots=True)
class Extraction:
    """What an extractor returns: normalised text, its page map and metadata fields."""

    text: str
    pages: tuple[PageSpan, ...]
    title: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)  # from, to, date, subject, author…
    date: datetime | None = None

    def page_at(self, offset: int) -> int:
        return page_at(self.pages, offset)


def page_at(pages: tuple[PageSpan, ...] | list[PageSpan], offset: int) -> int:
    """The page number that holds character ``offset`` (the last page that starts at or before it)."""
    number = pages[0].number if pages else 1
    for span in pages:
        if span.start <= offset:
            number = span.number
        else:
            break
    return number


@dataclass(frozen=True, slots=True)
class FileFingerprint:
    """A file on disk as discovery saw it."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    kind: FileKind


@dataclass(frozen=True, slots=True)
class ChunkSpan:
    """A piece of a document's text, before it has a catalog id."""

    ordinal: int
    start: int
    end: int
    page: int
    text: str


@dataclass(frozen=True, slots=True)
class Chunk:
    id: int
    document_id: int
    ordinal: int
    start: int
    end: int
    page: int
    text: str


@dataclass(frozen=True, slots=True)
class FileError:
    path: str
    reason: ErrorReason
    message: str


@dataclass(frozen=True, slots=True)
class Expansion:
    """One query expansion applied: ``matched`` (as typed) also searches ``alternatives``."""

    matched: str
    key: str  # folded form of ``matched``: the handle used to switch it off
    alternatives: tuple[str, ...]
    categories: tuple[str, ...]
    start: int  # character span of ``matched`` in the query
    end: int

    def label(self) -> str:
        shown = ", ".join(self.alternatives[:4]) + (" …" if len(self.alternatives) > 4 else "")
        return f"{self.matched} → {shown}"


class SearchMode(enum.StrEnum):
    LEXICAL = "lexical"
    DENSE = "dense"
    HYBRID = "hybrid"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str
    top: int = 10
    mode: SearchMode = SearchMode.LEXICAL
    kinds: tuple[FileKind, ...] = ()  # filter: only these formats
    path_prefix: str = ""  # filter: only files under this folder
    date_from: datetime | None = None  # filter: documents dated from (inclusive)
    date_to: datetime | None = None  # filter: documents dated until (inclusive)
    expand: bool = True  # apply the lexicons' expansions
    disabled_expansions: tuple[str, ...] = ()  # expansions switched off for this query (matched words)


@dataclass(frozen=True, slots=True)
class Scores:
    bm25: float | None = None
    dense: float | None = None
    fused: float | None = None
    rerank: float | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    rank: int
    doc_path: str
    other_paths: tuple[str, ...]
    sha256: str
    title: str
    page: int
    chunk_id: int
    document_id: int
    score: float
    passage: str
    passage_start: int  # offset of the passage in the document text
    highlights: tuple[tuple[int, int], ...]  # character offsets in ``passage``
    matched_terms: tuple[str, ...]
    scores: Scores
    expansions: tuple[str, ...] = ()  # labels of the expansions that matched in the passage
    semantic_highlight: tuple[int, int] | None = None  # the passage's sentence closest to the query in meaning
    # for a member of a container (doc_path "scelle.zip › a.pdf"): each enclosing container, outermost first, as
    # (location, SHA-256 of its bytes)
    containers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Coverage:
    chunks: int
    embedded: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    mode: SearchMode
    expansions: tuple[Expansion, ...]
    coverage: Coverage
    hits: tuple[Hit, ...]
    elapsed_ms: float
    reranker: str | None = None  # the model that reordered the head, when one did
    notes: tuple[str, ...] = ()  # remarks for the user (e.g. "no reranker installed")


@dataclass(frozen=True, slots=True)
class CaseStatus:
    documents: int
    files: int
    chunks: int
    embedded: int
    errors: int
    generation: int


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A document as the preview shows it: its whole text, page map, and the query's matches in it."""

    document_id: int
    path: str
    other_paths: tuple[str, ...]
    sha256: str
    kind: FileKind
    title: str
    text: str
    pages: tuple[PageSpan, ...]
    matches: tuple[tuple[int, int], ...]  # character offsets in ``text``, in order

    def page_of(self, offset: int) -> int:
        return page_at(self.pages, offset)

    def page_span(self, number: int) -> PageSpan | None:
        return next((p for p in self.pages if p.number == number), None)


# The note of a full-mode search without a reranker (the interface and the exports show it translated)
NO_RERANKER = (
    "no reranker installed: the full mode ranks as hybrid (put a cross-encoder folder or a GGUF reranker in "
    "models/ to add the reranking stage)"
)
