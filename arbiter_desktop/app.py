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
- exports (PDF, CSV) ........ export/resultset.py → export/pdf.py, export/csv.py
- tags, audit trail ......... stores/tags.py, stores/audit.py (every index, search, export and tag change
                              below appends an entry, with the operator setting of the case)
- settings and paths ........ config/

The CLI (cli.py) and the GUI call the functions below; neither builds engine objects itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from arbiter_desktop import __version__
from arbiter_desktop.config import paths
from arbiter_desktop.config.models import model_path, resolve_embedder
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import CaseStatus, Coverage, DocumentView, Hit, SearchMode, SearchRequest, SearchResult
from arbiter_desktop.embedding.base import Embedder
from arbiter_desktop.embedding.gguf import GgufEmbedder, ModelError
from arbiter_desktop.evaluation.beir import DatasetError
from arbiter_desktop.export.csv import render_csv
from arbiter_desktop.export.pdf import render_pdf
from arbiter_desktop.export.resultset import (
    ExportContext,
    ExportedFile,
    ExportError,
    ModelInfo,
    ResultSet,
    from_search,
    from_tag,
)
from arbiter_desktop.indexing import repair as repairing
from arbiter_desktop.indexing.job import Indexer, IndexReport, JobControl, ProgressCallback
from arbiter_desktop.indexing.process import IndexProcess
from arbiter_desktop.indexing.repair import RepairReport
from arbiter_desktop.indexing.verify import VerifyReport
from arbiter_desktop.indexing.verify import verify as verify_sources
from arbiter_desktop.search.engine import ModeUnavailable, SearchEngine
from arbiter_desktop.search.expansion import default_lexicon
from arbiter_desktop.search.ranker import shipped_ranker
from arbiter_desktop.search.rerank import Reranker, find_reranker
from arbiter_desktop.search.rerank import open_reranker as load_reranker
from arbiter_desktop.stores.audit import AuditEntry, AuditError, now_iso, system_user
from arbiter_desktop.stores.case import Case, CaseDamaged, CaseError
from arbiter_desktop.stores.catalog import Catalog
from arbiter_desktop.stores.damage import StoreDamaged
from arbiter_desktop.stores.tags import TagError, TaggedHit, TagTarget
from arbiter_desktop.stores.vectors import VectorStoreError, drop_other_models

log = logging.getLogger(__name__)

# Errors whose message is meant for the user as it is (the CLI prints it, the GUI shows it).
UserError = (CaseError, ModeUnavailable, DatasetError, ModelError, VectorStoreError, ExportError, TagError, AuditError)

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
    audit: bool = True,
) -> IndexReport:
    """Index ``roots`` into ``case``; with an embedder, embed the chunks behind (phase 2).

    ``reembed`` confirms that vectors of another model may be deleted and the case embedded again. The run is
    recorded in the audit log (also when it fails or is interrupted).
    """
    data: dict[str, Any] = {
        "roots": [str(r) for r in roots],
        "embedder": _model(embedder.identity.name, embedder.identity.sha256) if embedder else None,
    }
    try:
        if embedder is not None and reembed:
            drop_other_models(case.directory, embedder.identity)
            data["reembed"] = True
        with case.guard():
            report = Indexer(case, control, on_progress, embedder).run(roots)
    except BaseException as exc:
        if audit:
            with suppress(AuditError):  # the original error matters more
                record(case, "index", {**data, "error": f"{type(exc).__name__}: {exc}"})
        raise
    if audit:
        record(
            case,
            "index",
            {
                **data,
                "added": report.added,
                "changed": report.changed,
                "removed": report.removed,
                "unchanged": report.unchanged,
                "duplicates": report.duplicates,
                "failed": report.errors,
                "in_error": len(report.failed),
                "documents": report.documents,
                "chunks": report.chunks,
                "embedded": report.embedded,
                "generation": report.generation,
                "cancelled": report.cancelled,
            },
        )
    return report


RUN_MARKER = "indexing.pending"  # in the case folder while a run started by the app has not completed
REEMBED_MARKER = "reembed.confirmed"  # the user confirmed re-embedding the case with a newly chosen model


@dataclasses.dataclass(frozen=True, slots=True)
class ModelFile:
    """A model installed in models/, as the settings list it."""

    name: str
    path: Path
    role: str  # "embedder" or "reranker"
    size_bytes: int
    ram_bytes: int  # estimate while loaded: weights plus compute buffers (plus PyTorch for a cross-encoder)


