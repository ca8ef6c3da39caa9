"""Helpers shared by the tests (importable as ``support``: the tests folder is on sys.path)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import arbiter_desktop

if TYPE_CHECKING:
    from arbiter_desktop.embedding.base import Embedder
    from arbiter_desktop.search.rerank import Reranker
    from arbiter_desktop.session import CaseSession
    from arbiter_desktop.stores.case import Case

SHARED = Path(__file__).resolve().parents[2] / "shared"
EVALDATA = SHARED / "evaldata"
TESTS = Path(__file__).resolve().parent
PACKAGE_ROOT = Path(arbiter_desktop.__file__).resolve().parents[1]  # the checkout whose code the tests run
INDEX_DRIVER = TESTS / "index_driver.py"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write a text file (creating its folders) and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def python_env(*first: Path, **variables: str) -> dict[str, str]:
    """The environment of a Python subprocess that imports the same ``arbiter_desktop`` as the tests (and the
    test helpers), with ``first`` ahead on its path and ``variables`` set."""
    env = {**os.environ, **variables}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (*first, PACKAGE_ROOT, TESTS))
    return env


def driver_command(case_dir: Path, *sources: Path, options: tuple[str, ...] = ()) -> list[str]:
    """The command that runs ``tests/index_driver.py`` (an indexer process) on ``sources``."""
    return [sys.executable, str(INDEX_DRIVER), str(case_dir), *(str(s) for s in sources), *options]


def new_case(directory: Path) -> Path:
    """A case on disk with one extraction worker (tests run on small machines), as the desktop app opens it."""
    from arbiter_desktop import app
    from arbiter_desktop.config.settings import Settings
    from arbiter_desktop.stores.case import Case

    Case.open(directory, create=True).close()
    app.save_case_settings(directory, Settings(workers=1, extract_timeout_s=60))
    return directory


def session_of(case: Case, embedder: Embedder | None = None, reranker: Reranker | None = None) -> CaseSession:
    """A session over a test's case, with stand-in models (none: no model installed). The case stays its
    fixture's to close."""
    from arbiter_desktop.session import CaseSession, ModelLoaders

    loaders = ModelLoaders(
        embedder=lambda _settings: embedder,
        reranker=lambda _settings: reranker,
        embedder_file=lambda _settings: Path(embedder.identity.path or "stand-in") if embedder else None,
    )
    return CaseSession(case, loaders)
