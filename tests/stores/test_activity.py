"""The search flag of a case: raised around a search, seen by another process, held on by an indexer, expiring by
itself when the search that raised it died."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from arbiter_desktop.stores import activity
from arbiter_desktop.stores.activity import SearchActivity

SEEN_BY_ANOTHER_PROCESS = """
import sys, time
from pathlib import Path
from arbiter_desktop.stores.activity import SearchActivity
flag = SearchActivity(Path(sys.argv[1]))
print("active" if flag.active() else "idle", flush=True)
"""


def _seen_by_another_process(directory: Path) -> str:
    from support import python_env

    done = subprocess.run(
        [sys.executable, "-c", SEEN_BY_ANOTHER_PROCESS, str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
        env=python_env(),
    )
    return done.stdout.strip()


def test_the_flag_is_up_while_a_search_runs_and_seen_by_another_process(tmp_path: Path) -> None:
    searcher, indexer = SearchActivity(tmp_path), SearchActivity(tmp_path)
    assert not indexer.active()
    with searcher.searching():
        assert indexer.active() and _seen_by_another_process(tmp_path) == "active"
    assert not indexer.active() and _seen_by_another_process(tmp_path) == "idle"


def test_an_indexer_holds_until_the_search_ends(tmp_path: Path) -> None:
    searcher, indexer = SearchActivity(tmp_path), SearchActivity(tmp_path)
    held = threading.Event()

    def index() -> None:
        indexer.hold()
        held.set()

    with searcher.searching():
        thread = threading.Thread(target=index)
        thread.start()
        time.sleep(0.2)
        assert not held.is_set()
    thread.join(5)
    assert held.is_set()
    started = time.monotonic()
    indexer.hold()  # no search: goes on at once
    assert time.monotonic() - started < 0.1


def test_a_flag_left_by_a_dead_search_expires(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activity, "SEARCH_LIMIT_S", 0.3)
    searcher, indexer = SearchActivity(tmp_path), SearchActivity(tmp_path)
    left = searcher.searching()
    left.__enter__()  # never left: the search died
    assert indexer.active()
    time.sleep(0.4)
    assert not indexer.active()


def test_a_read_only_case_searches_without_a_flag(tmp_path: Path) -> None:
    flag = SearchActivity(tmp_path / "absent-folder")
    with flag.searching():
        assert not flag.active()


def test_the_extraction_workers_hold_before_a_file_while_a_search_runs(tmp_path: Path) -> None:
    """The files already handed to the indexer's workers wait too: a search does not share the cores with them."""
    from support import write

    from arbiter_desktop.domain import FileKind
    from arbiter_desktop.ingest.workers import Extracted, ExtractionPool, Job

    first, second = (write(tmp_path / "src", f"{n}.txt", "Audition du témoin.") for n in ("a", "b"))
    with ExtractionPool(1, 60.0, 1024, before_file=activity.HoldWhileSearching(tmp_path)) as pool:
        assert [type(o) for _, o in pool.run([Job(key=1, path=str(first), kind=FileKind.TEXT)])] == [Extracted]
        searcher = SearchActivity(tmp_path)
        raised = threading.Event()

        def search() -> None:
            with searcher.searching():
                raised.set()
                time.sleep(1.0)

        started = time.monotonic()
        thread = threading.Thread(target=search)
        thread.start()
        raised.wait(5)
        outcomes = list(pool.run([Job(key=2, path=str(second), kind=FileKind.TEXT)]))
        waited = time.monotonic() - started
        thread.join(5)
    assert [type(o) for _, o in outcomes] == [Extracted]
    assert waited >= 0.95  # the file was read once the search had ended (a few milliseconds otherwise)
