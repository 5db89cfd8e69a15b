"""The ledger import wizard (导入慰问台账) end to end, and the ledger page's 导入台账… button."""

from __future__ import annotations

import time

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from gonghui_desk.care.occasions import apply_rule_set, load_rule_set
from gonghui_desk.importing.visit_import import IMPORT_REASON
from gonghui_desk.ui import visit_import_wizard
from gonghui_desk.ui.care_view import CareView
from gonghui_desk.ui.import_wizard import ERROR_COLOUR, WARNING_COLOUR
from gonghui_desk.ui.visit_import_wizard import VisitImportWizard
from gonghui_desk.union import add_sub_unit

from conftest import TODAY, VALID_IDS
from wizard_steps import to_mapping, to_preview, to_summary

HEADER = ["序号", "被慰问人", "部门", "慰问事由", "慰问对象", "住院日期", "慰问日期", "慰问人", "慰问金额（元）",
          "慰问品", "慰问品价值", "经费来源", "疾病", "是否签收", "备注"]
GOOD = [
    ["张三", "一车间", "住院", "本人", "2026-03-01", "2026-03-05", "王主席、李委员", "500", None, None, "工会经费",
     "阑尾炎", "是", None],
    ["李四", "二车间", "婚嫁", None, None, "2026-05-01", "王主席", 800, None, None, None, None, "已签收", "新婚"],
    ["张三", None, "亲属去世", "父亲 张大山", "2026-06-02", "2026-06-03", None, "1,000.00", "花圈", "200", "行政",
     None, None, None],
    ["李四", "二车间", "住院", "本人", "2026-08-01", "2026-08-03", "王主席", 3000, None, None, "工会经费", "骨折",
     "是", "大病，委员会研究"],  # over the 2,000 元 cap: a warning, imported with the reason
]
BAD = [
    ["赵六", "一车间", "结婚", None, None, "2026-05-01", None, 800, None, None, None, None, None, None],  # no such member
    ["张伟", None, "结婚", None, None, "2026-05-02", None, 800, None, None, None, None, None, None],  # two 张伟
    ["李四", None, "乔迁之喜", None, None, "2026-05-03", None, 200, None, None, None, None, None, None],  # no occasion
    ["李四", None, "结婚", None, None, "2026-05-04", None, "壹佰元", None, None, None, None, None, None],
    ["李四", None, "退休", None, None, "2026年13月5日", None, 500, None, None, None, None, None, None],
]


def write_ledger(path, rows):
    """A ledger as unions keep it: a title, a unit line, variant headers, a 合计 and a 制表人 line."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "慰问台账"
    sheet.append(["某某公司工会2026年慰问台账"])
    sheet.append(["填报单位：某某公司工会"])
    sheet.append(HEADER)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append(["合计", None, None, None, None, None, None, None, 5300])
    sheet.append(["制表人：王五", None, None, "审核人：", None, None, "日期：2026-11-20"])
    workbook.save(path)
    return path


@pytest.fixture
def context(empty_context):
    """张三 (一车间), 李四 (二车间), a 张伟 in each; the example province's caps (住院 at most 2,000 元)."""
    ctx = empty_context
    apply_rule_set(ctx.db, load_rule_set("example-province"))
    one = add_sub_unit(ctx.db, "一车间")
    two = add_sub_unit(ctx.db, "二车间")
    ctx.people = {
        "张三": ctx.members.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit_id": one}, today=TODAY),
        "李四": ctx.members.create({"name": "李四", "id_number": VALID_IDS["woman_1990"], "sub_unit_id": two},
                                   today=TODAY),
    }
    ctx.members.create({"name": "张伟", "sub_unit_id": one}, today=TODAY)
    ctx.members.create({"name": "张伟", "sub_unit_id": two}, today=TODAY)
    return ctx


@pytest.fixture
def ledger(tmp_path):
    return write_ledger(tmp_path / "2026年慰问台账.xlsx", GOOD + BAD)


