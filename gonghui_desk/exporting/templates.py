"""The blank member import template (会员信息导入模板).

The data sheet holds only a title, one instruction line and the header row (the roster's
labels, so a filled template and an exported roster import the same way); the rules for
each column are on a second sheet, 填写说明, which the importer never reads. There is no
example row on the data sheet, so nobody can import an example as a member by mistake.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from gonghui_desk.exporting.member_roster import MEMBER_SHEET_COLUMNS
from gonghui_desk.exporting.xlsx import DATE_FORMAT, TEXT_FORMAT, save_workbook, style_header, style_title
from gonghui_desk.importing.templates import HELP_SHEET, add_list_validation, format_rows, write_title_rows
from gonghui_desk.members import FEMALE_RETIREMENT_AGES, FIELD_BY_KEY, STATUSES, YES_NO

TEMPLATE_TITLE = "会员信息导入模板"
DATA_SHEET = "会员信息"
NOTES_SHEET = HELP_SHEET
HEADER_ROW, FIRST_ROW = 3, 4
FORMATTED_ROWS = 2000  # rows below the header pre-formatted as text / date
TEMPLATE_COLUMNS = tuple(c for c in MEMBER_SHEET_COLUMNS if c.key != "status_date")

INSTRUCTION = (f"从第{FIRST_ROW}行起每行填写一名会员，请勿改动表头；身份证号、手机号、会员证号已设为文本格式，"
               f"日期写成 2015-09-01 的形式。各列的填写要求见“{NOTES_SHEET}”工作表。")


def _choice_lists() -> dict[str, tuple[tuple[str, ...], bool]]:
    """Column key -> (the dropdown's values, whether other values are refused)."""
    lists = {f.key: (f.choices, f.strict) for f in FIELD_BY_KEY.values() if f.kind == "choice"}
    lists["is_migrant_worker"] = (YES_NO, True)
    lists["female_retirement_age"] = (tuple(str(age) for age in FEMALE_RETIREMENT_AGES), True)
    lists["status"] = (STATUSES, True)
    return lists


_NOTES = {
    "name": "必填。",
    "sex": "可不填：填了身份证号的，性别从身份证号读取。",
    "ethnicity": "如：汉族、回族。",
    "id_number": "18位，最后一位可以是X；旧的15位号码会自动升级。务必保持文本格式，"
                 "写成数字会丢失末几位。出生日期和性别会与身份证号核对。",
    "birth_date": "可不填：填了身份证号的，从身份证号读取。",
    "phone": "11位手机号，或带区号的固定电话。",
    "sub_unit": "所在部门；多级部门用“/”分隔，如“一车间/甲班”。",
    "union_group": "所在工会小组，没有可不填。",
    "is_migrant_worker": "填“是”或“否”，不填视为“否”。",
    "female_retirement_age": "只有女职工填写：55（管理和技术岗位）或 50（生产岗位），用于计算退休时间。",
    "status": "可不填，不填视为“在册”。",
}


def _note_for(column, choices) -> str:
    if column.key in _NOTES:
        return _NOTES[column.key]
    if column.kind == "date":
        return "日期，如 2015-09-01；只知道年月的可写 2015-09。"
    if column.key in choices:
        strict = choices[column.key][1]
        return "从下拉列表中选择；可不填。" if strict else "可从下拉列表中选择，也可填写列表以外的内容；可不填。"
    return "可不填。"


def write_member_template(path: str | Path) -> Path:
    """Write the blank import template to ``path`` (an .xlsx file) and return the path."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    width = len(TEMPLATE_COLUMNS)
    last_row = HEADER_ROW + FORMATTED_ROWS

    write_title_rows(ws, TEMPLATE_TITLE, INSTRUCTION, width, note_height=30)
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[HEADER_ROW].height = 30

    choices = _choice_lists()
    for index, column in enumerate(TEMPLATE_COLUMNS, 1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        cell = ws.cell(HEADER_ROW, index, column.label)
        style_header(cell)
        number_format = {"id": TEXT_FORMAT, "date": DATE_FORMAT}.get(column.kind)
        if number_format:
            ws.column_dimensions[letter].number_format = number_format
            format_rows(ws, index, FIRST_ROW, last_row, number_format)
        if column.key in choices:
            values, strict = choices[column.key]
            add_list_validation(ws, f"{letter}{FIRST_ROW}:{letter}{last_row}", values, title=column.label,
                                error_style="stop" if strict else "warning",
                                error=None if strict else f"{column.label}通常为：{'、'.join(values)}。"
                                                          "确需填写其他内容的，请选“是”。")
    ws.freeze_panes = f"B{FIRST_ROW}"

    _write_notes(wb.create_sheet(NOTES_SHEET), choices)
    save_workbook(wb, path)
    return path


def _write_notes(ws, choices) -> None:
    ws.append([f"{TEMPLATE_TITLE}：填写说明"])
    style_title(ws["A1"])
    ws.merge_cells("A1:C1")
    ws.append([f"1. 在“{DATA_SHEET}”工作表中从第{FIRST_ROW}行起每行填写一名会员；不要改动、删除或合并表头。"])
    ws.append(["2. 本说明页不会被导入。"])
    ws.append([])
    ws.append(["列名", "填写要求", "可选值"])
    for cell in ws[ws.max_row]:
        style_header(cell)
    for column in TEMPLATE_COLUMNS:
        values = "、".join(choices[column.key][0]) if column.key in choices else ""
        ws.append([column.label, _note_for(column, choices), values])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 50
