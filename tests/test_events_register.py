"""The event register on a hand-made year: 人次 vs 人 with teams expanded, voided records left out, winners by
grade, the participation rate and its base, filters, orders, participant and award lists, a member's entries
and results; and the demo data checked by the store's own rules.

``make_year`` is shared with the providers' tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui_desk import demo
from gonghui_desk.db import open_database
from gonghui_desk.db.member_queries import MemberFilter
from gonghui_desk.events.register import (
    EVENT_SORTS, EventFilter, award_rows, entry_rows, event_ids, event_items, event_rows, event_teams, event_title,
    event_totals, held_counts, iter_award_rows, iter_events, iter_participant_persons, member_entries, member_results,
    members_on_roll, participant_ids, participant_rows,
)
from gonghui_desk.db.member_queries import status_on_sql
from gonghui_desk.events.store import EventInput, EventStore, ResultInput
from gonghui_desk.union import ensure_sub_unit_path
from tests.conftest import TODAY
from tests.test_care_visits import add_member

YEAR_2026 = EventFilter(date_from="2026-01-01", date_to="2026-12-31")


def make_year(db, store) -> dict:
    """2026 (and one 2025 event) of a small union:

    * 职工运动会 (第3届, 2026-05-01, held, 五一): 100米 (张三, 李四; 王五's entry voided) and 拔河 teams
      一车间队 (张三, 李四) and 行政部队 (王五, 钱七 — a member voided later); 张三 一等奖 sent on to 市级决赛,
      李四 二等奖, 一车间队 团体第一名, 行政部队 团体第二名, 组织奖 to 行政部, and a voided result.
    * 法律知识竞赛 (2026-09-01, held): every member 在册 that day by criteria (张三, 李四, 王五, 周九 — who
      joined on 10-01 — and 钱七), plus 孙八 (转出 on 10-01) and 赵六 (退休 since 06-01) one by one.
    * 工会干部培训 (2025-06-01, held, by the upstream union): 张三.
    * 迎新年文艺汇演 (2026-12-20, planned): 王五 registered. 登山 (2026-03-01, cancelled): 李四 registered.
      A voided event with 张三 entered.
    * 吴十 is 在册 and never took part.
    """
    units = {"一车间": ensure_sub_unit_path(db, "一车间"),
             "甲班": ensure_sub_unit_path(db, "一车间/甲班", kind="工会小组"),
             "行政部": ensure_sub_unit_path(db, "行政部")}
    people = {
        "张三": add_member(store, "张三", sex="男", sub_unit_id=units["甲班"]),
        "李四": add_member(store, "李四", sex="女", sub_unit_id=units["一车间"]),
        "王五": add_member(store, "王五", sex="男", sub_unit_id=units["行政部"]),
        "赵六": add_member(store, "赵六", sex="女", sub_unit_id=units["行政部"], status="退休", status_date="2026-06-01"),
        "钱七": add_member(store, "钱七", sex="女", sub_unit_id=units["行政部"]),
        "孙八": add_member(store, "孙八", sex="男", sub_unit_id=units["一车间"], status="转出", status_date="2026-10-01"),
        "周九": add_member(store, "周九", sex="男", sub_unit_id=units["甲班"], join_date="2026-10-01"),
    }
    es = EventStore(db, today=TODAY)
    ev = {}
    ev["games"] = es.create(EventInput("职工运动会", "文体活动", "2026-05-01", edition=3, holiday="五一", cost_fen=500000,
                                       status="已举办"))
    run = es.add_item(ev["games"], "100米")
    tug = es.add_item(ev["games"], "拔河", team_item=True)
    entries = es.add_members(ev["games"], [people["张三"], people["李四"], people["王五"]], item_id=run).entry_ids
    es.void_entry(entries[2], "未参赛")
    workshop = es.create_team(ev["games"], "一车间队", [people["张三"], people["李四"]], captain_member_id=people["李四"],
                              sub_unit_id=units["一车间"])
    office = es.create_team(ev["games"], "行政部队", [people["钱七"], people["王五"]], sub_unit_id=units["行政部"])
    workshop_entry = es.add_team(ev["games"], workshop, item_id=tug)
    office_entry = es.add_team(ev["games"], office, item_id=tug)
    results = {
        "张三": es.record_result(ev["games"], ResultInput(
            participant_id=entries[0], stage="决赛", rank=1, grade="一等奖", prize_fen=50000, promoted=True,
            upstream_round="市级决赛", upstream_result="二等奖")),
        "张三初赛": es.record_result(ev["games"], ResultInput(participant_id=entries[0], stage="初赛", rank=2,
                                                              notes="晋级决赛")),
        "李四": es.record_result(ev["games"], ResultInput(participant_id=entries[1], stage="决赛", rank=2, grade="二等奖",
                                                         prize_fen=30000)),
        "一车间队": es.record_result(ev["games"], ResultInput(participant_id=workshop_entry, rank=1, grade="团体第一名",
                                                               prize_fen=100000)),
        "行政部队": es.record_result(ev["games"], ResultInput(participant_id=office_entry, rank=2, grade="团体第二名",
                                                               prize_fen=60000)),
        "组织奖": es.record_result(ev["games"], ResultInput(awardee="行政部", grade="组织奖", prize_fen=20000)),
        "voided": es.record_result(ev["games"], ResultInput(awardee="一车间", grade="组织奖", prize_fen=99900)),
    }
    es.void_result(results["voided"], "重复登记")
    ev["quiz"] = es.create(EventInput("法律知识竞赛", "知识竞赛", "2026-09-01", cost_fen=100000, status="已举办"))
    quiz = es.add_by_criteria(ev["quiz"], MemberFilter(status="在册"), label="全体在册会员")
    quiz_more = es.add_members(ev["quiz"], [people["孙八"], people["赵六"]])
    people["吴十"] = add_member(store, "吴十", sex="女", sub_unit_id=units["行政部"])  # recorded after the quiz
    ev["training"] = es.create(EventInput("工会干部培训", "讲座/培训", "2025-06-01", organiser_kind="上级",
                                          organiser="某区总工会", status="已举办", cost_fen=70000))
    es.add_members(ev["training"], [people["张三"]])
    ev["show"] = es.create(EventInput("迎新年文艺汇演", "文艺演出", "2026-12-20", holiday="元旦", cost_fen=300000))
    es.add_members(ev["show"], [people["王五"]])
    ev["hike"] = es.create(EventInput("秋季登山", "文体活动", "2026-03-01", cost_fen=1000))
    es.add_members(ev["hike"], [people["李四"]])
    es.set_status(ev["hike"], "已取消")
    ev["voided"] = es.create(EventInput("录错的活动", "文体活动", "2026-04-01", status="已举办"))
    es.add_members(ev["voided"], [people["张三"]])
    es.void(ev["voided"], "重复录入")
    store.void(people["钱七"], "重复录入")
    return {"db": db, "store": es, "people": people, "units": units, "events": ev, "results": results,
            "entries": {"张三": entries[0], "李四": entries[1], "一车间队": workshop_entry, "行政部队": office_entry},
            "teams": {"一车间队": workshop, "行政部队": office}, "items": {"100米": run, "拔河": tug},
            "quiz_warnings": quiz.warnings + quiz_more.warnings}


@pytest.fixture
def year(db, store):
    return make_year(db, store)


def _names(year, ids) -> list[str]:
    by_id = {v: k for k, v in year["events"].items()}
    return [by_id[i] for i in ids]


# --- totals ------------------------------------------------------------------------------------------------
def test_person_times_and_persons_with_teams_expanded(year):
    totals = event_totals(year["db"], YEAR_2026, today=TODAY)
    assert (totals.events, totals.planned, totals.cancelled) == (2, 1, 1)
    # 运动会: 100米 张三 李四 + 一车间队 张三 李四 + 行政部队 王五 (钱七 voided) = 5; 竞赛: 张三 李四 王五 周九 孙八 赵六 = 6
    assert totals.person_times == 11
    assert totals.persons == 6
    assert totals.teams == 2
    assert totals.cost_fen == 600000  # held events only
    assert totals.by_kind == {"知识竞赛": (1, 6, 6), "文体活动": (1, 5, 3)}


def test_winners_by_grade_and_promotion(year):
    totals = event_totals(year["db"], YEAR_2026, today=TODAY)
    assert totals.by_grade == {"一等奖": (1, 1), "二等奖": (1, 1), "团体第一名": (2, 2), "团体第二名": (1, 1)}
    assert list(totals.by_grade) == ["一等奖", "二等奖", "团体第一名", "团体第二名"]  # in the list's order
    assert totals.awards == 5 and totals.winners == 3  # 张三 and 李四 twice, 王五 once
    assert totals.collective_awards == 1  # 组织奖 to 行政部; the voided one is out
    assert (totals.promoted, totals.promoted_persons) == (1, 1)
    assert totals.prize_fen == 50000 + 30000 + 100000 + 60000 + 20000


def test_participation_rate_states_its_base(year):
    totals = event_totals(year["db"], YEAR_2026, today=TODAY)
    # the base is today (the period ends later): 在册 张三 李四 王五 周九 吴十 (赵六 退休, 孙八 转出, 钱七 voided)
    assert (totals.base_date, totals.base_members, totals.base_persons) == ("2026-11-22", 5, 4)
    assert totals.participation_rate == pytest.approx(0.8)
    assert totals.rate_base_text == "参加活动的在册会员4人 ÷ 2026-11-22在册会员5人"
    # ending on 09-30: 孙八 still 在册, 周九 not yet a member
    earlier = event_totals(year["db"], EventFilter(date_from="2026-01-01", date_to="2026-09-30"), today=TODAY)
    assert (earlier.base_date, earlier.base_members, earlier.base_persons) == ("2026-09-30", 5, 4)
    assert members_on_roll(year["db"], "2026-09-30") == 5 and members_on_roll(year["db"], "2026-11-22") == 5
    assert members_on_roll(year["db"], "2009-12-31") == 0


def test_the_base_reads_the_status_history_when_a_change_comes_later(year):
    """A status change dated after the base day: the status history, not the status column, decides."""
    year_2025 = event_totals(year["db"], EventFilter(date_from="2025-01-01", date_to="2025-12-31"), today=TODAY)
    assert (year_2025.events, year_2025.person_times, year_2025.persons) == (1, 1, 1)
    # 2025-12-31: 张三 李四 王五 赵六 孙八 吴十 were 在册 (钱七 voided, 周九 not yet a member)
    assert (year_2025.base_members, year_2025.base_persons) == (6, 1)


def test_an_empty_period_has_no_rate(db):
    totals = event_totals(db, YEAR_2026, today=TODAY)
    assert totals.events == 0 and totals.participation_rate is None and totals.by_grade == {}


def test_held_counts_is_the_light_part(year):
    light = held_counts(year["db"], YEAR_2026)
    assert (light.events, light.planned, light.cancelled, light.person_times, light.persons) == (2, 1, 1, 11, 6)


# --- filters, orders, rows ---------------------------------------------------------------------------------
def test_filters(year):
    db = year["db"]
    assert _names(year, event_ids(db, EventFilter())) == ["show", "quiz", "games", "hike", "training"]
    assert _names(year, event_ids(db, YEAR_2026)) == ["show", "quiz", "games", "hike"]
    assert _names(year, event_ids(db, EventFilter(kinds=("文体活动", "讲座/培训")))) == ["games", "hike", "training"]
    assert _names(year, event_ids(db, EventFilter(kinds=()))) == []
    assert _names(year, event_ids(db, EventFilter(status="已举办"))) == ["quiz", "games", "training"]
    assert _names(year, event_ids(db, EventFilter(status=("计划", "已取消")))) == ["show", "hike"]
    assert _names(year, event_ids(db, EventFilter(organiser_kind="上级"))) == ["training"]
    assert _names(year, event_ids(db, EventFilter(holiday="五一"))) == ["games"]
    assert _names(year, event_ids(db, EventFilter(search="竞赛"))) == ["quiz"]
    assert _names(year, event_ids(db, EventFilter(search="职工 会"))) == ["games"]
    assert _names(year, event_ids(db, EventFilter(search="100%"))) == []


def test_orders(year):
    db = year["db"]
    assert _names(year, event_ids(db, EventFilter(), "start_date", descending=False)) == [
        "training", "hike", "games", "quiz", "show"]
    assert _names(year, event_ids(db, EventFilter(), "cost", descending=True)) == [
        "games", "show", "quiz", "training", "hike"]
    assert _names(year, event_ids(db, EventFilter(), "status", descending=False)) == [
        "show", "training", "games", "quiz", "hike"]
    for order in EVENT_SORTS:
        assert len(event_ids(db, EventFilter(), order)) == 5
    with pytest.raises(ValueError):
        event_ids(db, EventFilter(), "entries")


def test_event_rows_carry_the_figures(year):
    db, ev = year["db"], year["events"]
    rows = event_rows(db, [ev["games"], ev["quiz"], ev["show"], ev["hike"]])
    games = rows[ev["games"]]
    assert games["title"] == "第3届职工运动会" and games["items"] == 2
    assert (games["entries_count"], games["persons"], games["teams"]) == (5, 3, 2)
    assert (games["results"], games["awards"], games["winners"], games["prize_fen"]) == (6, 5, 3, 260000)
    assert games["cost_fen"] == 500000
    assert (rows[ev["quiz"]]["entries_count"], rows[ev["quiz"]]["persons"]) == (6, 6)
    # a planned or cancelled event shows its registrations; the totals leave them out
    assert rows[ev["show"]]["entries_count"] == 1 and rows[ev["hike"]]["entries_count"] == 1
    assert [r["id"] for r in iter_events(db, YEAR_2026, batch=2)] == [ev["hike"], ev["games"], ev["quiz"], ev["show"]]


def test_event_title():
    assert event_title("职工技能大赛", 3) == "第3届职工技能大赛"
    assert event_title("职工技能大赛", None) == "职工技能大赛"
    assert event_title("第三届职工技能大赛", 3) == "第三届职工技能大赛"
    assert event_title("2026年第3届职工运动会", 3) == "2026年第3届职工运动会"


# --- one event ---------------------------------------------------------------------------------------------
def test_participant_rows_list_teams_with_their_members(year):
    db, people = year["db"], year["people"]
    rows = participant_rows(db, year["events"]["games"])
    assert [(r["item_name"], r["kind"], r["member_name"] or r["team_name"]) for r in rows] == [
        ("100米", "个人", "李四"), ("100米", "个人", "张三"), ("拔河", "团体", "一车间队"), ("拔河", "团体", "行政部队")]
    zhang = rows[1]
    assert zhang["sub_unit_path"] == "一车间/甲班" and zhang["members"] == [] and zhang["person_times"] == 1
    workshop = rows[2]
    assert workshop["sub_unit_path"] == "一车间" and workshop["person_times"] == 2
    assert [(m["name"], m["captain"]) for m in workshop["members"]] == [("李四", True), ("张三", False)]
    assert [m["name"] for m in rows[3]["members"]] == ["王五"]  # 钱七's record is voided
    persons = list(iter_participant_persons(db, year["events"]["games"]))
    assert [(p["item_name"], p["member_name"], p["team_name"]) for p in persons] == [
        ("100米", "李四", ""), ("100米", "张三", ""), ("拔河", "李四", "一车间队"), ("拔河", "张三", "一车间队"),
        ("拔河", "王五", "行政部队")]
    quiz = participant_rows(db, year["events"]["quiz"])
    assert {r["source"] for r in quiz} == {"全体在册会员", ""}
    assert people["钱七"] not in {r["member_id"] for r in quiz}


def test_participant_ids_by_item_search_and_order(year):
    db, ev, items = year["db"], year["events"], year["items"]
    entries = year["entries"]
    assert participant_ids(db, ev["games"], item_id=items["拔河"]) == [entries["一车间队"], entries["行政部队"]]
    assert participant_ids(db, ev["games"], item_id=None) == []
    assert participant_ids(db, ev["games"], search="zs") == [entries["张三"], entries["一车间队"]]  # 张三 and his team
    assert participant_ids(db, ev["games"], search="行政") == [entries["行政部队"]]
    assert participant_ids(db, ev["games"], order="entered") == sorted(entries.values())
    rows = entry_rows(db, [entries["李四"]])
    assert rows[entries["李四"]]["member_name"] == "李四" and rows[entries["李四"]]["kind"] == "个人"
    with pytest.raises(ValueError):
        participant_ids(db, ev["games"], order="rank")


def test_items_and_teams_of_an_event(year):
    db, ev = year["db"], year["events"]
    assert [(i["name"], i["team_item"], i["entries"]) for i in event_items(db, ev["games"])] == [
        ("100米", 0, 2), ("拔河", 1, 2)]
    teams = event_teams(db, ev["games"])
    assert [(t["name"], t["captain_name"], t["sub_unit_path"], len(t["members"])) for t in teams] == [
        ("一车间队", "李四", "一车间", 2), ("行政部队", None, "行政部", 1)]


def test_award_rows_in_list_order(year):
    rows = award_rows(year["db"], year["events"]["games"])
    assert [(r["item_name"], r["stage"], r["rank"], r["grade"], r["name"], r["kind"]) for r in rows] == [
        ("100米", "初赛", 2, "", "张三", "个人"),
        ("100米", "决赛", 1, "一等奖", "张三", "个人"),
        ("100米", "决赛", 2, "二等奖", "李四", "个人"),
        ("拔河", "", 1, "团体第一名", "一车间队", "团体"),
        ("拔河", "", 2, "团体第二名", "行政部队", "团体"),
        ("", "", None, "组织奖", "行政部", "单位"),
    ]
    first = rows[1]
    assert first["sub_unit_path"] == "一车间/甲班" and first["prize_fen"] == 50000 and first["awarded"]
    assert first["promoted"] is True and (first["upstream_round"], first["upstream_result"]) == ("市级决赛", "二等奖")
    assert rows[3]["team_members"] == "李四、张三" and rows[3]["sub_unit_path"] == "一车间"
    assert rows[4]["team_members"] == "王五"
    assert not rows[0]["awarded"]
    across = list(iter_award_rows(year["db"], YEAR_2026))
    assert len(across) == 6 and {r["event_title"] for r in across} == {"第3届职工运动会"}


# --- one member -----------------------------------------------------------------------------------------------
def test_member_entries_include_team_entries(year):
    db, people = year["db"], year["people"]
    entries = member_entries(db, people["张三"])
    assert [(e["event_title"], e["item_name"], e["team_name"], e["via_team"]) for e in entries] == [
        ("法律知识竞赛", "", "", False), ("第3届职工运动会", "100米", "", False),
        ("第3届职工运动会", "拔河", "一车间队", True), ("工会干部培训", "", "", False)]  # not the voided event
    assert [e["event_title"] for e in member_entries(db, people["李四"])].count("秋季登山") == 1  # status tells
    results = member_results(db, people["张三"])
    assert [(r["item_name"], r["stage"], r["grade"], r["via_team"]) for r in results] == [
        ("100米", "决赛", "一等奖", False), ("100米", "初赛", "", False), ("拔河", "", "团体第一名", True)]
    assert {r["grade"] for r in member_results(db, people["王五"])} == {"团体第二名"}  # 100米 entry was voided


def test_a_team_member_removed_from_the_team_loses_its_entries(year):
    es, people = year["store"], year["people"]
    es.remove_team_members(year["teams"]["一车间队"], [people["张三"]])
    assert [e["item_name"] for e in member_entries(year["db"], people["张三"])] == ["", "100米", ""]
    totals = event_totals(year["db"], YEAR_2026, today=TODAY)
    assert totals.person_times == 10 and totals.by_grade["团体第一名"] == (1, 1)


def test_entry_warnings_of_the_year(year):
    assert year["quiz_warnings"] == ["周九在 2026-09-01 尚未入会", "赵六在 2026-09-01 的会员状态为“退休”"]


# --- the demo data --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["school", "company"])
def demo_db(request, tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp(request.param) / "demo.sqlite3")
    demo.generate_demo(db, kind=request.param, seed=5, today=TODAY)
    yield db
    db.conn.close()


def test_demo_events_pass_the_stores_own_checks(demo_db):
    db = demo_db
    es = EventStore(db, today=TODAY)
    events = list(db.query("SELECT * FROM events"))
    assert len(events) >= 12
    for row in events:
        _values, problems = es.normalize(es.as_input(row["id"]), current=row)
        assert problems == [], (row["name"], problems)
    assert {r["status"] for r in events} == {"计划", "已举办", "已取消"}
    assert sum(r["status"] == "已取消" for r in events) == 1
    assert 1 <= sum(r["status"] == "计划" for r in events) <= 2
    assert all(r["start_date"] > TODAY.isoformat() for r in events if r["status"] == "计划")
    assert all(r["start_date"] >= "2024-11-23" for r in events)  # two years up to today
    for row in db.query("SELECT r.*, e.status AS event_status, e.start_date FROM event_results r "
                        "JOIN events e ON e.id = r.event_id"):
        assert row["event_status"] == "已举办" and row["start_date"] <= TODAY.isoformat()
        current = {k: row[k] for k in ("stage", "grade")}
        _values, problems = es.normalize_result(row["event_id"], es.result_as_input(row["id"]), result_id=row["id"],
                                                current=current)
        assert problems == [], (row, problems)
    # entries: members live and 在册 on the day, team items take teams only, items of the same event
    # a planned event's performers were 在册 when entered (today), the others on the event's day
    day = f"CASE WHEN e.status = '计划' THEN '{TODAY.isoformat()}' ELSE e.start_date END"
    off_roll = f"m.voided_at IS NOT NULL OR {status_on_sql('m.id', day)} IS NOT '在册'"
    assert db.execute(f"""SELECT count(*) FROM event_participants p JOIN events e ON e.id = p.event_id
                          JOIN members m ON m.id = p.member_id WHERE {off_roll}""").fetchone()[0] == 0
    assert db.execute(f"""SELECT count(*) FROM event_team_members tm JOIN event_teams t ON t.id = tm.team_id
                          JOIN events e ON e.id = t.event_id JOIN members m ON m.id = tm.member_id
                          WHERE {off_roll}""").fetchone()[0] == 0
    assert db.execute("""SELECT count(*) FROM event_participants p JOIN event_items i ON i.id = p.item_id
                         WHERE i.event_id <> p.event_id OR (i.team_item = 1) <> (p.team_id IS NOT NULL)"""
                      ).fetchone()[0] == 0
    for team in db.query("SELECT * FROM event_teams"):
        members = [r[0] for r in db.execute("SELECT member_id FROM event_team_members WHERE team_id = ?", [team["id"]])]
        assert members and team["captain_member_id"] in members


def test_demo_figures_make_sense(demo_db):
    db = demo_db
    totals = event_totals(db, EventFilter(date_from="2026-01-01", date_to="2026-12-31"), today=TODAY)
    assert totals.events >= 7 and totals.planned >= 1
    assert totals.person_times > totals.persons > 0
    assert totals.winners > 0 and totals.promoted >= 1 and totals.teams > 0
    assert 0 < totals.participation_rate <= 1
    assert sum(times for _, times in totals.by_grade.values()) == totals.awards
    assert db.execute("SELECT count(*) FROM event_participants WHERE source = '全体女会员'").fetchone()[0] > 0
    sexes = {r[0] for r in db.execute("SELECT m.sex FROM event_participants p JOIN members m ON m.id = p.member_id "
                                      "WHERE p.source = '全体女会员'")}
    assert sexes == {"女"}
    promoted = [r for r in iter_award_rows(db, EventFilter()) if r["promoted"]]
    assert promoted and all(r["upstream_round"] for r in promoted)
    assert any(r["upstream_result"] for r in promoted)  # last year's round has its result


def test_demo_is_fast_and_in_scale_for_a_large_company(tmp_path):
    db = open_database(tmp_path / "big.sqlite3")
    started = dt.datetime.now()
    demo.generate_demo(db, kind="company", members=5000, seed=2, today=TODAY)
    assert (dt.datetime.now() - started).total_seconds() < 60
    entries = db.execute("SELECT count(*) FROM event_participants").fetchone()[0]
    assert 2000 <= entries <= 20000  # about one entry per member a year
    db.conn.close()
