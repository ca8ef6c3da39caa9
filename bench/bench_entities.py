"""Entity recognition on documents with planted entities: recall and precision per type, and throughput.

    .venv/bin/python -m bench.bench_entities [--documents 200] [--seed 18]

The documents (bench/entity_corpus.py) hold entities written in their common forms among look-alikes; an
entity counts as found when its type and canonical value are right at its place. The bar (issue 18): recall
≥ 0.98 and precision ≥ 0.95 for every type.
"""

from __future__ import annotations

import argparse
import time

from arbiter_desktop.entities import find_entities
from bench.common import table
from bench.entity_corpus import generate, score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    documents = generate(documents=args.documents, seed=args.seed)
    started = time.perf_counter()
    scores = score(documents, lambda text: [(e.type.value, e.value, e.start, e.end) for e in find_entities(text)])
    seconds = time.perf_counter() - started
    rows = [[k, s.planted, s.found, round(s.recall, 4), round(s.precision, 4)] for k, s in scores.items()]
    print(table(rows, ["type", "planted", "found", "recall", "precision"]))
    size = sum(len(d.text) for d in documents)
    print(
        f"{len(documents)} documents, {size / 1e6:.2f} MB of text, {size / 1e6 / seconds:.2f} MB/s (scoring included)"
    )


if __name__ == "__main__":
    main()
