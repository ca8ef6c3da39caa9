"""The entity index of the case in the window: entities by type with their document counts (a click filters the
results to the documents holding one), the entities found together, and their exports.

:class:`EntitiesModel` and :class:`PairsModel` are thin Qt adapters over the lists that the tools worker sends
(:class:`~arbiter_desktop.stores.analysis.EntitySummary`, :class:`~arbiter_desktop.stores.analysis.Cooccurrence`);
numbers sort as numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from arbiter_desktop.entities import LISTED_TYPES, EntityType
from arbiter_desktop.stores.analysis import Cooccurrence, EntitySummary
from arbiter_desktop.ui.tools_worker import EntityListing

SortRole = Qt.ItemDataRole.UserRole + 1
KeyRole = Qt.ItemDataRole.UserRole + 2  # "type:value", the search filter
TypeRole = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


def type_names() -> dict[EntityType, str]:
    """The types' names in the interface's language."""
    return {
        EntityType.PHONE: QCoreApplication.translate("EntityTypes", "Phone"),
        EntityType.EMAIL: QCoreApplication.translate("EntityTypes", "E-mail"),
        EntityType.IBAN: QCoreApplication.translate("EntityTypes", "IBAN"),
        EntityType.PLATE: QCoreApplication.translate("EntityTypes", "Plate"),
        EntityType.IMEI: QCoreApplication.translate("EntityTypes", "IMEI"),
        EntityType.SIREN: QCoreApplication.translate("EntityTypes", "SIREN"),
        EntityType.SIRET: QCoreApplication.translate("EntityTypes", "SIRET"),
        EntityType.IP: QCoreApplication.translate("EntityTypes", "IP address"),
        EntityType.DATE: QCoreApplication.translate("EntityTypes", "Date"),
        EntityType.AMOUNT: QCoreApplication.translate("EntityTypes", "Amount"),
        EntityType.PERSON: QCoreApplication.translate("EntityTypes", "Person"),
        EntityType.PLACE: QCoreApplication.translate("EntityTypes", "Place"),
        EntityType.NUMBER: QCoreApplication.translate("EntityTypes", "Number"),
    }


def filter_key(entity: EntitySummary) -> str:
    """The search filter of an entity: "type:canonical value" (``SearchRequest.entity``)."""
    return f"{entity.type.value}:{entity.value}"


class EntitiesModel(QAbstractTableModel):
    """Entities: type, entity (as first written), documents, occurrences."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[EntitySummary] = []
        self.names = type_names()
        self.headers = [self.tr("Type"), self.tr("Entity"), self.tr("Documents"), self.tr("Occurrences")]

    def set_entities(self, rows: Sequence[EntitySummary]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entity = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (self.names[entity.type], entity.display, entity.documents, entity.occurrences)[column]
        if role == SortRole:
            return (self.names[entity.type], entity.display.casefold(), entity.documents, entity.occurrences)[column]
        if role == KeyRole:
            return filter_key(entity)
        if role == TypeRole:
            return entity.type.value
        if role == Qt.ItemDataRole.ToolTipRole:
            check = ""
            if not entity.valid:
                check = "\n" + self.tr("Its check digit is wrong: written so in the documents.")
            return (
                self.tr("%1 — normalised: %2 — click to show the documents that hold it")
                .replace("%1", entity.display)
                .replace("%2", entity.value)
                + check
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class _EntityFilter(QSortFilterProxyModel):
    """Rows of one type (or all), whose entity holds the typed text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kind = ""
        self.text = ""
        self.setSortRole(SortRole)

    def set_filter(self, kind: str, text: str) -> None:
        self.beginFilterChange()
        self.kind, self.text = kind, text.casefold().strip()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        index = model.index(source_row, 1, source_parent)
        if self.kind and model.data(index, TypeRole) != self.kind:
            return False
        if not self.text:
            return True
        shown = str(model.data(index, Qt.ItemDataRole.DisplayRole)).casefold()
        return self.text in shown or self.text in str(model.data(index, KeyRole)).casefold()


class EntitiesPanel(QWidget):
    """Entities of the case by type; a click asks for the results to be filtered to the documents holding one."""

    entity_chosen = Signal(str, str)  # filter key ("phone:+33749271683"), the entity as shown
    pairs_requested = Signal()
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = EntitiesModel(self)
        self.proxy = _EntityFilter(self)
        self.proxy.setSourceModel(self.model)
        self.kind = QComboBox()
        self.kind.setToolTip(self.tr("Entity type"))
        self.kind.currentIndexChanged.connect(lambda _i: self._filter())
        self.finder = QLineEdit()
        self.finder.setPlaceholderText(self.tr("Find an entity…"))
        self.finder.setClearButtonEnabled(True)
        self.finder.textChanged.connect(lambda _t: self._filter())
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.pairs_button = QPushButton(self.tr("Found together…"))
        self.pairs_button.setToolTip(self.tr("Which entities occur in the same documents"))
        self.pairs_button.clicked.connect(self.pairs_requested)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Export the entity table to PDF and/or CSV for the case file"))
        self.export_button.clicked.connect(self.export_requested)
        top = QHBoxLayout()
        top.addWidget(self.kind)
        top.addWidget(self.finder, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pairs_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addLayout(buttons)
        self.show_listing(EntityListing((), 0))

    def show_listing(self, listing: EntityListing) -> None:
        """Fill the panel; the type chosen and the text typed stay."""
        kind = self.kind.currentData() or ""
        self.model.set_entities(listing.entities)
        per_type = Counter(e.type for e in listing.entities)
        names = type_names()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem(self.tr("All types (%1)").replace("%1", str(len(listing.entities))), "")
        for entity_type in LISTED_TYPES:
            if per_type[entity_type]:
                self.kind.addItem(f"{names[entity_type]} ({per_type[entity_type]})", entity_type.value)
        found = self.kind.findData(kind)
        self.kind.setCurrentIndex(max(0, found))
        self.kind.blockSignals(False)
        if listing.total > len(listing.entities):
            self.count.setText(
                self.tr("The %1 most widespread of %2 entities (export for all of them).")
                .replace("%1", str(len(listing.entities)))
                .replace("%2", str(listing.total))
            )
        elif not listing.entities:
            self.count.setText(self.tr("No entity yet: phones, e-mails, IBANs, plates… appear here once indexed."))
        else:
            self.count.setText(self.tr("Click an entity to show the documents that hold it."))
        has_rows = bool(listing.entities)
        self.pairs_button.setEnabled(has_rows)
        self.export_button.setEnabled(has_rows)
        self._filter()

    def _filter(self) -> None:
        self.proxy.set_filter(self.kind.currentData() or "", self.finder.text())

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            source = self.proxy.mapToSource(index)
            entity = self.model.rows[source.row()]
            self.entity_chosen.emit(filter_key(entity), f"{type_names()[entity.type]} {entity.display}")


class PairsModel(QAbstractTableModel):
    """Entities found together: type and entity of each, shared documents."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Cooccurrence] = []
        self.names = type_names()
        self.headers = [self.tr("Type"), self.tr("Entity"), self.tr("Type"), self.tr("Entity"), self.tr("Documents")]

    def set_pairs(self, rows: Sequence[Cooccurrence]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        pair = self.rows[index.row()]
        values = (self.names[pair.a.type], pair.a.display, self.names[pair.b.type], pair.b.display, pair.documents)
        if role == Qt.ItemDataRole.DisplayRole:
            return values[index.column()]
        if role == SortRole:
            value = values[index.column()]
            return value.casefold() if isinstance(value, str) else value
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class PairsDialog(QDialog):
    """The entities found in the same documents, the most shared first; a click on an entity filters by it."""

    entity_chosen = Signal(str, str)
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Entities found together"))
        self.resize(760, 520)
        self.model = PairsModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(SortRole)
        self.proxy = proxy
        self.table = QTableView()
        self.table.setModel(proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column in (1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(self._clicked)
        self.note = QLabel(self.tr("Loading…"))
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = buttons.addButton(self.tr("Export…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export_requested)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def show_pairs(self, pairs: Sequence[Cooccurrence]) -> None:
        self.model.set_pairs(pairs)
        if pairs:
            self.note.setText(
                self.tr(
                    "%1 pairs of entities found in the same documents. Click an entity to show its documents."
                ).replace("%1", str(len(pairs)))
            )
        else:
            self.note.setText(self.tr("No two entities occur in the same document."))
        self.export_button.setEnabled(bool(pairs))

    def _clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        pair = self.model.rows[self.proxy.mapToSource(index).row()]
        column = index.column()
        if column in (0, 1):
            entity = pair.a
        elif column in (2, 3):
            entity = pair.b
        else:
            return
        self.entity_chosen.emit(filter_key(entity), f"{type_names()[entity.type]} {entity.display}")
