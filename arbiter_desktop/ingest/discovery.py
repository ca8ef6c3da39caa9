"""Walk the dropped folders and fingerprint files. Sources are evidence: read-only, never modified.

Files are read through :mod:`arbiter_desktop.ingest.readonly` (``O_RDONLY``, and ``O_NOATIME`` where the system
allows it, so that even the access time stays as it was); nothing here writes, renames or changes permissions.

The walk yields real names (bytes that are not UTF-8 included); what is recorded is their key
(:func:`arbiter_desktop.safetext.path_key`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from arbiter_desktop.domain import FileFingerprint
from arbiter_desktop.ingest.filetypes import HEAD_BYTES, detect_kind_open
from arbiter_desktop.ingest.readonly import open_readonly, open_source
from arbiter_desktop.safetext import path_key

_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class Seen:
    """A regular file met during the walk (not yet hashed)."""

    path: str  # the real name: read the file through this one
    size: int
    mtime_ns: int
    ctime_ns: int  # changes with any write, even one that puts the modification time back

    @property
    def key(self) -> str:
        """The path as the catalog records it."""
        return path_key(self.path)

    def same_state(self, other: Seen) -> bool:
        """Has the file kept its size and times (nothing wrote to it in between)?"""
        return (self.size, self.mtime_ns, self.ctime_ns) == (other.size, other.mtime_ns, other.ctime_ns)


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something under a source that is not a readable regular file."""

    path: str
    message: str

    @property
    def key(self) -> str:
        return path_key(self.path)


def _seen(path: str, st: os.stat_result) -> Seen:
    return Seen(path, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def walk(root: Path) -> Iterator[Seen | Skipped]:
    """Every regular file under ``root`` (or ``root`` itself), without following directory symlinks."""
    try:
        st = os.stat(root)
    except OSError as exc:
        yield Skipped(str(root), f"cannot read: {exc.strerror or exc}")
        return
    if stat.S_ISREG(st.st_mode):
        yield _seen(str(root), st)
        return
    stack = [str(root)]
    visited: set[tuple[int, int]] = {(st.st_dev, st.st_ino)}
    while stack:
        folder = stack.pop()
        try:
            fd = open_readonly(folder)  # listed through a descriptor: the folder's access time stays too
        except OSError as exc:
            yield Skipped(folder, f"cannot list folder: {exc.strerror or exc}")
            continue
        try:
            yield from _folder_entries(fd, folder, stack, visited)
        finally:
            os.close(fd)


def _folder_entries(fd: int, folder: str, stack: list[str], visited: set[tuple[int, int]]) -> Iterator[Seen | Skipped]:
    try:
        with os.scandir(fd) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(folder, f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        path = os.path.join(folder, entry.name)
        try:
            if entry.is_dir(follow_symlinks=False):
                est = entry.stat(follow_symlinks=False)
                if (est.st_dev, est.st_ino) not in visited:
                    visited.add((est.st_dev, est.st_ino))
                    stack.append(path)
                continue
            if entry.is_symlink():
                target = entry.stat(follow_symlinks=True)  # a link to a file is read through
                if stat.S_ISREG(target.st_mode):
                    yield _seen(path, target)
                else:
                    yield Skipped(path, "symbolic link to a folder or special file: not followed")
                continue
            est = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(est.st_mode):
                yield _seen(path, est)
            else:
                yield Skipped(path, "not a regular file (device, socket or pipe)")
        except OSError as exc:
            yield Skipped(path, f"cannot read: {exc.strerror or exc}")


def sha256_of(path: str) -> str:
    """The SHA-256 of a file, read in blocks (memory stays flat whatever the size)."""
    digest = hashlib.sha256()
    with open_source(path) as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def restat(path: str) -> Seen | None:
    """The file at ``path`` as it is now (links to files read through), or None if it is gone or not a file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _seen(path, st) if stat.S_ISREG(st.st_mode) else None


def fingerprint(seen: Seen) -> FileFingerprint:
    """Hash and classify a file, reading it once. Raises OSError if it vanished or cannot be read."""
    digest = hashlib.sha256()
    with open_source(seen.path) as handle:
        head = handle.read(HEAD_BYTES)
        digest.update(head)
        kind = detect_kind_open(handle, head, os.path.basename(seen.path))
        if len(head) == HEAD_BYTES:
            handle.seek(HEAD_BYTES)
            while block := handle.read(_BLOCK):
                digest.update(block)
    return FileFingerprint(path=seen.key, size=seen.size, mtime_ns=seen.mtime_ns, sha256=digest.hexdigest(), kind=kind)
