"""Extraction of untrusted files in worker processes, each with a time and a memory limit.

A file that crashes, hangs or exhausts its parser becomes an error record with a reason; the worker that
handled it is replaced and the other files go on. The workers are started with ``spawn`` so that they
inherit no thread or open index from the parent. Jobs and results travel over two one-way pipes (no socket is
ever opened, not even a local one).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arbiter_desktop.domain import ChunkSpan, ErrorReason, Extraction, ExtractionError, FileKind
from arbiter_desktop.ingest.containers import Member


@dataclass(frozen=True, slots=True)
class Job:
    key: int  # caller's identifier
    path: str
    kind: FileKind


@dataclass(frozen=True, slots=True)
class Extracted:
    extraction: Extraction
    chunks: tuple[ChunkSpan, ...]
    members: tuple[Member, ...] = ()  # a container's members, copied out (ingest/containers)


@dataclass(frozen=True, slots=True)
class Failed:
    reason: ErrorReason
    message: str


Outcome = Extracted | Failed
# What a worker runs for each file: (path, kind, chunk tokens, overlap) -> outcome. A module-level function, so
# that a spawned worker can import it.
Task = Callable[[str, FileKind, int, int], Outcome]


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
    from arbiter_desktop.ingest.extractors import extract

    try:
        extraction = extract(Path(path), kind)
        chunks = chunk_text(extraction.text, extraction.pages, chunk_tokens, overlap)
        return Extracted(extraction, tuple(chunks))
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


def _worker_main(jobs: Any, results: Any, memory_mb: int, chunk_tokens: int, overlap: int, task: Task) -> None:
    _limit_memory(memory_mb)
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):  # the indexer went away (finished, killed): nothing left to do
            return
        if job is None:
            return
        path, kind = job
        outcome = task(path, kind, chunk_tokens, overlap)
        try:
            try:
                results.send(outcome)
            except MemoryError:
                results.send(Failed(ErrorReason.MEMORY, "the extracted text exceeded the memory limit"))
        except OSError:  # the indexer went away while this file was read
            return


class _Worker:
    def __init__(self, ctx: Any, memory_mb: int, chunk_tokens: int, overlap: int, task: Task) -> None:
        job_reader, self.jobs = ctx.Pipe(duplex=False)
        self.conn, result_writer = ctx.Pipe(duplex=False)  # results: what the pool waits on
        self.process = ctx.Process(
            target=_worker_main,
            args=(job_reader, result_writer, memory_mb, chunk_tokens, overlap, task),
            daemon=True,
        )
        self.process.start()
        job_reader.close()
        result_writer.close()
        self.job: Job | None = None
        self.started = 0.0

    def submit(self, job: Job) -> None:
        self.job = job
        self.started = time.monotonic()
        self.jobs.send((job.path, job.kind))

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
    """Runs jobs on ``workers`` processes; ``run`` yields (job, outcome) as they finish, in any order.

    Each worker runs ``task`` on its files: extraction and chunking unless told otherwise."""

    def __init__(
        self,
        workers: int,
        timeout_s: float,
        memory_mb: int,
        chunk_tokens: int = 400,
        overlap: int = 80,
        task: Task = run_one,
    ) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._args = (memory_mb, chunk_tokens, overlap, task)
        self._size = max(1, workers)
        self._timeout = timeout_s
        self._workers: list[_Worker] = []

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            if worker.job is None:
                worker.stop()
            else:
                worker.kill()
        self._workers = []

    def _spawn(self) -> _Worker:
        return _Worker(self._ctx, *self._args)

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]:
        queue = deque(jobs)
        while len(self._workers) < min(self._size, len(queue)):
            self._workers.append(self._spawn())
        for worker in self._workers:
            if queue and worker.job is None:
                worker.submit(queue.popleft())
        while any(w.job is not None for w in self._workers):
            busy = [w for w in self._workers if w.job is not None]
            deadline = min(w.started for w in busy) + self._timeout
            ready = multiprocessing.connection.wait(
                [w.conn for w in busy] + [w.process.sentinel for w in busy],
                timeout=max(0.0, deadline - time.monotonic()),
            )
            now = time.monotonic()
            for index, worker in enumerate(self._workers):
                job = worker.job
                if job is None:
                    continue
                outcome: Outcome | None = None
                replace = False
                if worker.conn in ready:
                    try:
                        outcome = worker.conn.recv()
                    except (EOFError, OSError):
                        outcome, replace = self._crashed(worker), True
                elif worker.process.sentinel in ready:
                    outcome, replace = self._crashed(worker), True
                elif now - worker.started >= self._timeout:
                    outcome = Failed(
                        ErrorReason.TIMEOUT, f"extraction stopped after {self._timeout:.0f} s (time limit)"
                    )
                    replace = True
                if outcome is None:
                    continue
                worker.job = None
                if replace:
                    worker.kill()
                    worker = self._workers[index] = self._spawn()
                if queue:
                    worker.submit(queue.popleft())
                yield job, outcome

    @staticmethod
    def _crashed(worker: _Worker) -> Failed:
        worker.process.join(1)
        code = worker.process.exitcode
        if code is not None and code < 0:
            return Failed(ErrorReason.CORRUPT, f"the parser crashed (signal {-code})")
        return Failed(ErrorReason.MEMORY, "the parser process died (memory limit or crash)")
