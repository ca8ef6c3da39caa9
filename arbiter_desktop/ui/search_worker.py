"""The thread that reads the case for the window: searches, documents for the preview, PDF page images and the
case's counts. The GUI thread sends requests through queued signals and gets dataclasses back in signals; it never
touches the catalog, the full-text index, the vectors or a model. While the semantic layer is filling in, the
hits of each search and the document previewed are noted for the indexer, which embeds them first
(indexing/semantic.py).

A newer search makes older ones still waiting in the queue obsolete: they are skipped, never run.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from arbiter_desktop import app
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import (
    CaseStatus,
    DocumentView,
    ErrorReason,
    ExtractionError,
    FileError,
    SearchMode,
    SearchRequest,
    SearchResult,
)
from arbiter_desktop.embedding.base import Embedder
from arbiter_desktop.export.resultset import ResultSet
from arbiter_desktop.indexing.semantic import note_priority
from arbiter_desktop.ingest.render import PageImage, PdfPages
from arbiter_desktop.search.rerank import Reranker
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.catalog import SourceCounts
from arbiter_desktop.stores.tags import TagError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CaseSnapshot:
    """What the window shows about a case besides results."""

    directory: Path
    name: str
    status: CaseStatus
    sources: tuple[SourceCounts, ...]
    errors: tuple[FileError, ...]
    tags: tuple[tuple[str, int], ...]  # tag names with their number of hits
    semantic_model: str  # file name of the embedding model, "" when none is installed or semantic search is off
    default_mode: SearchMode
    settings: Settings


class SearchWorker(QObject):
    case_opened = Signal(object)  # CaseSnapshot
    snapshot_ready = Signal(object)  # CaseSnapshot
    searched = Signal(int, object)  # request number, SearchResult
    search_failed = Signal(int, str)  # request number, message for the user
    document_ready = Signal(int, object)  # request number, DocumentView | None
    page_ready = Signal(int, object)  # request number, PageImage
    page_failed = Signal(int, str)
    original_ready = Signal(str)  # a read-only copy of a document's original, for the system viewer
    original_failed = Signal(str)
    failed = Signal(str)  # opening the case failed
    warning = Signal(str)  # something the user must know (the audit log could not be written)
    exported = Signal(object)  # list[ExportedFile]
    tagged = Signal(str, int)  # tag, hits newly tagged

    def __init__(self) -> None:
        super().__init__()
        self._case: Case | None = None
        self._embedder: Embedder | None = None
        self._reranker: Reranker | None = None
        self._reranker_loaded = False
        self._pages = PdfPages()  # the PDF last previewed stays open while the user pages through it
        self._member_copies: dict[str, Path] = {}  # location of a member of a container → its read-only copy
        self._lock = threading.Lock()
        self._latest_search = 0
        self._last: tuple[int, SearchRequest, SearchResult, bool] | None = None  # (number, request, result, unrecorded)

    # --- called from the GUI thread (thread-safe) -------------------------------------------------------------
    def announce_search(self, number: int) -> None:
        """Tell the worker that search ``number`` is the newest, before queueing it."""
        with self._lock:
            self._latest_search = max(self._latest_search, number)

    # --- slots, run on the worker's thread ----------------------------------------------------------------------
    @Slot(object)
    def open_case(self, directory: Path) -> None:
        self._close()
        try:
            self._case = Case.open(directory, create=True)
        except Exception as exc:  # the message names the problem; the window shows it
            log.exception("cannot open case %s", directory)
            self.failed.emit(str(exc))
            return
        self.case_opened.emit(self._snapshot())

    @Slot()
    def reload_settings(self) -> None:
        """The case's settings changed (settings dialog): reopen the case and drop the loaded models."""
        if self._case is not None:
            self.open_case(self._case.directory)

    @Slot()
    def refresh(self) -> None:
        if self._case is not None:
            self.snapshot_ready.emit(self._snapshot())

    @Slot(int, object, bool)
    def search(self, number: int, request: SearchRequest, audit: bool) -> None:
        """Run search ``number``; with ``audit``, enter it in the case's audit log at once (otherwise
        :meth:`record` does, if the user stays on it)."""
        with self._lock:
            if number < self._latest_search:
                return  # a newer search is queued behind this one
        case = self._case
        if case is None:
            self.search_failed.emit(number, self.tr("No case is open."))
            return
        try:
            embedder = self._get_embedder() if request.mode is not SearchMode.LEXICAL else None
            reranker = self._get_reranker() if request.mode is SearchMode.FULL else None
            result = app.search(case, request, embedder, reranker, audit=audit)
        except app.UserError as exc:
            self.search_failed.emit(number, str(exc))
            return
        except Exception as exc:
            log.exception("search failed: %r", request)
            self.search_failed.emit(number, f"{type(exc).__name__}: {exc}")
            return
        self._last = (number, request, result, not audit)
        self.searched.emit(number, result)
        if result.coverage.embedded < result.coverage.chunks:  # the semantic layer is filling in: these first
            folders = [request.path_prefix] if request.path_prefix else []
            note_priority(case.directory, [h.document_id for h in result.hits], folders)

    @Slot(int)
    def record(self, number: int) -> None:
        """Enter search ``number`` in the audit log if it is the last one run and not yet recorded."""
        last = self._last
        if last is None or last[0] != number or not last[3] or self._case is None:
            return
        _, request, result, _ = last
        self._last = (number, request, result, False)
        try:
            app.record_search(self._case, request, result, self._embedder, self._reranker)
        except Exception as exc:  # the log could not be written: the user must know
            log.exception("audit log")
            self.search_failed.emit(
                number, self.tr("The search could not be recorded in the audit log: %1").replace("%1", str(exc))
            )

    @Slot(int, object, object, str, object)
    def export(self, number: int, pdf: Path | None, csv: Path | None, lang: str, rows: tuple[int, ...] | None) -> None:
        """Export the hits of search ``number`` (only ``rows`` when given) to a PDF and/or a CSV."""
        last = self._current(number, self.tr("Search again before exporting: these results are no longer current."))
        if last is None:
            return
        self.record(number)  # the search is in the log before its export
        _, request, result, _ = last
        if rows is not None:
            result = dataclasses.replace(result, hits=tuple(result.hits[r] for r in rows if r < len(result.hits)))
        models = app.result_models(result, self._embedder, self._reranker)
        self._export(app.search_results(result, request, models), pdf, csv, lang)

    @Slot(str, object, object, str)
    def export_tag(self, tag: str, pdf: Path | None, csv: Path | None, lang: str) -> None:
        if self._case is not None:
            try:
                results = app.tagged_results(self._case, tag)
            except TagError as exc:
                self.warning.emit(str(exc))
                return
            self._export(results, pdf, csv, lang)

    def _export(self, results: ResultSet, pdf: Path | None, csv: Path | None, lang: str) -> None:
        assert self._case is not None
        try:
            files = app.export(self._case, results, pdf=pdf, csv=csv, lang=lang, overwrite=True)
        except app.UserError as exc:
            self.warning.emit(str(exc))
            return
        except Exception as exc:
            log.exception("export failed")
            self.warning.emit(f"{type(exc).__name__}: {exc}")
            return
        self.exported.emit(files)

    @Slot(int, str, object)
    def tag(self, number: int, tag: str, rows: tuple[int, ...]) -> None:
        """Tag hits ``rows`` of search ``number``."""
        last = self._current(number, self.tr("Search again before tagging: these results are no longer current."))
        if last is None or self._case is None:
            return
        result = last[2]
        hits = [result.hits[r] for r in rows if r < len(result.hits)]
        try:
            added = app.tag_hits(self._case, tag, result, hits)
        except app.UserError as exc:
            self.warning.emit(str(exc))
            return
        self.tagged.emit(tag.strip(), len(added))
        self.refresh()

    @Slot(int, int, object)
    def load_document(self, number: int, document_id: int, request: SearchRequest) -> None:
        if self._case is None:
            return
        view: DocumentView | None = app.document_view(self._case, document_id, request)
        self.document_ready.emit(number, view)
        if self._last is not None and self._last[2].coverage.embedded < self._last[2].coverage.chunks:
            note_priority(self._case.directory, [document_id])  # the document on screen first

    @Slot(int, str, int, int)
    def render_page(self, number: int, path: str, page: int, width: int) -> None:
        try:
            if app.is_member(path):  # a PDF inside an archive: drawn from a copy taken out of its containers
                path = str(self._member_copy(path))
            image: PageImage = self._pages.render(Path(path), page, width)
        except ExtractionError as exc:
            self.page_failed.emit(number, exc.message)
            return
        except (OSError, *app.UserError) as exc:
            self.page_failed.emit(number, str(exc))
            return
        self.page_ready.emit(number, image)

    def _member_copy(self, location: str) -> Path:
        """A read-only copy of a member, taken out of its containers once per location while the case is open."""
        copy = self._member_copies.get(location)
        if copy is None or not copy.exists():
            if self._case is None:
                raise ExtractionError(ErrorReason.UNREADABLE, "no case is open")
            copy = app.member_copy(self._case, location)
            self._member_copies[location] = copy
        return copy

    @Slot(str)
    def copy_original(self, path: str) -> None:
        """A read-only copy of a file, or of a member of a container (extracted from it), for the viewer."""
        try:
            if app.is_member(path):
                if self._case is None:
                    return
                copy = self._member_copy(path)
            else:
                copy = app.readonly_copy(Path(path))
        except (OSError, ExtractionError, *app.UserError) as exc:
            self.original_failed.emit(str(getattr(exc, "message", exc)))
            return
        self.original_ready.emit(str(copy))

    @Slot()
    def shutdown(self) -> None:
        self._close()

    # --- helpers --------------------------------------------------------------------------------------------------
    def _current(self, number: int, stale: str) -> tuple[int, SearchRequest, SearchResult, bool] | None:
        """The last search if it is search ``number`` (and a case is open); else say ``stale`` and None."""
        if self._last is None or self._last[0] != number or self._case is None:
            self.warning.emit(stale)
            return None
        return self._last

    def _get_embedder(self) -> Embedder | None:
        if self._embedder is None and self._case is not None:
            self._embedder = app.open_embedder(self._case.settings, required=True, case_dir=self._case.directory)
        return self._embedder

    def _get_reranker(self) -> Reranker | None:
        if not self._reranker_loaded and self._case is not None:
            self._reranker = app.open_reranker(self._case.settings)
            self._reranker_loaded = True
        return self._reranker

    def _snapshot(self) -> CaseSnapshot:
        case = self._case
        assert case is not None
        model = app.semantic_model(case.settings)
        return CaseSnapshot(
            directory=case.directory,
            name=case.info.name,
            status=app.status(case),
            sources=tuple(case.catalog.source_counts()),
            errors=tuple(case.catalog.errors()),
            tags=tuple(case.tags.tags()),
            semantic_model=model.name if model is not None else "",
            default_mode=app.default_mode(case, case.settings),
            settings=case.settings,
        )

    def _close(self) -> None:
        self._last = None
        self._member_copies.clear()
        self._pages.close()
        for model in (self._embedder, self._reranker):
            if model is not None:
                model.close()
        self._embedder = None
        self._reranker = None
        self._reranker_loaded = False
        if self._case is not None:
            self._case.close()
            self._case = None
