"""The list pages (会员名册, 慰问台账, 帮扶台账, 困难职工档案, 荣誉, 活动竞赛, 提案): their tables and what goes
around them. :class:`ListPageMixin` is the pages' common behaviour (first loading, filtering, clearing the
filters); the functions build the search box, the table view with its sorted model, the message shown
instead of an empty list and the totals line under it. Each page keeps its own filters, columns, widths
and actions.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Mapping

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QStackedWidget, QTableView, QVBoxLayout, QWidget)

SEARCH_DELAY_MS = 250  # a search runs this long after the last keystroke
COMPACT_BUTTON_PADDING = 20  # px beside a button's text when the window is too narrow for the style's width
EMPTY_STYLE = "color: #555; font-size: 11pt;"
TOTALS_STYLE = ("QLabel#ledgerTotals { background: #f3f4f6; border: 1px solid #dcdfe4; "
                "border-radius: 4px; padding: 6px 10px; font-weight: bold; }")


def search_timer(edit: QLineEdit, search: Callable[[], object], parent: QWidget,
                 delay: int = SEARCH_DELAY_MS) -> QTimer:
    """Call ``search()`` ``delay`` ms after the last change to ``edit``'s text: one query for a word typed,
    not one a keystroke. Stop the timer when the search runs by other means."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(delay)
    timer.timeout.connect(search)
    edit.textChanged.connect(timer.start)
    return timer


def search_box(page: QWidget, placeholder: str, search: Callable[[], object], *, tip: str = "",
               minimum_width: int = 140, maximum_width: int | None = None) -> tuple[QLineEdit, QTimer]:
    """A list page's search box, with a clear button, and its :func:`search_timer`."""
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    if tip:
        edit.setToolTip(tip)
    edit.setClearButtonEnabled(True)
    edit.setMinimumWidth(minimum_width)  # shrinks first on a narrow window
    if maximum_width is not None:
        edit.setMaximumWidth(maximum_width)
    return edit, search_timer(edit, search, page)


def compact_buttons(buttons) -> None:
    """Let these buttons be as wide as the style likes when there is room, and no wider than their text
    when the window is narrow."""
    for button in buttons:
        button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) + COMPACT_BUTTON_PADDING)


class ListPageMixin:
    """What every list page shares: ``today``, reading the rows when the page is first shown, the filter
    bar's captions and combo boxes, filtering and clearing the filters.

    The page provides ``_today``, ``_loaded``, ``_applying``, ``model`` (with ``set_filter()``),
    ``search_edit``, ``search_timer``, ``current_filter()`` and ``_reset_filters()`` (back to the filters
    the page opens with, the search box aside); it may refuse to filter in ``_check_filters()``.
    """

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.ensure_loaded()

    def open_import_wizard(self, wizard):
        """Open the page's import wizard without blocking (kept as ``import_wizard``); the list is read
        again when it closes."""
        wizard.finished.connect(self._import_finished)
        self.import_wizard = wizard
        wizard.open()
        return wizard

    def _import_finished(self, *_) -> None:
        self.refresh()

    def ensure_loaded(self) -> None:
        """Read the rows if the page has not been shown yet."""
        if not self._loaded:
            self._loaded = True
            self.apply_filters()

    def apply_filters(self, *args) -> None:
        if not hasattr(self, "model") or self._applying or not self._loaded:
            return
        self.search_timer.stop()
        if self._check_filters():
            self.model.set_filter(self.current_filter())

    def _check_filters(self) -> bool:
        """Whether the filters can be applied (the page shows what is wrong when not)."""
        return True

    def clear_filters(self) -> None:
        self._applying = True
        self._reset_filters()
        self.search_edit.clear()
        self._applying = False
        self.apply_filters()

    def _caption(self, layout: QHBoxLayout, text: str, widget: QWidget) -> None:
        caption = QLabel(text)
        caption.setBuddy(widget)
        layout.addWidget(caption)
        layout.addWidget(widget)

    def _filter_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        combo.currentIndexChanged.connect(self.apply_filters)
        return combo


class MemberTableView(QTableView):
    """The list: Enter or a double-click asks to open the member under the cursor."""

    open_requested = Signal(int)  # row

    def __init__(self, parent=None):
        super().__init__(parent)
        self.doubleClicked.connect(self._double_clicked)

    def _double_clicked(self, index) -> None:
        self.open_requested.emit(index.row())

    def setModel(self, model) -> None:
        super().setModel(model)
        if model is not None:
            # Lay the rows out as soon as the list changes, in the same keystroke, instead of in a
            # delayed pass that would paint the whole table a second time.
            model.modelReset.connect(self.executeDelayedItemsLayout)

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


def list_table(page: QWidget, open_row: Callable[[int], object], *, multi: bool = False,
               context_menu: Callable | None = None, fixed_rows: bool = True) -> MemberTableView:
    """A page's read-only list: whole rows selected (several with Ctrl or Shift when ``multi``), alternating
    colours, one line a row as high as ``page``'s font allows, long texts elided; Enter or a double-click
    calls ``open_row(row)``, a right click ``context_menu(position)``. With ``fixed_rows`` the rows cannot
    be resized, their numbers stand on the right and there is no corner button."""
    table = MemberTableView()
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.ExtendedSelection if multi else QAbstractItemView.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.ElideRight)
    table.open_requested.connect(open_row)
    if context_menu is not None:
        table.setContextMenuPolicy(Qt.CustomContextMenu)
        table.customContextMenuRequested.connect(context_menu)
    vertical = table.verticalHeader()
    vertical.setDefaultSectionSize(page.fontMetrics().height() + 10)
    if fixed_rows:
        table.setCornerButtonEnabled(False)
        vertical.setSectionResizeMode(QHeaderView.Fixed)
        vertical.setDefaultAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return table


