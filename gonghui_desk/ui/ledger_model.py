"""The 慰问台账 table: a lazy, SQL-backed list of visits.

:class:`PagedIdTableModel` is the member list's pattern (``member_model.MemberTableModel``)
made generic: a filter or sort change asks SQL for the ordered ids only; rows are fetched a
page at a time when they are shown, their texts are worked out once per row, and a bounded
number of pages is cached. A list of a million visits costs a list of ints plus a few hundred
cached rows. :class:`LedgerTableModel` fills it in for the care ledger
(``care.ledger.ledger_ids`` / ``ledger_rows``).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from gonghui_desk.care.ledger import LEDGER_SORTS, LedgerFilter, ledger_ids, ledger_rows
from gonghui_desk.members import ON_ROLL_STATUSES
from gonghui_desk.money import yuan_text

ROW_ID_ROLE = int(Qt.UserRole) + 1
_DISPLAY, _TOOLTIP, _FOREGROUND, _ALIGNMENT = (int(r) for r in (Qt.DisplayRole, Qt.ToolTipRole,
                                                                 Qt.ForegroundRole, Qt.TextAlignmentRole))
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _FOREGROUND, _ALIGNMENT, ROW_ID_ROLE))
_LEFT = int(Qt.AlignLeft | Qt.AlignVCenter)
_CENTER = int(Qt.AlignCenter)
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)


class PagedIdTableModel(QAbstractTableModel):
    """A read-only table over ordered ids from SQL; rows fetched lazily a page at a time.

    Subclasses set ``COLUMNS`` ((key, header) pairs) and ``SORTS`` ({column key: sort key}) and
    implement :meth:`fetch_ids` (the ordered ids for the current filter and sort),
    :meth:`fetch_rows` (``{id: row}`` for some ids) and :meth:`prepare` (a row's texts,
    tooltips, brushes and alignments, computed once when it is first shown).
    """

    COLUMNS: tuple[tuple[str, str], ...] = ()
    SORTS: dict[str, str] = {}
    HEADER_TIPS: dict[str, str] = {}
    count_changed = Signal(int)

    def __init__(self, parent=None, *, page_size: int = 200, max_pages: int = 30,
                 order: str = "", descending: bool = False):
        super().__init__(parent)
        self.page_size = page_size
        self.max_pages = max_pages
        self._order = order
        self._descending = descending
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, list]] = OrderedDict()  # page -> {id: [row, prepared]}
        self.page_loads = 0  # how many pages were fetched (tests and profiling)
        self.column_index = {key: i for i, (key, _) in enumerate(self.COLUMNS)}

    # --- for subclasses ------------------------------------------------------------------
    def fetch_ids(self, order: str, descending: bool) -> list[int]:
        raise NotImplementedError

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        raise NotImplementedError

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        """(texts, tooltips, brushes, alignments), one entry per column."""
        raise NotImplementedError

    # --- state ---------------------------------------------------------------------------
    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._order, self._descending

    def requery(self) -> None:
        self.beginResetModel()
        self._ids = self.fetch_ids(self._order, self._descending)
        self._pages.clear()
        self.endResetModel()
        self.count_changed.emit(len(self._ids))

    def refresh(self) -> None:
        """Re-read everything (after an edit), keeping the filter and the order."""
        self.requery()

    def invalidate_rows(self) -> None:
        """The same rows with changed contents (after ticking 签收): drop the cache, repaint."""
        self._pages.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.COLUMNS) - 1))

    def sortable(self, column: int) -> bool:
        return 0 <= column < len(self.COLUMNS) and self.COLUMNS[column][0] in self.SORTS

    def sort_column(self) -> int:
        """The column showing the current order (for the header's sort indicator)."""
        for i, (key, _) in enumerate(self.COLUMNS):
            if self.SORTS.get(key) == self._order:
                return i
        return -1

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if not self.sortable(column):
            return
        key = self.SORTS[self.COLUMNS[column][0]]
        descending = order == Qt.DescendingOrder
        if (key, descending) == (self._order, self._descending):
            return
        self._order, self._descending = key, descending
        self.layoutAboutToBeChanged.emit()
        old_ids = self._ids
        self._ids = self.fetch_ids(key, descending)
        position = {rid: row for row, rid in enumerate(self._ids)}
        persistent = self.persistentIndexList()  # keep the selection on the same records
        new = []
        for index in persistent:
            row = position.get(old_ids[index.row()]) if index.row() < len(old_ids) else None
            new.append(self.index(row, index.column()) if row is not None else QModelIndex())
        self.changePersistentIndexList(persistent, new)
        self._pages.clear()
        self.layoutChanged.emit()

    # --- lookups -------------------------------------------------------------------------
    def row_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, row_id: int) -> int | None:
        try:
            return self._ids.index(row_id)
        except ValueError:
            return None

    def ids(self) -> list[int]:
        return list(self._ids)

    def row_data(self, row: int) -> dict | None:
        shown = self._shown(row)
        return shown[4] if shown is not None else None

    def text(self, row: int, key: str) -> str:
        shown = self._shown(row)
        return shown[0][self.column_index[key]] if shown is not None else ""

    @property
    def cached_pages(self) -> int:
        return len(self._pages)

    def _shown(self, row: int) -> tuple | None:
        if not 0 <= row < len(self._ids):
            return None
        page_no = row // self.page_size
        page = self._pages.get(page_no)
        if page is None:
            start = page_no * self.page_size
            rows = self.fetch_rows(self._ids[start:start + self.page_size])
            page = {rid: [r, None] for rid, r in rows.items()}
            self.page_loads += 1
            self._pages[page_no] = page
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        entry = page.get(self._ids[row])
        if entry is None:
            return None
        if entry[1] is None:
            entry[1] = (*self.prepare(entry[0]), entry[0])
        return entry[1]

    # --- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if role == _DISPLAY:
            if orientation == Qt.Horizontal:
                return self.COLUMNS[section][1] if 0 <= section < len(self.COLUMNS) else None
            return section + 1
        if role == _TOOLTIP and orientation == Qt.Horizontal and 0 <= section < len(self.COLUMNS):
            tip = self.HEADER_TIPS.get(self.COLUMNS[section][0], "")
            if self.sortable(section):
                tip = "\n".join(t for t in (tip, f"点击按“{self.COLUMNS[section][1]}”排序，再点一次倒序") if t)
            return tip or None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole) -> Any:
        if role not in _ROLES:
            return None
        shown = self._shown(index.row())
        if shown is None:
            return None
        column = index.column()
        if role == _DISPLAY:
            return shown[0][column]
        if role == _TOOLTIP:
            return shown[1][column] or None
        if role == _FOREGROUND:
            return shown[2][column]
        if role == _ALIGNMENT:
            return shown[3][column]
        return shown[4]["id"]


