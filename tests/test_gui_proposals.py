"""The 职代会提案 page: the session chooser, the dashboard (every figure and rate with its base equal to
session_dashboard's), the breakdowns by category and department, the filters and the rows (overdue ones red),
export of the 提案汇总表 / 立案一览表 and printing through the page, the buttons that open the proposal, the
congress dialog, the import wizard and the report; the page on a demo database (school words); the main
window's real page; and the member card's 提案 history line opening the proposal.

The hand-built data is the ``register`` of the register's tests: session 2 of term 3 holds A–K (L voided),
one in every state — E is 办理中 past its deadline (逾期) —, session 1 holds M (逾期 as well).
"""

from __future__ import annotations

import re

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from gonghui_desk import demo
from gonghui_desk.congress.proposals import ProposalInput, ProposalStore
from gonghui_desk.congress.register import ProposalFilter, proposal_ids, session_dashboard
from gonghui_desk.congress.store import CongressStore, SessionInput
from gonghui_desk.ui.proposal_models import GREY, RED
from gonghui_desk.ui.proposals_view import FIGURES, ExportSummaryDialog, ProposalsView
from gonghui_desk.ui.workers import Job
from tests.conftest import TODAY
from tests import test_proposals_register

register = test_proposals_register.register  # the register's fixture, used here too

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(empty_context, register):
    ctx = empty_context
    ctx.data = register
    ctx.ids = register["ids"]
    return ctx


@pytest.fixture
def view(context, qtbot):
    page = ProposalsView(context, today=TODAY)
    qtbot.addWidget(page)
    page.ensure_loaded()
    return page


def keys(view, context) -> list[str]:
    """The proposals listed, by their key in ``register``."""
    by_id = {proposal_id: key for key, proposal_id in context.ids.items()}
    return [by_id[view.model.row_id(row)] for row in range(view.model.rowCount())]


def dialog_says(dialog, text: str) -> bool:
    return any(text in label.text() for label in dialog.findChildren(QLabel))


def row_of(view, context, key: str) -> int:
    return view.model.row_of(context.ids[key])


# --- the session and the dashboard ---------------------------------------------------------------------------
def test_the_newest_session_is_shown_first_and_another_can_be_chosen(view, context):
    sessions = context.data["sessions"]
    assert view.page_title() == "职代会提案" and view.title_label.text() == "职代会提案"
    assert [view.session_combo.itemText(i) for i in range(view.session_combo.count())] == [
        "第三届职代会第二次会议（11件）", "第三届职代会第一次会议（1件）"]
    assert view.session_id == sessions[2] and view.stack.currentWidget() is view.session_page
    assert keys(view, context) == list("ABCDEFGHIJK")  # by number; the voided L is not listed
    assert view.session_info.text() == "2026-03-12"
    view.set_session(sessions[1])
    assert keys(view, context) == ["M"]
    assert view.figure_text("received") == "1 件" and view.figure_text("overdue") == "1 件"
    assert view.session_info.text() == "2025-03-10　公司大礼堂"


def test_the_dashboard_shows_session_dashboards_figures_with_every_base(view, context):
    board = session_dashboard(context.db, context.data["sessions"][2], TODAY)
    assert (board.received, board.registered, board.overdue) == (11, 7, 1)
    for key, _label, unit in FIGURES:
        value = getattr(board, key)
        if unit:  # a count
            assert view.figure_text(key) == f"{value} 件", key
        else:  # a rate: its value, its base under it and in the tooltip
            assert view.figure_text(key) == value.text, key
            assert re.sub(r"\s", "", view.figure_base(key)) == re.sub(r"\s", "", value.base_text), key
            assert value.base_text in view.figure_tip(key), key
    assert view.figure_text("filing_rate") == "63.6%"
    assert view.figure_tip("filing_rate") == "立案率 = 立案 ÷ 收到提案\n= 立案7件 ÷ 收到提案11件 = 63.6%"
    assert view.figure_base("reply_rate") == "已答复4件\n÷ 立案7件"
    assert view.figure_base("satisfaction_rate") == "满意和基本满意\n2件 ÷ 已评价3件"
    assert view.figure_tip("satisfaction_rate").endswith("= 满意和基本满意2件 ÷ 已评价3件 = 66.7%")
    assert view.figure_base("received") == "待审查 1，并案 1"
    # 逾期 stands out: red, and a click lists them
    overdue = view.cards["overdue"]
    assert overdue.property("overdue") == "true" and "#c0392b" in overdue.value_label.styleSheet()
    assert view.cards["received"].property("overdue") == "false"
    overdue.clicked.emit("overdue")
    assert view.overdue_check.isChecked() and keys(view, context) == ["E"]


