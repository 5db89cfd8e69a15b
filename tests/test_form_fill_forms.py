"""Upstream forms made by the form-filling tests themselves (openpyxl, and xlwt for .xls), and a small roster
with known values to compare the filled cells with."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from gonghui_desk.union import ensure_sub_unit_path
from tests.conftest import VALID_IDS
from tests.test_care_visits import add_member

THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
DATA_FONT = Font(name="仿宋", size=10)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WIDTHS = (6, 10, 6, 22, 10, 14, 14, 14, 16, 10)


def collection_form(path, *, sample: bool = True, blank_rows: int = 4) -> None:
    """会员信息采集表: a title, a unit/date line, a two-level header on rows 3–4 (联系方式 over 手机 and 办公电话,
    the other names merged down), a sample row 5 (row height 20, its own date formats), ``blank_rows`` bordered
    rows holding only a 序号, then 制表人/审核人/日期 and a 注 line merged across; print titles 3:4, a print
    area, A4 landscape and a 性别 drop-down on the data rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "会员信息"
    ws["A1"] = "2026年度工会会员信息采集表"
    ws["A1"].font = Font(name="黑体", size=18, bold=True)
    ws["A1"].alignment = CENTER
    ws.merge_cells("A1:J1")
    ws.row_dimensions[1].height = 30
    ws["A2"] = "填报单位（盖章）："
    ws["H2"] = "填报日期：    年  月  日"
    heads = ["序号", "姓名", "性别", "身份证号码", "出生年月", "联系方式", None, "入会时间", "工作单位", "籍贯"]
    for col, head in enumerate(heads, 1):
        for row in (3, 4):
            cell = ws.cell(row, col)
            cell.font, cell.border, cell.alignment = HEADER_FONT, GRID, CENTER
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
        ws.cell(3, col).value = head
    ws["F4"], ws["G4"] = "手机", "办公电话"
    for letter in "ABCDEHIJ":
        ws.merge_cells(f"{letter}3:{letter}4")
    ws.merge_cells("F3:G3")
    last = 4
    if sample:
        values = [1, "样例", "男", "110101199001011234", "1990.01", "13800000000", None, dt.datetime(2015, 3, 1),
                  "示例部门", "北京"]
        for col, value in enumerate(values, 1):
            cell = ws.cell(5, col, value)
            cell.font, cell.border = DATA_FONT, GRID
            cell.alignment = Alignment(horizontal="center" if col in (1, 3) else None, vertical="center")
        ws["H5"].number_format = 'yyyy"年"m"月"d"日"'
        ws.row_dimensions[5].height = 20
        last = 5
    for row in range(last + 1, last + 1 + blank_rows):
        ws.cell(row, 1, row - 4)
        for col in range(1, 11):
            ws.cell(row, col).border = GRID
            ws.cell(row, col).font = DATA_FONT
    last += blank_rows
    footer = last + 2
    ws.cell(footer, 1, "制表人：")
    ws.cell(footer, 4, "审核人：")
    ws.cell(footer, 8, "日期：")
    ws.cell(footer + 1, 1, "注：本表一式两份，报县总工会组织部。")
    ws.merge_cells(start_row=footer + 1, end_row=footer + 1, start_column=1, end_column=10)
    ws.row_dimensions[footer + 1].height = 28
    for letter, width in zip("ABCDEFGHIJ", WIDTHS):
        ws.column_dimensions[letter].width = width
    ws.print_title_rows = "3:4"
    ws.print_area = f"A1:J{footer + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    validation = DataValidation(type="list", formula1='"男,女"')
    validation.add(f"C5:C{last}")
    ws.add_data_validation(validation)
    ws.freeze_panes = "C5"
    wb.save(path)


def simple_form(path, headers, *, title: str = "上报表", rows=(), footer: str = "制表人：", sheet: str = "Sheet1",
                header_row: int = 3, styles: dict | None = None) -> None:
    """A title, one header row (``header_row``) with borders, ``rows`` of data below (bordered) and a footer line
    one row further down. ``styles``: column number -> number format of the first data row."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"] = title
    for col, head in enumerate(headers, 1):
        cell = ws.cell(header_row, col, head)
        cell.font, cell.border = HEADER_FONT, GRID
    for offset, values in enumerate(rows, 1):
        for col, value in enumerate(values, 1):
            cell = ws.cell(header_row + offset, col, value)
            cell.border = GRID
            if offset == 1 and styles and col in styles:
                cell.number_format = styles[col]
    if footer:
        ws.cell(header_row + len(rows) + 2, 1, footer)
    wb.save(path)


def small_roster(db, store) -> dict[str, int]:
    """Three members on the roll in two departments and one retiree, with known ID, phone and dates."""
    office = ensure_sub_unit_path(db, "办公室")
    workshop = ensure_sub_unit_path(db, "一车间")
    group = ensure_sub_unit_path(db, "一车间/甲班", kind="工会小组")
    return {
        "张三": add_member(store, "张三", id_number=VALID_IDS["man_1985"], phone="13800001111", sub_unit_id=office,
                         join_date="2008-07-01", ethnicity="汉族", notes="=1+2"),
        "李四": add_member(store, "李四", id_number=VALID_IDS["woman_1990"], phone="13900002222", sub_unit_id=group,
                         join_date="2012-03-15", ethnicity="回族"),
        "王五": add_member(store, "王五", id_number=VALID_IDS["man_1965"], sub_unit_id=workshop, join_date="1990-09-01"),
        "赵六": add_member(store, "赵六", status="退休", status_date="2025-02-01", sub_unit_id=workshop,
                         join_date="1985-01-01"),
    }
