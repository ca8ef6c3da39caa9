import json
from pathlib import Path

import numpy as np
import pytest
from usearch.index import Index

from arbiter_desktop.embedding.base import ModelIdentity
from arbiter_desktop.stores.damage import StoreDamaged
from arbiter_desktop.stores.vectors import (
    VectorStore,
    VectorStoreError,
    check_folder,
    drop_other_models,
    open_vector_store,
    quantize,
    salvage,
    sign_bits,
)

DIM = 128
IDENTITY = ModelIdentity("test", "test", DIM, "a" * 64, "")


def random_unit(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_quantize_round_trip() -> None:
    v = random_unit(50)
    q, scales = quantize(v)
    assert q.dtype == np.int8
    assert np.abs(q.astype(np.float32) * scales[:, None] - v).max() < 0.01


def test_binary_then_int8_rescoring_finds_the_nearest(tmp_path: Path) -> None:
    v = random_unit(2000)
    store = VectorStore(tmp_path / "v", IDENTITY)
    store.add(list(range(100, 2100)), v)
    store.save(1)
    for i in (0, 7, 1999):
        query = v[i] + 0.05 * random_unit(1, seed=i)[0]
        query /= np.linalg.norm(query)
        (best, score), *_ = store.search(query.astype(np.float32), 10, candidates=400)
        assert best == 100 + i and score > 0.9
    graph = VectorStore(tmp_path / "g", IDENTITY, graph=True)  # built for the HNSW option
    graph.add(list(range(100, 2100)), v)
    graph.save(1)
    assert graph.search(v[7], 1, exact=False)[0][0] == 107
    exact = [c for c, _ in store.exact_search(v[5], 10)]
    approx = [c for c, _ in store.search(v[5], 10, candidates=400)]
    assert approx[0] == exact[0] == 105


def test_remove_save_reopen_and_append(tmp_path: Path) -> None:
    v = random_unit(10)
    store = VectorStore(tmp_path / "v", IDENTITY)
    store.add(list(range(10)), v)
    store.save(1)
    assert store.remove([3, 4, 99]) == 2
    store.save(2)
    reopened = VectorStore(tmp_path / "v", IDENTITY)
    assert reopened.keys() == set(range(10)) - {3, 4}
    assert 3 not in [c for c, _ in reopened.search(v[3], 10)]
    reopened.add([3], v[3:4])
    reopened.save(3)
    assert VectorStore(tmp_path / "v", IDENTITY).search(v[3], 1)[0][0] == 3


def test_rows_appended_after_the_last_save_are_ignored(tmp_path: Path) -> None:
    v = random_unit(4)
    store = VectorStore(tmp_path / "v", IDENTITY)
    store.add([1, 2], v[:2])
    store.save(1)
    with (tmp_path / "v" / "int8.bin").open("ab") as f:  # a crash in the middle of the next save
        f.write(b"\x01" * DIM * 3)
    reopened = VectorStore(tmp_path / "v", IDENTITY)
    assert reopened.keys() == {1, 2}
    reopened.add([3], v[2:3])
    reopened.save(2)
    assert VectorStore(tmp_path / "v", IDENTITY).search(v[2], 1)[0][0] == 3


def test_damaged_store_is_reported_then_salvaged(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "v", IDENTITY)
    vectors = random_unit(3)
    store.add([1, 2, 3], vectors)
    store.save(1)
    with (tmp_path / "v" / "int8.bin").open("r+b") as f:
        f.truncate(DIM + 5)  # one whole row left
    assert check_folder(tmp_path / "v") is not None
    with pytest.raises(StoreDamaged, match="hold 1 of the 3 vectors"):
        VectorStore(tmp_path / "v", IDENTITY)
    assert salvage(tmp_path / "v") == (1, 2)
    assert check_folder(tmp_path / "v") is None
    salvaged = VectorStore(tmp_path / "v", IDENTITY)
    assert salvaged.keys() == {1}
    assert salvaged.search(vectors[0], 1)[0][0] == 1
    salvaged.add([2, 3], vectors[1:])  # the lost rows come back at the next embedding
    salvaged.save(2)
    assert VectorStore(tmp_path / "v", IDENTITY).keys() == {1, 2, 3}


def test_unreadable_meta_is_damage_and_salvage_drops_the_store(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "v", IDENTITY)
    store.add([1], random_unit(1))
    store.save(1)
    (tmp_path / "v" / "meta.json").write_text('{"rows": 1, "dim"')
    with pytest.raises(StoreDamaged, match=r"meta\.json cannot be read"):
        VectorStore(tmp_path / "v", IDENTITY)
    assert salvage(tmp_path / "v") == (0, 0)
    assert not (tmp_path / "v").exists()


def test_a_binary_index_that_cannot_be_loaded_is_rebuilt(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "v", IDENTITY)
    vectors = random_unit(3)
    store.add([1, 2, 3], vectors)
    store.save(1)
    (tmp_path / "v" / "binary.usearch").write_bytes(b"not an index")
    reopened = VectorStore(tmp_path / "v", IDENTITY)
    assert [reopened.search(v, 1)[0][0] for v in vectors] == [1, 2, 3]


def test_vectors_of_two_models_are_never_mixed(tmp_path: Path) -> None:
    store = open_vector_store(tmp_path, IDENTITY)
    store.add([1], random_unit(1))
    store.save(1)
    other = ModelIdentity("other", "other", DIM, "b" * 64, "")
    with pytest.raises(VectorStoreError, match="another embedding model"):
        open_vector_store(tmp_path, other)
    assert drop_other_models(tmp_path, other) == [IDENTITY.key]
    assert len(open_vector_store(tmp_path, other)) == 0


def test_sign_bits_are_taken_around_the_mean(tmp_path: Path) -> None:
    # Vectors in a narrow cone (as embedding models produce): raw signs are nearly all alike.
    rng = np.random.default_rng(1)
    offset = np.abs(rng.standard_normal(DIM)).astype(np.float32) * 3
    v = offset + rng.standard_normal((2000, DIM)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    store = VectorStore(tmp_path / "v", IDENTITY)
    store.add(list(range(2000)), v)
    store.save(1)
    assert np.allclose(store.center, v.mean(axis=0), atol=0.02)
    query = v + 0.04 * rng.standard_normal(v.shape).astype(np.float32)  # a near, not identical, query
    found = sum(store.search(query[i], 1, candidates=20)[0][0] == i for i in range(0, 2000, 50))
    assert found == 40  # measured: 23 of 40 with raw signs, 40 of 40 around the mean
    reopened = VectorStore(tmp_path / "v", IDENTITY)
    assert np.allclose(reopened.center, store.center, atol=1e-5)
    assert reopened.search(v[50], 1, candidates=20)[0][0] == 50


def test_a_store_of_the_older_layout_is_read_then_converted(tmp_path: Path) -> None:
    """Stores written before the binary index was keyed by row (it was keyed by chunk id) still search: the index
    is rebuilt from the int8 rows in memory, and written in the new layout at the next save."""
    v = random_unit(50)
    store = VectorStore(tmp_path / "v", IDENTITY)
    store.add(list(range(1000, 1050)), v)
    store.save(1)
    meta = json.loads((tmp_path / "v" / "meta.json").read_text())
    del meta["binary"]
    (tmp_path / "v" / "meta.json").write_text(json.dumps(meta))
    old = Index(ndim=DIM, metric="hamming", dtype="b1")
    old.add(np.arange(1000, 1050, dtype=np.uint64), sign_bits(v - store.center))
    old.save(str(tmp_path / "v" / "binary.usearch"))
    reader = VectorStore(tmp_path / "v", IDENTITY)
    assert len(reader) == 50 and reader.search(v[7], 1)[0][0] == 1007
    reader.remove([1000])
    reader.save(2)
    assert json.loads((tmp_path / "v" / "meta.json").read_text())["binary"] == "rows"
    again = VectorStore(tmp_path / "v", IDENTITY)
    assert len(again) == 49 and again.search(v[7], 1)[0][0] == 1007 and 1000 not in dict(again.search(v[0], 5))


def test_readers_see_the_rows_their_meta_counts(tmp_path: Path) -> None:
    """A reader opened before a save searches what it opened; a new reader sees the new rows; removed rows never
    come back."""
    v = random_unit(20)
    writer = VectorStore(tmp_path / "v", IDENTITY)
    writer.add(list(range(10)), v[:10])
    writer.save(1)
    reader = VectorStore(tmp_path / "v", IDENTITY)
    writer.add(list(range(10, 20)), v[10:])
    writer.remove([3])
    writer.save(2)
    assert reader.search(v[15], 1)[0][0] < 10 and len(reader) == 10
    fresh = VectorStore(tmp_path / "v", IDENTITY)
    assert fresh.search(v[15], 1)[0][0] == 15 and len(fresh) == 19
    assert 3 not in dict(fresh.search(v[3], 19))


@pytest.mark.parametrize("rows_before", [4, 12_000])
def test_a_kill_between_the_binary_index_and_meta_json_leaves_a_store_that_takes_new_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows_before: int
) -> None:
    """The binary index is saved before meta.json (the commit point): killed between the two, the next writer finds
    rows in the binary index that meta.json does not count, and must not add them twice."""
    v = random_unit(rows_before + 6)
    store = VectorStore(tmp_path / "v", IDENTITY)
    store.add(list(range(rows_before)), v[:rows_before])
    store.save(1)
    store.add(list(range(rows_before, rows_before + 3)), v[rows_before : rows_before + 3])
    store.remove([1])
    real_write = VectorStore._write_atomic

    def killed_at_meta(self: VectorStore, name: str, data: bytes) -> None:
        if name == "meta.json":
            raise KeyboardInterrupt("killed")
        real_write(self, name, data)

    monkeypatch.setattr(VectorStore, "_write_atomic", killed_at_meta)
    with pytest.raises(KeyboardInterrupt):
        store.save(2)
    monkeypatch.setattr(VectorStore, "_write_atomic", real_write)
    reopened = VectorStore(tmp_path / "v", IDENTITY)
    assert reopened.keys() == set(range(rows_before)) - {1}  # keys.bin was written before the kill
    reopened.add(list(range(rows_before, rows_before + 6)), v[rows_before:])
    reopened.save(2)
    final = VectorStore(tmp_path / "v", IDENTITY)
    assert len(final) == rows_before + 5
    for chunk in (0, rows_before + 1, rows_before + 5):
        assert final.search(v[chunk], 1)[0][0] == chunk
    assert 1 not in dict(final.search(v[1], 10))