def test_a_session_without_a_base_shows_no_rate(view, context):
    session = CongressStore(context.db, TODAY).create_session(SessionInput(context.data["term"], 3,
                                                                           held_on="2026-10-10"))
    context.congress_changed.emit()
    assert view.session_combo.itemText(0) == "第三届职代会第三次会议（0件）"
    assert view.session_id == context.data["sessions"][2]  # the session shown stays shown
    view.set_session(session)
    assert view.figure_text("filing_rate") == "—" and view.figure_text("received") == "0 件"
    assert "基数为0" in view.figure_tip("filing_rate")
    assert view.list_stack.currentWidget() is view.empty_label
    assert "还没有登记提案" in view.empty_label.text()
    assert not view.export_button.isEnabled() and not view.print_button.isEnabled()
    assert view.category_model.rowCount() == 0


def test_the_breakdowns_are_tables_with_the_bases_in_their_tooltips(view, context):
    board = session_dashboard(context.db, context.data["sessions"][2], TODAY)
    categories = view.category_model
    names = [categories.text(row, "category") for row in range(categories.rowCount())]
    assert names == [r.category for r in board.by_category] + ["合计"]
    welfare = names.index("生活福利")
    row = board.by_category[welfare]
    assert [categories.text(welfare, k) for k in ("received", "registered", "filing_rate", "reply_rate")] == [
        str(row.received), str(row.registered), row.filing_rate.text, row.reply_rate.text]
    index = categories.index(welfare, categories.column_index["filing_rate"])
    assert index.data(Qt.ToolTipRole) == f"立案率 = {row.filing_rate.base_text}"
    total = len(names) - 1  # the 合计 row adds up to the session's figures
    assert [categories.text(total, k) for k in ("received", "registered", "replied", "completed", "overdue")] == [
        str(board.received), str(board.registered), str(board.replied), str(board.completed), str(board.overdue)]
    assert categories.text(total, "filing_rate") == board.filing_rate.text
    assert categories.text(total, "satisfaction_rate") == board.satisfaction_rate.text
    safety = names.index("安全生产")  # E is 安全生产 and overdue: red
    assert categories.index(safety, categories.column_index["overdue"]).data(Qt.ForegroundRole) == RED
    departments = view.department_model
    assert [departments.text(r, "department") for r in range(departments.rowCount())] == [
        r.department for r in board.by_department]
    logistics = [r.department for r in board.by_department].index("后勤保障部")
    row = board.by_department[logistics]
    assert departments.text(logistics, "assigned") == str(row.assigned)
    assert departments.index(logistics, departments.column_index["reply_rate"]).data(Qt.ToolTipRole) == (
        f"答复率 = {row.reply_rate.base_text}")
    assert view.tabs.tabText(1) == f"按类别统计（{len(board.by_category)}）"


# --- the list -------------------------------------------------------------------------------------------------
def test_the_rows_and_overdue_in_red(view, context):
    model = view.model
    a = row_of(view, context, "A")
    assert [header for _, header in model.COLUMNS] == ["编号", "案由", "提案人", "附议人", "类别", "审查", "主办部门",
                                                       "期限", "状态"]
    assert [model.text(a, k) for k, _ in model.COLUMNS] == [
        "第3届第2次-001", "提案A：关于A的建议", "张三", "李四、王五", "生活福利", "立案", "后勤保障部等", "2026-05-20",
        "已办结"]
    assert "协办：财务部" in model.index(a, model.column_index["department"]).data(Qt.ToolTipRole)
    assert "另有 1 件提案并入本案" in model.index(a, model.column_index["review"]).data(Qt.ToolTipRole)
    e = row_of(view, context, "E")
    assert model.text(e, "status") == "办理中（逾期）" and model.is_overdue(e)
    assert all(model.index(e, c).data(Qt.ForegroundRole) == RED for c in range(model.columnCount()))
    assert "2026-06-01 已过" in model.index(e, model.column_index["status"]).data(Qt.ToolTipRole)
    f = row_of(view, context, "F")  # due today: not overdue yet
    assert model.text(f, "status") == "办理中" and model.index(f, 0).data(Qt.ForegroundRole) != RED
    j = row_of(view, context, "J")
    assert model.text(j, "review") == "并入 第3届第2次-001" and model.index(j, 0).data(Qt.ForegroundRole) == GREY
    h = row_of(view, context, "H")
    assert model.text(h, "review") == "不立案" and "理由：属于个人诉求" in model.index(
        h, model.column_index["review"]).data(Qt.ToolTipRole)
    assert model.text(row_of(view, context, "K"), "status") == "待审查"
    assert "逾期未答复 1 件" in view.count_label.text()


