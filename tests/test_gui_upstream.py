"""The 上报报表 page (gonghui_desk.ui.upstream_view) and the 填写上级表格 wizard (gonghui_desk.ui.form_fill_wizard)
through pytest-qt on a demo school union: every built-in form listed and one exported on a worker; a form made
here with openpyxl (a title, a unit line, a two-level merged header, 序号, a column no field matches, a sample row)
read, mapped (one column by hand), filled from the roster with a filter and read back; the mapping saved, used
again on a changed copy (the header changes listed), and voided; an .xls form filled as .xlsx; a fill cancelled."""

from __future__ import annotations

import time

import openpyxl
import pytest
import xlwt
from openpyxl.styles import Border, Font, Side
from PySide6.QtWidgets import QFileDialog, QWizard

from gonghui_desk.errors import Cancelled
from gonghui_desk.exporting.builtin_forms import BUILTIN_FORMS
from gonghui_desk.form_fill import list_mappings
from gonghui_desk.settings import get_setting
from gonghui_desk.ui.form_fill_wizard import BLANK_TEXT, SEQ_TEXT, FormFillWizard
from gonghui_desk.ui.upstream_view import PREPARED_BY_SETTING, UpstreamView
from gonghui_desk.ui.workers import Job
from tests.conftest import TODAY

pytestmark = pytest.mark.usefixtures("no_job_left_running")

THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNIT = "数学组"
MAPPING_NAME = "会员信息采集表"


@pytest.fixture
def context(school_demo_context):
    return school_demo_context


@pytest.fixture
def view(qtbot, context):
    page = UpstreamView(context, today=TODAY)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitExposed(page)
    return page


def upstream_form(path, *, contact="联系方式", extra: str | None = None) -> None:
    """会员信息采集表 as an upstream union sends it: a title merged across, a unit/date line, a header on rows 3–4
    (``contact`` merged over 手机 and 办公电话, the other names merged down), a sample row 5, three bordered rows
    with only a 序号, then 制表人/审核人. 职业资格 and 办公电话 name no field. ``extra`` adds a last column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "采集表"
    heads = ["序号", "姓名", "性别", "身份证号码", contact, None, "入会时间", "所在科室", "职业资格"]
    if extra:
        heads.append(extra)
    last = len(heads)
    letter = openpyxl.utils.get_column_letter(last)
    ws["A1"] = "2026年度工会会员信息采集表"
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws.merge_cells(f"A1:{letter}1")
    ws["A2"], ws["G2"] = "填报单位（盖章）：", "填报日期：    年  月  日"
    for col, head in enumerate(heads, 1):
        for row in (3, 4):
            ws.cell(row, col).border = GRID
        ws.cell(3, col, head)
    ws["E4"], ws["F4"] = "手机", "办公电话"
    for col in [c for c in range(1, last + 1) if c not in (5, 6)]:
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    ws.merge_cells("E3:F3")
    sample = [1, "样例", "男", "110101199001011234", "13800000000", "010-1234567", "2015-03-01", "示例科室", "无"]
    for col, value in enumerate(sample, 1):
        ws.cell(5, col, value).border = GRID
    for row in range(6, 9):
        ws.cell(row, 1, row - 4)
        for col in range(1, last + 1):
            ws.cell(row, col).border = GRID
    ws["A10"], ws["D10"] = "制表人：", "审核人："
    wb.save(path)


def expected_members(db) -> list[tuple[str, str]]:
    """(name, ID number) of the women on the roll in 数学组, in the roster's name order."""
    return [(r[0], r[1]) for r in db.execute(
        """SELECT m.name, m.id_number FROM members m JOIN sub_units u ON u.id = m.sub_unit_id
           WHERE m.voided_at IS NULL AND m.status = '在册' AND m.sex = '女' AND u.name = ?
           ORDER BY m.name_sort, m.id""", [UNIT]).fetchall()]


def read_rows(path, first: int = 5) -> list[list]:
    ws = openpyxl.load_workbook(path).active
    rows = []
    for row in range(first, ws.max_row + 1):
        values = [ws.cell(row, col).value for col in range(1, 10)]
        if not any(v not in (None, "") for v in values[1:]):
            break
        rows.append(values)
    return rows


def wait_read(wizard, qtbot) -> None:
    qtbot.waitUntil(lambda: wizard.form_page.isComplete(), timeout=15000)


def to_records(wizard, qtbot) -> None:
    wizard.next()
    assert wizard.currentPage() is wizard.records_page
    qtbot.waitUntil(wizard.records_page.is_counted, timeout=15000)


def to_mapping(wizard, qtbot) -> None:
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    qtbot.waitUntil(wizard.mapping_page.is_previewed, timeout=15000)


def fill(wizard, qtbot) -> None:
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=20000)


