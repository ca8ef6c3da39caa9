"""Composition root: the one place that picks the concrete classes and wires them.

Read this file to know where every piece lives:

- an open case ............... session.py: :class:`CaseSession` — the case, its effective settings, its models
                               (loaded once, in the background when asked), one long-lived search engine and the
                               audit trail. The CLI, the window's search thread, the self-test, the evaluation
                               and the benchmarks all work through one (:func:`open_session`)
- a case on disk ............ stores/case.py (catalog.py: SQLite, lexical.py: tantivy, vectors.py: usearch + int8;
                              damage.py: what a damaged store reports)
- indexing .................. indexing/job.py → ingest/discovery.py, ingest/workers.py → ingest/extractors/*,
                              chunking/chunker.py (sources read only through ingest/readonly.py); in the window, in
                              a process of its own (indexing/process.py, :func:`start_indexing`)
- repairing a case .......... indexing/repair.py (rebuild the derived stores from the catalog)
- verifying the evidence .... indexing/verify.py (re-hash the sources against their recorded fingerprints)
- odd file names ............ safetext.py (names with bytes that are not UTF-8; the offline switches: __init__.py)
- searching ................. search/engine.py → search/query.py, search/lexical_query.py, search/filters.py,
                              search/highlight.py
- evaluation ................ evaluation/ (BEIR sets, metrics, runner)
- exports (PDF, CSV) ........ export/resultset.py → export/pdf.py, export/csv.py (files: export/output.py);
                              tables of entities and term lists: export/tables.py
- entities, near-duplicates . entities/ (recognisers, normalised values), duplicates/ (MinHash and the facts
                              near-duplicates share), stores/analysis.py (the entity index), indexing/analysis.py
                              (the call at indexing time); sessions list them (:meth:`CaseSession.entities`)
- term lists ................ search/termlist.py (read, run, saved in the case); :meth:`CaseSession.run_termlist`
- tags, audit trail ......... stores/tags.py, stores/audit.py (every index, search, export and tag change of a
                              session appends an entry, with the operator setting of the case)
- settings and paths ........ config/

Only the entry points import this module: cli.py, selftest.py, ui/ and bench/. The layers are checked by
import-linter (``make lint``; the contracts are in pyproject.toml).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from arbiter_desktop.config import paths
from arbiter_desktop.config.models import DEFAULT_EMBEDDER, LIGHT_EMBEDDER, model_path, preference, resolve_embedder
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import LOCATION_SEPARATOR, FileKind
from arbiter_desktop.embedding.base import Embedder
from arbiter_desktop.embedding.gguf import GgufEmbedder, ModelError, file_sha256
from arbiter_desktop.evaluation.beir import DatasetError
from arbiter_desktop.export.resultset import ExportError
from arbiter_desktop.indexing import repair as repairing
from arbiter_desktop.indexing.job import IndexReport, JobControl, ProgressCallback
from arbiter_desktop.indexing.process import IndexProcess
from arbiter_desktop.indexing.repair import RepairReport
from arbiter_desktop.indexing.verify import VerifyReport
from arbiter_desktop.indexing.verify import verify as verify_sources
from arbiter_desktop.ingest.containers import ArchiveLimits
from arbiter_desktop.safetext import real_path
from arbiter_desktop.search.engine import ModeUnavailable
from arbiter_desktop.search.rerank import Reranker, find_reranker
from arbiter_desktop.search.rerank import open_reranker as load_reranker_file
from arbiter_desktop.search.termlist import TermListError
from arbiter_desktop.session import CaseSession, ModelLoaders
from arbiter_desktop.stores.audit import AuditError
from arbiter_desktop.stores.case import Case, CaseDamaged, CaseError, load_settings
from arbiter_desktop.stores.catalog import Catalog
from arbiter_desktop.stores.damage import StoreDamaged
from arbiter_desktop.stores.tags import TagError
from arbiter_desktop.stores.vectors import VectorStoreError, model_folders

log = logging.getLogger(__name__)

# Errors whose message is meant for the user as it is (the CLI prints it, the GUI shows it).
UserError = (
    CaseError,
    ModeUnavailable,
    DatasetError,
    ModelError,
    VectorStoreError,
    ExportError,
    TagError,
    AuditError,
    TermListError,
)

DEMO_QUERIES = (
    "GAV prolongée FERRAND",
    "rdv gare",
    "ZZ 417 XK",
    "0600001234",
    "message insultant envers les policiers",
)


# --- models ----------------------------------------------------------------------------------------------------


def load_embedder(settings: Settings) -> Embedder | None:
    """The GGUF embedding model the settings select (the best installed one when none is named), or None when
    none is installed. A named file that is missing or damaged is an error that says what to do."""
    path = resolve_embedder(settings.embedder)
    if path is None:
        log.warning("no embedding model in %s: semantic search is off", paths.models_dir())
        return None
    return GgufEmbedder(path, threads=settings.embed_threads, n_ctx=settings.embed_context)


def embedded_with(case_dir: Path) -> Path | None:
    """The installed model (of those the set-up provisions) whose vectors the case holds, if any (the best for this
    processor when it holds several)."""
    held = {folder.name.rsplit("-", 1)[-1] for folder in model_folders(case_dir)}
    if not held:
        return None
    for name in preference():
        path = paths.models_dir() / name
        if path.is_file() and file_sha256(path)[:12] in held:
            return path
    return None


def load_reranker(settings: Settings) -> Reranker | None:
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
    return load_reranker_file(path, threads=settings.embed_threads)


def embedder_file(settings: Settings) -> Path | None:
    """The embedding model file the settings select, when it is installed."""
    path = resolve_embedder(settings.embedder)
    return path if path is not None and path.exists() else None


MODELS = ModelLoaders(embedder=load_embedder, reranker=load_reranker, embedder_file=embedder_file)


def open_embedder(settings: Settings, required: bool = False) -> Embedder | None:
    """An embedding model of its own, outside any case (repairing a case, the benchmarks' case builders): the
    caller closes it. None when semantic search is off or no model is installed, unless ``required``."""
    if not settings.semantic and not required:
        return None
    embedder = load_embedder(settings)
    if embedder is None and required:
        raise ModelError(
            f"no embedding model installed: expected {paths.models_dir()}/{DEFAULT_EMBEDDER} "
            f"or {LIGHT_EMBEDDER} (run `make setup`)"
        )
    return embedder


# --- cases -----------------------------------------------------------------------------------------------------


def case_settings(directory: Path, overrides: Mapping[str, Any] | None = None) -> Settings:
    """The case's settings with ``overrides``; with no model chosen, the installed model the case holds vectors
    of, if any (a new default model installed since does not make the case re-embed: hours)."""
    settings = load_settings(directory)
    if overrides:
        settings = settings.replace(**overrides)
    if not settings.embedder:
        kept = embedded_with(directory)
        if kept is not None:
            settings = settings.replace(embedder=str(kept))
    return settings


def open_session(
    directory: Path,
    create: bool = False,
    overrides: Mapping[str, Any] | None = None,
    preload: bool = False,
    loaders: ModelLoaders | None = None,
    read_ahead: bool = False,
) -> CaseSession:
    """The case at ``directory`` opened for work (close it, or use it as a context manager).

    ``overrides`` change settings of the case's ``settings.json`` for this session only (a command line's
    ``--model``, ``--operator``…). With ``preload``, the embedding model starts loading in the background at
    once, beside the opening of the case's stores; with ``read_ahead``, the files its searches read are read in the
    background once it is open (the window, whose user types meanwhile). A damaged case raises
    :class:`CaseDamaged`: its ``damages`` name each store and its problem; when ``repairable``, :func:`repair`
    rebuilds them (offer it to the user).
    ``loaders``: how the models load (default: :data:`MODELS`, the GGUF files of models/)."""
    directory = directory.resolve()
    settings = case_settings(directory, overrides)
    return CaseSession.open(
        directory, settings, loaders or MODELS, create=create, preload=preload, read_ahead=read_ahead
    )


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
    with open_session(case_dir, create=True) as session:
        marker = session.directory / RUN_MARKER
        pending = list(dict.fromkeys([*interrupted_run(session.directory), *(Path(r) for r in roots)]))
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps([str(p) for p in pending], ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, marker)
        sources = [Path(p) for _, p in session.case.catalog.sources()]
        todo = list(dict.fromkeys([*pending, *sources]))
        reembed = (session.directory / REEMBED_MARKER).exists()
        report = session.index(todo, control, on_progress, reembed=reembed)
        if not report.cancelled:
            marker.unlink(missing_ok=True)
        if session.embedder() is not None:
            (session.directory / REEMBED_MARKER).unlink(missing_ok=True)
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


def member_copy(case: Case, location: str, target: Path | None = None) -> Path:
    """A read-only copy of the member of a container at ``location`` ("scelle.zip › dossier/a.pdf"), copied out of
    its containers (the evidence files are only read). By default it goes to the user data folder's
    ``viewer-copies/``, under the member's own name. Raises CaseError when no member is recorded there, and
    ExtractionError when its container no longer holds it."""
    from arbiter_desktop.ingest.containers.locate import copy_member

    with case.guard():
        chain = case.catalog.member_chain(location)
        row = (
            case.catalog.db.execute("SELECT kind FROM files WHERE path=?", (chain[0].file_path,)).fetchone()
            if chain
            else None
        )
    if not chain or row is None:
        raise CaseError(f"no member of a container is recorded at {location}")
    if target is None:
        folder = paths.data_dir() / "viewer-copies" / hashlib.sha256(location.encode()).hexdigest()[:16]
        name = Path(chain[-1].inner_path.replace(LOCATION_SEPARATOR, "/")).name or "membre"
        target = folder / name
    limits = ArchiveLimits(
        max_entries=case.settings.archive_max_entries,
        max_member_bytes=case.settings.max_file_mb * 1024 * 1024,
        max_total_bytes=case.settings.archive_max_total_mb * 1024 * 1024,
        max_ratio=case.settings.archive_max_ratio,
    )
    steps = [(m.ref, m.kind) for m in chain]
    return copy_member(Path(real_path(chain[0].file_path)), FileKind(row[0]), steps, target, limits)


def is_member(location: str) -> bool:
    """Is this path the location of a member of a container (rather than a file)?"""
    return LOCATION_SEPARATOR in location


def repair(
    directory: Path,
    overrides: Mapping[str, Any] | None = None,
    rebuild: Sequence[str] = (),
    required: bool = False,
    control: JobControl | None = None,
    on_progress: ProgressCallback | None = None,
) -> RepairReport:
    """Check the case's stores, rebuild the damaged ones (and those named in ``rebuild``) from the catalog; the
    chunks left without a vector are embedded with the case's model (``required``: it must be installed). A
    damaged case cannot be opened as a session: the model is loaded here, for the repair alone."""
    settings = case_settings(directory.resolve(), overrides)
    embedder = open_embedder(settings, required=required)
    try:
        return repairing.repair(directory, embedder, rebuild, control, on_progress)
    finally:
        if embedder is not None:
            embedder.close()


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
