"""The blank member import template."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from gonghui_desk.errors import UserError
from gonghui_desk.exporting.templates import write_member_template
from gonghui_desk.importing.headers import MEMBER_SYNONYMS, auto_map
from gonghui_desk.importing.member_import import open_source, plan_import
from gonghui_desk.members import ROSTER_COLUMNS
from tests.conftest import TODAY

HEADER_ROW = 3
EXPECTED_KEYS = [key for key, _label in ROSTER_COLUMNS if key != "status_date"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = write_member_template(tmp_path_factory.mktemp("template") / "模板.xlsx")
    return path, load_workbook(path)


def _column_of(ws, label: str) -> str:
    return next(c.column_letter for c in ws[HEADER_ROW] if c.value == label)


def test_title_instruction_and_headers(template):
    path, wb = template
    assert path.name == "模板.xlsx"
    assert wb.sheetnames == ["会员信息", "填写说明"]
    ws = wb["会员信息"]
    assert ws["A1"].value == "会员信息导入模板"
    assert "第4行" in ws["A2"].value
    labels = [c.value for c in ws[HEADER_ROW]]
    assert labels == [label for key, label in ROSTER_COLUMNS if key != "status_date"]
    assert "状态" in labels and "状态日期" not in labels
    assert ws.freeze_panes == "B4"


def test_headers_map_back_to_the_member_fields(template):
    _path, wb = template
    labels = [c.value for c in wb["会员信息"][HEADER_ROW]]
    assert list(auto_map(labels, MEMBER_SYNONYMS).values()) == EXPECTED_KEYS


def test_no_example_row_is_imported(template, db):
    path, _wb = template
    source = open_source(path)
    assert source.table.sheet_name == "会员信息"
    assert source.header_row_number == HEADER_ROW
    assert plan_import(db, source, today=TODAY).rows == []


def test_text_and_date_formats(template):
    _path, wb = template
    ws = wb["会员信息"]
    for label in ("身份证号", "手机号", "会员证号"):
        column = _column_of(ws, label)
        assert ws[f"{column}4"].number_format == "@"
        assert ws[f"{column}2003"].number_format == "@"
        assert ws.column_dimensions[column].number_format == "@"
    for label in ("出生日期", "入会日期", "参加工作日期"):
        assert ws[f"{_column_of(ws, label)}4"].number_format == "yyyy-mm-dd"
    assert ws[f"{_column_of(ws, '姓名')}4"].number_format == "General"


@pytest.mark.parametrize("label, values, style", [
    ("性别", "男,女", "stop"),
    ("政治面貌", "中共党员,中共预备党员,共青团员,民主党派,群众", "stop"),
    ("学历", "博士研究生,硕士研究生,大学本科,大学专科,中专,高中,初中及以下", "warning"),
    ("用工形式", "在编,合同制,劳务派遣,农民工,临时聘用,其他", "warning"),
    ("户籍类型", "农业,非农业", "stop"),
    ("是否农民工", "是,否", "stop"),
    ("婚姻状况", "未婚,已婚,离异,丧偶", "stop"),
    ("劳模类型", "全国劳模,省部级劳模,市级劳模,县区级劳模", "warning"),
    ("女职工原退休年龄", "55,50", "stop"),
    ("状态", "在册,退休,转出,退会,去世", "stop"),
])
def test_dropdowns(template, label, values, style):
    _path, wb = template
    ws = wb["会员信息"]
    column = _column_of(ws, label)
    [validation] = [v for v in ws.data_validations.dataValidation if str(v.sqref) == f"{column}4:{column}2003"]
    assert validation.type == "list"
    assert validation.formula1 == f'"{values}"'
    assert validation.errorStyle == style


def test_instructions_sheet_covers_every_column(template):
    _path, wb = template
    notes = wb["填写说明"]
    rows = list(notes.iter_rows(values_only=True))
    header = rows.index(("列名", "填写要求", "可选值"))
    described = {row[0]: row for row in rows[header + 1:]}
    assert list(described) == [label for key, label in ROSTER_COLUMNS if key != "status_date"]
    assert "文本" in described["身份证号"][1]
    assert described["姓名"][1].startswith("必填")
    assert described["性别"][2] == "男、女"


def test_missing_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="文件夹不存在"):
        write_member_template(tmp_path / "nope" / "模板.xlsx")
