"""Chunk vectors, stored twice: sign bits in a usearch ``b1`` index and int8 rows in a memory-mapped matrix.

Search scans the binary index exactly (hamming) for the best ``candidates`` rows, then rescores them with the
int8 rows against the float query, which recovers nearly all of the float ranking at a fraction of the memory.

```
CASE_DIR/vectors/<model key>/
  meta.json        model identity, dimension, row count, live count, saved generation, layout (written last:
                   the commit point)
  binary.usearch   sign bits of every live row, keyed by row number
  int8.bin         int8 rows (append-only), row i ↔ keys.bin[i]
  scales.bin       float32 scale of each row (value ≈ int8 × scale)
  keys.bin         int64 chunk id of each row (-1 once removed)
```

Opening is cheap at any size: the row files are memory-mapped and the binary index is a memory-mapped view,
keyed by row number, so a search goes from the binary candidates to their int8 rows and chunk ids without a map
of its own. Nothing is read whole at open (the chunk id → row map and the duplicate check are built only by a
writer, at its first change). The binary index is built for exact scans (the default search): few graph links
per vector, which makes adding a vector ~300× cheaper than usearch's defaults (200,000 sign vectors: 0.9 s
instead of 313 s on one core) without changing an exact scan.

One folder per model: vectors of two models are never mixed. Saving writes every file to a temporary name and
renames it, ``meta.json`` last; rows beyond the saved count (a crash mid-append) are cut off at open. A reader
that opened an older ``meta.json`` than the files it then maps sees only the rows that meta.json counts.

A file shorter than ``meta.json`` says, or a ``meta.json`` that cannot be read, is damage (:class:`StoreDamaged`):
:func:`salvage` keeps the rows that are intact and drops the others, whose chunks are then embedded again. A
binary index that cannot be loaded (or a store written before the binary index was keyed by row) is rebuilt
from the int8 rows — in memory by a reader, on disk by the next save. Only this module imports usearch.
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

# libtesseract must be loaded before usearch in a process: usearch's extension links its own copy of the C++ standard
# library statically, whose "unique" symbols (locale facets) then take precedence, and a libtesseract loaded after it
# cannot parse its own models ("unicharset.cpp:843 failed", "Failed to init API"). The extraction workers import the
# main module of the indexer (the CLI, the app: this module among others) before they run OCR page jobs.
# tests/ingest/ocr/test_ocr_engine.py checks it in a fresh process. (isort keeps this import before usearch's.)
import tesserocr  # noqa: F401
from usearch.index import Index

from arbiter_desktop.embedding.base import ModelIdentity
from arbiter_desktop.stores.damage import VECTORS, Damage, StoreDamaged

log = logging.getLogger(__name__)

META = "meta.json"
BINARY = "binary.usearch"
# The row files: name → (dtype, values per row); meta.json's "dim" is the width of int8.bin.
ROW_FILES = {"keys.bin": (np.int64, 1), "scales.bin": (np.float32, 1), "int8.bin": (np.int8, 0)}
# Sign bits are taken after subtracting the mean vector: embedding models put most vectors in a narrow cone,
# where raw signs barely differ from one vector to the next. The mean follows the corpus until the store
# holds this many rows, then stays fixed (the binary index is rebuilt from the int8 rows when it moves).
CENTER_FREEZE_ROWS = 10_000
LAYOUT = "rows"  # meta.json "binary": the binary index is keyed by row number (older stores: by chunk id)
# Graph links of the binary index: an exact scan (the default search) does not use them, and few links make adds
# cheap: 25 µs a vector instead of 3 ms with usearch's defaults (16 links, 128 candidates per add), measured on
# 100,000 sign vectors of 768 bits on one core, the exact top 1 found alike. A store for graph searches (the
# ``hnsw`` setting, for very large cases) is built with the defaults.
SCAN_LINKS = (2, 1)  # (connectivity, expansion_add)
GRAPH_LINKS = (16, 128)
REBUILD_BLOCK = 50_000  # rows dequantised at a time when the binary index is rebuilt


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


def _new_index(dim: int, graph: bool) -> Index:
    connectivity, expansion = GRAPH_LINKS if graph else SCAN_LINKS
    return Index(ndim=dim, metric="hamming", dtype="b1", connectivity=connectivity, expansion_add=expansion)


class VectorStore:
    def __init__(self, directory: Path, identity: ModelIdentity, graph: bool = False) -> None:
        """The store of ``identity``'s vectors in ``directory``. ``graph``: build the binary index for graph
        searches (see GRAPH_LINKS) when it is (re)built; an existing index keeps the links it was built with."""
        self.directory = directory
        self.identity = identity
        self.dim = identity.dim
        self.graph = graph
        directory.mkdir(parents=True, exist_ok=True)
        meta = read_meta(directory)
        layout = LAYOUT
        if meta is not None:
            if meta["sha256"] != identity.sha256 or int(meta["dim"]) != identity.dim:
                raise VectorStoreError(
                    f"{directory} holds vectors of another model ({meta.get('name')}); they are never mixed"
                )
            problem = files_problem(directory, meta)
            if problem:
                raise StoreDamaged(Damage(VECTORS, directory, problem))
            self.rows = int(meta["rows"])
            self.live = int(meta.get("live", -1))
            self.generation = int(meta.get("generation", 0))  # the catalog generation it was saved at
            self.center = np.asarray(meta.get("center") or np.zeros(self.dim), dtype=np.float32)
            layout = str(meta.get("binary", ""))
        else:
            self.rows = self.live = self.generation = 0
            self.center = np.zeros(self.dim, dtype=np.float32)
        self._keys = self._read("keys.bin", np.int64, 1)
        self._scales = self._read("scales.bin", np.float32, 1)
        self._int8 = self._read("int8.bin", np.int8, self.dim)
        self._row_of: dict[int, int] | None = None  # chunk id → row: built by the first change (writers only)
        self._writable = False
        self._pending: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int8], npt.NDArray[np.float32]]] = []
        self._index = self._open_binary(layout)

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

    def _open_binary(self, layout: str) -> Index:
        """The binary index as a memory-mapped view (rebuilt in memory when it cannot serve)."""
        binary = self.directory / BINARY
        if not self.rows:
            self._writable = True
            return _new_index(self.dim, self.graph)
        if layout == LAYOUT and binary.exists():
            try:
                view = Index.restore(str(binary), view=True)
            except (RuntimeError, ValueError, OSError) as exc:  # derived from the int8 rows: rebuild it
                log.warning("%s cannot be loaded (%s): rebuilt from the int8 rows", binary, exc)
            else:
                if view is not None and view.ndim == self.dim and (self.live < 0 or len(view) >= self.live):
                    return view
                log.warning("%s does not match the rows of meta.json: rebuilt from the int8 rows", binary)
        elif layout != LAYOUT:
            log.warning(
                "%s: binary index of an older layout, rebuilt from the int8 rows (saved at the next save)", binary
            )
        self._writable = True
        return self._rebuilt()

    def _live_rows(self) -> npt.NDArray[np.int64]:
        return np.nonzero(np.asarray(self._keys) >= 0)[0].astype(np.int64)

    def _rebuilt(self) -> Index:
        """A binary index of every live row, from the int8 rows, centred on the current mean."""
        index = _new_index(self.dim, self.graph)
        live = self._live_rows()
        for start in range(0, len(live), REBUILD_BLOCK):
            rows = live[start : start + REBUILD_BLOCK]
            vectors = np.asarray(self._int8[rows], dtype=np.float32) * np.asarray(self._scales[rows])[:, None]
            index.add(rows.astype(np.uint64), sign_bits(vectors - self.center))
        return index

    def _rows(self) -> dict[int, int]:
        """The chunk id → row map, checked for duplicates (built once, by a writer: O(rows))."""
        if self._row_of is None:
            keys = np.asarray(self._keys)
            live = keys[keys >= 0]
            if len(np.unique(live)) != len(live):
                raise StoreDamaged(Damage(VECTORS, self.directory, "keys.bin names a chunk twice"))
            self._row_of = {int(k): i for i, k in enumerate(keys.tolist()) if k >= 0}
        return self._row_of

    def _matches_rows(self, index: Index, row_of: dict[int, int]) -> bool:
        """Whether a loaded binary index holds exactly the live rows meta.json counts. The binary index is saved
        before meta.json: a save killed between the two leaves rows (new ones, or removed ones) that a writer
        would otherwise add twice or keep."""
        if len(index) != len(row_of):
            return False
        if not len(index):
            return True
        keys = np.asarray(index.keys, dtype=np.int64)
        return int(keys.max()) < self.rows and bool(np.all(np.asarray(self._keys)[keys] >= 0))

    def _make_writable(self) -> dict[int, int]:
        """Before the first change: the chunk id → row map and the binary index in memory."""
        row_of = self._rows()
        if not self._writable:
            loaded = Index.restore(str(self.directory / BINARY), view=False)
            if loaded is None or not self._matches_rows(loaded, row_of):
                if loaded is not None:
                    log.warning(
                        "%s holds rows meta.json does not count (a save killed before its commit): "
                        "rebuilt from the int8 rows",
                        self.directory / BINARY,
                    )
                loaded = self._rebuilt()
            self._index = loaded
            self._writable = True
        return row_of

    # --- writing ------------------------------------------------------------------------------------------
    def add(self, chunk_ids: Sequence[int], vectors: npt.NDArray[np.float32]) -> None:
        if vectors.shape != (len(chunk_ids), self.dim):
            raise ValueError(f"expected {len(chunk_ids)} vectors of dimension {self.dim}, got {vectors.shape}")
        row_of = self._make_writable()
        existing = [c for c in chunk_ids if c in row_of]
        if existing:
            self.remove(existing)
        keys = np.asarray(chunk_ids, dtype=np.int64)
        q, scales = quantize(vectors)
        base = self.rows + sum(len(p[0]) for p in self._pending)
        rows = np.arange(base, base + len(keys), dtype=np.uint64)
        self._index.add(rows, sign_bits(vectors - self.center))
        for offset, key in enumerate(keys.tolist()):
            row_of[int(key)] = base + offset
        self._pending.append((keys, q, scales))

    def remove(self, chunk_ids: Iterable[int]) -> int:
        row_of = self._make_writable()
        removed = 0
        keys = np.array(self._keys, dtype=np.int64, copy=True)
        for chunk_id in chunk_ids:
            row = row_of.pop(int(chunk_id), None)
            if row is None:
                continue
            if row < len(keys):
                keys[row] = -1
            else:  # still pending
                for pending_keys, _, _ in self._pending:
                    pending_keys[pending_keys == chunk_id] = -1
            self._index.remove(row)
            removed += 1
        if removed:
            self._keys = keys
        return removed

    def save(self, generation: int) -> None:
        """Make every change durable; ``meta.json`` is renamed last and is the commit point."""
        if not self._writable:  # nothing changed
            return
        row_of = self._make_writable()
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
            live = self._live_rows()
            if len(live):
                vectors = np.asarray(self._int8[live], dtype=np.float32) * np.asarray(self._scales[live])[:, None]
                self.center = vectors.mean(axis=0).astype(np.float32)
                self._index = self._rebuilt()
        tmp = self.directory / (BINARY + ".tmp")
        self._index.save(str(tmp))
        os.replace(tmp, self.directory / BINARY)
        self.live = len(row_of)
        meta = {
            "name": self.identity.name,
            "family": self.identity.family,
            "sha256": self.identity.sha256,
            "dim": self.dim,
            "rows": rows,
            "live": self.live,
            "generation": generation,
            "binary": LAYOUT,
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
        """Live vectors (those of chunks still in the case)."""
        return len(self._row_of) if self._row_of is not None else len(self._index)

    def keys(self) -> set[int]:
        """Chunk ids that have a vector (a writer's question: builds the map of rows)."""
        return set(self._rows())

    def search(
        self, query: npt.NDArray[np.float32], k: int, candidates: int = 400, exact: bool = True
    ) -> list[tuple[int, float]]:
        """(chunk id, cosine estimate) of the best ``k`` chunks: binary top-``candidates`` → int8 rescoring.

        ``exact`` scans every sign vector (hamming); otherwise usearch's HNSW graph finds the candidates."""
        if self._pending:
            raise RuntimeError("save() the vector store before searching it")
        live = len(self)
        if not live:
            return []
        count = min(max(k, candidates), live)
        matches = self._index.search(sign_bits(query[None, :] - self.center)[0], count, exact=exact)
        rows = np.asarray(matches.keys, dtype=np.int64)
        rows = rows[rows < self.rows]  # a binary index saved after the meta.json this store read
        if not len(rows):
            return []
        rows.sort()  # memory-mapped rows read in file order
        chunk_ids = np.asarray(self._keys[rows], dtype=np.int64)
        kept = chunk_ids >= 0
        rows, chunk_ids = rows[kept], chunk_ids[kept]
        scores = (np.asarray(self._int8[rows], dtype=np.float32) @ query) * np.asarray(self._scales[rows])
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(chunk_ids[i]), float(scores[i])) for i in order]

    def scores(self, query: npt.NDArray[np.float32], chunk_ids: Sequence[int]) -> dict[int, float]:
        """Cosine estimates (int8 rows) of the given chunks that have a vector (one pass over the keys: a reader
        builds no chunk → row map)."""
        if not chunk_ids or self._pending or not self.rows:
            return {}
        keys = np.asarray(self._keys[: self.rows], dtype=np.int64)
        rows = np.nonzero(np.isin(keys, np.asarray(list(chunk_ids), dtype=np.int64)))[0]
        if not len(rows):
            return {}
        values = (np.asarray(self._int8[rows], dtype=np.float32) @ query) * np.asarray(self._scales[rows])
        return {int(keys[r]): float(v) for r, v in zip(rows.tolist(), values.tolist(), strict=True)}

    def exact_search(self, query: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        """Rescoring of every live vector (the int8 ceiling of :meth:`search`, for measurements)."""
        live = self._live_rows()
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
        (directory / BINARY).unlink(missing_ok=True)
        tmp = directory / (META + ".tmp")
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(tmp, directory / META)
    return kept, recorded - kept


def vectors_root(case_dir: Path) -> Path:
    return case_dir / "vectors"


def model_folders(case_dir: Path) -> list[Path]:
    root = vectors_root(case_dir)
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []


def open_vector_store(case_dir: Path, identity: ModelIdentity, graph: bool = False) -> VectorStore:
    """The case's vector store for this model; vectors of another model are refused, never mixed. ``graph``: an
    index built for graph searches, for the ``hnsw`` setting (see :class:`VectorStore`)."""
    root = vectors_root(case_dir)
    others = [p.name for p in root.iterdir() if p.is_dir() and p.name != identity.key] if root.exists() else []
    if others:
        raise VectorStoreError(
            f"this case holds vectors of another embedding model ({', '.join(others)}); re-embedding the case "
            "with the new model can take hours: confirm it with `arbiter index --reembed`, or select the "
            "previous model again"
        )
    return VectorStore(root / identity.key, identity, graph)


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
