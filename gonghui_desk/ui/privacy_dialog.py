"""设置 → 密码与隐私…: the password that opens the app, the idle lock, and what masking means.

Setting a password needs it typed twice; changing or removing it needs the current one. Every change is saved at
once (and written to the change log by :mod:`gonghui_desk.privacy`, never the password); ``changed`` tells the
main window to read the idle minutes again. The dialog never blocks: messages appear in it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout, QWidget)

from gonghui_desk.errors import UserError
from gonghui_desk.privacy import (AUTO_LOCK_CHOICES, FULL_NUMBERS_TEXT, check_app_password, clear_app_password,
                                  configured_auto_lock_minutes, has_app_password, password_problem, set_app_password,
                                  set_auto_lock_minutes)

__all__ = ["MASKING_TEXT", "PrivacyDialog", "minutes_text"]

MASKING_TEXT = (
    "列表、打印件、导出的 Excel 表格和填好的上级表格中，身份证号、手机号和银行卡号只显示前后几位"
    "（如 110101********1234、138****5678）。确需完整号码时（例如上报实名制名册、报送银行发放资金），"
    f"在导出或打印的选项中勾选“{FULL_NUMBERS_TEXT}”：只对这一次输出有效，下次仍默认隐去，"
    "并且每次都记入修改记录（写明哪份输出、哪些号码、多少条记录和文件名）。")
FILE_NOTE = ("密码只保护屏幕，不给数据库文件加密：拿到 .sqlite3 文件的人可以用其他工具读取其中的内容。"
             "请把数据库放在自己管理的电脑上；备份带出本机（U盘、网盘）时请加密保存。")
ERROR_STYLE = "color: #c0392b;"
DIALOG_WIDTH = 560
OK_STYLE = "color: #2e7d32;"


def minutes_text(minutes: int) -> str:
    return "不自动锁定" if minutes == 0 else f"{minutes} 分钟无操作后锁定"


class PrivacyDialog(QDialog):
    """密码与隐私 (see the module text). Kept for tests: the edits, buttons and ``message``."""

    changed = Signal()

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("密码与隐私")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(12)

        box = QGroupBox("打开程序的密码")
        box_layout = QVBoxLayout(box)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        box_layout.addWidget(self.status_label)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.current_edit = self._password_edit("修改或取消密码时需要")
        self.new_edit = self._password_edit("至少 4 个字符")
        self.repeat_edit = self._password_edit("再输入一次新密码")
        self.current_label = QLabel("当前密码：")
        form.addRow(self.current_label, self.current_edit)
        form.addRow("新密码：", self.new_edit)
        form.addRow("确认新密码：", self.repeat_edit)
        box_layout.addLayout(form)
        buttons = QHBoxLayout()
        self.set_button = QPushButton("设置密码")
        self.set_button.clicked.connect(self.save_password)
        self.remove_button = QPushButton("取消密码")
        self.remove_button.setToolTip("输入当前密码后取消；以后打开程序不再需要密码，也不再自动锁定")
        self.remove_button.clicked.connect(self.remove_password)
        buttons.addWidget(self.set_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        box_layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        box_layout.addWidget(self.message)
        layout.addWidget(box)

        lock_box = QGroupBox("自动锁定")
        lock_layout = QFormLayout(lock_box)
        self.lock_combo = QComboBox()
        self.lock_combo.currentIndexChanged.connect(self._minutes_chosen)
        lock_layout.addRow("无操作时：", self.lock_combo)
        self.lock_hint = QLabel()
        self.lock_hint.setWordWrap(True)
        self.lock_hint.setObjectName("mutedText")
        lock_layout.addRow(self.lock_hint)
        layout.addWidget(lock_box)

        mask_box = QGroupBox("身份证号、手机号和银行卡号")
        mask_layout = QVBoxLayout(mask_box)
        masking = QLabel(MASKING_TEXT)
        masking.setWordWrap(True)
        mask_layout.addWidget(masking)
        note = QLabel(FILE_NOTE)
        note.setWordWrap(True)
        note.setStyleSheet("color: #8a5a00;")
        mask_layout.addWidget(note)
        layout.addWidget(mask_box)

        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.button(QDialogButtonBox.Close).setText("关闭")
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.refresh()
        self.setMinimumWidth(DIALOG_WIDTH)
        layout.activate()  # the wrapped texts' height at this width (a top-level window does not ask by itself)
        self.resize(DIALOG_WIDTH, max(self.sizeHint().height(), layout.totalHeightForWidth(DIALOG_WIDTH)))
        self.setMinimumHeight(self.height())

    @staticmethod
    def _password_edit(placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.Password)
        edit.setPlaceholderText(placeholder)
        return edit

    # --- state -------------------------------------------------------------------------------------------
    @property
    def db(self):
        return self.context.db

    def refresh(self) -> None:
        has = has_app_password(self.db)
        self.status_label.setText("已设置密码：打开程序、切换到这个数据库和自动锁定后解锁时都要输入。" if has else
                                  "未设置密码：打开程序不需要密码，也不会自动锁定。")
        self.current_label.setVisible(has)
        self.current_edit.setVisible(has)
        self.set_button.setText("修改密码" if has else "设置密码")
        self.remove_button.setEnabled(has)
        minutes = configured_auto_lock_minutes(self.db)
        choices = sorted(set(AUTO_LOCK_CHOICES) | {minutes})
        self.lock_combo.blockSignals(True)
        self.lock_combo.clear()
        for value in choices:
            self.lock_combo.addItem(minutes_text(value), value)
        self.lock_combo.setCurrentIndex(choices.index(minutes))
        self.lock_combo.blockSignals(False)
        self.lock_combo.setEnabled(has)
        self.lock_hint.setText("锁定后，窗口中的内容全部隐藏，输入密码才能继续；连续输错 5 次要等 30 秒。" if has else
                               "设置密码后才能自动锁定。")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.setText(text)

    def _clear_edits(self) -> None:
        for edit in (self.current_edit, self.new_edit, self.repeat_edit):
            edit.clear()

    # --- actions -----------------------------------------------------------------------------------------
    def save_password(self) -> bool:
        """设置密码 / 修改密码: the current one first (when there is one), then the new one twice."""
        had = has_app_password(self.db)
        if had and not check_app_password(self.db, self.current_edit.text()):
            self._say("当前密码不对，密码没有修改。", error=True)
            self.current_edit.clear()
            self.current_edit.setFocus()
            return False
        new, repeat = self.new_edit.text(), self.repeat_edit.text()
        problem = password_problem(new)
        if problem:
            self._say(problem + "。", error=True)
            self.new_edit.setFocus()
            return False
        if new != repeat:
            self._say("两次输入的新密码不一样，请重新输入。", error=True)
            self.repeat_edit.clear()
            self.repeat_edit.setFocus()
            return False
        try:
            set_app_password(self.db, new)
        except UserError as exc:
            self._say(str(exc), error=True)
            return False
        self._clear_edits()
        self.refresh()
        self._say("密码已修改。" if had else
                  f"密码已设置。下次打开程序时需要输入；{minutes_text(configured_auto_lock_minutes(self.db))}。")
        self.changed.emit()
        return True

    def remove_password(self) -> bool:
        """取消密码: needs the current password."""
        if not has_app_password(self.db):
            return False
        if not check_app_password(self.db, self.current_edit.text()):
            self._say("请先在“当前密码”中输入正确的密码，才能取消密码。", error=True)
            self.current_edit.clear()
            self.current_edit.setFocus()
            return False
        clear_app_password(self.db)
        self._clear_edits()
        self.refresh()
        self._say("密码已取消：打开程序不再需要密码，也不再自动锁定。")
        self.changed.emit()
        return True

    def _minutes_chosen(self, index: int) -> None:
        minutes = self.lock_combo.itemData(index)
        if minutes is None or minutes == configured_auto_lock_minutes(self.db):
            return
        set_auto_lock_minutes(self.db, int(minutes))
        self._say(f"已改为：{minutes_text(int(minutes))}。")
        self.changed.emit()
