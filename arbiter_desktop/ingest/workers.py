"""Extraction of untrusted files in worker processes, each file with a time and a memory limit.

A file that crashes, hangs or exhausts its parser becomes an error record with a reason; the worker that
handled it is replaced and the other files go on. The workers are started with ``spawn`` so that they
inherit no thread or open index from the parent. Jobs and results travel over two one-way pipes (no socket is
ever opened, not even a local one).

Workers stay warm for the whole run and are handed small files several at a time: a batch of jobs goes down
the pipe in one message and the worker answers each file as soon as it is done, so it never waits for the
indexer between two files (a TXT file takes ~0.3 ms to extract: a round trip per file cost more than the file).
The limits stay per file: the indexer knows which file of a batch a worker is on (results come back in order),
times that file alone, and when a worker dies or overruns, reports that file alone and hands the rest of its
batch to a fresh worker.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import multiprocessing.connection
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arbiter_desktop.domain import ChunkSpan, ErrorReason, Extraction, ExtractionError, FileKind, RecognisedPage
from arbiter_desktop.ingest.containers import Member
from arbiter_desktop.ingest.profile import peak_rss_mb

if TYPE_CHECKING:
    from arbiter_desktop.chunking.derived import Derived

BATCH_FILES = 16  # most files in one batch
SMALL_FILE_BYTES = 1024 * 1024  # larger files go to a worker one at a time
BATCH_BYTES = 4 * 1024 * 1024  # most bytes of files in one batch
STARTUP_S = 60.0  # a worker not ready this long after it was spawned is stopped (its first file is not blamed)


# What a worker runs for each job: (path, kind, chunk tokens, overlap, *job.args) -> outcome. A module-level
# function, so that a spawned worker can import it.
Task = Callable[..., "Outcome"]


@dataclass(frozen=True, slots=True)
class Job:
    key: int  # caller's identifier
    path: str
    kind: FileKind
    args: tuple[Any, ...] = ()  # more arguments for the task, picklable (an OCR page job: the page and settings)
    size: int = 0  # bytes, when known: files up to SMALL_FILE_BYTES travel several to a batch
    task: Task | None = None  # what the worker runs for this file (None: the pool's task)
    timeout_s: float | None = None  # this file's time limit (None: the pool's)


@dataclass(frozen=True, slots=True)
class Extracted:
    extraction: Extraction
    chunks: tuple[ChunkSpan, ...]
    members: tuple[Member, ...] = ()  # a container's members, copied out (ingest/containers)
    stages: Mapping[str, float] = field(default_factory=dict)  # worker seconds per stage (ingest/profile.py)
    derived: Derived | None = None  # the text's analysis and the chunks' index terms (chunking/derived.py)


@dataclass(frozen=True, slots=True)
class Failed:
    reason: ErrorReason
    message: str


Outcome = Extracted | Failed | RecognisedPage


@dataclass(frozen=True, slots=True)
class _Ready:
    """A worker's first message: it has imported what it needs and waits for files."""


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platform without RLIMIT_AS
        pass


def run_one(path: str, kind: FileKind, chunk_tokens: int, overlap: int) -> Outcome:
    """Extract and chunk one file; every failure becomes a :class:`Failed`."""
    from arbiter_desktop.chunking.chunker import chunk_text
    from arbiter_desktop.chunking.derived import derive
    from arbiter_desktop.ingest.extractors import extract
    from arbiter_desktop.ingest.profile import collect, stage

    try:
        with collect() as stages:
            with stage("parse"):  # what the extractor does not mark as "read" or "scan"
                extraction = extract(Path(path), kind)
            with stage("chunk"):
                chunks = chunk_text(extraction.text, extraction.pages, chunk_tokens, overlap)
            with stage("analyse"):
                derived = derive(extraction.text, chunks)
        return Extracted(extraction, tuple(chunks), stages=stages, derived=derived)
    except ExtractionError as exc:
        return Failed(exc.reason, exc.message)
    except MemoryError:
        return Failed(ErrorReason.MEMORY, "the parser ran out of its memory limit")
    except (PermissionError, FileNotFoundError, IsADirectoryError) as exc:
        return Failed(ErrorReason.UNREADABLE, f"cannot read: {exc.strerror or exc}")
    except RecursionError:
        return Failed(ErrorReason.CORRUPT, "document structure too deeply nested")
    except Exception as exc:  # a parser bug on a malformed file: report it, keep going
        return Failed(ErrorReason.CORRUPT, f"cannot parse ({type(exc).__name__}: {exc})")


