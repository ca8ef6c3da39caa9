"""What the embedding model reads for each chunk: the chunk with its document's context, or its whole document.

Two ways, chosen by the settings, both called once per batch by the indexer's embedding loop:

- **Document context** (``embed_document_context``): EmbeddingGemma reads a document chunk as
  "title: {title} | text: {chunk}". Most case files declare no title (scans, text files, most PDFs), and a chunk
  from the middle of a statement then reads as "title: none". Such a chunk is given its document's context: the
  first line of the document (its heading: "PROCÈS-VERBAL D'AUDITION DE TÉMOIN", "Compte rendu d'intervention…")
  and, when it says something, the file name. A document's first chunk already begins with that heading, so it
  is left as it is.
- **Late chunking** (``late_chunking``, embedding/late.py): the whole document is embedded once and each chunk is
  pooled from its tokens, which have seen the whole document.

In the first way, a chunk of a badly recognised document is read as its reading gives it (its damaged words in the
case's usual spelling, noisytext.py); late chunking reads the recognised text (its chunk spans are places in it).
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import Chunk
from arbiter_desktop.embedding.base import Embedder, Vectors
from arbiter_desktop.embedding.late import FAMILIES, LateChunker
from arbiter_desktop.noisytext import read_with
from arbiter_desktop.stores import analysis
from arbiter_desktop.stores.catalog import Catalog

log = logging.getLogger(__name__)

CONTEXT_CHARS = 120  # longest context given in the title slot
_WORDS = re.compile(r"[^\W\d_]{3,}")
_SEPARATORS = re.compile(r"[_\-.]+")


def first_line(text: str) -> str:
    """The document's first non-empty line, cut at a word boundary within CONTEXT_CHARS."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            if len(line) <= CONTEXT_CHARS:
                return line
            cut = line.rfind(" ", 0, CONTEXT_CHARS)
            return line[: cut if cut > 0 else CONTEXT_CHARS]
    return ""


def file_label(path: str) -> str:
    """The file name as words when it says something ("2024-03-14_PV_audition_MEZIANE.pdf" → "2024 03 14 PV
    audition MEZIANE"); empty for a name without two words ("scan0001.pdf", "000012_dev-d013.txt")."""
    stem = Path(path).stem
    words = _SEPARATORS.sub(" ", stem).split()
    return " ".join(words) if len(_WORDS.findall(stem)) >= 2 else ""


def document_context(title: str, path: str, text: str) -> str:
    """The context of a chunk that does not start its document: the declared title, else the file name (when it
    says something) and the first line."""
    if title.strip():
        return title.strip()
    parts = [p for p in (file_label(path), first_line(text)) if p]
    return " — ".join(dict.fromkeys(parts))


class LateModel(Protocol):
    def embed(self, text: str, spans: Sequence[tuple[int, int]], title: str = "") -> Vectors: ...

    def close(self) -> None: ...


KEPT_DOCUMENTS = 16  # documents whose chunk vectors are kept between batches (a batch may cut a document)


class PassageVectors:
    """Vectors for batches of chunks, as the settings say the model should read them."""

    def __init__(self, embedder: Embedder, catalog: Catalog, settings: Settings) -> None:
        self.embedder = embedder
        self.catalog = catalog
        self.context = settings.embed_document_context
        self.late: LateModel | None = None
        self._kept: OrderedDict[int, dict[int, np.ndarray[Any, np.dtype[np.float32]]]] = OrderedDict()
        if settings.late_chunking:
            self.late = _late_model(embedder, settings)

    def vectors(self, batch: Sequence[tuple[int, str, str]]) -> Vectors:
        """One vector per (chunk id, text, declared title) of ``batch``, in order."""
        if self.late is not None:
            return self._late(batch)
        chunks = self.catalog.chunks([c for c, _, _ in batch], with_text=False)
        batch = self._read(batch, chunks)
        if not self.context:
            return self.embedder.embed_documents([t for _, t, _ in batch], [title for _, _, title in batch])
        titles: list[str] = []
        contexts: dict[int, str] = {}
        for chunk_id, _, title in batch:
            chunk = chunks.get(chunk_id)
            if chunk is None or chunk.ordinal == 0 or title.strip():
                titles.append(title)
                continue
            if chunk.document_id not in contexts:
                contexts[chunk.document_id] = self._context(chunk.document_id)
            titles.append(contexts[chunk.document_id])
        return self.embedder.embed_documents([t for _, t, _ in batch], titles)

    def _read(self, batch: Sequence[tuple[int, str, str]], chunks: dict[int, Chunk]) -> list[tuple[int, str, str]]:
        """The batch with each chunk of a badly recognised document as its reading gives it (noisytext.py)."""
        documents = {chunk.document_id for chunk in chunks.values()}
        readings = analysis.readings(self.catalog, sorted(documents)) if documents else {}
        if not readings:
            return list(batch)
        read: list[tuple[int, str, str]] = []
        for chunk_id, text, title in batch:
            chunk = chunks.get(chunk_id)
            fixes = readings.get(chunk.document_id, {}) if chunk is not None else {}
            read.append((chunk_id, read_with(text, fixes), title))
        return read

    def _context(self, document_id: int) -> str:
        row = self.catalog.document(document_id)
        if row is None:
            return ""
        metas = self.catalog.documents_meta([document_id])
        paths = metas[document_id].paths if document_id in metas else ()
        return document_context(row.title, paths[0] if paths else "", row.text)

    def _late(self, batch: Sequence[tuple[int, str, str]]) -> Vectors:
        assert self.late is not None
        chunks = self.catalog.chunks([c for c, _, _ in batch])
        out = np.zeros((len(batch), self.embedder.identity.dim), dtype=np.float32)
        for row, (chunk_id, text, title) in enumerate(batch):
            chunk = chunks.get(chunk_id)
            if chunk is None:  # removed meanwhile: embedded alone, it is dropped at the next sync
                out[row] = self.embedder.embed_documents([text], [title])[0]
                continue
            vectors = self._kept.get(chunk.document_id)
            if vectors is None or chunk_id not in vectors:
                vectors = self._document(chunk.document_id)
            found = vectors.get(chunk_id)
            out[row] = found if found is not None else self.embedder.embed_documents([text], [title])[0]
        return out

    def _document(self, document_id: int) -> dict[int, np.ndarray[Any, np.dtype[np.float32]]]:
        assert self.late is not None
        row = self.catalog.document(document_id)
        chunks = self.catalog.chunks_of(document_id)
        if row is None or not chunks:
            return {}
        vectors = self.late.embed(row.text, [(c.start, c.end) for c in chunks], row.title)
        found = {c.id: vectors[i] for i, c in enumerate(chunks)}
        self._kept[document_id] = found
        while len(self._kept) > KEPT_DOCUMENTS:
            self._kept.popitem(last=False)
        return found

    def close(self) -> None:
        if self.late is not None:
            self.late.close()


def _late_model(embedder: Embedder, settings: Settings) -> LateModel | None:
    """The embedder's late-chunking model, or None (with a warning) when its family has none."""
    make = getattr(embedder, "late_chunker", None)
    if make is not None:
        late: LateModel | None = make(settings.embed_threads)
        return late
    profile = getattr(embedder, "profile", None)
    path = embedder.identity.path
    if profile is None or profile.family not in FAMILIES or not path:
        log.warning("late chunking is not available for %s: chunks are embedded one by one", embedder.identity.name)
        return None
    return LateChunker(Path(path), profile, threads=settings.embed_threads)
