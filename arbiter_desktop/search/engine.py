"""The SearchEngine facade: one call from a request to cited, highlighted hits.

One engine lives as long as its case is open (:class:`~arbiter_desktop.session.CaseSession` holds it): it follows
the indexer's commits and keeps its caches (query embeddings, the case's counts per generation) from one search to
the next. :meth:`SearchEngine.search` returns the ranked hits with their passages and matched words;
:meth:`SearchEngine.mark` marks, in hits already shown, the sentence closest to the query in meaning — a few
sentence embeddings per hit, so the window asks for it after the hit list is on screen.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from arbiter_desktop.domain import (
    LOCATION_SEPARATOR,
    NO_RERANKER,
    Chunk,
    Coverage,
    DocumentView,
    Expansion,
    Hit,
    NearCopy,
    PageSpan,
    Scores,
    SearchMode,
    SearchRequest,
    SearchResult,
    page_at,
    page_span_at,
)
from arbiter_desktop.embedding.base import Embedder
from arbiter_desktop.entities import EntityType
from arbiter_desktop.search.coverage import COVERAGE_PASSAGES, lexical_coverage
from arbiter_desktop.search.expansion import Lexicon
from arbiter_desktop.search.features import identifier_matchers, units_of
from arbiter_desktop.search.filters import Filters
from arbiter_desktop.search.fusion import (
    TIER,
    FusionPlan,
    fusion_plan,
    identifiers_first,
    query_shape,
    reciprocal_rank_fusion,
    zscore_fusion,
)
from arbiter_desktop.search.highlight import (
    Match,
    best_passage,
    find_matches,
    passage_at,
    sentence_spans,
    window_around,
)
from arbiter_desktop.search.lexical_query import Compiled, Matchers, QueryCompiler
from arbiter_desktop.search.query import is_natural, parse
from arbiter_desktop.search.ranker import FEATURES, HEAD, Candidate, LearnedRanker, head_features, shipped_ranker
from arbiter_desktop.search.rerank import Reranker
from arbiter_desktop.stores import analysis
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.catalog import DocumentMeta
from arbiter_desktop.stores.vectors import VectorStore, open_vector_store


@dataclass
class Retrieval:
    """What the first stage found for a query: its expansions, its full-text form and each retriever's
    candidates, best first (the full-text ones as (BM25 score, chunk id, document id), the semantic ones as
    (chunk id, cosine))."""

    query: str
    expansions: list[Expansion]
    compiled: Compiled
    lexical: list[tuple[float, int, int]]
    dense: list[tuple[int, float]]
    coverage: float | None = None  # share of the query the best full-text passages hold, once computed
    vector: npt.NDArray[np.float32] | None = None  # the query's embedding (None when the mode reads no vectors)


class ModeUnavailable(Exception):
    """A search mode that this installation cannot run; the message says why and what to do."""


def check_mode(mode: SearchMode, embedder: Embedder | None) -> None:
    """Raise ModeUnavailable, with what to do, if ``mode`` cannot run with this embedder."""
    if mode is not SearchMode.LEXICAL and embedder is None:
        raise ModeUnavailable(
            f"the {mode.value} mode needs an embedding model: none is installed or semantic search is off "
            "(run `make setup`, or put a GGUF embedding model in models/)"
        )


RETRIEVAL_DEPTH = 100  # chunks taken from each retriever before fusion
IDENTIFIER_DEPTH = 1000  # chunks looked up for holding an identifier of the query
SNAPSHOT_ATTEMPTS = 3  # searches on newer catalog snapshots while the index is ahead of the one read


NEAR_DUPLICATES_KEPT = 100_000  # documents whose near-duplicates are kept between searches of one generation
QUERY_VECTORS_KEPT = 256  # query embeddings kept (a query searched again, in another mode or with other filters)


class SearchEngine:
    def __init__(
        self,
        case: Case,
        embedder: Embedder | None = None,
        lexicon: Lexicon | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.case = case
        self.settings = case.settings
        self.embedder = embedder
        self.lexicon = lexicon or Lexicon()
        self.reranker = reranker
        self.learned: LearnedRanker | None = None  # the second stage of the full mode (default: the shipped one)
        self.compiler = QueryCompiler(case.lexical)
        self._generation = -1
        self._vectors: VectorStore | None = None
        self._vectors_generation = -1
        self._query_vectors: OrderedDict[tuple[str, str], npt.NDArray[np.float32]] = OrderedDict()
        self._query_lock = threading.Lock()
        self._embedder_thread: ThreadPoolExecutor | None = None
        self._coverage: tuple[int, Coverage] | None = None
        self._near: tuple[int, dict[int, list[int]]] = (-1, {})  # near-duplicates by document, for a generation

    def check_mode(self, mode: SearchMode) -> None:
        check_mode(mode, self.embedder)

    def refresh(self) -> None:
        """See the latest commit of the indexer (cheap when nothing changed)."""
        generation = self.case.catalog.generation()
        if generation != self._generation:
            self.case.lexical.reload()
            self._generation = generation
        if self.embedder is not None and (
            self._vectors_generation != generation
            or self._vectors is None
            or self._vectors.identity != self.embedder.identity
        ):
            self._vectors = open_vector_store(self.case.directory, self.embedder.identity)
            self._vectors_generation = generation

    def coverage(self) -> Coverage:
        """How many chunks the case has, and how many of them have a vector (counted once per generation)."""
        generation = self.case.catalog.generation()
        if self._coverage is None or self._coverage[0] != generation:
            counts = self.case.catalog.counts()
            self._coverage = (generation, Coverage(chunks=counts["chunks"], embedded=counts["embedded"]))
        return self._coverage[1]

    def query_vector(self, request: SearchRequest, expansions: Sequence[Expansion]) -> npt.NDArray[np.float32]:
        """The embedding of the query as the model reads it (kept for the next searches of the same text)."""
        assert self.embedder is not None
        text = dense_query(request.query, expansions)
        key = (self.embedder.identity.sha256, text)
        with self._query_lock:
            vector = self._query_vectors.get(key)
            if vector is not None:
                self._query_vectors.move_to_end(key)
                return vector
        vector = np.asarray(self.embedder.embed_queries([text])[0], dtype=np.float32)
        with self._query_lock:
            self._query_vectors[key] = vector
            while len(self._query_vectors) > QUERY_VECTORS_KEPT:
                self._query_vectors.popitem(last=False)
        return vector

    def _expansions(self, request: SearchRequest) -> list[Expansion]:
        return self.lexicon.expand(request.query, request.disabled_expansions) if request.expand else []

    def search(self, request: SearchRequest, passages: int | None = None) -> SearchResult:
        """Run ``request``, consistently while an indexer commits.

        ``passages``: how many hits, from the top, get their passage cut around the query's words (with its page
        and why it matched); the others come with the chunk's opening and ``passage_pending`` (:meth:`complete`
        finds theirs). None: every hit. Reading a passage's words is about half of a full-text search's time:
        the window asks for its first screen of hits and has the others completed after the list is shown.

        The catalog is read as one committed state (a snapshot) throughout; the full-text index and the vectors
        are reloaded after it was taken, so they are at least as recent (the indexer commits them before the
        catalog). If they are more recent, some retrieved chunk is not in the snapshot yet: the search runs
        again on a newer snapshot, so that no document goes missing while it is being replaced, and every hit's
        passage, paths and page come from the same commit."""
        self.check_mode(request.mode)
        started = time.perf_counter()
        for attempt in range(1, SNAPSHOT_ATTEMPTS + 1):
            with self.case.catalog.snapshot():
                result = self._search(request, started, passages, last=attempt == SNAPSHOT_ATTEMPTS)
            if result is not None:
                return result
            self._generation = self._vectors_generation = -1  # reload the index and the vectors after the next snapshot
        raise AssertionError("unreachable: the last attempt always returns")

    def retrieve(self, request: SearchRequest) -> Retrieval:
        """The first stage: the expanded query and the candidates of each retriever the mode uses."""
        self.refresh()
        expansions = self._expansions(request)
        fused_modes = (SearchMode.HYBRID, SearchMode.FULL)
        embedding: Future[npt.NDArray[np.float32]] | None = None
        if request.mode in (SearchMode.DENSE, *fused_modes) and self._dense_possible(request):
            # the query's embedding (model code, outside the GIL) runs while the full-text side is searched
            embedding = self._embedding_thread().submit(self.query_vector, request, expansions)
        compiled = self.compiler.compile(request.query, expansions)
        filters = self._filters(request)
        if not request.query.strip() and request.entity:  # the documents holding an entity, nothing typed:
            marked = self.compiler.compile(_entity_value(request), [])  # their passages show where it is
            compiled = Compiled(self.case.lexical.everything(), marked.matchers, marked.terms)
        lexical: list[tuple[float, int, int]] = []
        dense: list[tuple[int, float]] = []
        if request.mode in (SearchMode.LEXICAL, *fused_modes):
            query = self._filtered(compiled.query, filters)
            lexical = self.case.lexical.search(query, limit=max(RETRIEVAL_DEPTH, request.top * 5))
        vector = embedding.result() if embedding is not None else None
        if vector is not None:
            dense = self._dense(vector, filters)
        return Retrieval(request.query, expansions, compiled, lexical, dense, vector=vector)

    def _search(self, request: SearchRequest, started: float, passages: int | None, last: bool) -> SearchResult | None:
        """The result, or None when the index is ahead of the catalog snapshot (unless ``last``)."""
        retrieval = self.retrieve(request)
        expansions, compiled, lexical, dense = (
            retrieval.expansions,
            retrieval.compiled,
            retrieval.lexical,
            retrieval.dense,
        )
        bm25 = {c: score for score, c, _ in lexical}
        cosine = dict(dense)
        if request.mode is SearchMode.LEXICAL:
            ranked = [c for _, c, _ in lexical]
            fused: dict[int, float] = {}
        elif request.mode is SearchMode.DENSE:
            ranked = [c for c, _ in dense]
            fused = {}
        else:
            fused = self.fuse(request, retrieval)
            ranked = sorted(fused, key=lambda c: -fused[c])
        head = ranked[: max(RETRIEVAL_DEPTH, request.top * 5)]
        # the head's texts are read when the order depends on them; otherwise only those of the hits kept
        by_text = request.mode is SearchMode.FULL or (not request.query.strip() and bool(request.entity))
        chunks = self.case.catalog.chunks(head, with_text=by_text)
        if len(chunks) < len(head) and not last:
            return None
        metas = self.case.catalog.documents_meta([c.document_id for c in chunks.values()])
        # A document that no file references any more is on its way out (its file was deleted, or now holds
        # another content that replaces it at the next commit): it is no longer part of the case.
        chunks = {
            c: chunk for c, chunk in chunks.items() if chunk.document_id in metas and metas[chunk.document_id].paths
        }
        notes: list[str] = []
        reranked: dict[int, float] = {}
        learned: LearnedRanker | None = None
        if request.mode is SearchMode.FULL:
            if self.reranker is not None:
                ranked, reranked = self._rerank(request.query, ranked, chunks)
            else:
                learned = self.learned if self.learned is not None else shipped_ranker()
                if learned is None:
                    notes.append(NO_RERANKER)
                else:
                    ranked, reranked = self._learned_rerank(learned, request, retrieval, ranked, fused, chunks, metas)
        primary = {SearchMode.LEXICAL: bm25, SearchMode.DENSE: cosine}.get(request.mode, fused)
        ranked = _ties_in_stable_order(ranked, chunks, metas, lambda c: (reranked.get(c), primary.get(c)))
        if not request.query.strip() and request.entity:  # each document's passage: where the entity is written
            ranked = sorted(ranked, key=lambda c: not find_matches(chunks[c].text, compiled.matchers))
        kept, copies = self._collapse(ranked, chunks, request.top)
        if not by_text:
            read = self.case.catalog.chunks([c.id for c in kept])
            kept = [read[c.id] for c in kept if c.id in read]
        if copies:
            metas.update(self.case.catalog.documents_meta([d for ds in copies.values() for d in ds]))
            copies = {
                kept_id: sorted(near, key=lambda d: metas[d].paths[:1] if d in metas else ())
                for kept_id, near in copies.items()
            }
        hits = self._hits(kept, metas, compiled, bm25, cosine, fused, reranked, request.mode, copies, passages)
        return SearchResult(
            query=request.query,
            mode=request.mode,
            expansions=tuple(expansions),
            coverage=self.coverage(),
            hits=tuple(hits),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            reranker=(self.reranker.identity.name if self.reranker is not None else learned.name if learned else None)
            if reranked
            else None,
            notes=tuple(notes),
        )

    def all_matches(self, request: SearchRequest) -> list[int]:
        """The document id of every chunk that the full-text search of ``request`` matches (one per chunk), not
        a top N (batch term lists). Call :meth:`refresh` first, inside a catalog snapshot."""
        compiled = self.compiler.compile(request.query, self._expansions(request))
        return self.case.lexical.matching_documents(self._filtered(compiled.query, self._filters(request)))

    def live_documents(self) -> dict[int, str]:
        """SHA-256 by id of the documents that files reference (the others are leaving the case)."""
        return analysis.live_documents(self.case.catalog)

    def document_view(self, document_id: int, request: SearchRequest) -> DocumentView | None:
        """A whole document with every match of ``request``'s query (expansions included) marked, for a
        preview; None when the document left the case."""
        row = self.case.catalog.document(document_id)
        if row is None:
            return None
        compiled = self.compiler.compile(request.query or _entity_value(request), self._expansions(request))
        matches = find_matches(row.text, compiled.matchers)
        return DocumentView(
            document_id=row.id,
            path=row.paths[0] if row.paths else "",
            other_paths=row.paths[1:],
            sha256=row.sha256,
            kind=row.kind,
            title=row.title,
            text=row.text,
            pages=row.pages,
            matches=tuple((m.start, m.end) for m in matches),
        )

    def _learned_rerank(
        self,
        learned: LearnedRanker,
        request: SearchRequest,
        retrieval: Retrieval,
        ranked: list[int],
        fused: dict[int, float],
        chunks: dict[int, Chunk],
        metas: dict[int, DocumentMeta],
    ) -> tuple[list[int], dict[int, float]]:
        """Reorder the head of the fused ranking (HEAD chunks) by the shipped learned ranker (search/ranker.py)."""
        head, rows = self.head_rows(request, retrieval, ranked, fused, chunks, metas)
        if not head:
            return ranked, {}
        scores = dict(zip(head, learned.score(rows).tolist(), strict=True))
        order = dict(scores)
        if query_shape(request.query, retrieval.expansions).identifier_centric:  # who holds the plate stays first
            held = rows[:, FEATURES.index("identifiers")].tolist()
            order = {c: scores[c] + TIER * share for c, share in zip(head, held, strict=True)}
        reordered = sorted(head, key=lambda c: -order[c])
        return reordered + [c for c in ranked if c not in scores], scores

    def head_rows(
        self,
        request: SearchRequest,
        retrieval: Retrieval,
        ranked: Sequence[int],
        fused: dict[int, float],
        chunks: dict[int, Chunk] | None = None,
        metas: dict[int, DocumentMeta] | None = None,
    ) -> tuple[list[int], npt.NDArray[np.float64]]:
        """The head of the fused ranking (HEAD chunks) and the learned ranker's features of each (search/ranker.py);
        also what bench/train_ranker.py learns from."""
        if chunks is None:
            chunks = self.case.catalog.chunks(list(ranked[:HEAD]))
        if metas is None:
            metas = self.case.catalog.documents_meta([c.document_id for c in chunks.values()])
        head = [c for c in ranked[:HEAD] if c in chunks and chunks[c].document_id in metas]
        shape = query_shape(request.query, retrieval.expansions)
        candidates = [
            Candidate(c, chunks[c].document_id, chunks[c].ordinal, chunks[c].text, metas[chunks[c].document_id].title)
            for c in head
        ]
        vector = retrieval.vector
        if vector is None and retrieval.dense and self.embedder is not None:
            vector = self.query_vector(request, retrieval.expansions)
        cosines = self._vectors.scores(vector, head) if self._vectors is not None and vector is not None else {}
        rows = head_features(
            shape,
            self._query_coverage(request, retrieval),
            units_of(self.compiler, self.case.lexical, request.query, retrieval.expansions),
            identifier_matchers(self.compiler, shape.identifiers),
            candidates,
            [(c, s) for s, c, _ in retrieval.lexical],
            retrieval.dense,
            fused,
            cosines,
        )
        return head, rows

    def _rerank(self, query: str, ranked: list[int], chunks: dict[int, Chunk]) -> tuple[list[int], dict[int, float]]:
        """Reorder the head of the fused ranking (``rerank_depth`` chunks) by the cross-encoder's scores."""
        assert self.reranker is not None
        head = [c for c in ranked[: self.settings.rerank_depth] if c in chunks]
        scores = dict(zip(head, self.reranker.score(query, [chunks[c].text for c in head]), strict=True))
        reordered = sorted(head, key=lambda c: -scores[c])
        return reordered + [c for c in ranked if c not in scores], scores

    def fuse(self, request: SearchRequest, retrieval: Retrieval) -> dict[int, float]:
        """Fused scores of the candidates of both retrievers (hybrid and full modes), weighed by what the query is
        (search/fusion.py): hits holding the identifiers of an identifier query first, meaning leading for a
        question or a description, the full text weighed by how much of the query its best passages hold."""
        expansions, lexical, dense = retrieval.expansions, retrieval.lexical, retrieval.dense
        settings = self.settings
        shape = query_shape(request.query, expansions)
        coverage = self._query_coverage(request, retrieval) if settings.fusion_adaptive else 1.0
        if settings.fusion_query_aware:
            plan = fusion_plan(shape, coverage)
        else:
            plan = FusionPlan(coverage, 1.0, identifiers_first=False)
        lexical_weight = settings.fusion_lexical_weight * plan.lexical_weight
        dense_weight = settings.fusion_dense_weight * plan.dense_weight
        if settings.fusion == "rrf":
            fused = reciprocal_rank_fusion(
                [(lexical_weight, [c for _, c, _ in lexical]), (dense_weight, [c for c, _ in dense])],
                k=settings.fusion_k,
            )
        else:
            fused = zscore_fusion([(lexical_weight, [(c, s) for s, c, _ in lexical]), (dense_weight, dense)])
        if plan.identifiers_first and shape.identifiers and lexical:
            holders = self._holders(shape.identifiers, request)
            fused = identifiers_first(fused, lambda c: holders.get(c, 0.0))
        return fused

    def _query_coverage(self, request: SearchRequest, retrieval: Retrieval) -> float:
        """How much of the query the best full-text passages hold (1.0 without both rankings or for operators)."""
        if retrieval.coverage is None:
            retrieval.coverage = 1.0
            if retrieval.lexical and retrieval.dense and is_natural(parse(request.query)):
                top = self.case.catalog.chunks([c for _, c, _ in retrieval.lexical[:COVERAGE_PASSAGES]])
                retrieval.coverage = lexical_coverage(
                    self.compiler,
                    self.case.lexical,
                    request.query,
                    retrieval.expansions,
                    [c.text for c in top.values()],
                )
        return retrieval.coverage

    def _holders(self, identifiers: Sequence[str], request: SearchRequest) -> dict[int, float]:
        """Share of ``identifiers`` each chunk holds (as written, any spacing or case), for the chunks holding one."""
        held: dict[int, int] = {}
        for identifier in identifiers:
            query = self._filtered(self.compiler.compile_exact(identifier), Filters.of(request))
            for _, chunk_id, _ in self.case.lexical.search(query, limit=IDENTIFIER_DEPTH):
                held[chunk_id] = held.get(chunk_id, 0) + 1
        return {c: n / len(identifiers) for c, n in held.items()}

    def _dense_possible(self, request: SearchRequest) -> bool:
        return bool(
            self.embedder is not None and self._vectors is not None and len(self._vectors) and request.query.strip()
        )

    def _embedding_thread(self) -> ThreadPoolExecutor:
        if self._embedder_thread is None:
            self._embedder_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-embedding")
        return self._embedder_thread

    def close(self) -> None:
        """Stop the engine's thread (the session closes it with the case)."""
        if self._embedder_thread is not None:
            self._embedder_thread.shutdown(wait=True)
            self._embedder_thread = None

    def _dense(self, vector: npt.NDArray[np.float32], filters: Filters) -> list[tuple[int, float]]:
        assert self._vectors is not None
        settings = self.settings
        # with filters, more candidates: the filters are checked after the vector search
        depth = RETRIEVAL_DEPTH * (FILTERED_DEPTH_FACTOR if filters else 1)
        found = self._vectors.search(
            vector, depth, max(depth, settings.rescore_candidates), exact=settings.vector_search != "hnsw"
        )
        if not filters:
            return found
        chunks = self.case.catalog.chunks([c for c, _ in found])
        metas = self.case.catalog.documents_meta([ch.document_id for ch in chunks.values()])
        kept = [(c, score) for c, score in found if c in chunks and filters.allows(metas.get(chunks[c].document_id))]
        return kept[:RETRIEVAL_DEPTH]

    def mark(self, request: SearchRequest, hits: Sequence[Hit], stop: Callable[[], bool] | None = None) -> list[Hit]:
        """``hits`` (of a search of ``request``) with the passage's sentence closest to the query in meaning
        marked; a hit found by meaning alone gets the passage around that sentence. A hit whose chunk left the
        case (a commit since the search) is returned as it was, and so are the hits left when ``stop`` says so
        (it is asked before each sentence embedding: a newer search need not wait for the marks)."""
        if self.embedder is None or request.mode is SearchMode.LEXICAL or not request.query.strip() or not hits:
            return list(hits)
        expansions = self._expansions(request)
        compiled = self.compiler.compile(request.query, expansions)
        vector = self.query_vector(request, expansions)
        chunks = self.case.catalog.chunks([h.chunk_id for h in hits])
        metas = self.case.catalog.documents_meta(list({h.document_id for h in hits}))
        width = self.settings.passage_chars
        should_stop = stop or (lambda: False)
        marked: list[Hit] = []
        for hit in hits:
            chunk, meta = chunks.get(hit.chunk_id), metas.get(hit.document_id)
            if chunk is None or meta is None or chunk.document_id != hit.document_id or should_stop():
                marked.append(hit)
                continue
            matches = find_matches(chunk.text, compiled.matchers)
            sentence = self._closest_sentence(chunk, meta, matches, width, vector, should_stop)
            marked.append(self._hit(hit, chunk, meta, matches, sentence, width) if sentence else hit)
        return marked

    def _closest_sentence(
        self,
        chunk: Chunk,
        meta: DocumentMeta,
        matches: Sequence[Match],
        width: int,
        vector: npt.NDArray[np.float32],
        stop: Callable[[], bool],
    ) -> tuple[int, int] | None:
        """The chunk's sentence closest to the query vector (offsets in the chunk text); None if stopped."""
        spans = sentence_spans(chunk.text)
        if matches:  # only the sentences around the lexical matches can end up in the passage
            anchor = matches[0].start
            spans = sorted(spans, key=lambda s: abs(s[0] - anchor))[:MAX_SENTENCES]
        elif len(spans) > MAX_SENTENCES:
            # a hit by meaning alone: find the passage-sized window of the chunk closest to the query first (in
            # an SMS extraction, the message among the rows, not the header), then its closest sentence
            windows = pack_sentences(spans, width)[:MAX_WINDOWS]
            if len(windows) > 1:
                best = self._closest(chunk.text, windows, meta.title, vector, stop)
                if best is None:
                    return None
                spans = [s for s in spans if windows[best][0] <= s[0] and s[1] <= windows[best][1]]
            spans = spans[:MAX_SENTENCES]
        spans = [s for s in spans if s[1] - s[0] <= width] or spans
        best = self._closest(chunk.text, spans, meta.title, vector, stop) if spans else None
        return spans[best] if best is not None else None

    def _closest(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        title: str,
        vector: npt.NDArray[np.float32],
        stop: Callable[[], bool],
    ) -> int | None:
        """Index of the span of ``text`` whose embedding is closest to the query's (None if stopped)."""
        assert self.embedder is not None
        scores: list[float] = []
        for a, b in spans:  # one at a time, so that a stop is seen within one sentence's embedding
            if stop():
                return None
            scores.append(float(self.embedder.embed_documents([text[a:b]], [title])[0] @ vector))
        return int(np.argmax(scores))

    def _collapse(
        self, ranked: Sequence[int], chunks: dict[int, Chunk], top: int
    ) -> tuple[list[Chunk], dict[int, list[int]]]:
        """The best ``hits_per_document`` chunks of each document, in rank order, up to ``top``; and, by kept
        document, its near-identical documents (``group_near_duplicates``): they are not hits of their own. The
        document that stands for a group is its best ranked one (the first path of equal scores: see
        :func:`_ties_in_stable_order`), so a group shows the same hit whatever ids indexing gave."""
        per_doc = max(1, self.settings.hits_per_document)
        group = self.settings.group_near_duplicates
        kept: list[Chunk] = []
        taken: dict[int, int] = {}
        copies: dict[int, list[int]] = {}
        absorbed: set[int] = set()
        for chunk_id in ranked:
            chunk = chunks.get(chunk_id)
            if chunk is None:  # removed by a commit between retrieval and lookup
                continue
            if chunk.document_id in absorbed or taken.get(chunk.document_id, 0) >= per_doc:
                continue
            if group and chunk.document_id not in taken:
                near = [d for d in self._near_duplicates(chunk.document_id) if d not in taken]
                if near:
                    copies[chunk.document_id] = near
                    absorbed.update(near)
            taken[chunk.document_id] = taken.get(chunk.document_id, 0) + 1
            kept.append(chunk)
            if len(kept) >= top:
                break
        return kept, copies

    def _near_duplicates(self, document_id: int) -> list[int]:
        """The document's near-duplicates (analysis.near_duplicates), kept until the index's generation changes:
        the next searches show many of the same documents."""
        generation, known = self._near
        if generation != self._generation or len(known) > NEAR_DUPLICATES_KEPT:
            known = {}
            self._near = (self._generation, known)
        found = known.get(document_id)
        if found is None:
            found = analysis.near_duplicates(self.case.catalog, [document_id]).get(document_id, [])
            known[document_id] = found
        return found

    def _filters(self, request: SearchRequest) -> Filters:
        """The request's filters, its entity filter resolved to the documents holding the entity."""
        filters = Filters.of(request)
        if not request.entity:
            return filters
        kind, _, value = request.entity.partition(":")
        try:
            holding = analysis.documents_with(self.case.catalog, EntityType(kind), value)
        except ValueError:  # not a type of entity: no document holds it
            holding = set()
        return replace(filters, documents=frozenset(holding))

    def _filtered(self, query: Any, filters: Filters) -> Any:
        clauses = filters.clauses(self.case.lexical)
        if not clauses:
            return query
        return self.case.lexical.boolean([("must", query), *(("must", c) for c in clauses)])

    def _hits(
        self,
        kept: Sequence[Chunk],
        metas: dict[int, DocumentMeta],
        compiled: Compiled,
        bm25: dict[int, float],
        cosine: dict[int, float],
        fused: dict[int, float],
        reranked: dict[int, float],
        mode: SearchMode,
        copies: dict[int, list[int]],
        passages: int | None,
    ) -> list[Hit]:
        width = self.settings.passage_chars
        hits: list[Hit] = []
        first = len(kept) if passages is None else passages
        matchers = self._matchers_of([c.id for c in kept[:first]], compiled.matchers)
        for chunk in kept:
            meta = metas.get(chunk.document_id)
            if meta is None:
                continue
            scores = Scores(
                bm25=bm25.get(chunk.id),
                dense=cosine.get(chunk.id),
                fused=fused.get(chunk.id),
                rerank=reranked.get(chunk.id),
            )
            main = {SearchMode.LEXICAL: scores.bm25, SearchMode.DENSE: scores.dense}.get(mode, scores.fused)
            if scores.rerank is not None:
                main = scores.rerank
            paths = meta.paths or ("",)
            ranked = Hit(
                rank=len(hits) + 1,
                doc_path=paths[0],
                other_paths=tuple(paths[1:]),
                sha256=meta.sha256,
                title=meta.title,
                page=chunk.page,
                chunk_id=chunk.id,
                document_id=chunk.document_id,
                score=main or 0.0,
                passage="",
                passage_start=chunk.start,
                highlights=(),
                matched_terms=(),
                scores=scores,
                containers=self.case.catalog.containers_of(paths[0]) if LOCATION_SEPARATOR in paths[0] else (),
                chunk_start=chunk.start,
                chunk_end=chunk.end,
                also_in=tuple(
                    NearCopy(m.paths[0], m.paths[1:], m.sha256, m.title)
                    for m in (metas.get(d) for d in copies.get(chunk.document_id, ()))
                    if m is not None and m.paths
                ),
            )
            if len(hits) < first:
                hits.append(self._hit(ranked, chunk, meta, find_matches(chunk.text, matchers(chunk.id)), None, width))
            else:
                # the chunk's opening, as for a hit without match; its words not read yet (:meth:`complete`)
                hits.append(replace(self._hit(ranked, chunk, meta, [], None, width), passage_pending=True))
        return hits

    def complete(self, request: SearchRequest, hits: Sequence[Hit]) -> list[Hit]:
        """``hits`` (of a search of ``request``) with the passages left pending found (:meth:`search`'s
        ``passages``) as the search would have found them; a hit whose chunk left the case since (a commit) is
        returned as it was."""
        pending = [h for h in hits if h.passage_pending]
        if not pending:
            return list(hits)
        if not request.query.strip() and request.entity:
            matchers = self.compiler.compile(_entity_value(request), []).matchers
        else:
            matchers = self.compiler.compile(request.query, self._expansions(request)).matchers
        chunks = self.case.catalog.chunks([h.chunk_id for h in pending])
        metas = self.case.catalog.documents_meta(list({h.document_id for h in pending}))
        matchers_of = self._matchers_of(list(chunks), matchers)
        width = self.settings.passage_chars
        completed: list[Hit] = []
        for hit in hits:
            chunk, meta = chunks.get(hit.chunk_id), metas.get(hit.document_id)
            if not hit.passage_pending or chunk is None or meta is None or chunk.document_id != hit.document_id:
                completed.append(hit)
                continue
            completed.append(self._hit(hit, chunk, meta, find_matches(chunk.text, matchers_of(chunk.id)), None, width))
        return completed

    def _matchers_of(self, chunk_ids: Sequence[int], matchers: Matchers) -> Callable[[int], Matchers]:
        """The matchers to highlight each of ``chunk_ids`` with: a chunk that holds none of the query's entities
        (the index says so from its entity keys, which are those of the chunk's text) is not searched for them —
        reading a passage's entities costs ten times its words."""
        if not matchers.entities:
            return lambda _: matchers
        holding = self.case.lexical.chunks_holding("entities", matchers.entities, chunk_ids)
        without = replace(matchers, entities=set())
        return lambda chunk_id: matchers if chunk_id in holding else without

    def _hit(
        self,
        hit: Hit,
        chunk: Chunk,
        meta: DocumentMeta,
        matches: list[Match],
        sentence: tuple[int, int] | None,
        width: int,
    ) -> Hit:
        """``hit`` with its passage cut from ``chunk``: around the matches, or around the ``sentence`` closest in
        meaning for a hit without match; that sentence is marked when it is in the passage."""
        if sentence is not None and not matches:  # a hit by meaning alone: show its best sentence
            passage = passage_at(chunk.text, *window_around(chunk.text, *sentence, width), matches)
        else:
            passage = best_passage(chunk.text, matches, width)
        marked = None
        if sentence is not None and passage.start <= sentence[0] and sentence[1] <= passage.start + len(passage.text):
            marked = (sentence[0] - passage.start, sentence[1] - passage.start)
        start = chunk.start + passage.start
        return replace(
            hit,
            page=page_at(meta.pages, start) if meta.pages else chunk.page,
            ocr_confidence=_page_confidence(meta.pages, start),
            passage=passage.text,
            passage_start=start,
            highlights=passage.highlights,
            matched_terms=passage.matched,
            expansions=passage.expansions,
            semantic_highlight=marked,
            passage_pending=False,
        )


