"""A case on disk: one self-contained, portable directory.

```
CASE_DIR/
  case.json          schema version, name, creation date, app version
  catalog.sqlite     sources, files, documents, chunks, errors, generation (WAL)
  lexical/           the full-text index
  vectors/<model>/   the chunk vectors of one embedding model
  settings.json      optional per-case overrides of the settings
  tags.sqlite        tagged hits (stores/tags.py), created when a hit is first tagged
  audit.jsonl        the hash-chained audit trail, and audit.head its last entry (stores/audit.py)
```

Paths inside the case are relative, so copying the directory moves the case.

Opening a case checks its stores (cheaply: no full read) and refuses a damaged one with :class:`CaseDamaged`,
which names the damaged store and the fix: ``arbiter repair CASE_DIR`` rebuilds the full-text index and the
vectors from the catalog. Damage met later, while reading, is raised the same way (:meth:`Case.guard`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from arbiter_desktop import __version__
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.stores import catalog as catalog_module
from arbiter_desktop.stores.audit import AuditLog
from arbiter_desktop.stores.catalog import Catalog
from arbiter_desktop.stores.damage import LEXICAL, Damage, StoreDamaged
from arbiter_desktop.stores.lexical import LexicalStore
from arbiter_desktop.stores.tags import TAGS_FILE, TagStore
from arbiter_desktop.stores.vectors import check_folder, model_folders

CASE_SCHEMA_VERSION = 1
CASE_FILE = "case.json"


class CaseError(Exception):
    """A case directory that cannot be opened; the message says what to do."""


class CaseDamaged(CaseError):
    """Stores of a case found damaged; the message names each one and the fix."""

    def __init__(self, directory: Path, damages: Sequence[Damage]) -> None:
        self.directory = directory
        self.damages = tuple(damages)
        lines = [f"case {directory} is damaged:"] + [f"  - {d.describe()}" for d in self.damages]
        if all(d.repairable for d in self.damages):
            lines.append(
                f"Run `arbiter repair {directory}` to rebuild the damaged stores from the catalog "
                "(the source files are not read again)."
            )
        else:
            lines.append(
                "The catalog is the case's record and cannot be rebuilt from the other stores: restore the case "
                "folder from a backup, or index the sources again into a new case (`arbiter index NEW_CASE "
                "SOURCE...`)."
            )
        super().__init__("\n".join(lines))

    @property
    def repairable(self) -> bool:
        return all(d.repairable for d in self.damages)


@dataclass(frozen=True, slots=True)
class CaseInfo:
    name: str
    created: str
    schema_version: int
    app_version: str


class Case:
    def __init__(self, directory: Path, info: CaseInfo, settings: Settings | None = None) -> None:
        self.directory = directory
        self.info = info
        self._settings = settings if settings is not None else load_settings(directory)
        try:
            self.catalog = Catalog(directory / "catalog.sqlite")
        except StoreDamaged as exc:
            raise CaseDamaged(directory, [exc.damage]) from exc
        try:
            damages = self._open_lexical()
            damages += [d for d in (check_folder(p) for p in model_folders(directory)) if d is not None]
        except BaseException:
            self.catalog.close()
            raise
        if damages:
            self.catalog.close()
            raise CaseDamaged(directory, damages)
        self.audit = AuditLog(directory)
        self._tags: TagStore | None = None

    @property
    def settings(self) -> Settings:
        """The settings this case was opened with (its ``settings.json``, or those given at open): fixed while it
        is open."""
        return self._settings

    @property
    def tags(self) -> TagStore:
        """The case's tagged hits (the file is created on first use)."""
        if self._tags is None:
            self._tags = TagStore(self.directory / TAGS_FILE)
        return self._tags

    def _open_lexical(self) -> list[Damage]:
        """Open the full-text index; its damage, if any."""
        with self.guard():
            indexed = self.catalog.lexical_bounds()[0] > 0
        try:
            self.lexical = LexicalStore(self.directory / "lexical", must_exist=indexed)
            damage = check_lexical_count(self.lexical, self.catalog)
        except StoreDamaged as exc:
            return [exc.damage]
        return [damage] if damage else []

    @classmethod
    def open(cls, directory: Path, create: bool = False, settings: Settings | None = None) -> Case:
        """The case at ``directory`` (created when ``create`` and the folder is new or empty), with its own
        settings (``settings.json``) or, when given, ``settings`` (its effective settings: overrides applied)."""
        directory = directory.resolve()
        manifest = directory / CASE_FILE
        if not manifest.exists():
            if not create:
                raise CaseError(f"{directory} is not a case (no {CASE_FILE}); create it with `arbiter index`")
            if directory.exists() and any(directory.iterdir()):
                raise CaseError(f"{directory} exists and is not empty: choose a new folder for the case")
            directory.mkdir(parents=True, exist_ok=True)
            info = CaseInfo(
                name=directory.name,
                created=datetime.now(UTC).isoformat(timespec="seconds"),
                schema_version=CASE_SCHEMA_VERSION,
                app_version=__version__,
            )
            tmp = manifest.with_suffix(".tmp")
            tmp.write_text(json.dumps(_info_dict(info), indent=2), encoding="utf-8")
            os.replace(tmp, manifest)
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            info = CaseInfo(
                name=str(data["name"]),
                created=str(data["created"]),
                schema_version=int(data["schema_version"]),
                app_version=str(data.get("app_version", "")),
            )
        except (ValueError, KeyError) as exc:
            raise CaseError(f"{manifest} is damaged ({exc}); restore it from a backup of the case") from exc
        if info.schema_version > CASE_SCHEMA_VERSION:
            raise CaseError(
                f"{directory} was written by a newer version of Arbiter Desktop (case schema "
                f"{info.schema_version}, this version reads {CASE_SCHEMA_VERSION}): update the application"
            )
        return cls(directory, info, settings)

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.lexical.close_writer()
        self.catalog.close()
        if self._tags is not None:
            self._tags.close()

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Damage met inside (a malformed catalog page, a lost index segment) becomes :class:`CaseDamaged`."""
        try:
            yield
        except StoreDamaged as exc:
            raise CaseDamaged(self.directory, [exc.damage]) from exc
        except sqlite3.Error as exc:
            if catalog_module.is_damage(exc):
                raise CaseDamaged(self.directory, [catalog_module.damage(self.catalog.path, exc).damage]) from exc
            raise


def load_settings(directory: Path) -> Settings:
    """The settings of the case at ``directory`` (its ``settings.json``; the defaults without one)."""
    path = directory / "settings.json"
    try:
        return Settings.load(path)
    except (OSError, ValueError) as exc:
        raise CaseError(f"{path} cannot be read ({exc}): correct it, or delete it to use the default settings") from exc


def check_lexical_count(lexical: LexicalStore, catalog: Catalog, attempts: int = 5) -> Damage | None:
    """Damage if the full-text index holds fewer or more chunks than any commit could (see
    :meth:`Catalog.lexical_bounds`). Read between two looks at the generation, so that an indexer committing
    meanwhile cannot cause a false alarm; with no quiet moment after ``attempts`` tries, no verdict."""
    for _ in range(attempts):
        before = catalog.generation()
        held = lexical.num_chunks()
        fewest, most = catalog.lexical_bounds()
        if catalog.generation() == before:
            if fewest <= held <= most:
                return None
            problem = f"it holds {held} chunks where the catalog records between {fewest} and {most}"
            return Damage(LEXICAL, lexical.directory, problem)
        time.sleep(0.2)
    return None


def _info_dict(info: CaseInfo) -> dict[str, object]:
    return {
        "name": info.name,
        "created": info.created,
        "schema_version": info.schema_version,
        "app_version": info.app_version,
    }
