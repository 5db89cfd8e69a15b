"""The member list (会员名册): search-as-you-type, filters, the table, and the roster actions.

The table is a :class:`MemberTableModel` (SQL-backed and lazy), so the page stays quick with
100,000 members. Opening a row shows the member card; import, export and the blank template
run through the core modules, long work on a worker thread.
"""

from __future__ import annotations

from functools import partial

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMenu, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from gonghui_desk.db.member_queries import AGE_BANDS, MemberFilter, count_members
from gonghui_desk.members import ON_ROLL_STATUSES, STATUSES
from gonghui_desk.ui.member_card import MemberCardDialog, SubUnitComboBox
from gonghui_desk.ui.member_model import MEMBER_COLUMNS, MemberTableModel
from gonghui_desk.ui.exports import ExportOptionsDialog, ask_export, print_button, print_list, run_export, shown_columns
from gonghui_desk.ui.tables import (MemberTableView, compact_buttons, empty_label, empty_page, list_stack, list_table,
                                    show_sorted)
from gonghui_desk.union import descendant_ids, sub_units

VOIDED = "已作废"
ON_ROLL_LABEL = "在册（含退休）"
ALL = "全部"
SEARCH_HINT = "搜索姓名、拼音首字母（如 zs 找张三）、全拼、手机号或身份证号的一部分"
COLUMN_WIDTHS = {"name": 96, "sex": 48, "age": 48, "sub_unit": 170, "id_number": 168, "phone": 112,
                 "political_status": 104, "employment_type": 84, "join_date": 96, "status": 64}


def default_roster_name(today: dt.date | None = None) -> str:
    return f"会员花名册-{(today or dt.date.today()):%Y%m%d}.xlsx"


class ExportRosterDialog(ExportOptionsDialog):
    """Options of a roster export: how many members, whether to show the full ID and phone numbers (masked
    unless ticked, never remembered), 制表人."""

    def __init__(self, count: int, scope: str, prepared_by: str = "", parent=None):
        super().__init__("导出会员花名册", f"将导出当前列表中的 <b>{count}</b> 人（{scope}），保存为 Excel 文件。",
                         "", masked_default=False, offer_full_numbers=True,
                         full_numbers_hint="不勾选时身份证号、手机号只显示前后几位（用于公示或发给外单位）。"
                                           "上报上级工会的实名制名册、或要再导入时需要完整号码，请勾选；"
                                           "勾选后会记录在修改记录中。",
                         prepared_by=prepared_by, parent=parent)