def _page_confidence(pages: Sequence[PageSpan], offset: int) -> float | None:
    """The OCR confidence of the page holding ``offset``, None when its text was read from the file."""
    span = page_span_at(list(pages), offset)
    return span.confidence if span is not None else None


def _entity_value(request: SearchRequest) -> str:
    """The canonical value of the request's entity filter ("+33749271683" for "phone:+33749271683"): read as a
    query, it marks the entity in any of its written forms."""
    return request.entity.partition(":")[2]


def _ties_in_stable_order(
    ranked: Sequence[int],
    chunks: dict[int, Chunk],
    metas: dict[int, DocumentMeta],
    score: Callable[[int], tuple[float | None, float | None]],
) -> list[int]:
    """``ranked`` (the chunks found), where each run of chunks with equal scores is ordered by its document's
    first path, then the document's hash and the chunk's offset, instead of internal ids: the same folder indexed
    twice (or resumed after a crash) gives chunks other ids, but the same order, and near-duplicate groups the
    same representative."""

    def key(chunk_id: int) -> tuple[str, str, int]:
        chunk = chunks[chunk_id]
        meta = metas.get(chunk.document_id)
        return (meta.paths[0] if meta and meta.paths else "", meta.sha256 if meta else "", chunk.start)

    found = [c for c in ranked if c in chunks]
    ordered: list[int] = []
    run: list[int] = []
    for chunk_id in found:
        if run and score(chunk_id) != score(run[0]):
            ordered.extend(sorted(run, key=key))
            run = []
        run.append(chunk_id)
    ordered.extend(sorted(run, key=key))
    return ordered


