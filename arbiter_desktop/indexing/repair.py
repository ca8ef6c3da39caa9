"""Check a case's stores and rebuild the damaged ones from the catalog, without reading the sources.

- The full-text index is rebuilt whole: every document is marked ``pending`` (committed first), the index folder
  is emptied, then the documents are sent again from the catalog's text in bounded commits. A repair killed
  half-way leaves pending documents, which the next ``repair`` or ``index`` sends.
- A vector store keeps the rows its files still hold in full (:func:`stores.vectors.salvage`); the chunks whose
  vector was lost are embedded again when the model is at hand, else they are counted as left to embed.
- A damaged catalog cannot be rebuilt: it is the case's record (sources, fingerprints, text).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from arbiter_desktop.embedding.base import Embedder, ModelIdentity
from arbiter_desktop.indexing.job import Indexer, JobControl, ProgressCallback
from arbiter_desktop.stores.case import Case, CaseDamaged, CaseError, check_lexical_count
from arbiter_desktop.stores.catalog import Catalog
from arbiter_desktop.stores.damage import CATALOG, LEXICAL, VECTORS, Damage, StoreDamaged
from arbiter_desktop.stores.lexical import LexicalStore
from arbiter_desktop.stores.vectors import VectorStore, check_folder, model_folders, read_meta, salvage

STORES = ("lexical", "vectors")  # what ``rebuild`` may name


@dataclass
class RepairReport:
    found: list[Damage] = field(default_factory=list)  # damage found before repairing
    lexical_rebuilt: bool = False
    documents_sent: int = 0  # documents sent again to the full-text index
    vector_rows_kept: int = 0
    vector_rows_dropped: int = 0
    vector_stores_dropped: list[str] = field(default_factory=list)
    embedded: int = 0  # chunks embedded again in this run
    left_to_embed: int = 0  # chunks of a semantically indexed case still without a vector (no model at hand)
    seconds: float = 0.0


def diagnose(directory: Path) -> list[Damage]:
    """Every damage of the case at ``directory``, including SQLite's check of every catalog page (a full read
    of the catalog: seconds on a large case). Changes nothing."""
    path = directory / "catalog.sqlite"
    try:
        catalog = Catalog(path)
    except StoreDamaged as exc:
        return [exc.damage]
    try:
        problems = catalog.quick_check()
        if problems:
            return [Damage(CATALOG, path, "; ".join(problems[:5]))]
        found: list[Damage] = []
        try:
            indexed = catalog.lexical_bounds()[0] > 0
            lexical = LexicalStore(directory / "lexical", must_exist=indexed)
            damage = check_lexical_count(lexical, catalog)
            if damage is not None:
                found.append(damage)
        except StoreDamaged as exc:
            found.append(exc.damage)
        for folder in model_folders(directory):
            damage = check_folder(folder) or _open_error(folder)
            if damage is not None:
                found.append(damage)
        return found
    finally:
        catalog.close()


def _open_error(folder: Path) -> Damage | None:
    """Damage that only opening the store shows (its keys), for a folder whose sizes are right."""
    if read_meta(folder) is None:
        return None
    try:
        VectorStore(folder, _identity(folder))
    except StoreDamaged as exc:
        return exc.damage
    return None


def _identity(folder: Path) -> ModelIdentity:
    meta = read_meta(folder) or {}
    return ModelIdentity(
        str(meta.get("name", folder.name)),
        str(meta.get("family", "")),
        int(meta.get("dim", 0)),
        str(meta.get("sha256", "")),
        "",
    )


def repair(
    directory: Path,
    embedder: Embedder | None = None,
    rebuild: Collection[str] = (),
    control: JobControl | None = None,
    on_progress: ProgressCallback | None = None,
) -> RepairReport:
    """Rebuild what is damaged (and the stores named in ``rebuild``), then finish pending work: documents not in
    the full-text index yet, chunks without a vector (with ``embedder``)."""
    started = time.monotonic()
    directory = directory.resolve()
    if not (directory / "catalog.sqlite").exists():
        raise CaseError(f"{directory} is not a case (no catalog.sqlite)")
    unknown = set(rebuild) - set(STORES)
    if unknown:
        raise ValueError(f"unknown store(s) {', '.join(sorted(unknown))}; choose among {', '.join(STORES)}")
    if "vectors" in rebuild and embedder is None:
        raise CaseError("rebuilding the vectors needs the embedding model: install it in models/ (`make setup`)")
    report = RepairReport(found=diagnose(directory))
    catalog_damage = [d for d in report.found if d.store == CATALOG]
    if catalog_damage:
        raise CaseDamaged(directory, catalog_damage)
    if "lexical" in rebuild or any(d.store == LEXICAL for d in report.found):
        _clear_lexical(directory)
        report.lexical_rebuilt = True
    for damage in report.found:
        if damage.store == VECTORS:
            kept, dropped = salvage(damage.path)
            report.vector_rows_kept += kept
            report.vector_rows_dropped += dropped
            if not damage.path.exists():
                report.vector_stores_dropped.append(damage.path.name)
    if "vectors" in rebuild:
        for folder in model_folders(directory):
            shutil.rmtree(folder)
            report.vector_stores_dropped.append(folder.name)
    case = Case.open(directory)
    try:
        report.documents_sent = len(case.catalog.pending_documents())
        _sync_embedded(case)
        with case.guard():
            result = Indexer(case, control, on_progress, embedder).run([])
        report.embedded = result.embedded
        counts = case.catalog.counts()
        semantic = bool(model_folders(directory) or report.vector_rows_dropped or report.vector_stores_dropped)
        report.left_to_embed = counts["chunks"] - counts["embedded"] if semantic else 0
    finally:
        case.close()
    report.seconds = time.monotonic() - started
    return report


def _clear_lexical(directory: Path) -> None:
    """Mark every document pending (durably), then empty the full-text index folder."""
    catalog = Catalog(directory / "catalog.sqlite")
    try:
        with catalog.transaction():
            catalog.mark_all_pending()
    finally:
        catalog.close()
    shutil.rmtree(directory / "lexical", ignore_errors=True)


def _sync_embedded(case: Case) -> None:
    """Make the catalog's ``embedded`` flags say which chunks have a vector in the case's store."""
    folders = model_folders(case.directory)
    keys: set[int] = set()
    if len(folders) == 1 and read_meta(folders[0]) is not None:
        keys = VectorStore(folders[0], _identity(folders[0])).keys()
    elif len(folders) > 1:
        return  # vectors of several models (a re-embedding under way): the next indexing run sorts them out
    with case.catalog.transaction():
        case.catalog.sync_embedded(keys)
