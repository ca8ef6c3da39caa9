"""Damage found in a case's stores: what is wrong, where, and whether it can be rebuilt from the catalog.

The catalog (SQLite) is the case's record: sources, files, fingerprints, documents with their text, chunks.
The full-text index and the vectors are derived from it, so they can be rebuilt without reading the sources
again (the vectors by running the embedding model again on the chunks that lost theirs). A damaged catalog
cannot be rebuilt from the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CATALOG = "catalog"
LEXICAL = "full-text index"
VECTORS = "vectors"


@dataclass(frozen=True, slots=True)
class Damage:
    store: str  # CATALOG, LEXICAL or VECTORS
    path: Path  # the damaged file or folder
    problem: str  # what is wrong, in words

    @property
    def repairable(self) -> bool:
        return self.store != CATALOG

    def describe(self) -> str:
        return f"{self.store} ({self.path}): {self.problem}"


class StoreDamaged(Exception):
    """A store found damaged while it was being opened or read."""

    def __init__(self, damage: Damage) -> None:
        super().__init__(damage.describe())
        self.damage = damage