def make_wizard(context, qtbot, path=None) -> VisitImportWizard:
    wizard = VisitImportWizard(context, path, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def visits(context) -> list[dict]:
    return list(context.db.query("SELECT * FROM visits ORDER BY id"))


def shown_rows(page) -> list:
    return [page.rows_model.planned_row(r) for r in range(page.rows_model.rowCount())]


def test_import_a_ledger_end_to_end(context, ledger, qtbot):
    changed = []
    context.visits_changed.connect(lambda: changed.append(True))
    wizard = make_wizard(context, qtbot, ledger)
    assert wizard.windowTitle() == "导入慰问台账" and wizard.file_page.template_button is None
    assert wizard.file_page.isComplete()
    to_mapping(wizard, qtbot)

    mapping = wizard.mapping_page.model
    fields = {mapping.index(r, 1).data(): mapping.index(r, 3).data() for r in range(mapping.rowCount())}
    assert fields["被慰问人"] == "姓名" and fields["慰问事由"] == "慰问类别" and fields["慰问金额（元）"] == "慰问金"
    assert fields["住院日期"] == "事由日期" and fields["慰问日期"] == "走访日期" and fields["是否签收"] == "签收"
    assert fields["序号"] == "不导入"
    assert "没有身份证号列" in wizard.mapping_page.message.text()
    assert wizard.mapping_page.isComplete()

    wizard.next()
    page = wizard.preview_page
    qtbot.waitUntil(lambda: page.plan is not None and not page.busy, timeout=15000)
    assert page.plan.counts() == {"new": 4, "unchanged": 0, "invalid": 5}
    counts = page.counts_label.text()
    assert "新增 <b>4</b> 人次（2 人）" in counts and "已有 <b>0</b> 条" in counts and "有错误 <b>5</b> 行" in counts
    # every row with its problems: errors in red, warnings in amber
    rows = shown_rows(page)
    assert [r.row_number for r in rows] == list(range(4, 13))
    texts = [page.rows_model.explanation(r) for r in rows]
    assert "没有名为“赵六”的会员" in texts[4] and "有2名会员叫张伟" in texts[5]
    assert "“乔迁之喜”不是已有的慰问类别" in texts[6] and "壹佰元" in texts[7] and "2026年13月5日" in texts[8]
    assert texts[3] == f"慰问标准：本次 3,000 元超过“生病住院”每次 2,000 元的上限（导入时将注明“{IMPORT_REASON}”）"
    last = page.rows_model.columnCount() - 1
    colour = page.rows_model.index(3, last).data(Qt.ForegroundRole).color()
    assert colour == WARNING_COLOUR and page.rows_model.index(3, 1).data() == "新增"
    assert page.rows_model.index(4, last).data(Qt.ForegroundRole).color() == ERROR_COLOUR
    assert page.rows_model.index(4, 1).data() == "有错误" and page.rows_model.index(6, 4).data() == "乔迁之喜"
    page.only_problems_check.setChecked(True)
    assert [r.row_number for r in shown_rows(page)] == [7, 8, 9, 10, 11, 12]
    page.only_problems_check.setChecked(False)

    # invalid rows block the import until the user chooses to skip them
    assert page.skip_check.isVisible() and not page.skip_check.isChecked()
    assert not page.isComplete() and not wizard.button(QWizard.CommitButton).isEnabled()
    assert "有 5 行有错误" in page.message.text() and "为保证慰问台账完整" in page.message.text()
    assert visits(context) == []  # nothing written yet
    page.skip_check.setChecked(True)
    assert page.isComplete() and wizard.button(QWizard.CommitButton).isEnabled()
    assert page.message.text() == (f"点“导入”将新增 4 人次慰问记录（2 人），跳过 5 行，"
                                   f"其中 1 条超出慰问标准，将注明“{IMPORT_REASON}”。")

    to_summary(wizard, qtbot)
    result = wizard.result
    assert (result.created, result.unchanged, result.skipped, result.with_warnings) == (4, 0, 5, 1)
    summary = wizard.summary_page.summary_text()
    for text in ("新增 <b>4</b> 人次", "跳过 <b>5</b> 行", f"其中 <b>1</b> 条超出慰问标准，已注明“{IMPORT_REASON}”"):
        assert text in summary
    assert changed
    saved = visits(context)
    assert [(v["member_id"], v["visit_date"], v["cash_fen"]) for v in saved] == [
        (context.people["张三"], "2026-03-05", 50000), (context.people["李四"], "2026-05-01", 80000),
        (context.people["张三"], "2026-06-03", 100000), (context.people["李四"], "2026-08-03", 300000)]
    assert [v["override_reason"] for v in saved] == ["", "", "", IMPORT_REASON]


def test_a_clean_ledger_imports_without_ticking_skip_and_a_rerun_finds_it_there(context, tmp_path, qtbot):
    path = write_ledger(tmp_path / "ok.xlsx", GOOD)
    wizard = make_wizard(context, qtbot, path)
    to_preview(wizard, qtbot)
    page = wizard.preview_page
    assert page.skip_check.isHidden() and page.isComplete()
    to_summary(wizard, qtbot)
    assert wizard.result.created == 4 and len(visits(context)) == 4

    again = make_wizard(context, qtbot, path)
    to_preview(again, qtbot)
    page = again.preview_page
    assert page.plan.counts() == {"new": 0, "unchanged": 4, "invalid": 0}
    assert "已有 <b>4</b> 条（不再导入）" in page.counts_label.text()
    assert {page.rows_model.index(r, 1).data() for r in range(4)} == {"已有"}
    assert "与已有的慰问记录（编号 1）相同" in page.rows_model.explanation(page.rows_model.planned_row(0))
    assert not page.isComplete() and not again.button(QWizard.CommitButton).isEnabled()
    assert page.message.text() == "没有需要导入的内容：表格中的慰问记录都已在台账中。"
    assert len(visits(context)) == 4


def test_the_mapping_needs_a_name_and_an_occasion(context, ledger, qtbot):
    wizard = make_wizard(context, qtbot, ledger)
    to_mapping(wizard, qtbot)
    page = wizard.mapping_page
    model = page.model
    occasion_row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "慰问事由")
    model.setData(model.index(occasion_row, 3), None)
    assert not page.isComplete() and "请指定哪一列是“慰问类别”" in page.message.text()
    model.setData(model.index(0, 3), "occasion")  # 序号 → 慰问类别
    assert page.isComplete()
    model.setData(model.index(occasion_row, 3), "occasion")
    assert not page.isComplete() and "有多列都对应到了“慰问类别”" in page.message.text()
    page.reset_mapping()
    assert page.isComplete() and wizard.mapping[occasion_row] == "occasion" and 0 not in wizard.mapping