def test_the_filters(view, context, qtbot):
    view.choose(view.status_combo, "办理中")
    assert keys(view, context) == ["E", "F"]
    view.choose(view.status_combo, ("待交办", "办理中", "已答复", "不满意", "已办结"))  # 已立案（全部）
    assert keys(view, context) == list("ABCDEFG")
    view.clear_filters()
    view.choose(view.category_combo, "生活福利")
    assert keys(view, context) == list("ACGJK")
    view.choose(view.category_combo, "")  # 未分类
    assert keys(view, context) == ["F"] and view.category_combo.currentText() == "未分类"
    view.clear_filters()
    view.choose(view.department_combo, "后勤保障部")  # 主办 or 协办
    assert keys(view, context) == ["A", "C", "D", "E"]
    view.clear_filters()
    view.search_edit.setText("lisi")  # the proposer's pinyin
    qtbot.waitUntil(lambda: keys(view, context) == ["B"], timeout=3000)
    view.search_edit.setText("第3届第2次-01")
    qtbot.waitUntil(lambda: keys(view, context) == ["J", "K"], timeout=3000)
    assert view.count_label.text().startswith("列出 2 件")
    view.clear_filters()
    view.overdue_check.setChecked(True)
    assert keys(view, context) == ["E"]
    view.clear_filters()
    assert keys(view, context) == list("ABCDEFGHIJK") and view.count_label.text().startswith("共 11 件")
    view.choose(view.status_combo, "不满意")
    view.choose(view.category_combo, "其他")
    assert view.model.rowCount() == 0 and view.list_stack.currentWidget() is view.empty_label
    assert "没有符合条件的提案" in view.empty_label.text()


def test_sorting_by_a_header_and_the_page_follows_changes(view, context):
    view.table.sortByColumn(view.model.column_index["deadline"], Qt.AscendingOrder)
    assert keys(view, context)[:2] == ["A", "B"] and keys(view, context)[-1] == "K"  # no deadline: last
    proposals = ProposalStore(context.db, TODAY)
    proposals.file(ProposalInput(context.data["sessions"][2], "关于增设自行车棚的建议",
                                 proposer_member_id=context.data["people"]["李四"], submitted_on="2026-03-05"))
    context.congress_changed.emit()
    assert view.model.rowCount() == 12 and view.figure_text("received") == "12 件"
    assert view.session_combo.itemText(0) == "第三届职代会第二次会议（12件）"


# --- export and print -------------------------------------------------------------------------------------------
def test_export_the_summary_through_the_page(view, context, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "汇总"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    view.choose(view.category_combo, "生活福利")
    dialog = view.start_export()
    assert isinstance(dialog, ExportSummaryDialog) and dialog_says(dialog, "<b>5</b> 件提案")
    dialog.prepared_by_edit.setText("刘干事")
    dialog.accept()
    qtbot.waitUntil(lambda: view.export_job is not None and not Job._running, timeout=10000)
    sheet = openpyxl.load_workbook(target.with_suffix(".xlsx")).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "第三届职代会第二次会议提案汇总表"
    numbers = [r[1] for r in rows if isinstance(r[1], str) and r[1].startswith("第3届第2次-")]
    assert numbers == ["第3届第2次-001", "第3届第2次-003", "第3届第2次-007", "第3届第2次-010", "第3届第2次-011"]
    texts = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "立案7件 ÷ 收到提案11件" in texts and "刘干事" in texts
    assert view.export_job.feedback.box is not None  # the offer to open the folder, not blocking


def test_export_the_registered_list(view, context, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "立案.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    dialog = view.start_registered_export()
    assert dialog_says(dialog, "<b>7</b> 件立案的提案")
    dialog.accept()
    qtbot.waitUntil(lambda: view.export_job is not None and not Job._running, timeout=10000)
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(target).active.iter_rows()]
    assert rows[0][0] == "第三届职代会第二次会议立案一览表"
    numbers = [r[1] for r in rows if isinstance(r[1], str) and r[1].startswith("第3届第2次-")]
    assert numbers == [f"第3届第2次-00{n}" for n in range(1, 8)]  # A–G, the 立案 ones


def test_print_the_summary_and_the_forms(view, context, qtbot, monkeypatch):
    from gonghui_desk.printing import PrintForm
    from gonghui_desk.ui import printing

    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, table: shown.append(table))
    view.choose(view.status_combo, "办理中")
    view.start_print()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    table = shown[0]
    assert table.title == "第三届职代会第二次会议提案汇总表" and table.landscape
    assert [row[1] for row in table.rows] == ["第3届第2次-005", "第3届第2次-006"]  # E and F, as listed
    view.start_print_forms()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10000)
    forms = shown[1]
    assert len(forms) == 2 and all(isinstance(form, PrintForm) for form in forms)


