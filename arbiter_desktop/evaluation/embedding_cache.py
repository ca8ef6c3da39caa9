"""An embedding cache for evaluation runs: the same text embedded by the same model is read back, not recomputed.

Evaluating EmbeddingGemma on piaf_v1.1 embeds 1,518 passages (30–60 minutes on two cores); a second evaluation of
the same set with another fusion or another reranker needs the very same vectors. The cache is keyed by the
model file's SHA-256 and the exact text the model reads (the query or document prompt included), so a change of
prompt, of document context or of chunking embeds the changed texts again and nothing else.

Only evaluation uses it (``arbiter eval``, the benchmarks): the application itself never stores vectors outside a
case. One SQLite file per model in the user's cache folder.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from arbiter_desktop.embedding.base import Embedder, ModelIdentity, Vectors

DEFAULT_CONTEXT = 512  # the embedding context (tokens) of the default settings


def default_cache_dir() -> Path:
    """``$ARBITER_EVAL_CACHE``, else ``~/.cache/arbiter-desktop/eval-embeddings``."""
    override = os.environ.get("ARBITER_EVAL_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "arbiter-desktop" / "eval-embeddings"


class VectorCache:
    """Vectors by (model, exact text), in one SQLite file per model."""

    def __init__(self, directory: Path, identity: ModelIdentity) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{identity.sha256}.sqlite"
        self.dim = identity.dim
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, dim INTEGER, vector BLOB)")
        self._db.commit()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8")).digest()

    def get_many(self, texts: Sequence[str]) -> list[np.ndarray[Any, np.dtype[np.float32]] | None]:
        found: list[np.ndarray[Any, np.dtype[np.float32]] | None] = []
        with self._lock:
            for text in texts:
                row = self._db.execute("SELECT dim, vector FROM vectors WHERE key=?", (self.key(text),)).fetchone()
                if row is None or int(row[0]) != self.dim:
                    found.append(None)
                else:
                    found.append(np.frombuffer(row[1], dtype=np.float32).copy())
        return found

    def put_many(self, texts: Sequence[str], vectors: Vectors) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [
                    (self.key(t), self.dim, np.asarray(v, dtype=np.float32).tobytes())
                    for t, v in zip(texts, vectors, strict=True)
                ],
            )
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()


class CachedEmbedder:
    """An embedder that looks each text up in a :class:`VectorCache` before asking the model.

    The key is the text as the model reads it: the inner embedder's ``prompt_document`` / ``prompt_query`` when
    it has them (GgufEmbedder: the model's own prompts, title included), otherwise the kind, title and text.
    Any other method (late chunking, token counts) is passed through to the inner embedder."""

    def __init__(self, inner: Embedder, directory: Path | None = None) -> None:
        self.inner = inner
        self.identity = inner.identity
        self.cache = VectorCache(directory or default_cache_dir(), inner.identity)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _cached(self, keys: Sequence[str], compute: Callable[[list[int]], Vectors]) -> Vectors:
        rows = self.cache.get_many(keys)
        missing = [i for i, row in enumerate(rows) if row is None]
        self.cache.hits += len(keys) - len(missing)
        self.cache.misses += len(missing)
        if missing:
            computed = compute(missing)
            self.cache.put_many([keys[i] for i in missing], computed)
            for i, vector in zip(missing, computed, strict=True):
                rows[i] = vector
        if not rows:
            return np.zeros((0, self.identity.dim), dtype=np.float32)
        return np.stack([r for r in rows if r is not None]).astype(np.float32)

    def _key(self, text: str) -> str:
        """The text read by the model, and its context when another than the default 512 tokens cuts it
        differently (a text of at most 512 tokens reads the same under any larger context)."""
        n_ctx = getattr(self.inner, "n_ctx", DEFAULT_CONTEXT)
        if n_ctx == DEFAULT_CONTEXT:
            return text
        count = getattr(self.inner, "count_tokens", None)
        if count is not None and n_ctx > DEFAULT_CONTEXT and count(text) <= DEFAULT_CONTEXT:
            return text
        return f"{text}\x00n_ctx={n_ctx}"

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        prompt = getattr(self.inner, "prompt_document", None)
        keys = [
            self._key(prompt(t, title) if prompt is not None else f"document\x00{title}\x00{t}")
            for t, title in zip(texts, titles, strict=True)
        ]
        return self._cached(
            keys, lambda idx: self.inner.embed_documents([texts[i] for i in idx], [titles[i] for i in idx])
        )

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        prompt = getattr(self.inner, "prompt_query", None)
        keys = [self._key(prompt(t) if prompt is not None else f"query\x00{t}") for t in texts]
        return self._cached(keys, lambda idx: self.inner.embed_queries([texts[i] for i in idx]))

    def late_chunker(self, threads: int) -> CachedLateChunker | None:
        """A late-chunking model for this embedder whose chunk vectors go through the cache too (None when the
        model's family has none)."""
        from arbiter_desktop.embedding.late import FAMILIES, LateChunker

        profile = getattr(self.inner, "profile", None)
        if profile is None or profile.family not in FAMILIES or not self.identity.path:
            return None
        return CachedLateChunker(lambda: LateChunker(Path(self.identity.path), profile, threads=threads), self.cache)

    def close(self) -> None:
        self.cache.close()
        self.inner.close()


class CachedLateChunker:
    """Late chunking through the cache: a document's chunk vectors are keyed by its title, text and chunk spans
    (the model is loaded at the first document not found)."""

    def __init__(self, make: Callable[[], Any], cache: VectorCache) -> None:
        self._make = make
        self._model: Any = None
        self.cache = cache

    def embed(self, text: str, spans: Sequence[tuple[int, int]], title: str = "") -> Vectors:
        document = hashlib.sha256(f"late\x00{LATE_VERSION}\x00{title}\x00{text}".encode()).hexdigest()
        keys = [f"late\x00{document}\x00{a}:{b}" for a, b in spans]
        rows = self.cache.get_many(keys)
        if all(r is not None for r in rows):
            self.cache.hits += len(keys)
            return np.stack([r for r in rows if r is not None]).astype(np.float32)
        if self._model is None:
            self._model = self._make()
        vectors: Vectors = self._model.embed(text, spans, title)
        self.cache.misses += len(keys)
        self.cache.put_many(keys, vectors)
        return vectors

    def close(self) -> None:
        if self._model is not None:
            self._model.close()


LATE_VERSION = 1  # bump when embedding/late.py changes what a chunk's vector is
