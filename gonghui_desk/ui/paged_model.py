"""A lazy, SQL-backed table: ordered ids from SQL, rows fetched a page at a time.

A filter or sort change asks SQL for the ordered ids only; rows are fetched a page at a time
when they are shown, their texts are worked out once per row (a repaint asks ``data()`` some
2,000 times, so each call must be little more than a tuple lookup), and a bounded number of
pages is cached. A list of a million rows costs a list of ints plus a few hundred cached rows.
The member list and the care ledger are built on it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

ROW_ID_ROLE = int(Qt.UserRole) + 1
_DISPLAY, _TOOLTIP, _FOREGROUND, _ALIGNMENT = (int(r) for r in (Qt.DisplayRole, Qt.ToolTipRole,
                                                                 Qt.ForegroundRole, Qt.TextAlignmentRole))
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _FOREGROUND, _ALIGNMENT, ROW_ID_ROLE))
LEFT = int(Qt.AlignLeft | Qt.AlignVCenter)
CENTER = int(Qt.AlignCenter)
RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)


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


class FilteredTableModel(PagedIdTableModel):
    """A :class:`PagedIdTableModel` over the rows matching a filter (a dataclass of the core module):
    :meth:`set_filter` reads them again. ``query=False`` starts empty: the first :meth:`set_filter` or
    :meth:`refresh` reads the rows. Subclasses read ``self.db`` and ``self._filter`` in :meth:`fetch_ids`;
    what else the first query needs they set before calling ``__init__``."""

    def __init__(self, db, row_filter, parent=None, *, query: bool = True, **kwargs):
        super().__init__(parent, **kwargs)
        self.db = db
        self._filter = row_filter
        if query:
            self.requery()

    def set_filter(self, row_filter) -> None:
        self._filter = row_filter
        self.requery()
