"""The honours register: the store's checks, the stage order, the 劳模类型 that follows from the honours
(void and a hand-typed type included), the ordering by level, the filters and totals, the grouped lines for
reports, the history and home figure, the .xlsx export and the printed table, and the demo's honours."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from gonghui_desk import demo, history, stats
from gonghui_desk.db import open_database
from gonghui_desk.db.changelog import entries_for
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.exporting.honours import (HONOUR_COLUMNS, HONOUR_PRINT_COLUMNS, HONOURS_TITLE, export_honours,
                                            honours_print_table)
from gonghui_desk.honours.register import (HonourFilter, group_phrase, honour_ids, honour_lines, honour_rows,
                                           honour_totals, totals_text)
from gonghui_desk.honours.store import (LEVELS, HonourInput, HonourStore, higher_type, is_model_worker_title,
                                        model_worker_type_for, next_stage)
from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile
from tests.conftest import TODAY


@pytest.fixture
def union(db, store):
    """A union with two departments and four members (张三 and 李四 in 一车间, 王五 in 办公室, 赵六 voided)."""
    save_profile(db, UnionProfile(name="某某公司工会委员会", kind="企业", upstream_union="某某区总工会"))
    units = {"一车间": add_sub_unit(db, "一车间"), "办公室": add_sub_unit(db, "办公室")}
    people = {name: store.create({"name": name, "sub_unit_id": units[unit], "join_date": "2010-01-01"}, today=TODAY)
              for name, unit in (("张三", "一车间"), ("李四", "一车间"), ("王五", "办公室"), ("赵六", "办公室"))}
    store.void(people["赵六"], "重复录入")
    return {"db": db, "units": units, "people": people, "store": HonourStore(db, today=TODAY), "members": store}


def person(union, name, title="先进个人", level="县区级", year=2025, **values) -> HonourInput:
    return HonourInput("个人", member_id=union["people"][name], title=title, level=level, year=year, **values)


def problems_of(store, data: HonourInput) -> dict[str, str]:
    return {p.field: p.message for p in store.normalize(data)[1]}


def model_type(union, name) -> str:
    return union["members"].get(union["people"][name])["model_worker_type"]


# --- the store's checks ------------------------------------------------------------------------------------
def test_an_honour_to_each_kind_of_recipient(union):
    store = union["store"]
    personal = store.save(person(union, "张三", "市劳动模范", "市级", 2024, conferred_by="市人民政府",
                                 conferred_on="2024-04-28"))
    collective = store.save(HonourInput("集体", sub_unit_id=union["units"]["一车间"], title="工人先锋号", level="市级",
                                        year=2025))
    by_name = store.save(HonourInput("集体", group_name="质检班", title="巾帼文明岗", level="县区级", year=2025))
    own = store.save(HonourInput("本会", member_id=union["people"]["张三"], group_name="忽略", title="模范职工之家",
                                 level="县区级", year="2024年度"))

    rows = honour_rows(union["db"], [personal, collective, by_name, own])
    assert (rows[personal]["recipient_name"], rows[personal]["sub_unit_path"]) == ("张三", "一车间")
    assert rows[personal]["model_worker_type"] == "市级劳模" and rows[personal]["conferred_on"] == "2024-04-28"
    assert (rows[collective]["recipient_name"], rows[collective]["sub_unit_path"]) == ("一车间", "一车间")
    assert (rows[by_name]["recipient_name"], rows[by_name]["sub_unit_path"]) == ("质检班", "")
    assert rows[own]["recipient_name"] == "某某公司工会委员会" and rows[own]["year"] == 2024
    assert rows[own]["member_id"] is None and rows[own]["group_name"] == ""  # what does not belong is dropped
    assert store.as_input(personal) == person(union, "张三", "市劳动模范", "市级", 2024, conferred_by="市人民政府",
                                              conferred_on="2024-04-28")


@pytest.mark.parametrize("changes, field, message", [
    (dict(member_id=None), "member_id", "请选择获得荣誉的会员"),
    (dict(recipient_kind="团体"), "recipient_kind", "获得者类型应为：个人、集体、本会"),
    (dict(title="  "), "title", "请填写荣誉称号"),
    (dict(title="长" * 61), "title", "荣誉称号过长"),
    (dict(level=""), "level", "请选择级别"),
    (dict(level="省级"), "level", "级别“省级”无效，应为：全国、省部级、市级、县区级、系统/行业、本单位"),
    (dict(year=None), "year", "请填写年度"),
    (dict(year=1949), "year", "年度 1949 不合理（应在 1950—2027 年之间）"),
    (dict(year=2028), "year", "年度 2028 不合理"),
    (dict(year="明年"), "year", "年度“明年”应为四位数字的年份"),
    (dict(conferred_on="2024-05-01"), "conferred_on", "授予日期 2024-05-01 不在 2025 年度内"),
    (dict(conferred_on="2025-13-01"), "conferred_on", "不存在"),
    (dict(stage="推荐", conferred_on="2025-05-01"), "conferred_on", "授予日期在获评后填写（现为“推荐”阶段）"),
    (dict(stage="评审"), "stage", "阶段应为：推荐、申报、获评"),
])
def test_each_problem_names_its_field(union, changes, field, message):
    data = person(union, "张三")
    for key, value in changes.items():
        setattr(data, key, value)
    found = problems_of(union["store"], data)
    assert message in found[field]
    with pytest.raises(ValidationError) as error:
        union["store"].save(data)
    assert any(p.field == field and p.label for p in error.value.problems)


def test_recipients_must_exist(union):
    store = union["store"]
    assert "须是名册中未作废的会员" in problems_of(store, person(union, "赵六"))["member_id"]  # voided
    assert problems_of(store, HonourInput("集体", title="工人先锋号", level="市级", year=2025))["group_name"] == \
        "集体荣誉请选择获得荣誉的部门，或填写集体名称（如某班组、科室）"
    assert problems_of(store, HonourInput("集体", sub_unit_id=999, title="工人先锋号", level="市级",
                                          year=2025))["sub_unit_id"] == "所选部门不存在或已撤销"
    assert problems_of(store, HonourInput("本会", title="模范职工之家", level="市级", year=2025)) == {}


def test_dates_and_years(union):
    store = union["store"]
    assert problems_of(store, person(union, "张三", year=None, conferred_on="2024-12-01")) == {}
    values, _ = store.normalize(person(union, "张三", year=None, conferred_on="2024.12.1"))
    assert (values["year"], values["conferred_on"]) == (2024, "2024-12-01")  # the year of the date
    assert problems_of(store, person(union, "张三", year=2026, conferred_on="2026-12-01"))["conferred_on"] == \
        "授予日期 2026-12-01 晚于今天"
    assert problems_of(store, person(union, "张三", year=TODAY.year + 1, stage="推荐")) == {}  # next year's round
    assert problems_of(store, person(union, "张三", year=1950)) == {}


def test_the_same_honour_is_not_recorded_twice(union):
    store = union["store"]
    first = store.save(person(union, "张三"))
    with pytest.raises(ValidationError) as error:
        store.save(person(union, "张三"))
    assert error.value.problems[0].field == "title"
    assert f"已有同一获得者2025年的“先进个人”（县区级，编号 {first}）" in str(error.value)
    store.save(person(union, "李四"))  # another person, another year, another level: all fine
    store.save(person(union, "张三", year=2024))
    store.save(person(union, "张三", level="本单位"))
    store.void(first, "重复登记")
    store.save(person(union, "张三"))  # the voided one does not count


# --- stages ------------------------------------------------------------------------------------------------
def test_stages_move_forward_only(union):
    store = union["store"]
    honour = store.save(person(union, "张三", "五一劳动奖章", "省部级", 2026, stage="推荐"))
    assert next_stage("推荐") == "申报" and next_stage("获评") is None

    assert store.advance(honour) == "申报"
    with pytest.raises(ValidationError, match="阶段不能倒退（现为“申报”）"):
        store.update(honour, person(union, "张三", "五一劳动奖章", "省部级", 2026, stage="推荐"))
    with pytest.raises(ValidationError, match="不在 2026 年度内"):
        store.advance(honour, "2025-05-01")
    assert store.get(honour)["stage"] == "申报"  # nothing written
    assert store.advance(honour, "2026-04-28") == "获评"
    row = store.get(honour)
    assert (row["stage"], row["conferred_on"]) == ("获评", "2026-04-28")
    with pytest.raises(UserError, match="已经获评，没有下一阶段"):
        store.advance(honour)

    other = store.save(person(union, "李四", "三八红旗手", "市级", 2026, stage="推荐"))
    assert store.advance(other, to_stage="获评") == "获评"  # straight to 获评, the date left empty
    assert store.get(other)["conferred_on"] is None
    with pytest.raises(UserError, match="只能向前推进"):
        store.advance(store.save(person(union, "王五", stage="申报")), to_stage="推荐")


def test_void_needs_a_reason_and_keeps_the_row(union):
    store = union["store"]
    honour = store.save(person(union, "张三"))
    with pytest.raises(UserError, match="请填写原因"):
        store.void(honour, " ")
    store.void(honour, "录错了")
    row = store.get(honour)
    assert row["voided_at"] and row["void_reason"] == "录错了"
    assert honour_ids(union["db"], HonourFilter()) == []
    with pytest.raises(UserError, match="已作废，不能修改"):
        store.update(honour, person(union, "张三"))
    assert [e["action"] for e in entries_for(union["db"].conn, "honours", honour)] == ["insert", "void"]


# --- 劳模类型 ------------------------------------------------------------------------------------------------
def test_model_worker_titles():
    for title in ("全国劳动模范", "省劳动模范", "市先进工作者", "劳动模范", "县级劳模"):
        assert is_model_worker_title(title), title
    for title in ("劳模创新工作室", "劳动模范候选人", "先进工会工作者", "五一劳动奖章", "先进个人", ""):
        assert not is_model_worker_title(title), title
    assert model_worker_type_for("全国劳动模范", "全国") == "全国劳模"
    assert model_worker_type_for("省劳动模范", "省部级") == "省部级劳模"
    assert model_worker_type_for("市先进工作者", "市级") == "市级劳模"
    assert model_worker_type_for("县劳动模范", "县区级") == "县区级劳模"
    assert model_worker_type_for("先进工作者", "本单位") == "" and model_worker_type_for("劳动模范", "系统/行业") == ""
    assert higher_type("市级劳模", "省部级劳模") == "省部级劳模" and higher_type("", "县区级劳模") == "县区级劳模"
    assert higher_type("全国劳模", "") == "全国劳模"


def test_the_model_worker_type_follows_the_awarded_honours(union):
    store, db = union["store"], union["db"]
    city = store.save(person(union, "张三", "市劳动模范", "市级", 2022))
    assert model_type(union, "张三") == "市级劳模"
    assert store.type_changes == [(union["people"]["张三"], "", "市级劳模")]
    province = store.save(person(union, "张三", "省劳动模范", "省部级", 2025, stage="推荐"))
    assert model_type(union, "张三") == "市级劳模"  # only 获评 counts
    store.advance(province, to_stage="获评")
    assert model_type(union, "张三") == "省部级劳模"  # the highest wins
    store.save(person(union, "张三", "县先进工作者", "县区级", 2020))
    assert model_type(union, "张三") == "省部级劳模"
    store.void(province, "录错了")
    assert model_type(union, "张三") == "市级劳模"
    store.update(city, person(union, "张三", "市劳动模范（复审）", "市级", 2022))
    assert model_type(union, "张三") == "市级劳模"
    store.void(city, "录错了")
    assert model_type(union, "张三") == "县区级劳模"
    # the member's change log records each change of the type
    changes = [e["changes"].get("model_worker_type") for e in entries_for(db.conn, "members", union["people"]["张三"])
               if e["action"] == "update"]
    assert changes == [("", "市级劳模"), ("市级劳模", "省部级劳模"), ("省部级劳模", "市级劳模"),
                                          ("市级劳模", "县区级劳模")]


def test_the_type_is_cleared_when_no_model_worker_honour_is_left(union):
    store = union["store"]
    honour = store.save(person(union, "李四", "市先进工作者", "市级", 2023))
    assert model_type(union, "李四") == "市级劳模"
    store.void(honour, "不是本人")
    assert model_type(union, "李四") == ""
    assert store.type_changes == [(union["people"]["李四"], "市级劳模", "")]


def test_a_type_typed_by_hand_is_kept(union):
    store, members = union["store"], union["members"]
    members.update(union["people"]["王五"], {"model_worker_type": "全国劳模"})  # for an honour not recorded
    honour = store.save(person(union, "王五", "县劳动模范", "县区级", 2019))
    assert model_type(union, "王五") == "全国劳模" and store.type_changes == []
    store.void(honour, "录错了")
    assert model_type(union, "王五") == "全国劳模"
    members.update(union["people"]["李四"], {"model_worker_type": "县区级劳模"})
    store.save(person(union, "李四", "市劳动模范", "市级", 2021))
    assert model_type(union, "李四") == "市级劳模"  # a higher honour recorded raises it


def test_moving_an_honour_to_another_member_moves_the_type(union):
    store = union["store"]
    honour = store.save(person(union, "张三", "市劳动模范", "市级", 2021))
    store.update(honour, person(union, "李四", "市劳动模范", "市级", 2021))
    assert (model_type(union, "张三"), model_type(union, "李四")) == ("", "市级劳模")
    store.update(honour, HonourInput("集体", group_name="质检班", title="市劳动模范", level="市级", year=2021))
    assert model_type(union, "李四") == ""  # a collective honour implies no member's type


def test_a_failed_write_changes_no_type(union):
    store = union["store"]
    honour = store.save(person(union, "张三", "市劳动模范", "市级", 2021))
    with pytest.raises(ValidationError):
        store.update(honour, person(union, "张三", "市劳动模范", "市级", 1900))
    assert model_type(union, "张三") == "市级劳模"


# --- the register ------------------------------------------------------------------------------------------
@pytest.fixture
def register(union):
    store = union["store"]
    ids = {
        "本单位": store.save(person(union, "王五", "优秀工会积极分子", "本单位", 2026)),
        "县区级": store.save(person(union, "李四", "先进个人", "县区级", 2025, conferred_by="某某区总工会")),
        "全国": store.save(person(union, "张三", "全国五一劳动奖章", "全国", 2023, conferred_by="中华全国总工会")),
        "市级旧": store.save(person(union, "张三", "市劳动模范", "市级", 2021)),
        "市级": store.save(HonourInput("集体", sub_unit_id=union["units"]["一车间"], title="工人先锋号", level="市级",
                                       year=2025)),
        "系统": store.save(HonourInput("集体", group_name="质检班", title="巾帼文明岗", level="系统/行业", year=2026,
                                       stage="申报")),
        "本会": store.save(HonourInput("本会", title="模范职工之家", level="县区级", year=2024)),
        "省": store.save(person(union, "李四", "三八红旗手", "省部级", 2026, stage="推荐")),
    }
    return {**union, "ids": ids}


def test_honours_are_listed_by_level_then_newest_year_then_title(register):
    db, ids = register["db"], register["ids"]
    assert honour_ids(db, HonourFilter()) == [ids[k] for k in ("全国", "省", "市级", "市级旧", "县区级", "本会", "系统",
                                                                "本单位")]
    assert honour_ids(db, HonourFilter(), descending=True)[:2] == [ids["本单位"], ids["系统"]]
    assert honour_ids(db, HonourFilter(), order="year", descending=True)[:3] == [ids["省"], ids["系统"], ids["本单位"]]
    # by recipient: the union first, then persons by pinyin (李四, 王五, 张三), then the collectives
    assert honour_ids(db, HonourFilter(), order="recipient")[:3] == [ids["本会"], ids["省"], ids["县区级"]]
    with pytest.raises(ValueError):
        honour_ids(db, HonourFilter(), order="colour")
    assert LEVELS == ("全国", "省部级", "市级", "县区级", "系统/行业", "本单位")


@pytest.mark.parametrize("f, expected", [
    (HonourFilter(year_from=2025), ["省", "市级", "县区级", "系统", "本单位"]),
    (HonourFilter(year_from=2023, year_to=2024), ["全国", "本会"]),
    (HonourFilter(level="市级"), ["市级", "市级旧"]),
    (HonourFilter(stage="获评", year_from=2026), ["本单位"]),
    (HonourFilter(recipient_kind="集体"), ["市级", "系统"]),
    (HonourFilter(recipient_kind="本会"), ["本会"]),
    (HonourFilter(search="zs"), ["全国", "市级旧"]),  # 张三 by initials
    (HonourFilter(search="劳模 张"), []),
    (HonourFilter(search="劳动"), ["全国", "市级旧"]),
    (HonourFilter(search="质检"), ["系统"]),
    (HonourFilter(search="一车间"), ["市级"]),
    (HonourFilter(search="区总"), ["县区级"]),
    (HonourFilter(search="100%_"), []),
])
def test_filters(register, f, expected):
    assert honour_ids(register["db"], f) == [register["ids"][k] for k in expected]


def test_totals_by_level_person_and_collective(register):
    totals = honour_totals(register["db"], HonourFilter())
    assert totals.honours == 8 and totals.by_level == {"全国": 1, "省部级": 1, "市级": 2, "县区级": 2, "系统/行业": 1,
                                                        "本单位": 1}
    assert (totals.personal, totals.persons, totals.collective, totals.collectives, totals.union) == (5, 3, 2, 2, 1)
    assert totals.by_stage == {"推荐": 1, "申报": 1, "获评": 6}
    assert totals_text(totals) == ("共 8 项：全国 1 项、省部级 1 项、市级 2 项、县区级 2 项、系统/行业 1 项、本单位 1 项；"
                                   "个人 5 项（3 人）、集体 2 项（2 个）、本会 1 项；其中推荐中 1 项、申报中 1 项")
    assert totals_text(honour_totals(register["db"], HonourFilter(year_from=2030))) == "共 0 项"


def test_honour_lines_group_the_awarded_honours_for_reports(register):
    store, db = register["store"], register["db"]
    store.save(person(register, "王五", "先进个人", "县区级", 2025, conferred_by="某某区总工会"))
    store.save(person(register, "张三", "先进个人", "县区级", 2024, conferred_by="某某区总工会"))
    store.save(HonourInput("本会", title="模范职工之家", level="县区级", year=2025))
    store.save(HonourInput("集体", sub_unit_id=register["units"]["办公室"], title="工人先锋号", level="市级", year=2026))

    groups = honour_lines(db, 2021, 2026)
    assert [(g.level, g.title, g.kind, g.count) for g in groups] == [
        ("全国", "全国五一劳动奖章", "个人", 1), ("市级", "工人先锋号", "集体", 2), ("市级", "市劳动模范", "个人", 1),
        ("县区级", "模范职工之家", "本会", 2), ("县区级", "先进个人", "个人", 3), ("本单位", "优秀工会积极分子", "个人", 1)]
    individuals = groups[4]
    assert individuals.names == ["张三", "李四", "王五"] and individuals.years == [2024, 2025]
    assert individuals.conferred_by == "某某区总工会" and individuals.measure == "名"
    assert group_phrase(individuals) == "张三、李四、王五等3名同志被评为先进个人"
    assert group_phrase(individuals, max_names=2, numerals=True) == "张三、李四等三名同志被评为先进个人"
    assert group_phrase(groups[0]) == "张三同志荣获全国五一劳动奖章"
    assert group_phrase(groups[1]) == "一车间、办公室等2个集体被评为工人先锋号"
    assert group_phrase(groups[1], numerals=True) == "一车间、办公室等两个集体被评为工人先锋号"
    assert group_phrase(groups[3]) == "本会连续2年被评为模范职工之家"
    assert [g.title for g in honour_lines(db, 2025, 2025)] == ["工人先锋号", "模范职工之家", "先进个人"]
    assert honour_lines(db, 2026, 2026, stage="推荐")[0].names == ["李四"]  # 推荐 and 申报 only when asked for


def test_history_entries_and_the_home_figure(register):
    db, people = register["db"], register["people"]
    entries = [e for e in history.member_history(db, people["张三"]) if e.category == "荣誉"]
    assert [(e.date, e.summary) for e in entries] == [
        ("2023", "被评为全国五一劳动奖章（全国，中华全国总工会）"), ("2021", "被评为市劳动模范（市级）")]
    assert entries[0].table == "honours" and entries[0].record_id == register["ids"]["全国"]
    pending = [e for e in history.member_history(db, people["李四"]) if e.category == "荣誉"][0]
    assert pending.summary == "被推荐参评三八红旗手（省部级），2026年度，尚未获评"

    figures = {f.label: f for f in stats.home_figures(db, TODAY).figures}
    figure = figures["2026年获评荣誉"]
    assert (figure.value, figure.unit, figure.hint) == (1, "项", "个人1项；另有2项推荐、申报中")
    assert "2030年获评荣誉" not in {f.label for f in stats.home_figures(db, dt.date(2030, 1, 1)).figures}


# --- export and print ---------------------------------------------------------------------------------------
def test_the_export_lists_the_honours_by_level_with_totals(register, tmp_path):
    path = tmp_path / "荣誉名单.xlsx"
    count = export_honours(register["db"], path, HonourFilter(year_from=2021), prepared_by="刘干事", today=TODAY)
    assert count == 8
    sheet = openpyxl.load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == HONOURS_TITLE == "荣誉名单"
    assert rows[1][0] == "年度：2021年起（按级别从高到低排列）"
    assert rows[2][0] == "工会名称：某某公司工会委员会" and rows[2][-1] == "制表日期：2026-11-22"
    assert rows[3] == ["序号", "荣誉称号", "级别", "获得者", "类型", "部门", "授予单位", "年度", "日期", "阶段", "备注"]
    assert [c.label for c in HONOUR_COLUMNS] == rows[3]
    data = rows[4:12]
    assert [r[0] for r in data] == list(range(1, 9))
    assert [r[2] for r in data] == ["全国", "省部级", "市级", "市级", "县区级", "县区级", "系统/行业", "本单位"]
    assert data[0][1:10] == ["全国五一劳动奖章", "全国", "张三", "个人", "一车间", "中华全国总工会", 2023, None, "获评"]
    assert data[5][3:5] == ["某某公司工会委员会", "本会"] and data[6][3] == "质检班"
    texts = [r[0] for r in rows[12:] if r[0]]
    assert texts[0].startswith("合计：共 8 项：全国 1 项、省部级 1 项、市级 2 项")
    assert texts[-1].startswith("制表人：刘干事")


def test_the_export_writes_real_dates_and_follows_the_order_asked(register, tmp_path):
    store = register["store"]
    store.advance(register["ids"]["省"], "2026-03-08", to_stage="获评")
    path = tmp_path / "按年度.xlsx"
    export_honours(register["db"], path, HonourFilter(level="省部级"), order="year", descending=True, today=TODAY)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A2"].value == "年度：全部年度；级别：省部级（按年度从近到远排列）"
    assert sheet["I5"].value == dt.datetime(2026, 3, 8) and sheet["H5"].value == 2026


def test_the_printed_list(register):
    table = honours_print_table(register["db"], HonourFilter(), prepared_by="刘干事", today=TODAY)
    assert table.title == "荣誉名单" and table.landscape and table.union_name == "某某公司工会委员会"
    assert [c.label for c in table.columns] == [c.label for c in HONOUR_PRINT_COLUMNS] == [c.label for c in
                                                                                           HONOUR_COLUMNS]
    assert table.rows[0] == ["1", "全国五一劳动奖章", "全国", "张三", "个人", "一车间", "中华全国总工会", "2023", "", "获评",
                             ""]
    assert [row[2] for row in table.rows] == ["全国", "省部级", "市级", "市级", "县区级", "县区级", "系统/行业", "本单位"]
    assert table.subtitle_lines == ["年度：全部年度（按级别从高到低排列）"]
    assert table.total_lines[0].startswith("合计：共 8 项") and table.footer_line.startswith("制表人：刘干事")
    assert table.date_text == "制表日期：2026-11-22"


# --- demo data ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["school", "company"])
def test_the_demo_honours_agree_with_the_rules(tmp_path, kind):
    db = open_database(tmp_path / "demo.sqlite3")
    try:
        demo.generate_demo(db, kind=kind, seed=1, today=TODAY)
        store = HonourStore(db, today=TODAY)
        ids = honour_ids(db, HonourFilter())
        rows = honour_rows(db, ids)
        honours = [rows[i] for i in ids]
        assert 8 <= len(honours) <= 14
        assert len({h["level"] for h in honours}) >= 4 and len({h["year"] for h in honours}) == 3
        assert {h["recipient_kind"] for h in honours} == {"个人", "集体", "本会"}
        assert any(h["recipient_kind"] == "集体" and h["sub_unit_id"] for h in honours)
        assert any(h["stage"] == "推荐" and h["year"] == TODAY.year for h in honours)
        for h in honours:  # every record passes the store's own checks
            assert store.normalize(store.as_input(h["id"]), current=h)[1] == []
        model = [h for h in honours if h["title"] == "市劳动模范"]
        assert len(model) == 1 and model[0]["stage"] == "获评"
        member = db.execute("SELECT model_worker_type FROM members WHERE id = ?", [model[0]["member_id"]]).fetchone()
        assert member[0] == "市级劳模"
        for member_id in {h["member_id"] for h in honours if h["member_id"]}:
            stored = db.execute("SELECT model_worker_type FROM members WHERE id = ?", [member_id]).fetchone()[0]
            assert higher_type(stored, store.implied_model_worker_type(member_id)) == stored
        groups = honour_lines(db, TODAY.year - 2, TODAY.year)
        assert any(g.count >= 2 and g.kind == "个人" for g in groups)
    finally:
        db.conn.close()
