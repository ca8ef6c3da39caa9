"""Batch term lists: 1,000 terms against the benchmark's 100k-chunk synthetic case, lexically.

    .venv/bin/python -m bench.bench_termlist [--chunks 100000] [--terms 1000] [--model hashing] [--json OUT]

The case is the search benchmark's synthetic case (bench/synthetic.py): its chunk texts do not depend on the
embedding model (only its vectors do, and a term list does not read them), so ``--model hashing`` (the default)
builds it without embedding anything; ``--model e5`` uses the very case that ``bench_search`` builds and caches.

The list is drawn from the case's own material with a fixed seed, as an investigator's list would mix them:
names of the case's vocabulary (from its most frequent to its rarest, and a few that it does not hold), phone
numbers written in another form than the documents' ("+33 6 12 34 56 78", "0612345678"), plates without their
dashes, procedure numbers, words and quoted phrases of its passages, and ``OR``/``AND`` combinations.

Measured through the path users run: :meth:`arbiter_desktop.session.CaseSession.run_termlist` (what
``arbiter termlist`` and the window run: every term compiled as a query with the lexicons' expansions, every match
counted, the run saved in the case, compared with the previous one, and audited), twice — the first run on a case
just opened, then a re-run (which also compares). Beside it, in the same run: a sample of the terms searched one
by one (lexical, top 10), the way someone would type them, extrapolated to the whole list; and a check that, for
a sample of terms, the run's documents are those of the term searched alone. The aim (issue 18): 1,000 terms on
100k chunks in ≤ 60 s. These are figures, not tests: nothing fails on a time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import CACHE, load_average, memory_mb, percentile, table
from bench.synthetic import VOCABULARY, Generator, build_case, load_base

AIM_S = 60.0
ALONE_SAMPLE = 100  # terms searched one by one, as a reference
CHECK_SAMPLE = 30  # terms whose documents are compared with the term searched alone
CHECK_MAX_DOCUMENTS = 300  # ... among those matching at most this many documents (all of them fit in one search)


def make_terms(generator: Generator, sample_texts: Sequence[str], count: int, seed: int = 18) -> list[str]:
    """A seeded list of ``count`` distinct terms mixing the kinds an investigator lists (see the module doc)."""
    import re

    rng = np.random.default_rng(seed)
    vocabulary = generator.vocabulary
    phones = [m.group(0) for t in sample_texts for m in re.finditer(r"0[67](?: \d\d){4}", t)]
    plates = [m.group(0) for t in sample_texts for m in re.finditer(r"[A-Z]{2}-\d{3}-[A-Z]{2}", t)]
    procedures = [m.group(1) for t in sample_texts for m in re.finditer(r"Procédure n° (\d{4}/\d{5})", t)]
    words = [w for t in sample_texts for w in re.findall(r"[a-zàâçéèêëîïôûùüÿœ]{6,}", t.split("\n")[0])]
    pairs = [
        f'"{a} {b}"'
        for t in sample_texts
        for a, b in re.findall(r"\b([a-zàâçéèêëîïôûùü]{4,}) ([a-zàâçéèêëîïôûùü]{4,})\b", t.split("\n")[0])
    ]

    def pick(items: Sequence[str]) -> str:
        return items[int(rng.integers(0, len(items)))]

    def name() -> str:  # ranks spread from the most frequent to the rarest (log-uniform)
        return vocabulary[min(VOCABULARY - 1, int(np.exp(rng.uniform(0, np.log(VOCABULARY)))))]

    def phone() -> str:
        digits = pick(phones).replace(" ", "")
        return (
            f"+33 {digits[1]} {' '.join(digits[i : i + 2] for i in range(2, 10, 2))}" if rng.random() < 0.5 else digits
        )

    makers: list[tuple[float, Callable[[], str]]] = [
        (0.38, name),
        (0.15, phone),
        (0.10, lambda: pick(plates).replace("-", "")),
        (0.05, lambda: pick(procedures)),
        (0.15, lambda: pick(words)),
        (0.07, lambda: pick(pairs)),
        (0.03, lambda: f"{name()} OR {name()}"),
        (0.02, lambda: f"{pick(words)} AND {name()}"),
        (0.025, lambda: "".join(chr(97 + int(c)) for c in rng.integers(0, 26, size=9)).capitalize()),  # absent
    ]
    weights = np.array([w for w, _ in makers])
    weights /= weights.sum()
    terms: dict[str, None] = {}
    while len(terms) < count:
        maker = makers[int(rng.choice(len(makers), p=weights))][1]
        terms[maker()] = None
    return list(terms)


def measure(case_dir: Path, terms: Sequence[str], log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the list twice through ``session.run_termlist``, a sample of its terms one by one through a search,
    and check a sample against each term searched alone."""
    from arbiter_desktop import app
    from arbiter_desktop.domain import SearchMode, SearchRequest
    from arbiter_desktop.search.termlist import pasted_list

    memory_before = memory_mb()
    load_before = load_average()
    termlist = pasted_list("\n".join(terms), "bench")
    with app.open_session(case_dir) as session:  # as the window's tools thread and `arbiter termlist` open it
        runs: list[dict[str, Any]] = []
        seconds_of: dict[str, float] = {}
        for attempt in ("first", "re-run"):
            log(f"running the list of {len(terms)} terms ({attempt})…")
            started = time.perf_counter()
            run = session.run_termlist(termlist)
            seconds = time.perf_counter() - started
            seconds_of[attempt] = seconds
            runs.append({"run": attempt, "seconds": round(seconds, 2), "engine_seconds": round(run.seconds, 2)})
        documents = [len(r.documents) for r in run.results]
        hits = [r.hits for r in run.results]
        rng = np.random.default_rng(5)
        alone_terms = [terms[int(i)] for i in rng.choice(len(terms), size=min(ALONE_SAMPLE, len(terms)), replace=False)]
        log(f"searching {len(alone_terms)} of the terms one by one (session.search, lexical, top 10)…")
        alone_ms: list[float] = []
        for term in alone_terms:
            started = time.perf_counter()
            session.search(SearchRequest(query=term, top=10, mode=SearchMode.LEXICAL), audit=False)
            alone_ms.append((time.perf_counter() - started) * 1000)
        counts = session.status()
    by_term = {r.term: r for r in run.results}
    checkable = [r.term for r in run.results if 0 < len(r.documents) <= CHECK_MAX_DOCUMENTS]
    checked = [checkable[int(i)] for i in rng.permutation(len(checkable))[:CHECK_SAMPLE]]
    log(f"checking {len(checked)} terms against the term searched alone…")
    differing = []
    every_document = {"group_near_duplicates": False, "hits_per_document": 1}  # one hit per document, no grouping
    with app.open_session(case_dir, overrides=every_document) as session:
        for term in checked:
            request = SearchRequest(query=term, top=CHECK_MAX_DOCUMENTS + 10, mode=SearchMode.LEXICAL)
            alone = {h.sha256 for h in session.search(request, audit=False).hits}
            if alone != set(by_term[term].documents):
                differing.append(term)
    first = seconds_of["first"]
    alone_mean = sum(alone_ms) / len(alone_ms)
    return {
        "chunks": counts.chunks,
        "documents": counts.documents,
        "terms": len(terms),
        "expansions": termlist.expand,
        "runs": runs,
        "terms_per_s": round(len(terms) / first, 1),
        "ms_per_term": round(1000 * first / len(terms), 2),
        "aim_s": AIM_S,
        "terms_with_hits": sum(1 for d in documents if d),
        "documents_per_term": {
            "p50": percentile(documents, 50),
            "p95": percentile(documents, 95),
            "max": max(documents),
        },
        "hits_per_term": {"p50": percentile(hits, 50), "p95": percentile(hits, 95), "max": max(hits)},
        "one_by_one": {
            "sample": len(alone_ms),
            "p50_ms": round(percentile(alone_ms, 50), 1),
            "p95_ms": round(percentile(alone_ms, 95), 1),
            "mean_ms": round(alone_mean, 1),
            "extrapolated_s": round(alone_mean * len(terms) / 1000, 1),
        },
        "same_documents_as_alone": {"checked": len(checked), "differing": differing},
        "memory_mb": {"before_case": memory_before, "after": memory_mb()},
        "load_before": load_before,
        "load_after": load_average(),
    }


