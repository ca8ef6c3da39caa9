"""Searching while a folder is indexed and embedded on the same cores: the window's search path, and what the
searches cost the indexing.

    .venv/bin/python -m bench.bench_search_load --case DIR --folder DIR [--model M] [--seconds 90]
        [--interval 0.5] [--strategies none,nice,pause,threads] [--json OUT]

The searched case (``--case``, e.g. a synthetic case of bench/synthetic.py) is copied, and ``--folder`` is indexed
into the copy by an indexer process — the app's own indexing (a case session's ``index``: extraction workers, full
text, then the embedding model; without the names phase, which runs between the two and would fill the run) —
while this process searches the copy as the window does: one case session, the model loaded once, hybrid queries
returning the hit list first (``marks=0``, the passages of the first screen of hits; the others found right
after, as the window's worker does, and timed apart), every ``--interval`` seconds, each timed. The indexer
commits as it goes, so the searches also pay for following its commits (reloads).

Each strategy is one run of ``--seconds`` (the indexer stopped at the end); the reference runs, in the same
invocation, are the searches alone (quiet) and the indexing alone. Figures: search p50/p95/max, quiet and per
strategy; the indexer's throughput (files extracted, then chunks embedded, per second of its run, from its
progress events) with and without searches, against the share of the time the searches themselves took.

Strategies, each against the same reference in the same run:

* ``hold`` (the app's): the searcher raises the case's search flag (stores/activity.py); the indexer holds while
  it is up — between files and batches, and inside the embedding model's computation (llama.cpp calls back
  between the operations of its graph; the callback waits, the model's other threads sleep at the barrier);
* ``off``: the reference: the flag never reaches the indexer, whose threads compete with the search for the cores;
* ``nice``: ``off``, and the indexing process at a lower priority (``nice`` 10): the scheduler gives a busy search
  most of the cores at once, but the indexer also yields to every other process of the machine;
* ``pause``: ``off``, and the indexer waits before embedding its next chunk while a search runs (a flag of this
  benchmark);
* ``threads``: ``off``, and the indexer embeds its next chunk with one thread instead of all while a search runs.

``pause`` and ``threads`` act between chunks only (an EmbeddingGemma chunk takes about a second on two cores).
Search latencies are also given by the indexer's phase at the time (text: extraction and full text; semantic).
"""

from __future__ import annotations

import argparse
import json
import mmap
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from arbiter_desktop.config.models import DEFAULT_EMBEDDER
from arbiter_desktop.stores.activity import SearchActivity
from bench.common import load_average, percentile, python_env, table
from bench.synthetic import iter_queries

STRATEGIES = ("off", "hold", "nice", "pause", "threads")
SHIPPED = ("off", "hold")  # what the suite runs: the reference and the app's way
FLAG_FILE = "searching.bench"  # in the case folder: float64 "a search runs until" (epoch s), for pause/threads
FLAG_HOLD_S = 5.0  # a search that died leaves a flag that expires after this
PAUSE_MAX_S = 2.0  # the longest the indexer waits for a search


