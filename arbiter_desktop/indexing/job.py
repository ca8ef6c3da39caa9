"""The indexing job: discover → fingerprint → extract (worker processes) → chunk → catalog + full-text index.

Commits happen in batches. Per batch: the catalog records the new documents as ``pending`` (one SQLite
transaction); their chunks go to the full-text index, which commits; then the catalog marks them ``indexed``
and bumps the generation. A kill at any moment loses at most the batch in flight: the next run re-sends
every pending document (delete, then add) and removes documents that no file references any more, so the
catalog and the index agree again without duplicates.

The job knows nothing of Qt: it reports :class:`Progress` through a callback and checks a
:class:`JobControl` between files for pause and cancel.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from arbiter_desktop.domain import ErrorReason, FileError, FileFingerprint, FileKind
from arbiter_desktop.embedding.base import Embedder
from arbiter_desktop.ingest.discovery import Seen, Skipped, fingerprint, walk
from arbiter_desktop.ingest.workers import Extracted, ExtractionPool, Failed, Job
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.lexical import ChunkRecord
from arbiter_desktop.stores.vectors import VectorStore, open_vector_store


@dataclass(frozen=True, slots=True)
class Progress:
    phase: str  # "scan", "text", "semantic", "done"
    done: int
    total: int
    current: str
    errors: int
    text_bytes: int
    elapsed_s: float


@dataclass
class IndexReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    errors: int = 0  # files that failed in this run
    failed: list[FileError] = field(default_factory=list)  # every file in error in the case, after the run
    documents: int = 0
    chunks: int = 0
    text_bytes: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    generation: int = 0
    embedded: int = 0  # chunks embedded in this run
    embed_seconds: float = 0.0


class EventLike(Protocol):
    def set(self) -> None: ...
    def clear(self) -> None: ...
    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = None) -> bool: ...


class JobControl:
    """Pause, resume and cancel, checked by the job between files (thread-safe)."""

    def __init__(self, cancel: EventLike | None = None, running: EventLike | None = None) -> None:
        """``cancel`` and ``running`` may be process-shared events (``multiprocessing.Event``), so that another
        process controls the job; by default they are thread events."""
        self._cancel = cancel if cancel is not None else threading.Event()
        self._running = running if running is not None else threading.Event()
        self._running.set()

    def cancel(self) -> None:
        self._cancel.set()
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def checkpoint(self) -> bool:
        """Block while paused; True if the job must stop."""
        while not self._running.wait(0.2):
            pass
        return self._cancel.is_set()


ProgressCallback = Callable[[Progress], None]


EMBED_BATCH_S = 1.0  # target duration of one embedding batch


def _under_any(path: str, folders: Sequence[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


class Indexer:
    def __init__(
        self,
        case: Case,
        control: JobControl | None = None,
        on_progress: ProgressCallback | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.case = case
        self.settings = case.settings
        self.control = control or JobControl()
        self.on_progress = on_progress or (lambda _p: None)
        self.embedder = embedder
        self.vectors: VectorStore | None = (
            open_vector_store(case.directory, embedder.identity) if embedder is not None else None
        )
        self._started = 0.0

    # --- public -------------------------------------------------------------------------------------------
    def run(self, roots: Sequence[Path]) -> IndexReport:
        self._started = time.monotonic()
        report = IndexReport()
        catalog = self.case.catalog
        self.case.lexical.open_writer(self.settings.writer_heap_mb)
        self._flush(report)  # finish whatever a killed run left pending

        self._emit("scan", 0, 0, "", report)
        to_process: list[tuple[int, Seen, bool]] = []  # (source id, file, was known before)
        for root in roots:
            source_id = catalog.add_source(str(root.resolve()))
            known = catalog.known_files(source_id)
            seen_paths: set[str] = set()
            unlisted: list[str] = []  # folders that could not be read: their files are kept as they were
            for item in walk(root.resolve()):
                seen_paths.add(item.path)
                if isinstance(item, Skipped):
                    unlisted.append(item.path)
                    unread = FileFingerprint(item.path, 0, 0, "", FileKind.UNKNOWN)
                    self._fail(source_id, unread, ErrorReason.UNREADABLE, item.message, report)
                    continue
                before = known.get(item.path)
                if before is not None and (before.size, before.mtime_ns) == (item.size, item.mtime_ns):
                    report.unchanged += 1
                else:
                    to_process.append((source_id, item, before is not None))
            # a file is gone only if its folder could be read: an unplugged drive or a folder that became
            # unreadable must not empty the case
            gone = sorted(p for p in set(known) - seen_paths if not _under_any(p, unlisted))
            if gone:
                with catalog.transaction():
                    for path in gone:
                        catalog.remove_file(path)
                report.removed += sum(1 for path in gone if not known[path].failed)

        self._process(to_process, report)
        self._flush(report)
        self.case.lexical.close_writer()
        if self.embedder is not None and not report.cancelled:
            self._embed(report)
        counts = catalog.counts()
        report.documents, report.chunks = counts["documents"], counts["chunks"]
        report.failed = catalog.errors()
        report.generation = catalog.generation()
        report.seconds = time.monotonic() - self._started
        self._emit("done", len(to_process), len(to_process), "", report)
        return report

    # --- steps --------------------------------------------------------------------------------------------
    def _process(self, items: list[tuple[int, Seen, bool]], report: IndexReport) -> None:
        catalog = self.case.catalog
        total = len(items)
        done = 0
        jobs: list[Job] = []
        waiting: dict[str, list[tuple[int, FileFingerprint, bool]]] = defaultdict(list)
        for source_id, seen, known in items:
            if self.control.checkpoint():
                report.cancelled = True
                return
            try:
                fp = fingerprint(seen)
            except OSError as exc:
                unread = FileFingerprint(seen.path, seen.size, seen.mtime_ns, "", FileKind.UNKNOWN)
                self._fail(source_id, unread, ErrorReason.UNREADABLE, f"cannot read: {exc.strerror or exc}", report)
                done += 1
                continue
            refusal = self._refusal(fp)
            if refusal is not None:
                self._fail(source_id, fp, *refusal, report)
                done += 1
                continue
            existing = catalog.document_id_for(fp.sha256)
            if existing is not None:  # same content already indexed: remember the path, index nothing new
                with catalog.transaction():
                    catalog.upsert_file(source_id, fp, existing)
                    catalog.mark_pending(existing)  # its list of paths changed
                report.duplicates += 1
                self._count(report, known)
                done += 1
                continue
            if fp.sha256 not in waiting:
                jobs.append(Job(key=len(jobs), path=fp.path, kind=fp.kind))
            waiting[fp.sha256].append((source_id, fp, known))
            self._emit("scan", done, total, fp.path, report)

        by_path = {fp.path: fp.sha256 for group in waiting.values() for _, fp, _ in group}
        pending_in_batch = 0
        pool = ExtractionPool(
            self.settings.workers,
            self.settings.extract_timeout_s,
            self.settings.extract_memory_mb,
            self.settings.chunk_tokens,
            self.settings.chunk_overlap,
        )
        with pool:
            catalog.db.execute("BEGIN IMMEDIATE")
            try:
                for job, outcome in pool.run(jobs):
                    group = waiting[by_path[job.path]]
                    head = group[0][1]
                    if isinstance(outcome, Extracted):
                        document_id = catalog.add_document(
                            head.sha256, head.kind, head.size, outcome.extraction, outcome.chunks
                        )
                        for source_id, fp, known in group:
                            catalog.upsert_file(source_id, fp, document_id)
                            self._count(report, known)
                        report.duplicates += len(group) - 1
                        report.text_bytes += len(outcome.extraction.text.encode("utf-8"))
                    else:
                        assert isinstance(outcome, Failed)
                        for source_id, fp, _ in group:
                            catalog.record_error(source_id, fp, outcome.reason, outcome.message)
                        report.errors += len(group)
                    done += len(group)
                    pending_in_batch += 1
                    self._emit("text", done, total, job.path, report)
                    stop = self.control.checkpoint()
                    if pending_in_batch >= self.settings.batch_files or stop:
                        catalog.db.execute("COMMIT")
                        self._flush(report)
                        pending_in_batch = 0
                        if stop:
                            report.cancelled = True
                            return
                        catalog.db.execute("BEGIN IMMEDIATE")
                catalog.db.execute("COMMIT")
            except BaseException:
                if catalog.db.in_transaction:
                    catalog.db.execute("ROLLBACK")
                raise

    def _refusal(self, fp: FileFingerprint) -> tuple[ErrorReason, str] | None:
        """Why a file is not sent to a parser at all, if it is not."""
        if fp.kind is FileKind.UNKNOWN:
            return ErrorReason.UNSUPPORTED, "not a document format the app reads"
        limit_mb = self.settings.max_file_mb
        if fp.size > limit_mb * 1024 * 1024:
            return ErrorReason.TOO_LARGE, f"{fp.size / 1e6:.0f} MB is over the {limit_mb} MB limit"
        return None

    def _flush(self, report: IndexReport) -> None:
        """Send pending documents to the full-text index, drop orphans, commit both stores."""
        catalog, lexical = self.case.catalog, self.case.lexical
        orphans = catalog.orphan_documents()
        pending = catalog.pending_documents()
        if not orphans and not pending:
            return
        for _, sha256 in orphans:
            lexical.delete_document(sha256)
        orphan_ids = {i for i, _ in orphans}
        if self.vectors is not None and orphan_ids:
            self.vectors.remove(c for i in orphan_ids for c in catalog.chunk_ids_of(i))
            self.vectors.save(catalog.generation())
        indexed: list[int] = []
        for document_id in pending:
            if document_id in orphan_ids:
                continue
            document = catalog.document(document_id)
            if document is None:
                continue
            lexical.delete_document(document.sha256)
            lexical.add_chunks(
                ChunkRecord(
                    chunk_id=chunk.id,
                    document_id=document.id,
                    doc_key=document.sha256,
                    text=chunk.text,
                    title=document.title,
                    paths=document.paths,
                    kind=document.kind.value,
                    date=document.date,
                )
                for chunk in catalog.chunks_of(document_id)
            )
            indexed.append(document_id)
        lexical.commit()
        with catalog.transaction():
            for document_id in orphan_ids:
                catalog.delete_document(document_id)
            catalog.mark_indexed(indexed)
            report.generation = catalog.bump_generation()

    def _embed(self, report: IndexReport) -> None:
        """Phase 2: embed the chunks that have no vector yet, in batches, saving every few seconds."""
        assert self.embedder is not None and self.vectors is not None
        catalog, store = self.case.catalog, self.vectors
        live = catalog.chunk_ids()
        stale = store.keys() - live
        if stale:
            store.remove(stale)
            store.save(catalog.generation())
        with catalog.transaction():
            catalog.sync_embedded(store.keys())  # a kill between the two commits is repaired here
        counts = catalog.counts()
        total, done = counts["chunks"], counts["embedded"]
        started = time.monotonic()
        unsaved: list[int] = []
        last_save = started
        cursor = 0
        size = 1  # batches last about EMBED_BATCH_S, so that pause and cancel answer within a second or two
        while True:
            if self.control.checkpoint():
                report.cancelled = True
                break
            batch = catalog.unembedded_chunks(size, after=cursor)
            if not batch:
                break
            cursor = batch[-1][0]
            ids = [c for c, _, _ in batch]
            batch_started = time.monotonic()
            vectors = self.embedder.embed_documents([t for _, t, _ in batch], [title for _, _, title in batch])
            per_chunk = max(1e-4, (time.monotonic() - batch_started) / len(batch))
            size = max(1, min(self.settings.embed_batch, int(EMBED_BATCH_S / per_chunk)))
            store.add(ids, vectors)
            unsaved.extend(ids)
            done += len(ids)
            report.embedded += len(ids)
            if time.monotonic() - last_save > self.settings.embed_save_s:
                self._save_vectors(unsaved)
                unsaved, last_save = [], time.monotonic()
            self._emit("semantic", done, total, "", report)
        if unsaved:
            self._save_vectors(unsaved)
        report.embed_seconds = time.monotonic() - started

    def _save_vectors(self, chunk_ids: list[int]) -> None:
        assert self.vectors is not None
        catalog = self.case.catalog
        self.vectors.save(catalog.generation() + 1)
        with catalog.transaction():
            catalog.mark_embedded(chunk_ids)
            catalog.bump_generation()

    # --- helpers ------------------------------------------------------------------------------------------
    @staticmethod
    def _count(report: IndexReport, known: bool) -> None:
        if known:
            report.changed += 1
        else:
            report.added += 1

    def _fail(
        self, source_id: int, fp: FileFingerprint, reason: ErrorReason, message: str, report: IndexReport
    ) -> None:
        """Record a file that is not indexed, with its reason, in a transaction of its own."""
        with self.case.catalog.transaction():
            self.case.catalog.record_error(source_id, fp, reason, message)
        report.errors += 1

    def _emit(self, phase: str, done: int, total: int, current: str, report: IndexReport) -> None:
        self.on_progress(
            Progress(
                phase=phase,
                done=done,
                total=total,
                current=current,
                errors=report.errors,
                text_bytes=report.text_bytes,
                elapsed_s=time.monotonic() - self._started,
            )
        )
