"""Filling the upstream union's own form: reading the form, mapping its columns, and the filled copy read back
cell by cell (values, styles, merges, dates, IDs, 序号, kept or replaced rows, the footer moved)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
import xlwt

from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.form_fill import (FormMapping, fill_form, get_source, inspect_form, mapping_lines, preview_rows,
                                    propose_mapping, unmatched_columns)
from gonghui_desk.form_fill.writer import date_text_pattern
from gonghui_desk.importing.spreadsheet import SpreadsheetError
from tests.conftest import TODAY, VALID_IDS
from tests.test_form_fill_forms import GRID, WIDTHS, collection_form, simple_form, small_roster


@pytest.fixture
def roster(db, store):
    return small_roster(db, store)


def read(path):
    return openpyxl.load_workbook(path).active


def values(ws, row, last=10):
    return [ws.cell(row, col).value for col in range(1, last + 1)]


def style_of(cell):
    return (cell.font.name, cell.font.sz, bool(cell.font.b), cell.border.left.style, cell.border.right.style,
            cell.border.top.style, cell.border.bottom.style, cell.alignment.horizontal, cell.alignment.vertical,
            cell.fill.fgColor.rgb if cell.fill.fill_type else None)


# --- reading the form ---------------------------------------------------------------------------------------------
def test_title_rows_unit_line_and_a_two_level_merged_header(tmp_path):
    path = tmp_path / "采集表.xlsx"
    collection_form(path)
    layout = inspect_form(path)
    assert (layout.sheet_name, layout.header_top, layout.header_bottom, layout.header_rows_text) == (
        "会员信息", 3, 4, "第3–4行")
    assert [c.header for c in layout.columns] == ["序号", "姓名", "性别", "身份证号码", "出生年月", "联系方式-手机",
                                                  "联系方式-办公电话", "入会时间", "工作单位", "籍贯"]
    assert layout.columns[5].parts == ("联系方式", "手机") and layout.columns[5].label == "第6列“联系方式-手机”"
    assert [c.sample for c in layout.columns][:6] == ["1", "样例", "男", "110101199001011234", "1990.01", "13800000000"]
    assert layout.columns[7].sample == "2015-03-01" and layout.columns[0].is_seq
    # one sample row, then four bordered rows holding only a 序号; the footer two rows further down
    assert (layout.data_first, layout.data_last, layout.filled_rows, layout.last_filled) == (5, 9, 1, 5)
    assert layout.footer_first == 11
    assert layout.footer_lines == ("制表人：  审核人：  日期：", "注：本表一式两份，报县总工会组织部。")
    assert layout.title_lines == ("2026年度工会会员信息采集表", "填报单位（盖章）：  填报日期： 年 月 日")
    assert not layout.is_xls and layout.notes == ()


def test_group_names_above_the_row_that_names_most_columns(tmp_path):
    """No name is merged down: 基本信息 and 联系方式 are merged across the names under them, the other upper
    cells are blank, and the lower row (the one detect_header_row picks) names every column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "职工花名册"
    ws.merge_cells("A1:G1")
    for col, text in enumerate(["序号", "姓名", "性别", "出生日期", "手机", "电子邮箱", "备注"], 1):
        ws.cell(3, col, text)
    ws["B2"], ws["E2"] = "基本信息", "联系方式"
    ws.merge_cells("B2:D2")
    ws.merge_cells("E2:F2")
    ws["A4"], ws["B4"] = 1, "样例"
    path = tmp_path / "group.xlsx"
    wb.save(path)
    layout = inspect_form(path)
    assert (layout.header_top, layout.header_bottom) == (2, 3)
    assert [c.header for c in layout.columns] == ["序号", "基本信息-姓名", "基本信息-性别", "基本信息-出生日期",
                                                  "联系方式-手机", "联系方式-电子邮箱", "备注"]
    mapping = propose_mapping(layout, "roster")
    assert mapping.columns == {1: "seq", 2: "name", 3: "sex", 4: "birth_date", 5: "phone", 7: "notes"}

    # a unit or date line merged over a few columns is no group name
    for line in ("枫桥县第五中学工会", "2026年12月"):
        ws["B2"] = line
        wb.save(path)
        layout = inspect_form(path)
        assert (layout.header_top, layout.header_bottom, layout.columns[1].header) == (3, 3, "姓名")