# (key, header) of the ledger's columns.
LEDGER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("member", "会员"),
    ("sub_unit", "部门"),
    ("occasion", "慰问类别"),
    ("recipient", "慰问对象"),
    ("event_date", "事由日期"),
    ("visit_date", "走访日期"),
    ("visitors", "走访人员"),
    ("cash", "慰问金"),
    ("goods", "慰问品"),
    ("payment_form", "发放形式"),
    ("fund_source", "经费来源"),
    ("signed", "签收"),
    ("rule", "超标"),
)
PENDING_TEXT = "待走访"
SIGNED_MARK = "✓"
RULE_MARK = "⚠"
_GREY = QBrush(QColor("#7a7a7a"))
_AMBER = QBrush(QColor("#b9770e"))
_GREEN = QBrush(QColor("#2e7d32"))
_CENTERED = {"event_date", "visit_date", "signed", "rule", "payment_form"}


class LedgerTableModel(PagedIdTableModel):
    """The visits matching a :class:`LedgerFilter`, newest first unless sorted otherwise."""

    COLUMNS = LEDGER_COLUMNS
    SORTS = {"member": "member", "sub_unit": "sub_unit", "occasion": "occasion", "visit_date": "visit_date",
             "cash": "money"}
    assert set(SORTS.values()) <= set(LEDGER_SORTS)
    HEADER_TIPS = {"cash": "慰问金，单位：元", "goods": "慰问品及折合金额（元）", "signed": "✓ 表示受慰问人已签收",
                   "rule": "⚠ 表示保存时超出慰问标准，鼠标停在上面可看原因", "visit_date": "“待走访”：已登记事由，尚未走访"}

    def __init__(self, db, parent=None, *, ledger_filter: LedgerFilter | None = None, query: bool = True, **kwargs):
        """``query=False`` starts empty: the first :meth:`set_filter` or :meth:`refresh` reads the rows."""
        kwargs.setdefault("order", "visit_date")
        kwargs.setdefault("descending", True)
        super().__init__(parent, **kwargs)
        self.db = db
        self._filter = ledger_filter or LedgerFilter()
        if query:
            self.requery()

    @property
    def ledger_filter(self) -> LedgerFilter:
        return self._filter

    def set_filter(self, ledger_filter: LedgerFilter) -> None:
        self._filter = ledger_filter
        self.requery()

    def fetch_ids(self, order: str, descending: bool) -> list[int]:
        return ledger_ids(self.db, self._filter, order=order, descending=descending)

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        return ledger_rows(self.db, ids)

    def visit_id(self, row: int) -> int | None:
        return self.row_id(row)

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        texts, tips, brushes = {}, {}, {}
        status = row.get("member_status") or ""
        texts["member"] = row["member_name"]
        if row.get("member_voided"):
            brushes["member"] = _GREY
            tips["member"] = "该会员记录已作废"
        elif status and status not in ON_ROLL_STATUSES:
            brushes["member"] = _GREY
            tips["member"] = f"现状态：{status}"
        elif status == "退休":
            tips["member"] = "退休会员"
        texts["sub_unit"] = row.get("sub_unit_path") or ""
        tips["sub_unit"] = texts["sub_unit"]
        texts["occasion"] = row["occasion_name"]
        if row.get("campaign_name"):
            tips["occasion"] = f"批量慰问：{row['campaign_name']}"
        relation = row.get("recipient_relation") or "本人"
        texts["recipient"] = relation if relation == "本人" else f"{relation} {row.get('recipient_name') or ''}".strip()
        texts["event_date"] = row.get("event_date") or ""
        if row.get("visit_date"):
            texts["visit_date"] = row["visit_date"]
        else:
            texts["visit_date"] = PENDING_TEXT
            brushes["visit_date"] = _AMBER
            tips["visit_date"] = "已登记事由，尚未走访"
        visitors = row.get("visitors") or ""
        texts["visitors"] = visitors + ("（党政领导参加）" if row.get("leader_went") else "")
        tips["visitors"] = texts["visitors"]
        texts["cash"] = yuan_text(row.get("cash_fen")) if row.get("cash_fen") else ""
        goods = row.get("goods_desc") or ""
        if row.get("goods_value_fen"):
            goods += f"（{yuan_text(row['goods_value_fen'])}元）"
        texts["goods"] = goods
        tips["goods"] = goods
        texts["payment_form"] = row.get("payment_form") or ""
        texts["fund_source"] = row.get("fund_source") or ""
        texts["signed"] = SIGNED_MARK if row.get("signed") else ""
        brushes["signed"] = _GREEN
        if row.get("rule_warnings"):
            texts["rule"] = RULE_MARK
            brushes["rule"] = _AMBER
            tips["rule"] = f"保存时的提醒：{row['rule_warnings']}\n原因：{row.get('override_reason') or '（未填）'}"
        else:
            texts["rule"] = ""
        if row.get("notes"):
            tips["member"] = "；".join(t for t in (tips.get("member"), f"备注：{row['notes']}") if t)
        keys = [key for key, _ in LEDGER_COLUMNS]
        alignments = tuple(_CENTER if k in _CENTERED else _RIGHT if k == "cash" else _LEFT for k in keys)
        return (tuple(texts.get(k, "") for k in keys), tuple(tips.get(k, "") for k in keys),
                tuple(brushes.get(k) for k in keys), alignments)


__all__ = ["PagedIdTableModel", "LedgerTableModel", "LEDGER_COLUMNS", "ROW_ID_ROLE", "PENDING_TEXT",
           "SIGNED_MARK", "RULE_MARK"]
