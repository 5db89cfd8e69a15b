"""The events import wizard (导入活动记录) end to end: mapping, the check page with each row's action and what it
adds, skipping a team with a bad row, the import and its notification, a re-run that finds everything there,
a cancel that writes nothing, and the blank template."""

from __future__ import annotations

import time

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWizard

from gonghui_desk.events.register import award_rows, event_teams
from gonghui_desk.events.store import EventInput, EventStore
from gonghui_desk.ui import event_import_wizard
from gonghui_desk.ui.event_import_wizard import EventImportWizard
from gonghui_desk.ui.import_wizard import ERROR_COLOUR, WARNING_COLOUR
from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile
from tests.conftest import TODAY
from tests.wizard_steps import to_mapping, to_preview, to_summary

pytestmark = pytest.mark.usefixtures("no_job_left_running")

HEADER = ["序号", "活动名称", "届次", "活动类型", "开始日期", "经费（元）", "项目", "队名", "队长", "姓名", "部门",
          "比赛阶段", "名次", "获奖等级", "奖金（元）", "推荐上级", "上级比赛", "获奖单位", "人次"]
GAMES = ["职工运动会", 3, "文体活动", "2025-05-01"]
ROWS = [
    [*GAMES, 5000, "100米", None, None, "张三", None, None, 1, "一等奖", 200, None, None, None, 12],   # 3
    [*GAMES, None, "拔河", "一车间队", "是", "李四", None, None, None, "团体第一名", 1000, None, None, None, None],  # 4
    [*GAMES, None, "拔河", "一车间队", None, "张无忌", None, None, None, "团体第一名", 1000, None, None, None, None],  # 5
    [*GAMES, None, None, None, None, None, None, None, None, "组织奖", None, None, None, "本会", None],   # 6
    ["职工技能大赛", 2, "技能比武", "2025-09-10", None, "钳工", None, None, "王五", None, "决赛", None, "一等奖",
     None, "是", "市级决赛", None, None],                                                                # 7
    ["安全生产讲座", None, "讲座/培训", "2025-03-01", None, None, None, None, "王五", None, None, None, None,
     None, None, None, None, None],                                                                      # 8: recorded
]


