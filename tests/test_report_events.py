"""The report sections written from events and honours: ``competition`` (劳动竞赛、技能比武和劳模, with the
honours part) and ``culture`` (文体活动与职工培训).

A hand-made 2026 (and a little of 2025) gives every figure by hand; each template is checked for its units,
its zero case (no "0场" in prose, a prompt for the officer instead), its singular case, the approximate and
Chinese-numeral options, names or none, and comparisons with the previous year (marked ``<key>@previous``);
the figures are checked against independent SQL on the school and company demo databases.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

import gonghui_desk.events.report_sections as ev_sections
from gonghui_desk import demo
from gonghui_desk.db import open_database
from gonghui_desk.db.member_queries import MemberFilter
from gonghui_desk.documents import Paragraph, Section, compose
from gonghui_desk.events.report_sections import COMPETITION_KINDS, rate_value
from gonghui_desk.events.store import EventInput, EventStore, ResultInput
from gonghui_desk.honours.report_sections import honour_stats
from gonghui_desk.honours.store import HonourInput, HonourStore
from gonghui_desk.reports.model import ReportContext, ReportOptions, ReportPeriod, Stat
from gonghui_desk.reports.sections import section
from gonghui_desk.reports.text import money_text
from gonghui_desk.union import UnionProfile, ensure_sub_unit_path, load_profile, save_profile
from tests.conftest import TODAY
from tests.test_care_visits import add_member

YEAR = ReportPeriod("2026-01-01", "2026-12-31", "2026年")
LAST_YEAR = ReportPeriod("2025-01-01", "2025-12-31", "上年")
ZERO = re.compile(r"(?<![\d.])0(场|次|人次|人|名|期|件|项|支|个|元)")


def make_union(db, store) -> dict:
    """A company union with eight members; 孙八 retires on 2026-06-01, 周九 transfers out on 2026-10-01; 吴十
    never takes part.

    Competitions (2026): 第5届职工技能大赛 (技能比武, 04-10; 车工: 张三 李四 王五, 焊工: 张三 赵六 — 张三 车工
    一等奖 1000元 promoted to 市级决赛 and won 二等奖 there, 赵六 焊工 一等奖 1000元 promoted without a result
    yet, 李四 二等奖 500元, 王五 三等奖); 安全知识竞赛 (安康杯, 06-15; teams 一车间队 张三 钱七 团体第一名 600元,
    办公室队 王五 孙八 团体第二名 400元; 组织奖 200元 to 一车间); 市职工职业技能大赛 (技能比武, by 市总工会,
    09-01; 李四). Left out: a planned 劳动竞赛, a cancelled 知识竞赛 and a voided 岗位练兵 (吴十 in each).
    2025: 法律知识竞赛 (张三, 李四).

    Culture (2026): 职工运动会 (文体活动, 05-01, 2000元; 100米 张三 李四, 拔河 二车间队 赵六 钱七 — 张三 一等奖,
    二车间队 团体第一名 300元); 迎新春文艺汇演 (文艺演出, 01-20; 李四 王五 孙八); 安全生产培训 (讲座/培训,
    03-10, 500元; 张三 李四 王五 赵六); 工会干部培训班 (讲座/培训 by 某区总工会, 07-05; 张三); 劳模疗休养
    (疗休养, 08-01; 钱七 周九); 读书分享会 (其他, 10-10; 李四). Left out: a planned 文体活动 (吴十).
    2025: 登山 (文体活动, 张三).

    Honours: 2026 — 钱七 五一劳动奖章 (省部级, 省总工会, 04-30), 张三 市劳动模范 (市级, 市人民政府, 04-28), 一车间
    工人先锋号 (集体, 市级, 市总工会, 05-01), 李四 先进个人 (县区级, 某区总工会, 03-01) and 王五 the same
    without a date; 赵六 五一劳动奖章 at 推荐. Left out: 本会 模范职工之家, 二车间 先进职工小家 (自身建设's), a
    voided one. 2025 — 张三 先进个人 (县区级, 2025-12-20).
    """
    save_profile(db, UnionProfile(name="某某机械有限公司工会委员会", kind="企业", upstream_union="某区总工会"))
    units = {name: ensure_sub_unit_path(db, name) for name in ("一车间", "二车间", "办公室")}
    people = {name: add_member(store, name, sub_unit_id=units[unit]) for name, unit in (
        ("张三", "一车间"), ("李四", "一车间"), ("王五", "办公室"), ("赵六", "二车间"), ("钱七", "二车间"),
        ("吴十", "办公室"))}
    people["孙八"] = add_member(store, "孙八", sub_unit_id=units["办公室"], status="退休", status_date="2026-06-01")
    people["周九"] = add_member(store, "周九", sub_unit_id=units["一车间"], status="转出", status_date="2026-10-01")
    p = people
    es = EventStore(db, today=TODAY)

    def held(name, kind, day, **values) -> int:
        return es.create(EventInput(name, kind, day, status="已举办", **values))

    def entries(event_id, names, item_id=None) -> dict[str, int]:
        ids = es.add_members(event_id, [p[n] for n in names], item_id=item_id).entry_ids
        return dict(zip(names, ids))

    ev = {}
    ev["contest"] = held("职工技能大赛", "技能比武", "2026-04-10", edition=5)
    lathe, weld = es.add_item(ev["contest"], "车工"), es.add_item(ev["contest"], "焊工")
    lathe_entries = entries(ev["contest"], ["张三", "李四", "王五"], lathe)
    weld_entries = entries(ev["contest"], ["张三", "赵六"], weld)
    es.record_result(ev["contest"], ResultInput(participant_id=lathe_entries["张三"], rank=1, grade="一等奖",
                                                prize_fen=100000, promoted=True, upstream_round="市级决赛",
                                                upstream_result="二等奖"))
    es.record_result(ev["contest"], ResultInput(participant_id=weld_entries["赵六"], rank=1, grade="一等奖",
                                                prize_fen=100000, promoted=True, upstream_round="市级决赛"))
    es.record_result(ev["contest"], ResultInput(participant_id=lathe_entries["李四"], rank=2, grade="二等奖",
                                                prize_fen=50000))
    es.record_result(ev["contest"], ResultInput(participant_id=lathe_entries["王五"], rank=3, grade="三等奖"))
    ev["ankang"] = held("安全知识竞赛", "安康杯", "2026-06-15")
    workshop = es.create_team(ev["ankang"], "一车间队", [p["张三"], p["钱七"]])
    office = es.create_team(ev["ankang"], "办公室队", [p["王五"], p["孙八"]])
    es.record_result(ev["ankang"], ResultInput(participant_id=es.add_team(ev["ankang"], workshop), rank=1,
                                               grade="团体第一名", prize_fen=60000))
    es.record_result(ev["ankang"], ResultInput(participant_id=es.add_team(ev["ankang"], office), rank=2,
                                               grade="团体第二名", prize_fen=40000))
    es.record_result(ev["ankang"], ResultInput(awardee="一车间", grade="组织奖", prize_fen=20000))
    ev["city"] = held("市职工职业技能大赛", "技能比武", "2026-09-01", organiser_kind="上级", organiser="市总工会")
    entries(ev["city"], ["李四"])
    for name, kind, day, status in (("劳动竞赛月", "劳动竞赛", "2026-12-10", "计划"),
                                    ("消防知识竞赛", "知识竞赛", "2026-03-01", "已取消"),
                                    ("录错的练兵", "岗位练兵", "2026-05-05", "已举办")):
        event_id = es.create(EventInput(name, kind, day, status="计划" if status == "已取消" else status))
        entries(event_id, ["吴十"])
        if status == "已取消":
            es.set_status(event_id, "已取消")
        if name == "录错的练兵":
            es.void(event_id, "重复录入")
    ev["quiz_2025"] = held("法律知识竞赛", "知识竞赛", "2025-05-01")
    entries(ev["quiz_2025"], ["张三", "李四"])

    ev["games"] = held("职工运动会", "文体活动", "2026-05-01", cost_fen=200000)
    run, tug = es.add_item(ev["games"], "100米"), es.add_item(ev["games"], "拔河", team_item=True)
    run_entries = entries(ev["games"], ["张三", "李四"], run)
    tug_team = es.create_team(ev["games"], "二车间队", [p["赵六"], p["钱七"]])
    es.record_result(ev["games"], ResultInput(participant_id=run_entries["张三"], rank=1, grade="一等奖"))
    es.record_result(ev["games"], ResultInput(participant_id=es.add_team(ev["games"], tug_team, item_id=tug), rank=1,
                                              grade="团体第一名", prize_fen=30000))
    ev["show"] = held("迎新春文艺汇演", "文艺演出", "2026-01-20")
    entries(ev["show"], ["李四", "王五", "孙八"])
    ev["safety"] = held("安全生产培训", "讲座/培训", "2026-03-10", cost_fen=50000)
    entries(ev["safety"], ["张三", "李四", "王五", "赵六"])
    ev["cadres"] = held("工会干部培训班", "讲座/培训", "2026-07-05", organiser_kind="上级", organiser="某区总工会")
    entries(ev["cadres"], ["张三"])
    ev["rest"] = held("劳模疗休养", "疗休养", "2026-08-01")
    entries(ev["rest"], ["钱七", "周九"])
    ev["books"] = held("读书分享会", "其他", "2026-10-10")
    entries(ev["books"], ["李四"])
    planned = es.create(EventInput("迎新年联欢", "文体活动", "2026-12-20"))
    entries(planned, ["吴十"])
    ev["hike_2025"] = held("登山", "文体活动", "2025-06-01")
    entries(ev["hike_2025"], ["张三"])

    hs = HonourStore(db, today=TODAY)

    def honour(**values) -> int:
        return hs.save(HonourInput(**values))

    h = {
        "钱七": honour(member_id=p["钱七"], title="五一劳动奖章", level="省部级", conferred_by="省总工会",
                     conferred_on="2026-04-30"),
        "张三": honour(member_id=p["张三"], title="市劳动模范", level="市级", conferred_by="市人民政府",
                     conferred_on="2026-04-28"),
        "一车间": honour(recipient_kind="集体", sub_unit_id=units["一车间"], title="工人先锋号", level="市级",
                      conferred_by="市总工会", conferred_on="2026-05-01"),
        "李四": honour(member_id=p["李四"], title="先进个人", level="县区级", conferred_by="某区总工会",
                     conferred_on="2026-03-01"),
        "王五": honour(member_id=p["王五"], title="先进个人", level="县区级", conferred_by="某区总工会", year=2026),
        "赵六": honour(member_id=p["赵六"], title="五一劳动奖章", level="省部级", conferred_by="省总工会", year=2026,
                     stage="推荐"),
        "本会": honour(recipient_kind="本会", title="模范职工之家", level="市级", conferred_on="2026-06-01"),
        "二车间": honour(recipient_kind="集体", sub_unit_id=units["二车间"], title="先进职工小家", level="县区级",
                      conferred_on="2026-06-01"),
        "voided": honour(member_id=p["吴十"], title="先进个人", level="本单位", conferred_on="2026-06-01"),
        "张三2025": honour(member_id=p["张三"], title="先进个人", level="县区级", conferred_by="某区总工会",
                         conferred_on="2025-12-20"),
    }
    hs.void(h["voided"], "录错")
    return {"db": db, "people": people, "events": ev, "honours": h, "units": units}


@pytest.fixture
def union(db, store):
    return make_union(db, store)


def context(db, period=YEAR, options=ReportOptions(), previous=None, kind="annual") -> ReportContext:
    profile = load_profile(db)
    return ReportContext(db, period, options, profile.vocabulary, profile.name, TODAY, previous=previous, kind=kind)


def run(db, key: str, period=YEAR, options=ReportOptions(), compare=False, kind="annual"):
    """(stats by key, the written section, its paragraphs' text, the paragraphs) of section ``key``."""
    spec = section(key)
    ctx = context(db, period, options, LAST_YEAR if compare else None, kind)
    stats = spec.stats(ctx)
    previous = spec.stats(context(db, LAST_YEAR, options, kind=kind)) if compare else None
    written = spec.write(ctx, stats, previous)
    paragraphs = [b for b in compose([written]) if isinstance(b, Paragraph)]
    return {s.key: s for s in stats}, written, "\n".join(p.text for p in paragraphs), paragraphs


def values(stats: dict[str, Stat]) -> dict[str, int]:
    return {k: s.value for k, s in stats.items()}


RATE_KEYS = {"culture.participation_rate": ("culture.rate_persons", "culture.rate_base")}


def check_marks(paragraphs: list[Paragraph], stats: dict[str, Stat], previous: list[Stat] | None = None) -> int:
    """Every mark (exact options) stands on its stat's figure; returns how many marks there are."""
    before = {s.key + "@previous": s for s in previous or ()}
    count = 0
    for p in paragraphs:
        for m in p.marks:
            text = p.text[m.start:m.end]
            count += 1
            if m.key.endswith("@previous"):
                assert m.key in before, m.key
                continue
            stat = stats[m.key]
            if stat.unit == "元":
                assert text == money_text(stat.value), (m.key, text)
            elif m.key.endswith("rate"):
                assert text.endswith("%"), (m.key, text)
            else:
                number = re.match(r"\d+", text)
                assert number and int(number.group()) == stat.value, (m.key, text, stat.value)
    return count


# --- competition: figures -------------------------------------------------------------------------------------
def test_competition_figures_by_hand(union):
    stats, *_ = run(union["db"], "competition")
    got = values(stats)
    assert {k: v for k, v in got.items() if not k.startswith("competition.honours")} == {
        "competition.events": 3, "competition.kind.skills": 2, "competition.kind.ankang": 1,
        "competition.upstream_events": 1,
        "competition.person_times": 10,  # 大赛 5 entries (张三 twice), 安康杯 2 teams × 2, 市赛 1
        "competition.persons": 6, "competition.teams": 2,
        "competition.winners": 6, "competition.awards": 8,  # 4 individual + 2 teams × 2 members
        "competition.grade:一等奖": 2, "competition.grade:二等奖": 1, "competition.grade:三等奖": 1,
        "competition.team_grade:团体第一名": 1, "competition.team_grade:团体第二名": 1,
        "competition.collective_awards": 1, "competition.prize": 370000,
        "competition.promoted": 2, "competition.promoted_persons": 2, "competition.upstream_awards": 1,
    }
    assert stats["competition.grade:一等奖"].unit == "人" and stats["competition.team_grade:团体第一名"].unit == "支"
    ev = union["events"]
    assert stats["competition.events"].ids == tuple(sorted((ev["contest"], ev["ankang"], ev["city"])))
    assert stats["competition.events"].table == "events"
    people = union["people"]
    assert stats["competition.persons"].ids == tuple(sorted(people[n] for n in ("张三", "李四", "王五", "赵六", "钱七",
                                                                               "孙八")))
    assert len(stats["competition.person_times"].ids) == 8  # the entries: 5 + 2 team entries + 1
    assert stats["competition.winners"].ids == stats["competition.persons"].ids
    for stat in stats.values():
        assert stat.basis and stat.label, stat.key
        assert stat.key.startswith("competition.")


def test_honour_figures_by_hand(union):
    stats = {s.key: s for s in honour_stats(context(union["db"]))}
    h, p = union["honours"], union["people"]
    assert values(stats) == {
        "competition.honours": 5, "competition.honours.persons": 4, "competition.honours.collectives": 1,
        "competition.honours.level.provincial": 1, "competition.honours.level.city": 2,
        "competition.honours.level.county": 2,
        "competition.honours.group.1": 1, "competition.honours.group.2": 1, "competition.honours.group.3": 1,
        "competition.honours.group.4": 2, "competition.honours.pending": 1,
    }
    assert stats["competition.honours"].ids == tuple(sorted(h[n] for n in ("钱七", "张三", "一车间", "李四", "王五")))
    assert stats["competition.honours.persons"].ids == tuple(sorted(p[n] for n in ("钱七", "张三", "李四", "王五")))
    assert stats["competition.honours.group.4"].ids == tuple(sorted((h["李四"], h["王五"])))
    assert stats["competition.honours.pending"].ids == (h["赵六"],)
    last = {s.key: s for s in honour_stats(context(union["db"], LAST_YEAR))}
    assert values(last) == {"competition.honours": 1, "competition.honours.persons": 1,
                            "competition.honours.level.county": 1, "competition.honours.group.1": 1}


def test_competition_text(union):
    stats, written, text, paragraphs = run(union["db"], "competition")
    assert written.title == "深入开展劳动和技能竞赛，大力弘扬劳模精神"
    assert [c.title for c in written.children] == ["劳动和技能竞赛", "选树先进典型"]
    assert text.split("\n") == [
        "全年共开展技能比武和安康杯竞赛3场，其中技能比武2场、安康杯竞赛1场（含组织参加上级工会和外单位举办的比赛1场），"
        "包括“第5届职工技能大赛”、“安全知识竞赛”、“市职工职业技能大赛”。各项比赛共有6名职工参加，累计10人次；"
        "团体项目共有2支队伍参赛。",
        "比赛中，共有6名职工获奖，累计8人次（团体项目按队员计）。个人项目中，张三、赵六2人获一等奖，二等奖1人，三等奖1人；"
        "团体项目中，一车间队获团体第一名，办公室队获团体第二名；一车间获组织奖；共发放奖金3700元。",
        "张三、赵六2名职工被推荐参加上级比赛，其中张三在市级决赛中获二等奖。",
        "全年共有4名职工和1个集体获得各级荣誉5项，其中省部级1项、市级2项、县区级2项：钱七同志荣获省总工会授予的五一劳动奖章；"
        "张三同志被市人民政府评为市劳动模范；一车间被市总工会评为工人先锋号；李四、王五2名同志被某区总工会评为先进个人。"
        "此外，还有1项荣誉正在推荐或申报中：赵六同志被推荐参评省部级“五一劳动奖章”。",
    ]
    assert check_marks(paragraphs, stats) >= 20
    assert not ZERO.search(text)


def test_competition_without_names_and_in_chinese_numerals(union):
    options = ReportOptions(names=False, chinese_numerals=True)
    stats, _, text, paragraphs = run(union["db"], "competition", options=options)
    assert "张三" not in text and "李四" not in text and "赵六" not in text
    assert "个人项目中，一等奖两人，二等奖一人，三等奖一人" in text
    assert "推荐两名职工参加上级比赛，其中一人次在上级比赛中获奖。" in text
    assert "一名同志荣获省总工会授予的五一劳动奖章" in text and "两名同志被某区总工会评为先进个人" in text
    assert "此外，还有一项荣誉正在推荐或申报中。" in text
    assert "一车间队获团体第一名" in text  # teams and sub-units are not people: named either way


def test_competition_comparison_is_marked_with_the_previous_stats(union):
    stats, _, text, paragraphs = run(union["db"], "competition", compare=True)
    assert "与上年相比，竞赛场次增加2场，参赛人次增加8人次。" in text
    assert "与上年相比，获得各级荣誉增加4项。" in text
    previous = section("competition").stats(context(union["db"], LAST_YEAR))
    check_marks(paragraphs, stats, previous)
    marked = {p.text[m.start:m.end]: m.key for p in paragraphs for m in p.marks if m.key.endswith("@previous")}
    assert marked == {"增加2场": "competition.events@previous", "增加8人次": "competition.person_times@previous",
                      "增加4项": "competition.honours@previous"}


def test_a_single_event_and_a_single_honour_read_naturally(db, store):
    save_profile(db, UnionProfile(name="某小学工会委员会", kind="学校"))
    people = [add_member(store, n) for n in ("张三", "李四")]
    es = EventStore(db, today=TODAY)
    event = es.create(EventInput("青年教师基本功比赛", "岗位练兵", "2026-04-01", edition=9, status="已举办"))
    entry = es.add_members(event, people).entry_ids[0]
    es.record_result(event, ResultInput(participant_id=entry, grade="一等奖", promoted=True,
                                        upstream_round="县级青年教师基本功比赛", upstream_result="一等奖"))
    HonourStore(db, today=TODAY).save(HonourInput(member_id=people[1], title="优秀班主任", level="县区级",
                                                  conferred_by="县教育局", conferred_on="2026-09-10"))
    stats, written, text, _ = run(db, "competition")
    assert text.split("\n") == [
        "全年，本会举办了“第9届青年教师基本功比赛”，2名教职工参加。",
        "比赛中，共有1名教职工获奖，其中张三1人获一等奖。",
        "张三同志被推荐参加县级青年教师基本功比赛，获一等奖。",
        "全年，李四同志被县教育局评为优秀班主任。",
    ]
    assert not ZERO.search(text)
    # a half-year: the body says 上半年; an upstream-organised single event says who held it
    es.create(EventInput("市教师技能大赛", "技能比武", "2026-10-01", organiser_kind="上级", organiser="市教育工会",
                         status="已举办"))
    _, _, text, _ = run(db, "competition", ReportPeriod("2026-07-01", "2026-12-31", "2026年下半年"), kind="half")
    assert text.startswith("下半年，本会组织教职工参加了市教育工会举办的“市教师技能大赛”。")


def test_an_empty_period_gives_a_prompt_and_no_zero(union):
    period = ReportPeriod("2024-01-01", "2024-12-31", "2024年")
    for key in ("competition", "culture"):
        stats, written, text, _ = run(union["db"], key, period)
        assert all(s.value == 0 for s in stats.values())
        assert text.startswith("【本期没有登记") and text.endswith("】")
        assert not ZERO.search(text)
        assert section(key).appendix(context(union["db"], period), list(stats.values())) == []


def test_honours_only_give_their_own_title(db, store):
    save_profile(db, UnionProfile(name="某公司工会委员会", kind="企业"))
    member = add_member(store, "张三")
    HonourStore(db, today=TODAY).save(HonourInput(member_id=member, title="五一劳动奖章", level="全国",
                                                  conferred_by="中华全国总工会", conferred_on="2026-04-28"))
    _, written, text, _ = run(db, "competition")
    assert written.title == "选树先进典型，弘扬劳模精神" and not written.children
    assert text == "全年，张三同志荣获中华全国总工会授予的五一劳动奖章。"


# --- culture ----------------------------------------------------------------------------------------------------
def test_culture_figures_by_hand(union):
    stats, *_ = run(union["db"], "culture")
    assert values(stats) == {
        "culture.events": 6, "culture.person_times": 15, "culture.persons": 7,
        "culture.sports.events": 1, "culture.sports.person_times": 4, "culture.sports.persons": 4,
        "culture.performances.events": 1, "culture.performances.person_times": 3, "culture.performances.persons": 3,
        "culture.training.events": 2, "culture.training.person_times": 5, "culture.training.persons": 4,
        "culture.training.upstream": 1,
        "culture.rest.events": 1, "culture.rest.person_times": 2, "culture.rest.persons": 2,
        "culture.other.events": 1, "culture.other.person_times": 1, "culture.other.persons": 1,
        # base: today (the year runs past it); 在册 张三 李四 王五 赵六 钱七 吴十; 孙八 retired, 周九 left
        "culture.participation_rate": 5, "culture.rate_persons": 5, "culture.rate_base": 6,
        "culture.winners": 3, "culture.awards": 3, "culture.grade:一等奖": 1, "culture.team_grade:团体第一名": 1,
        "culture.prize": 30000, "culture.cost": 250000,
    }
    assert stats["culture.participation_rate"].basis == "参与率＝参加活动的在册会员5人÷2026年11月22日在册会员6人＝83.3%"
    assert stats["culture.training.events"].unit == "期" and stats["culture.sports.events"].unit == "场"
    assert stats["culture.other.events"].unit == "次"
    p = union["people"]
    assert stats["culture.rate_base"].ids == tuple(sorted(p[n] for n in ("张三", "李四", "王五", "赵六", "钱七", "吴十")))
    assert stats["culture.rate_persons"].ids == tuple(sorted(p[n] for n in ("张三", "李四", "王五", "赵六", "钱七")))
    assert all(not k.startswith("competition") for k in stats)


def test_culture_text(union):
    stats, written, text, paragraphs = run(union["db"], "culture")
    assert written.title == "丰富职工文化生活，提升职工素质"
    assert text.split("\n") == [
        "全年共组织开展文体活动、文艺演出、讲座培训和疗休养等各类活动6次，参加15人次，涉及7名职工。"
        "按2026年11月22日在册会员计，职工参与率为83.3%（参加活动的在册会员5人÷在册会员6人）。",
        "一是开展了“职工运动会”，参加4人次；二是举办了“迎新春文艺汇演”，参加演出3人次；三是举办讲座和培训2期，"
        "内容包括“安全生产培训”、“工会干部培训班”（其中参加上级工会和外单位组织的1期），培训职工5人次；"
        "四是组织职工疗休养1期，共2名职工参加；五是开展了“读书分享会”，参加1人次。",
        "在各项文体比赛中，共有3名职工获奖（团体项目按队员计）。个人项目中，张三1人获一等奖；团体项目中，二车间队获团体第一名；"
        "共发放奖金300元。",
        "上述活动共支出经费2500元。",
    ]
    assert check_marks(paragraphs, stats) >= 15


def test_culture_comparison_and_rate_points(union):
    stats, _, text, paragraphs = run(union["db"], "culture", compare=True)
    # 2025: 1 event, 1 人次; the rate 1 of the 8 在册 on 2025-12-31 = 12.5%; now 83.3%
    assert text.endswith("与上年相比，活动次数增加5次，参加人次增加14人次，参与率提高70.8个百分点。")
    assert rate_value(5, 6) - rate_value(1, 8) == 708
    previous = section("culture").stats(context(union["db"], LAST_YEAR))
    check_marks(paragraphs, stats, previous)


def test_culture_approximate_rate_and_counts(union, store):
    db = union["db"]
    more = [add_member(store, f"会员{i:03d}") for i in range(120)]
    es = EventStore(db, today=TODAY)
    event = es.create(EventInput("全员健步走", "文体活动", "2026-11-01", status="已举办"))
    es.add_by_criteria(event, MemberFilter(status="在册"), label="全体在册会员")
    stats, _, text, _ = run(db, "culture", options=ReportOptions(approximate=True))
    assert stats["culture.person_times"].value == 15 + 126 and stats["culture.rate_base"].value == 126
    assert "参加140余人次" in text
    # 126 of 126 在册 took part: completeness is said only now, at exactly 100%
    assert "在册会员实现全员参与，参与率为100%（参加活动的在册会员126人÷在册会员126人）" in text
    entry = db.execute("SELECT id FROM event_participants WHERE event_id = ? AND member_id = ?",
                       [event, more[0]]).fetchone()[0]
    es.void_entry(entry, "未参加")
    _, _, text, _ = run(db, "culture", options=ReportOptions(approximate=True))
    assert "全员参与" not in text and "参与率为99%以上（参加活动的在册会员125人÷在册会员126人）" in text


def test_a_single_culture_group_is_one_sentence(db, store):
    save_profile(db, UnionProfile(name="某公司工会委员会", kind="企业"))
    people = [add_member(store, n) for n in ("张三", "李四", "王五")]
    es = EventStore(db, today=TODAY)
    for name, day in (("安全培训", "2026-03-01"), ("消防培训", "2026-06-01")):
        es.add_members(es.create(EventInput(name, "讲座/培训", day, status="已举办")), people[:2])
    _, _, text, _ = run(db, "culture")
    assert text == ("全年举办讲座和培训2期，内容包括“安全培训”、“消防培训”，培训职工4人次，涉及2名职工。"
                    "按2026年11月22日在册会员计，职工参与率为66.7%（参加活动的在册会员2人÷在册会员3人）。")


def test_many_events_name_the_largest_three(db, store):
    save_profile(db, UnionProfile(name="某公司工会委员会", kind="企业"))
    people = [add_member(store, f"会员{i}") for i in range(6)]
    es = EventStore(db, today=TODAY)
    for name, day, size in (("元旦长跑", "2026-01-01", 2), ("春季登山", "2026-04-01", 5), ("羽毛球赛", "2026-06-01", 1),
                            ("拔河比赛", "2026-09-01", 6), ("健步走", "2026-10-01", 4)):
        es.add_members(es.create(EventInput(name, "文体活动", day, status="已举办")), people[:size])
    _, _, text, _ = run(db, "culture")
    assert text.startswith("全年开展文体活动5场，主要有“春季登山”、“拔河比赛”、“健步走”等，参加18人次，涉及6名职工。")


def test_compare_text_says_more_less_level_and_points():
    ctx = ReportContext(None, YEAR, ReportOptions(chinese_numerals=True), None, "", TODAY, previous=LAST_YEAR)
    now = {s.key: s for s in (Stat("x.events", "活动", 5, "场"), Stat("x.times", "人次", 40, "人次"),
                              Stat("x.money", "经费", 1_250_000, "元"), Stat("x.rate", "参与率", 30, "人"),
                              Stat("x.base", "在册", 60, "人"), Stat("x.new", "新", 3, "项"))}
    then = [Stat("x.events", "活动", 7, "场"), Stat("x.times", "人次", 40, "人次"), Stat("x.money", "经费", 250_000, "元"),
            Stat("x.rate", "参与率", 20, "人"), Stat("x.base", "在册", 50, "人")]
    mt = ev_sections.compare_text(ctx, now, then, [("x.events", "活动场次"), ("x.times", "参加人次"),
                                                   ("x.money", "经费"), ("x.rate", "参与率", "x.rate", "x.base"),
                                                   ("x.new", "新项目")])
    # x.new has no figure in the previous period: it is not compared (its mark would point at nothing)
    assert mt.text == "与上年相比，活动场次减少两场，参加人次持平，经费增加1万元，参与率提高10个百分点。"
    assert [m.key for m in mt.marks] == ["x.events@previous", "x.times@previous", "x.money@previous",
                                         "x.rate@previous"]
    assert ev_sections.compare_text(ctx, now, None, [("x.events", "活动场次")]) is None
    assert (rate_value(1, 3), rate_value(2, 3), rate_value(1, 1), rate_value(1, 2000)) == (333, 667, 1000, 1)


# --- appendix -------------------------------------------------------------------------------------------------
def test_appendix_tables(union):
    db = union["db"]
    ctx = context(db)
    tables = section("competition").appendix(ctx, section("competition").stats(ctx))
    headers = [t.header[0] for t in tables]
    assert headers == ["日期", "活动类型", "月份", "获奖等级", "荣誉级别"]
    by_kind = {r[0]: r[1:] for r in tables[1].rows}
    assert by_kind == {"技能比武": ("2", "6", "4"), "安康杯": ("1", "4", "4")}
    assert tables[2].rows == (("2026年4月", "1", "5"), ("2026年6月", "1", "4"), ("2026年9月", "1", "1"))
    assert tables[3].rows[:2] == (("一等奖", "2", "2"), ("二等奖", "1", "1"))
    assert tables[3].rows[-1] == ("集体奖项（组织奖等）", "—", "1")
    assert [r[1] for r in tables[4].rows] == ["五一劳动奖章", "市劳动模范", "工人先锋号", "先进个人", "先进个人"]
    culture = section("culture").appendix(ctx, section("culture").stats(ctx))
    assert [t.header[0] for t in culture] == ["日期", "活动类型", "月份", "获奖等级"]
    assert sum(int(r[2]) for r in culture[1].rows) == 15 and sum(int(r[1]) for r in culture[2].rows) == 6


# --- independent SQL on the demo databases ----------------------------------------------------------------------
@pytest.fixture(scope="module", params=["school", "company"])
def demo_db(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / f"{request.param}.sqlite3"
    demo.create_demo_database(path, kind=request.param, seed=7, today=TODAY)
    database = open_database(path)
    yield database
    database.conn.close()


PERSONS_SQL = """
    SELECT p.id AS entry_id, p.member_id FROM event_participants p JOIN members m ON m.id = p.member_id
    WHERE p.voided_at IS NULL AND m.voided_at IS NULL AND p.event_id IN ({events})
    UNION ALL
    SELECT p.id, tm.member_id FROM event_participants p JOIN event_teams t ON t.id = p.team_id
    JOIN event_team_members tm ON tm.team_id = t.id JOIN members m ON m.id = tm.member_id
    WHERE p.voided_at IS NULL AND t.voided_at IS NULL AND tm.voided_at IS NULL AND m.voided_at IS NULL
      AND p.event_id IN ({events})"""


def _independent(db, kinds_sql: str, period: ReportPeriod) -> dict[str, int]:
    events = (f"SELECT id FROM events WHERE voided_at IS NULL AND status = '已举办' AND start_date BETWEEN "
              f"'{period.date_from}' AND '{period.date_to}' AND {kinds_sql}")
    rows = db.execute(PERSONS_SQL.format(events=events)).fetchall()
    return {"events": db.execute(f"SELECT count(*) FROM ({events})").fetchone()[0], "person_times": len(rows),
            "persons": len({m for _, m in rows}),
            "cost": db.execute(f"SELECT coalesce(sum(cost_fen), 0) FROM events WHERE id IN ({events})").fetchone()[0]}


@pytest.mark.parametrize("period", [YEAR, LAST_YEAR, ReportPeriod("2025-09-01", "2026-01-31", "学期")])
def test_demo_figures_agree_with_independent_sql(demo_db, period):
    kinds = "kind IN (" + ", ".join(f"'{k}'" for k in COMPETITION_KINDS) + ")"
    competition, *_ = run(demo_db, "competition", period)
    expected = _independent(demo_db, kinds, period)
    assert (competition["competition.events"].value, competition["competition.person_times"].value,
            competition["competition.persons"].value) == (expected["events"], expected["person_times"],
                                                          expected["persons"])
    culture, _, text, paragraphs = run(demo_db, "culture", period)
    expected = _independent(demo_db, "NOT " + kinds, period)
    assert (culture["culture.events"].value, culture["culture.person_times"].value,
            culture["culture.persons"].value) == (expected["events"], expected["person_times"], expected["persons"])
    if expected["cost"]:
        assert culture["culture.cost"].value == expected["cost"]
    groups = sum(culture[k].value for k in culture if k.endswith(".events") and k != "culture.events")
    assert groups == culture["culture.events"].value
    assert len(culture["culture.persons"].ids) == culture["culture.persons"].value
    check_marks(paragraphs, culture)
    awarded = demo_db.execute(
        f"""SELECT count(*) FROM event_results r JOIN event_participants p ON p.id = r.participant_id
            WHERE r.voided_at IS NULL AND p.voided_at IS NULL AND r.grade <> '' AND p.member_id IS NOT NULL
            AND r.event_id IN (SELECT id FROM events WHERE voided_at IS NULL AND status = '已举办'
                               AND start_date BETWEEN ? AND ? AND {kinds})""",
        [period.date_from, period.date_to]).fetchone()[0]
    individual = sum(len(s.ids) for k, s in competition.items() if k.startswith("competition.grade:"))
    assert individual == awarded
    honours = demo_db.execute(
        """SELECT count(*) FROM honours WHERE voided_at IS NULL AND stage = '获评' AND recipient_kind IN ('个人', '集体')
           AND title NOT LIKE '%之家%' AND title NOT LIKE '%小家%'
           AND ((conferred_on IS NOT NULL AND conferred_on BETWEEN ? AND ?)
                OR (conferred_on IS NULL AND year BETWEEN ? AND ?))""",
        [period.date_from, period.date_to, int(period.date_from[:4]), int(period.date_to[:4])]).fetchone()[0]
    assert competition["competition.honours"].value == honours


def test_demo_text_has_no_zero_and_every_mark_is_right(demo_db):
    for key in ("competition", "culture"):
        stats, written, text, paragraphs = run(demo_db, key, compare=True)
        assert isinstance(written, Section) and written.has_body()
        assert not ZERO.search(text), text
        previous = section(key).stats(context(demo_db, LAST_YEAR))
        check_marks(paragraphs, stats, previous)


def test_sections_are_registered_with_their_headlines():
    competition, culture = section("competition"), section("culture")
    assert (competition.order, culture.order) == (30, 50)
    assert competition.headline == ("competition.events", "competition.honours")
    assert culture.headline == ("culture.events", "culture.person_times")
    assert ev_sections.COMPETITION is competition and dataclasses.is_dataclass(competition)
