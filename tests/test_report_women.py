"""The report section 女职工工作 ("women"): the same records as the other sections filtered to women members —
figures on a hand-built union (hand-computed), every sentence's cases, the marks, the appendix, and the figures
against independent queries on the demo databases."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from gonghui_desk import demo
from gonghui_desk.care.occasions import find_occasion
from gonghui_desk.db import open_database
from gonghui_desk.events.store import EventInput, EventStore
from gonghui_desk.reports.model import ReportOptions, Stat
from gonghui_desk.reports.periods import previous_period, semester_period, year_period
from gonghui_desk.reports.sections import registered_sections, section
from gonghui_desk.reports.text import PREVIOUS_SUFFIX
from gonghui_desk.reports.women_sections import WOMEN_SPEC, women_stats, women_write
from gonghui_desk.union import UnionProfile, save_profile
from tests.conftest import TODAY
from tests.test_care_visits import add_member
from tests.test_report_members import add_honour, build_union, by_key, make_context, texts, unmarked_digits, values

YEAR = year_period(2026)


def add_visit(db, member_id: int, occasion: str, visit_date: str | None, cash: int = 0, goods: int = 0, *,
              campaign_id=None, event_date=None, voided=False) -> int:
    return db.execute(
        """INSERT INTO visits (member_id, occasion_id, visit_date, event_date, cash_fen, goods_value_fen, campaign_id,
                               voided_at) VALUES (?,?,?,?,?,?,?,?)""",
        [member_id, find_occasion(db, occasion).id, visit_date, event_date, cash, goods, campaign_id,
         "2026-11-01T00:00:00" if voided else None]).lastrowid


def add_campaign(db, name: str, day: str, sex: str | None) -> int:
    criteria = json.dumps({"statuses": ["在册"], "sex": sex}, ensure_ascii=False)
    return db.execute("INSERT INTO campaigns (name, campaign_date, occasion_id, criteria) VALUES (?,?,?,?)",
                      [name, day, find_occasion(db, "节日慰问").id, criteria]).lastrowid


def add_file(db, member_id: int, status: str, opened_on: str, closed_on: str | None = None) -> int:
    return db.execute("INSERT INTO hardship_files (member_id, status, opened_on, closed_on) VALUES (?,?,?,?)",
                      [member_id, status, opened_on, closed_on]).lastrowid


def add_aid(db, file_id: int, member_id: int, cash: int, paid_on: str | None, *, stage="发放", voided=False) -> int:
    return db.execute(
        """INSERT INTO aid_payments (file_id, member_id, aid_type, cash_fen, stage, applied_on, paid_on, voided_at)
           VALUES (?,?,?,?,?,?,?,?)""",
        [file_id, member_id, "生活救助", cash, stage, paid_on or "2026-10-01", paid_on,
         "2026-11-01T00:00:00" if voided else None]).lastrowid


def build_women_records(db, store) -> dict:
    """build_union's members (women on the roll at 2026-11-22: 李四 周九 冯十三; 赵六 left in June) and:

    * Visits 2026: 李四 生育 500元, 李四 生病住院 300元 + 100元 goods, 周九 生日 200元 goods; the campaign
      “2026年三八节慰问女职工” (women) — 节日慰问 200元 each to 李四 周九 冯十三; “2026年春节送温暖” (everyone) —
      李四 and 张三 300元. Left out: 张三's own visit, 冯十三's pending visit, a voided visit. 2025: 李四 生日.
      → 7人次, 3人, 2000元; 节日慰问 4, 生育 1, 生病住院 1, 生日 1; women's campaign 1, 3人次.
    * Events: 庆三八插花活动 (2026-03-06, 三八): 李四 周九 赵六; 职工运动会 (2026-05-01): 张三, 李四 and team
      甲班队 (周九, 张三); planned 迎新年联欢 (冯十三). 2025: 三八健步走 (李四 冯十三).
      → 5人次, 3人; 在册 women taking part 2 of 3 (66.7%); 三八: 1场, 3人次, 3人.
    * Hardship: 李四 在档 (2025); 赵六 脱困 2026-02-01; 张三 在档 (a man); 冯十三 申请中. Aid paid 2026: 李四 1000元,
      赵六 500元 (paid before her file closed); an application and a voided payment left out. → 1户; 2人次, 1500元.
    * Honours 2026: 李四 三八红旗手 (市级, 市妇联), 周九 先进个人 (本单位, undated), 财务室 巾帼文明岗 (集体, 市级).
      Left out: 冯十三 2025, 张三 (a man), 李四 推荐中, 质检班 工人先锋号.
    """
    union = build_union(db, store)
    p = union["people"]
    visits = {
        "生育": add_visit(db, p["李四"], "生育", "2026-03-01", 50000),
        "住院": add_visit(db, p["李四"], "生病住院", "2026-05-01", 30000, 10000),
        "生日": add_visit(db, p["周九"], "生日", "2026-06-01", goods=20000),
        "男": add_visit(db, p["张三"], "生病住院", "2026-04-01", 30000),
        "待走访": add_visit(db, p["冯十三"], "生病住院", None, 30000, event_date="2026-10-01"),
        "作废": add_visit(db, p["李四"], "结婚", "2026-07-01", 80000, voided=True),
        "去年": add_visit(db, p["李四"], "生日", "2025-12-01", goods=20000),
    }
    march8 = add_campaign(db, "2026年三八节慰问女职工", "2026-03-08", "女")
    spring = add_campaign(db, "2026年春节送温暖", "2026-02-01", None)
    for name in ("李四", "周九", "冯十三"):
        visits[f"三八{name}"] = add_visit(db, p[name], "节日慰问", "2026-03-08", 20000, campaign_id=march8)
    for name in ("李四", "张三"):
        visits[f"春节{name}"] = add_visit(db, p[name], "节日慰问", "2026-02-01", 30000, campaign_id=spring)
    es = EventStore(db, today=TODAY)
    events = {
        "插花": es.create(EventInput("庆三八插花活动", "文体活动", "2026-03-06", holiday="三八", status="已举办")),
        "运动会": es.create(EventInput("职工运动会", "文体活动", "2026-05-01", status="已举办")),
        "联欢": es.create(EventInput("迎新年联欢", "文艺演出", "2026-12-20")),
        "健步走": es.create(EventInput("三八健步走", "文体活动", "2025-03-08", holiday="三八", status="已举办")),
    }
    es.add_members(events["插花"], [p["李四"], p["周九"], p["赵六"]])
    es.add_members(events["运动会"], [p["张三"], p["李四"]])
    team = es.create_team(events["运动会"], "甲班队", [p["周九"], p["张三"]])
    es.add_team(events["运动会"], team)
    es.add_members(events["联欢"], [p["冯十三"]])
    es.add_members(events["健步走"], [p["李四"], p["冯十三"]])
    files = {
        "李四": add_file(db, p["李四"], "在档", "2025-01-01"),
        "赵六": add_file(db, p["赵六"], "脱困", "2024-01-01", "2026-02-01"),
        "张三": add_file(db, p["张三"], "在档", "2025-06-01"),
        "冯十三": add_file(db, p["冯十三"], "申请中", "2026-10-01"),
    }
    aid = {
        "李四": add_aid(db, files["李四"], p["李四"], 100000, "2026-04-01"),
        "申请": add_aid(db, files["李四"], p["李四"], 50000, None, stage="申请"),
        "作废": add_aid(db, files["李四"], p["李四"], 70000, "2026-05-01", voided=True),
        "赵六": add_aid(db, files["赵六"], p["赵六"], 50000, "2026-01-15"),
    }
    honours = {
        "红旗手": add_honour(db, "个人", "三八红旗手", "市级", 2026, member_id=p["李四"], conferred_by="市妇联",
                           conferred_on="2026-03-05"),
        "先进": add_honour(db, "个人", "先进个人", "本单位", 2026, member_id=p["周九"]),
        "去年": add_honour(db, "个人", "先进个人", "县区级", 2025, member_id=p["冯十三"], conferred_on="2025-12-01"),
        "男": add_honour(db, "个人", "劳动模范", "市级", 2026, member_id=p["张三"], conferred_on="2026-04-28"),
        "推荐": add_honour(db, "个人", "五一劳动奖章", "省部级", 2026, member_id=p["李四"], stage="推荐"),
        "巾帼": add_honour(db, "集体", "巾帼文明岗", "市级", 2026, group_name="财务室", conferred_on="2026-03-01"),
    }
    return {**union, "visits": visits, "campaigns": {"三八": march8, "春节": spring}, "events": events,
            "files": files, "aid": aid, "women_honours": honours}


@pytest.fixture
def records(db, store):
    return build_women_records(db, store)


def with_values(stats: list[Stat], **changes) -> list[Stat]:
    wanted = {f"women.{k.replace('__', '.')}": v for k, v in changes.items()}
    return [_with_value(s, wanted[s.key]) if s.key in wanted else s for s in stats]


def _with_value(stat: Stat, value) -> Stat:
    """A value, or (count, base) for a rate."""
    count, base = value if isinstance(value, tuple) else (value, stat.base)
    return replace(stat, value=count, base=base)


# --- the figures ------------------------------------------------------------------------------------------------
def test_figures_of_the_hand_built_union(db, records):
    p, v = records["people"], records["visits"]
    stats = by_key(women_stats(make_context(db)))
    assert {k: s.value for k, s in stats.items()} == {
        "women.members_end": 3, "women.working_end": 3, "women.retired_end": 0, "women.share": 3, "women.joined": 1,
        "women.committee": 2,
        "women.visit_times": 7, "women.visit_persons": 3, "women.visit_money": 200000,
        "women.visits.节日慰问": 4, "women.visits.生病住院": 1, "women.visits.生育": 1, "women.visits.生日": 1,
        "women.campaigns": 1, "women.campaign_times": 3,
        "women.event_times": 5, "women.event_persons": 3, "women.event_rate": 2,
        "women.march8_events": 1, "women.march8_times": 3, "women.march8_persons": 3,
        "women.hardship_households": 1, "women.aid_times": 2, "women.aid_money": 150000,
        "women.honours": 2, "women.honour_persons": 2, "women.collective_honours": 1,
    }
    assert set(stats["women.members_end"].ids) == {p["李四"], p["周九"], p["冯十三"]}
    assert set(stats["women.visit_times"].ids) == {v["生育"], v["住院"], v["生日"], v["三八李四"], v["三八周九"],
                                                   v["三八冯十三"], v["春节李四"]}
    assert set(stats["women.campaign_times"].ids) == {v["三八李四"], v["三八周九"], v["三八冯十三"]}
    assert stats["women.campaigns"].ids == (records["campaigns"]["三八"],)
    assert set(stats["women.event_persons"].ids) == {p["李四"], p["周九"], p["赵六"]}
    assert stats["women.event_times"].table == "event_participants" and len(stats["women.event_times"].ids) == 5
    assert stats["women.march8_events"].ids == (records["events"]["插花"],)
    assert stats["women.hardship_households"].ids == (records["files"]["李四"],)
    assert set(stats["women.aid_times"].ids) == {records["aid"]["李四"], records["aid"]["赵六"]}
    h = records["women_honours"]
    assert set(stats["women.honours"].ids) == {h["红旗手"], h["先进"]}
    assert stats["women.collective_honours"].ids == (h["巾帼"],)
    assert "参加活动且2026年11月22日在册的女会员2人÷2026年11月22日在册女会员3人＝66.7%" in stats["women.event_rate"].basis
    for stat in stats.values():
        assert stat.basis and stat.key.startswith("women."), stat.key


def test_previous_year(db, records):
    stats = values(women_stats(make_context(db, year_period(2025))))
    assert stats["women.members_end"] == 4  # 李四 赵六 钱七 冯十三 on 2025-12-31
    assert (stats["women.visit_times"], stats["women.event_times"], stats["women.march8_events"]) == (1, 2, 1)
    assert stats["women.joined"] == 1 and stats["women.honours"] == 1 and stats["women.aid_times"] == 0
    assert stats["women.hardship_households"] == 2  # 李四, and 赵六 before her file closed


# --- the text ---------------------------------------------------------------------------------------------------
EXPECTED = [
    "本会现有女会员3人，占会员总数的60%。全年新发展女会员1人。女职工委员会由李四（主任）、冯十三2人组成。",
    "全年走访慰问女会员7人次，涉及3人，送去慰问金和慰问品2000元。其中生育慰问1人次、节日慰问4人次、生病住院慰问1人次；"
    "通过“2026年三八节慰问女职工”集中慰问3人次。困难职工档案中，户主为女会员的在档家庭有1户；"
    "全年帮扶女会员困难家庭2人次，发放帮扶款物1500元。",
    "全年女会员参加各类活动5人次，涉及3人；在册女会员参与率为66.7%（参加活动的在册女会员2人÷在册女会员3人）。"
    "围绕“三八”国际妇女节，举办庆三八插花活动，3人参加。",
    "女会员获得各级荣誉2项：李四同志被市妇联评为“三八红旗手”；周九同志被评为“先进个人”；财务室被评为市级“巾帼文明岗”。",
]


def test_text_of_the_hand_built_union(db, records):
    ctx = make_context(db)
    section = women_write(ctx, women_stats(ctx), None)
    assert section.title == "关爱女职工，做好女职工工作"
    assert texts(section) == EXPECTED


def test_every_figure_is_marked(db, records):
    ctx = make_context(db, previous=previous_period(YEAR))
    stats = women_stats(ctx)
    section = women_write(ctx, stats, women_stats(make_context(db, previous_period(YEAR))))
    keys = {s.key for s in stats}
    for paragraph in section.blocks:
        assert unmarked_digits(paragraph) == [], paragraph.text
        for mark in paragraph.marks:
            assert mark.key in keys or mark.key.removesuffix(PREVIOUS_SUFFIX) in keys
    marked = {(m.key, p.text[m.start:m.end]) for p in section.blocks for m in p.marks}
    assert {("women.visit_money", "2000元"), ("women.event_rate", "66.7%"), ("women.event_rate", "2人"),
            ("women.working_end", "3人"), ("women.honours", "“三八红旗手”")} <= marked


def test_comparisons(db, records):
    ctx = make_context(db, previous=previous_period(YEAR))
    result = texts(women_write(ctx, women_stats(ctx), women_stats(make_context(db, previous_period(YEAR)))))
    assert "全年新发展女会员1人，与上年持平。" in result[0]
    assert result[1].startswith("全年走访慰问女会员7人次，比上年增加6人次，涉及3人")
    assert result[2].startswith("全年女会员参加各类活动5人次，比上年增加3人次，涉及3人；")


def test_zero_cases_leave_sentences_out(db, records):
    ctx = make_context(db)
    stats = [s if s.key in ("women.members_end", "women.working_end", "women.share", "women.retired_end")
             else replace(s, value=0, ids=()) for s in women_stats(ctx)]
    assert texts(women_write(ctx, stats, None)) == ["本会现有女会员3人，占会员总数的60%。"]


def test_a_union_without_women_writes_nothing(db, store):
    save_profile(db, UnionProfile(name="男子篮球队工会", kind="企业"))
    add_member(store, "张三", sex="男")
    ctx = make_context(db)
    stats = women_stats(ctx)
    assert all(s.value == 0 for s in stats)
    assert women_write(ctx, stats, None).blocks == []
    assert WOMEN_SPEC.appendix(ctx, stats) == []


def test_singular_plural_and_retired_breakdown(db, records, store):
    add_member(store, "退休女工", sex="女", status="退休", status_date="2020-01-01")
    ctx = make_context(db)
    stats = with_values(women_stats(ctx), visit_persons=7, march8_events=2, march8_times=5, march8_persons=4)
    result = texts(women_write(ctx, stats, None))
    assert result[0].startswith("本会现有女会员4人，占会员总数的66.7%，其中在职3人、退休1人。")
    assert result[1].startswith("全年走访慰问女会员7人次，送去慰问金")  # every visit a different woman: no 涉及
    assert result[2].endswith("围绕“三八”国际妇女节，举办主题活动2场（庆三八插花活动），参加5人次（4人）。")


def test_without_names(db, records):
    ctx = make_context(db, options=ReportOptions(names=False))
    result = texts(women_write(ctx, women_stats(ctx), None))
    assert result[0].endswith("女职工委员会现有委员2名。")
    assert "通过1次面向女会员的集中慰问，慰问3人次" in result[1]
    assert "举办主题活动1场，3人参加。" in result[2]
    assert result[3] == ("女会员获得各级荣誉2项：1名女会员被市妇联评为“三八红旗手”；1名女会员被评为“先进个人”；"
                         "财务室被评为市级“巾帼文明岗”。")


def test_chinese_numerals_and_approximate(db, records):
    ctx = make_context(db, options=ReportOptions(chinese_numerals=True))
    result = texts(women_write(ctx, women_stats(ctx), None))
    assert result[0].startswith("本会现有女会员三人")
    assert "（参加活动的在册女会员2人÷在册女会员3人）" in result[2]  # a rate's base stays in digits
    ctx = make_context(db, options=ReportOptions(approximate=True))
    stats = with_values(women_stats(ctx), members_end=1234, working_end=1100, retired_end=134, visit_times=2345,
                        visit_persons=987, visit_money=12_345_678, event_times=5678, event_persons=1050,
                        event_rate=(1000, 1100))
    result = texts(women_write(ctx, stats, None))
    assert result[0].startswith("本会现有女会员1200余人，占会员总数的")
    assert result[1].startswith("全年走访慰问女会员2300余人次，涉及980余人，送去慰问金和慰问品12万余元。")
    assert "在册女会员参与率为90%以上（参加活动的在册女会员1000人÷在册女会员1100人）" in result[2]


def test_a_school_and_a_past_semester(db, records):
    db.execute("UPDATE union_profile SET kind = '学校'")
    ctx = make_context(db, semester_period(2025, 2), kind="semester")
    section = women_write(ctx, women_stats(ctx), None)
    assert section.title == "关爱女教职工，做好女教职工工作"
    result = texts(section)
    assert result[0].startswith("截至2026年7月31日，本会有女会员3人")  # 李四 周九 冯十三 (赵六 and 钱七 left)
    assert result[1].startswith("本学期走访慰问女会员7人次")
    assert WOMEN_SPEC.heading(ctx) == section.title


# --- the appendix -----------------------------------------------------------------------------------------------
def test_appendix(db, records):
    ctx = make_context(db)
    summary, honours = WOMEN_SPEC.appendix(ctx, women_stats(ctx))
    assert summary.header == ("项目", "数量", "金额（元）")
    assert summary.rows == (("女会员", "3人", "—"), ("新发展女会员", "1人", "—"),
                            ("走访慰问女会员", "7人次（3人）", "2000"), ("女会员参加活动", "5人次（3人）", "—"),
                            ("“三八”节活动", "1场，3人次", "—"), ("女会员为户主的在档困难家庭", "1户", "—"),
                            ("帮扶女会员家庭", "2人次", "1500"), ("女会员获得荣誉", "2项（2人）", "—"),
                            ("巾帼文明岗等集体荣誉", "1项", "—"))
    assert honours.rows == (("李四", "三八红旗手", "市级", "市妇联", "2026"), ("周九", "先进个人", "本单位", "—", "2026"),
                            ("财务室", "巾帼文明岗", "市级", "—", "2026"))


def test_registration():
    assert section("women") is WOMEN_SPEC and WOMEN_SPEC.order == 60
    assert WOMEN_SPEC in registered_sections("annual") and WOMEN_SPEC not in registered_sections("care")
    orders = [s.key for s in registered_sections("annual")]
    assert orders.index("women") < orders.index("self")


# --- the demo: every figure against independent queries -------------------------------------------------------
@pytest.fixture(scope="module", params=["school", "company"])
def demo_db(request, tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp(request.param) / "demo.sqlite3")
    demo.generate_demo(db, kind=request.param, seed=5, today=TODAY)
    yield db
    db.conn.close()


@pytest.mark.parametrize("period", [YEAR, year_period(2025)], ids=["2026", "2025"])
def test_demo_figures_agree_with_independent_queries(demo_db, period):
    db = demo_db
    stats = values(women_stats(make_context(db, period)))
    women = {r[0] for r in db.execute("SELECT id FROM members WHERE sex = '女'")}
    end = min(period.date_to, TODAY.isoformat())
    visits = db.execute("SELECT member_id, cash_fen + goods_value_fen, occasion_id FROM visits WHERE voided_at IS NULL "
                        "AND visit_date >= ? AND visit_date <= ?", [period.date_from, period.date_to]).fetchall()
    mine = [v for v in visits if v[0] in women]
    assert stats["women.visit_times"] == len(mine)
    assert stats["women.visit_persons"] == len({v[0] for v in mine})
    assert stats["women.visit_money"] == sum(v[1] for v in mine)
    assert sum(v for k, v in stats.items() if k.startswith("women.visits.")) == len(mine)
    # events: individual entries and team entries expanded, by hand
    held = {r[0] for r in db.execute("SELECT id FROM events WHERE voided_at IS NULL AND status = '已举办' "
                                     "AND start_date >= ? AND start_date <= ?", [period.date_from, period.date_to])}
    live = {r[0] for r in db.execute("SELECT id FROM members WHERE voided_at IS NULL")}
    team_members: dict[int, list[int]] = {}
    for team_id, member_id in db.execute(
            "SELECT tm.team_id, tm.member_id FROM event_team_members tm JOIN event_teams t ON t.id = tm.team_id "
            "WHERE tm.voided_at IS NULL AND t.voided_at IS NULL"):
        team_members.setdefault(team_id, []).append(member_id)
    persons = []
    for event_id, member_id, team_id in db.execute(
            "SELECT event_id, member_id, team_id FROM event_participants WHERE voided_at IS NULL"):
        if event_id in held:
            persons += [member_id] if member_id else team_members.get(team_id, [])
    persons = [m for m in persons if m in live and m in women]
    assert stats["women.event_times"] == len(persons)
    assert stats["women.event_persons"] == len(set(persons))
    march8 = db.execute("SELECT count(*) FROM events WHERE voided_at IS NULL AND status = '已举办' AND holiday = '三八' "
                        "AND start_date >= ? AND start_date <= ?", [period.date_from, period.date_to]).fetchone()[0]
    assert stats["women.march8_events"] == march8
    # hardship and aid
    files = db.execute("SELECT member_id, status, opened_on, closed_on FROM hardship_files WHERE voided_at IS NULL"
                       ).fetchall()
    assert stats["women.hardship_households"] == sum(
        1 for m, status, opened, closed in files
        if m in women and status != "申请中" and opened <= end and (closed is None or closed > end))
    paid = db.execute("SELECT member_id, cash_fen + goods_value_fen FROM aid_payments WHERE voided_at IS NULL "
                      "AND stage = '发放' AND paid_on >= ? AND paid_on <= ?",
                      [period.date_from, period.date_to]).fetchall()
    assert stats["women.aid_times"] == sum(1 for m, _ in paid if m in women)
    assert stats["women.aid_money"] == sum(money for m, money in paid if m in women)
    honours = db.execute("SELECT member_id, conferred_on, year FROM honours WHERE voided_at IS NULL AND stage = '获评' "
                         "AND recipient_kind = '个人'").fetchall()
    in_period = [m for m, day, year in honours if m in women and (
        (day and period.date_from <= day <= period.date_to)
        or (not day and int(period.date_from[:4]) <= year <= int(period.date_to[:4])))]
    assert stats["women.honours"] == len(in_period) and stats["women.honour_persons"] == len(set(in_period))
    committee = db.execute("SELECT count(*) FROM committee_members WHERE voided_at IS NULL "
                           "AND committee = '女职工委员会'").fetchone()[0]
    assert stats["women.committee"] == committee
    assert stats["women.joined"] == db.execute(
        "SELECT count(*) FROM members WHERE voided_at IS NULL AND sex = '女' AND join_date >= ? AND join_date <= ?",
        [period.date_from, end]).fetchone()[0]


def test_demo_text(demo_db):
    ctx = make_context(demo_db, previous=previous_period(YEAR))
    stats = women_stats(ctx)
    section = women_write(ctx, stats, women_stats(make_context(demo_db, previous_period(YEAR))))
    s = by_key(stats)
    text = "".join(texts(section))
    assert f"本会现有女会员{s['women.members_end'].value}人" in text
    assert f"走访慰问女会员{s['women.visit_times'].value}人次" in text
    assert f"女会员参加各类活动{s['women.event_times'].value}人次" in text
    for paragraph in section.blocks:
        assert unmarked_digits(paragraph) == [], paragraph.text
        assert not re.search(r"(?<![\d.])0(人|名|个|项|户|场|元)", paragraph.text)
    assert WOMEN_SPEC.appendix(ctx, stats)
