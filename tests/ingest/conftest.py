"""Fixtures for the ingest tests: every extractor must leave its source file exactly as it found it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from arbiter_desktop.domain import Extraction

Untouched = Callable[[Path], AbstractContextManager[None]]


@pytest.fixture
def untouched() -> Untouched:
    """``with untouched(path): ...`` fails if the file's bytes, mtime or folder listing change inside."""

    @contextmanager
    def check(path: Path) -> Iterator[None]:
        before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(path.parent.iterdir()))
        yield
        assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(path.parent.iterdir())) == before

    return check


def _page_texts(result: Extraction) -> list[str]:
    previous_end = 0
    texts = []
    for span in result.pages:
        assert previous_end <= span.start <= span.end <= len(result.text)
        previous_end = span.end
        texts.append(result.text[span.start : span.end])
    return texts


@pytest.fixture
def page_texts() -> Callable[[Extraction], list[str]]:
    """The text of each page span, checking that spans are ordered and inside the text."""
    return _page_texts
