"""修改记录: one record's changes (:class:`RecordHistoryDialog`), and the whole change log with its filters
(:class:`ChangeLogDialog`, 文件 → 查看修改记录…).

Both show the changes as :mod:`gonghui_desk.change_history` words them, the newest first: 时间, 操作
(新增/修改/状态变更/作废/恢复) and 改动 ("手机号：138****0000 → 139****1111"); the log also says which kind of
record and which one. ID, phone and bank numbers are masked unless 显示完整号码 is ticked. The whole log is read
a page at a time as the list is scrolled (keyset paging by id, so the first page shows at once on a log of
millions of rows). 导出Excel… writes what is shown (:mod:`gonghui_desk.exporting.change_log`) on a worker with
a progress bar and 取消. Both dialogs are opened with ``open()``: nothing blocks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from gonghui_desk.change_history import (ACTION_LABELS, NOTE_ACTIONS, PAGE_SIZE, ChangeEntry, LogFilter, Names,
                                         log_page, logged_tables, record_history, table_label)
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.ui.dialogs import ERROR_COLOUR, dialog_title
from gonghui_desk.ui.exports import ExportOptionsDialog, ask_export, run_export
from gonghui_desk.ui.tables import compact_table, search_box

FULL_NUMBERS_TEXT = "显示完整号码"
FULL_NUMBERS_TIP = "身份证号、手机号、银行卡号平时只显示部分数字；需要核对时勾选此项"
ACTION_COLOURS = {"void": QColor("#b8322a"), "restore": QColor("#2e7d32"), "insert": QColor("#1f5fa8")}
ACTION_BRUSHES = {action: QBrush(colour) for action, colour in ACTION_COLOURS.items()}
COLUMN_LABELS = {"time": "时间", "kind": "种类", "record": "记录", "action": "操作", "changes": "改动"}
_DISPLAY, _TOOLTIP, _FOREGROUND = int(Qt.DisplayRole), int(Qt.ToolTipRole), int(Qt.ForegroundRole)
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _FOREGROUND))
SUMMARY_LIMIT = 60  # characters of each value in the list (the tooltip and the export have them whole)


class ChangeEntryModel(QAbstractTableModel):
    """Change entries in the given columns (keys of :data:`COLUMN_LABELS`). With ``fetch`` (a function of
    the last entry's id, or None for the first page, giving the next page), the rows are read a page at a time
    as the view scrolls down (Qt's canFetchMore/fetchMore)."""

    def __init__(self, columns: Sequence[str], parent=None, *, fetch=None):
        super().__init__(parent)
        self.columns = list(columns)
        self._entries: list[ChangeEntry] = []
        self._texts: dict[int, tuple[str, ...]] = {}  # row -> its display texts
        self._fetch = fetch
        self._more = fetch is not None

    def set_entries(self, entries: Sequence[ChangeEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._texts.clear()
        self._more = False
        self.endResetModel()

    def reload(self) -> None:
        """The first page again (after a change of filter)."""
        self.beginResetModel()
        self._entries = []
        self._texts.clear()
        self._more = self._fetch is not None
        self.endResetModel()
        if self._more:
            self.fetchMore(QModelIndex())

    def entries(self) -> list[ChangeEntry]:
        return list(self._entries)

    def entry(self, row: int) -> ChangeEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    @property
    def has_more(self) -> bool:
        return self._more

    # --- Qt --------------------------------------------------------------------------------------------
    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or not self._more:
            return
        page = self._fetch(self._entries[-1].id if self._entries else None)
        self._more = len(page) >= PAGE_SIZE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._entries), len(self._entries) + len(page) - 1)
            self._entries.extend(page)
            self.endInsertRows()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(self.columns):
            return COLUMN_LABELS[self.columns[section]]
        return None

    def text(self, row: int, key: str, *, limit: int | None = SUMMARY_LIMIT) -> str:
        entry = self._entries[row]
        if key == "time":
            return entry.time_text
        if key == "kind":
            return entry.table_label
        if key == "record":
            return entry.description or f"编号 {entry.record_id}"
        if key == "action":
            return entry.action_label
        return entry.summary(limit=limit)

    def data(self, index, role=Qt.DisplayRole):
        # a repaint asks for every role of every visible cell: the roles as ints (comparing Qt's enums costs
        # more than the lookup), and a row's display texts worked out once
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._entries):
            return None
        if role == _DISPLAY:
            texts = self._texts.get(row)
            if texts is None:
                texts = self._texts[row] = tuple(self.text(row, key) for key in self.columns)
            return texts[index.column()]
        key = self.columns[index.column()]
        if role == _TOOLTIP and key in ("changes", "record"):
            full = self.text(row, key, limit=None)
            return full.replace("；", "\n") if key == "changes" else full
        if role == _FOREGROUND and key == "action":
            return ACTION_BRUSHES.get(self._entries[row].action)
        return None


def _table(model: ChangeEntryModel, widths: dict[str, int]) -> QTableView:
    table = compact_table(model, selection=QAbstractItemView.SingleSelection)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    for key, width in widths.items():
        header.resizeSection(model.columns.index(key), width)
    header.setStretchLastSection(True)
    table.setTextElideMode(Qt.ElideRight)
    return table


class ExportChangesDialog(ExportOptionsDialog):
    """What will be exported, whether to show the full numbers (unticked every time; an export with them is
    recorded in the change log), and 制表人."""

    def __init__(self, summary: str, prepared_by: str = "", parent=None):
        super().__init__("导出修改记录", summary, "", masked_default=False, offer_full_numbers=True,
                         prepared_by=prepared_by, parent=parent)


SENSITIVE_LABELS = ("身份证号", "手机号", "银行卡号")


def record_full_numbers(db, output: str, count: int, table: str, target=None) -> None:
    """An output of change entries showed the numbers in full: one line in the change log
    (:func:`gonghui_desk.privacy.record_unmask`)."""
    from gonghui_desk.privacy import record_unmask

    record_unmask(db, output=output, fields=SENSITIVE_LABELS, count=count, target=target, table=table)


class _ExportingMixin:
    """导出Excel… of a dialog that shows change entries: the options, the file, the work on a worker."""

    export_title = "导出修改记录"

    def _export_summary(self) -> str:
        raise NotImplementedError

    def _export_name(self) -> str:
        raise NotImplementedError

    def _export(self, db, path: Path, *, full_numbers: bool, prepared_by: str, progress, is_cancelled) -> int:
        raise NotImplementedError

    def _log_table(self) -> str:
        raise NotImplementedError

    def start_export(self) -> ExportChangesDialog | None:
        if self.model.rowCount() == 0:
            return None
        dialog = ExportChangesDialog(self._export_summary(), self._prepared_by, self)
        return ask_export(self, dialog, self.export_title, self._export_name(), self.export_to)

    def export_to(self, path: Path, *, prepared_by: str = "", full_numbers: bool = False):
        table = self._log_table()

        def export(db, progress, is_cancelled):
            count = self._export(db, path, full_numbers=full_numbers, prepared_by=prepared_by, progress=progress,
                                 is_cancelled=is_cancelled)
            if full_numbers:
                record_full_numbers(db, "导出修改记录", count, table, path)
            return count

        self.export_job = run_export(self, self.context, "正在导出修改记录…", path, export,
                                     lambda count: f"已导出 {count} 条修改记录")
        return self.export_job


class RecordHistoryDialog(_ExportingMixin, QDialog):
    """Every change of one record, the newest first; 导出Excel… writes them."""

    def __init__(self, context, table: str, record_id, parent: QWidget | None = None, *,
                 today: dt.date | None = None):
        super().__init__(parent)
        from gonghui_desk.recycle_bin import describe

        self.context = context
        self.table_name = table
        self.record_id = record_id
        self.today = today
        self.export_dialog = None
        self.export_job = None
        self._prepared_by = ""
        self.description = describe(context.db, table, record_id)
        self.setWindowTitle(f"修改记录 - {table_label(table)}")
        self.setSizeGripEnabled(True)
        layout = QVBoxLayout(self)
        self.title_label = dialog_title(f"{table_label(table)}：{self.description or f'编号 {record_id}'}")
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        top = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("mutedText")
        top.addWidget(self.count_label, 1)
        self.full_numbers_check = QCheckBox(FULL_NUMBERS_TEXT)
        self.full_numbers_check.setToolTip(FULL_NUMBERS_TIP)
        self.full_numbers_check.toggled.connect(self.reload)
        self.full_numbers_check.clicked.connect(self._numbers_shown)
        top.addWidget(self.full_numbers_check)
        layout.addLayout(top)
        self.model = ChangeEntryModel(("time", "action", "changes"), self)
        self.table = _table(self.model, {"time": 150, "action": 70})
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        note = QLabel("修改记录由软件自动记下，不能修改或删除。")
        note.setObjectName("mutedText")
        bottom.addWidget(note, 1)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setToolTip("把这条记录的全部修改记录保存为 Excel 文件")
        self.export_button.clicked.connect(self.start_export)
        bottom.addWidget(self.export_button)
        self.buttons = QDialogButtonBox()
        self.close_button = self.buttons.addButton("关闭", QDialogButtonBox.RejectRole)
        self.buttons.rejected.connect(self.reject)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.resize(860, 480)
        self.reload()

    def reload(self, *args) -> None:
        entries = record_history(self.context.db, self.table_name, self.record_id,
                                 full_numbers=self.full_numbers_check.isChecked())
        self.model.set_entries(entries)
        self.table.resizeRowsToContents()
        self.count_label.setText(f"共 {len(entries)} 条修改记录，最新的在前" if entries else "这条记录没有修改记录")
        self.export_button.setEnabled(bool(entries))

    def _numbers_shown(self, shown: bool) -> None:
        if shown:
            record_full_numbers(self.context.db, f"修改记录：显示完整号码（{table_label(self.table_name)}："
                                                 f"{self.description or self.record_id}）", self.model.rowCount(),
                                self.table_name)

    def _log_table(self) -> str:
        return self.table_name

    def _export_summary(self) -> str:
        return (f"将导出“{self.description or table_label(self.table_name)}”的 <b>{self.model.rowCount()}</b> 条修改记录，"
                "保存为 Excel 文件。")

    def _export_name(self) -> str:
        from gonghui_desk.exporting.change_log import default_file_name

        return default_file_name(self.today, self.description.split(" ")[0] if self.description else "")

    def _export(self, db, path, *, full_numbers, prepared_by, progress, is_cancelled) -> int:
        from gonghui_desk.exporting.change_log import export_record_history

        return export_record_history(db, path, self.table_name, self.record_id, full_numbers=full_numbers,
                                     prepared_by=prepared_by, today=self.today, progress=progress,
                                     is_cancelled=is_cancelled)


def open_record_history(parent: QWidget | None, context, table: str, record_id, **kwargs) -> RecordHistoryDialog:
    """The 修改记录 of one record, over ``parent``, without blocking; deleted when closed."""
    dialog = RecordHistoryDialog(context, table, record_id, parent, **kwargs)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


class HistoryButton(QPushButton):
    """A record dialog's 修改记录… button: opens the history of the record whose id is the dialog's
    ``id_attribute`` (nothing for a record not saved yet), kept as the dialog's ``history_dialog``. A method,
    not a closure over the dialog, is connected to the click."""

    def __init__(self, context, table: str, id_attribute: str, parent: QWidget | None = None):
        super().__init__("修改记录…", parent)
        self.context, self.table_name, self.id_attribute = context, table, id_attribute
        self.setToolTip("查看这条记录的每一次新增、修改、作废和恢复，可导出Excel")
        self.clicked.connect(self.open_history)

    def open_history(self, *args) -> RecordHistoryDialog | None:
        owner = self.window()
        record_id = getattr(owner, self.id_attribute, None)
        if record_id is None:
            return None
        owner.history_dialog = open_record_history(owner, self.context, self.table_name, record_id)
        return owner.history_dialog


def history_button(owner: QWidget, context, table: str, id_attribute: str) -> HistoryButton:
    """The 修改记录… button of the record dialog ``owner``, whose record id is ``owner.<id_attribute>``."""
    return HistoryButton(context, table, id_attribute, owner)


ALL = None


class ChangeLogDialog(_ExportingMixin, QDialog):
    """The whole change log, the newest first, with filters: 时间 from–to, 种类, 操作 and a search."""

    def __init__(self, context, parent: QWidget | None = None, *, today: dt.date | None = None,
                 log_filter: LogFilter | None = None):
        super().__init__(parent)
        self.context = context
        self.today = today
        self.export_dialog = None
        self.export_job = None
        self.record_dialog = None
        self._prepared_by = ""
        self._names = Names(context.db)
        self._applying = False
        self.setWindowTitle("修改记录")
        self.setSizeGripEnabled(True)
        self._build()
        if log_filter is not None:
            self.set_filter(log_filter)
        self.apply_filters()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(dialog_title("修改记录"))
        hint = QLabel("软件自动记下的每一次新增、修改、作废和恢复，最新的在前")
        hint.setObjectName("mutedText")
        top.addSpacing(10)
        top.addWidget(hint)
        top.addStretch(1)
        layout.addLayout(top)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.date_from_edit, self.date_to_edit = QLineEdit(), QLineEdit()
        for edit in (self.date_from_edit, self.date_to_edit):
            edit.setPlaceholderText("不限")
            edit.setToolTip("如 2026-01-01 或 2026.1.1；不填为不限")
            edit.setFixedWidth(110)
            edit.editingFinished.connect(self.apply_filters)
        filters.addWidget(QLabel("时间"))
        filters.addWidget(self.date_from_edit)
        filters.addWidget(QLabel("至"))
        filters.addWidget(self.date_to_edit)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("全部种类", ALL)
        for table in logged_tables(self.context.db):
            self.kind_combo.addItem(table_label(table), table)
        self.action_combo = QComboBox()
        self.action_combo.addItem("全部操作", ALL)
        for action, label in ACTION_LABELS.items():
            if action != "delete":
                self.action_combo.addItem(label, action)
        filters.addWidget(QLabel("种类"))
        filters.addWidget(self.kind_combo)
        filters.addWidget(QLabel("操作"))
        filters.addWidget(self.action_combo)
        for combo in (self.kind_combo, self.action_combo):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.search_edit, self.search_timer = search_box(
            self, "搜索改动的内容或会员姓名", self.apply_filters, maximum_width=260,
            tip="在改动前后的内容中搜索（姓名、号码、备注…）；输入会员姓名还会找到与该会员有关的记录")
        filters.addWidget(self.search_edit, 1)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.model = ChangeEntryModel(("time", "kind", "record", "action", "changes"), self, fetch=self._fetch)
        self.table = _table(self.model, {"time": 140, "kind": 86, "record": 250, "action": 64})
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.setToolTip("双击一行查看该记录的全部修改记录")
        layout.addWidget(self.table, 1)

        bottom = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("mutedText")
        bottom.addWidget(self.count_label, 1)
        self.full_numbers_check = QCheckBox(FULL_NUMBERS_TEXT)
        self.full_numbers_check.setToolTip(FULL_NUMBERS_TIP)
        self.full_numbers_check.toggled.connect(self.apply_filters)
        self.full_numbers_check.clicked.connect(self._numbers_shown)
        bottom.addWidget(self.full_numbers_check)
        self.record_button = QPushButton("该记录的全部修改…")
        self.record_button.setToolTip("所选一行的那条记录从新增到现在的全部修改")
        self.record_button.clicked.connect(self.open_current_record)
        bottom.addWidget(self.record_button)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setToolTip("按当前筛选把全部符合条件的修改记录保存为 Excel 文件（不只是已列出的）")
        self.export_button.clicked.connect(self.start_export)
        bottom.addWidget(self.export_button)
        self.buttons = QDialogButtonBox()
        self.close_button = self.buttons.addButton("关闭", QDialogButtonBox.RejectRole)
        self.buttons.rejected.connect(self.reject)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.model.rowsInserted.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self.resize(1100, 640)

    # --- filtering -------------------------------------------------------------------------------------
    def _date(self, edit: QLineEdit, what: str) -> str | None:
        text = edit.text().strip()
        if not text:
            return None
        try:
            day = parse_date(text)
        except DateParseError as exc:
            raise ValueError(f"{what}：{exc}") from None
        if day is not None and day.isoformat() != text:
            edit.setText(day.isoformat())  # show what was understood
        return day.isoformat() if day else None

    def current_filter(self) -> LogFilter | None:
        """The filter the widgets show; None (and the reason shown) when a date cannot be read."""
        try:
            date_from = self._date(self.date_from_edit, "开始日期")
            date_to = self._date(self.date_to_edit, "结束日期")
        except ValueError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return None
        if date_from and date_to and date_from > date_to:
            self.error_label.setText(f"开始日期 {date_from} 晚于结束日期 {date_to}")
            self.error_label.show()
            return None
        self.error_label.hide()
        table = self.kind_combo.currentData()
        return LogFilter(date_from=date_from, date_to=date_to, tables=(table,) if table else (),
                         action=self.action_combo.currentData(), search=self.search_edit.text().strip())

    def set_filter(self, f: LogFilter) -> None:
        self._applying = True
        self.date_from_edit.setText(f.date_from or "")
        self.date_to_edit.setText(f.date_to or "")
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(f.tables[0]) if f.tables else 0, 0))
        self.action_combo.setCurrentIndex(max(self.action_combo.findData(f.action) if f.action else 0, 0))
        self.search_edit.setText(f.search)
        self._applying = False

    def apply_filters(self, *args) -> None:
        if self._applying:
            return
        self.search_timer.stop()
        log_filter = self.current_filter()
        if log_filter is None:
            return
        self.log_filter = log_filter
        self._names = Names(self.context.db)
        self.model.reload()
        self.export_button.setEnabled(self.model.rowCount() > 0)

    def clear_filters(self) -> None:
        self.set_filter(LogFilter())
        self.apply_filters()

    def _fetch(self, before_id: int | None) -> list[ChangeEntry]:
        return log_page(self.context.db, self.log_filter, before_id=before_id,
                        full_numbers=self.full_numbers_check.isChecked(), names=self._names)

    def _update_count(self, *args) -> None:
        count = self.model.rowCount()
        if count == 0:
            self.count_label.setText("没有符合条件的修改记录")
        elif self.model.has_more:
            self.count_label.setText(f"已列出最近的 {count} 条，向下滚动查看更早的")
        else:
            self.count_label.setText(f"共 {count} 条")
        self.record_button.setEnabled(count > 0)

    # --- actions ---------------------------------------------------------------------------------------
    def _double_clicked(self, index) -> None:
        self.open_record(index.row())

    def open_current_record(self, *args) -> RecordHistoryDialog | None:
        return self.open_record(self.table.currentIndex().row())

    def open_record(self, row: int) -> RecordHistoryDialog | None:
        entry = self.model.entry(row)
        if entry is None or entry.action in NOTE_ACTIONS or not entry.record_id.isdigit():
            return None  # a row about an output or the password, not about one record
        self.record_dialog = open_record_history(self, self.context, entry.table, entry.record_id, today=self.today)
        return self.record_dialog

    def _numbers_shown(self, shown: bool) -> None:
        if shown:
            record_full_numbers(self.context.db, "修改记录：显示完整号码", self.model.rowCount(), self._log_table())

    def _log_table(self) -> str:
        return self.log_filter.tables[0] if len(self.log_filter.tables) == 1 else "change_log"

    def _export_summary(self) -> str:
        return (f"将导出符合当前筛选（{self.log_filter.describe()}）的全部修改记录，最新的在前，保存为 Excel 文件。"
                "记录较多时需要一些时间，可以随时取消。")

    def _export_name(self) -> str:
        from gonghui_desk.exporting.change_log import default_file_name

        return default_file_name(self.today)

    def _export(self, db, path, *, full_numbers, prepared_by, progress, is_cancelled) -> int:
        from gonghui_desk.exporting.change_log import export_change_log

        return export_change_log(db, path, self.log_filter, full_numbers=full_numbers, prepared_by=prepared_by,
                                 today=self.today, progress=progress, is_cancelled=is_cancelled)


def open_change_log(parent: QWidget | None, context, **kwargs) -> ChangeLogDialog:
    """The whole change log over ``parent``, without blocking; deleted when closed."""
    dialog = ChangeLogDialog(context, parent, **kwargs)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["ChangeEntryModel", "ChangeLogDialog", "ExportChangesDialog", "HistoryButton", "RecordHistoryDialog",
           "history_button",
           "open_change_log", "open_record_history"]
