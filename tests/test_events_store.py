"""Recording events: the event's checks and status, items, teams, entries (one by one, by criteria, teams),
results and their rules, voiding."""

from __future__ import annotations

import pytest

from gonghui_desk import value_lists
from gonghui_desk.db.member_queries import MemberFilter
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.events import store as store_module
from gonghui_desk.events.store import EventInput, EventStore, ResultInput
from gonghui_desk.union import descendant_ids, ensure_sub_unit_path
from tests.conftest import TODAY
from tests.test_care_visits import add_member


@pytest.fixture
def events(db):
    return EventStore(db, today=TODAY)


@pytest.fixture
def people(db, store):
    units = {"一车间": ensure_sub_unit_path(db, "一车间"),
             "甲班": ensure_sub_unit_path(db, "一车间/甲班", kind="工会小组"),
             "行政部": ensure_sub_unit_path(db, "行政部")}
    return {
        "units": units,
        "张三": add_member(store, "张三", sex="男", sub_unit_id=units["甲班"]),
        "李四": add_member(store, "李四", sex="女", sub_unit_id=units["一车间"]),
        "王五": add_member(store, "王五", sex="男", sub_unit_id=units["行政部"]),
        "赵六": add_member(store, "赵六", sex="女", sub_unit_id=units["行政部"], status="退休",
                         status_date="2026-03-01"),
        "钱七": add_member(store, "钱七", sex="女", sub_unit_id=units["甲班"], join_date="2026-10-01"),
    }


def event(**values) -> EventInput:
    values.setdefault("name", "职工运动会")
    values.setdefault("kind", "文体活动")
    values.setdefault("start_date", "2026-05-01")
    return EventInput(**values)


@pytest.fixture
def games(events):
    """A held sports day with an individual item and a team item."""
    event_id = events.create(event(status="已举办", edition=3, holiday="五一", cost_fen=500000))
    return {"event": event_id, "run": events.add_item(event_id, "100米"),
            "tug": events.add_item(event_id, "拔河", team_item=True)}


def _fields(error: ValidationError) -> list[str]:
    return [p.field for p in error.problems]


# --- the event ------------------------------------------------------------------------------------------
def test_an_event_is_saved_as_typed(events):
    event_id = events.create(event(name=" 职工技能大赛 ", kind="技能比武", edition=3, start_date="2026/5/10",
                                   end_date="2026-05-12", organiser_kind="上级", organiser="某市总工会",
                                   holiday="五一", venue="实训基地", cost_fen=1500000, status="已举办"))
    row = events.get(event_id)
    assert (row["name"], row["start_date"], row["end_date"]) == ("职工技能大赛", "2026-05-10", "2026-05-12")
    assert (row["organiser_kind"], row["organiser"], row["holiday"], row["cost_fen"]) == ("上级", "某市总工会", "五一",
                                                                                          1500000)
    assert events.as_input(event_id).edition == 3


def test_this_union_needs_no_organiser_name(events):
    event_id = events.create(event(organiser="写错了"))
    assert events.get(event_id)["organiser"] == ""


@pytest.mark.parametrize("changes, field", [
    ({"name": "  "}, "name"),
    ({"kind": ""}, "kind"),
    ({"kind": "赛龙舟"}, "kind"),
    ({"holiday": "端午"}, "holiday"),
    ({"edition": 0}, "edition"),
    ({"edition": True}, "edition"),
    ({"organiser_kind": "上级"}, "organiser"),
    ({"organiser_kind": "协会"}, "organiser_kind"),
    ({"start_date": None}, "start_date"),
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"end_date": "2026-04-30"}, "end_date"),
    ({"cost_fen": -1}, "cost_fen"),
    ({"cost_fen": 12.5}, "cost_fen"),
    ({"status": "进行中"}, "status"),
    ({"status": "已举办", "start_date": "2026-11-23"}, "status"),  # held, but starts after today
])
def test_hard_errors_refuse_the_event(events, changes, field):
    with pytest.raises(ValidationError) as caught:
        events.create(event(**changes))
    assert field in _fields(caught.value)
    label = store_module.EVENT_FIELD_LABELS[field]
    assert str(caught.value).startswith(label) or f"；{label}：" in str(caught.value)


