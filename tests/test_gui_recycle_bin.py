"""The 回收站 page (gonghui_desk.ui.recycle_bin_view): the voided records listed newest first, filtered by kind
and text; 恢复 after a question that does not block, the refusals said with their reasons, the other pages
told; 查看修改记录…; printing; and the page and the menu items in the main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gonghui_desk.care.visits import VisitStore
from gonghui_desk.events.store import EventStore
from gonghui_desk.hardship.aid import AidStore
from gonghui_desk.ui.change_log_dialog import ChangeLogDialog, RecordHistoryDialog
from gonghui_desk.ui.recycle_bin_view import RecycleBinView
from tests.conftest import TODAY

pytestmark = pytest.mark.usefixtures("no_job_left_running")


def one(db, sql: str, params=()):
    return db.execute(sql, params).fetchone()[0]


@pytest.fixture
def context(school_demo_context):
    """The school demo with a member, two visits (one of the member), an aid payment and an event voided, one a
    minute after the other."""
    ctx = school_demo_context
    db = ctx.db
    ctx.member_id = one(db, "SELECT member_id FROM visits WHERE campaign_id IS NULL GROUP BY member_id "
                            "ORDER BY member_id LIMIT 1")
    ctx.member_name = one(db, "SELECT name FROM members WHERE id = ?", [ctx.member_id])
    ctx.member_visit = one(db, "SELECT id FROM visits WHERE member_id = ? AND campaign_id IS NULL ORDER BY id LIMIT 1",
                           [ctx.member_id])
    ctx.other_visit = one(db, "SELECT id FROM visits WHERE member_id <> ? AND campaign_id IS NULL ORDER BY id LIMIT 1",
                          [ctx.member_id])
    ctx.payment = one(db, "SELECT id FROM aid_payments ORDER BY id LIMIT 1")
    ctx.event = one(db, "SELECT id FROM events ORDER BY id LIMIT 1")
    visits = VisitStore(db, today=TODAY)
    visits.void(ctx.member_visit, "金额录错")
    visits.void(ctx.other_visit, "重复登记")
    AidStore(db, today=TODAY).void(ctx.payment, "重复发放，已追回")
    EventStore(db, TODAY).void(ctx.event, "活动未举办")
    ctx.members.void(ctx.member_id, "重复录入")
    order = [("visits", ctx.member_visit), ("visits", ctx.other_visit), ("aid_payments", ctx.payment),
             ("events", ctx.event), ("members", ctx.member_id)]
    with db.conn:
        for minute, (table, record_id) in enumerate(order):
            db.conn.execute(f"UPDATE {table} SET voided_at = '2026-11-20T10:0{minute}:00' WHERE id = ?", [record_id])
    return ctx


@pytest.fixture
def view(context, qtbot):
    page = RecycleBinView(context, today=TODAY)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=3000)  # read when first shown
    return page


def listed(view) -> list[tuple[str, str]]:
    return [(view.model.text(row, "kind"), view.model.text(row, "description")) for row in range(view.model.rowCount())]


def test_the_page_lists_every_voided_record_newest_first(view, context):
    rows = listed(view)
    assert [kind for kind, _ in rows] == ["会员", "活动", "帮扶记录", "慰问记录", "慰问记录"]
    assert rows[0][1].startswith(f"{context.member_name} ")
    assert [view.model.text(row, "voided_at") for row in range(5)] == [f"2026-11-20 10:0{m}" for m in (4, 3, 2, 1, 0)]
    assert view.model.text(2, "reason") == "重复发放，已追回"
    assert view.totals.text() == "共 5 条作废的记录" and view.stack.currentIndex() == 0
    assert [view.model.headerData(c, Qt.Horizontal) for c in range(4)] == ["种类", "内容", "作废时间", "作废原因"]
    assert not view.restore_button.isEnabled() and not view.history_button.isEnabled()
    view.table.selectRow(1)
    assert view.restore_button.isEnabled() and view.history_button.isEnabled()
    assert view.selected_keys() == [("events", context.event)]


def test_filters_by_kind_and_text(view, context, qtbot):
    view.kind_combo.setCurrentIndex(view.kind_combo.findData("visits"))
    assert [kind for kind, _ in listed(view)] == ["慰问记录", "慰问记录"]
    assert view.totals.text() == "共 2 条作废的记录（已筛选）"
    view.search_edit.setText("重复登记")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=3000)
    assert view.model.text(0, "reason") == "重复登记"
    view.search_edit.setText("没有这样的记录")
    view.apply_filters()
    assert view.stack.currentIndex() == 1 and view.empty_label.text() == "没有符合条件的作废记录。"
    view.clear_filters()
    assert view.model.rowCount() == 5 and view.kind_combo.currentData() is None and not view.search_edit.text()


def test_restore_asks_first_then_restores_and_tells_the_other_pages(view, context, qtbot):
    view.select_key(("aid_payments", context.payment))
    box = view.ask_restore()
    assert isinstance(box, QMessageBox) and box.isVisible() and "恢复帮扶记录“" in box.text()
    assert box.button(QMessageBox.Ok).text() == "恢复"
    with qtbot.waitSignal(context.hardship_changed, timeout=2000), \
            qtbot.waitSignal(context.status_message, timeout=2000) as status:
        box.button(QMessageBox.Ok).click()

    assert status.args[0].startswith("已恢复帮扶记录“")
    assert one(context.db, "SELECT voided_at IS NULL FROM aid_payments WHERE id = ?", [context.payment]) == 1
    assert view.model.rowCount() == 4 and ("aid_payments", context.payment) not in view.model.ids()
    assert view.last_outcome.restored and not view.last_outcome.refused and view.result_box is None


def test_cancel_restores_nothing(view, context):
    view.select_key(("events", context.event))
    box = view.ask_restore()
    box.button(QMessageBox.Cancel).click()
    assert view.model.rowCount() == 5 and view.last_outcome is None


def test_a_refused_restore_says_why_and_the_rest_come_back(view, context, qtbot):
    refused_first = view.restore_keys([("visits", context.member_visit)])  # its member is voided
    assert refused_first.refused and not refused_first.restored
    box = view.result_box
    assert box.isVisible() and box.text().startswith("不能恢复：\n\n不能恢复慰问记录“")
    assert "已作废，请先恢复该会员。" in box.text()
    box.close()

    view.table.selectAll()
    with qtbot.waitSignal(context.members_changed, timeout=2000):
        outcome = view.restore_keys(view.selected_keys())
    assert not outcome.refused and len(outcome.restored) == 5  # the member first, then the member's visit
    assert view.model.rowCount() == 0 and view.stack.currentIndex() == 1
    assert view.empty_label.text().startswith("回收站是空的")


def test_voiding_elsewhere_shows_here(view, context, qtbot):
    honour = one(context.db, "SELECT id FROM honours ORDER BY id LIMIT 1")
    from gonghui_desk.honours.store import HonourStore

    HonourStore(context.db, TODAY).void(honour, "重复登记")
    context.honours_changed.emit()
    assert view.model.rowCount() == 6 and listed(view)[0][0] == "荣誉"
    view.hide()
    HonourStore(context.db, TODAY).void(one(context.db, "SELECT id FROM honours WHERE voided_at IS NULL LIMIT 1"),
                                        "重复登记")
    context.honours_changed.emit()
    assert view.model.rowCount() == 6  # not read while hidden…
    view.show()
    assert view.model.rowCount() == 7  # …but when shown again


def test_the_history_of_a_voided_record(view, context, qtbot):
    dialog = view.show_history(0)  # double-click or Enter
    qtbot.addWidget(dialog)
    assert isinstance(dialog, RecordHistoryDialog) and dialog.isVisible()
    assert dialog.title_label.text().startswith(f"会员：{context.member_name} ")
    assert [dialog.model.text(r, "action") for r in range(dialog.model.rowCount())][0] == "作废"
    assert dialog.model.text(0, "changes") == "作废原因：重复录入"
    view.table.selectRow(2)
    assert view.show_current_history().table_name == "aid_payments"
    menu = view._context_menu(view.table.visualRect(view.model.index(1, 1)).center())
    assert [a.text() for a in menu.actions()] == ["恢复…", "查看修改记录…"]
    menu.close()


def test_print_the_list(view, context, qtbot, monkeypatch):
    from gonghui_desk.ui import printing
    from gonghui_desk.ui.workers import Job

    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, table: shown.append(table) or "preview")
    qtbot.wait(1)
    view.kind_combo.setCurrentIndex(view.kind_combo.findData("visits"))
    job = view.start_print()
    qtbot.waitUntil(lambda: bool(shown) and job not in Job._running, timeout=10000)
    table = shown[0]
    assert table.title == "作废记录清单" and len(table.rows) == 2
    assert table.union_name == context.profile().name and table.rows[0][1] == "慰问记录"
    assert "打印预览" in view.print_button.toolTip() and "A4" in view.print_button.toolTip()


def test_the_main_window_has_the_page_and_the_menu_items(context, qtbot):
    from gonghui_desk.ui.app import create_main_window, setup_application

    setup_application()
    window = create_main_window(context)
    qtbot.addWidget(window)
    window.show()
    assert window.page_keys()[-2:] == ["recycle_bin", "backups"]
    assert window.navigation.item(window.page_keys().index("recycle_bin")).text() == "回收站"
    window.recycle_bin_action.trigger()
    assert window.stack.currentWidget() is window.recycle_bin_view
    qtbot.waitUntil(lambda: window.recycle_bin_view.model.rowCount() == 5, timeout=3000)
    assert window.change_log_action.text() == "查看修改记录…"
    window.change_log_action.trigger()
    dialog = window.change_log_dialog
    assert isinstance(dialog, ChangeLogDialog) and dialog.isVisible() and dialog.model.rowCount() == 200
    dialog.close()


def test_restoring_a_draft_or_a_mapping_refreshes_their_pages(context, qtbot):
    from gonghui_desk.documents import Document
    from gonghui_desk.form_fill.mappings import SavedMapping, save_mapping, void_mapping
    from gonghui_desk.reports.drafts import save_draft, void_draft
    from gonghui_desk.reports.model import ReportRequest
    from gonghui_desk.reports.periods import half_period
    from gonghui_desk.ui.app import create_main_window, setup_application

    draft = save_draft(context.db, ReportRequest("half", half_period(2026, 1)), Document("半年总结"), "上半年草稿",
                       stats={})
    void_draft(context.db, draft, "不要了")
    mapping = save_mapping(context.db, SavedMapping("采集表", "roster", headers={1: "姓名"}, columns={1: "name"}))
    void_mapping(context.db, mapping.name)
    setup_application()
    window = create_main_window(context)
    qtbot.addWidget(window)
    window.show()
    window.show_page("summary")
    window.show_page("reports")
    window.show_page("recycle_bin")
    summary_rows = window.summary_view.model.rowCount()
    mapping_rows = window.upstream_view.mappings_model.rowCount()

    outcome = window.recycle_bin_view.restore_keys([("report_drafts", draft), ("form_mappings", mapping.id)])

    assert not outcome.refused
    assert window.summary_view.model.rowCount() == summary_rows + 1
    assert window.upstream_view.mappings_model.rowCount() == mapping_rows + 1


def test_many_voided_records_are_read_a_page_at_a_time(view, context):
    with context.db.conn:
        for table in ("visits", "event_participants"):
            context.db.conn.execute(f"UPDATE {table} SET voided_at = '2026-11-21T09:00:00', void_reason = '批量录错' "
                                    "WHERE voided_at IS NULL")
    total = context.db.execute("SELECT (SELECT count(*) FROM visits) + (SELECT count(*) FROM event_participants) "
                               "+ 3").fetchone()[0]
    context.visits_changed.emit()

    assert view.model.rowCount() == total > 3 * view.model.page_size
    assert view.model.cached_pages <= 2  # only the rows on screen were read
    view.table.scrollToBottom()
    assert view.model.text(total - 1, "reason") == "金额录错" and view.model.cached_pages <= 3  # the oldest void
    assert view.model.text(0, "reason") == "批量录错"  # the newest
    assert view.totals.text() == f"共 {total} 条作废的记录"


def test_render_the_page(view, tmp_path):
    view.table.selectRow(0)
    image = view.grab()
    assert image.width() >= 1000 and image.save(str(tmp_path / "recycle_bin.png"))