def compact_table(model, *, selection: QAbstractItemView.SelectionMode | None = None, fixed_rows: bool = False,
                  wrap: bool = False) -> QTableView:
    """A small read-only table of ``model`` in a dialog or a tab: whole rows selected (in the ``selection``
    mode when given), alternating colours, no row numbers, rows as high as the font allows (not resizable
    with ``fixed_rows``), one line a row unless ``wrap``."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    if selection is not None:
        table.setSelectionMode(selection)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(wrap)
    vertical = table.verticalHeader()
    vertical.hide()
    if fixed_rows:
        vertical.setSectionResizeMode(QHeaderView.Fixed)
    vertical.setDefaultSectionSize(table.fontMetrics().height() + 10)
    return table


def show_sorted(table: QTableView, model, widths: Mapping[str, int], *, order: Qt.SortOrder,
                sort_column: int | None = None, stretch: str | None = None,
                minimum_width: int | None = None) -> QHeaderView:
    """Put ``model`` (a :class:`~gonghui_desk.ui.paged_model.PagedIdTableModel`) in ``table``: the columns
    ``widths`` wide ({column key: pixels}), ``stretch`` taking the spare width, sorted by ``sort_column``
    (the model's own sort column when None) in ``order``. Returns the horizontal header."""
    table.setModel(model)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    for key, width in widths.items():
        header.resizeSection(model.column_index[key], width)
    if stretch is not None:
        header.setSectionResizeMode(model.column_index[stretch], QHeaderView.Stretch)
    if minimum_width is not None:
        header.setMinimumSectionSize(minimum_width)
    # the indicator before sorting is enabled, so that enabling it does not sort again
    header.setSortIndicator(model.sort_column() if sort_column is None else sort_column, order)
    # before and after the view's own sorting (slots run in the order they were connected)
    kept: list[int] = []
    header.sortIndicatorChanged.connect(lambda *_: _remember_selection(table, model, kept))
    table.setSortingEnabled(True)
    header.sortIndicatorChanged.connect(lambda *_: _select_again(table, model, kept))
    return header


KEEP_SELECTED = 20  # a sort keeps at most this many selected records selected in a windowed list


def _remember_selection(table: QTableView, model, kept: list[int]) -> None:
    """Before a sort: the ids of the selected records (at most :data:`KEEP_SELECTED`)."""
    kept.clear()
    selection = table.selectionModel()
    if selection is None or not selection.hasSelection():
        return
    rows = sorted({index.row() for index in selection.selectedIndexes()})[:KEEP_SELECTED]
    current = table.currentIndex().row()
    if current in rows:  # the current record first
        rows.remove(current)
        rows.insert(0, current)
    kept.extend(i for i in (model.row_id(row) for row in rows) if i is not None)


def _select_again(table: QTableView, model, kept: list[int]) -> None:
    """After a sort: a windowed model keeps rows, not records (see ``PagedIdTableModel.sort``): select the
    records again, found in SQL (``rows_of``)."""
    if not kept or not getattr(model, "windowed", False):
        return
    rows = model.rows_of(kept)
    kept.clear()
    selection = table.selectionModel()
    selection.clearSelection()
    if not rows:
        return
    last = model.columnCount() - 1
    for row in rows:
        selection.select(QItemSelection(model.index(row, 0), model.index(row, last)), QItemSelectionModel.Select)
    selection.setCurrentIndex(model.index(rows[0], max(table.currentIndex().column(), 0)), QItemSelectionModel.NoUpdate)


def restore_sort_indicator(table: QTableView, model) -> None:
    """After a click on a column the model cannot sort by: show the order actually used."""
    header = table.horizontalHeader()
    header.blockSignals(True)
    header.setSortIndicator(model.sort_column(), Qt.DescendingOrder if model.sort_key[1] else Qt.AscendingOrder)
    header.blockSignals(False)


def empty_label() -> QLabel:
    """The message shown in place of an empty list ("没有符合条件的…")."""
    label = QLabel()
    label.setAlignment(Qt.AlignCenter)
    label.setWordWrap(True)
    label.setStyleSheet(EMPTY_STYLE)
    return label


def empty_page(label: QLabel, buttons: list[QPushButton]) -> QWidget:
    """The message of an empty list with a row of buttons under it, a little above the middle."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addWidget(label)
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    layout.addStretch(2)
    return page


def list_stack(table: QTableView, empty: QWidget) -> QStackedWidget:
    """The table, and ``empty`` to show instead of it when the list is empty."""
    stack = QStackedWidget()
    stack.addWidget(table)
    stack.addWidget(empty)
    return stack


def totals_label(*, wrap: bool = True) -> QLabel:
    """The shaded line of totals under a list, selectable to copy."""
    label = QLabel()
    label.setObjectName("ledgerTotals")
    label.setStyleSheet(TOTALS_STYLE)
    if wrap:
        label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


__all__ = ["COMPACT_BUTTON_PADDING", "EMPTY_STYLE", "SEARCH_DELAY_MS", "TOTALS_STYLE", "ListPageMixin",
           "MemberTableView", "compact_buttons", "compact_table", "empty_label", "empty_page", "list_stack",
           "list_table", "restore_sort_indicator", "search_box", "search_timer", "show_sorted", "totals_label"]
