"""Content analysis of a document at indexing time: its entities and its near-duplicate signature.

:func:`analyse_document` is the one call made wherever a document's text is recorded or replaced (the indexing
job after extraction; the OCR phase when it replaces a scanned document's text), inside the transaction that
records the text. :func:`analyse_backlog` analyses documents recorded before this analysis existed (or by an
older version of it), so an existing case gains its entity index at its next indexing run; those documents are
then sent to the full-text index again, whose entity field is derived by the same recognisers.
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


def analyse_backlog(catalog: Catalog, flush: Callable[[], None] | None = None) -> int:
    """Analyse every document that lacks the current analysis; the number analysed. Each one is pending in the
    same commit (its full-text entries hold the entity keys of the older recognisers), and ``flush()`` — the
    indexing job's, which sends pending documents to the full-text index — is called after each batch; a run
    killed in between sends them at its next start."""
    done = 0
    while True:
        with catalog.transaction():
            pending = analysis.unanalysed(catalog, BACKLOG_BATCH)
            for document_id in pending:
                row = catalog.document(document_id)
                if row is not None:
                    analyse_document(catalog, document_id, row.text)
                    catalog.mark_pending(document_id)
        if pending and flush is not None:
            flush()
        done += len(pending)
        if len(pending) < BACKLOG_BATCH:
            return done
