"""Phase 1d: readings of badly recognised documents, with the case's own spelling (noisytext.py).

After the text phase and OCR, the words of the new documents are added to the case's counts; then each document
not yet judged is read against those counts, and one whose words look damaged gets a *reading* — its damaged words
replaced by their usual spelling in the case. The indexing job sends such a document to the full-text index again
(its reading feeds the word fields; what a hit shows stays the recognised text), and the semantic phase embeds its
reading (its earlier vectors are replaced: indexing/job.py).

A document is judged again when the case has at least twice as many words as when it was last judged: a scan
indexed before the rest of its case is read again once the case can spell its words.

Resumable: the counts and each batch's judgements are committed batch by batch; a stopped run goes on with the
documents not yet counted or judged. A document whose reading changed is pending in the same commit, so a run
killed before it reaches the full-text index sends it at the next start.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from arbiter_desktop.noisytext import reading_fixes, word_counts
from arbiter_desktop.stores import analysis
from arbiter_desktop.stores.case import Case

BATCH_DOCUMENTS = 500  # documents counted or judged per transaction


@dataclass
class ReadingOutcome:
    counted: int = 0  # documents whose words were added to the case's counts
    judged: int = 0  # documents read against the counts
    read: int = 0  # documents whose reading changed (sent to the full-text index again)
    seconds: float = 0.0


class ReadingPhase:
    def __init__(
        self,
        case: Case,
        checkpoint: Callable[[], bool],
        flush: Callable[[], None],
        emit: Callable[[int, int], None] = lambda done, total: None,
    ) -> None:
        """``checkpoint()`` is asked before each batch (True: stop); ``flush()`` sends the pending documents to the
        full-text index — those whose reading changed are pending once it is committed; ``emit(done, total)``
        after each batch of documents judged."""
        self.case = case
        self.checkpoint = checkpoint
        self.flush = flush
        self.emit = emit

    def run(self) -> tuple[ReadingOutcome, bool]:
        """(what was done, whether the phase was stopped before the end)."""
        outcome = ReadingOutcome()
        started = time.monotonic()
        try:
            return outcome, self._count(outcome) or self._judge(outcome)
        finally:
            outcome.seconds = time.monotonic() - started

    def _count(self, outcome: ReadingOutcome) -> bool:
        catalog = self.case.catalog
        with catalog.transaction():
            outdated = analysis.outdated_readings(catalog)
        if outdated:  # read by older rules: their index entries hold the words those rules put in
            self.flush()
        after = 0
        while True:
            if self.checkpoint():
                return True
            batch = analysis.uncounted(catalog, BATCH_DOCUMENTS, after)
            if not batch:
                return False
            with catalog.transaction():
                analysis.count_words(catalog, batch)
            outcome.counted += len(batch)
            after = batch[-1]

    def _judge(self, outcome: ReadingOutcome) -> bool:
        catalog = self.case.catalog
        words = analysis.word_total(catalog)
        total = analysis.to_judge_count(catalog, words)
        if not total:
            return False
        suspects = analysis.suspect_words(catalog, words)
        lexical = self.case.lexical
        lexical.reload()  # as last committed
        candidates = (
            set(lexical.matching_documents(lexical.any_term("text_exact", sorted(suspects)))) if suspects else set()
        )
        pending = set(catalog.pending_documents())
        after = 0
        while True:
            if self.checkpoint():
                return True
            batch = analysis.to_judge(catalog, words, BATCH_DOCUMENTS, after)
            if not batch:
                return False
            # read in full: the documents that hold a suspect word, those already read (their reading may change),
            # those not in the full-text index yet; the others have nothing to read differently
            full = (candidates | analysis.readings(catalog, batch).keys() | pending) & set(batch)
            counts = {i: word_counts(text) for i, text in analysis.texts(catalog, sorted(full))}
            vocabulary = analysis.vocabulary_for(catalog, {w for c in counts.values() for w in c}, words)
            judged: dict[int, dict[str, str]] = {i: {} for i in batch}
            judged.update(
                (i, reading_fixes(text, vocabulary, counts[i])) for i, text in analysis.texts(catalog, sorted(counts))
            )
            with catalog.transaction():
                changed = analysis.record_readings(catalog, judged, words)
            outcome.judged += len(batch)
            if changed:
                self.flush()
                outcome.read += len(changed)
            self.emit(outcome.judged, total)
            after = batch[-1]