@dataclass(frozen=True, slots=True)
class _Setup:
    """What every worker of a pool runs with (sent to the worker process: picklable)."""

    memory_mb: int
    chunk_tokens: int
    overlap: int
    task: Task
    before_file: Callable[[], None] | None  # called before each file (e.g. hold still while a search runs)


def _worker_main(jobs: Any, results: Any, setup: _Setup) -> None:
    _limit_memory(setup.memory_mb)
    with contextlib.suppress(ImportError):  # what every file needs, imported before the first one arrives
        import arbiter_desktop.chunking.chunker
        import arbiter_desktop.chunking.derived
        import arbiter_desktop.ingest.extractors  # noqa: F401
    try:
        results.send(_Ready())
    except OSError:
        return
    while True:
        try:
            batch = jobs.recv()
        except (EOFError, OSError):  # the indexer went away (finished, killed): nothing left to do
            return
        if batch is None:
            return
        for path, kind, job_task, args in batch:
            if setup.before_file is not None:
                setup.before_file()
            outcome = (job_task or setup.task)(path, kind, setup.chunk_tokens, setup.overlap, *args)
            try:
                try:
                    results.send(outcome)
                except MemoryError:
                    results.send(Failed(ErrorReason.MEMORY, "the extracted text exceeded the memory limit"))
            except OSError:  # the indexer went away while this file was read
                return


class _Worker:
    def __init__(self, ctx: Any, setup: _Setup) -> None:
        job_reader, self.jobs = ctx.Pipe(duplex=False)
        self.conn, result_writer = ctx.Pipe(duplex=False)  # results: what the pool waits on
        self.process = ctx.Process(
            target=_worker_main,
            args=(job_reader, result_writer, setup),
            daemon=True,
        )
        self.spawned = time.monotonic()
        self.process.start()
        job_reader.close()
        result_writer.close()
        self.pending: deque[Job] = deque()  # sent, not answered yet, in the order the worker takes them
        self.started = self.spawned  # when the file at the head of ``pending`` began (as far as we know)
        self.ready = False
        self.dead = False  # its pipe ended: it died (the sentinel follows)

    def submit(self, batch: list[Job]) -> None:
        if not self.pending:
            self.started = time.monotonic()
        self.pending.extend(batch)
        self.jobs.send([(job.path, job.kind, job.task, job.args) for job in batch])

    def deadline(self, timeout_s: float) -> float:
        if not self.ready:
            return self.spawned + STARTUP_S
        limit = self.pending[0].timeout_s if self.pending and self.pending[0].timeout_s is not None else timeout_s
        return self.started + limit

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self._close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.jobs.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self._close()

    def _close(self) -> None:
        self.jobs.close()
        self.conn.close()


