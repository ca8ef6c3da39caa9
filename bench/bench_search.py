"""Search through the window's path at 10k, 100k and 1M chunks: opening the case, the first search with the model
loading, latency p50/p95 per mode until the hit list is ready, the marks of the first screen, and the memory of
each, in one run.

    .venv/bin/python -m bench.bench_search [--scales 10000,100000,1000000] [--queries 100] [--model embeddinggemma]
        [--base 512] [--json OUT]

The cases are synthetic (bench/synthetic.py says how they are made): written straight through the app's stores,
kept in ``bench/.cache/`` so that a second run only searches. Building them is CPU-bound in the app's own store
code (the entity regexes and tantivy for the text) and, once per model, embedding the base passages (512 with
EmbeddingGemma: about 10 minutes on 2 cores).

Each scale is then opened and searched in a fresh process (its memory is that scale's alone), exactly as the
window does: ``app.open_session(case, preload=True)`` — the embedding model starts loading in the background as
the case opens — then ``session.search(SearchRequest(query, top=50, mode=M), marks=0, passages=FIRST_PASSAGES)``:
expansions, the passages and their highlights of the first screen of hits, and in the dense, hybrid and full modes
the embedding of the query; the hit list is ready there and the window shows it. The window's worker then finds
the passages of the other hits, ``session.complete(request, hits)``, timed apart (``other_passages``), and the
window asks for the sentence closest in meaning in the hits on screen: ``session.mark(request, hits[:8])``, timed
apart (``first_screen_marks``). The queries are real: the 50
police_dev queries then a seeded sample of piaf_v1.1 questions, embedded as they come.

* ``lexical``: French BM25 over the tantivy index; ``dense``: binary top-400 by exact hamming scan, rescored with
  the int8 rows; ``hybrid``: both, z-score fusion; ``full``: hybrid, then the second stage over the head (the
  shipped learned ranker, or a reranker installed in models/, which replaces it).

Each query runs once per mode, the modes in turn (rotated from one query to the next) so that the other jobs'
load falls on every mode alike; a few queries first warm the caches and are not counted. Memory (from
/proc/self/status): peak resident (VmHWM) and resident at the end, anonymous and file-backed (memory-mapped
index files count in the latter), and the same process before opening the case (Python and the libraries).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from arbiter_desktop.config.models import DEFAULT_EMBEDDER, LIGHT_EMBEDDER
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.search.ranker import shipped_ranker
from arbiter_desktop.session import FIRST_PASSAGES, ModelLoaders
from bench.common import CACHE, load_average, memory_mb, percentile, python_env, run_python, table
from bench.synthetic import (
    BLOCK,
    CHUNKS_PER_DOCUMENT,
    NOISE,
    REPLACED,
    VOCABULARY,
    WINDOW_WORDS,
    BuiltCase,
    build_case,
    iter_queries,
    load_base,
)

SCALES = (10_000, 100_000, 1_000_000)
MODEL_FILES = {"e5": LIGHT_EMBEDDER, "embeddinggemma": DEFAULT_EMBEDDER}
MODES = ("lexical", "dense", "hybrid", "full")
RESULTS = 50  # hits asked per search, as the window asks
SCREEN = 8  # hits on the first screen of the window's result list, marked after the list shows
WARMUP = 5

HOW = (
    "synthetic cases written through the app's stores (Catalog, LexicalStore.add_chunks, VectorStore.add/save) and "
    "searched by its SearchEngine. Text: each chunk is a window (≤ {window} words) of one of {base} base passages "
    "of codes_penal_cpp + piaf_v1.1, with {replaced:.0%} of its words replaced by names drawn (Zipf) from a "
    "synthetic vocabulary of {vocabulary:,}, half of them with 20–40 words of another passage, and a line of "
    "random entities (procedure and phone numbers, plate, seal); {per_doc} chunks per document. Vectors: the real "
    "embedding of the chunk's base passage plus Gaussian noise (norm {noise}; cosine ≈ 0.89), normalised. Queries: "
    "real texts (police_dev, piaf_v1.1), embedded by the engine."
)


def model_file(key: str) -> Path:
    from arbiter_desktop.config import paths

    return paths.models_dir() / MODEL_FILES[key]


# ----------------------------------------------------------------------------- one scale, in its own process


def measure(
    case_dir: Path,
    queries: Sequence[str],
    warmup: int = WARMUP,
    model: Path | None = None,
    loaders: ModelLoaders | None = None,
) -> dict[str, Any]:
    """Figures of the case at ``case_dir`` opened by this process as the window opens it — a case session, the
    embedding model ``model`` loading in the background from the moment the case opens (``loaders``: stand-in
    models) — and this process's memory:

    * ``open_s``: opening the case (its stores checked and mapped);
    * ``first_search_ms``: the first hybrid search right after (it waits for what is left of the model's load);
    * per mode, the latency until the hit list is ready (the window's path: ``marks=0``, the passages of the
      first screen of hits), the modes in turn;
    * ``other_passages``: finding the passages of the other hits, which the window's worker does right after
      (every mode);
    * ``first_screen_marks``: marking the sentence closest in meaning in the first screen of hits
      (``SCREEN`` hits), which the window does after showing the list."""
    from arbiter_desktop import app

    memory_before = memory_mb()
    load_before = load_average()
    overrides = {"embedder": str(model)} if model is not None else {}
    started = time.perf_counter()
    with app.open_session(case_dir, overrides=overrides, preload=True, loaders=loaders, read_ahead=True) as session:
        open_s = time.perf_counter() - started
        begun = time.perf_counter()
        session.search(
            SearchRequest(queries[0], top=RESULTS, mode=SearchMode.HYBRID),
            audit=False,
            marks=0,
            passages=FIRST_PASSAGES,
        )
        first_search_ms = (time.perf_counter() - begun) * 1000
        model_load_s = session.embedder_load_seconds
        embedder = session.embedder(required=True)
        assert embedder is not None
        reranker = session.reranker()
        learned = shipped_ranker()

        def search(query: str, mode: str) -> tuple[float, int, tuple[str, ...]]:
            request = SearchRequest(query, top=RESULTS, mode=SearchMode(mode))
            begun = time.perf_counter()
            result = session.search(request, audit=False, marks=0, passages=FIRST_PASSAGES)
            elapsed = (time.perf_counter() - begun) * 1000
            begun = time.perf_counter()  # then, as the window's worker does, the passages of the other hits
            session.complete(request, result.hits)
            timings["other_passages"].append((time.perf_counter() - begun) * 1000)
            if mode == "hybrid":  # then, as the window does, the marks of the first screen (timed apart)
                begun = time.perf_counter()
                session.mark(request, result.hits[:SCREEN])
                timings["first_screen_marks"].append((time.perf_counter() - begun) * 1000)
            return elapsed, len(result.hits), result.notes

        timings: dict[str, list[float]] = {m: [] for m in (*MODES, "other_passages", "first_screen_marks")}
        for query in queries[:warmup]:
            for mode in MODES:
                search(query, mode)
        timings = {m: [] for m in (*MODES, "other_passages", "first_screen_marks")}
        hits: dict[str, list[int]] = {m: [] for m in MODES}
        notes: dict[str, set[str]] = {m: set() for m in MODES}
        for n, query in enumerate(queries):
            for mode in MODES[n % len(MODES) :] + MODES[: n % len(MODES)]:
                ms, count, said = search(query, mode)
                timings[mode].append(ms)
                hits[mode].append(count)
                notes[mode].update(said)
        embed_ms: list[float] = []
        for query in queries:
            begun = time.perf_counter()
            embedder.embed_queries([query + " ?"])  # not the cached vector of the same text
            embed_ms.append((time.perf_counter() - begun) * 1000)
        counts = session.status()
    figures = {
        m: {
            "p50_ms": round(percentile(timings[m], 50), 1),
            "p95_ms": round(percentile(timings[m], 95), 1),
            "mean_ms": round(sum(timings[m]) / len(timings[m]), 1),
            "max_ms": round(max(timings[m]), 1),
        }
        for m in (*MODES, "other_passages", "first_screen_marks")
    }
    for m in MODES:
        figures[m]["mean_hits"] = round(sum(hits[m]) / len(hits[m]), 1)
        figures[m]["notes"] = sorted(notes[m])  # type: ignore[assignment]
    return {
        "chunks": counts.chunks,
        "documents": counts.documents,
        "embedded": counts.embedded,
        "queries": len(queries),
        "top": RESULTS,
        "open_s": round(open_s, 3),
        "first_search_ms": round(first_search_ms, 1),
        "model_load_s": round(model_load_s, 3),
        "reranker": reranker.identity.name if reranker is not None else learned.name if learned is not None else None,
        "modes": figures,
        "query_embedding_ms": {"p50": round(percentile(embed_ms, 50), 1), "p95": round(percentile(embed_ms, 95), 1)},
        "memory_mb": {"before_case": memory_before, "after": memory_mb()},
        "load_before": load_before,
        "load_after": load_average(),
    }


def worker(case_dir: Path, model: Path, queries: int, out: Path) -> None:
    """A fresh process for one scale: the case opened with the model, then :func:`measure`."""
    figures = measure(case_dir, list(iter_queries(queries)), model=model)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")


def builder(chunks: int, model: Path, base_count: int, out: Path) -> None:
    """A process that builds (or finds) the case of ``chunks`` chunks."""
    from arbiter_desktop.embedding.gguf import GgufEmbedder

    embedder = GgufEmbedder(model)
    try:
        base = load_base(embedder, base_count, log=_log)
    finally:
        embedder.close()
    built = build_case(chunks, base, log=_log)
    out.write_text(_built(built), encoding="utf-8")


def _built(built: BuiltCase) -> str:
    return json.dumps(
        {
            "directory": str(built.directory),
            "chunks": built.chunks,
            "documents": built.documents,
            "build_seconds": built.build_seconds,
            "mean_words": built.mean_words,
            "disk_mb": built.disk_mb,
            "cached": built.cached,
        }
    )


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- the run


def _child(args: Sequence[str], out: Path) -> dict[str, Any]:
    done = run_python(["-m", "bench.bench_search", *args, "--out", str(out)], env=python_env())
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"bench.bench_search {' '.join(args)} failed (exit code {done.returncode})")
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def run(
    scales: Sequence[int] = SCALES,
    queries: int = 100,
    model_key: str = "embeddinggemma",
    base_count: int = 512,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    model = model_file(model_key)
    if not model.exists():
        why = f"{model} is absent: run `make models` (or set ARBITER_MODELS_DIR to the folder that holds it)"
        log(f"search benchmark skipped: {why}")
        return {"skipped": why}
    report: dict[str, Any] = {
        "model": model.name,
        "how": HOW.format(
            window=WINDOW_WORDS,
            base=base_count,
            replaced=REPLACED,
            vocabulary=VOCABULARY,
            per_doc=CHUNKS_PER_DOCUMENT,
            noise=NOISE,
        ),
        "queries": queries,
        "warmup_queries": WARMUP,
        "scales": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        for scale in scales:
            log(f"case of {scale:,} chunks (built once, in blocks of {BLOCK:,}; kept in {CACHE})…")
            built = _child(["--build", str(scale), "--model", str(model), "--base", str(base_count)], Path(tmp) / "b")
            log(f"searching {scale:,} chunks: {queries} queries × {len(MODES)} modes, in a fresh process…")
            args = ["--worker", built["directory"], "--model", str(model), "--queries", str(queries)]
            figures = _child(args, Path(tmp) / f"w{scale}")
            report["scales"][str(scale)] = {"case": {k: v for k, v in built.items() if k != "directory"}, **figures}
    return report


def summary(
    report: dict[str, Any],
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]], dict[str, float]]:
    """(p95 per scale and mode, p50 per scale and mode, peak RSS per scale) for latest.json."""
    p95: dict[str, dict[str, float]] = {}
    p50: dict[str, dict[str, float]] = {}
    rss: dict[str, float] = {}
    for scale, figures in report.get("scales", {}).items():
        p95[scale] = {m: v["p95_ms"] for m, v in figures["modes"].items()}
        p50[scale] = {m: v["p50_ms"] for m, v in figures["modes"].items()}
        rss[scale] = figures["memory_mb"]["after"].get("peak_rss", float("nan"))
    return p95, p50, rss


def print_report(report: dict[str, Any]) -> None:
    if "skipped" in report:
        print(f"search benchmark skipped: {report['skipped']}")
        return
    print(f"\nSearch latency, {report['model']}, {report['queries']} real queries per mode (top {RESULTS})")
    print(f"how: {report['how']}")
    rows = []
    for scale, f in report["scales"].items():
        for mode, m in f["modes"].items():
            label = {
                "first_screen_marks": f"marks of the first {SCREEN} hybrid hits",
                "other_passages": f"passages of hits {FIRST_PASSAGES + 1}–{RESULTS} (after the list)",
            }.get(mode, mode)
            load = f"{f['load_before'][0]:.1f} → {f['load_after'][0]:.1f}" if f["load_before"] else "?"
            shown = m.get("mean_hits", "")
            rows.append([f"{int(scale):,}", label, m["p50_ms"], m["p95_ms"], m["max_ms"], shown, load])
    print(table(rows, ["chunks", "mode", "p50 ms", "p95 ms", "max ms", "hits", "load 1 min"]))
    rows = []
    for scale, f in report["scales"].items():
        before, after = f["memory_mb"]["before_case"], f["memory_mb"]["after"]
        case = f["case"]
        rows.append(
            [
                f"{int(scale):,}",
                after.get("peak_rss"),
                after.get("rss"),
                after.get("rss_anon"),
                after.get("rss_file"),
                before.get("rss"),
                f["open_s"],
                f["first_search_ms"],
                f["model_load_s"],
                f["query_embedding_ms"]["p50"],
                case["build_seconds"],
                round(sum(case["disk_mb"].values())),
            ]
        )
    header = ["chunks", "peak RSS MB", "RSS MB", "anon", "file", "before case", "open s", "1st search ms"]
    header += ["model load s", "q-embed ms", "build s"]
    print(table(rows, [*header, "disk MB"]))
    notes = {n for f in report["scales"].values() for n in f["modes"]["full"]["notes"]}
    for note in sorted(notes):
        print(f"full mode: {note}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scales", default=",".join(str(s) for s in SCALES), help="chunk counts, comma-separated")
    parser.add_argument("--queries", type=int, default=100, help="queries per mode and scale")
    parser.add_argument(
        "--model", default="embeddinggemma", help="embeddinggemma (default) or e5; a path with --worker"
    )
    parser.add_argument("--base", type=int, default=512, help="real passages embedded as the vectors' base")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if args.worker is not None:
        worker(args.worker, Path(args.model), args.queries, args.out)
        return 0
    if args.build is not None:
        builder(args.build, Path(args.model), args.base, args.out)
        return 0
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    report = run(scales, args.queries, args.model, args.base)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
