"""设置 → 选项表: the editable value lists (困难类别, 致困原因, 健康状况…) offered in forms.

Pick a list, see its live values, add one or retire one. Retiring only stops offering the
value: records saved with it keep it (see :mod:`gonghui_desk.value_lists`).
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel,
                               QLineEdit, QListView, QPushButton, QVBoxLayout, QWidget)

from gonghui_desk import value_lists
from gonghui_desk.errors import UserError
from gonghui_desk.ui.dialogs import ERROR_COLOUR


class ValueListsDialog(QDialog):
    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("选项表")
        layout = QVBoxLayout(self)
        intro = QLabel("表单中下拉选项的内容。停用的选项不再供选择，已保存的记录仍保留原来的文字。")
        intro.setWordWrap(True)
        intro.setObjectName("mutedText")
        layout.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(QLabel("选项表："))
        self.list_combo = QComboBox()
        for key, label in value_lists.LIST_LABELS.items():
            self.list_combo.addItem(label, key)
        self.list_combo.currentIndexChanged.connect(self.reload)
        row.addWidget(self.list_combo, 1)
        layout.addLayout(row)
        self.model = QStringListModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.selectionModel().currentChanged.connect(self._selection_changed)
        layout.addWidget(self.view, 1)
        add = QHBoxLayout()
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText("新选项，如：因公致困")
        self.value_edit.returnPressed.connect(self.add_value)
        self.add_button = QPushButton("添加")
        self.add_button.clicked.connect(self.add_value)
        self.retire_button = QPushButton("停用选中项")
        self.retire_button.setEnabled(False)
        self.retire_button.clicked.connect(self.retire_selected)
        add.addWidget(self.value_edit, 1)
        add.addWidget(self.add_button)
        add.addWidget(self.retire_button)
        layout.addLayout(add)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, 460)
        self.reload()

    def current_key(self) -> str:
        return self.list_combo.currentData()

    def values(self) -> list[str]:
        return self.model.stringList()

    def reload(self) -> None:
        self.model.setStringList(value_lists.values(self.context.db, self.current_key()))
        self.retire_button.setEnabled(False)

    def _selection_changed(self, current, previous) -> None:
        self.retire_button.setEnabled(current.isValid())

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "color: #2e7d32;")

    def _changed(self) -> None:
        signal = getattr(self.context, "hardship_changed", None)
        if signal is not None:
            signal.emit()

    def add_value(self) -> bool:
        value = self.value_edit.text().strip()
        try:
            value_lists.add_value(self.context.db, self.current_key(), value)
        except UserError as exc:
            self._say(str(exc), error=True)
            return False
        self.value_edit.clear()
        self.reload()
        self._say(f"已添加“{value}”")
        self._changed()
        return True

    def retire_selected(self) -> bool:
        index = self.view.currentIndex()
        if not index.isValid():
            return False
        value = index.data(Qt.DisplayRole)
        value_lists.retire_value(self.context.db, self.current_key(), value)
        self.reload()
        self._say(f"已停用“{value}”，已保存的记录不受影响")
        self._changed()
        return True

    def select_value(self, value: str) -> bool:
        """Select ``value`` in the list (also used by tests)."""
        values = self.values()
        if value not in values:
            return False
        self.view.setCurrentIndex(self.model.index(values.index(value)))
        return True


def open_value_lists_dialog(parent: QWidget, context) -> ValueListsDialog:
    dialog = ValueListsDialog(context, parent)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["ValueListsDialog", "open_value_lists_dialog"]
