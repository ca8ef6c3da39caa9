"""The result list as a Qt item model: a thin adapter over the tuple of hits of the last search."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from arbiter_desktop.domain import Hit, SearchMode
from arbiter_desktop.ui.html import escape, passage_html

HitRole = Qt.ItemDataRole.UserRole + 1  # the Hit itself
HtmlRole = Qt.ItemDataRole.UserRole + 2  # the hit drawn as escaped rich text (see delegate.py)

Index = QModelIndex | QPersistentModelIndex


class ResultsModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: tuple[Hit, ...] = ()
        self._mode = SearchMode.LEXICAL

    def set_hits(self, hits: tuple[Hit, ...], mode: SearchMode) -> None:
        self.beginResetModel()
        self._hits = hits
        self._mode = mode
        self.endResetModel()

    def update_hits(self, changed: Mapping[int, Hit]) -> None:
        """Replace the hits of some rows (their closest sentence marked), redrawn in place."""
        hits = list(self._hits)
        for row, hit in changed.items():
            if 0 <= row < len(hits):
                hits[row] = hit
        self._hits = tuple(hits)
        for row in changed:
            if 0 <= row < len(hits):
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def clear(self) -> None:
        self.set_hits((), self._mode)

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    @property
    def hits(self) -> tuple[Hit, ...]:
        return self._hits

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        hit = self.hit(index.row())
        if hit is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.rank}. {hit.title or PurePath(hit.doc_path).name} — p. {hit.page}"
        if role == Qt.ItemDataRole.ToolTipRole:
            paths = "\n".join((hit.doc_path, *hit.other_paths))
            return f"{paths}\nSHA-256 {hit.sha256}"
        if role == HitRole:
            return hit
        if role == HtmlRole:
            return self.hit_html(hit)
        return None

    def hit_html(self, hit: Hit) -> str:
        name = PurePath(hit.doc_path).name
        title = escape(hit.title) if hit.title and hit.title != name else ""
        heading = f"<b>{hit.rank}. {escape(name)}</b>" + (f" — {title}" if title else "")
        page = self.tr("page %1").replace("%1", str(hit.page))
        where = f'<span style="color:#666666">{escape(str(PurePath(hit.doc_path).parent))} · {page}'
        if hit.other_paths:
            where += " · " + self.tr("%n other copies", "", len(hit.other_paths))
        where += f" · {self._score_text(hit)}</span>"
        why: list[str] = []
        if hit.matched_terms:
            why.append(self.tr("words: %1").replace("%1", escape(", ".join(hit.matched_terms))))
        for label in hit.expansions:
            why.append(self.tr("expansion: %1").replace("%1", escape(label)))
        if hit.semantic_highlight is not None:
            why.append(self.tr("close in meaning (underlined)"))
        elif not hit.matched_terms and hit.scores.dense is not None:
            why.append(self.tr("by meaning"))
        why_html = f'<br><span style="color:#2f5d8a">{" · ".join(why)}</span>' if why else ""
        body = passage_html(hit.passage, hit.highlights, hit.semantic_highlight)
        return f"{heading}<br>{where}<br>{body}{why_html}"

    def _score_text(self, hit: Hit) -> str:
        parts = [self.tr("score %1").replace("%1", f"{hit.score:.3f}")]
        if hit.scores.bm25 is not None and self._mode is not SearchMode.LEXICAL:
            parts.append(f"BM25 {hit.scores.bm25:.2f}")
        if hit.scores.dense is not None and self._mode is not SearchMode.DENSE:
            parts.append(self.tr("meaning %1").replace("%1", f"{hit.scores.dense:.3f}"))
        if hit.scores.rerank is not None:
            parts.append(self.tr("rerank %1").replace("%1", f"{hit.scores.rerank:.3f}"))
        return " · ".join(parts)
