"""The benchmark suite's pieces run at toy scale (seconds): figures are not checked, only that each piece
produces them from the app's real code paths. The suite itself (``python -m bench``) is not run by the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import EVALDATA

from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.session import ModelLoaders
from bench import bench_recoll, bench_search, common, run_all, synthetic
from bench.bench_indexing import write_documents

pytestmark = pytest.mark.skipif(not (EVALDATA / "piaf_v1.1").exists(), reason="needs ../shared/evaldata")


def test_common_helpers() -> None:
    assert common.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert common.percentile([5.0], 95) == 5.0
    described = common.machine()
    assert described["cores"] >= 1 and "flags_of_note" in described
    assert "peak_rss" in common.memory_mb()
    text = common.table([["a", 1.5, 12345]], ["name", "x", "y"])
    assert "12,345" in text and text.splitlines()[1].startswith("----")


def test_synthetic_case_is_searched_in_every_mode(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    base = synthetic.load_base(embedder, 24, cache=tmp_path, log=lambda _m: None)
    assert base.vectors.shape == (24, embedder.identity.dim)
    built = synthetic.build_case(200, base, cache=tmp_path, log=lambda _m: None)
    assert (built.chunks, built.documents, built.cached) == (200, 20, False)
    assert synthetic.build_case(200, base, cache=tmp_path).cached  # kept for the next run
    queries = list(synthetic.iter_queries(4))
    loaders = ModelLoaders(embedder=lambda _s: embedder, reranker=lambda _s: None, embedder_file=lambda _s: None)
    figures = bench_search.measure(built.directory, queries, warmup=1, loaders=loaders)
    assert figures["chunks"] == figures["embedded"] == 200
    assert set(figures["modes"]) == set(bench_search.MODES)
    assert all(m["p95_ms"] >= m["p50_ms"] > 0 for m in figures["modes"].values())
    assert figures["modes"]["dense"]["mean_hits"] > 0
    assert any("no reranker" in note for note in figures["modes"]["full"]["notes"])
    assert figures["memory_mb"]["after"]["peak_rss"] > 0


@pytest.mark.skipif(bench_recoll.recoll_missing() is not None, reason="Recoll is not installed")
def test_recoll_and_arbiter_index_the_same_small_folder(tmp_path: Path) -> None:
    lines = (EVALDATA / "piaf_v1.1" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:8]
    corpus = tmp_path / "piaf8" / "corpus.jsonl"
    corpus.parent.mkdir()
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = bench_recoll.run(per_kind=False, corpora=[corpus], cache=tmp_path, log=lambda _m: None)
    mixed = report["mixed"]
    assert report["folder"]["files"] == {"pdf": 2, "docx": 2, "odt": 2, "txt": 2}
    assert mixed["arbiter"]["indexed"] == {"pdf": 2, "docx": 2, "odt": 2, "txt": 2}
    assert mixed["arbiter"]["returncode"] == 0 and mixed["recoll"]["returncode"] == 0
    assert report["recoll_ratio"] > 0
    assert set(mixed["arbiter"]["probes_found"]) == {"pdf", "docx", "odt", "txt"}


def test_documents_folder_is_written_once(tmp_path: Path) -> None:
    lines = (EVALDATA / "piaf_v1.1" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:4]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written = write_documents([corpus], tmp_path / "docs")
    assert sorted(p.suffix for p in written.folder.iterdir()) == [".docx", ".odt", ".pdf", ".txt"]
    stamp = (tmp_path / "docs" / "00000.pdf").stat().st_mtime_ns
    assert write_documents([corpus], tmp_path / "docs") == written
    assert (tmp_path / "docs" / "00000.pdf").stat().st_mtime_ns == stamp
    assert json.loads((tmp_path / "docs.json").read_text())["text_bytes"] == written.text_bytes


def test_the_suite_refuses_an_unknown_part(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run_all.main(["--only", "recoll,nothing"])
    assert "unknown part" in capsys.readouterr().err
