"""Helpers of the desktop app's tests (importable as ``gui_support``)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from arbiter_desktop.ui import state as gui_state
from arbiter_desktop.ui.main_window import MainWindow


def open_window(qtbot: QtBot, case_dir: Path) -> MainWindow:
    window = MainWindow(gui_state.GuiState())
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.case_ready, timeout=20_000):
        window.open_case(case_dir)
    return window
