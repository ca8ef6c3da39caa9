"""The extraction pool: a hung parser is killed at its time limit, a parser past its memory limit or crashing
becomes an error record, and the files after it are still extracted (by a fresh worker)."""

from __future__ import annotations

import time
from pathlib import Path

from support import write
from worker_tasks import NoteEachFile, crash_on_crash, hang_on_hang, with_pid

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


def _pool_run(jobs: list[Job], pool: ExtractionPool) -> dict[str, Outcome]:
    return {Path(job.path).name: outcome for job, outcome in pool.run(jobs)}


def test_small_files_go_in_batches_and_a_bad_one_is_reported_alone(tmp_path: Path) -> None:
    """One worker, batches of eight: the file that crashes its worker in the middle of a batch is the only one
    reported; the files after it in the batch are extracted by the worker that replaces it."""
    names = [f"{n:02d}.txt" for n in range(12)]
    names[5] = "crash.txt"
    paths = [write(tmp_path, name, f"{TEXT} ({name})") for name in names]
    with ExtractionPool(1, 60.0, 1024, task=crash_on_crash, batch_files=8) as pool:
        outcomes = _pool_run(_jobs(*paths), pool)
    failed = outcomes.pop("crash.txt")
    assert isinstance(failed, Failed) and failed.reason is ErrorReason.CORRUPT
    assert sorted(outcomes) == sorted(n for n in names if n != "crash.txt")
    for name, outcome in outcomes.items():
        assert isinstance(outcome, Extracted) and outcome.extraction.text.endswith(f"({name})")


def test_a_hung_file_in_a_batch_is_timed_alone(tmp_path: Path) -> None:
    names = ["a.txt", "b.txt", "hang.txt", "c.txt", "d.txt"]
    paths = [write(tmp_path, name, TEXT) for name in names]
    with ExtractionPool(1, 2.0, 1024, task=hang_on_hang, batch_files=8) as pool:
        outcomes = _pool_run(_jobs(*paths), pool)
    failed = outcomes["hang.txt"]
    assert isinstance(failed, Failed) and failed.reason is ErrorReason.TIMEOUT
    assert all(isinstance(outcomes[n], Extracted) for n in names if n != "hang.txt")


def test_workers_stay_warm_across_files(tmp_path: Path) -> None:
    paths = [write(tmp_path, f"{n}.txt", TEXT) for n in range(20)]
    with ExtractionPool(2, 60.0, 1024, task=with_pid, batch_files=4) as pool:
        pool.start()
        outcomes = _pool_run(_jobs(*paths), pool)
        assert len(pool.ready_s) == 2  # two processes started, no more
    pids = {o.extraction.title for o in outcomes.values() if isinstance(o, Extracted)}
    assert len(outcomes) == 20 and 1 <= len(pids) <= 2


def test_a_job_may_bring_its_own_task_and_jobs_may_be_added_during_a_run(tmp_path: Path) -> None:
    first = write(tmp_path, "first.txt", TEXT)
    later = write(tmp_path, "crash-later.txt", TEXT)
    seen: dict[str, Outcome] = {}
    with ExtractionPool(1, 60.0, 1024) as pool:
        for job, outcome in pool.run(_jobs(first)):
            seen[Path(job.path).name] = outcome
            if job.key == 0:  # a container member found while the run goes on, with a task of its own
                pool.submit(Job(key=1, path=str(later), kind=FileKind.TEXT, task=crash_on_crash))
    assert isinstance(seen["first.txt"], Extracted)
    crashed = seen["crash-later.txt"]
    assert isinstance(crashed, Failed) and crashed.reason is ErrorReason.CORRUPT


def test_the_worker_reports_where_its_time_went(tmp_path: Path) -> None:
    outcomes = _run(_jobs(write(tmp_path, "pv.txt", TEXT)))
    extracted = outcomes["pv.txt"]
    assert isinstance(extracted, Extracted)
    assert {"read", "parse", "chunk"} <= set(extracted.stages)
    assert all(seconds >= 0 for seconds in extracted.stages.values())


def test_the_workers_call_before_file_before_each_file(tmp_path: Path) -> None:
    """The indexer gives its pool the case's search flag this way (stores/activity.py: HoldWhileSearching)."""
    paths = [write(tmp_path, f"f{i}.txt", TEXT) for i in range(5)]
    log = tmp_path / "before.log"
    with ExtractionPool(2, 60.0, 1024, batch_files=4, before_file=NoteEachFile(str(log))) as pool:
        outcomes = _pool_run(_jobs(*paths), pool)
    assert all(isinstance(o, Extracted) for o in outcomes.values()) and len(outcomes) == 5
    assert len(log.read_text(encoding="utf-8").split()) == 5
