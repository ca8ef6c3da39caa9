"""Value objects shared by every layer.

Everything here is a frozen dataclass or a Protocol: no I/O, no Qt, no store. The CLI prints these, the GUI
carries them in signals, the stores persist them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
    IMAGE = "image"  # a photo or scan of pages (JPEG, PNG, TIFF, BMP, WebP): its text comes from OCR
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

    UNSUPPORTED = "unsupported"  # a format the app does not read (executables, audio…)
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
    confidence: float | None = None  # text recognised by OCR: the engine's mean word confidence (0–100); else None

    @property
    def recognised(self) -> bool:
        """Is this page's text recognised by OCR (rather than read from the file)?"""
        return self.confidence is not None


@dataclass(frozen=True, slots=True)
class Extraction:
    """What an extractor returns: normalised text, its page map and metadata fields."""

    text: str
    pages: tuple[PageSpan, ...]
    title: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)  # from, to, date, subject, author…
    date: datetime | None = None
    ocr_pages: tuple[int, ...] = ()  # pages whose text is to be recognised (no text layer, or an unusable one)

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


OCR_BOX_SCALE = 10_000  # OCR word boxes are in 1/10,000 of the page's width and height


@dataclass(frozen=True, slots=True)
class OcrWord:
    """A word recognised by OCR: where it is in its page's text, and on the page."""

    start: int  # character offsets in the page text
    end: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in 1/OCR_BOX_SCALE of the upright page's width and height
    confidence: float


@dataclass(frozen=True, slots=True)
class RecognisedPage:
    """A page read by OCR."""

    page: int  # 1-based
    text: str
    confidence: float  # mean word confidence, 0–100 (0 when no word was found)
    rotation: int  # degrees (counter-clockwise) the page image was turned to read it upright: 0, 90, 180, 270
    width: int  # pixels of the upright image read
    height: int
    words: tuple[OcrWord, ...]


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
    entity: str = ""  # filter: only documents holding this entity, "type:canonical value" ("plate:HB562ZD")


@dataclass(frozen=True, slots=True)
class Scores:
    bm25: float | None = None
    dense: float | None = None
    fused: float | None = None
    rerank: float | None = None


@dataclass(frozen=True, slots=True)
class NearCopy:
    """A document whose text is nearly the same as a hit's (another format, a scan, a forwarded copy)."""

    path: str
    other_paths: tuple[str, ...]
    sha256: str
    title: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A hit as the user saw it: the one snapshot that the result list, tags, exports (PDF, CSV), the command
    line's JSON and the audit trail share (:meth:`to_json` / :meth:`from_json` for the ones that keep it).

    To extend it: add a field with a default (old snapshots lack it); a field whose JSON form is not its value
    as it is (a tuple, a dataclass) gets its pair of converters in ``_HIT_JSON`` below."""

    rank: int
    doc_path: str
    other_paths: tuple[str, ...]
    sha256: str
    title: str
    page: int
    chunk_id: int  # catalog ids: valid in the case as it is now (a tag keeps the content: sha256 and chunk span)
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
    also_in: tuple[NearCopy, ...] = ()  # near-identical documents, shown as this one hit
    ocr_confidence: float | None = None  # the hit's page was recognised by OCR, with this mean confidence (0–100)
    chunk_start: int = -1  # the character span of the hit's chunk in the document text (-1: not known)
    chunk_end: int = -1
    # the passage is the chunk's opening: where the query's words are, the page they are on and why the hit
    # matched are not read yet (a hit below the first screen of the window's list; CaseSession.complete)
    passage_pending: bool = False

    def chunk_span(self) -> tuple[int, int]:
        """The chunk's span in the document (the passage's when the chunk's is not known)."""
        if self.chunk_start >= 0:
            return self.chunk_start, self.chunk_end
        return self.passage_start, self.passage_start + len(self.passage)

    def citation(self) -> dict[str, object]:
        """How the audit trail names the hit: by content (SHA-256 and chunk span), page and path."""
        return {"sha256": self.sha256, "chunk": list(self.chunk_span()), "page": self.page, "path": self.doc_path}

    def to_json(self) -> dict[str, object]:
        """Every field, in JSON's types (the stable schema of ``arbiter search --json``'s hits)."""
        out: dict[str, object] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            codec = _HIT_JSON.get(name)
            out[name] = codec[0](value) if codec else value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Hit:
        """A hit read back from :meth:`to_json`'s form; fields it lacks take their default (older snapshots)."""
        values: dict[str, object] = {}
        for name in cls.__dataclass_fields__:
            if name in data:
                codec = _HIT_JSON.get(name)
                values[name] = codec[1](data[name]) if codec else data[name]
        return cls(**values)  # type: ignore[arg-type]


def _pairs(value: object) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, b in value)  # type: ignore[attr-defined]


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


def _optional_pair(value: object) -> tuple[int, int] | None:
    return None if value is None else (int(value[0]), int(value[1]))  # type: ignore[index]


def _scores(value: object) -> Scores:
    data = dict(value)  # type: ignore[call-overload]
    return Scores(**{k: data.get(k) for k in ("bm25", "dense", "fused", "rerank")})


# Hit fields whose JSON form differs from their value: (to JSON, from JSON).
_HIT_JSON: dict[str, tuple[Callable[[Any], object], Callable[[object], Any]]] = {
    "other_paths": (list, _strings),
    "highlights": (lambda v: [list(p) for p in v], _pairs),
    "matched_terms": (list, _strings),
    "expansions": (list, _strings),
    "semantic_highlight": (lambda v: list(v) if v is not None else None, _optional_pair),
    "scores": (lambda s: {"bm25": s.bm25, "dense": s.dense, "fused": s.fused, "rerank": s.rerank}, _scores),
    "containers": (
        lambda v: [{"path": path, "sha256": sha} for path, sha in v],
        lambda v: tuple((str(c["path"]), str(c["sha256"])) for c in v),  # type: ignore[attr-defined]
    ),
    "also_in": (
        lambda v: [
            {"path": c.path, "other_paths": list(c.other_paths), "sha256": c.sha256, "title": c.title} for c in v
        ],
        lambda v: tuple(
            NearCopy(str(c["path"]), _strings(c.get("other_paths", ())), str(c["sha256"]), str(c.get("title", "")))
            for c in v  # type: ignore[attr-defined]
        ),
    ),
}


def page_span_at(pages: tuple[PageSpan, ...] | list[PageSpan], offset: int) -> PageSpan | None:
    """The page span that holds character ``offset`` (see :func:`page_at`), or None without a page map."""
    found: PageSpan | None = pages[0] if pages else None
    for span in pages:
        if span.start <= offset:
            found = span
        else:
            break
    return found


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
    awaiting_ocr_documents: int = 0  # documents with scanned pages not yet recognised
    awaiting_ocr_pages: int = 0


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
