"""Time until the benchmark folder is searchable by words and by meaning, the ETAs shown meanwhile, and the
memory of each phase: ``arbiter index`` with a model, as a user runs it.

    .venv/bin/python -m bench.bench_eta [--model e5|embeddinggemma] [--every 1] [--cores N] [--json OUT]

The folder is the Recoll comparison's (bench_recoll.py: 4,892 PDF, DOCX, ODT and TXT files; ``--every K`` keeps
every K-th file). ``index CASE FOLDER --model M --progress-log LOG --profile P`` runs in a fresh case; every
progress event it emits (phase, counts and the two ETAs the window shows) is logged with its time.

* Time to searchable: from the command's start to the end of the text phase (every file searchable by its
  words), and to the end of the semantic phase (every chunk by meaning); and what that makes for a case of
  10,000 documents like these (the same rates, the start-up counted once).
* ETA accuracy: at 10 %, 25 %, 50 % and 75 % of each phase, the time left that the last event before that moment
  announced, against the time that was actually left: the error in per cent of the actual time left. For the
  semantic phase, also what the text phase announced for it (the ETA of the whole run). The worst error counts
  the checkpoints from 25 % on where at least 10 s were left (an ETA shown in whole seconds cannot be within
  20 % of 2 s).
* Memory: peak resident memory of the indexer in the text phase and in the semantic phase, and of the largest
  extraction worker (``rss.*`` of the run's profile, Linux /proc VmHWM).

Figures, not tests: they move with the other jobs on the machine (the load is recorded).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.bench_embedding import MODELS
from bench.bench_indexing import write_documents
from bench.bench_recoll import CORPORA
from bench.common import CACHE, measured, python_env, run_python, table

CHECKPOINTS = (0.10, 0.25, 0.50, 0.75)
MIN_JUDGED_S = 10.0  # an ETA shown in whole seconds is not judged in per cent of less than this
REFERENCE_DOCUMENTS = 10_000
REFERENCE_CHUNKS = 50_000  # a 10,000-document case of several-page documents (issue 19's figure)
TEXT_PHASES = ("text", "lexical")


def sample(folder: Path, every: int, cache: Path) -> Path:
    """``folder`` itself, or a copy of every ``every``-th of its files (kept in ``cache``)."""
    if every <= 1:
        return folder
    files = sorted(folder.iterdir())[::every]
    target = cache / f"{folder.name}-every{every}"
    if not target.exists() or len(list(target.iterdir())) != len(files):
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for path in files:
            shutil.copy2(path, target / path.name)
    return target


def accuracy(events: list[dict[str, Any]], phases: Sequence[str], key: str, end: float) -> list[dict[str, Any]]:
    """At each checkpoint of the span of ``phases``: the ETA ``key`` announced by the last event before it, the
    time actually left until ``end``, and the error in per cent of the latter."""
    span = [e for e in events if e["phase"] in phases]
    if not span:
        return []
    start = span[0]["t"]
    rows: list[dict[str, Any]] = []
    for fraction in CHECKPOINTS:
        moment = start + fraction * (span[-1]["t"] - start)
        before = [e for e in span if e["t"] <= moment and e.get(key) is not None]
        if not before:
            rows.append({"at": fraction, "eta_s": None, "actual_s": round(end - moment, 1), "error_pct": None})
            continue
        last = before[-1]
        actual = end - last["t"]
        error = 100.0 * (last[key] - actual) / actual if actual > 0 else None
        rows.append(
            {
                "at": fraction,
                "eta_s": last[key],
                "actual_s": round(actual, 1),
                "error_pct": None if error is None else round(error, 1),
            }
        )
    return rows


def run(
    model: str = "e5",
    every: int = 1,
    cores: int | None = None,
    cache: Path = CACHE,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    spec = MODELS[model]
    if not spec.gguf.exists():
        why = f"{spec.gguf} absent: run `make models`"
        log(f"ETA benchmark skipped: {why}")
        return {"skipped": why}
    written = write_documents(CORPORA, cache / "documents")
    folder = sample(written.folder, every, cache)
    files = len(list(folder.iterdir()))
    log(f"indexing {files} files with {spec.label} (text, then semantic)…")
    with tempfile.TemporaryDirectory(prefix="bench-eta-") as tmp:
        work = Path(tmp)
        progress, profile = work / "progress.jsonl", work / "profile.json"
        command = ["-m", "arbiter_desktop", "index", str(work / "case"), str(folder), "--model", str(spec.gguf)]
        command += ["--progress-log", str(progress), "--profile", str(profile)]
        if cores is not None:
            command += ["--cores", str(cores)]
        env = python_env()  # the bytecode written before the clock starts
        with measured() as span:
            started = time.time()
            done = run_python(command, env=env, capture_output=True)
        events = [json.loads(line) for line in progress.read_text(encoding="utf-8").splitlines() if line.strip()]
        figures = json.loads(profile.read_text(encoding="utf-8")) if profile.exists() else {}
    if done.returncode not in (0, 1) or not events:
        return {"skipped": f"arbiter index failed (exit {done.returncode}): {done.stderr[-1500:]}"}
    text_events = [e for e in events if e["phase"] in TEXT_PHASES]
    semantic_events = [e for e in events if e["phase"] == "semantic"]
    text_end = text_events[-1]["t"] if text_events else started
    semantic_end = semantic_events[-1]["t"] if semantic_events else text_end
    documents = max((e["done"] for e in text_events if e["phase"] == "text"), default=files)
    chunks = max((e["total"] for e in semantic_events), default=0)
    startup = (text_events[0]["t"] - started) if text_events else 0.0
    text_rate = documents / max(1e-6, text_end - text_events[0]["t"]) if text_events else 0.0
    semantic_rate = chunks / max(1e-6, semantic_end - semantic_events[0]["t"]) if semantic_events and chunks else 0.0
    per_document = chunks / documents if documents else 0.0
    report: dict[str, Any] = {
        "model": spec.label,
        "files": files,
        "documents": documents,
        "chunks": chunks,
        "command": "python " + " ".join(command),
        **span.as_dict(),
        "searchable_s": {"text": round(text_end - started, 1), "semantic": round(semantic_end - started, 1)},
        "rates": {"files_per_s": round(text_rate, 1), "chunks_per_s": round(semantic_rate, 2)},
        "ten_thousand_documents_s": {
            "text": round(startup + REFERENCE_DOCUMENTS / text_rate, 0) if text_rate else None,
            "semantic": round(
                startup + REFERENCE_DOCUMENTS / text_rate + REFERENCE_DOCUMENTS * per_document / semantic_rate,
                0,
            )
            if text_rate and semantic_rate
            else None,
        },
        "fifty_thousand_chunks_s": round(REFERENCE_CHUNKS / semantic_rate, 0) if semantic_rate else None,
        "eta": {
            "text": accuracy(events, TEXT_PHASES, "eta_text_s", text_end),
            "semantic": accuracy(events, ("semantic",), "eta_semantic_s", semantic_end),
            "semantic_announced_in_text_phase": accuracy(events, TEXT_PHASES, "eta_semantic_s", semantic_end),
        },
        "rss_mb": {k.removeprefix("rss."): v for k, v in figures.items() if k.startswith("rss.")},
    }
    errors = [
        abs(row["error_pct"])
        for rows in report["eta"].values()
        for row in rows
        if row["error_pct"] is not None and row["at"] >= 0.25 and row["actual_s"] >= MIN_JUDGED_S
    ]
    report["eta_worst_error_pct"] = round(max(errors), 1) if errors else None
    return report


def print_report(report: dict[str, Any]) -> None:
    if "skipped" in report:
        print(f"ETA benchmark skipped: {report['skipped']}")
        return
    print(
        f"\n{report['files']} files → {report['documents']} documents, {report['chunks']} chunks, {report['model']}; "
        f"load {report['load_before'][:1]} → {report['load_after'][:1]}"
    )
    searchable, ten = report["searchable_s"], report["ten_thousand_documents_s"]
    print(
        f"searchable by words after {searchable['text']} s, by meaning after {searchable['semantic']} s "
        f"({report['rates']['files_per_s']} files/s, {report['rates']['chunks_per_s']} chunks/s); "
        f"a case of {REFERENCE_DOCUMENTS:,} such documents: {ten['text']} s by words, {ten['semantic']} s by meaning"
    )
    rows = []
    for name, found in report["eta"].items():
        for row in found:
            rows.append([name, f"{int(100 * row['at'])} %", row["eta_s"], row["actual_s"], row["error_pct"]])
    print(table(rows, ["ETA", "at", "announced s", "actual s", "error %"]))
    print(
        f"worst error from 25 % of a phase on (where at least {MIN_JUDGED_S:.0f} s were left): "
        f"{report['eta_worst_error_pct']} %; {REFERENCE_CHUNKS:,} chunks take {report['fifty_thousand_chunks_s']} s "
        f"to embed at this pace; peak RSS MB: {report['rss_mb']}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--model", default="e5", choices=sorted(MODELS))
    parser.add_argument("--every", type=int, default=1, help="keep every K-th file of the folder")
    parser.add_argument("--cores", type=int, help="index --cores N (default: the setting)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report = run(args.model, args.every, args.cores)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
