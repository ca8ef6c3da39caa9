"""Full-text indexing throughput against Recoll, side by side in one run, on the same folder of documents.

    .venv/bin/python -m bench.bench_recoll [--no-per-kind] [--json OUT]

The folder: codes_penal_cpp and piaf_v1.1 written out as 4,892 files, in turn PDF (with an embedded TrueType
font), DOCX, ODT and UTF-8 text (``bench_indexing.write_documents``, kept in ``bench/.cache/documents``).

* Arbiter: ``python -m arbiter_desktop index CASE FOLDER --no-semantic``, the command a user runs, into a new
  case: its text phase only (discovery, hashing, extraction in worker processes, chunking, catalog, tantivy).
* Recoll: ``recollindex -c CONFDIR`` with a configuration directory of its own: ``topdirs`` = the folder,
  ``indexstemminglanguages = french`` (Arbiter stems French; Recoll's default is English) and ``noaspell = 1``
  (no spelling dictionary: Arbiter builds none), ``idxniceprio = 0`` (Recoll lowers its indexer to nice 19 by
  default: on a machine with other jobs it would then wait behind them, while Arbiter's indexer runs at the
  ordinary priority; both run at the same one here). Its filters run with the system's Python
  (``PATH=/usr/sbin:/usr/bin:/sbin:/bin``), where the Debian package's helpers are: ``pdftotext``
  (poppler-utils) for PDF, ``python3-lxml`` for DOCX and ODT. A pyenv or venv ``python3`` first on the PATH
  would lack lxml, and Recoll would skip DOCX and ODT.

Both start cold as processes (their start-up counts) on files already in the page cache (every file is read
once before). Throughput = files / wall seconds; MB/s of the files' bytes and of their text. The CPU seconds
of each run's process tree are given too: on a machine shared with other jobs they move less than wall time.
Then a check that each tool made every kind searchable: the count per kind (Recoll: ``recollq -E -Q
ext:KIND``; Arbiter: its catalog), and a probe on a sample of files of each kind: two words of the body must
find the file (Recoll: ``recollq "filename:NAME w1 w2"``; Arbiter: ``chemin:NAME AND w``, a lexical search
for each word). With ``--per-kind`` (the default) each kind is also indexed alone, in a folder of its own, by
both tools: where the time goes.

Without ``recollindex`` the comparison is skipped with the command that installs it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.bench_indexing import KINDS, SourceDocument, Written, read_corpus, write_documents
from bench.common import CACHE, EVALDATA, measured, python_env, table

CORPORA = (EVALDATA / "codes_penal_cpp" / "corpus.jsonl", EVALDATA / "piaf_v1.1" / "corpus.jsonl")
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
INSTALL = "apt-get install -y recoll python3-lxml poppler-utils"
PROBES_PER_KIND = 5
RECOLL_EXT = {"pdf": "pdf", "docx": "docx", "odt": "odt", "txt": "txt"}
ARBITER_KIND = {"pdf": "pdf", "docx": "docx", "odt": "odt", "txt": "text"}


def recoll_missing() -> str | None:
    """Why Recoll cannot run here, with the fix; None when it can."""
    missing = [tool for tool in ("recollindex", "recollq") if shutil.which(tool, path=SYSTEM_PATH) is None]
    if missing:
        return f"{', '.join(missing)} not found: install Recoll with `{INSTALL}` (as root), then run again"
    return None


def helpers() -> dict[str, bool]:
    """Recoll's helpers for the kinds of the folder, as its filters will find them."""
    lxml = subprocess.run(
        ["python3", "-c", "import lxml"], env={"PATH": SYSTEM_PATH}, capture_output=True, check=False
    ).returncode
    return {
        "pdftotext (PDF)": shutil.which("pdftotext", path=SYSTEM_PATH) is not None,
        "python3-lxml (DOCX, ODT)": lxml == 0,
    }


def recoll_version() -> str:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "recollcmd"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else "?"


# ----------------------------------------------------------------------------- the folders


