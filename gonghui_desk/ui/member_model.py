"""Table models for members: the lazy, SQL-backed member list and a small list-of-dicts model.

:class:`MemberTableModel` is a :class:`~gonghui_desk.ui.paged_model.PagedIdTableModel` that never
holds the whole table. For each filter and order it takes the cheapest of:

* a **window** (most filters): SQL counts the matching members (one scan of the ``members_list``
  index) and the rows on screen are read a page at a time by their position in the order
  (``ORDER BY … LIMIT``, from the nearest page already read). A sort change reads one page, the count
  staying the same; scrolling to the end reads the last page. Sorting by a column is quick when an index
  has it first (``member_queries.order_terms``; the indexes are ``gonghui_desk.db.migrations.LARGE_UNION_INDEXES``);
* the **ordered ids** of a filter matching at most :data:`SMALL_LIST` members (found with the
  filter, then sorted), where walking an index in the list's order would read thousands of rows to
  find a page;
* for a **search** (search-as-you-type): in name order, the ordered ids of the matches in one scan
  of ``members_list`` (which is in name order and holds the search text); in another order, as any
  filter: the ordered ids of up to :data:`SMALL_LIST` matches, or a window. Typing more letters
  re-checks only the previous matches (up to :data:`NARROW_LIMIT`) and keeps their order. A list of
  ids is at most one int per member (100,000 ints: under 1 MB).
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
from gonghui_desk.ui.paged_model import CENTER, LEFT, ROW_ID_ROLE, PagedIdTableModel, Window

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
# A filter matching at most this many members is read as their ordered ids (see the module text).
SMALL_LIST = 2000
# Below this many previous matches, a longer search text re-checks only those rows.
NARROW_LIMIT = 5000
_CENTERED = {"sex", "age", "join_date", "status"}
_ALIGNMENTS = tuple(CENTER if key in _CENTERED else LEFT for key, _ in MEMBER_COLUMNS)
_STATUS_COLUMN = COLUMN_INDEX["status"]
_SUB_UNIT_COLUMN = COLUMN_INDEX["sub_unit"]
_GREY_BRUSH = QBrush(QColor("#7a7a7a"))
_VOID_BRUSH = QBrush(QColor("#a33"))
_LIST_COLUMNS = ", ".join(f"m.{c}" for c in member_queries.LIST_COLUMNS)


class MemberTableModel(PagedIdTableModel):
    """The member list: counted in SQL, rows read a page at a time (see the module text)."""

    COLUMNS = MEMBER_COLUMNS
    SORTS = {key: key for key, _ in MEMBER_COLUMNS}  # every column sorts (member_queries.SORT_COLUMNS)

    def __init__(self, db, parent=None, *, member_filter: MemberFilter | None = None, page_size: int = 200,
                 max_pages: int = 10, today: dt.date | None = None):
        super().__init__(parent, page_size=page_size, max_pages=max_pages, order="name")
        self.db = db
        self._today = today
        self._filter = member_filter or MemberFilter()
        self._masked = True
        # the last filter counted: (filter, count, its unordered ids when at most SMALL_LIST)
        self._counted: tuple[MemberFilter, int, list[int] | None] | None = None
        # the last search read as ids: (filter, order, descending, ordered ids) — a longer text narrows it
        self._searched: tuple[MemberFilter, str, bool, list[int]] | None = None
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
        self._filter = member_filter
        self.requery()

    def set_search(self, text: str) -> None:
        self.set_filter(replace(self._filter, search=text))

    def set_masked(self, masked: bool) -> None:
        if masked != self._masked:
            self._masked = masked
            self.invalidate_rows()  # the prepared texts of the cached pages show the old form

    def requery(self) -> None:
        """Count again (a new filter, or the rows changed; a sort keeps the count)."""
        self._paths = member_queries.cached_sub_unit_paths(self.db)
        self._counted = None
        super().requery()

    def refresh(self) -> None:
        """Re-read everything (the rows changed), keeping the filter and the order."""
        self._searched = None  # a longer search text must not narrow the old matches
        super().refresh()

    # --- PagedIdTableModel -----------------------------------------------------------
    def fetch_ids(self, order: str, descending: bool) -> list[int] | int:
        """The ordered ids of a search or of a short list, or the number of members for a window."""
        f = self._filter
        if f.search.split():
            return self._search(order, descending)
        if self._counted is None or self._counted[0] != f:  # else a new order of the same members
            self._counted = (f, *member_queries.count_or_ids(self.db, f, self.today, limit=SMALL_LIST))
        _, count, ids = self._counted
        if ids is not None:
            return member_queries.ordered_ids(self.db, ids, order=order, descending=descending)
        return count

    def window(self, order: str, descending: bool) -> Window:
        f = self._filter
        where, params = member_queries.where_clause(f, self.today, plus=True)
        # a record's row: counted in one scan (at most some 20 ms), where the index of the order would read
        # the table for every row before it
        count = (member_queries.member_source(f, order=order), *member_queries.where_clause(f, self.today))
        return Window(_LIST_COLUMNS, "members m", where, params, member_queries.order_terms(order),
                      reverse=descending != (order == "age"), count=count)

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
    def _search(self, order: str, descending: bool) -> list[int] | int:
        """The matches of a search: ordered ids in one scan, or a window (see the module text)."""
        f = self._filter
        last = self._searched
        if (last is not None and (last[1], last[2]) == (order, descending) and len(last[3]) <= NARROW_LIMIT
                and replace(last[0], search="") == replace(f, search="")
                and member_queries.search_narrows(last[0].search, f.search)):
            # typing more letters: only the previous matches can match, and they are in order
            found = member_queries.matching_ids(self.db, f, today=self.today, within=last[3])
            ids = [i for i in last[3] if i in found]
        elif order == "name":
            ids = member_queries.scanned_ids(self.db, f, order=order, descending=descending, today=self.today)
        else:
            count, found_ids = member_queries.count_or_ids(self.db, f, self.today, limit=SMALL_LIST)
            if found_ids is None:
                self._searched = None
                return count
            ids = member_queries.ordered_ids(self.db, found_ids, order=order, descending=descending)
        self._searched = (f, order, descending, ids)
        return ids

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

