"""The 慰问走访 page: the care ledger (慰问台账) and the campaigns (批量慰问).

The ledger lists the visits matching the filters (period, occasion, sub-unit with its
children, fund source, name or pinyin, only the events not yet visited) in a lazy, SQL-backed
table (:class:`gonghui_desk.ui.ledger_model.LedgerTableModel`), sums up what is shown
(人次, distinct persons, money), and exports or prints exactly that. Double-clicking a row opens
the visit; 标记已签收 ticks the selected rows.

The second tab hosts ``gonghui_desk.ui.campaign_view.CampaignView`` when that module exists.
"""

from __future__ import annotations

from functools import partial

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMenu, QPushButton, QTabWidget,
                               QVBoxLayout, QWidget)

from gonghui_desk.care import FUND_SOURCES
from gonghui_desk.care.ledger import LedgerFilter, ledger_totals
from gonghui_desk.care.occasions import list_occasions
from gonghui_desk.care.visits import VisitStore
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.money import yuan_text
from gonghui_desk.ui.exports import ExportOptionsDialog, ask_export, print_button, print_list, run_export
from gonghui_desk.ui.ledger_model import LedgerTableModel
from gonghui_desk.ui.member_card import SubUnitComboBox
from gonghui_desk.ui.tables import (ListPageMixin, empty_label, empty_page, list_stack, list_table,
                                    restore_sort_indicator, search_box, show_sorted, totals_label)
from gonghui_desk.ui.workers import run_job, with_worker_db
from gonghui_desk.union import descendant_ids, sub_units

ERROR_COLOUR = "#c0392b"
TOTALS_THREAD_ROWS = 2000  # above this many rows the totals are summed on a worker thread
ALL = "全部"
DATES_WRONG = "日期有误，请改正后再筛选（如 2024-05-03 或 2024.5.3）"
MUST_VISIT = "must_visit"
PERIODS = ("本年", "上年", "本学期", "上半年", "下半年", "全部日期", "自定义")
COLUMN_WIDTHS = {"member": 64, "sub_unit": 96, "occasion": 96, "recipient": 76, "event_date": 80,
                 "visit_date": 80, "visitors": 110, "cash": 60, "goods": 88, "payment_form": 58,
                 "fund_source": 86, "signed": 36, "rule": 36}