def write_sheet(path, rows=ROWS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "活动"
    sheet.append(["某某公司工会历年活动参加人员及获奖情况"])
    sheet.append(HEADER)
    for number, cells in enumerate(rows, start=1):
        sheet.append([number, *cells])
    sheet.append(["制表人：王五"])
    workbook.save(path)
    return path


@pytest.fixture
def context(empty_context):
    """某某公司工会: 张三, 李四 (一车间), 王五 (办公室); 安全生产讲座 (2025-03-01) already recorded with 王五."""
    ctx = empty_context
    save_profile(ctx.db, UnionProfile(name="某某公司工会委员会", kind="企业", upstream_union="某某区总工会"))
    units = {"一车间": add_sub_unit(ctx.db, "一车间"), "办公室": add_sub_unit(ctx.db, "办公室")}
    ctx.people = {name: ctx.members.create({"name": name, "sub_unit_id": units[unit], "join_date": "2010-01-01"},
                                           today=TODAY)
                  for name, unit in (("张三", "一车间"), ("李四", "一车间"), ("王五", "办公室"))}
    store = EventStore(ctx.db, today=TODAY)
    ctx.lecture = store.create(EventInput("安全生产讲座", "讲座/培训", "2025-03-01", status="已举办"))
    store.add_members(ctx.lecture, [ctx.people["王五"]])
    return ctx


def make_wizard(context, qtbot, path=None, parent=None) -> EventImportWizard:
    wizard = EventImportWizard(context, path, parent, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def event_names(context) -> list[str]:
    return [r["name"] for r in context.db.query("SELECT name FROM events WHERE voided_at IS NULL ORDER BY id")]


def test_import_a_sheet_end_to_end(context, tmp_path, qtbot):
    changed = []
    context.events_changed.connect(lambda: changed.append(True))
    wizard = make_wizard(context, qtbot, write_sheet(tmp_path / "活动.xlsx"))
    assert wizard.windowTitle() == "导入活动记录" and wizard.file_page.template_button is not None
    assert wizard.file_page.isComplete()
    to_mapping(wizard, qtbot)

    mapping = wizard.mapping_page.model
    fields = {mapping.index(r, 1).data(): mapping.index(r, 3).data() for r in range(mapping.rowCount())}
    assert fields["经费（元）"] == "经费（元）" and fields["队名"] == "队名" and fields["获奖单位"] == "获奖单位"
    assert fields["序号"] == "不导入" and fields["人次"] == "不导入"  # a computed figure is never imported
    assert wizard.mapping_page.message.text() == (
        "将导入 17 列，其余 2 列不导入；没有身份证号列：按姓名找会员，同名的按部门区分；"
        "没有状态列：已开始的活动按“已举办”，未开始的按“计划”导入")

    wizard.next()
    page = wizard.preview_page
    qtbot.waitUntil(lambda: page.plan is not None and not page.busy, timeout=15000)
    assert page.plan.counts() == {"new": 3, "unchanged": 1, "invalid": 2}
    counts = page.counts_label.text()
    for text in ("导入 <b>3</b> 行（2 人）", "已有 <b>1</b> 行（不再导入）", "有错误 <b>2</b> 行"):
        assert text in counts
    model = page.rows_model
    assert model.HEADERS == ("行号", "结果", "活动", "日期", "项目", "队名", "姓名/单位", "部门", "成绩", "说明")
    assert [[model.index(r, c).data() for c in range(9)] for r in range(model.rowCount())] == [
        ["3", "导入", "第3届职工运动会", "2025-05-01", "100米", "", "张三", "一车间", "第1名 一等奖 奖金200元"],
        ["4", "有错误", "第3届职工运动会", "2025-05-01", "拔河", "一车间队（队长）", "李四", "一车间",
         "团体第一名 奖金1,000元"],
        ["5", "有错误", "第3届职工运动会", "2025-05-01", "拔河", "一车间队", "张无忌", "", "团体第一名 奖金1,000元"],
        ["6", "导入", "第3届职工运动会", "2025-05-01", "", "", "本会", "", "组织奖"],
        ["7", "导入", "第2届职工技能大赛", "2025-09-10", "钳工", "", "王五", "办公室", "决赛 一等奖 推荐上级：市级决赛"],
        ["8", "已有", "安全生产讲座", "2025-03-01", "", "", "王五", "办公室", ""]]
    rows = [model.planned_row(r) for r in range(model.rowCount())]
    assert [model.explanation(r) for r in rows] == [
        "将新建活动、新建项目“100米”、报名“100米”、登记成绩",
        "队名：队伍“一车间队”有错误（见第5行），全队各行都不导入",
        "姓名：会员名册中没有名为“张无忌”的会员（已作废的会员不能导入活动记录）",
        "将登记成绩",
        "将新建活动、新建项目“钳工”、报名“钳工”、登记成绩",
        "已在系统中，不再导入"]
    last = model.columnCount() - 1
    assert model.index(1, last).data(Qt.ForegroundRole).color() == ERROR_COLOUR
    assert model.index(0, 1).data(Qt.DisplayRole) == "导入"
    page.rows_table.selectRow(2)
    assert page.detail.text().startswith("第 5 行 张无忌（有错误）：姓名：会员名册中没有名为“张无忌”")

    # the bad team row blocks the whole import until the user chooses to skip it
    assert page.skip_check.isVisible() and not wizard.button(QWizard.CommitButton).isEnabled()
    assert "有 2 行有错误" in page.message.text() and "为保证活动记录完整" in page.message.text()
    page.only_problems_check.setChecked(True)
    assert model.rowCount() == 2
    page.only_problems_check.setChecked(False)
    page.skip_check.setChecked(True)
    assert wizard.button(QWizard.CommitButton).isEnabled()
    assert page.message.text() == ("点“导入”将新建活动 2 场；新增项目 2 个、个人报名 2 人次、成绩 3 条，跳过 2 行，"
                                   "已登记的 1 行不再导入。")
    assert event_names(context) == ["安全生产讲座"]

    to_summary(wizard, qtbot)
    result = wizard.result
    assert (result.events_created, result.entries, result.results, result.unchanged, result.skipped) == (2, 2, 3, 1, 2)
    summary = wizard.summary_page.summary_text()
    for text in ("新建活动 <b>2</b> 场", "个人报名 <b>2</b> 人次", "登记成绩 <b>3</b> 条", "已登记的 1 行，没有重复导入",
                 "跳过 <b>2</b> 行"):
        assert text in summary
    assert changed == [True]
    assert event_names(context) == ["安全生产讲座", "职工运动会", "职工技能大赛"]
    games = context.db.execute("SELECT id, cost_fen FROM events WHERE name = '职工运动会'").fetchone()
    assert games[1] == 500000 and event_teams(context.db, games[0]) == []  # the team dropped whole
    assert [(a["kind"], a["name"], a["grade"]) for a in award_rows(context.db, games[0])] == [
        ("个人", "张三", "一等奖"), ("单位", "本会", "组织奖")]


def test_a_rerun_finds_everything_there(context, tmp_path, qtbot):
    path = write_sheet(tmp_path / "活动.xlsx", [r for i, r in enumerate(ROWS) if i not in (1, 2)])
    wizard = make_wizard(context, qtbot, path)
    to_preview(wizard, qtbot)
    assert wizard.preview_page.skip_check.isHidden() and wizard.preview_page.isComplete()
    to_summary(wizard, qtbot)
    assert wizard.result.events_created == 2

    again = make_wizard(context, qtbot, path)
    to_preview(again, qtbot)
    page = again.preview_page
    assert page.plan.counts() == {"new": 0, "unchanged": 4, "invalid": 0}
    assert not page.isComplete() and not again.button(QWizard.CommitButton).isEnabled()
    assert page.message.text() == "没有需要导入的内容：表格中的活动、参加人员和成绩都已登记过。"
    assert event_names(context) == ["安全生产讲座", "职工运动会", "职工技能大赛"]


def test_cancelling_the_import_writes_nothing(context, tmp_path, qtbot, monkeypatch):
    real_commit = event_import_wizard.commit_import
    checks = []

    def commit_until_cancelled(db, plan, *, skip_invalid=False, progress=None, is_cancelled=None):
        while not is_cancelled():  # the user reads the progress bar, then presses 取消
            time.sleep(0.01)

        def cancelled_after_the_rows_are_saved() -> bool:
            checks.append(True)
            return len(checks) > 1

        return real_commit(db, plan, skip_invalid=skip_invalid, progress=progress,
                           is_cancelled=cancelled_after_the_rows_are_saved)

    monkeypatch.setattr(event_import_wizard, "commit_import", commit_until_cancelled)
    wizard = make_wizard(context, qtbot, write_sheet(tmp_path / "活动.xlsx", [ROWS[0], ROWS[4]]))
    changed = []
    context.events_changed.connect(lambda: changed.append(True))
    to_preview(wizard, qtbot)
    wizard.next()
    page = wizard.commit_page
    qtbot.waitUntil(lambda: wizard.currentPage() is page and page.busy, timeout=15000)
    page.jobs.cancel_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=15000)
    assert len(checks) == 2  # the events were written, then rolled back
    assert page.jobs.label.text() == "已取消导入，活动记录没有任何改动。"
    assert event_names(context) == ["安全生产讲座"] and not changed


def test_the_template_button_writes_the_blank_template(context, tmp_path, qtbot, monkeypatch):
    target = tmp_path / "模板"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    wizard = make_wizard(context, qtbot)
    wizard.file_page.template_button.click()
    written = tmp_path / "模板.xlsx"
    assert written.exists()
    workbook = openpyxl.load_workbook(written)
    assert [c.value for c in workbook.active[3]][:4] == ["活动名称*", "届次", "活动类型", "开始日期*"]
    assert workbook.sheetnames[1] == "填写说明"
    wizard.reject()


def test_the_wizard_is_built_as_the_events_page_builds_it(context, qtbot):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    wizard = EventImportWizard(context, path=None, parent=parent, today=TODAY)
    wizard.open()
    qtbot.waitUntil(wizard.isVisible, timeout=5000)
    assert wizard.parent() is parent and wizard.today == TODAY and not wizard.file_page.isComplete()
    assert WARNING_COLOUR.isValid()
    wizard.reject()