def test_a_retired_kind_stays_on_the_events_that_have_it(db, events):
    event_id = events.create(event(kind="岗位练兵", holiday="重阳"))
    value_lists.retire_value(db, "event.kind", "岗位练兵")
    value_lists.retire_value(db, "event.holiday", "重阳")
    events.update(event_id, event(kind="岗位练兵", holiday="重阳", venue="礼堂"))
    assert events.get(event_id)["venue"] == "礼堂"
    with pytest.raises(ValidationError):
        events.create(event(kind="岗位练兵"))


def test_status_follows_the_rules(events, games, people):
    planned = events.create(event(start_date="2026-12-20"))
    with pytest.raises(ValidationError, match="晚于今天"):
        events.set_status(planned, "已举办")
    events.set_status(planned, "已取消")
    assert events.get(planned)["status"] == "已取消"
    entry = events.add_members(games["event"], [people["张三"]], item_id=games["run"]).entry_ids[0]
    events.record_result(games["event"], ResultInput(participant_id=entry, grade="一等奖"))
    with pytest.raises(ValidationError, match="请先作废成绩"):
        events.set_status(games["event"], "已取消")
    events.set_status(games["event"], "计划")  # a held event back to planned is the officer's choice


def test_a_voided_event_needs_a_reason_and_takes_no_more_changes(events, games):
    with pytest.raises(UserError, match="原因"):
        events.void(games["event"], " ")
    events.void(games["event"], "重复录入")
    row = events.get(games["event"])
    assert row["voided_at"] and row["void_reason"] == "重复录入"
    with pytest.raises(UserError, match="已作废"):
        events.update(games["event"], event())
    with pytest.raises(UserError, match="已作废"):
        events.add_item(games["event"], "跳绳")


def test_changes_are_in_the_change_log(db, events, games):
    events.set_status(games["event"], "计划")
    events.update(games["event"], event(status="计划", cost_fen=600000))
    actions = [r[0] for r in db.execute("SELECT action FROM change_log WHERE table_name = 'events' AND record_id = ? "
                                        "ORDER BY id", [str(games["event"])])]
    assert actions == ["insert", "status", "update"]


# --- items --------------------------------------------------------------------------------------------------
def test_items_are_named_once_and_kept_in_order(db, events, games):
    with pytest.raises(ValidationError, match="已有名为“100米”"):
        events.add_item(games["event"], "100米")
    rope = events.add_item(games["event"], "跳绳")
    events.rename_item(rope, "跳长绳")
    events.reorder_items(games["event"], [rope, games["run"]])
    names = [r[0] for r in db.execute("SELECT name FROM event_items WHERE event_id = ? AND voided_at IS NULL "
                                      "ORDER BY sort_order, id", [games["event"]])]
    assert names == ["跳长绳", "100米", "拔河"]


def test_an_item_with_results_is_voided_only_after_them(db, events, games, people):
    entries = events.add_members(games["event"], [people["张三"], people["李四"]], item_id=games["run"]).entry_ids
    result = events.record_result(games["event"], ResultInput(participant_id=entries[0], rank=1, grade="一等奖"))
    with pytest.raises(UserError, match="已有1条成绩，请先作废这些成绩"):
        events.void_item(games["run"])
    events.void_result(result, "录错项目")
    events.void_item(games["run"])
    assert db.execute("SELECT count(*) FROM event_participants WHERE item_id = ? AND voided_at IS NULL",
                      [games["run"]]).fetchone()[0] == 0
    assert events.get_entry(entries[0])["void_reason"] == "项目“100米”作废"
    with pytest.raises(UserError, match="不属于该活动或已作废"):
        events.add_members(games["event"], [people["王五"]], item_id=games["run"])


def test_an_item_changes_sort_only_without_entries_of_the_other_sort(events, games, people):
    events.add_members(games["event"], [people["张三"]], item_id=games["run"])
    with pytest.raises(UserError, match="已有1个个人报名"):
        events.set_team_item(games["run"], True)
    events.set_team_item(games["tug"], False)
    events.add_members(games["event"], [people["张三"]], item_id=games["tug"])


