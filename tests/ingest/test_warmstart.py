"""Extraction workers start from a fork server that imported the parsers once (Linux), booted early by the
indexing commands; elsewhere they are spawned."""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import sys
from multiprocessing import forkserver
from pathlib import Path

import pytest
from support import write
from worker_tasks import with_parent_pid

from arbiter_desktop.domain import FileKind
from arbiter_desktop.ingest import warmstart
from arbiter_desktop.ingest.workers import Extracted, ExtractionPool, Job

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the fork server is used on Linux")


def test_the_preloaded_modules_exist() -> None:
    for name in warmstart.PRELOAD:
        assert importlib.util.find_spec(name) is not None, name


def test_workers_are_forked_from_the_server_started_early(tmp_path: Path) -> None:
    assert warmstart.context().get_start_method() == "forkserver"
    warmstart.start_early()
    server = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    warmstart.start_early()  # idempotent: the same server
    assert server is not None and forkserver._forkserver._forkserver_pid == server  # type: ignore[attr-defined]
    with open(f"/proc/{server}/cmdline", "rb") as cmdline:
        assert b"multiprocessing.forkserver" in cmdline.read()
    files = [
        write(tmp_path, f"pv{i}.txt", f"Procès-verbal numéro {i} : le témoin a reconnu le véhicule.") for i in range(4)
    ]
    jobs = [Job(key=i, path=str(p), kind=FileKind.TEXT) for i, p in enumerate(files)]
    with ExtractionPool(2, 60.0, 1024, task=with_parent_pid) as pool:
        outcomes = [outcome for _, outcome in pool.run(jobs)]
    assert len(outcomes) == 4 and all(isinstance(o, Extracted) for o in outcomes)
    parents = {o.extraction.title for o in outcomes if isinstance(o, Extracted)}
    assert parents == {str(server)}  # not this process: the fork server
    assert str(os.getpid()) not in parents


def test_without_a_fork_server_the_workers_are_spawned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert warmstart.context().get_start_method() == "spawn"
    warmstart.start_early()  # nothing to boot


def test_stop_waits_for_the_server_and_a_later_pool_starts_another(tmp_path: Path) -> None:
    warmstart.start_early()
    server = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    warmstart.stop()
    assert forkserver._forkserver._forkserver_pid is None  # type: ignore[attr-defined]
    assert not os.path.exists(f"/proc/{server}")  # waited for: gone, not a zombie
    job = Job(key=0, path=str(write(tmp_path, "pv.txt", "Procès-verbal de saisie.")), kind=FileKind.TEXT)
    with ExtractionPool(1, 60.0, 1024, task=with_parent_pid) as pool:
        outcomes = [outcome for _, outcome in pool.run([job])]
    assert isinstance(outcomes[0], Extracted) and outcomes[0].extraction.title != str(server)
    warmstart.stop()
    warmstart.stop()  # nothing left to stop
