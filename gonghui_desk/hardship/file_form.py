"""The 困难职工档案表: one household's hardship file printed as the paper form.

:func:`file_form` builds a :class:`~gonghui_desk.printing.PrintForm` on A4 portrait: the
household head with the bank account, the hardship and the incomes (computed, in 元) as three
sections of one label/value grid, the family members and the yearly reviews in tables, then 备注
and the boxes the union writes its opinion, stamps and signs in. A household of three or four
fits on one page; eight family members and several reviews take two. ID numbers, the bank account and the phone number are
masked unless the caller asks for the full numbers (DOMAIN.md §7). A voided file is not printed.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlite_utils

from gonghui_desk.dates import age_on, parse_date
from gonghui_desk.errors import UserError
from gonghui_desk.exporting.xlsx import SIGNATURE_BLANK
from gonghui_desk.hardship.files import HardshipFileStore
from gonghui_desk.idcard import mask_account, mask_id_number, mask_phone
from gonghui_desk.money import yuan_text
from gonghui_desk.printing import (FormGrid, FormParagraph, FormTable, PrintColumn, PrintForm, label_cell,
                                   value_cell)
from gonghui_desk.union import load_profile, sub_unit_paths

FORM_TITLE = "困难职工档案表"
PAIR_COLUMNS = 6  # a grid row holds three label/value pairs, or two with wider values
SECTION_WEIGHT = 0.36  # the column of the sections' names, two characters wide (a pair column weighs 1)
OPINION_BOX_MM = 30  # room to write the union's opinion, then stamp and date it
SIGN_ROW_MM = 10  # a row to sign a name in
DATE_BLANK = "年　　月　　日"
TABLE_FONT_PT = 9.5  # the family table: eight columns, an 18-digit ID number on one line
# widths in layout pixels of the 680 that a portrait page has
FAMILY_COLUMNS = [PrintColumn("姓名", 64, "center"), PrintColumn("与户主\n关系", 60, "center"),
                  PrintColumn("身份证号", 158, "center"), PrintColumn("出生日期", 86, "center"),
                  PrintColumn("健康状况", 62, "center"), PrintColumn("月收入(元)", 76, "right"),
                  PrintColumn("身份", 50, "center"), PrintColumn("单位或学校", 124)]
REVIEW_COLUMNS = [PrintColumn("复核日期", 1.4, "center"), PrintColumn("复核结果", 1.4, "center"),
                  PrintColumn("复核人", 1.2, "center"), PrintColumn("说明", 5)]
MASK_NOTE = "注：为保护个人信息，身份证号、银行卡号和联系电话只显示部分数字。"


def file_form(db: sqlite_utils.Database, file_id: int, *, show_full_numbers: bool = False, prepared_by: str = "",
              today: dt.date | None = None) -> PrintForm:
    """The 困难职工档案表 of file ``file_id``; raises UserError for a missing or voided file."""
    today = today or dt.date.today()
    file = HardshipFileStore(db, today=today).get(file_id)
    if file is None:
        raise UserError(f"困难职工档案 {file_id} 不存在。")
    if file["voided_at"]:
        raise UserError("该困难职工档案已作废，不能打印档案表。")
    member = next(db.query("SELECT sex, birth_date, political_status, phone, sub_unit_id, marital_status "
                           "FROM members WHERE id = ?", [file["member_id"]]))
    full = show_full_numbers

    def id_text(number: str | None) -> str:
        return (number or "") if full else mask_id_number(number)

    family = [[p["name"], p["relation"], id_text(p["id_number"]), p["birth_date"] or "", p["health"],
               _yuan(p["monthly_income_fen"]), p["identity"], p["unit_or_school"]] for p in file["family"]]
    blocks = [
        _info_grid(db, file, member, id_text(file["member_id_number"]),
                   member["phone"] if full else mask_phone(member["phone"]),
                   file["bank_account"] if full else mask_account(file["bank_account"]), today),
        FormTable("家庭成员情况（不含户主）", FAMILY_COLUMNS, family, font_size_pt=TABLE_FONT_PT),
    ]
    if file["reviews"]:
        blocks.append(FormTable("年度复核记录", REVIEW_COLUMNS, [
            [r["review_date"], r["result"], r["reviewer"], r["notes"]] for r in file["reviews"]],
            font_size_pt=TABLE_FONT_PT))
    blocks.append(_opinion_grid(file))
    if not full:
        blocks.append(FormParagraph(MASK_NOTE))
    status = f"档案状态：{file['status']}"
    if file["closed_on"]:
        status += f"（{file['closed_on']}）"
    subtitle = f"档案编号：{file['id']}　　建档日期：{file['opened_on']}　　{status}"
    if file["previous_file_id"]:
        subtitle += f"　　上一期档案编号：{file['previous_file_id']}"
    return PrintForm(title=FORM_TITLE, union_name=load_profile(db).name,
                     date_text=f"制表日期：{today.isoformat()}", subtitle_lines=[subtitle], blocks=blocks,
                     footer_line=f"制表人：{prepared_by.strip() or SIGNATURE_BLANK}")


def _yuan(fen: int | None, unit: str = "") -> str:
    """12345 -> "123.45", 120000 -> "1,200.00" (money on paper has two decimals), then ``unit``."""
    fen = fen or 0
    return yuan_text(fen) + ("" if fen % 100 else ".00") + unit


def _yes_no(flag) -> str:
    return "是" if flag else "否"


def _pairs(*pairs: tuple[str, str], spans: tuple[int, ...] = ()) -> list:
    """One grid row of label/value pairs; each label takes one column and each value
    ``spans[n]`` (one unless given)."""
    cells = []
    for number, (label, value) in enumerate(pairs):
        cells += [label_cell(label), value_cell(value, spans[number] if spans else 1)]
    return cells


def _section(name: str, rows: list[list]) -> list[list]:
    """``rows`` with the section's name down the narrow first column beside them."""
    return [[label_cell(name, rowspan=len(rows)), *rows[0]], *rows[1:]]


