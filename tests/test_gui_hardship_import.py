"""The hardship file import wizard (导入困难职工档案) end to end: mapping, check, import, re-import, cancel,
and the blank template."""

from __future__ import annotations

import time

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWizard

from gonghui_desk.importing.hardship_import import IMPORT_REASON
from gonghui_desk.ui import hardship_import_wizard
from gonghui_desk.ui.hardship_import_wizard import HardshipImportWizard
from gonghui_desk.ui.import_wizard import ERROR_COLOUR, WARNING_COLOUR
from gonghui_desk.union import add_sub_unit

from conftest import TODAY, VALID_IDS
from wizard_steps import to_mapping, to_preview, to_summary

HEADER = ["序号", "户主姓名", "公民身份号码", "工作单位", "困难类型", "建档级别", "致困原因", "本人月收入（元）",
          "家庭其他年收入（元）", "家庭人口", "家庭月人均收入", "建档时间", "档案状态", "脱困/注销日期", "脱困/注销原因"]
GOOD = [
    ["张三", VALID_IDS["man_1985"], "一车间", "特困职工", "市级", "因病致困", 1800, 6000, 3, 766.67, "2024-03-01",
     None, None, None],
    ["王五", None, "一车间", "困难", "县级", "因残", 0, 12000, 2, 800, "2023-01-10", "脱困", "2025-06-30",
     "子女就业，家庭收入稳定"],  # 退休: imported with the reason; 800 元 per person in the sheet, 500 computed
]
BAD = [
    ["李四", None, "二车间", "深度困难", "基层", "因病", 1000, 0, 1, None, "2025-01-01", None, None, None],
    ["李四", None, "二车间", "困难", "基层", "因病", 1000, 0, 1, None, "2022-01-01", "注销", "2025-12-01", None],
]


def write_sheet(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "困难职工花名册"
    sheet.append(["某某公司工会困难职工花名册"])
    sheet.append(["填报单位：某某公司工会", None, None, None, "填报日期：2026年11月20日"])
    sheet.append(HEADER)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append(["制表人：王五", None, None, "审核人：李主席"])
    workbook.save(path)
    return path


@pytest.fixture
def context(empty_context):
    """张三 (一车间), 李四 (二车间) and 王五 (一车间, 退休)."""
    ctx = empty_context
    one = add_sub_unit(ctx.db, "一车间")
    two = add_sub_unit(ctx.db, "二车间")
    ctx.people = {
        "张三": ctx.members.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit_id": one},
                                   today=TODAY),
        "李四": ctx.members.create({"name": "李四", "sub_unit_id": two}, today=TODAY),
        "王五": ctx.members.create({"name": "王五", "sub_unit_id": one, "join_date": "1990-01-01"}, today=TODAY),
    }
    ctx.members.change_status(ctx.people["王五"], "退休", "2025-01-31", "到龄退休")
    return ctx


@pytest.fixture
def sheet(tmp_path):
    return write_sheet(tmp_path / "困难职工花名册.xlsx", GOOD + BAD)