def test_a_header_merged_across_two_columns_is_one_column_and_its_cells_stay_merged(tmp_path, db, roster):
    wb = openpyxl.Workbook()
    ws = wb.active
    for col, text in enumerate(["序号", "姓名", "部门", None, "备注"], 1):
        ws.cell(2, col, text).border = GRID
    ws.merge_cells("C2:D2")
    for col in range(1, 6):
        ws.cell(3, col).border = GRID
    ws.merge_cells("C3:D3")
    ws["A5"] = "审核人："
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    layout = inspect_form(path)
    assert [(c.index, c.header, c.last_index) for c in layout.columns] == [
        (1, "序号", 1), (2, "姓名", 2), (3, "部门", 4), (5, "备注", 5)]
    result = fill_form(db, layout, propose_mapping(layout, "roster"), "roster", None, tmp_path / "out.xlsx",
                       today=TODAY)
    assert (result.first_row, result.last_row) == (3, 5)
    out = read(result.path)
    assert [values(out, row, 5) for row in (3, 4, 5)] == [
        [1, "李四", "一车间", None, None], [2, "王五", "一车间", None, None], [3, "张三", "办公室", None, "=1+2"]]
    assert {str(m) for m in out.merged_cells.ranges} == {"C2:D2", "C3:D3", "C4:D4", "C5:D5"}
    assert out["A7"].value == "审核人："


def test_header_rows_can_be_given_and_a_form_without_a_header_is_refused(tmp_path):
    path = tmp_path / "plain.xlsx"
    simple_form(path, ["序号", "姓名", "性别", "民族"], header_row=2)
    assert inspect_form(path, header_rows=(2, 2)).columns[3].header == "民族"
    assert [c.header for c in inspect_form(path, header_rows=(1, 2)).columns] == [
        "上报表-序号", "姓名", "性别", "民族"]
    with pytest.raises(UserError, match="表头行应为"):
        inspect_form(path, header_rows=(3, 1))
    blank = tmp_path / "blank.xlsx"
    simple_form(blank, ["甲", "乙", "丙"])
    with pytest.raises(SpreadsheetError, match="找不到表头"):
        inspect_form(blank)
    text = tmp_path / "a.xlsx"
    text.write_text("姓名,性别\n张三,男\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="不是 Excel"):
        inspect_form(text)


def test_the_sheet_with_a_header_is_found_and_a_missing_sheet_named(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active["A1"] = "请按要求填写"
    form = wb.create_sheet("名册")
    for col, text in enumerate(["姓名", "性别", "身份证号"], 1):
        form.cell(1, col, text)
    path = tmp_path / "two.xlsx"
    wb.save(path)
    layout = inspect_form(path)
    assert layout.sheet_name == "名册" and layout.sheet_names == ("填表说明", "名册")
    with pytest.raises(SpreadsheetError, match="没有名为“汇总”的工作表；现有工作表：填表说明、名册"):
        inspect_form(path, "汇总")


def test_footer_rows_that_fill_many_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for col, text in enumerate(["序号", "姓名", "慰问金", "慰问品价值", "合计金额", "签字"], 1):
        ws.cell(1, col, text)
    ws.append([1, "样例", 500, 100, 600, None])
    ws.append(["合计", None, 500, 100, 600, None])
    ws.append(["制表人：", "张三", "审核人：", "李四", "日期：", "2026-11-22"])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    layout = inspect_form(path)
    assert (layout.filled_rows, layout.data_last, layout.footer_first) == (1, 2, 3)
    assert layout.footer_lines == ("合计  500  100  600", "制表人：  张三  审核人：  李四  日期：  2026-11-22")


# --- mapping --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("headers, fields", [
    (["身份证号", "出生年月", "联系电话", "入会时间", "部门"], ["id_number", "birth_date", "phone", "join_date", "sub_unit"]),
    (["身份证号码", "出生日期", "手机号码", "入会日期", "工作单位"], ["id_number", "birth_date", "phone", "join_date", "sub_unit"]),
    (["公民身份号码", "出生年月日", "手机号", "入会年月", "所在部门"], ["id_number", "birth_date", "phone", "join_date", "sub_unit"]),
])
def test_header_spellings_name_the_same_fields(tmp_path, headers, fields):
    path = tmp_path / "f.xlsx"
    simple_form(path, ["序号", "姓名", "性别", *headers, "籍贯", "年龄", "工会名称"])
    layout = inspect_form(path)
    mapping = propose_mapping(layout, "roster")
    assert list(mapping.columns.values()) == ["seq", "name", "sex", *fields, "age", "union_name"]
    assert [c.header for c in unmatched_columns(layout, mapping)] == ["籍贯"]
    lines = mapping_lines(layout, mapping)
    assert lines[0] == "第1列“序号” ← 自动编号" and lines[3] == f"第4列“{headers[0]}” ← 身份证号"
    assert lines[8] == "第9列“籍贯”：未对应，留空"


