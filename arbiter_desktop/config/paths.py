"""Where the application finds its resources and keeps its own data."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def app_root() -> Path:
    """The folder holding ``models/``: the repository, or the offline bundle's folder (that of its executable)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    """The read-only resources (lexicons, fonts, translations, demo documents): ``resources/`` of the repository,
    or, in the offline bundle, of its contents folder (``_internal/``, where PyInstaller puts data files)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return app_root() / "resources"


def models_dir() -> Path:
    override = os.environ.get("ARBITER_MODELS_DIR")
    return Path(override) if override else app_root() / "models"


def tessdata_dir() -> Path:
    """The OCR models (``<language>.traineddata``), provisioned by ``installer/models/tessdata.py``."""
    return models_dir() / "tessdata"


def demo_documents_dir() -> Path:
    return resources_dir() / "demo" / "affaire_demo"


def data_dir() -> Path:
    """Per-user application data (recent cases, the demo case)."""
    override = os.environ.get("ARBITER_DATA_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "arbiter-desktop"
