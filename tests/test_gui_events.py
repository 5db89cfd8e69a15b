"""The 活动竞赛 page: the events listed under each filter, the rows' texts and colours, the totals line (held vs
planned and cancelled, 人次 vs 人 with teams, the rate and its base), sorting, opening an event, export and print
through the page, the import button; the main window's real 活动竞赛 page; and the member card's 活动 history
lines opening the event.

The data is ``make_year`` of the register's tests (DOMAIN.md §2.6, §3): in 2026 the 第3届职工运动会 (held, 五一,
100米 and a 拔河 between two teams), the 法律知识竞赛 (held), the 迎新年文艺汇演 (planned, 元旦), the 秋季登山
(cancelled); in 2025 the 工会干部培训 held by the upstream union; and a voided event.
"""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gonghui_desk.events.register import EventFilter, event_ids
from gonghui_desk.union import UnionProfile, save_profile
from gonghui_desk.ui.events_view import (AMBER, GREY, TITLE_MIN_WIDTH, EventsView, ExportEventsDialog, date_span,
                                          events_totals_text)
from gonghui_desk.ui.workers import Job
from tests.conftest import TODAY
from tests.test_events_register import make_year

pytestmark = pytest.mark.usefixtures("no_job_left_running")

YEAR_TOTALS = "已举办 2 场（另有计划 1 场、取消 1 场未计入）；参与 11 人次、6 人；经费 6,000 元；获奖 5 人次；参与率 80.0%"


@pytest.fixture
def context(empty_context):
    ctx = empty_context
    save_profile(ctx.db, UnionProfile(name="某某公司工会委员会", kind="企业", upstream_union="某区总工会"))
    ctx.year = make_year(ctx.db, ctx.members)
    ctx.events = ctx.year["events"]
    return ctx


@pytest.fixture
def view(context, qtbot):
    page = EventsView(context, today=TODAY)
    qtbot.addWidget(page)
    page.ensure_loaded()
    page.wait_for_totals()
    return page


def names(view, context) -> list[str]:
    """The events listed, by their key in ``make_year``."""
    by_id = {event_id: key for key, event_id in context.events.items()}
    return [by_id[view.model.row_id(row)] for row in range(view.model.rowCount())]


def column(view, key: str) -> list[str]:
    return [view.model.text(row, key) for row in range(view.model.rowCount())]


def totals_shown(view, qtbot) -> str:
    view.wait_for_totals()
    qtbot.waitUntil(lambda: "正在合计" not in view.totals_label.text(), timeout=5000)
    return view.totals_label.text()


# --- the list ------------------------------------------------------------------------------------------------
def test_this_years_events_newest_first_with_their_figures(view, context, qtbot):
    assert view.period_combo.currentText() == "本年"
    assert (view.from_edit.text(), view.to_edit.text()) == ("2026-01-01", "2026-12-31")
    assert names(view, context) == ["show", "quiz", "games", "hike"]  # the 2025 training and the voided one: no
    model = view.model
    assert [header for _, header in model.COLUMNS] == ["日期", "活动名称", "类型", "主办", "节日", "状态", "项目", "人次",
                                                       "人数", "获奖", "经费（元）"]
    games = names(view, context).index("games")
    # 100米 张三 李四 + 一车间队 (张三 李四) + 行政部队 (王五; 钱七 voided): 5 人次, 3 人; awards 张三 李四 + 2 + 1 人次
    assert [model.text(games, k) for k, _ in model.COLUMNS] == [
        "2026-05-01", "第3届职工运动会", "文体活动", "本会", "五一", "已举办", "2", "5", "3", "5", "5,000"]
    assert "参赛队伍 2 支" in model.index(games, model.column_index["person_times"]).data(Qt.ToolTipRole)
    assert model.index(games, model.column_index["awards"]).data(Qt.ToolTipRole).startswith("获奖 5 人次（3 人）")
    show, hike = names(view, context).index("show"), names(view, context).index("hike")
    assert model.text(show, "status") == "计划" and model.text(show, "holiday") == "元旦"
    assert model.index(show, model.column_index["status"]).data(Qt.ForegroundRole) == AMBER
    assert model.index(show, model.column_index["title"]).data(Qt.ForegroundRole) is None
    assert model.text(hike, "status") == "已取消"
    assert all(model.index(hike, c).data(Qt.ForegroundRole) == GREY for c in range(model.columnCount()))
    assert model.index(games, model.column_index["status"]).data(Qt.ForegroundRole) is None
    assert totals_shown(view, qtbot) == YEAR_TOTALS
    tip = view.totals_label.toolTip()
    assert "参加活动的在册会员4人 ÷ 2026-11-22在册会员5人" in tip and "参赛队伍 2 支" in tip
    texts = [b.text() for b in (view.new_button, view.import_button, view.export_button, view.print_button)]
    assert texts == ["新建活动", "导入…", "导出Excel…", "打印…"]