def test_a_source_s_own_fields_come_before_the_person_s(tmp_path):
    path = tmp_path / "f.xlsx"
    simple_form(path, ["序号", "户主姓名", "身份证号", "困难类别", "家庭人口", "状态", "备注"])
    mapping = propose_mapping(inspect_form(path), "hardship")
    assert mapping.columns == {1: "seq", 2: "name", 3: "id_number", 4: "category", 5: "household_size",
                               6: "file_status", 7: "file_notes"}
    source = get_source("hardship")
    assert source.field_label("notes") == "会员备注" and source.field_label("file_notes") == "备注"


# --- the filled copy, cell by cell ------------------------------------------------------------------------------
def test_the_filled_copy_keeps_the_form_and_writes_every_cell(tmp_path, db, roster):
    form = tmp_path / "采集表.xlsx"
    collection_form(form)
    layout = inspect_form(form)
    mapping = propose_mapping(layout, "roster")
    mapping.assign(10, "ethnicity")  # 籍贯 would stay blank; the user picks 民族 for it
    mapping.assign(7, None)
    progress = []
    result = fill_form(db, layout, mapping, "roster", {"status": "在册"}, tmp_path / "已填写.xlsx",
                       progress=lambda done, total, text: progress.append((done, total, text)), today=TODAY,
                       full_numbers=True)
    assert result.rows_written == 3 and (result.first_row, result.last_row) == (5, 7)
    assert result.messages == [
        "已填写 3 行（第5–7行），来源：会员名册（状态：在册）",
        "原表中已有的 1 行已替换",
        "原表中多余的 2 行已删除",
        "表格下方的“制表人：  审核人：  日期：”等内容已移到第9行",
        "第7列“联系方式-办公电话”未对应字段，已留空",
        "身份证号、手机号按完整号码填写（已记入修改记录）",
    ]
    assert progress[0] == (0, 0, "正在读取表格…") and progress[-1] == (3, 3, "正在保存文件…")

    original, out = read(form), read(result.path)
    for row in range(1, 5):  # the title, the unit line and the header, values and styles
        for col in range(1, 11):
            assert out.cell(row, col).value == original.cell(row, col).value
            assert style_of(out.cell(row, col)) == style_of(original.cell(row, col))
    assert [values(out, row) for row in (5, 6, 7)] == [
        [1, "李四", "女", VALID_IDS["woman_1990"], "1990.01", "13900002222", None, dt.datetime(2012, 3, 15),
         "一车间", "回族"],
        [2, "王五", "男", VALID_IDS["man_1965"], "1965.01", None, None, dt.datetime(1990, 9, 1), "一车间", None],
        [3, "张三", "男", VALID_IDS["man_1985"], "1985.03", "13800001111", None, dt.datetime(2008, 7, 1), "办公室",
         "汉族"],
    ]
    for row in (5, 6, 7):
        sample = original.cell(5, 2)
        for col in range(1, 11):
            cell, template = out.cell(row, col), original.cell(5, col)
            assert style_of(cell) == style_of(template), (row, col)
        assert out.row_dimensions[row].height == 20
        assert out.cell(row, 4).data_type == "s" and out.cell(row, 4).number_format == "@"  # IDs as text
        assert out.cell(row, 6).number_format == "@"  # phones too, even the empty one
        assert out.cell(row, 5).data_type == "s"  # 出生年月: text like the sample "1990.01"
        assert out.cell(row, 8).number_format == 'yyyy"年"m"月"d"日"'  # the sample's own date format
        assert out.cell(row, 2).font.name == sample.font.name == "仿宋"
    # the footer follows the data with its blank line; the merged 注 line and its height moved with it
    assert values(out, 8) == [None] * 10
    assert values(out, 9)[:8] == ["制表人：", None, None, "审核人：", None, None, None, "日期："]
    assert out["A10"].value == "注：本表一式两份，报县总工会组织部。" and out.row_dimensions[10].height == 28
    assert {str(m) for m in out.merged_cells.ranges} == {
        "A1:J1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:G3", "H3:H4", "I3:I4", "J3:J4", "A10:J10"}
    assert out.max_row == 10
    # widths, print settings, freeze panes and the drop-down
    for letter, width in zip("ABCDEFGHIJ", WIDTHS):
        assert out.column_dimensions[letter].width == width
    assert out.print_title_rows == "$3:$4"
    assert out.print_area == "'会员信息'!$A$1:$J$10"
    assert out.page_setup.orientation == "landscape" and int(out.page_setup.paperSize) == 9  # A4
    assert out.freeze_panes == "C5" and out.row_dimensions[1].height == 30
    assert [str(v.sqref) for v in out.data_validations.dataValidation] == ["C5:C7"]
    assert form.exists() and read(form)["B5"].value == "样例"  # the form itself is untouched


