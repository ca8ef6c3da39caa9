"""Whether a search is running in a case, so that indexing gives it the cores: a small memory-mapped file in the
case folder (``CASE_DIR/searching``) holding until when the search that raised it may run (seconds since the
epoch; 0 when none runs).

The searcher — a case session, in the window or a command — raises the flag around each search. The indexer —
the window's indexing process, or an ``arbiter index`` beside it — holds still while the flag is up: between files
and embedding batches (its job control waits), in its extraction workers before each file
(:class:`HoldWhileSearching`), and inside the embedding model's computation (the model calls back between the
operations of its graph: see ``GgufEmbedder.hold_while``), so that a search never shares the cores with the
indexer for longer than one file or one operation of the model. A search that died leaves a flag that expires
by itself (``SEARCH_LIMIT_S``). A case folder that cannot be written (read-only media) simply has no flag.
"""

from __future__ import annotations

import logging
import mmap
import os
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

ACTIVITY_FILE = "searching"
SEARCH_LIMIT_S = 10.0  # the longest a search holds the indexer (a flag left by a dead search expires after this)
HOLD_STEP_S = 0.002  # how often a held indexer looks at the flag again
_FORMAT = "d"
_SIZE = struct.calcsize(_FORMAT)


class SearchActivity:
    """The search flag of the case at ``directory`` (mapped at first use)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / ACTIVITY_FILE
        self._map: mmap.mmap | None = None
        self._unavailable = False
        self._lock = threading.Lock()

    def _mapped(self) -> mmap.mmap | None:
        with self._lock:
            if self._map is None and not self._unavailable:
                try:
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                    try:
                        if os.fstat(fd).st_size < _SIZE:
                            os.ftruncate(fd, _SIZE)
                        self._map = mmap.mmap(fd, _SIZE)
                    finally:
                        os.close(fd)
                except OSError as exc:  # a read-only case: searches run, the indexer is not told
                    log.info("no search flag in %s (%s)", self.path.parent, exc)
                    self._unavailable = True
            return self._map

    def _read(self) -> float:
        mapped = self._mapped()
        return float(struct.unpack(_FORMAT, mapped[:_SIZE])[0]) if mapped is not None else 0.0

    def _write(self, value: float) -> None:
        mapped = self._mapped()
        if mapped is not None:
            mapped[:_SIZE] = struct.pack(_FORMAT, value)

    @contextmanager
    def searching(self) -> Iterator[None]:
        """Raise the flag for the duration of a search."""
        until = time.time() + SEARCH_LIMIT_S
        self._write(until)
        try:
            yield
        finally:
            if self._read() == until:  # another search that raised it since keeps it up
                self._write(0.0)

    def active(self) -> bool:
        """Whether a search runs in the case now."""
        return self._read() > time.time()

    def hold(self) -> None:
        """Wait while a search runs (at most until its flag expires)."""
        while self.active():
            time.sleep(HOLD_STEP_S)

    def close(self) -> None:
        with self._lock:
            if self._map is not None:
                self._map.close()
                self._map = None


@dataclass(frozen=True, slots=True)
class HoldWhileSearching:
    """:meth:`SearchActivity.hold` for the case at ``directory`` as a picklable callable: the indexer's extraction
    workers (processes of their own) call it before each file, so that a search does not share the cores with
    the parsing of the files already handed to them either."""

    directory: Path

    def __call__(self) -> None:
        _held(self.directory).hold()


@dataclass(frozen=True, slots=True)
class SearchRunning:
    """:meth:`SearchActivity.active` for the case at ``directory`` as a picklable callable: the semantic phase's
    embedding workers (processes of their own) hold their computation while it says True."""

    directory: Path

    def __call__(self) -> bool:
        return _held(self.directory).active()


_HELD: dict[Path, SearchActivity] = {}  # per process: the flag of each case a worker holds on, mapped once


def _held(directory: Path) -> SearchActivity:
    """This process's :class:`SearchActivity` of the case at ``directory`` (mapped at first use)."""
    activity = _HELD.get(directory)
    if activity is None:
        activity = _HELD[directory] = SearchActivity(directory)
    return activity