TORCH_RAM_BYTES = 450 * 1024 * 1024  # PyTorch and sentence-transformers themselves, measured loaded on CPU
# A GGUF model's buffers beyond its weights, measured loaded and after a 512-token passage: multilingual-e5-small
# 64 MiB file → +210 MiB resident, EmbeddingGemma 318 MiB → +370 MiB (llama.cpp built without the logits buffer of
# embedding contexts: installer/llama_runtime.py).
GGUF_RAM_BYTES = 128 * 1024 * 1024


def installed_models(models: Path | None = None) -> list[ModelFile]:
    """Embedding models and rerankers in models/, by name."""
    from arbiter_desktop.search.rerank import is_cross_encoder_folder, is_gguf_reranker, weights_file

    folder = models or paths.models_dir()
    try:
        entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError:
        return []
    found: list[ModelFile] = []
    for path in entries:
        if path.is_file() and path.suffix == ".gguf":
            size = path.stat().st_size
            role = "reranker" if is_gguf_reranker(path) else "embedder"
            found.append(ModelFile(path.name, path, role, size, int(size * 1.15) + GGUF_RAM_BYTES))
        elif path.is_dir() and is_cross_encoder_folder(path):
            weights = weights_file(path)
            size = weights.stat().st_size if weights is not None else 0
            found.append(ModelFile(path.name, path, "reranker", size, int(size * 1.3) + TORCH_RAM_BYTES))
    return found


def index_job(case_dir: Path, roots: Sequence[Path], control: JobControl, on_progress: ProgressCallback) -> IndexReport:
    """One indexing run as the desktop app starts it in its indexing process, with the case's own settings and
    model. The roots are noted in the case folder until the run completes, so a run stopped by closing the app
    (or killed) is resumed: :func:`interrupted_run`. No roots means the case's sources again."""
    with open_case(case_dir, create=True) as case:
        marker = case.directory / RUN_MARKER
        pending = list(dict.fromkeys([*interrupted_run(case.directory), *(Path(r) for r in roots)]))
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps([str(p) for p in pending], ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, marker)
        sources = [Path(p) for _, p in case.catalog.sources()]
        todo = list(dict.fromkeys([*pending, *sources]))
        embedder = open_embedder(case.settings)
        reembed = (case.directory / REEMBED_MARKER).exists()
        try:
            report = index(case, todo, control, on_progress, embedder, reembed=reembed and embedder is not None)
        finally:
            if embedder is not None:
                embedder.close()
        if not report.cancelled:
            marker.unlink(missing_ok=True)
        if embedder is not None:
            (case.directory / REEMBED_MARKER).unlink(missing_ok=True)
        return report


def confirm_reembed(case_dir: Path) -> None:
    """The user confirmed that the case may be embedded again with the model now selected (the next indexing
    run deletes the other model's vectors)."""
    (case_dir / REEMBED_MARKER).write_text("confirmed\n", encoding="utf-8")


