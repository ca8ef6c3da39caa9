"""Indexing in a separate process, for the desktop app.

The process owns the index writer and the embedding model; the caller's process (the GUI) only reads. Progress
comes back through a queue as :class:`Event` values; pause, resume and cancel go the other way through two
process-shared events that the job checks between files (and between embedding batches), so they take effect
within a second or two. A killed or crashed process loses at most the batch in flight: the next run resumes.

Nothing here knows Qt: the GUI polls :meth:`IndexProcess.events` from a timer.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any

from arbiter_desktop.embedding.llama_backend import VARIANT_VARIABLE
from arbiter_desktop.indexing.job import IndexReport, JobControl, Progress

log = logging.getLogger(__name__)

# The job run in the child: (case folder, roots, control, progress callback) -> report. A module-level function
# (picklable by reference), supplied by the composition root.
JobFunction = Callable[[Path, Sequence[Path], JobControl, Callable[[Progress], None]], IndexReport]

PROGRESS_INTERVAL_S = 0.1  # the child sends at most ten progress events a second (plus every phase change)


# What a process killed by these signals most likely met, and what to do.
_SIGNAL_HINTS = {
    signal.SIGKILL: "stopped by the system or a user; when memory runs short, the system stops the largest process",
    signal.SIGILL: "the processor refused an instruction of a compiled library; reinstall the application (or run "
    "`make setup` again in a source installation); if it happens again, start the application with "
    f"{VARIANT_VARIABLE}=haswell and report it with the processor's model",
    signal.SIGSEGV: "a compiled library crashed",
}


def how_it_ended(code: int | None) -> str:
    """A process's exit code for a person: "exit code 3", or the signal that killed it and what it likely means."""
    if code is None or code >= 0:
        return f"exit code {code}"
    try:
        killed = signal.Signals(-code)
    except ValueError:
        return f"killed by signal {-code}"
    hint = _SIGNAL_HINTS.get(killed)
    return f"killed by {killed.name}: {hint}" if hint else f"killed by {killed.name}"


@dataclass(frozen=True, slots=True)
class Started:
    pid: int


@dataclass(frozen=True, slots=True)
class Finished:
    report: IndexReport


@dataclass(frozen=True, slots=True)
class Failed:
    message: str  # for the user
    details: str  # the traceback, for the log


Event = Started | Progress | Finished | Failed


class IndexProcess:
    """One indexing run in a child process (spawned: no state inherited from the GUI)."""

    def __init__(self, job: JobFunction, case_dir: Path, roots: Sequence[Path]) -> None:
        ctx = mp.get_context("spawn")
        self._events: mp.Queue[Event] = ctx.Queue()
        self._cancel = ctx.Event()
        self._running = ctx.Event()
        self._running.set()
        self._process: SpawnProcess = ctx.Process(
            target=_child,
            args=(job, case_dir, list(roots), self._events, self._cancel, self._running),
            name="arbiter-indexer",
            daemon=False,  # it starts extraction workers of its own; it stops by itself if the app dies
        )
        self._ended = False

    def start(self) -> None:
        self._process.start()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def cancel(self) -> None:
        self._cancel.set()
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def events(self, limit: int = 1000) -> list[Event]:
        """What the child reported since the last call (never blocks). A child that died without a word (killed,
        crashed in native code) is reported once as :class:`Failed`."""
        out: list[Event] = []
        while len(out) < limit:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                break
            out.append(event)
            if isinstance(event, Finished | Failed):
                self._ended = True
        if not out and not self._ended and self._process.exitcode is not None:
            # a last look: the child may have put its final event just before exiting
            try:
                out.append(self._events.get(timeout=0.5))
                self._ended = isinstance(out[-1], Finished | Failed)
            except queue.Empty:
                pass
            if not self._ended:
                self._ended = True
                out.append(
                    Failed(
                        f"the indexing process stopped unexpectedly ({how_it_ended(self._process.exitcode)}); "
                        "indexing again resumes where it stopped",
                        "",
                    )
                )
        return out

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the child to exit; True if it did."""
        self._process.join(timeout)
        return self._process.exitcode is not None

    def kill(self) -> None:
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)


def _child(
    job: JobFunction,
    case_dir: Path,
    roots: list[Path],
    events: mp.Queue[Any],
    cancel: Any,
    running: Any,
) -> None:
    logging.basicConfig(level=logging.WARNING, format="indexer: %(levelname)s %(message)s")
    events.put(Started(mp.current_process().pid or 0))
    parent = os.getppid()

    def watch_parent() -> None:  # the app died (killed, crashed): stop cleanly, the next run resumes
        while not cancel.is_set():
            if os.getppid() != parent:
                cancel.set()
                running.set()
                return
            time.sleep(1.0)

    threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
    last_time, last_phase = 0.0, ""

    def on_progress(p: Progress) -> None:
        nonlocal last_time, last_phase
        now = time.monotonic()
        if p.phase != last_phase or now - last_time >= PROGRESS_INTERVAL_S or (p.total and p.done >= p.total):
            last_time, last_phase = now, p.phase
            events.put(p)

    try:
        report = job(case_dir, roots, JobControl(cancel=cancel, running=running), on_progress)
    except Exception as exc:  # reported to the GUI, which shows it; the traceback goes to its log
        events.put(Failed(str(exc) or type(exc).__name__, traceback.format_exc()))
    else:
        events.put(Finished(report))
    events.close()
    events.join_thread()
