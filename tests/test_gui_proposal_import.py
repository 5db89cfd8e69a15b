"""The proposals import wizard (导入提案) end to end on a small hand-kept sheet: mapping, the check page with the
sessions it creates, each row's action and what it adds, a merge into a later row, skipping a bad row, the
import and the congress_changed notification, a re-run that finds everything there, a cancel that writes
nothing, the blank template, and the wizard as the proposals page opens it."""

from __future__ import annotations

import time

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget, QWizard

from gonghui_desk.congress.register import ProposalFilter, proposal_ids, proposal_rows
from gonghui_desk.ui import proposal_import_wizard
from gonghui_desk.ui.import_wizard import ERROR_COLOUR
from gonghui_desk.ui.proposal_import_wizard import ProposalImportWizard
from tests.conftest import TODAY
from tests.test_congress_store import make_congress
from tests.wizard_steps import to_mapping, to_preview, to_summary

pytestmark = pytest.mark.usefixtures("no_job_left_running")

HEADER = ["序号", "会议", "提案编号", "案由", "提案人", "附议人", "类别", "提交日期", "审查结果", "主办部门", "答复日期",
          "办理结果", "满意度", "状态"]
ROWS = [
    ["第3届第2次", 1, "关于增设夜班职工热食供应的建议", "张三", "李四、王五", "生活福利", "2026-03-01", "立案",
     "后勤保障部", "2026-05-20", "已解决", "满意", "已办结"],                                               # 3
    ["第3届第2次", 2, "关于降低冲压车间噪声的建议", "李四", "张三、王五", "安全生产", "2026-03-02", "并入3号",
     None, None, None, None, "已并案"],                                                                    # 4
    ["第3届第2次", 3, "关于改善车间通风降噪的建议", "王五", "张三、李四", "工作环境", "2026-03-02", "予以立案",
     "安全生产部", None, None, None, "办理中"],                                                              # 5
    ["第四届第一次", None, "关于建设职工之家的建议", "孙八", "张三、李四", "民主管理", "2026-10-15", None, None,
     None, None, None, None],                                                                              # 6
    ["第3届第2次", 4, "关于发放高温补贴的建议", "张无忌", "张三、李四", "薪酬待遇", "2026-03-03", "不予立案：已按规定发放",
     None, None, None, None, "不立案"],                                                                    # 7
]


