"""Phase 1c: the person and place names of the case's documents (entities/names.py), after their text is
searchable by words (and their scanned pages recognised), before the semantic layer.

Resumable: each batch of documents is committed with its names and the version of the rules it was read with
(``document_names``); a stopped or killed run goes on with the documents not yet read, and documents whose text
changes (OCR, a new version of the file) are read again. A badly recognised document is read in its reading (the
case's spelling of its damaged words, noisytext.py): "Martlgues" is the place Martigues, written so there. Once
every document is read, the readings of one-word names are made to agree across the case
(``analysis.settle_names``: "Vitrolles", a place in most documents, is not a person in the others). Without the
model (a source installation without spaCy's French model) the phase says so once in the log and leaves the
documents for a later run.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from arbiter_desktop.entities import Entity
from arbiter_desktop.entities.names import VERSION, NameFinder, NamesUnavailable
from arbiter_desktop.noisytext import read_with_offsets
from arbiter_desktop.stores import analysis
from arbiter_desktop.stores.case import Case

log = logging.getLogger(__name__)

BATCH_DOCUMENTS = 32  # documents read and committed together (a kill loses at most one batch)
BATCH_CHARS = 400_000  # ... or fewer when they are long


@dataclass
class NamesOutcome:
    documents: int = 0  # documents read
    names: int = 0  # names found in them
    settled: int = 0  # documents' one-word names given the type the case reads them as (analysis.settle_names)
    seconds: float = 0.0
    unavailable: str = ""  # why the phase could not run ('' when it ran)


def _as_written(name: Entity, where: list[int]) -> Entity:
    """A name found in a document's reading, at its place in the text as written ("Martigues" read where the scan
    says "Martlgues": the place Martigues, written "Martlgues" there)."""
    start, end = where[name.start], where[name.end - 1] + 1 if name.end > name.start else where[name.start]
    return dataclasses.replace(name, start=start, end=end)


class NamesPhase:
    def __init__(
        self,
        case: Case,
        checkpoint: Callable[[], bool],
        emit: Callable[[int, int], None],
        finder: NameFinder | None = None,
    ) -> None:
        """``checkpoint()`` is asked before each batch (True: stop); ``emit(done, total)`` after each."""
        self.case = case
        self.checkpoint = checkpoint
        self.emit = emit
        self.finder = finder if finder is not None else NameFinder()

    def run(self) -> tuple[NamesOutcome, bool]:
        """(what was done, whether the phase was stopped before the end)."""
        outcome = NamesOutcome()
        catalog = self.case.catalog
        total = len(analysis.unnamed(catalog, VERSION, limit=-1))
        if not total:
            return outcome, False
        started = time.monotonic()
        after = 0
        try:
            while True:
                if self.checkpoint():
                    return outcome, True
                ids = analysis.unnamed(catalog, VERSION, limit=BATCH_DOCUMENTS, after=after)
                if not ids:
                    break
                texts: list[tuple[int, str]] = []
                chars = 0
                for document_id in ids:
                    row = catalog.document(document_id)
                    texts.append((document_id, row.text if row is not None else ""))
                    chars += len(texts[-1][1])
                    if chars >= BATCH_CHARS:
                        break
                fixes = analysis.readings(catalog, [i for i, _ in texts])  # only badly recognised documents
                read = {i: read_with_offsets(text, fixes[i]) for i, text in texts if i in fixes}
                found = self.finder.find([read[i][0] if i in read else text for i, text in texts])
                with catalog.transaction():
                    for (document_id, text), names in zip(texts, found, strict=True):
                        if document_id in read:
                            names = [_as_written(name, read[document_id][1]) for name in names]
                        analysis.record_names(catalog, document_id, text, names, VERSION)
                        outcome.names += len(names)
                outcome.documents += len(texts)
                after = texts[-1][0]
                self.emit(outcome.documents, total)
            with catalog.transaction():  # the whole case read: its one-word names made to agree
                outcome.settled = analysis.settle_names(catalog)
        except NamesUnavailable as exc:
            log.warning("person and place names not read: %s", exc)
            outcome.unavailable = str(exc)
        finally:
            outcome.seconds = time.monotonic() - started
        return outcome, False