def test_a_preview_of_the_rows(tmp_path, db, roster):
    path = tmp_path / "f.xlsx"
    simple_form(path, ["序号", "姓名", "入会日期", "籍贯"])
    layout = inspect_form(path)
    assert preview_rows(db, layout, propose_mapping(layout, "roster"), "roster", None, limit=2) == [
        ["1", "李四", "2012-03-15", ""], ["2", "王五", "1990-09-01", ""]]


def test_text_is_never_a_formula(tmp_path, db, roster):
    path = tmp_path / "f.xlsx"
    simple_form(path, ["姓名", "备注", "会员证号"])
    layout = inspect_form(path)
    result = fill_form(db, layout, propose_mapping(layout, "roster"), "roster", {"status": "全部"},
                       tmp_path / "o.xlsx", today=TODAY)
    out = read(result.path)
    names = [out.cell(row, 1).value for row in range(4, 8)]
    row = 4 + names.index("张三")
    assert out.cell(row, 2).value == "=1+2" and out.cell(row, 2).data_type == "s" and out.cell(row, 2).quotePrefix
    assert not out.cell(4 + names.index("李四"), 2).quotePrefix
    assert out.cell(row, 3).number_format == "@"  # an empty card number column stays text


def test_rows_already_in_the_form_kept_or_replaced(tmp_path, db, roster):
    path = tmp_path / "f.xlsx"
    rows = [(1, "陈一", "男"), (2, "陈二", "女"), (3, None, None), (4, None, None)]
    simple_form(path, ["序号", "姓名", "性别"], rows=rows, footer="填表人：")
    layout = inspect_form(path)
    assert (layout.filled_rows, layout.last_filled, layout.data_last, layout.footer_first) == (2, 5, 7, 9)
    mapping = propose_mapping(layout, "roster")

    kept = fill_form(db, layout, mapping, "roster", None, tmp_path / "kept.xlsx", keep_rows=True, today=TODAY)
    out = read(kept.path)
    assert [values(out, row, 3) for row in range(4, 9)] == [
        [1, "陈一", "男"], [2, "陈二", "女"], [3, "李四", "女"], [4, "王五", "男"], [5, "张三", "男"]]
    assert out["A10"].value == "填表人：" and kept.rows_kept == 2 and (kept.first_row, kept.last_row) == (6, 8)
    assert "保留了原表中已有的 2 行" in kept.messages
    assert all(out.cell(row, 2).border.left.style == "thin" for row in range(4, 9))

    replaced = fill_form(db, layout, mapping, "roster", None, tmp_path / "replaced.xlsx", today=TODAY)
    out = read(replaced.path)
    assert [values(out, row, 3) for row in range(4, 8)] == [
        [1, "李四", "女"], [2, "王五", "男"], [3, "张三", "男"], [None, None, None]]
    assert out["A7"].value is None and out["A8"].value == "填表人：" and out.max_row == 8
    assert "原表中已有的 2 行已替换" in replaced.messages and "原表中多余的 1 行已删除" in replaced.messages


