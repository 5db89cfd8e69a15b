"""Importing historical events, participants and results: rows grouped into events, items, teams (with their
captain) and entries; results of persons and teams (a team's result written on every member row is one result),
upstream promotion, awards to units; events already recorded reused; importing twice writes nothing; every
problem named by row and field; groups that drop together under --skip-invalid; the command line; the template."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gonghui_desk import cli
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.events.register import EventFilter, award_rows, event_figures, event_ids, event_items, event_teams
from gonghui_desk.events.store import EventInput, EventStore, ResultInput
from gonghui_desk.importing.common import ImportBlocked
from gonghui_desk.importing.event_import import (EVENT_IMPORT_FIELDS, EVENT_SYNONYMS, chinese_number, commit_import,
                                                 events_import_command, open_source, plan_import, split_edition,
                                                 write_events_template)
from gonghui_desk.importing.headers import auto_map
from gonghui_desk.union import UnionProfile, ensure_sub_unit_path, save_profile
from tests.conftest import TODAY, VALID_IDS
from tests.test_care_visits import add_member

FIELDS = list(EVENT_IMPORT_FIELDS)
HEADER = ["序号", *EVENT_IMPORT_FIELDS.values()]
KINDS = "劳动竞赛、技能比武、岗位练兵、知识竞赛、安康杯、文体活动、文艺演出、讲座/培训、疗休养、其他"
TABLES = ("events", "event_items", "event_teams", "event_team_members", "event_participants", "event_results")


def row(**cells) -> list:
    """A row of the sheet by field key (event_name=…, name=…); the other cells empty."""
    unknown = set(cells) - set(FIELDS)
    assert not unknown, unknown
    return [cells.get(key) for key in FIELDS]


def write_sheet(path, rows, *, header=HEADER):
    """A sheet kept by hand: a title, a unit line, the header, 序号 in column A, and a 制表人 line under it.
    The first data row is row 4."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "活动"
    sheet.append(["某某公司工会历年活动参加人员及获奖情况"])
    sheet.append(["填报单位：某某公司工会", None, None, None, "填报日期：2026年11月20日"])
    sheet.append(header)
    for number, cells in enumerate(rows, start=1):
        sheet.append([number, *cells])
    sheet.append(["制表人：王五", None, None, "审核人：李主席"])
    workbook.save(path)
    return path


GAMES = dict(event_name="职工运动会", edition=3, kind="文体活动", start_date="2025-05-01", holiday="五一节")
SKILL = dict(event_name="第2届职工技能大赛", start_date="2025-09-10至2025-09-12", organiser_kind="上级",
             organiser="某某区总工会", venue="实训基地")
LECTURE = dict(event_name="安全生产讲座", kind="讲座", start_date="2025-06-15", venue="会议室", cost="800元")

GOOD = [
    row(**GAMES, cost=5000, item="100米", name="张三", id_number=VALID_IDS["man_1985"], rank=1, grade="一等奖",
        prize=200),                                                                                      # 4
    row(**GAMES, item="100米", name="王五", rank=2, grade="二等奖"),                                      # 5
    row(**GAMES, item="拔河", team_item="是", team="一车间队", captain="是", name="李四", sub_unit="一车间",
        grade="团体第一名", prize=1000),                                                                  # 6
    row(**GAMES, item="拔河", team="一车间队", name="钱七", grade="团体第一名", prize=1000),                # 7
    row(**GAMES, item="拔河", team="办公室", name="王五", grade="团体第二名", prize=600),                  # 8
    row(**GAMES, awardee="本会", grade="组织奖", notes="区总工会颁发"),                                    # 9
    row(**SKILL, item="钳工", name="张三", stage="初赛", rank="第一名"),                                   # 10
    row(**SKILL, item="钳工", name="张三", stage="决赛", grade="一等奖", prize="1,500", promoted="是",
        upstream_round="市级决赛", upstream_result="二等奖"),                                             # 11
    row(**SKILL, item="钳工", name="孙八", stage="初赛"),                                                 # 12
    row(**LECTURE),                                                                                      # 13
]


@pytest.fixture
def union(db, store):
    """某某公司工会: 一车间 and 办公室; 张三 (ID number), 李四, 钱七, 孙八 in 一车间; 王五, a second 李四 and 赵六
    (退休 since 2026-03-01) in 办公室."""
    save_profile(db, UnionProfile(name="某某公司工会委员会", kind="企业", upstream_union="某某区总工会"))
    units = {"一车间": ensure_sub_unit_path(db, "一车间"), "办公室": ensure_sub_unit_path(db, "办公室")}
    people = {
        "张三": add_member(store, "张三", id_number=VALID_IDS["man_1985"], sub_unit_id=units["一车间"]),
        "李四": add_member(store, "李四", sub_unit_id=units["一车间"]),
        "钱七": add_member(store, "钱七", sub_unit_id=units["一车间"]),
        "孙八": add_member(store, "孙八", sub_unit_id=units["一车间"]),
        "王五": add_member(store, "王五", sub_unit_id=units["办公室"]),
        "李四2": add_member(store, "李四", sub_unit_id=units["办公室"]),
        "赵六": add_member(store, "赵六", sub_unit_id=units["办公室"], status="退休", status_date="2026-03-01"),
    }
    return {"people": people, "units": units, "members": store}