MAX_SENTENCES = 4  # sentences compared with the query per hit, nearest the lexical matches first
MAX_WINDOWS = 8  # passage-sized windows compared with the query for a hit without lexical match
FILTERED_DEPTH_FACTOR = 5  # vector candidates taken per kept one when filters apply


def pack_sentences(spans: Sequence[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """Consecutive sentences grouped into windows of at most ``width`` characters (a longer sentence alone)."""
    windows: list[tuple[int, int]] = []
    for start, end in spans:
        if windows and end - windows[-1][0] <= width:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


DENSE_ALTERNATIVES = 2  # alternatives of each expansion added to the query text the embedding model reads


def dense_query(query: str, expansions: Sequence[Expansion]) -> str:
    """The query as the embedding model reads it: expansions spelled out after the words they explain.

    "GAV prolongée" → "GAV (garde à vue) prolongée": the model sees what the abbreviation means, in place.
    """
    if not expansions or DENSE_ALTERNATIVES == 0:
        return query
    parts: list[str] = []
    cursor = 0
    for expansion in sorted(expansions, key=lambda e: e.start):
        shown = ", ".join(expansion.alternatives[:DENSE_ALTERNATIVES])
        parts += [query[cursor : expansion.end], f" ({shown})"]
        cursor = expansion.end
    parts.append(query[cursor:])
    return "".join(parts)
