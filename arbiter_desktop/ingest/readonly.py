"""Read-only access to source files. Sources are evidence: every read of a source goes through here.

Files are opened with ``O_RDONLY`` and ``O_NOATIME`` where the system allows it (the file's owner, or root), so
that even the access time stays as it was; nothing here writes, renames or changes permissions. Where
``O_NOATIME`` is refused, the file is opened read-only all the same.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
_NOATIME = getattr(os, "O_NOATIME", 0)


def open_readonly(path: str | Path) -> int:
    """A read-only descriptor, without updating the access time when the system permits it."""
    if _NOATIME:
        try:
            return os.open(path, _READ_FLAGS | _NOATIME)
        except PermissionError:
            pass  # O_NOATIME needs ownership of the file; fall back to a plain read-only open
    return os.open(path, _READ_FLAGS)


def open_source(path: str | Path) -> BinaryIO:
    """A buffered binary file object on ``path``, opened as :func:`open_readonly` does."""
    fd = open_readonly(path)
    try:
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
