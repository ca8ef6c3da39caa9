"""Phase 1b of indexing: OCR of the pages that have no usable text (scans, photos of pages), after the native text
of every document is searchable.

Documents come from the catalog (``Catalog.awaiting_ocr``): each with the pages still to recognise. The pages are
page jobs for the extraction workers (``ingest/ocr/task.py``), under the same time and memory limits as a file;
each recognised page enters the case's OCR cache at once (``stores/ocr_cache.py``, keyed by the file's SHA-256,
the page and the engine key), so a killed run resumes without reading a page twice, and pages already in the cache
are never recognised again. Once all its pages are answered, a document's text is completed — each recognised page
its own page, with the engine's confidence — and its chunks replaced (same document id), at the next commit
(:meth:`OcrPhase._commit`, every few seconds): its new chunks enter the full-text index before its old ones leave
it, so that a mixed document (typed and scanned pages) never drops out of searches, and the vectors of its old
chunks leave the vector store then (when this run embeds); the new chunks are embedded like any chunk. A document
whose pages yield no text at all becomes an error with that reason.

A page stopped at the time or memory limit is read again once, at the next run (it stays awaiting OCR); failing
again, or failing for another reason, it is given up: the run's report lists it with its reason, and the catalog
keeps why (``Catalog.ocr_failures``).

Progress counts pages, with an estimate of the time left; pause and cancel take effect between pages (a page
already handed to a worker finishes). Pages beyond the per-document limit (``ocr_max_pages``) wait for a later run
with a higher limit; they are counted as awaiting OCR.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from arbiter_desktop.chunking.chunker import chunk_text
from arbiter_desktop.config import paths
from arbiter_desktop.domain import ChunkSpan, ErrorReason, ExtractionError, FileKind, PageSpan, RecognisedPage
from arbiter_desktop.ingest.ocr.engine import OcrConfig, OcrUnavailable, check_models, engine_key
from arbiter_desktop.ingest.ocr.task import recognise_page
from arbiter_desktop.ingest.ocr.text import merge_pages
from arbiter_desktop.ingest.workers import ExtractionPool, Failed, Job
from arbiter_desktop.safetext import real_path
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.catalog import STAGED_SUFFIX, AwaitingOcr
from arbiter_desktop.stores.lexical import ChunkRecord
from arbiter_desktop.stores.ocr_cache import CACHE_FILE, OcrCache

if TYPE_CHECKING:
    from arbiter_desktop.ingest.containers import ArchiveLimits

SCRATCH = "ocr-scratch"  # in the case folder: members of containers copied out to be read (removed after the phase)
FLUSH_S = 5.0  # finished documents are sent to the full-text index at most this long after they are done
# A page stopped at the time or memory limit may have met a busy machine: it is read again once, at the next run;
# failing again, or failing for another reason (a damaged page), it is given up and reported with its reason.
RETRIED = frozenset({ErrorReason.TIMEOUT, ErrorReason.MEMORY})


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A page given up on: the engine could not read it (a damaged page; or over the time or memory limit twice)."""

    path: str  # the document's file, or a member's location
    page: int
    reason: ErrorReason
    message: str


@dataclass
class OcrReport:
    pages: int = 0  # pages recognised by the engine in this run
    cached: int = 0  # pages taken from the OCR cache
    failed_pages: int = 0  # pages the engine could not read in this run (time or memory limit, damaged page)
    retry_pages: int = 0  # of those, pages stopped at the time or memory limit for the first time: read at next run
    failures: list[PageFailure] = field(default_factory=list)  # pages given up on in this run, with their reason
    documents: int = 0  # documents whose text was completed
    awaiting_documents: int = 0  # documents with pages still awaiting OCR after the run
    awaiting_pages: int = 0
    seconds: float = 0.0
    note: str = ""  # why OCR did not run (switched off, models missing)


