"""Small dialog pieces shared by the record dialogs of every module."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QFrame, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QVBoxLayout, QWidget)

from gonghui_desk.errors import UserError

ERROR_COLOUR = "#c0392b"
VOID_BANNER_STYLE = ("QFrame { background: #fdecea; border: 1px solid #f5c6c2; border-radius: 4px; }"
                     "QLabel { border: none; color: #8a1f11; }")
DONE_BANNER_STYLE = ("QFrame { background: #eef5ee; border: 1px solid #b7d7b9; border-radius: 4px; }"
                     "QLabel { border: none; color: #1e5e24; }")


def dialog_title(text: str) -> QLabel:
    """The large bold title at the top of a record dialog."""
    label = QLabel(text)
    label.setObjectName("dialogTitle")
    label.setStyleSheet("font-size: 14pt; font-weight: bold;")
    return label


class Banner(QFrame):
    """The strip under a record dialog's title saying why the record cannot be edited (voided, paid,
    closed…); hidden until :meth:`show_text`. Buttons may be added to its ``layout()``."""

    def __init__(self, parent=None, *, style: str = VOID_BANNER_STYLE):
        super().__init__(parent)
        self.setStyleSheet(style)
        layout = QHBoxLayout(self)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.hide()

    def show_text(self, text: str, *, style: str | None = None) -> None:
        if style is not None:
            self.setStyleSheet(style)
        self.label.setText(text)
        self.show()


class ReasonDialog(QDialog):
    """Asks for a required reason (作废, 停用…), explaining first what the action does.

    With ``apply``, accepting calls ``apply(reason)``; a :class:`UserError` it raises is shown
    in the dialog, which stays open. Without it, the caller reads :meth:`reason` once accepted.
    """

    def __init__(self, title: str, explanation: str, *, ok_text: str = "作废", label: str = "作废原因：",
                 placeholder: str = "必填", apply: Callable[[str], None] | None = None,
                 parent: QWidget | None = None, width: int = 440):
        super().__init__(parent)
        self._apply = apply
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        text = QLabel(explanation)
        text.setTextFormat(Qt.RichText)
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(placeholder)
        form.addRow(label, self.reason_edit)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(self._reason_changed)
        self.resize(width, self.sizeHint().height())

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def _reason_changed(self, *args) -> None:
        self.ok_button.setEnabled(bool(self.reason()))

    def accept(self) -> None:
        if not self.reason():
            return
        if self._apply is not None:
            try:
                self._apply(self.reason())
            except UserError as exc:
                self.error_label.setText(str(exc))
                self.error_label.show()
                # a wrapped refusal is taller than the dialog's first size: grow to show it whole
                self.resize(self.width(), max(self.height(), self.layout().totalHeightForWidth(self.width())))
                return
        super().accept()


class UnsavedChangesMixin:
    """For record dialogs with ``is_dirty()`` and ``is_voided``: closing with unsaved edits asks
    first, in a window-modal box that does not block (tests answer it through ``discard_box``)."""

    discard_box: QMessageBox | None = None

    def reject(self) -> None:
        if self.is_voided or not self.is_dirty():
            super().reject()
            return
        box = QMessageBox(QMessageBox.Question, self.windowTitle(), "修改还没有保存。要放弃这些修改吗？",
                          QMessageBox.NoButton, self)
        box.addButton("放弃修改", QMessageBox.DestructiveRole)
        box.addButton("继续编辑", QMessageBox.RejectRole)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.buttonClicked.connect(self._discard_answered)
        self.discard_box = box
        box.open()

    def _discard_answered(self, button) -> None:
        if self.discard_box.buttonRole(button) == QMessageBox.DestructiveRole:
            self.done(QDialog.Rejected)


class FieldFormMixin:
    """The field grid of the record dialogs (visits, aid, hardship files, honours, events): a caption,
    the field and an inline message under it. :meth:`_set_up_form` makes ``widgets`` and ``messages``
    (dicts by field key), :meth:`_show_problems` shows the problems in them; the dialog provides
    ``_build``, ``form_state``, ``_validate``, the slots ``_changed_text`` and ``_finished_text``, and
    ``member_picker`` when it has one.
    """

    def _set_up_form(self, load: Callable[[], None]) -> None:
        """Build the dialog, fill it from the record (``load()``) without reacting to the edits, then
        remember what was loaded (unsaved changes are measured against it) and check it once."""
        self.messages: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}
        self._touched: set[str] = set()
        self._loading = True
        self._initial: tuple = ()
        self._build()
        load()
        self._loading = False
        self._initial = self.form_state()
        self._validate()

    def _titled_layout(self, title: str) -> tuple[QVBoxLayout, Banner]:
        """The dialog's layout, resizable: ``title`` (the window's title too) in big letters, then a
        banner (hidden until it has something to say). Sets ``title_label``."""
        self.setWindowTitle(title)
        self.setSizeGripEnabled(True)
        outer = QVBoxLayout(self)
        outer.setSpacing(8)
        self.title_label = dialog_title(self.windowTitle())
        outer.addWidget(self.title_label)
        banner = Banner()
        outer.addWidget(banner)
        return outer, banner

    def _grid(self, box: QGroupBox) -> QGridLayout:
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        width = self.fontMetrics().horizontalAdvance("慰问品价值（元）：") + 6
        grid.setColumnMinimumWidth(0, width)
        grid.setColumnMinimumWidth(2, width)
        return grid

    def _line_edit(self, key: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"field_{key}")
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._changed_text)
        edit.editingFinished.connect(self._finished_text)
        self.widgets[key] = edit
        return edit

    def _place(self, grid: QGridLayout, row: int, col: int, key: str, widget: QWidget, *, label: str,
               span: int = 1, message_span: int | None = None) -> QLabel:
        caption = QLabel(f"{label}：")
        caption.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        caption.setBuddy(self.widgets.get(key, widget))
        self.widgets.setdefault(key, widget)
        message = QLabel()
        message.setWordWrap(True)
        message.hide()
        self.messages[key] = message
        align = Qt.AlignRight | (Qt.AlignTop if key in ("member_id", "notes") else Qt.AlignVCenter)
        grid.addWidget(caption, row, col, align)
        grid.addWidget(widget, row, col + 1, 1, span)
        grid.addWidget(message, row + 1, col + 1, 1, message_span or span)
        caption.message = message  # type: ignore[attr-defined]
        return caption

    def _show_problems(self, problems) -> None:
        """Under each field the user has touched, its problems in red (the field framed in red); the
        other fields' messages hidden. ``problems`` have ``field`` and ``message``."""
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(p.field, []).append(p.message)
        for key, label in self.messages.items():
            here = by_field.get(key)
            if here and key in self._touched:
                label.setText("；".join(here))
                label.setStyleSheet(f"color: {ERROR_COLOUR};")
                label.show()
                self._mark(key, ERROR_COLOUR)
            else:
                label.hide()
                self._mark(key, None)

    def _mark(self, key: str, colour: str | None) -> None:
        widget = self.widgets.get(key)
        if not isinstance(widget, (QLineEdit, QComboBox, QPlainTextEdit)):
            if key == "member_id":
                widget = self.member_picker.edit
            else:
                return
        name = type(widget).__name__
        widget.setStyleSheet(f"{name} {{ border: 1px solid {colour}; border-radius: 2px; }}" if colour else "")

