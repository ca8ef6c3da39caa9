"""The semantic phase with the lanes the app chooses against one model with every core, side by side, as indexed.

    .venv/bin/python -m bench.semantic_lanes [--models e5,embeddinggemma] [--every 16] [--cores 2] [--rounds 2]
        [--json OUT]

A sample of the benchmark folder (bench_recoll's 4,892 files, every K-th one) is indexed once by full text, with
no model. Then, for each round and each layout, a copy of that case has its semantic phase run by
``CaseSession.index``, the path the indexing process of the window takes:

* ``one model``: ``embed_workers=1``, the indexer's model with every indexing core;
* ``lanes``: ``embed_workers=0``, as the app runs by default (embedding/pool.py: one lane per core within the
  memory budget, lane 0 the indexer's model, the others worker processes; the phase measures both layouts in
  turn on its first batches, after WARM_S seconds of one model alone, and keeps the faster).

Figures: chunks per second of the phase (``IndexReport.embed_seconds``: the workers' start-up, saves and
bookkeeping included), the lanes that took part, the workers' peak resident memory. Rounds alternate the layouts
and the best of the rounds counts. Figures, not tests: other jobs on the machine move them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.bench_embedding import installed
from bench.bench_eta import sample
from bench.bench_indexing import write_documents
from bench.bench_recoll import CORPORA
from bench.common import CACHE, load_average

LAYOUTS = (("one model", 1), ("lanes", 0))


def text_case(folder: Path, work: Path) -> Path:
    """A case of ``folder`` indexed by full text only."""
    from arbiter_desktop import app

    case = work / "text-only"
    with app.open_session(case, create=True, overrides={"semantic": False, "names": False}) as session:
        session.index([folder], audit=False)
    return case


def semantic_phase(base: Path, folder: Path, model: Path, cores: int, workers: int, work: Path) -> dict[str, Any]:
    """The semantic phase of a copy of ``base`` with ``workers`` (the setting) on ``cores``."""
    from arbiter_desktop import app

    case = work / f"case-{workers}"
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(base, case)
    overrides = {
        "embedder": str(model),
        "semantic": True,
        "names": False,
        "indexing_cores": cores,
        "embed_workers": workers,
    }
    with app.open_session(case, overrides=overrides) as session:
        report = session.index([folder], audit=False)
    return {
        "chunks": report.embedded,
        "seconds": round(report.embed_seconds, 2),
        "chunks_per_s": round(report.embedded / report.embed_seconds, 3) if report.embed_seconds > 0 else None,
        "lanes": report.embed_lanes,
        "workers_lost": report.embed_workers_lost,
        "kept": report.embed_layout,  # what the phase measured faster on its first batches, and kept
        "measured_chars_per_s": {"one model": report.embed_rates[0], "lanes": report.embed_rates[1]},
        "workers_rss_mb": report.profile.get("rss.embed_workers"),
    }


def benchmark_folder(every: int) -> Path:
    """Every ``every``-th file of the benchmark folder (written once into the cache)."""
    return sample(write_documents(CORPORA, CACHE / "documents").folder, every, CACHE)


def run(models: Sequence[str], folder: Path, cores: int, rounds: int) -> dict[str, Any]:
    from arbiter_desktop.config.settings import Settings
    from arbiter_desktop.embedding.pool import layout

    report: dict[str, Any] = {
        "folder": str(folder),
        "files": len(list(folder.iterdir())),
        "cores": cores,
        "rounds": rounds,
        "load_before": load_average(),
        "models": {},
    }
    with tempfile.TemporaryDirectory(prefix="semantic-lanes-") as tmp:
        work = Path(tmp)
        base = text_case(folder, work)
        for spec in installed(models):
            size_mb = spec.gguf.stat().st_size / 1e6
            plan = layout(cores, 0, size_mb, Settings().embed_workers_memory_mb)
            runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _ in LAYOUTS}
            for number in range(rounds):
                order = LAYOUTS if number % 2 == 0 else LAYOUTS[::-1]
                for label, workers in order:
                    figures = semantic_phase(base, folder, spec.gguf, cores, workers, work)
                    runs[label].append(figures)
                    print(f"{spec.key} {label}: {figures}", file=sys.stderr, flush=True)
            best = {label: max(r["chunks_per_s"] or 0.0 for r in rs) for label, rs in runs.items()}
            report["models"][spec.key] = {
                "label": spec.label,
                "layout": {"lanes": plan.lanes, "threads": [plan.threads_of(lane) for lane in range(plan.lanes)]},
                "runs": runs,
                "best_chunks_per_s": best,
                "ratio": round(best["lanes"] / best["one model"], 3) if best["one model"] else None,
            }
    report["load_after"] = load_average()
    return report


def print_report(report: dict[str, Any]) -> None:
    print(f"\nSemantic phase on {report['files']} files, {report['cores']} cores, best of {report['rounds']} rounds")
    print(f"{'model':<16} {'layout':<22} {'one model':>10} {'lanes':>8} {'ratio':>6}")
    for key, figures in report["models"].items():
        plan = figures["layout"]
        shape = f"{plan['lanes']} lanes, threads {'+'.join(map(str, plan['threads']))}"
        best = figures["best_chunks_per_s"]
        print(f"{key:<16} {shape:<22} {best['one model']:>10.2f} {best['lanes']:>8.2f} {figures['ratio'] or 0:>6.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.semantic_lanes", description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="e5,embeddinggemma", help="comma-separated: e5, embeddinggemma")
    parser.add_argument("--every", type=int, default=16, help="keep every K-th file of the benchmark folder")
    parser.add_argument("--cores", type=int, default=2, help="indexing cores")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of both layouts (alternating); the best counts")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    report = run(models, benchmark_folder(args.every), args.cores, args.rounds)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