def plan_file(db, path, **kwargs):
    return plan_import(db, open_source(path), today=TODAY, **kwargs)


def texts(plan, severity: str = "error") -> list[str]:
    return [p.text for p in plan.problems() if p.severity == severity]


def table_counts(db) -> dict[str, int]:
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def events_by_name(db) -> dict[str, dict]:
    return {r["name"]: r for r in db.query("SELECT * FROM events WHERE voided_at IS NULL ORDER BY id")}


def awards(db, event_id) -> list[tuple]:
    return [(a["kind"], a["item_name"], a["name"], a["stage"], a["rank"], a["grade"], a["prize_fen"], a["promoted"],
             a["upstream_round"], a["upstream_result"]) for a in award_rows(db, event_id)]


# --- reading ------------------------------------------------------------------------------------------------------
def test_the_template_headers_and_hand_written_ones_are_mapped(tmp_path):
    source = open_source(write_sheet(tmp_path / "活动.xlsx", GOOD))
    assert source.header_row_number == 3
    assert [source.mapping.get(i) for i in range(len(HEADER))] == [None, *FIELDS]
    assert list(auto_map(["比赛名称", "时间", "工种", "队伍", "选手", "奖项", "奖金", "是否推荐", "获奖集体"],
                         EVENT_SYNONYMS).values()) == [
        "event_name", "start_date", "item", "team", "name", "grade", "prize", "promoted", "awardee"]
    assert list(auto_map(["活动", "类别", "活动经费", "参赛项目", "个人/团体", "是否队长", "排名", "上级成绩"],
                         EVENT_SYNONYMS).values()) == [
        "event_name", "kind", "cost", "item", "team_item", "captain", "rank", "upstream_result"]