def write_sheet(path, rows=ROWS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "提案"
    sheet.append(["某某机械有限公司职代会提案汇总表"])
    sheet.append(HEADER)
    for number, cells in enumerate(rows, start=1):
        sheet.append([number, *cells])
    sheet.append(["制表人：王五"])
    workbook.save(path)
    return path


@pytest.fixture
def context(empty_context):
    """make_congress's union: term 3 with sessions 1 and 2 (2026-03-12) and its delegates; 孙八 is no delegate."""
    make_congress(empty_context.db, empty_context.members)
    return empty_context


def make_wizard(context, qtbot, path=None, parent=None) -> ProposalImportWizard:
    wizard = ProposalImportWizard(context, path, parent, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def numbers(context) -> list[str]:
    return [r[0] for r in context.db.execute("SELECT number FROM proposals WHERE voided_at IS NULL ORDER BY id")]


def test_import_a_small_sheet_end_to_end(context, tmp_path, qtbot):
    changed = []
    context.congress_changed.connect(lambda: changed.append(True))
    wizard = make_wizard(context, qtbot, write_sheet(tmp_path / "提案.xlsx"))
    assert wizard.windowTitle() == "导入提案" and wizard.file_page.template_button is not None
    assert wizard.file_page.isComplete()
    to_mapping(wizard, qtbot)

    mapping = wizard.mapping_page.model
    fields = {mapping.index(r, 1).data(): mapping.index(r, 3).data() for r in range(mapping.rowCount())}
    assert fields["会议"] == "会议" and fields["提案编号"] == "编号" and fields["审查结果"] == "审查结果"
    assert fields["序号"] == "不导入" and fields["状态"] == "不导入"  # the status is computed, never imported
    assert wizard.mapping_page.message.text() == "将导入 12 列，其余 2 列不导入"

    wizard.next()
    page = wizard.preview_page
    qtbot.waitUntil(lambda: page.plan is not None and not page.busy, timeout=15000)
    assert page.plan.counts() == {"new": 4, "update": 0, "unchanged": 0, "invalid": 1}
    counts = page.counts_label.text()
    for text in ("新增 <b>4</b> 行（提案 4 件）", "补充 <b>0</b> 行", "有错误 <b>1</b> 行"):
        assert text in counts
    assert page.created_label.isVisible()
    created = page.created_label.text()
    assert "<b>新建届次：第4届；新建会议：第四届职代会第一次会议</b>" in created
    assert "第三届职代会第二次会议（已有）：新增提案 3 件" in created
    assert "第4届是新建的届次，还没有代表名单" in created
    model = page.rows_model
    assert model.HEADERS == ("行号", "结果", "会议", "编号", "案由", "提案人", "审查", "办理", "说明")
    assert [[model.index(r, c).data() for c in range(8)] for r in range(model.rowCount())] == [
        ["3", "新增", "第3届第2次", "第3届第2次-001", "关于增设夜班职工热食供应的建议", "张三", "立案", "后勤保障部；已解决；满意"],
        ["4", "新增", "第3届第2次", "第3届第2次-002", "关于降低冲压车间噪声的建议", "李四", "并入 第3届第2次-003", ""],
        ["5", "新增", "第3届第2次", "第3届第2次-003", "关于改善车间通风降噪的建议", "王五", "立案", "安全生产部"],
        ["6", "新增", "第4届第1次", "第4届第1次-001", "关于建设职工之家的建议", "孙八", "", ""],
        ["7", "有错误", "第3届第2次", "第3届第2次-004", "关于发放高温补贴的建议", "张无忌", "不立案", ""]]
    rows = [model.planned_row(r) for r in range(model.rowCount())]
    assert [model.explanation(r) for r in rows] == [
        "将登记提案、审查：立案、交办（主办：后勤保障部）、登记答复、登记评价（满意）；审查日期按会议日期 2026-03-12；"
        "交办日期按立案日期 2026-03-12；评价日期按答复日期 2026-05-20",
        "将登记提案、并入 第3届第2次-003；审查日期按会议日期 2026-03-12",
        "将登记提案、审查：立案、交办（主办：安全生产部）；审查日期按会议日期 2026-03-12；交办日期按立案日期 2026-03-12",
        "将新建第4届、新建第四届职代会第一次会议、登记提案（自动编号）",
        "提案人：会员名册中没有名为“张无忌”的会员（已作废的会员不能导入提案）；如是代表团或联名提案，请写代表团名称（如“一车间代表团”）"]
    last = model.columnCount() - 1
    assert model.index(4, last).data(Qt.ForegroundRole).color() == ERROR_COLOUR
    page.rows_table.selectRow(4)
    assert page.detail.text().startswith("第 7 行 张无忌（有错误）：提案人：会员名册中没有名为“张无忌”")

    # the bad row blocks the whole import until the user chooses to skip it
    assert page.skip_check.isVisible() and not wizard.button(QWizard.CommitButton).isEnabled()
    assert "有 1 行有错误" in page.message.text() and "为保证提案记录完整" in page.message.text()
    page.skip_check.setChecked(True)
    assert wizard.button(QWizard.CommitButton).isEnabled()
    assert page.message.text() == ("点“导入”将新建届次 1 个、会议 1 次；登记提案 4 件；审查 3 件、交办 2 次、答复 1 次、"
                                   "评价 1 次，跳过 1 行。")
    assert numbers(context) == [] and not changed

    to_summary(wizard, qtbot)
    result = wizard.result
    assert (result.terms, result.sessions, result.proposals, result.reviews, result.skipped) == (1, 1, 4, 3, 1)
    summary = wizard.summary_page.summary_text()
    for text in ("新建届次 <b>1</b> 个、会议 <b>1</b> 次", "登记提案 <b>4</b> 件",
                 "记录审查 <b>3</b> 件、交办 <b>2</b> 次、答复 <b>1</b> 次、评价 <b>1</b> 次", "跳过 <b>1</b> 行"):
        assert text in summary
    assert changed == [True]
    assert numbers(context) == ["第3届第2次-001", "第3届第2次-002", "第3届第2次-003", "第4届第1次-001"]
    stored = proposal_rows(context.db, proposal_ids(context.db, ProposalFilter()), today=TODAY)
    assert sorted((r["number"], r["status"]) for r in stored.values()) == [
        ("第3届第2次-001", "已办结"), ("第3届第2次-002", "已并案"), ("第3届第2次-003", "办理中"), ("第4届第1次-001", "待审查")]


def test_a_rerun_finds_everything_there(context, tmp_path, qtbot):
    path = write_sheet(tmp_path / "提案.xlsx", ROWS[:4])
    wizard = make_wizard(context, qtbot, path)
    to_preview(wizard, qtbot)
    assert wizard.preview_page.skip_check.isHidden() and wizard.preview_page.isComplete()
    to_summary(wizard, qtbot)
    assert wizard.result.proposals == 4

    again = make_wizard(context, qtbot, path)
    to_preview(again, qtbot)
    page = again.preview_page
    assert page.plan.counts() == {"new": 0, "update": 0, "unchanged": 4, "invalid": 0}
    assert not page.created_label.isVisible()
    assert not page.isComplete() and not again.button(QWizard.CommitButton).isEnabled()
    assert page.message.text() == "没有需要导入的内容：表格中的提案及其审查、办理情况都已登记过。"
    assert len(numbers(context)) == 4


def test_cancelling_the_import_writes_nothing(context, tmp_path, qtbot, monkeypatch):
    real_commit = proposal_import_wizard.commit_import
    checks = []

    def commit_until_cancelled(db, plan, *, skip_invalid=False, progress=None, is_cancelled=None):
        while not is_cancelled():  # the user reads the progress bar, then presses 取消
            time.sleep(0.01)

        def cancelled_after_the_rows_are_saved() -> bool:
            checks.append(True)
            return len(checks) > 1

        return real_commit(db, plan, skip_invalid=skip_invalid, progress=progress,
                           is_cancelled=cancelled_after_the_rows_are_saved)

    monkeypatch.setattr(proposal_import_wizard, "commit_import", commit_until_cancelled)
    wizard = make_wizard(context, qtbot, write_sheet(tmp_path / "提案.xlsx", ROWS[:3]))
    changed = []
    context.congress_changed.connect(lambda: changed.append(True))
    to_preview(wizard, qtbot)
    wizard.next()
    page = wizard.commit_page
    qtbot.waitUntil(lambda: wizard.currentPage() is page and page.busy, timeout=15000)
    page.jobs.cancel_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=15000)
    assert len(checks) == 2  # the proposals were written, then rolled back
    assert page.jobs.label.text() == "已取消导入，提案记录没有任何改动。"
    assert numbers(context) == [] and not changed


def test_the_template_button_writes_the_blank_template(context, tmp_path, qtbot, monkeypatch):
    target = tmp_path / "模板"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    wizard = make_wizard(context, qtbot)
    wizard.file_page.template_button.click()
    written = tmp_path / "模板.xlsx"
    assert written.exists()
    workbook = openpyxl.load_workbook(written)
    assert [c.value for c in workbook.active[3]][:7] == ["届次", "会议次数", "会议", "会议日期", "编号", "轮次", "案由*"]
    assert workbook.sheetnames[1] == "填写说明"
    wizard.reject()


def test_the_wizard_is_built_as_the_proposals_page_builds_it(context, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    wizard = ProposalImportWizard(context, path=None, parent=parent, today=TODAY)
    wizard.open()
    qtbot.waitUntil(wizard.isVisible, timeout=5000)
    assert wizard.parent() is parent and wizard.today == TODAY and not wizard.file_page.isComplete()
    wizard.reject()
