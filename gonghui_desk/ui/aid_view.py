"""The 帮扶记录 page (the second tab of the hardship page): the aid ledger (帮扶台账).

It lists the payments matching the filters (period on the payment date, type, fund source, stage,
sub-unit with its children, the head's or the student's name) in a lazy, SQL-backed table
(:class:`gonghui_desk.ui.aid_model.AidTableModel`), sums up what is shown (人次, 户, 人, money by
type), and exports or prints exactly that. Double-clicking a row opens the payment; 审核, 发放 and
标记公示 act on the current row (:class:`~gonghui_desk.ui.aid_dialog.StageDialog`), 标记已签收 on the
selected rows.

A period covers paid payments only (it is on the payment date); choosing the stage 申请 or 审核
shows those applications whatever the period. The filter row works as the care ledger's does:
its date handling comes from :class:`~gonghui_desk.ui.care_view.LedgerPageMixin`, shared with the 慰问台账.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QVBoxLayout, QWidget

from gonghui_desk import value_lists
from gonghui_desk.errors import UserError
from gonghui_desk.hardship.aid import STAGES, AidStore
from gonghui_desk.hardship.aid_ledger import AidFilter, AidTotals, aid_totals
from gonghui_desk.money import yuan_text
from gonghui_desk.ui.aid_dialog import AidDialog, StageDialog, notify_aid_changed
from gonghui_desk.ui.aid_model import AidTableModel
from gonghui_desk.ui.care_view import TOTALS_THREAD_ROWS, LedgerPageMixin
from gonghui_desk.ui.workers import run_job, with_worker_db
from gonghui_desk.ui.exports import ExportOptionsDialog, print_button, print_list
from gonghui_desk.ui.member_card import SubUnitComboBox
from gonghui_desk.ui.tables import empty_label, list_stack, list_table, search_box, show_sorted, totals_label
from gonghui_desk.union import descendant_ids, sub_units

ALL = "全部"
UNPAID_STAGES = ("申请", "审核")
COLUMN_WIDTHS = {"member": 64, "sub_unit": 96, "aid_type": 80, "student": 64, "cash": 64, "goods": 96,
                 "fund_source": 86, "stage": 44, "paid_on": 80, "publicized": 80, "signed": 36, "rule": 30}


def default_aid_ledger_name(today: dt.date | None = None) -> str:
    return f"帮扶台账-{(today or dt.date.today()):%Y%m%d}.xlsx"


def aid_totals_text(totals: AidTotals) -> str:
    """"发放 12 人次，涉及 9 户 10 人，金额 36,000 元（其中生活救助 20,000 元、金秋助学 16,000 元）"."""
    if not totals.payments:
        return f"待审核或待发放 {totals.pending} 条（尚未发放，不计入人次和金额）" if totals.pending else "没有已发放的帮扶"
    text = (f"发放 {totals.payments} 人次，涉及 {totals.households} 户 {totals.persons} 人，"
            f"金额 {yuan_text(totals.total_fen) or '0'} 元")
    if totals.by_type:
        text += "（其中" + "、".join(f"{aid_type} {yuan_text(money) or '0'} 元"
                                    for aid_type, (_, _, money) in totals.by_type.items()) + "）"
    if totals.pending:
        text += f"；另有 {totals.pending} 条未发放，未计入"
    return text


class ExportAidDialog(ExportOptionsDialog):
    def __init__(self, count: int, scope: str, prepared_by: str = "", parent=None):
        super().__init__("导出帮扶台账", f"将导出当前台账中的 <b>{count}</b> 条记录（{scope}），保存为 Excel 文件，"
                                       "末尾附合计（户、人、人次，按类型和资金来源的金额）。",
                         "学生姓名只保留姓氏、不导出备注（用于公示或发给外单位）", masked_default=False,
                         mask_hint="身份证号一律只显示前6位和后4位。", prepared_by=prepared_by, parent=parent,
                         width=500)


class AidView(LedgerPageMixin, QWidget):
    """帮扶台账: filters, the lazy table, the totals of what is shown, and the actions."""

    EXPORT_TITLE = "导出帮扶台账"
    EXPORT_DONE = "已导出 {} 条帮扶记录"

    def export_dialog_for(self, count: int, scope: str, prepared_by: str) -> ExportOptionsDialog:
        return ExportAidDialog(count, scope, prepared_by, self)

    def export_name(self) -> str:
        return default_aid_ledger_name(self.today)

    @staticmethod
    def export_file(db, path, aid_filter, **options) -> int:
        from gonghui_desk.exporting.aid_ledger import export_aid_ledger

        return export_aid_ledger(db, path, aid_filter, **options)

    changed = Signal()  # a payment was saved, moved on, signed or voided from this page


    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self._prepared_by = ""
        self.aid_dialog = None
        self.stage_dialog = None
        self.export_dialog = None
        self.export_job = None
        self.print_job = None
        self.print_preview_dialog = None
        self.import_wizard = None
        self._applying = False
        self.totals: AidTotals | None = None
        self._build()
        self._reload_choices()
        self._set_period("本年")
        self._loaded = False
        self.model = AidTableModel(context.db, self, aid_filter=self.current_filter(), query=False)
        self._attach_model()
        context.members_changed.connect(self.refresh)
        context.profile_changed.connect(self._profile_changed)
        signal = getattr(context, "hardship_changed", None)
        if signal is not None:
            signal.connect(self.refresh)

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 8, 6, 4)
        outer.setSpacing(8)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self._period_filter(filters, "发放期间", "按发放日期筛选（只含已发放的）；阶段选“申请”或“审核”时不受期间限制")
        self.type_combo = self._filter_combo()
        self._caption(filters, "类型", self.type_combo)
        self.source_combo = self._filter_combo()
        self._caption(filters, "来源", self.source_combo)
        self.stage_combo = self._filter_combo()
        self.stage_combo.addItem(ALL, None)
        for stage in STAGES:
            self.stage_combo.addItem(stage if stage != "发放" else "已发放", stage)
        self._caption(filters, "阶段", self.stage_combo)
        self.sub_unit_combo = SubUnitComboBox()
        self.sub_unit_combo.setToolTip("按户主所在部门筛选；选中一个部门时也包括它下面的各级部门")
        self.sub_unit_combo.currentIndexChanged.connect(self.apply_filters)
        self._caption(filters, "部门", self.sub_unit_combo)
        filters.addStretch(1)
        outer.addLayout(filters)

        actions = QHBoxLayout()
        actions.setSpacing(6)
        self.search_edit, self.search_timer = search_box(self, "搜索户主或学生：姓名、拼音或首字母", self.apply_filters)
        actions.addWidget(self.search_edit)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        actions.addWidget(self.clear_button)
        actions.addStretch(1)
        self.new_button = QPushButton("新增帮扶")
        self.new_button.setToolTip("登记一笔帮扶申请，审核、发放后计入台账")
        self.new_button.clicked.connect(self.new_payment)
        self.approve_button = QPushButton("审核")
        self.approve_button.setToolTip("审核当前选中的申请")
        self.approve_button.clicked.connect(lambda: self.stage_current("审核"))
        self.pay_button = QPushButton("发放")
        self.pay_button.setToolTip("登记当前选中的已审核记录已发放")
        self.pay_button.clicked.connect(lambda: self.stage_current("发放"))
        self.publicize_button = QPushButton("标记公示")
        self.publicize_button.setToolTip("登记当前选中记录的公示日期")
        self.publicize_button.clicked.connect(lambda: self.stage_current("公示"))
        self.sign_button = QPushButton("标记已签收")
        self.sign_button.setToolTip("把选中的已发放记录标记为受助人已签收（可按住 Ctrl 或 Shift 多选）")
        self.sign_button.clicked.connect(self.sign_selected)
        self.import_button = QPushButton("导入…")
        self.import_button.setToolTip("从 Excel 导入以前记的帮扶台账（按已发放登记）：先逐行检查，确认后才写入")
        self.import_button.clicked.connect(self.start_import)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setToolTip("按当前筛选导出台账，末尾附合计")
        self.export_button.clicked.connect(self.start_export)
        print_button(self, "按当前筛选和顺序打印台账（A4 横向，先显示打印预览）")
        for button in (self.new_button, self.approve_button, self.pay_button, self.publicize_button,
                       self.sign_button, self.import_button, self.export_button, self.print_button):
            actions.addWidget(button)
        outer.addLayout(actions)

        self.table = list_table(self, self._open_row, multi=True, context_menu=self._context_menu)
        self.empty_label = empty_label()
        self.stack = list_stack(self.table, self.empty_label)
        outer.addWidget(self.stack, 1)

        self.totals_label = totals_label()
        outer.addWidget(self.totals_label)

    def _attach_model(self) -> None:
        header = show_sorted(self.table, self.model, COLUMN_WIDTHS, order=Qt.DescendingOrder, stretch="goods",
                             minimum_width=28)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.model.count_changed.connect(self._count_changed)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)

    def _reload_choices(self) -> None:
        for combo, key in ((self.type_combo, "aid.type"), (self.source_combo, "aid.fund_source")):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL, None)
            for value in value_lists.values(self.context.db, key):
                combo.addItem(value, value)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
            combo.blockSignals(False)
        self.sub_unit_combo.blockSignals(True)
        self.sub_unit_combo.set_units(sub_units(self.context.db), "全部部门", select=self.sub_unit_combo.currentData())
        self.sub_unit_combo.blockSignals(False)

    # --- filters -----------------------------------------------------------------------------
    def current_filter(self) -> AidFilter:
        start, end = self._dates()
        stage = self.stage_combo.currentData()
        if stage in UNPAID_STAGES:  # not paid: they have no payment date
            start = end = None
        aid_type, source = self.type_combo.currentData(), self.source_combo.currentData()
        unit_id = self.sub_unit_combo.currentData()
        return AidFilter(
            date_from=start.isoformat() if start else None,
            date_to=end.isoformat() if end else None,
            aid_types=(aid_type,) if aid_type is not None else None,
            fund_sources=(source,) if source is not None else None,
            sub_unit_ids=tuple(descendant_ids(self.context.db, unit_id)) if unit_id is not None else None,
            search=self.search_edit.text().strip(),
            stage=stage,
        )

    def _check_filters(self) -> bool:
        if not super()._check_filters():
            return False
        unpaid = self.stage_combo.currentData() in UNPAID_STAGES  # the period is about payments made
        for widget in (self.period_combo, self.from_edit, self.to_edit):
            widget.setEnabled(not unpaid)
        return True

    def _reset_filters(self) -> None:
        for combo in (self.type_combo, self.source_combo, self.stage_combo, self.sub_unit_combo):
            combo.setCurrentIndex(0)
        self._set_period("本年")

    # --- refreshing --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the rows (after a payment was saved, moved on, signed or voided), keeping the selection."""
        self._reload_choices()
        if not self._loaded:
            return
        selected, current = self.selected_payment_ids(), self.current_payment_id()
        if self._mark_dates():
            self.model.set_filter(self.current_filter())
        self._reselect(selected, current)
        self._update_buttons()

    def _changed(self) -> None:
        if getattr(self.context, "hardship_changed", None) is None:  # else the signal has refreshed the page
            self.refresh()
        self.changed.emit()

    def _profile_changed(self) -> None:
        self._reload_choices()
        self.apply_filters()

    def _count_changed(self, count: int) -> None:
        self._totals_generation = getattr(self, "_totals_generation", 0) + 1
        if count <= TOTALS_THREAD_ROWS:
            self._show_totals(aid_totals(self.context.db, self.model.aid_filter))
        else:  # a year of a big union: the table is there at once, the sums follow (as the care ledger's)
            self.totals_label.setText(f"共 {count} 条记录，正在合计…")
            self.totals_label.setToolTip("")
            generation = self._totals_generation

            def totals(db, progress, is_cancelled, aid_filter=self.model.aid_filter):
                return generation, aid_totals(db, aid_filter)

            self.totals_job = run_job(None, "合计", with_worker_db(self.context, totals),
                                      on_done=self._totals_computed, show_dialog=False)
        for button in (self.sign_button, self.export_button, self.print_button):
            button.setEnabled(count > 0)
        self._update_buttons()
        if count:
            self.stack.setCurrentWidget(self.table)
            return
        if self.is_default_filter():
            self.empty_label.setText("本年还没有发放帮扶。\n点击“新增帮扶”登记一笔申请；查看往年的记录，"
                                     "请在“发放期间”中选择“上年”或“全部日期”，待审核的申请请在“阶段”中选择。")
        else:
            self.empty_label.setText("没有符合条件的帮扶记录。\n请换个期间、类型或部门，或点“清除筛选”。")
        self.stack.setCurrentWidget(self.empty_label)

    def _show_totals(self, totals: AidTotals) -> None:
        self.totals = totals
        self.totals_label.setText(aid_totals_text(totals))
        self.totals_label.setToolTip("按资金来源：" + "；".join(
            f"{source or '未填'} {yuan_text(money) or '0'} 元" for source, money in totals.by_source.items()))

    def _totals_computed(self, result) -> None:
        generation, totals = result
        if generation == self._totals_generation:  # not overtaken by a newer filter
            self._show_totals(totals)

    def wait_for_totals(self, msecs: int = 30000) -> bool:
        job = getattr(self, "totals_job", None)
        return job.wait(msecs) if job is not None else True

    def _update_buttons(self, *args) -> None:
        row = self.current_row()
        stage = row["stage"] if row else None
        self.approve_button.setEnabled(stage == "申请")
        self.pay_button.setEnabled(stage == "审核")
        self.publicize_button.setEnabled(row is not None)

    def selected_payment_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return self.model.row_ids(rows)

    def current_payment_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.payment_id(index.row()) if index.isValid() else None

    def current_row(self) -> dict | None:
        index = self.table.currentIndex()
        return self.model.row_data(index.row()) if index.isValid() else None

    def select_payment(self, payment_id: int) -> bool:
        """Make ``payment_id`` the current, selected row (tests and keyboard users)."""
        row = self.model.row_of(payment_id)
        if row is None:
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.select_rows([row])
        return True

    # --- actions -----------------------------------------------------------------------------
    def _open_row(self, row: int) -> None:
        payment_id = self.model.payment_id(row)
        if payment_id is not None:
            self.open_payment(payment_id)

    def open_payment(self, payment_id: int | None = None, **prefill) -> AidDialog:
        dialog = AidDialog(self.context, payment_id, self, today=self._today, **prefill)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.changed.connect(self._changed)
        self.aid_dialog = dialog
        dialog.open()
        return dialog

    def new_payment(self, file_id: int | None = None) -> AidDialog:
        return self.open_payment(None, file_id=file_id if isinstance(file_id, int) else None)

    def stage_current(self, action: str) -> StageDialog | None:
        """审核, 发放 or 公示 the current row's payment in a small dialog."""
        payment_id = self.current_payment_id()
        if payment_id is None:
            self.context.status_message.emit("请先在台账中选中一条帮扶记录")
            return None
        dialog = StageDialog(self.context, payment_id, action, self, today=self._today)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._changed)
        self.stage_dialog = dialog
        dialog.open()
        return dialog

    def sign_selected(self, signed: bool = True) -> int:
        ids = self.selected_payment_ids()
        if not ids:
            self.context.status_message.emit("请先在台账中选中要标记的记录（可按住 Ctrl 或 Shift 多选）")
            return 0
        try:
            AidStore(self.context.db).set_signed(ids, signed)
        except UserError as exc:
            self.context.status_message.emit(str(exc))
            return 0
        notify_aid_changed(self.context)
        self._changed()
        self.context.status_message.emit(f"已将 {len(ids)} 条记录标记为{'已签收' if signed else '未签收'}")
        return len(ids)

    def _context_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        menu = QMenu(self)
        menu.setAttribute(Qt.WA_DeleteOnClose)
        if index.isValid():
            if not self.table.selectionModel().isRowSelected(index.row(), index.parent()):
                self.table.selectRow(index.row())
            self.table.setCurrentIndex(index)
            menu.addAction("打开帮扶记录", lambda: self._open_row(index.row()))
            menu.addSeparator()
            for action, button in (("审核", self.approve_button), ("发放", self.pay_button),
                                   ("公示", self.publicize_button)):
                menu.addAction(f"{action}…", lambda action=action: self.stage_current(action)).setEnabled(
                    button.isEnabled())
            menu.addAction("标记已签收", self.sign_selected)
            menu.addAction("改为未签收", lambda: self.sign_selected(False))
            menu.addSeparator()
        menu.addAction("新增帮扶", self.new_payment)
        menu.addAction("导出当前台账…", self.start_export)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # --- import, export and print -----------------------------------------------------------
    def start_import(self):
        """导入…: the aid ledger import wizard (loaded on first use, with openpyxl behind it)."""
        from gonghui_desk.ui.aid_import_wizard import AidImportWizard

        wizard = AidImportWizard(self.context, parent=self, today=self._today)
        wizard.setAttribute(Qt.WA_DeleteOnClose)
        self.import_wizard = wizard
        wizard.open()
        return wizard

    def scope_text(self, f: AidFilter | None = None) -> str:
        f = f or self.model.aid_filter
        parts = []
        if f.date_from or f.date_to:
            parts.append(f"发放日期 {f.date_from or '不限'} 至 {f.date_to or '不限'}")
        for combo in (self.type_combo, self.source_combo, self.stage_combo):
            if combo.currentData() is not None:
                parts.append(combo.currentText())
        if f.sub_unit_ids is not None:
            parts.append(self.sub_unit_combo.current_path())
        if f.search:
            parts.append(f"搜索“{f.search}”")
        return "，".join(parts) or "全部记录"

    def start_print(self):
        """Build the A4 table on a worker, then show the preview."""
        from gonghui_desk.printing import aid_print_table

        aid_filter, prepared_by, today = self.model.aid_filter, self._prepared_by, self.today
        order, descending = self.model.sort_key

        def table(db, progress, is_cancelled):
            return aid_print_table(db, aid_filter, prepared_by=prepared_by, today=today, order=order,
                                   descending=descending)

        return print_list(self, table)


__all__ = ["AidView", "ExportAidDialog", "aid_totals_text", "default_aid_ledger_name"]