def by_kind(written: Written, root: Path) -> dict[str, Path]:
    """One folder per kind holding copies of that kind's files (kept between runs)."""
    folders: dict[str, Path] = {}
    for kind in written.files:
        folder = root / kind
        files = sorted(written.folder.glob(f"*.{kind}"))
        if not folder.exists() or len(list(folder.iterdir())) != len(files):
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            for path in files:
                shutil.copy2(path, folder / path.name)
        folders[kind] = folder
    return folders


def warm(folder: Path) -> None:
    """Read every file once, so that both tools find them in the page cache."""
    for path in folder.iterdir():
        path.read_bytes()


def probe_words(doc: SourceDocument) -> tuple[str, str] | None:
    """Two distinct long words of a document's body (not of its title), if it has them."""
    title = set(doc.title.lower().split())
    found: list[str] = []
    for word in doc.text.split():
        if len(word) >= 8 and word.isalpha() and word.lower() not in title and word not in found:
            found.append(word)
            if len(found) == 2:
                return found[0], found[1]
    return None


def probes(documents: Sequence[SourceDocument], kinds: Sequence[str]) -> dict[str, list[tuple[str, str, str]]]:
    """Per kind, (file name, word, word) for a seeded sample of its files."""
    rng = np.random.default_rng(11)
    chosen: dict[str, list[tuple[str, str, str]]] = {}
    for offset, kind in enumerate(kinds):
        numbers = list(range(offset, len(documents), len(kinds)))
        picked: list[tuple[str, str, str]] = []
        for number in rng.permutation(numbers).tolist():
            words = probe_words(documents[number])
            if words is not None:
                picked.append((f"{number:05d}.{kind}", *words))
            if len(picked) == PROBES_PER_KIND:
                break
        chosen[kind] = picked
    return chosen


# ----------------------------------------------------------------------------- the runs


