"""The benchmark suite's pieces run at toy scale (seconds): figures are not checked, only that each piece
produces them from the app's real code paths. The suite itself (``python -m bench``) is not run by the tests."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from support import EVALDATA

from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.session import ModelLoaders
from bench import bench_readings, bench_recoll, bench_search, bench_termlist, common, run_all, synthetic
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


def test_timed_processes_start_from_written_bytecode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "arbiter_desktop"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "sub" / "module.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.setattr("sys.dont_write_bytecode", True)  # as with PYTHONDONTWRITEBYTECODE
    common.compile_bytecode(tmp_path)
    assert list((package / "__pycache__").glob("__init__.*.pyc"))
    assert list((package / "sub" / "__pycache__").glob("module.*.pyc"))


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
    assert set(figures["modes"]) == {*bench_search.MODES, "other_passages", "first_screen_marks"}
    assert figures["open_s"] > 0 and figures["first_search_ms"] > 0
    assert all(m["p95_ms"] >= m["p50_ms"] > 0 for m in figures["modes"].values())
    assert figures["modes"]["dense"]["mean_hits"] > 0
    assert not figures["modes"]["full"]["notes"]  # the shipped learned ranker orders the full mode's head
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


def test_search_while_indexing_figures(tmp_path: Path) -> None:
    """The load part's arithmetic: the indexer's rates from its progress events, the flag of the strategies that
    yield between chunks, and the headline ratios against the indexing alone."""
    from bench import bench_search_load

    events = [(0.0, "scan", 0), (1.0, "text", 10), (3.0, "text", 110), (4.0, "semantic", 0), (14.0, "semantic", 12)]
    assert bench_search_load._rates(events, 20.0) == {
        "files_per_s": 50.0,
        "text_seconds": 2.0,
        "chunks_per_s": 1.2,
        "semantic_seconds": 10.0,
    }
    flag = bench_search_load.Flag(tmp_path / "flag")
    assert not flag.active()
    flag.raise_()
    assert bench_search_load.Flag(tmp_path / "flag").active()
    flag.lower()
    assert not flag.active()
    load = {
        "quiet": {"p50_ms": 50.0, "p95_ms": 80.0},
        "indexing_alone": {"files_per_s": 100.0, "chunks_per_s": 2.0},
        "strategies": {
            "off": {"p50_ms": 200.0, "p95_ms": 400.0, "search_share": 0.3, "indexing": {"chunks_per_s": 1.9}},
            "hold": {"p50_ms": 60.0, "p95_ms": 90.0, "search_share": 0.1, "indexing": {"chunks_per_s": 1.8}},
        },
    }
    headline = run_all.load_headline(load)
    assert headline == {
        "quiet_p95_ms": 80.0,
        "off": {"p95_ms": 400.0, "search_share": 0.3, "chunks_per_s_ratio": 0.95},
        "hold": {"p95_ms": 90.0, "search_share": 0.1, "chunks_per_s_ratio": 0.9},
    }


def test_termlist_bench_runs_a_list_on_a_synthetic_case(tmp_path: Path) -> None:
    directory, terms, built = bench_termlist.case_and_terms(300, "hashing", 60, cache=tmp_path)
    assert len(terms) == len(set(terms)) == 60 and not built["cached"]
    assert any(t.startswith("+33 ") for t in terms) and any(" OR " in t for t in terms)
    figures = bench_termlist.measure(directory, terms, log=lambda _m: None)
    assert figures["chunks"] == 300 and figures["terms"] == 60
    assert [r["run"] for r in figures["runs"]] == ["first", "re-run"]
    assert 0 < figures["terms_with_hits"] < 60
    assert figures["same_documents_as_alone"]["checked"] > 0
    assert figures["same_documents_as_alone"]["differing"] == []


def test_llama_matmul_peak_is_measured_through_ggml(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import ggml_peak

    monkeypatch.setattr(ggml_peak, "SHAPES", {"peak": (64, 64, 32), "model": (32, 64, 16)})
    monkeypatch.setattr(ggml_peak, "REPEATS", 2)
    figures = ggml_peak.measure([1], ["f32", "q8_0"])
    assert figures["cpu_variant"]
    assert {(r["type"].split("_repacked")[0], r["shape"]) for r in figures["rows"]} >= {
        ("f32", "peak"),
        ("q8_0", "model"),
    }
    assert all(r["gflops"] > 0 for r in figures["rows"])
    assert ggml_peak.peak(figures, "q8_0", 1) == max(
        r["gflops"] for r in figures["rows"] if r["type"].startswith("q8_0") and r["shape"] == "peak"
    )


def test_eta_accuracy_is_judged_against_the_time_actually_left() -> None:
    from bench.bench_eta import accuracy

    events = [{"t": t, "phase": "text", "eta_text_s": (None if t < 2 else 10.0 - t)} for t in range(0, 11)]
    rows = accuracy(events, ("text",), "eta_text_s", end=10.0)
    assert [r["at"] for r in rows] == [0.10, 0.25, 0.50, 0.75]
    assert rows[0]["eta_s"] is None  # no estimate yet at 1 s
    assert all(r["error_pct"] == 0.0 for r in rows[1:])


def test_parts_kept_from_an_earlier_run_say_where_they_were_measured(tmp_path: Path) -> None:
    zen = {"cpu": "AMD EPYC", "flags_of_note": ["avx2", "fma"]}
    wide = {"cpu": "AMD EPYC", "flags_of_note": ["avx2", "avx512f", "avx512_bf16"]}
    earlier = tmp_path / "latest.json"
    earlier.write_text(
        json.dumps(
            {
                "code": "aaa",
                "machine": wide,
                "parts_run": ["recoll"],
                "parts": {"recoll": {"measured_at": "2026-12-06T02:41:04"}, "ocr": {"measured_at": "2026-12-05"}},
            }
        )
    )
    kept = run_all.carried_parts(earlier)
    assert kept["recoll"]["code"] == "aaa" and kept["recoll"]["machine"] == wide
    assert kept["ocr"]["code"] == "not recorded (at or before aaa)"  # the file's code is that of its own run
    latest = {
        "code": "bbb",
        "machine": zen,
        "parts": {"recoll": kept["recoll"], "search": {"measured_at": "2026-12-06T19:40:00", "code": "bbb"}},
    }
    lines = run_all.provenance(latest)
    assert any("`recoll`" in line and "aaa" in line and "avx512f" in line for line in lines)
    assert not any("`search`" in line for line in lines)
    assert run_all.carried_parts(tmp_path / "absent.json") == {}


def test_readings_bench_reads_damaged_documents_and_leaves_clean_ones() -> None:
    damaged, n = bench_readings.damage("Le gardien de la paix entend le témoin dans son bureau.", 1.0, random.Random(1))
    assert n == 5 and damaged != "Le gardien de la paix entend le témoin dans son bureau."
    assert bench_readings.clean_read("police_dev")["read"] == 0
    found = bench_readings.damaged_read("police_dev", 0.12)
    assert found["read"] > found["documents"] // 2 and 0 < found["given_back"] <= found["damaged_words"]


def test_embedding_operations_are_timed_node_by_node() -> None:
    from arbiter_desktop.config import paths
    from arbiter_desktop.config.models import LIGHT_EMBEDDER
    from bench import embedding_ops

    model = paths.models_dir() / LIGHT_EMBEDDER
    if not model.is_file():
        pytest.skip(f"{model} not installed (make setup)")
    texts = ["Procès-verbal d'audition de M. Durand, entendu sur les faits du 3 mars.", "Le véhicule a été saisi."]
    row = embedding_ops.measure_model(model, texts, ["", ""], threads=1)
    ops = {o["op"]: o for o in row["ops"]}
    assert ops["MUL_MAT"]["gflops_per_s"] > 0 and ops["FLASH_ATTN_EXT"]["gflops_per_s"] > 0
    assert ops["NORM"]["gflops_per_s"] is None  # no matmul work counted for an elementwise operation
    assert sum(o["share"] for o in row["ops"]) == pytest.approx(1.0, abs=0.01)
    summary = embedding_ops.summarise(row, kernel_gflops=ops["MUL_MAT"]["gflops_per_s"] * 2)
    assert summary["matmul_fraction_of_kernel_peak"] == pytest.approx(0.5, abs=0.001)
    assert summary["matmul_share"] + summary["attention_share"] + summary["other_share"] == pytest.approx(1.0)
    import llama_cpp

    assert not llama_cpp.llama_cpp.llama_context_default_params().cb_eval  # contexts made afterwards: no callback


def test_embedding_layouts_split_the_cores_between_workers() -> None:
    from arbiter_desktop.config import paths
    from arbiter_desktop.config.models import LIGHT_EMBEDDER
    from bench import embedding_layouts

    assert embedding_layouts.layouts(4) == [(1, 4), (2, 2), (4, 1)]
    assert embedding_layouts.layouts(6) == [(1, 6), (2, 3), (3, 2), (6, 1)]
    model = paths.models_dir() / LIGHT_EMBEDDER
    if not model.is_file():
        pytest.skip(f"{model} not installed (make setup)")
    row = embedding_layouts.run_layout(model, 2, 1, ["Procès-verbal d'audition.", "Le véhicule a été saisi."], ["", ""])
    assert (row["workers"], row["threads"], row["chunks"]) == (2, 1, 4)  # every worker embedded every text
    assert row["chunks_per_s"] > 0 and row["worker_rss_mb"] > 0


def test_semantic_lanes_embed_the_same_case_both_ways(tmp_path: Path) -> None:
    from arbiter_desktop.config import paths
    from arbiter_desktop.config.models import LIGHT_EMBEDDER
    from bench import semantic_lanes

    if not (paths.models_dir() / LIGHT_EMBEDDER).is_file():
        pytest.skip("the light model is not installed (make setup)")
    folder = tmp_path / "folder"
    folder.mkdir()
    for i in range(12):
        (folder / f"{i:02}.txt").write_text(f"Procès-verbal numéro {i}. Le véhicule a été saisi.", encoding="utf-8")
    report = semantic_lanes.run(["e5"], folder, cores=2, rounds=1)
    figures = report["models"]["e5"]
    assert figures["layout"] == {"lanes": 2, "threads": [1, 1]}
    one, lanes = figures["runs"]["one model"][0], figures["runs"]["lanes"][0]
    assert one["chunks"] == lanes["chunks"] == 12 and one["lanes"] == 1 and lanes["workers_lost"] == 0
    assert figures["ratio"] is not None and figures["ratio"] > 0