def interrupted_run(case_dir: Path) -> list[Path]:
    """The roots of a run that did not complete (closed, killed or crashed); empty when there is none."""
    try:
        data = json.loads((case_dir / RUN_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Path(p) for p in data if isinstance(p, str)] if isinstance(data, list) else []


def forget_interrupted_run(case_dir: Path) -> None:
    """The user cancelled the run: do not resume it when the case opens again."""
    (case_dir / RUN_MARKER).unlink(missing_ok=True)


def start_indexing(case_dir: Path, roots: Sequence[Path] = ()) -> IndexProcess:
    """Index ``roots`` into the case in a separate process (see indexing/process.py)."""
    process = IndexProcess(index_job, case_dir, roots)
    process.start()
    return process


def search(
    case: Case,
    request: SearchRequest,
    embedder: Embedder | None = None,
    reranker: Reranker | None = None,
    audit: bool = True,
) -> SearchResult:
    """Run ``request``; recorded in the audit log unless ``audit`` is False (e.g. an automated check)."""
    with case.guard():
        result = SearchEngine(case, embedder, default_lexicon(case.directory), reranker).search(request)
    if audit:
        record_search(case, request, result, embedder, reranker)
    return result


def record_search(
    case: Case,
    request: SearchRequest,
    result: SearchResult,
    embedder: Embedder | None = None,
    reranker: Reranker | None = None,
) -> None:
    """Enter a search and what it returned in the audit log (the GUI records a search once the user stopped
    typing, not every intermediate query)."""
    models = {m.role: _model(m.name, m.sha256) for m in result_models(result, embedder, reranker)}
    record(
        case,
        "search",
        {
            "query": request.query,
            "mode": result.mode.value,
            "top": request.top,
            "expand": request.expand,
            "disabled_expansions": list(request.disabled_expansions),
            "expansions": [e.label() for e in result.expansions],
            "filters": {
                "kinds": [k.value for k in request.kinds],
                "folder": request.path_prefix,
                "date_from": request.date_from.isoformat() if request.date_from else None,
                "date_to": request.date_to.isoformat() if request.date_to else None,
            },
            "hits": len(result.hits),
            "results": [f"{h.sha256}:{h.page}" for h in result.hits],
            "generation": case.catalog.generation(),
            "coverage": {"chunks": result.coverage.chunks, "embedded": result.coverage.embedded},
            "embedder": models.get("embedder"),
            "reranker": models.get("reranker"),
        },
    )


# --- audit trail, tags and exports ---------------------------------------------------------------------------


def record(case: Case, event: str, data: dict[str, Any]) -> AuditEntry:
    """Append an entry to the case's audit log, in the name of the case's operator setting."""
    return case.audit.append(event, data, case.settings.operator)


def _model(name: str, sha256: str) -> dict[str, str]:
    return {"name": name, "sha256": sha256}


def result_models(result: SearchResult, embedder: Embedder | None, reranker: Reranker | None) -> list[ModelInfo]:
    """The models that ranked ``result``: the embedder unless full text only, the reranker if it reordered."""
    models: list[ModelInfo] = []
    if embedder is not None and result.mode is not SearchMode.LEXICAL:
        models.append(ModelInfo("embedder", embedder.identity.name, embedder.identity.sha256))
    if reranker is not None and result.reranker:
        models.append(ModelInfo("reranker", reranker.identity.name, reranker.identity.sha256))
    elif result.reranker:  # the learned second stage that ships (search/ranker.py)
        learned = shipped_ranker()
        if learned is not None and learned.name == result.reranker:
            models.append(ModelInfo("reranker", learned.name, learned.sha256))
    return models


def search_results(result: SearchResult, request: SearchRequest, models: Sequence[ModelInfo] = ()) -> ResultSet:
    """A search's hits as a result set to export; ``models``: those the search ran with (``result_models``)."""
    return from_search(result, request, models)


def tag_hits(case: Case, tag: str, result: SearchResult, hits: Sequence[Hit], audit: bool = True) -> list[TaggedHit]:
    """Tag ``hits`` of ``result``; returns those newly tagged (a hit already carrying the tag is left as it is).

    A tagged hit is kept by its content (SHA-256 and the character span of its chunk) with a snapshot of the
    passage and of the query, so it survives re-indexing.
    """
    chunks = case.catalog.chunks([h.chunk_id for h in hits])
    targets: list[TagTarget] = []
    for h in hits:
        chunk = chunks.get(h.chunk_id)
        start, end = (chunk.start, chunk.end) if chunk else (h.passage_start, h.passage_start + len(h.passage))
        targets.append(
            TagTarget(
                sha256=h.sha256,
                chunk_start=start,
                chunk_end=end,
                passage_start=h.passage_start,
                page=h.page,
                doc_path=h.doc_path,
                other_paths=h.other_paths,
                title=h.title,
                passage=h.passage,
                highlights=h.highlights,
                scores=h.scores,
                query=result.query,
                mode=result.mode,
                rank=h.rank,
            )
        )
    added = case.tags.add(tag, targets, now_iso(), case.settings.operator)
    if audit:
        record(
            case,
            "tag",
            {
                "action": "add",
                "tag": tag.strip(),
                "query": result.query,
                "hits": [_tag_ref(t) for t in targets],
                "added": len(added),
            },
        )
    return added


def untag(case: Case, tag: str, ids: Sequence[int] = (), audit: bool = True) -> list[TaggedHit]:
    """Take ``tag`` off the tagged hits ``ids`` (off all its hits when empty)."""
    removed = case.tags.remove(tag, ids)
    if audit:
        record(
            case,
            "tag",
            {"action": "remove", "tag": tag.strip(), "hits": [_tag_ref(t.target) for t in removed], "ids": list(ids)},
        )
    return removed


def _tag_ref(target: TagTarget) -> dict[str, Any]:
    return {
        "sha256": target.sha256,
        "chunk": [target.chunk_start, target.chunk_end],
        "page": target.page,
        "path": target.doc_path,
    }


def tagged_results(case: Case, tag: str) -> ResultSet:
    """The hits of ``tag`` as a result set to export, cited at the paths their content has now."""
    tagged = case.tags.hits(tag)
    current: dict[str, tuple[str, ...]] = {}
    for sha in {t.target.sha256 for t in tagged}:
        document_id = case.catalog.document_id_for(sha)
        found = case.catalog.paths_of(document_id) if document_id is not None else ()
        if found:
            current[sha] = found
    counts = case.catalog.counts()
    return from_tag(tag, tagged, current, Coverage(chunks=counts["chunks"], embedded=counts["embedded"]))


def export_context(case: Case) -> ExportContext:
    head = case.audit.head()
    return ExportContext(
        case_name=case.info.name,
        case_dir=str(case.directory),
        operator=case.settings.operator,
        user=system_user(),
        created=datetime.now().astimezone(),
        app_version=__version__,
        generation=case.catalog.generation(),
        documents=case.catalog.counts()["documents"],
        audit_head=head if head is not None and head[0] > 0 else None,
    )


def export(
    case: Case,
    results: ResultSet,
    pdf: Path | None = None,
    csv: Path | None = None,
    lang: str = "fr",
    overwrite: bool = False,
    audit: bool = True,
) -> list[ExportedFile]:
    """Write ``results`` to a PDF and/or a CSV; each file's SHA-256 is recorded in the audit log."""
    outputs = [(fmt, path) for fmt, path in (("pdf", pdf), ("csv", csv)) if path is not None]
    if not outputs:
        raise ExportError("choose where to export: a PDF file, a CSV file, or both")
    if pdf is not None and csv is not None and pdf.resolve() == csv.resolve():
        raise ExportError(f"the PDF and the CSV cannot be the same file ({pdf})")
    for _, path in outputs:
        check_output(path, overwrite)
    context = export_context(case)
    written: list[ExportedFile] = []
    for fmt, path in outputs:
        data = render_pdf(results, context, lang) if fmt == "pdf" else render_csv(results, context, lang)
        write_atomically(path, data)
        written.append(ExportedFile(str(path.resolve()), fmt, hashlib.sha256(data).hexdigest(), len(data)))
    if audit:
        record(
            case,
            "export",
            {
                "files": [{"path": f.path, "format": f.format, "sha256": f.sha256, "bytes": f.size} for f in written],
                "query": results.query,
                "tag": results.tag,
                "hits": len(results.hits),
                "lang": lang,
            },
        )
    return written


def check_output(path: Path, overwrite: bool) -> None:
    """Refuse an output path that cannot be written, with what to do."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise ExportError(f"the output folder {folder} does not exist: create it or choose another path")
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give a file name, e.g. {path / 'export.pdf'}")
    if path.exists() and not overwrite:
        raise ExportError(f"{path} already exists: choose another name, or confirm replacing it (--overwrite)")
    if not os.access(folder, os.W_OK):
        raise ExportError(f"the output folder {folder} is not writable: choose another path")


def write_atomically(path: Path, data: bytes) -> None:
    """Write the whole file or nothing (a temporary file in the same folder, then renamed)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path} ({exc})") from exc


