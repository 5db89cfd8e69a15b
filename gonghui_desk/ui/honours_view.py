"""The 荣誉 page: the register of honours to persons, collectives and the union itself.

The filters (年度 from–to, 级别, 阶段, 类型, and a search on the title, the conferring body and
the recipient's name, pinyin or initials) pick the honours shown in a lazy, SQL-backed table
(:class:`HonourTableModel` on :class:`~gonghui_desk.ui.paged_model.PagedIdTableModel`), by level,
highest first, as the reports list them (DOMAIN.md §2.7); a click on a header sorts otherwise.
The totals line counts the honours listed by level, and by person, collective and the union.
Honours still 推荐 or 申报 are amber; double-clicking a row opens it
(:mod:`gonghui_desk.ui.honour_dialog`).

导出Excel… and 打印… put out the 荣誉名单 of exactly the honours listed, in the order shown
(:mod:`gonghui_desk.exporting.honours`), on a worker thread with progress and 取消. 导入… opens
the import wizard (:mod:`gonghui_desk.ui.honour_import_wizard`).
"""

from __future__ import annotations

from functools import partial

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gonghui_desk.honours.register import (HONOUR_ORDERS, HonourFilter, honour_ids, honour_rows, honour_totals,
                                           totals_text)
from gonghui_desk.honours.store import AWARDED, LEVELS, RECIPIENT_KINDS, STAGES
from gonghui_desk.ui.exports import (ExportOptionsDialog, ask_export, chosen_sort, print_button, print_list,
                                     run_export)
from gonghui_desk.ui.paged_model import CENTER, LEFT, FilteredTableModel
from gonghui_desk.ui.tables import ListPageMixin, compact_buttons, list_table, search_box, show_sorted, totals_label

ALL = None
YEARS_BACK = 10  # the year filters offer at least this many years before this one
AMBER = QBrush(QColor("#b9770e"))
MODEL_WORKER = QBrush(QColor("#b8322a"))

HONOUR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "荣誉称号"),
    ("level", "级别"),
    ("recipient", "获得者"),
    ("kind", "类型"),
    ("sub_unit", "部门"),
    ("conferred_by", "授予单位"),
    ("year", "年度"),
    ("conferred_on", "日期"),
    ("stage", "阶段"),
)
COLUMN_WIDTHS = {"title": 170, "level": 64, "recipient": 150, "kind": 48, "sub_unit": 110, "conferred_by": 150,
                 "year": 52, "conferred_on": 86, "stage": 52}
_CENTERED = {"level", "kind", "year", "conferred_on", "stage"}


def default_list_name(today: dt.date | None = None) -> str:
    return f"荣誉名单-{(today or dt.date.today()):%Y%m%d}.xlsx"


def notify_honours_changed(context, type_changes=()) -> None:
    """Tell the other pages: the honours changed, and the members when a 劳模类型 changed with them."""
    context.honours_changed.emit()
    if type_changes:
        context.members_changed.emit()


