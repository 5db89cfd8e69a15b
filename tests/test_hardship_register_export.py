"""The register of hardship files as an .xlsx and as a printed table (困难职工档案名册): rows and their
order, masking, the totals block, the cells read back, and reading tens of thousands of files a
chunk at a time."""

from __future__ import annotations

import datetime as dt
import types

import openpyxl
import pytest

from gonghui_desk.errors import Cancelled
from gonghui_desk.exporting.hardship_register import (REGISTER_COLUMNS, REGISTER_PRINT_COLUMNS, REGISTER_TITLE,
                                                      describe_file_filter, export_hardship_register,
                                                      register_records, register_subtitle, register_totals_lines)
from gonghui_desk.hardship.files import FamilyMemberInput, HardshipFileStore
from gonghui_desk.hardship.register import FileFilter, file_rows, iter_file_rows, register_totals
from gonghui_desk.printing import hardship_register_print_table, to_html
from gonghui_desk.union import ensure_sub_unit_path
from tests.conftest import TODAY, VALID_IDS
from tests.test_care_visits import add_member
from tests.test_hardship_files import CHILD_ID, file_input

FORMULA_NOTE = '=HYPERLINK("http://example.com","点我")'
ALL = FileFilter()


@pytest.fixture
def reg(profiled_db, store):
    """Four households: 王五 (脱困, 县级), 张三 (在档, 特困, overdue, single parent, a formula in the
    notes), 李四 (在档, reviewed), 孙八 (申请中); 钱七 has no file."""
    db = profiled_db
    workshop = ensure_sub_unit_path(db, "一车间")
    office = ensure_sub_unit_path(db, "行政部")
    files = HardshipFileStore(db, today=TODAY)
    ids = {
        "张三": add_member(store, "张三", sub_unit_id=workshop, id_number=VALID_IDS["man_1985"], phone="13812345678"),
        "李四": add_member(store, "李四", sub_unit_id=workshop, id_number=VALID_IDS["woman_1990"],
                           phone="057188886666"),
        "王五": add_member(store, "王五", sub_unit_id=office, sex="男"),
        "孙八": add_member(store, "孙八", sub_unit_id=office),
        "钱七": add_member(store, "钱七", sub_unit_id=office),
    }
    f = {
        "张三": files.open_file(file_input(ids["张三"], opened_on="2024-03-01", category="特困", single_parent=True,
                                           housing_type="租住私房", health="患大病", notes=FORMULA_NOTE),
                                [FamilyMemberInput("张小明", "子女", CHILD_ID, monthly_income_fen=10000)]),
        "李四": files.open_file(file_input(ids["李四"], opened_on="2026-02-01", main_cause="因学", secondary_cause="",
                                           household_size=3, monthly_income_fen=150000, other_annual_income_fen=0,
                                           zero_employment=True)),
        "王五": files.open_file(file_input(ids["王五"], opened_on="2023-06-01", level="县级")),
        "孙八": files.open_file(file_input(ids["孙八"], opened_on="2026-11-20"), status="申请中"),
    }
    files.add_review(f["李四"], "2026-11-01", "继续帮扶")
    files.close_file(f["王五"], "脱困", "2026-01-15", "再就业")
    return {"db": db, "ids": ids, "files": f, "units": {"一车间": workshop, "行政部": office}}


def _records(db, f=ALL, **options) -> list[dict]:
    return list(register_records(db, f, today=TODAY, **options))


def test_rows_in_order_with_numbers_masked_by_default(reg):
    db = reg["db"]
    rows = _records(db)
    assert [r["member_name"] for r in rows] == ["王五", "张三", "李四", "孙八"]  # oldest file first
    assert [r["seq"] for r in rows] == [1, 2, 3, 4]
    wang, zhang, li, sun = rows
    assert zhang["id_number"] == "110101********0013" and zhang["phone"] == "138****5678"
    assert li["id_number"] == "110101********1229" and li["phone"] == "057*****6666"
    assert wang["id_number"] == "" and wang["phone"] == ""
    assert (zhang["member_sex"], li["member_sex"], wang["member_sex"]) == ("男", "女", "男")
    # the derived fields, as the register page shows them
    assert (zhang["sub_unit_path"], zhang["household_size"], zhang["status"]) == ("一车间", 2, "在档")
    # 2,500元×12 + 3,600元 + 100元×12 = 34,800元 a year; ÷ 12 ÷ 2 = 1,450元 a month each
    assert zhang["household_annual_income_fen"] == 3480000 and zhang["monthly_income_per_person_fen"] == 145000
    assert (zhang["last_review_date"], zhang["next_review_due"], zhang["review_overdue"]) == (None, "2025-03-01", True)
    assert (li["last_review_date"], li["next_review_due"], li["review_overdue"]) == ("2026-11-01", "2027-11-01", False)
    assert (wang["status"], wang["closed_on"], wang["next_review_due"], wang["level"]) == (
        "脱困", "2026-01-15", None, "县级")
    assert (zhang["single_parent_text"], zhang["zero_employment_text"]) == ("是", "否")
    assert (li["single_parent_text"], li["zero_employment_text"]) == ("否", "是")
    assert zhang["notes"] == FORMULA_NOTE and zhang["health"] == "患大病" and zhang["housing_type"] == "租住私房"
    assert sun["status"] == "申请中"
    # every column of the register has its value in the row
    assert all(c.key in zhang for c in REGISTER_COLUMNS)


