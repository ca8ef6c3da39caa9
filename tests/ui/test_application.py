"""`arbiter gui`: start-up without a display, and the screenshot mode end to end (a separate process)."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from support import new_case, write

from arbiter_desktop import app
from arbiter_desktop.cli import main
from arbiter_desktop.indexing.job import JobControl


def test_without_a_display_the_window_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["gui"]) == 2
    assert "no display" in capsys.readouterr().err


def test_screenshot_mode_opens_the_case_searches_and_saves_the_window(tmp_path: Path) -> None:
    source = tmp_path / "src"
    write(source, "pv.txt", "Prolongation de la garde à vue de Tito FERRAND. Rendez-vous à la gare à 22 h 30.")
    case_dir = new_case(tmp_path / "case")
    app.index_job(case_dir, [source], JobControl(), lambda _p: None)
    shot = tmp_path / "shots" / "window.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    command = [sys.executable, "-m", "arbiter_desktop", "gui", "--case", str(case_dir), "--query", "GAV prolongée"]
    command += ["--screenshot", str(shot), "--width", "1200", "--height", "800", "--language", "fr"]
    done = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 800)
    assert len(data) > 20_000  # a drawn window, not an empty image