def close(wizard, qtbot) -> None:
    wizard.close()
    qtbot.waitUntil(lambda: not Job._running, timeout=10000)


# --- 内置报表 ------------------------------------------------------------------------------------------------------
def test_the_page_lists_every_builtin_form_with_its_period(view):
    model = view.forms_model
    assert model.rowCount() == len(BUILTIN_FORMS) == 10
    titles = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert titles == [form.title for form in BUILTIN_FORMS]
    assert titles[:3] == ["会员花名册", "会员信息采集表", "新入会会员名单"] and titles[-1] == "工会基本情况统计表"
    assert model.index(0, 2).data() == BUILTIN_FORMS[0].description
    # the roster lists the current state: no period
    assert view.current_form().name == "roster" and not view.period_combo.isEnabled()
    assert "不按期间统计" in view.period_label.text()
    assert view.file_label.text() == "文件名：会员花名册-20261122.xlsx"
    view.select_form("care-payments")
    assert view.period_combo.isEnabled() and view.period_combo.currentText() == "本年（2026年）"
    assert view.file_label.text() == "文件名：2026年送温暖、慰问金发放统计表.xlsx"
    view.set_period("last_year")
    assert view.period_dates() == (TODAY.replace(year=2025, month=1, day=1), TODAY.replace(year=2025, month=12, day=31))
    view.set_period("custom", TODAY.replace(month=9, day=1), TODAY.replace(month=3, day=1))
    assert "晚于结束日期" in view.period_label.text() and not view.export_button.isEnabled()


