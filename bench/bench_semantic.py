"""Semantic retrieval figures, side by side in one run, for one embedding model on BEIR dev sets.

For each data set: embedding throughput while indexing; nDCG@10 / Recall@5 of lexical, dense (binary top-N →
int8 rescoring, as shipped), dense with exact float search (the reference the quantised store must match)
and hybrid; the ratio binary+int8 / float; index sizes per 1,000 chunks; peak RSS.

    .venv/bin/python -m bench.bench_semantic --model models/multilingual-e5-small-q4_0.gguf \\
        --dataset ../shared/evaldata/police_dev --dataset ../shared/evaldata/piaf_v1.1 [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import SearchMode
from arbiter_desktop.embedding.base import Vectors
from arbiter_desktop.embedding.gguf import GgufEmbedder
from arbiter_desktop.evaluation import beir
from arbiter_desktop.evaluation.metrics import ndcg_at, recall_at
from arbiter_desktop.evaluation.runner import EvalCase, indexed
from arbiter_desktop.search.engine import dense_query
from arbiter_desktop.search.expansion import Lexicon, default_lexicon
from arbiter_desktop.session import CaseSession, ModelLoaders

ROOT = Path(__file__).resolve().parents[1]


class Recording:
    """Wraps the embedder to keep the float vectors it produces (the exact-search reference)."""

    def __init__(self, inner: GgufEmbedder) -> None:
        self.inner = inner
        self.identity = inner.identity
        self.documents: dict[tuple[str, str], np.ndarray] = {}
        self.seconds = 0.0
        self.tokens = 0

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        started = time.perf_counter()
        vectors = self.inner.embed_documents(texts, titles)
        self.seconds += time.perf_counter() - started
        for text, title, vector in zip(texts, titles, vectors, strict=True):
            self.documents[(text, title)] = vector
            self.tokens += self.inner.count_tokens(self.inner.profile.document(text, title))
        return vectors

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.inner.embed_queries(texts)

    def close(self) -> None:
        pass  # shared by the data sets' sessions: main() closes the model at the end


def float_dense(ready: EvalCase, rec: Recording, lexicon: Lexicon) -> dict[str, float]:
    """Exact float cosine search over every chunk (same expanded query text), metrics as in `arbiter eval`."""
    rows = ready.session.case.catalog.db.execute(
        "SELECT c.id, substr(d.text, c.start + 1, c.end - c.start), d.title FROM chunks c"
        " JOIN documents d ON d.id = c.document_id"
    ).fetchall()
    ids = [int(r[0]) for r in rows]
    matrix = np.stack([rec.documents[(str(r[1]), str(r[2]))] for r in rows])
    chunks = ready.session.case.catalog.chunks(ids)
    metas = ready.session.case.catalog.documents_meta(sorted({c.document_id for c in chunks.values()}))
    recall5: list[float] = []
    ndcg: list[float] = []
    for query_id, text in ready.dataset.queries.items():
        relevant = ready.dataset.qrels.get(query_id)
        if not relevant:
            continue
        scores = matrix @ rec.embed_queries([dense_query(text, lexicon.expand(text))])[0]
        order = np.argsort(-scores)[:100]
        paths = [p for i in order for p in metas[chunks[ids[i]].document_id].paths]
        ranked = ready.ranked_ids(paths)[:10]
        recall5.append(recall_at(ranked, relevant, 5))
        ndcg.append(ndcg_at(ranked, relevant, 10))
    return {"recall@5": float(np.mean(recall5)), "ndcg@10": float(np.mean(ndcg))}


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def run_dataset(path: Path, embedder: GgufEmbedder, settings: Settings, modes: Sequence[SearchMode]) -> dict[str, Any]:
    dataset = beir.load(path)
    rec = Recording(embedder)
    out: dict[str, Any] = {"dataset": dataset.name}
    loaders = ModelLoaders(
        embedder=lambda _s: rec, reranker=lambda _s: None, embedder_file=lambda _s: Path(rec.identity.path)
    )

    def open_session(directory: Path) -> CaseSession:
        return CaseSession.open(directory, settings, loaders, create=True)

    with indexed(dataset, open_session) as ready:
        chunks = ready.session.status().chunks
        out["chunks"] = chunks
        out["embed_chunks_per_s"] = round(chunks / rec.seconds, 2)
        out["embed_tokens_per_s"] = round(rec.tokens / rec.seconds, 1)
        directory = ready.session.directory
        per_k = 1000 / max(1, chunks)
        out["size_per_1000_chunks_mb"] = {
            "binary": round(sum(p.stat().st_size for p in directory.glob("vectors/*/binary.usearch")) / 1e6 * per_k, 3),
            "int8": round(sum(p.stat().st_size for p in directory.glob("vectors/*/int8.bin")) / 1e6 * per_k, 3),
            "tantivy": round(folder_mb(directory / "lexical") * per_k, 3),
        }
        lexicon = default_lexicon()
        for mode in modes:
            report = ready.run(mode)
            summary = report.summary()
            out[mode.value] = {
                "recall@5": summary["recall@5"],
                "ndcg@10": summary["ndcg@10"],
                "latency_ms": summary["latency_ms"],
                "by_category": report.by_category(),
            }
        out["dense_float"] = float_dense(ready, rec, lexicon)
    if "dense" in out:
        ratio = out["dense"]["ndcg@10"] / max(1e-9, out["dense_float"]["ndcg@10"])
        out["binary_int8_vs_float_ndcg"] = round(ratio, 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--dataset", type=Path, action="append", required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--modes", default="lexical,dense,hybrid", help="modes to evaluate (comma-separated)")
    args = parser.parse_args()
    # retrieval quality only: no sentence highlighting (it adds a few embeddings per query, not ranking)
    settings = Settings(embed_threads=args.threads, semantic_highlights=0)
    embedder = GgufEmbedder(args.model, threads=args.threads, n_ctx=settings.embed_context)
    modes = [SearchMode(m) for m in args.modes.split(",")]
    results = [run_dataset(path, embedder, settings, modes) for path in args.dataset]
    embedder.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    identity = embedder.identity
    print(f"model {identity.name} ({identity.family}, {identity.dim}-d), {args.threads} threads")
    header = f"{'data set':<12}{'mode':<14}{'Recall@5':>9}{'nDCG@10':>9}{'p50 ms':>8}{'p95 ms':>8}"
    print(header)
    for r in results:
        for mode in (m.value for m in modes):
            m = r[mode]
            print(
                f"{r['dataset']:<12}{mode:<14}{m['recall@5']:>9.3f}{m['ndcg@10']:>9.3f}"
                f"{m['latency_ms']['p50']:>8.1f}{m['latency_ms']['p95']:>8.1f}"
            )
        f = r["dense_float"]
        print(f"{r['dataset']:<12}{'dense (float)':<14}{f['recall@5']:>9.3f}{f['ndcg@10']:>9.3f}")
        print(
            f"  binary+int8 / float nDCG@10: {r.get('binary_int8_vs_float_ndcg', float('nan')):.3f};  embedding "
            f"{r['embed_chunks_per_s']} chunks/s, {r['embed_tokens_per_s']} tokens/s;  per 1,000 chunks (MB): "
            f"{r['size_per_1000_chunks_mb']}"
        )
    print(f"peak RSS {rss:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"model": embedder.identity.name, "results": results}, indent=2))


if __name__ == "__main__":
    main()