@pytest.mark.parametrize("text, number", [("3", 3), ("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21),
                                          ("两", 2), ("", None), ("首", None), ("三十十", None)])
def test_chinese_numbers(text, number):
    assert chinese_number(text) == number


def test_an_edition_in_the_name():
    assert split_edition("第3届职工技能大赛", None) == ("职工技能大赛", 3, True)
    assert split_edition("第三届职工技能大赛", 3) == ("职工技能大赛", 3, True)
    assert split_edition("第3届职工技能大赛", 4) == ("第3届职工技能大赛", 4, False)
    assert split_edition("2025年第3届职工技能大赛", None) == ("2025年第3届职工技能大赛", None, True)
    assert split_edition("职工运动会", 5) == ("职工运动会", 5, True)


# --- planning and writing --------------------------------------------------------------------------------------------
def test_rows_are_grouped_into_events_items_teams_and_entries(tmp_path, db, union):
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", GOOD))
    assert texts(plan) == []
    assert texts(plan, "warning") == ["第10行 活动类型：表中未填活动类型，按活动名称定为“技能比武”，请核对"]
    assert plan.counts() == {"new": 10, "unchanged": 0, "invalid": 0}
    by_row = {r.row_number: r for r in plan.rows}
    assert [(r.event, r.item, r.team, r.name, r.result) for r in plan.rows[:6]] == [
        ("第3届职工运动会", "100米", "", "张三", "第1名 一等奖 奖金200元"),
        ("第3届职工运动会", "100米", "", "王五", "第2名 二等奖"),
        ("第3届职工运动会", "拔河", "一车间队（队长）", "李四", "团体第一名 奖金1,000元"),
        ("第3届职工运动会", "拔河", "一车间队", "钱七", "团体第一名 奖金1,000元"),
        ("第3届职工运动会", "拔河", "办公室", "王五", "团体第二名 奖金600元"),
        ("第3届职工运动会", "", "", "本会", "组织奖")]
    assert by_row[4].writes == ["新建活动", "新建项目“100米”", "报名“100米”", "登记成绩"]
    assert by_row[6].writes == ["新建团体项目“拔河”", "新建队伍“一车间队”", "加入队伍“一车间队”", "队伍报名“拔河”",
                                "登记团体成绩"]
    assert by_row[7].writes == ["加入队伍“一车间队”"]  # the same team result: written once
    assert by_row[6].member_id == union["people"]["李四"]  # the 李四 of 一车间
    assert by_row[10].event == "第2届职工技能大赛" and by_row[10].start_date == "2025-09-10"
    assert by_row[11].result == "决赛 一等奖 奖金1,500元 推荐上级：市级决赛（二等奖）"
    assert by_row[11].writes == ["登记成绩"]  # 张三's second result in 钳工: the entry is on row 10
    assert by_row[12].writes == ["报名“钳工”"]  # an entry without a result
    assert by_row[13].name == "安全生产讲座" and by_row[13].writes == ["新建活动"]
    totals = plan.totals()
    assert (totals.events_created, totals.events_reused, totals.items, totals.teams, totals.team_members,
            totals.entries, totals.team_entries, totals.results) == (3, 0, 3, 2, 3, 4, 2, 7)


def test_the_import_writes_events_items_teams_entries_and_results(tmp_path, db, union):
    result = commit_import(db, plan_file(db, write_sheet(tmp_path / "活动.xlsx", GOOD)))
    assert (result.events_created, result.items, result.teams, result.entries, result.team_entries,
            result.results, result.skipped) == (3, 3, 2, 4, 2, 7, 0)
    events = events_by_name(db)
    games, skill, lecture = events["职工运动会"], events["职工技能大赛"], events["安全生产讲座"]
    assert (games["edition"], games["kind"], games["holiday"], games["cost_fen"], games["status"]) == (
        3, "文体活动", "五一", 500000, "已举办")
    assert (skill["edition"], skill["kind"], skill["start_date"], skill["end_date"], skill["organiser_kind"],
            skill["organiser"], skill["venue"]) == (2, "技能比武", "2025-09-10", "2025-09-12", "上级", "某某区总工会",
                                                    "实训基地")
    assert (lecture["kind"], lecture["cost_fen"], lecture["venue"]) == ("讲座/培训", 80000, "会议室")
    assert [(i["name"], i["team_item"], i["entries"]) for i in event_items(db, games["id"])] == [
        ("100米", 0, 2), ("拔河", 1, 2)]
    teams = {t["name"]: t for t in event_teams(db, games["id"])}
    assert teams["一车间队"]["captain_name"] == "李四" and teams["一车间队"]["sub_unit_path"] == "一车间"
    assert [m["name"] for m in teams["一车间队"]["members"]] == ["李四", "钱七"]
    assert teams["办公室"]["sub_unit_path"] == "办公室" and teams["办公室"]["captain_name"] is None
    assert awards(db, games["id"]) == [
        ("个人", "100米", "张三", "", 1, "一等奖", 20000, False, "", ""),
        ("个人", "100米", "王五", "", 2, "二等奖", 0, False, "", ""),
        ("团体", "拔河", "一车间队", "", None, "团体第一名", 100000, False, "", ""),
        ("团体", "拔河", "办公室", "", None, "团体第二名", 60000, False, "", ""),
        ("单位", "", "本会", "", None, "组织奖", 0, False, "", "")]
    assert award_rows(db, games["id"])[-1]["notes"] == "区总工会颁发"
    assert awards(db, skill["id"]) == [
        ("个人", "钳工", "张三", "初赛", 1, "", 0, False, "", ""),
        ("个人", "钳工", "张三", "决赛", None, "一等奖", 150000, True, "市级决赛", "二等奖")]
    figures = event_figures(db, [games["id"], skill["id"]])
    # 100米: 张三, 王五; 拔河: 一车间队 (李四, 钱七) and 办公室 (王五) — 5 人次, 4 人 (王五 twice), 2 支
    assert (figures[games["id"]].person_times, figures[games["id"]].persons, figures[games["id"]].teams) == (5, 4, 2)
    assert (figures[skill["id"]].person_times, figures[skill["id"]].persons) == (2, 2)


def test_importing_the_same_sheet_again_changes_nothing(tmp_path, db, union):
    path = write_sheet(tmp_path / "活动.xlsx", GOOD)
    commit_import(db, plan_file(db, path))
    before = table_counts(db)
    again = plan_file(db, path)
    assert again.counts() == {"new": 0, "unchanged": 10, "invalid": 0}
    assert texts(again) == [] and again.events == []
    totals = again.totals()
    assert (totals.events_created, totals.events_reused, totals.entries, totals.results) == (0, 0, 0, 0)
    result = commit_import(db, again)
    assert (result.events_created, result.entries, result.results, result.unchanged) == (0, 0, 0, 10)
    assert table_counts(db) == before


def test_a_recorded_event_is_reused_and_differences_are_shown(tmp_path, db, union):
    store = EventStore(db, today=TODAY)
    event_id = store.create(EventInput("职工运动会", "文体活动", "2025-05-01", edition=3, venue="操场", holiday="五一",
                                       status="已举办"))
    run = store.add_item(event_id, "100米")
    entry = store.add_members(event_id, [union["people"]["张三"]], item_id=run).entry_ids[0]
    store.record_result(event_id, ResultInput(participant_id=entry, rank=1, grade="二等奖"))
    rows = [row(**GAMES, venue="体育馆", item="100米", name="张三", rank=1, grade="一等奖"),
            row(**GAMES, item="100米", name="王五", rank=2)]
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", rows))
    assert [r.action for r in plan.rows] == ["unchanged", "new"]
    assert texts(plan, "warning") == [
        f"第4行 已有记录：活动已在系统中（编号 {event_id}），沿用已有的活动；表中与系统中不同的项：地点（表中“体育馆”，"
        "系统中“操场”），如需更正请在活动中修改",
        "第4行 已有记录：系统中已有该成绩，与表中不同：获奖等级（表中“一等奖”，系统中“二等奖”）；沿用系统中的成绩，"
        "如需更正请在活动中修改"]
    assert plan.rows[1].writes == ["报名“100米”", "登记成绩"]
    assert (plan.totals().events_created, plan.totals().events_reused) == (0, 1)
    commit_import(db, plan)
    assert len(event_ids(db, EventFilter())) == 1
    assert store.get(event_id)["venue"] == "操场"
    assert [(a["name"], a["rank"], a["grade"]) for a in award_rows(db, event_id)] == [("张三", 1, "二等奖"),
                                                                                     ("王五", 2, "")]


def test_new_members_join_a_recorded_team(tmp_path, db, union):
    store = EventStore(db, today=TODAY)
    event_id = store.create(EventInput("职工运动会", "文体活动", "2025-05-01", edition=3, holiday="五一",
                                       status="已举办"))
    tug = store.add_item(event_id, "拔河", team_item=True)
    team = store.create_team(event_id, "一车间队", [union["people"]["李四"]], union["people"]["李四"])
    store.add_team(event_id, team, item_id=tug)
    rows = [row(**GAMES, item="拔河", team="一车间队", name="李四", sub_unit="一车间", captain="是"),
            row(**GAMES, item="拔河", team="一车间队", name="钱七", grade="团体第一名")]
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", rows))
    assert [(r.action, r.writes) for r in plan.rows] == [
        ("unchanged", []), ("new", ["加入队伍“一车间队”", "登记团体成绩"])]
    assert texts(plan, "warning") == []
    rows[1][FIELDS.index("captain")] = "是"  # another captain than the recorded one: shown, not written
    rows[0][FIELDS.index("captain")] = None
    other = plan_file(db, write_sheet(tmp_path / "队长.xlsx", rows))
    assert texts(other, "warning") == [
        "第5行 队长：队伍“一车间队”在系统中的队长是李四，表中的队长不导入，如需更改请在活动的队伍中修改"]
    commit_import(db, plan)
    teams = event_teams(db, event_id)
    assert len(teams) == 1 and [m["name"] for m in teams[0]["members"]] == ["李四", "钱七"]
    assert [(a["kind"], a["name"], a["grade"]) for a in award_rows(db, event_id)] == [("团体", "一车间队", "团体第一名")]


def test_warnings_that_do_not_block(tmp_path, db, union):
    rows = [row(event_name="迎新春职工知识竞赛", start_date="2026-01-20", name="赵六"),        # kind from the name
            row(event_name="迎新春职工知识竞赛", start_date="2026-01-20", name="赵六"),        # the same entry
            row(event_name="职工篮球赛", start_date="2026-05-01", organiser="某某市总工会", name="赵六",
                notes="替补")]
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", rows))
    assert plan.counts() == {"new": 2, "unchanged": 1, "invalid": 0}
    assert texts(plan, "warning") == [
        "第4行 活动类型：表中未填活动类型，按活动名称定为“知识竞赛”，请核对",
        "第5行 重复：与第4行是同一人在本活动的报名，不再重复导入",
        "第6行 备注：备注随成绩登记；本行没有成绩，备注不导入",
        "第6行 活动类型：表中未填活动类型，按活动名称定为“文体活动”，请核对",
        "第6行 主办方：表中未填主办方，按主办单位“某某市总工会”定为“上级”，请核对",
        "第6行 姓名：赵六在 2026-05-01 的会员状态为“退休”，仍按表导入"]
    result = commit_import(db, plan)
    assert result.warnings == ["赵六在 2026-05-01 的会员状态为“退休”"]  # the store's own warning
    assert events_by_name(db)["职工篮球赛"]["organiser_kind"] == "上级"


def test_planned_and_cancelled_events(tmp_path, db, union):
    store = EventStore(db, today=TODAY)
    trip = store.create(EventInput("职工疗休养", "疗休养", "2025-10-08", status="已举办"))
    store.add_members(trip, [union["people"]["王五"]])
    store.set_status(trip, "已取消")
    rows = [row(event_name="职工疗休养", start_date="2025-10-08", name="王五"),  # entered before it was cancelled
            row(event_name="职工疗休养", start_date="2025-10-08", name="钱七"),
            row(event_name="迎新年文艺汇演", start_date="2026-12-30", name="钱七", item="合唱"),
            row(event_name="迎新年文艺汇演", start_date="2026-12-30", name="孙八", item="合唱")]
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", rows))
    assert [r.action for r in plan.rows] == ["unchanged", "invalid", "new", "new"]
    assert texts(plan) == ["第5行 姓名：活动“职工疗休养”已取消，不能再导入参加人员；如活动照常举办，请先修改活动状态"]
    commit_import(db, plan, skip_invalid=True)
    show = events_by_name(db)["迎新年文艺汇演"]
    assert (show["status"], show["kind"]) == ("计划", "文艺演出")  # not started yet: 计划
    assert [(i["name"], i["entries"]) for i in event_items(db, show["id"])] == [("合唱", 2)]


@pytest.mark.parametrize("cells, message", [
    (row(**GAMES, name="张无忌"), "第4行 姓名：会员名册中没有名为“张无忌”的会员（已作废的会员不能导入活动记录）"),
    (row(**GAMES, name="李四"), "第4行 姓名：有2名会员叫李四，请补充身份证号或部门"),
    (row(**GAMES, name="李四", id_number=VALID_IDS["man_1985"]),
     "第4行 姓名：身份证号 110101198503070013 是会员“张三”的，与姓名“李四”不一致，请核对"),
    (row(**{**GAMES, "kind": "赛龙舟"}, name="王五"),
     f"第4行 活动类型：“赛龙舟”不是可选的活动类型（可选：{KINDS}）；如确需使用，请先在“设置 → 选项表”中添加"),
    (row(**{**GAMES, "holiday": "端午"}, name="王五"),
     "第4行 节日：“端午”不是可选的节日（可选：元旦、春节、三八、五一、五四、七一、中秋、国庆、教师节、重阳）；"
     "如确需使用，请先在“设置 → 选项表”中添加"),
    (row(**GAMES, name="王五", stage="八强赛", rank=3),
     "第4行 比赛阶段：“八强赛”不是可选的比赛阶段（可选：初赛、复赛、决赛）；如确需使用，请先在“设置 → 选项表”中添加"),
    (row(**GAMES, name="王五", grade="特等奖"),
     "第4行 获奖等级：“特等奖”不是可选的获奖等级（可选：一等奖、二等奖、三等奖、优秀奖、十佳、技术能手、团体第一名、"
     "团体第二名、团体第三名、组织奖）；如确需使用，请先在“设置 → 选项表”中添加"),
    (row(**{**GAMES, "start_date": "2025-13-01"}, name="王五"), "第4行 开始日期：日期“2025-13-01”不存在"),
    (row(**GAMES, end_date="明年五月", name="王五"),
     "第4行 结束日期：无法识别日期“明年五月”，请写成 2024-05-03 这样的形式"),
    (row(**GAMES, end_date="2025-04-30", name="王五"), "第4行 结束日期：结束日期 2025-04-30 早于开始日期 2025-05-01"),
    (row(**{**GAMES, "start_date": None}, name="王五"), "第4行 开始日期：请填写开始日期（同一活动的每一行都要填写）"),
    (row(**{**GAMES, "event_name": None}, name="王五"), "第4行 活动名称：请填写活动名称（同一活动的每一行都要填写）"),
    (row(**GAMES, cost=-100, name="王五"), "第4行 经费：金额“-100”不能为负数"),
    (row(**GAMES, name="王五", prize="-50"), "第4行 奖金：金额“-50”不能为负数"),
    (row(**GAMES, name="王五", prize="五十元"), "第4行 奖金：金额“五十元”是大写汉字，请改写成阿拉伯数字（例如 100 或 100.00）"),
    (row(**{**GAMES, "start_date": "2026-12-20"}, name="王五", grade="一等奖"),
     "第4行 获奖等级：活动“第3届职工运动会”2026-12-20 才开始，还不能登记成绩"),
    (row(**{**GAMES, "start_date": "2026-12-20"}, status="已举办", name="王五"),
     "第4行 状态：开始日期 2026-12-20 晚于今天，活动还不能标为“已举办”"),
    (row(**GAMES, status="延期", name="王五"),
     "第4行 状态：“延期”应为：计划、已举办、已取消（不填时按开始日期：已开始的为已举办，其余为计划）"),
    (row(**GAMES, status="已取消", name="王五"),
     "第4行 姓名：活动“第3届职工运动会”已取消，不能再导入参加人员；如活动照常举办，请先修改活动状态"),
    (row(**GAMES, organiser_kind="上级", name="王五"), "第4行 主办单位：上级主办的活动请填写主办单位"),
    (row(**GAMES, organiser_kind="友邻", name="王五"), "第4行 主办方：“友邻”应为：本会、上级、外单位"),
    (row(**GAMES, organiser="某某集团", name="王五"), "第4行 主办方：填写了主办单位“某某集团”，请在主办方中注明“上级”或“外单位”"),
    (row(**{**GAMES, "kind": None, "event_name": "迎新春活动"}, name="王五"), f"第4行 活动类型：请填写活动类型（可选：{KINDS}）"),
    (row(**{**GAMES, "edition": "第X届"}, name="王五"), "第4行 届次：“第X届”不是届次，请填写数字，如 3（表示第3届）"),
    (row(**{**GAMES, "event_name": "第2届职工运动会"}, name="王五"), "第4行 届次：届次 3 与活动名称中的届次不一致"),
    (row(**GAMES, name="王五", rank="前三"), "第4行 名次：“前三”不是名次，名次应为不小于1的整数（如 1 或“第一名”）"),
    (row(**GAMES, name="王五", rank=0), "第4行 名次：“0”不是名次，名次应为不小于1的整数（如 1 或“第一名”）"),
    (row(**GAMES, item="拔河", team="一车间队", captain="可能", name="李四", sub_unit="一车间"),
     "第4行 队长：“可能”应填“是”或“否”"),
    (row(**GAMES, item="拔河", team_item="混合", team="一车间队", name="钱七"),
     "第4行 团体项目：“混合”应填“是”或“否”（也可填“团体”或“个人”）"),
    (row(**GAMES, captain="是", name="王五"), "第4行 队长：没有填写队名：“队长”只用于队伍的队员"),
    (row(**GAMES, item="拔河", team_item="是", name="王五"), "第4行 队名：“拔河”是团体项目，请填写队名（每名队员一行）"),
    (row(**GAMES, item="100米", team_item="否", team="一车间队", name="钱七"),
     "第4行 队名：“100米”是个人项目，不要填写队名（团体项目请在“团体项目”一栏填“是”）"),
    (row(**GAMES, team="一车间队", grade="团体第一名"),
     "第4行 队名：队伍“一车间队”没有队员：请每名队员填写一行（姓名、身份证号或部门）"),
    (row(**GAMES, awardee="本会", name="王五", grade="组织奖"),
     "第4行 获奖单位：获奖单位与姓名、队名只填一项（个人或队伍的成绩不要填写获奖单位）"),
    (row(**GAMES, awardee="本会"), "第4行 获奖单位：请填写获奖单位“本会”的获奖等级、名次或奖金"),
    (row(**GAMES, grade="一等奖"), "第4行 获奖等级：成绩请填写在参赛人员、队伍或获奖单位的行上（本行没有姓名、队名或获奖单位）"),
    (row(**GAMES, name="王五", promoted="否", upstream_round="市级决赛"),
     "第4行 推荐上级：填写了上级比赛或其结果，推荐上级应为“是”"),
])
def test_every_problem_names_the_row_and_the_field(tmp_path, db, union, cells, message):
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", [cells]))
    assert plan.counts()["invalid"] == 1
    assert texts(plan) == [message]


def test_the_event_columns_of_its_rows_must_agree(tmp_path, db, union):
    rows = [row(**GAMES, cost=5000, item="100米", name="张三"),
            row(**GAMES, cost=6000, item="100米", name="王五"),
            row(**{**GAMES, "kind": "技能比武"}, item="100米", name="钱七"),
            row(**SKILL, item="钳工", name="孙八")]
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", rows))
    assert [r.action for r in plan.rows] == ["invalid", "invalid", "invalid", "new"]
    assert texts(plan) == [
        "第4行 所属活动：活动“第3届职工运动会”（2025-05-01）有错误（见第5行），该活动的各行都不导入",
        "第5行 经费：同一活动各行不一致：第4行为“5,000元”，本行为“6,000元”；请改为一致（也可只在一行填写）",
        "第6行 活动类型：同一活动各行不一致：第4行为“文体活动”，本行为“技能比武”；请改为一致（也可只在一行填写）"]
    assert [e.title for e in plan.events] == ["第2届职工技能大赛"]


def test_a_team_result_written_on_member_rows_must_agree(tmp_path, db, union):
    rows = [row(**GAMES, item="拔河", team="一车间队", captain="是", name="李四", sub_unit="一车间", grade="团体第一名",
                prize=1000),
            row(**GAMES, item="拔河", team="一车间队", name="钱七", grade="团体第二名"),
            row(**GAMES, item="拔河", team="一车间队", name="孙八", prize=1000, captain="是"),
            row(**GAMES, item="拔河", team="办公室", name="王五", grade="团体第三名")]
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", rows))
    assert [r.action for r in plan.rows] == ["invalid", "invalid", "invalid", "new"]
    assert texts(plan) == [
        "第4行 队长：队伍“一车间队”有2名队长（第4行李四，第6行孙八），每队只能有一名队长",
        "第5行 获奖等级：队伍“一车间队”在“拔河”的团体成绩各行不一致：第4行为“团体第一名”，本行为“团体第二名”；"
        "请改为一致（也可只在一行填写）",
        "第6行 队长：队伍“一车间队”有2名队长（第4行李四，第6行孙八），每队只能有一名队长"]


def test_rows_of_the_same_result_must_agree(tmp_path, db, union):
    rows = [row(**GAMES, item="100米", name="王五", stage="决赛", rank=1),
            row(**GAMES, item="100米", name="王五", stage="决赛", rank=2),
            row(**GAMES, item="100米", name="王五", stage="初赛", rank=1)]
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", rows))
    assert [r.action for r in plan.rows] == ["invalid", "invalid", "new"]
    assert texts(plan) == [
        "第4行 成绩：与第5行是同一成绩（王五在“100米”决赛的成绩），第5行有错误，这几行都不导入",
        "第5行 名次：王五在“100米”决赛的成绩各行不一致：第4行为“第1名”，本行为“第2名”；请改为一致（也可只在一行填写）"]


def test_a_team_with_a_bad_row_drops_as_a_whole(tmp_path, db, union):
    rows = [*GOOD[:6], row(**GAMES, item="拔河", team="一车间队", name="张无忌")]
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", rows))
    assert [r.action for r in plan.rows] == ["new", "new", "invalid", "invalid", "new", "new", "invalid"]
    assert texts(plan) == [
        "第6行 队名：队伍“一车间队”有错误（见第10行），全队各行都不导入",
        "第7行 队名：队伍“一车间队”有错误（见第10行），全队各行都不导入",
        "第10行 姓名：会员名册中没有名为“张无忌”的会员（已作废的会员不能导入活动记录）"]
    with pytest.raises(ImportBlocked, match="有 3 行数据有问题"):
        commit_import(db, plan)
    assert table_counts(db) == dict.fromkeys(TABLES, 0)
    result = commit_import(db, plan, skip_invalid=True)
    assert (result.teams, result.team_entries, result.skipped) == (1, 1, 3)
    event_id = events_by_name(db)["职工运动会"]["id"]
    assert [t["name"] for t in event_teams(db, event_id)] == ["办公室"]
    assert [a["name"] for a in award_rows(db, event_id)] == ["张三", "王五", "办公室", "本会"]


def test_skip_invalid_drops_an_event_with_bad_columns(tmp_path, db, union):
    rows = [*GOOD[6:9], row(**{**GAMES, "kind": "赛龙舟"}, item="100米", name="张三"),
            row(**GAMES, item="100米", name="王五")]
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", rows))
    assert [r.action for r in plan.rows] == ["new", "new", "new", "invalid", "invalid"]
    assert texts(plan)[-1] == "第8行 所属活动：活动“第3届职工运动会”（2025-05-01）有错误（见第7行），该活动的各行都不导入"
    commit_import(db, plan, skip_invalid=True)
    assert list(events_by_name(db)) == ["职工技能大赛"]


def test_a_cancel_during_the_commit_writes_nothing(tmp_path, db, union):
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", GOOD))
    with pytest.raises(Cancelled):
        commit_import(db, plan, is_cancelled=lambda: True)
    assert table_counts(db) == dict.fromkeys(TABLES, 0)


def test_a_database_changed_since_the_check_writes_nothing(tmp_path, db, union):
    plan = plan_file(db, write_sheet(tmp_path / "活动.xlsx", GOOD))
    union["members"].void(union["people"]["孙八"], "重复录入")
    with pytest.raises(UserError, match="第10行：.*数据库在检查之后被修改过"):
        commit_import(db, plan)
    assert table_counts(db) == dict.fromkeys(TABLES, 0)


def test_a_mapping_without_a_start_date_is_refused(tmp_path, db, union):
    source = open_source(write_sheet(tmp_path / "活动.xlsx", GOOD))
    mapping = {column: key for column, key in source.mapping.items() if key != "start_date"}
    with pytest.raises(UserError, match="列对应中缺少“开始日期”"):
        plan_import(db, source, mapping, today=TODAY)


# --- the command line ----------------------------------------------------------------------------------------------
def test_the_command_prints_the_plan_and_imports(tmp_path, db_path, db, union):
    path = write_sheet(tmp_path / "活动.xlsx", GOOD)
    out = io.StringIO()
    assert events_import_command(db_path, path, dry_run=False, skip_invalid=False, out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[:4] == [f"文件：{path}", "工作表：活动", "表头：第3行", "列对应："]
    assert "  经费（元） → 经费（元）" in lines and "未使用的列：序号" in lines
    assert "检查结果：可导入 10 行，已有记录（不再导入）0 行，有问题 0 行。" in lines
    assert ("将新建活动 3 场；新增项目 3 个、队伍 2 支（队员 3 人）、个人报名 4 人次、队伍报名 2 个、成绩 7 条。"
            in lines)
    assert lines[-1] == ("导入完成：新建活动 3 场；新增项目 3 个、队伍 2 支（队员 3 人）、个人报名 4 人次、队伍报名 2 个、"
                         "成绩 7 条；已有记录未重复导入 0 行，跳过 0 行。")
    assert len(event_ids(db, EventFilter())) == 3


def test_the_cli_command_and_its_exit_codes(tmp_path, db_path, db, union, capsys):
    good = write_sheet(tmp_path / "good.xlsx", GOOD[6:9])
    bad = write_sheet(tmp_path / "bad.xlsx", [*GOOD[:2], row(**GAMES, item="100米", name="张无忌")])
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_text("x", encoding="utf-8")

    def run(path, *options) -> tuple[int, str]:
        code = cli.main(["events", "import", str(path), "--db", str(db_path), *options])
        return code, capsys.readouterr().out

    code, text = run(good, "--dry-run")
    assert code == 0 and "试运行：没有写入数据库。" in text and table_counts(db)["events"] == 0
    code, text = run(bad, "--dry-run")
    assert code == 1 and "第6行 姓名：会员名册中没有名为“张无忌”的会员" in text and table_counts(db)["events"] == 0
    code, text = run(bad)
    assert code == 1 and "加上 --skip-invalid" in text and table_counts(db)["events"] == 0
    code, text = run(bad, "--skip-invalid")
    assert code == 0 and "跳过 1 行" in text and table_counts(db)["event_participants"] == 2
    assert run(good)[0] == 0 and table_counts(db)["events"] == 2
    before = table_counts(db)
    code, text = run(good)
    assert code == 0 and "导入完成：新建活动 0 场；新增个人报名 0 人次、成绩 0 条；已有记录未重复导入 3 行" in text
    assert table_counts(db) == before
    assert cli.main(["events", "import", str(unreadable), "--db", str(db_path)]) == 2
    assert "错误：文件“x.xlsx”不是 Excel 表格" in capsys.readouterr().err
    assert "events" in cli.IMPORTERS


# --- the template --------------------------------------------------------------------------------------------------
def test_the_template_has_every_column_and_imports_when_filled(tmp_path, db, union):
    path = write_events_template(tmp_path / "模板.xlsx", db)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["活动导入", "填写说明"]
    sheet = workbook["活动导入"]
    headers = [c.value for c in sheet[3]]
    assert headers[:4] == ["活动名称*", "届次", "活动类型", "开始日期*"] and len(headers) == len(FIELDS)
    assert sheet.cell(4, FIELDS.index("id_number") + 1).number_format == "@"
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1 for v in sheet.data_validations.dataValidation}
    kind_column = openpyxl.utils.get_column_letter(FIELDS.index("kind") + 1)
    assert lists[kind_column] == f'"{KINDS.replace("、", ",")}"'
    help_rows = [[c.value for c in r] for r in workbook["填写说明"].iter_rows(min_row=2)]
    assert [r[0] for r in help_rows] == list(EVENT_IMPORT_FIELDS.values())
    assert plan_file(db, path).rows == []  # the blank template is an empty sheet, not an error
    for number, cells in enumerate(GOOD, start=4):  # filled from the first row under the header, as in Excel
        for column, value in enumerate(cells, start=1):
            sheet.cell(number, column, value)
    workbook.save(path)
    plan = plan_file(db, path)
    assert plan.counts() == {"new": 10, "unchanged": 0, "invalid": 0}
    assert plan.rows[0].row_number == 4


def test_a_csv_in_gbk_is_read_too(tmp_path, db, union):
    path = tmp_path / "活动.csv"
    path.write_bytes("活动名称,日期,类型,项目,姓名,名次\n职工乒乓球赛,2025/10/1,文体活动,男单,王五,1\n".encode("gb18030"))
    plan = plan_file(db, path)
    assert plan.counts()["new"] == 1 and plan.rows[0].writes == [
        "新建活动", "新建项目“男单”", "报名“男单”", "登记成绩"]
