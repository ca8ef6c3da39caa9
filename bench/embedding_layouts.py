"""Several embedding workers, or one with more threads: which fills the semantic layer faster on this machine.

    .venv/bin/python -m bench.embedding_layouts [--models e5,embeddinggemma] [--chunks 24] [--cores N]
        [--rounds 2] [--json OUT]

For each way of splitting ``cores`` between workers (every P × T = cores: 1 × N, 2 × N/2, …, N × 1), P processes
each load the app's embedder (``GgufEmbedder(path, threads=T)``, the same file, prompts and context as indexing),
embed one passage to warm up, wait for each other at a barrier, then embed the same chunks (police_dev and
piaf_v1.1, as ``bench/bench_embedding.py``). The layout's rate is all the chunks embedded over the time from the
barrier to the last worker's end; the layouts run in turn, ``rounds`` times, and the best round counts (on a
shared machine, the one the other load disturbed least). Each worker's peak resident memory is reported beside:
every worker holds a model of its own. Nothing here asserts on a time.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import json
import multiprocessing
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def layouts(cores: int) -> list[tuple[int, int]]:
    """(workers, threads each) for every way of using ``cores`` exactly, one worker first."""
    return [(cores // t, t) for t in range(cores, 0, -1) if cores % t == 0]


def _worker(model: str, threads: int, texts: list[str], titles: list[str], barrier: Any, results: Any) -> None:
    from arbiter_desktop.embedding.gguf import GgufEmbedder

    embedder = GgufEmbedder(Path(model), threads=threads)
    try:
        embedder.embed_documents(texts[:1], titles[:1])
        barrier.wait()
        started = time.perf_counter()
        embedder.embed_documents(texts, titles)
        ended = time.perf_counter()
    finally:
        embedder.close()
    results.put((started, ended, len(texts), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run_layout(model: Path, workers: int, threads: int, texts: list[str], titles: list[str]) -> dict[str, Any]:
    """One round of one layout: ``workers`` processes of ``threads`` threads embedding ``texts`` each."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(target=_worker, args=(str(model), threads, texts, titles, barrier, results))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        found = [results.get(timeout=1800) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=60)
    if any(p.exitcode != 0 for p in processes):
        raise RuntimeError(f"an embedding worker failed (exit codes {[p.exitcode for p in processes]})")
    seconds = max(f[1] for f in found) - min(f[0] for f in found)
    chunks = sum(f[2] for f in found)
    return {
        "workers": workers,
        "threads": threads,
        "chunks": chunks,
        "seconds": round(seconds, 3),
        "chunks_per_s": round(chunks / seconds, 3),
        "worker_rss_mb": round(max(f[3] for f in found), 1),
    }


def measure(model: Path, texts: list[str], titles: list[str], cores: int, rounds: int) -> list[dict[str, Any]]:
    best: dict[tuple[int, int], dict[str, Any]] = {}
    for _ in range(rounds):
        for workers, threads in layouts(cores):
            row = run_layout(model, workers, threads, texts, titles)
            key = (workers, threads)
            if key not in best or row["chunks_per_s"] > best[key]["chunks_per_s"]:
                best[key] = row
    rows = [best[key] for key in layouts(cores)]
    single = rows[0]["chunks_per_s"]
    for row in rows:
        row["vs_one_worker"] = round(row["chunks_per_s"] / single, 3)
    return rows


def run(models: Sequence[str], count: int, cores: int, rounds: int) -> list[dict[str, Any]]:
    from bench.bench_embedding import installed, load_chunks

    chunks = load_chunks(count)
    texts, titles = [c.text for c in chunks], [c.title for c in chunks]
    report: list[dict[str, Any]] = []
    for spec in installed(models):
        print(f"{spec.label}: {layouts(cores)} (workers, threads) on {cores} cores…", file=sys.stderr, flush=True)
        report.append(
            {
                "key": spec.key,
                "label": spec.label,
                "cores": cores,
                "rows": measure(spec.gguf, texts, titles, cores, rounds),
            }
        )
    return report


def print_report(report: Sequence[dict[str, Any]]) -> None:
    for model in report:
        print(f"\n{model['label']}, {model['cores']} cores:")
        for row in model["rows"]:
            print(
                f"  {row['workers']} worker(s) × {row['threads']} thread(s): {row['chunks_per_s']:6.2f} chunks/s "
                f"({row['vs_one_worker']:.2f}× one worker; {row['worker_rss_mb']:.0f} MB a worker)"
            )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.embedding_layouts", description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="e5,embeddinggemma")
    parser.add_argument("--chunks", type=int, default=24)
    parser.add_argument("--cores", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = run([m for m in args.models.split(",") if m], args.chunks, args.cores, args.rounds)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0 if report else 1


if __name__ == "__main__":
    sys.exit(main())
