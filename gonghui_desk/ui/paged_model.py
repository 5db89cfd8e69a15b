"""A lazy, SQL-backed table: rows fetched a page at a time, from ordered ids or from a window of the query.

Two ways to know the rows, chosen by the subclass's :meth:`~PagedIdTableModel.fetch_ids` for each filter
and order:

* **ids**: the ordered ids of the matching rows (a list of ints); the rows on screen are fetched by id a
  page at a time. For short lists, and lists whose order SQL gives cheaply.
* **window**: only the number of matching rows; the rows on screen are read by their position in the
  order, a page at a time, with ``ORDER BY … LIMIT``: from the nearest page already read (keyset: the rows
  after that page's last row, or before its first, skipping the rows between with ``OFFSET``) or from the
  nearer end of the list (the last page is the first page of the reverse order). A filter change costs a
  count and a page, a sort change a page, and scrolling to the end one page, whatever the list's length;
  nothing is ever held but the cached pages. For lists of tens of thousands of rows, sorted on indexed
  expressions (see :mod:`gonghui_desk.db.windows`).

Either way a row's texts are worked out once, when first shown (a repaint asks ``data()`` some 2,000 times,
so each call must be little more than a tuple lookup), and at most ``max_pages`` pages are kept. The member
list, the ledgers, the registers and the change log are built on it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from gonghui_desk.db.windows import Window, rank, read_window, window_ids

ROW_ID_ROLE = int(Qt.UserRole) + 1
_DISPLAY, _TOOLTIP, _FOREGROUND, _ALIGNMENT = (int(r) for r in (Qt.DisplayRole, Qt.ToolTipRole,
                                                                 Qt.ForegroundRole, Qt.TextAlignmentRole))
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _FOREGROUND, _ALIGNMENT, ROW_ID_ROLE))
LEFT = int(Qt.AlignLeft | Qt.AlignVCenter)
CENTER = int(Qt.AlignCenter)
RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
KEEP_SELECTION_LIMIT = 50  # above this many records to keep on a sort, a dict of positions instead of searches


class _Page:
    """Rows of one page in display order (``[id, row, prepared]``), and for a window their positions in the
    ascending order ([low, high)) and the order values of the first and last of them."""

    __slots__ = ("entries", "low", "high", "first", "last")

    def __init__(self, entries: list, low: int = 0, high: int = 0, first=None, last=None):
        self.entries, self.low, self.high, self.first, self.last = entries, low, high, first, last

    @property
    def complete(self) -> bool:
        return self.first is not None and len(self.entries) == self.high - self.low


class PagedIdTableModel(QAbstractTableModel):
    """A read-only table over the rows of a query, fetched lazily a page at a time.

    Subclasses set ``COLUMNS`` ((key, header) pairs) and ``SORTS`` ({column key: sort key}) and
    implement :meth:`fetch_ids` (the ordered ids for the current filter and sort, or only their number
    for a window), :meth:`fetch_rows` (``{id: row}`` for some ids; ids mode), :meth:`window` (the page
    query; window mode) and :meth:`prepare` (a row's texts, tooltips, brushes and alignments, computed
    once when it is first shown). A window model needs ``self.db``.
    """

    COLUMNS: tuple[tuple[str, str], ...] = ()
    SORTS: dict[str, str] = {}
    HEADER_TIPS: dict[str, str] = {}
    count_changed = Signal(int)

    def __init__(self, parent=None, *, page_size: int = 200, max_pages: int = 10,
                 order: str = "", descending: bool = False):
        super().__init__(parent)
        self.page_size = page_size
        self.max_pages = max_pages
        self._order = order
        self._descending = descending
        self._ids: list[int] | None = []  # None: a window of _count rows
        self._count = 0
        self._window: Window | None = None
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self.page_loads = 0  # how many pages were fetched (tests and profiling)
        self.column_index = {key: i for i, (key, _) in enumerate(self.COLUMNS)}

    # --- for subclasses ------------------------------------------------------------------
    def fetch_ids(self, order: str, descending: bool) -> list[int] | int:
        """The ordered ids of the matching rows; or their number, the rows being read through :meth:`window`."""
        raise NotImplementedError

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        raise NotImplementedError

    def window(self, order: str, descending: bool) -> Window:
        """The page query of the current filter in this order (when :meth:`fetch_ids` gave a number)."""
        raise NotImplementedError

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        """(texts, tooltips, brushes, alignments), one entry per column."""
        raise NotImplementedError

    # --- state ---------------------------------------------------------------------------
    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._order, self._descending

    @property
    def windowed(self) -> bool:
        """Whether the rows are read by position (only their number known), not from a list of ids."""
        return self._ids is None

    def _take(self, result: list[int] | int) -> None:
        if isinstance(result, int):
            self._ids, self._count = None, result
        else:
            self._ids, self._count = list(result), len(result)
        self._window = None
        self._pages.clear()

    def requery(self) -> None:
        self.beginResetModel()
        self._take(self.fetch_ids(self._order, self._descending))
        self.endResetModel()
        self.count_changed.emit(self._count)

    def refresh(self) -> None:
        """Re-read everything (after an edit), keeping the filter and the order."""
        self.requery()

    def invalidate_rows(self) -> None:
        """The same rows with changed contents (after ticking 签收): drop the cache, repaint."""
        self._pages.clear()
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(self.COLUMNS) - 1))

    def sortable(self, column: int) -> bool:
        return 0 <= column < len(self.COLUMNS) and self.COLUMNS[column][0] in self.SORTS

    def sort_column(self) -> int:
        """The column showing the current order (for the header's sort indicator)."""
        for i, (key, _) in enumerate(self.COLUMNS):
            if self.SORTS.get(key) == self._order:
                return i
        return -1

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        """Sort by ``column``. With ordered ids, the persistent indexes (the view's selection) move with their
        records; in a window they keep their rows (looking each record up would cost a query): the list views
        select the same records again (``tables.show_sorted``)."""
        if not self.sortable(column):
            return
        key = self.SORTS[self.COLUMNS[column][0]]
        descending = order == Qt.DescendingOrder
        if (key, descending) == (self._order, self._descending):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old = {row: self._cached_id(row) for row in {index.row() for index in persistent}}
        self._order, self._descending = key, descending
        self._take(self.fetch_ids(key, descending))
        if self._ids is not None:
            position = ({rid: row for row, rid in enumerate(self._ids)} if len(old) > KEEP_SELECTION_LIMIT
                        else None)
            new_rows = {}
            for row, rid in old.items():
                if rid is None:
                    new_rows[row] = None
                elif position is not None:
                    new_rows[row] = position.get(rid)
                else:
                    new_rows[row] = self.row_of(rid)
        else:
            new_rows = {row: row if row < self._count else None for row in old}
        new = []
        for index in persistent:
            row = new_rows.get(index.row())
            new.append(self.index(row, index.column()) if row is not None else QModelIndex())
        self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    def _cached_id(self, row: int) -> int | None:
        """The id on ``row`` if known without a query."""
        if self._ids is not None:
            return self._ids[row] if 0 <= row < len(self._ids) else None
        page = self._pages.get(row // self.page_size)
        offset = row % self.page_size
        return page.entries[offset][0] if page is not None and offset < len(page.entries) else None

    # --- lookups -------------------------------------------------------------------------
    def row_id(self, row: int) -> int | None:
        if self._ids is not None:
            return self._ids[row] if 0 <= row < len(self._ids) else None
        entry = self._entry(row)
        return entry[0] if entry is not None else None

    def row_of(self, row_id: int) -> int | None:
        """The row showing ``row_id`` (None when it is not in the list). In a window: from the pages read, or
        counted in SQL (the rows before it in the order)."""
        if self._ids is not None:
            try:
                return self._ids.index(row_id)
            except ValueError:
                return None
        for page_no, page in self._pages.items():
            for i, entry in enumerate(page.entries):
                if entry[0] == row_id:
                    return page_no * self.page_size + i
        return self._rank(row_id)

    def row_ids(self, rows) -> list:
        """The ids on ``rows`` (a selection), in that order, those not known left out: from the pages read; in a
        window, for more rows than a few pages hold, from one query of every id in order."""
        rows = list(rows)
        if self._ids is None and len(rows) > self.page_size * 2:
            ids = self.ids()
            return [ids[row] for row in rows if 0 <= row < len(ids)]
        return [i for i in (self.row_id(row) for row in rows) if i is not None]

    def rows_of(self, row_ids) -> list[int]:
        """The rows showing ``row_ids`` (a selection to restore), those not in the list left out: in a window,
        each from the pages read or counted in SQL, or for more than a few, from one query of every id."""
        row_ids = list(row_ids)
        if self._ids is None and len(row_ids) > 3:
            position = {rid: row for row, rid in enumerate(self.ids())}
            return [position[i] for i in row_ids if i in position]
        return [row for row in (self.row_of(i) for i in row_ids) if row is not None]

    def ids(self) -> list[int]:
        """Every id in the list's order (in a window: read from SQL, for the rare caller that needs them)."""
        if self._ids is not None:
            return list(self._ids)
        return window_ids(self.db, self._current_window())

    def row_data(self, row: int) -> dict | None:
        shown = self._shown(row)
        return shown[4] if shown is not None else None

    def text(self, row: int, key: str) -> str:
        shown = self._shown(row)
        return shown[0][self.column_index[key]] if shown is not None else ""

    @property
    def cached_pages(self) -> int:
        return len(self._pages)

    def held_rows(self) -> int:
        """How many rows the model holds now: those of its cached pages (its ids are not rows)."""
        return sum(len(page.entries) for page in self._pages.values())

    def _entry(self, row: int) -> list | None:
        if not 0 <= row < self._count:
            return None
        page_no = row // self.page_size
        page = self._pages.get(page_no)
        if page is None:
            page = self._load_page(page_no)
            self.page_loads += 1
            self._pages[page_no] = page
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        offset = row - page_no * self.page_size
        return page.entries[offset] if offset < len(page.entries) else None

    def _shown(self, row: int) -> tuple | None:
        entry = self._entry(row)
        if entry is None or entry[1] is None:
            return None
        if entry[2] is None:
            entry[2] = (*self.prepare(entry[1]), entry[1])
        return entry[2]

    # --- reading pages ---------------------------------------------------------------------
    def _load_page(self, page_no: int) -> _Page:
        start = page_no * self.page_size
        stop = min(start + self.page_size, self._count)
        if self._ids is not None:
            ids = self._ids[start:stop]
            rows = self.fetch_rows(ids)
            return _Page([[rid, rows.get(rid), None] for rid in ids])
        return self._read_window(start, stop)

    def _current_window(self) -> Window:
        if self._window is None:
            self._window = self.window(self._order, self._descending)
        return self._window

    def _read_window(self, start: int, stop: int) -> _Page:
        """Rows [start, stop) of the list: from the nearest page read, or the nearer end (see the module text)."""
        w = self._current_window()
        n = self._count
        low, high = (n - stop, n - start) if w.reverse else (start, stop)  # positions in the ascending order
        anchor, skip = None, low  # from the start…
        if n - high < skip:
            skip = n - high  # …or from the end…
        for page in self._pages.values():  # …or from a page already read
            if not page.complete:
                continue
            if page.high <= low and low - page.high < skip:
                anchor, skip = (True, page.last), low - page.high
            elif page.low >= high and page.low - high < skip:
                anchor, skip = (False, page.first), page.low - high
        rows = read_window(self.db, w, n, low, high, anchor, skip)
        entries = [[row["id"], row, None] for row, _ in rows]
        first, last = (rows[0][1], rows[-1][1]) if rows else (None, None)
        if w.reverse:
            entries.reverse()
        return _Page(entries, low, high, first, last)

    def _rank(self, row_id: int) -> int | None:
        """The row of ``row_id`` in a window, counted in SQL."""
        w = self._current_window()
        position = rank(self.db, w, row_id)
        if position is None:
            return None
        return self._count - 1 - position if w.reverse else position

    # --- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

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
