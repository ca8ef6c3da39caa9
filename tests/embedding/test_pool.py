"""The semantic phase's embedding lanes: the layout of the cores, and worker processes whose vectors are lane 0's,
that hold while a search runs and whose failure loses nothing."""

import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from arbiter_desktop.config import paths
from arbiter_desktop.config.models import LIGHT_EMBEDDER
from arbiter_desktop.embedding import pool as pool_module
from arbiter_desktop.embedding.gguf import GgufEmbedder
from arbiter_desktop.embedding.pool import WORKER_OVERHEAD_MB, EmbeddingPool, Layout, layout
from arbiter_desktop.stores.activity import SearchActivity, SearchRunning

LIGHT = paths.models_dir() / LIGHT_EMBEDDER

PASSAGES = [
    "Le mis en cause a été placé en garde à vue puis la mesure a été prolongée de 24 heures.",
    "Saisie de douze barrettes de résine de cannabis dissimulées dans une chaussette.",
    "Le témoin a vu un véhicule gris quitter le parking de la gare à vive allure.",
    "Réquisition adressée à l'opérateur pour obtenir les fadettes de la ligne 06 12 34 56 78.",
    "La victime déclare avoir reçu des messages menaçants sur son téléphone portable depuis le mois de mars.",
    "Nous constatons que la porte d'entrée de l'appartement porte des traces de pesée au niveau de la serrure.",
]
TITLES = ["", "PV de saisie", "", "Réquisition", "", "Constatations"]


def test_one_lane_per_core_within_the_memory_budget() -> None:
    assert layout(2, 0, 622, 8192) == Layout(2, 1)
    assert layout(8, 0, 622, 8192) == Layout(8, 1)
    # room for one worker beside lane 0's model: two lanes of four threads
    assert layout(8, 0, 622, 622 + WORKER_OVERHEAD_MB) == Layout(2, 4)
    assert layout(8, 0, 622, 100) == Layout(1, 8)
    assert layout(3, 2, 74, 8192) == Layout(2, 1, spare=1)
    # sixteen cores, room for ten models: the six cores left over go one each to the first six lanes
    sixteen = layout(16, 0, 622, 8192)
    assert sixteen == Layout(10, 1, spare=6) and sixteen.cores == 16
    assert [sixteen.threads_of(lane) for lane in range(10)] == [2] * 6 + [1] * 4
    assert layout(4, 1, 74, 8192) == Layout(1, 4)  # the setting asks for one model with every core
    assert layout(2, 6, 74, 8192) == Layout(2, 1)  # never more lanes than cores
    assert layout(1, 0, 74, 8192) == Layout(1, 1)


needs_model = pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} not provisioned (make setup)")


@pytest.fixture(scope="module")
def model() -> Iterator[GgufEmbedder]:
    embedder = GgufEmbedder(LIGHT, threads=2)
    yield embedder
    embedder.close()


@needs_model
def test_the_workers_vectors_are_lane_zeros(model: GgufEmbedder, tmp_path: Path) -> None:
    model.set_threads(2)
    reference = model.embed_documents(PASSAGES, TITLES)
    pool = EmbeddingPool(model, Layout(2, 1))
    try:
        assert pool.wait_started() == 2
        vectors = pool.embed_documents(PASSAGES * 3, TITLES * 3)
        assert pool.embedded_by[1] > 0 and sum(pool.embedded_by) == 18  # both lanes took passages
    finally:
        pool.close()
    assert vectors.shape == (18, 384)
    for copy in range(3):
        part = vectors[copy * 6 : (copy + 1) * 6]
        assert np.allclose(part, reference, atol=1e-6), float(np.abs(part - reference).max())
    assert pool.workers_lost == 0 and pool.workers_peak_rss_mb > 0


@needs_model
def test_a_dead_worker_loses_nothing(model: GgufEmbedder, tmp_path: Path) -> None:
    reference = model.embed_documents(PASSAGES, TITLES)
    pool = EmbeddingPool(model, Layout(2, 1))
    try:
        assert pool.wait_started() == 2
        process, _ = pool._workers[0]
        process.kill()
        process.join()
        vectors = pool.embed_documents(PASSAGES, TITLES)
        vectors_again = pool.embed_documents(PASSAGES, TITLES)  # lane 0 alone from now on
    finally:
        pool.close()
    assert pool.workers_lost == 1 and pool.lanes == 1
    assert np.allclose(vectors, reference, atol=1e-6) and np.allclose(vectors_again, reference, atol=1e-6)