# --- teams --------------------------------------------------------------------------------------------------
def test_a_team_and_its_members(db, events, games, people):
    team = events.create_team(games["event"], "一车间队", [people["张三"], people["李四"]],
                              captain_member_id=people["张三"], sub_unit_id=people["units"]["一车间"])
    assert events.team_member_ids(team) == [people["张三"], people["李四"]]
    with pytest.raises(ValidationError, match="已有名为“一车间队”"):
        events.create_team(games["event"], "一车间队", [people["王五"]])
    with pytest.raises(ValidationError, match="至少要有一名队员"):
        events.create_team(games["event"], "空队", [])
    with pytest.raises(ValidationError, match="队长应为本队队员"):
        events.create_team(games["event"], "行政部队", [people["王五"]], captain_member_id=people["张三"])
    with pytest.raises(ValidationError, match="不存在或已作废"):
        events.create_team(games["event"], "行政部队", [people["王五"], 9999])
    assert events.add_team_members(team, [people["李四"], people["王五"]]) == 1
    assert events.remove_team_members(team, [people["张三"], 9999]) == 1
    assert events.team_member_ids(team) == [people["李四"], people["王五"]]
    removed = db.execute("SELECT voided_at FROM event_team_members WHERE team_id = ? AND member_id = ?",
                         [team, people["张三"]]).fetchone()[0]
    assert removed  # voided, not deleted
    assert events._team(team)["captain_member_id"] is None  # the captain left the team
    with pytest.raises(UserError, match="至少要保留一名队员"):
        events.remove_team_members(team, [people["李四"], people["王五"]])
    events.update_team(team, name="一车间联队", captain_member_id=people["王五"])
    with pytest.raises(ValidationError, match="队长应为本队队员"):
        events.update_team(team, captain_member_id=people["张三"])
    assert events._team(team)["name"] == "一车间联队"


def test_voiding_a_team_voids_its_entries_and_results(db, events, games, people):
    team = events.create_team(games["event"], "一车间队", [people["张三"], people["李四"]])
    entry = events.add_team(games["event"], team, item_id=games["tug"])
    whole = events.add_team(games["event"], team)  # in the event as a whole as well
    result = events.record_result(games["event"], ResultInput(participant_id=entry, rank=1, grade="团体第一名"))
    with pytest.raises(UserError, match="原因"):
        events.void_team(team, "")
    events.void_team(team, "该队退赛")
    assert events.get_entry(entry)["voided_at"] and events.get_entry(whole)["voided_at"]
    assert events.get_result(result)["void_reason"] == "该队退赛"
    with pytest.raises(UserError, match="不存在或已作废"):
        events.add_team(games["event"], team, item_id=games["tug"])


# --- entries ---------------------------------------------------------------------------------------------------
def test_members_are_entered_once_per_event_and_item(db, events, games, people):
    first = events.add_members(games["event"], [people["张三"], people["李四"], people["张三"]], item_id=games["run"])
    assert first.added == 2 and first.skipped == 0 and first.warnings == []
    assert first.entry_ids == sorted(first.entry_ids)
    assert [events.get_entry(i)["member_id"] for i in first.entry_ids] == [people["张三"], people["李四"]]
    again = events.add_members(games["event"], [people["李四"], people["王五"]], item_id=games["run"], source=" 补报 ")
    assert again.added == 1 and again.skipped == 1
    assert events.get_entry(again.entry_ids[0])["source"] == "补报"
    whole = events.add_members(games["event"], [people["张三"]])  # the event as a whole is another entry
    assert whole.added == 1 and whole.skipped == 0


def test_entering_unknown_or_voided_members_is_refused(events, games, people, store):
    store.void(people["王五"], "重复录入")
    with pytest.raises(ValidationError, match=r"编号 9999、\d+"):
        events.add_members(games["event"], [people["张三"], 9999, people["王五"]])
    assert events.db.execute("SELECT count(*) FROM event_participants").fetchone()[0] == 0


def test_members_not_on_the_roll_on_the_day_are_entered_with_a_warning(events, games, people):
    added = events.add_members(games["event"], [people["赵六"], people["钱七"], people["张三"]], item_id=games["run"])
    assert added.added == 3
    assert added.warnings == ["赵六在 2026-05-01 的会员状态为“退休”", "钱七在 2026-05-01 尚未入会"]


