"""Train the learned second stage (search/ranker.py) on dev sets, judge it across sets, and write its weights.

For every query of each set, through the real pipeline (the set indexed in a temporary case with the embedding
model, vectors read back from the evaluation cache), the hybrid ranking is computed and the features of its head
(search/ranker.HEAD chunks) collected with the grade of each chunk's document. A linear model is fitted on pairs of
the same query (a better-graded chunk against a worse one: pairwise logistic regression with an L2 penalty, in
NumPy). Each set in turn is held out: trained on the others, the ranker is measured on it against hybrid
(Recall@5, nDCG@10, per category). The weights trained on every set given are written to ``--out``.

    .venv/bin/python -m bench.train_ranker --dataset ../shared/evaldata/police_dev \\
        --dataset ../shared/evaldata/police_marseille [--test ../shared/evaldata/piaf_v1.1 --sample 1000] \\
        [--out resources/ranker/ranker.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from arbiter_desktop import app
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.embedding.gguf import GgufEmbedder
from arbiter_desktop.evaluation import beir
from arbiter_desktop.evaluation.embedding_cache import CachedEmbedder
from arbiter_desktop.evaluation.metrics import distinct, ndcg_at, recall_at
from arbiter_desktop.evaluation.runner import indexed, sample_queries
from arbiter_desktop.search.expansion import default_lexicon
from arbiter_desktop.search.ranker import FEATURES, LearnedRanker
from arbiter_desktop.session import CaseSession, ModelLoaders

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = ROOT / "models" / "embeddinggemma-300m-q8_0.gguf"
PENALTY = 1.0  # L2 penalty of the pairwise logistic regression (on standardised features)


@dataclass
class Query:
    query_id: str
    category: str
    relevant: dict[str, int]
    rows: npt.NDArray[np.float64]  # features of the head chunks
    head_docs: list[str]  # corpus id of each head chunk's document
    hybrid_docs: list[str]  # the hybrid ranking's documents, best first


@dataclass
class Collected:
    name: str
    queries: list[Query] = field(default_factory=list)


class Lent:
    """The embedder shared by every set, lent to one set's session: closing the session leaves it open."""

    def __init__(self, inner: CachedEmbedder) -> None:
        self.inner = inner
        self.identity = inner.identity

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def close(self) -> None:
        pass


def collect(path: Path, shared: CachedEmbedder, sample: int = 0) -> Collected:
    dataset = beir.load(path)
    if sample:
        dataset = sample_queries(dataset, sample, 7)
    out = Collected(dataset.name)
    embedder: Any = Lent(shared)
    loaders = ModelLoaders(lambda _settings: embedder, lambda _settings: None, app.MODELS.embedder_file)

    def open_session(directory: Path) -> CaseSession:
        overrides = {"semantic": True, "semantic_highlights": 0}
        return app.open_session(directory, create=True, overrides=overrides, loaders=loaders)

    with indexed(dataset, open_session) as ready:
        engine = ready.session.engine
        engine.lexicon = default_lexicon()
        engine.embedder = embedder
        catalog = ready.session.case.catalog
        for query_id, text in dataset.queries.items():
            relevant = dataset.qrels.get(query_id)
            if not relevant:
                continue
            request = SearchRequest(query=text, top=10, mode=SearchMode.HYBRID)
            with catalog.snapshot():
                retrieval = engine.retrieve(request)
                fused = engine.fuse(request, retrieval)
                ranked = sorted(fused, key=lambda c: -fused[c])
                head, rows = engine.head_rows(request, retrieval, ranked, fused)
                chunks = catalog.chunks(ranked[:100])
                metas = catalog.documents_meta([c.document_id for c in chunks.values()])

            def doc_of(chunk_id: int, chunks: dict = chunks, metas: dict = metas) -> str:  # type: ignore[type-arg]
                chunk = chunks.get(chunk_id)
                if chunk is None or chunk.document_id not in metas or not metas[chunk.document_id].paths:
                    return ""
                return ready.mapping.get(metas[chunk.document_id].paths[0], "")

            category = query_id.split("-")[1] if query_id.startswith("q-") else ""
            out.queries.append(
                Query(
                    query_id,
                    category,
                    relevant,
                    rows,
                    [doc_of(c) for c in head],
                    [d for d in distinct([doc_of(c) for c in ranked[:100]]) if d],
                )
            )
    return out


