"""The semantic phase's embedding lanes: the indexer's own model and, beside it, worker processes of their own.

One llama.cpp forward pass of a ~300-token passage does not keep many threads busy: on 2 cores, two models of one
thread each embedded 1.18-1.34x the passages per second of one model with both threads (EmbeddingGemma BF16;
1.03-1.20x with multilingual-e5-small; ``python -m bench.embedding_layouts``). Two models in one process were
slower than one (0.75-0.82x): the speed-up needs processes. So the indexing cores are shared between *lanes*:
the model the indexer already holds (lane 0, on its model thread) and ``lanes - 1`` worker processes, each
loading the same model file with its share of the threads (:func:`layout` decides how many, within a memory
budget: each worker holds a model of its own).

A batch's passages are handed out one at a time to whichever lane is free, and the vectors come back in the
batch's order. Every lane reads exactly what the indexer's model would read (the prompts are written here, by
lane 0's model) and computes it the same way (one sequence per decode; llama.cpp gives each row of a product to
one thread, so the thread count does not change the result), so the vectors do not depend on which lane embedded
a passage (tests/embedding/test_pool.py checks them against lane 0's).

A worker holds still while a search runs in the case, within one operation of its graph, as lane 0 does
(``GgufEmbedder.hold_while`` on the ``busy`` callable it is given: the case's search flag). A worker that fails to
start, dies or answers with an error is stopped and logged, its passage goes back to the others, and lane 0
carries on: a worker only ever adds speed. A worker whose parent dies sees its pipe close and ends.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path

import numpy as np

from arbiter_desktop.embedding.base import Vectors
from arbiter_desktop.embedding.gguf import GgufEmbedder

log = logging.getLogger(__name__)

WORKER_OVERHEAD_MB = 200  # a worker's memory beyond its model file (115-228 MB under `arbiter index`)
READY_TIMEOUT_S = 120.0  # a worker not ready this long after it was started is stopped
STOP_TIMEOUT_S = 5.0
WAKE_S = 0.1  # how often an idle worker lane looks whether the workers are stopped
# The layouts' measure (EmbeddingPool with single_threads): lane 0 alone for WARM_S seconds of batches before any
# worker starts (a shorter phase never starts one); once the workers are ready, each of PAIRS batches is embedded
# twice, by every lane and by one model with every core, in turn first (the same passages and nearly the same
# moment for both: measured one after the other on different passages, the two layouts' rates moved by 13 % from
# one run to the next with EmbeddingGemma); the lanes are kept if one model took KEEP_MARGIN times their time. The
# second pass of each batch is the measure's cost (EmbeddingGemma, 2 cores: about 5 s once a run).
WARM_S = 4.0
PAIRS = 2
KEEP_MARGIN = 1.03


@dataclass(frozen=True, slots=True)
class Layout:
    """How the semantic phase shares the indexing cores: ``lanes`` models of ``threads`` threads each, the first
    ``spare`` lanes one more (the cores that do not divide evenly)."""

    lanes: int
    threads: int
    spare: int = 0

    def threads_of(self, lane: int) -> int:
        return self.threads + (1 if lane < self.spare else 0)

    @property
    def lane0_threads(self) -> int:
        return self.threads_of(0)

    @property
    def cores(self) -> int:
        return self.lanes * self.threads + self.spare


def layout(cores: int, workers: int, model_mb: float, memory_mb: int) -> Layout:
    """The lanes for ``cores`` indexing cores. ``workers`` is the setting (0: automatic: one lane per core, as many
    as ``memory_mb`` holds for models of ``model_mb`` each beyond lane 0's, which is already loaded; 1: one model
    with every core); never more lanes than cores."""
    cores = max(1, cores)
    if workers > 0:
        lanes = min(workers, cores)
    else:
        per_worker = max(1.0, model_mb + WORKER_OVERHEAD_MB)
        lanes = min(cores, 1 + int(max(0, memory_mb) // per_worker))
    lanes = max(1, lanes)
    threads, spare = divmod(cores, lanes)
    return Layout(lanes, threads, spare)


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker process needs (picklable): the model file, its context and threads, and what says that a
    search runs (None: it never holds)."""

    path: str
    n_ctx: int
    threads: int
    busy: Callable[[], bool] | None
    sha256: str  # the file lane 0 loaded: a worker that finds another refuses to start


