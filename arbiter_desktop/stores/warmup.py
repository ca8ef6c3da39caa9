"""A case's search files read ahead, in the background, as the case opens.

The first search after a case is opened from a cold disk — after a restart, or when other work has pushed the case
out of the system's file cache — otherwise reads what it needs a page fault at a time. Measured on the 1M-chunk
benchmark case, the file cache emptied before opening, the model loaded: the first hybrid search took 2.4 s (0.6 s
with the files cached), of which 0.6 s counting the catalog's chunks, 0.6 s reading the candidates' int8 rows,
0.35 s in the full-text index and 0.3 s scanning the binary index. A hint to the kernel
(``posix_fadvise(WILLNEED)`` on every file) did not change it measurably; reading the files through does.

The files are read smallest and most needed first, in blocks; the reading holds while a search runs (the search's
own reads go first) and stops as soon as the case closes. It is only a head start: a search never waits for it,
and a file replaced by the indexer meanwhile is skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from arbiter_desktop.stores.vectors import model_folders

BLOCK = 1 << 20
LEXICAL_PARTS = (".term", ".fieldnorm", ".fast", ".store", ".idx")  # positions (.pos) are read by phrases only
VECTOR_PARTS = ("keys.bin", "scales.bin", "binary.usearch")


def search_files(case_dir: Path) -> list[Path]:
    """The files a search reads at random, in the order they are read ahead: each vector store's keys, scales and
    binary index; the full-text index's dictionaries, norms, fast fields, stored fields and postings; then the
    vector stores' int8 rows (the largest: the candidates' rows are rescored)."""
    folders = model_folders(case_dir)
    found = [folder / name for folder in folders for name in VECTOR_PARTS]
    lexical = case_dir / "lexical"
    if lexical.is_dir():
        segments = sorted(lexical.iterdir())
        found += [p for suffix in LEXICAL_PARTS for p in segments if p.suffix == suffix]
    found += [folder / "int8.bin" for folder in folders]
    return [p for p in found if p.is_file()]


def read_through(paths: Sequence[Path], stop: threading.Event, turn: Callable[[], None] = lambda: None) -> int:
    """Read ``paths`` whole, in blocks, until ``stop`` is set; the bytes read. ``turn`` is called before each block
    (it waits while a search runs: the search's own reads go first). A file that cannot be read (replaced or
    removed by a commit meanwhile) is skipped."""
    buffer = bytearray(BLOCK)
    total = 0
    for path in paths:
        if stop.is_set():
            break
        try:
            with open(path, "rb", buffering=0) as handle:
                while not stop.is_set():
                    turn()
                    count = handle.readinto(buffer)
                    if not count:
                        break
                    total += count
        except OSError:
            continue
    return total
