"""The member card (会员卡片): one member's fields, derived facts, status and history.

``MemberCardDialog(context, member_id=None)`` edits an existing member or, with ``None``, a
new one. As the user edits, the values go through ``MemberStore.check`` (the same rules as
the importer) and every problem is shown in red next to its field; 保存 stays disabled while
there is an error. Typing an ID number fills in the birth date and sex. A member is never
deleted: status changes keep the person, and a mistaken entry is voided with a reason.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QScrollArea, QStyle,
                               QStyleOptionComboBox, QStylePainter, QTableView, QTabWidget, QVBoxLayout, QWidget)

from gonghui_desk import idcard
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.history import member_history
from gonghui_desk.members import (FEMALE_RETIREMENT_AGES, FIELD_BY_KEY, MEMBER_FIELDS, STATUSES,
                                  derived_facts)
from gonghui_desk.ui.change_log_dialog import history_button
from gonghui_desk.ui.member_model import RecordTableModel
from gonghui_desk.ui.workers import show_error
from gonghui_desk.union import sub_units

WARNING_COLOUR = "#b9770e"
from gonghui_desk.ui.dialogs import ERROR_COLOUR, Banner, ReasonDialog, UnsavedChangesMixin

HINT_COLOUR = "#6b6b6b"
REASON_REQUIRED = ("转出", "退会", "去世")
EVENT_TABS = {"event_participants": "participants", "event_results": "results"}  # history table -> event tab

# The form's groups; every field of members.MEMBER_FIELDS appears exactly once.
FIELD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("基本信息", ("name", "sex", "id_number", "birth_date", "ethnicity", "political_status", "education",
                "marital_status", "phone")),
    ("工作与会籍", ("sub_unit_id", "position", "professional_title", "employment_type", "household_type",
                  "is_migrant_worker", "work_start_date", "join_date", "card_number", "model_worker_type",
                  "female_retirement_age")),
    ("其他", ("notes",)),
)
assert sorted(k for _, keys in FIELD_GROUPS for k in keys) == sorted(f.key for f in MEMBER_FIELDS)

PLACEHOLDERS = {
    "id_number": "18位，末位可以是X；填好后自动带出出生日期和性别",
    "phone": "11位手机号或固定电话",
    "date": "如 2024-05-03 或 2024.5.3",
    "name": "必填",
    "card_number": "工会会员证上的编号",
}


class SubUnitComboBox(QComboBox):
    """The sub-unit tree in a combo: indented levels in the list, the full path when closed
    (two 初一年级 under different 组 must not look alike). Item data is the unit id."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumContentsLength(12)
        self.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)

    def set_units(self, units, first_text: str | None, *, select: int | None = None) -> None:
        """``units`` is ``union.sub_units(db)``; ``first_text`` an item meaning "no unit" ("全部部门",
        "（未分配）") or None; ``select`` the id to select afterwards (the first item if gone)."""
        self.blockSignals(True)
        self.clear()
        if first_text is not None:
            self.addItem(first_text, None)
        for unit in units:
            self.addItem("\u3000" * unit.depth + unit.name, unit.id)
            self.setItemData(self.count() - 1, unit.path, Qt.ToolTipRole)
        index = self.findData(select) if select is not None else -1
        self.blockSignals(False)
        self.setCurrentIndex(index if index >= 0 else 0)

    def current_path(self) -> str:
        return self.currentData(Qt.ToolTipRole) or ""

    def paintEvent(self, event) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        if self.current_path():
            option.currentText = self.current_path()
        painter.drawComplexControl(QStyle.CC_ComboBox, option)
        painter.drawControl(QStyle.CE_ComboBoxLabel, option)


def _label_text(key: str) -> str:
    f = FIELD_BY_KEY[key]
    return f"{f.label}{' *' if f.required else ''}："