@dataclass
class _Document:
    item: AwaitingOcr
    todo: list[int]  # pages to recognise in this run
    later: list[int]  # pages over the per-document limit
    results: dict[int, RecognisedPage] = field(default_factory=dict)
    failures: dict[int, tuple[ErrorReason, str]] = field(default_factory=dict)
    failed_before: frozenset[int] = frozenset()  # pages that failed at an earlier run: this is their second try
    left: int = 0
    changed: bool = False  # the file changed since its text was extracted: its next indexing reads it again


@dataclass(frozen=True, slots=True)
class _Replacement:
    """A document's text completed by recognised pages, waiting to be committed (:meth:`OcrPhase._commit`)."""

    document_id: int
    text: str
    pages: tuple[PageSpan, ...]
    chunks: list[ChunkSpan]
    pending: list[int]
    recognised: list[RecognisedPage]
    failures: dict[int, str]


class OcrPhase:
    def __init__(
        self,
        case: Case,
        checkpoint: Callable[[], bool],
        flush: Callable[[], None],
        emit: Callable[[int, int, str, float | None], None],
        on_errors: Callable[[int], None],
        limits: ArchiveLimits | None = None,
    ) -> None:
        """``checkpoint``: blocks while paused, True to stop; ``flush``: send finished documents to the full-text
        index; ``emit(done, total, current, eta_s)``: progress in pages; ``on_errors(n)``: files put in error;
        ``limits``: those of the containers, when a member is copied out of them to be read."""
        self.case = case
        self.limits = limits
        self.settings = case.settings
        self.checkpoint = checkpoint
        self.flush = flush
        self.emit = emit
        self.on_errors = on_errors
        self.report = OcrReport()
        self._ready: list[_Replacement] = []  # completed documents not yet committed

    def run(self) -> tuple[OcrReport, bool]:
        """Recognise what awaits OCR; the report, and whether the run was cancelled."""
        started = time.monotonic()
        cancelled = False
        try:
            awaiting = self.case.catalog.awaiting_ocr()
            if awaiting and not self.settings.ocr:
                self.report.note = "OCR is switched off (setting ocr): scanned pages are not recognised"
            elif awaiting:
                config = OcrConfig(str(paths.tessdata_dir()), self.settings.ocr_languages)
                try:
                    check_models(config)
                except OcrUnavailable as exc:
                    self.report.note = str(exc)
                else:
                    cancelled = self._recognise(awaiting, config)
        finally:
            self.report.awaiting_documents, self.report.awaiting_pages = self.case.catalog.ocr_backlog()
            self.report.seconds = time.monotonic() - started
        return self.report, cancelled

    def _recognise(self, awaiting: list[AwaitingOcr], config: OcrConfig) -> bool:
        key = engine_key(config)
        cache = OcrCache(self.case.directory / CACHE_FILE)
        try:
            documents = self._plan(awaiting, cache, key)
            total = sum(len(d.todo) for d in documents)
            done = sum(len(d.results) for d in documents)
            jobs: list[Job] = []
            owners: list[_Document] = []
            for document in documents:
                if document.left == 0:
                    self._finish(document)
                    continue
                path = self._readable(document)
                if path is None:
                    continue
                for page in document.todo:
                    if page not in document.results:
                        jobs.append(Job(key=len(jobs), path=path, kind=document.item.kind, args=(page, config)))
                        owners.append(document)
            self._commit()
            if not jobs:
                return False
            self.emit(done, total, "", None)
            pool = ExtractionPool(
                self.settings.extraction_workers(),
                self.settings.extract_timeout_s,
                self.settings.extract_memory_mb,
                task=recognise_page,
                batch_files=1,  # a page (~1.5 s) is worth a round trip: pause and cancel act between two pages
            )
            started = last_flush = time.monotonic()
            with pool:
                for job, outcome in pool.run(jobs):
                    document = owners[job.key]
                    page = int(job.args[0])
                    if isinstance(outcome, RecognisedPage):
                        if _unchanged(document.item):
                            cache.put(document.item.sha256, key, outcome)
                            document.results[page] = outcome
                        else:
                            document.changed = True
                        self.report.pages += 1
                    elif isinstance(outcome, Failed) and outcome.reason is ErrorReason.UNSUPPORTED:
                        self.report.note = outcome.message  # the engine cannot start: no page is to blame
                        self._commit()
                        return False
                    else:
                        assert isinstance(outcome, Failed)
                        document.failures[page] = (outcome.reason, f"page {page}: {outcome.message}")
                        self.report.failed_pages += 1
                    document.left -= 1
                    if document.left == 0:
                        self._finish(document)
                    done += 1
                    elapsed = time.monotonic() - started
                    recognised = self.report.pages + self.report.failed_pages
                    eta = (total - done) * elapsed / recognised if recognised and done < total else None
                    self.emit(done, total, document.item.path, eta)
                    if time.monotonic() - last_flush >= FLUSH_S:
                        self._commit()
                        last_flush = time.monotonic()
                    if self.checkpoint():
                        self._commit()
                        return True
            self._commit()
            return False
        finally:
            cache.close()
            shutil.rmtree(self.case.directory / SCRATCH, ignore_errors=True)  # members copied out to be read

    def _readable(self, document: _Document) -> str | None:
        """The path the page jobs read: the file, or a copy of a member taken out of its containers (the one place
        where OCR reaches a member's bytes; ``ingest/ocr/source.py`` opens what this returns)."""
        item = document.item
        if not item.member:
            return real_path(item.path)
        from arbiter_desktop.ingest.containers import ArchiveLimits
        from arbiter_desktop.ingest.containers.locate import copy_member

        catalog = self.case.catalog
        chain = catalog.member_chain(item.path)
        row = catalog.db.execute("SELECT kind FROM files WHERE path=?", (item.file_path,)).fetchone()
        if not chain or row is None:
            return None
        limits = self.limits or ArchiveLimits(
            max_entries=self.settings.archive_max_entries,
            max_member_bytes=self.settings.max_file_mb * 1024 * 1024,
            max_total_bytes=self.settings.archive_max_total_mb * 1024 * 1024,
            max_ratio=self.settings.archive_max_ratio,
        )
        target = self.case.directory / SCRATCH / item.sha256
        try:
            steps = [(m.ref, m.kind) for m in chain]
            copy = copy_member(Path(real_path(item.file_path)), FileKind(row[0]), steps, target, limits)
        except (ExtractionError, OSError) as exc:
            message = exc.message if isinstance(exc, ExtractionError) else str(exc)
            for page in document.todo:
                document.failures.setdefault(page, (ErrorReason.UNREADABLE, f"cannot copy the member: {message}"))
            document.left = 0
            self._finish(document)
            return None
        return str(copy)

    def _plan(self, awaiting: list[AwaitingOcr], cache: OcrCache, key: str) -> list[_Document]:
        """What this run recognises of each document: its pending pages within the limit, less those cached."""
        documents: list[_Document] = []
        for item in awaiting:
            failed_before = frozenset(self.case.catalog.ocr_failures(item.id)) & frozenset(item.pending)
            # a page that failed once is pending again: its failure record does not count toward the limit
            allowed = max(0, self.settings.ocr_max_pages - (item.recognised - len(failed_before)))
            todo, later = list(item.pending[:allowed]), list(item.pending[allowed:])
            if not todo or not _unchanged(item):
                continue  # over the limit, or changed since extracted (read again by the next indexing run)
            cached = cache.pages(item.sha256, key)
            results = {p: cached[p] for p in todo if p in cached}
            document = _Document(item, todo, later, results=results, failed_before=failed_before)
            document.left = len(todo) - len(document.results)
            self.report.cached += len(document.results)
            documents.append(document)
        return documents

    def _finish(self, document: _Document) -> None:
        """Complete the document's text with its recognised pages (or put its files in error if none has text).

        A page stopped at the time or memory limit for the first time stays pending (read again at the next run);
        other failures are given up and reported. The new text waits in ``_ready`` for the next commit."""
        if document.changed:
            return
        catalog = self.case.catalog
        row = catalog.document(document.item.id)
        if row is None:
            return
        retry = sorted(
            page
            for page, (reason, _) in document.failures.items()
            if reason in RETRIED and page not in document.failed_before
        )
        failures: dict[int, str] = {}
        for page, (reason, message) in sorted(document.failures.items()):
            again = page in document.failed_before
            failures[page] = f"{reason.value}: {message}" + (" (second attempt)" if again else "")
            if page not in retry:
                self.report.failures.append(PageFailure(document.item.path, page, reason, failures[page]))
        self.report.retry_pages += len(retry)
        pending = sorted([*document.later, *retry])
        text, pages = merge_pages(row.text, row.pages, document.results)
        if not text.strip() and not pending:
            reason, message = _no_text(document)
            with catalog.transaction():
                catalog.fail_document(row.id, reason, message)
            self.on_errors(len(row.paths))
            return
        if not document.results:  # no page read this time: the text stays, the failed pages wait or are noted
            with catalog.transaction():
                catalog.set_ocr_pending(row.id, pending, failures)
            return
        chunks = chunk_text(text, pages, self.settings.chunk_tokens, self.settings.chunk_overlap)
        recognised = [document.results[p] for p in sorted(document.results)]
        self._ready.append(_Replacement(row.id, text, pages, chunks, pending, recognised, failures))
        self.report.documents += 1

    def _commit(self) -> None:
        """Commit the completed documents, then send them to the full-text index with the other pending ones.

        A completed document keeps its old chunks in the full-text index until its new ones are there, so that it
        never drops out of searches meanwhile (a search hides chunks that the catalog does not record, and
        documents that no file references): its new text and chunks are first recorded under a staging document
        (hidden) and added to the index under that document's key; then, in one catalog transaction, the document
        takes them and its old chunks go to a retired document (hidden); the flush that follows removes both
        helpers as orphans — their index entries, and the vectors of the old chunks — and sends the document
        again under its own key."""
        ready, self._ready = self._ready, []
        if ready:
            catalog, lexical = self.case.catalog, self.case.lexical
            with catalog.transaction():
                staged = [catalog.stage_text(r.document_id, r.text, r.pages, r.chunks) for r in ready]
            metas = catalog.documents_meta([r.document_id for r in ready])
            for replacement, staged_id in zip(ready, staged, strict=True):
                meta = metas[replacement.document_id]
                key = f"{meta.sha256}{STAGED_SUFFIX}"
                lexical.add_chunks(
                    ChunkRecord(
                        chunk_id=chunk.id,
                        document_id=meta.id,
                        doc_key=key,
                        text=chunk.text,
                        title=meta.title,
                        paths=list(meta.paths),
                        kind=meta.kind.value,
                        date=meta.date,
                    )
                    for chunk in catalog.chunks_of(staged_id)
                )
            lexical.commit()
            with catalog.transaction():
                for r, staged_id in zip(ready, staged, strict=True):
                    catalog.take_staged_text(r.document_id, staged_id, r.pending, r.recognised, r.failures)
                catalog.bump_generation()
        self.flush()


def _unchanged(item: AwaitingOcr) -> bool:
    """Is the file (a member's outermost container) still as it was when its text was extracted (same size and
    modification time)?"""
    try:
        st = os.stat(real_path(item.file_path))
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns) == (item.size, item.mtime_ns)


def _no_text(document: _Document) -> tuple[ErrorReason, str]:
    pages = len(document.todo)
    if document.failures and not document.results:
        _, (reason, message) = min(document.failures.items())  # the message names its page
        return reason, f"OCR could not read any of its {pages} page(s): {message}"
    return ErrorReason.EMPTY, f"no text: OCR recognised nothing on its {pages} page(s) (blank, or not a page of text)"


def duration_text(seconds: float) -> str:
    """A time left as people say it: "~40 s", "~3 min", "~1 h 20 min"."""
    if seconds < 60:
        return f"~{max(1, round(seconds / 10) * 10)} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"~{minutes} min"
    return f"~{minutes // 60} h {minutes % 60:02d} min"
