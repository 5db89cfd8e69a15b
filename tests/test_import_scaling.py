"""Importing at scale: the roster import reads the database a fixed number of times, whatever the number
of rows (no query per row), and the fast paths of the spreadsheet reader read what openpyxl reads.

No timings here: speed is measured by ``bench/run.py --only import``."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import openpyxl
import pytest
from openpyxl.cell.text import Text

from tests.conftest import TODAY
from gonghui_desk.db import open_database
from gonghui_desk.db.connection import transaction
from gonghui_desk.idcard import check_char
from gonghui_desk.importing.member_import import commit_import, open_source, plan_import
from gonghui_desk.importing.spreadsheet import _inline_text, read_table
from gonghui_desk.members import MemberStore
from gonghui_desk.union import ensure_sub_unit_path

HEADER = ["序号", "姓名", "身份证号", "手机号", "部门", "工会小组", "入会日期", "状态"]
PATHS = [("一车间", "甲班"), ("二车间", None), ("三车间", "乙班"), ("新车间", None), ("一车间", "新班")]
SURNAMES = "赵钱孙李周吴郑王冯陈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"


def id_number(area: str, n: int) -> str:
    first17 = f"{area}{1960 + n % 40}{n % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    return first17 + check_char(first17)


def name_of(n: int) -> str:
    return SURNAMES[n % 10] + GIVEN[n // 10 % 20] + GIVEN[n // 200 % 20]


def fill(database):
    """1,000 members in three sub-units."""
    units = [ensure_sub_unit_path(database, "一车间/甲班", kind="工会小组"), ensure_sub_unit_path(database, "二车间"),
             ensure_sub_unit_path(database, "三车间/乙班", kind="工会小组")]
    store = MemberStore(database)
    with transaction(database):
        for n in range(1000):
            store.insert_clean({"name": name_of(n), "id_number": id_number("110101", n), "phone": "",
                                "sub_unit_id": units[n % 3], "join_date": "2010-07-01"})
    return database


def write_roster(path, rows: int):
    """Half the rows update existing members (a new phone, every tenth also retired), half are new,
    every fifth has no ID number; the sub-units cycle through existing and new ones."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["会员花名册"])
    sheet.append(HEADER)
    for n in range(rows):
        existing = n % 2 == 0
        unit, group = PATHS[n % len(PATHS)]
        number = id_number("110101", n) if existing else (None if n % 5 == 1 else id_number("110102", n))
        sheet.append([n + 1, name_of(n) if existing else name_of(n + 500), number, f"139{n:08d}", unit, group,
                      "2010-07-01", "退休" if existing and n % 10 == 0 else "在册"])
    workbook.save(path)
    return path


def statements(db, action) -> tuple[object, list[str]]:
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        return action(), seen
    finally:
        db.conn.set_trace_callback(None)


def reads(seen: list[str]) -> list[str]:
    return [s for s in seen if s.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH", "PRAGMA")]


def writes(seen: list[str]) -> list[str]:
    return [s for s in seen if s.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE")]


def test_planning_reads_the_database_the_same_number_of_times_for_50_and_200_rows(db, tmp_path):
    fill(db)
    counts = {}
    for rows in (50, 200):
        source = open_source(write_roster(tmp_path / f"名册{rows}.xlsx", rows))
        plan, seen = statements(db, lambda: plan_import(db, source, today=TODAY))
        assert plan.counts()["update"] == rows // 2 and plan.counts()["new"] == rows // 2
        assert not writes(seen)
        counts[rows] = len(seen)
    assert counts[50] == counts[200]


def test_committing_reads_the_database_the_same_number_of_times_for_50_and_200_rows(tmp_path):
    counts = {}
    for rows in (50, 200):
        database = fill(open_database(tmp_path / f"库{rows}.sqlite3"))
        try:
            plan = plan_import(database, open_source(write_roster(tmp_path / f"名册{rows}.xlsx", rows)), today=TODAY)
            result, seen = statements(database, lambda: commit_import(database, plan))
            assert (result.created, result.updated, result.sub_units_created) == (rows // 2, rows // 2, 2)
            counts[rows] = len(reads(seen))  # the writes are one or two statements per written row
        finally:
            database.conn.close()
    assert counts[50] == counts[200]


# --- the spreadsheet reader's fast paths ----------------------------------------------------------------------
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.mark.parametrize("inner", [
    "<t>张三</t>",
    "<t xml:space='preserve'>  前后有空格  </t>",
    "<t/>",
    "",
    "<r><rPr><b/><sz val='11'/></rPr><t>一</t></r><r><t>车间</t></r>",
    "<t>甲</t><r><t>乙</t></r><rPh sb='0' eb='1'><t>ふりがな</t></rPh><phoneticPr fontId='1'/>",
    "<t>第一</t><t>第二</t>",
    "<r><t>a</t><t>b</t></r><r><rPr><i/></rPr></r>",
])
def test_inline_strings_read_as_openpyxl_reads_them(inner):
    element = ET.fromstring(f"<is xmlns='{MAIN}' xmlns:xml='http://www.w3.org/XML/1998/namespace'>{inner}</is>")
    assert _inline_text(element) == Text.from_tree(element).content


def test_a_sheet_without_dimension_and_inline_strings_reads_like_openpyxl(tmp_path):
    """openpyxl's write-only files (and the app's exports) have no <dimension> and inline strings."""
    path = tmp_path / "导出.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("名册")
    sheet.append(["姓名", "身份证号", "入会日期", "人数"])
    sheet.append(["张三", "110101198503070013", TODAY, 3])
    sheet.append([])
    sheet.append(["  李 四 ", None, None, 2.5])
    workbook.save(path)
    table = read_table(path)
    assert table.sheet_name == "名册"
    assert table.rows == [["姓名", "身份证号", "入会日期", "人数"], ["张三", "110101198503070013",
                          openpyxl.load_workbook(path).active["C2"].value, 3], [None] * 4,
                          ["  李 四 ", None, None, 2.5]]


@pytest.mark.parametrize("name", ["张三", "重庆", "长江", "银行行长", "单雄信", "曾国藩", "欧阳娜娜", "Mary Smith", "李2号",
                                  "阿卜杜·热合曼", "和和气气", "乐乐"])
def test_search_keys_read_names_as_pypinyin_does(name):
    """The remembered conversions give pypinyin's own readings, phrases (重庆, 银行) included."""
    from pypinyin import lazy_pinyin

    from gonghui_desk.pinyin_keys import _readings

    expected = [(p,) for p in lazy_pinyin(name, errors=lambda chars: list(chars.lower()))]
    got = list(_readings(name))
    assert got[1:] == expected[1:] and (got[0] == expected[0] or len(got[0]) == 2)  # surnames get both readings
