"""The learned second stage: a small linear ranker that re-orders the head of the fused ranking.

No cross-encoder can be had offline, so the second stage that ships is a linear model over what the first stage
knows of each candidate passage (search/features.py): its full-text and semantic scores and ranks, how much of
the query it holds (rarity-weighted, typed words apart, expansions apart, within one window), the identifiers of
the query it holds, its title, its place in its document, how many passages of its document made the head, and
what the query is (question, identifiers). Its weights are trained offline on the police dev sets
(bench/train_ranker.py, pairwise logistic regression) and shipped as JSON in ``resources/ranker/``; scoring is a
dot product in NumPy. A cross-encoder or a GGUF reranker installed in models/ takes its place.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from arbiter_desktop.search.analysed import analysed
from arbiter_desktop.search.features import Unit, evidence
from arbiter_desktop.search.fusion import MISSING_BELOW, QueryShape, standardised
from arbiter_desktop.search.lexical_query import Matchers

FEATURES = (
    "fused",
    "lex_z",
    "dense_z",
    "lex_rr",
    "dense_rr",
    "in_lexical",
    "coverage",
    "typed",
    "expansions",
    "together",
    "identifiers",
    "title",
    "first_chunk",
    "doc_chunks",
    "q_question",
    "q_identifiers",
    "q_coverage",
    "question_x_dense",
    "question_x_lex",
    "identifiers_x_lex",
    "coverage_x_lex",
)
HEAD = 40  # chunks of the fused ranking re-ordered


@dataclass(frozen=True, slots=True)
class Candidate:
    chunk_id: int
    document_id: int
    ordinal: int
    text: str
    title: str


def head_features(
    shape: QueryShape,
    query_coverage: float,
    units: Sequence[Unit],
    identifiers: Sequence[Matchers],
    candidates: Sequence[Candidate],
    lexical: Sequence[tuple[int, float]],
    dense: Sequence[tuple[int, float]],
    fused: Mapping[int, float],
    cosines: Mapping[int, float] | None = None,
) -> npt.NDArray[np.float64]:
    """One row of FEATURES per candidate (in order). ``lexical`` / ``dense``: (chunk id, score) best first;
    ``cosines``: the semantic score of candidates outside the semantic list, when known."""
    lex_z = standardised(lexical)
    lex_floor = min(lex_z.values()) - MISSING_BELOW if lex_z else 0.0
    dense_scores = dict(dense)
    values = list(dense_scores.values())
    mean = sum(values) / len(values) if values else 0.0
    std = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 if values else 1.0
    dense_floor = (min(values) - mean) / (std or 1.0) - MISSING_BELOW if values else 0.0
    lex_rank = {c: r for r, (c, _) in enumerate(lexical, start=1)}
    dense_rank = {c: r for r, (c, _) in enumerate(dense, start=1)}
    fused_z = standardised([(c.chunk_id, fused.get(c.chunk_id, 0.0)) for c in candidates])
    per_document: dict[int, int] = {}
    for c in candidates:
        per_document[c.document_id] = per_document.get(c.document_id, 0) + 1
    q_question = 1.0 if shape.question else 0.0
    q_identifiers = 1.0 if shape.identifiers else 0.0
    rows = np.zeros((len(candidates), len(FEATURES)), dtype=np.float64)
    for i, c in enumerate(candidates):
        ev = evidence(analysed(c.text), units, identifiers)
        title = evidence(analysed(c.title), units, []).coverage if c.title.strip() else 0.0
        lz = lex_z.get(c.chunk_id, lex_floor)
        if c.chunk_id in dense_scores:
            dz = (dense_scores[c.chunk_id] - mean) / (std or 1.0)
        elif cosines is not None and c.chunk_id in cosines:
            dz = min((cosines[c.chunk_id] - mean) / (std or 1.0), dense_floor + MISSING_BELOW)
        else:
            dz = dense_floor
        rows[i] = (
            fused_z.get(c.chunk_id, 0.0),
            lz,
            dz,
            1.0 / (1 + lex_rank[c.chunk_id]) if c.chunk_id in lex_rank else 0.0,
            1.0 / (1 + dense_rank[c.chunk_id]) if c.chunk_id in dense_rank else 0.0,
            1.0 if c.chunk_id in lex_rank else 0.0,
            ev.coverage,
            ev.typed,
            ev.expansions,
            ev.together,
            ev.identifiers,
            title,
            1.0 if c.ordinal == 0 else 0.0,
            math.log1p(per_document[c.document_id] - 1),
            q_question,
            q_identifiers,
            query_coverage,
            q_question * dz,
            q_question * lz,
            q_identifiers * lz,
            query_coverage * lz,
        )
    return rows


class RankerError(Exception):
    """A ranker file that cannot be used; the message names it and says what to do."""


@dataclass(frozen=True)
class LearnedRanker:
    """A linear scorer over standardised features: ``score = Σ w_i × (f_i − mean_i) / std_i``."""

    features: tuple[str, ...]
    weights: npt.NDArray[np.float64]
    mean: npt.NDArray[np.float64]
    std: npt.NDArray[np.float64]
    name: str
    trained_on: tuple[str, ...]
    sha256: str = ""  # of the file it was read from (exports and the audit log cite it)

    @classmethod
    def load(cls, path: Path) -> LearnedRanker:
        try:
            raw = path.read_bytes()
            data = json.loads(raw.decode("utf-8"))
            features = tuple(str(f) for f in data["features"])
            weights = np.asarray(data["weights"], dtype=np.float64)
            mean = np.asarray(data["mean"], dtype=np.float64)
            std = np.asarray(data["std"], dtype=np.float64)
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise RankerError(f"{path}: not a ranker file ({exc}); reinstall the application") from exc
        if features != FEATURES or not (len(weights) == len(mean) == len(std) == len(FEATURES)):
            raise RankerError(
                f"{path} was trained on other features than this version computes: train it again "
                "(bench/train_ranker.py) or reinstall the application"
            )
        name = str(data.get("name", path.stem))
        return cls(
            features, weights, mean, std, name, tuple(data.get("trained_on", ())), hashlib.sha256(raw).hexdigest()
        )

    def score(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        scaled = (rows - self.mean) / np.where(self.std > 0, self.std, 1.0)
        result: npt.NDArray[np.float64] = scaled @ self.weights
        return result

    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "trained_on": list(self.trained_on),
                "features": list(self.features),
                "weights": [round(float(w), 6) for w in self.weights],
                "mean": [round(float(m), 6) for m in self.mean],
                "std": [round(float(s), 6) for s in self.std],
            },
            indent=1,
            ensure_ascii=False,
        )


RANKER_FILE = "ranker.json"  # in resources/ranker/
_SHIPPED: dict[tuple[str, int, int], LearnedRanker] = {}


def shipped_ranker(directory: Path | None = None) -> LearnedRanker | None:
    """The learned ranker shipped in ``resources/ranker/`` (None when the file is absent), kept while the file is
    unchanged."""
    from arbiter_desktop.config.paths import resources_dir

    path = (directory or resources_dir() / "ranker") / RANKER_FILE
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _SHIPPED:
        _SHIPPED.clear()
        _SHIPPED[key] = LearnedRanker.load(path)
    return _SHIPPED[key]
