"""The French interface is complete and the compiled catalogue matches its source."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from arbiter_desktop.ui.application import translations_dir

ROOT = Path(__file__).resolve().parents[2]
TS = translations_dir() / "arbiter_fr.ts"
BIN = Path(sys.executable).parent


def _tool(name: str) -> Path:
    path = BIN / f"pyside6-{name}"
    if not path.exists():
        pytest.fail(f"{path} is missing: PySide6-Essentials ships it (reinstall with `make setup`)")
    return path


def _sources(ts: Path) -> set[tuple[str, str]]:
    return {
        (context.findtext("name") or "", message.findtext("source") or "")
        for context in ET.parse(ts).getroot().iter("context")
        for message in context.iter("message")
        if message.find("translation") is None or message.find("translation").get("type") != "vanished"  # type: ignore[union-attr]
    }


def test_every_string_is_translated_to_french() -> None:
    unfinished = [
        message.findtext("source")
        for message in ET.parse(TS).getroot().iter("message")
        if (message.find("translation") is not None and message.find("translation").get("type") == "unfinished")  # type: ignore[union-attr]
    ]
    assert unfinished == []


def test_the_catalogue_holds_every_string_of_the_interface(tmp_path: Path) -> None:
    """lupdate over the interface's code finds no string the catalogue lacks (run `make translations`)."""
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "arbiter_desktop" / "ui").glob("*.py"))
    subprocess.run([str(_tool("lupdate")), *sources, "-ts", str(fresh)], check=True, capture_output=True)
    assert _sources(fresh) <= _sources(TS)


def test_the_compiled_catalogue_is_up_to_date(tmp_path: Path) -> None:
    copy = tmp_path / "arbiter_fr.ts"
    shutil.copy(TS, copy)
    subprocess.run([str(_tool("lrelease")), str(copy)], check=True, capture_output=True)
    assert (tmp_path / "arbiter_fr.qm").read_bytes() == (translations_dir() / "arbiter_fr.qm").read_bytes()
