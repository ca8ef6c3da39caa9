"""Helpers shared by the tests (importable as ``support``: the tests folder is on sys.path)."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
EVALDATA = SHARED / "evaldata"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write a text file (creating its folders) and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path