def test_the_breakdowns_print_as_shown(view, context, qtbot, monkeypatch):
    from gonghui_desk.ui import printing

    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, table: shown.append(table))
    for table, what in ((view.category_table, "按类别统计"), (view.department_table, "按承办部门统计")):
        table.print_button.click()
        qtbot.waitUntil(lambda: bool(shown), timeout=10000)
        printed = shown.pop()
        model = table.model()
        assert printed.title == f"第三届职代会第二次会议提案{what}表"
        assert [c.label for c in printed.columns] == [model.headerData(c, Qt.Horizontal) for c in
                                                       range(model.columnCount())]
        assert printed.rows == [[str(model.data(model.index(r, c)) or "") for c in range(model.columnCount())]
                                for r in range(model.rowCount())]
        assert "基数" in printed.subtitle_lines[0]  # the rates' bases go on the paper too


# --- the buttons ------------------------------------------------------------------------------------------------
def test_new_proposal_and_a_double_click_open_the_proposal_dialog(view, context, qtbot):
    from gonghui_desk.ui.proposal_dialog import ProposalDialog

    view.new_button.click()
    dialog = view.proposal_dialog
    assert isinstance(dialog, ProposalDialog) and dialog.is_new
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    assert dialog.session["id"] == context.data["sessions"][2]
    dialog.done(0)
    view.table.open_requested.emit(row_of(view, context, "E"))
    assert view.proposal_dialog.proposal_id == context.ids["E"]
    view.proposal_dialog.done(0)


def test_the_congress_button_opens_the_dialog(view, context, qtbot):
    from gonghui_desk.ui.congress_dialog import CongressDialog

    view.congress_button.click()
    dialog = view.congress_dialog
    assert isinstance(dialog, CongressDialog) and dialog.term_id == context.data["term"]
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    dialog.reject()


def test_the_import_button_opens_the_wizard(view, qtbot):
    pytest.importorskip("gonghui_desk.ui.proposal_import_wizard")
    view.import_button.click()
    wizard = view.import_wizard
    qtbot.waitUntil(wizard.isVisible, timeout=5000)
    assert wizard.parent() is view
    wizard.reject()


def test_the_report_button_opens_the_draft(view, context, qtbot):
    pytest.importorskip("gonghui_desk.ui.document_editor")
    view.report_button.click()
    dialog = view.report_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: not Job._running, timeout=15000)
    dialog.done(0)


# --- without sessions, and on a demo ------------------------------------------------------------------------------
def test_without_a_session_the_page_says_what_to_do(empty_context, qtbot):
    from gonghui_desk.ui.congress_dialog import CongressDialog
    from gonghui_desk.union import UnionProfile, save_profile

    save_profile(empty_context.db, UnionProfile(name="测试中学工会委员会", kind="学校"))
    page = ProposalsView(empty_context, today=TODAY)
    qtbot.addWidget(page)
    page.ensure_loaded()
    assert page.title_label.text() == "教代会提案"
    assert page.stack.currentWidget() is page.empty_page and "还没有届次和会议" in page.no_session_label.text()
    assert not page.new_button.isEnabled() and page.new_proposal() is None
    page.setup_button.click()
    assert isinstance(page.congress_dialog, CongressDialog)
    page.congress_dialog.reject()