def _peak_rss_mb() -> float | None:  # pragma: no cover - runs in the child process
    """This process's peak resident memory in MB (Linux and macOS report it; None elsewhere)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def _worker_main(spec: WorkerSpec, conn: Connection) -> None:  # pragma: no cover - runs in the child process
    """A worker: load the model, say so, then embed each list of prompts it receives until told to stop."""
    try:
        embedder = GgufEmbedder(Path(spec.path), threads=spec.threads, n_ctx=spec.n_ctx)
        if embedder.identity.sha256 != spec.sha256:
            raise RuntimeError(f"{spec.path} changed on disk since the indexer loaded it")
        if spec.busy is not None:
            embedder.hold_while(spec.busy)
        conn.send(("ready", None))
    except BaseException as exc:
        with contextlib.suppress(OSError):
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    try:
        while True:
            try:
                prompts = conn.recv()
            except EOFError:  # the indexer is gone
                break
            if prompts is None:
                with contextlib.suppress(OSError):
                    conn.send(("done", _peak_rss_mb()))
                break
            try:
                answer: tuple[str, object] = ("vectors", embedder.embed_prompts(prompts))
            except Exception as exc:
                answer = ("error", f"{type(exc).__name__}: {exc}")
            try:
                conn.send(answer)
            except OSError:  # the indexer is gone
                break
    finally:
        embedder.close()


class _Batch:
    """The passages of one call, and their vectors as lanes deliver them."""

    def __init__(self, prompts: Sequence[str], dim: int) -> None:
        self.prompts = list(prompts)
        self.vectors = np.zeros((len(prompts), dim), dtype=np.float32)
        self.left = len(prompts)
        self.error: BaseException | None = None
        self.done = threading.Event()
        if not prompts:
            self.done.set()


@dataclass
class Probe:
    """The two layouts measured on the same batches at the start of a phase, and the one kept."""

    warm_s: float = 0.0  # lane 0 alone before the workers start
    pairs: list[tuple[int, float, float]] = field(default_factory=list)  # (characters, one model's s, the lanes' s)
    kept: str = ""  # "lanes" or "one model"; "" while measuring

    def rate(self, which: str) -> float | None:
        """Characters per second of "single" (one model) or "lanes" on the batches measured both ways."""
        chars = sum(c for c, _, _ in self.pairs)
        seconds = sum(single if which == "single" else lanes for _, single, lanes in self.pairs)
        return chars / seconds if seconds > 0 else None


class EmbeddingPool:
    """An embedder for the semantic phase whose batches are shared between lane 0 (``model``, the indexer's) and
    worker processes (:class:`Layout`). Queries go to lane 0. ``close`` stops the workers, not lane 0's model.

    Given ``single_threads``, the pool measures which layout is faster here, on the phase's own batches: WARM_S
    seconds of lane 0 alone with ``single_threads`` (a phase shorter than that never starts a worker), then, once
    the workers have loaded their model, PAIRS batches embedded both ways, every lane and one model with
    ``single_threads``; it keeps the lanes only if one model took at least KEEP_MARGIN times their time (each worker
    holds a model: memory is spent only for speed). Without ``single_threads``, the lanes start at once."""

    def __init__(
        self,
        model: GgufEmbedder,
        plan: Layout,
        busy: Callable[[], bool] | None = None,
        single_threads: int | None = None,
    ) -> None:
        """``busy`` (picklable, called in the workers): whether a search runs, so that the workers hold still."""
        self.model = model
        self.identity = model.identity
        self.plan = plan
        self.workers_lost = 0
        self.workers_peak_rss_mb = 0.0  # the sum of the workers' peaks, as they report them when stopped
        self.embedded_by = [0] * plan.lanes  # passages each lane embedded
        self.probe: Probe | None = Probe() if single_threads is not None and plan.lanes > 1 else None
        self._single_threads = single_threads or plan.cores  # lane 0 alone: every core
        self._busy = busy
        self._lock = threading.Lock()
        self._work: queue.Queue[tuple[_Batch, int] | None] = queue.Queue()  # None: lane 0 stops
        self._closed = False
        self._stop_workers = threading.Event()
        self._lanes_on = threading.Event()  # the workers take passages (not while one model is measured alone)
        self._lanes_on.set()
        self._workers: list[tuple[SpawnProcess, Connection]] = []
        self._started: list[threading.Event] = []  # set once a worker is ready or lost
        self._worker_threads: list[threading.Thread] = []
        self._threads_before = model.threads
        self._lane0_thread = threading.Thread(target=self._lane0, name="embed-lane-0", daemon=True)
        self._lane0_thread.start()
        if self.probe is None:
            model.set_threads(plan.lane0_threads)
            self._start_workers()
        else:
            model.set_threads(self._single_threads)

    # --- the Embedder protocol --------------------------------------------------------------------------------
    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        prompts = [self.model.prompt_document(t, title) for t, title in zip(texts, titles, strict=True)]
        stage = self._stage()
        if stage == "pair":
            return self._paired(prompts)
        started = time.monotonic()
        vectors = self._run(prompts)
        if stage == "warm":
            self._warmed(time.monotonic() - started)
        return vectors

    def _run(self, prompts: list[str]) -> Vectors:
        batch = _Batch(prompts, self.identity.dim)
        # the longest first: the batch ends with short passages, and no lane waits long for another's last one
        for index in sorted(range(len(prompts)), key=lambda i: -len(prompts[i])):
            self._work.put((batch, index))
        batch.done.wait()
        if batch.error is not None:
            raise batch.error
        return batch.vectors

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.model.embed_queries(texts)

    def wait_started(self, timeout: float = READY_TIMEOUT_S) -> int:
        """Wait until every worker started is ready or lost; the lanes working then."""
        deadline = time.monotonic() + timeout
        for event in self._started:
            event.wait(max(0.0, deadline - time.monotonic()))
        return self.lanes

    @property
    def lanes(self) -> int:
        """Lanes working now: 1 while lane 0 works alone (before the workers, while one model is measured, once
        it is kept), else lane 0 and the workers not lost."""
        if not self._workers or self._stop_workers.is_set() or not self._lanes_on.is_set():
            return 1
        return 1 + len(self._workers) - self.workers_lost

    def close(self) -> None:
        """Stop the workers (their peak memory is read then); lane 0's model stays loaded for its owner, with the
        threads it had."""
        if self._closed:
            return
        self._closed = True
        self._stop()
        self._work.put(None)
        self._lane0_thread.join()
        self.model.set_threads(self._threads_before)

    # --- the layout -----------------------------------------------------------------------------------------
    def _start_workers(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        model = self.model
        for number in range(self.plan.lanes - 1):
            threads = self.plan.threads_of(number + 1)
            spec = WorkerSpec(model.identity.path, model.n_ctx, threads, self._busy, model.identity.sha256)
            parent, child = ctx.Pipe()
            process = ctx.Process(target=_worker_main, args=(spec, child), name="arbiter-embed", daemon=True)
            started = threading.Event()
            self._workers.append((process, parent))
            self._started.append(started)
            try:
                process.start()
            except OSError as exc:  # no process to be had (limits, memory): the lanes started carry on
                log.warning("embedding worker not started (%s): the other lanes carry on", exc)
                self.workers_lost += 1
                started.set()
                self._alone_if_all_lost()
                continue
            finally:
                child.close()
            thread = threading.Thread(target=self._worker_lane, args=(number,), name=f"embed-lane-{number + 1}")
            thread.daemon = True
            self._worker_threads.append(thread)
            thread.start()

    def _stop(self) -> None:
        """Stop the workers (between two batches: none has a passage in hand)."""
        self._stop_workers.set()
        for thread in self._worker_threads:
            thread.join()
        for process, conn in self._workers:
            if process.pid is not None:
                process.join(STOP_TIMEOUT_S)
                if process.is_alive():
                    process.kill()
                    process.join()
            conn.close()

    def _stage(self) -> str:
        """Where the measure of the layouts is: "warm" (lane 0 alone before the workers), "pair" (the next batch is
        embedded both ways), "" (not measuring: no measure, the workers loading, or the layout kept)."""
        probe = self.probe
        if probe is None or probe.kept:
            return ""
        if not self._workers:
            return "warm"
        if not all(event.is_set() for event in self._started) or self.workers_lost >= len(self._workers):
            return ""
        return "pair"

    def _warmed(self, seconds: float) -> None:
        probe = self.probe
        assert probe is not None
        probe.warm_s += seconds
        if probe.warm_s >= WARM_S:
            self._lanes_on.clear()  # lane 0 alone, with every core, while the workers load their model
            self._start_workers()

    def _set_layout(self, which: str) -> None:
        if which == "lanes":
            self.model.set_threads(self.plan.lane0_threads)
            self._lanes_on.set()
        else:
            self._lanes_on.clear()
            self.model.set_threads(self._single_threads)

    def _paired(self, prompts: list[str]) -> Vectors:
        """The batch embedded by every lane and by one model, in turn first; the first pass's vectors."""
        probe = self.probe
        assert probe is not None
        order = ("lanes", "single") if len(probe.pairs) % 2 == 0 else ("single", "lanes")
        seconds: dict[str, float] = {}
        vectors: Vectors | None = None
        for which in order:
            self._set_layout(which)
            started = time.monotonic()
            result = self._run(prompts)
            seconds[which] = time.monotonic() - started
            vectors = result if vectors is None else vectors
        assert vectors is not None
        if probe.kept:  # every worker was lost meanwhile: lane 0 already has every core and one model is kept
            return vectors
        probe.pairs.append((sum(len(p) for p in prompts), seconds["single"], seconds["lanes"]))
        if len(probe.pairs) < PAIRS:
            self._set_layout("lanes")
            return vectors
        single, lanes = probe.rate("single"), probe.rate("lanes")
        if single is not None and lanes is not None and lanes < KEEP_MARGIN * single:
            probe.kept = "one model"
            self._stop()
            self.model.set_threads(self._single_threads)
        else:
            probe.kept = "lanes"
            self._set_layout("lanes")
        log.info(
            "embedding: %s kept (%.0f characters/s with one model of %d threads, %.0f with %d lanes)",
            probe.kept,
            single or 0.0,
            self._single_threads,
            lanes or 0.0,
            self.plan.lanes,
        )
        return vectors

    # --- lanes --------------------------------------------------------------------------------------------
    def _deliver(
        self, lane: int, batch: _Batch, index: int, vector: Vectors | None, error: BaseException | None
    ) -> None:
        with self._lock:
            if error is not None:
                batch.error = batch.error or error
            elif vector is not None:
                batch.vectors[index] = vector
                self.embedded_by[lane] += 1
            batch.left -= 1
            if batch.left == 0:
                batch.done.set()

    def _lane0(self) -> None:
        while (item := self._work.get()) is not None:
            batch, index = item
            try:
                self._deliver(0, batch, index, self.model.embed_prompts([batch.prompts[index]])[0], None)
            except BaseException as exc:  # lane 0 is the indexer's model: its failure is the batch's
                self._deliver(0, batch, index, None, exc)

    def _worker_lane(self, number: int) -> None:
        process, conn = self._workers[number]
        ready = self._ready(process, conn)
        if not ready:
            if self._stop_workers.is_set():  # the phase ended while the worker loaded its model: nothing lost
                process.kill()
            else:
                self._lose(number, "did not start")
        self._started[number].set()
        if not ready:
            return
        while not self._stop_workers.is_set():
            if not self._lanes_on.wait(WAKE_S):
                continue
            try:
                item = self._work.get(timeout=WAKE_S)
            except queue.Empty:
                continue
            if item is None:  # lane 0's stop: left for it
                self._work.put(None)
                continue
            if not self._lanes_on.is_set():  # one model is being measured alone: left for lane 0
                self._work.put(item)
                continue
            batch, index = item
            try:
                conn.send([batch.prompts[index]])
                kind, payload = conn.recv()
            except (OSError, EOFError) as exc:
                kind, payload = "error", f"{type(exc).__name__}: {exc}"
            if kind == "vectors":
                vectors = np.asarray(payload, dtype=np.float32)
                if vectors.shape == (1, self.identity.dim):
                    self._deliver(number + 1, batch, index, vectors[0], None)
                    continue
                payload = f"vectors of shape {vectors.shape}"
            self._work.put((batch, index))  # another lane embeds it
            self._lose(number, str(payload))
            return
        try:
            conn.send(None)
            kind, payload = conn.recv() if conn.poll(STOP_TIMEOUT_S) else ("", None)
            if kind == "done" and isinstance(payload, int | float):
                with self._lock:
                    self.workers_peak_rss_mb += float(payload)
        except (OSError, EOFError):
            pass

    def _ready(self, process: SpawnProcess, conn: Connection) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if conn.poll(0.2):
                    kind, payload = conn.recv()
                    if kind != "ready":
                        log.warning("embedding worker: %s", payload)
                    return bool(kind == "ready")
            except (OSError, EOFError):
                return False
            if not process.is_alive() or self._stop_workers.is_set():
                return False
        return False

    def _lose(self, number: int, why: str) -> None:
        process, _ = self._workers[number]
        log.warning("embedding worker %d stopped (%s): the other lanes carry on", number + 1, why)
        with self._lock:
            self.workers_lost += 1
        if process.is_alive():
            process.kill()
        self._alone_if_all_lost()

    def _alone_if_all_lost(self) -> None:
        """With every worker lost, lane 0 takes every core again."""
        with self._lock:
            alone = self.workers_lost >= len(self._workers)
        if alone:
            self.model.set_threads(self._single_threads)
            if self.probe is not None and not self.probe.kept:
                self.probe.kept = "one model"
