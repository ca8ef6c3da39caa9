"""Draws one hit of the result list as rich text (already escaped by the model), wrapped to the view's width."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from arbiter_desktop.ui.results_model import HtmlRole

MARGIN = 6


class HitDelegate(QStyledItemDelegate):
    """Lays out each hit once per width: the documents are kept (a few dozen) so painting reuses them."""

    CACHE = 200

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache: OrderedDict[tuple[str, int], QTextDocument] = OrderedDict()

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QTextDocument:
        html = str(index.data(HtmlRole) or "")
        width = max(200, (option.rect.width() if option.rect.width() > 0 else 600) - 2 * MARGIN)
        key = (html, width)
        doc = self._cache.get(key)
        if doc is not None:
            self._cache.move_to_end(key)
            return doc
        doc = QTextDocument(self)
        doc.setDefaultFont(option.font)
        doc.setHtml(html)
        doc.setTextWidth(width)
        self._cache[key] = doc
        if len(self._cache) > self.CACHE:
            _, old = self._cache.popitem(last=False)
            old.deleteLater()
        return doc

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        doc = self._document(option, index)
        painter.save()
        rect = option.rect
        painter.translate(rect.left() + MARGIN, rect.top() + MARGIN)
        context = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.StateFlag.State_Selected:
            context.palette.setColor(
                QPalette.ColorRole.Text,
                option.palette.color(QPalette.ColorRole.HighlightedText),
            )
        context.clip = QRectF(0, 0, rect.width() - 2 * MARGIN, rect.height() - 2 * MARGIN)
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        doc = self._document(option, index)
        return QSize(int(doc.idealWidth()) + 2 * MARGIN, int(doc.size().height()) + 2 * MARGIN)
