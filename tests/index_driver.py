"""An indexer process for the tests: ``python tests/index_driver.py CASE SOURCE... [options]``.

It indexes through a case session as the CLI does, with the case's own settings.json (full text only unless
``--hashing``), and can:

- ``--hashing``: embed with the deterministic HashingEmbedder (phase 2 without a model file);
- ``--events``: print every progress event as ``EVENT phase done total`` (flushed), so a test can act at a
  chosen moment (kill the process, search);
- ``--delete-at NAME`` / ``--modify-at NAME``: delete, or append a line to, the source file named NAME right
  after the indexer has fingerprinted it (while it is being indexed);
- print, last, ``RESULT {json}``: the report's counts and the peak RSS of this process and of its workers.

Peak RSS is read from VmHWM in /proc (Linux), which starts afresh with each program: getrusage's maxrss would
include the RSS of the test process that forked this one. The workers' peaks are sampled every 20 ms.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import threading
from pathlib import Path

import psutil

from arbiter_desktop import app
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.indexing.job import Progress


def peak_rss_mb(pid: int | str = "self") -> float:
    """The peak resident set size of a process (VmHWM), in MiB; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class WorkerPeaks(threading.Thread):
    """Samples the peak RSS of every descendant process until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        while not self.stopped.wait(0.02):
            for child in me.children(recursive=True):
                self.peak = max(self.peak, peak_rss_mb(child.pid))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("case")
    parser.add_argument("sources", nargs="+")
    parser.add_argument("--hashing", action="store_true")
    parser.add_argument("--events", action="store_true")
    parser.add_argument("--delete-at", action="append", default=[])
    parser.add_argument("--modify-at", action="append", default=[])
    args = parser.parse_args()
    acted: set[str] = set()

    def on_progress(p: Progress) -> None:
        if args.events:
            sys.stdout.write(f"EVENT {p.phase} {p.done} {p.total}\n")
            sys.stdout.flush()
        if p.phase != "scan" or not p.current:
            return
        name = os.path.basename(p.current)
        if name in args.delete_at and name not in acted:
            acted.add(name)
            os.unlink(p.current)
        if name in args.modify_at and name not in acted:
            acted.add(name)
            with open(p.current, "a", encoding="utf-8") as handle:
                handle.write("\nAjout pendant l'indexation : le scellé numéro 77 a été rouvert.\n")

    embedder = HashingEmbedder() if args.hashing else None
    workers = WorkerPeaks()
    workers.start()
    loaders = app.MODELS
    if embedder is not None:
        loaders = dataclasses.replace(loaders, embedder=lambda _settings: embedder)
    overrides = {"semantic": embedder is not None}  # full text only, unless with the stand-in model
    with app.open_session(Path(args.case), create=True, overrides=overrides, loaders=loaders) as session:
        report = session.index([Path(s) for s in args.sources], on_progress=on_progress)
    workers.stopped.set()
    workers.join()
    result = {
        "added": report.added,
        "errors": report.errors,
        "documents": report.documents,
        "chunks": report.chunks,
        "embedded": report.embedded,
        "seconds": report.seconds,
        "peak_rss_mb": peak_rss_mb(),
        "workers_peak_rss_mb": workers.peak,
    }
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
