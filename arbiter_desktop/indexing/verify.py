"""Re-hash the sources of a case and compare them with the fingerprints recorded when they were indexed.

Every file the catalog records (indexed, or in error with a fingerprint) is read again, read-only, and its
SHA-256 compared; the source folders are walked again to find files added since. Nothing is written anywhere:
not to the sources, not to the case.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from arbiter_desktop.indexing.job import Progress, ProgressCallback
from arbiter_desktop.ingest.discovery import Seen, sha256_of, walk
from arbiter_desktop.safetext import real_path
from arbiter_desktop.stores.catalog import Catalog


@dataclass(frozen=True, slots=True)
class FileCheck:
    path: str  # as the catalog records it
    recorded_sha256: str = ""  # empty for a file added since
    recorded_size: int | None = None
    current_sha256: str = ""  # empty for a missing or unreadable file
    current_size: int | None = None
    message: str = ""  # why a present file could not be read


@dataclass
class VerifyReport:
    case: str
    checked: int = 0  # recorded fingerprints compared
    matching: int = 0
    changed: list[FileCheck] = field(default_factory=list)
    missing: list[FileCheck] = field(default_factory=list)
    added: list[FileCheck] = field(default_factory=list)
    unreadable: list[FileCheck] = field(default_factory=list)  # present, but cannot be read now
    unhashed: list[str] = field(default_factory=list)  # recorded without a fingerprint (unreadable back then)
    missing_sources: list[str] = field(default_factory=list)  # source folders that are gone
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added or self.unreadable)


@dataclass(frozen=True, slots=True)
class _Recorded:
    size: int
    sha256: str


def verify(catalog: Catalog, case: str = "", on_progress: ProgressCallback | None = None) -> VerifyReport:
    """Compare every source file with its recorded fingerprint; list the changed, missing and added ones."""
    started = time.monotonic()
    report = VerifyReport(case=case)
    recorded: dict[str, _Recorded] = {}
    for table in ("files", "errors"):
        for path, size, sha in catalog.db.execute(f"SELECT path, size, sha256 FROM {table}"):
            recorded[str(path)] = _Recorded(int(size), str(sha))
    present: dict[str, Seen | None] = {}  # key → the file walked (None: met, but not a readable file)
    for _, key in catalog.sources():
        root = Path(real_path(key))
        if not root.exists():
            report.missing_sources.append(key)
            continue
        for item in walk(root):
            present.setdefault(item.key, item if isinstance(item, Seen) else None)
    to_hash = [k for k in sorted(present) if present[k] is not None and (k not in recorded or recorded[k].sha256)]
    emit = on_progress or (lambda _p: None)
    for done, key in enumerate(to_hash, start=1):
        seen = present[key]
        assert seen is not None
        try:
            current = sha256_of(seen.path)
        except OSError as exc:
            entry = recorded.get(key)
            message = f"cannot read: {exc.strerror or exc}"
            report.unreadable.append(
                FileCheck(key, entry.sha256 if entry else "", current_size=seen.size, message=message)
            )
            continue
        finally:
            emit(Progress("verify", done, len(to_hash), key, 0, 0, time.monotonic() - started))
        entry = recorded.get(key)
        if entry is None:
            report.added.append(FileCheck(key, current_sha256=current, current_size=seen.size))
        elif current == entry.sha256:
            report.matching += 1
        else:
            report.changed.append(FileCheck(key, entry.sha256, entry.size, current, seen.size))
    for key, entry in sorted(recorded.items()):
        if not entry.sha256:
            report.unhashed.append(key)
        elif key not in present:
            report.missing.append(FileCheck(key, entry.sha256, entry.size))
        elif present[key] is None:  # now a link loop, a folder, a device...
            report.unreadable.append(FileCheck(key, entry.sha256, entry.size, message="no longer a readable file"))
    report.checked = sum(1 for e in recorded.values() if e.sha256)
    report.seconds = time.monotonic() - started
    return report
