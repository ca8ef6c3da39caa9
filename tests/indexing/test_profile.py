"""Where an indexing run's time and memory went: the indexer's steps, the workers' stages per kind, start-up,
peak memory per phase (for the benchmark; `arbiter index --profile`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from support import session_of, write

from arbiter_desktop import cli
from arbiter_desktop.stores.case import Case


def test_the_profile_names_every_step_and_kind(case: Case, tmp_path: Path) -> None:
    for n in range(3):
        write(tmp_path / "src", f"pv{n}.txt", f"Procès-verbal numéro {n} : audition du témoin.")
    report = session_of(case).index([tmp_path / "src"])
    profile = report.profile
    assert profile["files.text"] == 3
    assert {"worker.text.read", "worker.text.parse", "worker.text.chunk"} <= set(profile)
    assert {"indexer.fingerprint", "indexer.record", "indexer.index", "indexer.commit", "indexer.wait"} <= set(profile)
    assert profile["workers.started"] == 1 and profile["workers.ready_s"] > 0
    assert profile["run_s"] >= profile["indexer.wait"]
    if sys.platform.startswith("linux"):
        assert profile["rss.indexer_text"] > 10 and profile["rss.workers"] > 10


def test_index_writes_its_profile_and_progress_log(tmp_path: Path) -> None:
    write(tmp_path / "src", "pv.txt", "Procès-verbal : le témoin a reconnu le véhicule.")
    profile, log = tmp_path / "profile.json", tmp_path / "progress.jsonl"
    code = cli.main(
        [
            "index",
            str(tmp_path / "case"),
            str(tmp_path / "src"),
            "--no-semantic",
            "--cores",
            "1",
            "--profile",
            str(profile),
            "--progress-log",
            str(log),
        ]
    )
    assert code == 0
    assert json.loads(profile.read_text(encoding="utf-8"))["files.text"] == 1
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert events[-1]["phase"] == "done" and all({"t", "eta_text_s", "eta_semantic_s"} <= set(e) for e in events)
