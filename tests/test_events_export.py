"""The events' lists as .xlsx files and printed tables: the 活动台账 (rows and their order, real dates and
money, the totals block with held events apart from planned and cancelled ones, the scope subtitle), one
event's 参加人员名单 (a team entry expanded to its members), 获奖名单 (等级, 奖金, 推荐上级) and 签到表 (one row
per person, a wide blank 签名 column, tall rows); text cells that stay text, a cancel that writes no file,
the print tables' rows matching the .xlsx, and the PDFs they print to.

The data is the hand-made year of tests/test_events_register.py (``make_year``).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.events.register import (ALL_ITEMS, EVENT_SORTS, EventFilter, event_rows, event_totals,
                                          participation_counts)
from gonghui_desk.events.store import EventInput, ResultInput
from gonghui_desk.exporting import events as ex
from gonghui_desk.exporting.events import (AWARD_COLUMNS, EVENT_COLUMNS, EVENTS_TITLE, ORDER_WORDS, award_list,
                                           awards_print_table, date_range_text, default_awards_name,
                                           default_events_name, default_participants_name, default_signin_name,
                                           describe_event_filter, event_totals_lines, events_print_table,
                                           export_awards, export_events, export_participants, export_signin_sheet,
                                           participants_print_table, signin_print_table)
from gonghui_desk.printing import PrintTable, printed_text
from gonghui_desk.union import UnionProfile, save_profile
from tests.conftest import TODAY
from tests.test_events_register import YEAR_2026, make_year

UNION = "某某公司工会委员会"
EVENT_LABELS = ["序号", "活动名称", "类型", "主办", "节日", "开始日期", "结束日期", "地点", "状态", "项目", "人次", "人数",
                "队伍", "获奖人次", "奖金(元)", "经费(元)", "备注"]
PARTICIPANT_LABELS = ["序号", "项目", "个人/团体", "队名", "姓名", "队长", "部门", "备注"]
AWARD_LABELS = ["序号", "项目", "阶段", "名次", "姓名/队名", "部门", "等级", "奖金(元)", "推荐上级比赛", "上级结果", "备注"]
SIGNIN_LABELS = ["序号", "姓名", "部门", "项目/队伍", "签名", "备注"]
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@pytest.fixture
def year(db, store):
    save_profile(db, UnionProfile(name=UNION, kind="企业", upstream_union="某某区总工会"))
    return make_year(db, store)


def sheet_rows(path) -> list[list]:
    return [[cell for cell in row] for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]


def table_part(rows: list[list]) -> tuple[list, list[list], list[str]]:
    """(header, data rows, the texts under the table) of a written list: the header is row 4 (3 without a
    subtitle), the data ends at the blank row."""
    header_at = 3 if rows[1][0] and rows[1][0].startswith(("期间", "时间")) else 2
    blank = next(i for i in range(header_at + 1, len(rows)) if all(v is None for v in rows[i]))
    return list(rows[header_at]), rows[header_at + 1:blank], [r[0] for r in rows[blank + 1:] if r[0]]


def as_printed(columns, row: list) -> list[str]:
    """An .xlsx row as the printed table writes it (money in 元 from the Decimal, dates as ISO text)."""
    texts = []
    for column, value in zip(columns, row):
        if column.kind == "money" and value is not None:
            value = int(Decimal(str(value)) * 100)
        elif isinstance(value, dt.datetime):
            value = value.date()
        texts.append(printed_text(column, value))
    return texts


# --- the 活动台账 --------------------------------------------------------------------------------------------------
def test_the_ledger_lists_the_events_in_date_order_with_their_figures(year, tmp_path):
    path = tmp_path / "活动台账.xlsx"
    count = export_events(year["db"], path, YEAR_2026, prepared_by="刘干事", today=TODAY)
    assert count == 4  # planned and cancelled events are listed too
    rows = sheet_rows(path)
    assert rows[0][0] == EVENTS_TITLE == "活动台账"
    assert rows[1][0] == "期间：2026年（按日期从早到晚排列）"
    assert rows[2][0] == f"工会名称：{UNION}" and rows[2][-1] == "制表日期：2026-11-22"
    header, data, after = table_part(rows)
    assert header == EVENT_LABELS == [c.label for c in EVENT_COLUMNS]
    assert [(r[0], r[1], r[8]) for r in data] == [(1, "秋季登山", "已取消"), (2, "第3届职工运动会", "已举办"),
                                                  (3, "法律知识竞赛", "已举办"), (4, "迎新年文艺汇演", "计划")]
    games = data[1]
    assert games[2:9] == ["文体活动", "本会", "五一", dt.datetime(2026, 5, 1), None, None, "已举办"]
    # 项目 2; 人次 5 (100米 张三 李四 + 一车间队 2 + 行政部队 1), 人数 3, 队伍 2; 获奖人次 5 (a team's award per member)
    assert games[9:14] == [2, 5, 3, 2, 5]
    assert games[14:16] == [Decimal("2600"), Decimal("5000")]  # money in 元 from 分
    assert (data[0][10], data[0][15]) == (1, Decimal("10"))  # a cancelled event shows its registration and cost
    assert after == [
        "合计：已举办活动 2 场，参加 11 人次（6 人），团体项目 2 支队伍，经费 6,000 元",
        "按类型：知识竞赛 1 场 6 人次（6 人）；文体活动 1 场 5 人次（3 人）",
        "获奖 5 人次（3 人），其中一等奖 1 人次、二等奖 1 人次、团体第一名 2 人次、团体第二名 1 人次；另有集体奖 1 项；"
        "奖金合计 2,600 元；推荐参加上级比赛 1 人次（1 人）",
        "参与率 80.0%（参加活动的在册会员4人 ÷ 2026-11-22在册会员5人）",
        "注：另有计划中的活动 1 场、已取消的活动 1 场，其报名人次和经费未计入上述合计。",
        "制表人：刘干事  审核人：____  日期：____",
    ]
    # the held rows add up to the totals (人次 and 获奖人次; 人 is distinct across events)
    totals = event_totals(year["db"], YEAR_2026, today=TODAY)
    held = [r for r in data if r[8] == "已举办"]
    assert sum(r[10] for r in held) == totals.person_times and sum(r[13] or 0 for r in held) == totals.awards


def test_the_ledger_cells_have_their_kinds(year, tmp_path):
    es = year["store"]
    es.create(EventInput("=HYPERLINK(\"http://x\",\"点我\")", "文体活动", "2026-10-08", end_date="2026-10-12",
                         venue="001", organiser_kind="上级", organiser="某区总工会", status="已举办",
                         notes="@备注", cost_fen=12345))
    path = tmp_path / "台账.xlsx"
    export_events(year["db"], path, EventFilter(date_from="2026-10-01", date_to="2026-10-31"), today=TODAY)
    sheet = openpyxl.load_workbook(path).active
    row = {label: sheet.cell(5, column) for column, label in enumerate(EVENT_LABELS, 1)}
    assert row["活动名称"].value == "=HYPERLINK(\"http://x\",\"点我\")" and row["活动名称"].data_type == "s"
    assert row["活动名称"].quotePrefix  # never a formula
    assert row["备注"].value == "@备注" and row["备注"].data_type == "s"
    assert row["地点"].value == "001" and row["地点"].data_type == "s"  # text stays text, leading zero kept
    assert row["主办"].value == "某区总工会（上级）"
    assert (row["开始日期"].value, row["结束日期"].value) == (dt.datetime(2026, 10, 8), dt.datetime(2026, 10, 12))
    assert row["开始日期"].is_date and row["经费(元)"].value == 123.45
    assert row["经费(元)"].number_format == "#,##0.00"
    assert sheet["A2"].value == "期间：2026-10-01 至 2026-10-31（按日期从早到晚排列）"
    assert sheet.freeze_panes == "C5" and sheet.page_setup.orientation == "landscape"


def test_the_order_and_the_scope_are_written(year, tmp_path):
    path = tmp_path / "按经费.xlsx"
    f = EventFilter(kinds=("文体活动", "讲座/培训"))
    export_events(year["db"], path, f, order="cost", descending=True, today=TODAY)
    rows = sheet_rows(path)
    assert rows[1][0] == "期间：全部；类型：文体活动、讲座/培训（按经费从多到少排列）"
    _header, data, after = table_part(rows)
    assert [r[1] for r in data] == ["第3届职工运动会", "工会干部培训", "秋季登山"]
    assert data[1][3] == "某区总工会（上级）"
    assert after[0] == "合计：已举办活动 2 场，参加 6 人次（3 人），团体项目 2 支队伍，经费 5,700 元"
    assert describe_event_filter(EventFilter(date_from="2026-03-01", status=("计划", "已取消"), organiser_kind="本会",
                                             holiday="元旦", search=" 汇演 ")) == (
        "期间：2026-03-01 起；状态：计划、已取消；主办：本会；节日：元旦；关键词：汇演（按日期从早到晚排列）")
    assert describe_event_filter(EventFilter(date_to="2025-06-30", kinds=(), status="已举办"), "name") == (
        "期间：至 2025-06-30；类型：无；状态：已举办（按活动名称排列）")
    assert set(ORDER_WORDS) == set(EVENT_SORTS)


def test_a_period_without_held_events(year):
    totals = event_totals(year["db"], EventFilter(date_from="2026-12-01", date_to="2026-12-31"), today=TODAY)
    assert event_totals_lines(totals) == [
        "合计：已举办活动 0 场，参加 0 人次（0 人），经费 0 元",
        "参与率 0.0%（参加活动的在册会员0人 ÷ 2026-11-22在册会员5人）",
        "注：另有计划中的活动 1 场，其报名人次和经费未计入上述合计。"]


def test_the_printed_ledger_has_the_same_rows(year, tmp_path):
    year["store"].create(EventInput("职工书画展", "文体活动", "2026-10-08", end_date="2026-10-12", status="已举办"))
    path = tmp_path / "台账.xlsx"
    export_events(year["db"], path, YEAR_2026, today=TODAY)
    _header, data, after = table_part(sheet_rows(path))
    table = events_print_table(year["db"], YEAR_2026, prepared_by="刘干事", today=TODAY)
    assert table.title == "活动台账" and table.landscape and table.union_name == UNION
    assert table.subtitle_lines == ["期间：2026年（按日期从早到晚排列）"] and table.date_text == "制表日期：2026-11-22"
    labels = [c.label for c in table.columns]
    assert labels == EVENT_LABELS[:5] + ["日期"] + EVENT_LABELS[7:]  # the two dates in one column
    assert [row[1] for row in table.rows] == [r[1] for r in data]
    assert [row[0] for row in table.rows] == ["1", "2", "3", "4", "5"]
    games = table.rows[1]
    assert games[5] == "2026-05-01" and games[8:13] == ["2", "5", "3", "2", "5"]
    assert games[13:15] == ["2,600.00", "5,000.00"]
    assert table.rows[3][5] == "2026-10-08至10-12"
    assert table.total_lines == after[:-1] and table.footer_line.startswith("制表人：刘干事")


def test_date_ranges():
    assert date_range_text("2026-05-01", None) == "2026-05-01"
    assert date_range_text("2026-05-01", "2026-05-01") == "2026-05-01"
    assert date_range_text("2026-05-01", "2026-05-03") == "2026-05-01至05-03"
    assert date_range_text("2026-12-30", "2027-01-02") == "2026-12-30至2027-01-02"


# --- 参加人员名单 -------------------------------------------------------------------------------------------------
def test_the_participant_list_expands_a_team_to_its_members(year, tmp_path):
    path = tmp_path / "名单.xlsx"
    count = export_participants(year["db"], path, year["events"]["games"], prepared_by="刘干事", today=TODAY)
    assert count == 5
    rows = sheet_rows(path)
    assert rows[0][0] == "第3届职工运动会参加人员名单"
    assert rows[1][0] == "时间：2026-05-01　项目：全部（100米、拔河）"
    header, data, after = table_part(rows)
    assert header == PARTICIPANT_LABELS
    assert [r[1:] for r in data] == [
        ["100米", "个人", None, "李四", None, "一车间", None],
        ["100米", "个人", None, "张三", None, "一车间/甲班", None],
        ["拔河", "团体", "一车间队", "李四", "是", "一车间", None],  # the captain first
        ["拔河", "团体", "一车间队", "张三", None, "一车间/甲班", None],
        ["拔河", "团体", "行政部队", "王五", None, "行政部", None],  # 钱七's record is voided
    ]
    assert [r[0] for r in data] == [1, 2, 3, 4, 5]
    assert after == ["合计：共 5 人次，3 人，2 支队伍", "制表人：刘干事  审核人：____  日期：____"]
    sheet = openpyxl.load_workbook(path).active
    assert sheet.page_setup.orientation == "portrait"


def test_the_participant_list_of_one_item_or_of_the_event_as_a_whole(year, tmp_path):
    db, games = year["db"], year["events"]["games"]
    path = tmp_path / "拔河.xlsx"
    assert export_participants(db, path, games, item_id=year["items"]["拔河"], today=TODAY) == 3
    rows = sheet_rows(path)
    assert rows[1][0] == "时间：2026-05-01　项目：拔河"
    header, data, after = table_part(rows)
    assert header == ["序号", "个人/团体", "队名", "姓名", "队长", "部门", "备注"]  # the item is in the subtitle
    assert [r[3] for r in data] == ["李四", "张三", "王五"]
    assert after[0] == "合计：共 3 人次，3 人，2 支队伍"
    assert participation_counts(db, games, item_id=year["items"]["100米"]) == (2, 2, 0)
    assert participation_counts(db, games, item_id=None) == (0, 0, 0)
    path = tmp_path / "不分项目.xlsx"
    assert export_participants(db, path, games, item_id=None, today=TODAY) == 0
    rows = sheet_rows(path)
    assert rows[1][0] == "时间：2026-05-01　项目：不分项目"
    assert rows[3] == ["序号", "姓名", "部门", "备注"]  # no items, no teams: their columns are left out
    assert table_part(rows)[2][0] == "合计：共 0 人次，0 人，0 支队伍"


def test_the_participant_list_of_an_event_without_items(year, tmp_path):
    path = tmp_path / "竞赛.xlsx"
    export_participants(year["db"], path, year["events"]["quiz"], today=TODAY)
    header, data, after = table_part(sheet_rows(path))
    assert header == ["序号", "姓名", "部门", "备注"]
    assert sorted(r[1] for r in data) == sorted(["张三", "李四", "王五", "周九", "孙八", "赵六"])
    assert {r[3] for r in data} == {"全体在册会员", None}  # how each was entered
    assert after[0] == "合计：共 6 人次，6 人，0 支队伍"


def test_the_printed_participant_list_has_the_same_rows(year, tmp_path):
    db, games = year["db"], year["events"]["games"]
    path = tmp_path / "名单.xlsx"
    export_participants(db, path, games, today=TODAY)
    header, data, after = table_part(sheet_rows(path))
    table = participants_print_table(db, games, prepared_by="刘干事", today=TODAY)
    assert not table.landscape and table.title == "第3届职工运动会参加人员名单"
    assert [c.label for c in table.columns] == header
    assert table.rows == [as_printed(ex.PARTICIPANT_COLUMNS, r) for r in data]
    assert table.total_lines == after[:-1] and table.footer_line.startswith("制表人：刘干事")


# --- 获奖名单 -------------------------------------------------------------------------------------------------------
def test_the_award_list(year, tmp_path):
    db, games = year["db"], year["events"]["games"]
    path = tmp_path / "获奖.xlsx"
    assert export_awards(db, path, games, prepared_by="刘干事", today=TODAY) == 6
    rows = sheet_rows(path)
    assert rows[0][0] == "第3届职工运动会获奖名单"
    header, data, after = table_part(rows)
    assert header == AWARD_LABELS == [c.label for c in AWARD_COLUMNS]
    assert data == [
        [1, "100米", "初赛", 2, "张三", "一车间/甲班", None, None, None, None, "晋级决赛"],
        [2, "100米", "决赛", 1, "张三", "一车间/甲班", "一等奖", Decimal("500"), "市级决赛", "二等奖", None],
        [3, "100米", "决赛", 2, "李四", "一车间", "二等奖", Decimal("300"), None, None, None],
        [4, "拔河", None, 1, "一车间队（李四、张三）", "一车间", "团体第一名", Decimal("1000"), None, None, None],
        [5, "拔河", None, 2, "行政部队（王五）", "行政部", "团体第二名", Decimal("600"), None, None, None],
        [6, None, None, None, "行政部", None, "组织奖", Decimal("200"), None, None, None],
    ]
    assert after == [
        "合计：获奖 5 人次（3 人），另有集体奖 1 项，奖金合计 2,600 元；推荐参加上级比赛 1 人次",
        "按等级：一等奖 1 人次；二等奖 1 人次；团体第一名 2 人次；团体第二名 1 人次；组织奖 1 项（集体）",
        "制表人：刘干事  审核人：____  日期：____",
    ]
    row = event_rows(db, [games])[games]  # the list counts as the register does
    assert (row["award_times"], row["winners"], row["prize_fen"]) == (5, 3, 260000)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["H6"].number_format == "#,##0.00" and sheet["D5"].data_type == "n"


def test_the_award_list_leaves_out_notes_only_results_and_marks_a_promotion_without_a_round(year):
    es, db, games = year["store"], year["db"], year["events"]["games"]
    es.update_result(year["results"]["李四"], ResultInput(participant_id=year["entries"]["李四"], stage="决赛", rank=2,
                                                         grade="二等奖", prize_fen=30000, promoted=True))
    es.void_result(year["results"]["张三初赛"], "测试")
    es.record_result(games, ResultInput(participant_id=year["entries"]["李四"], stage="初赛", notes="=1+2"))
    es.record_result(games, ResultInput(participant_id=year["entries"]["行政部队"], stage="决赛", promoted=True,
                                        upstream_round="区职工运动会"))
    rows, lines = award_list(db, games)
    assert [(r["display_name"], r["stage"], r["grade"], r["upstream_round"]) for r in rows] == [
        ("张三", "决赛", "一等奖", "市级决赛"), ("李四", "决赛", "二等奖", "是"),
        ("一车间队（李四、张三）", "", "团体第一名", ""), ("行政部队（王五）", "", "团体第二名", ""),
        ("行政部队（王五）", "决赛", "", "区职工运动会"), ("行政部", "", "组织奖", "")]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5, 6]
    # promoted: 张三, 李四, and 行政部队's one member
    assert lines[0] == "合计：获奖 5 人次（3 人），另有集体奖 1 项，奖金合计 2,600 元；推荐参加上级比赛 3 人次"


def test_an_event_without_results_has_an_empty_award_list(year, tmp_path):
    path = tmp_path / "竞赛获奖.xlsx"
    assert export_awards(year["db"], path, year["events"]["quiz"], today=TODAY) == 0
    _header, data, after = table_part(sheet_rows(path))
    assert data == [] and after[0] == "合计：获奖 0 人次（0 人），奖金合计 0 元"


def test_the_printed_award_list_has_the_same_rows(year, tmp_path):
    db, games = year["db"], year["events"]["games"]
    path = tmp_path / "获奖.xlsx"
    export_awards(db, path, games, today=TODAY)
    _header, data, after = table_part(sheet_rows(path))
    table = awards_print_table(db, games, today=TODAY)
    assert table.landscape and table.title == "第3届职工运动会获奖名单"
    assert [c.label for c in table.columns] == AWARD_LABELS
    assert table.rows == [as_printed(AWARD_COLUMNS, r) for r in data]
    assert table.rows[1][6:10] == ["一等奖", "500.00", "市级决赛", "二等奖"]
    assert table.total_lines == after[:-1]


# --- 签到表 ---------------------------------------------------------------------------------------------------------
def test_the_signin_sheet_lists_each_person_once(year, tmp_path):
    path = tmp_path / "签到表.xlsx"
    assert export_signin_sheet(year["db"], path, year["events"]["games"], prepared_by="刘干事", today=TODAY) == 3
    rows = sheet_rows(path)
    assert rows[0][0] == "第3届职工运动会签到表"
    assert rows[1][0] == "时间：2026-05-01　项目：全部（100米、拔河）"
    header, data, after = table_part(rows)
    assert header == SIGNIN_LABELS
    # 张三 and 李四 run the 100米 and pull in the tug-of-war: they sign once
    assert data == [[1, "李四", "一车间", "100米、拔河（一车间队）", None, None],
                    [2, "张三", "一车间/甲班", "100米、拔河（一车间队）", None, None],
                    [3, "王五", "行政部", "拔河（行政部队）", None, None]]
    assert after == ["合计：应到 3 人，实到 ____ 人", "制表人：刘干事  审核人：____  日期：____"]
    sheet = openpyxl.load_workbook(path).active
    assert sheet.page_setup.orientation == "portrait"
    widths = {label: sheet.column_dimensions[chr(ord("A") + i)].width for i, label in enumerate(SIGNIN_LABELS)}
    assert widths["签名"] == max(widths.values()) and widths["签名"] >= 20
    assert all(sheet.row_dimensions[row].height >= 30 for row in range(5, 8))  # room to sign (in points)


def test_the_signin_sheet_of_one_item_and_of_an_event_without_items(year, tmp_path):
    db = year["db"]
    path = tmp_path / "100米.xlsx"
    assert export_signin_sheet(db, path, year["events"]["games"], item_id=year["items"]["100米"], today=TODAY) == 2
    header, data, _after = table_part(sheet_rows(path))
    assert header == ["序号", "姓名", "部门", "签名", "备注"]  # one individual item: nothing to name per row
    assert [r[1] for r in data] == ["李四", "张三"]
    path = tmp_path / "拔河.xlsx"
    export_signin_sheet(db, path, year["events"]["games"], item_id=year["items"]["拔河"], today=TODAY)
    header, data, _after = table_part(sheet_rows(path))
    assert header == SIGNIN_LABELS and [r[3] for r in data] == ["一车间队", "一车间队", "行政部队"]
    path = tmp_path / "竞赛.xlsx"
    assert export_signin_sheet(db, path, year["events"]["quiz"], today=TODAY) == 6
    header, data, after = table_part(sheet_rows(path))
    assert header == ["序号", "姓名", "部门", "签名", "备注"]
    assert len({r[1] for r in data}) == 6 and after[0] == "合计：应到 6 人，实到 ____ 人"


def test_the_printed_signin_sheet_has_a_wide_blank_signature_column_and_tall_rows(year, tmp_path):
    db, games = year["db"], year["events"]["games"]
    path = tmp_path / "签到表.xlsx"
    export_signin_sheet(db, path, games, today=TODAY)
    _header, data, after = table_part(sheet_rows(path))
    table = signin_print_table(db, games, prepared_by="刘干事", today=TODAY)
    assert not table.landscape and table.min_row_height_mm >= 10
    assert [c.label for c in table.columns] == SIGNIN_LABELS
    weights = [c.width_weight for c in table.columns]
    signature = SIGNIN_LABELS.index("签名")
    assert weights[signature] == max(weights) and weights[signature] / sum(weights) > 0.25
    assert table.rows == [as_printed(ex.SIGNIN_COLUMNS, r) for r in data]
    assert all(row[signature] == "" and row[-1] == "" for row in table.rows)
    assert table.total_lines == after[:-1] and table.footer_line.startswith("制表人：刘干事")


# --- all lists ------------------------------------------------------------------------------------------------------
EXPORTS = [
    pytest.param(lambda y, path, **kw: export_events(y["db"], path, YEAR_2026, **kw), id="events"),
    pytest.param(lambda y, path, **kw: export_participants(y["db"], path, y["events"]["games"], **kw),
                 id="participants"),
    pytest.param(lambda y, path, **kw: export_awards(y["db"], path, y["events"]["games"], **kw), id="awards"),
    pytest.param(lambda y, path, **kw: export_signin_sheet(y["db"], path, y["events"]["games"], **kw), id="signin"),
]
PRINT_BUILDERS = {
    "events": lambda y, **kw: events_print_table(y["db"], YEAR_2026, **kw),
    "participants": lambda y, **kw: participants_print_table(y["db"], y["events"]["games"], **kw),
    "awards": lambda y, **kw: awards_print_table(y["db"], y["events"]["games"], **kw),
    "signin": lambda y, **kw: signin_print_table(y["db"], y["events"]["games"], **kw),
}
PRINTS = [pytest.param(build, id=name) for name, build in PRINT_BUILDERS.items()]


@pytest.mark.parametrize("export", EXPORTS)
def test_a_cancelled_export_writes_no_file(year, tmp_path, export):
    path = tmp_path / "list.xlsx"
    with pytest.raises(Cancelled):
        export(year, path, today=TODAY, is_cancelled=lambda: True)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("union.sqlite3")] == []  # no file, no .part


@pytest.mark.parametrize("build", PRINTS)
def test_a_cancelled_print_table_stops(year, build):
    with pytest.raises(Cancelled):
        build(year, today=TODAY, is_cancelled=lambda: True)
    assert isinstance(build(year, today=TODAY, is_cancelled=lambda: False), PrintTable)


def test_progress_is_reported_while_the_rows_are_read(year, monkeypatch):
    monkeypatch.setattr(ex, "PROGRESS_EVERY", 2)
    calls = []
    participants_print_table(year["db"], year["events"]["games"], today=TODAY,
                             progress=lambda done, total, text: calls.append((done, total, text)))
    assert calls == [(2, 5, "已读取 2 人次"), (4, 5, "已读取 4 人次")]
    calls.clear()
    events_print_table(year["db"], YEAR_2026, today=TODAY, progress=lambda *a: calls.append(a))
    assert calls == [(2, 4, "已读取 2 场"), (4, 4, "已读取 4 场")]


def test_a_voided_or_missing_event_is_refused(year, tmp_path):
    with pytest.raises(UserError, match="不存在"):
        export_awards(year["db"], tmp_path / "x.xlsx", 9999)
    voided = year["db"].execute("SELECT id FROM events WHERE voided_at IS NOT NULL").fetchone()[0]
    with pytest.raises(UserError, match="已作废"):
        signin_print_table(year["db"], voided)
    with pytest.raises(UserError, match="项目"):
        participants_print_table(year["db"], year["events"]["quiz"], item_id=year["items"]["拔河"])
    assert ALL_ITEMS is ex.ALL_ITEMS


def test_file_names():
    assert default_events_name(TODAY) == "活动台账-20261122.xlsx"
    assert default_awards_name("第3届职工技能大赛") == "第3届职工技能大赛-获奖名单.xlsx"
    assert default_participants_name("第3届职工运动会") == "第3届职工运动会-参加人员名单.xlsx"
    assert default_signin_name('2026年"迎五一"职工 拔河/比赛: 决赛?') == "2026年迎五一职工拔河比赛决赛-签到表.xlsx"
    assert default_signin_name("  ", TODAY) == "活动-20261122-签到表.xlsx"
    assert not re.search(r'[\\/:*?"<>|]', default_awards_name("A\\B|C<D>E*F\tG.."))


# --- the printed PDFs ----------------------------------------------------------------------------------------------
def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_size(path) -> str:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return re.search(r"Page size:\s+(\d+ x \d+) pts", info).group(1)


@needs_poppler
@pytest.mark.parametrize("name, size, texts", [
    ("events", "842 x 595", ["活动台账", "第3届职工运动会", "已举办活动 2 场", "参与率 80.0%"]),
    ("participants", "595 x 842", ["第3届职工运动会参加人员名单", "一车间队", "共 5 人次，3 人，2 支队伍"]),
    ("awards", "842 x 595", ["第3届职工运动会获奖名单", "一车间队（李四、张三）", "市级决赛", "团体第一名"]),
    ("signin", "595 x 842", ["第3届职工运动会签到表", "签名", "100米、拔河（一车间队）", "应到 3 人"]),
])
def test_the_lists_print_to_a4(qapp, year, tmp_path, name, size, texts):
    from gonghui_desk.ui.printing import print_to_pdf

    path = tmp_path / "list.pdf"
    assert print_to_pdf(PRINT_BUILDERS[name](year, prepared_by="刘干事", today=TODAY), path) == 1
    assert page_size(path) == size
    text = re.sub(r"[ \t]+", "", pdf_text(path))
    for expected in [UNION, "制表日期：2026-11-22", "制表人：刘干事", *texts]:
        assert expected.replace(" ", "") in text