def test_exporting_a_form_writes_it_on_a_worker_and_remembers_who_prepared_it(view, context, qtbot, tmp_path,
                                                                               monkeypatch):
    asked = []

    def save_name(parent, title, default, filters):
        asked.append((title, default))
        return str(tmp_path / "新入会"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    view.select_form("new-members")
    view.set_period("custom", TODAY.replace(month=1, day=1), TODAY.replace(month=6, day=30))
    view.prepared_by_edit.setText("刘会计")
    job = view.start_export()
    assert job is view.export_job
    qtbot.waitUntil(lambda: not Job._running, timeout=15000)
    assert asked[0][0] == "导出新入会会员名单" and asked[0][1].endswith("2026年上半年新入会会员名单.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "新入会.xlsx").active
    assert ws["A1"].value == "新入会会员名单"
    assert "2026-01-01 至 2026-06-30" in ws["A2"].value
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "刘会计" in text
    assert job.feedback.box is not None and "已导出新入会会员名单" in job.feedback.box.text()
    job.feedback.box.close()
    assert get_setting(context.db, PREPARED_BY_SETTING) == "刘会计"
    again = UpstreamView(context, today=TODAY)  # remembered for next time
    qtbot.addWidget(again)
    assert again.prepared_by_edit.text() == "刘会计"


def test_the_main_window_shows_the_page_instead_of_a_placeholder(context, qtbot, monkeypatch):
    from gonghui_desk.ui.app import create_main_window, setup_application

    setup_application()
    window = create_main_window(context)
    qtbot.addWidget(window)
    window.show()
    assert window.page_keys()[-3:] == ["reports", "recycle_bin", "backups"]  # 回收站, 备份与恢复 come last
    window.show_page("reports")
    assert isinstance(window.stack.currentWidget(), UpstreamView)
    assert window.navigation.currentItem().text() == "上报报表"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    window.show_page("home")
    window.fill_form_action.trigger()  # 文件 → 填写上级表格…: the page, then the file chooser (cancelled here)
    assert window.current_page_key() == "reports" and window.upstream_view.wizard is None
    window.show_page("home")
    window.builtin_forms_action.trigger()
    assert window.current_page_key() == "reports"


# --- 填写上级表格 --------------------------------------------------------------------------------------------------
def test_fill_an_upstream_form_end_to_end_then_reuse_and_void_its_mapping(view, context, qtbot, tmp_path,
                                                                          monkeypatch):
    form = tmp_path / "2026年度会员信息采集表.xlsx"
    upstream_form(form)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(form), "")))
    wizard = view.open_upstream_form()
    assert isinstance(wizard, FormFillWizard) and view.wizard is wizard
    wait_read(wizard, qtbot)

    # step 1: what was found
    page = wizard.form_page
    layout = wizard.layout
    assert (layout.header_top, layout.header_bottom, layout.filled_rows) == (3, 4, 1)
    info = page.info_label.text()
    assert "2026年度工会会员信息采集表" in info and "填报单位" in info and "第3–4行" in info and "第10行起" in info
    headers = [page.columns_model.index(row, 1).data() for row in range(page.columns_model.rowCount())]
    assert headers == ["序号", "姓名", "性别", "身份证号码", "联系方式-手机", "联系方式-办公电话", "入会时间",
                       "所在科室", "职业资格"]
    assert page.columns_model.index(1, 2).data() == "样例"
    assert (page.header_first_spin.value(), page.header_last_spin.value()) == (3, 4)
    assert not page.changes_box.isVisible()

    # the header rows can be corrected by hand: row 4 alone names 手机 and 办公电话 only
    page.header_first_spin.setValue(4)
    page.header_last_spin.setValue(4)
    page.read_with_header_rows()
    wait_read(wizard, qtbot)
    assert wizard.layout.header_top == 4 and len(wizard.layout.columns) < 9
    page.read_detected()
    wait_read(wizard, qtbot)
    assert (wizard.layout.header_top, wizard.layout.header_bottom) == (3, 4)

    # step 2: the roster's women on the roll in one department
    to_records(wizard, qtbot)
    records = wizard.records_page
    assert records.source().key == "roster" and "将填入" in records.count_label.text()
    editor = records.editor
    unit_id = context.db.execute("SELECT id FROM sub_units WHERE name = ?", [UNIT]).fetchone()[0]
    editor.set_value("sub_unit", unit_id)
    editor.set_value("sex", "女")
    qtbot.waitUntil(records.is_counted, timeout=15000)
    expected = expected_members(context.db)
    assert len(expected) >= 2
    assert records.count == len(expected) and f"将填入 <b>{len(expected)}</b> 行" in records.count_label.text()
    assert "部门：数学组" in records.count_label.text() and "性别：女" in records.count_label.text()

    # step 3: the mapping proposed from the headers; 职业资格 mapped by hand, 办公电话 left blank
    to_mapping(wizard, qtbot)
    mapping_page = wizard.mapping_page
    model = mapping_page.model
    fields = [model.index(row, 2).data() for row in range(model.rowCount())]
    assert fields == [SEQ_TEXT, "姓名", "性别", "身份证号", "手机号", BLANK_TEXT, "入会日期", "部门", BLANK_TEXT]
    assert model.blank_rows() == [5, 8]
    assert model.index(8, 0).data(0x0008) is not None  # shaded (BackgroundRole)
    assert "2 列留空" in mapping_page.message.text()
    assert model.index(1, 3).data() == expected[0][0]  # the first record's name as the sample
    assert mapping_page.assign(9, "professional_title")
    assert model.index(8, 2).data() == "职称" and model.blank_rows() == [5]
    qtbot.waitUntil(mapping_page.is_previewed, timeout=15000)
    assert wizard.mapping.columns[9] == "professional_title"

    # step 4: replace the sample row, save the mapping, the file next to the form
    wizard.next()
    options = wizard.options_page
    assert options.out_path() == tmp_path / "2026年度会员信息采集表（已填）.xlsx"
    assert options.replace_radio.isChecked() and options.keep_radio.isEnabled()
    assert options.name_edit.text() == MAPPING_NAME and not options.save_check.isChecked()
    options.save_check.setChecked(True)
    assert options.numbers_box.isVisibleTo(options) and not options.full_numbers_check.isChecked()
    options.full_numbers_check.setChecked(True)  # the upstream form needs the full ID numbers (logged)
    assert wizard.button(QWizard.NextButton).text() == "填写"
    fill(wizard, qtbot)
    result = wizard.result
    assert result.rows_written == len(expected)
    summary = wizard.done_page.summary_text()
    assert f"已填写 {len(expected)} 行" in summary and "原表中已有的 1 行已替换" in summary
    assert "办公电话" in summary and "已留空" in summary and MAPPING_NAME in summary
    assert wizard.done_page.open_file_button.text() == "打开文件"

    rows = read_rows(result.path)
    assert [(r[1], r[3]) for r in rows] == expected  # names and full ID numbers, as text
    assert [r[0] for r in rows] == list(range(1, len(expected) + 1))
    assert all(r[2] == "女" and r[7] == UNIT and r[5] is None for r in rows)
    out = openpyxl.load_workbook(result.path).active
    assert out["A1"].value == "2026年度工会会员信息采集表" and out["A1"].font.b
    assert out.cell(4 + len(expected) + 2, 1).value == "制表人："  # the footer follows the rows
    assert openpyxl.load_workbook(form).active["B5"].value == "样例"  # the form itself is unchanged
    close(wizard, qtbot)

    # the saved mapping is listed
    assert view.mappings_model.names() == [MAPPING_NAME]
    assert view.mappings_stack.currentIndex() == 0
    assert "部门：数学组" in view.mappings_model.index(0, 1).data()
    assert view.mappings_model.index(0, 3).data() == list_mappings(context.db)[0].created_at[:10]

    # next year's copy: 联系方式 is now 通讯方式 and a column was added; the changes are listed column by column
    changed = tmp_path / "2027年度会员信息采集表.xlsx"
    upstream_form(changed, contact="通讯方式", extra="备注")
    view.select_mapping(MAPPING_NAME)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(changed), "")))
    wizard = view.use_selected_mapping()
    assert wizard.form_page.saved_name() == MAPPING_NAME
    wait_read(wizard, qtbot)
    lines = wizard.form_page.change_lines()
    assert "第5列：原为“联系方式-手机”，现为“通讯方式-手机”" in lines
    assert "第6列：原为“联系方式-办公电话”，现为“通讯方式-办公电话”" in lines
    assert any(line.startswith("新增第10列“备注”") for line in lines)
    assert wizard.form_page.changes_box.isVisible()
    assert "表格有 3 处变化" in wizard.form_page.changes_label.text()
    # the source and its filter come back with the mapping; the hand-made column too
    to_records(wizard, qtbot)
    assert not wizard.records_page.source_combo.isEnabled()
    assert wizard.records_page.count == len(expected)
    to_mapping(wizard, qtbot)
    assert wizard.mapping.columns[9] == "professional_title"
    assert wizard.mapping_page.model.index(4, 2).data() == "手机号"
    wizard.next()
    assert wizard.options_page.save_check.isChecked() and wizard.options_page.name_edit.text() == MAPPING_NAME
    assert "更新对应关系" in wizard.options_page.name_hint.text()
    close(wizard, qtbot)

    # voiding it removes it from the list
    view.select_mapping(MAPPING_NAME)
    box = view.void_selected_mapping()
    assert MAPPING_NAME in box.text()
    box.void_button.click()
    assert view.mappings_model.rowCount() == 0 and list_mappings(context.db) == []
    assert view.mappings_stack.currentIndex() == 1 and not view.use_button.isEnabled()


