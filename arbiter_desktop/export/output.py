"""Where exports are written: output paths checked before anything is done, files written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

from arbiter_desktop.export.resultset import ExportError


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
