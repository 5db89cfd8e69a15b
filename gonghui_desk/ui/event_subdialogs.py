"""The small dialogs of the event page (:mod:`gonghui_desk.ui.event_dialog`).

* :class:`ItemDialog` — add or rename an item (项目/工种), 团体项目 or not.
* :class:`TeamDialog` — a team: name, 所属部门, members (添加会员… through the shared
  :class:`~gonghui_desk.ui.campaign_wizard.MemberPickerDialog`), captain; a new team may be entered in an
  item at once.
* :class:`EnterTeamDialog` — 报名 a team in a team item (or the event as a whole).
* :class:`CriteriaDialog` — 按条件添加: a department (with its sub-units), sex, status, age band and the
  报名说明 the entries keep; shows how many members match before adding.

Every one of them writes through :class:`~gonghui_desk.events.store.EventStore` when accepted and stays open
showing the store's message when it refuses. The result form is :mod:`gonghui_desk.ui.event_result_dialog`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout)

from gonghui_desk.db.member_queries import AGE_BANDS, MemberFilter, count_members, member_rows
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.events.register import ALL_ITEMS
from gonghui_desk.events.store import AddResult, EventStore
from gonghui_desk.ui.campaign_wizard import MemberPickerDialog
from gonghui_desk.ui.dialogs import ERROR_COLOUR
from gonghui_desk.ui.event_models import WHOLE_EVENT, team_members_model
from gonghui_desk.ui.member_card import SubUnitComboBox
from gonghui_desk.ui.tables import MemberTableView
from gonghui_desk.ui.visit_dialog import HINT_COLOUR, WARNING_COLOUR
from gonghui_desk.union import descendant_ids, sub_unit_paths, sub_units

ANY = "不限"
CRITERIA_STATUSES = (("在册", "在册"), ("退休", "退休"), ("在册和退休", ("在册", "退休")))
WARNINGS_SHOWN = 5


def error_text(exc: Exception) -> str:
    """The store's message: the problems of a ValidationError, or a UserError's text."""
    if isinstance(exc, ValidationError):
        return "；".join(p.message for p in exc.problems)
    return str(exc)


def add_result_text(result: AddResult) -> str:
    """"新增 3 人，已在名单 1 人" and, on a second line, the warnings (the first few)."""
    text = f"新增 {result.added} 人，已在名单 {result.skipped} 人"
    if result.warnings:
        shown = "；".join(result.warnings[:WARNINGS_SHOWN])
        more = f"等 {len(result.warnings)} 条" if len(result.warnings) > WARNINGS_SHOWN else ""
        text += f"。\n请注意：{shown}{more}（已照常报名）"
    return text


def fill_items(combo: QComboBox, items: list[dict], *, team: bool | None, whole: bool = True,
               every: bool = False, select: Any = None) -> None:
    """Item choices: (全部项目), the items of the right kind (``team`` True/False, None: all), and the
    event as a whole (data None). ``select`` is an item id (or None, or ALL_ITEMS)."""
    combo.blockSignals(True)
    combo.clear()
    if every:
        combo.addItem("全部项目", ALL_ITEMS)
    for item in items:
        if team is None or bool(item["team_item"]) == team:
            combo.addItem(item["name"] + ("（团体）" if item["team_item"] and team is None else ""), item["id"])
    if whole:
        combo.addItem(WHOLE_EVENT if items else "整个活动", None)
    index = 0
    for number in range(combo.count()):
        if combo.itemData(number) is select or combo.itemData(number) == select:
            index = number
            break
    combo.setCurrentIndex(index)
    combo.blockSignals(False)


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.hide()
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {HINT_COLOUR};")
    return label


class HintTableView(MemberTableView):
    """A list that says what to do while it is empty (``empty_text``), instead of a blank white box."""

    empty_text = ""

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is None or model.rowCount() or not self.empty_text:
            return
        painter = QPainter(self.viewport())
        painter.setPen(QColor(HINT_COLOUR))
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        painter.drawText(area, int(Qt.AlignHCenter | Qt.AlignTop | Qt.TextWordWrap), self.empty_text)
        painter.end()


class _StoreDialog(QDialog):
    """A dialog whose 确定 calls ``self._apply()``; a refusal of the store stays in ``error_label``."""

    def _buttons(self, ok_text: str) -> QDialogButtonBox:
        self.error_label = _error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _apply(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self._apply()
        except (UserError, ValidationError) as exc:
            self.show_error(error_text(exc))
            return
        super().accept()


# --- items -------------------------------------------------------------------------------------------
class ItemDialog(_StoreDialog):
    """Add an item (name, 团体项目) or rename one: ``apply(name, team_item)`` writes it."""

    def __init__(self, title: str, apply: Callable[[str, bool], Any], parent=None, *, name: str = "",
                 team_item: bool = False, show_team: bool = True):
        super().__init__(parent)
        self.setWindowTitle(title)
        self._write = apply
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText("如：100米、拔河、焊工、数控车工")
        form.addRow("项目名称：", self.name_edit)
        self.team_check = QCheckBox("团体项目（以队伍报名，如拔河、接力、团体赛）")
        self.team_check.setChecked(team_item)
        self.team_check.setVisible(show_team)
        form.addRow("", self.team_check)
        layout.addLayout(form)
        self._buttons("确定")
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self._changed)
        self._changed()
        self.resize(420, self.sizeHint().height())

    def _changed(self, *args) -> None:
        self.ok_button.setEnabled(bool(self.name_edit.text().strip()))

    def _apply(self) -> None:
        self._write(self.name_edit.text(), self.team_check.isChecked())


# --- teams -------------------------------------------------------------------------------------------
class TeamDialog(_StoreDialog):
    """A new team (``team_id=None``) or one of the event's teams: name, department, members, captain.

    Members are gathered here and written when 保存 is pressed: a new team with
    :meth:`EventStore.create_team` (and, when an item is chosen, :meth:`EventStore.add_team`); an existing
    one with update_team / add_team_members / remove_team_members. ``saved(team_id)`` is emitted after."""

    saved = Signal(int)

    def __init__(self, context, store: EventStore, event_id: int, team: dict | None = None, parent=None, *,
                 items: list[dict] = (), read_only: bool = False):
        super().__init__(parent)
        self.context, self.store, self.event_id = context, store, event_id
        self.team = team
        self.team_id: int | None = team["id"] if team else None
        self.picker: MemberPickerDialog | None = None
        self.entered_item: Any = ALL_ITEMS  # what the new team was entered in (ALL_ITEMS: not entered)
        self.setWindowTitle(f"队伍 - {team['name']}" if team else "新建队伍")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.name_edit = QLineEdit(team["name"] if team else "")
        self.name_edit.setPlaceholderText("如：一车间队、语文组代表队")
        form.addRow("队名：", self.name_edit)
        self.sub_unit_combo = SubUnitComboBox()
        self.sub_unit_combo.set_units(sub_units(context.db), "（不选部门）", select=team["sub_unit_id"] if team else None)
        self.sub_unit_combo.setToolTip("代表哪个部门出赛；成绩和名单中显示为该队的部门")
        form.addRow("所属部门：", self.sub_unit_combo)
        layout.addLayout(form)

        box = QGroupBox("队员")
        box_layout = QVBoxLayout(box)
        self.members_model = team_members_model(self)
        self.members_table = HintTableView()
        self.members_table.empty_text = "还没有队员。点“添加会员…”选择队员，再选中一人点“设为队长”。"
        self.members_table.setModel(self.members_model)
        self.members_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.members_table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.members_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.members_table.verticalHeader().hide()
        self.members_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.members_table.setAlternatingRowColors(True)
        header = self.members_table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.resizeSection(0, 100)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.resizeSection(2, 56)
        box_layout.addWidget(self.members_table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("添加会员…")
        self.add_button.clicked.connect(self.choose_members)
        self.remove_button = QPushButton("移出队伍")
        self.remove_button.clicked.connect(self.remove_selected)
        self.captain_button = QPushButton("设为队长")
        self.captain_button.clicked.connect(self.set_captain_selected)
        for button in (self.add_button, self.remove_button, self.captain_button):
            row.addWidget(button)
        row.addStretch(1)
        self.count_label = QLabel()
        row.addWidget(self.count_label)
        box_layout.addLayout(row)
        layout.addWidget(box, 1)

        self.enter_combo = QComboBox()
        team_items = [i for i in items if i["team_item"]]
        if team is None:
            enter_row = QFormLayout()
            enter_row.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.enter_combo.addItem("（暂不报名）", ALL_ITEMS)
            for item in team_items:
                self.enter_combo.addItem(item["name"], item["id"])
            self.enter_combo.addItem("整个活动（不分项目）", None)
            self.enter_combo.setCurrentIndex(1 if team_items else 0)
            self.enter_combo.setToolTip("队伍报名后才计入参加人次；也可以以后在“队伍”页点“报名…”")
            enter_row.addRow("同时报名到：", self.enter_combo)
            layout.addLayout(enter_row)
        layout.addWidget(_hint("队伍至少要有一名队员；队长须是本队队员。队伍报名到团体项目后按队员人数计人次。"))
        self._buttons("保存")
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        members = [] if team is None else [dict(m, id=m["member_id"]) for m in team["members"]]
        self.members_model.set_rows(members)
        self.original_ids = {m["id"] for m in members}
        self.original_captain = team["captain_member_id"] if team else None
        self.members_table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.members_model.modelReset.connect(self._selection_changed)
        self.name_edit.textChanged.connect(self._selection_changed)
        self._selection_changed()
        if read_only:
            for widget in (self.name_edit, self.sub_unit_combo, self.add_button, self.remove_button,
                           self.captain_button, self.ok_button):
                widget.setEnabled(False)
        self.resize(520, 500)

    # --- members ---------------------------------------------------------------------------------
    def member_ids(self) -> list[int]:
        return [m["id"] for m in self.members_model.rows]

    def captain_id(self) -> int | None:
        return next((m["id"] for m in self.members_model.rows if m["captain"]), None)

    def choose_members(self) -> MemberPickerDialog:
        dialog = MemberPickerDialog(self.context, self.member_ids(), self, title="添加队员")
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.members_chosen.connect(self.add_members)
        self.picker = dialog
        dialog.open()
        return dialog

    def add_members(self, member_ids: list[int]) -> int:
        present = set(self.member_ids())
        new = [i for i in member_ids if i not in present]
        if not new:
            return 0
        rows = member_rows(self.context.db, new)
        paths = sub_unit_paths(self.context.db)
        added = [{"id": i, "member_id": i, "name": rows[i]["name"], "captain": False,
                  "sub_unit_path": paths.get(rows[i]["sub_unit_id"], "")} for i in new if i in rows]
        self.members_model.set_rows(self.members_model.rows + added)
        return len(added)

    def _selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.members_table.selectionModel().selectedRows()})
        return [self.members_model.rows[r]["id"] for r in rows if r < len(self.members_model.rows)]

    def select_member(self, member_id: int) -> None:
        row = self.members_model.row_of(member_id)
        if row is not None:
            self.members_table.selectRow(row)

    def remove_selected(self) -> int:
        chosen = set(self._selected_ids())
        self.members_model.set_rows([m for m in self.members_model.rows if m["id"] not in chosen])
        return len(chosen)

    def set_captain(self, member_id: int | None) -> None:
        self.members_model.set_rows([dict(m, captain=m["id"] == member_id) for m in self.members_model.rows])

    def set_captain_selected(self) -> None:
        chosen = self._selected_ids()
        if len(chosen) == 1:
            self.set_captain(chosen[0])

    def _selection_changed(self, *args) -> None:
        chosen = self._selected_ids()
        self.remove_button.setEnabled(bool(chosen))
        self.captain_button.setEnabled(len(chosen) == 1)
        count = len(self.members_model.rows)
        captain = next((m["name"] for m in self.members_model.rows if m["captain"]), "")
        self.count_label.setText(f"共 {count} 人" + (f"，队长：{captain}" if captain else "，未设队长"))
        self.ok_button.setEnabled(bool(self.name_edit.text().strip()) and count > 0)

    # --- writing ---------------------------------------------------------------------------------
    def _apply(self) -> None:
        name, unit, captain = self.name_edit.text(), self.sub_unit_combo.currentData(), self.captain_id()
        ids = self.member_ids()
        if not ids:
            raise UserError("队伍至少要有一名队员")
        if self.team_id is None:
            self.team_id = self.store.create_team(self.event_id, name, ids, captain_member_id=captain,
                                                  sub_unit_id=unit)
            item = self.enter_combo.currentData()
            if item is not ALL_ITEMS:
                try:
                    self.store.add_team(self.event_id, self.team_id, item_id=item)
                except UserError as exc:  # the team is saved; say why it is not entered
                    self.saved.emit(self.team_id)
                    raise UserError(f"队伍已保存，但未能报名：{exc}") from None
                self.entered_item = item
        else:
            new = [i for i in ids if i not in self.original_ids]
            gone = [i for i in self.original_ids if i not in set(ids)]
            if new:
                self.store.add_team_members(self.team_id, new)
            if gone:
                self.store.remove_team_members(self.team_id, gone)
            self.store.update_team(self.team_id, name=name, captain_member_id=captain, sub_unit_id=unit)
            self.original_ids = set(ids)
        self.saved.emit(self.team_id)


class EnterTeamDialog(_StoreDialog):
    """报名: a team of the event in a team item or in the event as a whole (:meth:`EventStore.add_team`)."""

    entered = Signal(int)  # the entry's id

    def __init__(self, store: EventStore, event_id: int, teams: list[dict], items: list[dict], parent=None, *,
                 team_id: int | None = None, item_id: Any = ALL_ITEMS):
        super().__init__(parent)
        self.store, self.event_id = store, event_id
        self.entry_id: int | None = None
        self.setWindowTitle("队伍报名")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.team_combo = QComboBox()
        for team in teams:
            self.team_combo.addItem(f"{team['name']}（{len(team['members'])}人）", team["id"])
        self.team_combo.setCurrentIndex(max(self.team_combo.findData(team_id), 0) if team_id is not None else 0)
        form.addRow("队伍：", self.team_combo)
        self.item_combo = QComboBox()
        fill_items(self.item_combo, items, team=True, select=item_id)
        form.addRow("报名项目：", self.item_combo)
        form.setRowVisible(self.item_combo, any(i["team_item"] for i in items))
        layout.addLayout(form)
        layout.addWidget(_hint("团体项目只能以队伍报名；队伍的每名队员计 1 人次。"))
        self._buttons("报名")
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.ok_button.setEnabled(bool(teams))
        if not teams:
            self.show_error("本活动还没有队伍，请先在“队伍”页新建队伍。")
        self.resize(400, self.sizeHint().height())

    def _apply(self) -> None:
        self.entry_id = self.store.add_team(self.event_id, self.team_combo.currentData(),
                                            item_id=self.item_combo.currentData())
        self.entered.emit(self.entry_id)


# --- by criteria -------------------------------------------------------------------------------------
class CriteriaDialog(_StoreDialog):
    """按条件添加: members matching a :class:`MemberFilter` (a department with its sub-units, sex, status,
    age band), entered with a 报名说明 (:meth:`EventStore.add_by_criteria`). ``added(AddResult)`` after."""

    added = Signal(object)

    def __init__(self, context, store: EventStore, event_id: int, items: list[dict], parent=None, *,
                 item_id: Any = None, today: dt.date | None = None):
        super().__init__(parent)
        self.context, self.store, self.event_id = context, store, event_id
        self.today = today or store.today
        self.result: AddResult | None = None
        self.count: int | None = None
        self._label_edited = False
        self.setWindowTitle("按条件添加参加人员")
        layout = QVBoxLayout(self)
        layout.addWidget(_hint("选出符合条件的会员一次报名，如“全体女会员”“一车间全体会员”。"
                               "已在名单中的会员不会重复添加。"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.unit_combo = SubUnitComboBox()
        self.unit_combo.set_units(sub_units(context.db), "全部部门")
        form.addRow("部门：", self.unit_combo)
        self.descendants_check = QCheckBox("包括下属部门、工会小组")
        self.descendants_check.setChecked(True)
        form.addRow("", self.descendants_check)
        self.sex_combo = QComboBox()
        for text, value in ((ANY, None), ("男", "男"), ("女", "女")):
            self.sex_combo.addItem(text, value)
        form.addRow("性别：", self.sex_combo)
        self.status_combo = QComboBox()
        for text, value in CRITERIA_STATUSES:
            self.status_combo.addItem(text, value)
        self.status_combo.setToolTip("默认只选在册会员；离退休的老同志参加的活动可选“在册和退休”")
        form.addRow("会员状态：", self.status_combo)
        self.age_combo = QComboBox()
        self.age_combo.addItem(ANY, None)
        for band in AGE_BANDS:
            self.age_combo.addItem(band, band)
        form.addRow("年龄：", self.age_combo)
        self.item_combo = QComboBox()
        fill_items(self.item_combo, items, team=False, select=item_id)
        form.addRow("报名项目：", self.item_combo)
        form.setRowVisible(self.item_combo, bool(items))  # without items: the event as a whole
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("必填，如：全体女会员、一车间")
        self.label_edit.setToolTip("记在每条报名上，名单中显示为“报名方式”")
        form.addRow("报名说明：", self.label_edit)
        layout.addLayout(form)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.RichText)
        self.count_label.setStyleSheet("font-size: 12pt;")
        layout.addWidget(self.count_label)
        self._buttons("添加")
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        for combo in (self.unit_combo, self.sex_combo, self.status_combo, self.age_combo):
            combo.currentIndexChanged.connect(self._criteria_changed)
        self.descendants_check.toggled.connect(self._criteria_changed)
        self.label_edit.textEdited.connect(self._label_typed)
        self.label_edit.textChanged.connect(self._enable)
        self._criteria_changed()
        self.resize(440, self.sizeHint().height())

    def set_unit(self, unit_id: int | None) -> None:
        self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(unit_id), 0))

    def set_choice(self, combo: QComboBox, value) -> None:
        for number in range(combo.count()):
            if combo.itemData(number) == value:
                combo.setCurrentIndex(number)
                return

    def member_filter(self) -> MemberFilter:
        unit = self.unit_combo.currentData()
        units = None
        if unit is not None:
            units = tuple(descendant_ids(self.context.db, unit)) if self.descendants_check.isChecked() else (unit,)
        return MemberFilter(status=self.status_combo.currentData(), sub_unit_ids=units,
                            sex=self.sex_combo.currentData(), age_band=self.age_combo.currentData())

    def suggested_label(self) -> str:
        """"全体女会员", "一车间在册男会员", "行政部退休会员"… from the criteria."""
        unit = self.unit_combo.currentData()
        where = self.unit_combo.itemText(self.unit_combo.currentIndex()).strip("\u3000 ") if unit is not None else ""
        status = self.status_combo.currentText()
        sex = self.sex_combo.currentData() or ""
        age = self.age_combo.currentData() or ""
        who = f"{status if status != '在册' else ''}{age}{sex}会员".replace("在册和退休", "在册和退休的")
        return f"{where}{who}" if where else f"全体{who}"

    def _label_typed(self, *args) -> None:
        self._label_edited = bool(self.label_edit.text().strip())

    def _criteria_changed(self, *args) -> None:
        self.descendants_check.setEnabled(self.unit_combo.currentData() is not None)
        if not self._label_edited:
            self.label_edit.setText(self.suggested_label())
        self.recount()

    def recount(self) -> int:
        self.count = count_members(self.context.db, self.member_filter(), self.today)
        colour = "#1f5fa8" if self.count else WARNING_COLOUR
        self.count_label.setText(f"符合条件的会员：<b style='color:{colour}'>{self.count}</b> 人")
        self._enable()
        return self.count

    def _enable(self, *args) -> None:
        self.ok_button.setEnabled(bool(self.count) and bool(self.label_edit.text().strip()))

    def _apply(self) -> None:
        self.result = self.store.add_by_criteria(self.event_id, self.member_filter(),
                                                 item_id=self.item_combo.currentData(), label=self.label_edit.text())
        self.added.emit(self.result)


__all__ = ["CriteriaDialog", "EnterTeamDialog", "HintTableView", "ItemDialog", "TeamDialog",
           "add_result_text", "error_text", "fill_items"]