def test_a_total_row_below_the_data_is_stretched_and_a_formula_column_copied_down(tmp_path, db, roster):
    wb = openpyxl.Workbook()
    ws = wb.active
    for col, text in enumerate(["序号", "姓名", "年龄", "两倍年龄"], 1):
        ws.cell(2, col, text)
    ws["D3"] = "=C3*2"
    for row in range(3, 6):
        for col in range(1, 5):
            ws.cell(row, col).border = GRID
    ws["A6"], ws["C6"], ws["D6"] = "合计", "=SUM(C3:C5)", "=C6*2"
    path = tmp_path / "sum.xlsx"
    wb.save(path)
    layout = inspect_form(path)
    assert layout.footer_first == 6 and layout.filled_rows == 0 and layout.data_last == 5
    result = fill_form(db, layout, propose_mapping(layout, "roster"), "roster", {"status": "全部"},
                       tmp_path / "o.xlsx", today=TODAY)
    out = read(result.path)
    assert result.last_row == 6 and [out.cell(row, 2).value for row in range(3, 7)] == ["李四", "王五", "张三", "赵六"]
    assert [out.cell(row, 3).value for row in range(3, 7)] == [36, 61, 41, None]  # ages on 2026-11-22
    assert [out.cell(row, 4).value for row in range(3, 7)] == ["=C3*2", "=C4*2", "=C5*2", "=C6*2"]
    assert out["A7"].value == "合计" and out["C7"].value == "=SUM(C3:C6)" and out["D7"].value == "=C7*2"


def test_the_form_s_date_styles(tmp_path, db, roster):
    headers = ["姓名", "出生年月", "入会时间", "参加工作时间", "状态日期", "出生日期"]
    sample = [("样例", "1985年3月", 20150301, dt.datetime(2015, 3, 1), None, None)]
    path = tmp_path / "dates.xlsx"
    simple_form(path, headers, rows=sample, styles={4: 'yyyy"年"m"月"', 5: "@"})
    layout = inspect_form(path)
    mapping = propose_mapping(layout, "roster")
    assert list(mapping.columns.values()) == ["name", "birth_date", "join_date", "work_start_date", "status_date"]
    mapping.assign(6, "birth_date")  # each field goes to one column by itself; a second one is the user's choice
    db.execute("UPDATE members SET work_start_date = '2001-08-01', status_date = '2010-01-01'")
    db.conn.commit()
    result = fill_form(db, layout, mapping, "roster", None, tmp_path / "o.xlsx", today=TODAY)
    out = read(result.path)
    row = [out.cell(4, col) for col in range(1, 7)]  # 李四
    assert [c.value for c in row] == ["李四", "1990年1月", 20120315, dt.datetime(2001, 8, 1), "2010-01-01",
                                      dt.datetime(1990, 1, 1)]
    assert row[3].number_format == 'yyyy"年"m"月"' and row[4].data_type == "s" and row[5].number_format == "yyyy-mm-dd"


