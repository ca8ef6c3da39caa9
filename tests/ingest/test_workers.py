"""The extraction pool: a hung parser is killed at its time limit, a parser past its memory limit or crashing
becomes an error record, and the files after it are still extracted (by a fresh worker)."""

from __future__ import annotations

import time
from pathlib import Path

from support import write
from worker_tasks import crash_on_crash, hang_on_hang

from arbiter_desktop.domain import ErrorReason, FileKind
from arbiter_desktop.ingest.workers import Extracted, ExtractionPool, Failed, Job, Outcome, Task, run_one

TEXT = "Procès-verbal d'audition : le témoin a reconnu le véhicule."


def _run(jobs: list[Job], timeout_s: float = 60.0, memory_mb: int = 1024, task: Task = run_one) -> dict[str, Outcome]:
    with ExtractionPool(1, timeout_s, memory_mb, task=task) as pool:
        return {Path(job.path).name: outcome for job, outcome in pool.run(jobs)}


def _jobs(*paths: Path) -> list[Job]:
    return [Job(key=i, path=str(p), kind=FileKind.TEXT) for i, p in enumerate(paths)]


def test_a_hung_parser_is_killed_at_its_time_limit(tmp_path: Path) -> None:
    hung = write(tmp_path, "hang.txt", TEXT)
    after = write(tmp_path, "after.txt", TEXT)
    started = time.monotonic()
    outcomes = _run(_jobs(hung, after), timeout_s=1.0, task=hang_on_hang)
    elapsed = time.monotonic() - started
    failed = outcomes["hang.txt"]
    assert isinstance(failed, Failed) and failed.reason is ErrorReason.TIMEOUT
    assert "time limit" in failed.message
    assert isinstance(outcomes["after.txt"], Extracted)  # a fresh worker took the next file
    assert elapsed < 30, f"the hung worker was not stopped in time ({elapsed:.1f} s)"


def test_a_crashing_parser_is_reported_and_replaced(tmp_path: Path) -> None:
    crash = write(tmp_path, "crash.txt", TEXT)
    after = write(tmp_path, "after.txt", TEXT)
    outcomes = _run(_jobs(crash, after), task=crash_on_crash)
    failed = outcomes["crash.txt"]
    assert isinstance(failed, Failed) and failed.reason is ErrorReason.CORRUPT
    assert "signal 11" in failed.message
    assert isinstance(outcomes["after.txt"], Extracted)


def test_a_parser_past_its_memory_limit_is_stopped(tmp_path: Path) -> None:
    line = "Le témoin déclare avoir vu le véhicule quitter le parking vers minuit, puis revenir.\n"
    big = write(tmp_path, "big.txt", line * (60 * 1024 * 1024 // len(line.encode())))  # 60 MB of text
    after = write(tmp_path, "after.txt", TEXT)
    outcomes = _run(_jobs(big, after), memory_mb=256)
    failed = outcomes["big.txt"]
    assert isinstance(failed, Failed) and failed.reason is ErrorReason.MEMORY
    extracted = outcomes["after.txt"]
    assert isinstance(extracted, Extracted) and extracted.extraction.text == TEXT
