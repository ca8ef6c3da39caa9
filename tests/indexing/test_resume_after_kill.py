"""An indexer process killed (SIGKILL, with its workers) at random moments, 20 times over one corpus, resumes
each time; in the end every file is indexed exactly once, the catalog, the full-text index and the vectors
agree chunk for chunk, and searches return what an uninterrupted run returns.

The moments are drawn from a seeded generator: some during start-up, some while files are fingerprinted, the
others right after the n-th file extracted (first half of the kills) or the n-th batch embedded (second half),
plus up to 5 ms; n is drawn so that the kills spread over each phase instead of finishing it early.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from support import driver_command, python_env, session_of, write

from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.vectors import open_vector_store

SEED = 20240607
KILLS = 20
FILES = 90
SETTINGS = {"workers": 1, "batch_files": 3, "embed_batch": 2, "embed_save_s": 0.0}
TOPICS = ["cannabis", "véhicule", "téléphone", "perquisition", "témoin", "scellé"]
SENTENCES = [
    "Le mis en cause a été placé en garde à vue à {n} heures au commissariat central.",
    "Les enquêteurs ont saisi {n} barrettes de résine dans la cave de l'immeuble.",
    "Le témoin déclare avoir vu le véhicule quitter le parking vers {n} heures.",
    "Une réquisition a été adressée à l'opérateur pour la ligne numéro {n}.",
    "Le procès-verbal numéro {n} a été transmis au parquet le lendemain matin.",
]
QUERIES = ["cannabis", "véhicule parking", "perquisition scellé", "opérateur ligne", "témoin garde à vue"]


def _corpus(src: Path) -> None:
    """Files of one to three chunks; each stresses one topic a different number of times and has its own length,
    so that rankings have no ties whose order could depend on internal ids."""
    for i in range(FILES):
        topic = TOPICS[i % len(TOPICS)]
        body = [SENTENCES[(i + j) % len(SENTENCES)].format(n=i * 10 + j) for j in range(8 + 22 * (i % 3))]
        body += [f"Mention du mot {topic}." for _ in range(1 + (i // len(TOPICS)) % 9)]
        body += ["Note complémentaire."] * (i % 4)
        write(src, f"dossier_{i // 30}/pv_{i:03d}.txt", " ".join(body))


def _progress(case_dir: Path) -> tuple[int, int]:
    """(documents indexed, chunks embedded) as committed, read without taking any lock the indexer needs."""
    try:
        db = sqlite3.connect(f"file:{case_dir / 'catalog.sqlite'}?mode=ro", uri=True, timeout=10)
    except sqlite3.OperationalError:
        return 0, 0
    try:
        docs = db.execute("SELECT COUNT(*) FROM documents WHERE state='indexed'").fetchone()[0]
        embedded = db.execute("SELECT COALESCE(SUM(embedded), 0) FROM chunks").fetchone()[0]
        return int(docs), int(embedded)
    except sqlite3.OperationalError:
        return 0, 0
    finally:
        db.close()


def _kill_once(case_dir: Path, src: Path, rng: random.Random, phase: str, after_events: int) -> bool:
    """Start the indexer and kill it (and its workers) after ``after_events`` progress events of ``phase``
    ("scan", "text" or "semantic"; none: during start-up) and a few ms; True if it was still running."""
    process = subprocess.Popen(
        driver_command(case_dir, src, options=("--hashing", "--events")),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=python_env(),
        start_new_session=True,  # its own process group: the kill takes the extraction workers too
    )
    assert process.stdout is not None
    try:
        if after_events == 0:
            time.sleep(rng.uniform(0.05, 0.8))  # during start-up: imports, opening the case, the first flush
        else:
            seen = 0
            for line in process.stdout:
                if line.startswith(f"EVENT {phase} "):
                    seen += 1
                    if seen >= after_events:
                        break
            time.sleep(rng.uniform(0.0, 0.005))
        running = process.poll() is None
        with contextlib.suppress(ProcessLookupError):  # it ended on its own: its group is gone
            os.killpg(process.pid, signal.SIGKILL)
        return running
    finally:
        process.wait(60)
        process.stdout.close()


def _lexical_chunk_ids(case: Case) -> list[int]:
    store = case.lexical
    store.reload()
    return [c for _, c, _ in store.search(store.everything(), limit=100_000)]


Ranking = list[tuple[float, set[tuple[str, int, str]]]]


def _results(case: Case, embedder: HashingEmbedder) -> dict[tuple[str, str], Ranking]:
    """Every hit of each query and mode (top over the corpus size: no cut-off), as groups of equal score in rank
    order: the order of hits whose scores are equal is not defined (it follows the index's internal layout)."""
    results = {}
    for mode in (SearchMode.LEXICAL, SearchMode.DENSE, SearchMode.HYBRID):
        for query in QUERIES:
            hits = session_of(case, embedder).search(SearchRequest(query=query, mode=mode, top=FILES + 10)).hits
            ranking: Ranking = []
            for h in hits:
                if not ranking or h.score != ranking[-1][0]:
                    ranking.append((h.score, set()))
                ranking[-1][1].add((h.doc_path, h.page, h.passage))
            results[(mode.value, query)] = ranking
    return results


def test_killed_twenty_times_then_resumed(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _corpus(src)
    embedder = HashingEmbedder()

    reference = Case.open(tmp_path / "reference", create=True, settings=Settings(**SETTINGS))
    try:
        session_of(reference, embedder).index([src])
        total_chunks = session_of(reference).status().chunks
        expected = _results(reference, embedder)
    finally:
        reference.close()

    case_dir = tmp_path / "case"
    Case.open(case_dir, create=True).close()
    (case_dir / "settings.json").write_text(json.dumps(SETTINGS))
    rng = random.Random(SEED)
    kills, starts, moments = 0, 0, []
    started = time.monotonic()
    while kills < KILLS and starts < 3 * KILLS:
        documents, embedded = _progress(case_dir)
        draw = rng.random()
        if draw < 0.1:
            phase, after = "start-up", 0
        elif draw < 0.2 and documents < FILES:
            phase, after = "scan", rng.randint(1, FILES - documents)
        elif kills < KILLS // 2:
            phase, after = "text", rng.randint(1, max(1, (FILES - documents) // (KILLS // 2 - kills + 1)))
        else:
            batches = (total_chunks - embedded) // SETTINGS["embed_batch"]
            phase, after = "semantic", rng.randint(1, max(1, batches // (KILLS - kills + 1)))
        starts += 1
        before = _progress(case_dir)
        if _kill_once(case_dir, src, rng, phase, after):
            kills += 1
            moments.append((phase, before, _progress(case_dir)))
    killed_in = time.monotonic() - started
    final = subprocess.run(
        driver_command(case_dir, src, options=("--hashing",)), capture_output=True, text=True, env=python_env()
    )
    assert final.returncode == 0, final.stderr[-3000:]
    phases = {phase: sum(1 for p, _, _ in moments if p == phase) for phase in ("start-up", "scan", "text", "semantic")}
    print(f"\n{kills} kills survived in {killed_in:.1f} s ({starts} starts; {total_chunks} chunks), by phase: {phases}")
    assert kills >= KILLS
    assert phases["text"] >= 3 and phases["semantic"] >= 3, moments

    case = Case.open(case_dir)
    try:
        catalog = case.catalog
        counts = catalog.counts()
        assert counts == {
            "documents": FILES,
            "files": FILES,
            "chunks": total_chunks,
            "embedded": total_chunks,
            "errors": 0,
        }
        assert catalog.pending_documents() == []
        per_document = catalog.db.execute("SELECT document_id, COUNT(*) FROM files GROUP BY document_id").fetchall()
        assert len(per_document) == FILES and all(n == 1 for _, n in per_document)  # each file exactly once
        chunk_ids = catalog.chunk_ids()
        in_lexical = _lexical_chunk_ids(case)
        assert len(in_lexical) == len(set(in_lexical)) == total_chunks  # no chunk twice in the full-text index
        assert set(in_lexical) == chunk_ids
        store = open_vector_store(case_dir, embedder.identity)
        assert store.keys() == chunk_ids and len(store) == total_chunks
        results = _results(case, embedder)
    finally:
        case.close()
    for key, ranking in expected.items():
        got = results[key]
        assert [hits for _, hits in got] == [hits for _, hits in ranking], key
        assert [score for score, _ in got] == pytest.approx([score for score, _ in ranking], rel=1e-3), key