def test_the_filters(view, context, qtbot):
    view.choose(view.kind_combo, "知识竞赛")
    assert names(view, context) == ["quiz"]
    view.clear_filters()
    view.choose(view.status_combo, "计划")
    assert names(view, context) == ["show"]
    assert totals_shown(view, qtbot) == "当前筛选下没有已举办的活动（计划 1 场，不计入统计）"
    view.choose(view.status_combo, "已取消")
    assert names(view, context) == ["hike"]
    view.choose(view.status_combo, "已举办")
    assert names(view, context) == ["quiz", "games"]
    view.clear_filters()
    view.choose(view.holiday_combo, "五一")
    assert names(view, context) == ["games"]
    view.clear_filters()
    view.set_period("上年")
    assert names(view, context) == ["training"]
    assert view.model.text(0, "organiser") == "某区总工会（上级）"
    view.set_period("全部日期")
    assert (view.from_edit.text(), view.to_edit.text()) == ("", "")
    assert names(view, context) == ["show", "quiz", "games", "hike", "training"]
    view.choose(view.organiser_combo, "上级")
    assert names(view, context) == ["training"]
    view.clear_filters()
    view.set_dates("2026.4.1", "2026-10-1")  # typed: understood, and the period says 自定义
    assert (view.from_edit.text(), view.to_edit.text()) == ("2026-04-01", "2026-10-01")
    assert view.period_combo.currentText() == "自定义"
    assert names(view, context) == ["quiz", "games"]
    view.set_dates("2026-13-45", "")
    assert view.totals_label.text().startswith("日期有误")
    view.clear_filters()
    view.search_edit.setText("竞赛")
    qtbot.waitUntil(lambda: names(view, context) == ["quiz"], timeout=3000)
    view.search_edit.setText("没有这个活动")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=3000)
    assert view.stack.currentWidget() is view.empty_label and "没有符合条件的活动" in view.empty_label.text()
    assert not view.export_button.isEnabled() and not view.print_button.isEnabled()
    assert view.start_export() is None and view.start_print() is None
    view.clear_filters()
    assert len(names(view, context)) == 4 and view.export_button.isEnabled()
    assert view.stack.currentWidget() is view.table


def test_the_totals_count_a_teams_members_as_person_times(view, context, qtbot):
    """One event: 5 人次 (two in the 100米, three through the teams) but 3 人; the rate on the 5 members 在册."""
    view.search_edit.setText("运动会")
    qtbot.waitUntil(lambda: names(view, context) == ["games"], timeout=3000)
    assert totals_shown(view, qtbot) == "已举办 1 场；参与 5 人次、3 人；经费 5,000 元；获奖 5 人次；参与率 60.0%"
    assert view.totals.teams == 2 and view.totals.by_grade["团体第一名"] == (2, 2)
    assert "参加活动的在册会员3人 ÷ 2026-11-22在册会员5人" in view.totals_label.toolTip()


def test_the_totals_text():
    from gonghui_desk.events.register import EventTotals

    assert events_totals_text(EventTotals()) == "当前筛选下没有已举办的活动"
    held = EventTotals(events=3, cancelled=2, person_times=40, persons=25, cost_fen=1234500, awards=7)
    assert events_totals_text(held) == "已举办 3 场（另有取消 2 场未计入）；参与 40 人次、25 人；经费 12,345 元；获奖 7 人次"
    assert date_span("2026-05-01", None) == date_span("2026-05-01", "2026-05-01") == "2026-05-01"
    assert date_span("2026-05-01", "2026-05-03") == "2026-05-01至05-03"
    assert date_span("2025-12-31", "2026-01-02") == "2025-12-31至2026-01-02"


def test_the_page_follows_changes(view, context, qtbot):
    from gonghui_desk.events.store import EventInput, EventStore

    EventStore(context.db, today=TODAY).create(EventInput("职工读书会", "文体活动", "2026-10-10", status="已举办",
                                                          holiday="国庆"))
    context.events_changed.emit()
    assert "职工读书会" in column(view, "title")
    assert totals_shown(view, qtbot).startswith("已举办 3 场")