def fit(sets: Sequence[Collected], penalty: float = PENALTY, steps: int = 300) -> LearnedRanker:
    """Pairwise logistic regression on standardised features (Newton steps, L2 penalty); every query weighs the
    same whatever its number of pairs."""
    every = np.vstack([q.rows for s in sets for q in s.queries if len(q.rows)])
    mean = every.mean(axis=0)
    std = every.std(axis=0)
    std[std == 0] = 1.0
    differences: list[npt.NDArray[np.float64]] = []
    weights: list[npt.NDArray[np.float64]] = []
    for s in sets:
        for q in s.queries:
            grades = np.array([q.relevant.get(d, 0) for d in q.head_docs])
            better, worse = np.nonzero(grades[:, None] > grades[None, :])
            if not len(better):
                continue
            scaled = (q.rows - mean) / std
            differences.append(scaled[better] - scaled[worse])
            weights.append(np.full(len(better), 1.0 / len(better)))
    x = np.vstack(differences)
    sample = np.concatenate(weights)
    w = np.zeros(x.shape[1])
    for _ in range(steps):  # Newton–Raphson on the penalised log-likelihood (all labels are "first is better")
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (sample * (p - 1.0)) + penalty * w
        hessian = (x * (sample * p * (1 - p))[:, None]).T @ x + penalty * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    names = "+".join(s.name for s in sets)
    return LearnedRanker(FEATURES, w, mean, std, f"arbiter linear ranker ({names})", tuple(s.name for s in sets))


def reranked(ranker: LearnedRanker, q: Query) -> list[str]:
    order = np.argsort(-ranker.score(q.rows), kind="stable") if len(q.rows) else np.array([], dtype=int)
    return [d for d in distinct([q.head_docs[i] for i in order] + q.hybrid_docs) if d]


def figures(queries: Sequence[Query], ranking: dict[str, list[str]]) -> dict[str, tuple[float, float, int]]:
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for q in queries:
        ranked = ranking[q.query_id]
        pair = (recall_at(ranked, q.relevant, 5), ndcg_at(ranked, q.relevant, 10))
        groups["all"].append(pair)
        if q.category:
            groups[q.category].append(pair)
    return {
        k: (float(np.mean([a for a, _ in v])), float(np.mean([b for _, b in v])), len(v)) for k, v in groups.items()
    }


def line(label: str, result: dict[str, tuple[float, float, int]]) -> str:
    whole = result["all"]
    categories = " ".join(f"{k} {v[0]:.2f}/{v[1]:.2f}" for k, v in sorted(result.items()) if k != "all")
    return f"{label:<46} R@5 {whole[0]:.3f} nDCG@10 {whole[1]:.3f}  {categories}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, action="append", required=True, help="a set to train on")
    parser.add_argument("--test", type=Path, action="append", default=[], help="a set only measured on")
    parser.add_argument("--sample", type=int, default=0, help="queries sampled from each --test set (seed 7)")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--penalty", type=float, default=PENALTY)
    parser.add_argument("--out", type=Path, help="write the ranker trained on every --dataset here")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    embedder = CachedEmbedder(GgufEmbedder(args.model, threads=args.threads))
    try:
        train = [collect(p, embedder) for p in args.dataset]
        test = [collect(p, embedder, args.sample) for p in args.test]
    finally:
        embedder.close()
    report: dict[str, dict[str, object]] = {}
    for held in [*train, *test]:
        others = [s for s in train if s is not held]
        hybrid = figures(held.queries, {q.query_id: q.hybrid_docs for q in held.queries})
        print(line(f"{held.name}: hybrid", hybrid))
        report[held.name] = {"hybrid": hybrid}
        if not others:
            continue
        ranker = fit(others, args.penalty)
        result = figures(held.queries, {q.query_id: reranked(ranker, q) for q in held.queries})
        print(line(f"{held.name}: full, trained on {'+'.join(s.name for s in others)}", result))
        report[held.name]["full_held_out"] = result
    final = fit(train, args.penalty)
    print("weights:", json.dumps({f: round(float(w), 3) for f, w in zip(FEATURES, final.weights, strict=True)}))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(final.to_json() + "\n", encoding="utf-8")
        print(f"written {args.out}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
