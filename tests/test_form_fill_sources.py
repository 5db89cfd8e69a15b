"""Every record source fills a form, on a demo database: the rows read back from the filled copy are the
records the registers and ledgers list, with the person's own fields (性别, 身份证号…) looked up."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

from gonghui_desk import demo
from gonghui_desk.db import open_database
from gonghui_desk.errors import UserError
from gonghui_desk.form_fill import fill_form, get_source, inspect_form, propose_mapping, sources
from gonghui_desk.form_fill.sources import ALL
from tests.conftest import TODAY
from tests.test_form_fill_forms import simple_form


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    demo.create_demo_database(path, kind="school", members=80, seed=3, today=TODAY)
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path):
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_file, path)
    database = open_database(path)
    yield database
    database.conn.close()


def fill(db, tmp_path, source, headers, params=None) -> list[list]:
    """Fill a one-header-row form with ``headers`` from ``source``; the data rows read back."""
    form = tmp_path / f"{source}.xlsx"
    simple_form(form, ["序号", *headers], footer="制表人：")
    layout = inspect_form(form)
    mapping = propose_mapping(layout, source)
    assert len(mapping.columns) == len(headers) + 1, mapping.columns  # every header is recognised
    result = fill_form(db, layout, mapping, source, params, tmp_path / f"{source}-out.xlsx", today=TODAY,
                       full_numbers=True)  # the records as they are; masking is tested in test_unmask_logging
    ws = openpyxl.load_workbook(result.path).active
    rows = [[ws.cell(r, c).value for c in range(1, len(headers) + 2)] for r in range(4, 4 + result.rows_written)]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert ws.cell(5 + result.rows_written, 1).value == "制表人："
    return [r[1:] for r in rows]


def members(db) -> dict[int, dict]:
    return {m["id"]: m for m in db.query("SELECT * FROM members")}


def day(iso):
    return dt.datetime.fromisoformat(iso) if iso else None


def yuan(fen):
    return fen / 100 if fen else None  # read back from the file as a number


def test_the_sources_and_their_parameters(demo_db):
    assert list(sources()) == ["roster", "campaign", "hardship", "aid", "visits", "honours", "event_awards",
                               "event_participants", "proposals", "delegates"]
    roster = get_source("roster")
    assert roster.label == "会员名册" and roster.resolve(demo_db) == {
        "status": "在册", "sub_unit": None, "sex": None, "migrant": False, "order": "name"}
    assert [p.label for p in get_source("campaign").params] == ["慰问批次"]
    assert get_source("proposals").resolve(demo_db)["session"] == max(
        r[0] for r in demo_db.execute("SELECT id FROM congress_sessions"))
    campaign = demo_db.execute("SELECT id, name FROM campaigns ORDER BY id LIMIT 1").fetchone()
    assert get_source("campaign").resolve(demo_db, {"campaign": campaign[1]}) == {"campaign": campaign[0]}
    with pytest.raises(UserError, match="请选择“批量慰问名单”的“慰问批次”（可选："):
        get_source("campaign").resolve(demo_db)
    with pytest.raises(UserError, match="参数“只含农民工”应为“是”或“否”"):
        roster.resolve(demo_db, {"migrant": "也许"})
    with pytest.raises(UserError, match="没有找到部门“不存在的组”"):
        roster.resolve(demo_db, {"sub_unit": "不存在的组"})
    with pytest.raises(UserError, match="“会员名册”没有参数 campaign"):
        roster.resolve(demo_db, {"campaign": "1"})
    with pytest.raises(UserError, match="没有“payroll”这种数据来源"):
        get_source("payroll")
    assert roster.param("status").choices(demo_db)[0] == (ALL, ALL)


def test_roster_with_a_department_and_sex(demo_db, tmp_path):
    unit_id, path = demo_db.execute("SELECT id, name FROM sub_units WHERE parent_id IS NULL ORDER BY id").fetchone()
    rows = fill(demo_db, tmp_path, "roster", ["姓名", "性别", "身份证号", "出生日期", "政治面貌", "年龄", "工会名称"],
                {"sub_unit": path, "sex": "女", "status": "全部"})
    from gonghui_desk.union import descendant_ids

    units = set(descendant_ids(demo_db, unit_id))
    people = sorted((m for m in members(demo_db).values() if m["sub_unit_id"] in units and m["sex"] == "女"
                     and not m["voided_at"]), key=lambda m: (m["name_sort"], m["id"]))
    union = demo_db.execute("SELECT name FROM union_profile").fetchone()[0]
    assert rows and rows == [[m["name"], "女", m["id_number"], day(m["birth_date"]), m["political_status"],
                              TODAY.year - int(m["birth_date"][:4]) - (TODAY.strftime("%m-%d") < m["birth_date"][5:]),
                              union] for m in people]


def test_a_campaigns_recipients(demo_db, tmp_path):
    from gonghui_desk.care.campaigns import campaign_recipients

    campaign_id, name = demo_db.execute(
        "SELECT id, name FROM campaigns WHERE name LIKE '%夏送清凉' ORDER BY id DESC").fetchone()
    rows = fill(demo_db, tmp_path, "campaign", ["姓名", "性别", "身份证号", "慰问金", "慰问品", "金额/物品", "发放日期"],
                {"campaign": name})
    people = members(demo_db)
    recipients = campaign_recipients(demo_db, campaign_id)
    date = demo_db.execute("SELECT campaign_date FROM campaigns WHERE id = ?", [campaign_id]).fetchone()[0]
    assert len(rows) == len(recipients) > 0
    for row, r in zip(rows, recipients):
        m = people[r["member_id"]]
        assert row[:5] == [r["name"], m["sex"], m["id_number"], yuan(r["cash_fen"]), r["goods_desc"] or None]
        assert row[5].startswith(f"{r['cash_fen'] // 100}元") or not r["cash_fen"]
        assert row[6] == day(date)


def test_the_hardship_register(demo_db, tmp_path):
    from gonghui_desk.hardship.register import FileFilter, iter_file_rows

    rows = fill(demo_db, tmp_path, "hardship", ["户主姓名", "性别", "身份证号", "困难类别", "主要致困原因", "家庭人口",
                                                "家庭年总收入", "家庭月人均收入", "建档日期", "银行卡号", "档案状态"],
                {"status": "全部"})
    files = list(iter_file_rows(demo_db, FileFilter(), today=TODAY))
    assert len(rows) == len(files) > 0
    assert rows == [[f["member_name"], f["member_sex"], f["member_id_number"], f["category"], f["main_cause"],
                     f["household_size"], yuan(f["household_annual_income_fen"]),
                     yuan(f["monthly_income_per_person_fen"]), day(f["opened_on"]), f["bank_account"] or None,
                     f["status"]] for f in files]


def test_aid_payments_in_a_period(demo_db, tmp_path):
    from gonghui_desk.hardship.aid_ledger import AidFilter, iter_aid

    rows = fill(demo_db, tmp_path, "aid", ["户主", "身份证号", "帮扶类型", "帮扶金额", "发放日期", "受助学生", "资金来源"],
                {"date_from": "2025-01-01", "date_to": "2026年12月31日"})
    people = members(demo_db)
    paid = list(iter_aid(demo_db, AidFilter(date_from="2025-01-01", date_to="2026-12-31", stage="发放")))
    assert len(rows) == len(paid) > 0
    assert rows == [[p["member_name"], people[p["member_id"]]["id_number"], p["aid_type"], yuan(p["cash_fen"]),
                     day(p["paid_on"]), p["student_name"] or None, p["fund_source"] or None] for p in paid]


def test_care_visits_in_a_period(demo_db, tmp_path):
    from gonghui_desk.care.ledger import LedgerFilter, iter_ledger

    rows = fill(demo_db, tmp_path, "visits", ["姓名", "部门", "慰问类别", "走访日期", "慰问金", "慰问品"],
                {"date_from": "2026-01-01", "date_to": "2026-06-30"})
    visits = list(iter_ledger(demo_db, LedgerFilter(date_from="2026-01-01", date_to="2026-06-30", pending=False)))
    assert len(rows) == len(visits) > 10
    assert [r[0] for r in rows] == [v["member_name"] for v in visits]
    assert [r[2:] for r in rows] == [[v["occasion_name"], day(v["visit_date"]), yuan(v["cash_fen"]),
                                      v["goods_desc"] or None] for v in visits]


def test_honours(demo_db, tmp_path):
    from gonghui_desk.honours.register import HonourFilter, iter_honour_rows

    rows = fill(demo_db, tmp_path, "honours", ["荣誉称号", "级别", "获得者", "授予单位", "年度"])
    honours = list(iter_honour_rows(demo_db, HonourFilter()))
    assert len(rows) == len(honours) > 0
    assert rows == [[h["title"], h["level"], h["recipient_name"], h["conferred_by"] or None, h["year"]]
                    for h in honours]


def test_an_events_awards_and_participants(demo_db, tmp_path):
    from gonghui_desk.events.register import iter_participant_persons
    from gonghui_desk.exporting.events import award_list

    event_id = demo_db.execute(
        "SELECT e.id FROM events e WHERE name LIKE '%运动会' ORDER BY start_date DESC").fetchone()[0]
    title = get_source("event_awards").param("event").choices(demo_db)
    assert any(value == event_id for value, _ in title)
    rows = fill(demo_db, tmp_path, "event_awards", ["姓名", "项目", "名次", "获奖等级", "奖金"], {"event": event_id})
    awards, _ = award_list(demo_db, event_id)
    assert len(rows) == len(awards) > 0
    assert rows == [[a["name"], a["item_name"] or None, a["rank"], a["grade"] or None, yuan(a["prize_fen"])]
                    for a in awards]
    rows = fill(demo_db, tmp_path, "event_participants", ["姓名", "性别", "项目", "队名"], {"event": str(event_id)})
    people = members(demo_db)
    persons = list(iter_participant_persons(demo_db, event_id))
    assert rows == [[p["member_name"], people[p["member_id"]]["sex"], p["item_name"] or None, p["team_name"] or None]
                    for p in persons]


def test_a_sessions_proposals_and_delegates(demo_db, tmp_path):
    from gonghui_desk.congress.register import ProposalFilter
    from gonghui_desk.congress.store import CongressStore
    from gonghui_desk.exporting.proposals import summary_records

    session = CongressStore(demo_db).latest_session()
    rows = fill(demo_db, tmp_path, "proposals", ["编号", "案由", "提案人", "附议人", "类别", "提案人部门"],
                {"registered_only": "是"})
    expected = list(summary_records(demo_db, ProposalFilter(session_id=session["id"]), registered_only=True,
                                    today=TODAY))
    assert len(rows) == len(expected) > 0
    assert [r[:5] for r in rows] == [[p["number"], p["title"], p["proposer_name"], p["cosigners"] or None,
                                      p["category"] or None] for p in expected]
    rows = fill(demo_db, tmp_path, "delegates", ["姓名", "性别", "代表类别", "代表团"])
    delegates = CongressStore(demo_db).delegates(session["term_id"], session["held_on"])
    people = members(demo_db)
    assert rows == [[d["member_name"], people[d["member_id"]]["sex"], d["role"], d["delegation_name"] or None]
                    for d in delegates]