def test_sorting_by_a_header(view, context):
    view.table.sortByColumn(view.model.column_index["cost"], Qt.DescendingOrder)
    assert names(view, context) == ["games", "show", "quiz", "hike"]  # 5,000 3,000 1,000 10 元
    view.table.sortByColumn(view.model.column_index["status"], Qt.AscendingOrder)
    assert names(view, context) == ["show", "games", "quiz", "hike"]  # 计划, 已举办 (by date), 已取消
    view.table.sortByColumn(view.model.column_index["date"], Qt.AscendingOrder)
    assert names(view, context) == ["hike", "games", "quiz", "show"]
    before = names(view, context)
    for key in ("persons", "items", "holiday", "awards"):  # not sortable: the order and the indicator stay
        assert not view.model.sortable(view.model.column_index[key])
        view.table.horizontalHeader().setSortIndicator(view.model.column_index[key], Qt.DescendingOrder)
        assert names(view, context) == before
        assert view.table.horizontalHeader().sortIndicatorSection() == view.model.column_index["date"]
    assert view.model.sort_key == ("start_date", False)


def test_the_list_reads_only_the_rows_shown(context, qtbot):
    view = EventsView(context, today=TODAY)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 0  # nothing read before the page is shown
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 4, timeout=3000)
    view.wait_for_totals()
    assert event_ids(context.db, EventFilter(date_from="2026-01-01", date_to="2026-12-31")) == view.model.ids()


# --- the main window ---------------------------------------------------------------------------------------------
def test_the_main_window_shows_the_real_events_page(context, qtbot):
    from gonghui_desk.ui.app import create_main_window, setup_application
    from gonghui_desk.ui.main_window import COMING_MODULES, NAVIGATION_ORDER
    from gonghui_desk.ui.placeholder_view import PlaceholderView

    setup_application()
    window = create_main_window(context)
    qtbot.addWidget(window)
    window.show()
    keys = window.page_keys()
    assert keys == list(NAVIGATION_ORDER)
    assert keys.index("aid") < keys.index("events") == keys.index("honours") - 1
    assert "events" not in {module.key for module in COMING_MODULES}
    placeholders = [page for page in window.pages.values() if isinstance(page, PlaceholderView)]
    assert all(page.title != "活动竞赛" for page in placeholders)  # none left once 上报报表 was built
    item = window.navigation.item(keys.index("events"))
    assert item.text() == "活动竞赛" and "即将推出" not in item.toolTip()
    assert window.events_view.model.rowCount() == 0  # not read until shown
    window.navigation.setCurrentRow(keys.index("events"))  # the navigation reaches it
    page = window.stack.currentWidget()
    assert page is window.events_view and isinstance(page, EventsView)
    assert window.current_page_key() == "events"
    assert page._loaded  # read when first shown (this year of the real clock)
    header = page.table.horizontalHeader()
    assert header.length() <= page.table.viewport().width()  # every column in sight at the window's size
    assert header.sectionSize(page.model.column_index["title"]) >= TITLE_MIN_WIDTH
    assert page.model.ids() == event_ids(context.db, page.current_filter())
    page.set_period("全部日期")
    assert names(page, context) == ["show", "quiz", "games", "hike", "training"]
    assert totals_shown(page, qtbot).startswith("已举办 3 场（另有计划 1 场、取消 1 场未计入）；参与 12 人次、6 人")


# --- export, print, import ---------------------------------------------------------------------------------------
def test_export_through_the_page(view, context, qtbot, tmp_path, monkeypatch):
    from gonghui_desk.exporting.events import EVENTS_TITLE

    target = tmp_path / "台账"
    asked = []

    def save_name(parent, title, start, filters):
        asked.append((title, start))
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    view.table.sortByColumn(view.model.column_index["cost"], Qt.DescendingOrder)
    dialog = view.start_export()
    assert isinstance(dialog, ExportEventsDialog) and dialog.mask_check is None  # nothing personal to mask
    assert view.export_dialog is dialog
    dialog.prepared_by_edit.setText("刘干事")
    dialog.accept()
    qtbot.waitUntil(lambda: view.export_job is not None and not Job._running, timeout=10000)
    assert asked[0][0] == "导出活动台账" and asked[0][1].endswith("活动台账-20261122.xlsx")
    sheet = openpyxl.load_workbook(target.with_suffix(".xlsx")).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == EVENTS_TITLE
    assert any(r[0] == "期间：2026年（按经费从多到少排列）" for r in rows[:3])
    header = next(i for i, r in enumerate(rows) if "活动名称" in r)
    title_at, status_at, times_at = (rows[header].index(h) for h in ("活动名称", "状态", "人次"))
    listed = rows[header + 1:header + 5]
    assert [r[title_at] for r in listed] == column(view, "title")  # the events listed, in the order shown
    assert [r[title_at] for r in listed] == ["第3届职工运动会", "迎新年文艺汇演", "法律知识竞赛", "秋季登山"]
    assert [r[status_at] for r in listed] == ["已举办", "计划", "已举办", "已取消"]
    assert listed[0][times_at] == 5
    texts = [str(r[0]) for r in rows if r[0] is not None]
    assert any(t.startswith("合计：已举办活动 2 场，参加 11 人次（6 人）") for t in texts)
    assert any("刘干事" in t for t in texts) and view._prepared_by == "刘干事"
    assert view.export_job.feedback.box is not None  # the offer to open the folder, not blocking
    view.export_job.feedback.box.close()