class Flag:
    """A search-running flag shared through a memory-mapped file in the case folder."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            path.write_bytes(struct.pack("d", 0.0))
        with path.open("r+b") as handle:
            self._map = mmap.mmap(handle.fileno(), 8)

    def raise_(self) -> None:
        self._map[:8] = struct.pack("d", time.time() + FLAG_HOLD_S)

    def lower(self) -> None:
        self._map[:8] = struct.pack("d", 0.0)

    def active(self) -> bool:
        return bool(struct.unpack("d", self._map[:8])[0] > time.time())


# ----------------------------------------------------------------------------- the indexer process


class Yielding:
    """An embedder that yields to searches between chunks (``pause`` or ``threads``)."""

    def __init__(self, inner: Any, strategy: str, flag: Flag, threads: int) -> None:
        self.inner = inner
        self.identity = inner.identity
        self.strategy = strategy
        self.flag = flag
        self.threads = threads
        self._current = threads

    def _set_threads(self, n: int) -> None:
        if n != self._current:
            import llama_cpp

            llama_cpp.llama_set_n_threads(self.inner._llama._ctx.ctx, n, n)
            self._current = n

    def _yield(self) -> None:
        if self.strategy == "pause":
            waited = 0.0
            while self.flag.active() and waited < PAUSE_MAX_S:
                time.sleep(0.005)
                waited += 0.005
        elif self.strategy == "threads":
            self._set_threads(1 if self.flag.active() else self.threads)

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Any:
        rows = []
        for text, title in zip(texts, titles, strict=True):
            self._yield()
            rows.append(self.inner.embed_documents([text], [title])[0])
        return np.stack(rows) if rows else self.inner.embed_documents([], [])

    def embed_queries(self, texts: Sequence[str]) -> Any:
        return self.inner.embed_queries(texts)

    def close(self) -> None:
        self.inner.close()


def indexer(case_dir: Path, folder: Path, model: Path, strategy: str) -> None:
    """The indexing process: ``folder`` into ``case_dir`` with the model, printing its progress with times."""
    import dataclasses

    from arbiter_desktop import app

    if strategy == "nice":
        os.nice(10)
    loaders = app.MODELS
    if strategy in ("pause", "threads"):
        flag = Flag(case_dir / FLAG_FILE)

        def load(settings: Any) -> Any:
            inner = app.load_embedder(settings)
            return Yielding(inner, strategy, flag, settings.embed_threads)

        loaders = dataclasses.replace(loaders, embedder=load)
    started = time.monotonic()

    def progress(p: Any) -> None:
        print(f"EVENT {time.monotonic() - started:.3f} {p.phase} {p.done} {p.total}", flush=True)

    # without the names phase (spaCy, between the text and the semantic phases): it would take most of the run,
    # and the searches are to be measured while the folder is indexed and then embedded
    overrides = {"embedder": str(model), "names": False}
    with app.open_session(case_dir, overrides=overrides, loaders=loaders) as session:
        session.index([folder], on_progress=progress, audit=False)
    print(f"DONE {time.monotonic() - started:.3f}", flush=True)


def _rates(events: list[tuple[float, str, int]], until: float) -> dict[str, float]:
    """Files extracted and chunks embedded per second over the indexer's run (up to ``until`` s)."""
    rates: dict[str, float] = {}
    for phase, unit in (("text", "files_per_s"), ("semantic", "chunks_per_s")):
        seen = [(t, done) for t, p, done in events if p == phase and t <= until]
        if len(seen) >= 2 and seen[-1][0] > seen[0][0]:
            rates[unit] = round((seen[-1][1] - seen[0][1]) / (seen[-1][0] - seen[0][0]), 3)
            rates[f"{phase}_seconds"] = round(seen[-1][0] - seen[0][0], 1)
    return rates


class Indexing:
    """An indexer process started on a copy of the case, with its progress events collected."""

    def __init__(self, case_dir: Path, folder: Path, model: Path, strategy: str) -> None:
        command = [sys.executable, "-m", "bench.bench_search_load", "--indexer", str(case_dir)]
        command += ["--folder", str(folder), "--model", str(model), "--strategy", strategy]
        self.process = subprocess.Popen(command, env=python_env(), stdout=subprocess.PIPE, text=True)
        self.events: list[tuple[float, str, int]] = []
        self.started = time.monotonic()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            parts = line.split()
            if parts[:1] == ["EVENT"]:
                self.events.append((float(parts[1]), parts[2], int(parts[3])))

    def phase(self) -> str:
        """The indexer's phase now ("text" while extracting and sending the full text, then "semantic")."""
        if not self.events:
            return ""
        last = self.events[-1][1]
        return "semantic" if last == "semantic" else "text" if last in ("scan", "text", "lexical") else last

    def stop(self) -> dict[str, float]:
        elapsed = time.monotonic() - self.started
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self._reader.join(5)
        return _rates(self.events, elapsed)