@pytest.fixture
def demo_context(tmp_path, qtbot):
    from gonghui_desk.ui.app_context import AppContext

    path = tmp_path / "demo.sqlite3"
    demo.create_demo_database(path, kind="school", members=80, seed=3, today=TODAY)
    ctx = AppContext(path)
    yield ctx
    ctx.close()


def test_the_page_on_a_school_demo(demo_context, qtbot):
    page = ProposalsView(demo_context, today=TODAY)
    qtbot.addWidget(page)
    page.ensure_loaded()
    sessions = CongressStore(demo_context.db, TODAY).sessions()
    assert page.title_label.text() == "教代会提案" and page.session_combo.count() == len(sessions) == 2
    assert page.session_combo.currentText().startswith(sessions[0]["title"]) and "教代会" in sessions[0]["title"]
    board = session_dashboard(demo_context.db, sessions[0]["id"], TODAY)
    assert page.figure_text("received") == f"{board.received} 件" and board.received >= 15
    assert page.figure_text("reply_rate") == board.reply_rate.text
    assert board.overdue >= 1
    red = [row for row in range(page.model.rowCount()) if page.model.index(row, 0).data(Qt.ForegroundRole) == RED]
    assert len(red) == board.overdue
    assert red == [page.model.row_of(i) for i in proposal_ids(
        demo_context.db, ProposalFilter(session_id=sessions[0]["id"], overdue_only=True), today=TODAY)]


# --- the main window and the member card -----------------------------------------------------------------------
def test_the_main_window_shows_the_real_proposals_page(context, qtbot):
    from gonghui_desk.ui.app import create_main_window, setup_application
    from gonghui_desk.ui.main_window import COMING_MODULES
    from gonghui_desk.ui.placeholder_view import PlaceholderView

    setup_application()
    window = create_main_window(context)
    qtbot.addWidget(window)
    window.show()
    keys_ = window.page_keys()
    assert keys_.index("proposals") == keys_.index("honours") + 1
    assert "proposals" not in [m.key for m in COMING_MODULES]
    window.show_page("proposals")
    page = window.stack.currentWidget()
    assert isinstance(page, ProposalsView) and window.proposals_view is page
    assert window.navigation.currentItem().text() == "职代会提案"
    qtbot.waitUntil(lambda: page.model.rowCount() == 11, timeout=3000)  # loaded when first shown
    placeholders = [window.stack.widget(i) for i in range(window.stack.count())
                    if isinstance(window.stack.widget(i), PlaceholderView)]
    said = [label.text() for p in placeholders for label in p.findChildren(QLabel)]
    assert not any("提案" in text for text in said)  # (no placeholder is left once every page is built)


def test_the_navigation_says_jiaodaihui_for_a_school(context, qtbot):
    from gonghui_desk.ui.app import create_main_window, setup_application
    from gonghui_desk.union import UnionProfile, save_profile

    setup_application()
    window = create_main_window(context)
    qtbot.addWidget(window)
    save_profile(context.db, UnionProfile(name="测试中学工会委员会", kind="学校"))
    context.profile_changed.emit()
    row = window.page_keys().index("proposals")
    assert window.navigation.item(row).text() == "教代会提案"
    assert window.proposals_view.title_label.text() == "教代会提案"


def test_the_member_cards_proposal_line_opens_the_proposal(context, qtbot):
    from gonghui_desk.ui.member_card import MemberCardDialog
    from gonghui_desk.ui.proposal_dialog import ProposalDialog

    card = MemberCardDialog(context, context.data["people"]["李四"], today=TODAY)
    qtbot.addWidget(card)
    entries = card.history_model.rows()
    lines = [n for n, e in enumerate(entries) if e.category == "提案"]
    filed = next(n for n in lines if entries[n].summary.startswith("提出提案"))
    assert entries[filed].summary == "提出提案 第3届第2次-002《提案B：关于B的建议》"
    card._history_double_clicked(card.history_model.index(filed, 0))
    dialog = card.record_dialog
    assert isinstance(dialog, ProposalDialog) and dialog.proposal_id == context.ids["B"]
    dialog.done(0)
    cosigned = next(n for n in lines if entries[n].summary.startswith("附议提案"))
    card._history_double_clicked(card.history_model.index(cosigned, 0))
    assert card.record_dialog.proposal_id == entries[cosigned].record_id
    card.record_dialog.done(0)