def test_print_shows_the_preview_of_the_events_listed(view, context, qtbot, monkeypatch, tmp_path):
    from gonghui_desk.exporting.events import EVENTS_TITLE
    from gonghui_desk.ui import printing

    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, table: shown.append((parent, table)))
    view.choose(view.status_combo, "已举办")
    view.set_period("全部日期")
    view.start_print()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    parent, table = shown[0]
    assert parent is view and table.title == EVENTS_TITLE and table.landscape
    labels = [c.label for c in table.columns]
    title_at = labels.index("活动名称")
    assert [row[title_at] for row in table.rows] == column(view, "title") == ["法律知识竞赛", "第3届职工运动会",
                                                                              "工会干部培训"]
    assert table.subtitle_lines == ["期间：全部；状态：已举办（按日期从近到远排列）"]
    assert table.total_lines[0].startswith("合计：已举办活动 3 场，参加 12 人次（6 人）")
    assert printing.print_to_pdf(table, tmp_path / "台账.pdf") == 1  # one A4 landscape page


def test_the_import_button_opens_the_wizard_without_blocking(view, qtbot):
    from gonghui_desk.ui.event_import_wizard import EventImportWizard

    view.import_button.click()
    wizard = view.import_wizard
    assert isinstance(wizard, EventImportWizard)
    qtbot.waitUntil(wizard.isVisible, timeout=5000)
    assert wizard.parent() is view and wizard.today == TODAY
    wizard.reject()


# --- opening an event --------------------------------------------------------------------------------------------
def test_double_click_enter_and_new_open_the_event_page(view, context, qtbot):
    from gonghui_desk.ui.event_dialog import EventDialog, notify_events_changed

    games = names(view, context).index("games")
    view.table.doubleClicked.emit(view.model.index(games, view.model.column_index["title"]))
    dialog = view.event_dialog
    assert isinstance(dialog, EventDialog) and dialog.parent() is view
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    assert dialog.event_id == context.events["games"] and dialog.today == TODAY
    assert dialog.current_tab() == "details" and dialog.title == "第3届职工运动会"
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)

    quiz = names(view, context).index("quiz")
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(quiz, 0))
    qtbot.keyClick(view.table, Qt.Key_Return)
    dialog = view.event_dialog
    assert isinstance(dialog, EventDialog) and dialog.event_id == context.events["quiz"]
    dialog.reject()

    dialog = view.new_event()
    assert view.event_dialog is dialog and dialog.is_new and dialog.today == TODAY
    dialog.reject()

    # the dialog says events changed: the page reads its rows again and keeps the current event
    view.table.setCurrentIndex(view.model.index(quiz, 0))
    context.db.execute("UPDATE events SET name = '宪法知识竞赛' WHERE id = ?", [context.events["quiz"]])
    notify_events_changed(context)
    assert "宪法知识竞赛" in column(view, "title")
    assert view.current_event_id() == context.events["quiz"]


def test_the_member_cards_event_lines_open_the_event(context, qtbot):
    from gonghui_desk.ui.event_dialog import EventDialog
    from gonghui_desk.ui.member_card import MemberCardDialog

    year = context.year
    card = MemberCardDialog(context, year["people"]["张三"], today=TODAY)
    qtbot.addWidget(card)
    entries = card.history_model.rows()
    assert "活动" in card.history_table.toolTip()

    def open_entry(table: str, record_id: int):
        row = next(i for i, e in enumerate(entries) if e.table == table and e.record_id == record_id)
        assert entries[row].category == "活动"
        card.history_table.doubleClicked.emit(card.history_model.index(row, 2))
        return card.record_dialog

    dialog = open_entry("event_participants", year["entries"]["张三"])  # the 100米 entry
    assert isinstance(dialog, EventDialog) and dialog.parent() is card
    assert dialog.event_id == year["events"]["games"] and dialog.current_tab() == "participants"
    dialog.reject()
    dialog = open_entry("event_participants", year["entries"]["一车间队"])  # through the team
    assert dialog.event_id == year["events"]["games"] and dialog.current_tab() == "participants"
    dialog.reject()
    dialog = open_entry("event_results", year["results"]["张三"])  # 一等奖
    assert isinstance(dialog, EventDialog) and dialog.event_id == year["events"]["games"]
    assert dialog.current_tab() == "results" and dialog.today == TODAY
    dialog.reject()