# ----------------------------------------------------------------------------- the searches


def _figures(timings: Sequence[float]) -> dict[str, Any]:
    if not timings:
        return {"searches": 0}
    return {
        "searches": len(timings),
        "p50_ms": round(percentile(list(timings), 50), 1),
        "p95_ms": round(percentile(list(timings), 95), 1),
        "max_ms": round(max(timings), 1),
    }


def searches(
    session: Any,
    queries: Sequence[str],
    seconds: float,
    interval: float,
    flag: Flag | None,
    indexing: Indexing | None = None,
) -> dict[str, Any]:
    """Hybrid searches as the window runs them (hit list first), one every ``interval`` s for ``seconds``; with
    ``indexing``, their latencies by the indexer's phase at the time as well."""
    from arbiter_desktop.domain import SearchMode, SearchRequest
    from arbiter_desktop.session import FIRST_PASSAGES

    timings: list[float] = []
    after: list[float] = []  # the passages of the other hits, after the list
    by_phase: dict[str, list[float]] = {}
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < seconds:
        query = queries[n % len(queries)]
        n += 1
        phase = indexing.phase() if indexing is not None else ""
        if flag is not None:
            flag.raise_()
        begun = time.perf_counter()
        request = SearchRequest(query, top=50, mode=SearchMode.HYBRID)
        result = session.search(request, audit=False, marks=0, passages=FIRST_PASSAGES)
        timings.append((time.perf_counter() - begun) * 1000)
        begun = time.perf_counter()
        session.complete(request, result.hits)
        after.append((time.perf_counter() - begun) * 1000)
        if flag is not None:
            flag.lower()
        if phase in ("text", "semantic"):
            by_phase.setdefault(phase, []).append(timings[-1])
        time.sleep(interval)
    wall = time.monotonic() - started
    return {
        **_figures(timings),
        "other_passages": _figures(after),
        "search_share": round((sum(timings) + sum(after)) / 1000 / wall, 3),
        "by_phase": {phase: _figures(values) for phase, values in sorted(by_phase.items())},
    }


def run(
    case: Path,
    folder: Path,
    model: Path,
    seconds: float,
    interval: float,
    strategies: Sequence[str],
    queries: int = 60,
    log: Any = print,
) -> dict[str, Any]:
    from arbiter_desktop import app

    texts = list(iter_queries(queries))
    report: dict[str, Any] = {"case": str(case), "folder": str(folder), "model": model.name, "seconds": seconds}
    report["interval_s"] = interval
    report["load_before"] = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        copy = Path(tmp) / "case"

        def fresh() -> Path:
            if copy.exists():
                shutil.rmtree(copy)
            shutil.copytree(case, copy)
            return copy

        log("searches alone (quiet)…")
        with app.open_session(fresh(), overrides={"embedder": str(model)}, preload=True, read_ahead=True) as session:
            session.search(app_request(texts[0]), audit=False, marks=0)  # the model loaded, the stores opened
            report["quiet"] = searches(session, texts, seconds, interval, None)
        log("indexing alone…")
        alone = Indexing(fresh(), folder, model, "off")
        time.sleep(seconds)
        report["indexing_alone"] = alone.stop()
        report["strategies"] = {}
        for strategy in strategies:
            log(f"searching while indexing, strategy {strategy}…")
            directory = fresh()
            overrides = {"embedder": str(model)}
            with app.open_session(directory, overrides=overrides, preload=True, read_ahead=True) as session:
                if strategy != "hold":  # the app's flag kept from the indexer (raised in a folder of its own)
                    session.activity = SearchActivity(Path(tmp))
                session.search(app_request(texts[0]), audit=False, marks=0)
                flag = Flag(directory / FLAG_FILE) if strategy in ("pause", "threads") else None
                running = Indexing(directory, folder, model, strategy)
                figures = searches(session, texts, seconds, interval, flag, running)
                figures["indexing"] = running.stop()
            report["strategies"][strategy] = figures
    report["load_after"] = load_average()
    return report