def test_numbers_in_full_when_asked(reg):
    zhang = _records(reg["db"], mask_personal=False)[1]
    assert zhang["id_number"] == VALID_IDS["man_1985"] and zhang["phone"] == "13812345678"


def test_filters_and_order_are_the_register_pages(reg):
    db, f = reg["db"], reg["files"]
    on_file = FileFilter(status=("在档",))
    assert [r["id"] for r in _records(db, on_file)] == [f["张三"], f["李四"]]
    assert [r["id"] for r in _records(db, on_file, order="opened_on", descending=True)] == [f["李四"], f["张三"]]
    assert [r["seq"] for r in _records(db, on_file, order="opened_on", descending=True)] == [1, 2]
    assert [r["member_name"] for r in _records(db, FileFilter(sub_unit_ids=(reg["units"]["行政部"],)))] == [
        "王五", "孙八"]
    assert [r["member_name"] for r in _records(db, FileFilter(review_due=True))] == ["张三"]
    # the rows agree with what the register page fetches
    shown = file_rows(db, list(f.values()), today=TODAY)
    for row in _records(db):
        assert {k: v for k, v in row.items() if k in shown[row["id"]]} == shown[row["id"]]


def test_records_are_streamed_a_chunk_at_a_time(reg):
    db = reg["db"]
    assert isinstance(register_records(db, ALL, today=TODAY), types.GeneratorType)
    # read one row at a time, the rows are the same
    assert [r["id"] for r in iter_file_rows(db, ALL, today=TODAY, batch=1)] == [r["id"] for r in _records(db)]


def test_tens_of_thousands_of_files(profiled_db, store):
    db = profiled_db
    member = add_member(store, "张三")
    count = 20_000
    with db.conn:
        db.conn.executemany(
            "INSERT INTO hardship_files (member_id, status, category, main_cause, opened_on, household_size) "
            "VALUES (?, '在档', ?, '因病', ?, ?)",
            [(member, "特困" if i % 4 == 0 else "困难", (dt.date(2020, 1, 1) + dt.timedelta(days=i % 2000)).isoformat(),
              1 + i % 5) for i in range(count)])
    seen = 0
    last = ""
    for row in register_records(db, ALL, today=TODAY):
        seen += 1
        assert row["seq"] == seen and row["opened_on"] >= last
        last = row["opened_on"]
    assert seen == count
    totals = register_totals(db, ALL, today=TODAY)
    assert (totals.households, totals.persons) == (count, sum(1 + i % 5 for i in range(count)))
    assert totals.by_category == {"特困": (5000, 15000), "困难": (15000, 45000)}


def test_totals(reg):
    db = reg["db"]
    totals = register_totals(db, ALL, today=TODAY)
    assert (totals.households, totals.persons, totals.review_overdue) == (4, 2 + 3 + 1 + 1, 1)
    assert list(totals.by_category.items()) == [("特困", (1, 2)), ("困难", (3, 5))]  # value-list order
    assert list(totals.by_cause.items()) == [("因病", (3, 4)), ("因学", (1, 3))]
    on_file = register_totals(db, FileFilter(status=("在档",)), today=TODAY)
    assert (on_file.households, on_file.persons, on_file.review_overdue) == (2, 5, 1)
    assert register_totals(db, ALL, today=dt.date(2024, 6, 1)).review_overdue == 0
    assert register_totals(db, FileFilter(status=()), today=TODAY).households == 0
    assert register_totals_lines(totals) == [
        "合计：共 4 户 7 人（人数为家庭人口之和）",
        "按困难类别：特困 1 户 2 人；困难 3 户 5 人",
        "按主要致困原因：因病 3 户 4 人；因学 1 户 3 人",
        "年度复核逾期：1 户",
    ]


def test_the_subtitle_states_the_filter(reg):
    db, units = reg["db"], reg["units"]
    assert describe_file_filter(db, ALL) == "范围：档案状态：全部"
    f = FileFilter(status=("在档",), category="特困", main_cause="因病", level="县级",
                   sub_unit_ids=(units["一车间"],), search="zs", review_due=True)
    assert describe_file_filter(db, f) == ("范围：档案状态：在档；困难类别：特困；主要致困原因：因病；建档标准：县级；"
                                           "部门：一车间；户主：zs；年度复核已逾期或30天内到期")
    assert register_subtitle(db, ALL).endswith("（身份证号、联系电话已隐去中间部分）")
    assert register_subtitle(db, ALL, mask_personal=False) == "范围：档案状态：全部"


