"""What the embedding model reads for each chunk: document context, or the whole document (late chunking)."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from support import session_of, write

from arbiter_desktop.config.settings import Settings
from arbiter_desktop.embedding.base import HashingEmbedder, Vectors
from arbiter_desktop.indexing.passages import PassageVectors, document_context, file_label, first_line
from arbiter_desktop.stores.case import Case


def test_context_of_a_chunk() -> None:
    assert first_line("\n\n  PROCÈS-VERBAL  D'AUDITION \nLe témoin déclare") == "PROCÈS-VERBAL D'AUDITION"
    assert len(first_line("mot " * 100)) <= 120
    assert file_label("/case/2024-03-14_PV_audition_MEZIANE.pdf") == "2024 03 14 PV audition MEZIANE"
    assert file_label("/case/scan0001.pdf") == "" and file_label("/x/000012_dev-d013.txt") == ""
    assert document_context("Rapport d'expertise", "/a/x.pdf", "texte") == "Rapport d'expertise"
    assert document_context("", "/a/PV_audition_Durand.txt", "PV D'AUDITION\nsuite") == (
        "PV audition Durand — PV D'AUDITION"
    )


class Recording(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(32)
        self.titles: list[str] = []

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        self.titles += list(titles)
        return super().embed_documents(texts, titles)


def to_embed(case: Case) -> list[tuple[int, str, str]]:
    """(chunk id, text, declared title) of the chunks still to embed, as the semantic fill hands them over."""
    return [(c, text, title) for c, _, text, title in case.catalog.unembedded_chunks(100)]


LONG = "PROCÈS-VERBAL D'AUDITION DE TÉMOIN\n" + " ".join(f"Le témoin décrit la scène numéro {n}." for n in range(120))


def test_a_chunk_that_does_not_start_its_document_reads_its_context(case: Case, tmp_path: Path) -> None:
    write(tmp_path / "src", "long.txt", LONG)
    session_of(case).index([tmp_path / "src"])
    embedder = Recording()
    passages = PassageVectors(embedder, case.catalog, Settings(embed_document_context=True))
    passages.vectors(to_embed(case))
    assert len(embedder.titles) >= 3
    assert embedder.titles[0] == "" and set(embedder.titles[1:]) == {"PROCÈS-VERBAL D'AUDITION DE TÉMOIN"}


class FakeLate:
    """Stands for the late-chunking model: each chunk's vector says which document and span it came from."""

    def __init__(self) -> None:
        self.documents: list[str] = []

    def embed(self, text: str, spans: Sequence[tuple[int, int]], title: str = "") -> Vectors:
        self.documents.append(text)
        rows = np.zeros((len(spans), 32), dtype=np.float32)
        for i, (a, _) in enumerate(spans):
            rows[i, i % 32] = 1.0
            rows[i, 31] = len(text) % 7 + a % 3
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def close(self) -> None:
        pass


def test_late_chunking_embeds_each_document_once_whatever_the_batches(case: Case, tmp_path: Path) -> None:
    write(tmp_path / "src", "long.txt", LONG)
    write(tmp_path / "src", "short.txt", "Une main courante de deux lignes.")
    session_of(case).index([tmp_path / "src"])
    late = FakeLate()

    class WithLate(HashingEmbedder):
        def late_chunker(self, threads: int) -> FakeLate:
            return late

    passages = PassageVectors(WithLate(32), case.catalog, Settings(late_chunking=True))
    rows = to_embed(case)
    first = passages.vectors(rows[:2])  # a batch that cuts the long document
    rest = passages.vectors(rows[2:])
    assert len(late.documents) == 2  # each document embedded once
    assert first.shape == (2, 32) and rest.shape == (len(rows) - 2, 32)
