"""Shared fixtures: small cases built in temporary folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The names phase loads spaCy's French model (~2 s) in every indexing run: off by default in the tests (and the
# indexer processes they start); the tests of names turn it on with Settings(names=True).
os.environ.setdefault("ARBITER_NAMES", "0")

from arbiter_desktop.config.settings import Settings
from arbiter_desktop.stores.case import Case

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    """An empty case with one extraction worker (tests run on small machines)."""
    c = Case.open(tmp_path / "case", create=True, settings=Settings(workers=1, extract_timeout_s=60))
    yield c
    c.close()
