"""What an export renders: a result set (hits and how they were found) and its context (case, operator, date).

A result set comes from a search (:func:`from_search`) or from the hits of a tag (:func:`from_tag`). The PDF
and the CSV writers read these dataclasses only; nothing here touches a store or a model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from arbiter_desktop.domain import Coverage, Hit, SearchMode, SearchRequest, SearchResult
from arbiter_desktop.stores.tags import TaggedHit


class ExportError(Exception):
    """An export that cannot be written; the message says what to do."""


@dataclass(frozen=True, slots=True)
class ExportedFile:
    path: str
    format: str  # "pdf" or "csv"
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model that ranked the hits, cited with the SHA-256 of its weights file."""

    role: str  # "embedder" or "reranker"
    name: str
    sha256: str


@dataclass(frozen=True, slots=True)
class ExportHit:
    """A hit as an export prints it: the hit's snapshot (as the result list showed it, or as it was tagged), its
    number in the export, and for a tag's export where it came from."""

    rank: int  # its number in this export
    hit: Hit
    tagged: TaggedHit | None = None  # tag exports: the query, mode and rank it came from, when and by whom
    in_index: bool = True  # tag exports: False when the document's content is no longer in the case


@dataclass(frozen=True, slots=True)
class ResultSet:
    query: str  # "" for a tag export
    tag: str  # "" for a query export
    mode: SearchMode | None  # None for a tag export (each hit has its own)
    expansions: tuple[str, ...]  # labels of the expansions applied
    filters: tuple[tuple[str, str], ...]  # (key, value): kinds, folder, date_from, date_to, top, no_expansion…
    coverage: Coverage
    models: tuple[ModelInfo, ...]
    hits: tuple[ExportHit, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExportContext:
    case_name: str
    case_dir: str
    operator: str  # the operator setting (may be empty)
    user: str  # the system account
    created: datetime  # timezone-aware
    app_version: str
    generation: int
    documents: int
    audit_head: tuple[int, str] | None  # (n°, SHA-256) of the audit log's last entry before the export


def from_search(result: SearchResult, request: SearchRequest, models: Sequence[ModelInfo] = ()) -> ResultSet:
    return ResultSet(
        query=result.query,
        tag="",
        mode=result.mode,
        expansions=tuple(e.label() for e in result.expansions),
        filters=request_filters(request),
        coverage=result.coverage,
        models=tuple(models),
        hits=tuple(ExportHit(h.rank, h) for h in result.hits),
        notes=result.notes,
    )


def from_tag(
    tag: str,
    tagged: Sequence[TaggedHit],
    current_paths: Mapping[str, tuple[str, ...]],
    coverage: Coverage,
    recognised: Mapping[tuple[str, int], float] | None = None,
) -> ResultSet:
    """The hits of a tag; ``current_paths`` gives, by SHA-256, the paths of the contents still in the case (a
    hit is cited where its content is now); ``recognised``, by (SHA-256, page), the OCR confidence of the pages
    whose text is recognised now."""
    hits: list[ExportHit] = []
    for number, t in enumerate(tagged, start=1):
        paths = current_paths.get(t.hit.sha256)
        hit = replace(t.hit, doc_path=paths[0], other_paths=tuple(paths[1:])) if paths else t.hit
        confidence = (recognised or {}).get((hit.sha256, hit.page), hit.ocr_confidence)
        hits.append(ExportHit(number, replace(hit, ocr_confidence=confidence), t, in_index=paths is not None))
    return ResultSet(
        query="",
        tag=tagged[0].tag if tagged else tag,
        mode=None,
        expansions=(),
        filters=(),
        coverage=coverage,
        models=(),
        hits=tuple(hits),
    )


def request_filters(request: SearchRequest) -> tuple[tuple[str, str], ...]:
    """The request's filters and options that shaped the result list, as (key, value)."""
    found: list[tuple[str, str]] = [("top", str(request.top))]
    if request.kinds:
        found.append(("kinds", ", ".join(k.value for k in request.kinds)))
    if request.path_prefix:
        found.append(("folder", request.path_prefix))
    if request.date_from:
        found.append(("date_from", request.date_from.isoformat()))
    if request.date_to:
        found.append(("date_to", request.date_to.isoformat()))
    if not request.expand:
        found.append(("no_expansion", ""))
    if request.disabled_expansions:
        found.append(("disabled_expansions", ", ".join(request.disabled_expansions)))
    return tuple(found)
