"""The roster export and the shared table writer, checked by reading the saved .xlsx back."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gonghui_desk.db.member_queries import MemberFilter
from gonghui_desk.demo import generate_demo
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.exporting.member_roster import export_roster
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.importing.member_import import open_source, plan_import
from gonghui_desk.members import ROSTER_COLUMNS
from gonghui_desk.union import add_sub_unit
from tests.conftest import TODAY, VALID_IDS

HEADER_ROW = 4  # title, 范围 subtitle, union/date line, header
FIRST_DATA_ROW = HEADER_ROW + 1
LABELS = ["序号"] + [label for _key, label in ROSTER_COLUMNS]
COLUMN = {label: index for index, label in enumerate(LABELS, 1)}
LAST_LETTER = get_column_letter(len(LABELS))


@pytest.fixture
def roster_db(profiled_db, store):
    workshop = add_sub_unit(profiled_db, "一车间", kind="分工会")
    shift = add_sub_unit(profiled_db, "甲班", kind="工会小组", parent_id=workshop)
    office = add_sub_unit(profiled_db, "办公室", kind="部门")
    store.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "phone": "13800138000",
                  "sub_unit_id": shift, "join_date": "2010-05-01", "employment_type": "合同制"}, today=TODAY)
    store.create({"name": "李四", "id_number": VALID_IDS["woman_1990"], "phone": "13900139000",
                  "sub_unit_id": office, "is_migrant_worker": "是", "female_retirement_age": 55,
                  "notes": "=1+1", "position": "-2+3"}, today=TODAY)
    retiree = store.create({"name": "王五", "id_number": VALID_IDS["man_1965"], "sub_unit_id": workshop,
                            "join_date": "1990-03-01"}, today=TODAY)
    store.change_status(retiree, "退休", "2025-04-15", "达到法定退休年龄")
    return profiled_db


def _export(db, tmp_path, member_filter=None, **options):
    options.setdefault("mask_personal", False)  # the full numbers (asked for); masked is the default
    path = tmp_path / "花名册.xlsx"
    count = export_roster(db, path, member_filter, today=TODAY, **options)
    return count, load_workbook(path).active


def _data_rows(ws):
    rows = {}
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW):
        if isinstance(row[0].value, int):
            rows[row[COLUMN["姓名"] - 1].value] = row
    return rows


def test_layout_title_union_header_and_footer_lines(roster_db, tmp_path):
    count, ws = _export(roster_db, tmp_path, prepared_by="赵六")
    assert count == 3
    assert ws["A1"].value == "会员花名册"
    assert ws["A1"].font.b and ws["A1"].font.sz >= 14
    assert f"A1:{LAST_LETTER}1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "范围：状态：全部"
    assert ws["A3"].value == "工会名称：测试中学工会委员会"
    assert ws.cell(3, len(LABELS)).value == "制表日期：2026-11-22"
    assert [c.value for c in ws[HEADER_ROW]] == LABELS
    assert all(c.font.b and c.border.bottom.style == "thin" for c in ws[HEADER_ROW])
    last_lines = [row[0].value for row in ws.iter_rows(min_row=FIRST_DATA_ROW + count) if row[0].value]
    assert last_lines == ["合计：共 3 人", "制表人：赵六  审核人：____  日期：____"]


def test_known_member_cells_are_typed(roster_db, tmp_path):
    _count, ws = _export(roster_db, tmp_path)
    row = _data_rows(ws)["张三"]
    cell = {label: row[index - 1] for label, index in COLUMN.items()}
    assert cell["身份证号"].value == VALID_IDS["man_1985"]
    assert cell["身份证号"].data_type == "s" and cell["身份证号"].number_format == "@"
    assert cell["手机号"].value == "13800138000" and cell["手机号"].number_format == "@"
    assert cell["出生日期"].is_date and cell["出生日期"].value.date() == dt.date(1985, 3, 7)
    assert cell["出生日期"].number_format == "yyyy-mm-dd"
    assert cell["入会日期"].value.date() == dt.date(2010, 5, 1)
    assert (cell["部门"].value, cell["工会小组"].value) == ("一车间", "甲班")
    assert cell["性别"].value == "男" and cell["是否农民工"].value == "否"
    assert cell["女职工原退休年龄"].value is None and cell["状态"].value == "在册"

    woman = {label: _data_rows(ws)["李四"][index - 1] for label, index in COLUMN.items()}
    assert (woman["部门"].value, woman["工会小组"].value) == ("办公室", None)
    assert woman["是否农民工"].value == "是" and woman["女职工原退休年龄"].value == 55
    retiree = {label: _data_rows(ws)["王五"][index - 1] for label, index in COLUMN.items()}
    assert (retiree["部门"].value, retiree["工会小组"].value) == ("一车间", None)
    assert retiree["状态"].value == "退休" and retiree["状态日期"].value.date() == dt.date(2025, 4, 15)


def test_formula_like_text_is_stored_as_text(roster_db, tmp_path):
    _count, ws = _export(roster_db, tmp_path)
    row = _data_rows(ws)["李四"]
    for label, text in (("备注", "=1+1"), ("职务/岗位", "-2+3")):
        cell = row[COLUMN[label] - 1]
        assert cell.value == text
        assert cell.data_type == "s"  # a formula would be "f"
        assert cell.quotePrefix


def test_sheet_setup_for_screen_and_print(roster_db, tmp_path):
    count, ws = _export(roster_db, tmp_path)
    assert ws.freeze_panes == f"C{FIRST_DATA_ROW}"  # below the header, right of 序号 and 姓名
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:{LAST_LETTER}{HEADER_ROW + count}"
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    grid = [str(cf.sqref) for cf in ws.conditional_formatting]
    assert grid == [f"A{FIRST_DATA_ROW}:{LAST_LETTER}{HEADER_ROW + count}"]


def test_filter_applies(roster_db, tmp_path):
    count, ws = _export(roster_db, tmp_path, MemberFilter(status="退休"))
    assert count == 1
    assert list(_data_rows(ws)) == ["王五"]
    assert ws["A2"].value == "范围：状态：退休"


def test_masked_output(roster_db, tmp_path):
    export_roster(roster_db, tmp_path / "默认.xlsx", today=TODAY)  # masked unless the full numbers are asked for
    assert load_workbook(tmp_path / "默认.xlsx").active["A2"].value == "范围：状态：全部（身份证号、手机号已部分隐去）"
    _count, ws = _export(roster_db, tmp_path, mask_personal=True)
    row = _data_rows(ws)["张三"]
    assert row[COLUMN["身份证号"] - 1].value == "110101********0013"
    assert row[COLUMN["手机号"] - 1].value == "138****8000"
    assert "已部分隐去" in ws["A2"].value


def test_cancel_leaves_no_file_and_keeps_the_old_one(db, tmp_path):
    generate_demo(db, kind="company", members=2500, today=TODAY)
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "roster.xlsx"
    reports = []

    def cancel_after_first_report():
        return bool(reports)

    with pytest.raises(Cancelled):
        export_roster(db, path, progress=lambda *args: reports.append(args), is_cancelled=cancel_after_first_report)
    assert reports[0] == (1000, 2500, "已写入 1000 行")
    assert list(folder.iterdir()) == []

    path.write_bytes(b"previous export")
    with pytest.raises(Cancelled):
        export_roster(db, path, is_cancelled=lambda: True)
    assert path.read_bytes() == b"previous export"
    assert [p.name for p in folder.iterdir()] == ["roster.xlsx"]


def test_exported_roster_imports_again(db, tmp_path):
    generate_demo(db, kind="school", today=TODAY)
    path = tmp_path / "roster.xlsx"
    assert export_roster(db, path, today=TODAY, mask_personal=False) == 120  # with the full numbers
    plan = plan_import(db, open_source(path), today=TODAY)
    assert plan.counts()["unchanged"] == 120
    assert plan.problems() == []


def test_write_table_kinds_and_guards(tmp_path):
    path = tmp_path / "表.xlsx"
    columns = [Column("name", "名称", 10), Column("code", "编号", 12, "id"), Column("day", "日期", 12, "date"),
               Column("count", "人次", 8, "int"), Column("amount", "金额（元）", 12, "money")]
    rows = [{"name": "#N/A", "code": "+8613800138000", "day": dt.date(2026, 1, 2), "count": "7", "amount": 123456},
            {"name": "控制\x07字符", "code": None, "day": "不详", "count": None, "amount": None}]
    assert write_table(path, title="测试", union_name="", columns=columns, rows=rows, landscape=False,
                       today=TODAY) == 2
    ws = load_workbook(path).active
    assert ws["A2"].value is None and ws["E2"].value == "制表日期：2026-11-22"
    first, second = ws[4], ws[5]
    assert first[0].value == "#N/A" and first[0].data_type == "s"
    assert first[1].value == "+8613800138000" and first[1].quotePrefix and first[1].number_format == "@"
    assert first[2].value == dt.datetime(2026, 1, 2) and first[3].value == 7
    assert first[4].value == 1234.56 and first[4].number_format == "#,##0.00"
    assert second[0].value == "控制字符" and second[1].number_format == "@" and second[2].value == "不详"
    assert ws.page_setup.orientation == "portrait" and ws.freeze_panes == "A4"
    assert ws.cell(7, 1).value.startswith("制表人：____")


def test_write_table_refuses_a_missing_folder(tmp_path):
    with pytest.raises(UserError, match="文件夹不存在"):
        write_table(tmp_path / "nope" / "表.xlsx", title="测试", union_name="", columns=[Column("a", "甲")], rows=[])


def test_a_failed_save_leaves_no_partial_file(tmp_path):
    (tmp_path / "表.xlsx").mkdir()  # the target name is taken by a folder
    with pytest.raises(UserError, match="无法保存“表.xlsx”"):
        write_table(tmp_path / "表.xlsx", title="测试", union_name="", columns=[Column("a", "甲")], rows=[{"a": 1}])
    assert [p.name for p in tmp_path.iterdir()] == ["表.xlsx"]
