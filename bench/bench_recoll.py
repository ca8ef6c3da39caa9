"""Full-text indexing throughput against Recoll, side by side in one run, on the same folder of documents.

    .venv/bin/python -m bench.bench_recoll [--no-per-kind] [--json OUT]

The folder: codes_penal_cpp and piaf_v1.1 written out as 4,892 files, in turn PDF (with an embedded TrueType
font), DOCX, ODT and UTF-8 text (``bench_indexing.write_documents``, kept in ``bench/.cache/documents``).

* Arbiter: ``python -m arbiter_desktop index CASE FOLDER --no-semantic --cores N``, the command a user runs, into
  a new case, with every core of the machine as Recoll uses them (Arbiter's default leaves one core to the window;
  ``--scaling`` measures each number of cores): its text phase only (discovery, hashing, extraction in worker
  processes, chunking, catalog, tantivy), with ``--profile`` (where its time went) and ``--no-names`` (the people
  and places read by spaCy's NER form a phase after the text, when every file is already searchable by its words;
  Recoll has no such step).
* Recoll: ``recollindex -c CONFDIR`` with a configuration directory of its own: ``topdirs`` = the folder,
  ``indexstemminglanguages = french`` (Arbiter stems French; Recoll's default is English) and ``noaspell = 1``
  (no spelling dictionary: Arbiter builds none), ``idxniceprio`` = the benchmark's own niceness (Recoll sets its
  indexer to that absolute value, 19 by default: on a machine with other jobs it would then wait behind them;
  a fixed 0 would put it ahead of an Arbiter started under ``nice``; both run at the same priority here). Its
  filters run with the system's Python
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
import os
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
from bench.common import CACHE, EVALDATA, compile_bytecode, measured, python_env, table

CORPORA = (EVALDATA / "codes_penal_cpp" / "corpus.jsonl", EVALDATA / "piaf_v1.1" / "corpus.jsonl")
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
INSTALL = "apt-get install -y recoll python3-lxml poppler-utils"
PROBES_PER_KIND = 5
# Arbiter indexes with every core, as Recoll does (its default leaves one to the window: `index --cores N`; the
# scaling part measures 1 to all)
ALL_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
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
        "idxniceprio": str(os.getpriority(os.PRIO_PROCESS, 0)),  # Arbiter runs at the benchmark's own
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


def run_arbiter(folder: Path, work: Path, cores: int | None = None, checkout: Path | None = None) -> dict[str, Any]:
    """``index --no-semantic`` of this checkout, or of the app's code in ``checkout`` (an earlier version, run with
    its own defaults: it knows neither ``--cores`` nor ``--profile``)."""
    case = work / "arbiter-case"
    log = work / "arbiter-index.log"
    profile = work / "arbiter-profile.json"
    command = ["-m", "arbiter_desktop", "index", str(case), str(folder), "--no-semantic"]
    if checkout is None:  # the text phase only: the names phase runs after it, on documents already searchable
        command += ["--profile", str(profile), "--no-names"]
    if cores is not None and checkout is None:
        command += ["--cores", str(cores)]
    env = python_env() if checkout is None else {**python_env(), "PYTHONPATH": str(checkout)}
    if checkout is not None:
        compile_bytecode(checkout)
    with log.open("w") as out, measured() as span:
        done = subprocess.run(
            [sys.executable, *command],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    figures = json.loads(profile.read_text(encoding="utf-8")) if profile.exists() else {}
    return {
        "command": "python " + " ".join(command),
        "returncode": done.returncode,
        **span.as_dict(),
        "profile": figures,
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
    rounds: int = 1,
    baseline: Path | None = None,
) -> dict[str, Any]:
    """Both tools on ``folder`` (``volume``: files, file bytes, text bytes), ``rounds`` times, interleaved (the
    first tool of each round alternates, starting with Recoll if ``recoll_first``), each run in a scratch folder.
    Each tool's figures are those of its median run by wall time (every run is listed under ``rounds``); the
    ratio is that of the medians. Then what each indexed per kind, and the probes of ``chosen``, on the last
    round's indexes."""
    warm(folder)
    kinds = [k for k in KINDS if any(folder.glob(f"*.{k}"))]
    runs: dict[str, list[dict[str, Any]]] = {"recoll": [], "arbiter": []}
    if baseline is not None:
        runs["before"] = []
    with tempfile.TemporaryDirectory(prefix="bench-recoll-") as tmp:
        for n in range(rounds):
            first_is_recoll = recoll_first == (n % 2 == 0)
            order = ["recoll", "arbiter"] if first_is_recoll else ["arbiter", "recoll"]
            if baseline is not None:
                order.insert(1, "before")
            for tool in order:
                work = Path(tmp) / f"{tool}-{n}"
                work.mkdir()
                if tool == "recoll":
                    run = run_recoll(folder, work)
                else:
                    run = run_arbiter(folder, work, ALL_CORES, baseline if tool == "before" else None)
                run.update(throughput(run, *volume))
                runs[tool].append(run)
        last = {tool: found[-1] for tool, found in runs.items()}
        conf, case = last["recoll"]["conf"], last["arbiter"]["case"]
        indexed = {"recoll": recoll_counts(conf, kinds)}
        arbiter_indexed, errors = arbiter_counts(case)
        probes = (recoll_probes(conf, chosen), arbiter_probes(case, chosen)) if chosen is not None else None
    result: dict[str, Any] = {}
    for tool, found in runs.items():
        for run in found:
            run.pop("conf", None)
            run.pop("case", None)
        ordered = sorted(found, key=lambda r: float(r["wall_s"]))
        median = dict(ordered[(len(ordered) - 1) // 2])
        median["rounds"] = [{k: r[k] for k in ("wall_s", "cpu_s", "load_before", "load_after")} for r in found]
        result[tool] = median
    result["recoll"]["indexed"] = indexed["recoll"]
    result["arbiter"]["indexed"], result["arbiter"]["errors"] = arbiter_indexed, errors
    if probes is not None:
        result["recoll"]["probes_found"], result["arbiter"]["probes_found"] = probes
    result["first"] = "recoll" if recoll_first else "arbiter"
    result["ratio"] = round(result["arbiter"]["files_per_s"] / result["recoll"]["files_per_s"], 3)
    if "before" in result:
        result["ratio_before"] = round(result["before"]["files_per_s"] / result["recoll"]["files_per_s"], 3)
        result["speedup_over_before"] = round(result["arbiter"]["files_per_s"] / result["before"]["files_per_s"], 3)
    result["round_ratios"] = [
        round(float(r["wall_s"]) / float(a["wall_s"]), 3) for r, a in zip(runs["recoll"], runs["arbiter"], strict=True)
    ]
    cpu = {tool: sorted(float(r["cpu_s"]) for r in found)[(len(found) - 1) // 2] for tool, found in runs.items()}
    result["cpu_ratio"] = round(cpu["recoll"] / max(1e-9, cpu["arbiter"]), 3)
    return result


def scaling(folder: Path, count: int, cores: Sequence[int], rounds: int) -> dict[str, Any]:
    """Arbiter alone on ``folder`` with each number of ``cores`` (``index --cores N``), interleaved over
    ``rounds``: files per second (median run) and the speed-up over the first."""
    warm(folder)
    walls: dict[int, list[float]] = {n: [] for n in cores}
    cpus: dict[int, list[float]] = {n: [] for n in cores}
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as tmp:
        for n in range(rounds):
            for c in cores if n % 2 == 0 else list(reversed(cores)):
                work = Path(tmp) / f"{c}-{n}"
                work.mkdir()
                run = run_arbiter(folder, work, cores=c)
                walls[c].append(float(run["wall_s"]))
                cpus[c].append(float(run["child_cpu_s"]))
    rows: dict[str, dict[str, Any]] = {}
    for c in cores:
        wall = sorted(walls[c])[(len(walls[c]) - 1) // 2]
        rows[str(c)] = {
            "wall_s": round(wall, 3),
            "files_per_s": round(count / wall, 1),
            "cpu_s": round(sorted(cpus[c])[(len(cpus[c]) - 1) // 2], 2),
            "walls": [round(w, 3) for w in walls[c]],
        }
    base = float(rows[str(cores[0])]["files_per_s"])
    for row in rows.values():
        row["speedup"] = round(float(row["files_per_s"]) / base, 3)
    return rows


def run(
    per_kind: bool = True,
    corpora: Sequence[Path] = CORPORA,
    cache: Path = CACHE,
    log: Callable[[str], None] = print,
    rounds: int = 1,
    scaling_cores: Sequence[int] = (),
    baseline: Path | None = None,
) -> dict[str, Any]:
    """The comparison on every document of ``corpora`` (folders written once into ``cache``), each measure taken
    ``rounds`` times interleaved; with ``scaling_cores``, Arbiter's text indexing of the mixed folder on each
    number of cores. ``{"skipped": why}`` without Recoll."""
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
        "rounds": rounds,
        "folder": {
            "files": written.files,
            "file_mb": round(written.file_bytes / 1e6, 1),
            "text_mb": round(written.text_bytes / 1e6, 2),
            "source": f"{' + '.join(c.parent.name for c in corpora)}, one document per file, kinds in turn",
        },
        "arbiter_bytecode": "written before the runs (as the offline bundle ships it; bench.common.compile_bytecode)",
    }
    log(f"Recoll {report['recoll_version']} and Arbiter on {written.count} files (mixed folder, {rounds} rounds)…")
    volume = (written.count, written.file_bytes, written.text_bytes)
    mixed = side_by_side(written.folder, volume, True, chosen, rounds=rounds, baseline=baseline)
    if baseline is not None:
        report["baseline"] = str(baseline)
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
            report["per_kind"][kind] = side_by_side(
                path, (count, size, text), recoll_first=n % 2 == 1, rounds=rounds, baseline=baseline
            )
    if scaling_cores:
        log(f"  Arbiter alone on the mixed folder with {', '.join(map(str, scaling_cores))} cores…")
        report["scaling"] = scaling(written.folder, written.count, scaling_cores, rounds)
    return report


PROFILE_STAGES = (("read", "read"), ("scan", "safety scan"), ("parse", "parse"), ("chunk", "chunk"))
PROFILE_STEPS = (
    ("fingerprint", "hash+detect"),
    ("record", "catalog"),
    ("index", "tantivy"),
    ("commit", "commits"),
)


def profile_rows(report: dict[str, Any]) -> list[list[object]]:
    """Where Arbiter's time went, per kind alone (and the mixed folder): the command's start-up and exit
    (wall − indexing run), the slowest worker's start-up, then per file: the workers' stages and the indexer's
    steps (CPU ms), the indexer's wait for its workers (s), peak resident memory of the indexer and a worker."""
    rows: list[list[object]] = []
    for name, runs in [("mixed", report["mixed"]), *report.get("per_kind", {}).items()]:
        arbiter = runs["arbiter"]
        p: dict[str, float] = arbiter.get("profile") or {}
        files = sum(v for k, v in p.items() if k.startswith("files.")) or 1
        count = float(arbiter["files_per_s"]) * float(arbiter["wall_s"]) or 1.0
        stages = [
            1e3 * sum(v for k, v in p.items() if k.startswith("worker.") and k.endswith("." + key)) / files
            for key, _ in PROFILE_STAGES
        ]
        steps = [1e3 * p.get(f"indexer_cpu.{key}", 0.0) / count for key, _ in PROFILE_STEPS]
        rows.append(
            [
                name,
                round(float(arbiter["wall_s"]) - p.get("run_s", 0.0), 2),
                round(p.get("workers.ready_s", 0.0), 2),
                *[round(x, 3) for x in stages],
                *[round(x, 3) for x in steps],
                round(p.get("indexer.wait", 0.0), 2),
                p.get("rss.indexer_text", "-"),
                p.get("rss.workers", "-"),
            ]
        )
    return rows


PROFILE_HEADER = [
    "folder",
    "start+exit s",
    "worker start s",
    *[f"{label} ms" for _, label in PROFILE_STAGES],
    *[f"{label} ms" for _, label in PROFILE_STEPS],
    "wait s",
    "RSS MB",
    "worker MB",
]


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
        for tool in [t for t in ("arbiter", "before", "recoll") if t in runs]:
            r = runs[tool]
            indexed = r.get("indexed", {})
            indexed = sum(indexed.values()) if name == "mixed" else indexed.get(name, "-")
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
    print("\nWhere Arbiter's time went (per file: workers' stages and indexer's steps, CPU ms):")
    print(table(profile_rows(report), PROFILE_HEADER))
    if "scaling" in report:
        rows = [
            [f"{c} cores", r["wall_s"], r["files_per_s"], r["cpu_s"], f"{r['speedup']:.2f}×"]
            for c, r in report["scaling"].items()
        ]
        print("\nArbiter's text indexing of the mixed folder by cores (index --cores N):")
        print(table(rows, ["cores", "wall s", "files/s", "CPU s", "speed-up"]))
    per_kind = report.get("per_kind", {})
    if "ratio_before" in report["mixed"]:
        before = ", ".join(
            f"{k} {v['ratio_before']:.2f}× → {v['ratio']:.2f}×"
            for k, v in [("mixed", report["mixed"]), *per_kind.items()]
        )
        print(f"Arbiter / Recoll, before ({report['baseline']}) → now: {before}")
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
    parser.add_argument("--rounds", type=int, default=1, help="runs of each tool, interleaved (median kept)")
    parser.add_argument("--scaling", default="", help="cores to index the mixed folder with, e.g. 1,2")
    parser.add_argument("--baseline", type=Path, help="a folder holding an earlier arbiter_desktop, run beside")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    cores = [int(c) for c in args.scaling.split(",") if c.strip()]
    report = run(per_kind=not args.no_per_kind, rounds=args.rounds, scaling_cores=cores, baseline=args.baseline)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