def test_an_xls_form_is_filled_as_xlsx_and_says_so(view, context, qtbot, tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("名册")
    sheet.write_merge(0, 0, 0, 3, "会员名册")
    for col, head in enumerate(["序号", "姓名", "性别", "手机号码"]):
        sheet.write(1, col, head)
    path = tmp_path / "名册.xls"
    book.save(str(path))
    wizard = view.start_fill(path)
    wait_read(wizard, qtbot)
    assert wizard.layout.is_xls and ".xls" in wizard.form_page.info_label.text()
    to_records(wizard, qtbot)
    count = wizard.records_page.count
    assert count == context.db.execute(
        "SELECT count(*) FROM members WHERE voided_at IS NULL AND status = '在册'").fetchone()[0]
    to_mapping(wizard, qtbot)
    wizard.next()
    options = wizard.options_page
    assert options.out_path() == tmp_path / "名册（已填）.xlsx"
    assert ".xls 格式" in options.out_hint.text() and not options.keep_radio.isEnabled()
    fill(wizard, qtbot)
    assert "原表为 .xls 格式，已另存为 .xlsx" in wizard.done_page.summary_text()
    assert wizard.result.path.suffix == ".xlsx" and len(read_rows(wizard.result.path, 3)) == count
    close(wizard, qtbot)


def test_a_fill_can_be_cancelled_and_writes_nothing(view, qtbot, tmp_path, monkeypatch):
    from gonghui_desk.ui import form_fill_wizard

    def slow_fill(db, layout, mapping, source, params, out, keep_rows=False, is_cancelled=None, progress=None,
                  today=None, full_numbers=False):
        for step in range(400):
            progress(step, 400, "正在填写…")
            if is_cancelled():
                raise Cancelled()
            time.sleep(0.02)
        raise AssertionError("not cancelled")

    monkeypatch.setattr(form_fill_wizard, "fill_form", slow_fill)
    form = tmp_path / "表.xlsx"
    upstream_form(form)
    wizard = view.start_fill(form)
    wait_read(wizard, qtbot)
    to_records(wizard, qtbot)
    to_mapping(wizard, qtbot)
    wizard.next()
    options = wizard.options_page
    wizard.next()
    qtbot.waitUntil(lambda: options.busy and options.jobs.cancel_button.isVisible(), timeout=5000)
    assert options.jobs.cancel_button.text() == "取消"
    options.jobs.cancel_button.click()
    qtbot.waitUntil(lambda: not options.busy, timeout=10000)
    assert wizard.currentPage() is options and "已取消" in options.jobs.label.text()
    assert not (tmp_path / "表（已填）.xlsx").exists()
    close(wizard, qtbot)


def test_choosing_another_file_while_one_is_read_reads_the_new_one(view, qtbot, tmp_path):
    first, second = tmp_path / "一.xlsx", tmp_path / "二.xlsx"
    upstream_form(first)
    upstream_form(second, extra="备注")
    wizard = view.start_fill(first)
    page = wizard.form_page
    assert page.busy
    page.path_edit.setText(str(second))
    page.read_form()  # while the first is still being read
    wait_read(wizard, qtbot)
    assert wizard.layout.path == second and wizard.layout.columns[-1].header == "备注"
    close(wizard, qtbot)
