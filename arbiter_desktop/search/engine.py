"""The SearchEngine facade: one call from a request to cited, highlighted hits.

The CLI, the evaluation runner and the GUI's search worker all call :meth:`SearchEngine.search`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from arbiter_desktop.domain import (
    Coverage,
    Hit,
    Scores,
    SearchMode,
    SearchRequest,
    SearchResult,
    page_at,
)
from arbiter_desktop.search.highlight import best_passage, find_matches
from arbiter_desktop.search.lexical_query import Compiled, QueryCompiler
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.catalog import DocumentMeta


class ModeUnavailable(Exception):
    """A search mode that this installation cannot run; the message says why and what to do."""


def check_mode(mode: SearchMode) -> None:
    """Raise ModeUnavailable, with what to do, if this installation cannot search in ``mode``."""
    if mode is not SearchMode.LEXICAL:
        raise ModeUnavailable(
            f"the {mode.value} mode needs semantic retrieval, which this version does not have yet: use --mode lexical"
        )


class SearchEngine:
    def __init__(self, case: Case) -> None:
        self.case = case
        self.compiler = QueryCompiler(case.lexical)
        self._generation = -1

    def refresh(self) -> None:
        """See the latest commit of the indexer (cheap when nothing changed)."""
        generation = self.case.catalog.generation()
        if generation != self._generation:
            self.case.lexical.reload()
            self._generation = generation

    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        check_mode(request.mode)
        self.refresh()
        compiled = self.compiler.compile(request.query)
        query = self._filtered(compiled.query, request)
        per_doc = max(1, self.case.settings.hits_per_document)
        # fetch more chunks than asked, since several may come from the same document
        fetched = self.case.lexical.search(query, limit=max(50, request.top * (per_doc + 4)))
        kept: list[tuple[float, int, int]] = []
        taken: dict[int, int] = {}
        for score, chunk_id, document_id in fetched:
            if taken.get(document_id, 0) >= per_doc:
                continue
            taken[document_id] = taken.get(document_id, 0) + 1
            kept.append((score, chunk_id, document_id))
            if len(kept) >= request.top:
                break
        hits = self._hits(kept, compiled)
        counts = self.case.catalog.counts()
        return SearchResult(
            query=request.query,
            mode=request.mode,
            expansions=(),
            coverage=Coverage(chunks=counts["chunks"], embedded=counts["embedded"]),
            hits=tuple(hits),
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def _filtered(self, query: Any, request: SearchRequest) -> Any:
        store = self.case.lexical
        clauses: list[tuple[str, Any]] = [("must", query)]
        if request.kinds:
            clauses.append(("must", store.prefix_filter("kind", [k.value for k in request.kinds])))
        if request.path_prefix:
            folder = request.path_prefix.rstrip("/") or "/"
            clauses.append(("must", store.prefix_filter("folder", [folder])))
        if request.date_from or request.date_to:
            clauses.append(("must", store.date_range(request.date_from, request.date_to)))
        return query if len(clauses) == 1 else store.boolean(clauses)

    def _hits(self, ranked: Sequence[tuple[float, int, int]], compiled: Compiled) -> list[Hit]:
        catalog = self.case.catalog
        chunks = catalog.chunks([c for _, c, _ in ranked])
        metas: dict[int, DocumentMeta] = catalog.documents_meta([d for _, _, d in ranked])
        width = self.case.settings.passage_chars
        hits: list[Hit] = []
        for score, chunk_id, document_id in ranked:
            chunk = chunks.get(chunk_id)
            meta = metas.get(document_id)
            if chunk is None or meta is None:  # removed by a commit between search and lookup
                continue
            passage = best_passage(chunk.text, find_matches(chunk.text, compiled.matchers), width)
            start = chunk.start + passage.start
            paths = meta.paths or ("",)
            hits.append(
                Hit(
                    rank=len(hits) + 1,
                    doc_path=paths[0],
                    other_paths=tuple(paths[1:]),
                    sha256=meta.sha256,
                    title=meta.title,
                    page=page_at(meta.pages, start) if meta.pages else chunk.page,
                    chunk_id=chunk_id,
                    document_id=document_id,
                    score=score,
                    passage=passage.text,
                    passage_start=start,
                    highlights=passage.highlights,
                    matched_terms=passage.matched,
                    scores=Scores(bm25=score),
                )
            )
        return hits
