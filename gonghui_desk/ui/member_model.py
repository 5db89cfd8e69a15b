"""Table models for members: the lazy, SQL-backed member list and a small list-of-dicts model.

:class:`MemberTableModel` never holds the whole table. A filter or sort change asks SQL for
the ordered ids of the matching members (``member_queries.member_ids``); the rows on screen
are fetched a page at a time (``member_queries.member_rows``) and a bounded number of pages
is cached, so 100,000 members cost a list of ints plus a few hundred cached rows.

Search-as-you-type: the ordered ids of the filter *without* its search text are kept, and a
keystroke only asks SQL for the unordered set of matching ids (``matching_ids``, one scan
without a sort) and keeps the base ids that are in it, whatever the list is sorted by; typing
more letters re-checks only the previous matches. Clearing the search costs nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import replace
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from gonghui_desk.dates import age_on, parse_date
from gonghui_desk.db import member_queries
from gonghui_desk.db.member_queries import MemberFilter
from gonghui_desk.idcard import mask_id_number, mask_phone
from gonghui_desk.members import ON_ROLL_STATUSES
from gonghui_desk.union import sub_unit_paths

# (key, header) of the list's columns; the key is also the sort key of member_queries.SORT_COLUMNS.
MEMBER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"),
    ("sex", "性别"),
    ("age", "年龄"),
    ("sub_unit", "部门"),
    ("id_number", "身份证号"),
    ("phone", "手机号"),
    ("political_status", "政治面貌"),
    ("employment_type", "用工形式"),
    ("join_date", "入会日期"),
    ("status", "状态"),
)
COLUMN_INDEX = {key: i for i, (key, _) in enumerate(MEMBER_COLUMNS)}

MEMBER_ID_ROLE = int(Qt.UserRole) + 1
# Below this many previous matches, a longer search text re-checks only those rows.
NARROW_LIMIT = 40000
_CENTERED = {"sex", "age", "join_date", "status"}
_ALIGNMENTS = tuple(int(Qt.AlignCenter) if key in _CENTERED else None for key, _ in MEMBER_COLUMNS)
_STATUS_COLUMN = COLUMN_INDEX["status"]
_SUB_UNIT_COLUMN = COLUMN_INDEX["sub_unit"]
_GREY_BRUSH = QBrush(QColor("#7a7a7a"))
_VOID_BRUSH = QBrush(QColor("#a33"))
# data() is called for every role of every visible cell: compare plain ints, answer few roles.
_DISPLAY, _TOOLTIP, _FOREGROUND, _ALIGNMENT = (int(r) for r in (Qt.DisplayRole, Qt.ToolTipRole, Qt.ForegroundRole,
                                                                 Qt.TextAlignmentRole))
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _FOREGROUND, _ALIGNMENT, MEMBER_ID_ROLE))


class MemberTableModel(QAbstractTableModel):
    """The member list: ordered ids from SQL, rows fetched lazily a page at a time."""

    count_changed = Signal(int)

    def __init__(self, db, parent=None, *, member_filter: MemberFilter | None = None, page_size: int = 200,
                 max_pages: int = 30, today: dt.date | None = None):
        super().__init__(parent)
        self.db = db
        self.page_size = page_size
        self.max_pages = max_pages
        self._today = today
        self._filter = member_filter or MemberFilter()
        self._order = "name"
        self._descending = False
        self._masked = True
        self._ids: list[int] = []
        self._base_ids: list[int] = []
        self._matches: set[int] | None = None  # ids matching the current search
        self._matches_for = ""
        self._positions: dict[int, int] | None = None  # member id -> row in _base_ids
        self._pages: OrderedDict[int, dict[int, list]] = OrderedDict()  # page -> {id: [row, prepared]}
        self._paths: dict[int, str] = {}
        self.page_loads = 0  # how many pages were fetched (tests and profiling)
        self.requery()

    # --- state -----------------------------------------------------------------------
    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    @property
    def member_filter(self) -> MemberFilter:
        return self._filter

    @property
    def masked(self) -> bool:
        return self._masked

    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._order, self._descending

    def set_filter(self, member_filter: MemberFilter) -> None:
        only_search_changed = replace(member_filter, search="") == replace(self._filter, search="")
        self._filter = member_filter
        if only_search_changed:
            self.beginResetModel()
            self._apply_search()
            self.endResetModel()
            self.count_changed.emit(len(self._ids))
        else:
            self.requery()

    def set_search(self, text: str) -> None:
        self.set_filter(replace(self._filter, search=text))

    def set_masked(self, masked: bool) -> None:
        if masked == self._masked:
            return
        self._masked = masked
        self._pages.clear()  # the prepared texts of the cached pages show the old form
        if self._ids:
            for key in ("id_number", "phone"):
                col = COLUMN_INDEX[key]
                self.dataChanged.emit(self.index(0, col), self.index(len(self._ids) - 1, col),
                                      [Qt.DisplayRole, Qt.ToolTipRole])

    def refresh(self) -> None:
        """Re-read everything (after an edit or import), keeping the filter and the order."""
        self.requery()

    def requery(self) -> None:
        self.beginResetModel()
        self._paths = sub_unit_paths(self.db)
        self._base_ids = self._ordered_base_ids(self._order, self._descending)
        self._matches = None  # the rows may have changed
        self._apply_search()
        self.endResetModel()
        self.count_changed.emit(len(self._ids))

    def _ordered_base_ids(self, order: str, descending: bool) -> list[int]:
        self._positions = None
        return member_queries.member_ids(self.db, replace(self._filter, search=""), order=order,
                                         descending=descending, today=self.today)

    def _apply_search(self) -> None:
        self._pages.clear()
        search = self._filter.search
        if not search.split():
            self._matches, self._matches_for = None, ""
            self._ids = self._base_ids
            return
        within = None
        if (self._matches is not None and len(self._matches) <= NARROW_LIMIT
                and member_queries.search_narrows(self._matches_for, search)):
            within = self._matches  # typing more letters: only the previous matches can match
        matches = member_queries.matching_ids(self.db, self._filter, today=self.today, within=within)
        self._matches, self._matches_for = matches, search
        if len(matches) == len(self._base_ids):
            self._ids = self._base_ids
        elif len(matches) * 8 < len(self._base_ids):
            position = self._base_positions()
            self._ids = sorted((i for i in matches if i in position), key=position.__getitem__)
        else:
            self._ids = [i for i in self._base_ids if i in matches]

    def _base_positions(self) -> dict[int, int]:
        if self._positions is None:
            self._positions = {mid: row for row, mid in enumerate(self._base_ids)}
        return self._positions

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if not 0 <= column < len(MEMBER_COLUMNS):
            return
        key = MEMBER_COLUMNS[column][0]
        descending = order == Qt.DescendingOrder
        if (key, descending) == (self._order, self._descending):
            return
        self._order, self._descending = key, descending
        self.layoutAboutToBeChanged.emit()
        old_ids = self._ids
        self._base_ids = self._ordered_base_ids(key, descending)
        if self._filter.search.split():
            kept = set(old_ids)
            self._ids = [i for i in self._base_ids if i in kept]
        else:
            self._ids = self._base_ids
        # Keep persistent indexes (the selection) on the same members.
        position = {mid: row for row, mid in enumerate(self._ids)}
        persistent = self.persistentIndexList()
        new = []
        for index in persistent:
            row = position.get(old_ids[index.row()]) if index.row() < len(old_ids) else None
            new.append(self.index(row, index.column()) if row is not None else QModelIndex())
        self.changePersistentIndexList(persistent, new)
        self._pages.clear()
        self.layoutChanged.emit()

    # --- lookups ---------------------------------------------------------------------
    def member_id(self, row: int) -> int | None:
        if 0 <= row < len(self._ids):
            return self._ids[row]
        return None

    def row_of(self, member_id: int) -> int | None:
        try:
            return self._ids.index(member_id)
        except ValueError:
            return None

    def member_ids(self) -> list[int]:
        return list(self._ids)

    def row_data(self, row: int) -> dict | None:
        """The list columns of the member on ``row`` (fetching its page if needed)."""
        shown = self._shown(row)
        return shown[3] if shown is not None else None

    def _shown(self, row: int) -> tuple | None:
        """(id, texts, brushes, raw row) of the member on ``row``; its page is fetched if needed.

        The texts are worked out once, when the row is first shown: a repaint asks data() some
        2,000 times, so each call must be little more than a tuple lookup.
        """
        if not 0 <= row < len(self._ids):
            return None
        page_no = row // self.page_size
        page = self._pages.get(page_no)
        if page is None:
            start = page_no * self.page_size
            rows = member_queries.member_rows(self.db, self._ids[start:start + self.page_size])
            page = {mid: [r, None] for mid, r in rows.items()}  # [raw row, prepared on first show]
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
            entry[1] = self._prepare(entry[0])
        return entry[1]

    def _prepare(self, row: dict) -> tuple:
        texts = tuple(self.display_text(row, key) for key, _ in MEMBER_COLUMNS)
        brushes: list[QBrush | None] = [None] * len(MEMBER_COLUMNS)
        if row.get("voided_at"):
            brushes = [_GREY_BRUSH] * len(MEMBER_COLUMNS)
            brushes[_STATUS_COLUMN] = _VOID_BRUSH
        elif row.get("status") not in ON_ROLL_STATUSES:
            brushes[_STATUS_COLUMN] = _GREY_BRUSH
        return row["id"], texts, tuple(brushes), row

    @property
    def cached_pages(self) -> int:
        return len(self._pages)

    # --- Qt model interface ------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(MEMBER_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if role == _DISPLAY:
            if orientation == Qt.Horizontal:
                return MEMBER_COLUMNS[section][1] if 0 <= section < len(MEMBER_COLUMNS) else None
            return section + 1
        if role == _TOOLTIP and orientation == Qt.Horizontal and 0 <= section < len(MEMBER_COLUMNS):
            return f"点击按“{MEMBER_COLUMNS[section][1]}”排序，再点一次倒序"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole) -> Any:
        if role not in _ROLES:
            return None
        shown = self._shown(index.row())
        if shown is None:
            return None
        if role == _DISPLAY:
            return shown[1][index.column()]
        if role == _FOREGROUND:
            return shown[2][index.column()]
        if role == _ALIGNMENT:
            return _ALIGNMENTS[index.column()]
        if role == MEMBER_ID_ROLE:
            return shown[0]
        column = index.column()
        return shown[1][column] if column == _SUB_UNIT_COLUMN else None  # the tooltip: a long path

    def display_text(self, row: dict, key: str) -> str:
        if key == "age":
            birth = row.get("birth_date")
            if not birth:
                return ""
            try:
                day = parse_date(birth)
            except ValueError:
                return ""
            return str(age_on(day, self.today)) if day else ""
        if key == "sub_unit":
            return self._paths.get(row.get("sub_unit_id"), "")
        if key == "id_number":
            number = row.get("id_number") or ""
            return mask_id_number(number) if self._masked else number
        if key == "phone":
            phone = row.get("phone") or ""
            return mask_phone(phone) if self._masked else phone
        if key == "status":
            return "已作废" if row.get("voided_at") else (row.get("status") or "")
        value = row.get(key)
        return "" if value is None else str(value)


class RecordTableModel(QAbstractTableModel):
    """A read-only table over a short list of dicts (status history, history entries…).

    ``columns`` is a sequence of (key, header); a key may also be a callable ``row -> text``.
    ``colour`` optionally returns a QColor for a row's text.
    """

    def __init__(self, columns: Sequence[tuple[Any, str]], rows: Sequence[Any] = (), parent=None, *,
                 colour: Callable[[Any], QColor | None] | None = None,
                 tooltip: Callable[[Any], str] | None = None):
        super().__init__(parent)
        self._columns = list(columns)
        self._rows = list(rows)
        self._colour = colour
        self._tooltip = tooltip

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_object(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section][1]
        return None

    def text(self, row: int, column: int) -> str:
        record = self._rows[row]
        key = self._columns[column][0]
        if callable(key):
            value = key(record)
        elif isinstance(record, dict):
            value = record.get(key)
        else:
            value = getattr(record, key, None)
        return "" if value is None else str(value)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ForegroundRole and self._colour is not None:
            colour = self._colour(self._rows[index.row()])
            return QBrush(colour) if colour is not None else None
        if role == Qt.ToolTipRole:
            if self._tooltip is not None:
                return self._tooltip(self._rows[index.row()])
            return self.text(index.row(), index.column())
        return None