class FieldEditor:
    """One field's editor, whatever its kind: ``value()`` gives the raw value for the checks."""

    def __init__(self, key: str, db, on_change):
        self.key = key
        self.field = FIELD_BY_KEY[key]
        kind = self.field.kind
        if kind in ("choice", "retirement_age", "sub_unit"):
            widget = SubUnitComboBox() if kind == "sub_unit" else QComboBox()
            if kind == "sub_unit":
                widget.set_units(sub_units(db), "（未分配）")
            elif kind == "choice":
                widget.addItem("", "")
                for choice in self.field.choices:
                    widget.addItem(choice, choice)
                widget.setEditable(not self.field.strict)
                if not self.field.strict:
                    widget.lineEdit().setPlaceholderText("可选择或直接填写")
                    widget.editTextChanged.connect(on_change)
            elif kind == "retirement_age":
                widget.addItem("", None)
                for age, text in FEMALE_RETIREMENT_AGES.items():
                    widget.addItem(text, age)
                widget.setToolTip("决定女职工的法定退休年龄（见《关于渐进式延迟法定退休年龄的决定》）")
            widget.currentIndexChanged.connect(on_change)
        elif kind == "bool":
            widget = QCheckBox("是")
            widget.toggled.connect(on_change)
        elif key == "notes":
            widget = QPlainTextEdit()
            widget.setFixedHeight(64)
            widget.setTabChangesFocus(True)
            widget.textChanged.connect(on_change)
        else:
            widget = QLineEdit()
            widget.setPlaceholderText(PLACEHOLDERS.get(key) or PLACEHOLDERS.get(kind, ""))
            widget.textChanged.connect(on_change)
        self.widget = widget

    @property
    def kind(self) -> str:
        return self.field.kind

    def value(self):
        w = self.widget
        if isinstance(w, QComboBox):
            if self.kind == "choice":
                return w.currentText().strip()
            return w.currentData()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        return w.text()

    def set_value(self, value) -> None:
        w = self.widget
        if isinstance(w, QComboBox):
            if self.kind == "choice":
                index = w.findText(value or "")
                if index >= 0:
                    w.setCurrentIndex(index)
                elif w.isEditable():
                    w.setEditText(value or "")
            else:
                index = w.findData(value)
                w.setCurrentIndex(index if index >= 0 else 0)
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(value or "")
        else:
            w.setText("" if value is None else str(value))

    def is_empty(self) -> bool:
        value = self.value()
        return value in (None, "", False)


class StatusChangeDialog(QDialog):
    """变更状态: the new status, its date and the reason (required for 转出/退会/去世)."""

    def __init__(self, context, member: dict, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self.member = member
        self.setWindowTitle(f"变更会员状态 - {member['name']}")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"“{member['name']}”目前的状态：<b>{member['status']}</b>"
                                f"（自 {member['status_date'] or '—'}）"))
        form = QFormLayout()
        self.status_combo = QComboBox()
        for status in STATUSES:
            if status != member["status"]:
                self.status_combo.addItem(status)
        self.date_edit = QLineEdit((today or dt.date.today()).isoformat())
        self.date_edit.setPlaceholderText(PLACEHOLDERS["date"])
        self.date_hint = QLabel()
        self.reason_edit = QLineEdit()
        self.reason_hint = QLabel()
        form.addRow("新状态：", self.status_combo)
        form.addRow("生效日期：", self.date_edit)
        form.addRow("", self.date_hint)
        form.addRow("原因：", self.reason_edit)
        form.addRow("", self.reason_hint)
        layout.addLayout(form)
        note = QLabel("变更状态不会删除任何记录，原来的状态和历史都会保留。")
        note.setStyleSheet(f"color: {HINT_COLOUR};")
        layout.addWidget(note)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("确定变更")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for signal in (self.status_combo.currentIndexChanged, self.date_edit.textChanged,
                       self.reason_edit.textChanged):
            signal.connect(self._update)
        self._update()
        self.resize(420, self.sizeHint().height())

    def _update(self) -> None:
        ok = True
        try:
            day = parse_date(self.date_edit.text())
            if day is None:
                self.date_hint.setText("请填写日期")
                ok = False
            else:
                self.date_hint.setText(f"即 {day.isoformat()}" if day.isoformat() != self.date_edit.text().strip()
                                       else "")
        except DateParseError as exc:
            self.date_hint.setText(str(exc))
            ok = False
        self.date_hint.setStyleSheet(f"color: {HINT_COLOUR if ok else ERROR_COLOUR};")
        status = self.status_combo.currentText()
        needs_reason = status in REASON_REQUIRED
        self.reason_edit.setPlaceholderText("必填，例如：调往某某单位" if needs_reason else "可不填")
        missing = needs_reason and not self.reason_edit.text().strip()
        self.reason_hint.setText(f"状态改为“{status}”时必须填写原因" if missing else "")
        self.reason_hint.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(ok and not missing and bool(status))

    def accept(self) -> None:
        try:
            self.context.members.change_status(self.member["id"], self.status_combo.currentText(),
                                               self.date_edit.text(), self.reason_edit.text())
        except UserError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.context.members_changed.emit()
        super().accept()