def test_date_text_patterns():
    day = dt.date(2026, 3, 7)
    assert [date_text_pattern(s)(day) for s in ("1985.03", "1985.3", "1985-03-01", "1985/3/1", "1985年3月",
                                                 "1985年03月", "1985年3月1日", "19850301", "198503")] == [
        "2026.03", "2026.3", "2026-03-07", "2026/3/7", "2026年3月", "2026年03月", "2026年3月7日", "20260307", "202603"]
    assert date_text_pattern(198503)(day) == 202603 and date_text_pattern("张三") is None
    assert date_text_pattern(12) is None


def test_a_form_without_data_rows_gets_the_header_s_font_and_borders(tmp_path, db, roster):
    path = tmp_path / "f.xlsx"
    simple_form(path, ["姓名", "出生年月", "入会日期"], footer="")
    layout = inspect_form(path)
    assert layout.data_last == layout.header_bottom and layout.footer_first is None
    result = fill_form(db, layout, propose_mapping(layout, "roster"), "roster", None, tmp_path / "o.xlsx",
                       today=TODAY)
    out = read(result.path)
    cell = out["A4"]
    assert cell.value == "李四" and cell.font.name == "宋体" and not cell.font.b and cell.border.bottom.style == "thin"
    assert out["B4"].number_format == "yyyy.mm" and out["C4"].number_format == "yyyy-mm-dd"


def test_no_matching_record_writes_no_row(tmp_path, db, roster):
    path = tmp_path / "采集表.xlsx"
    collection_form(path)
    layout = inspect_form(path)
    result = fill_form(db, layout, propose_mapping(layout, "roster"), "roster", {"status": "去世"},
                       tmp_path / "o.xlsx", today=TODAY)
    assert result.rows_written == 0 and result.first_row is None
    assert result.messages[0] == "没有符合条件的记录，表中没有填写任何行（来源：会员名册（状态：去世））"
    out = read(result.path)
    assert out["A5"].value is None and out["A6"].value == "制表人："
    assert out.data_validations.dataValidation == []


def test_output_is_xlsx_never_the_form_and_a_cancel_writes_nothing(tmp_path, db, roster):
    path = tmp_path / "f.xlsx"
    simple_form(path, ["姓名", "性别"])
    layout = inspect_form(path)
    mapping = propose_mapping(layout, "roster")
    result = fill_form(db, layout, mapping, "roster", None, tmp_path / "out.xls", today=TODAY)
    assert result.path == tmp_path / "out.xlsx" and result.messages[0] == "填好的表格保存为 .xlsx 格式：out.xlsx"
    with pytest.raises(UserError, match="不能覆盖原表"):
        fill_form(db, layout, mapping, "roster", None, path)
    with pytest.raises(UserError, match="还没有任何一列对应了字段"):
        fill_form(db, layout, FormMapping("roster", {}), "roster", None, tmp_path / "x.xlsx")
    with pytest.raises(UserError, match="没有这些字段：category"):
        fill_form(db, layout, FormMapping("roster", {1: "category"}), "roster", None, tmp_path / "x.xlsx")
    with pytest.raises(UserError, match="不能用于"):
        fill_form(db, layout, mapping, "hardship", None, tmp_path / "x.xlsx")
    with pytest.raises(UserError, match="文件夹不存在"):
        fill_form(db, layout, mapping, "roster", None, tmp_path / "nowhere" / "x.xlsx")
    with pytest.raises(Cancelled):
        fill_form(db, layout, mapping, "roster", None, tmp_path / "c.xlsx", is_cancelled=lambda: True)
    assert not (tmp_path / "c.xlsx").exists() and not list(tmp_path.glob("*.part"))
    simple_form(path, ["姓名", "民族"])  # the form changed after it was read
    with pytest.raises(UserError, match="在读取后已被修改，请重新打开"):
        fill_form(db, layout, mapping, "roster", None, tmp_path / "y.xlsx")


