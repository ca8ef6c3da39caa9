"""Where the app finds its resources and models: from source, and in the offline bundle (PyInstaller one-folder:
data files in ``_internal/``, models beside the executable)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from arbiter_desktop.config import paths

REPO = Path(paths.__file__).resolve().parents[2]


def test_from_source_resources_and_models_are_in_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARBITER_MODELS_DIR", raising=False)
    assert paths.resources_dir() == REPO / "resources"
    assert paths.models_dir() == REPO / "models"
    assert paths.demo_documents_dir() == REPO / "resources" / "demo" / "affaire_demo"


def test_in_the_bundle_resources_are_in_its_contents_folder_and_models_beside_the_executable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "ArbiterDesktop"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle / "_internal"), raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "ArbiterDesktop"))
    monkeypatch.delenv("ARBITER_MODELS_DIR", raising=False)
    assert paths.app_root() == bundle.resolve()
    assert paths.resources_dir() == bundle / "_internal" / "resources"
    assert paths.models_dir() == bundle.resolve() / "models"
    monkeypatch.setenv("ARBITER_MODELS_DIR", str(tmp_path / "elsewhere"))
    assert paths.models_dir() == tmp_path / "elsewhere"
