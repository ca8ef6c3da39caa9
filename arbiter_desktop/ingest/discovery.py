"""Walk the dropped folders and fingerprint files. Sources are evidence: read-only, never modified.

Files are read through :mod:`arbiter_desktop.ingest.readonly` (``O_RDONLY``, and ``O_NOATIME`` where the system
allows it, so that even the access time stays as it was); nothing here writes, renames or changes permissions.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from arbiter_desktop.domain import FileFingerprint
from arbiter_desktop.ingest.filetypes import detect_kind
from arbiter_desktop.ingest.readonly import open_source

_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class Seen:
    """A regular file met during the walk (not yet hashed)."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something under a source that is not a readable regular file."""

    path: str
    message: str


def walk(root: Path) -> Iterator[Seen | Skipped]:
    """Every regular file under ``root`` (or ``root`` itself), without following directory symlinks."""
    try:
        st = os.stat(root)
    except OSError as exc:
        yield Skipped(str(root), f"cannot read: {exc.strerror or exc}")
        return
    if stat.S_ISREG(st.st_mode):
        yield Seen(str(root), st.st_size, st.st_mtime_ns)
        return
    stack = [str(root)]
    visited: set[tuple[int, int]] = {(st.st_dev, st.st_ino)}
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Skipped(folder, f"cannot list folder: {exc.strerror or exc}")
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    est = entry.stat(follow_symlinks=False)
                    if (est.st_dev, est.st_ino) not in visited:
                        visited.add((est.st_dev, est.st_ino))
                        stack.append(entry.path)
                    continue
                if entry.is_symlink():
                    target = entry.stat(follow_symlinks=True)  # a link to a file is read through
                    if stat.S_ISREG(target.st_mode):
                        yield Seen(entry.path, target.st_size, target.st_mtime_ns)
                    else:
                        yield Skipped(entry.path, "symbolic link to a folder or special file: not followed")
                    continue
                est = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(est.st_mode):
                    yield Seen(entry.path, est.st_size, est.st_mtime_ns)
                else:
                    yield Skipped(entry.path, "not a regular file (device, socket or pipe)")
            except OSError as exc:
                yield Skipped(entry.path, f"cannot read: {exc.strerror or exc}")


def sha256_of(path: str) -> str:
    """The SHA-256 of a file, read in blocks (memory stays flat whatever the size)."""
    digest = hashlib.sha256()
    with open_source(path) as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(seen: Seen) -> FileFingerprint:
    """Hash and classify a file. Raises OSError if it vanished or cannot be read."""
    return FileFingerprint(
        path=seen.path,
        size=seen.size,
        mtime_ns=seen.mtime_ns,
        sha256=sha256_of(seen.path),
        kind=detect_kind(Path(seen.path)),
    )
