"""修改记录 (gonghui_desk.ui.change_log_dialog): a member's history in the dialog, masked until 显示完整号码 is
ticked (which is itself logged), and exported on a worker; the whole log read a page at a time as it scrolls,
with its filters and its export; the 修改记录… button of the member card, the visit, hardship file and proposal
dialogs."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gonghui_desk.change_history import PAGE_SIZE, count_log
from gonghui_desk.ui.change_log_dialog import (ChangeLogDialog, ExportChangesDialog, RecordHistoryDialog,
                                               open_change_log, open_record_history)
from gonghui_desk.ui.workers import Job
from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile
from tests.conftest import TODAY, VALID_IDS

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(empty_context):
    """张三: created, moved and re-numbered, voided and restored."""
    ctx = empty_context
    save_profile(ctx.db, UnionProfile(name="测试中学工会委员会", kind="学校"))
    unit = add_sub_unit(ctx.db, "语文组")
    ctx.member_id = ctx.members.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "phone": "13800000000",
                                        "sub_unit_id": unit}, today=TODAY)
    ctx.members.update(ctx.member_id, {"phone": "13911111111", "notes": "调入教务处"}, today=TODAY)
    ctx.members.void(ctx.member_id, "重复录入")
    ctx.members.restore(ctx.member_id)
    return ctx


def texts(dialog, key: str) -> list[str]:
    return [dialog.model.text(row, key) for row in range(dialog.model.rowCount())]


def test_a_members_history_masked_until_asked(context, qtbot):
    dialog = open_record_history(None, context, "members", context.member_id, today=TODAY)
    qtbot.addWidget(dialog)

    assert isinstance(dialog, RecordHistoryDialog) and dialog.isVisible() and dialog.windowTitle() == "修改记录 - 会员"
    assert dialog.title_label.text() == "会员：张三 男 1985-03-07 语文组 在册"
    assert dialog.count_label.text() == "共 4 条修改记录，最新的在前"
    assert texts(dialog, "action") == ["恢复", "作废", "修改", "新增"]
    assert texts(dialog, "changes")[:3] == ["恢复（原作废原因：重复录入）", "作废原因：重复录入",
                                             "手机号：138****0000 → 139****1111；备注：（空） → 调入教务处"]
    assert "110101********0013" in texts(dialog, "changes")[3]
    logged = count_log(context.db)

    dialog.full_numbers_check.click()

    assert texts(dialog, "changes")[2].startswith("手机号：13800000000 → 13911111111")
    assert VALID_IDS["man_1985"] in texts(dialog, "changes")[3]
    unmask = context.db.execute("SELECT table_name, action, new_values FROM change_log "
                                "ORDER BY id DESC LIMIT 1").fetchone()
    assert count_log(context.db) == logged + 1  # ticking it is itself logged
    assert unmask[:2] == ("members", "unmask") and "修改记录：显示完整号码（会员：张三" in unmask[2]
    tip = dialog.model.data(dialog.model.index(2, 2), Qt.ToolTipRole)  # one change a line
    assert tip.split("\n") == ["手机号：13800000000 → 13911111111", "备注：（空） → 调入教务处"]


def test_the_history_exported_through_the_dialog(context, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "张三的修改记录"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    dialog = RecordHistoryDialog(context, "members", context.member_id, today=TODAY)
    qtbot.addWidget(dialog)

    options = dialog.start_export()

    assert isinstance(options, ExportChangesDialog) and not options.full_numbers  # unticked every time
    options.prepared_by_edit.setText("刘干事")
    options.accept()
    qtbot.waitUntil(lambda: dialog.export_job is not None and not Job._running, timeout=10000)
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(target.with_suffix(".xlsx")).active.iter_rows()]
    assert rows[0][0] == "修改记录" and rows[1][0].startswith("会员：张三 男 1985-03-07 语文组 在册；")
    assert rows[3] == ["序号", "时间", "操作", "改动"] and [r[2] for r in rows[4:8]] == ["恢复", "作废", "修改", "新增"]
    assert rows[6][3] == "手机号：138****0000 → 139****1111；备注：（空） → 调入教务处"
    assert any("刘干事" in str(r[0]) for r in rows)
    assert dialog.export_job.feedback.box is not None  # the offer to open the folder, not blocking


def test_the_export_with_full_numbers_is_logged(context, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "full.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    dialog = RecordHistoryDialog(context, "members", context.member_id, today=TODAY)
    qtbot.addWidget(dialog)
    options = dialog.start_export()
    options.full_numbers_check.setChecked(True)
    options.accept()
    qtbot.waitUntil(lambda: dialog.export_job is not None and not Job._running, timeout=10000)

    rows = [[c.value for c in row] for row in openpyxl.load_workbook(target).active.iter_rows()]
    assert rows[6][3].startswith("手机号：13800000000 → 13911111111")
    action, values = context.db.execute("SELECT action, new_values FROM change_log ORDER BY id DESC LIMIT 1").fetchone()
    assert action == "unmask" and "导出修改记录" in values and "full.xlsx" in values


# --- the whole log --------------------------------------------------------------------------------------------------
@pytest.fixture
def log(school_demo_context, qtbot):
    dialog = ChangeLogDialog(school_demo_context, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_log_reads_a_page_at_a_time_as_it_scrolls(log, qtbot):
    total = count_log(log.context.db)
    assert total > 3 * PAGE_SIZE
    assert log.model.rowCount() == PAGE_SIZE and log.model.has_more
    assert log.count_label.text() == f"已列出最近的 {PAGE_SIZE} 条，向下滚动查看更早的"
    ids = [e.id for e in log.model.entries()]
    assert ids == sorted(ids, reverse=True) and ids[0] == log.context.db.execute(
        "SELECT max(id) FROM change_log").fetchone()[0]
    log.table.scrollToBottom()
    qtbot.waitUntil(lambda: log.model.rowCount() >= 2 * PAGE_SIZE, timeout=3000)
    ids = [e.id for e in log.model.entries()]
    assert len(ids) == len(set(ids)) and ids == sorted(ids, reverse=True)
    assert [log.model.headerData(c, Qt.Horizontal) for c in range(5)] == ["时间", "种类", "记录", "操作", "改动"]


def test_the_log_filters(log, qtbot):
    db = log.context.db
    log.kind_combo.setCurrentIndex(log.kind_combo.findData("honours"))
    honours = db.execute("SELECT count(*) FROM change_log WHERE table_name = 'honours'").fetchone()[0]
    assert log.model.rowCount() == honours and set(texts(log, "kind")) == {"荣誉"}
    assert log.count_label.text() == f"共 {honours} 条"
    log.action_combo.setCurrentIndex(log.action_combo.findData("update"))
    assert set(texts(log, "action")) <= {"修改"}

    log.clear_filters()
    log.date_from_edit.setText("2030.1.1")
    log.apply_filters()
    assert log.date_from_edit.text() == "2030-01-01"  # as understood
    assert log.model.rowCount() == 0 and log.count_label.text() == "没有符合条件的修改记录"
    assert not log.export_button.isEnabled()
    log.date_to_edit.setText("2029-12-31")
    log.apply_filters()
    assert log.error_label.isVisible() and log.error_label.text() == "开始日期 2030-01-01 晚于结束日期 2029-12-31"
    log.date_to_edit.setText("不是日期")
    log.apply_filters()
    assert log.error_label.text().startswith("结束日期：")

    log.clear_filters()
    assert not log.error_label.isVisible() and log.model.rowCount() == PAGE_SIZE
    name = db.execute("SELECT name FROM members ORDER BY id LIMIT 1").fetchone()[0]
    log.search_edit.setText(name)
    qtbot.waitUntil(lambda: 0 < log.model.rowCount() < PAGE_SIZE, timeout=3000)
    assert "会员" in texts(log, "kind")


def test_a_row_opens_its_records_history(log, qtbot):
    log.kind_combo.setCurrentIndex(log.kind_combo.findData("members"))
    log.table.selectRow(0)
    record = log.open_current_record()
    qtbot.addWidget(record)
    entry = log.model.entry(0)
    assert isinstance(record, RecordHistoryDialog) and record.table_name == "members"
    assert str(record.record_id) == entry.record_id and record.model.rowCount() >= 1


def test_the_filtered_log_exported(log, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "log.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    log.kind_combo.setCurrentIndex(log.kind_combo.findData("visits"))
    visits = count_log(log.context.db, log.log_filter)
    assert visits > PAGE_SIZE  # more than the list shows: the export takes them all

    options = log.start_export()
    assert "种类：慰问记录" in options.findChild(type(log.count_label)).text()
    options.accept()
    qtbot.waitUntil(lambda: log.export_job is not None and not Job._running, timeout=20000)

    rows = [[c.value for c in row] for row in openpyxl.load_workbook(target).active.iter_rows()]
    assert rows[1][0] == "时间：全部时间；种类：慰问记录；身份证号、手机号、银行卡号已隐去部分数字"
    assert rows[3] == ["序号", "时间", "种类", "记录", "操作", "改动"]
    data = [r for r in rows[4:] if isinstance(r[0], int)]
    assert len(data) == visits and {r[2] for r in data} == {"慰问记录"}
    assert f"合计：共 {visits} 条" in [r[0] for r in rows]


# --- the record dialogs' 修改记录… button -----------------------------------------------------------------------
def test_the_record_dialogs_open_their_history(school_demo_context, qtbot):
    from gonghui_desk.ui.hardship_file_dialog import open_file_dialog
    from gonghui_desk.ui.member_card import MemberCardDialog
    from gonghui_desk.ui.proposal_dialog import open_proposal_dialog
    from gonghui_desk.ui.visit_dialog import open_visit_dialog

    ctx = school_demo_context
    db = ctx.db

    def first(table):
        return db.execute(f"SELECT id FROM {table} ORDER BY id LIMIT 1").fetchone()[0]

    card = MemberCardDialog(ctx, first("members"), today=TODAY)
    qtbot.addWidget(card)
    dialogs = [("members", card),
               ("visits", open_visit_dialog(None, ctx, first("visits"), today=TODAY)),
               ("hardship_files", open_file_dialog(None, ctx, first("hardship_files"), today=TODAY)),
               ("proposals", open_proposal_dialog(None, ctx, first("proposals"), today=TODAY))]
    for table, dialog in dialogs:
        qtbot.addWidget(dialog)
        button = dialog.history_button
        assert button.text() == "修改记录…" and button.isVisibleTo(dialog), table
        button.click()
        history = dialog.history_dialog
        assert isinstance(history, RecordHistoryDialog) and history.table_name == table
        assert history.model.rowCount() >= 1 and history.model.text(history.model.rowCount() - 1, "action") == "新增"
        history.close()
    new_card = MemberCardDialog(ctx, None, today=TODAY)
    qtbot.addWidget(new_card)
    assert not new_card.history_button.isVisibleTo(new_card) and new_card.history_button.open_history() is None


def test_open_change_log_does_not_block(school_demo_context, qtbot):
    dialog = open_change_log(None, school_demo_context, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.model.rowCount() == PAGE_SIZE