def test_cancelling_the_import_writes_nothing(context, tmp_path, qtbot, monkeypatch):
    real_commit = visit_import_wizard.commit_import
    checks = []

    def commit_until_cancelled(db, plan, *, skip_invalid=False, progress=None, is_cancelled=None):
        while not is_cancelled():  # the user reads the progress bar, then presses 取消
            time.sleep(0.01)

        def cancelled_after_the_rows_are_saved() -> bool:
            checks.append(True)
            return len(checks) > 1  # the check before the first row passes, the one after the last does not

        return real_commit(db, plan, skip_invalid=skip_invalid, progress=progress,
                           is_cancelled=cancelled_after_the_rows_are_saved)

    monkeypatch.setattr(visit_import_wizard, "commit_import", commit_until_cancelled)
    changed = []
    context.visits_changed.connect(lambda: changed.append(True))
    wizard = make_wizard(context, qtbot, write_ledger(tmp_path / "ok.xlsx", GOOD))
    to_preview(wizard, qtbot)
    wizard.next()
    page = wizard.commit_page
    qtbot.waitUntil(lambda: wizard.currentPage() is page and page.busy, timeout=15000)
    assert page.jobs.cancel_button.isVisible()
    page.jobs.cancel_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=15000)
    assert len(checks) == 2  # the rows were saved, then rolled back
    assert page.jobs.label.text() == "已取消导入，慰问台账没有任何改动。"
    assert wizard.currentPage() is page and not page.isComplete()
    assert wizard.buttonText(QWizard.CancelButton) == "关闭"
    assert visits(context) == [] and not changed


def test_the_ledger_button_opens_the_wizard_and_the_ledger_shows_what_it_imported(context, tmp_path, qtbot,
                                                                                 monkeypatch):
    opened = []
    monkeypatch.setattr(VisitImportWizard, "open", lambda self: opened.append(self))
    care = CareView(context, today=TODAY)
    qtbot.addWidget(care)
    care.show()
    ledger_view = care.ledger
    assert ledger_view.model.rowCount() == 0
    assert ledger_view.import_button.text() == "导入台账…"
    ledger_view.import_button.click()
    assert len(opened) == 1 and opened[0] is ledger_view.import_wizard
    wizard = opened[0]
    assert isinstance(wizard, VisitImportWizard) and wizard.parent() is ledger_view and wizard.today == TODAY

    wizard.file_page.path_edit.setText(str(write_ledger(tmp_path / "ok.xlsx", GOOD)))
    wizard.show()
    to_preview(wizard, qtbot)
    to_summary(wizard, qtbot)
    assert ledger_view.model.rowCount() == 4  # refreshed by visits_changed
    wizard.close()