class MembersView(QWidget):
    """The 会员 page of the main window."""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.model = MemberTableModel(context.db, self, member_filter=MemberFilter(status=ON_ROLL_STATUSES))
        self.card: MemberCardDialog | None = None  # the card opened last
        self.import_wizard = None
        self.export_dialog: ExportRosterDialog | None = None
        self.export_job = None
        self.print_job = None
        self.print_preview_dialog = None
        self._prepared_by = ""
        self._build()
        self.model.count_changed.connect(self._show_count)
        self._reload_sub_units()
        self._show_count(self.model.rowCount())
        context.members_changed.connect(self.refresh)
        context.profile_changed.connect(self._profile_changed)

    # --- building ----------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(8)

        top = QHBoxLayout()
        title = QLabel("会员名册")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(16)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(SEARCH_HINT)
        self.search_edit.setToolTip(SEARCH_HINT + "\n多个关键词用空格分开，例如“张 138”。按 Esc 清空。")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(220)
        self.search_edit.textChanged.connect(self.model.set_search)
        top.addWidget(self.search_edit, 1)
        top.addSpacing(12)
        self.new_button = QPushButton("新增会员")
        self.new_button.setToolTip("逐个录入新会员（Ctrl+N）")
        self.new_button.clicked.connect(self.new_member)
        self.import_button = QPushButton("导入…")
        self.import_button.setToolTip("从 Excel 或 CSV 花名册批量导入、更新会员")
        self.import_button.clicked.connect(self.start_import)
        self.export_button = QPushButton("导出…")
        self.export_button.setToolTip("把当前列表（按现在的搜索和筛选）导出为 Excel 花名册")
        self.export_button.clicked.connect(self.start_export)
        print_button(self, "按当前的搜索、筛选和排序打印会员名单（A4 横向，先显示打印预览）；"
                           "身份证号、手机号和列表中一样隐去中间几位，勾选“显示完整证件号”时打印完整号码")
        buttons = (self.new_button, self.import_button, self.export_button, self.print_button)
        compact_buttons(buttons)  # no wider than their text on a narrow window
        for button in buttons:
            top.addWidget(button)
        outer.addLayout(top)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.status_combo = self._combo(filters, "状态", [(ON_ROLL_LABEL, ON_ROLL_STATUSES), (ALL, None)]
                                        + [(s, s) for s in STATUSES] + [(VOIDED, VOIDED)])
        self.status_combo.setToolTip("默认列出在册会员（含退休会员）；“全部”还包括转出、退会和去世的会员；"
                                     "“已作废”列出录错、重复而作废的记录")
        self.sub_unit_combo = self._combo(filters, "部门", [], SubUnitComboBox())
        self.sub_unit_combo.setToolTip("选中一个部门时，也包括它下面的各级部门和工会小组")
        self.sex_combo = self._combo(filters, "性别", [(ALL, None), ("男", "男"), ("女", "女")])
        self.age_combo = self._combo(filters, "年龄段", [(ALL, None)] + [(band, band) for band in AGE_BANDS])
        self.migrant_combo = self._combo(filters, "农民工", [(ALL, None), ("是", True), ("否", False)])
        self.model_worker_combo = self._combo(filters, "劳模", [(ALL, None), ("是", True), ("否", False)])
        self.clear_filters_button = QPushButton("清除筛选")
        self.clear_filters_button.setToolTip("清空搜索词，所有筛选恢复为默认")
        self.clear_filters_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_filters_button)
        filters.addStretch(1)
        self.full_ids_check = QCheckBox("显示完整证件号")
        self.full_ids_check.setToolTip("默认只显示身份证号、手机号的首尾几位，以保护个人信息")
        self.full_ids_check.toggled.connect(self._show_full_ids)
        top.insertWidget(top.indexOf(self.new_button), self.full_ids_check)
        top.insertSpacing(top.indexOf(self.new_button), 8)
        self.count_label = QLabel()
        self.count_label.setMinimumWidth(80)
        self.count_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        filters.addWidget(self.count_label)
        outer.addLayout(filters)

        self.table = list_table(self, self._open_row, context_menu=self._context_menu)
        show_sorted(self.table, self.model, COLUMN_WIDTHS, order=Qt.AscendingOrder, sort_column=0,
                    stretch="sub_unit")  # 部门 takes the spare width

        self.empty_label = empty_label()
        self.empty_new_button = QPushButton("新增会员")
        self.empty_new_button.clicked.connect(self.new_member)
        self.empty_import_button = QPushButton("从 Excel 花名册导入…")
        self.empty_import_button.clicked.connect(self.start_import)
        self.empty_template_button = QPushButton("下载空白导入模板…")
        self.empty_template_button.clicked.connect(self.download_template)
        self.empty_clear_button = QPushButton("清除筛选")
        self.empty_clear_button.clicked.connect(self.clear_filters)
        self.empty_page = empty_page(self.empty_label, [self.empty_new_button, self.empty_import_button,
                                                        self.empty_template_button, self.empty_clear_button])
        self.stack = list_stack(self.table, self.empty_page)
        outer.addWidget(self.stack, 1)

        QShortcut(QKeySequence.Find, self, activated=self.focus_search)
        QShortcut(QKeySequence(Qt.Key_Escape), self.search_edit, activated=self.search_edit.clear)

    def _combo(self, layout: QHBoxLayout, label: str, items: list[tuple[str, object]],
               combo: QComboBox | None = None) -> QComboBox:
        caption = QLabel(label)
        combo = combo or QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        for text, data in items:
            combo.addItem(text, data)
        caption.setBuddy(combo)
        combo.currentIndexChanged.connect(self.apply_filters)
        layout.addWidget(caption)
        layout.addWidget(combo)
        layout.addSpacing(6)
        return combo

    def _reload_sub_units(self) -> None:
        self.sub_unit_combo.blockSignals(True)
        self.sub_unit_combo.set_units(sub_units(self.context.db), "全部部门",
                                      select=self.sub_unit_combo.currentData())
        self.sub_unit_combo.blockSignals(False)

    # --- filtering -----------------------------------------------------------------------
    def current_filter(self) -> MemberFilter:
        status = self.status_combo.currentData()
        unit_id = self.sub_unit_combo.currentData()
        return MemberFilter(
            search=self.search_edit.text(),
            status=status if status not in (None, VOIDED) else None,
            voided=status == VOIDED,
            sub_unit_ids=tuple(descendant_ids(self.context.db, unit_id)) if unit_id is not None else None,
            sex=self.sex_combo.currentData(),
            age_band=self.age_combo.currentData(),
            migrant=self.migrant_combo.currentData(),
            model_worker=self.model_worker_combo.currentData(),
        )

    def apply_filters(self) -> None:
        selected = self.selected_member_id()
        self.model.set_filter(self.current_filter())
        self._reselect(selected)

    def clear_filters(self) -> None:
        combos = (self.status_combo, self.sub_unit_combo, self.sex_combo, self.age_combo,
                  self.migrant_combo, self.model_worker_combo)
        for combo in combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.apply_filters()

    def has_filters(self) -> bool:
        f = self.current_filter()
        return f != MemberFilter(search=f.search, status=ON_ROLL_STATUSES) or bool(f.search.strip())

    def _show_full_ids(self, on: bool) -> None:
        self.model.set_masked(not on)
        if on:  # each time the list is shown in full: one line in the change log
            from gonghui_desk.privacy import ID_LABEL, PHONE_LABEL, record_unmask

            record_unmask(self.context.db, output="会员名册列表：显示完整证件号", fields=(ID_LABEL, PHONE_LABEL),
                          count=self.model.rowCount())

    def set_search_text(self, text: str) -> None:
        """Search as if the user had typed ``text`` (the model updates at once)."""
        self.search_edit.setText(text)

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    # --- refreshing ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the list (after an edit, import, status change…), keeping filter and selection."""
        selected = self.selected_member_id()
        self.model.refresh()
        self._reselect(selected)

    def _profile_changed(self) -> None:
        self._reload_sub_units()
        self.apply_filters()

    def _show_count(self, count: int) -> None:
        self.count_label.setText(f"共 {count} 人")
        self.print_button.setEnabled(count > 0)
        if count:
            self.stack.setCurrentWidget(self.table)
            return
        nobody = count_members(self.context.db, MemberFilter()) == 0 and not self.has_filters()
        if nobody:
            self.empty_label.setText("名册里还没有会员。\n可以逐个新增，也可以把现有的 Excel 花名册直接导入。")
        else:
            self.empty_label.setText("没有符合条件的会员。\n请换个关键词，或清除筛选条件。")
        for button in (self.empty_new_button, self.empty_import_button, self.empty_template_button):
            button.setVisible(nobody)
        self.empty_clear_button.setVisible(not nobody)
        self.stack.setCurrentWidget(self.empty_page)

    def selected_member_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isSelected(index):
            return None
        return self.model.member_id(index.row())

    def _reselect(self, member_id: int | None) -> None:
        if member_id is None:
            return
        row = self.model.row_of(member_id)
        if row is None:
            return
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.scrollTo(index)

    # --- the member card -----------------------------------------------------------------
    def _open_row(self, row: int) -> None:
        member_id = self.model.member_id(row)
        if member_id is not None:
            self.open_member(member_id)

    def open_member(self, member_id: int | None):
        dialog = MemberCardDialog(self.context, member_id, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.saved.connect(self._reselect)
        self.card = dialog
        dialog.open()
        return dialog

    def new_member(self):
        return self.open_member(None)

    def _context_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        menu = QMenu(self)
        menu.setAttribute(Qt.WA_DeleteOnClose)
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.setCurrentIndex(index)
            menu.addAction("打开会员卡片", self.open_current)
            menu.addSeparator()
        menu.addAction("新增会员", self.new_member)
        menu.addAction("导出当前列表…", self.start_export)
        menu.addAction("打印当前列表…", self.start_print).setEnabled(self.model.rowCount() > 0)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def open_current(self) -> None:
        member_id = self.selected_member_id()
        if member_id is not None:
            self.open_member(member_id)

    # --- import, export, template ----------------------------------------------------------
    # The import and export modules (and openpyxl behind them) load on first use: start-up
    # does not pay for them.
    def start_import(self):
        from gonghui_desk.ui.import_wizard import MemberImportWizard

        wizard = MemberImportWizard(self.context, parent=self)
        wizard.setAttribute(Qt.WA_DeleteOnClose)
        self.import_wizard = wizard
        wizard.open()
        return wizard

    def start_export(self):
        """Ask for the options, then a file name, then export the current list on a worker."""
        member_filter = self.current_filter()
        count = self.model.rowCount()
        if count == 0:
            box = QMessageBox(QMessageBox.Information, "导出会员花名册", "当前列表中没有会员，没有可导出的内容。",
                              QMessageBox.Ok, self)
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.open()
            return None
        from gonghui_desk.exporting.member_roster import describe_filter

        scope = describe_filter(self.context.db, member_filter).removeprefix("范围：")
        return ask_export(self, ExportRosterDialog(count, scope, self._prepared_by, self), "导出会员花名册",
                          default_roster_name(), partial(self.export_to, member_filter=member_filter))

    def export_to(self, path: Path, member_filter: MemberFilter, *, full_numbers: bool = False,
                  prepared_by: str = ""):
        """Export ``member_filter``'s members to ``path`` on a worker; ID and phone numbers masked unless
        ``full_numbers`` (then recorded in the change log)."""
        from gonghui_desk.exporting.member_roster import export_roster

        def export(db, progress, is_cancelled):
            count = export_roster(db, path, member_filter, mask_personal=not full_numbers, prepared_by=prepared_by,
                                  progress=progress, is_cancelled=is_cancelled)
            if full_numbers:
                from gonghui_desk.privacy import ID_LABEL, PHONE_LABEL, record_unmask

                record_unmask(db, output="导出会员花名册", fields=(ID_LABEL, PHONE_LABEL), count=count, target=path)
            return count

        self.export_job = run_export(self, self.context, "正在导出会员花名册…", path, export,
                                     lambda count: f"已导出 {count} 人的花名册")
        return self.export_job

    def start_print(self):
        """打印…: the list as shown (search, filters, order, columns; numbers masked as the list shows
        them) built on a worker, then the print preview."""
        from gonghui_desk.exporting.member_roster import roster_print_table

        member_filter, columns, masked = self.model.member_filter, shown_columns(self.table), self.model.masked
        order, descending = self.model.sort_key
        prepared_by, today = self._prepared_by, self.model.today

        def table(db, progress, is_cancelled):
            printed = roster_print_table(db, member_filter, columns=columns, order=order, descending=descending,
                                         mask_personal=masked, prepared_by=prepared_by, today=today,
                                         progress=progress, is_cancelled=is_cancelled)
            shown = [key for key in ("id_number", "phone") if key in columns]
            if not masked and shown:  # the list shows the full numbers (logged when switched on): so does the paper
                from gonghui_desk.privacy import record_unmask

                record_unmask(db, output="打印会员名单", fields=shown, count=len(printed.rows))
            return printed

        return print_list(self, table)

    def download_template(self) -> Path | None:
        from gonghui_desk.ui.import_wizard import save_member_template

        return save_member_template(self)


__all__ = ["MembersView", "MemberTableView", "ExportRosterDialog", "MEMBER_COLUMNS", "default_roster_name"]