class HonourTableModel(FilteredTableModel):
    """The honours matching an :class:`HonourFilter`, by level (highest first) unless sorted otherwise."""

    COLUMNS = HONOUR_COLUMNS
    SORTS = {"title": "title", "level": "level", "recipient": "recipient", "year": "year", "stage": "stage"}
    assert set(SORTS.values()) <= set(HONOUR_ORDERS)
    HEADER_TIPS = {"level": "从高到低：全国、省部级、市级、县区级、系统/行业、本单位",
                   "stage": "推荐 → 申报 → 获评；橙色为尚未获评"}

    def __init__(self, db, parent=None, *, honour_filter: HonourFilter | None = None, query: bool = True, **kwargs):
        kwargs.setdefault("order", "level")
        kwargs.setdefault("descending", False)
        super().__init__(db, honour_filter or HonourFilter(), parent, query=query, **kwargs)

    @property
    def honour_filter(self) -> HonourFilter:
        return self._filter

    def fetch_ids(self, order: str, descending: bool) -> list[int]:
        return honour_ids(self.db, self._filter, order=order, descending=descending)

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        return honour_rows(self.db, ids)

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        texts = {"title": row["title"], "level": row["level"], "recipient": row["recipient_name"],
                 "kind": row["recipient_kind"], "sub_unit": row["sub_unit_path"], "conferred_by": row["conferred_by"],
                 "year": str(row["year"]), "conferred_on": row["conferred_on"] or "", "stage": row["stage"]}
        tips = {"title": row["notes"] or "", "sub_unit": row["sub_unit_path"], "conferred_by": row["conferred_by"],
                "recipient": row["recipient_name"]}
        brushes: dict[str, QBrush] = {}
        if row["stage"] != AWARDED:
            brushes["stage"] = AMBER
            tips["stage"] = f"{row['stage']}中，尚未获评"
        if row["model_worker_type"]:
            brushes["title"] = MODEL_WORKER
            tips["title"] = "\n".join(t for t in (f"劳模称号：该会员的劳模类型为“{row['model_worker_type']}”或更高",
                                                  row["notes"]) if t)
        if row["recipient_kind"] == "个人" and row.get("member_status") and row["member_status"] != "在册":
            tips["recipient"] = f"{row['recipient_name']}（会员现状态：{row['member_status']}）"
        keys = [key for key, _ in HONOUR_COLUMNS]
        alignments = tuple(CENTER if k in _CENTERED else LEFT for k in keys)
        return (tuple(texts.get(k) or "" for k in keys), tuple(tips.get(k, "") for k in keys),
                tuple(brushes.get(k) for k in keys), alignments)


class ExportHonoursDialog(ExportOptionsDialog):
    """What will be exported, and 制表人 (a list of honours holds nothing to mask)."""

    def __init__(self, count: int, scope: str, prepared_by: str = "", parent=None):
        super().__init__("导出荣誉名单", f"将导出当前列出的 <b>{count}</b> 项荣誉（{scope}），按表中顺序保存为 Excel 文件，"
                         "末尾附合计（按级别，及个人、集体、本会）。", "", masked_default=False,
                         prepared_by=prepared_by, parent=parent, width=460)


