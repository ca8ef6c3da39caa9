"""Entity recognition on documents with planted entities: recall and precision per type, and throughput.

    .venv/bin/python -m bench.bench_entities [--documents 200] [--seed 18]

The documents (bench/entity_corpus.py) hold entities written in their common forms among look-alikes; an
entity counts as found when its type and canonical value are right at its place. The bar (issue 18): recall
≥ 0.98 and precision ≥ 0.95 for every type.

People and places (entities/names.py, spaCy's French model and the rules around it) are scored apart, on documents
of their own (``generate_names``), with their throughput in words per second.
"""

from __future__ import annotations

import argparse
import time

from arbiter_desktop.entities import find_entities
from arbiter_desktop.entities.names import NameFinder
from bench.common import table
from bench.entity_corpus import generate, generate_names, score


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
    named = generate_names(documents=max(1, args.documents // 4), seed=args.seed)
    finder = NameFinder()
    finder.find(["Samir HADDAD à Lyon."])  # the model loads
    started = time.perf_counter()
    found = finder.find([d.text for d in named])
    seconds = time.perf_counter() - started
    by_text = {d.text: f for d, f in zip(named, found, strict=True)}
    scores = score(
        named, lambda text: [(e.type.value, e.value, e.start, e.end) for e in by_text[text]], ("person", "place")
    )
    rows = [[k, s.planted, s.found, round(s.recall, 4), round(s.precision, 4)] for k, s in scores.items()]
    print(table(rows, ["type", "planted", "found", "recall", "precision"]))
    words = sum(len(d.text.split()) for d in named)
    print(f"{len(named)} documents, {words} words, {words / seconds:.0f} words/s (one core)")


if __name__ == "__main__":
    main()
