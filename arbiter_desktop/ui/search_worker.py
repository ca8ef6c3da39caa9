"""The thread that works on the open case for the window: searches, the sentence marks of the hits on screen,
documents for the preview, PDF page images, the case's counts, tags, exports and the files the window would
otherwise touch itself (read-only copies of evidence for the system viewer, the case's settings). The GUI thread
sends requests through queued signals and gets dataclasses back in signals; it never touches the catalog, the
full-text index, the vectors, a model or a file. While the semantic layer is filling in, the hits of each search
and the document previewed are noted for the indexer, which embeds them first (indexing/semantic.py).

Everything goes through one :class:`~arbiter_desktop.session.CaseSession` per open case: the embedding model
starts loading in the background when the case opens, and the search engine lives as long as the case is open.

A search has priority: a newer search makes older ones still waiting in the queue obsolete (they are skipped,
never run), and marking sentences for an older search stops as soon as a newer search is announced.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Sequence
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
    Hit,
    SearchMode,
    SearchRequest,
    SearchResult,
)
from arbiter_desktop.export.resultset import ResultSet
from arbiter_desktop.indexing.semantic import note_priority
from arbiter_desktop.ingest.render import PageImage, PageRequest, PdfPages
from arbiter_desktop.search.expansion import LexiconRow, read_case_lexicon, write_case_lexicon
from arbiter_desktop.session import FIRST_PASSAGES, CaseSession
from arbiter_desktop.stores.catalog import SourceCounts
from arbiter_desktop.stores.tags import TagError
from arbiter_desktop.ui import state as gui_state

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
    interrupted: tuple[Path, ...] = ()  # the roots of an indexing run that did not complete (to resume)
    demo_unindexed: bool = False  # the user's demo case, without this installation's demo folder (first run, update)
    models: tuple[app.ModelFile, ...] = ()  # the models installed in models/ (for the settings)
    lexicon: tuple[LexiconRow, ...] = ()  # the rows of the case's own lexicon (for the settings)


@dataclass(frozen=True, slots=True)
class Marks:
    """Hits of search ``number`` to draw again in place, by row: with their passage found (the hits below the
    first screen come after the list) or their closest sentence marked."""

    number: int
    hits: dict[int, Hit]


class SearchWorker(QObject):
    case_opened = Signal(object)  # CaseSnapshot
    snapshot_ready = Signal(object)  # CaseSnapshot
    searched = Signal(int, object)  # request number, SearchResult (the hit list, before the sentence marks)
    marked = Signal(object)  # Marks
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
        self._session: CaseSession | None = None
        self._models: tuple[app.ModelFile, ...] = ()
        self._lexicon: tuple[LexiconRow, ...] = ()
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

    def _superseded(self, number: int) -> bool:
        with self._lock:
            return number < self._latest_search

    # --- slots, run on the worker's thread ----------------------------------------------------------------------
    @Slot(object)
    def open_case(self, directory: Path) -> None:
        self._close()
        try:
            self._session = app.open_session(directory, create=True, preload=True, read_ahead=True)
            self._models = tuple(app.installed_models())
            self._lexicon = tuple(read_case_lexicon(self._session.directory))
        except Exception as exc:  # the message names the problem; the window shows it
            log.exception("cannot open case %s", directory)
            self.failed.emit(str(exc))
            return
        self.case_opened.emit(self._snapshot())

    @Slot(object, bool, object)
    def save_settings(self, settings: Settings, reembed: bool, lexicon: Sequence[LexiconRow]) -> None:
        """Write the case's new settings and lexicon (``reembed``: the user confirmed re-embedding the case with
        a new model) and open the case again with them."""
        if self._session is None:
            return
        directory = self._session.directory
        try:
            write_case_lexicon(directory, lexicon)
            if reembed:
                app.confirm_reembed(directory)
            app.save_case_settings(directory, settings)
        except (OSError, ValueError) as exc:
            self.warning.emit(self.tr("The settings could not be saved: %1").replace("%1", str(exc)))
            return
        self.open_case(directory)

    @Slot(object)
    def save_state(self, state: gui_state.GuiState) -> None:
        """Remember the window's state (recent cases, language) in the user's data folder."""
        try:
            gui_state.save(state)
        except OSError as exc:
            log.warning("the window's state cannot be saved: %s", exc)

    @Slot()
    def refresh(self) -> None:
        if self._session is not None:
            self.snapshot_ready.emit(self._snapshot())

    @Slot(int, object, bool)
    def search(self, number: int, request: SearchRequest, audit: bool) -> None:
        """Run search ``number``; with ``audit``, enter it in the case's audit log at once (otherwise
        :meth:`record` does, if the user stays on it). The hits come without their sentence marks: the window
        asks for those of the hits on screen (:meth:`mark`). A search not entered in the log at once comes with
        the passages of its first screen of hits; the others follow (``marked``) unless a newer search is
        announced meanwhile."""
        if self._superseded(number):
            return  # a newer search is queued behind this one
        session = self._session
        if session is None:
            self.search_failed.emit(number, self.tr("No case is open."))
            return
        try:
            result = session.search(request, audit=audit, marks=0, passages=None if audit else FIRST_PASSAGES)
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
            note_priority(session.directory, [h.document_id for h in result.hits], folders)
        self._complete(number, stoppable=True)

    def _complete(self, number: int, stoppable: bool) -> bool:
        """Find the passages that search ``number`` left pending, a screenful at a time, each sent to the window
        as it comes; with ``stoppable``, stop as soon as a newer search is announced. True when every hit of the
        search has its passage (False also when a hit's chunk left the case since: the results are stale)."""
        last = self._last
        if last is None or last[0] != number or self._session is None:
            return False
        _, request, result, unrecorded = last
        rows = [row for row, hit in enumerate(result.hits) if hit.passage_pending]
        for i in range(0, len(rows), FIRST_PASSAGES):
            if stoppable and self._superseded(number):
                return False
            part = rows[i : i + FIRST_PASSAGES]
            try:
                done = self._session.complete(request, [result.hits[row] for row in part])
            except Exception:  # the hits keep the chunk's opening; the search itself succeeded
                log.exception("finding the passages of the hits failed: %r", request)
                return False
            hits = list(result.hits)
            for row, hit in zip(part, done, strict=True):
                hits[row] = hit
            result = dataclasses.replace(result, hits=tuple(hits))
            self._last = (number, request, result, unrecorded)
            self.marked.emit(Marks(number, dict(zip(part, done, strict=True))))
        return not any(hit.passage_pending for hit in result.hits)

    @Slot(int, object)
    def mark(self, number: int, rows: Sequence[int]) -> None:
        """Mark the sentence closest in meaning in hits ``rows`` of search ``number`` (the hits on screen), one
        hit after the other; stops as soon as a newer search is announced."""
        last = self._last
        if last is None or last[0] != number or self._session is None or last[1].mode is SearchMode.LEXICAL:
            return
        _, request, result, unrecorded = last
        for row in rows:
            if self._superseded(number) or not 0 <= row < len(result.hits):
                return
            hit = result.hits[row]
            if hit.semantic_highlight is not None:
                continue
            try:
                (marked,) = self._session.mark(request, [hit], stop=lambda: self._superseded(number))
            except Exception:  # the hit stays unmarked; the search itself succeeded
                log.exception("marking the closest sentence failed: %r", request)
                return
            if marked is hit:
                continue
            hits = list(result.hits)
            hits[row] = marked
            result = dataclasses.replace(result, hits=tuple(hits))
            self._last = (number, request, result, unrecorded)
            self.marked.emit(Marks(number, {row: marked}))

    @Slot(int)
    def record(self, number: int) -> None:
        """Enter search ``number`` in the audit log if it is the last one run and not yet recorded."""
        last = self._last
        if last is None or last[0] != number or not last[3] or self._session is None:
            return
        if not self._complete(number, stoppable=False):  # the log names every hit's page
            self.search_failed.emit(
                number,
                self.tr("The search could not be recorded in the audit log: %1").replace(
                    "%1", self.tr("the case changed since; search again")
                ),
            )
            return
        _, request, result, _ = self._last or last
        self._last = (number, request, result, False)
        try:
            self._session.record_search(request, result)
        except Exception as exc:  # the log could not be written: the user must know
            log.exception("audit log")
            self.search_failed.emit(
                number, self.tr("The search could not be recorded in the audit log: %1").replace("%1", str(exc))
            )

    @Slot(int, object, object, str, object)
    def export(self, number: int, pdf: Path | None, csv: Path | None, lang: str, rows: tuple[int, ...] | None) -> None:
        """Export the hits of search ``number`` (only ``rows`` when given) to a PDF and/or a CSV."""
        last = self._current(number, self.tr("Search again before exporting: these results are no longer current."))
        if last is None or self._session is None:
            return
        self.record(number)  # the search is in the log before its export
        _, request, result, _ = self._last or last
        if rows is not None:
            result = dataclasses.replace(result, hits=tuple(result.hits[r] for r in rows if r < len(result.hits)))
        self._export(self._session.search_results(result, request), pdf, csv, lang)

    @Slot(str, object, object, str)
    def export_tag(self, tag: str, pdf: Path | None, csv: Path | None, lang: str) -> None:
        if self._session is not None:
            try:
                results = self._session.tagged_results(tag)
            except TagError as exc:
                self.warning.emit(str(exc))
                return
            self._export(results, pdf, csv, lang)

    def _export(self, results: ResultSet, pdf: Path | None, csv: Path | None, lang: str) -> None:
        assert self._session is not None
        try:
            files = self._session.export(results, pdf=pdf, csv=csv, lang=lang, overwrite=True)
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
        if last is None or self._session is None:
            return
        result = last[2]
        hits = [result.hits[r] for r in rows if r < len(result.hits)]
        try:
            added = self._session.tag(tag, result, hits)
        except app.UserError as exc:
            self.warning.emit(str(exc))
            return
        self.tagged.emit(tag.strip(), len(added))
        self.refresh()

    @Slot(int, int, object)
    def load_document(self, number: int, document_id: int, request: SearchRequest) -> None:
        if self._session is None:
            return
        try:
            view: DocumentView | None = self._session.document_view(document_id, request)
        except app.UserError as exc:
            self.warning.emit(str(exc))
            return
        self.document_ready.emit(number, view)
        if self._last is not None and self._last[2].coverage.embedded < self._last[2].coverage.chunks:
            note_priority(self._session.directory, [document_id])  # the document on screen first

    @Slot(int, object, int)
    def render_page(self, number: int, request: PageRequest, width: int) -> None:
        session = self._session
        if session is None:
            return
        try:
            if app.is_member(request.path):  # a PDF inside an archive: drawn from a copy taken out of its containers
                request = dataclasses.replace(request, path=str(self._member_copy(request.path)))
            image: PageImage = session.render_page(request, width, self._pages)
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
            if self._session is None:
                raise ExtractionError(ErrorReason.UNREADABLE, "no case is open")
            copy = app.member_copy(self._session.case, location)
            self._member_copies[location] = copy
        return copy

    @Slot(str)
    def copy_original(self, path: str) -> None:
        """A read-only copy of a file, or of a member of a container (extracted from it), for the viewer."""
        try:
            if app.is_member(path):
                if self._session is None:
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
        if self._last is None or self._last[0] != number or self._session is None:
            self.warning.emit(stale)
            return None
        if not self._complete(number, stoppable=False):  # tags and exports carry every hit's passage and page
            self.warning.emit(stale)
            return None
        return self._last

    def _snapshot(self) -> CaseSnapshot:
        session = self._session
        assert session is not None
        case = session.case
        model = session.semantic_model()
        demo = session.directory == app.demo_case_dir().resolve()  # the user data folder's demo case
        return CaseSnapshot(
            directory=session.directory,
            name=case.info.name,
            status=session.status(),
            sources=tuple(case.catalog.source_counts()),
            errors=tuple(case.catalog.errors()),
            tags=tuple(case.tags.tags()),
            semantic_model=model.name if model is not None else "",
            default_mode=session.default_mode(),
            settings=session.settings,
            interrupted=tuple(app.interrupted_run(session.directory)),
            demo_unindexed=demo and session.lacks_demo_folder(),
            models=self._models,
            lexicon=self._lexicon,
        )

    def _close(self) -> None:
        self._last = None
        self._member_copies.clear()
        self._pages.close()
        if self._session is not None:
            self._session.close()
            self._session = None
