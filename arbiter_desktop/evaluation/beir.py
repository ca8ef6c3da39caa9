"""Read a retrieval set in the BEIR layout: corpus.jsonl, queries.jsonl, qrels.tsv."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


class DatasetError(Exception):
    """A data set folder that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class CorpusDoc:
    id: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    corpus: tuple[CorpusDoc, ...]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]  # query id → {doc id: grade}


def _jsonl(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        raise DatasetError(f"{path} is missing (expected the BEIR layout: corpus.jsonl, queries.jsonl, qrels.tsv)")
    rows: list[dict[str, object]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
    return rows


def load(directory: Path) -> Dataset:
    corpus = tuple(
        CorpusDoc(str(r["id"]), str(r.get("title") or ""), str(r.get("text") or ""))
        for r in _jsonl(directory / "corpus.jsonl")
    )
    queries = {str(r["id"]): str(r["text"]) for r in _jsonl(directory / "queries.jsonl")}
    qrels_path = directory / "qrels.tsv"
    if not qrels_path.exists():
        raise DatasetError(f"{qrels_path} is missing: a data set without judgments cannot be evaluated")
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(qrels_path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("\t")
        if len(parts) < 3 or not parts[2].strip().lstrip("-").isdigit():
            if number == 1:
                continue  # header line
            raise DatasetError(f"{qrels_path}:{number}: expected query_id<TAB>doc_id<TAB>grade")
        qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return Dataset(directory.name, corpus, queries, qrels)
