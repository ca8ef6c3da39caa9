from collections.abc import Sequence
from pathlib import Path

import numpy as np

from arbiter_desktop.embedding.base import HashingEmbedder, Vectors
from arbiter_desktop.evaluation.embedding_cache import CachedEmbedder


class Counting(HashingEmbedder):
    """The hashing embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        super().__init__(64)
        self.documents = 0
        self.queries = 0

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        self.documents += len(texts)
        return super().embed_documents([f"{t} {x}" for t, x in zip(titles, texts, strict=True)], titles)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.queries += len(texts)
        return np.stack([self._one(t) for t in texts])


def test_the_same_texts_are_read_back_not_embedded_again(tmp_path: Path) -> None:
    inner = Counting()
    cached = CachedEmbedder(inner, tmp_path)
    first = cached.embed_documents(["garde à vue", "perquisition"], ["PV", "PV"])
    assert inner.documents == 2
    again = CachedEmbedder(inner, tmp_path)  # another process, the same cache folder
    second = again.embed_documents(["perquisition", "garde à vue", "audition"], ["PV", "PV", "PV"])
    assert inner.documents == 3  # only "audition" was new
    assert np.array_equal(second[0], first[1]) and np.array_equal(second[1], first[0])
    assert np.array_equal(second[2], inner.embed_documents(["audition"], ["PV"])[0])
    assert (again.cache.hits, again.cache.misses) == (2, 1)


def test_the_key_is_the_exact_text_read_by_the_model(tmp_path: Path) -> None:
    inner = Counting()
    cached = CachedEmbedder(inner, tmp_path)
    cached.embed_documents(["garde à vue"], ["PV"])
    cached.embed_documents(["garde à vue"], ["Rapport"])  # another title: another text for the model
    cached.embed_queries(["garde à vue"])  # a query is not a document
    assert (inner.documents, inner.queries) == (2, 1)
    cached.embed_queries(["garde à vue"])
    assert inner.queries == 1
