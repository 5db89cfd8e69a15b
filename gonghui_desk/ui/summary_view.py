"""The 工作总结 page: the saved drafts of summary reports, and the way to write a new one.

The drafts (table ``report_drafts``, :mod:`gonghui_desk.reports.drafts`) are listed newest first in a lazy,
SQL-backed table (:class:`DraftTableModel` on :class:`~gonghui_desk.ui.paged_model.PagedIdTableModel`):
标题, 类型, 期间, 最后保存, 建立. 新建总结… opens the wizard (:class:`~gonghui_desk.ui.report_wizard.ReportWizard`),
打开 (or a double-click) the draft in the editor (:class:`~gonghui_desk.ui.report_editor.ReportEditorDialog`),
作废… voids it with a reason (never deleted). 显示已作废 lists the voided drafts too, in grey.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from gonghui_desk.reports.model import REPORT_KINDS
from gonghui_desk.ui.dialogs import ReasonDialog
from gonghui_desk.ui.paged_model import CENTER, LEFT, PagedIdTableModel
from gonghui_desk.ui.tables import empty_label, empty_page, list_table, show_sorted

__all__ = ["DraftTableModel", "SummaryView"]

VOIDED = QBrush(QColor("#9a9a9a"))
DRAFT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "标题"),
    ("kind", "类型"),
    ("period", "期间"),
    ("saved", "最后保存"),
    ("created", "建立"),
    ("state", "状态"),
)
COLUMN_WIDTHS = {"title": 360, "kind": 130, "period": 200, "saved": 130, "created": 130, "state": 90}
# sort key -> SQL ORDER BY (ids only; the rows are read a page at a time)
ORDERS = {"saved": "coalesce(updated_at, created_at)", "title": "title", "kind": "kind", "period": "date_from",
          "created": "created_at"}


def _time_text(value: str | None) -> str:
    """"2026-11-22T09:05:00" → "2026-11-22 09:05"."""
    if not value:
        return ""
    return value.replace("T", " ")[:16]


class DraftTableModel(PagedIdTableModel):
    """The drafts, newest (last saved) first; voided ones only with ``include_voided``."""

    COLUMNS = DRAFT_COLUMNS
    SORTS = {"title": "title", "kind": "kind", "period": "period", "saved": "saved", "created": "created"}

    def __init__(self, db, parent=None, *, include_voided: bool = False, query: bool = True, **kwargs):
        kwargs.setdefault("order", "saved")
        kwargs.setdefault("descending", True)
        super().__init__(parent, **kwargs)
        self.db = db
        self.include_voided = include_voided
        if query:
            self.requery()

    def set_include_voided(self, on: bool) -> None:
        self.include_voided = on
        self.requery()

    def fetch_ids(self, order: str, descending: bool) -> list[int]:
        where = "" if self.include_voided else "WHERE voided_at IS NULL"
        direction = "DESC" if descending else "ASC"
        sql = f"SELECT id FROM report_drafts {where} ORDER BY {ORDERS.get(order, ORDERS['saved'])} {direction}, id {direction}"
        return [row[0] for row in self.db.execute(sql).fetchall()]

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.query(
            f"""SELECT id, title, kind, date_from, date_to, json_extract(request_json, '$.period.label') AS period_label,
                       created_at, updated_at, voided_at, void_reason
                FROM report_drafts WHERE id IN ({marks})""", ids)
        return {row["id"]: row for row in rows}

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        voided = bool(row["voided_at"])
        period = row["period_label"] or f"{row['date_from']} 至 {row['date_to']}"
        texts = {"title": row["title"], "kind": REPORT_KINDS.get(row["kind"], row["kind"]), "period": period,
                 "saved": _time_text(row["updated_at"] or row["created_at"]), "created": _time_text(row["created_at"]),
                 "state": "已作废" if voided else "草稿"}
        tips = {"title": row["title"], "period": f"{row['date_from']} 至 {row['date_to']}"}
        if voided:
            tips["state"] = f"作废原因：{row['void_reason'] or ''}"
        keys = [key for key, _ in DRAFT_COLUMNS]
        brushes = tuple(VOIDED if voided else None for _ in keys)
        alignments = tuple(CENTER if key in ("saved", "created", "state") else LEFT for key in keys)
        return (tuple(texts.get(k) or "" for k in keys), tuple(tips.get(k, "") for k in keys), brushes, alignments)


class SummaryView(QWidget):
    """The 工作总结 page of the main window (see the module text).

    The dialogs it opens are kept for tests: ``wizard`` (新建总结), ``editor_dialog`` (打开), ``void_dialog``."""

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self.wizard = None
        self.editor_dialog = None
        self.void_dialog = None
        self._loaded = False
        self._build()
        self.model = DraftTableModel(context.db, self, query=False)
        show_sorted(self.table, self.model, COLUMN_WIDTHS, order=Qt.DescendingOrder, stretch="title")
        self.model.count_changed.connect(self._count_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel("工作总结")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(10)
        hint = QLabel("根据台账中的记录撰写年度、半年、学期工作总结和工会工作报告，每个数字都能查到来源")
        hint.setObjectName("mutedText")
        top.addWidget(hint)
        top.addStretch(1)
        outer.addLayout(top)

        actions = QHBoxLayout()
        self.new_button = QPushButton("新建总结…")
        self.new_button.setToolTip("按向导选择总结类型、期间和章节，根据台账写出草稿")
        self.new_button.clicked.connect(self.new_report)
        self.open_button = QPushButton("打开")
        self.open_button.setToolTip("打开所选草稿，继续修改、导出或打印")
        self.open_button.clicked.connect(self.open_current)
        self.void_button = QPushButton("作废…")
        self.void_button.setToolTip("作废所选草稿（填写原因；不会删除，可勾选“显示已作废”查看）")
        self.void_button.clicked.connect(self.void_current)
        for button in (self.new_button, self.open_button, self.void_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.voided_check = QCheckBox("显示已作废")
        self.voided_check.toggled.connect(self._voided_toggled)
        actions.addWidget(self.voided_check)
        outer.addLayout(actions)

        self.stack = QStackedWidget()
        self.table = list_table(self, self.open_row, fixed_rows=False)
        self.stack.addWidget(self.table)
        self.empty_label = empty_label()
        self.empty_label.setText("还没有保存的工作总结。\n点“新建总结…”，按向导几步就能根据台账写出草稿，"
                                 "数字由记录统计，可以逐个查看来源。")
        self.empty_new_button = QPushButton("新建总结…")
        self.empty_new_button.clicked.connect(self.new_report)
        self.stack.addWidget(empty_page(self.empty_label, [self.empty_new_button]))
        outer.addWidget(self.stack, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("mutedText")
        outer.addWidget(self.count_label)

    # --- loading ------------------------------------------------------------------------------------
    def showEvent(self, e) -> None:
        super().showEvent(e)
        self.ensure_loaded()

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.model.requery()

    def refresh(self, *args) -> None:
        if not self._loaded:
            return
        current = self.current_draft_id()
        self.model.refresh()
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.table.selectRow(row)

    def _voided_toggled(self, on: bool) -> None:
        self.model.set_include_voided(on)

    def _count_changed(self, count: int) -> None:
        self.stack.setCurrentIndex(0 if count or self.voided_check.isChecked() else 1)
        self.count_label.setText(f"共 {count} 份总结草稿" if count else "")
        self._selection_changed()

    def _selection_changed(self, *args) -> None:
        draft_id = self.current_draft_id()
        row = self.model.row_data(self.table.currentIndex().row()) if draft_id is not None else None
        self.open_button.setEnabled(draft_id is not None and row is not None and not row["voided_at"])
        self.void_button.setEnabled(draft_id is not None and row is not None and not row["voided_at"])

    def current_draft_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        index = rows[0] if rows else self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def select_draft(self, draft_id: int) -> bool:
        row = self.model.row_of(draft_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    # --- actions ------------------------------------------------------------------------------------
    def new_report(self):
        """Open the wizard (non-blocking); the list is read again when a draft is saved and when it closes."""
        from gonghui_desk.ui.report_wizard import ReportWizard

        wizard = ReportWizard(self.context, self, today=self._today)
        wizard.setAttribute(Qt.WA_DeleteOnClose)
        wizard.draft_saved.connect(self._draft_saved)
        wizard.finished.connect(self.refresh)
        self.wizard = wizard
        wizard.open()
        return wizard

    def _draft_saved(self, draft_id: int) -> None:
        self.ensure_loaded()
        self.refresh()
        self.select_draft(draft_id)

    def open_row(self, row: int):
        draft_id = self.model.row_id(row)
        if draft_id is None:
            return None
        data = self.model.row_data(row)
        if data is not None and data["voided_at"]:
            return None
        return self.open_draft(draft_id)

    def open_current(self):
        index = self.table.currentIndex()
        return self.open_row(index.row()) if index.isValid() else None

    def open_draft(self, draft_id: int):
        from gonghui_desk.ui.report_editor import open_draft

        dialog = open_draft(self, self.context, draft_id, today=self._today)
        if dialog is not None:
            dialog.editor.saved.connect(self.refresh)
            self.editor_dialog = dialog
        return dialog

    def void_current(self):
        draft_id = self.current_draft_id()
        if draft_id is None:
            return None
        from gonghui_desk.reports.drafts import void_draft

        title = self.model.text(self.model.row_of(draft_id), "title")
        db = self.context.db

        def apply(reason: str) -> None:
            void_draft(db, draft_id, reason)

        dialog = ReasonDialog("作废总结草稿", f"作废草稿<b>“{escape(title)}”</b>？作废后不再列出（勾选“显示已作废”可以查看），"
                              "不会删除。", apply=apply, parent=self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self.refresh)
        self.void_dialog = dialog
        dialog.open()
        return dialog
