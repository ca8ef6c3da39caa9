"""The Qt binding keeps Python's reference counts right.

PySide6 6.12.0 decremented None (and True/False) once more than it should each time a Python override returned
None to Qt or a signal carried None; on Python 3.11, where those objects are not immortal, the app crashed
("Fatal Python error: none_dealloc") after a few thousand such calls — a few searches. These checks keep an
upgrade of the binding from bringing that back.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from pytestqt.qtbot import QtBot


class _Model(QAbstractListModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return None


class _Emitter(QObject):
    signal = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.received = 0

    def slot(self, _value: object) -> None:
        self.received += 1


def _references_lost(obj: object, action: Callable[[], object], times: int = 500) -> int:
    gc.collect()
    before = sys.getrefcount(obj)
    for _ in range(times):
        action()
    gc.collect()
    return before - sys.getrefcount(obj)


def test_a_model_returning_none_keeps_none_alive(qtbot: QtBot) -> None:
    model = _Model()
    assert _references_lost(None, lambda: model.index(0).data(Qt.ItemDataRole.FontRole)) <= 10


def test_signals_carrying_none_and_booleans_keep_them_alive(qtbot: QtBot) -> None:
    emitter = _Emitter()
    emitter.signal.connect(emitter.slot)
    assert _references_lost(None, lambda: emitter.signal.emit(None)) <= 10
    assert _references_lost(True, lambda: emitter.signal.emit(True)) <= 10
    assert emitter.received == 1000