class ExtractionPool:
    """Runs jobs on up to ``workers`` processes; ``run`` yields (job, outcome) as they finish, in any order.

    Each worker runs ``task`` on its files (extraction and chunking), or a job's own ``task``, calling
    ``before_file`` (picklable: it runs in the worker) before each file. Jobs may also be added with
    :meth:`submit` while ``run`` is being iterated (members of a container found meanwhile)."""

    def __init__(
        self,
        workers: int,
        timeout_s: float,
        memory_mb: int,
        chunk_tokens: int = 400,
        overlap: int = 80,
        task: Task = run_one,
        batch_files: int = BATCH_FILES,
        before_file: Callable[[], None] | None = None,
    ) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._setup = _Setup(memory_mb, chunk_tokens, overlap, task, before_file)
        self._size = max(1, workers)
        self._timeout = timeout_s
        self._batch_files = max(1, batch_files)
        self._workers: list[_Worker] = []
        self._queue: deque[Job] = deque()
        self.ready_s: list[float] = []  # seconds each worker took from spawn to ready (its start-up)
        self.peak_rss_mb = 0.0  # the largest peak resident memory of a worker, measured when it stops

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def size(self) -> int:
        return self._size

    def start(self, count: int | None = None) -> None:
        """Spawn workers now (up to ``count``, by default all), so that they start while the caller prepares
        the jobs."""
        wanted = self._size if count is None else min(self._size, count)
        while len(self._workers) < wanted:
            self._workers.append(self._spawn())

    def submit(self, job: Job) -> None:
        """Add a job to the run in progress (or to the next ``run``)."""
        self._queue.append(job)

    def close(self) -> None:
        for worker in self._workers:
            self.peak_rss_mb = max(self.peak_rss_mb, peak_rss_mb(worker.process.pid or 0) or 0.0)
            if worker.pending:
                worker.kill()
            else:
                worker.stop()
        self._workers = []

    def _spawn(self) -> _Worker:
        return _Worker(self._ctx, self._setup)

    def run(self, jobs: Iterable[Job] = ()) -> Iterator[tuple[Job, Outcome]]:
        self._queue.extend(jobs)
        while True:
            self._dispatch()
            busy = [w for w in self._workers if w.pending]
            if not busy:
                return
            deadline = min(w.deadline(self._timeout) for w in busy)
            ready = multiprocessing.connection.wait(
                [w.conn for w in busy] + [w.process.sentinel for w in busy],
                timeout=max(0.0, deadline - time.monotonic()),
            )
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    yield from self._receive(worker)
                if (worker.dead or worker.process.sentinel in ready) and worker.pending:
                    yield from self._replace(worker, self._crashed(worker))
                elif worker.pending and time.monotonic() >= worker.deadline(self._timeout):
                    yield from self._replace(worker, self._overran(worker))

    def _dispatch(self) -> None:
        """Spawn the workers the queue needs and keep each one's next batch already in its pipe."""
        while self._queue and len(self._workers) < min(self._size, len(self._queue)):
            self._workers.append(self._spawn())
        for worker in self._workers:
            if self._queue and len(worker.pending) < max(1, self._batch_limit() // 2):
                worker.submit(self._batch())

    def _batch_limit(self) -> int:
        """Files per batch: fewer when the queue runs low, so that the last files spread over every worker."""
        share = math.ceil(len(self._queue) / (2 * max(1, len(self._workers))))
        return max(1, min(self._batch_files, share))

    def _batch(self) -> list[Job]:
        limit = self._batch_limit()
        batch = [self._queue.popleft()]
        total = batch[0].size
        while (
            self._queue
            and len(batch) < limit
            and total <= SMALL_FILE_BYTES
            and self._queue[0].size <= SMALL_FILE_BYTES
            and total + self._queue[0].size <= BATCH_BYTES
        ):
            job = self._queue.popleft()
            batch.append(job)
            total += job.size
        return batch

    def _receive(self, worker: _Worker) -> Iterator[tuple[Job, Outcome]]:
        """Every message the worker has sent; a pipe that ends is a dead worker (see the sentinel)."""
        while True:
            try:
                if not worker.conn.poll():
                    return
                message = worker.conn.recv()
            except (EOFError, OSError):
                worker.dead = True
                return
            now = time.monotonic()
            if isinstance(message, _Ready):
                self.ready_s.append(now - worker.spawned)
                worker.ready, worker.started = True, now
                continue
            job = worker.pending.popleft()
            worker.started = now
            yield job, message

    def _replace(self, worker: _Worker, outcome: Failed) -> Iterator[tuple[Job, Outcome]]:
        """The worker's current file ends with ``outcome``; the worker is replaced and the files it had not
        started go back to the front of the queue."""
        job = worker.pending.popleft()
        self._queue.extendleft(reversed(worker.pending))
        worker.pending.clear()
        worker.kill()
        self._workers.remove(worker)
        yield job, outcome

    def _overran(self, worker: _Worker) -> Failed:
        if not worker.ready:
            return Failed(ErrorReason.TIMEOUT, f"the extraction worker did not start within {STARTUP_S:.0f} s")
        job = worker.pending[0]
        limit = job.timeout_s if job.timeout_s is not None else self._timeout
        return Failed(ErrorReason.TIMEOUT, f"extraction stopped after {limit:.0f} s (time limit)")

    @staticmethod
    def _crashed(worker: _Worker) -> Failed:
        worker.process.join(1)
        code = worker.process.exitcode
        if code is not None and code < 0:
            return Failed(ErrorReason.CORRUPT, f"the parser crashed (signal {-code})")
        return Failed(ErrorReason.MEMORY, "the parser process died (memory limit or crash)")
