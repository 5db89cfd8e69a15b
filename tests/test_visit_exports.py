"""The 慰问台账 and 发放签收表 exports, read back from the saved .xlsx cell by cell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gonghui_desk.care.campaigns import CampaignInput, RecipientCriteria, create_campaign
from gonghui_desk.care.ledger import LedgerFilter
from gonghui_desk.care.occasions import find_occasion
from gonghui_desk.care.visits import VisitInput, VisitStore
from gonghui_desk.errors import Cancelled
from gonghui_desk.exporting.signoff_sheet import export_signoff_sheet
from gonghui_desk.exporting.visit_ledger import export_visit_ledger
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.importing.visit_import import open_source, plan_import
from gonghui_desk.members import MemberStore
from gonghui_desk.union import add_sub_unit
from tests.conftest import TODAY, VALID_IDS

HEADER_ROW = 4  # title, subtitle, union/date line, header
LEDGER_LABELS = ["序号", "姓名", "部门", "慰问类别", "慰问对象", "事由日期", "走访日期", "走访人员", "慰问金(元)", "慰问品",
                 "慰问品价值(元)", "发放形式", "经费来源", "签收", "备注"]
SIGNOFF_LABELS = ["序号", "姓名", "部门", "金额/物品", "签字", "日期"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
GIVEN_NAMES = "伟芳娜敏静丽强磊"


def make_care_data(db, extra_members: int = 0) -> dict:
    """A union with 张三 (一车间) and 李四 (二车间) and three visits; ``extra_members`` more members,
    and a campaign (春节送温暖) for everybody on the roll."""
    one, two = add_sub_unit(db, "一车间"), add_sub_unit(db, "二车间")
    members = MemberStore(db)
    zhang = members.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit_id": one}, today=TODAY)
    li = members.create({"name": "李四", "id_number": VALID_IDS["woman_1990"], "sub_unit_id": two}, today=TODAY)
    for number in range(extra_members):
        name = SURNAMES[number % len(SURNAMES)] + GIVEN_NAMES[number // len(SURNAMES) % len(GIVEN_NAMES)] + "华" * (
            number // (len(SURNAMES) * len(GIVEN_NAMES)))
        members.create({"name": name, "sub_unit_id": (one, two)[number % 2]}, today=TODAY)
    occasions = {name: find_occasion(db, name).id for name in ("生病住院", "结婚", "直系亲属去世", "节日慰问")}
    visits = VisitStore(db, today=TODAY)
    visits.save(VisitInput(zhang, occasions["生病住院"], event_date="2026-03-01", visit_date="2026-03-05",
                           visitors="王主席、李委员", cash_fen=50000, illness="阑尾炎", fund_source="本级工会经费",
                           signed=True, notes="=HYPERLINK(\"x\")"))
    visits.save(VisitInput(zhang, occasions["直系亲属去世"], recipient_relation="父母", recipient_name="张大山",
                           event_date="2026-06-02", visit_date="2026-06-03", cash_fen=100000, goods_desc="花圈",
                           goods_value_fen=20050, fund_source="行政", notes="父亲病故"))
    visits.save(VisitInput(li, occasions["结婚"], event_date="2026-10-01", cash_fen=80000))  # not visited yet
    campaign = create_campaign(db, CampaignInput(
        name="2026年春节送温暖", campaign_date="2026-01-20", occasion_id=occasions["节日慰问"],
        fund_source="本级工会经费", default_cash_fen=50000, default_goods="大米一袋", default_goods_value_fen=10000),
        RecipientCriteria(), today=TODAY)
    return {"zhang": zhang, "li": li, "units": (one, two), "occasions": occasions, "campaign": campaign}


@pytest.fixture
def care(profiled_db):
    return make_care_data(profiled_db)


def values(ws, row: int) -> list:
    return [cell.value for cell in ws[row]]


# --- the ledger ---------------------------------------------------------------------------------------------------
def test_the_ledger_cell_by_cell(profiled_db, care, tmp_path):
    path = tmp_path / "台账.xlsx"

    count = export_visit_ledger(profiled_db, path, LedgerFilter(date_from="2026-01-01", date_to="2026-12-31"),
                                prepared_by="王五", today=TODAY)

    assert count == 3
    ws = load_workbook(path).active
    assert ws.title == "慰问台账"
    assert ws["A1"].value == "慰问台账"
    assert ws["A2"].value == "期间：2026-01-01 至 2026-12-31"
    assert (ws["A3"].value, ws.cell(3, len(LEDGER_LABELS)).value) == ("工会名称：测试中学工会委员会", "制表日期：2026-11-22")
    assert values(ws, HEADER_ROW) == LEDGER_LABELS
    hospital, funeral, wedding = (ws[row] for row in (5, 6, 7))
    assert values(ws, 5) == [1, "张三", "一车间", "生病住院", "本人", dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 5),
                             "王主席、李委员", 500, None, None, "现金", "本级工会经费", "已签收", '=HYPERLINK("x")']
    assert hospital[14].data_type == "s"  # a formula typed into the notes stays text
    assert (hospital[5].number_format, hospital[8].number_format) == ("yyyy-mm-dd", "#,##0.00")
    assert values(ws, 6) == [2, "张三", "一车间", "直系亲属去世", "父母（张大山）", dt.datetime(2026, 6, 2),
                             dt.datetime(2026, 6, 3), None, 1000, "花圈", Decimal("200.5"), "现金", "行政", "未签收",
                             "父亲病故"]
    assert funeral[10].number_format == "#,##0.00"
    assert values(ws, 7)[:9] == [3, "李四", "二车间", "结婚", "本人", dt.datetime(2026, 10, 1), "待走访", None, 800]
    assert wedding[6].data_type == "s"
    assert values(ws, 8) == [None] * len(LEDGER_LABELS)
    assert ws["A9"].value == "合计：走访慰问 2 人次（2 人），慰问金 1,500 元，慰问品折合 200.50 元，共计 1,700.50 元"
    assert ws["A10"].value == "注：另有待走访 1 人次，未计入上述人次和金额。"
    assert ws["A11"].value == "制表人：王五  审核人：____  日期：____"
    assert ws.max_row == 11
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$4"


def test_the_subtitle_names_every_filter(profiled_db, care, tmp_path):
    path = tmp_path / "台账.xlsx"
    ledger_filter = LedgerFilter(date_from="2026-06-01", occasion_ids=(care["occasions"]["直系亲属去世"],),
                                 sub_unit_ids=care["units"][:1], fund_source="行政", search="张", pending=False)

    assert export_visit_ledger(profiled_db, path, ledger_filter, today=TODAY) == 1

    ws = load_workbook(path).active
    assert ws["A2"].value == "期间：2026-06-01 起；慰问类别：直系亲属去世；部门：一车间；经费来源：行政；仅已走访；关键词：张"
    assert ws["A7"].value == "合计：走访慰问 1 人次（1 人），慰问金 1,000 元，慰问品折合 200.50 元，共计 1,200.50 元"


def test_a_masked_ledger_hides_relatives_and_notes(profiled_db, care, tmp_path):
    path = tmp_path / "台账.xlsx"

    export_visit_ledger(profiled_db, path, LedgerFilter(), mask_personal=True, today=TODAY)

    ws = load_workbook(path).active
    assert ws["A2"].value == "期间：全部（亲属姓名、备注已隐去）"
    assert ws["E6"].value == "父母（张某）"
    assert [ws.cell(row, 15).value for row in (5, 6, 7)] == [None, None, None]


def test_an_exported_ledger_imports_again_without_adding_anything(profiled_db, care, tmp_path):
    path = tmp_path / "台账.xlsx"
    export_visit_ledger(profiled_db, path, LedgerFilter(), today=TODAY)

    plan = plan_import(profiled_db, open_source(path), today=TODAY)

    assert [p.text for p in plan.problems() if p.severity == "error"] == []
    assert plan.counts() == {"new": 0, "unchanged": 3, "invalid": 0}


def test_a_cancelled_ledger_export_leaves_no_file(profiled_db, care, tmp_path):
    path = tmp_path / "台账.xlsx"
    with pytest.raises(Cancelled):
        export_visit_ledger(profiled_db, path, LedgerFilter(), is_cancelled=lambda: True)
    assert not path.exists() and not path.with_name(path.name + ".part").exists()


# --- the sign-off sheet ------------------------------------------------------------------------------------------
def test_the_signoff_sheet_cell_by_cell(profiled_db, care, tmp_path):
    path = tmp_path / "签收表.xlsx"

    count = export_signoff_sheet(profiled_db, care["campaign"], path, today=TODAY)

    assert count == 2
    ws = load_workbook(path).active
    assert ws["A1"].value == "2026年春节送温暖发放签收表"
    assert ws["A2"].value == "慰问批次：2026年春节送温暖　慰问类别：节日慰问　发放日期：2026-01-20　经费来源：本级工会经费"
    assert (ws["A3"].value, ws["F3"].value) == ("工会名称：测试中学工会委员会", "制表日期：2026-11-22")
    assert values(ws, HEADER_ROW) == SIGNOFF_LABELS
    assert values(ws, 5) == [1, "李四", "二车间", "500元，大米一袋（价值100元）", None, None]  # in name order
    assert values(ws, 6) == [2, "张三", "一车间", "500元，大米一袋（价值100元）", None, None]
    assert ws["A8"].value == "合计：2人，慰问金1,000元，慰问品价值200元"
    assert ws["A9"].value == "制表人：____  审核人：____  日期：____"
    assert ws.page_setup.orientation == "portrait" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.print_title_rows == "$4:$4"
    assert [ws.row_dimensions[row].height for row in (5, 6)] == [34, 34]  # 12 mm: room to sign
    widths = {label: ws.column_dimensions[chr(ord("A") + index)].width for index, label in enumerate(SIGNOFF_LABELS)}
    assert widths["签字"] >= 20 and widths["金额/物品"] >= 30


def test_write_table_total_lines_and_row_height(tmp_path):
    path = tmp_path / "t.xlsx"
    write_table(path, title="表", union_name="", columns=[Column("a", "甲")], rows=[{"a": "x"}, {"a": "y"}],
                count_unit="人", total_lines=["合计：两行"], row_height=25, today=TODAY)

    ws = load_workbook(path).active
    assert [ws.cell(row, 1).value for row in range(4, 9)] == ["x", "y", None, "合计：共 2 人", "合计：两行"]
    assert [ws.row_dimensions[row].height for row in (3, 4, 5, 6)] == [30, 25, 25, None]
