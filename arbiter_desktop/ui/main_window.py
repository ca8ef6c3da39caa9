"""The main window: the case, the search bar with its mode and filters, the expansion chips, the results, the
preview, the sources with their errors, and the indexing progress. Dropping folders or files anywhere on the
window adds them to the case and indexes them in the background.

The window only draws: searches, documents, page images and files come from :class:`SearchWorker` on its own
thread, indexing runs in its own process (:class:`IndexingController`). The hit list shows as soon as it is
ranked; the sentence closest in meaning is marked afterwards in the hits on screen (and in those scrolled to).
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, QLocale, QModelIndex, QObject, QPoint, Qt, QThread, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from arbiter_desktop import app
from arbiter_desktop.domain import NO_RERANKER, FileKind, SearchMode, SearchRequest, SearchResult
from arbiter_desktop.indexing.job import IndexReport, Progress
from arbiter_desktop.ingest.render import PageImage, PageRequest
from arbiter_desktop.search.termlist import TermListRun
from arbiter_desktop.stores.analysis import Cooccurrence
from arbiter_desktop.ui import state as gui_state
from arbiter_desktop.ui.delegate import HitDelegate
from arbiter_desktop.ui.entities_panel import EntitiesPanel, PairsDialog
from arbiter_desktop.ui.indexing import IndexingController
from arbiter_desktop.ui.preview import PreviewPane
from arbiter_desktop.ui.results_model import HitRole, ResultsModel
from arbiter_desktop.ui.search_worker import CaseSnapshot, Marks, SearchWorker
from arbiter_desktop.ui.settings_dialog import SettingsDialog
from arbiter_desktop.ui.termlist_dialog import TermListDialog
from arbiter_desktop.ui.tools_worker import EntityListing, LoadedList, ToolsWorker
from arbiter_desktop.ui.widgets import ExpansionChips, ProgressPanel, SourcesPanel

log = logging.getLogger(__name__)

TYPING_PAUSE_MS = 350  # a pause this long while typing searches
REFRESH_MS = 1000  # counts refreshed at most this often while indexing
RESULTS = 50
AUDIT_AFTER_MS = 2000  # results shown this long are entered in the audit log
MARKS_AFTER_SCROLL_MS = 150  # the hits scrolled to get their closest sentence marked after this pause
FIRST_SCREEN_ROWS = 8  # rows marked first when the list is not laid out yet
NO_DATE = QDate(1900, 1, 1)


class MainWindow(QMainWindow):
    # requests to the worker thread (queued connections)
    _open_requested = Signal(object)
    _search_requested = Signal(int, object, bool)
    _record_requested = Signal(int)
    _export_requested = Signal(int, object, object, str, object)
    _export_tag_requested = Signal(str, object, object, str)
    _tag_requested = Signal(int, str, object)
    _document_requested = Signal(int, int, object)
    _page_requested = Signal(int, object, int)  # request number, PageRequest, width
    _marks_requested = Signal(int, object)
    _original_requested = Signal(str)
    _refresh_requested = Signal()
    _settings_requested = Signal(object, bool, object)
    _state_save_requested = Signal(object)
    _shutdown_requested = Signal()
    # requests to the tools worker (entities, term lists: investigator tools, issue 18)
    _tools_open_requested = Signal(object)
    _entities_requested = Signal()
    _pairs_requested = Signal()
    _list_import_requested = Signal(object, str, bool)
    _list_paste_requested = Signal(str, str, bool)
    _list_saved_requested = Signal(str)
    _list_run_requested = Signal(object)
    _table_export_requested = Signal(str, object, object, object, str)
    _tools_shutdown_requested = Signal()
    # for tests and the screenshot mode
    case_ready = Signal()
    results_shown = Signal(object)  # SearchResult
    hits_marked = Signal(object)  # Marks: hits on screen with their closest sentence marked
    document_shown = Signal()
    page_shown = Signal(object)  # PageImage: the page image the preview now shows
    exported = Signal(object)  # list[ExportedFile]

    def __init__(self, state: gui_state.GuiState) -> None:
        super().__init__()
        self.state = state
        self.snapshot: CaseSnapshot | None = None
        self.result: SearchResult | None = None
        self._search_number = 0
        self._document_number = 0
        self._page_number = 0
        self._disabled: list[str] = []
        self._pending_roots: list[Path] = []
        self._marks_asked: set[int] = set()  # rows of the current results whose marks were asked for
        self._index_after_open = False  # the settings changed the model: index once the case is open again
        self._refresh_due = False
        self._last_phase = ""

        self.worker = SearchWorker()
        self.thread_ = QThread(self)
        self.thread_.setObjectName("arbiter-search")
        self.worker.moveToThread(self.thread_)
        self._open_requested.connect(self.worker.open_case)
        self._search_requested.connect(self.worker.search)
        self._record_requested.connect(self.worker.record)
        self._export_requested.connect(self.worker.export)
        self._export_tag_requested.connect(self.worker.export_tag)
        self._tag_requested.connect(self.worker.tag)
        self.worker.exported.connect(self._exported)
        self.worker.tagged.connect(self._tagged)
        self._document_requested.connect(self.worker.load_document)
        self._page_requested.connect(self.worker.render_page)
        self._original_requested.connect(self.worker.copy_original)
        self.worker.original_ready.connect(lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(path)))
        self.worker.original_failed.connect(
            lambda message: QMessageBox.warning(
                self, "Arbiter Desktop", self.tr("The original cannot be opened: %1").replace("%1", message)
            )
        )
        self._refresh_requested.connect(self.worker.refresh)
        self._settings_requested.connect(self.worker.save_settings)
        self._state_save_requested.connect(self.worker.save_state)
        self._marks_requested.connect(self.worker.mark)
        self.worker.marked.connect(self._marked)
        self._shutdown_requested.connect(self.worker.shutdown, Qt.ConnectionType.BlockingQueuedConnection)
        self.worker.case_opened.connect(self._case_opened)
        self.worker.snapshot_ready.connect(self._show_snapshot)
        self.worker.searched.connect(self._searched)
        self.worker.search_failed.connect(self._search_failed)
        self.worker.document_ready.connect(self._document_ready)
        self.worker.page_ready.connect(self._page_ready)
        self.worker.page_failed.connect(self._page_failed)
        self.worker.failed.connect(self._open_failed)
        self.worker.warning.connect(lambda message: QMessageBox.warning(self, "Arbiter Desktop", message))
        self.thread_.start()
        self._entity: tuple[str, str] | None = None  # the entity filter: (key, as shown)
        self._start_tools()

        self.indexing = IndexingController(self)
        self.indexing.started.connect(self._indexing_started)
        self.indexing.progress.connect(self._indexing_progress)
        self.indexing.finished.connect(self._indexing_finished)
        self.indexing.failed.connect(self._indexing_failed)
        self.indexing.paused_changed.connect(self._paused_changed)

        self._build()
        self.setAcceptDrops(True)
        self.setWindowTitle("Arbiter Desktop")
        self.resize(1440, 900)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.search)
        self._audit_timer = QTimer(self)  # a search the user stays on is entered in the audit log
        self._audit_timer.setSingleShot(True)
        self._audit_timer.setInterval(AUDIT_AFTER_MS)
        self._audit_timer.timeout.connect(lambda: self._record_requested.emit(self._search_number))
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self._refresh_if_due)
        self._marks_timer = QTimer(self)  # the user scrolled: mark the hits now on screen
        self._marks_timer.setSingleShot(True)
        self._marks_timer.setInterval(MARKS_AFTER_SCROLL_MS)
        self._marks_timer.timeout.connect(self._request_marks)
        self.results_view.verticalScrollBar().valueChanged.connect(lambda _v: self._marks_timer.start())

    # --- building -------------------------------------------------------------------------------------------------
    def _build(self) -> None:
        toolbar = self.addToolBar(self.tr("Case"))
        toolbar.setObjectName("case-toolbar")
        toolbar.setMovable(False)
        self.case_button = QToolButton()
        self.case_button.setText(self.tr("Case"))
        self.case_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.case_menu = QMenu(self)
        self.case_button.setMenu(self.case_menu)
        toolbar.addWidget(self.case_button)
        self.new_action = QAction(self.tr("New case…"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_case)
        self.open_action = QAction(self.tr("Open case…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_case)
        self.add_action = QAction(self.tr("Add folders…"), self)
        self.add_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.add_action.triggered.connect(self.choose_folders)
        self.reindex_action = QAction(self.tr("Look for changes in the sources"), self)
        self.reindex_action.setShortcut(QKeySequence("F5"))
        self.reindex_action.triggered.connect(lambda: self.index_paths([]))
        self.settings_action = QAction(self.tr("Settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        self.termlists_action = QAction(self.tr("Term lists…"), self)
        self.termlists_action.setShortcut(QKeySequence("Ctrl+T"))
        self.termlists_action.setToolTip(self.tr("Run a list of names, numbers and words against the whole case"))
        self.termlists_action.triggered.connect(self.show_termlists)
        for action in (self.add_action, self.reindex_action, self.settings_action, self.termlists_action):
            toolbar.addAction(action)
        self.export_button = QToolButton()
        self.export_button.setText(self.tr("Export"))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_menu = QMenu(self)
        self.export_button.setMenu(self.export_menu)
        self.export_menu.aboutToShow.connect(self._fill_export_menu)
        toolbar.addWidget(self.export_button)
        self.export_action = QAction(self.tr("Export the results…"), self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(lambda: self.export_results(selected=False))
        self.addAction(self.export_action)
        self.case_label = QLabel()
        self.case_label.setTextFormat(Qt.TextFormat.PlainText)
        self.case_label.setContentsMargins(12, 0, 12, 0)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy())
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.case_label)
        self._fill_case_menu()

        # search bar, filters, chips
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Search the case… e.g. rdv gare, GAV prolongée, ZZ-417-XK"))
        self.query.setClearButtonEnabled(True)
        self.query.setAcceptDrops(False)
        self.query.textEdited.connect(lambda _text: self._typing.start())
        self.query.returnPressed.connect(lambda: self.search(record=True))
        self.query.installEventFilter(self)
        self.mode = QComboBox()
        for label, mode in (
            (self.tr("Hybrid (words + meaning)"), SearchMode.HYBRID),
            (self.tr("Hybrid + reranking"), SearchMode.FULL),
            (self.tr("Text"), SearchMode.LEXICAL),
            (self.tr("Meaning"), SearchMode.DENSE),
        ):
            self.mode.addItem(label, mode.value)  # plain strings: Qt stores enum members as their value
        self.mode.setToolTip(self.tr("Search mode"))
        self.mode.currentIndexChanged.connect(lambda _i: self.search())
        self.kind = QComboBox()
        self.kind.addItem(self.tr("All types"), "")
        for kind in FileKind:
            if kind is not FileKind.UNKNOWN:
                self.kind.addItem(kind.value.upper(), kind.value)
        self.kind.currentIndexChanged.connect(lambda _i: self.search())
        self.folder = QComboBox()
        self.folder.addItem(self.tr("All folders"), "")
        self.folder.currentIndexChanged.connect(lambda _i: self.search())
        self.date_from = self._date_edit(self.tr("Documents dated from"))
        self.date_to = self._date_edit(self.tr("Documents dated until"))
        self.expansions_box = QCheckBox(self.tr("Expansions"))
        self.expansions_box.setChecked(True)
        self.expansions_box.setToolTip(self.tr("Also search abbreviations, synonyms and slang from the lexicons"))
        self.expansions_box.toggled.connect(lambda _on: self.search())
        search_row = QHBoxLayout()
        search_row.addWidget(self.query, 1)
        search_row.addWidget(self.mode)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel(self.tr("Filters:")))
        for widget in (self.kind, self.folder, QLabel(self.tr("from")), self.date_from, QLabel(self.tr("to"))):
            filter_row.addWidget(widget)
        filter_row.addWidget(self.date_to)
        filter_row.addWidget(self.expansions_box)
        self.entity_chip = QToolButton()
        self.entity_chip.setToolTip(self.tr("Only documents holding this entity; click to remove the filter"))
        self.entity_chip.clicked.connect(self.clear_entity_filter)
        self.entity_chip.setVisible(False)
        filter_row.addWidget(self.entity_chip)
        filter_row.addStretch(1)
        self.chips = ExpansionChips()
        self.chips.toggled.connect(self._expansion_toggled)

        # results and preview
        self.results = ResultsModel(self)
        self.results_view = QListView()
        self.results_view.setModel(self.results)
        self.results_view.setItemDelegate(HitDelegate(self.results_view))
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.results_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.results_view.customContextMenuRequested.connect(self._results_menu)
        self.results_view.setWordWrap(True)
        self.results_view.setLayoutMode(QListView.LayoutMode.Batched)  # lays out 50 rich hits without a stall
        self.results_view.setBatchSize(4)  # ~4 ms of text layout a hit: a batch holds the event loop ~15 ms
        # The scroll bar always there: a batched layout whose first rows bring the bar narrows the viewport under it,
        # and the list then drew no row until something else laid it out again (a text-mode search showed none).
        self.results_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.results_view.setAlternatingRowColors(True)
        palette = self.results_view.palette()  # a light selection keeps the highlighted passage readable
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#e4ecf6"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#000000"))
        self.results_view.setPalette(palette)
        self.results_view.selectionModel().currentChanged.connect(self._current_hit_changed)
        self.results_view.setAcceptDrops(True)  # drops on the list reach the window (eventFilter)
        self.results_view.viewport().installEventFilter(self)
        self.results_label = QLabel()
        self.results_label.setWordWrap(True)
        self.preview = PreviewPane()
        self.preview.page_wanted.connect(self._request_page)
        self.preview.original_wanted.connect(self._original_requested)
        self.sources = SourcesPanel()
        self.entities_panel = EntitiesPanel()
        self.entities_panel.entity_chosen.connect(self.filter_by_entity)
        self.entities_panel.pairs_requested.connect(self.show_pairs)
        self.entities_panel.export_requested.connect(lambda: self.export_table("entities"))
        self.progress = ProgressPanel()
        self.progress.pause_clicked.connect(self.indexing.pause)
        self.progress.resume_clicked.connect(self.indexing.resume)
        self.progress.cancel_clicked.connect(self.indexing.cancel)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self._heading(self.tr("Indexing")))
        left_layout.addWidget(self.progress)
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(self.sources, self.tr("Sources"))
        self.left_tabs.addTab(self.entities_panel, self.tr("Entities"))
        left_layout.addWidget(self.left_tabs, 1)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.results_label)
        middle_layout.addWidget(self.results_view, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 5)
        self.splitter.setSizes([300, 600, 540])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(search_row)
        layout.addLayout(filter_row)
        layout.addWidget(self.chips)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        for keys, slot in (
            ("Ctrl+F", self._focus_query),
            ("Ctrl+L", self._focus_query),
            ("F3", self.preview.next_match),
            ("Shift+F3", self.preview.previous_match),
        ):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.addAction(action)
        self.statusBar().showMessage(self.tr("Ready"))

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("font-weight:600;margin-top:6px")
        return label

    def _date_edit(self, tip: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("—")
        edit.setDate(NO_DATE)
        edit.setToolTip(tip)
        edit.dateChanged.connect(lambda _d: self.search())
        return edit

    def _fill_case_menu(self) -> None:
        self.case_menu.clear()
        self.case_menu.addAction(self.new_action)
        self.case_menu.addAction(self.open_action)
        recent = self.case_menu.addMenu(self.tr("Recent cases"))
        for entry in self.state.recent:
            action = recent.addAction(entry)
            action.triggered.connect(lambda _checked=False, path=entry: self.open_case(Path(path)))
        recent.setEnabled(bool(self.state.recent))
        self.case_menu.addSeparator()
        self.case_menu.addAction(self.add_action)
        self.case_menu.addAction(self.reindex_action)
        self.case_menu.addAction(self.settings_action)

    # --- cases ------------------------------------------------------------------------------------------------
    def open_case(self, directory: Path) -> None:
        if self.indexing.running:
            if self.snapshot is not None and directory == self.snapshot.directory:
                return
            answer = QMessageBox.question(
                self,
                self.tr("Indexing in progress"),
                self.tr("Indexing of this case is in progress. Stop it (it resumes next time) and switch case?"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.indexing.stop_for_exit()
            self.progress.set_idle(self.tr("No indexing in progress."))
        self.snapshot = None
        self.results.clear()
        self.preview.clear()
        self.chips.show_expansions((), ())
        self.case_label.setText(self.tr("Opening %1…").replace("%1", directory.name))
        self._entity = None
        self._show_entity_filter()
        self._open_requested.emit(directory)

    def new_case(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New case"), self.tr("Case name (e.g. 2026-1234 STUPS Nord):"))
        if not ok or not name.strip():
            return
        parent = QFileDialog.getExistingDirectory(self, self.tr("Folder where the case is kept"), str(app.cases_dir()))
        if not parent:
            return
        target = Path(parent) / _safe_name(name)
        if target.exists() and any(target.iterdir()):
            QMessageBox.warning(
                self, self.tr("New case"), self.tr("%1 exists and is not empty.").replace("%1", str(target))
            )
            return
        self.open_case(target)

    def choose_case(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a case folder"), str(app.cases_dir()))
        if folder:
            self.open_case(Path(folder))

    def choose_folders(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder to add to the case"))
        if folder:
            self.index_paths([Path(folder)])

    def _case_opened(self, snapshot: CaseSnapshot) -> None:
        self.state.remember(snapshot.directory)
        self._state_save_requested.emit(dataclasses.replace(self.state))
        self._fill_case_menu()
        self._show_snapshot(snapshot)
        self._tools_open_requested.emit(snapshot.directory)  # the case exists now (a new one was just created)
        self.setWindowTitle(f"Arbiter Desktop — {snapshot.name}")
        self._select_mode(snapshot.default_mode)
        resume = snapshot.interrupted
        if self._index_after_open:
            self._index_after_open = False
            self.index_paths([])
        elif snapshot.demo_unindexed and not resume:  # first run, or the first after an update: this demo folder
            self.index_paths([app.demo_documents()])
        elif resume:
            self.statusBar().showMessage(self.tr("Resuming the indexing that was interrupted…"), 8000)
            self.index_paths([])
        if self._pending_roots:
            roots, self._pending_roots = self._pending_roots, []
            self.index_paths(roots)
        if self.query.text().strip():
            self.search()
        self.case_ready.emit()

    def _open_failed(self, message: str) -> None:
        self.case_label.setText(self.tr("No case open"))
        QMessageBox.critical(self, self.tr("Cannot open the case"), message)

    def _show_snapshot(self, snapshot: CaseSnapshot) -> None:
        self.snapshot = snapshot
        s = snapshot.status
        coverage = f"{100 * s.embedded / s.chunks:.0f} %" if s.chunks else "—"
        state = self.tr("indexing") if self.indexing.running else self.tr("up to date")
        self.case_label.setText(
            self.tr("Case: %1 — %2 documents · %3 errors · semantic coverage %4 · %5")
            .replace("%1", snapshot.name)
            .replace("%2", str(s.documents))
            .replace("%3", str(s.errors))
            .replace("%4", coverage)
            .replace("%5", state)
            + (
                " · " + self.tr("%1 scanned pages awaiting OCR").replace("%1", str(s.awaiting_ocr_pages))
                if s.awaiting_ocr_pages
                else ""
            )
        )
        self.sources.show_sources(snapshot.sources, snapshot.errors)
        current = self.folder.currentData()
        self.folder.blockSignals(True)
        self.folder.clear()
        self.folder.addItem(self.tr("All folders"), "")
        for source in snapshot.sources:
            self.folder.addItem(Path(source.path).name or source.path, source.path)
        self.folder.setCurrentIndex(max(0, self.folder.findData(current)))
        self.folder.blockSignals(False)
        semantic = bool(snapshot.semantic_model) and s.embedded > 0
        for row in range(self.mode.count()):
            if self.mode.itemData(row) != SearchMode.LEXICAL.value:
                item = self.mode.model().item(row)  # type: ignore[attr-defined]
                item.setEnabled(semantic)
        if not semantic and self.mode.currentData() != SearchMode.LEXICAL.value:
            self._select_mode(SearchMode.LEXICAL)
        self._search_again_if_empty()

    def _search_again_if_empty(self) -> None:
        """While indexing, a search that found nothing runs again as documents arrive (results already on
        screen are left alone: the user may be reading them)."""
        if (
            self.indexing.running
            and self.query.text().strip()
            and self.result is not None
            and not self.result.hits
            and not self._typing.isActive()
        ):
            self.search()

    def _select_mode(self, mode: SearchMode) -> None:
        self.mode.blockSignals(True)
        self.mode.setCurrentIndex(max(0, self.mode.findData(mode.value)))
        self.mode.blockSignals(False)

    # --- indexing ---------------------------------------------------------------------------------------------
    def index_paths(self, roots: list[Path]) -> None:
        """Add ``roots`` to the case and index them (none: look again at the case's sources)."""
        if self.snapshot is None:
            self._pending_roots += roots
            return
        self.indexing.index(self.snapshot.directory, roots)
        if roots and self.indexing.running:
            names = ", ".join(r.name for r in roots)
            self.statusBar().showMessage(self.tr("Added to the case: %1").replace("%1", names), 6000)

    def _paused_changed(self, paused: bool) -> None:
        self.progress.set_paused(paused)

    def _indexing_started(self) -> None:
        self._last_phase = ""
        self.progress.set_running()
        self._refresh_timer.start()
        if self.snapshot is not None:
            self._show_snapshot(self.snapshot)

    def _indexing_progress(self, p: Progress) -> None:
        self.progress.show_progress(p)
        self._refresh_due = True
        if p.phase == "semantic" and self._last_phase != "semantic" and self.query.text().strip():
            self.search()  # the text phase is over: the full-text results are complete now
        self._last_phase = p.phase

    def _refresh_if_due(self) -> None:
        if self._refresh_due:
            self._refresh_due = False
            self._refresh_requested.emit()

    def _indexing_finished(self, report: IndexReport) -> None:
        self._refresh_timer.stop()
        self.progress.show_report(report)
        self._refresh_requested.emit()
        self._entities_requested.emit()
        if self.query.text().strip():
            self.search()

    def _indexing_failed(self, message: str) -> None:
        self._refresh_timer.stop()
        self.progress.set_idle(self.tr("Indexing failed."))
        self._refresh_requested.emit()
        QMessageBox.critical(self, self.tr("Indexing failed"), message)

    # --- drag and drop ------------------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _dropped_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.index_paths(paths)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.results_view.viewport():
            if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
                self.dragEnterEvent(event)  # type: ignore[arg-type]
                return True
            if kind == QEvent.Type.Drop:
                self.dropEvent(event)  # type: ignore[arg-type]
                return True
        if watched is self.query and kind == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.results.rowCount() > 0:
                self.results_view.setFocus()
                if not self.results_view.currentIndex().isValid():
                    self.results_view.setCurrentIndex(self.results.index(0))
                return True
        return super().eventFilter(watched, event)

    # --- searching --------------------------------------------------------------------------------------------
    def current_request(self) -> SearchRequest:
        kind = str(self.kind.currentData() or "")
        query = self.query.text().strip()
        mode = SearchMode(self.mode.currentData() or SearchMode.LEXICAL.value)
        return SearchRequest(
            query=query,
            top=RESULTS,
            mode=mode if query or self._entity is None else SearchMode.LEXICAL,  # an entity alone: its documents
            kinds=(FileKind(kind),) if kind else (),
            path_prefix=str(self.folder.currentData() or ""),
            date_from=_date(self.date_from),
            date_to=_date(self.date_to, end_of_day=True),
            expand=self.expansions_box.isChecked(),
            disabled_expansions=tuple(self._disabled),
            entity=self._entity[0] if self._entity is not None else "",
        )

    def search(self, record: bool = False) -> None:
        """Search what the bar says. The search enters the audit log at once with ``record`` (Enter), else once
        its results stayed on screen for a moment: the intermediate queries of typing are not recorded."""
        self._typing.stop()
        self._audit_timer.stop()
        request = self.current_request()
        if not request.query and not request.entity:
            self.results.clear()
            self.preview.clear()
            self.chips.show_expansions((), ())
            self.results_label.setText("")
            return
        if self.snapshot is None:
            return
        self._search_number += 1
        self.worker.announce_search(self._search_number)
        self._search_requested.emit(self._search_number, request, record)
        self.results_label.setText(self.tr("Searching…"))

    def _searched(self, number: int, result: SearchResult) -> None:
        if number != self._search_number:
            return  # an older search finished after a newer one was asked
        self.result = result
        self._marks_asked = set()
        self.results.set_hits(result.hits, result.mode)
        self.chips.show_expansions(result.expansions, tuple(self._disabled))
        coverage = ""
        if result.mode is not SearchMode.LEXICAL and result.coverage.chunks:
            share = 100 * result.coverage.embedded / result.coverage.chunks
            if share < 100:
                coverage = " · " + self.tr("meaning searched in %1 % of the case (indexing goes on)").replace(
                    "%1", f"{share:.0f}"
                )
        text = (
            self.tr("%n result(s)", "", len(result.hits))
            + " · "
            + self.tr("%1 ms").replace("%1", f"{result.elapsed_ms:.0f}")
            + coverage
        )
        for note in result.notes:
            text += " · " + self._note(note)
        self.results_label.setText(text if result.hits else self.tr("No result for this search.") + coverage)
        if result.hits:
            self.results_view.setCurrentIndex(self.results.index(0))
            self._request_marks()
        else:
            self.preview.clear()
        self._audit_timer.start()
        self.results_shown.emit(result)

    def visible_rows(self) -> list[int]:
        """The rows of the result list on screen (the first ones while the list is not laid out yet)."""
        view = self.results_view
        count = self.results.rowCount()
        first = view.indexAt(QPoint(1, 1)).row()
        last = view.indexAt(QPoint(1, view.viewport().height() - 2)).row()
        if first < 0:
            return list(range(min(count, FIRST_SCREEN_ROWS)))
        return list(range(first, (last if last >= 0 else count - 1) + 1))

    def _request_marks(self) -> None:
        """Ask for the closest sentences of the hits on screen not asked for yet (modes by meaning only)."""
        if self.result is None or self.result.mode is SearchMode.LEXICAL:
            return
        rows = [r for r in self.visible_rows() if r not in self._marks_asked]
        if rows:
            self._marks_asked.update(rows)
            self._marks_requested.emit(self._search_number, tuple(rows))

    def _marked(self, marks: Marks) -> None:
        """Hits with their closest sentence marked arrive: draw them in place."""
        if marks.number != self._search_number or self.result is None:
            return
        hits = list(self.result.hits)
        for row, hit in marks.hits.items():
            if 0 <= row < len(hits):
                hits[row] = hit
        self.result = dataclasses.replace(self.result, hits=tuple(hits))
        self.results.update_hits(marks.hits)
        self.hits_marked.emit(marks)

    def _note(self, note: str) -> str:
        """A note of the search engine, in the interface's language."""
        if note == NO_RERANKER:
            return self.tr("no reranker installed: the full mode ranks as hybrid")
        return note

    def _search_failed(self, number: int, message: str) -> None:
        if number == self._search_number:
            self.results.clear()
            self.results_label.setText(self.tr("Search failed: %1").replace("%1", message))

    def _expansion_toggled(self, key: str, enabled: bool) -> None:
        if enabled and key in self._disabled:
            self._disabled.remove(key)
        elif not enabled and key not in self._disabled:
            self._disabled.append(key)
        self.search()

    def _focus_query(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    # --- preview ------------------------------------------------------------------------------------------------
    def _current_hit_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = current.data(HitRole) if current.isValid() else None
        if hit is None or self.result is None:
            return
        self._document_number += 1
        self._document_requested.emit(self._document_number, hit.document_id, self.current_request())

    def _document_ready(self, number: int, view: object) -> None:
        if number != self._document_number:
            return
        hit = self.results_view.currentIndex().data(HitRole)
        if hit is not None:
            self.preview.show_document(view, hit)  # type: ignore[arg-type]
            self.document_shown.emit()

    def _request_page(self, request: PageRequest) -> None:
        self._page_number += 1
        width = max(400, self.preview.stack.width() - 30)  # fits the pane beside its scroll bar
        self._page_requested.emit(self._page_number, request, width)

    def _page_ready(self, number: int, image: PageImage) -> None:
        if number == self._page_number:
            self.preview.show_page_image(image)
            self.page_shown.emit(image)

    def _page_failed(self, number: int, message: str) -> None:
        if number == self._page_number:
            self.preview.show_page_error(message)

    # --- tags and exports --------------------------------------------------------------------------------------
    def selected_rows(self) -> tuple[int, ...]:
        rows = sorted({i.row() for i in self.results_view.selectionModel().selectedIndexes()})
        if not rows and self.results_view.currentIndex().isValid():
            rows = [self.results_view.currentIndex().row()]
        return tuple(rows)

    def _results_menu(self, position: QPoint) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        menu = QMenu(self)
        for tag in (self.tr("relevant"), self.tr("to check")):
            action = menu.addAction(self.tr("Tag “%1”").replace("%1", tag))
            action.triggered.connect(lambda _c=False, t=tag: self.tag_selected(t))
        known = [name for name, _ in (self.snapshot.tags if self.snapshot else ())]
        for tag in known:
            if tag not in (self.tr("relevant"), self.tr("to check")):
                action = menu.addAction(self.tr("Tag “%1”").replace("%1", tag))
                action.triggered.connect(lambda _c=False, t=tag: self.tag_selected(t))
        other = menu.addAction(self.tr("Other tag…"))
        other.triggered.connect(self._ask_tag)
        menu.addSeparator()
        export = menu.addAction(self.tr("Export the selected results…"))
        export.triggered.connect(lambda: self.export_results(selected=True))
        menu.exec(self.results_view.viewport().mapToGlobal(position))

    def _ask_tag(self) -> None:
        tag, ok = QInputDialog.getText(self, self.tr("Tag"), self.tr("Tag for the selected results:"))
        if ok and tag.strip():
            self.tag_selected(tag.strip())

    def tag_selected(self, tag: str) -> None:
        rows = self.selected_rows()
        if rows and self.result is not None:
            self._tag_requested.emit(self._search_number, tag, rows)

    def _tagged(self, tag: str, count: int) -> None:
        message = self.tr("%n result(s) tagged “%1”", "", count).replace("%1", tag)
        self.statusBar().showMessage(message, 6000)

    def _fill_export_menu(self) -> None:
        self.export_menu.clear()
        self.export_menu.addAction(self.export_action)
        selected = self.export_menu.addAction(self.tr("Export the selected results…"))
        selected.triggered.connect(lambda: self.export_results(selected=True))
        for action in (self.export_action, selected):
            action.setEnabled(self.result is not None and bool(self.result.hits))
        tags = self.export_menu.addMenu(self.tr("Export a tag"))
        for name, count in self.snapshot.tags if self.snapshot else ():
            action = tags.addAction(f"{name} ({count})")
            action.triggered.connect(lambda _c=False, t=name: self.export_tag(t))
        tags.setEnabled(bool(self.snapshot and self.snapshot.tags))

    def _ask_output(self, suggested: str) -> tuple[Path | None, Path | None] | None:
        both, pdf_only, csv_only = self.tr("PDF and CSV (*.pdf)"), self.tr("PDF (*.pdf)"), self.tr("CSV (*.csv)")
        start = str(Path.home() / f"{_safe_name(suggested)}.pdf")
        name, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export for the case file"), start, ";;".join((both, pdf_only, csv_only))
        )
        if not name:
            return None
        path = Path(name)
        if chosen == csv_only:
            return None, path.with_suffix(".csv")
        pdf = path.with_suffix(".pdf")
        return pdf, (pdf.with_suffix(".csv") if chosen == both else None)

    def export_results(self, selected: bool) -> None:
        if self.result is None or not self.result.hits:
            return
        rows = self.selected_rows() if selected else None
        target = self._ask_output(self.result.query or "export")
        if target is not None:
            self.export_to(*target, rows=rows)

    def export_to(self, pdf: Path | None, csv: Path | None, rows: tuple[int, ...] | None = None) -> None:
        """Export the results shown (or ``rows`` of them) to the files given (tests and the dialog)."""
        self._audit_timer.stop()
        self._export_requested.emit(self._search_number, pdf, csv, self.state.language, rows)
        self.statusBar().showMessage(self.tr("Exporting…"))

    def export_tag(self, tag: str) -> None:
        target = self._ask_output(tag)
        if target is not None:
            self._export_tag_requested.emit(tag, *target, self.state.language)
            self.statusBar().showMessage(self.tr("Exporting…"))

    def _exported(self, files: list[object]) -> None:
        names = ", ".join(Path(str(getattr(f, "path", ""))).name for f in files)
        self.statusBar().showMessage(self.tr("Exported: %1 (SHA-256 in the audit log)").replace("%1", names), 10000)
        self.exported.emit(files)

    # --- settings -----------------------------------------------------------------------------------------------
    def open_settings(self) -> None:
        if self.snapshot is None:
            return
        snapshot = self.snapshot
        dialog = SettingsDialog(
            snapshot.directory, snapshot.settings, self.state.language, snapshot.models, snapshot.lexicon, self
        )
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        before, after = snapshot.settings, dialog.settings
        reembed = False
        if after.embedder != before.embedder and snapshot.status.embedded > 0:
            answer = QMessageBox.question(
                self,
                self.tr("Change the embedding model"),
                self.tr(
                    "Every passage of the case will be embedded again with the new model, which can take hours; "
                    "meanwhile search by meaning covers only what is done. Continue?"
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                after = after.replace(embedder=before.embedder)
            else:
                reembed = True
        if dialog.language != self.state.language:
            self.state.language = dialog.language
            self._state_save_requested.emit(dataclasses.replace(self.state))
            self.statusBar().showMessage(self.tr("The language changes at the next start."), 8000)
        self._index_after_open = after.embedder != before.embedder or after.semantic != before.semantic
        self._settings_requested.emit(after, reembed, tuple(dialog.rows))

    # --- closing ------------------------------------------------------------------------------------------------
    # --- investigator tools: entities and term lists ----------------------------------------------------------------
    def _start_tools(self) -> None:
        """The tools worker on its own thread: a term list that runs for a minute never holds up a search."""
        self.tools = ToolsWorker()
        self.tools_thread = QThread(self)
        self.tools_thread.setObjectName("arbiter-tools")
        self.tools.moveToThread(self.tools_thread)
        self._tools_open_requested.connect(self.tools.open_case)
        self._entities_requested.connect(self.tools.load_entities)
        self._pairs_requested.connect(self.tools.load_pairs)
        self._list_import_requested.connect(self.tools.read_list)
        self._list_paste_requested.connect(self.tools.paste_list)
        self._list_saved_requested.connect(self.tools.load_saved)
        self._list_run_requested.connect(self.tools.run)
        self._table_export_requested.connect(self.tools.export)
        self._tools_shutdown_requested.connect(self.tools.shutdown, Qt.ConnectionType.BlockingQueuedConnection)
        self.tools.exported.connect(self._exported)
        self.tools.failed.connect(self._tools_failed)
        self.pairs_dialog: PairsDialog | None = None
        self.termlist_dialog: TermListDialog | None = None
        self.tools.entities_ready.connect(self._entities_ready)
        self.tools.pairs_ready.connect(self._pairs_ready)
        self.tools.saved_lists_ready.connect(self._saved_lists_ready)
        self.tools.list_loaded.connect(self._list_loaded)
        self.tools.list_ran.connect(self._list_ran)
        self.tools_thread.start()

    # (slots of the GUI thread: the worker's signals reach them queued)
    def _entities_ready(self, listing: EntityListing) -> None:
        self.entities_panel.show_listing(listing)

    def _pairs_ready(self, pairs: tuple[Cooccurrence, ...]) -> None:
        if self.pairs_dialog is not None:
            self.pairs_dialog.show_pairs(pairs)

    def _saved_lists_ready(self, names: tuple[str, ...]) -> None:
        if self.termlist_dialog is not None:
            self.termlist_dialog.show_saved(names)

    def _list_loaded(self, loaded: LoadedList) -> None:
        if self.termlist_dialog is not None:
            self.termlist_dialog.show_list(loaded)

    def _list_ran(self, run: TermListRun) -> None:
        if self.termlist_dialog is not None:
            self.termlist_dialog.show_run(run)
        self.statusBar().showMessage(
            self.tr("Term list «%1» run: %2 terms in %3 s.")
            .replace("%1", run.termlist.name)
            .replace("%2", str(len(run.results)))
            .replace("%3", QLocale().toString(run.seconds, "f", 1 if run.seconds >= 1 else 2)),
            8000,
        )

    def filter_by_entity(self, key: str, shown: str) -> None:
        """Show only the documents holding an entity (with the query typed, if any)."""
        self._entity = (key, shown)
        self._show_entity_filter()
        self.search(record=True)

    def clear_entity_filter(self) -> None:
        self._entity = None
        self._show_entity_filter()
        self.search(record=True)

    def _show_entity_filter(self) -> None:
        if self._entity is None:
            self.entity_chip.setVisible(False)
            return
        self.entity_chip.setText(self.tr("Entity: %1 ✕").replace("%1", self._entity[1]))
        self.entity_chip.setVisible(True)

    def show_pairs(self) -> None:
        if self.pairs_dialog is None:
            self.pairs_dialog = PairsDialog(self)
            self.pairs_dialog.entity_chosen.connect(self.filter_by_entity)
            self.pairs_dialog.export_requested.connect(lambda: self.export_table("pairs"))
        self.pairs_dialog.show()
        self.pairs_dialog.raise_()
        self._pairs_requested.emit()

    def show_termlists(self) -> None:
        if self.termlist_dialog is None:
            dialog = TermListDialog(self)
            dialog.import_requested.connect(self._list_import_requested)
            dialog.paste_requested.connect(self._list_paste_requested)
            dialog.saved_requested.connect(self._list_saved_requested)
            dialog.run_requested.connect(self._list_run_requested)
            dialog.term_chosen.connect(self.search_term)
            dialog.export_requested.connect(lambda run: self.export_table("termlist", run))
            self.termlist_dialog = dialog
        self.termlist_dialog.show()
        self.termlist_dialog.raise_()
        if self.snapshot is not None:
            self._tools_open_requested.emit(self.snapshot.directory)  # the saved lists, fresh

    def search_term(self, term: str, expand: bool) -> None:
        """Show a term's hits as a normal result list (full text, as the list ran it)."""
        self._entity = None
        self._show_entity_filter()
        self.query.setText(term)
        self.expansions_box.blockSignals(True)
        self.expansions_box.setChecked(expand)
        self.expansions_box.blockSignals(False)
        self._disabled = []
        self._select_mode(SearchMode.LEXICAL)
        self.search(record=True)

    def export_table(self, kind: str, run: object = None) -> None:
        """Export the entity table ("entities"), the entities found together ("pairs") or a term list's run."""
        suggested = {"entities": self.tr("entities"), "pairs": self.tr("entities found together")}.get(kind, "")
        if kind == "termlist":
            suggested = self.tr("term list %1").replace("%1", str(getattr(getattr(run, "termlist", None), "name", "")))
        target = self._ask_output(suggested)
        if target is not None:
            self._table_export_requested.emit(kind, run, *target, self.state.language)
            self.statusBar().showMessage(self.tr("Exporting…"))

    def _tools_failed(self, message: str) -> None:
        if self.termlist_dialog is not None:
            self.termlist_dialog.run_failed()
        QMessageBox.warning(self, "Arbiter Desktop", message)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._audit_timer.isActive():
            self._audit_timer.stop()
            self._record_requested.emit(self._search_number)
        self.indexing.stop_for_exit()
        self._shutdown_requested.emit()
        self.thread_.quit()
        self.thread_.wait(10_000)
        self._tools_shutdown_requested.emit()
        self.tools_thread.quit()
        self.tools_thread.wait(10_000)
        super().closeEvent(event)


def _dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    data = event.mimeData()
    if data is None or not data.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]
    return [p for p in paths if p.exists()]


def _date(edit: QDateEdit, end_of_day: bool = False) -> datetime | None:
    value = edit.date()
    if value == NO_DATE:
        return None
    if end_of_day:
        return datetime(value.year(), value.month(), value.day(), 23, 59, 59)
    return datetime(value.year(), value.month(), value.day())


def _safe_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in " -_.()" else "_" for c in name.strip())
    return cleaned.strip(" .") or "affaire"
