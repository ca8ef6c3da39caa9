"""A search request's filters (formats, folder, dates, the documents holding an entity), defined once.

The full-text side applies them inside the tantivy query (:meth:`Filters.clauses`); semantic hits, which come
from the vector store, are checked on their document (:meth:`Filters.allows`). Both read the same normalised
values with the same rules — a folder filter keeps the files that have it among their ancestor folders
(:func:`~arbiter_desktop.stores.lexical.folders_of`, what the index records), dates are inclusive and a document
without a date is left out when a date bound is set — so a filter never keeps a hit on one side that it drops on
the other.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from arbiter_desktop.domain import FileKind, SearchRequest
from arbiter_desktop.stores.catalog import DocumentMeta
from arbiter_desktop.stores.lexical import LexicalStore, folders_of


def normalised_folder(folder: str) -> str:
    """A folder filter as the index records folders: no trailing separator, no ``.`` or doubled separators
    ("" when there is no filter, "/" for the root)."""
    return posixpath.normpath(folder.strip()) if folder.strip() else ""


@dataclass(frozen=True, slots=True)
class Filters:
    kinds: tuple[FileKind, ...] = ()
    folder: str = ""  # normalised (see normalised_folder)
    date_from: datetime | None = None  # inclusive
    date_to: datetime | None = None  # inclusive
    documents: frozenset[int] | None = None  # the only documents allowed (an entity filter), None: any

    @classmethod
    def of(cls, request: SearchRequest) -> Filters:
        return cls(request.kinds, normalised_folder(request.path_prefix), request.date_from, request.date_to)

    def __bool__(self) -> bool:
        return bool(self.kinds or self.folder or self.date_from or self.date_to or self.documents is not None)

    def clauses(self, store: LexicalStore) -> list[Any]:
        """The tantivy queries a full-text hit must match."""
        found: list[Any] = []
        if self.kinds:
            found.append(store.any_term("kind", [k.value for k in self.kinds]))
        if self.folder:
            found.append(store.any_term("folder", [self.folder]))
        if self.date_from or self.date_to:
            found.append(store.date_range(self.date_from, self.date_to))
        if self.documents is not None:
            found.append(store.document_filter(sorted(self.documents)))
        return found

    def allows(self, meta: DocumentMeta | None) -> bool:
        """Whether a document passes the filters (None: a document that left the case)."""
        if meta is None:
            return False
        if self.documents is not None and meta.id not in self.documents:
            return False
        if self.kinds and meta.kind not in self.kinds:
            return False
        if self.folder and not any(self.folder in folders_of(p) for p in meta.paths):
            return False
        if self.date_from and (meta.date is None or meta.date < self.date_from):
            return False
        return not (self.date_to and (meta.date is None or meta.date > self.date_to))