@needs_model
def test_a_worker_that_cannot_load_the_model_is_dropped(model: GgufEmbedder, tmp_path: Path) -> None:
    # lane 0 keeps the model it loaded; the file it came from is gone when the worker looks for it
    moved = GgufEmbedder.__new__(GgufEmbedder)
    moved.__dict__.update(model.__dict__)
    moved.identity = dataclasses.replace(model.identity, path=str(tmp_path / "gone.gguf"))
    pool = EmbeddingPool(moved, Layout(2, 1))
    try:
        assert pool.wait_started() == 1
        vectors = pool.embed_documents(PASSAGES[:2], TITLES[:2])
    finally:
        pool.close()
    assert pool.workers_lost == 1 and pool.embedded_by == [2, 0]
    assert np.allclose(vectors, model.embed_documents(PASSAGES[:2], TITLES[:2]), atol=1e-6)


@needs_model
def test_a_worker_holds_while_a_search_runs(model: GgufEmbedder, tmp_path: Path) -> None:
    # lane 0 has no hold here: only the worker's is tested
    pool = EmbeddingPool(model, Layout(2, 1), SearchRunning(tmp_path))
    activity = SearchActivity(tmp_path)
    done = threading.Event()
    try:
        assert pool.wait_started() == 2
        with activity.searching():

            def embed() -> None:
                pool.embed_documents(PASSAGES, TITLES)
                done.set()

            worker = threading.Thread(target=embed)
            worker.start()
            time.sleep(1.5)  # lane 0 embeds what it takes; the worker's passage waits for the search
            assert not done.is_set()
        worker.join(30)
        assert done.is_set() and pool.embedded_by[1] >= 1
    finally:
        pool.close()


@needs_model
@pytest.mark.parametrize(("margin", "kept"), [(100.0, "one model"), (0.0, "lanes")])
def test_the_faster_layout_is_measured_and_kept(
    model: GgufEmbedder, margin: float, kept: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_module, "WARM_S", 0.2)
    monkeypatch.setattr(pool_module, "KEEP_MARGIN", margin)
    model.set_threads(2)
    reference = model.embed_documents(PASSAGES, TITLES)
    pool = EmbeddingPool(model, Layout(2, 1), single_threads=2)
    try:
        assert pool.lanes == 1 and model.threads == 2  # lane 0 alone with every core, no worker yet
        vectors = []
        while pool.probe is not None and not pool.probe.kept:
            vectors.append(pool.embed_documents(PASSAGES, TITLES))
            if pool._workers:
                pool.wait_started()
        assert pool.probe is not None and pool.probe.kept == kept
        assert pool.probe.rate("single") and pool.probe.rate("lanes")
        assert pool.lanes == (2 if kept == "lanes" else 1) and model.threads == (1 if kept == "lanes" else 2)
        vectors.append(pool.embed_documents(PASSAGES, TITLES))
    finally:
        pool.close()
    assert model.threads == 2 and pool.embedded_by[1] > 0
    for part in vectors:
        assert np.allclose(part, reference, atol=1e-6)


@needs_model
def test_a_worker_lost_while_measuring_leaves_lane_zero_every_core(
    model: GgufEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_module, "WARM_S", 0.01)
    model.set_threads(2)
    reference = model.embed_documents(PASSAGES, TITLES)
    pool = EmbeddingPool(model, Layout(2, 1), single_threads=2)
    try:
        pool.embed_documents(PASSAGES, TITLES)  # the warm-up: the worker starts
        assert pool.wait_started() == 1  # ready, the lanes not yet in use
        process, _ = pool._workers[0]
        process.kill()
        process.join()
        vectors = pool.embed_documents(PASSAGES, TITLES)  # the first batch measured both ways
        assert pool.probe is not None and pool.probe.kept == "one model" and pool.workers_lost == 1
        assert model.threads == 2 and pool.lanes == 1
        again = pool.embed_documents(PASSAGES, TITLES)
    finally:
        pool.close()
    assert np.allclose(vectors, reference, atol=1e-6) and np.allclose(again, reference, atol=1e-6)
