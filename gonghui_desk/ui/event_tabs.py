"""The four list tabs of the event page (:class:`~gonghui_desk.ui.event_dialog.EventDialog`): 项目, 队伍,
参加人员 and 成绩 — how they are built, filled from the register and what their buttons do.

:class:`EventTabsMixin` is mixed into the event dialog, which provides ``context``, ``store``, ``event_id``,
``event_row``, ``today``, ``title``, ``is_new``, ``is_voided``, ``is_cancelled``, ``tabs``, ``figures_label`` and
``_after_change(message)`` / ``_ask_reason(title, explanation, apply)``. Every write goes through
:class:`~gonghui_desk.events.store.EventStore`; a refusal shows the store's message in the sub-dialog (which
stays open) or under the list.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.events.register import ALL_ITEMS, award_rows, event_figures, event_items, event_teams
from gonghui_desk.money import yuan_text
from gonghui_desk.ui.campaign_wizard import MemberPickerDialog
from gonghui_desk.ui.dialogs import ERROR_COLOUR, ReasonDialog
from gonghui_desk.events.register import entered_member_ids, team_entered_items
from gonghui_desk.ui.event_models import ENTRY_WIDTHS, EntryTableModel, items_model, results_model, teams_model
from gonghui_desk.ui.event_result_dialog import ResultDialog
from gonghui_desk.ui.event_subdialogs import (CriteriaDialog, EnterTeamDialog, HintTableView, ItemDialog,
                                              TeamDialog, add_result_text, error_text, fill_items)
from gonghui_desk.ui.tables import search_timer
from gonghui_desk.ui.visit_dialog import HINT_COLOUR, WARNING_COLOUR

OK_COLOUR = "#1e6e2a"
TOTALS_STYLE = ("QLabel { background: #f3f4f6; border: 1px solid #dcdfe4; border-radius: 4px; padding: 6px 10px; "
                "font-weight: bold; }")


def _table(parent=None, *, multi: bool = False, empty: str = "") -> HintTableView:
    table = HintTableView(parent)
    table.empty_text = empty
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.ExtendedSelection if multi else QAbstractItemView.SingleSelection)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    table.horizontalHeader().setHighlightSections(False)
    return table


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {HINT_COLOUR};")
    return label


def _totals_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(TOTALS_STYLE)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


BUTTON_PADDING = 24  # room around a button's text, so "标记为已举办" never touches the frame


def roomy(*buttons: QPushButton) -> None:
    for button in buttons:
        button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) + BUTTON_PADDING)


def _button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    roomy(*buttons)
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class EventTabsMixin:
    """The 项目, 队伍, 参加人员 and 成绩 tabs of the event dialog."""

    # --- building ------------------------------------------------------------------------------
    def _build_items(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.add_item_button = QPushButton("添加项目…")
        self.add_item_button.clicked.connect(self.add_item)
        self.rename_item_button = QPushButton("改名…")
        self.rename_item_button.clicked.connect(self.rename_item)
        self.team_item_button = QPushButton("改为团体项目")
        self.team_item_button.clicked.connect(self.toggle_team_item)
        self.item_up_button = QPushButton("上移")
        self.item_up_button.clicked.connect(partial(self.move_item, -1))
        self.item_down_button = QPushButton("下移")
        self.item_down_button.clicked.connect(partial(self.move_item, 1))
        self.void_item_button = QPushButton("作废项目…")
        self.void_item_button.clicked.connect(self.void_item)
        layout.addLayout(_button_row(self.add_item_button, self.rename_item_button, self.team_item_button,
                                     self.item_up_button, self.item_down_button, self.void_item_button))
        self.items_model = items_model(self)
        self.items_table = _table(empty="还没有项目。比赛分小项或工种的（如 100米、焊工），点“添加项目…”；不分项目的活动不必添加。")
        self.items_table.setModel(self.items_model)
        header = self.items_table.horizontalHeader()
        for column, width in enumerate((52, 260, 90, 90)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.items_table.open_requested.connect(self.rename_item)
        self.items_table.selectionModel().selectionChanged.connect(self._enable_actions)
        layout.addWidget(self.items_table, 1)
        self.items_hint = _hint("项目即比赛的小项或工种，如 100米、拔河、焊工。个人项目按人报名，团体项目以队伍报名。"
                                "讲座、疗休养等不分项目的活动不必添加项目，直接在“参加人员”页报名即可。")
        layout.addWidget(self.items_hint)
        return page

    def _build_teams(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.new_team_button = QPushButton("新建队伍…")
        self.new_team_button.clicked.connect(self.new_team)
        self.edit_team_button = QPushButton("编辑队伍…")
        self.edit_team_button.clicked.connect(self.edit_team)
        self.enter_team_button = QPushButton("报名…")
        self.enter_team_button.setToolTip("把所选队伍报名到团体项目（或整个活动）")
        self.enter_team_button.clicked.connect(self.enter_team)
        self.void_team_button = QPushButton("作废队伍…")
        self.void_team_button.clicked.connect(self.void_team)
        layout.addLayout(_button_row(self.new_team_button, self.edit_team_button, self.enter_team_button,
                                     self.void_team_button))
        self.teams_model = teams_model(self)
        self.teams_table = _table(empty="还没有队伍。拔河、篮球等团体项目，先“新建队伍…”，再报名到项目。")
        self.teams_table.setModel(self.teams_model)
        header = self.teams_table.horizontalHeader()
        for column, width in enumerate((130, 150, 56, 80, 260, 120)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(4, QHeaderView.Stretch)
        self.teams_table.open_requested.connect(self.edit_team)
        self.teams_table.selectionModel().selectionChanged.connect(self._enable_actions)
        layout.addWidget(self.teams_table, 1)
        layout.addWidget(_hint("队伍报名到团体项目后才计入参加人次（每名队员 1 人次）。队长须是本队队员。"))
        return page

    def _build_participants(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        filters = QHBoxLayout()
        self.entry_item_caption = QLabel("项目：")
        filters.addWidget(self.entry_item_caption)
        self.entry_item_combo = QComboBox()
        self.entry_item_combo.setMinimumContentsLength(10)
        self.entry_item_combo.currentIndexChanged.connect(self.apply_entry_filter)
        filters.addWidget(self.entry_item_combo)
        self.entry_search_edit = QLineEdit()
        self.entry_search_edit.setPlaceholderText("搜索姓名、拼音首字母或队名")
        self.entry_search_edit.setClearButtonEnabled(True)
        self.entry_search_edit.setMaximumWidth(260)
        self.search_timer = search_timer(self.entry_search_edit, self.apply_entry_filter, self)
        filters.addWidget(self.entry_search_edit, 1)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.add_members_button = QPushButton("添加会员…")
        self.add_members_button.clicked.connect(self.choose_members)
        self.criteria_button = QPushButton("按条件添加…")
        self.criteria_button.setToolTip("一次添加一个部门、全体女会员等符合条件的会员")
        self.criteria_button.clicked.connect(self.add_by_criteria)
        self.add_team_button = QPushButton("添加队伍…")
        self.add_team_button.clicked.connect(self.add_team_entry)
        self.void_entry_button = QPushButton("取消报名…")
        self.void_entry_button.setToolTip("作废所选的报名记录（其成绩一并作废）")
        self.void_entry_button.clicked.connect(self.void_entries)
        layout.addLayout(_button_row(self.add_members_button, self.criteria_button, self.add_team_button,
                                     self.void_entry_button))
        self.add_result_label = QLabel()
        self.add_result_label.setWordWrap(True)
        self.add_result_label.hide()
        layout.addWidget(self.add_result_label)
        self.entries_model = EntryTableModel(self.context.db, self.event_id or 0, self, query=False)
        self.entries_table = _table(multi=True, empty="还没有参加人员。点“添加会员…”逐个添加，或“按条件添加…”一次添加一个部门、全体女会员等。")
        self.entries_table.setModel(self.entries_model)
        header = self.entries_table.horizontalHeader()
        for key, width in ENTRY_WIDTHS.items():
            header.resizeSection(self.entries_model.column_index[key], width)
        header.setSectionResizeMode(self.entries_model.column_index["sub_unit"], QHeaderView.Stretch)
        header.setSortIndicator(self.entries_model.sort_column(), Qt.AscendingOrder)
        self.entries_table.setSortingEnabled(True)
        self.entries_table.selectionModel().selectionChanged.connect(self._enable_actions)
        self.entries_model.modelReset.connect(self._enable_actions)
        layout.addWidget(self.entries_table, 1)
        self.entries_totals_label = _totals_label()
        layout.addWidget(self.entries_totals_label)
        return page

    def _build_results(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.new_result_button = QPushButton("录入成绩…")
        self.new_result_button.clicked.connect(self.new_result)
        self.edit_result_button = QPushButton("修改…")
        self.edit_result_button.clicked.connect(self.edit_result)
        self.void_result_button = QPushButton("作废成绩…")
        self.void_result_button.clicked.connect(self.void_result)
        layout.addLayout(_button_row(self.new_result_button, self.edit_result_button, self.void_result_button))
        self.results_hint = QLabel()
        self.results_hint.setWordWrap(True)
        self.results_hint.setStyleSheet(f"color: {WARNING_COLOUR};")
        self.results_hint.hide()
        layout.addWidget(self.results_hint)
        self.results_model = results_model(self)
        self.results_table = _table(empty="还没有成绩。点“录入成绩…”登记名次、获奖等级、奖金和推荐上级比赛的情况。")
        self.results_table.setModel(self.results_model)
        header = self.results_table.horizontalHeader()
        for column, width in enumerate((90, 48, 56, 100, 120, 84, 72, 220, 110)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(7, QHeaderView.Stretch)
        self.results_table.open_requested.connect(self.edit_result)
        self.results_table.selectionModel().selectionChanged.connect(self._enable_actions)
        layout.addWidget(self.results_table, 1)
        self.results_totals_label = _totals_label()
        layout.addWidget(self.results_totals_label)
        return page

    # --- the lists -----------------------------------------------------------------------------
    def refresh_lists(self) -> None:
        if self.is_new:
            self._enable_actions()
            return
        db = self.context.db
        self.items = event_items(db, self.event_id)
        for position, item in enumerate(self.items, 1):
            item["position"] = position
        chosen_item = self._selected(self.items_table, self.items_model)
        self.items_model.set_rows(self.items)
        self._reselect(self.items_table, self.items_model, chosen_item)
        entered = team_entered_items(db, self.event_id)
        self.teams = event_teams(db, self.event_id)
        for team in self.teams:
            team["entered_items"] = entered.get(team["id"], "")
        chosen_team = self._selected(self.teams_table, self.teams_model)
        self.teams_model.set_rows(self.teams)
        self._reselect(self.teams_table, self.teams_model, chosen_team)
        current = self.entry_item_combo.currentData() if self.entry_item_combo.count() else ALL_ITEMS
        fill_items(self.entry_item_combo, self.items, team=None, every=True, whole=bool(self.items),
                   select=current)
        self.entry_item_caption.setVisible(bool(self.items))
        self.entry_item_combo.setVisible(bool(self.items))
        self.entries_table.setColumnHidden(self.entries_model.column_index["item"], not self.items)
        self.entries_model.event_id = self.event_id
        self.apply_entry_filter()
        chosen_result = self._selected(self.results_table, self.results_model)
        self.results_model.set_rows(award_rows(db, self.event_id))
        self.results_table.setColumnHidden(self.results_model.column_index["item"],
                                           not self.items and all(r["kind"] != "单位" for r in self.results_model.rows))
        self.results_table.setColumnHidden(self.results_model.column_index["stage"],
                                           not any(r["stage"] for r in self.results_model.rows))
        self._reselect(self.results_table, self.results_model, chosen_result)
        self._show_figures()
        self._enable_actions()

    def _selected(self, table: QTableView, model) -> int | None:
        rows = table.selectionModel().selectedRows()
        return model.row_data(rows[0].row())["id"] if rows and model.row_data(rows[0].row()) else None

    def _reselect(self, table: QTableView, model, row_id: int | None) -> None:
        row = model.row_of(row_id) if row_id is not None else None
        if row is not None:
            table.selectRow(row)

    def _show_figures(self) -> None:
        figures = event_figures(self.context.db, [self.event_id])[self.event_id]
        self.figures = figures
        self.tabs.setTabText(1, f"项目 ({len(self.items)})" if self.items else "项目")
        self.tabs.setTabText(2, f"队伍 ({len(self.teams)})" if self.teams else "队伍")
        self.tabs.setTabText(3, f"参加人员 ({figures.person_times}人次)" if figures.person_times else "参加人员")
        self.tabs.setTabText(4, f"成绩 ({figures.results})" if figures.results else "成绩")
        self.entries_totals_label.setText(self.entries_totals_text())
        self.results_totals_label.setText(self.results_totals_text())
        parts = [f"项目 {len(self.items)} 个" if self.items else "不分项目",
                 f"报名 {figures.person_times} 人次（{figures.persons} 人" +
                 (f"，{figures.teams} 支队伍）" if figures.teams else "）")]
        if figures.results:
            parts.append(f"成绩 {figures.results} 条，获奖 {figures.award_times} 人次" +
                         (f"，奖金合计 {yuan_text(figures.prize_fen)} 元" if figures.prize_fen else ""))
        self.figures_label.setText("本活动：" + "；".join(parts) + "。")
        self.figures_label.setStyleSheet("")

    def entries_totals_text(self) -> str:
        f = self.figures
        text = f"共 {f.person_times} 人次，{f.persons} 人" + (f"，{f.teams} 支队伍" if f.teams or self.teams else "")
        if self.entries_model.item_id is not ALL_ITEMS or self.entries_model.search:
            text = f"当前列出 {self.entries_model.rowCount()} 条报名。全活动" + text
        return text

    def results_totals_text(self) -> str:
        rows = self.results_model.rows
        if not rows:
            return "还没有登记成绩"
        f = self.figures
        promoted = sum(len(r["team_members"].split("、")) if r["team_members"] else 1
                       for r in rows if r["promoted"] and r["kind"] != "单位")
        text = f"共 {len(rows)} 条成绩，获奖 {f.award_times} 人次（{f.winners} 人）"
        collective = sum(1 for r in rows if r["kind"] == "单位" and r["grade"])
        if collective:
            text += f"，单位奖项 {collective} 项"
        if f.prize_fen:
            text += f"，奖金合计 {yuan_text(f.prize_fen)} 元"
        if promoted:
            text += f"；推荐参加上级比赛 {promoted} 人次"
        return text

    def _enable_actions(self, *args) -> None:
        live = not self.is_new and not self.is_voided
        open_ = live and not self.is_cancelled
        item = self.current_item()
        for button in (self.add_item_button,):
            button.setEnabled(live)
        for button in (self.rename_item_button, self.team_item_button, self.void_item_button):
            button.setEnabled(live and item is not None)
        if item is not None:
            self.team_item_button.setText("改为个人项目" if item["team_item"] else "改为团体项目")
        position = self.items.index(item) if item in self.items else -1
        self.item_up_button.setEnabled(live and position > 0)
        self.item_down_button.setEnabled(live and 0 <= position < len(self.items) - 1)
        team = self.current_team()
        self.new_team_button.setEnabled(open_)
        self.edit_team_button.setEnabled(team is not None)
        self.enter_team_button.setEnabled(open_ and team is not None)
        self.void_team_button.setEnabled(live and team is not None)
        for button in (self.add_members_button, self.criteria_button, self.add_team_button):
            button.setEnabled(open_)
        self.void_entry_button.setEnabled(live and bool(self.selected_entry_ids()))
        refusal = self.results_refusal()
        self.new_result_button.setEnabled(live)
        self.results_hint.setText(refusal)
        self.results_hint.setVisible(bool(refusal) and live)
        result = self.current_result()
        self.edit_result_button.setEnabled(result is not None)
        self.void_result_button.setEnabled(live and result is not None)

    def results_refusal(self) -> str:
        """Why the event takes no results now ('' when it does): the store's own message."""
        if self.is_new or self.is_voided:
            return ""
        return self.store.results_refusal(self.event_id)

    # --- items ---------------------------------------------------------------------------------
    def current_item(self) -> dict | None:
        rows = self.items_table.selectionModel().selectedRows()
        return self.items_model.row_data(rows[0].row()) if rows else None

    def select_item(self, item_id: int) -> None:
        self._reselect(self.items_table, self.items_model, item_id)

    def _item_dialog(self, dialog: ItemDialog) -> ItemDialog:
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.item_dialog = dialog
        dialog.open()
        return dialog

    def add_item(self) -> ItemDialog:
        return self._item_dialog(ItemDialog("添加项目", self._add_item, self))

    def _add_item(self, name: str, team_item: bool) -> None:
        item_id = self.store.add_item(self.event_id, name, team_item=team_item)
        self._after_change(f"已添加项目：{name.strip()}")
        self.select_item(item_id)

    def rename_item(self, row: int | None = None) -> ItemDialog | None:
        """改名… (or a double-click on ``row``)."""
        if isinstance(row, int):
            self.items_table.selectRow(row)
        item = self.current_item()
        if item is None or self.is_voided:
            return None
        return self._item_dialog(ItemDialog("项目改名", partial(self._rename_item, item["id"]), self,
                                            name=item["name"], team_item=bool(item["team_item"]), show_team=False))

    def _rename_item(self, item_id: int, name: str, team_item: bool) -> None:
        self.store.rename_item(item_id, name)
        self._after_change(f"项目已改名为：{name.strip()}")

    def toggle_team_item(self) -> bool:
        item = self.current_item()
        if item is None:
            return False
        try:
            self.store.set_team_item(item["id"], not item["team_item"])
        except UserError as exc:
            self._tab_message(self.items_hint, str(exc))
            return False
        self._after_change(f"“{item['name']}”已改为{'个人' if item['team_item'] else '团体'}项目")
        return True

    def _tab_message(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setStyleSheet(f"color: {ERROR_COLOUR};")

    def move_item(self, step: int) -> bool:
        item = self.current_item()
        if item is None:
            return False
        ids = [i["id"] for i in self.items]
        position = ids.index(item["id"])
        target = position + step
        if not 0 <= target < len(ids):
            return False
        ids[position], ids[target] = ids[target], ids[position]
        self.store.reorder_items(self.event_id, ids)
        self._after_change("已调整项目顺序")
        return True

    def void_item(self) -> ReasonDialog | None:
        item = self.current_item()
        if item is None:
            return None
        return self._ask_reason("作废项目", f"作废项目“<b>{item['name']}</b>”，它的 {item['entries']} 条报名记录一并作废。"
                                "已登记成绩的项目要先作废成绩。", partial(self._void_item, item["id"], item["name"]))

    def _void_item(self, item_id: int, name: str, reason: str) -> None:
        self.store.void_item(item_id, reason)
        self._after_change(f"已作废项目：{name}")

    # --- teams ---------------------------------------------------------------------------------
    def current_team(self) -> dict | None:
        rows = self.teams_table.selectionModel().selectedRows()
        return self.teams_model.row_data(rows[0].row()) if rows else None

    def select_team(self, team_id: int) -> None:
        self._reselect(self.teams_table, self.teams_model, team_id)

    def _team_dialog(self, team: dict | None) -> TeamDialog:
        dialog = TeamDialog(self.context, self.store, self.event_id, team, self, items=self.items,
                            read_only=self.is_voided)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.saved.connect(self._team_saved)
        self.team_dialog = dialog
        dialog.open()
        return dialog

    def new_team(self) -> TeamDialog:
        return self._team_dialog(None)

    def edit_team(self, row: int | None = None) -> TeamDialog | None:
        """编辑队伍… (or a double-click on ``row``); a voided event's team opens read-only."""
        if isinstance(row, int):
            self.teams_table.selectRow(row)
        team = self.current_team()
        return self._team_dialog(team) if team is not None else None

    def _team_saved(self, team_id: int) -> None:
        self._after_change("已保存队伍")
        self.select_team(team_id)

    def _enter_team_dialog(self, team_id: int | None, item_id: Any) -> EnterTeamDialog:
        dialog = EnterTeamDialog(self.store, self.event_id, self.teams, self.items, self, team_id=team_id,
                                 item_id=item_id)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.entered.connect(self._team_entered)
        self.enter_team_dialog = dialog
        dialog.open()
        return dialog

    def enter_team(self) -> EnterTeamDialog | None:
        team = self.current_team()
        return self._enter_team_dialog(team["id"], ALL_ITEMS) if team is not None else None

    def _team_entered(self, entry_id: int) -> None:
        self._after_change("队伍已报名")

    def void_team(self) -> ReasonDialog | None:
        team = self.current_team()
        if team is None:
            return None
        return self._ask_reason("作废队伍", f"作废队伍“<b>{team['name']}</b>”：它的报名和成绩一并作废，记录本身保留。",
                                partial(self._void_team, team["id"], team["name"]))

    def _void_team(self, team_id: int, name: str, reason: str) -> None:
        self.store.void_team(team_id, reason)
        self._after_change(f"已作废队伍：{name}")

    # --- participants --------------------------------------------------------------------------
    def apply_entry_filter(self, *args) -> None:
        self.search_timer.stop()
        if self.is_new:
            return
        item = self.entry_item_combo.currentData() if self.entry_item_combo.count() else ALL_ITEMS
        self.entries_model.set_filter(item, self.entry_search_edit.text())
        filtered = item is not ALL_ITEMS or bool(self.entries_model.search)
        self.entries_table.empty_text = ("没有符合筛选条件的报名记录。" if filtered else
                                         "还没有参加人员。点“添加会员…”逐个添加，或“按条件添加…”一次添加一个部门、全体女会员等。")
        if hasattr(self, "figures"):
            self.entries_totals_label.setText(self.entries_totals_text())

    def set_entry_item(self, item_id: Any) -> None:
        """Show the entries of one item (None: the event as a whole; ALL_ITEMS: every item)."""
        for number in range(self.entry_item_combo.count()):
            if self.entry_item_combo.itemData(number) is item_id or self.entry_item_combo.itemData(number) == item_id:
                self.entry_item_combo.setCurrentIndex(number)
                return

    def selected_entry_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.entries_table.selectionModel().selectedRows()})
        return [i for i in (self.entries_model.row_id(r) for r in rows) if i is not None]

    def _default_individual_item(self) -> Any:
        current = self.entry_item_combo.currentData() if self.entry_item_combo.count() else ALL_ITEMS
        individual = [i["id"] for i in self.items if not i["team_item"]]
        if current is not ALL_ITEMS and (current is None or current in individual):
            return current
        return individual[0] if individual else None

    def choose_members(self) -> MemberPickerDialog:
        """添加会员…: the member picker with a 报名项目 choice above the list."""
        item_id = self._default_individual_item()
        dialog = MemberPickerDialog(self.context, entered_member_ids(self.context.db, self.event_id, item_id), self,
                                    title=f"添加参加人员 - {self.title}")
        choice = QWidget()
        row = QHBoxLayout(choice)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("报名项目："))
        combo = QComboBox()
        fill_items(combo, self.items, team=False, select=item_id)
        combo.currentIndexChanged.connect(self._picker_item_changed)
        row.addWidget(combo)
        row.addStretch(1)
        choice.setVisible(bool(self.items))  # without items every entry is in the event as a whole
        dialog.layout().insertWidget(0, choice)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.members_chosen.connect(self._members_chosen)
        self.picker, self.picker_item_combo = dialog, combo
        dialog.open()
        return dialog

    def _picker_item_changed(self, *args) -> None:
        exclude = entered_member_ids(self.context.db, self.event_id, self.picker_item_combo.currentData())
        self.picker.exclude = exclude
        self.picker.model.exclude = exclude
        self.picker.model.invalidate_rows()
        self.picker._selection_changed()

    def _members_chosen(self, member_ids: list[int]) -> None:
        item_id = self.picker_item_combo.currentData()
        try:
            result = self.store.add_members(self.event_id, member_ids, item_id=item_id)
        except (UserError, ValidationError) as exc:
            self._show_add_message(error_text(exc), ERROR_COLOUR)
            return
        self._entries_added(result)

    def _entries_added(self, result) -> None:
        self.last_add_result = result
        self._show_add_message(add_result_text(result), WARNING_COLOUR if result.warnings else OK_COLOUR)
        self._after_change(f"已报名：新增 {result.added} 人")

    def _show_add_message(self, text: str, colour: str) -> None:
        self.add_result_label.setText(text)
        self.add_result_label.setStyleSheet(f"color: {colour};")
        self.add_result_label.show()

    def add_by_criteria(self) -> CriteriaDialog:
        dialog = CriteriaDialog(self.context, self.store, self.event_id, self.items, self,
                                item_id=self._default_individual_item(), today=self.today)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.added.connect(self._entries_added)
        self.criteria_dialog = dialog
        dialog.open()
        return dialog

    def add_team_entry(self) -> EnterTeamDialog:
        current = self.entry_item_combo.currentData() if self.entry_item_combo.count() else ALL_ITEMS
        team = self.current_team()
        return self._enter_team_dialog(team["id"] if team else None, current)

    def void_entries(self) -> ReasonDialog | None:
        ids = self.selected_entry_ids()
        if not ids:
            return None
        names = [self.entries_model.text(self.entries_model.row_of(i), "name") for i in ids[:5]]
        who = "、".join(names) + (f"等 {len(ids)} 条" if len(ids) > 5 else "")
        return self._ask_reason("取消报名", f"取消 <b>{who}</b> 的报名：报名记录作废（保留可查），"
                                "<b>已登记的成绩一并作废</b>。", partial(self._void_entries, ids),
                                placeholder="必填，例如：因病未参赛")

    def _void_entries(self, entry_ids: list[int], reason: str) -> None:
        for entry_id in entry_ids:
            self.store.void_entry(entry_id, reason)
        self._after_change(f"已取消 {len(entry_ids)} 条报名")

    # --- results -------------------------------------------------------------------------------
    def current_result(self) -> dict | None:
        rows = self.results_table.selectionModel().selectedRows()
        return self.results_model.row_data(rows[0].row()) if rows else None

    def _result_dialog(self, result_id: int | None) -> ResultDialog:
        entry_ids = self.selected_entry_ids() if result_id is None and self.current_tab() == "participants" else []
        item = self.entry_item_combo.currentData() if self.entry_item_combo.count() else ALL_ITEMS
        dialog = ResultDialog(self.context, self.store, self.event_id, result_id, self, item_id=item,
                              entry_id=entry_ids[0] if len(entry_ids) == 1 else None)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.saved.connect(self._result_saved)
        self.result_dialog = dialog
        dialog.open()
        return dialog

    def new_result(self) -> ResultDialog:
        return self._result_dialog(None)

    def edit_result(self, row: int | None = None) -> ResultDialog | None:
        """修改… (or a double-click on ``row``)."""
        if isinstance(row, int):
            self.results_table.selectRow(row)
        result = self.current_result()
        return self._result_dialog(result["id"]) if result is not None else None

    def _result_saved(self, result_id: int) -> None:
        self._after_change("已保存成绩")
        self._reselect(self.results_table, self.results_model, result_id)

    def void_result(self) -> ReasonDialog | None:
        result = self.current_result()
        if result is None:
            return None
        what = "，".join(t for t in (result["name"], result["item_name"], result["stage"], result["grade"]) if t)
        return self._ask_reason("作废成绩", f"作废成绩（{what}）：不再出现在获奖名单和统计中，记录本身保留。",
                                partial(self._void_result, result["id"]), placeholder="必填，例如：录错")

    def _void_result(self, result_id: int, reason: str) -> None:
        self.store.void_result(result_id, reason)
        self._after_change("已作废一条成绩")


__all__ = ["EventTabsMixin"]
