"""Settings of the case (models, threads, operator) and of the app (language), and the case's own lexicon.

The dialog touches no file: the installed models and the case's lexicon come from the search thread (in the
case's snapshot), and what the user chose goes back to it to be written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from arbiter_desktop import app
from arbiter_desktop.config import paths
from arbiter_desktop.config.models import DEFAULT_EMBEDDER
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.search.expansion import LexiconRow, checked_lexicon_rows

MB = 1024 * 1024


class SettingsDialog(QDialog):
    def __init__(
        self,
        case_dir: Path,
        settings: Settings,
        language: str,
        models: Sequence[app.ModelFile] = (),
        lexicon: Sequence[LexiconRow] = (),
        parent: QWidget | None = None,
    ) -> None:
        """``models``: those installed in models/; ``lexicon``: the rows of the case's own lexicon."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.case_dir = case_dir
        self.settings = settings
        self.language = language
        self.models = list(models)
        self.rows = list(lexicon)
        tabs = QTabWidget()
        tabs.addTab(self._models_tab(), self.tr("Models"))
        tabs.addTab(self._general_tab(), self.tr("General"))
        tabs.addTab(self._ocr_tab(), self.tr("OCR"))
        tabs.addTab(self._lexicon_tab(), self.tr("Case lexicon"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.resize(760, 520)

    # --- tabs -------------------------------------------------------------------------------------------------
    def _models_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        models = self.models
        self.embedder = QComboBox()
        self.embedder.addItem(self.tr("Default (%1)").replace("%1", DEFAULT_EMBEDDER), "")
        for m in models:
            if m.role == "embedder":
                self.embedder.addItem(self._describe(m), m.name)
        self._select(self.embedder, self.settings.embedder)
        self.reranker = QComboBox()
        self.reranker.addItem(self.tr("The one installed, if any"), "")
        for m in models:
            if m.role == "reranker":
                self.reranker.addItem(self._describe(m), m.name)
        self._select(self.reranker, self.settings.reranker)
        self.semantic = QCheckBox(self.tr("Index and search by meaning (semantic)"))
        self.semantic.setChecked(self.settings.semantic)
        self.threads = QSpinBox()
        self.threads.setRange(1, 64)
        self.threads.setValue(self.settings.embed_threads)
        note = QLabel(
            self.tr(
                "Models are files in %1. Changing the embedding model of a case re-embeds every passage, "
                "which can take hours; the previous vectors are kept until you confirm."
            ).replace("%1", str(paths.models_dir()))
        )
        note.setWordWrap(True)
        form.addRow(self.tr("Embedding model"), self.embedder)
        form.addRow(self.tr("Reranker"), self.reranker)
        form.addRow("", self.semantic)
        form.addRow(self.tr("Model threads (searches)"), self.threads)
        form.addRow(note)
        if not any(m.role == "embedder" for m in models):
            missing = QLabel(self.tr("No embedding model is installed: search is full-text only. Run `make setup`."))
            missing.setWordWrap(True)
            form.addRow(missing)
        return tab

    def _general_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.operator = QLineEdit(self.settings.operator)
        self.operator.setPlaceholderText(self.tr("Name and rank, written in exports and in the audit log"))
        self.language_box = QComboBox()
        self.language_box.addItem("Français", "fr")
        self.language_box.addItem("English", "en")
        self._select(self.language_box, self.language)
        self.cores = QSpinBox()
        self.cores.setRange(0, 256)
        self.cores.setSpecialValueText(self.tr("All but one (%1)").replace("%1", str(Settings().cores())))
        self.cores.setValue(self.settings.indexing_cores)
        self.cores.setToolTip(
            self.tr(
                "Extraction processes, then embedding models: one per core, each in a process of its own, as many as"
                " memory allows. One core stays free for the window and searches."
            )
        )
        form.addRow(self.tr("Operator"), self.operator)
        form.addRow(self.tr("Language (at next start)"), self.language_box)
        form.addRow(self.tr("Cores for indexing"), self.cores)
        return tab

    def _ocr_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.ocr = QCheckBox(self.tr("Recognise the text of scanned pages and photos of pages (OCR)"))
        self.ocr.setChecked(self.settings.ocr)
        self.ocr_languages = QComboBox()
        for label, value in (
            (self.tr("French"), "fra"),
            (self.tr("French and English (slower)"), "fra+eng"),
            (self.tr("English"), "eng"),
        ):
            self.ocr_languages.addItem(label, value)
        self._select(self.ocr_languages, self.settings.ocr_languages)
        self.ocr_max_pages = QSpinBox()
        self.ocr_max_pages.setRange(1, 100_000)
        self.ocr_max_pages.setValue(self.settings.ocr_max_pages)
        note = QLabel(
            self.tr(
                "Scanned pages are recognised after the text of the other documents, so those are searchable first. "
                "Pages beyond the limit wait until it is raised (then index again)."
            )
        )
        note.setWordWrap(True)
        form.addRow("", self.ocr)
        form.addRow(self.tr("Languages"), self.ocr_languages)
        form.addRow(self.tr("Most pages per document"), self.ocr_max_pages)
        form.addRow(note)
        return tab

    def _lexicon_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        intro = QLabel(
            self.tr(
                "Words of this case and what they also mean (nicknames, code words, places). A search for the "
                "term also finds its variants; separate variants with |."
            )
        )
        intro.setWordWrap(True)
        self.lexicon = QTableWidget(0, 4)
        self.lexicon.setHorizontalHeaderLabels(
            [self.tr("Term"), self.tr("Variants"), self.tr("Category"), self.tr("Note")]
        )
        self.lexicon.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.lexicon.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row in self.rows:
            self._add_row(row)
        add = QPushButton(self.tr("Add a term"))
        remove = QPushButton(self.tr("Remove selected"))
        add.clicked.connect(lambda: self._add_row(("", "", "", "")))
        remove.clicked.connect(self._remove_rows)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout.addWidget(intro)
        layout.addWidget(self.lexicon)
        layout.addLayout(buttons)
        return tab

    # --- helpers ----------------------------------------------------------------------------------------------
    def _describe(self, m: app.ModelFile) -> str:
        return (
            self.tr("%1 — %2 MB on disk, about %3 MB of memory")
            .replace("%1", m.name)
            .replace("%2", str(round(m.size_bytes / MB)))
            .replace("%3", str(round(m.ram_bytes / MB)))
        )

    @staticmethod
    def _select(box: QComboBox, value: str) -> None:
        index = box.findData(value)
        box.setCurrentIndex(max(0, index))

    def _add_row(self, row: LexiconRow) -> None:
        n = self.lexicon.rowCount()
        self.lexicon.insertRow(n)
        for column, value in enumerate(row):
            self.lexicon.setItem(n, column, QTableWidgetItem(value))

    def _remove_rows(self) -> None:
        for row in sorted({i.row() for i in self.lexicon.selectedIndexes()}, reverse=True):
            self.lexicon.removeRow(row)

    def lexicon_rows(self) -> list[LexiconRow]:
        rows: list[LexiconRow] = []
        for r in range(self.lexicon.rowCount()):
            cells = [self.lexicon.item(r, c) for c in range(4)]
            a, b, c, d = (cell.text() if cell is not None else "" for cell in cells)
            rows.append((a, b, c, d))
        return rows

    def chosen_settings(self) -> Settings:
        return self.settings.replace(
            embedder=str(self.embedder.currentData()),
            reranker=str(self.reranker.currentData()),
            semantic=self.semantic.isChecked(),
            embed_threads=self.threads.value(),
            operator=self.operator.text().strip(),
            ocr=self.ocr.isChecked(),
            ocr_languages=str(self.ocr_languages.currentData()),
            ocr_max_pages=self.ocr_max_pages.value(),
            indexing_cores=self.cores.value(),
        )

    def accept(self) -> None:
        try:
            self.rows = checked_lexicon_rows(self.lexicon_rows())
        except ValueError as exc:
            QMessageBox.warning(self, self.tr("Case lexicon"), str(exc))
            return
        self.settings = self.chosen_settings()
        self.language = str(self.language_box.currentData())
        super().accept()
