"""The document at the hit: its text with every match of the query marked (previous / next match), or, for a PDF,
the page rendered as an image. "Open original" asks for a read-only copy (made on the search thread: a large file
takes a while to copy) that the system viewer shows, never the evidence file itself."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from arbiter_desktop.domain import DocumentView, FileKind, Hit
from arbiter_desktop.ingest.render import PageImage
from arbiter_desktop.ui.html import document_html, escape

WINDOW_CHARS = 20_000  # a longer document is shown as the part around the current match


class PreviewPane(QWidget):
    page_wanted = Signal(str, int)  # path, page number: the window asks the worker for the image
    original_wanted = Signal(str)  # path or member location: the window asks the worker for a read-only copy

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: DocumentView | None = None
        self.hit: Hit | None = None
        self.current = -1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self.tr("Select a result to read the document."))
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        self.previous_button = QPushButton(self.tr("◀ Previous"))
        self.previous_button.setToolTip(self.tr("Previous match (Shift+F3)"))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.next_button.setToolTip(self.tr("Next match (F3)"))
        self.position = QLabel()
        self.page_button = QPushButton(self.tr("PDF page"))
        self.page_button.setCheckable(True)
        self.page_button.setToolTip(self.tr("Show the PDF page as printed"))
        self.open_button = QPushButton(self.tr("Open original"))
        self.open_button.setToolTip(self.tr("Opens a read-only copy in the system viewer; the source is not touched"))
        for widget in (self.previous_button, self.next_button, self.position):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.page_button)
        bar.addWidget(self.open_button)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.page_label = QLabel()
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        page_scroll = QScrollArea()
        page_scroll.setWidget(self.page_label)
        page_scroll.setWidgetResizable(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.text)
        self.stack.addWidget(page_scroll)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self.previous_button.clicked.connect(self.previous_match)
        self.next_button.clicked.connect(self.next_match)
        self.page_button.toggled.connect(self._show_page)
        self.open_button.clicked.connect(self.open_original)
        self.clear()

    def clear(self) -> None:
        self.view = None
        self.hit = None
        self.current = -1
        self.title.setText(self.tr("Select a result to read the document."))
        self.text.clear()
        self.page_label.clear()
        self.page_button.setChecked(False)
        self._update_buttons()

    def show_document(self, view: DocumentView | None, hit: Hit) -> None:
        self.hit = hit
        self.view = view
        if view is None:
            self.title.setText(self.tr("This document is no longer in the case."))
            self.text.clear()
            self._update_buttons()
            return
        # the current match: the first one inside the hit's passage, else the first after it, else the first
        start = hit.passage_start
        end = start + len(hit.passage)
        inside = [i for i, (a, _) in enumerate(view.matches) if start <= a < end]
        after = [i for i, (a, _) in enumerate(view.matches) if a >= start]
        self.current = (inside or after or [0])[0] if view.matches else -1
        paths = "<br>".join(escape(p) for p in (view.path, *view.other_paths))
        self.title.setText(
            f"<b>{escape(view.title or Path(view.path).name)}</b><br>"
            f'<span style="color:#666666">{paths}<br>SHA-256 {view.sha256}</span>'
        )
        self.page_button.setEnabled(view.kind is FileKind.PDF)
        self._render_text()
        if self.page_button.isChecked():
            self._request_page()

    def show_page_image(self, image: PageImage) -> None:
        qimage = QImage(image.rgb, image.width, image.height, image.width * 3, QImage.Format.Format_RGB888)
        self.page_label.setPixmap(QPixmap.fromImage(qimage.copy()))
        self._update_position()

    def show_page_error(self, message: str) -> None:
        self.page_label.setText(self.tr("The page cannot be shown: %1").replace("%1", message))

    def next_match(self) -> None:
        self._step(1)

    def previous_match(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if self.view is not None and self.view.matches:
            self.current = (self.current + delta) % len(self.view.matches)
            self._render_text()
            if self.page_button.isChecked():
                self._request_page()

    def current_page(self) -> int:
        if self.view is None:
            return 1
        if 0 <= self.current < len(self.view.matches):
            return self.view.page_of(self.view.matches[self.current][0])
        return self.hit.page if self.hit is not None else 1

    def open_original(self) -> None:
        if self.view is None:
            return
        self.original_wanted.emit(self.view.path)  # copied off the GUI thread (a member is extracted first)

    def _render_text(self) -> None:
        view = self.view
        if view is None:
            return
        start, end = 0, len(view.text)
        if len(view.text) > WINDOW_CHARS:
            anchor = view.matches[self.current][0] if self.current >= 0 else (self.hit.passage_start if self.hit else 0)
            start = max(0, anchor - WINDOW_CHARS // 2)
            end = min(len(view.text), start + WINDOW_CHARS)
        html = document_html(view.text, view.matches, self.current, start, end)
        if (start, end) != (0, len(view.text)):
            note = self.tr("Extract: characters %1 to %2 of %3.").replace("%1", str(start))
            note = note.replace("%2", str(end)).replace("%3", str(len(view.text)))
            html = f'<p style="color:#666666">{note}</p>' + html
        self.text.setHtml(html)
        if self.current >= 0:
            self.text.scrollToAnchor(f"m{self.current}")
        self._update_buttons()

    def _show_page(self, on: bool) -> None:
        self.stack.setCurrentIndex(1 if on else 0)
        if on:
            self._request_page()
        self._update_position()

    def _request_page(self) -> None:
        if self.view is not None and self.view.kind is FileKind.PDF:
            self.page_wanted.emit(self.view.path, self.current_page())

    def _update_buttons(self) -> None:
        has = self.view is not None and bool(self.view.matches)
        self.previous_button.setEnabled(has)
        self.next_button.setEnabled(has)
        self.open_button.setEnabled(self.view is not None)
        if self.view is None or self.view.kind is not FileKind.PDF:
            self.page_button.setEnabled(False)
        self._update_position()

    def _update_position(self) -> None:
        if self.view is None:
            self.position.setText("")
            return
        page = self.tr("page %1").replace("%1", str(self.current_page()))
        if self.view.matches:
            where = self.tr("match %1 / %2").replace("%1", str(self.current + 1))
            self.position.setText(where.replace("%2", str(len(self.view.matches))) + " · " + page)
        else:
            self.position.setText(page)
