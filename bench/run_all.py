"""The benchmark suite: the product against the tools investigators would otherwise use, side by side, one run.

    .venv/bin/python -m bench [--only recoll,embedding,search,gui,ocr] [--gemma] [--scales 10000,100000,1000000]
        [--queries 100] [--ocr-pages 24] [--ocr-docs 12] [--out bench/results/latest.json]
    make bench

Parts (each also runs alone: ``python -m bench.bench_<part> --help``):

* ``recoll``: text indexing throughput, Arbiter (``index --no-semantic``) against Recoll's ``recollindex`` on
  the same folder of 4,892 PDF, DOCX, ODT and TXT files (bench_recoll.py). Aim: at least 2× Recoll.
* ``embedding``: the app's embedder (llama.cpp) against a PyTorch float32 pass of the same weights on the same
  chunks, 1 and 2 threads, as a share of the numpy float32 GEMM rate measured in the same run
  (bench_embedding.py; multilingual-e5-small, and EmbeddingGemma with ``--gemma``). Aim: at least PyTorch.
* ``lanes``: the semantic phase of a sample of the same folder (every 16th file), as the app runs it (its layout
  of embedding models measured and chosen, embedding/pool.py) against one model with both cores, alternating, two
  rounds (semantic_lanes.py; multilingual-e5-small, and EmbeddingGemma with ``--gemma``).
* ``eta``: ``arbiter index`` of the same folder with a model (multilingual-e5-small by default): time until it is
  searchable by words and by meaning, the ETAs announced meanwhile against the time actually left, peak memory
  of each phase (bench_eta.py). Aim: ETAs right within 20 %.
* ``search``: latency p50/p95 of the lexical, dense, hybrid and full modes at 10k, 100k and 1M chunks of
  synthetic cases, and the memory of each scale in a fresh process (bench_search.py, bench/synthetic.py).
  Aim: hybrid p95 ≤ 100 ms at 100k chunks.
* ``load``: searching the 100k-chunk case as the window does while a folder (codes_penal_cpp as 3,374 files) is
  indexed and embedded into it on the same cores — with the app's search-first flag, and without it for
  reference — and what the searches cost the indexing (bench_search_load.py). Aim: hybrid p95 ≤ 300 ms, and the
  indexing slowed by no more than the share of time the searches take.
* ``gui``: the longest stall of the window's event loop while it indexes (bench_gui_stall.py, offscreen).
* ``ocr``: character error rate of the shipped OCR on clean 300 dpi and degraded 150 dpi scans of dev-corpus
  pages, and pages/min of scanned PDFs indexed through a case session with 1 and 2 extraction workers (wall clock
  and CPU time per page), each beside the bare engine (page image + Tesseract) in as many processes on the same
  pages, measured just before it (bench_ocr.py). Aims: CER ≤ 1.5 % clean, ≤ 4 % degraded; ≥ 40 pages/min on 2
  cores.

Prints a summary table and writes ``bench/results/latest.json``: the headline figures (``recoll_ratio``,
``embed_vs_torch_ratio``, ``search_p95_ms``, ``rss_mb``, ``gui_max_stall_ms``, ``ocr_cer``,
``ocr_pages_per_min``), the machine and its load, and
each part's full figures. With ``--only``, the parts not run keep their figures from the previous file (each
part carries its own date and load). These are figures, not tests: nothing here fails on a time. Other jobs
on the machine move them: the load average is recorded around each part, and every comparison is measured
side by side in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import RESULTS, compile_bytecode, git_head, load_average, machine, python_env, run_python, table

PARTS = ("recoll", "embedding", "lanes", "eta", "search", "load", "gui", "ocr")
LATEST = RESULTS / "latest.json"
DEFAULT_MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
QT_CHATTER = frozenset({"This plugin does not support propagateSizeHints()"})  # the offscreen platform, per window


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- the parts


def part_recoll(args: argparse.Namespace) -> dict[str, Any]:
    from bench import bench_recoll

    cores = [int(c) for c in args.scaling.split(",") if c.strip()]
    report = bench_recoll.run(
        per_kind=not args.no_per_kind, log=_say, rounds=args.rounds, scaling_cores=cores, baseline=args.baseline
    )
    bench_recoll.print_report(report)
    return report


def part_embedding(args: argparse.Namespace) -> dict[str, Any]:
    from bench import bench_embedding

    models = ["e5", "embeddinggemma"] if args.gemma else ["e5"]
    missing = [str(bench_embedding.MODELS[m].gguf) for m in models if not bench_embedding.MODELS[m].gguf.exists()]
    if missing:
        why = f"{', '.join(missing)} absent: run `make models` (or set ARBITER_MODELS_DIR)"
        _say(f"embedding benchmark skipped: {why}")
        return {"skipped": why}
    report = bench_embedding.run(models, args.chunks, [1, 2], repeat=2)  # the faster of two passes each
    bench_embedding.print_report(report)
    return report


def part_lanes(args: argparse.Namespace) -> dict[str, Any]:
    from bench import semantic_lanes

    models = ["embeddinggemma", "e5"] if args.gemma else ["e5"]
    report = semantic_lanes.run(models, semantic_lanes.benchmark_folder(args.lanes_every), 2, rounds=2)
    semantic_lanes.print_report(report)
    return report


def part_eta(args: argparse.Namespace) -> dict[str, Any]:
    from bench import bench_eta

    report = bench_eta.run(args.eta_model, args.eta_every, log=_say)
    bench_eta.print_report(report)
    return report


def part_search(args: argparse.Namespace) -> dict[str, Any]:
    from bench import bench_search

    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    report = bench_search.run(scales, args.queries, "e5" if args.search_e5 else "embeddinggemma", args.base, _say)
    bench_search.print_report(report)
    return report


def part_load(args: argparse.Namespace) -> dict[str, Any]:
    from bench import bench_search_load

    model = "e5" if args.search_e5 else "embeddinggemma"
    report = bench_search_load.suite(100_000, model, args.base, args.load_seconds, log=_say)
    if "skipped" not in report:
        bench_search_load.print_report(report)
    return report


def part_gui(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as tmp:
        out = Path(tmp) / "gui.json"
        env = python_env(QT_QPA_PLATFORM="offscreen")
        command = ["-m", "bench.bench_gui_stall", "--json", str(out), "--max-seconds", "180"]
        done = run_python(command, env=env, capture_output=True)
        for line in (done.stdout + done.stderr).splitlines():
            if line not in QT_CHATTER:
                print(line)
        if done.returncode != 0 or not out.exists():
            return {"skipped": f"bench_gui_stall failed (exit code {done.returncode}): see its output above"}
        report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def part_ocr(args: argparse.Namespace) -> dict[str, Any]:
    from arbiter_desktop.config import paths
    from arbiter_desktop.ingest.ocr.engine import OcrConfig, OcrUnavailable, check_models
    from bench import bench_ocr

    try:
        check_models(OcrConfig(str(paths.tessdata_dir()), "fra"))
    except OcrUnavailable as exc:
        _say(f"OCR benchmark skipped: {exc}")
        return {"skipped": str(exc)}
    return bench_ocr.run(args.ocr_pages, args.ocr_docs, _say)


RUNNERS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "recoll": part_recoll,
    "embedding": part_embedding,
    "lanes": part_lanes,
    "eta": part_eta,
    "search": part_search,
    "load": part_load,
    "gui": part_gui,
    "ocr": part_ocr,
}


# ----------------------------------------------------------------------------- latest.json


def headline(parts: dict[str, Any]) -> dict[str, Any]:
    """The headline keys of latest.json, from each part's figures (None where a part did not run)."""
    from bench.bench_embedding import speed_ratios
    from bench.bench_search import summary

    recoll = parts.get("recoll", {}).get("figures", {})
    embedding = parts.get("embedding", {}).get("figures", {})
    search = parts.get("search", {}).get("figures", {})
    gui = parts.get("gui", {}).get("figures", {})
    load = parts.get("load", {}).get("figures", {})
    eta = parts.get("eta", {}).get("figures", {})
    ocr = parts.get("ocr", {}).get("figures", {})
    lanes = parts.get("lanes", {}).get("figures", {})
    p95, p50, rss = summary(search) if "scales" in search else ({}, {}, {})
    cer = ocr.get("cer_summary", {})
    speed = [r for r in ocr.get("speed", {}).get("rows", []) if r["path"] == "indexing"]
    return {
        "open_s": {k: v.get("open_s") for k, v in search.get("scales", {}).items()} or None,
        "first_search_ms": {k: v.get("first_search_ms") for k, v in search.get("scales", {}).items()} or None,
        "search_while_indexing": load_headline(load),
        "recoll_ratio": recoll.get("recoll_ratio"),
        "recoll_ratio_per_kind": {k: v["ratio"] for k, v in recoll.get("per_kind", {}).items()} or None,
        "embed_vs_torch_ratio": speed_ratios(embedding) if "models" in embedding else None,
        "embed_vs_before": before_ratios(embedding) if "models" in embedding else None,
        "embed_fraction_of_llama_peak": peak_fractions(embedding) if "models" in embedding else None,
        "semantic_lanes_ratio": {k: v["ratio"] for k, v in lanes.get("models", {}).items()} or None,
        "eta_worst_error_pct": eta.get("eta_worst_error_pct"),
        "searchable_s": eta.get("searchable_s"),
        "indexing_rss_mb": eta.get("rss_mb"),
        "search_p95_ms": p95 or None,
        "search_p50_ms": p50 or None,
        "rss_mb": rss or None,
        "gui_max_stall_ms": gui.get("gui_max_stall_ms"),
        "ocr_cer": {form: cer[form] for form in ("clean", "degraded") if form in cer} or None,
        "ocr_pages_per_min": {str(r["workers"]): r["pages_per_minute"] for r in speed} or None,
    }


