"""The OCR models must be installed (`make setup`: installer/models/tessdata.py) for these tests."""

from __future__ import annotations

import pytest

from arbiter_desktop.config import paths
from arbiter_desktop.ingest.ocr.engine import OcrConfig


@pytest.fixture(scope="session")
def ocr_config() -> OcrConfig:
    folder = paths.tessdata_dir()
    if not (folder / "fra.traineddata").is_file():
        pytest.fail(f"OCR models missing in {folder}: run `make setup`")
    return OcrConfig(str(folder), "fra")
