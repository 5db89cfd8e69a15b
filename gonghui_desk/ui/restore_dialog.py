"""The dialogs of a restore: the password of an encrypted backup, and the confirmation that shows what the backup
holds (its check, its structure version, its record counts next to the current database's) before anything is
written. Both open without blocking (``open()``); the page reads them once accepted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)

from gonghui_desk.backup import COUNTED, BackupInfo
from gonghui_desk.ui.dialogs import ERROR_COLOUR, dialog_title
from gonghui_desk.ui.tables import compact_table

OK_COLOUR = "#2e7d32"


def format_size(size_bytes: int) -> str:
    """1023 字节, 12.3 KB, 4.5 MB."""
    if size_bytes < 1024:
        return f"{size_bytes} 字节"
    if size_bytes < 1024 * 1024:
        return f"{size_bytes / 1024:.1f} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"


class PasswordDialog(QDialog):
    """Asks the password of an encrypted backup; ``error`` (a wrong password) is shown under the field."""

    def __init__(self, file_name: str, *, error: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("输入备份密码")
        layout = QVBoxLayout(self)
        text = QLabel(f"“{file_name}”是加密的备份。请输入备份时设置的密码：")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.Password)
        self.password_edit.setPlaceholderText("备份密码")
        layout.addWidget(self.password_edit)
        self.error_label = QLabel(error)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(bool(error))
        layout.addWidget(self.error_label)
        hint = QLabel("密码无法找回：忘记密码的加密备份无法恢复。")
        hint.setObjectName("mutedText")
        hint.setStyleSheet("color: #6b6b6b;")
        layout.addWidget(hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText("确定")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.ok_button.setEnabled(False)
        self.password_edit.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text)))
        self.resize(420, self.sizeHint().height())

    @property
    def password(self) -> str:
        return self.password_edit.text()

    def accept(self) -> None:
        if self.password:
            super().accept()


class RestoreDialog(QDialog):
    """What a backup holds, checked, before it replaces the current data. 恢复 is disabled while the backup has
    problems (they are listed in red)."""

    def __init__(self, info: BackupInfo, current_counts: dict[str, int], *, current_name: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.info = info
        self.setWindowTitle("从备份恢复")
        layout = QVBoxLayout(self)
        layout.addWidget(dialog_title("从备份恢复"))

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        self.fields: dict[str, QLabel] = {}

        def row(label: str, text: str, colour: str = "") -> QLabel:
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            if colour:
                value.setStyleSheet(f"color: {colour}; font-weight: bold;")
            form.addRow(f"{label}：", value)
            self.fields[label] = value
            return value

        row("文件", str(info.path))
        row("备份时间", f"{info.modified:%Y-%m-%d %H:%M}" if info.modified else "—")
        row("大小", format_size(info.size_bytes) + ("（已加密）" if info.encrypted else ""))
        if info.integrity_ok:
            row("完整性检查", "通过", OK_COLOUR)
        elif not info.integrity_message:  # not a database of ours, or no password: nothing to check yet
            row("完整性检查", "未检查")
        else:
            row("完整性检查", "失败" + (f"：{info.integrity_message}" if info.integrity_message else ""), ERROR_COLOUR)
        if info.schema_version is None:
            row("结构版本", "—")
        elif info.too_new:
            row("结构版本", f"{info.schema_version}（由更新版本的软件创建，本程序只支持到 {info.latest_version}）",
                ERROR_COLOUR)
        elif info.needs_migration:
            row("结构版本", f"{info.schema_version}（恢复时将自动升级到版本 {info.latest_version}）")
        else:
            row("结构版本", f"{info.schema_version}（与本程序相同）")
        row("工会名称", info.union_name or "（未填写）")
        layout.addLayout(form)

        # every count either side has, in the usual order; "—" where a table does not exist (an older version)
        known = [label for label, _, _ in COUNTED]
        labels = [label for label in known if label in info.counts or label in current_counts]
        labels += [label for label in {**info.counts, **current_counts} if label not in known]
        self.counts_model = QStandardItemModel(len(labels), 3, self)
        self.counts_model.setHorizontalHeaderLabels(["记录", "备份中", "当前数据库"])
        for number, label in enumerate(labels):
            cells = [label, info.counts.get(label), current_counts.get(label)]
            for column, value in enumerate(cells):
                item = QStandardItem("—" if value is None else str(value))
                if column:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.counts_model.setItem(number, column, item)
        self.counts_table = compact_table(self.counts_model, selection=QAbstractItemView.NoSelection, fixed_rows=True)
        self.counts_table.setFocusPolicy(Qt.NoFocus)
        header = self.counts_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        rows_height = self.counts_table.verticalHeader().defaultSectionSize() * max(len(labels), 1)
        self.counts_table.setFixedHeight(rows_height + header.sizeHint().height() + 4)
        caption = QLabel("记录数（不含已作废的记录）" + (f"，当前数据库：{current_name}" if current_name else ""))
        caption.setObjectName("sectionTitle")
        layout.addWidget(caption)
        layout.addWidget(self.counts_table)

        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        if info.problems:
            self.problems_label.setText("不能从这个文件恢复：\n" + "\n".join(f"• {p}" for p in info.problems))
        self.problems_label.setVisible(bool(info.problems))
        layout.addWidget(self.problems_label)

        self.explanation = QLabel(
            "恢复后，当前数据库的全部内容将被这个备份中的数据替换。恢复之前，当前数据会先另存为"
            "“恢复前的备份”（在 backups 文件夹中，不会被自动删除），需要时可以再从它恢复回来。"
            "恢复过程中如果出错，当前数据保持不变。")
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)

        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.restore_button = self.buttons.button(QDialogButtonBox.Ok)
        self.restore_button.setText("恢复")
        self.restore_button.setEnabled(info.ok)
        cancel = self.buttons.button(QDialogButtonBox.Cancel)
        cancel.setText("取消")
        cancel.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def counts_shown(self) -> dict[str, tuple[str, str]]:
        """{记录: (备份中, 当前数据库)} as the table shows them (for tests)."""
        return {self.counts_model.item(r, 0).text(): (self.counts_model.item(r, 1).text(),
                                                      self.counts_model.item(r, 2).text())
                for r in range(self.counts_model.rowCount())}

    def accept(self) -> None:
        if self.info.ok:
            super().accept()
