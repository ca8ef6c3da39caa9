"""`arbiter eval`: index a BEIR set through the real pipeline in a temporary case, run every query, score.

Each corpus entry is written out as a text file (title on the first line), indexed and searched through a case
session opened as the user's are (the caller gives the opener: the composition root's, or a test's with stand-in
models): the figures measure the product, not a side path.
"""

from __future__ import annotations

import random
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.evaluation.beir import Dataset
from arbiter_desktop.evaluation.metrics import distinct, mrr_at, ndcg_at, percentile, recall_at
from arbiter_desktop.indexing.job import Progress
from arbiter_desktop.session import CaseSession

# Opens (creating it) the case at a folder as a session: its settings and how its models load are the opener's.
SessionOpener = Callable[[Path], CaseSession]

_CATEGORY = re.compile(r"^q-([a-z]+)-")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass
class QueryResult:
    query_id: str
    query: str
    category: str
    ranked: list[str]
    relevant: dict[str, int]
    latency_ms: float

    def metrics(self) -> dict[str, float]:
        return {
            "recall@5": recall_at(self.ranked, self.relevant, 5),
            "recall@10": recall_at(self.ranked, self.relevant, 10),
            "ndcg@10": ndcg_at(self.ranked, self.relevant, 10),
            "mrr@10": mrr_at(self.ranked, self.relevant, 10),
        }


@dataclass
class EvalReport:
    dataset: str
    mode: str
    documents: int
    index_seconds: float
    results: list[QueryResult] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {**_mean(self.results), "queries": len(self.results), "latency_ms": _latency(self.results)}

    def by_category(self) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[QueryResult]] = {}
        for r in self.results:
            if r.category:
                groups.setdefault(r.category, []).append(r)
        return {
            name: {k: v for k, v in {**_mean(rs), "queries": len(rs)}.items() if k != "mrr@10"}
            for name, rs in sorted(groups.items())
        }


def _mean(results: list[QueryResult]) -> dict[str, float]:
    keys = ("recall@5", "recall@10", "ndcg@10", "mrr@10")
    if not results:
        return dict.fromkeys(keys, 0.0)
    per = [r.metrics() for r in results]
    return {k: round(sum(m[k] for m in per) / len(per), 4) for k in keys}


def _latency(results: list[QueryResult]) -> dict[str, float]:
    values = [r.latency_ms for r in results]
    return {"p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2)}


def write_corpus(dataset: Dataset, folder: Path) -> dict[str, str]:
    """Write each document as a UTF-8 text file; returns file path → document id."""
    folder.mkdir(parents=True, exist_ok=True)
    mapping: dict[str, str] = {}
    for number, doc in enumerate(dataset.corpus):
        name = f"{number:06d}_{_UNSAFE.sub('_', doc.id)[:80]}.txt"
        path = folder / name
        body = f"{doc.title}\n\n{doc.text}" if doc.title else doc.text
        path.write_text(body, encoding="utf-8")
        mapping[str(path.resolve())] = doc.id
    return mapping


@dataclass
class EvalCase:
    """A data set indexed in a temporary case, ready to be queried in several modes."""

    dataset: Dataset
    session: CaseSession
    mapping: dict[str, str]  # file path → corpus id
    index_seconds: float

    def run(self, mode: SearchMode, expand: bool = True) -> EvalReport:
        """Every query with judgments, searched as the user searches (top 10, not recorded in the audit log)."""
        report = EvalReport(self.dataset.name, mode.value, len(self.dataset.corpus), self.index_seconds)
        for query_id, text in self.dataset.queries.items():
            relevant = self.dataset.qrels.get(query_id)
            if not relevant:
                continue
            t0 = time.perf_counter()
            result = self.session.search(SearchRequest(query=text, top=10, mode=mode, expand=expand), audit=False)
            latency = (time.perf_counter() - t0) * 1000
            ranked = self.ranked_ids([p for hit in result.hits for p in (hit.doc_path, *hit.other_paths)])
            match = _CATEGORY.match(query_id)
            report.results.append(
                QueryResult(query_id, text, match.group(1) if match else "", ranked, relevant, latency)
            )
        return report

    def ranked_ids(self, paths: Sequence[str]) -> list[str]:
        return distinct([self.mapping.get(p, p) for p in paths])


@contextmanager
def indexed(
    dataset: Dataset,
    open_session: SessionOpener,
    on_progress: Callable[[Progress], None] | None = None,
    workdir: Path | None = None,
    mode: SearchMode | None = None,
) -> Iterator[EvalCase]:
    """Write ``dataset`` out as files and index it in a temporary case (semantically too when the session's
    settings say so and its model is installed). ``mode``: the mode that will be searched, checked first (an
    unavailable mode fails before the time spent indexing)."""
    with tempfile.TemporaryDirectory(prefix="arbiter-eval-", dir=workdir) as tmp:
        root = Path(tmp)
        with open_session(root / "case") as session:
            if mode is not None:
                session.check_mode(mode)
            mapping = write_corpus(dataset, root / "corpus")
            started = time.perf_counter()
            session.index([root / "corpus"], on_progress=on_progress, audit=False)
            yield EvalCase(dataset, session, mapping, time.perf_counter() - started)


def evaluate(
    dataset: Dataset,
    mode: SearchMode,
    open_session: SessionOpener,
    on_progress: Callable[[Progress], None] | None = None,
    workdir: Path | None = None,
    expand: bool = True,
) -> EvalReport:
    """Index ``dataset`` in a temporary case and run its queries in ``mode``."""
    with indexed(dataset, open_session, on_progress, workdir, mode) as ready:
        return ready.run(mode, expand)


def evaluate_modes(
    dataset: Dataset,
    modes: Sequence[SearchMode],
    open_session: SessionOpener,
    on_progress: Callable[[Progress], None] | None = None,
    workdir: Path | None = None,
    expand: bool = True,
) -> list[EvalReport]:
    """Index ``dataset`` once and run its queries in each of ``modes`` (one report per mode, in order)."""
    with indexed(dataset, open_session, on_progress, workdir, modes[0] if modes else None) as ready:
        for mode in modes:
            ready.session.check_mode(mode)
        return [ready.run(mode, expand) for mode in modes]


def sample_queries(dataset: Dataset, size: int, seed: int) -> Dataset:
    """``dataset`` with a random sample of ``size`` of its judged queries (seeded: the same sample every run)."""
    judged = sorted(q for q in dataset.queries if dataset.qrels.get(q))
    if size >= len(judged):
        return dataset
    kept = set(random.Random(seed).sample(judged, size))
    queries = {q: t for q, t in dataset.queries.items() if q in kept}
    return Dataset(dataset.name, dataset.corpus, queries, {q: r for q, r in dataset.qrels.items() if q in kept})
