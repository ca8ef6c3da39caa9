"""Scanned documents against their typed twins, on a folder shaped like a real case.

    .venv/bin/python ../shared/tools/make_realcase.py ../shared/evaldata/police_marseille/corpus.jsonl /tmp/rc
    .venv/bin/python -m bench.bench_ocr_realcase /tmp/rc ../shared/evaldata/police_marseille [--out FILE]

``make_realcase.py`` writes each document of a BEIR corpus in one form (typed PDF, DOCX, ODT, TXT; scanned PDF
clean 300 dpi, turned 90°, degraded 150 dpi; JPEG photos page by page; .doc; ZIP members; XLSX) and a manifest.
This indexes the folder into a new case (full text only, 2 extraction workers), then:

* per form: documents indexed (searchable), in error, awaiting OCR;
* per form, the top-5 rate of two kinds of query: a distinctive line of the document (``line_query``: the first
  line of ten words or more past the title, its first twelve words), and the corpus's own queries (every grade-2
  document of each query in ``qrels.tsv``) — scanned forms against their typed twins (forms that differ only in
  how the text reaches the index);
* the OCR phase: pages, seconds, pages/min; and a second indexing run of the same folder: pages recognised again
  (expected 0);
* with ``--twins``: the same folder again with every scanned document replaced by its typed twin (the same
  document typeset as a PDF with a text layer, as make_realcase.py typesets its ``pdf`` form), indexed into
  another case: the top-5 rates of the scanned documents against those of their twins, same queries, same
  competitors.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import load_average

TYPED = ("pdf", "docx", "odt", "txt", "doc")
SCANNED = ("scan300", "scan_rot", "scan_bad", "jpg")
_PAGE_SUFFIX = re.compile(r"_p\d+$")


def line_query(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[1:]:
        words = line.split()
        if len(words) >= 10:
            return " ".join(words[:12])
    return " ".join(" ".join(lines).split()[:12])


def doc_id(path: str) -> str:
    return _PAGE_SUFFIX.sub("", Path(path).stem)


def twin_folder(folder: Path, target: Path, corpus: dict[str, dict[str, str]], form_of: dict[str, str]) -> Path:
    """A copy of ``folder`` whose scanned documents are typed PDFs (text layer) of the same documents."""
    import shutil

    from bench.bench_ocr import typed_pdf

    shutil.copytree(folder, target)
    for path in sorted(target.rglob("*")):
        did = doc_id(str(path))
        if path.is_file() and form_of.get(did) in SCANNED:
            path.unlink()
            twin = path.with_name(f"{did}.pdf")
            if not twin.exists():
                twin.write_bytes(typed_pdf(corpus[did]))
    return target


def top5_rates(case_dir: Path, docs: list[str], corpus: dict[str, dict[str, str]], dataset: Path) -> dict[str, Any]:
    """Line and BEIR top-5 rates of ``docs`` in the case at ``case_dir`` (full text)."""
    from arbiter_desktop import app
    from arbiter_desktop.domain import SearchMode, SearchRequest

    queries = {
        q["id"]: q["text"] for q in (json.loads(line) for line in (dataset / "queries.jsonl").read_text().splitlines())
    }
    pairs = [
        (qid, did)
        for qid, did, grade in (line.split("\t") for line in (dataset / "qrels.tsv").read_text().splitlines())
        if grade == "2" and did in docs and qid in queries
    ]
    with app.open_session(case_dir) as session:

        def top5(query: str) -> set[str]:
            request = SearchRequest(query=query, top=5, mode=SearchMode.LEXICAL)
            return {doc_id(h.doc_path) for h in session.search(request, audit=False).hits}

        line = sum(did in top5(line_query(corpus[did]["text"])) for did in docs)
        beir = sum(did in top5(queries[qid]) for qid, did in pairs)
    return {
        "documents": len(docs),
        "line_top5_rate": line / len(docs) if docs else None,
        "beir_pairs": len(pairs),
        "beir_top5_rate": beir / len(pairs) if pairs else None,
    }


def run(folder: Path, dataset: Path, out: Path | None, twins: bool = False) -> dict[str, Any]:
    from arbiter_desktop import app
    from arbiter_desktop.config.settings import Settings
    from arbiter_desktop.domain import SearchMode, SearchRequest

    manifest = [line.split("\t") for line in (folder / "manifest.tsv").read_text(encoding="utf-8").splitlines()]
    form_of = {did: form for did, form, _ in manifest}
    corpus = {
        d["id"]: d
        for d in (json.loads(line) for line in (dataset / "corpus.jsonl").read_text(encoding="utf-8").splitlines())
    }
    result: dict[str, Any] = {"folder": str(folder), "dataset": dataset.name, "load_before": load_average()}
    with tempfile.TemporaryDirectory(prefix="bench-realcase-") as tmp:
        case_dir = Path(tmp) / "case"
        with app.open_session(case_dir, create=True):
            pass
        app.save_case_settings(case_dir, Settings(workers=2, semantic=False))
        with app.open_session(case_dir) as session:
            case = session.case
            started = time.monotonic()
            first = session.index([folder], audit=False)
            result["index_seconds"] = time.monotonic() - started
            result["ocr"] = {
                "pages": first.ocr.pages,
                "seconds": first.ocr.seconds,
                "pages_per_minute": first.ocr.pages * 60 / first.ocr.seconds if first.ocr.seconds else 0.0,
                "failed_pages": first.ocr.failed_pages,
                "documents_completed": first.ocr.documents,
                "awaiting_pages": first.ocr.awaiting_pages,
            }
            errors = {doc_id(e.path): f"{e.reason.value}: {e.message}" for e in first.failed}
            second = session.index([folder], audit=False)
            result["second_run"] = {"ocr_pages": second.ocr.pages, "ocr_cached": second.ocr.cached}
            indexed = {doc_id(p) for p in case.catalog.db.execute("SELECT path FROM files").fetchall() for p in p}

            def top5(query: str) -> set[str]:
                request = SearchRequest(query=query, top=5, mode=SearchMode.LEXICAL)
                return {doc_id(h.doc_path) for h in session.search(request, audit=False).hits}

            per_form: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            examples: dict[str, list[str]] = defaultdict(list)
            for did, form in form_of.items():
                counts = per_form[form]
                counts["documents"] += 1
                if did in indexed:
                    counts["indexed"] += 1
                if did in errors:
                    counts["errors"] += 1
                    examples[form].append(errors[did])
                if did in corpus:
                    counts["line_queries"] += 1
                    counts["line_top5"] += did in top5(line_query(corpus[did]["text"]))
            queries = {
                q["id"]: q["text"]
                for q in (json.loads(line) for line in (dataset / "queries.jsonl").read_text().splitlines())
            }
            for line in (dataset / "qrels.tsv").read_text(encoding="utf-8").splitlines():
                qid, did, grade = line.split("\t")
                if grade != "2" or did not in form_of or qid not in queries:
                    continue
                counts = per_form[form_of[did]]
                counts["beir_pairs"] += 1
                counts["beir_top5"] += did in top5(queries[qid])
        if twins:
            scanned = sorted(did for did, form in form_of.items() if form in SCANNED and did in corpus)
            result["twins"] = {"scanned": top5_rates(case_dir, scanned, corpus, dataset)}
            twin_case = Path(tmp) / "twin-case"
            with app.open_session(twin_case, create=True):
                pass
            app.save_case_settings(twin_case, Settings(workers=2, semantic=False))
            with app.open_session(twin_case) as twin_session:
                twin_session.index([twin_folder(folder, Path(tmp) / "twins", corpus, form_of)], audit=False)
            result["twins"]["typed"] = top5_rates(twin_case, scanned, corpus, dataset)
    forms = {}
    for form, counts in per_form.items():
        row: dict[str, Any] = dict(counts)
        row["errors_seen"] = examples.get(form, [])[:3]
        row["line_top5_rate"] = row.get("line_top5", 0) / row["line_queries"] if row.get("line_queries") else None
        row["beir_top5_rate"] = row.get("beir_top5", 0) / row["beir_pairs"] if row.get("beir_pairs") else None
        forms[form] = row
    result["forms"] = forms
    for group, names in (("typed", TYPED), ("scanned", SCANNED)):
        rows = [forms[f] for f in names if f in forms]
        lines = sum(r.get("line_queries", 0) for r in rows)
        pairs = sum(r.get("beir_pairs", 0) for r in rows)
        result[group] = {
            "documents": sum(r["documents"] for r in rows),
            "indexed": sum(r.get("indexed", 0) for r in rows),
            "line_top5_rate": sum(r.get("line_top5", 0) for r in rows) / lines if lines else None,
            "beir_top5_rate": sum(r.get("beir_top5", 0) for r in rows) / pairs if pairs else None,
            "beir_pairs": pairs,
        }
    result["load_after"] = load_average()
    if out is not None:
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", type=Path, help="a folder written by make_realcase.py (with manifest.tsv)")
    parser.add_argument("dataset", type=Path, help="the BEIR set it was made from (corpus, queries, qrels)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--twins", action="store_true", help="compare the scanned documents with typed twins")
    args = parser.parse_args(argv)
    result = run(args.folder, args.dataset, args.out, args.twins)
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
