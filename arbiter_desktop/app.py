"""Composition root: the one place that picks the concrete classes and wires them.

Read this file to know where every piece lives:

- a case on disk ............ stores/case.py (catalog.py: SQLite, lexical.py: tantivy, vectors.py: usearch + int8;
                              damage.py: what a damaged store reports)
- indexing .................. indexing/job.py → ingest/discovery.py, ingest/workers.py → ingest/extractors/*,
                              chunking/chunker.py (sources read only through ingest/readonly.py)
- repairing a case .......... indexing/repair.py (rebuild the derived stores from the catalog)
- verifying the evidence .... indexing/verify.py (re-hash the sources against their recorded fingerprints)
- odd file names ............ safetext.py (names with bytes that are not UTF-8; the offline switches: __init__.py)
- searching ................. search/engine.py → search/query.py, search/lexical_query.py, search/highlight.py
- evaluation ................ evaluation/ (BEIR sets, metrics, runner)
- settings and paths ........ config/

The CLI (cli.py) and the GUI call the functions below; neither builds engine objects itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from arbiter_desktop.config import paths
from arbiter_desktop.config.models import model_path, resolve_embedder
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import CaseStatus, SearchMode, SearchRequest, SearchResult
from arbiter_desktop.embedding.base import Embedder
from arbiter_desktop.embedding.gguf import GgufEmbedder, ModelError
from arbiter_desktop.evaluation.beir import DatasetError
from arbiter_desktop.indexing import repair as repairing
from arbiter_desktop.indexing.job import Indexer, IndexReport, JobControl, ProgressCallback
from arbiter_desktop.indexing.repair import RepairReport
from arbiter_desktop.indexing.verify import VerifyReport
from arbiter_desktop.indexing.verify import verify as verify_sources
from arbiter_desktop.search.engine import ModeUnavailable, SearchEngine
from arbiter_desktop.search.expansion import default_lexicon
from arbiter_desktop.search.rerank import Reranker, find_reranker
from arbiter_desktop.search.rerank import open_reranker as load_reranker
from arbiter_desktop.stores.case import Case, CaseDamaged, CaseError
from arbiter_desktop.stores.catalog import Catalog
from arbiter_desktop.stores.damage import StoreDamaged
from arbiter_desktop.stores.vectors import VectorStoreError, drop_other_models

log = logging.getLogger(__name__)

# Errors whose message is meant for the user as it is (the CLI prints it, the GUI shows it).
UserError = (CaseError, ModeUnavailable, DatasetError, ModelError, VectorStoreError)

DEMO_QUERIES = (
    "GAV prolongée FERRAND",
    "rdv gare",
    "ZZ 417 XK",
    "0600001234",
    "message insultant envers les policiers",
)


@contextmanager
def open_case(directory: Path, create: bool = False) -> Iterator[Case]:
    """The case at ``directory``. A damaged case raises :class:`CaseDamaged`: its ``damages`` name each store and
    its problem; when ``repairable``, :func:`repair` rebuilds them (offer it to the user)."""
    case = Case.open(directory, create=create)
    try:
        yield case
    finally:
        case.close()


def open_embedder(settings: Settings, required: bool = False) -> Embedder | None:
    """The embedding model the settings select, or None when semantic search is off or no model is installed.

    With ``required``, a missing model is an error that names the expected file.
    """
    if not settings.semantic and not required:
        return None
    path = resolve_embedder(settings.embedder)
    if path is None:
        if required:
            raise ModelError(
                f"no embedding model installed: expected {paths.models_dir()}/embeddinggemma-300m-q8_0.gguf "
                "or multilingual-e5-small-q4_0.gguf (run `make setup`)"
            )
        log.warning("no embedding model in %s: semantic search is off", paths.models_dir())
        return None
    return GgufEmbedder(path, threads=settings.embed_threads, n_ctx=settings.embed_context)


def open_reranker(settings: Settings) -> Reranker | None:
    """The reranker the settings select, or the one installed in models/, or None when there is none."""
    if settings.reranker:
        path = model_path(settings.reranker)
        if not path.exists():
            raise ModelError(f"reranker not found: expected {path} (a cross-encoder folder or a GGUF reranker)")
    else:
        found = find_reranker(paths.models_dir())
        if found is None:
            return None
        path = found
    return load_reranker(path, threads=settings.embed_threads)


def index(
    case: Case,
    roots: Sequence[Path],
    control: JobControl | None = None,
    on_progress: ProgressCallback | None = None,
    embedder: Embedder | None = None,
    reembed: bool = False,
) -> IndexReport:
    """Index ``roots`` into ``case``; with an embedder, embed the chunks behind (phase 2).

    ``reembed`` confirms that vectors of another model may be deleted and the case embedded again.
    """
    if embedder is not None and reembed:
        drop_other_models(case.directory, embedder.identity)
    with case.guard():
        return Indexer(case, control, on_progress, embedder).run(roots)


def search(
    case: Case, request: SearchRequest, embedder: Embedder | None = None, reranker: Reranker | None = None
) -> SearchResult:
    with case.guard():
        return SearchEngine(case, embedder, default_lexicon(case.directory), reranker).search(request)


def repair(
    directory: Path,
    embedder: Embedder | None = None,
    rebuild: Sequence[str] = (),
    control: JobControl | None = None,
    on_progress: ProgressCallback | None = None,
) -> RepairReport:
    """Check the case's stores, rebuild the damaged ones (and those named in ``rebuild``) from the catalog."""
    return repairing.repair(directory, embedder, rebuild, control, on_progress)


def verify(directory: Path, on_progress: ProgressCallback | None = None) -> VerifyReport:
    """Re-hash the case's sources: which files changed, disappeared or appeared since they were indexed."""
    directory = directory.resolve()
    if not (directory / "catalog.sqlite").exists():
        raise CaseError(f"{directory} is not a case (no catalog.sqlite)")
    try:
        catalog = Catalog(directory / "catalog.sqlite")
    except StoreDamaged as exc:
        raise CaseDamaged(directory, [exc.damage]) from exc
    try:
        return verify_sources(catalog, str(directory), on_progress)
    finally:
        catalog.close()


def default_mode(case: Case, settings: Settings) -> SearchMode:
    """Hybrid when the case has vectors and the selected model is installed; otherwise full-text."""
    path = resolve_embedder(settings.embedder) if settings.semantic else None
    if path is not None and path.exists() and case.catalog.counts()["embedded"] > 0:
        return SearchMode.HYBRID
    return SearchMode.LEXICAL


def status(case: Case) -> CaseStatus:
    with case.guard():
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