def test_team_items_take_teams_and_other_items_take_members(events, games, people):
    with pytest.raises(UserError, match="是团体项目，请以队伍报名"):
        events.add_members(games["event"], [people["张三"]], item_id=games["tug"])
    team = events.create_team(games["event"], "一车间队", [people["张三"]])
    with pytest.raises(UserError, match="是个人项目，请按人报名"):
        events.add_team(games["event"], team, item_id=games["run"])
    entry = events.add_team(games["event"], team, item_id=games["tug"])
    assert events.get_entry(entry)["team_id"] == team
    with pytest.raises(UserError, match="已报名该项目"):
        events.add_team(games["event"], team, item_id=games["tug"])
    other = events.create(event(name="拔河友谊赛"))
    with pytest.raises(UserError, match="不是本活动的队伍"):
        events.add_team(other, team)
    with pytest.raises(UserError, match="不属于该活动"):
        events.add_members(other, [people["张三"]], item_id=games["run"])


def test_a_cancelled_event_takes_no_entries(events, people):
    event_id = events.create(event(status="已取消"))
    with pytest.raises(UserError, match="已取消，不能再报名"):
        events.add_members(event_id, [people["张三"]])


def test_entering_by_criteria(db, events, games, people):
    women = events.add_by_criteria(games["event"], MemberFilter(sex="女", status="在册"), label="全体女会员")
    assert {events.get_entry(i)["member_id"] for i in women.entry_ids} == {people["李四"], people["钱七"]}
    assert {events.get_entry(i)["source"] for i in women.entry_ids} == {"全体女会员"}
    assert women.warnings == ["钱七在 2026-05-01 尚未入会"]
    units = tuple(descendant_ids(db, people["units"]["一车间"]))
    workshop = events.add_by_criteria(games["event"], MemberFilter(sub_unit_ids=units, status="在册"), label="一车间")
    assert workshop.added == 1 and workshop.skipped == 2  # 李四 and 钱七 are in already
    with pytest.raises(ValidationError, match="报名说明"):
        events.add_by_criteria(games["event"], MemberFilter(), label=" ")


def test_many_members_are_entered_in_chunks_in_one_transaction(db, events, games, store, monkeypatch):
    monkeypatch.setattr(store_module, "ENTRY_CHUNK", 7)
    ids = [add_member(store, f"会员{n}") for n in range(40)]
    added = events.add_by_criteria(games["event"], MemberFilter(status="在册"), label="全体在册会员")
    assert added.added == 40 and len(set(added.entry_ids)) == 40
    assert sorted(r[0] for r in db.execute("SELECT member_id FROM event_participants WHERE event_id = ?",
                                           [games["event"]])) == ids
    assert db.execute("SELECT count(*) FROM change_log WHERE table_name = 'event_participants'").fetchone()[0] == 40


def test_voiding_an_entry_voids_its_results(events, games, people):
    entry = events.add_members(games["event"], [people["张三"]], item_id=games["run"]).entry_ids[0]
    result = events.record_result(games["event"], ResultInput(participant_id=entry, stage="决赛", rank=1))
    with pytest.raises(UserError, match="原因"):
        events.void_entry(entry, "")
    events.void_entry(entry, "报错项目")
    assert events.get_entry(entry)["void_reason"] == "报错项目"
    assert events.get_result(result)["voided_at"]
    with pytest.raises(UserError, match="不存在或已作废"):
        events.void_entry(entry, "再次作废")
    again = events.add_members(games["event"], [people["张三"]], item_id=games["run"])
    assert again.added == 1  # a voided entry does not block entering again


# --- results -----------------------------------------------------------------------------------------------------
@pytest.fixture
def entered(events, games, people):
    run = events.add_members(games["event"], [people["张三"], people["李四"]], item_id=games["run"]).entry_ids
    team = events.create_team(games["event"], "一车间队", [people["张三"], people["李四"]])
    return {**games, "张三": run[0], "李四": run[1], "team": events.add_team(games["event"], team, item_id=games["tug"])}


