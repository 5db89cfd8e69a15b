"""The 困难帮扶 page: the register of hardship files (困难职工档案) and the aid records (帮扶记录).

The register lists the files matching the filters (status, category, main cause, level,
sub-unit with its children, name or pinyin, only reviews due or overdue) in a lazy, SQL-backed
table (:class:`gonghui_desk.ui.hardship_model.HardshipFileTableModel`); overdue reviews are red,
reviews due within 30 days amber. The counts line says how many households and persons are on
file and how many reviews are overdue. Double-clicking a row opens the file.

导出Excel… and 打印… put out the 困难职工档案名册 of exactly the files listed, in the order shown
(:mod:`gonghui_desk.exporting.hardship_register`), on a worker thread with progress and 取消; ID
and phone numbers are masked unless the officer ticks 显示完整的身份证号、手机号和银行卡号 (recorded in the
change log). 导入… opens the import wizard of hardship files (:mod:`gonghui_desk.ui.hardship_import_wizard`).

The second tab hosts ``gonghui_desk.ui.aid_view.AidView`` when that module exists.
"""

from __future__ import annotations

from functools import partial

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from gonghui_desk import value_lists
from gonghui_desk.hardship.register import FileFilter, file_counts, file_ids
from gonghui_desk.ui.exports import (ExportOptionsDialog, ask_export, chosen_sort, print_button, print_list,
                                     run_export)
from gonghui_desk.ui.hardship_file_dialog import open_file_dialog
from gonghui_desk.ui.hardship_model import HardshipFileTableModel
from gonghui_desk.ui.member_card import SubUnitComboBox
from gonghui_desk.ui.placeholder_view import PlaceholderView
from gonghui_desk.ui.tables import ListPageMixin, compact_buttons, list_table, search_box, show_sorted, totals_label
from gonghui_desk.union import descendant_ids, sub_units

ALL = "全部"
COLUMN_WIDTHS = {"member": 70, "sub_unit": 120, "category": 80, "level": 64, "main_cause": 90,
                 "household_size": 64, "income": 120, "opened_on": 86, "next_review": 86, "status": 56}

AID_SUMMARY = "生活救助、医疗救助、金秋助学、节日送温暖等帮扶的申请、审核、发放和公示。"
AID_FEATURES = ("按户、人、人次分别统计", "帮扶台账导出和打印")


def default_register_name(today: dt.date | None = None) -> str:
    return f"困难职工档案名册-{(today or dt.date.today()):%Y%m%d}.xlsx"


class ExportRegisterDialog(ExportOptionsDialog):
    """Options of a register export: how many files, whether to show the full ID and phone numbers (masked
    unless ticked, never remembered), 制表人."""

    def __init__(self, count: int, scope: str, prepared_by: str = "", parent=None):
        super().__init__("导出困难职工档案名册",
                         f"将导出当前列出的 <b>{count}</b> 户困难职工档案（{scope}），保存为 Excel 文件，"
                         "末尾附合计（户数、人数，按困难类别和致困原因，复核逾期户数）。",
                         "", masked_default=False, offer_full_numbers=True,
                         full_numbers_hint="不勾选时身份证号、联系电话只显示前后几位（用于公示或发给外单位）。"
                                           "勾选后导出完整号码并记录在修改记录中，请妥善保管导出的文件。",
                         prepared_by=prepared_by, parent=parent, width=500)


