"""Composition root: the one place that picks the concrete classes and wires them.

Read this file to know where every piece lives:

- a case on disk ............ stores/case.py (catalog.py: SQLite, lexical.py: tantivy)
- indexing .................. indexing/job.py → ingest/discovery.py, ingest/workers.py → ingest/extractors/*,
                              chunking/chunker.py
- searching ................. search/engine.py → search/query.py, search/lexical_query.py, search/highlight.py
- evaluation ................ evaluation/ (BEIR sets, metrics, runner)
- settings and paths ........ config/

The CLI (cli.py) and the GUI call the functions below; neither builds engine objects itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from arbiter_desktop.config import paths
from arbiter_desktop.domain import CaseStatus, SearchRequest, SearchResult
from arbiter_desktop.evaluation.beir import DatasetError
from arbiter_desktop.indexing.job import Indexer, IndexReport, JobControl, ProgressCallback
from arbiter_desktop.search.engine import ModeUnavailable, SearchEngine, check_mode
from arbiter_desktop.stores.case import Case, CaseError

# Errors whose message is meant for the user as it is (the CLI prints it, the GUI shows it).
UserError = (CaseError, ModeUnavailable, DatasetError)
__all__ = ["DEMO_QUERIES", "UserError", "check_mode", "index", "open_case", "search", "status"]

DEMO_QUERIES = ("GAV prolongée FERRAND", "rdv gare", "ZZ 417 XK", "0600001234")


@contextmanager
def open_case(directory: Path, create: bool = False) -> Iterator[Case]:
    case = Case.open(directory, create=create)
    try:
        yield case
    finally:
        case.close()


def index(
    case: Case,
    roots: Sequence[Path],
    control: JobControl | None = None,
    on_progress: ProgressCallback | None = None,
) -> IndexReport:
    return Indexer(case, control, on_progress).run(roots)


def search(case: Case, request: SearchRequest) -> SearchResult:
    return SearchEngine(case).search(request)


def status(case: Case) -> CaseStatus:
    counts = case.catalog.counts()
    return CaseStatus(
        documents=counts["documents"],
        files=counts["files"],
        chunks=counts["chunks"],
        embedded=counts["embedded"],
        errors=counts["errors"],
        generation=case.catalog.generation(),
    )


def demo_case_dir() -> Path:
    return paths.data_dir() / "demo-case"


def demo_documents() -> Path:
    return paths.demo_documents_dir()
