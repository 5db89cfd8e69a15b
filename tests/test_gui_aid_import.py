"""The aid import wizard (导入帮扶台账) end to end, and the aid page's 导入… button."""

from __future__ import annotations

import time

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from gonghui_desk.hardship.aid import AidInput, AidStore
from gonghui_desk.importing.aid_import import IMPORT_REASON
from gonghui_desk.ui import aid_import_wizard
from gonghui_desk.ui.aid_import_wizard import AidImportWizard
from gonghui_desk.ui.aid_view import AidView
from gonghui_desk.ui.import_wizard import ERROR_COLOUR, WARNING_COLOUR
from gonghui_desk.union import add_sub_unit

from conftest import TODAY, VALID_IDS
from wizard_steps import to_mapping, to_preview, to_summary

pytestmark = pytest.mark.usefixtures("no_job_left_running")

HEADER = ["序号", "户主姓名", "身份证号", "部门", "救助类型", "发放金额（元）", "经费来源", "发放日期", "是否签收",
          "学生姓名", "录取学校", "入学年份", "备注"]
GOOD = [
    ["张三", VALID_IDS["man_1985"], "一车间", "送温暖", 500, "上级", "2026-01-15", "已签收", None, None, None, None],
    ["张三", None, "一车间", "金秋助学", 3000, "捐款", "2026-09-01", "是", "张小明", "某某大学", 2026, None],
    ["张三", None, None, "助学", 2000, None, "2026-09-05", None, "张小红", "某某职业学院", 2026, "新生"],
    ["李四", None, "二车间", "生活救助", 800, "工会经费", "2026-05-01", None, None, None, None, None],  # file closed
]
BAD = [
    ["张三", None, None, "购房补贴", 5000, None, "2026-02-01", None, None, None, None, None],  # unknown type
    ["王五", None, "一车间", "生活救助", 800, None, "2026-04-01", None, None, None, None, None],  # no file
    ["赵六", None, None, "临时救助", 600, None, None, None, None, None, None, None],  # no date
]
DUPLICATE = ["赵六", None, None, "生活救助", "1000", None, "2026-03-10", None, None, None, None, None]


