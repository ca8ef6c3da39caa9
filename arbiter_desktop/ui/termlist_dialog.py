"""Term lists in the window: import a list (TXT, CSV) or paste one, run it against the whole case, see each term
with its documents and hits (sortable; terms without hits too), click a term to see its hits as a normal result
list, re-run it after new documents arrived (what changed shows), export it for the case file.

The dialog only draws; reading files, running and saving go through the tools worker (signals out, dataclasses
in). :class:`TermResultsModel` is a thin Qt adapter over a :class:`~arbiter_desktop.search.termlist.TermListRun`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from arbiter_desktop.search.termlist import TermList, TermListRun, TermResult
from arbiter_desktop.ui.entities_panel import Index, SortRole
from arbiter_desktop.ui.tools_worker import LoadedList

NO_HIT = QColor("#8a8a8a")
CHANGED = QColor("#fff4d6")


class TermResultsModel(QAbstractTableModel):
    """Term, label, documents, hits; after a previous run, documents new and gone."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[TermResult] = []
        self.compared = False
        self.headers = [self.tr("Term"), self.tr("Label"), self.tr("Documents"), self.tr("Hits")]

    def set_results(self, results: Sequence[TermResult], compared: bool) -> None:
        self.beginResetModel()
        self.rows = list(results)
        self.compared = compared
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers) + (2 if self.compared else 0)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [*self.headers, self.tr("New"), self.tr("Gone")][section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        values: tuple[str | int, ...] = (r.term, r.label, len(r.documents), r.hits, len(r.new), len(r.gone))
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[column]
            return "" if column >= 4 and value == 0 else value
        if role == SortRole:
            value = values[column]
            return value.casefold() if isinstance(value, str) else value
        if role == Qt.ItemDataRole.ForegroundRole and not r.documents:
            return NO_HIT
        if role == Qt.ItemDataRole.BackgroundRole and self.compared and (r.new or r.gone):
            return CHANGED
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if r.error:
                return r.error
            if not r.documents:
                return self.tr("No document matches this term.")
            return self.tr("Click to show the hits of «%1»").replace("%1", r.term)
        return None


class PasteDialog(QDialog):
    """A list pasted: its name and its terms, one a line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paste a term list"))
        self.resize(460, 420)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Name of the list (e.g. numéros FADET)"))
        self.terms = QPlainTextEdit()
        self.terms.setPlaceholderText(self.tr("One term a line: a name, a number, a plate, a phrase in quotes…"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self.terms, 1)
        layout.addWidget(buttons)


class TermListDialog(QDialog):
    """Import or paste a list, run it, read the table, click a term, re-run, export."""

    import_requested = Signal(object, str, bool)  # path, name ("": the file's name), expand
    paste_requested = Signal(str, str, bool)  # text, name, expand
    saved_requested = Signal(str)  # name of a list saved in the case
    run_requested = Signal(object)  # TermList
    term_chosen = Signal(str, bool)  # term, with the lexicons' expansions
    export_requested = Signal(object)  # TermListRun

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Term lists"))
        self.resize(820, 620)
        self.termlist: TermList | None = None
        self.run: TermListRun | None = None
        self.saved = QComboBox()
        self.saved.setToolTip(self.tr("Lists saved in this case"))
        self.saved.activated.connect(self._saved_chosen)
        import_button = QPushButton(self.tr("Import a file…"))
        import_button.setToolTip(self.tr("A TXT file (one term a line) or a CSV file (term;label)"))
        import_button.clicked.connect(self._import)
        paste_button = QPushButton(self.tr("Paste a list…"))
        paste_button.clicked.connect(self._paste)
        self.expand = QCheckBox(self.tr("Expansions"))
        self.expand.setChecked(True)
        self.expand.setToolTip(self.tr("Also search the abbreviations, synonyms and slang of the lexicons"))
        self.expand.toggled.connect(self._expand_toggled)
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self._run)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Export the table to PDF and/or CSV, with the list's SHA-256"))
        self.export_button.clicked.connect(self._export)
        self.info = QLabel(self.tr("Import or paste a list of terms, then run it against the whole case."))
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.model = TermResultsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the list's own order
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("List:")))
        top.addWidget(self.saved, 1)
        top.addWidget(import_button)
        top.addWidget(paste_button)
        actions = QHBoxLayout()
        actions.addWidget(self.expand)
        actions.addStretch(1)
        actions.addWidget(self.run_button)
        actions.addWidget(self.export_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(close)
        self._update_buttons()

    # --- from the worker ------------------------------------------------------------------------------------------
    def show_saved(self, names: Sequence[str]) -> None:
        current = self.termlist.name if self.termlist is not None else ""
        self.saved.blockSignals(True)
        self.saved.clear()
        self.saved.addItem(self.tr("(choose a saved list)") if names else self.tr("(no list saved in this case)"), "")
        for name in names:
            self.saved.addItem(name, name)
        self.saved.setCurrentIndex(max(0, self.saved.findData(current)))
        self.saved.blockSignals(False)

    def show_list(self, loaded: LoadedList) -> None:
        self.termlist = loaded.termlist
        self.expand.blockSignals(True)
        self.expand.setChecked(loaded.termlist.expand)
        self.expand.blockSignals(False)
        self.saved.setCurrentIndex(max(0, self.saved.findData(loaded.termlist.name)))
        self._describe()
        if loaded.last is not None:
            self.show_run(loaded.last, ran_now=False)
        else:
            self.run = None
            self.model.set_results([], False)
            self.summary.setText(self.tr("%1 terms: not run yet.").replace("%1", str(len(loaded.termlist.terms))))
        self._update_buttons()

    def show_run(self, run: TermListRun, ran_now: bool = True) -> None:
        self.run = run
        self.termlist = run.termlist
        self.run_button.setEnabled(True)
        self.run_button.setText(self.tr("Run again"))
        compared = bool(run.previous_at)
        self.model.set_results(run.results, compared)
        header = self.table.horizontalHeader()
        for column in range(1, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        with_hits = sum(1 for r in run.results if r.documents)
        text = self.tr("%1 of %2 terms have hits; %3 have none (greyed).").replace("%1", str(with_hits))
        text = text.replace("%2", str(len(run.results))).replace("%3", str(len(run.results) - with_hits))
        if compared:
            new = len({d for r in run.results for d in r.new})
            gone = len({d for r in run.results for d in r.gone})
            text += " " + self.tr("Since the run of %1, documents matched: +%2, −%3 (rows in colour).")
            text = text.replace("%1", _short_date(run.previous_at)).replace("%2", str(new)).replace("%3", str(gone))
        if ran_now:
            seconds = QLocale().toString(run.seconds, "f", 1 if run.seconds >= 1 else 2)
            text += " " + self.tr("Run in %1 s, saved in the case.").replace("%1", seconds)
        else:
            text += " " + self.tr("Last run: %1.").replace("%1", _short_date(run.ran_at))
        self.summary.setText(text)
        self._describe()
        self._update_buttons()

    def run_failed(self) -> None:
        self.run_button.setEnabled(self.termlist is not None)

    # --- user actions --------------------------------------------------------------------------------------------
    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a term list"), "", self.tr("Term lists (*.txt *.csv *.tsv);;All files (*)")
        )
        if path:
            self.import_requested.emit(Path(path), "", self.expand.isChecked())

    def _paste(self) -> None:
        dialog = PasteDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name = dialog.name.text().strip()
        if not name:
            name, ok = QInputDialog.getText(self, self.tr("Paste a term list"), self.tr("Name of the list:"))
            if not ok or not name.strip():
                return
        self.paste_requested.emit(dialog.terms.toPlainText(), name.strip(), self.expand.isChecked())

    def _saved_chosen(self, _index: int) -> None:
        name = self.saved.currentData()
        if name:
            self.saved_requested.emit(str(name))

    def _expand_toggled(self, on: bool) -> None:
        if self.termlist is not None and self.termlist.expand != on:
            t = self.termlist
            self.termlist = TermList(t.name, t.terms, t.sha256, t.source, on)
            self._describe()

    def _run(self) -> None:
        if self.termlist is None:
            return
        self.run_button.setEnabled(False)
        self.summary.setText(
            self.tr("Running %1 terms against the whole case…").replace("%1", str(len(self.termlist.terms)))
        )
        self.run_requested.emit(self.termlist)

    def _export(self) -> None:
        if self.run is not None:
            self.export_requested.emit(self.run)

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid() and self.termlist is not None:
            result = self.model.rows[self.proxy.mapToSource(index).row()]
            self.term_chosen.emit(result.term, self.termlist.expand)

    # --- helpers ----------------------------------------------------------------------------------------------------
    def _describe(self) -> None:
        t = self.termlist
        if t is None:
            return
        source = self.tr("pasted") if t.source == "pasted" else t.source
        expansions = self.tr("with expansions") if t.expand else self.tr("without expansions")
        self.info.setText(
            self.tr("«%1»: %2 terms, %3 — from %4 — SHA-256 %5")
            .replace("%1", t.name)
            .replace("%2", str(len(t.terms)))
            .replace("%3", expansions)
            .replace("%4", source)
            .replace("%5", t.sha256)
        )

    def _update_buttons(self) -> None:
        self.run_button.setEnabled(self.termlist is not None)
        if self.run is None:
            self.run_button.setText(self.tr("Run"))
        self.export_button.setEnabled(self.run is not None)


def _short_date(iso: str) -> str:
    """ "2024-03-14T16:00:00+01:00" → "14/03/2024 16:00" (the text itself when it is no ISO date)."""
    try:
        return datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return iso
