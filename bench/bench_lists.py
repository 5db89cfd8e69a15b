"""The big lists on the large database: each operation timed against a floor measured in the same run.

    python bench/bench_lists.py DB [--members-only | --others-only]

``bench_member_list(db_path)`` and ``bench_other_lists(db_path)`` return rows of
``(operation, seconds, floor_seconds, floor_name)`` for ``bench/run.py``'s table. They run in this process with an
offscreen ``QApplication``: a view is built on an :class:`AppContext`, shown at 1200 × 700, and each operation is
the user's action (a keystroke, a filter combo changed, a column header clicked, the scroll bar dragged to the
end) followed by a repaint of the visible rows and ``processEvents()`` — the model's re-query, its row fetch and
the paint. Each is the best of a few repeats. The target is an absolute one, under 50 ms.

Floors are the bare SQL of the same query, run on the view's own connection:

* keystroke: the SQL count of the same search (as ``bench/run.py``'s search row);
* filter change: the SQL count of the new filter plus the first screen of its rows in the list's order;
* sort: the first screen of rows in the new order (``ORDER BY … LIMIT``);
* scroll to the end: the last screen of rows (``ORDER BY … DESC LIMIT``); the operation's name says how many
  rows the model held afterwards (a bounded window of pages, never the whole table).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

Row = tuple[str, float, float, str]
REPEAT = 3
SCREEN = 40  # rows of a screen, for the floors (a 700 px high list shows about 25)
SEARCH_KEYS = ("z", "zh", "zha", "zhan", "zhang", "")


def _app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _best(fn: Callable[[], object], repeat: int | None = None, before: Callable[[], object] | None = None) -> float:
    """The best of ``repeat`` (default :data:`REPEAT`) timings of ``fn`` (``before`` runs untimed before each)."""
    times = []
    for _ in range(repeat or REPEAT):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _sql(db, sql: str, params=()) -> Callable[[], object]:
    return lambda: db.execute(sql, list(params)).fetchall()


def _show(view):
    app = _app()
    view.resize(1200, 700)
    view.show()
    app.processEvents()
    return view


def _paint(view) -> None:
    view.repaint()
    _app().processEvents()


def _held_rows(model) -> int:
    """The rows a lazy list model holds now (cached pages' rows plus the ids it keeps, if any)."""
    held = getattr(model, "held_rows", None)
    if callable(held):
        return held()
    if hasattr(model, "_entries"):  # a list read a page at a time as the view scrolls (fetchMore)
        return len(model._entries)
    pages = getattr(model, "_pages", {})
    return sum(len(page) for page in pages.values())


def _held_ids(model) -> int:
    ids = getattr(model, "_ids", None)
    return len(ids) if ids is not None else 0


def _scroll_to_end(view, table, model, floor: Callable[[], object], label: str) -> Row:
    """Drag the list's scroll bar to the end (from the top, untimed), repaint; the rows held afterwards."""
    def top():
        table.scrollToTop()
        _paint(view)

    def end():
        table.scrollToBottom()
        _paint(view)

    seconds = _best(end, before=top)
    rows, ids = _held_rows(model), _held_ids(model)
    held = f"{rows} rows held" + (f" + {ids} ids" if ids else "") + f" of {model.rowCount()}"
    return (f"{label}: scroll to end ({held})", seconds, _best(floor), "SQL: last screen of rows")


# --- the member list ------------------------------------------------------------------------------------------
def _member_sql(model, member_filter, *, limit: int | None = None, last: bool = False) -> tuple[str, list]:
    """The bare SQL of the member list's rows for ``member_filter`` in the model's order."""
    from gonghui_desk.db.member_queries import LIST_COLUMNS, SORT_COLUMNS, where_clause

    order, descending = model.sort_key
    where, params = where_clause(member_filter, model.today)
    column = SORT_COLUMNS.get(order, "m.name_sort")
    if order == "age":
        descending = not descending
    if last:
        descending = not descending
    direction = "DESC" if descending else "ASC"
    tie = "" if column == "m.name_sort" else f", m.name_sort {direction}"
    cols = ", ".join(f"m.{c}" for c in LIST_COLUMNS)
    sql = f"SELECT {cols} FROM members m WHERE {where} ORDER BY {column} {direction}{tie}, m.id {direction}"
    return (sql + f" LIMIT {limit}" if limit else sql), params


def bench_member_list(db_path, repeat: int | None = None) -> list[Row]:
    """The 会员 page on ``db_path``: search keystrokes, every filter's every choice, a sort by every column both
    ways, and the scroll bar dragged to the end; each timing the best of ``repeat`` (default :data:`REPEAT`)."""
    global REPEAT
    REPEAT = repeat or REPEAT
    from PySide6.QtCore import Qt

    from gonghui_desk import modules
    from gonghui_desk.db.member_queries import MemberFilter, count_members
    from gonghui_desk.members import ON_ROLL_STATUSES
    from gonghui_desk.ui.app_context import AppContext
    from gonghui_desk.ui.members_view import MembersView

    modules.load()
    app = _app()
    context = AppContext(db_path)
    db = context.db
    results: list[Row] = []
    try:
        start = time.perf_counter()
        view = _show(MembersView(context))
        opened = time.perf_counter() - start
        model, table = view.model, view.table
        first = _member_sql(model, MemberFilter(status=ON_ROLL_STATUSES), limit=SCREEN)
        results.append(("member list: open the page", opened,
                        _best(lambda: (count_members(db, MemberFilter(status=ON_ROLL_STATUSES)), _sql(db, *first)())),
                        "SQL: count + first screen"))

        # search as you type: one keystroke at a time, as bench/run.py
        def type_all(times: list[float]):
            for text in SEARCH_KEYS:
                start = time.perf_counter()
                view.set_search_text(text)
                _paint(view)
                times.append(time.perf_counter() - start)

        runs = []
        for _ in range(REPEAT):
            times: list[float] = []
            type_all(times)
            runs.append(times)
        per_key = [min(run[i] for run in runs) for i in range(len(SEARCH_KEYS))]
        floors = [_best(lambda t=t: count_members(db, MemberFilter(search=t, status=ON_ROLL_STATUSES)))
                  for t in SEARCH_KEYS]
        results.append(("member list: search keystroke (mean)", statistics.mean(per_key), statistics.mean(floors),
                        "SQL count of the same search"))
        worst = max(range(len(SEARCH_KEYS)), key=per_key.__getitem__)
        results.append((f"member list: search keystroke (worst, {SEARCH_KEYS[worst]!r})", per_key[worst],
                        floors[worst], "SQL count of the same search"))

        # every filter's every choice, from the page's default filters
        combos = {"状态": view.status_combo, "部门": view.sub_unit_combo, "性别": view.sex_combo,
                  "年龄段": view.age_combo, "农民工": view.migrant_combo, "劳模": view.model_worker_combo}
        filter_rows = []
        for label, combo in combos.items():
            choices = range(1, combo.count()) if label != "部门" else range(1, min(combo.count(), 6))
            for i in choices:
                def change(combo=combo, i=i):
                    combo.setCurrentIndex(i)
                    _paint(view)

                def reset(combo=combo):
                    combo.setCurrentIndex(0)
                    _paint(view)

                seconds = _best(change, before=reset)
                member_filter = view.current_filter()
                sql = _member_sql(model, member_filter, limit=SCREEN)
                floor = _best(lambda f=member_filter, sql=sql: (count_members(db, f, model.today), _sql(db, *sql)()))
                filter_rows.append((f"{label}={combo.itemText(i).strip()}", seconds, floor))
                reset()
        typical = sorted(filter_rows, key=lambda r: r[1])[len(filter_rows) // 2]
        worst = max(filter_rows, key=lambda r: r[1])
        floor_name = "SQL: count + first screen of the filter"
        results.append((f"member list: filter change (median, {typical[0]})", typical[1], typical[2], floor_name))
        results.append((f"member list: filter change (worst, {worst[0]})", worst[1], worst[2], floor_name))

        # a click on every column header, both ways, from the name order
        sort_rows = []
        for column, (key, header) in enumerate(model.COLUMNS):
            for order in (Qt.AscendingOrder, Qt.DescendingOrder):
                if column == 0 and order == Qt.AscendingOrder:
                    continue

                def click(column=column, order=order):
                    table.sortByColumn(column, order)
                    _paint(view)

                def back():
                    table.sortByColumn(0, Qt.AscendingOrder)
                    _paint(view)

                seconds = _best(click, before=back)
                table.sortByColumn(column, order)
                sql = _member_sql(model, model.member_filter, limit=SCREEN)
                floor = _best(_sql(db, *sql))
                arrow = "↑" if order == Qt.AscendingOrder else "↓"
                sort_rows.append((f"{header}{arrow}", seconds, floor))
        table.sortByColumn(0, Qt.AscendingOrder)
        typical = sorted(sort_rows, key=lambda r: r[1])[len(sort_rows) // 2]
        worst = max(sort_rows, key=lambda r: r[1])
        results.append((f"member list: sort (median, {typical[0]})", typical[1], typical[2],
                        "SQL: first screen in that order"))
        results.append((f"member list: sort (worst, {worst[0]})", worst[1], worst[2],
                        "SQL: first screen in that order"))

        last = _member_sql(model, model.member_filter, limit=SCREEN, last=True)
        results.append(_scroll_to_end(view, table, model, _sql(db, *last), "member list"))
        view.close()
    finally:
        context.close()
    app.processEvents()
    return results


# --- the other big lists -----------------------------------------------------------------------------------
def _dataset_today(db) -> dt.date:
    """The last day of the year of the newest visit or payment: the benchmark database's "today" (its 本年 has
    rows)."""
    newest = db.execute("SELECT max(d) FROM (SELECT max(visit_date) AS d FROM visits UNION ALL "
                        "SELECT max(paid_on) FROM aid_payments)").fetchone()[0]
    return dt.date(int(newest[:4]), 12, 31) if newest else dt.date.today()


def _combo_choices(combo, limit: int = 6) -> list[int]:
    return [i for i in range(combo.count()) if i != combo.currentIndex()][:limit]


def _page_rows(label: str, view, table, model, *, combos: dict, checks: dict = (), search=None,
               floor: Callable[[], Callable[[], object]] | None = None, floor_name: str = "") -> list[Row]:
    """Every filter choice (combos: {caption: combo}; checks: {caption: check box}), a sort by every sortable
    column both ways, one search and the scroll bar dragged to the end, on a shown list page. ``floor()``
    gives, for the model's current filter and order, a function running the bare SQL of the page (count and
    first screen)."""
    from PySide6.QtCore import Qt

    results: list[Row] = []
    measure_floor = (lambda: _best(floor())) if floor is not None else (lambda: 0.0)
    changes = []
    for caption, combo in combos.items():
        start = combo.currentIndex()
        for i in _combo_choices(combo):
            def change(combo=combo, i=i):
                combo.setCurrentIndex(i)
                _paint(view)

            def reset(combo=combo, start=start):
                combo.setCurrentIndex(start)
                _paint(view)
                _settle(view)

            seconds = _best(change, before=reset)
            _settle(view)
            changes.append((f"{caption}={combo.itemText(i).strip()}", seconds, measure_floor()))
            reset()
    for caption, check in dict(checks).items():
        def toggle(check=check):
            check.setChecked(not check.isChecked())
            _paint(view)

        seconds = _best(toggle, before=lambda check=check: (check.setChecked(False), _paint(view), _settle(view)))
        _settle(view)
        changes.append((caption, seconds, measure_floor()))
        check.setChecked(False)
        _paint(view)
    if changes:
        typical = sorted(changes, key=lambda r: r[1])[len(changes) // 2]
        worst = max(changes, key=lambda r: r[1])
        results.append((f"{label}: filter change (median, {typical[0]})", typical[1], typical[2], floor_name))
        results.append((f"{label}: filter change (worst, {worst[0]})", worst[1], worst[2], floor_name))

    if search is not None:
        edit, text = search

        def typed():
            edit.setText(text)
            view.apply_filters()  # what the search box's timer does after the last keystroke
            _paint(view)

        def cleared():
            edit.setText("")
            view.apply_filters()
            _paint(view)
            _settle(view)

        seconds = _best(typed, before=cleared)
        _settle(view)
        results.append((f"{label}: search {text!r}", seconds, measure_floor(), floor_name))
        cleared()

    header = table.horizontalHeader()
    start_column = header.sortIndicatorSection()
    start_order = header.sortIndicatorOrder()
    sorts = []
    for column in range(model.columnCount()):
        if not getattr(model, "sortable", lambda c: False)(column):
            continue
        for order in (Qt.AscendingOrder, Qt.DescendingOrder):
            if (column, order) == (start_column, start_order):
                continue

            def click(column=column, order=order):
                table.sortByColumn(column, order)
                _paint(view)

            def back():
                table.sortByColumn(start_column, start_order)
                _paint(view)

            seconds = _best(click, before=back)
            table.sortByColumn(column, order)
            arrow = "↑" if order == Qt.AscendingOrder else "↓"
            sorts.append((f"{model.headerData(column, Qt.Horizontal)}{arrow}", seconds, measure_floor()))
    table.sortByColumn(start_column, start_order)
    _paint(view)
    if sorts:
        typical = sorted(sorts, key=lambda r: r[1])[len(sorts) // 2]
        worst = max(sorts, key=lambda r: r[1])
        results.append((f"{label}: sort (median, {typical[0]})", typical[1], typical[2], floor_name))
        results.append((f"{label}: sort (worst, {worst[0]})", worst[1], worst[2], floor_name))

    results.append(_scroll_to_end(view, table, model, floor() if floor else (lambda: None), label))
    return results


def _open(label: str, make, floor=None, floor_name: str = ""):
    """Build and show a page (its first reading of the rows included): (row, view)."""
    start = time.perf_counter()
    view = _show(make())
    seconds = time.perf_counter() - start
    _settle(view)
    return (f"{label}: open the page", seconds, _best(floor()) if floor else 0.0, floor_name), view


def _settle(view) -> None:
    """Let a worker's sums of a large ledger finish (they follow the list, not timed) before the next step."""
    if hasattr(view, "wait_for_totals"):
        view.wait_for_totals()
    _app().processEvents()


def _ledger_floor(db, model, count_rows, module=None):
    """The bare SQL of a ledger's page: the count of its filter (``count_rows(filter)``) and its first screen
    in its order (the page query, LIMIT a screen). (With the code before issue 11: the module's count and its
    rows query, LIMIT a screen.)"""
    try:
        from gonghui_desk.db.windows import read_window
    except ImportError:  # the code before issue 11
        def floor():
            where, params = module.where_clause(model.ledger_filter)
            order, descending = model.sort_key
            table = "visits v" if "visits" in module._ROW_SQL.split("FROM")[1][:40] else "aid_payments a"
            count = f"SELECT count(*) FROM {table} WHERE {where}"
            rows = f"{module._ROW_SQL} WHERE {where} ORDER BY {module._order_by(order, descending)} LIMIT {SCREEN}"
            return lambda: (db.execute(count, params).fetchall(), db.execute(rows, params).fetchall())
        return floor

    def floor():
        f = model.ledger_filter
        order, descending = model.sort_key
        window = model.window(order, descending) if model.windowed else None

        def run():
            count = count_rows(f)
            n = model.rowCount()
            if window is not None and n:  # the screen shown first: the end of the ascending order when reversed
                low = max(n - SCREEN, 0) if window.reverse else 0
                read_window(db, window, n, low, min(low + SCREEN, n), None, n - min(low + SCREEN, n)
                            if window.reverse else low)
            return count
        return run
    return floor


def _ids_floor(model):
    """The bare SQL of a page read as ordered ids: the model's query of the ids in its order (the core module's
    function) and the rows of the first screen."""
    def floor():
        order, descending = model.sort_key

        def run():
            ids = model.fetch_ids(order, descending)
            return model.fetch_rows(list(ids[:SCREEN])) if isinstance(ids, list) else ids
        return run
    return floor


IDS_FLOOR = "SQL: ordered ids + first screen"


def bench_other_lists(db_path, only: str = "", repeat: int | None = None) -> list[Row]:
    """The other big lists on ``db_path``: 慰问台账, 帮扶台账, 困难职工档案, 活动竞赛 and the entries of its largest
    event, 提案 (the largest session), 回收站 and 修改记录; each opened, filtered by every choice, sorted by every
    sortable column both ways, searched and scrolled to the end. "Today" is the end of the newest record's year
    so that each page's default period (本年) has rows. Each timing the best of ``repeat`` (default
    :data:`REPEAT`)."""
    global REPEAT
    REPEAT = repeat or REPEAT
    from gonghui_desk import modules
    from gonghui_desk.ui.app_context import AppContext

    modules.load()
    app = _app()
    context = AppContext(db_path)
    db = context.db
    today = _dataset_today(db)
    results: list[Row] = []
    pages = (_care_ledger, _aid_ledger, _hardship_files, _events, _event_entries, _proposals, _recycle_bin,
             _change_log)
    try:
        for page in pages:
            if only and only not in page.__name__:
                continue
            results += page(context, today)
            app.processEvents()
    finally:
        context.close()
    app.processEvents()
    return results


def _care_ledger(context, today) -> list[Row]:
    from gonghui_desk.care import ledger
    from gonghui_desk.ui.care_view import LedgerView

    label = "慰问台账"
    row, view = _open(label, lambda: LedgerView(context, today=today))
    floor = _ledger_floor(context.db, view.model, lambda f: ledger.count_ledger(
        context.db, f, member_ids=ledger.matching_member_ids(context.db, f)), ledger)
    row = (row[0], row[1], _best(floor()), "SQL: count + first screen")
    rows = [row] + _page_rows(label, view, view.table, view.model, floor=floor,
                              floor_name="SQL: count + first screen",
                              combos={"期间": view.period_combo, "类别": view.occasion_combo, "部门": view.sub_unit_combo,
                                      "经费": view.fund_combo},
                              checks={"只看待走访": view.pending_check}, search=(view.search_edit, "zhang"))
    view.close()
    return rows


def _aid_ledger(context, today) -> list[Row]:
    from gonghui_desk.hardship import aid_ledger
    from gonghui_desk.ui.aid_view import AidView

    label = "帮扶台账"
    row, view = _open(label, lambda: AidView(context, today=today))
    floor = _ledger_floor(context.db, view.model, lambda f: aid_ledger.count_aid(
        context.db, f, people=aid_ledger.matching_people(context.db, f)), aid_ledger)
    row = (row[0], row[1], _best(floor()), "SQL: count + first screen")
    rows = [row] + _page_rows(label, view, view.table, view.model, floor=floor,
                              floor_name="SQL: count + first screen",
                              combos={"期间": view.period_combo, "类型": view.type_combo, "来源": view.source_combo,
                                      "阶段": view.stage_combo, "部门": view.sub_unit_combo},
                              search=(view.search_edit, "zhang"))
    view.close()
    return rows


def _hardship_files(context, today) -> list[Row]:
    from gonghui_desk.ui.hardship_view import FilesView

    label = "困难职工档案"
    row, view = _open(label, lambda: FilesView(context, today=today))
    floor = _ids_floor(view.model)
    rows = [(*row[:2], _best(floor()), IDS_FLOOR)] + _page_rows(label, view, view.table, view.model, floor=floor,
                              floor_name=IDS_FLOOR,
                              combos={"状态": view.status_combo, "类别": view.category_combo,
                                      "致困原因": view.cause_combo, "建档标准": view.level_combo,
                                      "部门": view.sub_unit_combo},
                              checks={"待复核": view.due_check}, search=(view.search_edit, "zhang"))
    view.close()
    return rows


def _events(context, today) -> list[Row]:
    from gonghui_desk.ui.events_view import EventsView

    label = "活动竞赛"
    row, view = _open(label, lambda: EventsView(context, today=today))
    floor = _ids_floor(view.model)
    rows = [(*row[:2], _best(floor()), IDS_FLOOR)] + _page_rows(label, view, view.table, view.model, floor=floor,
                              floor_name=IDS_FLOOR,
                              combos={"期间": view.period_combo, "类型": view.kind_combo, "状态": view.status_combo,
                                      "主办": view.organiser_combo, "节日": view.holiday_combo},
                              search=(view.search_edit, "运动"))
    view.close()
    return rows


def _event_entries(context, today) -> list[Row]:
    """The 参加人员 tab of an event of about 500 participants (the dataset's kind) and of the largest event."""
    from gonghui_desk.ui.event_dialog import EventDialog

    db = context.db
    sizes = db.execute("SELECT event_id, count(*) FROM event_participants WHERE voided_at IS NULL "
                       "GROUP BY event_id ORDER BY 2").fetchall()
    if not sizes:
        return []
    typical = min(sizes, key=lambda r: abs(r[1] - 500))
    rows = []
    for (event_id, count) in dict.fromkeys([typical, sizes[-1]]):
        label = f"活动参加人员（{count}人）"

        def make(event_id=event_id):
            dialog = EventDialog(context, event_id, today=today)
            dialog.set_tab("participants")
            return dialog

        row, dialog = _open(label, make)

        class Page:  # what _page_rows calls: the dialog's entry filter
            def __init__(self, dialog):
                self.dialog = dialog

            def repaint(self):
                self.dialog.repaint()

            def apply_filters(self):
                self.dialog.apply_entry_filter()

        page = Page(dialog)
        floor = _ids_floor(dialog.entries_model)
        rows += [(*row[:2], _best(floor()), IDS_FLOOR)] + _page_rows(
            label, page, dialog.entries_table, dialog.entries_model, floor=floor, floor_name=IDS_FLOOR,
                                   combos={"项目": dialog.entry_item_combo},
                                   search=(dialog.entry_search_edit, "zhang"))
        dialog.close()
        dialog.deleteLater()
    return rows


def _proposals(context, today) -> list[Row]:
    """The 提案 page on its session with the most proposals."""
    from gonghui_desk.ui.proposals_view import ProposalsView

    label = "提案"
    session = context.db.execute("SELECT session_id FROM proposals WHERE voided_at IS NULL GROUP BY session_id "
                                 "ORDER BY count(*) DESC LIMIT 1").fetchone()

    def make():
        view = ProposalsView(context, today=today)
        if session is not None:
            view.set_session(session[0])
        return view

    row, view = _open(label, make)
    floor = _ids_floor(view.model)
    rows = [(*row[:2], _best(floor()), IDS_FLOOR)] + _page_rows(label, view, view.table, view.model, floor=floor,
                              floor_name=IDS_FLOOR, combos={"状态": view.status_combo, "类别": view.category_combo,
                                      "承办部门": view.department_combo},
                              checks={"只看逾期": view.overdue_check}, search=(view.search_edit, "食堂"))
    view.close()
    return rows


def _recycle_bin(context, today) -> list[Row]:
    from gonghui_desk.ui.recycle_bin_view import RecycleBinView

    label = "回收站"
    row, view = _open(label, lambda: RecycleBinView(context, today=today))
    floor = _ids_floor(view.model)
    rows = [(*row[:2], _best(floor()), IDS_FLOOR)] + _page_rows(label, view, view.table, view.model, floor=floor,
                              floor_name=IDS_FLOOR, combos={"种类": view.kind_combo},
                              search=(view.search_edit, "zhang"))
    view.close()
    return rows


def _change_log(context, today) -> list[Row]:
    """文件 → 查看修改记录…: the whole change log, newest first (it has no sorting)."""
    from gonghui_desk.ui.change_log_dialog import ChangeLogDialog

    label = "修改记录"
    row, dialog = _open(label, lambda: ChangeLogDialog(context, today=today))

    class Page:
        def __init__(self, dialog):
            self.dialog = dialog

        def repaint(self):
            self.dialog.repaint()

        def apply_filters(self):
            self.dialog.apply_filters()

    from gonghui_desk.change_history import log_page

    def floor():
        log_filter, names = dialog.log_filter, dialog._names
        return lambda: log_page(context.db, log_filter, limit=SCREEN, names=names)

    name = "SQL: first screen of entries, worded"
    rows = [(*row[:2], _best(floor()), name)] + _page_rows(
        label, Page(dialog), dialog.table, dialog.model, floor=floor, floor_name=name,
        combos={"种类": dialog.kind_combo, "操作": dialog.action_combo}, search=(dialog.search_edit, "张"))
    # a word found nowhere: the whole log is read
    dialog.search_edit.setText("不存在的词")
    seconds = _best(lambda: (dialog.apply_filters(), _paint(dialog)))
    rows.append((f"{label}: search a word found nowhere", seconds, _best(floor()), name))
    dialog.close()
    return rows


def _print(rows: list[Row]) -> None:
    print(f"\n{'operation':64} {'time':>10} {'floor':>10} {'ratio':>7}  floor is")
    for name, seconds, floor, floor_name in rows:
        ratio = seconds / floor if floor else float("inf")
        print(f"{name:64} {seconds * 1000:>8.1f}ms {floor * 1000:>8.1f}ms {ratio:>6.2f}x  {floor_name}")


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--members-only", action="store_true")
    parser.add_argument("--others-only", action="store_true")
    parser.add_argument("--only", default="", help="the other lists whose function name has this in it "
                                                    "(care, aid, hardship, events, entries, proposals, bin, log)")
    args = parser.parse_args()
    rows = []
    if not args.others_only and not args.only:
        rows += bench_member_list(args.db)
    if not args.members_only:
        rows += bench_other_lists(args.db, args.only)
    _print(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
