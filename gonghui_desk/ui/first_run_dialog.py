"""The first start: the union's name and kind (the kind sets the words used everywhere)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
                               QWidget)

from gonghui_desk import APP_TITLE
from gonghui_desk.errors import UserError
from gonghui_desk.union import save_profile
from gonghui_desk.vocabulary import UNION_KINDS, vocabulary_for

KIND_LABELS = {
    "企业": "企业（公司、厂矿、农场）",
    "学校": "学校 / 幼儿园",
    "医院": "医院 / 卫生院",
    "机关": "机关 / 事业单位",
    "其他": "其他",
}


def kind_explanation(kind: str) -> str:
    """One line saying which words this kind of unit uses."""
    v = vocabulary_for(kind)
    return (f"软件将称本单位人员为“{v.staff}”，代表大会为“{v.congress_short}”（{v.congress}），"
            f"公开工作为“{v.open_affairs}”。")


def make_kind_combo(parent: QWidget | None = None) -> QComboBox:
    combo = QComboBox(parent)
    for kind in UNION_KINDS:
        combo.addItem(KIND_LABELS.get(kind, kind), kind)
    return combo


def set_combo_data(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


class FirstRunDialog(QDialog):
    """Asks for the union's name, kind and (optionally) the upstream union, and saves them."""

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(f"欢迎使用{APP_TITLE}")
        self.setMinimumWidth(560)
        profile = context.profile()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        welcome = QLabel(f"欢迎使用{APP_TITLE}")
        welcome.setObjectName("dialogTitle")
        intro = QLabel("请先填写本工会的基本信息。以后可以在“设置 → 工会信息”中修改，"
                       "也可以在那里补充地址、主席、届次、组织机构和委员会。")
        intro.setWordWrap(True)
        layout.addWidget(welcome)
        layout.addWidget(intro)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        self.name_edit = QLineEdit(profile.name)
        self.name_edit.setPlaceholderText("例如：某某市第一中学工会委员会")
        form.addRow("工会名称（必填）：", self.name_edit)
        self.kind_combo = make_kind_combo(self)
        set_combo_data(self.kind_combo, profile.kind)
        kind_column = QVBoxLayout()
        kind_column.setSpacing(4)
        kind_column.addWidget(self.kind_combo)
        self.kind_hint = QLabel()
        self.kind_hint.setWordWrap(True)
        self.kind_hint.setObjectName("mutedText")
        self.kind_hint.setMinimumHeight(self.kind_hint.fontMetrics().lineSpacing() * 2 + 4)
        kind_column.addWidget(self.kind_hint)
        form.addRow("单位类型：", kind_column)
        self.upstream_edit = QLineEdit(profile.upstream_union)
        self.upstream_edit.setPlaceholderText("可不填，例如：某某县教育工会")
        form.addRow("上级工会：", self.upstream_edit)
        layout.addLayout(form)

        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("开始使用", QDialogButtonBox.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.addButton("以后再说", QDialogButtonBox.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.kind_combo.currentIndexChanged.connect(self._show_kind_hint)
        self.name_edit.textEdited.connect(lambda _text: self.error_label.hide())
        self._show_kind_hint()

    def _show_kind_hint(self) -> None:
        kind = self.kind_combo.currentData()
        self.kind_hint.setText("单位类型决定软件中使用的称呼。" + kind_explanation(kind))

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
        self.adjustSize()

    def accept(self) -> None:
        profile = self.context.profile()
        profile.name = self.name_edit.text().strip()
        profile.kind = self.kind_combo.currentData()
        profile.upstream_union = self.upstream_edit.text().strip()
        if not profile.name:
            self.show_error("请填写工会名称，例如“某某市第一中学工会委员会”。")
            self.name_edit.setFocus()
            return
        try:
            save_profile(self.context.db, profile)
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.context.profile_changed.emit()
        super().accept()