def make_wizard(context, qtbot, path=None) -> HardshipImportWizard:
    wizard = HardshipImportWizard(context, path, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def files(context) -> list[dict]:
    return list(context.db.query("SELECT * FROM hardship_files ORDER BY id"))


def shown_rows(page) -> list:
    return [page.rows_model.planned_row(r) for r in range(page.rows_model.rowCount())]


def test_import_a_sheet_end_to_end(context, sheet, qtbot):
    changed = []
    context.hardship_changed.connect(lambda: changed.append(True))
    wizard = make_wizard(context, qtbot, sheet)
    assert wizard.windowTitle() == "导入困难职工档案" and wizard.file_page.template_button is not None
    tips = wizard.file_page.findChildren(type(wizard.file_page.path_hint))
    assert any("表中不含家庭成员" in label.text() for label in tips)
    assert wizard.file_page.isComplete()
    to_mapping(wizard, qtbot)

    mapping = wizard.mapping_page.model
    fields = {mapping.index(r, 1).data(): mapping.index(r, 3).data() for r in range(mapping.rowCount())}
    assert fields["户主姓名"] == "姓名" and fields["困难类型"] == "困难类别" and fields["致困原因"] == "主要致困原因"
    assert fields["建档级别"] == "建档标准" and fields["家庭月人均收入"] == "家庭月人均收入（仅核对）"
    assert fields["序号"] == "不导入"
    assert wizard.mapping_page.isComplete()
    assert wizard.mapping_page.message.text() == ("将导入 14 列，其余 1 列不导入；"
                                                  "家庭月人均收入由程序计算，这一列只用于核对，不导入")

    wizard.next()
    page = wizard.preview_page
    qtbot.waitUntil(lambda: page.plan is not None and not page.busy, timeout=15000)
    assert page.plan.counts() == {"new": 1, "history": 1, "unchanged": 0, "invalid": 2}
    counts = page.counts_label.text()
    for text in ("新建档 <b>1</b> 户", "历史档案 <b>1</b> 户（已脱困/注销）", "已有 <b>0</b> 户（不再导入）",
                 "有错误 <b>2</b> 行"):
        assert text in counts
    rows = shown_rows(page)
    assert [r.row_number for r in rows] == [4, 5, 6, 7]
    model = page.rows_model
    assert [[model.index(r, c).data() for c in range(2, 7)] for r in range(4)] == [
        ["张三", "一车间", "特困", "在档", "766.67 元"], ["王五", "一车间", "困难", "脱困（2025-06-30）", "500 元"],
        ["李四", "二车间", "深度困难", "在档", ""], ["李四", "二车间", "困难", "注销（2025-12-01）", ""]]
    texts = [model.explanation(r) for r in rows]
    assert texts[0] == ""
    assert texts[1] == ("家庭月人均收入：表中为 800 元，按本人月收入、家庭其他年收入和家庭人口计算为 500 元；"
                        "导入后以计算值为准（家庭成员的月收入在档案中补录后会计入）；"
                        f"会员状态：王五目前的会员状态为“退休”，不是在册会员（导入时将注明“{IMPORT_REASON}”）")
    assert texts[2].startswith("困难类别：“深度困难”不是可选的困难类别")
    assert texts[3] == ("重复户主：与第6行是同一户主（李四），一户在表中只能有一行；请核对是否重复填写；"
                        "脱困/注销原因：档案状态为“注销”，请填写注销原因（导入时不会代填）")
    last = model.columnCount() - 1
    assert model.index(1, last).data(Qt.ForegroundRole).color() == WARNING_COLOUR
    assert model.index(2, last).data(Qt.ForegroundRole).color() == ERROR_COLOUR
    assert [model.index(r, 1).data() for r in range(4)] == ["新建档", "历史档案", "有错误", "有错误"]

    # invalid rows block the import until the user chooses to skip them
    assert page.skip_check.isVisible() and not page.isComplete()
    assert not wizard.button(QWizard.CommitButton).isEnabled()
    assert "有 2 行有错误" in page.message.text() and "为保证困难职工档案完整" in page.message.text()
    assert files(context) == []
    page.skip_check.setChecked(True)
    assert page.isComplete() and wizard.button(QWizard.CommitButton).isEnabled()
    assert page.message.text() == (f"点“导入”将新建在档档案 1 户、历史档案 1 户，跳过 2 行，"
                                   f"其中 1 户户主不是在册会员，将注明“{IMPORT_REASON}”。")

    to_summary(wizard, qtbot)
    result = wizard.result
    assert (result.created, result.history, result.unchanged, result.skipped, result.with_reason) == (1, 1, 0, 2, 1)
    summary = wizard.summary_page.summary_text()
    for text in ("新建在档档案 <b>1</b> 户", "历史档案（已脱困/注销）<b>1</b> 户", "跳过 <b>2</b> 行",
                 f"其中 <b>1</b> 户户主不是在册会员，已注明“{IMPORT_REASON}”"):
        assert text in summary
    assert "补录家庭成员" in wizard.summary_page.note.text()
    assert changed
    saved = files(context)
    assert [(f["member_id"], f["status"], f["category"], f["closed_on"]) for f in saved] == [
        (context.people["张三"], "在档", "特困", None), (context.people["王五"], "脱困", "困难", "2025-06-30")]


def test_a_clean_sheet_imports_without_ticking_skip_and_a_rerun_finds_it_there(context, tmp_path, qtbot):
    path = write_sheet(tmp_path / "ok.xlsx", GOOD)
    wizard = make_wizard(context, qtbot, path)
    to_preview(wizard, qtbot)
    assert wizard.preview_page.skip_check.isHidden() and wizard.preview_page.isComplete()
    to_summary(wizard, qtbot)
    assert len(files(context)) == 2

    again = make_wizard(context, qtbot, path)
    to_preview(again, qtbot)
    page = again.preview_page
    assert page.plan.counts() == {"new": 0, "history": 0, "unchanged": 2, "invalid": 0}
    assert "已有 <b>2</b> 户（不再导入）" in page.counts_label.text()
    assert "张三已有这份档案（编号 1，2024-03-01 建档，在档），不再重复导入" in page.rows_model.explanation(
        page.rows_model.planned_row(0))
    assert not page.isComplete() and not again.button(QWizard.CommitButton).isEnabled()
    assert page.message.text() == "没有需要导入的内容：表格中的档案都已导入过。"
    assert len(files(context)) == 2


def test_the_mapping_needs_the_file_columns(context, sheet, qtbot):
    wizard = make_wizard(context, qtbot, sheet)
    to_mapping(wizard, qtbot)
    page = wizard.mapping_page
    model = page.model
    opened_row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "建档时间")
    id_row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "公民身份号码")
    model.setData(model.index(opened_row, 3), None)
    assert not page.isComplete() and "请指定哪一列是“建档日期”" in page.message.text()
    page.reset_mapping()
    model = page.model
    model.setData(model.index(id_row, 3), None)
    assert page.isComplete() and "没有身份证号列：按姓名找户主" in page.message.text()


