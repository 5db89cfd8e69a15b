"""The 活动竞赛 page: the event register (活动台账).

The filters (期间 on the start date — 本年, 上年, … or dates typed in —, 类型, 状态, 主办, 节日, and a
search on the event's name) pick the events shown in a lazy, SQL-backed table
(:class:`EventTableModel` on :class:`~gonghui_desk.ui.paged_model.PagedIdTableModel`), newest first; a
click on a header sorts by date, name, type, organiser, status or cost. Planned events are amber, cancelled
ones grey. The totals line (:func:`events_totals_text`) counts what is listed as the reports do
(:mod:`gonghui_desk.events.register`): events held, with the planned and cancelled ones set apart, 人次 and
人, cost, awards and the participation rate; it is summed on a worker thread.

Double-clicking a row (or Enter) opens the event (:mod:`gonghui_desk.ui.event_dialog`); 新建活动 opens an
empty one. 导出Excel… and 打印… put out the 活动台账 of exactly the events listed, in the order shown
(:mod:`gonghui_desk.exporting.events`), on a worker with progress and 取消; 导入… opens the import wizard
(:mod:`gonghui_desk.ui.event_import_wizard`). The period and date handling comes from
:class:`~gonghui_desk.ui.care_view.LedgerPageMixin`, shared with the 慰问台账 and the 帮扶台账.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gonghui_desk import value_lists
from gonghui_desk.events.register import EVENT_SORTS, EventFilter, EventTotals, event_ids, event_rows, event_totals
from gonghui_desk.events.store import EVENT_STATUSES, ORGANISER_KINDS
from gonghui_desk.money import yuan_text
from gonghui_desk.ui.care_view import LedgerPageMixin
from gonghui_desk.ui.exports import (ExportOptionsDialog, ask_export, chosen_sort, print_button, print_list,
                                     run_export)
from gonghui_desk.ui.paged_model import CENTER, LEFT, RIGHT, FilteredTableModel
from gonghui_desk.ui.tables import (compact_buttons, empty_label, list_stack, list_table, search_box, show_sorted,
                                    totals_label)
from gonghui_desk.ui.workers import run_job, with_worker_db

ALL = None
PLANNED, HELD, CANCELLED = EVENT_STATUSES
AMBER = QBrush(QColor("#b9770e"))
GREY = QBrush(QColor("#8a8a8a"))

EVENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("date", "日期"),
    ("title", "活动名称"),
    ("kind", "类型"),
    ("organiser", "主办"),
    ("holiday", "节日"),
    ("status", "状态"),
    ("items", "项目"),
    ("person_times", "人次"),
    ("persons", "人数"),
    ("awards", "获奖"),
    ("cost", "经费（元）"),
)
COLUMN_WIDTHS = {"date": 132, "title": 230, "kind": 76, "organiser": 140, "holiday": 52, "status": 56, "items": 44,
                 "person_times": 56, "persons": 52, "awards": 48, "cost": 84}
TITLE_MIN_WIDTH = 220  # the name takes the room left over, never less than this (a narrow window scrolls)
_CENTERED = {"date", "kind", "holiday", "status", "items"}
_RIGHT = {"person_times", "persons", "awards", "cost"}


# date_span and organiser_text write what the printed and exported 活动台账 write (exporting.events, which
# is imported only when a list is put out: it brings openpyxl).
def date_span(start: str, end: str | None) -> str:
    """"2026-05-01", "2026-05-01至05-03" (the same year), "2025-12-31至2026-01-02"."""
    if not end or end == start:
        return start
    return f"{start}至{end[5:] if end[:4] == start[:4] else end}"


def organiser_text(row: dict) -> str:
    """"本会", or "某区总工会（上级）"."""
    if row["organiser_kind"] == "本会" or not row["organiser"]:
        return row["organiser_kind"]
    return f"{row['organiser']}（{row['organiser_kind']}）"


def events_totals_text(totals: EventTotals) -> str:
    """"已举办 12 场（另有计划 2 场、取消 1 场未计入）；参与 860 人次、412 人；经费 86,000 元；获奖 35 人次；参与率 51.5%"."""
    apart = [text for n, text in ((totals.planned, f"计划 {totals.planned} 场"),
                                  (totals.cancelled, f"取消 {totals.cancelled} 场")) if n]
    if not totals.events:
        return "当前筛选下没有已举办的活动" + (f"（{'、'.join(apart)}，不计入统计）" if apart else "")
    text = f"已举办 {totals.events} 场"
    if apart:
        text += f"（另有{'、'.join(apart)}未计入）"
    text += (f"；参与 {totals.person_times} 人次、{totals.persons} 人；经费 {yuan_text(totals.cost_fen)} 元；"
             f"获奖 {totals.awards} 人次")
    if totals.participation_rate is not None:
        text += f"；参与率 {totals.participation_rate:.1%}"
    return text


def events_totals_tip(totals: EventTotals) -> str:
    """The totals line's tooltip: the rate's base, then the details the line leaves out."""
    lines = []
    if totals.participation_rate is not None:
        lines.append(f"参与率 = {totals.rate_base_text}（退休会员不计）")
    if totals.events:
        lines.append("人次：个人报名每项 1 人次，团体项目按队员每人 1 人次；人：去重后的会员人数")
        if totals.teams:
            lines.append(f"参赛队伍 {totals.teams} 支")
        if totals.by_grade:
            lines.append("获奖：" + "、".join(f"{grade} {persons} 人（{times} 人次）"
                                             for grade, (persons, times) in totals.by_grade.items()))
        if totals.collective_awards:
            lines.append(f"另有集体奖项 {totals.collective_awards} 项（组织奖等）")
        if totals.prize_fen:
            lines.append(f"奖金合计 {yuan_text(totals.prize_fen)} 元")
        if totals.promoted:
            lines.append(f"推荐参加上级比赛 {totals.promoted} 人次（{totals.promoted_persons} 人）")
    return "\n".join(lines)


class EventTableModel(FilteredTableModel):
    """The events matching an :class:`EventFilter`, newest first unless sorted otherwise."""

    COLUMNS = EVENT_COLUMNS
    SORTS = {"date": "start_date", "title": "name", "kind": "kind", "organiser": "organiser_kind",
             "status": "status", "cost": "cost"}
    assert set(SORTS.values()) <= set(EVENT_SORTS)
    HEADER_TIPS = {"date": "开始日期（多日的活动为起止日期）",
                   "status": "计划：尚未举办（橙色）；已取消：灰色；只有已举办的活动计入合计",
                   "items": "比赛项目或工种的个数",
                   "person_times": "个人报名每项算 1 人次；团体项目按队员每人 1 人次",
                   "persons": "参加的会员人数（一人参加多项只算 1 人）",
                   "awards": "获奖人次：个人获奖每次 1 人次，团体获奖按队员每人 1 人次（与合计的算法相同）",
                   "cost": "活动经费，单位：元"}

    def __init__(self, db, parent=None, *, event_filter: EventFilter | None = None, query: bool = True, **kwargs):
        """``query=False`` starts empty: the first :meth:`set_filter` or :meth:`refresh` reads the rows."""
        kwargs.setdefault("order", "start_date")
        kwargs.setdefault("descending", True)
        super().__init__(db, event_filter or EventFilter(), parent, query=query, **kwargs)

    @property
    def event_filter(self) -> EventFilter:
        return self._filter

    def fetch_ids(self, order: str, descending: bool) -> list[int]:
        return event_ids(self.db, self._filter, order=order, descending=descending)

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        return event_rows(self.db, ids)

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        status = row["status"]
        texts = {"date": date_span(row["start_date"], row["end_date"]), "title": row["title"], "kind": row["kind"],
                 "organiser": organiser_text(row), "holiday": row["holiday"], "status": status,
                 "items": str(row["items"]) if row["items"] else "", "person_times": str(row["entries_count"]),
                 "persons": str(row["persons"]), "awards": str(row["award_times"]) if row["award_times"] else "",
                 "cost": yuan_text(row["cost_fen"]) if row["cost_fen"] else ""}
        title_tip = [row["title"]]
        if row["venue"]:
            title_tip.append(f"地点：{row['venue']}")
        if row["notes"]:
            title_tip.append(row["notes"])
        tips = {"title": "\n".join(title_tip), "organiser": texts["organiser"]}
        if row["teams"]:
            tips["person_times"] = f"{row['entries_count']} 人次，其中参赛队伍 {row['teams']} 支"
        if row["awards"]:
            tips["awards"] = f"获奖 {row['award_times']} 人次（{row['winners']} 人），获奖项次 {row['awards']}" + (
                f"，奖金 {yuan_text(row['prize_fen'])} 元" if row["prize_fen"] else "")
        brushes: dict[str, QBrush] = {}
        keys = [key for key, _ in EVENT_COLUMNS]
        if status == PLANNED:
            brushes["status"] = AMBER
            tips["status"] = "计划中，尚未举办；报名人数不计入合计"
        elif status == CANCELLED:
            brushes = dict.fromkeys(keys, GREY)
            tips["status"] = "已取消，不计入合计"
        alignments = tuple(CENTER if k in _CENTERED else RIGHT if k in _RIGHT else LEFT for k in keys)
        return (tuple(texts.get(k) or "" for k in keys), tuple(tips.get(k, "") for k in keys),
                tuple(brushes.get(k) for k in keys), alignments)


class ExportEventsDialog(ExportOptionsDialog):
    """What will be exported, and 制表人 (a list of events holds nothing to mask)."""

    def __init__(self, count: int, scope: str, prepared_by: str = "", parent=None):
        super().__init__("导出活动台账", f"将导出当前列出的 <b>{count}</b> 项活动（{scope}），按表中顺序保存为 Excel 文件，"
                         "末尾附合计（已举办场次、参与人次和人数、经费、获奖和参与率；计划和已取消的活动不计入）。", "",
                         masked_default=False, prepared_by=prepared_by, parent=parent, width=480)


class EventsView(LedgerPageMixin, QWidget):
    """The 活动竞赛 page of the main window: filters, the lazy table, the totals line and the actions."""

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self._prepared_by = ""
        self.event_dialog = None
        self.import_wizard = None
        self.export_dialog = None
        self.export_job = None
        self.print_job = None
        self.print_preview_dialog = None
        self.totals: EventTotals | None = None
        self.totals_job = None
        self._totals_generation = 0
        self._applying = False
        self._build()
        self._reload_choices()
        self._set_period("本年")
        # the rows are read when the page is first shown: opening the main window does not pay for them
        self._loaded = False
        # pages of 50 events: each page counts its events' participants and results (some 1 ms an event on a
        # large register), and a screen shows about 25
        self.model = EventTableModel(context.db, self, event_filter=self.current_filter(), query=False,
                                     page_size=50)
        self._attach_model()
        for signal in (context.events_changed, context.members_changed, context.profile_changed):
            signal.connect(self.refresh)
        context.hardship_changed.connect(self._reload_choices)  # the value lists dialog says so through it

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel("活动竞赛")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        hint = QLabel("劳动竞赛、技能比武、文体活动、培训：报名、成绩和获奖，按开始日期从近到远排列")
        hint.setObjectName("mutedText")
        top.addSpacing(10)
        top.addWidget(hint)
        top.addStretch(1)
        outer.addLayout(top)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self._period_filter(filters, "期间", "按活动的开始日期筛选；本学期：秋季学期9月至次年1月，春季学期2月至8月",
                            "起始日期（按活动开始日期），如 2024-01-01 或 2024.1.1", "截止日期（按活动开始日期），如 2024-12-31")
        self.kind_combo = self._filter_combo()
        self._caption(filters, "类型", self.kind_combo)
        self.status_combo = self._filter_combo()
        self.status_combo.addItem("全部", ALL)
        for status in EVENT_STATUSES:
            self.status_combo.addItem(status, status)
        self._caption(filters, "状态", self.status_combo)
        self.organiser_combo = self._filter_combo()
        self.organiser_combo.addItem("全部", ALL)
        for kind in ORGANISER_KINDS:
            self.organiser_combo.addItem(kind, kind)
        self.organiser_combo.setToolTip("本会主办，或参加上级工会、外单位主办的活动")
        self._caption(filters, "主办", self.organiser_combo)
        self.holiday_combo = self._filter_combo()
        self._caption(filters, "节日", self.holiday_combo)
        filters.addStretch(1)
        outer.addLayout(filters)

        actions = QHBoxLayout()
        actions.setSpacing(6)
        self.search_edit, self.search_timer = search_box(self, "搜索活动名称", self.apply_filters, maximum_width=300,
                                                         tip="按活动名称中的字词搜索，几个词用空格隔开")
        actions.addWidget(self.search_edit, 1)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        actions.addWidget(self.clear_button)
        actions.addStretch(1)
        self.new_button = QPushButton("新建活动")
        self.new_button.setToolTip("登记一项活动或比赛，再添加项目、队伍、参加人员和成绩")
        self.new_button.clicked.connect(self.new_event)
        self.import_button = QPushButton("导入…")
        self.import_button.setToolTip("从 Excel 表格（以前记的活动台账）批量导入活动：先逐行检查，确认后才写入")
        self.import_button.clicked.connect(self.start_import)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setToolTip("按当前筛选和顺序导出活动台账，末尾附合计")
        self.export_button.clicked.connect(self.start_export)
        print_button(self, "按当前筛选和顺序打印活动台账（A4 横向，先显示打印预览）")
        buttons = (self.clear_button, self.new_button, self.import_button, self.export_button, self.print_button)
        for button in buttons[1:]:
            actions.addWidget(button)
        compact_buttons(buttons)
        outer.addLayout(actions)

        self.table = list_table(self, self.open_row)
        self.empty_label = empty_label()
        self.stack = list_stack(self.table, self.empty_label)
        outer.addWidget(self.stack, 1)

        self.totals_label = totals_label()
        outer.addWidget(self.totals_label)

    def _attach_model(self) -> None:
        header = show_sorted(self.table, self.model, COLUMN_WIDTHS, order=Qt.DescendingOrder, minimum_width=40)
        self.table.viewport().installEventFilter(self)  # the name column follows the table's width
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.model.count_changed.connect(self._count_changed)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Resize:
            self._fit_title()
        return super().eventFilter(watched, event)

    def _fit_title(self) -> None:
        """The name column takes the width the other columns leave (at least TITLE_MIN_WIDTH)."""
        header = self.table.horizontalHeader()
        title = self.model.column_index["title"]
        others = sum(header.sectionSize(i) for i in range(header.count()) if i != title)
        header.resizeSection(title, max(TITLE_MIN_WIDTH, self.table.viewport().width() - others))

    def _reload_choices(self) -> None:
        """类型 and 节日: the list's live values, then values still used by events but retired from the list."""
        for combo, key, column, first in ((self.kind_combo, "event.kind", "kind", "全部类型"),
                                          (self.holiday_combo, "event.holiday", "holiday", "全部")):
            current = combo.currentData()
            listed = value_lists.values(self.context.db, key)
            used = [r[0] for r in self.context.db.execute(
                f"SELECT DISTINCT {column} FROM events WHERE voided_at IS NULL AND {column} <> '' ORDER BY {column}")]
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, ALL)
            for value in listed + [v for v in used if v not in listed]:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
            combo.blockSignals(False)

    # --- filters -----------------------------------------------------------------------------
    def current_filter(self) -> EventFilter:
        start, end = self._dates()
        if start and end and start > end:
            start, end = end, start
        kind = self.kind_combo.currentData()
        return EventFilter(date_from=start.isoformat() if start else None, date_to=end.isoformat() if end else None,
                           kinds=(kind,) if kind is not None else None, status=self.status_combo.currentData(),
                           organiser_kind=self.organiser_combo.currentData(), holiday=self.holiday_combo.currentData(),
                           search=self.search_edit.text().strip())

    def set_period(self, choice: str) -> None:
        """Choose a quick period (本年, 上年, 全部日期…) and filter (tests and other pages)."""
        self._period_chosen(choice)

    def set_dates(self, date_from: str | None, date_to: str | None) -> None:
        """Type a period (自定义) and filter."""
        self.from_edit.setText(date_from or "")
        self.to_edit.setText(date_to or "")
        self._dates_edited()

    def choose(self, combo: QComboBox, value) -> None:
        """Pick ``value`` in one of the filter combos (tests)."""
        index = combo.findData(value)
        if index < 0:
            raise ValueError(f"{value!r} is not a choice")
        combo.setCurrentIndex(index)

    def _check_filters(self) -> bool:
        if super()._check_filters():
            return True
        self.totals_label.setToolTip("")  # the tooltip of totals no longer shown
        return False

    def _reset_filters(self) -> None:
        for combo in (self.kind_combo, self.status_combo, self.organiser_combo, self.holiday_combo):
            combo.setCurrentIndex(0)
        self._set_period("本年")

    # --- refreshing and the totals -------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the rows (after an event was saved, its entries or results changed), keeping the current row."""
        self._reload_choices()
        if not self._loaded:
            return
        current = self.current_event_id()
        if self._mark_dates():
            self.model.set_filter(self.current_filter())
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.table.selectRow(row)

    def _count_changed(self, count: int) -> None:
        self._totals_generation += 1
        self.totals_label.setText(f"共 {count} 项活动，正在合计…" if count else "当前筛选下没有活动")
        self.totals_label.setToolTip("")
        if count:
            self._start_totals_job(self.model.event_filter, self._totals_generation)
        else:
            self.totals = None
        for button in (self.export_button, self.print_button):
            button.setEnabled(count > 0)
        if count:
            self.stack.setCurrentWidget(self.table)
            return
        if self.is_default_filter():
            self.empty_label.setText("本年还没有登记活动。\n点击“新建活动”登记一项活动或比赛；查看往年的活动，"
                                     "请在“期间”中选择“上年”或“全部日期”。")
        else:
            self.empty_label.setText("没有符合条件的活动。\n请换个期间、类型或状态，或点“清除筛选”。")
        self.stack.setCurrentWidget(self.empty_label)

    def _start_totals_job(self, event_filter: EventFilter, generation: int) -> None:
        today = self.today

        def totals(db, progress, is_cancelled):
            return generation, event_totals(db, event_filter, today=today)

        # no parent: the job may outlive this page (another database opened meanwhile); the
        # connection to the bound method goes with the page
        self.totals_job = run_job(None, "合计", with_worker_db(self.context, totals), on_done=self._totals_computed,
                                  show_dialog=False)

    def _totals_computed(self, result) -> None:
        generation, totals = result
        if generation == self._totals_generation:  # not overtaken by a newer filter
            self.totals = totals
            self.totals_label.setText(events_totals_text(totals))
            self.totals_label.setToolTip(events_totals_tip(totals))

    def wait_for_totals(self, msecs: int = 30000) -> bool:
        job = self.totals_job
        return job.wait(msecs) if job is not None else True

    def scope_text(self, f: EventFilter | None = None) -> str:
        """The current filters in a few words, for the export dialog."""
        f = f or self.model.event_filter
        parts = [f"{f.date_from or '不限'} 至 {f.date_to or '不限'}" if f.date_from or f.date_to else "全部日期"]
        parts += [value for value in ((f.kinds or ("",))[0], f.status, f.organiser_kind and f"{f.organiser_kind}主办",
                                      f.holiday) if value]
        if f.search:
            parts.append(f"搜索“{f.search}”")
        return "，".join(parts)

    # --- actions -----------------------------------------------------------------------------
    def current_event_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def open_event(self, event_id: int | None, *, tab: str | None = None):
        """The event in its dialog (non-blocking; kept as ``event_dialog``); None: a new event."""
        from gonghui_desk.ui.event_dialog import open_event_dialog

        self.event_dialog = open_event_dialog(self, self.context, event_id, today=self._today, tab=tab)
        return self.event_dialog

    def open_row(self, row: int):
        event_id = self.model.row_id(row)
        return self.open_event(event_id) if event_id is not None else None

    def open_current(self):
        index = self.table.currentIndex()
        return self.open_row(index.row()) if index.isValid() else None

    def new_event(self):
        return self.open_event(None)

    def start_import(self):
        """Open the import wizard of events (non-blocking); the list is read again when it closes."""
        from gonghui_desk.ui.event_import_wizard import EventImportWizard

        return self.open_import_wizard(EventImportWizard(self.context, path=None, parent=self, today=self._today))

    # --- export and print --------------------------------------------------------------------
    def start_export(self):
        """Ask 制表人, then the file, then export the events listed on a worker."""
        count = self.model.rowCount()
        if count == 0:
            return None
        from gonghui_desk.exporting.events import default_events_name

        order, descending = self.model.sort_key
        export_to = partial(self.export_to, event_filter=self.model.event_filter, order=order, descending=descending)
        return ask_export(self, ExportEventsDialog(count, self.scope_text(), self._prepared_by, self),
                          "导出活动台账", default_events_name(self.today), export_to)

    def export_to(self, path: Path, event_filter: EventFilter | None = None, *, prepared_by: str = "",
                  order: str | None = None, descending: bool | None = None):
        from gonghui_desk.exporting.events import export_events

        event_filter = event_filter or self.model.event_filter
        order, descending = chosen_sort(self.model, order, descending)
        today = self.today

        def export(db, progress, is_cancelled):
            return export_events(db, path, event_filter, order=order, descending=descending, prepared_by=prepared_by,
                                 today=today, progress=progress, is_cancelled=is_cancelled)

        self.export_job = run_export(self, self.context, "正在导出活动台账…", path, export, "已导出 {} 项活动".format)
        return self.export_job

    def start_print(self):
        """Build the A4 table of the events listed on a worker, then show the preview."""
        from gonghui_desk.exporting.events import events_print_table

        event_filter, prepared_by, today = self.model.event_filter, self._prepared_by, self.today
        order, descending = self.model.sort_key

        def table(db, progress, is_cancelled):
            return events_print_table(db, event_filter, order=order, descending=descending, prepared_by=prepared_by,
                                      today=today, progress=progress, is_cancelled=is_cancelled)

        return print_list(self, table)


__all__ = ["EventTableModel", "EventsView", "ExportEventsDialog", "date_span", "events_totals_text",
           "events_totals_tip", "organiser_text"]