def write_ledger(path, rows):
    """A ledger as unions keep it: a title, a unit line, headers in its own words, a 合计 and a 制表人 line."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "帮扶台账"
    sheet.append(["某某公司工会2026年困难职工帮扶台账"])
    sheet.append(["填报单位：某某公司工会"])
    sheet.append(HEADER)
    for number, cells in enumerate(rows, start=1):
        sheet.append([number, *cells])
    sheet.append(["合计", None, None, None, None, 12700])
    sheet.append(["制表人：王五", None, None, None, "审核人：李主席"])
    workbook.save(path)
    return path


@pytest.fixture
def context(empty_context):
    """张三 (一车间, 在档, son 张小明), 李四 (二车间, 脱困 on 2026-03-01), 王五 (no file), 赵六 (在档, one payment)."""
    ctx = empty_context
    db = ctx.db
    one, two = add_sub_unit(db, "一车间"), add_sub_unit(db, "二车间")
    ctx.people = {
        "张三": ctx.members.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit_id": one,
                                    "join_date": "2010-01-01"}, today=TODAY),
        "李四": ctx.members.create({"name": "李四", "sub_unit_id": two, "join_date": "2010-01-01"}, today=TODAY),
        "王五": ctx.members.create({"name": "王五", "sub_unit_id": one, "join_date": "2010-01-01"}, today=TODAY),
        "赵六": ctx.members.create({"name": "赵六", "sub_unit_id": two, "join_date": "2010-01-01"}, today=TODAY),
    }
    ctx.files = {}
    for name, opened, status, closed in (("张三", "2025-01-01", "在档", None), ("李四", "2024-01-01", "脱困", "2026-03-01"),
                                         ("赵六", "2025-06-01", "在档", None)):
        ctx.files[name] = db.conn.execute(
            "INSERT INTO hardship_files (member_id, status, category, main_cause, opened_on, closed_on) "
            "VALUES (?, ?, '困难', '因病', ?, ?)", [ctx.people[name], status, opened, closed]).lastrowid
    db.conn.execute("INSERT INTO hardship_family_members (file_id, name, relation, id_number, identity, sort_order) "
                    "VALUES (?, '张小明', '子女', '110101200801010019', '学生', 1)", [ctx.files["张三"]])
    aid = AidStore(db, today=TODAY)
    ctx.existing = aid.apply(AidInput(file_id=ctx.files["赵六"], aid_type="生活救助", cash_fen=100000,
                                      applied_on="2026-03-10"))
    aid.approve(ctx.existing, "2026-03-10", "李主席")
    aid.pay(ctx.existing, "2026-03-10", "王会计")
    return ctx


@pytest.fixture
def ledger(tmp_path):
    return write_ledger(tmp_path / "2026年帮扶台账.xlsx", GOOD + BAD + [DUPLICATE])


def make_wizard(context, qtbot, path=None) -> AidImportWizard:
    wizard = AidImportWizard(context, path, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def payments(context) -> list[dict]:
    return list(context.db.query("SELECT * FROM aid_payments ORDER BY id"))


def family(context) -> list[str]:
    return [r[0] for r in context.db.execute("SELECT name FROM hardship_family_members WHERE file_id = ? "
                                             "AND voided_at IS NULL ORDER BY sort_order, id", [context.files["张三"]])]


def shown_rows(page) -> list:
    return [page.rows_model.planned_row(r) for r in range(page.rows_model.rowCount())]


def test_import_a_ledger_end_to_end(context, ledger, qtbot):
    changed = []
    context.hardship_changed.connect(lambda: changed.append(True))
    wizard = make_wizard(context, qtbot, ledger)
    assert wizard.windowTitle() == "导入帮扶台账" and wizard.file_page.template_button is None
    assert wizard.file_page.isComplete()
    to_mapping(wizard, qtbot)

    mapping = wizard.mapping_page.model
    fields = {mapping.index(r, 1).data(): mapping.index(r, 3).data() for r in range(mapping.rowCount())}
    assert fields == {"序号": "不导入", "户主姓名": "户主", "身份证号": "身份证号", "部门": "部门", "救助类型": "帮扶类型",
                      "发放金额（元）": "帮扶金额", "经费来源": "资金来源", "发放日期": "发放日期", "是否签收": "签收",
                      "学生姓名": "受助学生", "录取学校": "录取学校", "入学年份": "入学年份", "备注": "备注"}
    assert wizard.mapping_page.isComplete()

    wizard.next()
    page = wizard.preview_page
    qtbot.waitUntil(lambda: page.plan is not None and not page.busy, timeout=15000)
    assert page.plan.counts() == {"new": 4, "unchanged": 1, "invalid": 3}
    counts = page.counts_label.text()
    assert "新增 <b>4</b> 人次（2 户）" in counts and "已有 <b>1</b> 条" in counts and "有错误 <b>3</b> 行" in counts
    rows = shown_rows(page)
    assert [r.row_number for r in rows] == list(range(4, 12))
    explained = [page.rows_model.explanation(r) for r in rows]
    assert explained[1] == "受助学生：张小明"
    assert explained[2] == "受助学生：将把学生 张小红 添加为该户家庭成员"
    assert explained[3] == f"帮扶规定：该困难职工档案已于 2026-03-01脱困，2026-05-01 不在档（导入时将注明“{IMPORT_REASON}”）"
    assert explained[4].startswith("帮扶类型：“购房补贴”不是已有的帮扶类型，已有：生活救助、")
    assert explained[5] == "困难职工档案：该会员没有困难职工档案，请先建档或导入困难职工档案"
    assert explained[6].startswith("发放日期：请填写发放日期（历史台账的每一笔帮扶都应写明何时发放；")
    assert explained[7] == f"重复记录：与已有的帮扶记录（编号 {context.existing}）相同（同一户、帮扶类型、发放日期和金额），不再重复导入"
    model = page.rows_model
    last = model.columnCount() - 1
    assert [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())] == [
        "行号", "结果", "户主", "部门", "帮扶类型", "日期", "金额", "说明"]
    assert [model.index(1, c).data() for c in range(2, 7)] == ["张三", "一车间", "金秋助学", "2026-09-01", "3,000 元"]
    assert model.index(3, last).data(Qt.ForegroundRole).color() == WARNING_COLOUR and model.index(3, 1).data() == "新增"
    assert model.index(4, last).data(Qt.ForegroundRole).color() == ERROR_COLOUR and model.index(4, 1).data() == "有错误"
    assert model.index(7, 1).data() == "已有"
    page.only_problems_check.setChecked(True)
    assert [r.row_number for r in shown_rows(page)] == [6, 7, 8, 9, 10, 11]
    page.only_problems_check.setChecked(False)

    # invalid rows block the import until the user chooses to skip them
    assert page.skip_check.isVisible() and not page.skip_check.isChecked()
    assert not page.isComplete() and not wizard.button(QWizard.CommitButton).isEnabled()
    assert "有 3 行有错误" in page.message.text() and "为保证帮扶台账完整" in page.message.text()
    assert len(payments(context)) == 1  # nothing written yet
    page.skip_check.setChecked(True)
    assert page.isComplete() and wizard.button(QWizard.CommitButton).isEnabled()
    assert page.message.text() == ("点“导入”将新增 4 人次帮扶记录（2 户），跳过 3 行，台账中已有的 1 条不再导入，"
                                   f"把学生 张小红 添加为家庭成员，其中 1 条不符合帮扶规定，将注明“{IMPORT_REASON}”。")

    to_summary(wizard, qtbot)
    result = wizard.result
    assert (result.created, result.unchanged, result.skipped, result.with_warnings, result.students_added) == (
        4, 1, 3, 1, 1)
    summary = wizard.summary_page.summary_text()
    for text in ("新增 <b>4</b> 人次", "跳过 <b>3</b> 行", f"其中 <b>1</b> 条不符合帮扶规定，已注明“{IMPORT_REASON}”",
                 "添加为家庭成员的学生 <b>1</b> 人", "台账中已有 1 条，没有重复导入"):
        assert text in summary
    assert changed
    saved = payments(context)[1:]
    assert [(p["member_id"], p["aid_type"], p["stage"], p["paid_on"], p["cash_fen"], p["signed"]) for p in saved] == [
        (context.people["张三"], "节日送温暖", "发放", "2026-01-15", 50000, 1),
        (context.people["张三"], "金秋助学", "发放", "2026-09-01", 300000, 1),
        (context.people["张三"], "金秋助学", "发放", "2026-09-05", 200000, 0),
        (context.people["李四"], "生活救助", "发放", "2026-05-01", 80000, 0)]
    assert [p["override_reason"] for p in saved] == ["", "", "", IMPORT_REASON]
    assert family(context) == ["张小明", "张小红"]


def test_a_clean_ledger_imports_without_ticking_skip_and_a_rerun_finds_it_there(context, tmp_path, qtbot):
    path = write_ledger(tmp_path / "ok.xlsx", GOOD)
    wizard = make_wizard(context, qtbot, path)
    to_preview(wizard, qtbot)
    page = wizard.preview_page
    assert page.skip_check.isHidden() and page.isComplete()
    to_summary(wizard, qtbot)
    assert wizard.result.created == 4 and len(payments(context)) == 5

    again = make_wizard(context, qtbot, path)
    to_preview(again, qtbot)
    page = again.preview_page
    assert page.plan.counts() == {"new": 0, "unchanged": 4, "invalid": 0}
    assert "已有 <b>4</b> 条（不再导入）" in page.counts_label.text()
    assert {page.rows_model.index(r, 1).data() for r in range(4)} == {"已有"}
    assert not page.isComplete() and not again.button(QWizard.CommitButton).isEnabled()
    assert page.message.text() == "没有需要导入的内容：表格中的帮扶记录都已在台账中。"
    assert len(payments(context)) == 5 and family(context) == ["张小明", "张小红"]


def test_the_mapping_needs_a_head_and_a_type(context, ledger, qtbot):
    wizard = make_wizard(context, qtbot, ledger)
    to_mapping(wizard, qtbot)
    page = wizard.mapping_page
    model = page.model
    type_row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "救助类型")
    model.setData(model.index(type_row, 3), None)
    assert not page.isComplete() and "请指定哪一列是“帮扶类型”" in page.message.text()
    date_row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "发放日期")
    model.setData(model.index(type_row, 3), "aid_type")
    model.setData(model.index(date_row, 3), None)
    assert page.isComplete() and "没有发放日期列" in page.message.text()
    page.reset_mapping()
    assert page.isComplete() and wizard.mapping[date_row] == "paid_on"


def test_cancelling_the_import_writes_nothing(context, tmp_path, qtbot, monkeypatch):
    real_commit = aid_import_wizard.commit_import
    checks = []

    def commit_until_cancelled(db, plan, *, skip_invalid=False, progress=None, is_cancelled=None):
        while not is_cancelled():  # the user reads the progress bar, then presses 取消
            time.sleep(0.01)

        def cancelled_after_the_rows_are_saved() -> bool:
            checks.append(True)
            return len(checks) > 1  # the check before the first row passes, the one after the last does not

        return real_commit(db, plan, skip_invalid=skip_invalid, progress=progress,
                           is_cancelled=cancelled_after_the_rows_are_saved)

    monkeypatch.setattr(aid_import_wizard, "commit_import", commit_until_cancelled)
    changed = []
    context.hardship_changed.connect(lambda: changed.append(True))
    wizard = make_wizard(context, qtbot, write_ledger(tmp_path / "ok.xlsx", GOOD))
    to_preview(wizard, qtbot)
    wizard.next()
    page = wizard.commit_page
    qtbot.waitUntil(lambda: wizard.currentPage() is page and page.busy, timeout=15000)
    assert page.jobs.cancel_button.isVisible()
    page.jobs.cancel_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=15000)
    assert len(checks) == 2  # the rows were saved, then rolled back
    assert page.jobs.label.text() == "已取消导入，帮扶台账没有任何改动。"
    assert wizard.currentPage() is page and not page.isComplete()
    assert len(payments(context)) == 1 and family(context) == ["张小明"] and not changed


def test_the_import_button_opens_the_wizard_and_the_ledger_shows_what_it_imported(context, tmp_path, qtbot,
                                                                                 monkeypatch):
    opened = []
    monkeypatch.setattr(AidImportWizard, "open", lambda self: opened.append(self))
    view = AidView(context, today=TODAY)
    qtbot.addWidget(view)
    view.show()
    view.ensure_loaded()
    assert view.model.rowCount() == 1
    assert view.import_button.text() == "导入…" and view.import_button.isEnabled()
    assert view.import_button.isVisible()
    assert view.sign_button.x() < view.import_button.x() < view.export_button.x()  # beside 导出Excel…
    view.import_button.click()
    assert len(opened) == 1 and opened[0] is view.import_wizard
    wizard = opened[0]
    assert isinstance(wizard, AidImportWizard) and wizard.parent() is view and wizard.today == TODAY

    wizard.file_page.path_edit.setText(str(write_ledger(tmp_path / "ok.xlsx", GOOD)))
    wizard.show()
    to_preview(wizard, qtbot)
    to_summary(wizard, qtbot)
    assert view.model.rowCount() == 5  # refreshed by hardship_changed
    wizard.close()
