"""The OCR benchmarks' measures: the character error rate ignores layout only, queries come from the text; the
suite's ``ocr`` part at toy scale."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import EVALDATA

from bench import bench_ocr, run_all
from bench.bench_ocr import cer
from bench.bench_ocr_realcase import doc_id, line_query


def test_cer_counts_characters_not_layout() -> None:
    assert cer("Le témoin\n\ndéclare", "Le  témoin déclare") == 0.0
    assert cer("l\u2019enquêteur", "l'enquêteur") == 0.0
    assert cer("abcdefghij", "abcdefghiX") == pytest.approx(0.1)
    assert cer("abcdefghij", "") == pytest.approx(1.0)


def test_line_query_and_document_ids() -> None:
    text = "Titre du procès-verbal avec assez de mots pour compter dix mots ici\nCourt.\n" + " ".join(
        f"mot{n}" for n in range(15)
    )
    assert line_query(text) == " ".join(f"mot{n}" for n in range(12))
    assert doc_id("/case/scelles/mrs-d004_p2.jpg") == "mrs-d004" and doc_id("a/mrs-d004.pdf") == "mrs-d004"


@pytest.mark.slow
@pytest.mark.skipif(not (EVALDATA / "police_marseille").exists(), reason="needs ../shared/evaldata")
def test_the_suites_ocr_part_measures_cer_and_speed_beside_the_engine(tmp_path: Path) -> None:
    """Toy scale (one page each): the figures come from the real paths (the engine, a case session's indexing
    run) and reach the suite's headline, summary and README table."""
    figures = bench_ocr.run(2, 1, lambda _m: None, max_pages=1, cache=tmp_path / "pages")
    cer = figures["cer_summary"]
    assert cer["pages"] == 2 and 0 <= cer["clean"] < 0.05 and 0 <= cer["degraded"] < 0.1
    rows = figures["speed"]["rows"]
    assert [(r["path"], r["workers"]) for r in rows] == [("engine", 1), ("indexing", 1), ("engine", 2), ("indexing", 2)]
    assert all(r["pages"] == figures["speed"]["pages"] == 1 and r["pages_per_minute"] > 0 for r in rows)
    assert all(r["cpu_s_per_page"] > 0 for r in rows)
    assert all(r["vs_engine"] > 0 for r in rows if r["path"] == "indexing")
    parts = {"ocr": {"figures": figures, "load_before": [1.0], "load_after": [1.0]}}
    head = run_all.headline(parts)
    assert head["ocr_cer"] == {"clean": cer["clean"], "degraded": cer["degraded"]}
    assert set(head["ocr_pages_per_min"]) == {"1", "2"}
    latest = {
        "parts": parts,
        **head,
        "generated_at": "2025-01-01T00:00:00",
        "code": "test",
        "machine": {"cpu": "cpu", "cores": 2, "memory_gb": 24.0},
        "load": {"before": [1.0], "after": [1.0]},
    }
    labels = [row[0] for row in run_all.summary_rows(latest)]
    assert "OCR pages/min, 2 worker(s), 1 pages" in labels
    table = run_all.markdown(latest)
    assert "OCR character error rate" in table and "bare engine, 2 process(es)" in table
