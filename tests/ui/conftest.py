"""Fixtures for the desktop app: an isolated user data folder, no embedding model (full text, fast), and a
window on a fresh case."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_support import open_window
from pytestqt.qtbot import QtBot
from support import new_case

from arbiter_desktop.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBITER_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("ARBITER_MODELS_DIR", str(tmp_path / "no-models"))


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    return new_case(tmp_path / "case")


@pytest.fixture
def window(qtbot: QtBot, case_dir: Path) -> Iterator[MainWindow]:
    w = open_window(qtbot, case_dir)
    yield w
    w.close()
