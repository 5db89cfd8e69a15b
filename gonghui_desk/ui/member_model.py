"""Table models for members: the lazy, SQL-backed member list and a small list-of-dicts model.

:class:`MemberTableModel` is a :class:`~gonghui_desk.ui.paged_model.PagedIdTableModel`: a filter
or sort change asks SQL for the ordered ids of the matching members
(``member_queries.member_ids``); the rows on screen are fetched a page at a time
(``member_queries.member_rows``), so 100,000 members cost a list of ints plus a few cached rows.

Search-as-you-type: the ordered ids of the filter *without* its search text are kept, and a
keystroke only asks SQL for the unordered set of matching ids (``matching_ids``, one scan
without a sort) and keeps the base ids that are in it, whatever the list is sorted by; typing
more letters re-checks only the previous matches. Clearing the search costs nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from gonghui_desk.dates import age_on, parse_date
from gonghui_desk.db import member_queries
from gonghui_desk.db.member_queries import MemberFilter
from gonghui_desk.idcard import mask_id_number, mask_phone
from gonghui_desk.members import ON_ROLL_STATUSES
from gonghui_desk.ui.paged_model import CENTER, LEFT, ROW_ID_ROLE, PagedIdTableModel
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

MEMBER_ID_ROLE = ROW_ID_ROLE
# Below this many previous matches, a longer search text re-checks only those rows.
NARROW_LIMIT = 40000
_CENTERED = {"sex", "age", "join_date", "status"}
_ALIGNMENTS = tuple(CENTER if key in _CENTERED else LEFT for key, _ in MEMBER_COLUMNS)
_STATUS_COLUMN = COLUMN_INDEX["status"]
_SUB_UNIT_COLUMN = COLUMN_INDEX["sub_unit"]
_GREY_BRUSH = QBrush(QColor("#7a7a7a"))
_VOID_BRUSH = QBrush(QColor("#a33"))


class MemberTableModel(PagedIdTableModel):
    """The member list: ordered ids from SQL, rows fetched lazily a page at a time."""

    COLUMNS = MEMBER_COLUMNS
    SORTS = {key: key for key, _ in MEMBER_COLUMNS}  # every column sorts (member_queries.SORT_COLUMNS)

    def __init__(self, db, parent=None, *, member_filter: MemberFilter | None = None, page_size: int = 200,
                 max_pages: int = 30, today: dt.date | None = None):
        super().__init__(parent, page_size=page_size, max_pages=max_pages, order="name")
        self.db = db
        self._today = today
        self._filter = member_filter or MemberFilter()
        self._masked = True
        self._base_ids: list[int] = []  # the filter's ordered ids, without its search text
        self._matches: set[int] | None = None  # ids matching the current search
        self._matches_for = ""
        self._positions: dict[int, int] | None = None  # member id -> row in _base_ids
        self._paths: dict[int, str] = {}
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

    def set_filter(self, member_filter: MemberFilter) -> None:
        only_search_changed = replace(member_filter, search="") == replace(self._filter, search="")
        self._filter = member_filter
        if only_search_changed:
            self.beginResetModel()
            self._ids = self._searched_ids()
            self._pages.clear()
            self.endResetModel()
            self.count_changed.emit(len(self._ids))
        else:
            self.requery()

    def set_search(self, text: str) -> None:
        self.set_filter(replace(self._filter, search=text))

    def set_masked(self, masked: bool) -> None:
        if masked != self._masked:
            self._masked = masked
            self.invalidate_rows()  # the prepared texts of the cached pages show the old form

    def requery(self) -> None:
        self._paths = sub_unit_paths(self.db)
        self._matches = None  # the rows may have changed
        super().requery()

    # --- PagedIdTableModel -----------------------------------------------------------
    def fetch_ids(self, order: str, descending: bool) -> list[int]:
        """The ordered ids of the filter without its search, kept by the current search."""
        self._base_ids = member_queries.member_ids(self.db, replace(self._filter, search=""), order=order,
                                                   descending=descending, today=self.today)
        self._positions = None
        return self._searched_ids()

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        return member_queries.member_rows(self.db, ids)

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        texts = tuple(self.display_text(row, key) for key, _ in MEMBER_COLUMNS)
        tooltips = tuple(texts[i] if i == _SUB_UNIT_COLUMN else "" for i in range(len(texts)))  # a long path
        brushes: list[QBrush | None] = [None] * len(MEMBER_COLUMNS)
        if row.get("voided_at"):
            brushes = [_GREY_BRUSH] * len(MEMBER_COLUMNS)
            brushes[_STATUS_COLUMN] = _VOID_BRUSH
        elif row.get("status") not in ON_ROLL_STATUSES:
            brushes[_STATUS_COLUMN] = _GREY_BRUSH
        return texts, tooltips, tuple(brushes), _ALIGNMENTS

    # --- search ------------------------------------------------------------------------
    def _searched_ids(self) -> list[int]:
        """Keep the base ids matching the search: one unordered scan instead of a sort."""
        search = self._filter.search
        if not search.split():
            self._matches, self._matches_for = None, ""
            return self._base_ids
        if self._matches is None or self._matches_for != search:
            within = None
            if (self._matches is not None and len(self._matches) <= NARROW_LIMIT
                    and member_queries.search_narrows(self._matches_for, search)):
                within = self._matches  # typing more letters: only the previous matches can match
            self._matches = member_queries.matching_ids(self.db, self._filter, today=self.today, within=within)
            self._matches_for = search
        matches = self._matches
        if len(matches) == len(self._base_ids):
            return self._base_ids
        if len(matches) * 8 < len(self._base_ids):
            position = self._base_positions()
            return sorted((i for i in matches if i in position), key=position.__getitem__)
        return [i for i in self._base_ids if i in matches]

    def _base_positions(self) -> dict[int, int]:
        if self._positions is None:
            self._positions = {mid: row for row, mid in enumerate(self._base_ids)}
        return self._positions

    # --- lookups ---------------------------------------------------------------------
    def member_id(self, row: int) -> int | None:
        return self.row_id(row)

    def member_ids(self) -> list[int]:
        return self.ids()

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

