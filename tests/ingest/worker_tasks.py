"""Misbehaving parsers for the worker-pool tests: module-level functions, so that spawned workers import them."""

from __future__ import annotations

import dataclasses
import os
import signal
import time

from arbiter_desktop.domain import FileKind
from arbiter_desktop.ingest.workers import Extracted, Outcome, run_one


def hang_on_hang(path: str, kind: FileKind, chunk_tokens: int, overlap: int) -> Outcome:
    """A parser that never returns on files named ``hang*`` and extracts the others."""
    if os.path.basename(path).startswith("hang"):
        time.sleep(3600)
    return run_one(path, kind, chunk_tokens, overlap)


def crash_on_crash(path: str, kind: FileKind, chunk_tokens: int, overlap: int) -> Outcome:
    """A parser that dies of a segmentation fault on files named ``crash*`` (a native library bug)."""
    if os.path.basename(path).startswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return run_one(path, kind, chunk_tokens, overlap)


def with_pid(path: str, kind: FileKind, chunk_tokens: int, overlap: int) -> Outcome:
    """Extracts as usual and writes the worker's process id as the title (which worker took which file)."""
    outcome = run_one(path, kind, chunk_tokens, overlap)
    if isinstance(outcome, Extracted):
        return Extracted(dataclasses.replace(outcome.extraction, title=str(os.getpid())), outcome.chunks)
    return outcome


@dataclasses.dataclass(frozen=True)
class NoteEachFile:
    """A ``before_file`` callable: appends the time to ``log`` each time a worker is about to read a file."""

    log: str

    def __call__(self) -> None:
        with open(self.log, "a", encoding="utf-8") as out:
            out.write(f"{time.time()}\n")
