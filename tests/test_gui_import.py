"""The member import wizard end to end, and the wizard base it is built on."""

from __future__ import annotations

import time

import pytest
from openpyxl import Workbook
from PySide6.QtWidgets import QFileDialog, QWizard

from gonghui_desk.errors import Cancelled
from gonghui_desk.idcard import check_char
from gonghui_desk.ui import import_wizard
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.import_wizard import MemberImportWizard, SubUnitChoiceModel
from gonghui_desk.ui.members_view import MembersView
from gonghui_desk.ui.wizard import BaseWizard, ProgressPage, SummaryPage
from gonghui_desk.union import add_sub_unit, sub_unit_paths


def idn(first17: str) -> str:
    return first17 + check_char(first17)


EXISTING_ID = idn("11010119800101001")


def write_roster(path, *, bad_rows: bool = True):
    """A roster as upstream unions send it: a title, a unit line, variant headers, a footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["某某中学工会会员信息采集表"])
    ws.append(["填报单位：某某中学工会", None, None, None, "日期：2026-11-01"])
    ws.append(["序号", "姓名", "性别", "身份证号码", "联系电话", "部门", "政治面貌", "入会时间"])
    rows = [
        ["张三", "男", idn("11010119850307001"), "13800138000", "语文组", "党员", "2010-09-01"],
        ["李四", "女", idn("11010119900101122"), "13900139000", "新车间/甲班", "群众", "2012.9"],
        ["老会员", "男", EXISTING_ID, "13311112222", "语文组", "群众", "2001-09-01"],  # phone changed
        ["孙八", "女", idn("11010119870606002"), "15000150000", "总务", "群众", "2018-03-01"],
    ]
    if bad_rows:
        rows += [
            ["王五", "男", "110101198001010011", "13700137000", "语文组", "群众", "2011-09-01"],  # check digit
            ["赵六", "女", 110101199202021234.0, "13600136000", "语文组", "共青团员", "2015-09-01"],  # a number
            ["钱七", "男", idn("11010119880808001"), "13600136001", "语文组", "群众", "2016-13-01"],  # no such date
        ]
    for i, row in enumerate(rows, 1):
        ws.append([i, *row])
    ws.append([])
    ws.append(["制表人：", "张老师"])
    wb.save(path)
    return path


@pytest.fixture
def context(db_path, qtbot):
    ctx = AppContext(db_path)
    unit = add_sub_unit(ctx.db, "语文组")
    ctx.existing_id = ctx.members.create({"name": "老会员", "id_number": EXISTING_ID, "phone": "13300000000",
                                          "sub_unit_id": unit, "political_status": "群众",
                                          "join_date": "2001-09-01"})
    ctx.unit = unit
    yield ctx
    ctx.close()


@pytest.fixture
def roster(tmp_path):
    return write_roster(tmp_path / "名册.xlsx")


def make_wizard(context, qtbot, path=None) -> MemberImportWizard:
    wizard = MemberImportWizard(context, path)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def to_preview(wizard: MemberImportWizard, qtbot) -> None:
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=15000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page and wizard.preview_page.plan is not None
                    and not wizard.preview_page.busy, timeout=15000)


def member_count(context) -> int:
    return context.db.execute("SELECT count(*) FROM members").fetchone()[0]


def test_import_end_to_end(context, roster, qtbot):
    changed = []
    context.members_changed.connect(lambda: changed.append(True))
    wizard = make_wizard(context, qtbot, roster)
    assert wizard.file_page.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=15000)

    mapping = wizard.mapping_page.model
    fields = {mapping.index(r, 1).data(): mapping.index(r, 3).data() for r in range(mapping.rowCount())}
    assert fields["身份证号码"] == "身份证号" and fields["联系电话"] == "手机号" and fields["入会时间"] == "入会日期"
    assert fields["序号"] == "不导入"
    assert "张三" in mapping.index(1, 2).data()  # sample values of the 姓名 column
    assert wizard.mapping_page.isComplete()

    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview_page.plan is not None and not wizard.preview_page.busy, timeout=15000)
    page = wizard.preview_page
    assert page.plan.counts() == {"new": 3, "update": 1, "unchanged": 0, "invalid": 3}
    assert "新增 <b>3</b> 人" in page.counts_label.text() and "有错误 <b>3</b> 行" in page.counts_label.text()
    # invalid rows block the import until the user chooses to skip them
    assert not page.skip_check.isChecked()
    assert not page.isComplete()
    assert not wizard.button(QWizard.CommitButton).isEnabled()
    assert "有 3 行有错误" in page.message.text()
    texts = [page.rows_model.explanation(page.rows_model.planned_row(r)) for r in range(page.rows_model.rowCount())]
    assert any("校验位" in t for t in texts) and any("15位" in t for t in texts)
    assert any("13300000000 → 13311112222" in t for t in texts)  # updates show old → new
    page.only_problems_check.setChecked(True)
    assert page.rows_model.rowCount() == 3
    page.only_problems_check.setChecked(False)
    assert sorted(page.units_model.paths) == ["总务", "新车间/甲班"]
    assert member_count(context) == 1  # nothing written yet

    page.skip_check.setChecked(True)
    assert page.isComplete() and wizard.button(QWizard.CommitButton).isEnabled()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
    result = wizard.result
    assert (result.created, result.updated, result.skipped, result.sub_units_created) == (3, 1, 3, 3)
    summary = wizard.summary_page.summary_text()
    for text in ("新增 <b>3</b> 人", "更新 <b>1</b> 人", "跳过 <b>3</b> 行", "新建部门 <b>3</b> 个"):
        assert text in summary
    assert changed
    names = {r[0] for r in context.db.execute("SELECT name FROM members WHERE voided_at IS NULL")}
    assert names == {"老会员", "张三", "李四", "孙八"}
    assert context.members.get(context.existing_id)["phone"] == "13311112222"
    assert "新车间/甲班" in sub_unit_paths(context.db).values()


def test_a_clean_roster_imports_without_ticking_skip(context, tmp_path, qtbot):
    path = write_roster(tmp_path / "ok.xlsx", bad_rows=False)
    wizard = make_wizard(context, qtbot, path)
    to_preview(wizard, qtbot)
    page = wizard.preview_page
    assert page.skip_check.isHidden()
    assert page.isComplete()
    assert "新增 3 人、更新 1 人" in page.message.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
    assert wizard.result.created == 3


def test_a_file_corrected_and_saved_is_read_again_on_the_next_check(context, roster, qtbot):
    wizard = make_wizard(context, qtbot, roster)
    to_preview(wizard, qtbot)
    assert wizard.preview_page.plan.counts()["invalid"] == 3
    assert "点“< 上一步”再点“下一步 >”重新检查" in wizard.preview_page.message.text()
    time.sleep(0.01)  # a new modification time
    write_roster(roster, bad_rows=False)  # the officer fixes the rows in Excel and saves
    wizard.back()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=15000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview_page.plan is not None and not wizard.preview_page.busy
                    and wizard.preview_page.plan.counts()["invalid"] == 0, timeout=15000)
    assert wizard.preview_page.isComplete()


def test_mapping_needs_a_name_column_and_no_duplicates(context, roster, qtbot):
    wizard = make_wizard(context, qtbot, roster)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=15000)
    page = wizard.mapping_page
    model = page.model
    name_row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "姓名")
    model.setData(model.index(name_row, 3), None)
    assert not page.isComplete()
    assert "姓名" in page.message.text()
    model.setData(model.index(name_row, 3), "name")
    phone_row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "联系电话")
    model.setData(model.index(0, 3), "phone")  # 序号 → 手机号 as well
    assert not page.isComplete() and "手机号" in page.message.text()
    model.setData(model.index(0, 3), None)
    assert page.isComplete()
    assert wizard.mapping[phone_row] == "phone" and 0 not in wizard.mapping


def test_unknown_sub_unit_can_be_mapped_to_an_existing_one(context, tmp_path, qtbot):
    path = write_roster(tmp_path / "ok.xlsx", bad_rows=False)
    wizard = make_wizard(context, qtbot, path)
    to_preview(wizard, qtbot)
    page = wizard.preview_page
    row = page.units_model.paths.index("总务")
    page.units_model.setData(page.units_model.index(row, SubUnitChoiceModel.CHOICE_COLUMN), context.unit)
    assert page.units_model.index(row, 1).data() == "并入“语文组”"
    qtbot.waitUntil(lambda: page.plan.sub_unit_choices.get("总务") == context.unit and not page.busy, timeout=15000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
    assert wizard.result.sub_units_created == 2  # 新车间 and 甲班; 总务 went into 语文组
    unit = context.db.execute("SELECT sub_unit_id FROM members WHERE name = '孙八'").fetchone()[0]
    assert unit == context.unit


def test_cancelled_commit_writes_nothing(context, tmp_path, qtbot, monkeypatch):
    real_commit = import_wizard.commit_import

    def cancelled_commit(db, plan, *, skip_invalid=False, progress=None, is_cancelled=None):
        return real_commit(db, plan, skip_invalid=skip_invalid, progress=progress, is_cancelled=lambda: True)

    monkeypatch.setattr(import_wizard, "commit_import", cancelled_commit)
    changed = []
    context.members_changed.connect(lambda: changed.append(True))
    path = write_roster(tmp_path / "ok.xlsx", bad_rows=False)
    wizard = make_wizard(context, qtbot, path)
    to_preview(wizard, qtbot)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.commit_page and not wizard.commit_page.busy,
                    timeout=15000)
    assert "已取消导入" in wizard.commit_page.jobs.label.text()
    assert wizard.currentPage() is wizard.commit_page and not wizard.commit_page.isComplete()
    assert wizard.buttonText(QWizard.CancelButton) == "关闭"
    assert member_count(context) == 1 and not changed
    assert len(sub_unit_paths(context.db)) == 1


def test_unreadable_file_stays_on_the_first_page(context, tmp_path, qtbot):
    path = tmp_path / "坏文件.xlsx"
    path.write_text("这不是表格", encoding="utf-8")
    wizard = make_wizard(context, qtbot, path)
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.file_page.busy, timeout=15000)
    assert wizard.currentPage() is wizard.file_page
    assert "坏文件.xlsx" in wizard.file_page.jobs.label.text()
    wizard.file_page.path_edit.setText(str(tmp_path / "nope.xlsx"))
    assert not wizard.file_page.isComplete() and "找不到" in wizard.file_page.path_hint.text()


def test_template_button_and_view_entry_point(context, tmp_path, qtbot, monkeypatch):
    target = tmp_path / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    view = MembersView(context)
    qtbot.addWidget(view)
    wizard = view.start_import()
    assert isinstance(wizard, MemberImportWizard) and wizard.isVisible()
    wizard.file_page.template_button.click()
    assert target.exists()
    wizard.reject()


# --- the wizard base -----------------------------------------------------------------------------
class _SlowWizard(BaseWizard):
    def __init__(self, job):
        super().__init__("测试向导")
        self.work = ProgressPage("处理", "正在处理")
        self.done_page = SummaryPage()
        self.add_page(self.work)
        self.add_page(self.done_page)
        self.job = job

    def start(self):
        self.work.start("处理中…", self.job, on_done=lambda r: self.done_page.set_summary([f"完成 {r} 项"]))


def test_progress_page_advances_to_the_summary(qtbot):
    def job(progress, is_cancelled):
        for i in range(3):
            progress(i, 3, f"第 {i + 1} 项")
        return 3

    wizard = _SlowWizard(job)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.start()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=15000)
    assert "完成 3 项" in wizard.done_page.summary_text()
    assert wizard.buttonText(QWizard.FinishButton) == "完成"


def test_closing_while_a_job_runs_cancels_it_first(qtbot):
    seen = []

    def job(progress, is_cancelled):
        while not is_cancelled():
            time.sleep(0.01)
        seen.append("cancelled")
        raise Cancelled()

    wizard = _SlowWizard(job)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.start()
    assert wizard.work.busy and not wizard.work.isComplete()
    wizard.work.jobs.cancel_button.isVisible()
    wizard.reject()
    assert wizard.isVisible()  # waits for the job to roll back
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=15000)
    assert seen == ["cancelled"]
