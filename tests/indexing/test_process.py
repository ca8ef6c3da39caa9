"""Indexing in a separate process, as the desktop app runs it."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from support import new_case, write

from arbiter_desktop import app
from arbiter_desktop.indexing.job import Progress
from arbiter_desktop.indexing.process import Event, Failed, Finished, IndexProcess, Started, how_it_ended


@pytest.fixture(autouse=True)
def no_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBITER_MODELS_DIR", str(tmp_path / "no-models"))


def _until_end(process: IndexProcess, timeout_s: float = 120) -> list[Event]:
    events: list[Event] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        events += process.events()
        if events and isinstance(events[-1], Finished | Failed):
            return events
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"no end after {timeout_s}s: {events[-3:]}")


def test_a_run_reports_progress_and_its_report(tmp_path: Path) -> None:
    source = tmp_path / "src"
    for i in range(30):
        write(source, f"pv_{i}.txt", f"Procès-verbal {i} : audition à la gare.")
    case_dir = new_case(tmp_path / "case")
    process = app.start_indexing(case_dir, [source])
    events = _until_end(process)
    assert isinstance(events[0], Started)
    assert any(isinstance(e, Progress) and e.phase == "text" for e in events)
    end = events[-1]
    assert isinstance(end, Finished)
    assert (end.report.added, end.report.documents, end.report.cancelled) == (30, 30, False)
    assert app.interrupted_run(case_dir) == []  # completed: nothing to resume
    assert process.wait(10)


def test_a_killed_run_is_reported_and_the_next_one_resumes(tmp_path: Path) -> None:
    source = tmp_path / "src"
    for i in range(300):
        write(source, f"pv_{i:03d}.txt", f"Procès-verbal {i} : audition de MEZIANE à la gare.")
    case_dir = new_case(tmp_path / "case")
    process = app.start_indexing(case_dir, [source])
    seen: list[Event] = []
    while not any(isinstance(e, Progress) and e.phase == "text" and e.done > 0 for e in seen):
        seen += process.events()
        time.sleep(0.02)
    process.kill()  # as if the machine lost power or the app was killed
    end = _until_end(process)[-1]
    assert isinstance(end, Failed) and "stopped unexpectedly (killed by SIGKILL" in end.message
    assert app.interrupted_run(case_dir) == [source]

    again = app.start_indexing(case_dir)  # no roots: the interrupted run's are taken up
    end = _until_end(again)[-1]
    assert isinstance(end, Finished)
    assert end.report.documents == 300
    with app.open_session(case_dir) as session:
        assert session.status().files == 300
        assert session.case.lexical.num_chunks() == session.status().chunks


def test_cancel_stops_the_run_within_seconds(tmp_path: Path) -> None:
    source = tmp_path / "src"
    for i in range(400):
        write(source, f"pv_{i:03d}.txt", f"Procès-verbal {i}.")
    case_dir = new_case(tmp_path / "case")
    process = app.start_indexing(case_dir, [source])
    while not any(isinstance(e, Progress) for e in process.events()):
        time.sleep(0.02)
    asked = time.monotonic()
    process.cancel()
    end = _until_end(process, 30)[-1]
    assert isinstance(end, Finished) and end.report.cancelled
    print(f"cancelled in {time.monotonic() - asked:.2f}s")
    assert app.interrupted_run(case_dir) == [source]  # not completed: resumable


def test_how_a_process_ended_is_said_for_a_person() -> None:
    assert how_it_ended(3) == "exit code 3"
    assert how_it_ended(-signal.SIGILL).startswith("killed by SIGILL: the processor refused an instruction")
    assert "memory runs short" in how_it_ended(-signal.SIGKILL)
    assert how_it_ended(-signal.SIGTERM) == "killed by SIGTERM"
