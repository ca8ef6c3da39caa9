"""An open case, as every front end works on it: the command line, the window's search thread, the self-test, the
evaluation and the benchmarks all go through a :class:`CaseSession`, so what is measured is what users run.

A session holds, for as long as the case is open:

- the case (its stores) and its **effective settings**: the case's ``settings.json`` with the caller's overrides
  (a command line's ``--model``, ``--operator``…) applied once, at open; they do not change while it is open (the
  window opens a new session when the user changes them);
- the **embedding model and the reranker**, each loaded at most once — in the background as soon as the case
  opens when the caller asks for it (the window: the first search then waits only for what is left of the load),
  otherwise at first need — and closed once, with the session;
- one long-lived **search engine**, which follows the indexer's commits (it reloads its readers when the case's
  generation changes) and keeps its caches (query embeddings) from one search to the next;
- for a window, the **read-ahead** of the case's search files (stores/warmup.py), in the background from the moment
  the case opens and holding while a search runs, so that a case opened from a cold disk answers its first search
  from memory;
- the **audit trail**: indexing runs, searches, exports and tag changes are recorded in the name of the operator
  setting.

The composition root (``app.py``) opens sessions and says how models are loaded (:class:`ModelLoaders`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

from arbiter_desktop import __version__
from arbiter_desktop.config import paths
from arbiter_desktop.config.models import DEFAULT_EMBEDDER, LIGHT_EMBEDDER
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import CaseStatus, Coverage, DocumentView, Hit, SearchMode, SearchRequest, SearchResult
from arbiter_desktop.embedding.base import Embedder
from arbiter_desktop.entities import EntityType
from arbiter_desktop.export import tables
from arbiter_desktop.export.csv import render_csv
from arbiter_desktop.export.labels import Labels
from arbiter_desktop.export.output import check_output, write_atomically
from arbiter_desktop.export.resultset import (
    ExportContext,
    ExportedFile,
    ExportError,
    ModelInfo,
    ResultSet,
    from_search,
    from_tag,
)
from arbiter_desktop.indexing.job import Indexer, IndexReport, JobControl, ProgressCallback
from arbiter_desktop.ingest.render import PageImage, PageMarks, PageRequest, PdfPages
from arbiter_desktop.ingest.render import render_page as render_document_page
from arbiter_desktop.safetext import path_key
from arbiter_desktop.search import termlist as termlists
from arbiter_desktop.search.engine import ModeUnavailable, SearchEngine
from arbiter_desktop.search.expansion import default_lexicon
from arbiter_desktop.search.ranker import shipped_ranker
from arbiter_desktop.search.rerank import Reranker
from arbiter_desktop.search.termlist import TermList, TermListError, TermListRun
from arbiter_desktop.stores import analysis
from arbiter_desktop.stores.activity import SearchActivity
from arbiter_desktop.stores.audit import AuditEntry, AuditError, now_iso, system_user
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.catalog import read_counts_ahead
from arbiter_desktop.stores.tags import TaggedHit
from arbiter_desktop.stores.vectors import drop_other_models
from arbiter_desktop.stores.warmup import read_through, search_files

log = logging.getLogger(__name__)


class Closeable(Protocol):
    def close(self) -> None: ...


M = TypeVar("M", bound=Closeable)

# Hits whose passages a search cut before the window shows its list: a first screen of the list and a little more
# (the window draws about 8 rows on a 1080-pixel screen); the others are completed right after (CaseSession.complete)
FIRST_PASSAGES = 10


class ModelSlot(Generic[M]):
    """A model loaded at most once — in a background thread once :meth:`start` is called, else by the first
    :meth:`get` — and closed once. A load that failed raises its error at every :meth:`get`."""

    def __init__(self, name: str, load: Callable[[], M | None]) -> None:
        self.name = name
        self._load = load
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._model: M | None = None
        self._error: BaseException | None = None
        self._closed = False
        self.load_seconds = 0.0

    def start(self) -> None:
        """Load in the background (nothing happens if the load already started)."""
        with self._lock:
            if self._thread is None and not self._done.is_set() and not self._closed:
                self._thread = threading.Thread(target=self._run, name=f"load-{self.name}", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self._model = self._load()
        except Exception as exc:  # kept for get(): the caller says it to the user
            self._error = exc
        finally:
            self.load_seconds = time.perf_counter() - started
            self._done.set()

    def get(self) -> M | None:
        """The model (None when there is none to load), waiting for a load under way."""
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the {self.name} of a closed session")
            if self._thread is None and not self._done.is_set():
                self._run()
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._model

    def loaded(self) -> M | None:
        """The model if it is loaded already (never waits)."""
        return self._model if self._done.is_set() else None

    @property
    def started(self) -> bool:
        return self._thread is not None or self._done.is_set()

    def close(self) -> None:
        """Close the model (after a load under way ends); the slot cannot load again."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            thread.join()
        if self._model is not None:
            self._model.close()
            self._model = None