class FilesView(ListPageMixin, QWidget):
    """困难职工档案 register: filters, the lazy table, the counts line and the actions."""

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self.file_dialog = None
        self.import_wizard = None
        self.export_dialog = None
        self.export_job = None
        self.print_job = None
        self.print_preview_dialog = None
        self._prepared_by = ""
        self._applying = False
        self._build()
        self._reload_choices()
        self._loaded = False
        self.model = HardshipFileTableModel(context.db, self, file_filter=self.current_filter(), query=False,
                                            today=today, page_size=100)  # a row sums its family's incomes
        show_sorted(self.table, self.model, COLUMN_WIDTHS, order=Qt.DescendingOrder, stretch="sub_unit")
        self.model.count_changed.connect(self._update_counts)
        for signal in ("hardship_changed", "members_changed"):
            if hasattr(context, signal):
                getattr(context, signal).connect(self.refresh)
        context.profile_changed.connect(self._reload_choices)

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 8, 6, 4)
        outer.setSpacing(8)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.status_combo = QComboBox()
        for status in ("在档", "申请中", "脱困", "注销", ALL):
            self.status_combo.addItem(status, None if status == ALL else (status,))
        self.status_combo.currentIndexChanged.connect(self.apply_filters)
        self._caption(filters, "状态", self.status_combo)
        self.category_combo, self.cause_combo, self.level_combo = QComboBox(), QComboBox(), QComboBox()
        for text, combo in (("类别", self.category_combo), ("致困原因", self.cause_combo),
                            ("建档标准", self.level_combo)):
            combo.currentIndexChanged.connect(self.apply_filters)
            self._caption(filters, text, combo)
        self.sub_unit_combo = SubUnitComboBox()
        self.sub_unit_combo.setToolTip("按户主所在部门筛选，包括下级部门")
        self.sub_unit_combo.currentIndexChanged.connect(self.apply_filters)
        self._caption(filters, "部门", self.sub_unit_combo)
        filters.addStretch(1)
        outer.addLayout(filters)

        actions = QHBoxLayout()
        self.search_edit, self.search_timer = search_box(self, "搜索户主：姓名、拼音或首字母", self.apply_filters,
                                                         minimum_width=120, maximum_width=240)
        actions.addWidget(self.search_edit, 1)  # grows to 240 px before the gap to the buttons does
        self.due_check = QCheckBox("只看复核到期/逾期")
        self.due_check.setToolTip("在档、年度复核已逾期或30天内到期的档案")
        self.due_check.toggled.connect(self.apply_filters)
        actions.addWidget(self.due_check)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        actions.addWidget(self.clear_button)
        actions.addStretch(1)
        self.new_button = QPushButton("新建档案")
        self.new_button.clicked.connect(self.new_file)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_current)
        self.import_button = QPushButton("导入…")
        self.import_button.setToolTip("从 Excel 表格（困难职工花名册或档案表）批量导入困难职工档案")
        self.import_button.clicked.connect(self.start_import)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setToolTip("按当前筛选导出困难职工档案名册，末尾附合计")
        self.export_button.clicked.connect(self.start_export)
        print_button(self, "按当前筛选和顺序打印困难职工档案名册（A4 横向，先显示打印预览；身份证号、电话隐去中间部分）")
        for button in (self.new_button, self.open_button, self.import_button, self.export_button, self.print_button):
            actions.addWidget(button)
        compact_buttons((self.clear_button, self.new_button, self.open_button, self.import_button, self.export_button,
                         self.print_button))
        outer.addLayout(actions)

        self.table = list_table(self, self.open_row, fixed_rows=False)
        outer.addWidget(self.table, 1)

        self.counts_label = totals_label(wrap=False)
        outer.addWidget(self.counts_label)

    def _reload_choices(self) -> None:
        self._applying = True
        for combo, key, first in ((self.category_combo, "hardship.category", "全部类别"),
                                  (self.cause_combo, "hardship.cause", "全部原因"),
                                  (self.level_combo, "hardship.level", "全部标准")):
            current = combo.currentData()
            combo.clear()
            combo.addItem(first, None)
            for value in value_lists.values(self.context.db, key):
                combo.addItem(value, value)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
        self.sub_unit_combo.set_units(sub_units(self.context.db), "全部部门", select=self.sub_unit_combo.currentData())
        self._applying = False

    # --- filters -------------------------------------------------------------------------
    def current_filter(self) -> FileFilter:
        unit_id = self.sub_unit_combo.currentData()
        return FileFilter(
            status=self.status_combo.currentData(),
            category=self.category_combo.currentData(), main_cause=self.cause_combo.currentData(),
            level=self.level_combo.currentData(),
            sub_unit_ids=tuple(descendant_ids(self.context.db, unit_id)) if unit_id is not None else None,
            search=self.search_edit.text().strip(),
            review_due=True if self.due_check.isChecked() else None)

    def _reset_filters(self) -> None:
        for combo in (self.status_combo, self.category_combo, self.cause_combo, self.level_combo,
                      self.sub_unit_combo):
            combo.setCurrentIndex(0)
        self.due_check.setChecked(False)

    def refresh(self) -> None:
        current = self.current_file_id()
        self._reload_choices()
        if not self._loaded:
            return
        self.model.set_filter(self.current_filter())
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.table.selectRow(row)

    def _update_counts(self, shown: int) -> None:
        # the register's own counts change with the data, not with the filter: worked out once per change
        from gonghui_desk.db.member_queries import data_stamp

        key = (data_stamp(self.context.db), self.today)
        if getattr(self, "_counts", (None,))[0] != key:
            today = self.today.isoformat()
            counts = file_counts(self.context.db, today, today)
            overdue = file_ids(self.context.db, FileFilter(status=("在档",), review_due=True), today=self.today)
            late = sum(1 for row in self.model.fetch_rows(overdue).values() if row["review_overdue"]) if overdue else 0
            self._counts = (key, f"在档 {counts.on_file} 户 {counts.on_file_persons} 人，复核逾期 {late} 户")
        self.counts_label.setText(f"{self._counts[1]}；当前列出 {shown} 户")
        for button in (self.export_button, self.print_button):
            button.setEnabled(shown > 0)

    # --- actions -------------------------------------------------------------------------
    def current_file_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def open_row(self, row: int):
        file_id = self.model.row_id(row)
        if file_id is None:
            return None
        self.file_dialog = open_file_dialog(self, self.context, file_id, today=self._today)
        return self.file_dialog

    def open_current(self):
        index = self.table.currentIndex()
        return self.open_row(index.row()) if index.isValid() else None

    def new_file(self):
        self.file_dialog = open_file_dialog(self, self.context, None, today=self._today)
        return self.file_dialog

    def start_import(self):
        """Open the import wizard of hardship files (non-blocking)."""
        from gonghui_desk.ui.hardship_import_wizard import HardshipImportWizard

        wizard = HardshipImportWizard(self.context, path=None, parent=self, today=self._today)
        self.import_wizard = wizard
        wizard.open()
        return wizard

    # --- export and print ----------------------------------------------------------------
    def scope_text(self, f: FileFilter | None = None) -> str:
        """The current filters in a few words, for the export dialog."""
        f = f or self.model.file_filter
        parts = [self.status_combo.currentText() if f.status is not None else "全部状态"]
        for combo in (self.category_combo, self.cause_combo, self.level_combo):
            if combo.currentData() is not None:
                parts.append(combo.currentText())
        if f.sub_unit_ids is not None:
            parts.append(self.sub_unit_combo.current_path())
        if f.search:
            parts.append(f"搜索“{f.search}”")
        if f.review_due:
            parts.append("复核到期/逾期")
        return "，".join(parts)

    def start_export(self):
        """Ask the options, then the file, then export the files listed on a worker."""
        count = self.model.rowCount()
        if count == 0:
            return None
        order, descending = self.model.sort_key
        export_to = partial(self.export_to, file_filter=self.model.file_filter, order=order, descending=descending)
        return ask_export(self, ExportRegisterDialog(count, self.scope_text(), self._prepared_by, self),
                          "导出困难职工档案名册", default_register_name(self.today), export_to)

    def export_to(self, path: Path, file_filter: FileFilter | None = None, *, full_numbers: bool = False,
                  prepared_by: str = "", order: str | None = None, descending: bool | None = None):
        from gonghui_desk.exporting.hardship_register import export_hardship_register

        file_filter = file_filter or self.model.file_filter
        order, descending = chosen_sort(self.model, order, descending)
        today = self.today

        def export(db, progress, is_cancelled):
            count = export_hardship_register(db, path, file_filter, mask_personal=not full_numbers,
                                             prepared_by=prepared_by, today=today, progress=progress,
                                             is_cancelled=is_cancelled, order=order, descending=descending)
            if full_numbers:
                from gonghui_desk.privacy import ID_LABEL, PHONE_LABEL, record_unmask

                record_unmask(db, output="导出困难职工档案名册", fields=(ID_LABEL, PHONE_LABEL), count=count,
                              target=path, table="hardship_files")
            return count

        self.export_job = run_export(self, self.context, "正在导出困难职工档案名册…", path, export,
                                     "已导出 {} 户困难职工档案".format)
        return self.export_job

    def start_print(self):
        """Build the A4 table of the files listed on a worker, then show the preview."""
        from gonghui_desk.printing import hardship_register_print_table

        file_filter, prepared_by, today = self.model.file_filter, self._prepared_by, self.today
        order, descending = self.model.sort_key

        def table(db, progress, is_cancelled):
            return hardship_register_print_table(db, file_filter, prepared_by=prepared_by, today=today, order=order,
                                                 descending=descending, progress=progress, is_cancelled=is_cancelled)

        return print_list(self, table)