def _info_grid(db, file: dict, member: dict, id_number: str, phone: str, account: str,
               today: dt.date) -> FormGrid:
    """The household head, the hardship and the incomes: three sections of one grid."""
    birth = member["birth_date"] or ""
    day = parse_date(birth) if birth else None
    if day:
        birth = f"{day.isoformat()}（{age_on(day, today)}岁）"
    unit = sub_unit_paths(db).get(member["sub_unit_id"], "") if member["sub_unit_id"] else ""
    area = file["housing_area"] or ""
    if re.fullmatch(r"\d+(\.\d+)?", area):
        area += " 平方米"
    head = [
        _pairs(("姓名", file["member_name"]), ("性别", member["sex"] or ""), ("政治面貌", member["political_status"])),
        _pairs(("身份证号", id_number), ("出生日期", birth), spans=(2, 2)),
        _pairs(("部门", unit), ("联系电话", phone), spans=(2, 2)),
        _pairs(("婚姻状况", file["marital_status"] or member["marital_status"]), ("健康状况", file["health"]),
               ("残疾类别", file["disability"])),
        _pairs(("是否单亲", _yes_no(file["single_parent"])), ("是否零就业家庭", _yes_no(file["zero_employment"])),
               ("医保状况", file["medical_insurance"])),
        _pairs(("住房类型", file["housing_type"]), ("住房面积", area), spans=(2, 2)),
        _pairs(("开户银行", file["bank_name"]), ("银行卡号", account), spans=(2, 2)),
    ]
    hardship = [_pairs(("困难类别", file["category"]), ("建档标准", file["level"]), spans=(2, 2)),
                _pairs(("主要致困原因", file["main_cause"]), ("次要致困原因", file["secondary_cause"]), spans=(2, 2))]
    if file["closed_on"]:
        kind = file["status"]
        hardship.append(_pairs((f"{kind}日期", file["closed_on"]), (f"{kind}原因", file["close_reason"]),
                               spans=(2, 2)))
    income = [
        _pairs(("本人月收入", _yuan(file["monthly_income_fen"], " 元")),
               ("家庭其他年收入", _yuan(file["other_annual_income_fen"], " 元")),
               ("家庭年总收入", _yuan(file["household_annual_income_fen"], " 元"))),
        _pairs(("家庭人口", f"{file['household_size']} 人"),
               ("家庭月人均收入", _yuan(file["monthly_income_per_person_fen"], " 元")), spans=(2, 2)),
    ]
    rows = [*_section("户主\n基本\n情况", head), *_section("困难\n情况", hardship), *_section("家庭\n收入", income)]
    return FormGrid(rows, [SECTION_WEIGHT] + [1.0] * PAIR_COLUMNS)


def _opinion_grid(file: dict) -> FormGrid:
    """备注 and the boxes to sign in; the labels are as wide as a section's name and label together."""
    return FormGrid([
        [label_cell("备注"), value_cell(file["notes"], 5, min_height_mm=SIGN_ROW_MM)],
        [label_cell("基层工会意见", min_height_mm=OPINION_BOX_MM),
         value_cell(f"（盖章）　　　　{DATE_BLANK}", 5, min_height_mm=OPINION_BOX_MM, align="right",
                    valign="bottom")],
        [label_cell("审核人", min_height_mm=SIGN_ROW_MM), value_cell(file["checked_by"], 2),
         label_cell("审核日期"), value_cell(DATE_BLANK, 2, align="right")],
        [label_cell("建档人", min_height_mm=SIGN_ROW_MM), value_cell(file["opened_by"], 2),
         label_cell("建档日期"), value_cell(file["opened_on"], 2)],
    ], [SECTION_WEIGHT + 1] + [1.0] * (PAIR_COLUMNS - 1))
