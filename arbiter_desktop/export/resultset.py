"""What an export renders: a result set (hits and how they were found) and its context (case, operator, date).

A result set comes from a search (:func:`from_search`) or from the hits of a tag (:func:`from_tag`). The PDF
and the CSV writers read these dataclasses only; nothing here touches a store or a model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from arbiter_desktop.domain import Coverage, Scores, SearchMode, SearchRequest, SearchResult
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
    rank: int
    doc_path: str
    other_paths: tuple[str, ...]
    sha256: str
    title: str
    page: int
    passage: str
    highlights: tuple[tuple[int, int], ...]  # character offsets in ``passage``
    scores: Scores
    matched_terms: tuple[str, ...] = ()
    expansions: tuple[str, ...] = ()  # labels of the expansions that matched in the passage
    semantic_highlight: tuple[int, int] | None = None  # the sentence closest to the query in meaning
    query: str = ""  # tag exports: the query the hit came from
    mode: SearchMode | None = None  # tag exports: the mode of that query
    origin_rank: int = 0  # tag exports: the hit's rank in that query's results
    tagged: str = ""  # tag exports: when the hit was tagged (ISO 8601)
    tagged_by: str = ""
    in_index: bool = True  # tag exports: False when the document's content is no longer in the case
    containers: tuple[tuple[str, str], ...] = ()  # a member's enclosing containers: (location, SHA-256)


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
    hits = tuple(
        ExportHit(
            rank=h.rank,
            doc_path=h.doc_path,
            other_paths=h.other_paths,
            sha256=h.sha256,
            title=h.title,
            page=h.page,
            passage=h.passage,
            highlights=h.highlights,
            scores=h.scores,
            matched_terms=h.matched_terms,
            expansions=h.expansions,
            semantic_highlight=h.semantic_highlight,
            containers=h.containers,
        )
        for h in result.hits
    )
    return ResultSet(
        query=result.query,
        tag="",
        mode=result.mode,
        expansions=tuple(e.label() for e in result.expansions),
        filters=request_filters(request),
        coverage=result.coverage,
        models=tuple(models),
        hits=hits,
        notes=result.notes,
    )


def from_tag(
    tag: str, tagged: Sequence[TaggedHit], current_paths: Mapping[str, tuple[str, ...]], coverage: Coverage
) -> ResultSet:
    """The hits of a tag; ``current_paths`` gives, by SHA-256, the paths of the contents still in the case."""
    hits: list[ExportHit] = []
    for number, t in enumerate(tagged, start=1):
        target = t.target
        paths = current_paths.get(target.sha256)
        doc_path, others = (paths[0], paths[1:]) if paths else (target.doc_path, target.other_paths)
        hits.append(
            ExportHit(
                rank=number,
                doc_path=doc_path,
                other_paths=tuple(others),
                sha256=target.sha256,
                title=target.title,
                page=target.page,
                passage=target.passage,
                highlights=target.highlights,
                scores=target.scores,
                query=target.query,
                mode=target.mode,
                origin_rank=target.rank,
                tagged=t.tagged_at,
                tagged_by=t.operator,
                in_index=paths is not None,
            )
        )
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