@dataclass(frozen=True, slots=True)
class ModelLoaders:
    """How a session gets its models (chosen by the composition root; tests give stand-ins)."""

    # the embedding model the settings select, or None when none is installed (a named file that is missing or
    # damaged raises ModelError)
    embedder: Callable[[Settings], Embedder | None]
    # the reranker the settings select or the one installed, or None
    reranker: Callable[[Settings], Reranker | None]
    # the embedding model file the settings select, when installed (without loading it)
    embedder_file: Callable[[Settings], Path | None]


def no_embedding_model() -> ModeUnavailable:
    return ModeUnavailable(
        f"searching by meaning needs an embedding model: none is installed (expected "
        f"{paths.models_dir()}/{DEFAULT_EMBEDDER} or {LIGHT_EMBEDDER}: run `make setup`)"
    )


_SETTLED = threading.Event()


def _settle() -> None:
    """Once per process, after its first search: what is alive then (the lexicons, the analysers' tables, the
    libraries) stays alive, so it is moved out of the garbage collector's full passes, which otherwise walk it
    every few searches (20–50 ms pauses measured at 100k chunks). Reference counting still frees it."""
    if not _SETTLED.is_set():
        _SETTLED.set()
        gc.freeze()


class _CollectorPause:
    """The garbage collector paused while searches run (re-enabled when the last one ends, if it was on).

    A search allocates tens of thousands of short-lived containers (a passage's words and their forms, the hits),
    all freed by reference counting; the collector's passes that they trigger found nothing to collect. Measured in
    one process at 100k chunks, full-text searches with and without the pause alternated query by query: mean
    27.9 → 25.5 ms, p95 52.0 → 49.6 ms. A search creates no reference cycles that must go at once: they wait for
    the next pass after it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._was_enabled = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._running == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0 and self._was_enabled:
                    gc.enable()


collector_paused = _CollectorPause()


class _ReadAhead:
    """The case's lexicons, catalog counts and search files read once in the background (stores/warmup.py), so
    that the first search of a case opened from a cold disk finds them in memory; held while the case's search
    flag is up (stores/activity.py: a search of this window or of a command beside it), stopped when the case
    closes."""

    def __init__(self, case: Case) -> None:
        self._case = case
        self._stop = threading.Event()
        self.bytes_read = 0
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="read-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        steps: list[Callable[[], object]] = [
            lambda: default_lexicon(self._case.directory),
            lambda: read_counts_ahead(self._case.catalog.path),  # e.g. refused on read-only media: the rest goes on
            self._read_files,
        ]
        for step in steps:
            if self._stop.is_set():
                break
            try:
                step()
            except Exception:  # a head start only: the searches read what they need themselves
                log.warning("reading the case's files ahead: a step failed", exc_info=True)
        self.seconds = time.perf_counter() - started
        log.info("read %.0f MB of the case's search files ahead in %.1f s", self.bytes_read / 2**20, self.seconds)

    def _read_files(self) -> None:
        activity = SearchActivity(self._case.directory)  # its own mapping: the session closes its flag first
        try:
            self.bytes_read = read_through(search_files(self._case.directory), self._stop, activity.hold)
        finally:
            activity.close()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the reading ends; whether it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)


class CaseSession:
    """An open case with its settings, models, search engine and audit trail (see the module's doc)."""

    def __init__(
        self,
        case: Case,
        loaders: ModelLoaders,
        preload: bool = False,
        embedder: ModelSlot[Embedder] | None = None,
        read_ahead: bool = False,
    ) -> None:
        """A session on ``case``, which it closes with itself. ``embedder``: a slot already loading (see
        :meth:`open`). ``read_ahead``: read the case's search files in the background (a window, where the user
        types the first query meanwhile; not a one-off command, whose search would compete with it)."""
        self.case = case
        self.settings = case.settings
        self.directory = case.directory
        self.loaders = loaders
        settings = case.settings
        self._embedder: ModelSlot[Embedder] = embedder or ModelSlot("embedder", lambda: loaders.embedder(settings))
        self._reranker: ModelSlot[Reranker] = ModelSlot("reranker", lambda: loaders.reranker(settings))
        self.engine = SearchEngine(case)
        self.activity = SearchActivity(case.directory)  # tells an indexer beside it that a search runs
        self._closed = False
        self.read_ahead = _ReadAhead(case) if read_ahead else None
        if preload:
            self.preload()

    @classmethod
    def open(
        cls,
        directory: Path,
        settings: Settings,
        loaders: ModelLoaders,
        create: bool = False,
        preload: bool = False,
        read_ahead: bool = False,
    ) -> CaseSession:
        """Open the case at ``directory`` with its effective ``settings``. With ``preload``, the embedding model
        starts loading first, so that it loads while the case's stores open; with ``read_ahead``, the case's search
        files are read in the background once it is open."""
        slot: ModelSlot[Embedder] = ModelSlot("embedder", lambda: loaders.embedder(settings))
        if preload and settings.semantic and loaders.embedder_file(settings) is not None:
            slot.start()
        try:
            case = Case.open(directory, create=create, settings=settings)
        except BaseException:
            slot.close()
            raise
        try:
            return cls(case, loaders, preload=preload, embedder=slot, read_ahead=read_ahead)
        except BaseException:
            slot.close()
            case.close()
            raise

    # --- lifetime -------------------------------------------------------------------------------------------
    def __enter__(self) -> CaseSession:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the models and the case (once)."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.read_ahead is not None:
                self.read_ahead.stop()
            self.engine.close()
            self.activity.close()
            self._embedder.close()
            self._reranker.close()
        finally:
            self.case.close()

    def preload(self) -> None:
        """Start loading the embedding model in the background when searches will need it (semantic search on,
        the model installed): the first search by meaning then waits only for what is left of the load."""
        if self.settings.semantic and self.semantic_model() is not None:
            self._embedder.start()

    # --- models ---------------------------------------------------------------------------------------------
    def embedder(self, required: bool = False) -> Embedder | None:
        """The embedding model (loaded once). None when semantic search is off, or when no model is installed
        and it is not ``required`` (then that is an error that names the expected file)."""
        if not required and not self.settings.semantic:
            return None
        model = self._embedder.get()
        if model is None and required:
            raise no_embedding_model()
        return model

    def reranker(self) -> Reranker | None:
        """The reranker the settings select or the one installed (loaded once), or None when there is none."""
        return self._reranker.get()

    def semantic_model(self) -> Path | None:
        """The embedding model file the settings select, when semantic search is on and the file is installed."""
        return self.loaders.embedder_file(self.settings) if self.settings.semantic else None

    @property
    def embedder_load_seconds(self) -> float:
        return self._embedder.load_seconds

    def check_mode(self, mode: SearchMode) -> None:
        """Raise, with what to do, if ``mode`` cannot run here (the embedding model loads if needed)."""
        if mode is not SearchMode.LEXICAL:
            self.embedder(required=True)

    def default_mode(self) -> SearchMode:
        """When the case has vectors and the selected model is installed: the full mode (hybrid, then the second
        stage: the shipped learned ranker, or the reranker the settings name), or hybrid without either; otherwise
        full text. The full mode is the default because it measured better than hybrid on every set its ranker
        was not trained on (issue 20: police_dev 0.877 → 0.920 and police_marseille 0.886 → 0.917 Recall@5, each
        held out in turn; piaf_v1.1, never trained on, 0.927 → 0.935)."""
        if self.semantic_model() is None or self.engine.coverage().embedded == 0:
            return SearchMode.LEXICAL
        if shipped_ranker() is not None or self.settings.reranker:
            return SearchMode.FULL
        return SearchMode.HYBRID

    def result_models(self, result: SearchResult) -> list[ModelInfo]:
        """The models that ranked ``result``: the embedder unless full text only, the reranker if it reordered."""
        models: list[ModelInfo] = []
        embedder = self._embedder.loaded()
        if embedder is not None and result.mode is not SearchMode.LEXICAL:
            models.append(ModelInfo("embedder", embedder.identity.name, embedder.identity.sha256))
        reranker = self._reranker.loaded()
        if reranker is not None and result.reranker:
            models.append(ModelInfo("reranker", reranker.identity.name, reranker.identity.sha256))
        elif result.reranker:  # the learned second stage that ships (search/ranker.py)
            learned = shipped_ranker()
            if learned is not None and learned.name == result.reranker:
                models.append(ModelInfo("reranker", learned.name, learned.sha256))
        return models

    # --- indexing -------------------------------------------------------------------------------------------
    def lacks_demo_folder(self) -> bool:
        """Whether this installation's demo folder is not among the case's sources: the demo case before its first
        indexing, or the first time it opens after an update (or in another installation of the app)."""
        own = path_key(str(paths.demo_documents_dir().resolve()))
        return own not in {p for _, p in self.case.catalog.sources()}

    def _other_demo_copies(self, roots: Sequence[Path]) -> list[str]:
        """When ``roots`` hold this installation's demo folder: the case's sources that are the demo folder of
        another installation (same ``resources/demo/…`` tail, another place). Each installation, update or copy of
        the app indexes its own demo folder into the one demo case of the user; without this, every hit of the demo
        would list the paths of every earlier installation, most of them deleted."""
        demo = paths.demo_documents_dir().resolve()
        if demo not in {r.resolve() for r in roots}:
            return []
        tail = demo.parts[-3:]
        own = path_key(str(demo))
        return [p for _, p in self.case.catalog.sources() if p != own and Path(p).parts[-3:] == tail]

    def index(
        self,
        roots: Sequence[Path],
        control: JobControl | None = None,
        on_progress: ProgressCallback | None = None,
        reembed: bool = False,
        audit: bool = True,
    ) -> IndexReport:
        """Index ``roots`` into the case; with the embedding model (semantic search on and a model installed),
        embed the chunks behind (phase 2).

        ``reembed`` confirms that vectors of another model may be deleted and the case embedded again. The run is
        recorded in the audit log (also when it fails or is interrupted)."""
        data: dict[str, Any] = {"roots": [str(r) for r in roots], "embedder": None}
        forget = self._other_demo_copies(roots)
        if forget:  # the window's runs walk every source of the case again: these are not walked
            data["forgotten_sources"] = forget
            roots = [r for r in roots if path_key(str(r.resolve())) not in forget]
        try:
            embedder = self.embedder()
            data["embedder"] = _model(embedder.identity.name, embedder.identity.sha256) if embedder else None
            if embedder is not None and reembed:
                drop_other_models(self.directory, embedder.identity)
                data["reembed"] = True
            control = control or JobControl()
            control.wait_also(self.activity.hold)  # a search in the case, here or in another process, goes first
            hold = getattr(embedder, "hold_while", None)
            if hold is not None:
                hold(self.activity.active)
            try:
                with self.case.guard():
                    report = Indexer(self.case, control, on_progress, embedder).run(roots, forget)
            finally:
                if hold is not None:
                    hold(None)
        except BaseException as exc:
            if audit:
                with contextlib.suppress(AuditError):  # the original error matters more
                    self.record("index", {**data, "error": f"{type(exc).__name__}: {exc}"})
            raise
        if audit:
            self.record(
                "index",
                {
                    **data,
                    "added": report.added,
                    "changed": report.changed,
                    "removed": report.removed,
                    "unchanged": report.unchanged,
                    "duplicates": report.duplicates,
                    "failed": report.errors,
                    "in_error": len(report.failed),
                    "documents": report.documents,
                    "chunks": report.chunks,
                    "embedded": report.embedded,
                    "ocr": {
                        "pages": report.ocr.pages,
                        "cached": report.ocr.cached,
                        "failed_pages": report.ocr.failed_pages,
                        "retry_pages": report.ocr.retry_pages,
                        "unread_pages": [
                            {"path": f.path, "page": f.page, "reason": f.reason.value} for f in report.ocr.failures
                        ],
                        "awaiting_pages": report.ocr.awaiting_pages,
                    },
                    "readings": {
                        "counted": report.readings.counted,
                        "judged": report.readings.judged,
                        "read": report.readings.read,
                    },
                    "names": {
                        "documents": report.names.documents,
                        "names": report.names.names,
                        "settled": report.names.settled,
                    },
                    "generation": report.generation,
                    "cancelled": report.cancelled,
                },
            )
        return report

    # --- searching ------------------------------------------------------------------------------------------
    def _ready(self, mode: SearchMode) -> SearchEngine:
        """The engine with what ``mode`` needs: the lexicons (re-read when edited), the models."""
        engine = self.engine
        engine.lexicon = default_lexicon(self.directory)
        if mode is not SearchMode.LEXICAL:
            engine.embedder = self.embedder(required=True)
        if mode is SearchMode.FULL:
            engine.reranker = self.reranker()
        return engine

    def search(
        self, request: SearchRequest, audit: bool = True, marks: int | None = None, passages: int | None = None
    ) -> SearchResult:
        """Run ``request``; recorded in the audit log unless ``audit`` is False (e.g. an automated check).

        ``marks``: how many hits, from the top, get the sentence closest to the query in meaning marked before
        the result is returned (default: the ``semantic_highlights`` setting). The window asks for none and marks
        the hits on screen afterwards (:meth:`mark`), so that the hit list shows first.

        ``passages``: how many hits, from the top, get their passage around the query's words, its page and why
        it matched before the result is returned (default: all); the others come with ``passage_pending`` and
        the chunk's opening, and :meth:`complete` finds theirs. The window asks for its first screen
        (:data:`FIRST_PASSAGES`). Not with ``audit``: the log names the page of every hit."""
        if audit and passages is not None:
            raise ValueError("a search entered in the audit log at once needs every hit's passage (passages=None)")
        started = time.perf_counter()
        engine = self._ready(request.mode)
        with self.case.guard():
            # an indexer of the case holds still meanwhile, and the reading ahead of the case's files
            with self.activity.searching(), collector_paused():
                result = engine.search(request, passages)
            count = self.settings.semantic_highlights if marks is None else marks
            if count > 0 and result.mode is not SearchMode.LEXICAL and result.hits:
                marked = engine.mark(request, result.hits[:count])
                result = dataclasses.replace(
                    result,
                    hits=(*marked, *result.hits[count:]),
                    elapsed_ms=(time.perf_counter() - started) * 1000,
                )
        if audit:
            self.record_search(request, result)
        _settle()
        return result

    def complete(self, request: SearchRequest, hits: Sequence[Hit]) -> list[Hit]:
        """``hits`` of a search of ``request`` with the passages it left pending (``passages``) found, as a
        search of every passage finds them; a hit whose chunk left the case since is returned as it was."""
        if not any(h.passage_pending for h in hits):
            return list(hits)
        engine = self._ready(request.mode)
        with self.case.guard(), self.activity.searching():
            return engine.complete(request, hits)

    def mark(self, request: SearchRequest, hits: Sequence[Hit], stop: Callable[[], bool] | None = None) -> list[Hit]:
        """``hits`` of a search of ``request`` with the sentence closest to the query in meaning marked (a hit
        found by meaning alone gets the passage around that sentence). Hits whose chunk left the case are
        returned as they were, and so are those left when ``stop`` says so (asked between sentence embeddings)."""
        if request.mode is SearchMode.LEXICAL or not hits:
            return list(hits)
        engine = self._ready(request.mode)
        with self.case.guard():
            return engine.mark(request, hits, stop)

    def document_view(self, document_id: int, request: SearchRequest) -> DocumentView | None:
        """A whole document with every match of the request's query marked (for the preview)."""
        engine = self.engine
        engine.lexicon = default_lexicon(self.directory)
        with self.case.guard():
            return engine.document_view(document_id, request)

    def page_marks(self, request: PageRequest) -> PageMarks | None:
        """For a page whose text was recognised by OCR: how it was turned, and its words, to box the request's
        matches on the scan; None for a page read from the file."""
        catalog = self.case.catalog
        with self.case.guard():
            ocr = catalog.ocr_page(request.document_id, request.page)
            meta = catalog.documents_meta([request.document_id]).get(request.document_id)
        if ocr is None or ocr.failure or meta is None:
            return None
        span = next((p for p in meta.pages if p.number == request.page), None)
        if span is None or span.confidence is None:
            return None
        return PageMarks(ocr.rotation, ocr.words, span.start, request.ranges)

    def render_page(self, request: PageRequest, width: int, pages: PdfPages) -> PageImage:
        """The page image the preview shows (a PDF page or a frame of an image, the OCR'd words of the matches
        boxed); ``request.path`` is a file (a member of a container is copied out of it first)."""
        marks = self.page_marks(request)
        return render_document_page(pages, Path(request.path), request.kind, request.page, width, marks)

    def status(self) -> CaseStatus:
        with self.case.guard():
            counts = self.case.catalog.counts()
            generation = self.case.catalog.generation()
            awaiting_documents, awaiting_pages = self.case.catalog.ocr_backlog()
        return CaseStatus(
            documents=counts["documents"],
            files=counts["files"],
            chunks=counts["chunks"],
            embedded=counts["embedded"],
            errors=counts["errors"],
            generation=generation,
            awaiting_ocr_documents=awaiting_documents,
            awaiting_ocr_pages=awaiting_pages,
        )

    # --- audit trail ----------------------------------------------------------------------------------------
    def record(self, event: str, data: dict[str, Any]) -> AuditEntry:
        """Append an entry to the case's audit log, in the name of the operator setting."""
        return self.case.audit.append(event, data, self.settings.operator)

    def record_search(self, request: SearchRequest, result: SearchResult) -> None:
        """Enter a search and what it returned in the audit log (the window records a search once the user
        stopped typing, not every intermediate query)."""
        models = {m.role: _model(m.name, m.sha256) for m in self.result_models(result)}
        self.record(
            "search",
            {
                "query": request.query,
                "mode": result.mode.value,
                "top": request.top,
                "expand": request.expand,
                "disabled_expansions": list(request.disabled_expansions),
                "expansions": [e.label() for e in result.expansions],
                "filters": {
                    "kinds": [k.value for k in request.kinds],
                    "folder": request.path_prefix,
                    "date_from": request.date_from.isoformat() if request.date_from else None,
                    "date_to": request.date_to.isoformat() if request.date_to else None,
                    "entity": request.entity or None,
                },
                "hits": len(result.hits),
                "results": [f"{h.sha256}:{h.page}" for h in result.hits],
                **_containers(result.hits),
                "generation": self.case.catalog.generation(),
                "coverage": {"chunks": result.coverage.chunks, "embedded": result.coverage.embedded},
                "embedder": models.get("embedder"),
                "reranker": models.get("reranker"),
            },
        )

    # --- tags and exports -----------------------------------------------------------------------------------
    def search_results(self, result: SearchResult, request: SearchRequest) -> ResultSet:
        """A search's hits as a result set to export, citing the models it ran with."""
        return from_search(result, request, self.result_models(result))

    def tag(self, tag: str, result: SearchResult, hits: Sequence[Hit], audit: bool = True) -> list[TaggedHit]:
        """Tag ``hits`` of ``result``; returns those newly tagged (a hit already carrying the tag is left as it is).

        A tagged hit is kept by its content (SHA-256 and the character span of its chunk) with its snapshot as
        shown (passage, matched words, expansions, closest sentence…) and its query, so it survives re-indexing."""
        added = self.case.tags.add(tag, hits, result.query, result.mode, now_iso(), self.settings.operator)
        if audit:
            self.record(
                "tag",
                {
                    "action": "add",
                    "tag": tag.strip(),
                    "query": result.query,
                    "hits": [h.citation() for h in hits],
                    "added": len(added),
                },
            )
        return added

    def untag(self, tag: str, ids: Sequence[int] = (), audit: bool = True) -> list[TaggedHit]:
        """Take ``tag`` off the tagged hits ``ids`` (off all its hits when empty)."""
        removed = self.case.tags.remove(tag, ids)
        if audit:
            self.record(
                "tag",
                {
                    "action": "remove",
                    "tag": tag.strip(),
                    "hits": [t.hit.citation() for t in removed],
                    "ids": list(ids),
                },
            )
        return removed

    def tagged_results(self, tag: str) -> ResultSet:
        """The hits of ``tag`` as a result set to export, cited at the paths their content has now."""
        tagged = self.case.tags.hits(tag)
        catalog = self.case.catalog
        current: dict[str, tuple[str, ...]] = {}
        for sha in {t.hit.sha256 for t in tagged}:
            document_id = catalog.document_id_for(sha)
            found = catalog.paths_of(document_id) if document_id is not None else ()
            if found:
                current[sha] = found
        recognised: dict[tuple[str, int], float] = {}  # (SHA-256, page) → OCR confidence of recognised pages
        ids = [i for i in (catalog.document_id_for(sha) for sha in current) if i is not None]
        for meta in catalog.documents_meta(ids).values():
            for span in meta.pages:
                if span.confidence is not None:
                    recognised[(meta.sha256, span.number)] = span.confidence
        counts = catalog.counts()
        coverage = Coverage(chunks=counts["chunks"], embedded=counts["embedded"])
        return from_tag(tag, tagged, current, coverage, recognised)

    def export_context(self) -> ExportContext:
        head = self.case.audit.head()
        return ExportContext(
            case_name=self.case.info.name,
            case_dir=str(self.directory),
            operator=self.settings.operator,
            user=system_user(),
            created=datetime.now().astimezone(),
            app_version=__version__,
            generation=self.case.catalog.generation(),
            documents=self.case.catalog.counts()["documents"],
            audit_head=head if head is not None and head[0] > 0 else None,
        )

    def export(
        self,
        results: ResultSet,
        pdf: Path | None = None,
        csv: Path | None = None,
        lang: str = "fr",
        overwrite: bool = False,
        audit: bool = True,
    ) -> list[ExportedFile]:
        """Write ``results`` to a PDF and/or a CSV; each file's SHA-256 is recorded in the audit log."""
        outputs = [(fmt, path) for fmt, path in (("pdf", pdf), ("csv", csv)) if path is not None]
        if not outputs:
            raise ExportError("choose where to export: a PDF file, a CSV file, or both")
        if pdf is not None and csv is not None and pdf.resolve() == csv.resolve():
            raise ExportError(f"the PDF and the CSV cannot be the same file ({pdf})")
        for _, path in outputs:
            check_output(path, overwrite)
        context = self.export_context()
        written: list[ExportedFile] = []
        for fmt, path in outputs:
            data = _render_pdf(results, context, lang) if fmt == "pdf" else render_csv(results, context, lang)
            write_atomically(path, data)
            written.append(ExportedFile(str(path.resolve()), fmt, hashlib.sha256(data).hexdigest(), len(data)))
        if audit:
            self.record(
                "export",
                {
                    "files": [
                        {"path": f.path, "format": f.format, "sha256": f.sha256, "bytes": f.size} for f in written
                    ],
                    "query": results.query,
                    "tag": results.tag,
                    "hits": len(results.hits),
                    "lang": lang,
                },
            )
        return written

    # --- investigator tools (issue 18): the entity index, term lists, their tables ---------------------------
    def entities(self, kinds: Sequence[EntityType] = ()) -> list[analysis.EntitySummary]:
        """The entities of the case (of ``kinds``; all when empty), the most widespread first."""
        with self.case.guard():
            return analysis.summary(self.case.catalog, kinds)

    def entity_pairs(self, kinds: Sequence[EntityType] = (), limit: int = 200) -> list[analysis.Cooccurrence]:
        """The pairs of entities found in the same documents, the most shared first, up to ``limit``."""
        with self.case.guard():
            return analysis.cooccurrences(self.case.catalog, kinds, limit=limit)

    def run_termlist(self, termlist: TermList, audit: bool = True) -> TermListRun:
        """Run every term of ``termlist`` against the whole case (full text, each term as its search alone),
        compare with the list's previous run saved in the case, save this run, and record it in the audit log
        with the list's SHA-256."""
        previous: dict[str, Any] | None = None
        with contextlib.suppress(TermListError):
            saved, previous = termlists.load_saved(self.directory, termlist.name)
            if saved.terms != termlist.terms:
                previous = None  # another list under this name: nothing to compare with
        started = time.perf_counter()
        engine = self._ready(SearchMode.LEXICAL)
        with self.case.guard():
            results = termlists.run_terms(engine, termlist)
            generation = self.case.catalog.generation()
            documents = self.case.catalog.counts()["documents"]
        run = TermListRun(
            termlist=termlist,
            results=tuple(termlists.compare(results, previous)),
            generation=generation,
            documents_in_case=documents,
            ran_at=now_iso(),
            previous_at=str(previous.get("ran_at", "")) if previous else "",
            seconds=time.perf_counter() - started,
        )
        termlists.save_run(self.directory, run)
        if audit:
            self.record(
                "termlist",
                {
                    "name": termlist.name,
                    "sha256": termlist.sha256,
                    "source": termlist.source,
                    "terms": len(termlist.terms),
                    "expand": termlist.expand,
                    "generation": generation,
                    "with_hits": sum(1 for r in run.results if r.documents),
                    "results": [[r.term, len(r.documents), r.hits] for r in run.results],
                },
            )
        return run

    def saved_termlist(self, name: str) -> tuple[TermList, TermListRun | None]:
        """A list saved in the case, with its last run (None when it never ran)."""
        termlist, saved = termlists.load_saved(self.directory, name)
        return termlist, termlists.last_run(termlist, saved)

    def entity_table(self, kinds: Sequence[EntityType] = (), limit: int = 500, lang: str = "fr") -> tables.Table:
        """:meth:`entities` as a table to export, up to ``limit`` rows."""
        found = self.entities(kinds)
        return tables.entity_table(found[:limit], kinds, len(found), Labels(lang))

    def cooccurrence_table(self, kinds: Sequence[EntityType] = (), limit: int = 200, lang: str = "fr") -> tables.Table:
        """:meth:`entity_pairs` as a table to export."""
        return tables.cooccurrence_table(self.entity_pairs(kinds, limit), kinds, Labels(lang))

    def termlist_table(self, run: TermListRun, lang: str = "fr") -> tables.Table:
        """A term list's run as a table to export; the documents new and gone since the previous run cited by
        a path in the case."""
        paths: dict[str, str] = {}
        with self.case.guard():
            for sha in {sha for r in run.results for sha in (*r.new, *r.gone)}:
                document_id = self.case.catalog.document_id_for(sha)
                found = self.case.catalog.paths_of(document_id) if document_id is not None else ()
                if found:
                    paths[sha] = found[0]
        return tables.termlist_table(run, paths, Labels(lang))

    def export_table(
        self,
        table: tables.Table,
        pdf: Path | None = None,
        csv: Path | None = None,
        overwrite: bool = False,
        audit: bool = True,
        details: dict[str, Any] | None = None,
    ) -> list[ExportedFile]:
        """Write an entity, co-occurrence or term-list table to a PDF and/or a CSV; each file's SHA-256 is
        recorded in the audit log with ``details`` (a term list's name and SHA-256)."""
        outputs = [(fmt, path) for fmt, path in (("pdf", pdf), ("csv", csv)) if path is not None]
        if not outputs:
            raise ExportError("choose where to export: a PDF file, a CSV file, or both")
        if pdf is not None and csv is not None and pdf.resolve() == csv.resolve():
            raise ExportError(f"the PDF and the CSV cannot be the same file ({pdf})")
        for _, path in outputs:
            check_output(path, overwrite)
        context = self.export_context()
        written: list[ExportedFile] = []
        for fmt, path in outputs:
            data = tables.render_table_pdf(table, context) if fmt == "pdf" else tables.render_table_csv(table, context)
            write_atomically(path, data)
            written.append(ExportedFile(str(path.resolve()), fmt, hashlib.sha256(data).hexdigest(), len(data)))
        if audit:
            files = [{"path": f.path, "format": f.format, "sha256": f.sha256, "bytes": f.size} for f in written]
            rows = len(table.sections[0].rows)
            self.record(
                "export", {"files": files, "table": table.kind, "rows": rows, "lang": table.lang, **(details or {})}
            )
        return written


def _containers(hits: Sequence[Hit]) -> dict[str, Any]:
    """For hits on members of containers: their containers' SHA-256, by hit (nothing when there is none)."""
    found = {f"{h.sha256}:{h.page}": [sha for _, sha in h.containers] for h in hits if h.containers}
    return {"containers": found} if found else {}


def _model(name: str, sha256: str) -> dict[str, str]:
    return {"name": name, "sha256": sha256}


def _render_pdf(results: ResultSet, context: ExportContext, lang: str) -> bytes:
    """The result set's PDF; the PDF library is loaded on the first export, not when a case opens."""
    from arbiter_desktop.export.pdf import render_pdf

    return render_pdf(results, context, lang)