def suite(
    scale: int = 100_000,
    model_key: str = "embeddinggemma",
    base_count: int = 512,
    seconds: float = 90.0,
    strategies: Sequence[str] = SHIPPED,
    log: Any = print,
) -> dict[str, Any]:
    """The suite's part: the search benchmark's case of ``scale`` chunks (built or found in bench/.cache/), and
    codes_penal_cpp written out as files (3,374 text files, once) as the folder indexed meanwhile."""
    from bench import bench_search
    from bench.bench_indexing import write_files
    from bench.common import CACHE, EVALDATA

    model = bench_search.model_file(model_key)
    corpus = EVALDATA / "codes_penal_cpp" / "corpus.jsonl"
    missing = [str(p) for p in (model, corpus) if not p.exists()]
    if missing:
        why = f"{', '.join(missing)} absent (run `make models`; the data sets live in ../shared/evaldata)"
        log(f"search-while-indexing benchmark skipped: {why}")
        return {"skipped": why}
    with tempfile.TemporaryDirectory(prefix="bench-load-build-") as tmp:
        args = ["--build", str(scale), "--model", str(model), "--base", str(base_count)]
        built = bench_search._child(args, Path(tmp) / "built.json")
    folder = CACHE / "load-folder"
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_files(corpus, folder / "files")
        (folder / "done").write_text("", encoding="utf-8")
    report = run(Path(built["directory"]), folder / "files", model, seconds, 0.5, strategies, log=log)
    report["chunks"] = built["chunks"]
    return report


def app_request(query: str) -> Any:
    from arbiter_desktop.domain import SearchMode, SearchRequest

    return SearchRequest(query, top=50, mode=SearchMode.HYBRID)


def print_report(report: dict[str, Any]) -> None:
    alone = report["indexing_alone"]
    every = f"a search every {report['interval_s']} s, {report['seconds']} s each"
    print(f"\nSearch while indexing ({report['model']}, {every})")
    rows = [["quiet (no indexing)", *(report["quiet"][k] for k in ("p50_ms", "p95_ms", "max_ms")), "", "", ""]]
    for name, f in report["strategies"].items():
        idx = f["indexing"]
        phases = "; ".join(f"{p} {v.get('p50_ms')}/{v.get('p95_ms')}" for p, v in f.get("by_phase", {}).items())
        rows.append(
            [
                f"while indexing: {name} ({phases})",
                f["p50_ms"],
                f["p95_ms"],
                f["max_ms"],
                f"{idx.get('files_per_s', '—')} / {alone.get('files_per_s', '—')}",
                f"{idx.get('chunks_per_s', '—')} / {alone.get('chunks_per_s', '—')}",
                f["search_share"],
            ]
        )
    header = ["", "p50 ms", "p95 ms", "max ms", "files/s (alone)", "chunks/s (alone)", "search share"]
    print(table(rows, header))
    print(f"load {report['load_before']} → {report['load_after']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--case", type=Path, help="the case to search (copied)")
    parser.add_argument("--folder", type=Path, help="the folder indexed meanwhile")
    parser.add_argument("--model", type=Path, default=Path("models") / DEFAULT_EMBEDDER)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--strategies", default=",".join(SHIPPED), help=f"among {', '.join(STRATEGIES)}")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--indexer", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--strategy", default="off", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if args.indexer is not None:
        indexer(args.indexer, args.folder, args.model.resolve(), args.strategy)
        return 0
    if args.case is None or args.folder is None:
        parser.error("--case and --folder are required")
    strategies = [s for s in args.strategies.split(",") if s]
    report = run(args.case, args.folder, args.model.resolve(), args.seconds, args.interval, strategies)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
