"""Content analysis of a document at indexing time: its entities and its near-duplicate signature.

:func:`analyse_document` is the one call made wherever a document's text is recorded or replaced (the indexing
job after extraction; the OCR phase when it replaces a scanned document's text), inside the transaction that
records the text. :func:`analyse_backlog` analyses documents recorded before this analysis existed (or by an
older version of it), so an existing case gains its entity index at its next indexing run; the indexing job then
sends those documents to the full-text index again, whose entity field is derived by the same recognisers.
"""

from __future__ import annotations

from collections.abc import Callable

from arbiter_desktop.chunking.derived import TextAnalysis, analyse_text
from arbiter_desktop.stores import analysis
from arbiter_desktop.stores.catalog import Catalog

BACKLOG_BATCH = 200  # documents analysed per transaction when catching up


def analyse_document(catalog: Catalog, document_id: int, text: str, found: TextAnalysis | None = None) -> None:
    """Record ``text``'s entities and MinHash signature for ``document_id`` (in the caller's transaction);
    ``found``: the analysis an extraction worker already made of ``text``."""
    analysis.record(catalog, document_id, text, found if found is not None else analyse_text(text))


def analyse_backlog(catalog: Catalog, analysed: Callable[[list[int]], None] | None = None) -> int:
    """Analyse every document that lacks the current analysis; the number analysed. ``analysed`` is called with
    each batch of documents once its analysis is committed."""
    done = 0
    while True:
        with catalog.transaction():
            pending = analysis.unanalysed(catalog, BACKLOG_BATCH)
            for document_id in pending:
                row = catalog.document(document_id)
                if row is not None:
                    analyse_document(catalog, document_id, row.text)
        if pending and analysed is not None:
            analysed(pending)
        done += len(pending)
        if len(pending) < BACKLOG_BATCH:
            return done
