"""Where the time of an indexing run goes: the indexer's own steps and its workers' stages per kind of file.

The benchmark prints it (``arbiter index --profile OUT.json``): start-up of the workers, walking and hashing,
waiting for the workers, the catalog, the full-text index and its commits in the indexer; reading, safety
scan, parsing and chunking in the workers, per kind. A step costs two clock reads; nothing is sampled.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager


class TextProfile:
    def __init__(self) -> None:
        self._steps: dict[str, float] = defaultdict(float)
        self._cpu: dict[str, float] = defaultdict(float)
        self._stages: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._files: dict[str, int] = defaultdict(int)
        self._ready: list[float] = []
        self._memory: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the block as the indexer's step ``name`` (steps do not nest): wall and CPU seconds."""
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - wall, time.thread_time() - cpu)

    def add(self, name: str, seconds: float, cpu_seconds: float | None = None) -> None:
        self._steps[name] += seconds
        if cpu_seconds is not None:
            self._cpu[name] += cpu_seconds

    def worker_file(self, kind: str, stages: Mapping[str, float]) -> None:
        """One file extracted by a worker: the seconds of its stages."""
        self._files[kind] += 1
        for stage, seconds in stages.items():
            self._stages[kind][stage] += seconds

    def workers_ready(self, seconds: Sequence[float]) -> None:
        """Start-up of the workers: seconds from spawn to ready to take files."""
        self._ready.extend(seconds)

    def memory(self, name: str, megabytes: float | None) -> None:
        """A peak resident memory in MB (``rss.NAME``), where the system reports it."""
        if megabytes is not None:
            self._memory[name] = max(self._memory.get(name, 0.0), round(megabytes, 1))

    def steps(self, run_seconds: float) -> dict[str, float]:
        """Flat figures: ``indexer.STEP`` (wall seconds), ``indexer_cpu.STEP`` (CPU seconds of the indexer's
        thread), ``worker.KIND.STAGE`` (CPU seconds), ``files.KIND``, ``workers.started``, ``workers.ready_s``
        (the slowest start-up), ``rss.NAME`` (peak resident MB: ``indexer_text``, ``workers``,
        ``indexer_semantic``), ``run_s``."""
        flat = {f"indexer.{name}": round(value, 4) for name, value in self._steps.items()}
        flat.update({f"indexer_cpu.{name}": round(value, 4) for name, value in self._cpu.items()})
        for kind, stages in self._stages.items():
            flat.update({f"worker.{kind}.{stage}": round(value, 4) for stage, value in stages.items()})
        flat.update({f"files.{kind}": float(count) for kind, count in self._files.items()})
        flat["workers.started"] = float(len(self._ready))
        flat["workers.ready_s"] = round(max(self._ready, default=0.0), 4)
        flat.update({f"rss.{name}": value for name, value in self._memory.items()})
        flat["run_s"] = round(run_seconds, 4)
        return flat
