"""Phase 2: the semantic layer, filled in the order that helps the user.

Chunks without a vector are embedded in batches of whole documents, each batch about a second long so that
pause, cancel and a search that wants the cores (a check at each batch boundary, :meth:`JobControl.checkpoint`)
answer at once. What comes first is what the investigator is looking at: the window notes, in a small file of
the case folder (:data:`PRIORITY_FILE`), the documents that matched its recent searches and the folder it shows;
the indexer reads that file between batches (only when it changed) and embeds those documents before the rest,
which goes in catalog order. A missing, stale or damaged priority file only means catalog order.

One call embeds a batch (:meth:`SemanticFill.embed_batch`): the document title goes with each chunk, as the
embedding model's document prompt wants it; a richer document context or late chunking replaces that call.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from arbiter_desktop.embedding.base import Embedder, Vectors
from arbiter_desktop.indexing.eta import SemanticEta
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.vectors import VectorStore

PRIORITY_FILE = "semantic.priority.json"
PRIORITY_MAX_AGE_S = 24 * 3600.0  # an older note no longer says what the user looks at
PRIORITY_MAX_DOCUMENTS = 2000
EMBED_BATCH_S = 1.0  # target duration of one embedding batch
# Chunks per lane in a batch shared by several (embedding/pool.py). EmbeddingGemma, 2 lanes of one thread, 120
# chunks of the benchmark folder: 4.92 chunks/s in one batch, 4.64 in batches of 2 per lane, 4.94 of 4 per lane
# (one model with both threads: 4.20). Batches then last longer than EMBED_BATCH_S with a slow model (~2.5 s):
# pause and cancel wait that long; a search does not (the lanes hold within an operation).
LANE_BATCH_MIN = 4


@dataclass(frozen=True, slots=True)
class Priority:
    """What the user looks at: documents (most wanted first) and folders."""

    documents: tuple[int, ...] = ()
    folders: tuple[str, ...] = ()


def note_priority(case_dir: Path, documents: Sequence[int], folders: Sequence[str] = ()) -> None:
    """Tell the indexer (another process) which documents to embed first: the hits of the latest searches
    (most wanted first) and the folders on screen. Merged with the previous note, the newest first; written
    atomically. Not for the GUI thread: it writes a file."""
    previous = read_priority(case_dir) or Priority()
    merged_documents = list(dict.fromkeys([*documents, *previous.documents]))[:PRIORITY_MAX_DOCUMENTS]
    merged_folders = list(dict.fromkeys([*folders, *previous.folders]))[:20]
    data = {"written": time.time(), "documents": merged_documents, "folders": merged_folders}
    path = case_dir / PRIORITY_FILE
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or vanished case: the order is only a preference


def read_priority(case_dir: Path) -> Priority | None:
    """The note, or None when there is none, it is older than PRIORITY_MAX_AGE_S or it cannot be read."""
    try:
        data = json.loads((case_dir / PRIORITY_FILE).read_text(encoding="utf-8"))
        if time.time() - float(data["written"]) > PRIORITY_MAX_AGE_S:
            return None
        documents = tuple(int(d) for d in data.get("documents", []))
        folders = tuple(str(f) for f in data.get("folders", []))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return Priority(documents, folders)


@dataclass(frozen=True, slots=True)
class ChunkToEmbed:
    id: int
    document_id: int
    text: str
    title: str


class SemanticFill:
    """The embedding loop of one indexing run."""

    def __init__(
        self,
        case: Case,
        embedder: Embedder,
        store: VectorStore,
        eta: SemanticEta,
        checkpoint: Callable[[], bool],
        on_batch: Callable[[int, int, float | None], None],
        vectors: Callable[[Sequence[tuple[int, str, str]]], Vectors] | None = None,
    ) -> None:
        """``checkpoint`` is called before each batch (True: stop); ``on_batch(done, total, seconds_left)``
        after each; ``vectors`` gives the vectors of (chunk id, text, declared title) rows as the settings say the
        model reads them (indexing/passages.py; default: each chunk with its declared title)."""
        self.case = case
        self.embedder = embedder
        self.store = store
        self.eta = eta
        self.checkpoint = checkpoint
        self.on_batch = on_batch
        self.vectors = vectors
        self.embedded = 0
        self.cancelled = False
        self._taken: set[int] = set()  # embedded in this run (flagged in the catalog at the next save)
        self._queue: deque[int] = deque()  # chunks of the documents the user looks at: they come first
        self._priority_seen: float | None = None  # mtime of the note last read
        self._cursor = 0  # catalog order: the next chunk id to look at

    def embed_batch(self, chunks: Sequence[ChunkToEmbed]) -> Vectors:
        """Vectors of a batch (whole documents, in order): the one call that decides what is embedded."""
        if self.vectors is not None:
            return self.vectors([(c.id, c.text, c.title) for c in chunks])
        return self.embedder.embed_documents([c.text for c in chunks], [c.title for c in chunks])

    def run(self, save: Callable[[list[int]], None], save_every_s: float, batch_max: int) -> None:
        catalog = self.case.catalog
        counts = catalog.counts()
        total, done = counts["chunks"], counts["embedded"]
        chars_left = float(catalog.unembedded_chars())
        unsaved: list[int] = []
        last_save = time.monotonic()
        previous = time.monotonic()  # end of the previous batch: the pace counts saves and bookkeeping too
        # Several lanes (embedding/pool.py) share a batch: a whole number of chunks per lane, and at least
        # LANE_BATCH_MIN, so that the lanes seldom wait at the batch's end for one another's last chunk.
        size = self._lanes()
        while True:
            if self.checkpoint():
                self.cancelled = True
                break
            batch = self._next_batch(size)
            if not batch:
                break
            started = time.monotonic()
            vectors = self.embed_batch(batch)
            elapsed = time.monotonic() - started
            chars = sum(len(c.text) for c in batch)
            per_chunk = max(1e-4, elapsed / len(batch))
            size = max(1, min(batch_max, int(EMBED_BATCH_S / per_chunk)))
            lanes = self._lanes()
            if lanes > 1:
                per_lane = round(EMBED_BATCH_S / per_chunk / lanes)
                size = lanes * max(LANE_BATCH_MIN, min(batch_max, per_lane))
            ids = [c.id for c in batch]
            self.store.add(ids, vectors)
            self._taken.update(ids)
            unsaved.extend(ids)
            done += len(ids)
            self.embedded += len(ids)
            chars_left = max(0.0, chars_left - chars)
            if time.monotonic() - last_save > save_every_s:
                save(unsaved)
                unsaved, last_save = [], time.monotonic()
            now = time.monotonic()
            self.eta.measured(chars, now - previous)
            previous = now
            self.on_batch(done, total, self.eta.seconds_for(chars_left))
        if unsaved:
            save(unsaved)
        self.eta.save()

    def _lanes(self) -> int:
        """Models embedding side by side (an :class:`~arbiter_desktop.embedding.pool.EmbeddingPool`'s lanes)."""
        lanes = getattr(self.embedder, "lanes", 1)
        return lanes if isinstance(lanes, int) and lanes > 1 else 1

    # --- what comes next ------------------------------------------------------------------------------------
    def _next_batch(self, size: int) -> list[ChunkToEmbed]:
        """The chunks of the user's documents first, then the others in catalog order."""
        self._read_priority()
        wanted: list[int] = []
        while self._queue and len(wanted) < size:
            chunk_id = self._queue.popleft()
            if chunk_id not in self._taken:
                wanted.append(chunk_id)
        if wanted:
            return [ChunkToEmbed(*row) for row in self.case.catalog.chunks_to_embed(wanted)]
        while True:
            rows = self.case.catalog.unembedded_chunks(size, after=self._cursor)
            if not rows:
                return []
            self._cursor = rows[-1][0]
            batch = [ChunkToEmbed(*row) for row in rows if row[0] not in self._taken]
            if batch:
                return batch

    def _read_priority(self) -> None:
        """Read the user's note again if it changed: the chunks of its documents, then of the documents under
        its folders, go first."""
        path = self.case.directory / PRIORITY_FILE
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return
        if mtime == self._priority_seen:
            return
        self._priority_seen = mtime
        note = read_priority(self.case.directory)
        if note is None:
            return
        catalog = self.case.catalog
        documents = list(note.documents)
        if note.folders:
            documents += catalog.documents_under(note.folders, limit=PRIORITY_MAX_DOCUMENTS)
        chunks = catalog.unembedded_chunk_ids_of(list(dict.fromkeys(documents))[:PRIORITY_MAX_DOCUMENTS])
        self._queue = deque(c for c in chunks if c not in self._taken)