def test_a_result_is_saved_as_typed(events, entered):
    result_id = events.record_result(entered["event"], ResultInput(
        participant_id=entered["张三"], stage="决赛", rank=1, grade="一等奖", prize_fen=50000, promoted=True,
        upstream_round=" 市级决赛 ", upstream_result="二等奖", notes="破纪录"))
    row = events.get_result(result_id)
    assert (row["stage"], row["rank"], row["grade"], row["prize_fen"], row["promoted"]) == ("决赛", 1, "一等奖", 50000, 1)
    assert row["upstream_round"] == "市级决赛" and row["event_id"] == entered["event"]
    assert events.result_as_input(result_id).promoted is True
    events.update_result(result_id, ResultInput(participant_id=entered["张三"], stage="决赛", rank=2, grade="二等奖"))
    assert events.get_result(result_id)["grade"] == "二等奖" and events.get_result(result_id)["updated_at"]
    events.void_result(result_id, "成绩录错")
    with pytest.raises(UserError, match="已作废"):
        events.update_result(result_id, ResultInput(participant_id=entered["张三"], grade="一等奖"))


@pytest.mark.parametrize("values, field", [
    ({"participant_id": None}, "participant_id"),
    ({"participant_id": 9999}, "participant_id"),
    ({"awardee": "行政部"}, "awardee"),  # an entry and an awardee at once
    ({"stage": "半决赛"}, "stage"),
    ({"grade": "金奖"}, "grade"),
    ({"rank": 0}, "rank"),
    ({"prize_fen": -100}, "prize_fen"),
    ({"upstream_result": "一等奖"}, "promoted"),
    ({"grade": "", "rank": None}, "grade"),  # nothing recorded
])
def test_hard_errors_refuse_the_result(events, entered, values, field):
    data = {"participant_id": entered["张三"], "rank": 1, "grade": "一等奖", **values}
    with pytest.raises(ValidationError) as caught:
        events.record_result(entered["event"], ResultInput(**data))
    assert field in _fields(caught.value)


def test_one_result_per_entry_and_stage(events, entered):
    events.record_result(entered["event"], ResultInput(participant_id=entered["张三"], stage="初赛", rank=1,
                                                       notes="晋级决赛"))
    with pytest.raises(ValidationError, match="在“初赛”已有成绩"):
        events.record_result(entered["event"], ResultInput(participant_id=entered["张三"], stage="初赛", rank=2))
    final = events.record_result(entered["event"], ResultInput(participant_id=entered["张三"], stage="决赛", rank=1))
    events.update_result(final, ResultInput(participant_id=entered["张三"], stage="决赛", rank=1, grade="一等奖"))
    events.record_result(entered["event"], ResultInput(participant_id=entered["team"], rank=1, grade="团体第一名"))
    with pytest.raises(ValidationError, match="本次比赛已有成绩"):
        events.record_result(entered["event"], ResultInput(participant_id=entered["team"], rank=2))


def test_awards_to_a_unit_without_an_entry(events, entered):
    events.record_result(entered["event"], ResultInput(awardee="行政部", grade="组织奖", prize_fen=20000))
    with pytest.raises(ValidationError, match="已有同一阶段、同一等级"):
        events.record_result(entered["event"], ResultInput(awardee="行政部", grade="组织奖"))
    events.record_result(entered["event"], ResultInput(awardee="一车间", grade="组织奖"))


def test_a_result_belongs_to_an_entry_of_the_same_event(events, entered, people):
    other = events.create(event(name="知识竞赛", kind="知识竞赛", status="已举办"))
    entry = events.add_members(other, [people["王五"]]).entry_ids[0]
    with pytest.raises(ValidationError, match="不属于本活动"):
        events.record_result(entered["event"], ResultInput(participant_id=entry, grade="一等奖"))


def test_results_wait_for_the_event(events, people):
    later = events.create(event(start_date="2026-12-01"))
    entry = events.add_members(later, [people["张三"]]).entry_ids[0]
    with pytest.raises(UserError, match="才开始，还不能登记成绩"):
        events.record_result(later, ResultInput(participant_id=entry, grade="一等奖"))
    cancelled = events.create(event(status="已取消"))
    with pytest.raises(UserError, match="已取消，不能登记成绩"):
        events.record_result(cancelled, ResultInput(awardee="本会", grade="组织奖"))


def test_a_result_of_a_voided_member_is_refused(events, entered, people, store):
    store.void(people["李四"], "重复录入")
    with pytest.raises(ValidationError, match="记录已作废"):
        events.record_result(entered["event"], ResultInput(participant_id=entered["李四"], grade="二等奖"))