class HonoursView(ListPageMixin, QWidget):
    """The 荣誉 page of the main window: filters, the lazy table, the totals line and the actions."""

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self.honour_dialog = None
        self.import_wizard = None
        self.export_dialog = None
        self.export_job = None
        self.print_job = None
        self.print_preview_dialog = None
        self._prepared_by = ""
        self._applying = False
        self._loaded = False
        self._build()
        self._reload_years()
        self.model = HonourTableModel(context.db, self, honour_filter=self.current_filter(), query=False)
        show_sorted(self.table, self.model, COLUMN_WIDTHS, order=Qt.AscendingOrder, stretch="conferred_by")
        self.model.count_changed.connect(self._update_totals)
        for signal in (context.honours_changed, context.members_changed, context.profile_changed):
            signal.connect(self.refresh)

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(8)
        title = QLabel("荣誉")
        title.setObjectName("pageTitle")
        top = QHBoxLayout()
        top.addWidget(title)
        hint = QLabel("个人、集体和本会获得的荣誉，按级别从高到低排列")
        hint.setObjectName("mutedText")
        top.addSpacing(10)
        top.addWidget(hint)
        top.addStretch(1)
        outer.addLayout(top)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.year_from_combo, self.year_to_combo = QComboBox(), QComboBox()
        self._caption(filters, "年度", self.year_from_combo)
        filters.addWidget(QLabel("至"))
        filters.addWidget(self.year_to_combo)
        self.level_combo, self.stage_combo, self.kind_combo = QComboBox(), QComboBox(), QComboBox()
        for combo, first, values in ((self.level_combo, "全部级别", LEVELS), (self.stage_combo, "全部阶段", STAGES),
                                     (self.kind_combo, "全部类型", RECIPIENT_KINDS)):
            combo.addItem(first, ALL)
            for value in values:
                combo.addItem(value, value)
        self._caption(filters, "级别", self.level_combo)
        self._caption(filters, "阶段", self.stage_combo)
        self._caption(filters, "类型", self.kind_combo)
        for combo in (self.year_from_combo, self.year_to_combo, self.level_combo, self.stage_combo, self.kind_combo):
            combo.currentIndexChanged.connect(self.apply_filters)
        filters.addStretch(1)
        outer.addLayout(filters)

        actions = QHBoxLayout()
        self.search_edit, self.search_timer = search_box(self, "搜索称号、授予单位、获得者", self.apply_filters, maximum_width=300,
                                                         tip="按荣誉称号、授予单位、集体名称，或获得者的姓名、拼音、首字母搜索")
        actions.addWidget(self.search_edit, 1)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        actions.addWidget(self.clear_button)
        actions.addStretch(1)
        self.new_button = QPushButton("新增荣誉")
        self.new_button.clicked.connect(self.new_honour)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_current)
        self.import_button = QPushButton("导入…")
        self.import_button.setToolTip("从 Excel 表格（历年的先进个人、先进集体名单）批量导入荣誉")
        self.import_button.clicked.connect(self.start_import)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setToolTip("按当前筛选和顺序导出荣誉名单，末尾附按级别的合计")
        self.export_button.clicked.connect(self.start_export)
        print_button(self, "按当前筛选和顺序打印荣誉名单（A4 横向，先显示打印预览）")
        buttons = (self.clear_button, self.new_button, self.open_button, self.import_button, self.export_button,
                   self.print_button)
        for button in buttons[1:]:
            actions.addWidget(button)
        compact_buttons(buttons)
        outer.addLayout(actions)

        self.table = list_table(self, self.open_row, fixed_rows=False)
        outer.addWidget(self.table, 1)

        self.totals_label = totals_label()
        outer.addWidget(self.totals_label)

    def _reload_years(self) -> None:
        """The year combos: 不限, then this year + 1 down to the earliest honour (at least YEARS_BACK years)."""
        earliest = self.context.db.execute("SELECT min(year) FROM honours WHERE voided_at IS NULL").fetchone()[0]
        first = min(earliest or self.today.year, self.today.year - YEARS_BACK)
        applying, self._applying = self._applying, True
        for combo, empty in ((self.year_from_combo, "不限"), (self.year_to_combo, "不限")):
            current = combo.currentData()
            combo.clear()
            combo.addItem(empty, None)
            for year in range(self.today.year + 1, first - 1, -1):
                combo.addItem(f"{year}年", year)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
        self._applying = applying

    # --- filters -----------------------------------------------------------------------------
    def current_filter(self) -> HonourFilter:
        year_from, year_to = self.year_from_combo.currentData(), self.year_to_combo.currentData()
        if year_from is not None and year_to is not None and year_from > year_to:
            year_from, year_to = year_to, year_from
        return HonourFilter(year_from=year_from, year_to=year_to, level=self.level_combo.currentData(),
                            stage=self.stage_combo.currentData(), recipient_kind=self.kind_combo.currentData(),
                            search=self.search_edit.text().strip())

    def set_years(self, year_from: int | None, year_to: int | None) -> None:
        """Choose the year range (None: 不限)."""
        self._applying = True
        self.year_from_combo.setCurrentIndex(max(self.year_from_combo.findData(year_from), 0))
        self.year_to_combo.setCurrentIndex(max(self.year_to_combo.findData(year_to), 0))
        self._applying = False
        self.apply_filters()

    def _reset_filters(self) -> None:
        for combo in (self.year_from_combo, self.year_to_combo, self.level_combo, self.stage_combo, self.kind_combo):
            combo.setCurrentIndex(0)

    def refresh(self) -> None:
        current = self.current_honour_id()
        self._reload_years()
        if not self._loaded:
            return
        self.model.set_filter(self.current_filter())
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.table.selectRow(row)

    def _update_totals(self, shown: int) -> None:
        totals = honour_totals(self.context.db, self.model.honour_filter)
        self.totals_label.setText(f"当前列出 {totals_text(totals)}" if shown else "当前筛选下没有荣誉记录")
        for button in (self.export_button, self.print_button):
            button.setEnabled(shown > 0)

    def scope_text(self, f: HonourFilter | None = None) -> str:
        """The current filters in a few words, for the export dialog."""
        f = f or self.model.honour_filter
        if f.year_from or f.year_to:
            parts = [f"{f.year_from or ''}—{f.year_to or ''}年" if f.year_from != f.year_to else f"{f.year_from}年"]
        else:
            parts = ["全部年度"]
        parts += [value for value in (f.level, f.stage, f.recipient_kind) if value]
        if f.search:
            parts.append(f"搜索“{f.search}”")
        return "，".join(parts)

    # --- actions -----------------------------------------------------------------------------
    def current_honour_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def _open_dialog(self, honour_id: int | None):
        from gonghui_desk.ui.honour_dialog import open_honour_dialog

        dialog = open_honour_dialog(self, self.context, honour_id, today=self._today)
        dialog.changed.connect(self.refresh)
        self.honour_dialog = dialog
        return dialog

    def open_row(self, row: int):
        honour_id = self.model.row_id(row)
        return self._open_dialog(honour_id) if honour_id is not None else None

    def open_current(self):
        index = self.table.currentIndex()
        return self.open_row(index.row()) if index.isValid() else None

    def new_honour(self):
        return self._open_dialog(None)

    def start_import(self):
        """Open the import wizard of honours (non-blocking); the list is read again when it closes."""
        from gonghui_desk.ui.honour_import_wizard import HonourImportWizard

        return self.open_import_wizard(HonourImportWizard(self.context, path=None, parent=self, today=self._today))

    # --- export and print --------------------------------------------------------------------
    def start_export(self):
        """Ask 制表人, then the file, then export the honours listed on a worker."""
        count = self.model.rowCount()
        if count == 0:
            return None
        order, descending = self.model.sort_key
        export_to = partial(self.export_to, honour_filter=self.model.honour_filter, order=order,
                            descending=descending)
        return ask_export(self, ExportHonoursDialog(count, self.scope_text(), self._prepared_by, self),
                          "导出荣誉名单", default_list_name(self.today), export_to)

    def export_to(self, path: Path, honour_filter: HonourFilter | None = None, *, prepared_by: str = "",
                  order: str | None = None, descending: bool | None = None):
        from gonghui_desk.exporting.honours import export_honours

        honour_filter = honour_filter or self.model.honour_filter
        order, descending = chosen_sort(self.model, order, descending)
        today = self.today

        def export(db, progress, is_cancelled):
            return export_honours(db, path, honour_filter, prepared_by=prepared_by, order=order,
                                  descending=descending, progress=progress, is_cancelled=is_cancelled, today=today)

        self.export_job = run_export(self, self.context, "正在导出荣誉名单…", path, export,
                                     "已导出 {} 项荣誉".format)
        return self.export_job

    def start_print(self):
        """Build the A4 table of the honours listed on a worker, then show the preview."""
        from gonghui_desk.exporting.honours import honours_print_table

        honour_filter, prepared_by, today = self.model.honour_filter, self._prepared_by, self.today
        order, descending = self.model.sort_key

        def table(db, progress, is_cancelled):
            return honours_print_table(db, honour_filter, prepared_by=prepared_by, today=today, order=order,
                                       descending=descending, progress=progress, is_cancelled=is_cancelled)

        return print_list(self, table)


__all__ = ["ExportHonoursDialog", "HonourTableModel", "HonoursView", "default_list_name", "notify_honours_changed"]
