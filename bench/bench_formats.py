"""Extraction speed of the formats added for real case folders, beside plain text files in the same run.

The same documents (codes_penal_cpp, one article a document) are written as TXT (the reference), DOC (Word 97),
MSG (Outlook), XLSX (one row a sentence, with headers), CSV, and as members of ZIP and tar.gz archives (20 a
container); each folder is indexed on its own through the indexer users run (discovery, hashing, extraction
workers, chunking, catalog, full-text index; no embedding). The DOC and MSG writers are the tests' own
(tests/ingest/ole.py, spreadsheets.py).

    .venv/bin/python -m bench.bench_formats [--documents 400]
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import shutil
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from arbiter_desktop.config.settings import Settings
from arbiter_desktop.indexing.job import Indexer
from arbiter_desktop.stores.case import Case
from bench.bench_indexing import SourceDocument, read_corpus
from bench.common import EVALDATA, ROOT, load_average

PER_CONTAINER = 20


def _writers() -> tuple[Any, Any]:
    sys.path.insert(0, str(ROOT / "tests" / "ingest"))
    return importlib.import_module("ole"), importlib.import_module("spreadsheets")


def _text(doc: SourceDocument) -> str:
    return f"{doc.title}\n\n{doc.text}"


def write_folder(kind: str, docs: Sequence[SourceDocument], folder: Path) -> None:
    ole, sheets = _writers()
    folder.mkdir(parents=True)
    if kind in ("zip", "tar.gz"):
        for start in range(0, len(docs), PER_CONTAINER):
            part = {
                f"pieces/{start + i:05d}.txt": _text(d).encode() for i, d in enumerate(docs[start:][:PER_CONTAINER])
            }
            path = folder / f"{start:05d}.{kind}"
            if kind == "zip":
                with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                    for name, data in part.items():
                        archive.writestr(name, data)
            else:
                with tarfile.open(path, "w:gz") as archive:
                    for name, data in part.items():
                        info = tarfile.TarInfo(name)
                        info.size = len(data)
                        archive.addfile(info, io.BytesIO(data))
        return
    write: dict[str, Callable[[Path, SourceDocument], object]] = {
        "txt": lambda p, d: p.write_text(_text(d), encoding="utf-8"),
        "doc": lambda p, d: ole.write_cfb(p, ole.word97(_text(d))),
        "msg": lambda p, d: ole.write_cfb(p, ole.outlook_message(d.title or "sans objet", d.text, "Greffe", "OPJ")),
        "xlsx": lambda p, d: sheets.write_xlsx(
            p, {"Feuille": [["article", "phrase"]] + [[d.title, s] for s in d.text.split(". ") if s]}
        ),
        "csv": lambda p, d: p.write_text(
            "article;phrase\n" + "\n".join(f'"{d.title}";"{s}"' for s in d.text.split(". ") if s), encoding="utf-8"
        ),
    }
    for number, doc in enumerate(docs):
        write[kind](folder / f"{number:05d}.{kind}", doc)


def index_folder(folder: Path, workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="arbiter-bench-case-") as case_dir:
        case = Case.open(Path(case_dir) / "case", create=True, settings=Settings(workers=workers, semantic=False))
        started = time.perf_counter()
        report = Indexer(case).run([folder])
        seconds = time.perf_counter() - started
        counts = case.catalog.counts()
        case.close()
    return {"seconds": round(seconds, 3), "documents": counts["documents"], "errors": report.errors}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=EVALDATA / "codes_penal_cpp" / "corpus.jsonl")
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    docs = read_corpus(args.corpus)[: args.documents]
    kinds = ("txt", "doc", "msg", "xlsx", "csv", "zip", "tar.gz")
    results: dict[str, Any] = {"load_before": load_average(), "documents": len(docs)}
    with tempfile.TemporaryDirectory(prefix="arbiter-bench-formats-") as work:
        for kind in kinds:
            write_folder(kind, docs, Path(work) / kind.replace(".", "_"))
        for kind in kinds:  # txt first and last: the reference, twice, to see the drift of a shared machine
            results[kind] = index_folder(Path(work) / kind.replace(".", "_"), args.workers)
            print(f"{kind:7} {results[kind]}", flush=True)
        results["txt_again"] = index_folder(Path(work) / "txt", args.workers)
        print(f"txt     {results['txt_again']} (again)", flush=True)
        shutil.rmtree(work, ignore_errors=True)
    reference = (results["txt"]["seconds"] + results["txt_again"]["seconds"]) / 2
    results["load_after"] = load_average()
    for kind in kinds:
        per = results[kind]["seconds"] / max(1, len(docs))
        print(f"{kind:7} {1000 * per:6.1f} ms a document   {results[kind]['seconds'] / reference:5.2f}× the TXT time")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
