"""Small widgets of the main window: expansion chips, the indexing progress panel, the sources and errors panel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from arbiter_desktop.domain import LOCATION_SEPARATOR, Expansion, FileError
from arbiter_desktop.indexing.job import IndexReport, Progress
from arbiter_desktop.indexing.unindexed import group_errors
from arbiter_desktop.stores.catalog import SourceCounts


class ExpansionChips(QWidget):
    """One toggle per expansion applied to the query; switching one off searches again without it."""

    toggled = Signal(str, bool)  # expansion key, enabled

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._label = QLabel(self.tr("Expansions:"))
        self._layout.addWidget(self._label)
        self._layout.addStretch(1)
        self.chips: list[QToolButton] = []
        self.setVisible(False)

    def show_expansions(self, applied: tuple[Expansion, ...], disabled: tuple[str, ...]) -> None:
        for chip in self.chips:
            self._layout.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        shown: list[tuple[str, str, bool]] = [(e.key, e.label(), True) for e in applied]
        shown += [(key, key, False) for key in disabled if key not in {e.key for e in applied}]
        for key, label, enabled in shown:
            chip = QToolButton(self)
            chip.setCheckable(True)
            chip.setChecked(enabled)
            chip.setToolTip(self.tr("Click to switch this expansion off or on for this search"))
            self._style(chip, key, label)
            chip.setProperty("expansion_key", key)
            chip.toggled.connect(lambda on, c=chip, k=key, text=label: self._chip_toggled(c, k, text, on))
            self._layout.insertWidget(self._layout.count() - 1, chip)
            self.chips.append(chip)
        self.setVisible(bool(shown))

    def _style(self, chip: QToolButton, key: str, label: str) -> None:
        on = chip.isChecked()
        chip.setText(label if on else self.tr("%1 (off)").replace("%1", key))
        chip.setStyleSheet(ON_STYLE if on else OFF_STYLE)

    def _chip_toggled(self, chip: QToolButton, key: str, label: str, on: bool) -> None:
        self._style(chip, key, label)
        self.toggled.emit(key, on)


ON_STYLE = "QToolButton{border:1px solid #7fa6cf;border-radius:9px;padding:2px 8px;background:#e6f0fb;color:#1d3f66}"
OFF_STYLE = "QToolButton{border:1px dashed #b0b0b0;border-radius:9px;padding:2px 8px;background:#f4f4f4;color:#888888}"


def _duration(seconds: float) -> str:
    seconds = int(max(0, seconds))
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds} s"


class ProgressPanel(QWidget):
    """Phase, counts, throughput and time left of the indexing run, with pause / resume and cancel."""

    pause_clicked = Signal()
    resume_clicked = Signal()
    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.phase = QLabel()
        self.bar = QProgressBar()
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        buttons = QHBoxLayout()
        self.pause_button = QPushButton(self.tr("Pause"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        for widget in (self.phase, self.bar, self.detail):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self._paused = False
        self.pause_button.clicked.connect(self._pause_or_resume)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.set_idle(self.tr("No indexing in progress."))

    def _pause_or_resume(self) -> None:
        (self.resume_clicked if self._paused else self.pause_clicked).emit()

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        if paused:
            self.phase.setText(self.tr("Paused"))

    def set_running(self) -> None:
        self.set_paused(False)
        self.phase.setText(self.tr("Looking for files…"))
        self.bar.setRange(0, 0)
        self.detail.setText("")
        self.pause_button.setEnabled(True)
        self.cancel_button.setEnabled(True)

    def set_idle(self, message: str) -> None:
        self.phase.setText(message)
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.detail.setText("")
        self.pause_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self._paused = False
        self.pause_button.setText(self.tr("Pause"))

    def show_progress(self, p: Progress) -> None:
        if self._paused:
            return
        if p.phase == "scan" or p.total == 0:
            self.phase.setText(self.tr("Looking for files…"))
            self.bar.setRange(0, 0)
            return
        self.bar.setRange(0, p.total)
        self.bar.setValue(p.done)
        rate = p.done / p.elapsed_s if p.elapsed_s > 0 else 0.0
        if p.phase == "ocr":
            self.phase.setText(self.tr("Recognising scanned pages (OCR)"))
            text = self.tr("OCR %1/%2 pages").replace("%1", str(p.done)).replace("%2", str(p.total))
            if p.eta_s is not None and p.done < p.total:
                text += " · ~" + _duration(p.eta_s)
            self.detail.setText(text)
        elif p.phase == "readings":
            self.phase.setText(self.tr("Reading badly recognised documents with the case's spelling"))
            self.detail.setText(
                self.tr("%1 / %2 documents checked").replace("%1", str(p.done)).replace("%2", str(p.total))
            )
        elif p.phase == "names":
            self.phase.setText(self.tr("Finding the names of people and places"))
            self.detail.setText(
                self.tr("%1 / %2 documents read").replace("%1", str(p.done)).replace("%2", str(p.total))
            )
        elif p.phase == "semantic":
            self.phase.setText(self.tr("Semantic indexing (search by meaning)"))
            self.detail.setText(
                self.tr("%1 / %2 passages · %3 passages/s · searchable by meaning in %4")
                .replace("%1", str(p.done))
                .replace("%2", str(p.total))
                .replace("%3", f"{rate:.1f}")
                .replace("%4", self._eta(p.eta_semantic_s))
            )
        else:
            self.phase.setText(self.tr("Text indexing"))
            detail = (
                self.tr("%1 / %2 files · %3 files/s · %4 MB of text · %5 errors")
                .replace("%1", str(p.done))
                .replace("%2", str(p.total))
                .replace("%3", f"{rate:.1f}")
                .replace("%4", f"{p.text_bytes / 1e6:.1f}")
                .replace("%5", str(p.errors))
            )
            searchable = self.tr("Searchable by words in %1").replace("%1", self._eta(p.eta_text_s))
            if p.eta_semantic_s is not None:
                searchable += self.tr(", by meaning in %1").replace("%1", self._eta(p.eta_semantic_s))
            self.detail.setText(f"{detail}\n{searchable}")
        self.detail.setToolTip(p.current)

    def _eta(self, seconds: float | None) -> str:
        """ "about 3 min 20 s", or "…" while the pace is being measured."""
        if seconds is None:
            return self.tr("… (measuring the pace)")
        return self.tr("about %1").replace("%1", _duration(seconds))

    def show_report(self, report: IndexReport) -> None:
        if report.cancelled:
            message = self.tr("Indexing stopped: it resumes from where it stopped next time.")
        else:
            message = (
                self.tr("Indexed in %1: %2 added, %3 changed, %4 removed, %5 errors.")
                .replace("%1", _duration(report.seconds))
                .replace("%2", str(report.added))
                .replace("%3", str(report.changed))
                .replace("%4", str(report.removed))
                .replace("%5", str(report.errors))
            )
            if report.ocr.pages or report.ocr.cached:
                message += " " + self.tr("OCR: %1 pages recognised.").replace(
                    "%1", str(report.ocr.pages + report.ocr.cached)
                )
            if report.ocr.awaiting_pages:
                message += " " + self.tr("%1 scanned pages await OCR.").replace("%1", str(report.ocr.awaiting_pages))
            if report.ocr.failures:
                message += " " + self.tr("%1 scanned pages could not be read.").replace(
                    "%1", str(len(report.ocr.failures))
                )
            if report.names.unavailable:
                message += " " + self.tr("Names of people and places not read: the French NER model is missing.")
        self.set_idle(message)


class SourcesPanel(QWidget):
    """Per source folder: files, indexed, errors; below, every file in error with its reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel(self.tr("Drop folders or files anywhere on the window to add them to the case."))
        self.hint.setWordWrap(True)
        self.sources = QTreeWidget()
        self.sources.setHeaderLabels([self.tr("Folder"), self.tr("Files"), self.tr("Indexed"), self.tr("Errors")])
        self.sources.setRootIsDecorated(False)
        header = self.sources.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.errors_label = QLabel(self.tr("Files not indexed"))
        self.errors = QTreeWidget()
        self.errors.setHeaderLabels([self.tr("File"), self.tr("Reason")])
        self.errors.setRootIsDecorated(True)
        self.errors.setWordWrap(True)
        for widget in (self.hint, self.sources, self.errors_label, self.errors):
            layout.addWidget(widget)

    def show_sources(self, sources: tuple[SourceCounts, ...], errors: tuple[FileError, ...]) -> None:
        self.sources.clear()
        for s in sources:
            item = QTreeWidgetItem([Path(s.path).name or s.path, str(s.files), str(s.indexed), str(s.errors)])
            item.setToolTip(0, s.path)
            for column in (1, 2, 3):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            self.sources.addTopLevelItem(item)
        self.errors.clear()
        for group in group_errors(errors):
            reason = group.reason.value
            head = QTreeWidgetItem([f"{self._reason(reason)} ({len(group.errors)})", self._advice(reason)])
            head.setToolTip(1, self._advice(reason))
            for e in group.errors:
                shown_name = e.path.rsplit(LOCATION_SEPARATOR, 1)[-1] if LOCATION_SEPARATOR in e.path else e.path
                item = QTreeWidgetItem([Path(shown_name).name or shown_name, e.message])
                item.setToolTip(0, e.path)
                item.setToolTip(1, e.message)
                head.addChild(item)
            self.errors.addTopLevelItem(head)
            head.setExpanded(len(group.errors) <= 20)
        self.errors_label.setText(self.tr("Files not indexed (%1)").replace("%1", str(len(errors))))

    def _advice(self, reason: str) -> str:
        """What would make the files of a group readable."""
        advice = {
            "encrypted": self.tr("Remove the password in a working copy, then add that copy to the case."),
            "unsupported": self.tr("A format the app does not read: convert it in a working copy."),
            "corrupt": self.tr("Damaged or truncated: get an intact copy from its source."),
            "empty": self.tr("No text in it (blank, or scanned images only)."),
            "too_large": self.tr("Over a size or count limit: split it, or raise the limit in the settings."),
            "timeout": self.tr("Too slow to read: raise the time limit, or split the file."),
            "memory": self.tr("Needed too much memory: raise the memory limit, or split the file."),
            "unreadable": self.tr("Check its permissions and that its drive is connected, then index again."),
            "changed": self.tr("It was being written: index again once it is complete."),
            "hostile": self.tr(
                "Refused for safety (bomb, nested archives, a name leaving its archive): examine it apart."
            ),
        }
        return advice.get(reason, "")

    def _reason(self, reason: str) -> str:
        names = {
            "unsupported": self.tr("unsupported format"),
            "encrypted": self.tr("encrypted"),
            "corrupt": self.tr("damaged"),
            "empty": self.tr("no text"),
            "too_large": self.tr("too large"),
            "timeout": self.tr("too slow to read"),
            "memory": self.tr("too much memory"),
            "unreadable": self.tr("unreadable"),
            "hostile": self.tr("rejected for safety"),
            "changed": self.tr("changed while read"),
        }
        return names.get(reason, reason)
