"""The honour form (荣誉): one honour to a person, a collective or the union itself, checked as it
is typed.

``HonourDialog(context, honour_id=None)`` edits a recorded honour or, with ``honour_id=None``,
records a new one. The recipient kind switches the recipient fields: a member
(:class:`~gonghui_desk.ui.visit_dialog.MemberPicker`) for 个人; one of the union's departments
(:class:`~gonghui_desk.ui.member_card.SubUnitComboBox`) and/or a group's name for 集体; nothing
for 本会. The title is typed or picked from the common titles (value list ``honour.title``).
Problems are shown in red under their fields (``HonourStore.normalize``) and 保存 stays disabled
while there is one.

A new honour may be recorded at any stage (a past honour simply as 获评); a saved one moves on
with 推进到下一阶段 (推荐 → 申报 → 获评, never back; the date of 获评 is asked for, and may be
left empty). When the title is a model-worker title the form says what the member's 劳模类型
becomes; the store changes it on saving. A mistaken honour is voided with a reason.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLayout, QLineEdit, QPlainTextEdit, QPushButton, QRadioButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from gonghui_desk import value_lists
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.honours.store import (AWARDED, LEVELS, RECIPIENT_KINDS, STAGES, UNION_SELF, HonourInput,
                                        HonourStore, model_worker_type_for, next_stage)
from gonghui_desk.members import Problem
from gonghui_desk.ui.dialogs import (DONE_BANNER_STYLE, ERROR_COLOUR, FieldFormMixin, ReasonDialog,
                                     UnsavedChangesMixin)
from gonghui_desk.ui.honours_view import notify_honours_changed
from gonghui_desk.ui.member_card import SubUnitComboBox
from gonghui_desk.ui.visit_dialog import DATE_PLACEHOLDER, HINT_COLOUR, WARNING_COLOUR, MemberPicker
from gonghui_desk.ui.workers import show_error
from gonghui_desk.union import load_profile, sub_units

MODEL_WORKER_COLOUR = "#8a5a00"


def type_change_text(context, changes) -> str:
    """"林雪的劳模类型改为“市级劳模”" for each (member_id, old, new) a write changed."""
    parts = []
    for member_id, _old, new in changes:
        member = context.members.get(member_id) or {}
        name = member.get("name", "")
        parts.append(f"{name}的劳模类型改为“{new}”" if new else f"{name}的劳模类型已清除")
    return "；".join(parts)


class AwardDialog(QDialog):
    """推进到“获评”: the date it was conferred (may be left empty)."""

    def __init__(self, year: int, parent=None, *, today: dt.date):
        super().__init__(parent)
        self.setWindowTitle("获评")
        layout = QVBoxLayout(self)
        text = QLabel(f"将此荣誉标记为<b>获评</b>（{year} 年度）。获评后阶段不能再退回。")
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText(f"可不填；{DATE_PLACEHOLDER}")
        if year == today.year:
            self.date_edit.setText(today.isoformat())
        form.addRow("授予日期：", self.date_edit)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("确定获评")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.apply = None  # set by the form: apply(date_text) raises UserError to keep the dialog open
        self.resize(400, self.sizeHint().height())

    def accept(self) -> None:
        if self.apply is not None:
            try:
                self.apply(self.date_edit.text())
            except ValidationError as exc:
                self.error_label.setText("；".join(p.message for p in exc.problems))
                self.error_label.show()
                return
            except UserError as exc:
                self.error_label.setText(str(exc))
                self.error_label.show()
                return
        super().accept()


class HonourDialog(FieldFormMixin, UnsavedChangesMixin, QDialog):
    """Record a new honour, or edit, move on and void a recorded one."""

    saved = Signal(int)  # the honour's id
    changed = Signal()  # saved, moved on a stage or voided

    def __init__(self, context, honour_id: int | None = None, parent=None, *, member_id: int | None = None,
                 today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self.honour_id = honour_id
        self.today = today or dt.date.today()
        self.store = HonourStore(context.db, today=self.today)
        self.honour: dict | None = self.store.get(honour_id) if honour_id is not None else None
        if honour_id is not None and self.honour is None:
            raise UserError(f"荣誉记录 {honour_id} 不存在")
        self.problems: list[Problem] = []
        self.void_dialog = None
        self.award_dialog = None
        self._set_up_form(lambda: self._load(member_id))

    @property
    def is_new(self) -> bool:
        return self.honour_id is None

    @property
    def is_voided(self) -> bool:
        return bool(self.honour and self.honour.get("voided_at"))

    @property
    def stage(self) -> str:
        return self.honour["stage"] if self.honour else self.stage_combo.currentText()

    # --- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        outer, self.banner = self._titled_layout("新增荣誉" if self.is_new else "荣誉")

        who = QGroupBox("获得者")
        grid = self._grid(who)
        kinds = QWidget()
        row = QHBoxLayout(kinds)
        row.setContentsMargins(0, 0, 0, 0)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        for number, (kind, text) in enumerate(zip(RECIPIENT_KINDS, ("个人（会员）", "集体（部门、班组、科室…）",
                                                                    "本会（本工会）"))):
            button = QRadioButton(text)
            self.kind_group.addButton(button, number)
            self.kind_buttons[kind] = button
            row.addWidget(button)
        row.addStretch(1)
        self.kind_group.idToggled.connect(self._kind_toggled)
        self._place(grid, 0, 0, "recipient_kind", kinds, label="类型 *", span=3)
        self.recipient_stack = QStackedWidget()
        grid.addWidget(self.recipient_stack, 2, 0, 1, 4)

        person = QWidget()
        person_grid = self._grid(person)
        person_grid.setContentsMargins(0, 0, 0, 0)
        self.member_picker = MemberPicker(self.context)
        self.member_picker.edit.setPlaceholderText("输入姓名、拼音首字母，从列表中选择获得荣誉的会员")
        self.member_picker.member_changed.connect(self._member_changed)
        self._place(person_grid, 0, 0, "member_id", self.member_picker, label="会员 *", span=3)
        self.recipient_stack.addWidget(person)

        group = QWidget()
        group_grid = self._grid(group)
        group_grid.setContentsMargins(0, 0, 0, 0)
        self.sub_unit_combo = SubUnitComboBox()
        self.sub_unit_combo.currentIndexChanged.connect(self._changed)
        self._place(group_grid, 0, 0, "sub_unit_id", self.sub_unit_combo, label="部门")
        self.group_edit = self._line_edit("group_name", "如：质检班、护理组")
        self.group_edit.setToolTip("部门本身获得的荣誉只选部门即可；班组、科室等不在组织机构中的集体填写名称")
        self._place(group_grid, 0, 2, "group_name", self.group_edit, label="集体名称")
        self.recipient_stack.addWidget(group)

        union = QWidget()
        union_row = QHBoxLayout(union)
        union_row.setContentsMargins(0, 4, 0, 4)
        self.union_label = QLabel()
        self.union_label.setStyleSheet(f"color: {HINT_COLOUR};")
        union_row.addWidget(self.union_label, 1)
        self.recipient_stack.addWidget(union)
        outer.addWidget(who)

        what = QGroupBox("荣誉")
        grid = self._grid(what)
        self.title_combo = QComboBox()
        self.title_combo.setEditable(True)
        self.title_combo.setObjectName("field_title")
        self.title_combo.lineEdit().setPlaceholderText("如：市劳动模范、全国五一劳动奖章、工人先锋号（可直接输入）")
        self.title_combo.currentTextChanged.connect(self._changed)
        self._place(grid, 0, 0, "title", self.title_combo, label="荣誉称号 *", span=3)
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("field_level")
        self.level_combo.addItem("（请选择）", "")
        for level in LEVELS:
            self.level_combo.addItem(level, level)
        self.level_combo.currentIndexChanged.connect(self._changed)
        self._place(grid, 2, 0, "level", self.level_combo, label="级别 *")
        self.conferred_by_edit = self._line_edit("conferred_by", "如：市人民政府、省总工会")
        self._place(grid, 2, 2, "conferred_by", self.conferred_by_edit, label="授予单位")
        self.year_edit = self._line_edit("year", f"如 {self.today.year}")
        self._place(grid, 4, 0, "year", self.year_edit, label="年度 *")
        self.date_edit = self._line_edit("conferred_on", "获评后填写，可不填")
        self.date_edit.setToolTip(DATE_PLACEHOLDER)
        self._place(grid, 4, 2, "conferred_on", self.date_edit, label="授予日期")

        stage = QWidget()
        stage_row = QHBoxLayout(stage)
        stage_row.setContentsMargins(0, 0, 0, 0)
        self.stage_combo = QComboBox()
        self.stage_combo.setObjectName("field_stage")
        self.stage_combo.addItems(STAGES)
        self.stage_combo.setCurrentText(AWARDED)
        self.stage_combo.setToolTip("往年已获得的荣誉直接选“获评”；正在推荐、申报的选相应阶段，以后再推进")
        self.stage_combo.currentIndexChanged.connect(self._changed)
        self.stage_label = QLabel()
        self.advance_button = QPushButton("推进到下一阶段")
        self.advance_button.clicked.connect(self.advance_stage)
        stage_row.addWidget(self.stage_combo)
        stage_row.addWidget(self.stage_label)
        stage_row.addWidget(self.advance_button)
        stage_row.addStretch(1)
        self.widgets["stage"] = self.stage_combo
        self._place(grid, 6, 0, "stage", stage, label="阶段", span=3)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(48)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.textChanged.connect(self._changed)
        self.widgets["notes"] = self.notes_edit
        self._place(grid, 8, 0, "notes", self.notes_edit, label="备注", span=3)
        self.model_worker_label = QLabel()
        self.model_worker_label.setWordWrap(True)
        self.model_worker_label.setStyleSheet(f"color: {MODEL_WORKER_COLOUR};")
        self.model_worker_label.hide()
        grid.addWidget(self.model_worker_label, 10, 1, 1, 3)
        outer.addWidget(what)
        outer.addStretch(1)
        outer.setSizeConstraint(QLayout.SetMinimumSize)

        bottom = QHBoxLayout()
        self.void_button = QPushButton("作废…")
        self.void_button.setToolTip("录错或重复登记的荣誉可以作废（不会删除）")
        self.void_button.clicked.connect(self.void_honour)
        self.void_button.setVisible(not self.is_new)
        bottom.addWidget(self.void_button)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        bottom.addWidget(self.summary_label, 1)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = self.buttons.addButton("取消" if self.is_new else "关闭", QDialogButtonBox.RejectRole)
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.buttons)
        outer.addLayout(bottom)
        self.resize(700, 520)

    # --- loading -------------------------------------------------------------------------------
    def _load(self, member_id: int | None) -> None:
        data = self.store.as_input(self.honour_id) if self.honour else HonourInput(
            "个人", member_id=member_id, year=self.today.year)
        self.kind_buttons.get(data.recipient_kind, self.kind_buttons["个人"]).setChecked(True)
        self.recipient_stack.setCurrentIndex(RECIPIENT_KINDS.index(data.recipient_kind)
                                             if data.recipient_kind in RECIPIENT_KINDS else 0)
        if data.member_id:
            self.member_picker.set_member(data.member_id)
        self.sub_unit_combo.set_units(sub_units(self.context.db), "（不选部门）", select=data.sub_unit_id)
        self.group_edit.setText(data.group_name or "")
        self.union_label.setText(f"本工会：{load_profile(self.context.db).name or UNION_SELF}"
                                 "（如模范职工之家、先进职工之家等授予工会本身的荣誉）")
        titles = value_lists.values(self.context.db, "honour.title")
        self.title_combo.blockSignals(True)
        self.title_combo.clear()
        self.title_combo.addItems(titles)
        self.title_combo.setCurrentText(data.title or "")
        self.title_combo.blockSignals(False)
        self.level_combo.setCurrentIndex(max(self.level_combo.findData(data.level or ""), 0))
        self.conferred_by_edit.setText(data.conferred_by or "")
        self.year_edit.setText(str(data.year or ""))
        self.date_edit.setText(str(data.conferred_on or ""))
        self.notes_edit.setPlainText(data.notes or "")
        if not self.honour:
            self._show_stage()
            return
        self._touched = set(self.messages)
        self._show_stage()
        title = f"荣誉 - {self.honour['title']}"
        self.title_label.setText(title)
        self.setWindowTitle(title)
        if self.is_voided:
            self.banner.show_text(f"此荣誉记录已于 {(self.honour['voided_at'] or '').replace('T', ' ')[:16]} 作废，"
                                  f"原因：{self.honour['void_reason'] or ''}。作废的记录不计入名单和统计，也不能修改。")
            for widget in (*self.kind_buttons.values(), self.member_picker, self.sub_unit_combo, self.group_edit,
                           self.title_combo, self.level_combo, self.conferred_by_edit, self.year_edit, self.date_edit,
                           self.notes_edit, self.advance_button):
                widget.setEnabled(False)
            self.save_button.hide()
            self.void_button.hide()
        elif self.honour["stage"] == AWARDED:
            self.banner.show_text(f"{self.honour['year']}年度已获评" +
                                  (f"（{self.honour['conferred_on']}）" if self.honour["conferred_on"] else "") + "。",
                                  style=DONE_BANNER_STYLE)
        else:
            self.banner.hide()

    def _show_stage(self) -> None:
        """A new honour picks its stage; a saved one shows it and moves on with the button."""
        new = self.is_new
        self.stage_combo.setVisible(new)
        self.stage_label.setVisible(not new)
        following = next_stage(self.stage) if not new else None
        self.advance_button.setVisible(not new and following is not None and not self.is_voided)
        if not new:
            steps = "　→　".join(f"<b>{s}</b>" if s == self.stage else f"<span style='color:#999'>{s}</span>"
                                for s in STAGES)
            self.stage_label.setText(steps)
            if following:
                self.advance_button.setText(f"推进到下一阶段：{following}")
                self.advance_button.setToolTip("阶段只能向前推进：推荐 → 申报 → 获评")
        self._date_state()

    def _date_state(self) -> None:
        awarded = self.stage == AWARDED
        self.date_edit.setEnabled(awarded and not self.is_voided)
        if not awarded and self.date_edit.text() and not self._loading:
            self.date_edit.clear()

    # --- reacting ------------------------------------------------------------------------------
    def _kind_toggled(self, number: int, checked: bool) -> None:
        if checked:
            self.recipient_stack.setCurrentIndex(number)
            if not self._loading:
                self._touched.add("recipient_kind")
                self._validate()

    def _member_changed(self, member_id) -> None:
        if not self._loading:
            self._touched.add("member_id")
            self._validate()

    def _changed(self, *args) -> None:
        if self._loading:
            return
        sender = self.sender()
        if sender is self.stage_combo:
            self._date_state()
        elif sender in (self.title_combo, self.level_combo, self.sub_unit_combo):
            self._touched.add({self.title_combo: "title", self.level_combo: "level",
                               self.sub_unit_combo: "sub_unit_id"}[sender])
        self._validate()

    _changed_text = _changed

    def _finished_text(self) -> None:
        key = self.sender().objectName().removeprefix("field_")
        self._touched.add(key)
        if key == "conferred_on":
            try:
                day = parse_date(self.date_edit.text())
            except DateParseError:
                day = None
            if day and self.date_edit.text().strip() != day.isoformat():
                self.date_edit.setText(day.isoformat())
        self._validate()

    # --- values and checks ---------------------------------------------------------------------
    def recipient_kind(self) -> str:
        checked = self.kind_group.checkedId()
        return RECIPIENT_KINDS[checked] if checked >= 0 else ""

    def honour_input(self) -> HonourInput:
        kind = self.recipient_kind()
        return HonourInput(
            recipient_kind=kind,
            member_id=self.member_picker.member_id if kind == "个人" else None,
            sub_unit_id=self.sub_unit_combo.currentData() if kind == "集体" else None,
            group_name=self.group_edit.text() if kind == "集体" else "",
            title=self.title_combo.currentText(), level=self.level_combo.currentData() or "",
            conferred_by=self.conferred_by_edit.text(), year=self.year_edit.text().strip() or None,
            conferred_on=self.date_edit.text() if self.stage == AWARDED else None,
            stage=self.stage, notes=self.notes_edit.toPlainText())

    def form_state(self) -> tuple:
        data = self.honour_input()
        return (data.recipient_kind, data.member_id, data.sub_unit_id, data.group_name, data.title, data.level,
                data.conferred_by, data.year, data.conferred_on, data.stage, data.notes)

    def is_dirty(self) -> bool:
        return self.form_state() != self._initial

    def _validate(self) -> None:
        data = self.honour_input()
        _, problems = self.store.normalize(data, current=self.honour)
        self.problems = problems
        self._show_problems(problems)
        self._show_model_worker(data)
        self.save_button.setEnabled(not problems and not self.is_voided)
        shown = [p for p in problems if p.field in self._touched]
        if problems and not shown:
            self.summary_label.setText("请选择获得者，填写荣誉称号、级别和年度后保存。")
            self.summary_label.setStyleSheet(f"color: {HINT_COLOUR};")
        elif problems:
            labels = list(dict.fromkeys(p.label for p in shown))
            self.summary_label.setText(f"有 {len(problems)} 处需要修改后才能保存：{'、'.join(labels)}")
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        else:
            self.summary_label.setText("")

    def _show_model_worker(self, data: HonourInput) -> None:
        kind = model_worker_type_for(data.title, data.level) if data.recipient_kind == "个人" else ""
        if not kind:
            self.model_worker_label.hide()
            return
        when = "该会员的劳模类型将为" if data.stage == AWARDED else "获评后，该会员的劳模类型将为"
        self.model_worker_label.setText(f"“{data.title.strip()}”是劳模称号：{when}“{kind}”"
                                        "（已有更高的劳模类型时保留更高的）。")
        self.model_worker_label.show()

    def has_errors(self) -> bool:
        return bool(self.problems)

    # --- actions -------------------------------------------------------------------------------
    def _after_write(self, message: str) -> None:
        changes = self.store.type_changes
        notify_honours_changed(self.context, changes)
        extra = type_change_text(self.context, changes)
        self.context.status_message.emit(message + (f"；{extra}" if extra else ""))

    def save(self) -> int | None:
        self._touched = set(self.messages)
        self._validate()
        if self.problems or self.is_voided:
            return None
        data = self.honour_input()
        try:
            if self.is_new:
                self.honour_id = self.store.save(data)
            else:
                self.store.update(self.honour_id, data)
        except ValidationError as exc:
            self.problems = exc.problems
            self.summary_label.setText("；".join(p.message for p in exc.problems))
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            return None
        except UserError as exc:
            show_error(self, "保存荣誉", exc)
            return None
        self._after_write(f"已保存荣誉：{data.title.strip()}")
        self._initial = self.form_state()
        self.saved.emit(self.honour_id)
        self.changed.emit()
        self.done(QDialog.Accepted)
        return self.honour_id

    def advance_stage(self) -> AwardDialog | str | None:
        """推荐 → 申报 at once; → 获评 through :class:`AwardDialog` (the date, optional). Unsaved
        edits must be saved first."""
        if self.is_new or self.is_voided or next_stage(self.stage) is None:
            return None
        if self.is_dirty():
            self.summary_label.setText("请先保存修改，再推进阶段。")
            self.summary_label.setStyleSheet(f"color: {WARNING_COLOUR};")
            return None
        following = next_stage(self.stage)
        if following != AWARDED:
            try:
                self.store.advance(self.honour_id)
            except UserError as exc:
                show_error(self, "推进阶段", exc)
                return None
            self._advanced(following)
            return following
        dialog = AwardDialog(self.honour["year"], self, today=self.today)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.apply = lambda text: self.store.advance(self.honour_id, text.strip() or None)
        dialog.accepted.connect(lambda: self._advanced(AWARDED))
        self.award_dialog = dialog
        dialog.open()
        return dialog

    def _advanced(self, stage: str) -> None:
        self._after_write(f"荣誉“{self.honour['title']}”已推进到：{stage}")
        self.honour = self.store.get(self.honour_id)
        self._loading = True
        self._load(None)
        self._loading = False
        self._initial = self.form_state()
        self._validate()
        self.changed.emit()

    def void_honour(self) -> ReasonDialog | None:
        if self.is_new or self.is_voided:
            return None
        dialog = ReasonDialog("作废荣誉记录", "作废用于<b>录错或重复登记</b>的荣誉。作废后它不再出现在荣誉名单和统计中，"
                                          "但记录本身会保留；由它得出的劳模类型会随之重新确定。",
                              placeholder="必填，例如：重复登记", apply=self._void, parent=self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._voided)
        self.void_dialog = dialog
        dialog.open()
        return dialog

    def _void(self, reason: str) -> None:
        self.store.void(self.honour_id, reason)
        self._after_write("已作废一项荣誉记录")

    def _voided(self) -> None:
        self.changed.emit()
        self.done(QDialog.Accepted)


def open_honour_dialog(parent: QWidget, context, honour_id: int | None = None, **kwargs) -> HonourDialog:
    """Open (without blocking) an honour dialog over ``parent``; it deletes itself when closed."""
    dialog = HonourDialog(context, honour_id, parent, **kwargs)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["AwardDialog", "HonourDialog", "open_honour_dialog", "type_change_text"]
