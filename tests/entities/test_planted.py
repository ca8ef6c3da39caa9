"""The bar: on documents with planted entities in several written forms among look-alikes, recall ≥ 0.98 and
precision ≥ 0.95 for every type (figures: ``python -m bench.bench_entities``)."""

from __future__ import annotations

from arbiter_desktop.entities import find_entities
from bench.entity_corpus import generate, score


def _find(text: str) -> list[tuple[str, str, int, int]]:
    return [(e.type.value, e.value, e.start, e.end) for e in find_entities(text)]


def test_recall_and_precision_per_type() -> None:
    scores = score(generate(documents=40, per_document=25, seed=7), _find)
    assert all(s.planted >= 50 for s in scores.values())
    low = {
        k: (round(s.recall, 3), round(s.precision, 3))
        for k, s in scores.items()
        if s.recall < 0.98 or s.precision < 0.95
    }
    assert low == {}


def test_the_scorer_catches_a_wrong_reading() -> None:
    documents = generate(documents=3, per_document=10, seed=1)
    wrong = score(documents, lambda text: [(k, v + "x", a, b) for k, v, a, b in _find(text)])
    assert all(s.recall == 0.0 for s in wrong.values() if s.planted)
