"""The thread that serves the window's investigator tools: the entity index of the case, the entities found
together, and term lists (read, run against the whole case, saved, exported). It opens a session of its own on
the case (stores are read by several readers at once, as the CLI does beside the window; no model is loaded), so
that a term list that runs for a minute never holds up a search. The GUI thread sends requests through queued
signals and gets dataclasses back in signals; it never touches the catalog, the full-text index or a file.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from arbiter_desktop import app
from arbiter_desktop.search import termlist as termlists
from arbiter_desktop.search.termlist import TermList, TermListRun
from arbiter_desktop.session import CaseSession
from arbiter_desktop.stores.analysis import Cooccurrence, EntitySummary

log = logging.getLogger(__name__)

ENTITY_LIMIT = 20_000  # entities sent to the panel (the most widespread first)
PAIR_LIMIT = 500


@dataclass(frozen=True, slots=True)
class EntityListing:
    """The entities of the case, the most widespread first, and how many the case holds in all."""

    entities: tuple[EntitySummary, ...]
    total: int


@dataclass(frozen=True, slots=True)
class LoadedList:
    """A term list read from a file, pasted, or saved in the case; with its last run when it has one."""

    termlist: TermList
    last: TermListRun | None = None


class ToolsWorker(QObject):
    entities_ready = Signal(object)  # EntityListing
    pairs_ready = Signal(object)  # tuple[Cooccurrence, ...]
    saved_lists_ready = Signal(object)  # tuple[str, ...]
    list_loaded = Signal(object)  # LoadedList
    list_ran = Signal(object)  # TermListRun
    exported = Signal(object)  # list[ExportedFile]
    failed = Signal(str)  # a message for the user

    def __init__(self) -> None:
        super().__init__()
        self._session: CaseSession | None = None

    @Slot(object)
    def open_case(self, directory: Path) -> None:
        self._close()
        try:
            self._session = app.open_session(directory)
        except Exception as exc:  # the search worker reports the case that cannot open; this one stays idle
            log.warning("tools: cannot open case %s: %s", directory, exc)
            return
        self.load_entities()
        self.list_saved()

    @Slot()
    def load_entities(self) -> None:
        session = self._session
        if session is None:
            return
        try:
            found = session.entities()
        except app.UserError as exc:
            self.failed.emit(str(exc))
            return
        self.entities_ready.emit(EntityListing(tuple(found[:ENTITY_LIMIT]), len(found)))

    @Slot()
    def load_pairs(self) -> None:
        if self._session is None:
            return
        try:
            pairs: Sequence[Cooccurrence] = self._session.entity_pairs(limit=PAIR_LIMIT)
        except app.UserError as exc:
            self.failed.emit(str(exc))
            return
        self.pairs_ready.emit(tuple(pairs))

    @Slot()
    def list_saved(self) -> None:
        if self._session is not None:
            self.saved_lists_ready.emit(tuple(termlists.saved_lists(self._session.directory)))

    @Slot(object, str, bool)
    def read_list(self, path: Path, name: str, expand: bool) -> None:
        try:
            self.list_loaded.emit(LoadedList(termlists.read_list(path, name, expand)))
        except termlists.TermListError as exc:
            self.failed.emit(str(exc))

    @Slot(str, str, bool)
    def paste_list(self, text: str, name: str, expand: bool) -> None:
        try:
            self.list_loaded.emit(LoadedList(termlists.pasted_list(text, name, expand)))
        except termlists.TermListError as exc:
            self.failed.emit(str(exc))

    @Slot(str)
    def load_saved(self, name: str) -> None:
        if self._session is None:
            return
        try:
            self.list_loaded.emit(LoadedList(*self._session.saved_termlist(name)))
        except termlists.TermListError as exc:
            self.failed.emit(str(exc))

    @Slot(object)
    def run(self, termlist: TermList) -> None:
        if self._session is None:
            self.failed.emit(self.tr("No case is open."))
            return
        try:
            run = self._session.run_termlist(termlist)
        except app.UserError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:
            log.exception("term list %s", termlist.name)
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.list_ran.emit(run)
        self.list_saved()
        self.load_entities()  # the case may have grown since the panel was filled

    @Slot(str, object, object, object, str)
    def export(self, kind: str, run: TermListRun | None, pdf: Path | None, csv: Path | None, lang: str) -> None:
        """Export the entity table (``kind`` "entities"), the entities found together ("pairs") or ``run``
        ("termlist") to a PDF and/or a CSV, audited."""
        session = self._session
        if session is None:
            return
        try:
            details = None
            if kind == "entities":
                table = session.entity_table(limit=ENTITY_LIMIT, lang=lang)
            elif kind == "pairs":
                table = session.cooccurrence_table(limit=PAIR_LIMIT, lang=lang)
            else:
                assert run is not None
                table = session.termlist_table(run, lang=lang)
                details = {"termlist": run.termlist.name, "sha256": run.termlist.sha256}
            files = session.export_table(table, pdf, csv, overwrite=True, details=details)
        except app.UserError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:
            log.exception("export of %s", kind)
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.exported.emit(files)

    @Slot()
    def shutdown(self) -> None:
        self._close()

    def _close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