def run_recoll(folder: Path, work: Path) -> dict[str, Any]:
    conf = work / "recoll-conf"
    conf.mkdir(parents=True)
    settings = {
        "topdirs": str(folder),
        "dbdir": str(conf / "xapiandb"),
        "indexstemminglanguages": "french",
        "noaspell": "1",
        "idxniceprio": "0",
    }
    (conf / "recoll.conf").write_text("".join(f"{k} = {v}\n" for k, v in settings.items()), encoding="utf-8")
    env = {"PATH": SYSTEM_PATH, "HOME": str(work), "LANG": "C.UTF-8"}
    log = work / "recollindex.log"
    with log.open("w") as out, measured() as span:
        done = subprocess.run(
            ["recollindex", "-c", str(conf), "--diagsfile", str(work / "diags.txt")],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    diags = [line for line in (work / "diags.txt").read_text(errors="replace").splitlines() if line.strip()]
    return {
        "command": f"recollindex -c {conf}",
        "config": settings,
        "returncode": done.returncode,
        **span.as_dict(),
        "diagnostics": len(diags),
        "diagnostics_sample": diags[:5],
        "conf": conf,
    }


def recoll_counts(conf: Path, kinds: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in kinds:
        out = _recollq(conf, ["-E", "-Q", f"ext:{RECOLL_EXT[kind]}"])
        match = re.search(r"(\d+) results", out)
        counts[kind] = int(match.group(1)) if match else 0
    return counts


def recoll_probes(conf: Path, chosen: dict[str, list[tuple[str, str, str]]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for kind, items in chosen.items():
        hits = sum(name in _recollq(conf, ["-b", f"filename:{name} {w1} {w2}"]) for name, w1, w2 in items)
        found[kind] = f"{hits}/{len(items)}"
    return found


def _recollq(conf: Path, args: Sequence[str]) -> str:
    done = subprocess.run(
        ["recollq", "-c", str(conf), *args],
        env={"PATH": SYSTEM_PATH, "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout


def run_arbiter(folder: Path, work: Path) -> dict[str, Any]:
    case = work / "arbiter-case"
    log = work / "arbiter-index.log"
    command = ["-m", "arbiter_desktop", "index", str(case), str(folder), "--no-semantic"]
    with log.open("w") as out, measured() as span:
        done = subprocess.run(
            [sys.executable, *command],
            cwd=work,
            env=python_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return {
        "command": "python " + " ".join(command),
        "returncode": done.returncode,
        **span.as_dict(),
        "case": case,
    }


def arbiter_counts(case_dir: Path) -> tuple[dict[str, int], int]:
    """Files indexed per kind (by the kind Arbiter recognised from the content) and files in error."""
    from arbiter_desktop import app

    with app.open_session(case_dir) as session:
        rows = session.case.catalog.db.execute("SELECT kind, COUNT(*) FROM files GROUP BY kind").fetchall()
        errors = session.status().errors
    by_kind = {str(kind): int(n) for kind, n in rows}
    return {k: by_kind.get(ARBITER_KIND[k], 0) for k in KINDS}, errors


def arbiter_probes(case_dir: Path, chosen: dict[str, list[tuple[str, str, str]]]) -> dict[str, str]:
    from arbiter_desktop import app
    from arbiter_desktop.domain import SearchMode, SearchRequest

    found: dict[str, str] = {}
    with app.open_session(case_dir) as session:
        for kind, items in chosen.items():
            hits = 0
            for name, w1, w2 in items:
                words = 0
                for word in (w1, w2):  # each word, in any chunk of the file (as Recoll's document-level AND)
                    request = SearchRequest(f"chemin:{Path(name).stem} AND {word}", top=10, mode=SearchMode.LEXICAL)
                    result = session.search(request, audit=False)
                    words += any(name in {Path(p).name for p in (h.doc_path, *h.other_paths)} for h in result.hits)
                hits += words == 2
            found[kind] = f"{hits}/{len(items)}"
    return found


def throughput(run: dict[str, Any], files: int, file_bytes: int, text_bytes: int) -> dict[str, Any]:
    seconds = run["wall_s"]
    return {
        "files_per_s": round(files / seconds, 1),
        "file_mb_per_s": round(file_bytes / 1e6 / seconds, 2),
        "text_mb_per_s": round(text_bytes / 1e6 / seconds, 3),
        "cpu_s": round(run["child_cpu_s"], 2),
    }


def side_by_side(
    folder: Path,
    volume: tuple[int, int, int],
    recoll_first: bool,
    chosen: dict[str, list[tuple[str, str, str]]] | None = None,
) -> dict[str, Any]:
    """Both tools on ``folder`` (``volume``: files, file bytes, text bytes), one after the other in the order
    given, each in a scratch folder; then what each indexed per kind, and the probes of ``chosen``."""
    warm(folder)
    kinds = [k for k in KINDS if any(folder.glob(f"*.{k}"))]
    with tempfile.TemporaryDirectory(prefix="bench-recoll-") as tmp:
        work = Path(tmp)
        runs: dict[str, Any] = {}
        for tool in ("recoll", "arbiter") if recoll_first else ("arbiter", "recoll"):
            (work / tool).mkdir()
            runs[tool] = run_recoll(folder, work / tool) if tool == "recoll" else run_arbiter(folder, work / tool)
            runs[tool].update(throughput(runs[tool], *volume))
        conf, case = runs["recoll"].pop("conf"), runs["arbiter"].pop("case")
        runs["recoll"]["indexed"] = recoll_counts(conf, kinds)
        runs["arbiter"]["indexed"], runs["arbiter"]["errors"] = arbiter_counts(case)
        if chosen is not None:
            runs["recoll"]["probes_found"] = recoll_probes(conf, chosen)
            runs["arbiter"]["probes_found"] = arbiter_probes(case, chosen)
    runs["first"] = "recoll" if recoll_first else "arbiter"
    runs["ratio"] = round(runs["arbiter"]["files_per_s"] / runs["recoll"]["files_per_s"], 3)
    runs["cpu_ratio"] = round(runs["recoll"]["cpu_s"] / max(1e-9, runs["arbiter"]["cpu_s"]), 3)
    return runs


def run(
    per_kind: bool = True,
    corpora: Sequence[Path] = CORPORA,
    cache: Path = CACHE,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """The comparison on every document of ``corpora`` (folders written once into ``cache``); ``{"skipped":
    why}`` without Recoll."""
    why = recoll_missing()
    if why is not None:
        log(f"Recoll comparison skipped: {why}")
        return {"skipped": why}
    documents = [doc for corpus in corpora for doc in read_corpus(corpus)]
    log(f"the documents folder (written once, kept in {cache / 'documents'})…")
    written = write_documents(corpora, cache / "documents")
    chosen = probes(documents, list(written.files))
    report: dict[str, Any] = {
        "recoll_version": recoll_version(),
        "helpers": helpers(),
        "folder": {
            "files": written.files,
            "file_mb": round(written.file_bytes / 1e6, 1),
            "text_mb": round(written.text_bytes / 1e6, 2),
            "source": f"{' + '.join(c.parent.name for c in corpora)}, one document per file, kinds in turn",
        },
    }
    log(f"Recoll {report['recoll_version']} and Arbiter on {written.count} files (mixed folder)…")
    mixed = side_by_side(written.folder, (written.count, written.file_bytes, written.text_bytes), True, chosen)
    report["mixed"] = mixed
    report["recoll_ratio"] = mixed["ratio"]
    report["recoll_cpu_ratio"] = mixed["cpu_ratio"]
    if per_kind:
        report["per_kind"] = {}
        for n, (kind, path) in enumerate(by_kind(written, cache / "documents-by-kind").items()):
            log(f"  {kind} alone ({written.files[kind]} files)…")
            count = written.files[kind]
            size = sum(p.stat().st_size for p in path.iterdir())
            offset = list(written.files).index(kind)  # write_documents gives the kinds in turn
            text = sum(len(f"{d.title}\n\n{d.text}".encode()) for d in documents[offset :: len(written.files)])
            report["per_kind"][kind] = side_by_side(path, (count, size, text), recoll_first=n % 2 == 1)
    return report


def print_report(report: dict[str, Any]) -> None:
    if "skipped" in report:
        print(f"Recoll comparison skipped: {report['skipped']}")
        return
    folder = report["folder"]
    print(
        f"\nText indexing, Arbiter (--no-semantic) against Recoll {report['recoll_version']}: "
        f"{sum(folder['files'].values())} files {folder['files']}, {folder['file_mb']} MB of files, "
        f"{folder['text_mb']} MB of text"
    )
    print(f"Recoll helpers: {report['helpers']}")
    rows = []
    for name, runs in [("mixed", report["mixed"]), *report.get("per_kind", {}).items()]:
        for tool in ("arbiter", "recoll"):
            r = runs[tool]
            indexed = sum(r["indexed"].values()) if name == "mixed" else r["indexed"].get(name, 0)
            rows.append(
                [
                    f"{name} / {tool}",
                    r["wall_s"],
                    r["files_per_s"],
                    r["file_mb_per_s"],
                    r["text_mb_per_s"],
                    r["cpu_s"],
                    indexed,
                    f"{_first(r['load_before'])} → {_first(r['load_after'])}",
                ]
            )
    header = ["folder / tool", "wall s", "files/s", "file MB/s", "text MB/s", "CPU s", "indexed", "load 1 min"]
    print(table(rows, header))
    mixed = report["mixed"]
    print(
        f"indexed per kind: Arbiter {mixed['arbiter']['indexed']} ({mixed['arbiter']['errors']} errors); "
        f"Recoll {mixed['recoll']['indexed']} ({mixed['recoll']['diagnostics']} diagnostics)"
    )
    print(
        f"body-word probes found: Arbiter {mixed['arbiter'].get('probes_found')}, "
        f"Recoll {mixed['recoll'].get('probes_found')}"
    )
    per_kind = report.get("per_kind", {})
    ratios = ", ".join(f"{k} {v['ratio']:.2f}×" for k, v in per_kind.items())
    print(
        f"Arbiter / Recoll files/s: {report['recoll_ratio']:.2f}× on the mixed folder (CPU seconds: Recoll / Arbiter "
        f"{report['recoll_cpu_ratio']:.2f}×)" + (f"; per kind: {ratios}" if ratios else "")
    )


def _first(load: list[float]) -> str:
    return f"{load[0]:.1f}" if load else "?"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--no-per-kind", action="store_true", help="only the mixed folder")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    report = run(per_kind=not args.no_per_kind)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