def _sheet(path):
    return openpyxl.load_workbook(path).active


def test_the_xlsx_reads_back(reg, tmp_path):
    db = reg["db"]
    path = tmp_path / "名册.xlsx"
    assert export_hardship_register(db, path, ALL, prepared_by="刘干事", today=TODAY) == 4
    ws = _sheet(path)
    assert ws["A1"].value == REGISTER_TITLE and ws["A2"].value.startswith("范围：档案状态：全部")
    assert ws["A3"].value == "工会名称：测试中学工会委员会"
    header = [c.value for c in ws[4]]
    assert header == [c.label for c in REGISTER_COLUMNS]
    column = {label: index for index, label in enumerate(header)}
    data = [list(row) for row in ws.iter_rows(min_row=5, max_row=8)]
    assert [r[0].value for r in data] == [1, 2, 3, 4]
    assert [r[column["户主"]].value for r in data] == ["王五", "张三", "李四", "孙八"]
    zhang = data[1]
    for label, text in (("身份证号", "110101********0013"), ("联系电话", "138****5678")):
        cell = zhang[column[label]]
        assert cell.value == text and cell.data_type == "s" and cell.number_format == "@"
    assert zhang[column["家庭年总收入(元)"]].value == 34800 and zhang[column["家庭月人均收入(元)"]].value == 1450
    assert zhang[column["家庭人口"]].value == 2
    assert zhang[column["建档日期"]].value == dt.datetime(2024, 3, 1)
    assert zhang[column["下次复核"]].value == dt.datetime(2025, 3, 1)
    assert zhang[column["是否单亲"]].value == "是"
    notes = zhang[column["备注"]]
    assert notes.value == FORMULA_NOTE and notes.data_type == "s" and notes.quotePrefix  # never a formula
    assert data[0][column["脱困/注销日期"]].value == dt.datetime(2026, 1, 15)
    assert data[0][column["身份证号"]].value is None  # no number: an empty text cell
    after = [ws.cell(row, 1).value for row in range(9, ws.max_row + 1)]
    assert [t for t in after if t] == [*register_totals_lines(register_totals(db, ALL, today=TODAY)),
                                       "制表人：刘干事  审核人：____  日期：____"]
    # printed as the other exports: A4 landscape, one page wide, the header repeated
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$4:$4" and ws.freeze_panes == "C5"


def test_the_xlsx_in_full_and_filtered(reg, tmp_path):
    db = reg["db"]
    path = tmp_path / "在档.xlsx"
    assert export_hardship_register(db, path, FileFilter(status=("在档",)), mask_personal=False, today=TODAY) == 2
    ws = _sheet(path)
    assert ws["A2"].value == "范围：档案状态：在档"
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_row=6)]
    assert values[0][3] == VALID_IDS["man_1985"] and values[0][16] == "13812345678"
    assert values[1][3] == VALID_IDS["woman_1990"]
    assert ws.cell(8, 1).value == "合计：共 2 户 5 人（人数为家庭人口之和）"


def test_a_cancelled_export_leaves_no_file(reg, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(Cancelled):
        export_hardship_register(reg["db"], folder / "名册.xlsx", ALL, today=TODAY, is_cancelled=lambda: True)
    assert list(folder.iterdir()) == []


def test_the_print_table(reg):
    db = reg["db"]
    table = hardship_register_print_table(db, ALL, prepared_by="刘干事", today=TODAY)
    assert table.title == REGISTER_TITLE and table.landscape
    assert table.union_name == "测试中学工会委员会" and table.date_text == "制表日期：2026-11-22"
    assert [c.label for c in table.columns] == [c.label for c in REGISTER_PRINT_COLUMNS]
    labels = [c.label for c in table.columns]
    assert labels[:5] == ["序号", "户主", "性别", "身份证号", "部门"] and "备注" not in labels
    assert len(table.rows) == 4
    row = dict(zip(labels, table.rows[1]))
    assert (row["序号"], row["户主"], row["身份证号"], row["联系电话"]) == ("2", "张三", "110101********0013",
                                                                             "138****5678")
    assert (row["家庭月人均收入(元)"], row["建档日期"], row["下次复核"], row["档案状态"]) == (
        "1,450.00", "2024-03-01", "2025-03-01", "在档")
    assert table.subtitle_lines == [register_subtitle(db, ALL)]
    assert table.total_lines == register_totals_lines(register_totals(db, ALL, today=TODAY))
    assert "刘干事" in table.footer_line
    assert "110101********0013" in to_html(table)
    full = hardship_register_print_table(db, FileFilter(status=("在档",)), mask_personal=False, today=TODAY,
                                         order="opened_on", descending=True)
    assert [r[1] for r in full.rows] == ["李四", "张三"] and full.rows[1][3] == VALID_IDS["man_1985"]


def test_a_cancelled_print_table_stops(reg):
    with pytest.raises(Cancelled):
        hardship_register_print_table(reg["db"], ALL, today=TODAY, is_cancelled=lambda: True)
