"""A case on disk: one self-contained, portable directory.

```
CASE_DIR/
  case.json          schema version, name, creation date, app version
  catalog.sqlite     sources, files, documents, chunks, errors, generation (WAL)
  lexical/           the full-text index
  settings.json      optional per-case overrides of the settings
  tags.sqlite        tagged hits (stores/tags.py), created when a hit is first tagged
  audit.jsonl        the hash-chained audit trail, and audit.head its last entry (stores/audit.py)
```

Paths inside the case are relative, so copying the directory moves the case.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from arbiter_desktop import __version__
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.stores.audit import AuditLog
from arbiter_desktop.stores.catalog import Catalog
from arbiter_desktop.stores.lexical import LexicalStore
from arbiter_desktop.stores.tags import TAGS_FILE, TagStore

CASE_SCHEMA_VERSION = 1
CASE_FILE = "case.json"


class CaseError(Exception):
    """A case directory that cannot be opened; the message says what to do."""


@dataclass(frozen=True, slots=True)
class CaseInfo:
    name: str
    created: str
    schema_version: int
    app_version: str


class Case:
    def __init__(self, directory: Path, info: CaseInfo) -> None:
        self.directory = directory
        self.info = info
        self.settings = Settings.load(directory / "settings.json")
        self.catalog = Catalog(directory / "catalog.sqlite")
        self.lexical = LexicalStore(directory / "lexical")
        self.audit = AuditLog(directory)
        self._tags: TagStore | None = None

    @property
    def tags(self) -> TagStore:
        """The case's tagged hits (the file is created on first use)."""
        if self._tags is None:
            self._tags = TagStore(self.directory / TAGS_FILE)
        return self._tags

    @classmethod
    def open(cls, directory: Path, create: bool = False) -> Case:
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
        return cls(directory, info)

    def close(self) -> None:
        self.lexical.close_writer()
        self.catalog.close()
        if self._tags is not None:
            self._tags.close()


def _info_dict(info: CaseInfo) -> dict[str, object]:
    return {
        "name": info.name,
        "created": info.created,
        "schema_version": info.schema_version,
        "app_version": info.app_version,
    }
