"""Batch term lists: a list of queries run against the whole case at once.

A list comes from a TXT file (one term a line), a CSV file (term, optional label; ``;`` or ``,``) or pasted text;
each term is a full query of the query language, run with or without the lexicons' expansions. Each term gives
the documents and passages (chunks) it matches in the whole case: exactly what the full-text search of that
query alone matches (the same compiler and filters, every match counted, not a top N). A list is saved in the
case (``CASE_DIR/termlists/NAME.json``) with its SHA-256 and its last run, so a run after new documents arrive
says, per term, which documents are new and which are gone.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from arbiter_desktop.domain import SearchRequest
from arbiter_desktop.search.engine import SearchEngine


class TermListError(Exception):
    """A list that cannot be read or saved; the message says what to do."""


@dataclass(frozen=True, slots=True)
class ListedTerm:
    term: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class TermList:
    name: str
    terms: tuple[ListedTerm, ...]
    sha256: str  # of the list as imported (the file's bytes, or the pasted text in UTF-8)
    source: str  # the file imported, or "pasted"
    expand: bool = True


@dataclass(frozen=True, slots=True)
class TermResult:
    term: str
    label: str
    documents: tuple[str, ...]  # SHA-256 of the documents matched, sorted
    hits: int  # passages (chunks) matched
    new: tuple[str, ...] = ()  # documents matched now and not at the previous run
    gone: tuple[str, ...] = ()  # documents matched at the previous run and not now
    error: str = ""


@dataclass(frozen=True, slots=True)
class TermListRun:
    termlist: TermList
    results: tuple[TermResult, ...]
    generation: int
    documents_in_case: int
    ran_at: str
    previous_at: str = ""  # when the previous run was (empty for a first run)
    seconds: float = 0.0

    def without_hits(self) -> list[TermResult]:
        return [r for r in self.results if not r.documents]


# --- reading lists ----------------------------------------------------------------------------------------


def parse_terms(text: str, csv_format: bool = False) -> list[ListedTerm]:
    """Terms of a list: one a line (TXT, pasted), or term and optional label (CSV). Blank lines are skipped; a
    term listed twice is kept once."""
    terms: dict[str, ListedTerm] = {}
    if csv_format:
        sample = text[:4096]
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            if not row or not row[0].strip():
                continue
            term, label = row[0].strip(), (row[1].strip() if len(row) > 1 else "")
            terms.setdefault(term, ListedTerm(term, label))
    else:
        for line in text.splitlines():
            term = line.strip()
            if term:
                terms.setdefault(term, ListedTerm(term))
    return list(terms.values())


def read_list(path: Path, name: str = "", expand: bool = True) -> TermList:
    """A list from a TXT or CSV file (by its extension)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TermListError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    terms = parse_terms(text, csv_format=path.suffix.lower() in (".csv", ".tsv"))
    if not terms:
        raise TermListError(f"{path} holds no term: write one term a line (TXT) or term;label (CSV)")
    return TermList(name or path.stem, tuple(terms), hashlib.sha256(data).hexdigest(), str(path), expand)


def pasted_list(text: str, name: str, expand: bool = True) -> TermList:
    terms = parse_terms(text)
    if not terms:
        raise TermListError("the pasted list holds no term: one term a line")
    return TermList(name, tuple(terms), hashlib.sha256(text.encode("utf-8")).hexdigest(), "pasted", expand)


# --- running ----------------------------------------------------------------------------------------------


def run_terms(engine: SearchEngine, termlist: TermList) -> list[TermResult]:
    """Every term's matches in the whole case (full text, as the search of that term alone)."""
    results: list[TermResult] = []
    with engine.case.catalog.snapshot():
        engine.refresh()
        live = engine.live_documents()  # once for the whole list: the same committed state for every term
        for item in termlist.terms:
            request = SearchRequest(query=item.term, expand=termlist.expand)
            per_document = Counter(engine.all_matches(request))  # chunks matched, by document
            found = [(live[d], n) for d, n in per_document.items() if d in live]
            documents = tuple(sorted({sha for sha, _ in found}))
            results.append(TermResult(item.term, item.label, documents, sum(n for _, n in found)))
    return results


def compare(results: list[TermResult], previous: dict[str, Any] | None) -> list[TermResult]:
    """``results`` with, per term, the documents new and gone since ``previous`` (a saved run)."""
    if not previous:
        return results
    before = {r["term"]: set(r["documents"]) for r in previous.get("results", [])}
    compared: list[TermResult] = []
    for r in results:
        old = before.get(r.term)
        if old is None:
            compared.append(r)
            continue
        now = set(r.documents)
        compared.append(
            TermResult(r.term, r.label, r.documents, r.hits, tuple(sorted(now - old)), tuple(sorted(old - now)))
        )
    return compared


# --- saving in the case -----------------------------------------------------------------------------------

_SAFE = re.compile(r"[^\w.\-]+")


def lists_dir(case_dir: Path) -> Path:
    return case_dir / "termlists"


def list_path(case_dir: Path, name: str) -> Path:
    safe = _SAFE.sub("_", name.strip()).strip("._")
    if not safe:
        raise TermListError(f"«{name}» cannot name a list: use letters or digits")
    return lists_dir(case_dir) / f"{safe}.json"


def save_run(case_dir: Path, run: TermListRun) -> Path:
    path = list_path(case_dir, run.termlist.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "list": {**asdict(run.termlist), "terms": [asdict(t) for t in run.termlist.terms]},
        "last_run": {
            "ran_at": run.ran_at,
            "generation": run.generation,
            "results": [asdict(r) for r in run.results],
        },
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_saved(case_dir: Path, name: str) -> tuple[TermList, dict[str, Any] | None]:
    path = list_path(case_dir, name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        names = ", ".join(saved_lists(case_dir)) or "none"
        raise TermListError(f"no saved list «{name}» in this case (saved: {names})") from exc
    except (OSError, ValueError) as exc:
        raise TermListError(f"{path} cannot be read ({exc}): import the list again") from exc
    raw = data["list"]
    termlist = TermList(
        raw["name"], tuple(ListedTerm(t["term"], t.get("label", "")) for t in raw["terms"]), raw["sha256"],
        raw["source"], bool(raw.get("expand", True)),
    )  # fmt: skip
    previous: dict[str, Any] | None = data.get("last_run")
    return termlist, previous


def last_run(termlist: TermList, saved: dict[str, Any] | None, documents_in_case: int = 0) -> TermListRun | None:
    """The run saved with a list (as :func:`load_saved` reads it), or None when it has none."""
    if not saved:
        return None
    results = tuple(
        TermResult(
            str(r["term"]), str(r.get("label", "")), tuple(r.get("documents", ())), int(r.get("hits", 0)),
            tuple(r.get("new", ())), tuple(r.get("gone", ())), str(r.get("error", "")),
        )
        for r in saved.get("results", [])
    )  # fmt: skip
    return TermListRun(termlist, results, int(saved.get("generation", 0)), documents_in_case, str(saved["ran_at"]))


def saved_lists(case_dir: Path) -> list[str]:
    folder = lists_dir(case_dir)
    if not folder.is_dir():
        return []
    names = []
    for path in sorted(folder.glob("*.json")):
        try:
            names.append(str(json.loads(path.read_text(encoding="utf-8"))["list"]["name"]))
        except (OSError, ValueError, KeyError):
            continue
    return names