def period_range(choice: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a quick period choice (both None for 全部日期).

    Semesters: autumn Sep 1 – Jan 31, spring Feb 1 – Aug 31 (the summer holiday goes with the
    spring semester, so no day falls outside both).
    """
    year = today.year
    if choice == "本年":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if choice == "上年":
        return dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)
    if choice == "上半年":
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    if choice == "下半年":
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    if choice == "本学期":
        if today.month >= 9:
            return dt.date(year, 9, 1), dt.date(year + 1, 1, 31)
        if today.month == 1:
            return dt.date(year - 1, 9, 1), dt.date(year, 1, 31)
        return dt.date(year, 2, 1), dt.date(year, 8, 31)
    return None, None


def default_ledger_name(today: dt.date | None = None) -> str:
    return f"慰问台账-{(today or dt.date.today()):%Y%m%d}.xlsx"


def totals_text(totals) -> str:
    """"共 12 人次，10 人，慰问金 6,000 元，慰问品折合 300 元"."""
    if not totals.visits and totals.pending:
        return f"待走访 {totals.pending} 项（尚未走访，不计入人次和金额）"
    text = (f"共 {totals.visits} 人次，{totals.persons} 人，慰问金 {yuan_text(totals.cash_fen) or '0'} 元，"
            f"慰问品折合 {yuan_text(totals.goods_fen) or '0'} 元")
    if totals.visits and totals.members != totals.persons:
        text += f"（涉及会员 {totals.members} 人）"
    if totals.pending:
        text += f"；另有 {totals.pending} 项待走访，未计入"
    return text


class ExportLedgerDialog(ExportOptionsDialog):
    """Options of a ledger export: how many rows, whether to hide personal details, 制表人."""

    def __init__(self, count: int, scope: str, prepared_by: str = "", parent=None):
        super().__init__("导出慰问台账", f"将导出当前台账中的 <b>{count}</b> 条记录（{scope}），保存为 Excel 文件，末尾附合计。",
                         "亲属姓名只保留姓氏、不导出备注（用于公示或发给外单位）", masked_default=False,
                         prepared_by=prepared_by, parent=parent, width=480)


class LedgerPageMixin(ListPageMixin):
    """What the ledger pages (慰问台账, 帮扶台账, 活动竞赛) share besides what every list page does
    (:class:`~gonghui_desk.ui.tables.ListPageMixin`): the period and date filter, which must be right to
    filter, the sort indicator, selecting rows, the export and the print preview. The page provides what
    a list page provides, ``table`` and ``totals_label``; its ``_reset_filters()`` sets the period back to 本年.
    """

    # --- export: the page gives EXPORT_TITLE, EXPORT_DONE, export_dialog_for(), export_name() and export_file()
    def start_export(self):
        count = self.model.rowCount()
        if count == 0:
            return None
        return ask_export(self, self.export_dialog_for(count, self.scope_text(), self._prepared_by), self.EXPORT_TITLE,
                          self.export_name(), partial(self.export_to, chosen_filter=self.model.ledger_filter))

    def export_to(self, path: Path, chosen_filter=None, *, masked: bool = False, prepared_by: str = ""):
        chosen_filter = chosen_filter or self.model.ledger_filter
        export_file = self.export_file

        def export(db, progress, is_cancelled):
            return export_file(db, path, chosen_filter, mask_personal=masked, prepared_by=prepared_by,
                               progress=progress, is_cancelled=is_cancelled)

        self.export_job = run_export(self, self.context, f"正在{self.EXPORT_TITLE}…", path, export,
                                     self.EXPORT_DONE.format)
        return self.export_job

    def _period_filter(self, layout: QHBoxLayout, caption: str, tip: str,
                       from_tip: str = "起始日期，如 2024-01-01 或 2024.1.1", to_tip: str = "截止日期，如 2024-12-31") -> None:
        """The period filter: ``period_combo`` (本年, 上年…, 自定义), then ``from_edit`` 至 ``to_edit``."""
        self.period_combo = QComboBox()
        self.period_combo.addItems(PERIODS)
        self.period_combo.setToolTip(tip)
        self.period_combo.currentTextChanged.connect(self._period_chosen)
        self._caption(layout, caption, self.period_combo)
        self.from_edit = self._date_edit(from_tip)
        self.to_edit = self._date_edit(to_tip)
        layout.addWidget(self.from_edit)
        layout.addWidget(QLabel("至"))
        layout.addWidget(self.to_edit)
        layout.addSpacing(8)

    def _date_edit(self, tip: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText("不限")
        edit.setToolTip(tip)
        edit.setFixedWidth(self.fontMetrics().horizontalAdvance("2024-12-31") + 24)
        edit.editingFinished.connect(self._dates_edited)
        return edit

    def _set_period(self, choice: str) -> None:
        self.period_combo.blockSignals(True)
        self.period_combo.setCurrentText(choice)
        self.period_combo.blockSignals(False)
        if choice != "自定义":
            start, end = period_range(choice, self.today)
            self.from_edit.setText(start.isoformat() if start else "")
            self.to_edit.setText(end.isoformat() if end else "")
            self._mark_dates()

    def _period_chosen(self, choice: str) -> None:
        self._set_period(choice)
        self.apply_filters()

    def _dates_edited(self) -> None:
        for edit in (self.from_edit, self.to_edit):
            try:
                day = parse_date(edit.text())
            except DateParseError:
                continue
            if day is not None and edit.text().strip() != day.isoformat():
                edit.setText(day.isoformat())  # show what was understood
        start, end = self._dates()
        chosen = period_range(self.period_combo.currentText(), self.today)
        if self.period_combo.currentText() != "自定义" and (start, end) != chosen:
            self.period_combo.blockSignals(True)
            self.period_combo.setCurrentText("自定义")
            self.period_combo.blockSignals(False)
        self.apply_filters()

    def _dates(self) -> tuple[dt.date | None, dt.date | None]:
        days = []
        for edit in (self.from_edit, self.to_edit):
            try:
                days.append(parse_date(edit.text()))
            except DateParseError:
                days.append(None)
        return days[0], days[1]

    def _mark_dates(self) -> bool:
        ok = True
        for edit in (self.from_edit, self.to_edit):
            try:
                parse_date(edit.text())
                edit.setStyleSheet("")
            except DateParseError as exc:
                edit.setStyleSheet(f"QLineEdit {{ border: 1px solid {ERROR_COLOUR}; border-radius: 2px; }}")
                edit.setToolTip(str(exc))
                ok = False
        return ok

    def _check_filters(self) -> bool:
        if self._mark_dates():
            return True
        self.totals_label.setText(DATES_WRONG)
        return False

    def is_default_filter(self) -> bool:
        """The filters as the page opens: this year, nothing else."""
        start, end = period_range("本年", self.today)
        current = self.current_filter()
        return current == type(current)(date_from=start.isoformat(), date_to=end.isoformat())

    def _sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        if not self.model.sortable(column):  # the header shows the order actually used
            restore_sort_indicator(self.table, self.model)

    def select_rows(self, rows: list[int]) -> None:
        """Select these rows (tests and keyboard users)."""
        self.table.clearSelection()
        selection = self.table.selectionModel()
        for row in rows:
            selection.select(self.model.index(row, 0),
                             selection.SelectionFlag.Select | selection.SelectionFlag.Rows)

    def _reselect(self, visit_ids: list[int], current: int | None) -> None:
        rows = self.model.rows_of(visit_ids) if len(visit_ids) < 500 else []
        if rows:
            self.select_rows(rows)
        if current is not None:
            row = self.model.row_of(current)
            if row is not None:
                self.table.selectionModel().setCurrentIndex(self.model.index(row, 0),
                                                            self.table.selectionModel().SelectionFlag.NoUpdate)




class LedgerView(LedgerPageMixin, QWidget):
    """慰问台账: filters, the lazy table, the totals of what is shown, and the actions."""

    EXPORT_TITLE = "导出慰问台账"
    EXPORT_DONE = "已导出 {} 条慰问记录"

    def export_dialog_for(self, count: int, scope: str, prepared_by: str) -> ExportOptionsDialog:
        return ExportLedgerDialog(count, scope, prepared_by, self)

    def export_name(self) -> str:
        return default_ledger_name(self.today)

    @staticmethod
    def export_file(db, path, ledger_filter, **options) -> int:
        from gonghui_desk.exporting.visit_ledger import export_visit_ledger

        return export_visit_ledger(db, path, ledger_filter, **options)

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self._prepared_by = ""
        self.visit_dialog = None
        self.export_dialog = None
        self.export_job = None
        self.print_job = None
        self.print_preview_dialog = None
        self._applying = False
        self._totals_generation = 0
        self.totals = None
        self.totals_job = None
        self._build()
        self._reload_choices()
        self._set_period("本年")
        # the rows are read when the page is first shown: opening the main window does not pay for them
        self._loaded = False
        self.model = LedgerTableModel(context.db, self, ledger_filter=self.current_filter(), query=False)
        self._attach_model()
        context.visits_changed.connect(self.refresh)
        context.members_changed.connect(self.refresh)
        context.profile_changed.connect(self._profile_changed)

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 8, 6, 4)
        outer.setSpacing(8)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self._period_filter(filters, "期间", "本学期：秋季学期9月至次年1月，春季学期2月至8月")
        self.occasion_combo = self._filter_combo()
        self._caption(filters, "类别", self.occasion_combo)
        self.sub_unit_combo = SubUnitComboBox()
        self.sub_unit_combo.setToolTip("按会员所在部门筛选；选中一个部门时也包括它下面的各级部门和工会小组")
        self.sub_unit_combo.currentIndexChanged.connect(self.apply_filters)
        self._caption(filters, "部门", self.sub_unit_combo)
        self.fund_combo = QComboBox()
        self.fund_combo.addItem(ALL, None)
        for source in FUND_SOURCES:
            self.fund_combo.addItem(source, source)
        self.fund_combo.currentIndexChanged.connect(self.apply_filters)
        self._caption(filters, "经费", self.fund_combo)
        filters.addStretch(1)
        outer.addLayout(filters)

        actions = QHBoxLayout()
        actions.setSpacing(6)
        self.search_edit, self.search_timer = search_box(self, "搜索会员：姓名、拼音或首字母", self.apply_filters)
        actions.addWidget(self.search_edit)
        self.pending_check = QCheckBox("只看待走访")
        self.pending_check.setToolTip("只列出已登记事由、还没有走访的记录")
        self.pending_check.toggled.connect(self.apply_filters)
        actions.addWidget(self.pending_check)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        actions.addWidget(self.clear_button)
        actions.addStretch(1)
        self.new_button = QPushButton("新增慰问")
        self.new_button.setToolTip("登记一次慰问（也可以先登记事由，走访后再补走访日期）")
        self.new_button.clicked.connect(self.new_visit)
        self.sign_button = QPushButton("标记已签收")
        self.sign_button.setToolTip("把选中的记录标记为受慰问人已签收（可按住 Ctrl 或 Shift 多选）")
        self.sign_button.clicked.connect(self.sign_selected)
        self.import_button = QPushButton("导入台账…")
        self.import_button.setToolTip("从 Excel 导入以前记的慰问台账：先逐行检查，确认后才写入")
        self.import_button.clicked.connect(self.start_import)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setToolTip("按当前筛选导出台账，末尾附合计")
        self.export_button.clicked.connect(self.start_export)
        print_button(self, "按当前筛选和顺序打印台账（A4 横向，先显示打印预览）")
        for button in (self.new_button, self.sign_button, self.import_button, self.export_button, self.print_button):
            actions.addWidget(button)
        outer.addLayout(actions)

        self.table = list_table(self, self._open_row, multi=True, context_menu=self._context_menu)

        self.empty_label = empty_label()
        self.empty_new_button = QPushButton("新增慰问")
        self.empty_new_button.clicked.connect(self.new_visit)
        self.empty_clear_button = QPushButton("清除筛选")
        self.empty_clear_button.clicked.connect(self.clear_filters)
        self.empty_page = empty_page(self.empty_label, [self.empty_new_button, self.empty_clear_button])
        self.stack = list_stack(self.table, self.empty_page)
        outer.addWidget(self.stack, 1)

        self.totals_label = totals_label(wrap=False)
        outer.addWidget(self.totals_label)

    def _attach_model(self) -> None:
        header = show_sorted(self.table, self.model, COLUMN_WIDTHS, order=Qt.DescendingOrder, stretch="visitors",
                             minimum_width=36)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.model.count_changed.connect(self._count_changed)

    def _reload_choices(self) -> None:
        current = self.occasion_combo.currentData()
        self.occasion_combo.blockSignals(True)
        self.occasion_combo.clear()
        self.occasion_combo.addItem("全部类别", None)
        self.occasion_combo.addItem("全部必访类别", MUST_VISIT)
        self._must_visit_ids: tuple[int, ...] = ()
        active = {o.id for o in list_occasions(self.context.db)}
        for occasion in list_occasions(self.context.db, include_voided=True):
            retired = occasion.id not in active
            self.occasion_combo.addItem(occasion.name + ("（已停用）" if retired else ""), occasion.id)
            if occasion.is_must_visit and not retired:
                self._must_visit_ids += (occasion.id,)
        index = self.occasion_combo.findData(current) if current is not None else 0
        self.occasion_combo.setCurrentIndex(max(index, 0))
        self.occasion_combo.blockSignals(False)
        self.sub_unit_combo.blockSignals(True)
        self.sub_unit_combo.set_units(sub_units(self.context.db), "全部部门", select=self.sub_unit_combo.currentData())
        self.sub_unit_combo.blockSignals(False)

    # --- filters -------------------------------------------------------------------------
    def current_filter(self) -> LedgerFilter:
        start, end = self._dates()
        occasion = self.occasion_combo.currentData()
        if occasion == MUST_VISIT:
            occasion_ids = self._must_visit_ids
        else:
            occasion_ids = (occasion,) if occasion is not None else None
        unit_id = self.sub_unit_combo.currentData()
        return LedgerFilter(
            date_from=start.isoformat() if start else None,
            date_to=end.isoformat() if end else None,
            occasion_ids=occasion_ids,
            sub_unit_ids=tuple(descendant_ids(self.context.db, unit_id)) if unit_id is not None else None,
            fund_source=self.fund_combo.currentData(),
            search=self.search_edit.text().strip(),
            pending=True if self.pending_check.isChecked() else None,
        )

    def _reset_filters(self) -> None:
        for combo in (self.occasion_combo, self.sub_unit_combo, self.fund_combo):
            combo.setCurrentIndex(0)
        self.pending_check.setChecked(False)
        self._set_period("本年")

    # --- refreshing ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the rows (after a visit was saved, signed or voided), keeping the selection."""
        self._reload_choices()  # the occasions may have been edited too
        if not self._loaded:
            return
        selected = self.selected_visit_ids()
        current = self.current_visit_id()
        if self._mark_dates():
            self.model.set_filter(self.current_filter())
        self._reselect(selected, current)

    def _profile_changed(self) -> None:
        self._reload_choices()
        self.apply_filters()

    def _count_changed(self, count: int) -> None:
        self._totals_generation += 1
        if count <= TOTALS_THREAD_ROWS:
            self._show_totals(ledger_totals(self.context.db, self.model.ledger_filter))
        else:  # a year of a big union: the table is there at once, the sums follow
            self.totals_label.setText(f"共 {count} 条记录，正在合计…")
            self._start_totals_job(self.model.ledger_filter, self._totals_generation)
        self.sign_button.setEnabled(count > 0)
        self.export_button.setEnabled(count > 0)
        self.print_button.setEnabled(count > 0)
        if count:
            self.stack.setCurrentWidget(self.table)
            return
        if self.is_default_filter():
            self.empty_label.setText("本年还没有慰问记录。\n点击“新增慰问”登记一次走访慰问；春节送温暖等批量发放"
                                     "请用“批量慰问”。查看往年的记录，请在“期间”中选择“上年”或“全部日期”。")
            self.empty_clear_button.hide()
        else:
            self.empty_label.setText("没有符合条件的慰问记录。\n请换个期间、类别或部门，或清除筛选条件。")
            self.empty_clear_button.show()
        self.stack.setCurrentWidget(self.empty_page)

    def _show_totals(self, totals) -> None:
        self.totals = totals
        self.totals_label.setText(totals_text(totals))

    def _start_totals_job(self, ledger_filter: LedgerFilter, generation: int) -> None:
        def totals(db, progress, is_cancelled):
            return generation, ledger_totals(db, ledger_filter)

        job = with_worker_db(self.context, totals)
        # no parent: the job may outlive this page (another database opened meanwhile); the
        # connection to the bound method goes with the page
        self.totals_job = run_job(None, "合计", job, on_done=self._totals_computed, show_dialog=False)

    def _totals_computed(self, result) -> None:
        generation, totals = result
        if generation == self._totals_generation:  # not overtaken by a newer filter
            self._show_totals(totals)

    def wait_for_totals(self, msecs: int = 30000) -> bool:
        job = getattr(self, "totals_job", None)
        return job.wait(msecs) if job is not None else True

    def selected_visit_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return self.model.row_ids(rows)

    def current_visit_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.visit_id(index.row()) if index.isValid() else None

    # --- actions -------------------------------------------------------------------------
    def _open_row(self, row: int) -> None:
        visit_id = self.model.visit_id(row)
        if visit_id is not None:
            self.open_visit(visit_id)

    def open_visit(self, visit_id: int | None = None, **prefill):
        from gonghui_desk.ui.visit_dialog import VisitDialog

        dialog = VisitDialog(self.context, visit_id, self, today=self._today, **prefill)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.visit_dialog = dialog
        dialog.open()
        return dialog

    def new_visit(self):
        return self.open_visit(None)

    def sign_selected(self, signed: bool = True) -> int:
        ids = self.selected_visit_ids()
        if not ids:
            self.context.status_message.emit("请先在台账中选中要标记的记录（可按住 Ctrl 或 Shift 多选）")
            return 0
        VisitStore(self.context.db).set_signed(ids, signed)
        self.context.visits_changed.emit()
        self.context.status_message.emit(f"已将 {len(ids)} 条记录标记为{'已签收' if signed else '未签收'}")
        return len(ids)

    def unsign_selected(self) -> int:
        return self.sign_selected(False)

    def _context_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        menu = QMenu(self)
        menu.setAttribute(Qt.WA_DeleteOnClose)
        if index.isValid():
            if not self.table.selectionModel().isRowSelected(index.row(), index.parent()):
                self.table.selectRow(index.row())
            self.table.setCurrentIndex(index)
            menu.addAction("打开慰问记录", self.open_current)
            menu.addAction("打开会员卡片", self.open_current_member)
            menu.addSeparator()
            menu.addAction("标记已签收", self.sign_selected)
            menu.addAction("改为未签收", self.unsign_selected)
            menu.addSeparator()
        menu.addAction("新增慰问", self.new_visit)
        menu.addAction("导出当前台账…", self.start_export)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def open_current(self) -> None:
        visit_id = self.current_visit_id()
        if visit_id is not None:
            self.open_visit(visit_id)

    def open_current_member(self):
        index = self.table.currentIndex()
        row = self.model.row_data(index.row()) if index.isValid() else None
        if row is None:
            return None
        from gonghui_desk.ui.member_card import MemberCardDialog

        dialog = MemberCardDialog(self.context, row["member_id"], self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- import, export and print ------------------------------------------------------------
    def start_import(self):
        """导入台账…: the ledger import wizard (loaded on first use, with openpyxl behind it)."""
        from gonghui_desk.ui.visit_import_wizard import VisitImportWizard

        wizard = VisitImportWizard(self.context, parent=self, today=self._today)
        wizard.setAttribute(Qt.WA_DeleteOnClose)
        self.import_wizard = wizard
        wizard.open()
        return wizard

    def scope_text(self, f: LedgerFilter | None = None) -> str:
        f = f or self.model.ledger_filter
        parts = []
        if f.date_from or f.date_to:
            parts.append(f"{f.date_from or '不限'} 至 {f.date_to or '不限'}")
        if self.occasion_combo.currentData() is not None:
            parts.append(self.occasion_combo.currentText())
        if f.sub_unit_ids is not None:
            parts.append(self.sub_unit_combo.current_path())
        if f.fund_source:
            parts.append(f.fund_source)
        if f.search:
            parts.append(f"搜索“{f.search}”")
        if f.pending:
            parts.append("待走访")
        return "，".join(parts) or "全部记录"

    def start_print(self):
        """Build the A4 table on a worker (a big ledger takes a while), then show the preview."""
        from gonghui_desk.printing import ledger_print_table

        ledger_filter, prepared_by, today = self.model.ledger_filter, self._prepared_by, self.today
        order, descending = self.model.sort_key

        def table(db, progress, is_cancelled):
            return ledger_print_table(db, ledger_filter, prepared_by=prepared_by, today=today, order=order,
                                      descending=descending)

        return print_list(self, table)


class CareView(QWidget):
    """The 慰问走访 page of the main window: 慰问台账 and 批量慰问 tabs."""

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel("慰问走访")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addStretch(1)
        self.settings_button = QPushButton("慰问类别与标准…")
        self.settings_button.setToolTip("必访类别、标准金额、上限和允许的发放形式")
        self.settings_button.clicked.connect(self.open_occasions)
        top.addWidget(self.settings_button)
        outer.addLayout(top)
        self.tabs = QTabWidget()
        self.ledger = LedgerView(context, today=today)
        self.tabs.addTab(self.ledger, "慰问台账")
        # the campaigns page is built when its tab is first shown: start-up does not pay for it
        self.campaign_host = QWidget()
        host = QVBoxLayout(self.campaign_host)
        host.setContentsMargins(0, 0, 0, 0)
        self.campaigns: QWidget | None = None
        self.tabs.addTab(self.campaign_host, "批量慰问")
        self.tabs.currentChanged.connect(self._tab_changed)
        outer.addWidget(self.tabs, 1)
        self.occasions_dialog = None

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.campaign_host:
            self.campaign_page()

    def campaign_page(self) -> QWidget:
        """The 批量慰问 page (built on first use)."""
        if self.campaigns is None:
            self.campaigns = self._campaign_page(self.context)
            self.campaign_host.layout().addWidget(self.campaigns)
        return self.campaigns

    @staticmethod
    def _campaign_page(context) -> QWidget:
        try:
            from gonghui_desk.ui.campaign_view import CampaignView
        except (ImportError, AttributeError):
            page = QWidget()
            page.setObjectName("campaignPlaceholder")
            layout = QVBoxLayout(page)
            label = QLabel("批量慰问（春节送温暖、夏送清凉、中秋慰问）即将推出：按条件选人、统一金额、"
                           "打印发放签收表，发放后为每人生成一条慰问记录。")
            label.setWordWrap(True)
            label.setObjectName("mutedText")
            label.setAlignment(Qt.AlignCenter)
            layout.addStretch(1)
            layout.addWidget(label)
            layout.addStretch(2)
            return page
        return CampaignView(context)

    def open_occasions(self):
        from gonghui_desk.ui.occasions_dialog import OccasionsDialog

        dialog = OccasionsDialog(self.context, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.occasions_dialog = dialog
        dialog.open()
        return dialog

    def new_visit(self):
        self.tabs.setCurrentWidget(self.ledger)
        return self.ledger.new_visit()


__all__ = ["CareView", "LedgerView", "ExportLedgerDialog", "period_range", "totals_text", "default_ledger_name"]