def load_headline(load: dict[str, Any]) -> dict[str, Any] | None:
    """The search-while-indexing figures: hybrid p95 quiet and with the app's flag (and without), and the
    indexer's throughput with searches against alone, beside the share of time the searches took."""
    if "strategies" not in load:
        return None
    alone = load["indexing_alone"]
    out: dict[str, Any] = {"quiet_p95_ms": load["quiet"]["p95_ms"]}
    for name, f in load["strategies"].items():
        idx = f["indexing"]
        out[name] = {
            "p95_ms": f["p95_ms"],
            "search_share": f["search_share"],
            **{
                f"{unit}_ratio": round(idx[unit] / alone[unit], 3)
                for unit in ("files_per_s", "chunks_per_s")
                if idx.get(unit) and alone.get(unit)
            },
        }
    return out


def before_ratios(embedding: dict[str, Any]) -> dict[str, dict[str, float]]:
    """chunks/s of the app's model file over the one it replaced, per model and thread count (where measured)."""
    found: dict[str, dict[str, float]] = {}
    for model in embedding["models"]:
        for row in model["rows"]:
            if "speedup_over_before" in row:
                found.setdefault(model["key"], {})[str(row["threads"])] = row["speedup_over_before"]
    return found


def peak_fractions(embedding: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Useful FLOP/s of the app's embedder over llama.cpp's own matmul peak for its weight type."""
    found: dict[str, dict[str, float]] = {}
    for model in embedding["models"]:
        for row in model["rows"]:
            if row["engine"] == "llama.cpp" and "fraction_of_llama_peak" in row:
                found.setdefault(model["key"], {})[str(row["threads"])] = round(row["fraction_of_llama_peak"], 3)
    return found


def summary_rows(latest: dict[str, Any]) -> list[list[object]]:
    """The summary table: figure, value, aim, load around its part."""
    parts = latest["parts"]

    def load(name: str) -> str:
        part = parts.get(name, {})
        before, after = part.get("load_before") or ["?"], part.get("load_after") or ["?"]
        return f"{before[0]} → {after[0]}"

    rows: list[list[object]] = []
    ratio = latest.get("recoll_ratio")
    if ratio is not None:
        recoll = parts["recoll"]["figures"]
        kinds = ", ".join(f"{k} {v['ratio']:.2f}×" for k, v in recoll.get("per_kind", {}).items())
        rows.append(["text indexing, Arbiter / Recoll files/s", f"{ratio:.2f}×", "≥ 2×", load("recoll")])
        mixed = recoll["mixed"]
        for tool in ("arbiter", "recoll"):
            r = mixed[tool]
            value = f"{r['files_per_s']:.0f} files/s, {r['file_mb_per_s']:.2f} MB/s"
            rows.append([f"  {tool}: files/s, file MB/s", value, "", ""])
        if kinds:
            rows.append(["  per kind, Arbiter / Recoll", kinds, "", ""])
    embedding = parts.get("embedding", {}).get("figures", {})
    for model in embedding.get("models", []):
        for row in (r for r in model["rows"] if r["engine"] == "llama.cpp"):
            ratio_t = (latest.get("embed_vs_torch_ratio") or {}).get(model["key"], {}).get(str(row["threads"]))
            torch_row = next(
                (r for r in model["rows"] if r["engine"] == "pytorch" and r["threads"] == row["threads"]), None
            )
            label = f"embedding {model['key']}, {row['threads']} thr: llama.cpp / PyTorch"
            shown = "-" if ratio_t is None else f"{ratio_t:.2f}×"
            rows.append([label, shown, "≥ 1×", load("embedding")])
            detail = f"{row['chunks_per_s']:.2f} chunks/s, {row['tokens_per_s']:.0f} tok/s, "
            detail += f"{100 * row['fraction_of_numpy_gemm_peak']:.0f}% of GEMM"
            if torch_row is not None:
                detail += f" (PyTorch {torch_row['chunks_per_s']:.2f}/s, "
                detail += f"{100 * torch_row['fraction_of_numpy_gemm_peak']:.0f}%)"
            rows.append(["  llama.cpp", detail, "", ""])
    for scale, modes in (latest.get("search_p95_ms") or {}).items():
        p50 = (latest.get("search_p50_ms") or {}).get(scale, {})
        shown = ", ".join(f"{m} {p50.get(m, '?')}/{v}" for m, v in modes.items())
        aim = "hybrid p95 ≤ 100" if scale == "100000" else ""
        rows.append([f"search p50/p95 ms, {int(scale):,} chunks", shown, aim, load("search")])
        rows.append([f"  peak RSS, {int(scale):,} chunks", f"{latest['rss_mb'][scale]:.0f} MB", "", ""])
    for scale, seconds in (latest.get("open_s") or {}).items():
        first = (latest.get("first_search_ms") or {}).get(scale)
        aim = "≤ 2 s / ≤ 1.5 s" if scale == "1000000" else ""
        rows.append([f"  open, first search (model loading), {int(scale):,}", f"{seconds} s, {first} ms", aim, ""])
    while_indexing = latest.get("search_while_indexing")
    if while_indexing:
        for name, f in while_indexing.items():
            if isinstance(f, dict):
                ratios = ", ".join(f"{k.removesuffix('_ratio')} ×{v}" for k, v in f.items() if k.endswith("_ratio"))
                value = f"p95 {f['p95_ms']} ms (quiet {while_indexing['quiet_p95_ms']}); indexing {ratios}"
                value += f"; searches took {100 * f['search_share']:.0f} % of the time"
                aim = "p95 ≤ 300 ms" if name == "hold" else "(reference)"
                rows.append([f"hybrid while indexing, {name}", value, aim, load("load")])
    for key, shares in (latest.get("embed_fraction_of_llama_peak") or {}).items():
        before = (latest.get("embed_vs_before") or {}).get(key, {})
        shown = ", ".join(
            f"{t} thr {100 * v:.0f}%" + (f" ({before[t]:.2f}× before)" if t in before else "")
            for t, v in shares.items()
        )
        rows.append([f"embedding {key}: share of llama.cpp's matmul peak", shown, "≥ 70% or 2×", load("embedding")])
    for key, figures in (parts.get("lanes", {}).get("figures", {}).get("models") or {}).items():
        best = figures["best_chunks_per_s"]
        kept = sorted({run["kept"] for run in figures["runs"]["lanes"] if run["kept"]})
        ratio = f"{figures['ratio']:.2f}×" if figures["ratio"] else "-"
        shown = f"{best['lanes']:.2f} vs {best['one model']:.2f} chunks/s ({ratio}; kept: {', '.join(kept) or '-'})"
        rows.append([f"semantic phase {key}, app's layout vs one model", shown, "", load("lanes")])
    if latest.get("searchable_s"):
        eta = parts["eta"]["figures"]
        shown = f"words {eta['searchable_s']['text']} s, meaning {eta['searchable_s']['semantic']} s"
        rows.append([f"searchable, {eta['files']} files ({eta['model']})", shown, "", load("eta")])
        rows.append(["  ETA worst error from 25% of a phase", f"{latest.get('eta_worst_error_pct')}%", "≤ 20%", ""])
        rows.append(["  peak RSS per phase, MB", str(latest.get("indexing_rss_mb")), "", ""])
    stall = latest.get("gui_max_stall_ms")
    if stall is not None:
        idle = parts["gui"]["figures"]["idle"]["max_ms"]
        rows.append(
            ["GUI event loop, longest stall while indexing", f"{stall} ms (idle {idle} ms)", "≤ 50 ms", load("gui")]
        )
    rows += ocr_rows(parts.get("ocr", {}).get("figures", {}), load("ocr"))
    return rows


def ocr_rows(ocr: dict[str, Any], load: str) -> list[list[object]]:
    """The OCR part's rows of the summary table: CER per form, then pages/min per number of workers beside the
    bare engine in as many processes (the reference of the same run)."""
    rows: list[list[object]] = []
    cer = ocr.get("cer_summary", {})
    for form, aim in (("clean", "≤ 1.5 %"), ("degraded", "≤ 4 %")):
        if form in cer:
            rows.append(
                [f"OCR character error rate, {form} scans ({cer['pages']} pages)", f"{cer[form]:.2%}", aim, load]
            )
    speed = ocr.get("speed", {})
    engines = {r["workers"]: r for r in speed.get("rows", []) if r["path"] == "engine"}
    for row in (r for r in speed.get("rows", []) if r["path"] == "indexing"):
        n = row["workers"]
        engine = engines.get(n)
        ratio = f" = {row['vs_engine']:.2f}× the bare engine" if row.get("vs_engine") is not None else ""
        aim = "≥ 40 (2 cores)" if n == 2 else ""
        rows.append(
            [
                f"OCR pages/min, {n} worker(s), {speed['pages']} pages",
                f"{row['pages_per_minute']:.1f}{ratio}",
                aim,
                load,
            ]
        )
        idle = row["pages_per_minute_idle_estimate"]
        detail = f"{row['cpu_s_per_page']} s CPU/page → {idle} pages/min on {n} idle core(s)"
        if engine is not None:
            detail += f" (engine: {engine['pages_per_minute']:.1f} pages/min, {engine['cpu_s_per_page']} s CPU/page)"
        rows.append(["  indexing path", detail, "", ""])
    return rows


def carried_parts(path: Path) -> dict[str, Any]:
    """The parts of an earlier figures file, each with the code and machine it was measured on. A file written
    before parts recorded them names only the code of the parts it ran (``parts_run``); the others say theirs was
    not recorded, and all are given the file's machine, the only one it names."""
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    parts: dict[str, Any] = earlier.get("parts", {})
    code = earlier.get("code")
    for name, part in parts.items():
        ran = name in earlier.get("parts_run", [])
        part.setdefault("code", code if ran else f"not recorded (at or before {code})")
        part.setdefault("machine", earlier.get("machine"))
    return parts


def processor(m: dict[str, Any]) -> str:
    """A processor as the figures depend on it: its name and vector extensions."""
    vectors = [f for f in m.get("flags_of_note", []) if f.startswith(("avx", "amx"))]
    return f"{m.get('cpu')} ({', '.join(vectors) or 'no AVX'})"


def provenance(latest: dict[str, Any]) -> list[str]:
    """Lines saying which parts were measured on other code or another processor than the run's."""
    lines: list[str] = []
    for name, part in latest["parts"].items():
        code, m = part.get("code", latest["code"]), part.get("machine") or latest["machine"]
        if code != latest["code"] or processor(m) != processor(latest["machine"]):
            lines.append(f"- `{name}`: measured {part['measured_at'][:16]} on code {code}, {processor(m)}")
    if lines:
        lines[:0] = ["", f"Parts kept from earlier runs (this run: {processor(latest['machine'])}):"]
    return lines


def markdown(latest: dict[str, Any]) -> str:
    """The README's table of the latest figures (``python -m bench --markdown``)."""
    parts = latest["parts"]
    m = latest["machine"]
    lines = [
        f"Measured {latest['generated_at'][:10]} (code {latest['code']}) on {m['cpu']}, {m['cores']} cores, "
        f"{m['memory_gb']:.0f} GB, shared with other jobs:",
        f"load average {latest['load']['before'][0]} before the run, {latest['load']['after'][0]} after (each "
        "part's load is in `bench/results/latest.json`).",
        *provenance(latest),
        "",
        "| figure | Arbiter | anchor (same run) | aim |",
        "|---|---|---|---|",
    ]
    recoll = parts.get("recoll", {}).get("figures", {})
    if "mixed" in recoll:
        folder, mixed = recoll["folder"], recoll["mixed"]
        a, r = mixed["arbiter"], mixed["recoll"]
        lines.append(
            f"| text indexing, {sum(folder['files'].values()):,} PDF/DOCX/ODT/TXT files ({folder['file_mb']} MB) "
            f"| {a['files_per_s']:.0f} files/s, {a['file_mb_per_s']:.2f} MB/s | Recoll {recoll['recoll_version']}: "
            f"{r['files_per_s']:.0f} files/s, {r['file_mb_per_s']:.2f} MB/s → **{recoll['recoll_ratio']:.2f}×** "
            "| ≥ 2× |"
        )
        kinds = ", ".join(f"{k.upper()} {v['ratio']:.2f}×" for k, v in recoll.get("per_kind", {}).items())
        if kinds:
            lines.append(f"| … each kind alone, Arbiter ÷ Recoll | {kinds} | | ≥ 1× each |")
        if "ratio_before" in mixed:
            folders = [("mixed", mixed), *recoll.get("per_kind", {}).items()]
            before = ", ".join(f"{k} {v['ratio_before']:.2f}× → {v['ratio']:.2f}×" for k, v in folders)
            lines.append(f"| … the code before issue 19 in the same run ÷ Recoll → now | {before} | | |")
    scaling = recoll.get("scaling")
    if scaling:
        shown = ", ".join(f"{c} cores {r['files_per_s']:.0f} files/s ({r['speedup']:.2f}×)" for c, r in scaling.items())
        lines.append(f"| text indexing of the mixed folder by cores (`index --cores N`) | {shown} | | |")
    embedding = parts.get("embedding", {}).get("figures", {})
    for model in embedding.get("models", []):
        rows = model["rows"]
        llama = [r for r in rows if r["engine"] == "llama.cpp"]
        torch = [r for r in rows if r["engine"] == "pytorch"]

        def cells(engine_rows: list[dict[str, Any]]) -> str:
            speed = " / ".join(f"{r['chunks_per_s']:.2f}" for r in engine_rows)
            tokens = " / ".join(f"{r['tokens_per_s']:.0f}" for r in engine_rows)
            share = " / ".join(f"{100 * r['fraction_of_numpy_gemm_peak']:.0f}%" for r in engine_rows)
            return f"{speed} chunks/s ({tokens} tokens/s; {share} of the fp32 GEMM peak)"

        threads = " / ".join(str(r["threads"]) for r in llama)
        ratios = (latest.get("embed_vs_torch_ratio") or {}).get(model["key"], {})
        shown = " / ".join(f"{ratios[str(r['threads'])]:.2f}×" for r in llama if str(r["threads"]) in ratios)
        anchor = f"PyTorch fp32, same weights: {cells(torch)} → **{shown}**" if torch else "no PyTorch reference"
        lines.append(f"| embedding, {model['label']}, {threads} threads | {cells(llama)} | {anchor} | ≥ 1× |")
    search = parts.get("search", {}).get("figures", {})
    scales = search.get("scales", {})
    if scales:
        names = " / ".join(f"{int(s) // 1000:,}k" if int(s) < 1_000_000 else f"{int(s) // 1_000_000}M" for s in scales)
        labels = {
            "lexical": "lexical",
            "dense": "dense",
            "hybrid": "hybrid",
            "full": "full (hybrid, then the learned ranker over the head)",
            "other_passages": "then the passages of hits 11–50 (after the list shows, every mode)",
            "first_screen_marks": "then the closest sentences of the first 8 hybrid hits (after the list shows)",
        }
        for mode, label in labels.items():
            if not all(mode in f["modes"] for f in scales.values()):
                continue  # figures of an earlier version of the part
            values = " / ".join(
                f"{f['modes'][mode]['p50_ms']:.0f}–{f['modes'][mode]['p95_ms']:.0f}" for f in scales.values()
            )
            aim = "hybrid p95 ≤ 100 ms at 100k" if mode == "hybrid" else ""
            lines.append(f"| search p50–p95 ms, {label}, {names} chunks | {values} | | {aim} |")
        rss = " / ".join(f"{f['memory_mb']['after']['peak_rss']:,.0f}" for f in scales.values())
        model_rss = next(iter(scales.values()))["memory_mb"]["before_case"]["rss"]
        lines.append(
            f"| peak RSS of the search process, {names} chunks | {rss} MB (of which {model_rss:.0f} MB before "
            "the case opens: Python, libraries, the model) | | |"
        )
        opened = " / ".join(f"{f.get('open_s')} s, {f.get('first_search_ms', 0):.0f} ms" for f in scales.values())
        if not all("first_search_ms" in f for f in scales.values()):
            opened = ""
        label = f"opening the case, then its first hybrid search (model loading), {names} chunks"
        if opened:
            lines.append(f"| {label} | {opened} | | 1M: ≤ 2 s, ≤ 1.5 s |")
    load = parts.get("load", {}).get("figures", {})
    if "strategies" in load:
        alone = load["indexing_alone"]
        for name, f in load["strategies"].items():
            idx = f["indexing"]
            speed = ", ".join(
                f"{idx[u] / alone[u]:.2f}× {label}"
                for u, label in (("files_per_s", "files/s"), ("chunks_per_s", "chunks/s"))
                if idx.get(u) and alone.get(u)
            )
            label = "the app's search-first flag" if name == "hold" else f"strategy {name}"
            lines.append(
                f"| hybrid p50–p95 ms while indexing and embedding {load.get('chunks', 0):,} chunks' case, {label} "
                f"| {f['p50_ms']:.0f}–{f['p95_ms']:.0f} (indexing {speed} alone; "
                f"searches {100 * f['search_share']:.0f} % of the time) "
                f"| quiet: {load['quiet']['p50_ms']:.0f}–{load['quiet']['p95_ms']:.0f} | p95 ≤ 300 ms |"
            )
    for key, shares in (latest.get("embed_fraction_of_llama_peak") or {}).items():
        before = (latest.get("embed_vs_before") or {}).get(key, {})
        shown = " / ".join(f"{100 * v:.0f}%" for v in shares.values())
        gain = " / ".join(f"{v:.2f}×" for v in before.values())
        lines.append(
            f"| embedding {key}, {' / '.join(shares)} threads: useful FLOP/s ÷ llama.cpp's matmul peak for its weight"
            f" type | {shown} | {('chunks/s ÷ the model file it replaces: ' + gain) if gain else ''} | ≥ 70% or 2× |"
        )
    lanes = parts.get("lanes", {}).get("figures", {})
    for key, figures in (lanes.get("models") or {}).items():
        best = figures["best_chunks_per_s"]
        kept = ", ".join(sorted({run["kept"] for run in figures["runs"]["lanes"] if run["kept"]})) or "-"
        worker_mb = max((run["workers_rss_mb"] or 0.0 for run in figures["runs"]["lanes"]), default=0.0)
        lines.append(
            f"| semantic phase, {key}, {lanes['files']} files, the app's layout of embedding models (kept: {kept};"
            f" workers' peak RSS {worker_mb:.0f} MB) | {best['lanes']:.2f} chunks/s | one model with every core:"
            f" {best['one model']:.2f} → **{figures['ratio']:.2f}×** | |"
        )
    eta = parts.get("eta", {}).get("figures", {})
    if "searchable_s" in eta:
        ten = eta["ten_thousand_documents_s"]
        lines.append(
            f"| searchable by words / by meaning, {eta['files']:,} files ({eta['model']}) | "
            f"{eta['searchable_s']['text']} s / {eta['searchable_s']['semantic']} s; a case of 10,000 such "
            f"documents: {ten['text']} s / {ten['semantic']} s | | |"
        )
        lines.append(f"| ETAs shown, worst error from 25 % of a phase on | {eta['eta_worst_error_pct']} % | | ≤ 20 % |")
        rss = eta.get("rss_mb", {})
        lines.append(
            f"| peak RSS of indexing: indexer text / semantic phase, largest worker | {rss.get('indexer_text', '-')} /"
            f" {rss.get('indexer_semantic', '-')} / {rss.get('workers', '-')} MB | | |"
        )
    gui = parts.get("gui", {}).get("figures", {})
    if "gui_max_stall_ms" in gui:
        lines.append(
            f"| longest event-loop stall of the window while indexing (p99) | {gui['gui_max_stall_ms']:.0f} ms "
            f"({gui['indexing']['p99_ms']:.0f} ms) | the same window idle: {gui['idle']['max_ms']:.0f} ms "
            f"({gui['idle']['p99_ms']:.0f} ms) | ≤ 50 ms |"
        )
    ocr = parts.get("ocr", {}).get("figures", {})
    cer = ocr.get("cer_summary", {})
    if "clean" in cer and "degraded" in cer:
        lines.append(
            f"| OCR character error rate, {cer['pages']} dev-corpus pages: clean 300 dpi / degraded 150 dpi scans "
            f"| {cer['clean']:.2%} / {cer['degraded']:.2%} | | ≤ 1.5 % / ≤ 4 % |"
        )
    speed = ocr.get("speed", {})
    engines = {r["workers"]: r for r in speed.get("rows", []) if r["path"] == "engine"}
    for row in (r for r in speed.get("rows", []) if r["path"] == "indexing"):
        n = row["workers"]
        engine = engines.get(n)
        anchor = (
            f"bare engine, {n} process(es): {engine['pages_per_minute']:.1f} pages/min, {engine['cpu_s_per_page']} s "
            f"CPU/page → **{row['vs_engine']:.2f}×**"
            if engine is not None and row.get("vs_engine") is not None
            else ""
        )
        lines.append(
            f"| OCR of scanned PDFs indexed, {n} worker(s), {speed['pages']} pages (wall clock; CPU/page) "
            f"| {row['pages_per_minute']:.1f} pages/min; {row['cpu_s_per_page']} s "
            f"| {anchor} | {'≥ 40 pages/min' if n == 2 else ''} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default=",".join(PARTS), help=f"parts to run, comma-separated: {', '.join(PARTS)}")
    parser.add_argument("--gemma", action="store_true", help="embedding part: EmbeddingGemma-300M too")
    parser.add_argument("--chunks", type=int, default=48, help="embedding part: chunks embedded per engine")
    parser.add_argument("--scales", default="10000,100000,1000000", help="search part: chunk counts")
    parser.add_argument("--queries", type=int, default=100, help="search part: queries per mode and scale")
    parser.add_argument("--base", type=int, default=512, help="search part: real passages embedded as the base")
    parser.add_argument(
        "--search-e5", action="store_true", help="search part: multilingual-e5-small, not EmbeddingGemma"
    )
    parser.add_argument("--load-seconds", type=float, default=90.0, help="load part: seconds per run")
    parser.add_argument("--no-per-kind", action="store_true", help="recoll part: the mixed folder only")
    parser.add_argument("--rounds", type=int, default=3, help="recoll part: runs of each tool, interleaved")
    parser.add_argument("--scaling", default="1,2", help="recoll part: cores to index the mixed folder with")
    parser.add_argument(
        "--baseline", type=Path, help="recoll part: a folder holding an earlier arbiter_desktop, measured beside"
    )
    parser.add_argument("--lanes-every", type=int, default=16, help="lanes part: every K-th file of the folder")
    parser.add_argument("--eta-model", default="e5", help="eta part: the model (e5 or embeddinggemma)")
    parser.add_argument("--eta-every", type=int, default=1, help="eta part: every K-th file of the folder")
    parser.add_argument("--ocr-pages", type=int, default=24, help="ocr part: pages for the CER (0: skip)")
    parser.add_argument("--ocr-docs", type=int, default=12, help="ocr part: scanned documents for the speed (0: skip)")
    parser.add_argument("--out", type=Path, default=LATEST, help="where the figures go")
    parser.add_argument("--markdown", action="store_true", help="only print the README table of the --out figures")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(args.out.read_text(encoding="utf-8"))))
        return 0
    only = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(only) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {unknown}: choose among {', '.join(PARTS)}")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if "ARBITER_MODELS_DIR" not in os.environ and not any(DEFAULT_MODELS_DIR.glob("*.gguf")):
        _say(f"no model in {DEFAULT_MODELS_DIR}: set ARBITER_MODELS_DIR to the folder that holds them")

    compile_bytecode()  # before any clock starts: the processes the suite times start from bytecode, as bundled
    previous = carried_parts(args.out)
    parts = {name: previous[name] for name in PARTS if name in previous and name not in only}
    code = git_head()  # the code that runs (a later commit must not claim these figures)
    here = machine()
    load_before = load_average()
    started = time.perf_counter()
    for name in (p for p in PARTS if p in only):
        _say(f"\n=== {name} ===")
        begun = time.perf_counter()
        part_load = load_average()
        figures = RUNNERS[name](args)
        parts[name] = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "code": code,
            "machine": here,
            "seconds": round(time.perf_counter() - begun, 1),
            "load_before": part_load,
            "load_after": load_average(),
            "figures": figures,
        }
    latest: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": code,
        "machine": here,
        "load": {"before": load_before, "after": load_average()},
        "run_seconds": round(time.perf_counter() - started, 1),
        "parts_run": only,
        **headline(parts),
        "parts": {name: parts[name] for name in PARTS if name in parts},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(latest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    m = latest["machine"]
    print(
        f"\n=== Summary ({latest['code']}) — {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; "
        f"load average {latest['load']['before']} before, {latest['load']['after']} after ==="
    )
    print(table(summary_rows(latest), ["figure", "value", "aim", "load 1 min"], left=4))
    kept = [name for name in parts if name not in only]
    if kept:
        print(f"(from the previous run: {', '.join(kept)})")
    print(f"figures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
