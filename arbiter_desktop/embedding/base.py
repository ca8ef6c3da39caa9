"""What the engine needs from an embedder, and a deterministic stand-in for tests."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ModelIdentity:
    """Which model made a set of vectors: vectors of two identities are never mixed."""

    name: str
    family: str
    dim: int
    sha256: str
    path: str

    @property
    def key(self) -> str:
        """A short stable key for folder names: the family and the start of the file's SHA-256."""
        return f"{re.sub(r'[^a-z0-9]+', '-', self.family.lower())}-{self.sha256[:12]}"


class Embedder(Protocol):
    identity: ModelIdentity

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        """L2-normalised vectors, one row per text, with the model's document prompt."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """L2-normalised vectors, one row per query, with the model's query prompt."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class ThreadedEmbedder(Protocol):
    """An embedder whose number of CPU threads can change between calls (indexing uses the indexing cores)."""

    def set_threads(self, threads: int) -> None: ...


class HashingEmbedder:
    """A deterministic embedder for tests: folded words and character trigrams hashed into ``dim`` buckets.

    It knows nothing of meaning, only of shared words and word pieces; it proves the wiring (batching,
    storage, rescoring, fusion) without a model file.
    """

    def __init__(self, dim: int = 256) -> None:
        digest = hashlib.sha256(f"hashing-{dim}".encode()).hexdigest()
        self.identity = ModelIdentity(f"hashing-{dim}", "hashing", dim, digest, "")

    def _one(self, text: str) -> npt.NDArray[np.float32]:
        vec = np.zeros(self.identity.dim, dtype=np.float32)
        folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
        for word in re.findall(r"\w+", folded):
            grams = [word] + [word[i : i + 3] for i in range(max(1, len(word) - 2))]
            for gram in grams:
                digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.identity.dim
                sign = 1.0 if digest[4] & 1 else -1.0
                vec[bucket] += sign * (2.0 if gram == word else 1.0)
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm > 0 else vec

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self.identity.dim), np.float32)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.embed_documents(texts, [""] * len(texts))

    def close(self) -> None:
        pass
