"""Reading a case's search files ahead: which files, in which order, stopped and held when asked."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from support import write

from arbiter_desktop import app
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.session import ModelLoaders
from arbiter_desktop.stores.activity import SearchActivity
from arbiter_desktop.stores.warmup import BLOCK, read_through, search_files


def _indexed_case(tmp_path: Path) -> Path:
    write(tmp_path / "src", "pv.txt", "Les policiers ont saisi des barrettes de résine de cannabis dans la cave.")
    write(tmp_path / "src", "rapport.txt", "Le véhicule stationnait devant la gare.")
    loaders = ModelLoaders(lambda _s: HashingEmbedder(), lambda _s: None, lambda _s: Path("stand-in"))
    with app.open_session(tmp_path / "case", create=True, overrides={"workers": 1}, loaders=loaders) as session:
        session.index([tmp_path / "src"])
    return tmp_path / "case"


def test_the_files_a_search_reads_smallest_and_most_needed_first(tmp_path: Path) -> None:
    case = _indexed_case(tmp_path)
    files = search_files(case)
    names = [p.name for p in files]
    assert names[:3] == ["keys.bin", "scales.bin", "binary.usearch"]  # the vector store's, then the full text's
    assert names[-1] == "int8.bin"  # the largest last
    lexical = [p for p in files if p.parent.name == "lexical"]
    suffixes = [p.suffix for p in lexical]
    assert ".term" in suffixes and ".idx" in suffixes and ".pos" not in suffixes
    assert suffixes.index(".term") < suffixes.index(".idx")
    assert all(p.is_file() for p in files)
    assert search_files(tmp_path / "nothing here") == []


def test_read_through_reads_every_byte_in_blocks_and_skips_what_is_gone(tmp_path: Path) -> None:
    big, small = tmp_path / "big.bin", tmp_path / "small.bin"
    big.write_bytes(b"x" * (2 * BLOCK + 10))
    small.write_bytes(b"y" * 5)
    turns: list[int] = []
    read = read_through([big, tmp_path / "gone.bin", small], threading.Event(), lambda: turns.append(1))
    assert read == 2 * BLOCK + 15
    assert len(turns) >= 4  # asked before each block (three of the big file, one of the small; then the ends)
    stop = threading.Event()
    stop.set()
    assert read_through([big, small], stop) == 0  # a closed case reads nothing more


def test_the_session_reads_ahead_holds_while_a_search_runs_and_stops_with_the_case(tmp_path: Path) -> None:
    case = _indexed_case(tmp_path)
    expected = sum(p.stat().st_size for p in search_files(case))
    with app.open_session(case, read_ahead=True) as session:
        reading = session.read_ahead
        assert reading is not None and reading.wait(30)
        assert reading.bytes_read == expected
        holds: list[bool] = []
        activity = SearchActivity(case)

        def spying(request: SearchRequest, passages: int | None = None) -> object:
            holds.append(activity.active())  # the flag the reading holds on (stores/activity.py)
            return search(request, passages)

        search = session.engine.search
        session.engine.search = spying  # type: ignore[method-assign]
        session.search(SearchRequest("cannabis", mode=SearchMode.LEXICAL), audit=False)
        assert holds == [True] and not activity.active()  # a search raises it, and lowers it
    # a search runs (here or in a command beside it): the reading waits for it
    with activity.searching(), app.open_session(case, read_ahead=True) as session:
        reading = session.read_ahead
        assert reading is not None and not reading.wait(0.5) and reading.bytes_read == 0
        activity._write(0.0)  # the search ends (as its flag is lowered)
        assert reading.wait(30) and reading.bytes_read == expected  # and the reading goes on
    activity.close()
    with app.open_session(case) as session:
        assert session.read_ahead is None  # a one-off command reads nothing ahead


def test_a_step_that_fails_does_not_stop_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from arbiter_desktop import session as module

    case = _indexed_case(tmp_path)

    def refused(_path: Path) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")  # e.g. a case on read-only media

    monkeypatch.setattr(module, "read_counts_ahead", refused)
    with app.open_session(case, read_ahead=True) as session:
        reading = session.read_ahead
        assert reading is not None and reading.wait(30)
        assert reading.bytes_read == sum(p.stat().st_size for p in search_files(case))