class HardshipView(QWidget):
    """The 困难帮扶 page of the main window: 困难职工档案 and 帮扶记录 tabs."""

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel("困难帮扶")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addStretch(1)
        self.lists_button = QPushButton("选项表…")
        self.lists_button.setToolTip("困难类别、致困原因、健康状况等下拉选项")
        self.lists_button.clicked.connect(self.open_value_lists)
        top.addWidget(self.lists_button)
        outer.addLayout(top)
        self.tabs = QTabWidget()
        self.files = FilesView(context, today=today)
        self.tabs.addTab(self.files, "困难职工档案")
        self.aid_host = QWidget()
        QVBoxLayout(self.aid_host).setContentsMargins(0, 0, 0, 0)
        self.aid: QWidget | None = None
        self.tabs.addTab(self.aid_host, "帮扶记录")
        self.tabs.currentChanged.connect(self._tab_changed)
        outer.addWidget(self.tabs, 1)
        self.value_lists_dialog = None

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.aid_host:
            self.aid_page()

    def aid_page(self) -> QWidget:
        """The 帮扶记录 page, built on first use; a description until the aid pages exist."""
        if self.aid is None:
            try:
                from gonghui_desk.ui.aid_view import AidView
                self.aid = AidView(self.context)
            except (ImportError, AttributeError):
                self.aid = PlaceholderView("帮扶记录", AID_SUMMARY, AID_FEATURES)
            self.aid_host.layout().addWidget(self.aid)
        return self.aid

    def open_value_lists(self):
        from gonghui_desk.ui.value_lists_dialog import open_value_lists_dialog

        self.value_lists_dialog = open_value_lists_dialog(self, self.context)
        return self.value_lists_dialog


__all__ = ["ExportRegisterDialog", "FilesView", "HardshipView", "default_register_name"]
