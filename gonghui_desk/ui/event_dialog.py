"""The event page (活动): one event's details, items, teams, participants and results, and its lists.

``open_event_dialog(parent, context, event_id=None, today=…, tab=…)`` opens it without blocking. Tabs:

* 基本信息 — the event's fields checked as they are typed (:meth:`EventStore.normalize`, messages in red under
  the fields; 保存 stays disabled while there is one), its status and the status actions (标记为已举办,
  取消活动, 恢复为计划) and 作废… with a reason. A new event is saved first; then the other tabs open.
  A voided event opens read-only under the void banner.
* 项目 — items (项目/工种): add, rename, 团体项目 or not, move up and down, void.
* 队伍 — teams with their members and captain (:class:`~gonghui_desk.ui.event_subdialogs.TeamDialog`), 报名
  in a team item, void.
* 参加人员 — the entries (lazy: :class:`~gonghui_desk.ui.event_models.EntryTableModel`) by item and search;
  添加会员… (the member picker), 按条件添加… (a department, sex, status, age), 添加队伍…, 取消报名…; the
  totals: 人次, distinct persons, teams.
* 成绩 — the results (:func:`~gonghui_desk.events.register.award_rows`); 录入成绩… and a double-click open
  :class:`~gonghui_desk.ui.event_result_dialog.ResultDialog`; 作废成绩….

导出Excel and 打印 put out the event's 参加人员名单, 获奖名单 and 签到表 (for the event or one item) through
:mod:`gonghui_desk.exporting.events`, on a worker. Every change calls :func:`notify_events_changed`.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout, QLabel, QMenu,
                               QPlainTextEdit, QPushButton, QTabWidget, QVBoxLayout, QWidget)

from gonghui_desk import value_lists
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.events.register import ALL_ITEMS, event_title
from gonghui_desk.events.store import EVENT_FIELD_LABELS, ORGANISER_KINDS, EventInput, EventStore
from gonghui_desk.members import Problem
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text
from gonghui_desk.ui.dialogs import (DONE_BANNER_STYLE, ERROR_COLOUR, Banner, FieldFormMixin, ReasonDialog,
                                     UnsavedChangesMixin, dialog_title)
from gonghui_desk.ui.event_result_dialog import int_or_text
from gonghui_desk.ui.event_subdialogs import error_text
from gonghui_desk.ui.event_tabs import OK_COLOUR, EventTabsMixin, roomy
from gonghui_desk.ui.exports import ExportOptionsDialog, ask_export, run_export, run_print
from gonghui_desk.ui.visit_dialog import DATE_PLACEHOLDER, HINT_COLOUR, WARNING_COLOUR

TAB_KEYS = ("details", "items", "teams", "participants", "results")
STATUS_COLOURS = {"计划": "#1f5fa8", "已举办": "#1e6e2a", "已取消": "#8a8a8a"}
CANCELLED_BANNER_STYLE = ("QFrame { background: #f3f4f6; border: 1px solid #dcdfe4; border-radius: 4px; }"
                          "QLabel { border: none; color: #444; }")
LIST_TITLES = {"participants": "参加人员名单", "awards": "获奖名单", "signin": "签到表"}
ORGANISER_TEXTS = {"本会": "本会主办", "上级": "上级工会主办（本会组织参加）", "外单位": "外单位主办（本会组织参加）"}


def notify_events_changed(context, message: str = "") -> None:
    """Tell the other pages (the events list, the home page, member cards) that events changed."""
    context.events_changed.emit()
    context.status_message.emit(message or "活动记录已更新")


class EventDialog(EventTabsMixin, FieldFormMixin, UnsavedChangesMixin, QDialog):
    """One event: its form and status, and the tabs of its items, teams, participants and results."""

    saved = Signal(int)  # the event's id
    changed = Signal()  # anything of the event was written

    def __init__(self, context, event_id: int | None = None, parent=None, *, today: dt.date | None = None,
                 tab: str | None = None):
        super().__init__(parent)
        self.context = context
        self.event_id = event_id
        self.today = today or dt.date.today()
        self.store = EventStore(context.db, today=self.today)
        self.event_row: dict | None = self.store.get(event_id) if event_id is not None else None
        if event_id is not None and self.event_row is None:
            raise UserError(f"活动 {event_id} 不存在")
        self.problems: list[Problem] = []
        self.items: list[dict] = []
        self.teams: list[dict] = []
        # the sub-dialogs and jobs, kept for tests (each replaced by the next one)
        self.void_dialog = self.reason_dialog = self.item_dialog = self.team_dialog = None
        self.enter_team_dialog = self.picker = self.criteria_dialog = self.result_dialog = None
        self.picker_item_combo: QComboBox | None = None
        self.export_dialog = self.export_job = self.print_job = self.print_preview_dialog = None
        self.last_add_result = None
        self._prepared_by = ""
        self._set_up_form(self._load)
        self.refresh_lists()
        if tab:
            self.set_tab(tab)

    @property
    def is_new(self) -> bool:
        return self.event_id is None

    @property
    def is_voided(self) -> bool:
        return bool(self.event_row and self.event_row.get("voided_at"))

    @property
    def is_cancelled(self) -> bool:
        return bool(self.event_row and self.event_row["status"] == "已取消")

    @property
    def title(self) -> str:
        return event_title(self.event_row["name"], self.event_row["edition"]) if self.event_row else "新建活动"

    # --- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.setSizeGripEnabled(True)
        outer = QVBoxLayout(self)
        outer.setSpacing(8)
        top = QHBoxLayout()
        self.title_label = dialog_title("新建活动")
        top.addWidget(self.title_label)
        self.status_chip = QLabel()
        top.addWidget(self.status_chip)
        top.addStretch(1)
        outer.addLayout(top)
        self.banner = Banner()
        outer.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_details(), "基本信息")
        self.tabs.addTab(self._build_items(), "项目")
        self.tabs.addTab(self._build_teams(), "队伍")
        self.tabs.addTab(self._build_participants(), "参加人员")
        self.tabs.addTab(self._build_results(), "成绩")
        outer.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        self.void_button = QPushButton("作废活动…")
        self.void_button.setToolTip("录错或重复登记的活动可以作废（不会删除）；未举办的活动请用“取消活动”")
        self.void_button.clicked.connect(self.void_event)
        bottom.addWidget(self.void_button)
        self.export_button = QPushButton("导出Excel")
        self.export_menu = QMenu(self.export_button)
        self.export_menu.aboutToShow.connect(partial(self._fill_list_menu, self.export_menu, self.start_export))
        self.export_button.setMenu(self.export_menu)
        self.export_button.setToolTip("导出本活动的参加人员名单、获奖名单或签到表")
        self.print_button = QPushButton("打印")
        self.print_menu = QMenu(self.print_button)
        self.print_menu.aboutToShow.connect(partial(self._fill_list_menu, self.print_menu, self.start_print))
        self.print_button.setMenu(self.print_menu)
        self.print_button.setToolTip("打印本活动的参加人员名单、获奖名单或签到表（先显示打印预览）")
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.print_button)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        bottom.addWidget(self.summary_label, 1)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = self.buttons.addButton("关闭", QDialogButtonBox.RejectRole)
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.buttons)
        outer.addLayout(bottom)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.resize(980, 660)

    def _build_details(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        box = QGroupBox("活动信息")
        grid = self._grid(box)
        self.name_edit = self._line_edit("name", "如：职工技能大赛、三八节健步走、安全生产知识讲座")
        self._place(grid, 0, 0, "name", self.name_edit, label="活动名称 *", span=3)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("field_kind")
        self._place(grid, 2, 0, "kind", self.kind_combo, label="活动类型 *")
        self.edition_edit = self._line_edit("edition", "如 3（第3届），可不填")
        self._place(grid, 2, 2, "edition", self.edition_edit, label="届次")
        self.organiser_kind_combo = QComboBox()
        self.organiser_kind_combo.setObjectName("field_organiser_kind")
        for kind in ORGANISER_KINDS:
            self.organiser_kind_combo.addItem(ORGANISER_TEXTS[kind], kind)
        self._place(grid, 4, 0, "organiser_kind", self.organiser_kind_combo, label="主办方")
        self.organiser_edit = self._line_edit("organiser", "如：某某区总工会")
        self._place(grid, 4, 2, "organiser", self.organiser_edit, label="主办单位")
        self.holiday_combo = QComboBox()
        self.holiday_combo.setObjectName("field_holiday")
        self._place(grid, 6, 0, "holiday", self.holiday_combo, label="节日")
        self.venue_edit = self._line_edit("venue", "如：职工活动中心")
        self._place(grid, 6, 2, "venue", self.venue_edit, label="地点")
        self.start_edit = self._line_edit("start_date", DATE_PLACEHOLDER)
        self._place(grid, 8, 0, "start_date", self.start_edit, label="开始日期 *")
        self.end_edit = self._line_edit("end_date", "一天的活动可不填")
        self.end_edit.setToolTip(DATE_PLACEHOLDER)
        self._place(grid, 8, 2, "end_date", self.end_edit, label="结束日期")
        self.cost_edit = self._line_edit("cost_fen", "如 5000，可不填")
        self._place(grid, 10, 0, "cost_fen", self.cost_edit, label="经费（元）")

        status = QWidget()
        status_row = QHBoxLayout(status)
        status_row.setContentsMargins(0, 0, 0, 0)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("field_status")
        self.status_combo.addItems(["计划", "已举办"])
        self.status_combo.setToolTip("补登过去的活动选“已举办”")
        self.status_label = QLabel()
        self.held_button = QPushButton("标记为已举办")
        self.held_button.clicked.connect(self.mark_held)
        self.cancel_button = QPushButton("取消活动")
        self.cancel_button.setToolTip("活动不再举办；报名记录保留，但不计入统计")
        self.cancel_button.clicked.connect(self.cancel_event)
        self.plan_button = QPushButton("恢复为计划")
        self.plan_button.clicked.connect(self.restore_planned)
        roomy(self.held_button, self.cancel_button, self.plan_button)
        for widget in (self.status_combo, self.status_label, self.held_button, self.cancel_button,
                       self.plan_button):
            status_row.addWidget(widget)
        status_row.addStretch(1)
        self.widgets["status"] = self.status_combo
        self._place(grid, 10, 2, "status", status, label="状态")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(54)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.textChanged.connect(self._changed)
        self.widgets["notes"] = self.notes_edit
        self._place(grid, 12, 0, "notes", self.notes_edit, label="备注", span=3)
        for combo in (self.kind_combo, self.organiser_kind_combo, self.holiday_combo, self.status_combo):
            combo.currentIndexChanged.connect(self._changed)
        layout.addWidget(box)
        self.status_message = QLabel()
        self.status_message.setWordWrap(True)
        self.status_message.hide()
        layout.addWidget(self.status_message)
        self.figures_label = QLabel()
        self.figures_label.setWordWrap(True)
        self.figures_label.setTextFormat(Qt.RichText)
        layout.addWidget(self.figures_label)
        layout.addStretch(1)
        return page

    # --- loading -------------------------------------------------------------------------------
    def _load(self) -> None:
        db = self.context.db
        data = self.store.as_input(self.event_id) if self.event_row else EventInput("", "", None)
        current = self.event_row or {}
        self._fill_choice(self.kind_combo, value_lists.values(db, "event.kind"), "（请选择）", data.kind or "",
                          current.get("kind"))
        self._fill_choice(self.holiday_combo, value_lists.values(db, "event.holiday"), "（无）", data.holiday or "",
                          current.get("holiday"))
        self.name_edit.setText(data.name or "")
        self.edition_edit.setText(str(data.edition) if data.edition else "")
        self.organiser_kind_combo.setCurrentIndex(max(self.organiser_kind_combo.findData(data.organiser_kind), 0))
        self.organiser_edit.setText(data.organiser or "")
        self.venue_edit.setText(data.venue or "")
        self.start_edit.setText(str(data.start_date or ""))
        self.end_edit.setText(str(data.end_date or "") if data.end_date != data.start_date else "")
        self.cost_edit.setText(yuan_text(data.cost_fen, thousands=False) if data.cost_fen else "")
        self.status_combo.setCurrentText(data.status if data.status in ("计划", "已举办") else "计划")
        self.notes_edit.setPlainText(data.notes or "")
        self._organiser_state()
        self._show_state()

    def _fill_choice(self, combo: QComboBox, values: list[str], empty: str, value: str, kept: str | None) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(empty, "")
        for v in values:
            combo.addItem(v, v)
        if kept and combo.findData(kept) < 0:  # retired from its list since: it may stay
            combo.addItem(kept, kept)
        combo.setCurrentIndex(max(combo.findData(value), 0))
        combo.blockSignals(False)

    def _show_state(self) -> None:
        """Title, status, banner and which tabs and actions are open, from ``self.event_row``."""
        new = self.is_new
        self.setWindowTitle("新建活动" if new else f"活动 - {self.title}")
        self.title_label.setText(self.title)
        status = self.event_row["status"] if self.event_row else ""
        self.status_chip.setText(f"<span style='color:{STATUS_COLOURS.get(status, '#444')}'>{status}</span>"
                                 if status and not self.is_voided else "")
        self.status_combo.setVisible(new)
        self.status_label.setVisible(not new)
        self.status_label.setText(f"<b style='color:{STATUS_COLOURS.get(status, '#444')}'>{status}</b>")
        self.held_button.setVisible(status == "计划")
        self.cancel_button.setVisible(status == "计划")
        self.plan_button.setVisible(status in ("已举办", "已取消"))
        for button in (self.held_button, self.cancel_button, self.plan_button):
            button.setEnabled(not self.is_voided)
        for index in range(1, len(TAB_KEYS)):
            self.tabs.setTabEnabled(index, not new)
            self.tabs.setTabToolTip(index, "请先保存活动的基本信息" if new else "")
        if new:
            self._touched = set()
            self.figures_label.setText(f"<span style='color:{HINT_COLOUR}'>保存后即可添加项目、队伍、参加人员和成绩。</span>")
        if self.is_voided:
            self.banner.show_text(f"此活动已于 {(self.event_row['voided_at'] or '').replace('T', ' ')[:16]} 作废，"
                                  f"原因：{self.event_row['void_reason'] or ''}。作废的活动不计入台账和统计，也不能修改。")
            for widget in (self.name_edit, self.kind_combo, self.edition_edit, self.organiser_kind_combo,
                           self.organiser_edit, self.holiday_combo, self.venue_edit, self.start_edit, self.end_edit,
                           self.cost_edit, self.notes_edit):
                widget.setEnabled(False)
            self.save_button.hide()
            self.void_button.hide()
        elif self.is_cancelled:
            self.banner.show_text("此活动已取消：报名记录保留但不计入统计，也不能再报名或登记成绩。"
                                  "如活动照常举办，请点“恢复为计划”。", style=CANCELLED_BANNER_STYLE)
        elif status == "已举办":
            self.banner.show_text(f"活动已于 {self._dates_text()} 举办。", style=DONE_BANNER_STYLE)
        else:
            self.banner.hide()
        self.void_button.setVisible(not new and not self.is_voided)
        for button in (self.export_button, self.print_button):
            button.setVisible(not new)
            button.setEnabled(not self.is_voided)
        self.close_button.setText("取消" if new else "关闭")

    def _dates_text(self) -> str:
        start, end = self.event_row["start_date"], self.event_row["end_date"]
        return f"{start} 至 {end}" if end and end != start else start

    def _reload(self) -> None:
        """Read the event again and show it (after saving or a status change)."""
        self.event_row = self.store.get(self.event_id)
        self._loading = True
        self._load()
        self._loading = False
        self._initial = self.form_state()
        self._validate()
        self.refresh_lists()

    # --- the form ------------------------------------------------------------------------------
    def _organiser_state(self) -> None:
        own = self.organiser_kind_combo.currentData() == "本会"
        self.organiser_edit.setEnabled(not own and not self.is_voided)
        self.organiser_edit.setPlaceholderText("本会主办的活动不填" if own else "必填，如：某某区总工会")

    def _changed(self, *args) -> None:
        if self._loading:
            return
        sender = self.sender()
        keys = {self.kind_combo: "kind", self.organiser_kind_combo: "organiser_kind", self.holiday_combo: "holiday",
                self.status_combo: "status"}
        if sender in keys:
            self._touched.add(keys[sender])
        if sender is self.organiser_kind_combo:
            self._organiser_state()
            self._touched.add("organiser")
        self.status_message.hide()
        self._validate()

    _changed_text = _changed

    def _finished_text(self) -> None:
        key = self.sender().objectName().removeprefix("field_")
        self._touched.add(key)
        if key in ("start_date", "end_date"):
            edit = self.widgets[key]
            try:
                day = parse_date(edit.text())
            except DateParseError:
                day = None
            if day and edit.text().strip() != day.isoformat():
                edit.setText(day.isoformat())
        self._validate()

    def event_input(self) -> tuple[EventInput, list[Problem]]:
        """The form as an EventInput, and the amounts that could not be read."""
        problems: list[Problem] = []
        try:
            cost = parse_money(self.cost_edit.text()) or 0
        except MoneyParseError as exc:
            cost = 0
            problems.append(Problem("cost_fen", str(exc), field_label=EVENT_FIELD_LABELS["cost_fen"]))
        edition = int_or_text(self.edition_edit.text().strip().removesuffix("届"))
        organiser_kind = self.organiser_kind_combo.currentData() or "本会"
        data = EventInput(
            name=self.name_edit.text(), kind=self.kind_combo.currentData() or "",
            start_date=self.start_edit.text().strip() or None, end_date=self.end_edit.text().strip() or None,
            edition=edition, organiser_kind=organiser_kind,
            organiser=self.organiser_edit.text() if organiser_kind != "本会" else "",
            holiday=self.holiday_combo.currentData() or "", venue=self.venue_edit.text(), cost_fen=cost,
            status=self.event_row["status"] if self.event_row else self.status_combo.currentText(),
            notes=self.notes_edit.toPlainText())
        return data, problems

    def form_state(self) -> tuple:
        data, _ = self.event_input()
        return (data.name, data.kind, data.start_date, data.end_date, data.edition, data.organiser_kind,
                data.organiser, data.holiday, data.venue, self.cost_edit.text(), data.status, data.notes)

    def is_dirty(self) -> bool:
        return self.form_state() != self._initial

    def _validate(self) -> None:
        data, problems = self.event_input()
        _, found = self.store.normalize(data, current=self.event_row)
        problems = [p for p in found if p.field not in {q.field for q in problems}] + problems
        self.problems = problems
        self._show_problems(problems)
        self.save_button.setEnabled(not problems and not self.is_voided)
        shown = [p for p in problems if p.field in self._touched]
        if self.is_voided:
            self.summary_label.setText("")
        elif problems and not shown:
            self.summary_label.setText("请填写活动名称、类型和开始日期后保存。")
            self.summary_label.setStyleSheet(f"color: {HINT_COLOUR};")
        elif problems:
            labels = list(dict.fromkeys(p.label for p in shown))
            self.summary_label.setText(f"有 {len(problems)} 处需要修改后才能保存：{'、'.join(labels)}")
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        elif self.is_dirty() and not self.is_new:
            self.summary_label.setText("修改尚未保存。")
            self.summary_label.setStyleSheet(f"color: {WARNING_COLOUR};")
        else:
            self.summary_label.setText("")

    def save(self) -> int | None:
        """Create or update the event from the form; the dialog stays open on the event."""
        self._touched = set(self.messages)
        self._validate()
        if self.problems or self.is_voided:
            return None
        data, _ = self.event_input()
        try:
            if self.is_new:
                self.event_id = self.store.create(data)
                self.entries_model.event_id = self.event_id
                self.entries_model.requery()
                message = f"已新建活动：{event_title(data.name.strip(), data.edition)}"
            else:
                self.store.update(self.event_id, data)
                message = f"已保存活动：{event_title(data.name.strip(), data.edition)}"
        except ValidationError as exc:
            self.problems = exc.problems
            self.summary_label.setText(error_text(exc))
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            return None
        except UserError as exc:
            self.summary_label.setText(str(exc))
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            return None
        self._reload()
        self._after_change(message)
        self.saved.emit(self.event_id)
        self.summary_label.setText("已保存。")
        self.summary_label.setStyleSheet(f"color: {OK_COLOUR};")
        return self.event_id

    # --- status and voiding --------------------------------------------------------------------
    def _set_status(self, status: str, done: str) -> bool:
        if self.is_new or self.is_voided:
            return False
        if self.is_dirty():
            self._status_refused("请先保存修改，再更改活动状态。", WARNING_COLOUR)
            return False
        try:
            self.store.set_status(self.event_id, status)
        except (ValidationError, UserError) as exc:
            self._status_refused(error_text(exc), ERROR_COLOUR)
            return False
        self._reload()
        self._after_change(f"活动“{self.title}”{done}")
        return True

    def _status_refused(self, text: str, colour: str) -> None:
        self.status_message.setText(text)
        self.status_message.setStyleSheet(f"color: {colour};")
        self.status_message.show()

    def mark_held(self) -> bool:
        """计划 → 已举办; refused (with the store's reason under the form) while the start date is to come."""
        return self._set_status("已举办", "已标记为已举办")

    def cancel_event(self) -> bool:
        return self._set_status("已取消", "已取消")

    def restore_planned(self) -> bool:
        return self._set_status("计划", "已恢复为计划")

    def void_event(self) -> ReasonDialog | None:
        if self.is_new or self.is_voided:
            return None
        dialog = ReasonDialog("作废活动", "作废用于<b>录错或重复登记</b>的活动。作废后它和它的报名、成绩不再出现在台账和统计中，"
                                      "但记录本身会保留。<br>没有举办的活动请用<b>取消活动</b>。",
                              placeholder="必填，例如：重复录入", apply=self._void, parent=self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._reload)
        self.void_dialog = dialog
        dialog.open()
        return dialog

    def _void(self, reason: str) -> None:
        self.store.void(self.event_id, reason)
        self._after_change(f"已作废活动：{self.title}")

    # --- after every change --------------------------------------------------------------------
    def _after_change(self, message: str) -> None:
        notify_events_changed(self.context, message)
        self.refresh_lists()
        self.changed.emit()

    def _ask_reason(self, title: str, explanation: str, apply, placeholder: str = "必填") -> ReasonDialog:
        dialog = ReasonDialog(title, explanation, placeholder=placeholder, apply=apply, parent=self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.reason_dialog = dialog
        dialog.open()
        return dialog

    def set_tab(self, key: str) -> None:
        if key in TAB_KEYS and self.tabs.isTabEnabled(TAB_KEYS.index(key)):
            self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    def current_tab(self) -> str:
        return TAB_KEYS[self.tabs.currentIndex()]

    def _tab_changed(self, index: int) -> None:
        self.status_message.hide()

    # --- export and print ----------------------------------------------------------------------
    def _fill_list_menu(self, menu: QMenu, start, *args) -> None:
        """参加人员名单 / 获奖名单 / 签到表, the per-item lists in a submenu when the event has items."""
        menu.clear()
        for kind in ("participants", "awards", "signin"):
            title = LIST_TITLES[kind]
            if kind == "awards" or not self.items:
                menu.addAction(title + "…", partial(start, kind))
                continue
            sub = menu.addMenu(title)
            sub.addAction("全部项目…" if kind == "participants" else "整个活动（每人一行）…", partial(start, kind))
            sub.addSeparator()
            for item in self.items:
                sub.addAction(f"{item['name']}…", partial(start, kind, item["id"]))

    def _list_scope(self, kind: str, item_id: Any) -> str:
        if kind == "awards":
            return "全部成绩"
        if item_id is ALL_ITEMS:
            return "全部项目" if self.items else "全部参加人员"
        return next((f"项目“{i['name']}”" for i in self.items if i["id"] == item_id), "整个活动")

    def _default_name(self, kind: str) -> str:
        from gonghui_desk.exporting import events as exporting

        maker = {"participants": exporting.default_participants_name, "awards": exporting.default_awards_name,
                 "signin": exporting.default_signin_name}[kind]
        return maker(self.title, self.today)

    def start_export(self, kind: str, item_id: Any = ALL_ITEMS) -> ExportOptionsDialog | None:
        """Ask 制表人, then the file, then write the list on a worker."""
        if self.is_new:
            return None
        title = LIST_TITLES[kind]
        summary = (f"将导出“{self.title}”的<b>{title}</b>（{self._list_scope(kind, item_id)}），保存为 Excel 文件。"
                   + ("签到表留有空白的签名栏，打印后请参加人员签名。" if kind == "signin" else ""))
        dialog = ExportOptionsDialog(f"导出{title}", summary, "", masked_default=False, prepared_by=self._prepared_by,
                                     parent=self, width=460)
        return ask_export(self, dialog, f"导出{title}", self._default_name(kind),
                          partial(self.export_to, kind=kind, item_id=item_id))

    def _list_options(self, kind: str, item_id: Any, prepared_by: str) -> dict:
        options = {"prepared_by": prepared_by, "today": self.today}
        if kind != "awards":
            options["item_id"] = item_id
        return options

    def export_to(self, path: Path, *, kind: str = "awards", item_id: Any = ALL_ITEMS, prepared_by: str = ""):
        """Write the list to ``path`` on a worker (the job is kept as ``export_job``)."""
        from gonghui_desk.exporting import events as exporting

        writer = {"participants": exporting.export_participants, "awards": exporting.export_awards,
                  "signin": exporting.export_signin_sheet}[kind]
        event_id, options = self.event_id, self._list_options(kind, item_id, prepared_by)

        def export(db, progress, is_cancelled):
            return writer(db, path, event_id, progress=progress, is_cancelled=is_cancelled, **options)

        done = {"participants": "已导出参加人员名单 {} 行", "awards": "已导出获奖名单 {} 行",
                "signin": "已导出签到表 {} 人"}[kind].format
        self.export_job = run_export(self, self.context, f"正在导出{LIST_TITLES[kind]}…", path, export, done)
        return self.export_job

    def start_print(self, kind: str, item_id: Any = ALL_ITEMS):
        """Build the print table of the list on a worker, then show the preview (``print_preview_dialog``)."""
        from gonghui_desk.exporting import events as exporting

        if self.is_new:
            return None
        maker = {"participants": exporting.participants_print_table, "awards": exporting.awards_print_table,
                 "signin": exporting.signin_print_table}[kind]
        event_id, options = self.event_id, self._list_options(kind, item_id, self._prepared_by)

        def build(db, progress, is_cancelled):
            return maker(db, event_id, progress=progress, is_cancelled=is_cancelled, **options)

        self.print_job = run_print(self, self.context, build)
        return self.print_job


def open_event_dialog(parent: QWidget | None, context, event_id: int | None = None, *,
                      today: dt.date | None = None, tab: str | None = None) -> EventDialog:
    """Open (without blocking) the event page over ``parent``; it deletes itself when closed. The caller keeps
    the returned dialog (e.g. ``self.event_dialog``)."""
    dialog = EventDialog(context, event_id, parent, today=today, tab=tab)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["EventDialog", "LIST_TITLES", "TAB_KEYS", "notify_events_changed", "open_event_dialog"]
