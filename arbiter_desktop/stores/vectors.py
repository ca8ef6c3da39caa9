"""Chunk vectors, stored twice: sign bits in a usearch ``b1`` index and int8 rows in a memory-mapped matrix.

Search scans the binary index exactly (hamming) for the best ``candidates`` chunks, then rescores them with the
int8 rows against the float query, which recovers nearly all of the float ranking at a fraction of the memory.

```
CASE_DIR/vectors/<model key>/
  meta.json        model identity, dimension, row count, saved generation (written last: the commit point)
  binary.usearch   sign bits of every live vector, keyed by chunk id
  int8.bin         int8 rows (append-only), row i ↔ keys.bin[i]
  scales.bin       float32 scale of each row (value ≈ int8 × scale)
  keys.bin         int64 chunk id of each row (-1 once removed)
```

One folder per model: vectors of two models are never mixed. Saving writes every file to a temporary name and
renames it, ``meta.json`` last; rows beyond the saved count (a crash mid-append) are cut off at open.

A file shorter than ``meta.json`` says, or a ``meta.json`` that cannot be read, is damage (:class:`StoreDamaged`):
:func:`salvage` keeps the rows that are intact and drops the others, whose chunks are then embedded again. A
binary index that cannot be loaded is simply rebuilt from the int8 rows. Only this module imports usearch.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from usearch.index import Index

from arbiter_desktop.embedding.base import ModelIdentity
from arbiter_desktop.stores.damage import VECTORS, Damage, StoreDamaged

log = logging.getLogger(__name__)

META = "meta.json"
# The row files: name → (dtype, values per row); meta.json's "dim" is the width of int8.bin.
ROW_FILES = {"keys.bin": (np.int64, 1), "scales.bin": (np.float32, 1), "int8.bin": (np.int8, 0)}
# Sign bits are taken after subtracting the mean vector: embedding models put most vectors in a narrow cone,
# where raw signs barely differ from one vector to the next. The mean follows the corpus until the store
# holds this many rows, then stays fixed (the binary index is rebuilt from the int8 rows when it moves).
CENTER_FREEZE_ROWS = 10_000


class VectorStoreError(Exception):
    """A vector store that is damaged or belongs to another model; the message says what to do."""


def quantize(vectors: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """Symmetric per-row int8 quantisation: row ≈ q × scale."""
    peak = np.abs(vectors).max(axis=1)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return q, scales


def sign_bits(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.uint8]:
    return np.packbits((vectors > 0).astype(np.uint8), axis=1)


class VectorStore:
    def __init__(self, directory: Path, identity: ModelIdentity) -> None:
        self.directory = directory
        self.identity = identity
        self.dim = identity.dim
        directory.mkdir(parents=True, exist_ok=True)
        meta = read_meta(directory)
        if meta is not None:
            if meta["sha256"] != identity.sha256 or int(meta["dim"]) != identity.dim:
                raise VectorStoreError(
                    f"{directory} holds vectors of another model ({meta.get('name')}); they are never mixed"
                )
            problem = files_problem(directory, meta)
            if problem:
                raise StoreDamaged(Damage(VECTORS, directory, problem))
            self.rows = int(meta["rows"])
            self.center = np.asarray(meta.get("center") or np.zeros(self.dim), dtype=np.float32)
        else:
            self.rows = 0
            self.center = np.zeros(self.dim, dtype=np.float32)
        self._keys = self._read("keys.bin", np.int64, 1)
        self._scales = self._read("scales.bin", np.float32, 1)
        self._int8 = self._read("int8.bin", np.int8, self.dim)
        live = np.asarray(self._keys)[np.asarray(self._keys) >= 0]
        if len(np.unique(live)) != len(live):
            raise StoreDamaged(Damage(VECTORS, directory, "keys.bin names a chunk twice"))
        self._row_of: dict[int, int] = {int(k): i for i, k in enumerate(self._keys.tolist()) if k >= 0}
        self._index = Index(ndim=self.dim, metric="hamming", dtype="b1")
        binary = directory / "binary.usearch"
        if binary.exists() and self.rows:
            try:
                self._index.load(str(binary))
            except (RuntimeError, ValueError, OSError) as exc:  # derived from the int8 rows: rebuild it
                log.warning("%s cannot be loaded (%s): rebuilt from the int8 rows", binary, exc)
                self._index = Index(ndim=self.dim, metric="hamming", dtype="b1")
        if len(self._index) != len(self._row_of):
            self._rebuild_binary()
        self._pending: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int8], npt.NDArray[np.float32]]] = []

    # --- files --------------------------------------------------------------------------------------------
    def _read(self, name: str, dtype: type[np.generic], width: int) -> npt.NDArray[Any]:
        path = self.directory / name
        if self.rows == 0:
            return np.zeros((0, width) if width > 1 else (0,), dtype=dtype)
        itemsize = np.dtype(dtype).itemsize * width
        if not path.exists() or path.stat().st_size < self.rows * itemsize:
            problem = f"{name} holds fewer than the {self.rows} vectors recorded in meta.json"
            raise StoreDamaged(Damage(VECTORS, self.directory, problem))
        shape = (self.rows, width) if width > 1 else (self.rows,)
        return np.memmap(path, dtype=dtype, mode="r", shape=shape)

    def _live_vectors(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Keys and dequantised vectors of every live row."""
        live = np.nonzero(np.asarray(self._keys) >= 0)[0]
        rows = np.asarray(self._int8[live], dtype=np.float32) * np.asarray(self._scales[live])[:, None]
        return np.asarray(self._keys[live], dtype=np.int64), rows

    def _rebuild_binary(self) -> None:
        """Rebuild the binary index from the int8 rows, centred on the current mean."""
        self._index = Index(ndim=self.dim, metric="hamming", dtype="b1")
        keys, rows = self._live_vectors()
        if len(keys):
            self._index.add(keys.astype(np.uint64), sign_bits(rows - self.center))

    # --- writing ------------------------------------------------------------------------------------------
    def add(self, chunk_ids: Sequence[int], vectors: npt.NDArray[np.float32]) -> None:
        if vectors.shape != (len(chunk_ids), self.dim):
            raise ValueError(f"expected {len(chunk_ids)} vectors of dimension {self.dim}, got {vectors.shape}")
        existing = [c for c in chunk_ids if c in self._row_of]
        if existing:
            self.remove(existing)
        keys = np.asarray(chunk_ids, dtype=np.int64)
        q, scales = quantize(vectors)
        self._index.add(keys.astype(np.uint64), sign_bits(vectors - self.center))
        base = self.rows + sum(len(p[0]) for p in self._pending)
        for offset, key in enumerate(keys.tolist()):
            self._row_of[int(key)] = base + offset
        self._pending.append((keys, q, scales))

    def remove(self, chunk_ids: Iterable[int]) -> int:
        removed = 0
        keys = self._writable_keys()
        for chunk_id in chunk_ids:
            row = self._row_of.pop(int(chunk_id), None)
            if row is None:
                continue
            if row < len(keys):
                keys[row] = -1
            else:  # still pending
                for pending_keys, _, _ in self._pending:
                    pending_keys[pending_keys == chunk_id] = -1
            self._index.remove(int(chunk_id))
            removed += 1
        if removed:
            self._keys = keys
        return removed

    def _writable_keys(self) -> npt.NDArray[np.int64]:
        return np.array(self._keys, dtype=np.int64, copy=True)

    def save(self, generation: int) -> None:
        """Make every change durable; ``meta.json`` is renamed last and is the commit point."""
        pending = self._pending
        self._pending = []
        new_keys = np.concatenate([self._keys, *[p[0] for p in pending]]) if pending else self._keys
        rows = len(new_keys)
        if pending:
            with (self.directory / "int8.bin").open("ab") as f:
                f.seek(self.rows * self.dim)
                f.truncate()
                for _, q, _ in pending:
                    f.write(q.tobytes())
                f.flush()
                os.fsync(f.fileno())
            with (self.directory / "scales.bin").open("ab") as f:
                f.seek(self.rows * 4)
                f.truncate()
                for _, _, s in pending:
                    f.write(s.tobytes())
                f.flush()
                os.fsync(f.fileno())
        self._write_atomic("keys.bin", np.asarray(new_keys, dtype=np.int64).tobytes())
        self.rows = rows
        self._keys = self._read("keys.bin", np.int64, 1)
        self._scales = self._read("scales.bin", np.float32, 1)
        self._int8 = self._read("int8.bin", np.int8, self.dim)
        if pending and rows <= CENTER_FREEZE_ROWS:
            _, live = self._live_vectors()
            if len(live):
                self.center = live.mean(axis=0).astype(np.float32)
                self._rebuild_binary()
        tmp = self.directory / "binary.usearch.tmp"
        self._index.save(str(tmp))
        os.replace(tmp, self.directory / "binary.usearch")
        meta = {
            "name": self.identity.name,
            "family": self.identity.family,
            "sha256": self.identity.sha256,
            "dim": self.dim,
            "rows": rows,
            "live": len(self._row_of),
            "generation": generation,
            "center": [round(float(x), 6) for x in self.center],
        }
        self._write_atomic(META, json.dumps(meta).encode("utf-8"))

    def _write_atomic(self, name: str, data: bytes) -> None:
        tmp = self.directory / (name + ".tmp")
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.directory / name)

    def drop(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    # --- reading ------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._row_of)

    def keys(self) -> set[int]:
        return set(self._row_of)

    def search(
        self, query: npt.NDArray[np.float32], k: int, candidates: int = 400, exact: bool = True
    ) -> list[tuple[int, float]]:
        """(chunk id, cosine estimate) of the best ``k`` chunks: binary top-``candidates`` → int8 rescoring.

        ``exact`` scans every sign vector (hamming); otherwise usearch's HNSW graph finds the candidates, which
        only pays off for millions of chunks.
        """
        if not self._row_of or self._pending:
            if self._pending:
                raise RuntimeError("save() the vector store before searching it")
            return []
        count = min(max(k, candidates), len(self._row_of))
        matches = self._index.search(sign_bits(query[None, :] - self.center)[0], count, exact=exact)
        keys = np.asarray(matches.keys, dtype=np.int64)
        rows = np.asarray([self._row_of[int(c)] for c in keys.tolist()], dtype=np.int64)
        if not len(rows):
            return []
        scores = (np.asarray(self._int8[rows], dtype=np.float32) @ query) * np.asarray(self._scales[rows])
        order = np.argsort(-scores)[:k]
        return [(int(keys[i]), float(scores[i])) for i in order]

    def scores(self, query: npt.NDArray[np.float32], chunk_ids: Sequence[int]) -> dict[int, float]:
        """Cosine estimates (int8 rows) of the given chunks that have a vector."""
        known = [c for c in chunk_ids if c in self._row_of]
        if not known or self._pending:
            return {}
        rows = np.asarray([self._row_of[c] for c in known], dtype=np.int64)
        values = (np.asarray(self._int8[rows], dtype=np.float32) @ query) * np.asarray(self._scales[rows])
        return {c: float(v) for c, v in zip(known, values.tolist(), strict=True)}

    def exact_search(self, query: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        """Rescoring of every live vector (the int8 ceiling of :meth:`search`, for measurements)."""
        live = np.nonzero(np.asarray(self._keys) >= 0)[0]
        if not len(live):
            return []
        scores = (np.asarray(self._int8[live], dtype=np.float32) @ query) * np.asarray(self._scales[live])
        order = np.argsort(-scores)[:k]
        return [(int(self._keys[live[i]]), float(scores[i])) for i in order]


def read_meta(directory: Path) -> dict[str, Any] | None:
    """A store folder's meta.json (None when there is none yet); StoreDamaged if it cannot be read."""
    path = directory / META
    if not path.exists():
        return None
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        for key, kind in (("sha256", str), ("dim", int), ("rows", int)):
            if not isinstance(meta.get(key), kind):
                raise ValueError(f"no valid {key!r}")
    except (OSError, ValueError, AttributeError) as exc:
        raise StoreDamaged(Damage(VECTORS, directory, f"{META} cannot be read ({exc})")) from exc
    return dict(meta)


def intact_rows(directory: Path, meta: dict[str, Any]) -> int:
    """How many of the recorded rows every row file holds in full."""
    rows = int(meta["rows"])
    for name, (dtype, width) in ROW_FILES.items():
        size = np.dtype(dtype).itemsize * (width or int(meta["dim"]))
        path = directory / name
        rows = min(rows, path.stat().st_size // size if path.exists() else 0)
    return rows


def files_problem(directory: Path, meta: dict[str, Any]) -> str | None:
    """What is wrong with a store folder's row files, checked against its meta.json (sizes only: cheap)."""
    recorded, intact = int(meta["rows"]), intact_rows(directory, meta)
    if intact < recorded:
        return f"its row files hold {intact} of the {recorded} vectors recorded in {META} (truncated or missing)"
    return None


def check_folder(directory: Path) -> Damage | None:
    """The damage of one store folder, from its meta.json and file sizes (what a case checks at open)."""
    try:
        meta = read_meta(directory)
    except StoreDamaged as exc:
        return exc.damage
    problem = files_problem(directory, meta) if meta is not None else None
    return Damage(VECTORS, directory, problem) if problem else None


def salvage(directory: Path) -> tuple[int, int]:
    """Keep the rows that every file holds in full, drop the rest: (rows kept, rows dropped).

    A store whose meta.json cannot be read is deleted whole. The binary index is rebuilt at the next open.
    Chunks whose vector was dropped are embedded again by the next indexing run (the catalog's flags follow
    the store)."""
    try:
        meta = read_meta(directory)
    except StoreDamaged:
        shutil.rmtree(directory)
        return 0, 0
    if meta is None:
        return 0, 0
    recorded, kept = int(meta["rows"]), intact_rows(directory, meta)
    if kept < recorded:
        keys = np.fromfile(directory / "keys.bin", dtype=np.int64, count=kept) if kept else np.zeros(0, np.int64)
        meta["rows"], meta["live"] = kept, int((keys >= 0).sum())
        (directory / "binary.usearch").unlink(missing_ok=True)
        tmp = directory / (META + ".tmp")
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(tmp, directory / META)
    return kept, recorded - kept


def vectors_root(case_dir: Path) -> Path:
    return case_dir / "vectors"


def model_folders(case_dir: Path) -> list[Path]:
    root = vectors_root(case_dir)
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []


def open_vector_store(case_dir: Path, identity: ModelIdentity) -> VectorStore:
    """The case's vector store for this model; vectors of another model are refused, never mixed."""
    root = vectors_root(case_dir)
    others = [p.name for p in root.iterdir() if p.is_dir() and p.name != identity.key] if root.exists() else []
    if others:
        raise VectorStoreError(
            f"this case holds vectors of another embedding model ({', '.join(others)}); re-embedding the case "
            "with the new model can take hours: confirm it with `arbiter index --reembed`, or select the "
            "previous model again"
        )
    return VectorStore(root / identity.key, identity)


def drop_other_models(case_dir: Path, identity: ModelIdentity) -> list[str]:
    """Delete the vectors of every model but ``identity`` (after the user confirmed a re-embedding)."""
    root = vectors_root(case_dir)
    dropped: list[str] = []
    if root.exists():
        for path in root.iterdir():
            if path.is_dir() and path.name != identity.key:
                shutil.rmtree(path)
                dropped.append(path.name)
    return dropped
