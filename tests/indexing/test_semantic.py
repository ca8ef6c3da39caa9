"""The semantic layer fills in the order that helps the user: the documents noted by the window first (its recent
searches' hits, the folder it shows), then catalog order; every chunk once; progress carries both ETAs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from support import session_of, write

from arbiter_desktop.config.settings import Settings
from arbiter_desktop.embedding.base import HashingEmbedder, Vectors
from arbiter_desktop.indexing.job import Indexer, Progress
from arbiter_desktop.indexing.semantic import PRIORITY_FILE, Priority, note_priority, read_priority
from arbiter_desktop.stores.case import Case


class RecordingEmbedder(HashingEmbedder):
    """Embeds as HashingEmbedder and records the texts of each call; runs ``after_first_call`` once."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []
        self.threads: list[int] = []
        self.threads_of_calls: list[int | None] = []  # the threads set when each call was made
        self.after_first_call: object = None

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        self.threads_of_calls.append(self.threads[-1] if self.threads else None)
        if len(self.calls) == 1 and callable(self.after_first_call):
            self.after_first_call()
        return super().embed_documents(texts, titles)

    def set_threads(self, threads: int) -> None:
        self.threads.append(threads)

    @property
    def order(self) -> list[str]:
        return [text.split(" ", 1)[0] for call in self.calls for text in call]


def _corpus(root: Path) -> Path:
    for folder in ("auditions", "scelles", "rapports"):
        for n in range(4):
            name = f"{folder}{n}"
            write(root / "src" / folder, f"{name}.txt", f"{name} pièce de procédure numéro {n} du dossier {folder}.")
    return root / "src"


@pytest.fixture
def reopen(case: Case) -> Iterator[Callable[..., Case]]:
    """``reopen(**settings)``: the test's case opened again with these settings changed (a case's settings are
    fixed while it is open); closed after the test."""
    opened: list[Case] = []

    def again(**changes: object) -> Case:
        other = Case.open(case.directory, settings=case.settings.replace(**changes))
        opened.append(other)
        return other

    yield again
    for other in opened:
        other.close()


def _document_of(case: Case, name: str) -> int:
    row = case.catalog.db.execute("SELECT document_id FROM files WHERE path LIKE ?", (f"%/{name}.txt",)).fetchone()
    return int(row[0])


def test_without_a_note_chunks_go_in_catalog_order(case: Case, tmp_path: Path) -> None:
    session_of(case).index([_corpus(tmp_path)])
    embedder = RecordingEmbedder()
    report = session_of(case, embedder).index([tmp_path / "src"])
    assert report.embedded == 12
    ids = [_document_of(case, name) for name in embedder.order]
    assert ids == sorted(ids) and len(set(ids)) == 12


def test_noted_documents_then_noted_folder_come_first(case: Case, tmp_path: Path, reopen: Callable[..., Case]) -> None:
    src = _corpus(tmp_path)
    session_of(case).index([src])
    note_priority(case.directory, [_document_of(case, "rapports2"), _document_of(case, "auditions3")])
    note_priority(case.directory, [], folders=[str((src / "scelles").resolve())])
    embedder = RecordingEmbedder()
    session_of(reopen(embed_batch=1), embedder).index([src])
    order = embedder.order
    assert order[:2] == ["rapports2", "auditions3"]  # the hits of the searches, most wanted first
    assert sorted(order[2:6]) == [f"scelles{n}" for n in range(4)]  # then the folder on screen
    assert len(order) == len(set(order)) == 12  # every chunk once


def test_a_note_written_during_the_run_is_followed_at_the_next_batch(
    case: Case, tmp_path: Path, reopen: Callable[..., Case]
) -> None:
    src = _corpus(tmp_path)
    session_of(case).index([src])
    embedder = RecordingEmbedder()
    wanted = _document_of(case, "rapports3")
    embedder.after_first_call = lambda: note_priority(case.directory, [wanted])  # the window, meanwhile
    session_of(reopen(embed_batch=1), embedder).index([src])
    assert embedder.order[1] == "rapports3"
    assert len(embedder.order) == 12


def test_notes_merge_newest_first_and_bad_or_old_notes_are_ignored(tmp_path: Path) -> None:
    note_priority(tmp_path, [1, 2, 3], folders=["/a"])
    note_priority(tmp_path, [4, 2], folders=["/b"])
    assert read_priority(tmp_path) == Priority((4, 2, 1, 3), ("/b", "/a"))
    (tmp_path / PRIORITY_FILE).write_text("{not json", encoding="utf-8")
    assert read_priority(tmp_path) is None
    old = {"written": time.time() - 3 * 86400, "documents": [1], "folders": []}
    (tmp_path / PRIORITY_FILE).write_text(json.dumps(old), encoding="utf-8")
    assert read_priority(tmp_path) is None


def test_the_embedding_phase_uses_the_indexing_cores(tmp_path: Path, reopen: Callable[..., Case]) -> None:
    embedder = RecordingEmbedder()
    session_of(reopen(indexing_cores=3, batch_files=4), embedder).index([_corpus(tmp_path)])  # commits on the way
    assert embedder.threads and set(embedder.threads) == {3}
    assert embedder.calls[0][0].startswith("Le lundi 4 mars")  # the pace measured at the first commit…
    assert embedder.threads_of_calls and set(embedder.threads_of_calls) == {3}  # …with the phase's threads


class TwoLanes(RecordingEmbedder):
    lanes = 2  # as an EmbeddingPool of two lanes says


def test_several_lanes_share_batches_of_whole_chunks_per_lane(case: Case, reopen: Callable[..., Case]) -> None:
    src = _corpus(case.directory.parent)
    session_of(case).index([src])
    embedder = TwoLanes()
    session_of(reopen(embed_batch=3), embedder).index([src])
    sizes = [len(call) for call in embedder.calls if not call[0].startswith("Le lundi 4 mars")]
    # one chunk per lane to begin with, then at least four per lane (never fewer than the lanes can share
    # without one of them waiting), whatever embed_batch says
    assert sizes == [2, 8, 2]


def test_progress_carries_both_etas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reopen: Callable[..., Case]
) -> None:
    monkeypatch.setattr("arbiter_desktop.indexing.eta.MIN_PACE_S", 0.0)
    events: list[Progress] = []
    embedder = RecordingEmbedder()
    case = reopen(batch_files=4)  # commits during the text phase
    Indexer(case, on_progress=events.append, embedder=embedder).run([_corpus(tmp_path)])
    text = [e for e in events if e.phase == "text"]
    semantic = [e for e in events if e.phase == "semantic"]
    assert any(e.eta_text_s is not None and e.eta_semantic_s is not None for e in text)
    assert all(e.eta_semantic_s is None or e.eta_text_s is None or e.eta_semantic_s >= e.eta_text_s for e in text)
    assert semantic and all(e.eta_text_s == 0 and e.eta_semantic_s is not None for e in semantic)
    assert semantic[-1].eta_semantic_s == 0
    assert embedder.calls[0][0].startswith("Le lundi 4 mars")  # a fresh case measures the model at its 1st commit
    rate = json.loads((case.directory / "semantic.rate.json").read_text(encoding="utf-8"))
    assert list(rate) == [f"{embedder.identity.key}/{Settings().cores()}"]
    again = RecordingEmbedder()
    write(tmp_path / "src", "nouveau.txt", "Une pièce de plus.")
    Indexer(case, embedder=again).run([tmp_path / "src"])
    assert not any(call[0].startswith("Le lundi 4 mars") for call in again.calls)  # the case knows its pace