def test_an_xls_form_is_read_and_written_as_xlsx(tmp_path, db, roster):
    book = xlwt.Workbook()
    sheet = book.add_sheet("花名册")
    title = xlwt.easyxf("font: bold on, height 360, name 黑体; align: horiz center")
    head = xlwt.easyxf("font: bold on; borders: left thin, right thin, top thin, bottom thin; "
                       "align: horiz center, vert center; pattern: pattern solid, fore_colour gray25")
    cell = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin")
    date = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin", num_format_str="yyyy/m/d")
    sheet.write_merge(0, 0, 0, 4, "职工花名册", title)
    for col, text in enumerate(["序号", "姓名", "身份证号", "入会日期", "联系电话"]):
        sheet.write(2, col, text, head)
    for col, value in enumerate([1, "样例", "110101199001011234", dt.date(2020, 1, 5), "13800000000"]):
        sheet.write(3, col, value, date if col == 3 else cell)
    sheet.write(5, 0, "制表人：")
    sheet.col(2).width = 256 * 22
    sheet.row(3).height_mismatch = True
    sheet.row(3).height = 400
    path = tmp_path / "花名册.xls"
    book.save(str(path))

    layout = inspect_form(path)
    assert layout.is_xls and layout.notes == ("原表为 .xls 格式，已另存为 .xlsx",)
    assert [c.header for c in layout.columns] == ["序号", "姓名", "身份证号", "入会日期", "联系电话"]
    result = fill_form(db, layout, propose_mapping(layout, "roster"), "roster", None, tmp_path / "花名册.xls",
                       today=TODAY, full_numbers=True)
    assert result.path == tmp_path / "花名册.xlsx"
    assert result.messages[0] == "原表为 .xls 格式，已另存为 .xlsx：花名册.xlsx"
    out = read(result.path)
    assert out.title == "花名册" and out["A1"].value == "职工花名册" and "A1:E1" in {str(m) for m in out.merged_cells.ranges}
    assert out["A1"].font.b and out["A1"].font.sz == 18 and out["A1"].font.name == "黑体"
    assert out["B3"].font.b and out["B3"].border.left.style == "thin" and out["B3"].fill.fill_type == "solid"
    assert out.column_dimensions["C"].width == 22
    assert [values(out, row, 5) for row in (4, 5, 6)] == [
        [1, "李四", VALID_IDS["woman_1990"], dt.datetime(2012, 3, 15), "13900002222"],
        [2, "王五", VALID_IDS["man_1965"], dt.datetime(1990, 9, 1), None],
        [3, "张三", VALID_IDS["man_1985"], dt.datetime(2008, 7, 1), "13800001111"]]
    assert out["D5"].number_format == "yyyy/m/d" and out["C5"].number_format == "@"
    assert out["B5"].border.left.style == "thin" and out.row_dimensions[5].height == 20
    assert out["A8"].value == "制表人："


def test_ten_thousand_rows_keep_one_style_each(tmp_path, db):
    """Every new cell of a column shares the template's style id: the styles are made once, not per cell."""
    db.conn.executemany(
        "INSERT INTO members (name, name_sort, search_text, sex, status, join_date) VALUES (?, ?, '', '男', '在册', "
        "'2020-01-01')", [(f"会员{i:05d}", f"hy{i:05d}") for i in range(2500)])
    db.conn.commit()
    path = tmp_path / "采集表.xlsx"
    collection_form(path)
    layout = inspect_form(path)
    progress = []
    result = fill_form(db, layout, propose_mapping(layout, "roster"), "roster", None, tmp_path / "o.xlsx",
                       progress=lambda *a: progress.append(a), today=TODAY)
    assert result.rows_written == 2500 and (1000, 2500, "已写入 1000 行") in progress
    out = read(result.path)
    assert len({out.cell(row, 2).style_id for row in range(5, 2505)}) == 1
    assert len({out.cell(row, 8).style_id for row in range(5, 2505)}) == 1
    assert out.cell(2504, 1).value == 2500 and out.cell(2506, 1).value == "制表人："