def case_and_terms(chunks: int, model: str, count: int, cache: Path = CACHE) -> tuple[Path, list[str], dict[str, Any]]:
    """The synthetic case (built or found in ``cache``) and the seeded term list drawn from it."""
    from arbiter_desktop.embedding.base import Embedder, HashingEmbedder

    embedder: Embedder
    if model == "hashing":
        embedder = HashingEmbedder()
    else:
        from arbiter_desktop.embedding.gguf import GgufEmbedder
        from bench.bench_search import model_file

        embedder = GgufEmbedder(model_file(model))
    try:
        base = load_base(embedder, 2048, cache=cache, log=_log)
    finally:
        embedder.close()
    built = build_case(chunks, base, cache=cache, log=_log)
    terms = make_terms(Generator(base), _first_chunks(built.directory, 2000), count)
    return built.directory, terms, {"build_seconds": built.build_seconds, "cached": built.cached}


def _first_chunks(case_dir: Path, count: int) -> list[str]:
    """The texts of the case's first ``count`` chunks (where the list draws its phones, plates and words)."""
    from arbiter_desktop.stores.case import Case

    case = Case.open(case_dir)
    try:
        rows = case.catalog.db.execute(
            "SELECT substr(d.text, c.start + 1, c.end - c.start) FROM chunks c JOIN documents d"
            " ON d.id = c.document_id ORDER BY c.id LIMIT ?",
            (count,),
        )
        return [str(r[0]) for r in rows]
    finally:
        case.close()


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def print_report(report: dict[str, Any]) -> None:
    runs = {r["run"]: r["seconds"] for r in report["runs"]}
    alone = report["one_by_one"]
    rows = [
        [
            f"{report['terms']} terms, {report['chunks']:,} chunks: first run",
            f"{runs['first']:.1f} s",
            f"≤ {AIM_S:.0f} s",
        ],
        ["  re-run (compared with the first)", f"{runs['re-run']:.1f} s", ""],
        ["  per term", f"{report['ms_per_term']:.1f} ms", ""],
        [
            f"one by one (search top 10, {alone['sample']} terms)",
            f"p50 {alone['p50_ms']:.0f} ms, p95 {alone['p95_ms']:.0f} ms → {alone['extrapolated_s']:.0f} s",
            "",
        ],
        ["terms with hits", f"{report['terms_with_hits']} / {report['terms']}", ""],
        [
            "documents per term p50 / p95 / max",
            " / ".join(str(round(report["documents_per_term"][k])) for k in ("p50", "p95", "max")),
            "",
        ],
        [
            "same documents as each term alone",
            f"{report['same_documents_as_alone']['checked'] - len(report['same_documents_as_alone']['differing'])}"
            f" / {report['same_documents_as_alone']['checked']}",
            "all",
        ],
    ]
    print(table(rows, ["figure", "value", "aim"]))
    print(f"load average {report['load_before'][0]} → {report['load_after'][0]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--terms", type=int, default=1000)
    parser.add_argument("--model", default="hashing", help="hashing (default: no embedding), e5 or embeddinggemma")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    directory, terms, built = case_and_terms(args.chunks, args.model, args.terms)
    report = {"case": built, **measure(directory, terms, log=_log)}
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
