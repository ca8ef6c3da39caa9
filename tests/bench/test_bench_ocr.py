"""The OCR benchmarks' measures: the character error rate ignores layout only, queries come from the text."""

from __future__ import annotations

import pytest

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
