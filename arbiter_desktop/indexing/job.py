"""The indexing job: discover → fingerprint → extract (worker processes) → chunk → catalog + full-text index.

Commits happen in batches. Per batch: the catalog records the new documents as ``pending`` (one SQLite
transaction); their chunks go to the full-text index, which commits; then the catalog points the files at
their new documents, marks them ``indexed`` and bumps the generation. A kill at any moment loses at most the
batch in flight: the next run re-sends every pending document (delete, then add) and removes documents that no
file references any more, so the catalog and the index agree again without duplicates.

Searches run meanwhile (another process) see each file in one version or the other, never in none: a file
whose content changed keeps its old document until the new one is in the full-text index; the old one leaves
the index at the next commit, once no file references it (:mod:`arbiter_desktop.search.engine` shows only
documents that files reference).

Sources may change under the job: a file deleted or written to between the walk and the end of its extraction
is never recorded with a fingerprint that does not match the text indexed. It is read again (up to
``CHANGE_RETRIES`` times), then reported as ``changed``; a file that disappeared is reported as ``unreadable``.

Scanned pages and photos are recognised in a phase of their own (1b, :mod:`arbiter_desktop.indexing.ocr_phase`)
once the native text of every document is in the index.

The job knows nothing of Qt: it reports :class:`Progress` through a callback and checks a
:class:`JobControl` between files (and between OCR pages) for pause and cancel.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from arbiter_desktop.chunking.derived import ChunkTerms
from arbiter_desktop.domain import CONTAINER_KINDS, ErrorReason, FileError, FileFingerprint, FileKind, RecognisedPage
from arbiter_desktop.embedding.base import Embedder, ThreadedEmbedder
from arbiter_desktop.embedding.gguf import GgufEmbedder
from arbiter_desktop.embedding.pool import EmbeddingPool, Layout, layout
from arbiter_desktop.indexing.analysis import analyse_backlog, analyse_document
from arbiter_desktop.indexing.eta import CALIBRATION_TEXT, SemanticEta, TextEta, rounded
from arbiter_desktop.indexing.members import Holder, MemberTracker, PendingMember
from arbiter_desktop.indexing.names import NamesOutcome, NamesPhase
from arbiter_desktop.indexing.ocr_phase import OcrPhase, OcrReport
from arbiter_desktop.indexing.passages import PassageVectors
from arbiter_desktop.indexing.profile import TextProfile
from arbiter_desktop.indexing.readings import ReadingOutcome, ReadingPhase
from arbiter_desktop.indexing.semantic import SemanticFill
from arbiter_desktop.ingest.containers import ArchiveLimits
from arbiter_desktop.ingest.containers.task import container_task
from arbiter_desktop.ingest.discovery import Seen, Skipped, fingerprint, restat, walk
from arbiter_desktop.ingest.profile import peak_rss_mb, reset_peak_rss
from arbiter_desktop.ingest.workers import Extracted, ExtractionPool, Failed, Job
from arbiter_desktop.noisytext import read_with
from arbiter_desktop.safetext import path_key
from arbiter_desktop.stores import analysis
from arbiter_desktop.stores.activity import HoldWhileSearching, SearchRunning
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.lexical import ChunkRecord
from arbiter_desktop.stores.vectors import VectorStore, open_vector_store

CHANGE_RETRIES = 2  # times a file that changed while it was read is read again before it is reported
SCRATCH = "scratch"  # in the case folder: members of containers copied out during a run (removed after it)
FLUSH_DOCUMENTS = 1000  # documents sent to the full-text index per commit when a backlog is flushed
COMMIT_S = 5.0  # the full-text index commits at least this often while files are extracted (or every batch_files)


@dataclass(frozen=True, slots=True)
class Progress:
    # "scan", "text", "lexical" (a backlog of documents sent to the index), "ocr", "readings", "names", "semantic",
    # "done"
    phase: str
    done: int  # files; pages in the "ocr" phase; chunks in the "semantic" phase
    total: int
    current: str
    errors: int
    text_bytes: int
    elapsed_s: float
    eta_s: float | None = None  # time left in the phase, when the phase estimates it (the "ocr" phase does)
    eta_text_s: float | None = None  # seconds until every file is searchable by its words (0: done; None: unknown)
    eta_semantic_s: float | None = None  # seconds until every chunk is searchable by meaning (None: unknown, off)


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
    embed_workers_lost: int = 0  # embedding worker processes that failed (their chunks were embedded by the others)
    embed_lanes: int = 1  # embedding models that took part in the semantic phase (embedding/pool.py)
    embed_layout: str = ""  # the layout the phase measured faster and kept: "lanes", "one model"; "" not measured
    embed_rates: tuple[float | None, float | None] = (None, None)  # characters/s measured: one model, lanes
    ocr: OcrReport = field(default_factory=OcrReport)  # phase 1b: pages recognised, cached, awaiting
    names: NamesOutcome = field(default_factory=NamesOutcome)  # phase 1c: documents whose names were read
    readings: ReadingOutcome = field(default_factory=ReadingOutcome)  # phase 1d: badly recognised documents read
    profile: dict[str, float] = field(default_factory=dict)  # seconds per step of this run (TextProfile.steps)


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
        self._waits: list[Callable[[], None]] = []

    def wait_also(self, wait: Callable[[], None]) -> None:
        """Call ``wait`` at each checkpoint, before pause and cancel are looked at (e.g. hold while a search runs)."""
        self._waits.append(wait)

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
        for wait in self._waits:
            wait()
        while not self._running.wait(0.2):
            pass
        return self._cancel.is_set()


ProgressCallback = Callable[[Progress], None]


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
            open_vector_store(case.directory, embedder.identity, graph=self.settings.vector_search == "hnsw")
            if embedder is not None
            else None
        )
        self._started = 0.0
        # path → (source, fingerprint, document): files whose new document is recorded but not yet indexed
        self._moves: dict[str, tuple[int, FileFingerprint, int]] = {}
        self._terms: dict[int, dict[int, ChunkTerms]] = {}  # document → its chunks' index terms, by ordinal
        self._pool: ExtractionPool | None = None  # started at the first file to extract, kept for the run
        self.profile = TextProfile()
        self.text_eta = TextEta()
        self.embed_layout = self._embed_layout()
        self.semantic_eta = (
            SemanticEta(case.directory, embedder.identity.key, self.settings.cores(), self.embed_layout.lanes)
            if embedder is not None
            else None
        )
        self._chars_to_embed = 0  # characters of chunks without a vector (known so far)

    # --- public -------------------------------------------------------------------------------------------
    def run(self, roots: Sequence[Path], forget: Sequence[str] = ()) -> IndexReport:
        """Index ``roots``; ``forget``: sources (as :meth:`Catalog.sources` gives them) whose files leave the case
        once the roots' files are recorded (counted as removed; a document that a root's file also holds stays)."""
        self._started = time.monotonic()
        report = IndexReport()
        catalog = self.case.catalog
        self.case.lexical.open_writer(self.settings.writer_heap_mb)
        self._flush(report)  # finish whatever a killed run left pending
        if self.embedder is not None:
            self._chars_to_embed = catalog.unembedded_chars()

        self._emit("scan", 0, 0, "", report)
        to_process: list[tuple[int, Seen, bool]] = []  # (source id, file, was known before)
        unread_members = catalog.files_with_unread_members()  # containers a stopped run left half read
        for root in roots:
            source_id = catalog.add_source(path_key(str(root.resolve())))
            known = catalog.known_files(source_id)
            seen_paths: set[str] = set()
            unlisted: list[str] = []  # folders that could not be read: their files are kept as they were
            for item in walk(root.resolve()):
                key = item.key
                if key in seen_paths:  # two names written the same once escaped: never merge two files
                    self._fail(
                        source_id,
                        FileFingerprint(key, 0, 0, "", FileKind.UNKNOWN),
                        ErrorReason.UNREADABLE,
                        "another file of this folder has the same name once its undecodable bytes are escaped: "
                        "rename one of them in a working copy to index both",
                        report,
                    )
                    continue
                seen_paths.add(key)
                if isinstance(item, Skipped):
                    unlisted.append(key)
                    unread = FileFingerprint(key, 0, 0, "", FileKind.UNKNOWN)
                    self._fail(source_id, unread, ErrorReason.UNREADABLE, item.message, report)
                    continue
                before = known.get(key)
                unchanged = before is not None and (before.size, before.mtime_ns) == (item.size, item.mtime_ns)
                if unchanged and key not in unread_members:
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

        try:
            self._process(to_process, report)
        finally:
            self._close_pool()
        if forget and not report.cancelled:
            with catalog.transaction():
                report.removed += sum(catalog.forget_source(path) for path in forget)
        self._flush(report)
        if not report.cancelled:
            self._ocr(report)
            analyse_backlog(catalog, lambda: self._flush(report))  # documents indexed by older recognisers, or none
            self._readings(report)
            if self.settings.names and not report.cancelled:
                self._names(report)
        with self.profile.step("commit"):
            self.case.lexical.close_writer()
        self.profile.memory("indexer_text", peak_rss_mb())
        if self.embedder is not None and not report.cancelled:
            reset_peak_rss()
            self._embed(report)
            self.profile.memory("indexer_semantic", peak_rss_mb())
        counts = catalog.counts()
        report.documents, report.chunks = counts["documents"], counts["chunks"]
        report.failed = catalog.errors()
        report.generation = catalog.generation()
        report.seconds = time.monotonic() - self._started
        report.profile = self.profile.steps(report.seconds)
        self._emit("done", len(to_process), len(to_process), "", report)
        return report

    # --- steps --------------------------------------------------------------------------------------------
    def _process(self, items: list[tuple[int, Seen, bool]], report: IndexReport, retries: int = CHANGE_RETRIES) -> None:
        """Fingerprint, extract and record ``items``; files that changed meanwhile go round again."""
        catalog = self.case.catalog
        total = len(items)
        done = 0
        jobs: list[Job] = []
        groups: list[list[tuple[int, Seen, FileFingerprint, bool]]] = []  # the files of each job (same content)
        job_of: dict[str, int] = {}  # SHA-256 → job
        moved: list[tuple[int, Seen, bool]] = []  # changed since they were fingerprinted: read them again
        shutil.rmtree(self.case.directory / SCRATCH, ignore_errors=True)  # what a killed run left
        pool = self._extraction_pool()
        if items:
            pool.start()  # the workers start up while the files are hashed
        hashing, hashing_cpu = time.perf_counter(), time.thread_time()
        for source_id, seen, known in items:
            if self.control.checkpoint():
                report.cancelled = True
                return
            try:
                fp = fingerprint(seen)
            except OSError as exc:
                unread = FileFingerprint(seen.key, seen.size, seen.mtime_ns, "", FileKind.UNKNOWN)
                self._fail(source_id, unread, ErrorReason.UNREADABLE, f"cannot read: {exc.strerror or exc}", report)
                done += 1
                continue
            refusal = self._refusal(fp)
            if refusal is not None:
                self._fail(source_id, fp, *refusal, report)
                done += 1
                continue
            existing = catalog.document_id_for(fp.sha256)
            if existing is not None and fp.kind in CONTAINER_KINDS:
                existing = self._container_copy(fp, existing)  # None: read it (its members) again
            if existing is not None and not self._still_as_seen([(source_id, seen, fp, known)], moved, report):
                done += 1
                continue
            if existing is not None:  # same content already indexed: remember the path, index nothing new
                with catalog.transaction():
                    catalog.upsert_file(source_id, fp, existing)
                    catalog.mark_pending(existing)  # its list of paths changed
                    if fp.kind not in CONTAINER_KINDS:
                        catalog.delete_members(fp.path)  # it held an archive before
                report.duplicates += 1
                self._count(report, known)
                done += 1
                continue
            if fp.sha256 not in job_of:
                job_of[fp.sha256] = len(jobs)
                jobs.append(Job(key=len(jobs), path=seen.path, kind=fp.kind, size=fp.size))
                self.text_eta.add(fp.kind.value, fp.size)
                groups.append([])
            groups[job_of[fp.sha256]].append((source_id, seen, fp, known))
            self._emit("scan", done, total, fp.path, report)
        self.profile.add("fingerprint", time.perf_counter() - hashing, time.thread_time() - hashing_cpu)

        pending_in_batch = 0
        last_commit = time.monotonic()
        tracker = MemberTracker(catalog, self._archive_limits())
        catalog.db.execute("BEGIN IMMEDIATE")
        self.text_eta.begin()
        try:
            while jobs:  # a round: the run's files, then the members of the containers among them, ...
                members: list[Job] = []
                waited = time.perf_counter()
                for job, outcome in pool.run(jobs):
                    assert not isinstance(outcome, RecognisedPage)  # text jobs extract; OCR is a phase of its own
                    recording, recording_cpu = time.perf_counter(), time.thread_time()
                    self.profile.add("wait", recording - waited)
                    self._observe(job, outcome)
                    errors_before = tracker.errors
                    if tracker.is_member_job(job):
                        found = tracker.finished(job, outcome, self._add_member_document)
                        done += 1
                    else:
                        found = self._file_outcome(job, outcome, groups[job.key], moved, report, tracker)
                        done += len(groups[job.key])
                    members += found
                    total += len(found)  # members of containers count as files to read
                    for member in found:
                        self.text_eta.add(member.kind.value, member.size)
                    report.errors += tracker.errors - errors_before
                    pending_in_batch += 1
                    self._emit("text", done, total, job.path, report)
                    self.profile.add("record", time.perf_counter() - recording, time.thread_time() - recording_cpu)
                    stop = self.control.checkpoint()
                    due = pending_in_batch >= self.settings.batch_files or time.monotonic() - last_commit >= COMMIT_S
                    if due or stop:
                        flushing = time.monotonic()
                        with self.profile.step("commit"):
                            catalog.db.execute("COMMIT")
                        self._flush(report)
                        self.text_eta.flushed(pending_in_batch, time.monotonic() - flushing)
                        self._calibrate()  # once the first files are searchable: the semantic ETA is then known
                        pending_in_batch, last_commit = 0, time.monotonic()
                        if stop:
                            report.cancelled = True
                            return
                        catalog.db.execute("BEGIN IMMEDIATE")
                    waited = time.perf_counter()
                jobs = members
            with self.profile.step("commit"):
                catalog.db.execute("COMMIT")
        except BaseException:
            if catalog.db.in_transaction:
                catalog.db.execute("ROLLBACK")
                self._moves.clear()  # their documents were rolled back with the batch
                self._terms.clear()
            raise
        finally:
            shutil.rmtree(self.case.directory / SCRATCH, ignore_errors=True)
        if not moved:
            return
        if retries > 0:
            self._process(moved, report, retries - 1)
            return
        for source_id, seen, _ in moved:
            still_moving = FileFingerprint(seen.key, seen.size, seen.mtime_ns, "", FileKind.UNKNOWN)
            message = "the file kept changing while it was being read (still being written?): index again later"
            self._fail(source_id, still_moving, ErrorReason.CHANGED, message, report)

    def _extraction_pool(self) -> ExtractionPool:
        if self._pool is None:
            self._pool = ExtractionPool(
                self.settings.extraction_workers(),
                self.settings.extract_timeout_s,
                self.settings.extract_memory_mb,
                self.settings.chunk_tokens,
                self.settings.chunk_overlap,
                task=container_task(self.case.directory / SCRATCH, self._archive_limits()),
                before_file=HoldWhileSearching(self.case.directory),
            )
        return self._pool

    def _observe(self, job: Job, outcome: Extracted | Failed) -> None:
        """What a file cost and gave, for the profile and the ETAs."""
        if isinstance(outcome, Extracted):
            self.profile.worker_file(job.kind.value, outcome.stages)
            chars = sum(c.end - c.start for c in outcome.chunks)
            self._chars_to_embed += chars
            self.text_eta.done(job.kind.value, job.size, sum(outcome.stages.values()), chars)
        else:
            self.text_eta.done(job.kind.value, job.size, None, 0)

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self.profile.workers_ready(self._pool.ready_s)
            self.profile.memory("workers", self._pool.peak_rss_mb or None)
            self._pool = None

    def _file_outcome(
        self,
        job: Job,
        outcome: Extracted | Failed,
        files: list[tuple[int, Seen, FileFingerprint, bool]],
        moved: list[tuple[int, Seen, bool]],
        report: IndexReport,
        tracker: MemberTracker,
    ) -> list[Job]:
        """Record a file's outcome (for every file of the run with that content); a container's members come
        back as jobs."""
        catalog = self.case.catalog
        group = self._still_as_seen(files, moved, report)
        if group and isinstance(outcome, Extracted):
            head = group[0][2]
            document_id = catalog.document_id_for(head.sha256)  # a member of this run may have brought it
            if document_id is None:
                document_id = self._record_document(head.sha256, head.kind, head.size, outcome)
            for source_id, _, fp, known in group:
                self._moves[fp.path] = (source_id, fp, document_id)  # once it is in the index
                self._count(report, known)
            report.duplicates += len(group) - 1
            report.text_bytes += len(outcome.extraction.text.encode("utf-8"))
            if head.kind in CONTAINER_KINDS:
                holders = [Holder(fp.path, None, fp.path, 0) for _, _, fp, _ in group]
                return tracker.expanded(holders, head.sha256, outcome.members)
            for _, _, fp, _ in group:
                catalog.delete_members(fp.path)  # the path held an archive before: its members leave
        elif group:
            assert isinstance(outcome, Failed)
            for source_id, _, fp, _ in group:
                catalog.record_error(source_id, fp, outcome.reason, outcome.message)
            report.errors += len(group)
        return []

    def _add_member_document(self, outcome: Extracted, member: PendingMember) -> int:
        """The document of a member's content (recorded now unless another path brought it meanwhile)."""
        catalog = self.case.catalog
        existing = catalog.document_id_for(member.sha256)
        if existing is not None:
            return existing
        return self._record_document(member.sha256, member.kind, member.size, outcome)

    def _record_document(self, sha256: str, kind: FileKind, size: int, outcome: Extracted) -> int:
        """A new document in the catalog with its chunks and analysis; the chunks' index terms that its worker
        computed are kept until the document is sent to the full-text index."""
        derived = outcome.derived
        document_id = self.case.catalog.add_document(sha256, kind, size, outcome.extraction, outcome.chunks)
        analyse_document(self.case.catalog, document_id, outcome.extraction.text, derived.analysis if derived else None)
        if derived is not None:
            self._terms[document_id] = {c.ordinal: t for c, t in zip(outcome.chunks, derived.terms, strict=True)}
        return document_id

    def _container_copy(self, fp: FileFingerprint, document_id: int) -> int | None:
        """A container identical to one already indexed: its members are copied under this path too (the
        document is returned); None when they must be read again (none of its copies has them all)."""
        catalog = self.case.catalog
        if catalog.has_members(fp.path) and fp.path not in catalog.files_with_unread_members():
            known = catalog.db.execute("SELECT sha256 FROM files WHERE path=?", (fp.path,)).fetchone()
            if known is not None and known[0] == fp.sha256:
                return document_id  # the same file, same content: its members are as they were
        source = catalog.complete_member_source(fp.sha256, fp.path)
        if source is None:
            return None
        with catalog.transaction():
            catalog.delete_members(fp.path)
            catalog.copy_members(source, fp.path)
        return document_id

    def _archive_limits(self) -> ArchiveLimits:
        settings = self.settings
        return ArchiveLimits(
            max_entries=settings.archive_max_entries,
            max_member_bytes=settings.max_file_mb * 1024 * 1024,
            max_total_bytes=settings.archive_max_total_mb * 1024 * 1024,
            max_ratio=settings.archive_max_ratio,
        )

    def _still_as_seen(
        self,
        group: list[tuple[int, Seen, FileFingerprint, bool]],
        moved: list[tuple[int, Seen, bool]],
        report: IndexReport,
    ) -> list[tuple[int, Seen, FileFingerprint, bool]]:
        """The files of ``group`` untouched since the walk; the others are set aside (changed) or recorded
        (gone), so that no fingerprint is ever stored beside text that came from other bytes."""
        kept = []
        for source_id, seen, fp, known in group:
            now = restat(seen.path)
            if now is None:
                message = "the file disappeared or was replaced while it was being indexed"
                self.case.catalog.record_error(source_id, fp, ErrorReason.UNREADABLE, message)
                report.errors += 1
            elif not now.same_state(seen):
                moved.append((source_id, now, known))
            else:
                kept.append((source_id, seen, fp, known))
        return kept

    def _refusal(self, fp: FileFingerprint) -> tuple[ErrorReason, str] | None:
        """Why a file is not sent to a parser at all, if it is not."""
        if fp.kind is FileKind.UNKNOWN:
            return ErrorReason.UNSUPPORTED, "not a document format the app reads"
        limit_mb = self.settings.max_file_mb
        if fp.size > limit_mb * 1024 * 1024:
            return ErrorReason.TOO_LARGE, f"{fp.size / 1e6:.0f} MB is over the {limit_mb} MB limit"
        return None

    def _flush(self, report: IndexReport) -> None:
        """Send pending documents to the full-text index, drop orphans, commit both stores; then point the
        files at their new documents.

        A backlog (after a rebuild, or many documents whose paths changed) goes in commits of
        ``FLUSH_DOCUMENTS``, each one durable: a kill loses at most the commit in flight."""
        catalog, lexical = self.case.catalog, self.case.lexical
        moves, self._moves = self._moves, {}
        targets = {document_id for _, _, document_id in moves.values()}
        orphans = [(i, sha) for i, sha in catalog.orphan_documents() if i not in targets]
        pending = catalog.pending_documents()
        if not orphans and not pending and not moves:
            return
        for _, sha256 in orphans:
            lexical.delete_document(sha256)
        orphan_ids = {i for i, _ in orphans}
        if self.vectors is not None and orphan_ids:
            self.vectors.remove(c for i in orphan_ids for c in catalog.chunk_ids_of(i))
            self.vectors.save(catalog.generation())
        leaving = {i for i in (catalog.document_of_path(p) for p in moves) if i is not None} - targets
        keeping = {i for i in leaving if set(catalog.paths_of(i)) - moves.keys()}  # a path left, others stay
        pending = sorted((set(pending) | keeping) - orphan_ids)
        step = max(self.settings.batch_files, FLUSH_DOCUMENTS)
        for start in range(0, max(len(pending), 1), step):
            with self.profile.step("index"):
                indexed = self._send(pending[start : start + step], moves)
            with self.profile.step("commit"):
                lexical.commit()
            with self.profile.step("catalog"), catalog.transaction():
                for source_id, fp, document_id in moves.values():
                    catalog.upsert_file(source_id, fp, document_id)
                moves = {}
                for document_id in orphan_ids:
                    catalog.delete_document(document_id)
                orphan_ids = set()
                catalog.mark_indexed(indexed)
                report.generation = catalog.bump_generation()
            with self.profile.step("words"), catalog.transaction():
                analysis.count_words(catalog, indexed)  # the case's spelling, for the readings (phase 1d)
            if len(pending) > step:
                self._emit("lexical", min(start + step, len(pending)), len(pending), "", report)
        if leaving - keeping:  # documents replaced by the new contents of their files: out of the index now
            self._flush(report)

    def _send(self, document_ids: list[int], moves: dict[str, tuple[int, FileFingerprint, int]]) -> list[int]:
        """Replace each document's chunks in the full-text index (not committed), under its paths once
        ``moves`` are applied; the ids that were sent."""
        catalog, lexical = self.case.catalog, self.case.lexical
        arriving: dict[int, set[str]] = {}
        for path, (_, _, target) in moves.items():
            arriving.setdefault(target, set()).add(path)
        indexed: list[int] = []
        readings = analysis.readings(catalog, document_ids)  # badly recognised documents, read as the case spells
        for document_id in document_ids:
            document = catalog.document(document_id)
            if document is None:
                continue
            paths = sorted((set(document.paths) - moves.keys()) | arriving.get(document_id, set()))
            lexical.delete_document(document.sha256)
            terms = self._terms.pop(document_id, {})
            fixes = readings.get(document_id, {})
            lexical.add_chunks(
                ChunkRecord(
                    chunk_id=chunk.id,
                    document_id=document.id,
                    doc_key=document.sha256,
                    text=chunk.text,
                    title=document.title,
                    paths=paths,
                    kind=document.kind.value,
                    date=document.date,
                    terms=terms.get(chunk.ordinal),
                    reading=read_with(chunk.text, fixes) if fixes else None,
                )
                for chunk in catalog.chunks_of(document_id)
            )
            indexed.append(document_id)
        return indexed

    def _ocr(self, report: IndexReport) -> None:
        """Phase 1b: recognise the pages awaiting OCR (indexing/ocr_phase.py), after the native text."""

        def count_errors(files: int) -> None:
            report.errors += files

        phase = OcrPhase(
            self.case,
            checkpoint=self.control.checkpoint,
            flush=lambda: self._flush(report),
            emit=lambda done, total, current, eta: self._emit("ocr", done, total, current, report, eta),
            on_errors=count_errors,
            limits=self._archive_limits(),
        )
        report.ocr, cancelled = phase.run()
        report.cancelled = report.cancelled or cancelled

    def _readings(self, report: IndexReport) -> None:
        """Phase 1d: the words of the new documents counted, and readings of badly recognised documents
        (indexing/readings.py), sent to the full-text index again."""
        phase = ReadingPhase(
            self.case,
            checkpoint=self.control.checkpoint,
            flush=lambda: self._flush(report),
            emit=lambda done, total: self._emit("readings", done, total, "", report),
        )
        with self.profile.step("readings"):
            report.readings, cancelled = phase.run()
        report.cancelled = report.cancelled or cancelled

    def _names(self, report: IndexReport) -> None:
        """Phase 1c: the person and place names of the documents not yet read (indexing/names.py)."""
        phase = NamesPhase(
            self.case,
            checkpoint=self.control.checkpoint,
            emit=lambda done, total: self._emit("names", done, total, "", report),
        )
        with self.profile.step("names"):
            report.names, cancelled = phase.run()
        report.cancelled = report.cancelled or cancelled

    def _embed(self, report: IndexReport) -> None:
        """Phase 2: embed the chunks that have no vector yet (indexing/semantic.py), saving every few seconds."""
        assert self.embedder is not None and self.vectors is not None and self.semantic_eta is not None
        catalog, store = self.case.catalog, self.vectors
        live = catalog.chunk_ids()
        stale = store.keys() - live
        # chunks of documents whose reading changed since these vectors were saved: embedded again as now read
        stale |= store.keys() & {
            c for i in analysis.read_since(catalog, store.generation) for c in catalog.chunk_ids_of(i)
        }
        if stale:
            store.remove(stale)
            store.save(catalog.generation())
        with catalog.transaction():
            catalog.sync_embedded(store.keys())  # a kill between the two commits is repaired here
        embedder: Embedder = self.embedder
        pool: EmbeddingPool | None = None
        counts = catalog.counts()
        if (
            self.embed_layout.lanes > 1
            and isinstance(self.embedder, GgufEmbedder)
            and counts["chunks"] > counts["embedded"]  # workers are started only for chunks to embed
        ):
            # which of one model with every core and the lanes is faster is measured on the first batches
            busy, cores = SearchRunning(self.case.directory), self.settings.cores()
            embedder = pool = EmbeddingPool(self.embedder, self.embed_layout, busy, single_threads=cores)
        elif isinstance(self.embedder, ThreadedEmbedder):
            self.embedder.set_threads(self.settings.cores())
        started = time.monotonic()
        passages = PassageVectors(embedder, catalog, self.settings)  # what the model reads for each chunk

        def on_batch(done: int, total: int, seconds_left: float | None) -> None:
            report.embedded = fill.embedded
            self._emit("semantic", done, total, "", report, eta_text=0.0, eta_semantic=seconds_left)

        fill = SemanticFill(
            self.case, embedder, store, self.semantic_eta, self.control.checkpoint, on_batch, passages.vectors
        )
        try:
            fill.run(self._save_vectors, self.settings.embed_save_s, self.settings.embed_batch)
        finally:
            passages.close()
            if pool is not None:
                pool.close()
                self.profile.memory("embed_workers", pool.workers_peak_rss_mb or None)
                report.embed_workers_lost = pool.workers_lost
                report.embed_lanes = sum(1 for n in pool.embedded_by if n > 0)
                if pool.probe is not None:
                    report.embed_layout = pool.probe.kept
                    report.embed_rates = (pool.probe.rate("single"), pool.probe.rate("lanes"))
        report.embedded = fill.embedded
        report.cancelled = report.cancelled or fill.cancelled
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

    def _emit(
        self,
        phase: str,
        done: int,
        total: int,
        current: str,
        report: IndexReport,
        eta_s: float | None = None,
        eta_text: float | None = None,
        eta_semantic: float | None = None,
    ) -> None:
        if phase in ("scan", "text", "lexical"):
            eta_text, eta_semantic = self._etas()
        elif phase == "ocr":  # the scanned pages are searchable by their words when the OCR phase ends
            eta_text = eta_s
        self.on_progress(
            Progress(
                phase=phase,
                done=done,
                total=total,
                current=current,
                errors=report.errors,
                text_bytes=report.text_bytes,
                elapsed_s=time.monotonic() - self._started,
                eta_s=eta_s,
                eta_text_s=rounded(eta_text),
                eta_semantic_s=rounded(eta_semantic),
            )
        )

    def _etas(self) -> tuple[float | None, float | None]:
        """Seconds until the text phase ends, and until the semantic phase ends (from the text to come)."""
        text = self.text_eta.seconds_left()
        if self.semantic_eta is None or text is None:
            return text, None
        embedding = self.semantic_eta.seconds_for(self._chars_to_embed + self.text_eta.chars_to_come())
        return text, None if embedding is None else text + embedding

    def _calibrate(self) -> None:
        """Before the first semantic phase of a case: embed one passage, so that its ETA is known from the start.
        The passage is embedded with the threads the semantic phase will use (the indexing cores), not those the
        model was loaded with for searches: on two cores, a rate measured with two threads announced half the
        time the phase then took with one."""
        if self.embedder is None or self.semantic_eta is None or self.semantic_eta.seconds_per_char is not None:
            return
        if isinstance(self.embedder, ThreadedEmbedder):
            self.embedder.set_threads(self.settings.cores())
        self.embedder.embed_documents([CALIBRATION_TEXT[:200]], [""])  # the first call sets up the model's buffers
        started = time.monotonic()
        self.embedder.embed_documents([CALIBRATION_TEXT], [""])
        # several lanes too begin with one model with every core (embedding/pool.py measures both layouts)
        self.semantic_eta.measured(len(CALIBRATION_TEXT), time.monotonic() - started)

    def _embed_layout(self) -> Layout:
        """How the semantic phase shares the indexing cores (embedding/pool.py): several lanes for a GGUF model
        read chunk by chunk; one for late chunking (a document's chunks are pooled from one pass of one model)."""
        cores = self.settings.cores()
        if not isinstance(self.embedder, GgufEmbedder) or self.settings.late_chunking:
            return Layout(1, cores)
        try:
            model_mb = Path(self.embedder.identity.path).stat().st_size / 1e6
        except OSError:
            return Layout(1, cores)
        return layout(cores, self.settings.embed_workers, model_mb, self.settings.embed_workers_memory_mb)
