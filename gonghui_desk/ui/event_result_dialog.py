"""The result form (录入成绩) of an event: who (an entry of the event, found by item and name, or an awardee
without an entry such as a 组织奖 to a department), stage, rank, grade, prize in 元, whether the person or
team was sent on to the upstream round and that round's result, and notes.

Problems are shown in red under their fields as they are typed (:meth:`EventStore.normalize_result`);
保存 stays disabled while there is one. An event that cannot take results yet (planned for a later day) or
any more (cancelled) opens the form with the store's reason in a banner and nothing to save.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLayout, QLineEdit, QPushButton,
                               QRadioButton, QStackedWidget, QTableView, QVBoxLayout, QWidget)

from gonghui_desk import value_lists
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.events.register import ALL_ITEMS, event_items, event_title
from gonghui_desk.events.store import EVENT_FIELD_LABELS, EventStore, ResultInput
from gonghui_desk.members import Problem
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text
from gonghui_desk.ui.dialogs import ERROR_COLOUR, FieldFormMixin, UnsavedChangesMixin
from gonghui_desk.ui.event_models import ENTRY_WIDTHS, WHOLE_EVENT, EntryTableModel
from gonghui_desk.ui.event_subdialogs import fill_items
from gonghui_desk.ui.tables import search_timer
from gonghui_desk.ui.visit_dialog import HINT_COLOUR
from gonghui_desk.union import load_profile, sub_units

WHO = ("entry", "awardee")
UNION_AWARDEE = "本会"


def int_or_text(text: str):
    """"3" -> 3, "" -> None, "第3名" -> 3; anything else is handed on as it is (the store says what is wrong)."""
    text = text.strip().removeprefix("第").removesuffix("名").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


def _fill_values(combo: QComboBox, values: list[str], empty: str, current: str) -> None:
    combo.clear()
    combo.addItem(empty, "")
    for value in values:
        combo.addItem(value, value)
    if current and combo.findData(current) < 0:  # retired from its list since: it may stay
        combo.addItem(current, current)
    combo.setCurrentIndex(max(combo.findData(current or ""), 0))


class ResultDialog(FieldFormMixin, UnsavedChangesMixin, QDialog):
    """Record a result of an event (``result_id=None``) or edit one; ``saved(result_id)`` after saving."""

    saved = Signal(int)

    def __init__(self, context, store: EventStore, event_id: int, result_id: int | None = None, parent=None, *,
                 item_id: Any = ALL_ITEMS, entry_id: int | None = None):
        super().__init__(parent)
        self.context, self.store, self.event_id = context, store, event_id
        self.result_id = result_id
        self.result: dict | None = store.get_result(result_id) if result_id is not None else None
        if result_id is not None and self.result is None:
            raise UserError(f"成绩记录 {result_id} 不存在")
        self.event_row = store.get(event_id)
        self.event_title = event_title(self.event_row["name"], self.event_row["edition"])
        self.items = event_items(context.db, event_id)
        self.problems: list[Problem] = []
        self.refusal = store.results_refusal(event_id)  # the store's own reason why the event takes no results now
        self._set_up_form(lambda: self._load(item_id, entry_id))

    @property
    def is_new(self) -> bool:
        return self.result_id is None

    @property
    def is_voided(self) -> bool:
        return bool(self.result and self.result["voided_at"])

    # --- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        outer, self.banner = self._titled_layout("录入成绩" if self.is_new else "修改成绩")

        who = QGroupBox("获奖对象")
        who_layout = QVBoxLayout(who)
        kinds = QHBoxLayout()
        self.who_group = QButtonGroup(self)
        self.who_buttons: dict[str, QRadioButton] = {}
        for number, (key, text) in enumerate(zip(WHO, ("参赛人员或队伍", "获奖单位（组织奖等，不对应报名）"))):
            button = QRadioButton(text)
            self.who_group.addButton(button, number)
            self.who_buttons[key] = button
            kinds.addWidget(button)
        kinds.addStretch(1)
        who_layout.addLayout(kinds)
        self.who_stack = QStackedWidget()
        who_layout.addWidget(self.who_stack)

        chooser = QWidget()
        chooser_layout = QVBoxLayout(chooser)
        chooser_layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("项目："))
        self.item_combo = QComboBox()
        filters.addWidget(self.item_combo)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("输入姓名、拼音首字母或队名查找")
        self.search_edit.setClearButtonEnabled(True)
        filters.addWidget(self.search_edit, 1)
        chooser_layout.addLayout(filters)
        self.entry_model = EntryTableModel(self.context.db, self.event_id, self, query=False)
        self.entry_table = QTableView()
        self.entry_table.setModel(self.entry_model)
        self.entry_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.entry_table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.entry_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.entry_table.setAlternatingRowColors(True)
        self.entry_table.setWordWrap(False)
        self.entry_table.verticalHeader().hide()
        row_height = self.fontMetrics().height() + 10
        self.entry_table.verticalHeader().setDefaultSectionSize(row_height)
        self.entry_table.setFixedHeight(row_height * 6 + 6)
        header = self.entry_table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        for key, width in ENTRY_WIDTHS.items():
            header.resizeSection(self.entry_model.column_index[key], width)
        self.entry_table.setColumnHidden(self.entry_model.column_index["source"], True)
        header.setSectionResizeMode(self.entry_model.column_index["sub_unit"], QHeaderView.Stretch)
        chooser_layout.addWidget(self.entry_table)
        self.chosen_label = QLabel()
        self.chosen_label.setWordWrap(True)
        chooser_layout.addWidget(self.chosen_label)
        self.widgets["participant_id"] = self.entry_table
        self.messages["participant_id"] = self._message()
        chooser_layout.addWidget(self.messages["participant_id"])
        self.who_stack.addWidget(chooser)

        awardee = QWidget()
        awardee_layout = QVBoxLayout(awardee)
        awardee_layout.setContentsMargins(0, 0, 0, 0)
        awardee_fields = QWidget()
        awardee_grid = self._grid(awardee_fields)
        awardee_grid.setContentsMargins(0, 0, 0, 0)
        awardee_layout.addWidget(awardee_fields)
        awardee_hint = QLabel("组织奖、优秀组织奖等颁给单位的奖项不对应报名记录，在此填写获奖单位："
                              "“本会”指本工会，也可选择或填写获奖的部门、班组。")
        awardee_hint.setWordWrap(True)
        awardee_hint.setStyleSheet(f"color: {HINT_COLOUR};")
        awardee_layout.addWidget(awardee_hint)
        awardee_layout.addStretch(1)
        self.awardee_combo = QComboBox()
        self.awardee_combo.setEditable(True)
        self.awardee_combo.setObjectName("field_awardee")
        self.awardee_combo.lineEdit().setPlaceholderText("如：本会、一车间（可直接输入）")
        self.awardee_combo.currentTextChanged.connect(self._changed)
        self._place(awardee_grid, 0, 0, "awardee", self.awardee_combo, label="获奖单位 *", span=3)
        self.who_stack.addWidget(awardee)
        outer.addWidget(who)

        what = QGroupBox("成绩")
        grid = self._grid(what)
        self.stage_combo = QComboBox()
        self.stage_combo.setObjectName("field_stage")
        self.stage_combo.setToolTip("只比一轮的不必选择；初赛、复赛、决赛的成绩分别登记")
        self._place(grid, 0, 0, "stage", self.stage_combo, label="比赛阶段")
        self.rank_edit = self._line_edit("rank", "如 1，可不填")
        self._place(grid, 0, 2, "rank", self.rank_edit, label="名次")
        self.grade_combo = QComboBox()
        self.grade_combo.setObjectName("field_grade")
        self._place(grid, 2, 0, "grade", self.grade_combo, label="获奖等级")
        self.prize_edit = self._line_edit("prize_fen", "如 500，可不填")
        self._place(grid, 2, 2, "prize_fen", self.prize_edit, label="奖金（元）")
        self.promoted_check = QCheckBox("推荐参加上级比赛（如县赛一等奖推荐参加市赛）")
        self.promoted_check.setObjectName("field_promoted")
        self.promoted_check.toggled.connect(self._changed)
        self._place(grid, 4, 0, "promoted", self.promoted_check, label="推荐上级", span=3)
        self.upstream_round_edit = self._line_edit("upstream_round", "如：市级决赛、省职工技能大赛")
        self._place(grid, 6, 0, "upstream_round", self.upstream_round_edit, label="上级比赛")
        self.upstream_result_combo = QComboBox()
        self.upstream_result_combo.setEditable(True)
        self.upstream_result_combo.setObjectName("field_upstream_result")
        self.upstream_result_combo.lineEdit().setPlaceholderText("结果出来后填写")
        self.upstream_result_combo.currentTextChanged.connect(self._changed)
        self._place(grid, 6, 2, "upstream_result", self.upstream_result_combo, label="上级比赛结果")
        self.notes_edit = self._line_edit("notes", "如：晋级决赛、破纪录")
        self._place(grid, 8, 0, "notes", self.notes_edit, label="备注", span=3)
        grid.itemAtPosition(8, 0).setAlignment(Qt.AlignRight | Qt.AlignVCenter)  # a one-line field here
        for combo in (self.stage_combo, self.grade_combo):
            combo.currentIndexChanged.connect(self._changed)
        outer.addWidget(what)
        outer.addStretch(1)
        outer.setSizeConstraint(QLayout.SetMinimumSize)

        bottom = QHBoxLayout()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        bottom.addWidget(self.summary_label, 1)
        self.buttons = QDialogButtonBox()
        self.save_button: QPushButton = self.buttons.addButton("保存", QDialogButtonBox.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = self.buttons.addButton("取消", QDialogButtonBox.RejectRole)
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.buttons)
        outer.addLayout(bottom)

        self.who_group.idToggled.connect(self._who_toggled)
        self.item_combo.currentIndexChanged.connect(self._filter_entries)
        self.search_timer = search_timer(self.search_edit, self._filter_entries, self)
        self.entry_table.selectionModel().selectionChanged.connect(self._entry_chosen)
        self.resize(720, self.sizeHint().height())

    def _message(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.hide()
        return label

    # --- loading -------------------------------------------------------------------------------
    def _load(self, item_id: Any, entry_id: int | None) -> None:
        data = self.store.result_as_input(self.result_id) if self.result else ResultInput(participant_id=entry_id)
        current = self.result or {}
        entry = self.store.get_entry(data.participant_id) if data.participant_id else None
        if entry is not None:
            item_id = entry["item_id"]
        fill_items(self.item_combo, self.items, team=None, every=True, select=item_id)
        self.entry_model.set_filter(self.item_combo.currentData())
        db = self.context.db
        awardees = [UNION_AWARDEE] + [unit.name for unit in sub_units(db)]
        self.awardee_combo.blockSignals(True)
        self.awardee_combo.clear()
        self.awardee_combo.addItems(list(dict.fromkeys(awardees)))
        self.awardee_combo.setCurrentText(data.awardee or "")
        self.awardee_combo.blockSignals(False)
        self.awardee_combo.setToolTip(f"本会：{load_profile(db).name or '本工会'}；或填写获奖的部门、班组名称")
        _fill_values(self.stage_combo, value_lists.values(db, "event.stage"), "（不分阶段）", current.get("stage", ""))
        grades = value_lists.values(db, "event.grade")
        _fill_values(self.grade_combo, grades, "（无）", current.get("grade", ""))
        self.upstream_result_combo.blockSignals(True)
        self.upstream_result_combo.clear()
        self.upstream_result_combo.addItems([""] + grades)
        self.upstream_result_combo.setCurrentText(data.upstream_result or "")
        self.upstream_result_combo.blockSignals(False)
        self.rank_edit.setText(str(data.rank) if data.rank else "")
        self.prize_edit.setText(yuan_text(data.prize_fen, thousands=False) if data.prize_fen else "")
        self.promoted_check.setChecked(bool(data.promoted))
        self.upstream_round_edit.setText(data.upstream_round or "")
        self.notes_edit.setText(data.notes or "")
        awardee = data.participant_id is None and bool(data.awardee)
        self.who_buttons["awardee" if awardee else "entry"].setChecked(True)
        self.who_stack.setCurrentIndex(1 if awardee else 0)
        if data.participant_id:
            self.select_entry(data.participant_id)
        self._entry_chosen()
        self._upstream_state()
        if self.result:
            self._touched = set(self.messages)
            self.title_label.setText(f"修改成绩 - {self.event_title}")
        else:
            self.title_label.setText(f"录入成绩 - {self.event_title}")
        if self.refusal:
            self.banner.show_text(self.refusal)
            self.save_button.setEnabled(False)

    def select_entry(self, entry_id: int) -> bool:
        row = self.entry_model.row_of(entry_id)
        if row is None:
            return False
        self.entry_table.selectRow(row)
        self.entry_table.scrollTo(self.entry_model.index(row, 0))
        return True

    # --- reacting ------------------------------------------------------------------------------
    def _who_toggled(self, number: int, checked: bool) -> None:
        if checked:
            self.who_stack.setCurrentIndex(number)
            if not self._loading:
                self._touched.add("participant_id" if WHO[number] == "entry" else "awardee")
                self._validate()

    def _filter_entries(self, *args) -> None:
        self.search_timer.stop()
        chosen = self.participant_id()
        self.entry_model.set_filter(self.item_combo.currentData(), self.search_edit.text())
        if chosen is not None:
            self.select_entry(chosen)
        self._entry_chosen()

    def _entry_chosen(self, *args) -> None:
        entry_id = self.participant_id()
        row = self.entry_model.row_of(entry_id) if entry_id is not None else None
        data = self.entry_model.row_data(row) if row is not None else None
        if data is None:
            self.chosen_label.setText("请在上表中选择获奖的参赛人员或队伍。")
            self.chosen_label.setStyleSheet(f"color: {HINT_COLOUR};")
        else:
            name = data["team_name"] or data["member_name"]
            where = "，".join(t for t in (data["item_name"] or WHOLE_EVENT.strip("（）"), data["sub_unit_path"]) if t)
            members = f"；队员：{'、'.join(m['name'] for m in data['members'])}" if data["members"] else ""
            self.chosen_label.setText(f"已选：<b>{name}</b>（{where}）{members}")
            self.chosen_label.setStyleSheet("")
        if not self._loading:
            self._touched.add("participant_id")
            self._validate()

    def _upstream_state(self) -> None:
        on = self.promoted_check.isChecked() and not self.refusal
        self.upstream_round_edit.setEnabled(on)
        self.upstream_result_combo.setEnabled(on)

    def _changed(self, *args) -> None:
        if self._loading:
            return
        sender = self.sender()
        keys = {self.stage_combo: "stage", self.grade_combo: "grade", self.promoted_check: "promoted",
                self.awardee_combo: "awardee", self.upstream_result_combo: "upstream_result"}
        if sender in keys:
            self._touched.add(keys[sender])
        if sender is self.promoted_check:
            self._upstream_state()
        self._validate()

    _changed_text = _changed

    def _finished_text(self) -> None:
        self._touched.add(self.sender().objectName().removeprefix("field_"))
        self._validate()

    # --- values and checks ---------------------------------------------------------------------
    def who(self) -> str:
        checked = self.who_group.checkedId()
        return WHO[checked] if checked >= 0 else "entry"

    def participant_id(self) -> int | None:
        rows = self.entry_table.selectionModel().selectedRows() if self.entry_table.selectionModel() else []
        return self.entry_model.row_id(rows[0].row()) if rows else None

    def result_input(self) -> tuple[ResultInput, list[Problem]]:
        problems: list[Problem] = []
        try:
            prize = parse_money(self.prize_edit.text()) or 0
        except MoneyParseError as exc:
            prize = 0
            problems.append(Problem("prize_fen", str(exc), field_label=EVENT_FIELD_LABELS["prize_fen"]))
        entry = self.who() == "entry"
        promoted = self.promoted_check.isChecked()
        data = ResultInput(
            participant_id=self.participant_id() if entry else None,
            awardee="" if entry else self.awardee_combo.currentText(),
            stage=self.stage_combo.currentData() or "", rank=int_or_text(self.rank_edit.text()),
            grade=self.grade_combo.currentData() or "", prize_fen=prize, promoted=promoted,
            upstream_round=self.upstream_round_edit.text() if promoted else "",
            upstream_result=self.upstream_result_combo.currentText() if promoted else "",
            notes=self.notes_edit.text())
        return data, problems

    def form_state(self) -> tuple:
        data, _ = self.result_input()
        return (data.participant_id, data.awardee, data.stage, data.rank, data.grade, self.prize_edit.text(),
                data.promoted, data.upstream_round, data.upstream_result, data.notes)

    def is_dirty(self) -> bool:
        return self.form_state() != self._initial

    def _validate(self) -> None:
        data, problems = self.result_input()
        _, found = self.store.normalize_result(self.event_id, data, result_id=self.result_id, current=self.result)
        problems = [p for p in found if p.field not in {q.field for q in problems}] + problems
        self.problems = problems
        self._show_problems(problems)
        self.save_button.setEnabled(not problems and not self.refusal)
        shown = [p for p in problems if p.field in self._touched]
        if self.refusal:
            self.summary_label.setText("")
        elif problems and not shown:
            self.summary_label.setText("请选择获奖对象，填写名次、获奖等级或奖金后保存。")
            self.summary_label.setStyleSheet(f"color: {HINT_COLOUR};")
        elif problems:
            labels = list(dict.fromkeys(p.label for p in shown))
            self.summary_label.setText(f"有 {len(problems)} 处需要修改后才能保存：{'、'.join(labels)}")
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        else:
            self.summary_label.setText("")

    # --- saving --------------------------------------------------------------------------------
    def save(self) -> int | None:
        self._touched = set(self.messages)
        self._validate()
        if self.problems or self.refusal:
            return None
        data, _ = self.result_input()
        try:
            if self.is_new:
                self.result_id = self.store.record_result(self.event_id, data)
            else:
                self.store.update_result(self.result_id, data)
        except ValidationError as exc:
            self.problems = exc.problems
            self.summary_label.setText("；".join(p.message for p in exc.problems))
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            return None
        except UserError as exc:
            self.refusal = str(exc)
            self.banner.show_text(self.refusal)
            self.save_button.setEnabled(False)
            return None
        self._initial = self.form_state()
        self.saved.emit(self.result_id)
        self.done(QDialog.Accepted)
        return self.result_id


__all__ = ["ResultDialog", "int_or_text"]