class VoidDialog(ReasonDialog):
    """作废: for an entry made by mistake (a duplicate, a wrong person). Never a delete."""

    def __init__(self, context, member: dict, parent=None):
        self.context = context
        self.member = member
        super().__init__(
            f"作废会员记录 - {member['name']}",
            f"作废用于<b>录错或重复录入</b>的记录。作废后“{member['name']}”不再出现在名册和统计中，"
            "但记录本身和修改记录都会保留，可在名册的“状态：已作废”中查看和恢复。<br><br>"
            "如果是会员调走、退会或去世，请不要作废，而是用“变更状态”。",
            placeholder="必填，例如：重复录入", apply=self._void, parent=parent)

    def _void(self, reason: str) -> None:
        self.context.members.void(self.member["id"], reason)
        self.context.members_changed.emit()


def _status_history_columns():
    return (
        ("effective_date", "日期"),
        (lambda r: r["old_status"] or "（建档）", "原状态"),
        ("new_status", "新状态"),
        ("reason", "原因"),
        (lambda r: (r["recorded_at"] or "").replace("T", " ")[:16], "登记时间"),
    )


class MemberCardDialog(UnsavedChangesMixin, QDialog):
    """View and edit one member (``member_id``), or enter a new one (``member_id=None``)."""

    saved = Signal(int)  # the member's id, after 保存

    def __init__(self, context, member_id: int | None = None, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self.member_id = member_id
        self.today = today or dt.date.today()
        self.member: dict | None = context.members.get(member_id) if member_id is not None else None
        if member_id is not None and self.member is None:
            raise UserError(f"会员编号 {member_id} 不存在")
        self.editors: dict[str, FieldEditor] = {}
        self.messages: dict[str, QLabel] = {}
        self.problems: list = []
        self.values: dict = {}  # the checked values of the form, as they would be saved
        self._touched: set[str] = set()
        self._auto: dict[str, object] = {}  # values filled in from the ID number
        self._loading = False
        self._initial: dict = {}
        self._build()
        self._load()

    # --- building ----------------------------------------------------------------------------
    @property
    def is_new(self) -> bool:
        return self.member_id is None

    @property
    def is_voided(self) -> bool:
        return bool(self.member and self.member.get("voided_at"))

    def _build(self) -> None:
        self.setWindowTitle("新增会员" if self.is_new else f"会员卡片 - {self.member['name']}")
        self.setSizeGripEnabled(True)
        outer = QVBoxLayout(self)
        outer.setSpacing(8)

        header = QHBoxLayout()
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.subtitle_label = QLabel()
        self.subtitle_label.setStyleSheet(f"color: {HINT_COLOUR};")
        header.addWidget(self.title_label)
        header.addSpacing(12)
        header.addWidget(self.subtitle_label, 1, Qt.AlignBottom)
        outer.addLayout(header)

        self.void_banner = Banner()
        self.restore_button = QPushButton("恢复此记录")
        self.restore_button.clicked.connect(self.restore_member)
        self.void_banner.layout().addWidget(self.restore_button)
        outer.addWidget(self.void_banner)

        body = QHBoxLayout()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_form(), "基本资料")
        self.tabs.addTab(self._build_status_tab(), "会籍状态")
        self.tabs.addTab(self._build_history_tab(), "历史记录")
        body.addWidget(self.tabs, 1)
        body.addWidget(self._build_facts())
        outer.addLayout(body, 1)

        bottom = QHBoxLayout()
        self.void_button = QPushButton("作废…")
        self.void_button.setToolTip("录错或重复录入的记录可以作废（不会删除）")
        self.void_button.clicked.connect(self.void_member)
        bottom.addWidget(self.void_button)
        self.history_button = history_button(self, self.context, "members", "member_id")  # 修改记录…
        self.history_button.setVisible(not self.is_new)
        bottom.addWidget(self.history_button)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        bottom.addWidget(self.summary_label, 1)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.AcceptRole)
        self.save_button.setDefault(True)
        self.save_new_button = None
        if self.is_new:
            self.save_new_button = self.buttons.addButton("保存并继续新增", QDialogButtonBox.ActionRole)
            self.save_new_button.clicked.connect(self.save_and_new)
        self.close_button = self.buttons.addButton("取消" if self.is_new else "关闭", QDialogButtonBox.RejectRole)
        self.save_button.clicked.connect(self._save_clicked)
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.buttons)
        outer.addLayout(bottom)
        self.resize(1000, 720)

    def _build_form(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        page = QWidget()
        layout = QVBoxLayout(page)
        label_width = max(self.fontMetrics().horizontalAdvance(_label_text(f.key)) for f in MEMBER_FIELDS) + 8
        for title, keys in FIELD_GROUPS:
            box = QGroupBox(title)
            grid = QGridLayout(box)
            grid.setHorizontalSpacing(8)
            grid.setVerticalSpacing(2)
            grid.setColumnStretch(1, 1)
            grid.setColumnStretch(3, 1)
            grid.setColumnMinimumWidth(0, label_width)
            grid.setColumnMinimumWidth(2, label_width)
            for i, key in enumerate(keys):
                editor = FieldEditor(key, self.context.db, self._editor_changed)
                editor.widget.setObjectName(f"field_{key}")
                self.editors[key] = editor
                label = QLabel(_label_text(key))
                label.setBuddy(editor.widget)
                label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
                message = QLabel()
                message.setWordWrap(True)
                message.hide()
                self.messages[key] = message
                if key == "notes":
                    grid.addWidget(label, 0, 0, Qt.AlignRight | Qt.AlignTop)
                    grid.addWidget(editor.widget, 0, 1, 1, 3)
                    grid.addWidget(message, 1, 1, 1, 3)
                    continue
                row, col = (i // 2) * 2, (i % 2) * 2
                grid.addWidget(label, row, col)
                grid.addWidget(editor.widget, row, col + 1)
                grid.addWidget(message, row + 1, col + 1)
                if isinstance(editor.widget, QLineEdit):
                    editor.widget.editingFinished.connect(self._editor_finished)
                editor.widget.setMinimumWidth(150)
            layout.addWidget(box)
        layout.addStretch(1)
        scroll.setWidget(page)
        return scroll

    def _build_status_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setStyleSheet("font-size: 11pt;")
        row.addWidget(self.status_label, 1)
        self.change_status_button = QPushButton("变更状态…")
        self.change_status_button.setToolTip("退休、转出、退会、去世，或恢复为在册")
        self.change_status_button.clicked.connect(self.change_status)
        row.addWidget(self.change_status_button)
        layout.addLayout(row)
        layout.addWidget(QLabel("状态变更记录："))
        self.status_model = RecordTableModel(_status_history_columns(), [], self)
        self.status_table = self._record_table(self.status_model, (96, 80, 80, 200))
        layout.addWidget(self.status_table, 1)
        return page

    def _build_history_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel("与这位会员有关的全部记录，最新的在前。以后录入的慰问、帮扶、活动、荣誉、提案记录也会列在这里。")
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {HINT_COLOUR};")
        layout.addWidget(intro)
        self.history_model = RecordTableModel((("date", "日期"), ("category", "类别"), ("summary", "内容")),
                                              [], self)
        self.history_table = self._record_table(self.history_model, (96, 60))
        self.history_table.doubleClicked.connect(self._history_double_clicked)
        self.history_table.setToolTip("双击一条慰问、帮扶、困难档案、活动、荣誉或提案记录可以打开查看或修改")
        layout.addWidget(self.history_table, 1)
        return page

    def _history_double_clicked(self, index) -> None:
        """A record in the history opens in its own form: a visit, an aid payment, a hardship file
        (its reviews open the file), an honour, a proposal (filed or co-signed), or an event (an entry
        on its 参加人员 tab, a result on its 成绩 tab)."""
        entry = self.history_model.row_object(index.row())
        if entry is None or entry.record_id is None:
            return
        record_id = entry.record_id
        if entry.table == "hardship_reviews":
            row = self.context.db.execute("SELECT file_id FROM hardship_reviews WHERE id = ?", [record_id]).fetchone()
            entry_table, record_id = "hardship_files", row[0] if row else None
        elif entry.table in EVENT_TABS:
            self._open_event_record(entry.table, record_id)
            return
        else:
            entry_table = entry.table
        if entry_table == "visits":
            from gonghui_desk.ui.visit_dialog import open_visit_dialog as opener
        elif entry_table == "aid_payments":
            from gonghui_desk.ui.aid_dialog import open_aid_dialog as opener
        elif entry_table == "hardship_files":
            from gonghui_desk.ui.hardship_file_dialog import open_file_dialog as opener
        elif entry_table == "honours":
            from gonghui_desk.ui.honour_dialog import open_honour_dialog as opener
        elif entry_table == "proposals":
            from gonghui_desk.ui.proposal_dialog import open_proposal_dialog as opener
        else:
            return
        if record_id is None:
            return
        dialog = opener(self, self.context, record_id, today=self.today)
        dialog.finished.connect(self._reload_history)
        self.record_dialog = dialog
        if entry_table == "visits":
            self.visit_dialog = dialog

    def _open_event_record(self, table: str, record_id: int) -> None:
        """An entry or a result of an event: the event, on its 参加人员 or 成绩 tab."""
        row = self.context.db.execute(f"SELECT event_id FROM {table} WHERE id = ?", [record_id]).fetchone()
        if row is None:
            return
        from gonghui_desk.ui.event_dialog import open_event_dialog

        dialog = open_event_dialog(self, self.context, row[0], today=self.today, tab=EVENT_TABS[table])
        dialog.finished.connect(self._reload_history)
        self.record_dialog = dialog

    def _reload_history(self) -> None:
        self.history_model.set_rows(member_history(self.context.db, self.member_id))

    def _record_table(self, model, widths) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        for column, width in enumerate(widths):
            table.setColumnWidth(column, width)
        return table

    def _build_facts(self) -> QWidget:
        box = QGroupBox("概况")
        box.setFixedWidth(250)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignRight)
        self.fact_labels: dict[str, QLabel] = {}
        for key, label in (("age", "年龄"), ("membership_years", "会龄"), ("next_birthday", "下次生日"),
                           ("retirement", "法定退休"), ("working", "在职/离退休")):
            value = QLabel("—")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            self.fact_labels[key] = value
            form.addRow(f"{label}：", value)
        note = QLabel("以上由出生日期、性别、入会日期和状态自动计算，不能直接修改。")
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {HINT_COLOUR}; font-size: 8pt;")
        form.addRow(note)
        return box

    # --- loading ---------------------------------------------------------------------------
    def _load(self) -> None:
        self._loading = True
        if self.member:
            for key, editor in self.editors.items():
                editor.set_value(self.member.get(key))
            self._touched = set(self.editors)  # show the problems of saved data at once
        self._loading = False
        self._update_retirement_age_state()
        self._initial = self.raw_values()
        self._reload_status()
        self._validate()
        if self.is_voided:
            self._show_voided()
        self.editors["name"].widget.setFocus()

    def _reload_status(self) -> None:
        if self.is_new:
            self.title_label.setText("新增会员")
            self.subtitle_label.setText("保存后状态为“在册”，状态日期为入会日期")
            self.status_label.setText("新会员保存后状态为“在册”。以后退休、转出、退会、去世时在这里变更。")
            self.change_status_button.setEnabled(False)
            self.void_button.hide()
            self.tabs.setTabEnabled(1, False)
            self.tabs.setTabEnabled(2, False)
            self.tabs.setTabToolTip(1, "保存后可以变更状态")
            self.tabs.setTabToolTip(2, "保存后可以查看历史记录")
            return
        self.member = self.context.members.get(self.member_id)
        m = self.member
        self.title_label.setText(m["name"])
        state = "已作废" if m["voided_at"] else m["status"]
        self.subtitle_label.setText(f"{state} · 自 {m['status_date'] or '—'} · 会员编号 {m['id']}")
        self.status_label.setText(f"当前状态：<b>{m['status']}</b>，自 {m['status_date'] or '—'}")
        self.change_status_button.setEnabled(not m["voided_at"])
        self.status_model.set_rows(self.context.members.status_history(self.member_id))
        self.history_model.set_rows(member_history(self.context.db, self.member_id))

    def _show_voided(self) -> None:
        m = self.member
        self.void_banner.show_text(f"此记录已于 {(m['voided_at'] or '').replace('T', ' ')[:16]} 作废，"
                                   f"原因：{m['void_reason']}。作废的记录不计入名册和统计，也不能修改。")
        for editor in self.editors.values():
            editor.widget.setEnabled(False)
        self.save_button.hide()
        self.void_button.hide()

    # --- values and checks ----------------------------------------------------------------
    def raw_values(self) -> dict:
        return {key: editor.value() for key, editor in self.editors.items()}

    def _sender_key(self) -> str:
        return self.sender().objectName().removeprefix("field_")

    def _editor_changed(self, *args) -> None:
        self._changed(self._sender_key())

    def _editor_finished(self) -> None:
        self._finished(self._sender_key())

    def _changed(self, key: str) -> None:
        if self._loading:
            return
        if not isinstance(self.editors[key].widget, (QLineEdit, QPlainTextEdit)):
            self._touched.add(key)  # a choice is complete at once; typed text is checked on leaving it
        if key == "id_number":
            self._fill_from_id()
        if key == "sex":
            self._update_retirement_age_state()
        self._validate()

    def _finished(self, key: str) -> None:
        self._touched.add(key)
        editor = self.editors[key]
        if editor.kind == "date":
            try:
                day = parse_date(editor.value())
            except DateParseError:
                day = None
            if day is not None and editor.value().strip() != day.isoformat():
                editor.set_value(day.isoformat())  # show what was understood
        self._validate()

    def _fill_from_id(self) -> None:
        text = idcard.normalize_text(self.editors["id_number"].value())
        if len(text) in (15, 18):
            self._touched.add("id_number")  # a complete number: check it now
        try:
            parsed = idcard.parse_id_number(text, today=self.today)
        except idcard.IdNumberError:
            return
        self._loading = True
        try:
            birth = self.editors["birth_date"]
            if birth.is_empty() or birth.value() == self._auto.get("birth_date"):
                birth.set_value(parsed.birth_date.isoformat())
                self._auto["birth_date"] = parsed.birth_date.isoformat()
            sex = self.editors["sex"]
            if sex.is_empty() or sex.value() == self._auto.get("sex"):
                sex.set_value(parsed.sex)
                self._auto["sex"] = parsed.sex
        finally:
            self._loading = False
        self._update_retirement_age_state()

    def _update_retirement_age_state(self) -> None:
        editor = self.editors["female_retirement_age"]
        woman = self.editors["sex"].value() == "女"
        if not woman and editor.value() is not None:
            editor.set_value(None)
        editor.widget.setEnabled(woman and not self.is_voided)
        editor.widget.setToolTip("" if woman else "只对女职工填写")

    def _validate(self) -> None:
        result = self.context.members.check(self.raw_values(), member_id=self.member_id, today=self.today)
        self.problems = result.problems
        self.values = result.values
        by_field: dict[str, list] = {}
        for problem in result.problems:
            by_field.setdefault(problem.field, []).append(problem)
        for key, label in self.messages.items():
            problems = by_field.get(key, [])
            if problems and key in self._touched:
                errors = [p for p in problems if p.severity == "error"]
                colour = ERROR_COLOUR if errors else WARNING_COLOUR
                label.setText("；".join(p.message for p in problems))
                label.setStyleSheet(f"color: {colour};")
                label.show()
                self._mark(key, colour)
            else:
                hint = self._hint(key)
                label.setText(hint)
                label.setStyleSheet(f"color: {HINT_COLOUR};")
                label.setVisible(bool(hint))
                self._mark(key, None)
        errors = [p for p in result.problems if p.severity == "error"]
        self.save_button.setEnabled(not errors and not self.is_voided)
        if self.save_new_button is not None:
            self.save_new_button.setEnabled(not errors)
        if errors:
            fields = list(dict.fromkeys(p.label for p in errors))
            if [p.field for p in errors] == ["name"] and not self.editors["name"].value().strip():
                text = "请填写姓名后保存。"
            else:
                text = f"有 {len(errors)} 处需要修改后才能保存：{'、'.join(fields)}"
            self.summary_label.setText(text)
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        else:
            warnings = [p for p in result.problems if p.severity != "error"]
            self.summary_label.setText(f"提示：{warnings[0].message}" if warnings else "")
            self.summary_label.setStyleSheet(f"color: {WARNING_COLOUR};")
        self._update_facts()

    def _hint(self, key: str) -> str:
        """A grey note under a field: how a typed date was understood, where a value came from."""
        editor = self.editors[key]
        if editor.kind == "date" and isinstance(editor.value(), str) and editor.value().strip():
            try:
                day = parse_date(editor.value())
            except DateParseError:
                return ""
            if day and day.isoformat() != editor.value().strip():
                return f"即 {day.isoformat()}"
            if key == "birth_date" and self._auto.get("birth_date") == editor.value():
                return "由身份证号带出"
        if key == "sex" and self._auto.get("sex") and self._auto.get("sex") == editor.value():
            return "由身份证号带出"
        return ""

    def _mark(self, key: str, colour: str | None) -> None:
        widget = self.editors[key].widget
        if isinstance(widget, QCheckBox):
            return
        name = type(widget).__name__
        widget.setStyleSheet(f"{name} {{ border: 1px solid {colour}; border-radius: 2px; }}" if colour else "")

    def _update_facts(self) -> None:
        member = dict(self.values)
        member["status"] = self.member["status"] if self.member else "在册"
        facts = derived_facts(member, self.today)
        labels = self.fact_labels
        labels["age"].setText(f"{facts['age']} 岁" if "age" in facts else "—（需出生日期）")
        labels["membership_years"].setText(f"{facts['membership_years']} 年" if "membership_years" in facts
                                           else "—（需入会日期）")
        if "next_birthday" in facts:
            days = (facts["next_birthday"] - self.today).days
            labels["next_birthday"].setText(f"{facts['next_birthday'].isoformat()}"
                                            + ("（今天）" if days == 0 else f"（还有 {days} 天）"))
        else:
            labels["next_birthday"].setText("—")
        retirement = facts.get("retirement")
        if retirement:
            when = retirement.date.isoformat()
            due = retirement.date <= self.today
            labels["retirement"].setText(f"{when} 已到龄（{retirement.age_text()}）" if due
                                         else f"{when}（{retirement.age_text()}）")
            on_roll = member["status"] == "在册"
            labels["retirement"].setStyleSheet(f"color: {WARNING_COLOUR};" if due and on_roll else "")
            labels["retirement"].setToolTip("已到法定退休年龄，状态仍为“在册”；如已办理退休，请在“会籍状态”中变更为“退休”"
                                            if due and on_roll else "")
        elif member.get("sex") == "女" and member.get("birth_date"):
            labels["retirement"].setStyleSheet("")
            labels["retirement"].setText("—（请选择“女职工原退休年龄”）")
        else:
            labels["retirement"].setStyleSheet("")
            labels["retirement"].setText("—（需出生日期和性别）")
        labels["working"].setText(facts.get("working", "—"))

    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def is_dirty(self) -> bool:
        return self.raw_values() != self._initial

    # --- actions -----------------------------------------------------------------------------
    def _save_clicked(self) -> None:
        self.save()

    def save_and_new(self) -> None:
        self.save(keep_open=True)

    def save(self, *, keep_open: bool = False) -> int | None:
        self._touched = set(self.editors)
        self._validate()
        if self.has_errors():
            return None
        raw = self.raw_values()
        store = self.context.members
        try:
            if self.is_new:
                member_id = store.create(raw, status_date=self.values.get("join_date"), today=self.today)
            else:
                store.update(self.member_id, raw, today=self.today)
                member_id = self.member_id
        except ValidationError as exc:
            self.problems = exc.problems
            self._validate()
            return None
        except UserError as exc:
            show_error(self, "保存会员", exc)
            return None
        self.context.members_changed.emit()
        name = raw.get("name", "").strip()
        self.context.status_message.emit(f"已保存会员“{name}”")
        self.saved.emit(member_id)
        if keep_open and self.is_new:
            self._clear_for_next()
        else:
            self._initial = self.raw_values()
            self.done(QDialog.Accepted)
        return member_id

    def _clear_for_next(self) -> None:
        """After 保存并继续新增: an empty card that keeps the department (usually the same)."""
        keep = {"sub_unit_id": self.editors["sub_unit_id"].value()}
        self._loading = True
        for key, editor in self.editors.items():
            editor.set_value(keep.get(key))
        self._loading = False
        self._touched.clear()
        self._auto.clear()
        self._initial = self.raw_values()
        self._validate()
        self.summary_label.setText("已保存，可以继续录入下一位。")
        self.summary_label.setStyleSheet("color: #2e7d32;")
        self.editors["name"].widget.setFocus()

    def change_status(self) -> StatusChangeDialog | None:
        if self.is_new:
            return None
        dialog = StatusChangeDialog(self.context, self.member, self, today=self.today)
        dialog.accepted.connect(self._status_changed)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.status_dialog = dialog
        dialog.open()
        return dialog

    def _status_changed(self) -> None:
        self._reload_status()
        self._validate()

    def void_member(self) -> VoidDialog | None:
        if self.is_new or self.is_voided:
            return None
        dialog = VoidDialog(self.context, self.member, self)
        dialog.accepted.connect(self.accept)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.void_dialog = dialog
        dialog.open()
        return dialog

    def restore_member(self) -> None:
        try:
            self.context.members.restore(self.member_id)
        except UserError as exc:
            show_error(self, "恢复会员记录", exc)
            return
        self.context.members_changed.emit()
        self.member = self.context.members.get(self.member_id)
        self.void_banner.hide()
        for editor in self.editors.values():
            editor.widget.setEnabled(True)
        self._update_retirement_age_state()
        self.save_button.show()
        self.void_button.show()
        self._reload_status()
        self._validate()


__all__ = ["MemberCardDialog", "StatusChangeDialog", "VoidDialog", "SubUnitComboBox", "FIELD_GROUPS"]
