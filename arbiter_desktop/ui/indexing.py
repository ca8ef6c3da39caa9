"""Drives indexing runs for the window: one run at a time in a separate process (indexing/process.py), polled by
a timer; folders dropped during a run are indexed by the next one. Every event becomes a signal carrying the
engine's own dataclasses."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from arbiter_desktop import app
from arbiter_desktop.indexing.job import Progress
from arbiter_desktop.indexing.process import Failed, Finished, IndexProcess, Started

log = logging.getLogger(__name__)

POLL_MS = 100
REAP_S = 30.0  # how long the reaper waits for a finished indexing process to exit


class IndexingController(QObject):
    started = Signal()
    progress = Signal(object)  # Progress
    finished = Signal(object)  # IndexReport (cancelled or not)
    failed = Signal(str)
    paused_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: IndexProcess | None = None
        self._case_dir: Path | None = None
        self._queued: list[Path] = []
        self._user_cancelled = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.last_progress: Progress | None = None

    @property
    def running(self) -> bool:
        return self._process is not None

    @property
    def paused(self) -> bool:
        return self._process is not None and self._process.paused

    def index(self, case_dir: Path, roots: Sequence[Path] = ()) -> None:
        """Index ``roots`` (or, with none, look again at the case's sources). During a run, the roots wait for
        the next one."""
        if self._process is not None:
            if case_dir == self._case_dir:
                self._queued += [r for r in roots if r not in self._queued]
                return
            raise RuntimeError("another case is being indexed")
        self._case_dir = case_dir
        self._user_cancelled = False
        self.last_progress = None
        self._process = app.start_indexing(case_dir, roots)
        self._timer.start()
        self.started.emit()

    def pause(self) -> None:
        if self._process is not None:
            self._process.pause()
            self.paused_changed.emit(True)

    def resume(self) -> None:
        if self._process is not None:
            self._process.resume()
            self.paused_changed.emit(False)

    def cancel(self) -> None:
        """Stop the run; the case stays consistent and the next run picks up what is left."""
        if self._process is not None:
            self._user_cancelled = True
            self._queued.clear()
            self._process.cancel()
            self.paused_changed.emit(False)

    def stop_for_exit(self, timeout_s: float = 5.0) -> None:
        """The window closes: stop the run (it resumes when the case opens again), killing it if it lingers —
        a kill loses at most the batch in flight."""
        process = self._process
        if process is None:
            return
        self._timer.stop()
        process.cancel()
        if not process.wait(timeout_s):
            log.warning("the indexing process did not stop in %.0fs: killed (it resumes next time)", timeout_s)
            process.kill()
        self._process = None

    def _poll(self) -> None:
        process = self._process
        if process is None:
            self._timer.stop()
            return
        latest: Progress | None = None
        for event in process.events():
            if isinstance(event, Progress):
                latest = event
            elif isinstance(event, Started):
                log.info("indexing process %d started", event.pid)
            elif isinstance(event, Finished):
                if latest is not None:
                    self._report_progress(latest)
                    latest = None
                self._end()
                if self._user_cancelled and self._case_dir is not None:
                    app.forget_interrupted_run(self._case_dir)
                self.finished.emit(event.report)
                self._next()
                return
            elif isinstance(event, Failed):
                if event.details:
                    log.error("indexing failed: %s\n%s", event.message, event.details)
                self._end()
                self.failed.emit(event.message)
                return
        if latest is not None:
            self._report_progress(latest)

    def _report_progress(self, p: Progress) -> None:
        self.last_progress = p
        self.progress.emit(p)

    def _end(self) -> None:
        """The run reported its end: the process exits by itself. It is reaped off the GUI thread (waiting for it
        here stalled the window: 230 ms measured under load)."""
        self._timer.stop()
        process, self._process = self._process, None
        if process is not None and not process.wait(0):
            threading.Thread(target=process.wait, args=(REAP_S,), name="indexer-reaper", daemon=True).start()

    def _next(self) -> None:
        if self._queued and self._case_dir is not None:
            roots, self._queued = self._queued, []
            self.index(self._case_dir, roots)