def document_view(case: Case, document_id: int, request: SearchRequest) -> DocumentView | None:
    """A whole document with every match of the request's query marked (for the preview)."""
    return SearchEngine(case, None, default_lexicon(case.directory)).document_view(document_id, request)


def semantic_model(settings: Settings) -> Path | None:
    """The embedding model file the settings select, when semantic search is on and the file is installed."""
    path = resolve_embedder(settings.embedder) if settings.semantic else None
    return path if path is not None and path.exists() else None


def readonly_copy(source: Path) -> Path:
    """A read-only copy of an evidence file for the system viewer (a viewer that saves never touches the
    source). Copies live in the user data folder under ``viewer-copies/`` and are replaced on each opening."""
    from arbiter_desktop.ingest.readonly import open_source

    folder = paths.data_dir() / "viewer-copies" / hashlib.sha256(str(source).encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    if target.exists():
        target.chmod(0o600)
        target.unlink()
    with open_source(source) as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)
    target.chmod(0o444)
    return target


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
    if semantic_model(settings) is not None and case.catalog.counts()["embedded"] > 0:
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


def save_case_settings(case_dir: Path, settings: Settings) -> None:
    """Write the case's ``settings.json`` (only what differs from the defaults)."""
    settings.save(case_dir / "settings.json")


def cases_dir() -> Path:
    """Where new cases are proposed by default."""
    return paths.data_dir() / "cases"


def demo_case_dir() -> Path:
    return paths.data_dir() / "demo-case"


def demo_documents() -> Path:
    return paths.demo_documents_dir()
