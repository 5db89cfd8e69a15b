"""The 回收站 page: every voided record, of every kind, the most recently voided first; 恢复 brings the
selected ones back, 查看修改记录… shows a record's history.

The list is SQL-backed and lazy (:class:`BinTableModel` on
:class:`~gonghui_desk.ui.paged_model.PagedIdTableModel`): the filters (种类 and a search on the description
and the reason) ask :func:`gonghui_desk.recycle_bin.voided_keys` for the ordered keys, and the rows of the
keys on screen are read a page at a time. 恢复 asks first (a window-modal box that does not block), then
restores through :func:`gonghui_desk.recycle_bin.restore_many`: each record is re-checked (a member whose ID
number is taken, a visit of a voided member, a child whose parent is voided…) and the refusals are listed with
their reasons. After a restore the other pages are told through the context's signals (and :attr:`restored`
for the pages without one). Nothing is deleted here: the page has no delete.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QMenu, QMessageBox, QPushButton, QVBoxLayout, QWidget

from gonghui_desk.recycle_bin import (KINDS, BinFilter, Key, RestoreOutcome, print_table, records_for_keys,
                                      restore_many, voided_keys)
from gonghui_desk.ui.exports import print_button, print_list
from gonghui_desk.ui.paged_model import CENTER, LEFT, FilteredTableModel
from gonghui_desk.ui.tables import (ListPageMixin, compact_buttons, empty_label, empty_page, list_stack, list_table,
                                    search_box, totals_label)

ALL = None
MUTED = QBrush(QColor("#6b6b6b"))
BIN_COLUMNS: tuple[tuple[str, str], ...] = (("kind", "种类"), ("description", "内容"), ("voided_at", "作废时间"),
                                            ("reason", "作废原因"))
COLUMN_WIDTHS = {"kind": 96, "voided_at": 130, "reason": 230}
SIGNALS = {"members": "members_changed", "visits": "visits_changed", "hardship": "hardship_changed",
           "events": "events_changed", "honours": "honours_changed", "congress": "congress_changed",
           "profile": "profile_changed"}


class BinTableModel(FilteredTableModel):
    """The voided records matching a :class:`BinFilter`, the most recently voided first; row ids are
    ``(kind, id)`` keys."""

    COLUMNS = BIN_COLUMNS
    SORTS: dict[str, str] = {}

    def __init__(self, db, parent=None, *, bin_filter: BinFilter | None = None, query: bool = True, **kwargs):
        super().__init__(db, bin_filter or BinFilter(), parent, query=query, **kwargs)

    @property
    def bin_filter(self) -> BinFilter:
        return self._filter

    def fetch_ids(self, order: str, descending: bool) -> list:
        return voided_keys(self.db, self._filter)

    def fetch_rows(self, ids: list) -> dict:
        return {key: {"id": key, "record": record} for key, record in records_for_keys(self.db, ids).items()}

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        record = row["record"]
        texts = (record.kind_label, record.description, record.voided_text, record.void_reason or "（未填写）")
        tips = ("", record.description, record.voided_at.replace("T", " "), record.void_reason)
        brushes = (None, None, None, None if record.void_reason else MUTED)
        return texts, tips, brushes, (CENTER, LEFT, CENTER, LEFT)

    def record(self, row: int):
        data = self.row_data(row)
        return data["record"] if data else None


class RecycleBinView(ListPageMixin, QWidget):
    """The 回收站 page of the main window."""

    restored = Signal(object)  # the set of areas (recycle_bin.RestoreResult.areas) whose records came back

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self._applying = False
        self._loaded = False
        self._stale = False
        self._restoring = False
        self._pending_keys: list[Key] = []
        self._prepared_by = ""
        self.confirm_box = None
        self.result_box = None
        self.history_dialog = None
        self.print_job = None
        self.print_preview_dialog = None
        self.last_outcome: RestoreOutcome | None = None
        self._build()
        self.model = BinTableModel(context.db, self, bin_filter=self.current_filter(), query=False)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        for key, width in COLUMN_WIDTHS.items():
            header.resizeSection(self.model.column_index[key], width)
        header.setSectionResizeMode(self.model.column_index["description"], QHeaderView.Stretch)
        self.model.count_changed.connect(self._update_totals)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        for name in SIGNALS.values():
            getattr(context, name).connect(self._records_changed)

    # --- building ----------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel("回收站")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(10)
        hint = QLabel("录错、重复而作废的记录都在这里，可以恢复；软件从不删除记录")
        hint.setObjectName("mutedText")
        top.addWidget(hint)
        top.addStretch(1)
        outer.addLayout(top)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.kind_combo = self._filter_combo()
        self.kind_combo.addItem("全部种类", ALL)
        for kind in KINDS:
            self.kind_combo.addItem(kind.label, kind.key)
        self._caption(filters, "种类", self.kind_combo)
        self.search_edit, self.search_timer = search_box(self, "搜索内容或作废原因", self.apply_filters,
                                                         maximum_width=320,
                                                         tip="按姓名、日期、名称或作废原因搜索，多个词用空格分开")
        filters.addWidget(self.search_edit, 1)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        self.restore_button = QPushButton("恢复")
        self.restore_button.setToolTip("把所选的记录恢复为有效记录（可多选）；恢复前会检查是否与现有记录冲突")
        self.restore_button.clicked.connect(self.ask_restore)
        self.history_button = QPushButton("查看修改记录…")
        self.history_button.setToolTip("所选记录从新增、修改到作废的全部修改记录")
        self.history_button.clicked.connect(self.show_current_history)
        filters.addWidget(self.restore_button)
        filters.addWidget(self.history_button)
        filters.addWidget(print_button(self, "按当前筛选打印作废记录清单（A4 纵向，先显示打印预览）"))
        compact_buttons((self.clear_button, self.restore_button, self.history_button, self.print_button))
        outer.addLayout(filters)

        self.table = list_table(self, self.show_history, multi=True, context_menu=self._context_menu)
        self.empty_label = empty_label()
        self.stack = list_stack(self.table, empty_page(self.empty_label, []))
        outer.addWidget(self.stack, 1)
        self.totals = totals_label()
        outer.addWidget(self.totals)
        self._update_buttons()

    # --- filtering ----------------------------------------------------------------------------------------
    def current_filter(self) -> BinFilter:
        return BinFilter(kind=self.kind_combo.currentData(), search=self.search_edit.text().strip())

    def _reset_filters(self) -> None:
        self.kind_combo.setCurrentIndex(0)

    def refresh(self) -> None:
        if self._loaded:
            self.model.refresh()
            self._stale = False

    def showEvent(self, event) -> None:
        loaded = self._loaded
        super().showEvent(event)  # the first time: reads the list
        if loaded and self._stale:
            self.refresh()
        self._stale = False

    def _records_changed(self) -> None:
        """Another page voided or changed something: read again now if shown, else when next shown."""
        if self._restoring:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _update_totals(self, count: int) -> None:
        f = self.model.bin_filter
        filtered = f.kind is not None or bool(f.search)
        self.totals.setVisible(bool(count))
        if count:
            self.totals.setText(f"共 {count} 条作废的记录" + ("（已筛选）" if filtered else ""))
            self.stack.setCurrentIndex(0)
        else:
            self.totals.setText("")
            self.empty_label.setText("没有符合条件的作废记录。" if filtered else
                                     "回收站是空的：没有作废的记录。\n作废的会员、慰问、帮扶、活动、荣誉、提案等记录会出现在这里。")
            self.stack.setCurrentIndex(1)
        self._update_buttons()

    def _update_buttons(self, *args) -> None:
        selected = len(self.selected_keys()) if hasattr(self, "model") else 0
        self.restore_button.setEnabled(selected > 0)
        self.history_button.setEnabled(selected == 1)
        self.print_button.setEnabled(hasattr(self, "model") and self.model.rowCount() > 0)

    # --- selection ----------------------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def selected_keys(self) -> list[Key]:
        return [key for key in (self.model.row_id(row) for row in self.selected_rows()) if key is not None]

    def select_key(self, key: Key) -> bool:
        row = self.model.row_of(key)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    # --- restoring ----------------------------------------------------------------------------------------
    def ask_restore(self) -> QMessageBox | None:
        """Ask before restoring the selected records (a box that does not block, kept as ``confirm_box``)."""
        keys = self.selected_keys()
        if not keys:
            return None
        if len(keys) == 1:
            record = self.model.record(self.selected_rows()[0])
            text = f"恢复{record.kind_label}“{record.description}”？"
        else:
            text = f"恢复所选的 {len(keys)} 条记录？"
        text += "\n\n恢复后记录重新计入名册、台账和统计；如果它与现有的记录冲突，软件会说明原因，不会恢复。"
        box = QMessageBox(QMessageBox.Question, "恢复记录", text, QMessageBox.Ok | QMessageBox.Cancel, self)
        box.button(QMessageBox.Ok).setText("恢复")
        box.button(QMessageBox.Cancel).setText("取消")
        box.setAttribute(Qt.WA_DeleteOnClose)
        self._pending_keys = keys
        box.accepted.connect(self._restore_confirmed)  # a method: no closure over the box's parent
        self.confirm_box = box
        box.open()
        return box

    def _restore_confirmed(self) -> None:
        keys, self._pending_keys = self._pending_keys, []
        self.restore_keys(keys)

    def restore_keys(self, keys: list[Key]) -> RestoreOutcome:
        """Restore ``keys``; tell the other pages, and say what came back and what did not."""
        outcome = restore_many(self.context.db, keys)
        self.last_outcome = outcome
        areas = outcome.areas
        self._restoring = True
        try:
            for area in sorted(areas):
                signal = SIGNALS.get(area)
                if signal is not None:
                    getattr(self.context, signal).emit()
            if areas:
                self.restored.emit(areas)
        finally:
            self._restoring = False
        self.refresh()
        if outcome.restored:
            first = outcome.restored[0]
            text = first.text() if len(outcome.restored) == 1 else f"已恢复 {len(outcome.restored)} 条记录"
            self.context.status_message.emit(text)
        if outcome.refused:
            lines = [message for _, _, message in outcome.refused]
            head = (f"已恢复 {len(outcome.restored)} 条；以下 {len(lines)} 条不能恢复：" if outcome.restored
                    else "不能恢复：" if len(lines) == 1 else f"以下 {len(lines)} 条不能恢复：")
            box = QMessageBox(QMessageBox.Warning, "恢复记录", head + "\n\n" + "\n\n".join(lines[:10])
                              + (f"\n\n……另有 {len(lines) - 10} 条" if len(lines) > 10 else ""), QMessageBox.Ok, self)
            box.setAttribute(Qt.WA_DeleteOnClose)
            self.result_box = box
            box.open()
        return outcome

    # --- history ---------------------------------------------------------------------------------------------
    def show_history(self, row: int):
        key = self.model.row_id(row)
        if key is None:
            return None
        from gonghui_desk.ui.change_log_dialog import open_record_history

        self.history_dialog = open_record_history(self, self.context, key[0], key[1], today=self._today)
        return self.history_dialog

    def show_current_history(self):
        rows = self.selected_rows()
        return self.show_history(rows[0]) if rows else None

    def _context_menu(self, position) -> QMenu | None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return None
        if index.row() not in self.selected_rows():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        menu.setAttribute(Qt.WA_DeleteOnClose)
        menu.addAction("恢复…", self.ask_restore)
        history = menu.addAction("查看修改记录…", self.show_current_history)
        history.setEnabled(len(self.selected_rows()) == 1)
        self.context_menu = menu
        menu.popup(self.table.viewport().mapToGlobal(position))
        return menu

    # --- printing ----------------------------------------------------------------------------------------------
    def start_print(self):
        bin_filter, prepared_by, today = self.model.bin_filter, self._prepared_by, self.today

        def table(db, progress, is_cancelled):
            return print_table(db, bin_filter, prepared_by=prepared_by, today=today)

        return print_list(self, table)


__all__ = ["BinTableModel", "RecycleBinView"]
