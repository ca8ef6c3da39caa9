"""Indexing throughput on codes_penal_cpp written out as files, beside a reference run in the same process.

The reference is the floor of the same work: the same texts added straight to a tantivy index with the same
French analyzer, with no discovery, hashing, extraction processes, chunking or catalog. The ratio tells what
the pipeline costs on top of the full-text index itself.

    .venv/bin/python bench/bench_indexing.py [--corpus ../shared/evaldata/codes_penal_cpp]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tempfile
import time
from pathlib import Path

from arbiter_desktop.config.settings import Settings
from arbiter_desktop.indexing.job import Indexer
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.lexical import ChunkRecord, LexicalStore

ROOT = Path(__file__).resolve().parents[1]


def write_files(corpus: Path, folder: Path) -> tuple[list[str], int]:
    texts: list[str] = []
    folder.mkdir(parents=True)
    for number, line in enumerate(corpus.read_text(encoding="utf-8").splitlines()):
        doc = json.loads(line)
        text = f"{doc.get('title', '')}\n\n{doc['text']}"
        (folder / f"{number:05d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts, sum(len(t.encode("utf-8")) for t in texts)


def reference(texts: list[str], folder: Path) -> float:
    store = LexicalStore(folder)
    started = time.perf_counter()
    store.open_writer()
    store.add_chunks(ChunkRecord(i, i, str(i), t, "", [f"/{i}.txt"], "text", None) for i, t in enumerate(texts))
    store.close_writer()
    return time.perf_counter() - started


def pipeline(folder: Path, case_dir: Path, workers: int) -> tuple[float, int, int]:
    case = Case.open(case_dir, create=True)
    case.settings = Settings(workers=workers)
    started = time.perf_counter()
    report = Indexer(case).run([folder])
    elapsed = time.perf_counter() - started
    case.close()
    return elapsed, report.documents, report.chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/evaldata/codes_penal_cpp")
    parser.add_argument("--workers", type=int, default=Settings().workers)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        texts, size = write_files(args.corpus / "corpus.jsonl", root / "files")
        ref_s = reference(texts, root / "ref")
        run_s, documents, chunks = pipeline(root / "files", root / "case", args.workers)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_version()}")
    print(f"corpus: {len(texts)} files, {size / 1e6:.1f} MB of text → {documents} documents, {chunks} chunks")
    print(f"{'run':<34}{'seconds':>9}{'docs/s':>10}{'MB/s':>8}")
    print(f"{'reference: tantivy alone':<34}{ref_s:>9.2f}{len(texts) / ref_s:>10.0f}{size / 1e6 / ref_s:>8.2f}")
    label = f"arbiter index ({args.workers} workers)"
    print(f"{label:<34}{run_s:>9.2f}{len(texts) / run_s:>10.0f}{size / 1e6 / run_s:>8.2f}")
    print(f"pipeline / reference time: {run_s / ref_s:.1f}x; peak RSS {rss_mb:.0f} MB (workers {child_mb:.0f} MB)")


if __name__ == "__main__":
    main()
