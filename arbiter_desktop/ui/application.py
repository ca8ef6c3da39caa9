"""Start-up of the desktop app: the QApplication, the French (or English) translation, the main window on the
last case (or the demo case on first run), and a screenshot mode for documentation and checks."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from arbiter_desktop import __version__, app
from arbiter_desktop.config import paths
from arbiter_desktop.domain import SearchMode, SearchResult
from arbiter_desktop.ui import state as gui_state
from arbiter_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

SCREENSHOT_TIMEOUT_MS = 180_000


@dataclass
class GuiOptions:
    case: Path | None = None
    query: str = ""
    mode: SearchMode | None = None
    add: list[Path] = field(default_factory=list)
    screenshot: Path | None = None
    hit: int = 1  # with --screenshot: the hit shown in the preview
    page_view: bool = False  # with --screenshot: show the PDF page rather than the text
    delay_s: float = 0.0  # with --screenshot: wait this long before the shot (e.g. to show indexing progress)
    size: tuple[int, int] = (1440, 900)
    language: str | None = None


def translations_dir() -> Path:
    return paths.resources_dir() / "translations"


def install_translators(qt_app: QApplication, language: str) -> list[QTranslator]:
    """The app's own translation and Qt's (standard buttons, dialogs) for ``language``; English is the source
    language and needs none."""
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    ours = QTranslator(qt_app)
    if ours.load(str(translations_dir() / f"arbiter_{language}.qm")):
        qt_app.installTranslator(ours)
        installed.append(ours)
    else:
        log.warning("translation %s not found in %s: the interface is in English", language, translations_dir())
    qt = QTranslator(qt_app)
    if qt.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        qt_app.installTranslator(qt)
        installed.append(qt)
    QLocale.setDefault(QLocale(language))
    return installed


def application(argv: Sequence[str] = ()) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    qt_app = QApplication([sys.argv[0], *argv])
    qt_app.setApplicationName("Arbiter Desktop")
    qt_app.setOrganizationName("Arbiter")
    qt_app.setApplicationVersion(__version__)
    return qt_app


def run(options: GuiOptions) -> int:
    qt_app = application()
    state = gui_state.load()
    install_translators(qt_app, options.language or state.language)
    window = MainWindow(state)
    window.resize(*options.size)
    window.show()
    case_dir = options.case or state.last_case or app.demo_case_dir()
    driver = _ScreenshotDriver(window, options) if options.screenshot is not None else None
    if options.query:
        window.query.setText(options.query)
    if options.add:
        window.index_paths(options.add)
    window.open_case(case_dir.resolve())
    code = qt_app.exec()
    if driver is not None:
        return driver.exit_code
    return code


class _ScreenshotDriver(QObject):
    """Open the case, run the query, show hit N (and its PDF page), save the window as PNG, quit."""

    def __init__(self, window: MainWindow, options: GuiOptions) -> None:
        super().__init__(window)
        self.window = window
        self.options = options
        self.exit_code = 1
        window.case_ready.connect(self._case_ready)
        window.results_shown.connect(self._results)
        window.document_shown.connect(self._document)
        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, self._timeout)
        self._done = False

    def _case_ready(self) -> None:
        if self.options.mode is not None:
            self.window.mode.setCurrentIndex(max(0, self.window.mode.findData(self.options.mode.value)))
        if self.options.query:
            self.window.search()
        else:
            QTimer.singleShot(int(self.options.delay_s * 1000) + 300, self._shoot)

    def _results(self, result: SearchResult) -> None:
        if self._done:
            return
        if self.window.indexing.running and not self.options.delay_s:
            return  # the window searches again when indexing ends: shoot the complete results
        if not result.hits:
            QTimer.singleShot(int(self.options.delay_s * 1000) + 300, self._shoot)
            return
        row = min(self.options.hit, len(result.hits)) - 1
        view = self.window.results_view
        if view.currentIndex().row() != row:
            view.setCurrentIndex(self.window.results.index(row))

    def _document(self) -> None:
        if self._done:
            return
        if self.options.page_view and self.window.preview.page_button.isEnabled():
            self.window.preview.page_button.setChecked(True)
            QTimer.singleShot(int(self.options.delay_s * 1000) + 1500, self._shoot)
        else:
            QTimer.singleShot(int(self.options.delay_s * 1000) + 300, self._shoot)

    def _shoot(self) -> None:
        if self._done:
            return
        self._done = True
        target = self.options.screenshot
        assert target is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.window.grab().save(str(target)):
            self.exit_code = 0
            print(f"screenshot: {target}")
        else:
            print(f"error: cannot write {target}", file=sys.stderr)
        self.window.close()

    def _timeout(self) -> None:
        if not self._done:
            print("error: the window did not show results in time", file=sys.stderr)
            self._done = True
            self.window.close()