def test_cancelling_the_import_writes_nothing(context, tmp_path, qtbot, monkeypatch):
    real_commit = hardship_import_wizard.commit_import
    checks = []

    def commit_until_cancelled(db, plan, *, skip_invalid=False, progress=None, is_cancelled=None):
        while not is_cancelled():  # the user reads the progress bar, then presses 取消
            time.sleep(0.01)

        def cancelled_after_the_rows_are_saved() -> bool:
            checks.append(True)
            return len(checks) > 1

        return real_commit(db, plan, skip_invalid=skip_invalid, progress=progress,
                           is_cancelled=cancelled_after_the_rows_are_saved)

    monkeypatch.setattr(hardship_import_wizard, "commit_import", commit_until_cancelled)
    wizard = HardshipImportWizard(context, write_sheet(tmp_path / "ok.xlsx", GOOD), today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    changed = []
    context.hardship_changed.connect(lambda: changed.append(True))
    to_preview(wizard, qtbot)
    wizard.next()
    page = wizard.commit_page
    qtbot.waitUntil(lambda: wizard.currentPage() is page and page.busy, timeout=15000)
    page.jobs.cancel_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=15000)
    assert len(checks) == 2  # the files were opened, then rolled back
    assert page.jobs.label.text() == "已取消导入，困难职工档案没有任何改动。"
    assert files(context) == [] and not changed


def test_the_template_button_writes_the_blank_template(context, tmp_path, qtbot, monkeypatch):
    target = tmp_path / "模板"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    wizard = make_wizard(context, qtbot)
    wizard.file_page.template_button.click()
    written = tmp_path / "模板.xlsx"
    assert written.exists()
    header = [c.value for c in openpyxl.load_workbook(written).active[3]]
    assert header[:5] == ["姓名", "身份证号", "部门", "困难类别", "建档标准"]
    wizard.reject()
