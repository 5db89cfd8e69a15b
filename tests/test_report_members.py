"""The report section 自身建设 ("self"): its figures on a hand-built union (hand-computed), every sentence's
cases (zero, singular, plural, names, Chinese numerals, approximate, comparisons), the marks, the appendix,
and the figures against independent queries on the demo databases."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest

from gonghui_desk import demo
from gonghui_desk.db import open_database
from gonghui_desk.documents.wording import date_text
from gonghui_desk.reports import member_sections
from gonghui_desk.reports.member_sections import SELF_SPEC, self_stats, self_write
from gonghui_desk.reports.model import ReportContext, ReportOptions, Stat
from gonghui_desk.reports.periods import previous_period, semester_period, term_period, year_period
from gonghui_desk.reports.sections import registered_sections, section
from gonghui_desk.reports.text import PREVIOUS_SUFFIX
from gonghui_desk.union import (UnionProfile, add_committee_member, add_sub_unit, load_profile,
                                remove_committee_member, save_profile, set_staff_count)
from tests.conftest import TODAY
from tests.test_care_visits import add_member

YEAR = year_period(2026)


def make_context(db, period=YEAR, options=ReportOptions(), *, today=TODAY, previous=None, kind="annual"):
    profile = load_profile(db)
    return ReportContext(db, period, options, profile.vocabulary, profile.name, today, previous=previous, kind=kind)


def add_honour(db, kind: str, title: str, level: str, year: int, *, member_id=None, sub_unit_id=None,
               group_name: str = "", conferred_by: str = "", conferred_on: str | None = None, stage: str = "获评",
               voided: bool = False) -> int:
    return db.execute(
        """INSERT INTO honours (recipient_kind, member_id, sub_unit_id, group_name, title, level, conferred_by, year,
                                conferred_on, stage, voided_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
        [kind, member_id, sub_unit_id, group_name, title, level, conferred_by, year, conferred_on, stage,
         "2026-11-01T00:00:00" if voided else None]).lastrowid


def build_union(db, store) -> dict:
    """A small company union, 2025–2026 (TODAY is 2026-11-22):

    * 张三 男 (2010, 甲班), 李四 女 (2012, 一车间, 农民工), 冯十三 女 (2024-01-01, 行政部): on the roll throughout.
    * 王五 男 (2015, 行政部): retired 2026-03-01 — still on the roll.
    * 赵六 女 (2008): 转出 2026-06-01. 钱七 女 (2011): 退会 2026-07-15. 孙八 男 (2000): retired 2020, 去世 2026-09-09.
    * 周九 女: joined 2026-02-10 (甲班). 吴十 男: joined 2026-05-20, 退会 2026-10-01.
    * 郑十一 女: joined 2025-05-01, 转出 2025-12-01. 王十二: joined 2026-03-03 but voided (a mistaken entry).

    On the roll: 2025-12-31 — 张三 李四 王五 赵六 钱七 孙八 冯十三 (7); 2026-11-22 — 张三 李四 王五 周九 冯十三 (5:
    4 在册 + 1 退休; women 李四 周九 冯十三; 农民工 李四). 2026: joined 2 (周九 吴十), retired 1 (王五), left 4 (转出 赵六,
    退会 钱七 吴十, 去世 孙八). 2025: joined 1 (郑十一), left 1 (郑十一 转出).
    """
    save_profile(db, UnionProfile(name="测试电机公司工会委员会", kind="企业", chair="张三", term_number=3,
                                  term_elected_on="2026-04-10", term_expires_on="2031-04-09"))
    workshop = add_sub_unit(db, "一车间", kind="分工会")
    team = add_sub_unit(db, "甲班", kind="工会小组", parent_id=workshop)
    office = add_sub_unit(db, "行政部", kind="部门")
    units = {"一车间": workshop, "甲班": team, "行政部": office}
    people = {
        "张三": add_member(store, "张三", sex="男", sub_unit_id=team),
        "李四": add_member(store, "李四", sex="女", sub_unit_id=workshop, join_date="2012-03-01", is_migrant_worker="是"),
        "王五": add_member(store, "王五", sex="男", sub_unit_id=office, join_date="2015-01-01", status="退休",
                         status_date="2026-03-01"),
        "赵六": add_member(store, "赵六", sex="女", sub_unit_id=office, join_date="2008-01-01", status="转出",
                         status_date="2026-06-01"),
        "钱七": add_member(store, "钱七", sex="女", sub_unit_id=office, join_date="2011-01-01", status="退会",
                         status_date="2026-07-15"),
        "孙八": add_member(store, "孙八", sex="男", sub_unit_id=office, join_date="2000-01-01", status="退休",
                         status_date="2020-01-01"),
        "周九": add_member(store, "周九", sex="女", sub_unit_id=team, join_date="2026-02-10"),
        "吴十": add_member(store, "吴十", sex="男", sub_unit_id=workshop, join_date="2026-05-20", status="退会",
                         status_date="2026-10-01"),
        "郑十一": add_member(store, "郑十一", sex="女", join_date="2025-05-01", status="转出", status_date="2025-12-01"),
        "王十二": add_member(store, "王十二", sex="男", join_date="2026-03-03"),
        "冯十三": add_member(store, "冯十三", sex="女", sub_unit_id=office, join_date="2024-01-01"),
    }
    store.change_status(people["孙八"], "去世", "2026-09-09", "病故")
    store.void(people["王十二"], "重复录入")
    committee = {
        "张三": add_committee_member(db, "工会委员会", "张三", "主席", people["张三"]),
        "李四": add_committee_member(db, "工会委员会", "李四", "委员", people["李四"]),
        "刘老师": add_committee_member(db, "工会委员会", "刘老师", "委员"),
        "王五": add_committee_member(db, "经审委员会", "王五", "主任", people["王五"]),
        "李四女工委": add_committee_member(db, "女职工委员会", "李四", "主任", people["李四"]),
        "冯十三": add_committee_member(db, "女职工委员会", "冯十三", "委员", people["冯十三"]),
        "已卸任": add_committee_member(db, "工会委员会", "钱七", "委员", people["钱七"]),
    }
    remove_committee_member(db, committee["已卸任"])
    set_staff_count(db, 2026, 5)
    set_staff_count(db, 2025, 9)
    honours = {
        "之家": add_honour(db, "本会", "模范职工之家", "县区级", 2026, conferred_by="某区总工会", conferred_on="2026-04-28"),
        "小家": add_honour(db, "集体", "模范职工小家", "县区级", 2026, sub_unit_id=workshop),
        "去年": add_honour(db, "本会", "先进职工之家", "市级", 2025, conferred_by="某市总工会", conferred_on="2025-05-01"),
        "先锋号": add_honour(db, "集体", "工人先锋号", "市级", 2026, group_name="质检班", conferred_on="2026-05-01"),
        "推荐中": add_honour(db, "本会", "五一劳动奖状", "省部级", 2026, stage="推荐"),
        "作废": add_honour(db, "本会", "先进职工之家", "县区级", 2026, conferred_on="2026-06-01", voided=True),
    }
    return {"people": people, "units": units, "committee": committee, "honours": honours}


@pytest.fixture
def union(db, store):
    return build_union(db, store)


def by_key(stats: list[Stat]) -> dict[str, Stat]:
    return {s.key: s for s in stats}


def values(stats: list[Stat]) -> dict[str, int]:
    return {s.key: s.value for s in stats}


def texts(section) -> list[str]:
    return [block.text for block in section.blocks]


def with_values(stats: list[Stat], **changes) -> list[Stat]:
    """The stats with some values replaced (keys given without "self." and with "__" for ".")."""
    wanted = {f"self.{k.replace('__', '.')}": v for k, v in changes.items()}
    return [_with_value(s, wanted[s.key]) if s.key in wanted else s for s in stats]


def _with_value(stat: Stat, value) -> Stat:
    """A value, or (count, base) for a rate."""
    count, base = value if isinstance(value, tuple) else (value, stat.base)
    return replace(stat, value=count, base=base)


def unmarked_digits(paragraph) -> list[str]:
    """Digits of the text outside every mark, apart from dates and years ("2026年11月22日", "2026年")."""
    covered = set()
    for mark in paragraph.marks:
        covered.update(range(mark.start, mark.end))
    for match in re.finditer(r"\d{4}年(\d{1,2}月(\d{1,2}日)?)?", paragraph.text):
        covered.update(range(match.start(), match.end()))
    return [c for i, c in enumerate(paragraph.text) if c.isdigit() and i not in covered]


# --- the figures ------------------------------------------------------------------------------------------------
def test_figures_of_the_hand_built_union(db, union):
    p = union["people"]
    stats = by_key(self_stats(make_context(db)))
    expected = {
        "self.members_end": 5, "self.working_end": 4, "self.retired_end": 1, "self.women_end": 3, "self.women_share": 3,
        "self.migrant_end": 1, "self.members_start": 7, "self.net_change": -2, "self.joined": 2, "self.retired": 1,
        "self.left": 4, "self.left.转出": 1, "self.left.退会": 2, "self.left.去世": 1, "self.branch_unions": 1,
        "self.groups": 1, "self.departments": 1, "self.committee": 3, "self.committee_women": 1,
        "self.audit_committee": 1, "self.women_committee": 2, "self.election": 1, "self.staff": 5,
        "self.membership_rate": 4, "self.union_honours": 1, "self.home_honours": 1,
    }
    assert {k: s.value for k, s in stats.items()} == expected
    assert set(stats["self.members_end"].ids) == {p[n] for n in ("张三", "李四", "王五", "周九", "冯十三")}
    assert set(stats["self.members_start"].ids) == {p[n] for n in ("张三", "李四", "王五", "赵六", "钱七", "孙八", "冯十三")}
    assert set(stats["self.joined"].ids) == {p["周九"], p["吴十"]}
    changes = {(m, new): i for i, m, new in db.execute("SELECT id, member_id, new_status FROM member_status_changes")}
    assert stats["self.left.退会"].table == "member_status_changes"
    assert set(stats["self.left.退会"].ids) == {changes[p["钱七"], "退会"], changes[p["吴十"], "退会"]}
    assert stats["self.left.去世"].ids == (changes[p["孙八"], "去世"],)  # 退休 → 去世 leaves the roll
    assert stats["self.retired"].ids == (changes[p["王五"], "退休"],)
    assert len(stats["self.left"].ids) == 4
    assert stats["self.union_honours"].ids == (union["honours"]["之家"],)
    assert stats["self.home_honours"].ids == (union["honours"]["小家"],)  # undated: by its year
    assert stats["self.committee"].table == "committee_members" and len(stats["self.committee"].ids) == 3
    for stat in stats.values():
        assert stat.basis, stat.key
        assert stat.key.startswith("self.")
    assert "在职会员4人÷2026年职工5人＝80%" in stats["self.membership_rate"].basis
    assert stats["self.staff"].table == "" and stats["self.staff"].ids == ()


def test_previous_year_and_the_start_of_a_past_period(db, union):
    stats = values(self_stats(make_context(db, year_period(2025))))
    assert stats["self.members_end"] == 7  # the roll on 2025-12-31, read from the history
    assert stats["self.members_start"] == 7  # 2024-12-31: 冯十三 joined on 2024-01-01, 郑十一 not yet
    assert (stats["self.joined"], stats["self.left"], stats["self.left.转出"], stats["self.retired"]) == (1, 1, 1, 0)
    assert stats["self.staff"] == 9 and stats["self.membership_rate"] == 6  # 7 on the roll, 孙八 retired
    assert stats["self.election"] == 0 and stats["self.union_honours"] == 1 and stats["self.home_honours"] == 0


def test_rate_left_out_without_a_staff_count_or_when_below_the_members(db, union):
    set_staff_count(db, 2026, None)
    set_staff_count(db, 2025, None)
    keys = {s.key for s in self_stats(make_context(db))}
    assert "self.staff" not in keys and "self.membership_rate" not in keys
    set_staff_count(db, 2025, 9)  # the year before when the end's year has none
    stats = by_key(self_stats(make_context(db)))
    assert stats["self.staff"].value == 9 and "2025年" in stats["self.staff"].basis
    set_staff_count(db, 2026, 3)  # below the 4 working members: a stale count, no rate
    stats = by_key(self_stats(make_context(db)))
    assert stats["self.staff"].value == 3 and "self.membership_rate" not in stats


# --- the text ---------------------------------------------------------------------------------------------------
def test_text_of_the_hand_built_union(db, union):
    ctx = make_context(db)
    section = self_write(ctx, self_stats(ctx), None)
    assert section.title == "加强工会自身建设，建设职工信赖的“职工之家”"
    assert texts(section) == [
        "截至2026年11月22日，本会共有会员5人，较年初的7人净减2人。其中在职会员4人、退休会员1人；女会员3人，"
        "占会员总数的60%；农民工会员1人。以2026年本单位职工5人计，在职会员入会率为80%。",
        "全年新发展会员2人（周九、吴十）；1名会员办理退休；因转出、退会、去世减少会员4人，其中转出1人、退会2人、去世1人。",
        "本会下设分工会1个、工会小组1个，另有1个部门。2026年4月10日，本会完成换届选举，产生第三届工会委员会，"
        "现有委员3名（主席张三），其中女委员1名；经费审查委员会委员1名，女职工委员会委员2名。",
        "本会被某区总工会评为“模范职工之家”；一车间被评为县区级“模范职工小家”。",
    ]


def test_every_figure_is_marked_with_a_stat_key(db, union):
    ctx = make_context(db, previous=previous_period(YEAR))
    stats = self_stats(ctx)
    previous = self_stats(make_context(db, previous_period(YEAR)))
    section = self_write(ctx, stats, previous)
    keys = {s.key for s in stats}
    for paragraph in section.blocks:
        assert unmarked_digits(paragraph) == [], paragraph.text
        for mark in paragraph.marks:
            assert mark.key in keys or (mark.key.endswith(PREVIOUS_SUFFIX) and mark.key[:-len(PREVIOUS_SUFFIX)] in keys)
    marked = {m.key: p.text[m.start:m.end] for p in section.blocks for m in p.marks}
    assert marked["self.members_end"] == "5人" and marked["self.women_share"] == "60%"
    assert marked["self.union_honours"] == "“模范职工之家”" and marked["self.election"] == "第三届工会委员会"


def test_comparisons_with_the_previous_year(db, union):
    ctx = make_context(db, previous=previous_period(YEAR))
    previous = self_stats(make_context(db, previous_period(YEAR)))
    text = texts(self_write(ctx, self_stats(ctx), previous))[1]
    assert text == ("全年新发展会员2人（周九、吴十），比上年增加1人；1名会员办理退休；因转出、退会、去世减少会员4人，"
                    "比上年增加3人，其中转出1人、退会2人、去世1人。")
    stats = self_stats(ctx)
    same = with_values(previous, joined=2)
    assert "与上年持平" in texts(self_write(ctx, stats, same))[1]


def test_zero_cases_leave_sentences_out(db, union):
    ctx = make_context(db)
    stats = with_values(self_stats(ctx), joined=0, retired=0, left=0, left__转出=0, left__退会=0, left__去世=0,
                        migrant_end=0, women_end=0, committee_women=0, audit_committee=0, union_honours=0,
                        home_honours=0, election=0)
    stats = [s if s.key not in ("self.union_honours", "self.home_honours") else
             replace(s, value=0, ids=()) for s in stats]
    result = texts(self_write(ctx, stats, None))
    assert result == [
        "截至2026年11月22日，本会共有会员5人，较年初的7人净减2人。其中在职会员4人、退休会员1人。"
        "以2026年本单位职工5人计，在职会员入会率为80%。",
        "本会下设分工会1个、工会小组1个，另有1个部门。第三届工会委员会现有委员3名（主席张三）；女职工委员会委员2名。",
    ]
    for text in result:
        assert not re.search(r"(?<!\d)0(人|名|个|项)", text)


def test_an_empty_union_writes_nothing(db):
    save_profile(db, UnionProfile(name="新建工会", kind="企业"))
    ctx = make_context(db)
    stats = self_stats(ctx)
    assert all(s.value == 0 for s in stats)
    assert self_write(ctx, stats, None).blocks == []
    assert SELF_SPEC.appendix(ctx, stats) == []


def test_singular_and_single_reason(db, union, store):
    store.void(union["people"]["吴十"], "录错")
    ctx = make_context(db)
    result = texts(self_write(ctx, self_stats(ctx), None))
    assert result[1] == "全年新发展会员1人（周九）；1名会员办理退休；因转出、退会、去世减少会员3人，其中转出1人、退会1人、去世1人。"
    stats = with_values(self_stats(ctx), left=1, left__转出=0, left__退会=1, left__去世=0, net_change=0)
    result = texts(self_write(ctx, stats, None))
    assert "与年初（7人）持平" in result[0]
    assert result[1] == "全年新发展会员1人（周九）；1名会员办理退休；因退会减少会员1人。"
    stats = with_values(stats, joined=2)  # figures and names disagree (an edited stat): no names
    assert texts(self_write(ctx, stats, None))[1].startswith("全年新发展会员2人；")


def test_net_increase_and_all_retired(db, union):
    ctx = make_context(db)
    stats = with_values(self_stats(ctx), net_change=3)
    assert "较年初的7人净增3人" in texts(self_write(ctx, stats, None))[0]
    stats = with_values(self_stats(ctx), working_end=0, retired_end=5)
    assert "本会共有会员5人，较年初的7人净减2人。其中均为退休会员" in texts(self_write(ctx, stats, None))[0]


def test_names_only_when_few_and_wanted(db, union, store):
    ctx = make_context(db, options=ReportOptions(names=False))
    result = texts(self_write(ctx, self_stats(ctx), None))
    assert result[1].startswith("全年新发展会员2人；") and "（主席张三）" not in result[2]
    for i in range(5):
        add_member(store, f"新人{i}", join_date=f"2026-0{i + 3}-15")
    ctx = make_context(db)
    result = texts(self_write(ctx, self_stats(ctx), None))
    assert result[1].startswith("全年新发展会员7人；")  # more than five: no names


def test_chinese_numerals_for_small_counts(db, union):
    ctx = make_context(db, options=ReportOptions(chinese_numerals=True))
    result = texts(self_write(ctx, self_stats(ctx), None))
    assert result[0].startswith("截至2026年11月22日，本会共有会员五人，较年初的七人净减两人。其中在职会员四人、退休会员一人")
    assert "以2026年本单位职工5人计" in result[0]  # a rate's base stays in digits
    assert "因转出、退会、去世减少会员四人，其中转出一人、退会两人、去世一人" in result[1]
    assert "现有委员三名（主席张三），其中女委员一名" in result[2]


def test_approximate_idioms_for_large_counts(db, union):
    ctx = make_context(db, options=ReportOptions(approximate=True))
    stats = with_values(self_stats(ctx), members_end=1234, members_start=1180, net_change=54, working_end=1100,
                        retired_end=134, women_end=456, women_share=(456, 1234), staff=1210,
                        membership_rate=(1100, 1210))
    text = texts(self_write(ctx, stats, None))[0]
    assert "本会共有会员1200余人，较年初的近1200人净增54人" in text
    assert "女会员450余人，占会员总数的36%以上" in text  # 456 ÷ 1234 = 36.95%: rounded down with 以上
    assert "以2026年本单位职工1210人计，在职会员入会率为90%以上" in text  # 1100 ÷ 1210 = 90.9%


def test_a_school_writes_its_departments_and_words(db, store):
    save_profile(db, UnionProfile(name="测试中学工会委员会", kind="学校"))
    for name in ("语文组", "数学组", "英语组", "行政后勤"):
        unit = add_sub_unit(db, name)
        add_member(store, f"{name}老师", sex="女", sub_unit_id=unit)
    ctx = make_context(db)
    section = self_write(ctx, self_stats(ctx), None)
    assert section.title == "加强工会自身建设，建设教职工信赖的“教工之家”"
    assert "会员分属语文组、数学组、英语组等4个年级组、教研组。" in texts(section)
    assert SELF_SPEC.heading(ctx) == section.title


def test_honours_over_several_years_name_the_years(db, union):
    period = term_period(db, TODAY)  # the committee's term: 2026-04-10 to today
    assert period.date_from == "2026-04-10"
    ctx = make_context(db, year_period(2025))
    wide = make_context(db, period=type(YEAR)("2025-01-01", "2026-11-22", "2025年至2026年"))
    text = texts(self_write(wide, self_stats(wide), None))[-1]
    assert text == ("本会获得各级荣誉2项：于2025年被某市总工会评为“先进职工之家”，于2026年被某区总工会评为“模范职工之家”；"
                    "一车间于2026年被评为县区级“模范职工小家”。")
    assert texts(self_write(ctx, self_stats(ctx), None))[-1] == "本会被某市总工会评为“先进职工之家”。"


def test_an_award_is_received_and_the_union_itself_is_named(db, union):
    add_honour(db, "本会", "五一劳动奖状", "省部级", 2026, conferred_by="某省总工会", conferred_on="2026-05-01")
    add_honour(db, "集体", "先进职工小家", "本单位", 2026, sub_unit_id=union["units"]["甲班"],
               conferred_by="测试电机公司工会委员会", conferred_on="2026-09-01")
    ctx = make_context(db)
    text = texts(self_write(ctx, self_stats(ctx), None))[-1]
    assert text == ("本会获得各级荣誉2项：荣获某省总工会授予的“五一劳动奖状”，被某区总工会评为“模范职工之家”；"
                    "一车间被评为县区级“模范职工小家”；甲班被本会评为“先进职工小家”。")


def test_semester_and_term_words(db, union):
    ctx = make_context(db, semester_period(2025, 2), kind="semester")
    result = texts(self_write(ctx, self_stats(ctx), None))
    # 7-31: 赵六 and 钱七 have left, 周九 and 吴十 have joined (吴十 leaves in October)
    assert result[0].startswith("截至2026年7月31日，本会共有会员7人，与学期初（7人）持平。")
    assert result[1] == "本学期新发展会员2人（周九、吴十）；1名会员办理退休；因转出、退会减少会员2人，其中转出1人、退会1人。"
    term = term_period(db, TODAY)
    ctx = make_context(db, term, kind="term")
    result = texts(self_write(ctx, self_stats(ctx), None))
    assert "较任期之初的" in result[0] and result[1].startswith("任期内")


# --- the appendix -----------------------------------------------------------------------------------------------
def test_appendix_tables(db, union):
    ctx = make_context(db)
    by_unit, by_month = SELF_SPEC.appendix(ctx, self_stats(ctx))
    assert by_unit.header == ("单位", "会员", "其中女会员", "在职", "退休", "本期新入会")
    assert by_unit.rows == (("一车间", "3", "2", "3", "0", "2"),  # 张三 (甲班) 李四 周九 (甲班); 吴十 joined and left
                            ("行政部", "2", "1", "1", "1", "0"),
                            ("合计", "5", "3", "4", "1", "2"))
    assert by_month.header == ("月份", "新入会", "退休", "转出", "退会", "去世")
    assert by_month.rows == (("2026年2月", "1", "0", "0", "0", "0"), ("2026年3月", "0", "1", "0", "0", "0"),
                             ("2026年5月", "1", "0", "0", "0", "0"), ("2026年6月", "0", "0", "1", "0", "0"),
                             ("2026年7月", "0", "0", "0", "1", "0"), ("2026年9月", "0", "0", "0", "0", "1"),
                             ("2026年10月", "0", "0", "0", "1", "0"), ("合计", "2", "1", "1", "2", "1"))


def test_registration(db):
    assert section("self") is SELF_SPEC
    assert SELF_SPEC.order == 70 and SELF_SPEC.headline == ("self.members_end", "self.joined")
    assert SELF_SPEC in registered_sections("annual") and SELF_SPEC in registered_sections("term")
    assert SELF_SPEC not in registered_sections("care")
    assert member_sections.SELF_SPEC.title_for is not None


# --- the demo: every figure against independent queries -------------------------------------------------------
@pytest.fixture(scope="module", params=["school", "company"])
def demo_db(request, tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp(request.param) / "demo.sqlite3")
    demo.generate_demo(db, kind=request.param, seed=5, today=TODAY)
    yield db
    db.conn.close()


def _roll_by_history(db, day: str) -> dict[int, str]:
    """Each live member's status on ``day`` by walking the whole status history in Python."""
    history: dict[int, list[tuple[str, int, str]]] = {}
    for member_id, effective, change_id, status in db.execute(
            "SELECT member_id, effective_date, id, new_status FROM member_status_changes"):
        history.setdefault(member_id, []).append((effective, change_id, status))
    live = {r[0] for r in db.execute("SELECT id FROM members WHERE voided_at IS NULL")}
    result = {}
    for member_id, changes in history.items():
        past = sorted(c for c in changes if c[0] <= day)
        if member_id in live and past:
            result[member_id] = past[-1][2]
    return result


@pytest.mark.parametrize("period", [YEAR, year_period(2025), semester_period(2025, 1)], ids=["2026", "2025", "sem"])
def test_demo_figures_agree_with_independent_queries(demo_db, period):
    db = demo_db
    ctx = make_context(db, period)
    stats = values(self_stats(ctx))
    end = min(period.date_to, TODAY.isoformat())
    start = (dt.date.fromisoformat(period.date_from) - dt.timedelta(days=1)).isoformat()
    at_end, at_start = _roll_by_history(db, end), _roll_by_history(db, start)
    on_roll_end = {m for m, s in at_end.items() if s in ("在册", "退休")}
    sexes = dict(db.execute("SELECT id, sex FROM members").fetchall())
    migrants = {r[0] for r in db.execute("SELECT id FROM members WHERE is_migrant_worker = 1")}
    assert stats["self.members_end"] == len(on_roll_end)
    assert stats["self.working_end"] == sum(1 for m in on_roll_end if at_end[m] == "在册")
    assert stats["self.retired_end"] == sum(1 for m in on_roll_end if at_end[m] == "退休")
    assert stats["self.women_end"] == sum(1 for m in on_roll_end if sexes[m] == "女")
    assert stats["self.migrant_end"] == len(on_roll_end & migrants)
    assert stats["self.members_start"] == sum(1 for s in at_start.values() if s in ("在册", "退休"))
    assert stats["self.joined"] == db.execute(
        "SELECT count(*) FROM members WHERE voided_at IS NULL AND join_date >= ? AND join_date <= ?",
        [period.date_from, end]).fetchone()[0]
    changes = db.execute(
        """SELECT s.member_id, s.old_status, s.new_status FROM member_status_changes s
           JOIN members m ON m.id = s.member_id
           WHERE m.voided_at IS NULL AND s.effective_date >= ? AND s.effective_date <= ?""", [period.date_from, end]
    ).fetchall()
    for status in ("转出", "退会", "去世"):
        assert stats[f"self.left.{status}"] == len({m for m, old, new in changes if new == status
                                                    and old in (None, "在册", "退休")})
    assert stats["self.retired"] == len({m for m, old, new in changes if new == "退休" and old in (None, "在册")})
    # the roll moves by exactly the joined and left (the demo has no re-joining)
    assert stats["self.members_end"] - stats["self.members_start"] == stats["self.net_change"]
    units = dict(db.execute("SELECT kind, count(*) FROM sub_units WHERE voided_at IS NULL GROUP BY kind").fetchall())
    assert (stats["self.branch_unions"], stats["self.groups"], stats["self.departments"]) == (
        units.get("分工会", 0), units.get("工会小组", 0), units.get("部门", 0))
    committee = dict(db.execute("SELECT committee, count(*) FROM committee_members WHERE voided_at IS NULL "
                                "GROUP BY committee").fetchall())
    assert stats["self.committee"] == committee["工会委员会"]
    assert stats["self.women_committee"] == committee["女职工委员会"]
    staff = db.execute("SELECT staff_count FROM staff_counts WHERE year = ?", [int(end[:4])]).fetchone()[0]
    assert stats["self.staff"] == staff
    working = stats["self.working_end"]
    assert stats["self.membership_rate"] == working and working <= staff
    own = db.execute("SELECT count(*) FROM honours WHERE voided_at IS NULL AND recipient_kind = '本会' AND stage = '获评' "
                     "AND conferred_on BETWEEN ? AND ?", [period.date_from, period.date_to]).fetchone()[0]
    assert stats["self.union_honours"] == own


def test_demo_text_states_the_figures(demo_db):
    ctx = make_context(demo_db, previous=previous_period(YEAR))
    stats = self_stats(ctx)
    previous = self_stats(make_context(demo_db, previous_period(YEAR)))
    section = self_write(ctx, stats, previous)
    s = by_key(stats)
    text = "".join(texts(section))
    assert f"本会共有会员{s['self.members_end'].value}人" in text
    assert f"新发展会员{s['self.joined'].value}人" in text
    assert date_text(TODAY) in text
    for paragraph in section.blocks:
        assert unmarked_digits(paragraph) == [], paragraph.text
        for mark in paragraph.marks:  # a marked figure is its stat written the way the options ask
            key = mark.key
            if key.endswith(PREVIOUS_SUFFIX) or key in ("self.union_honours", "self.home_honours", "self.election"):
                continue
            written = paragraph.text[mark.start:mark.end]
            if written.endswith("%"):
                continue
            assert re.sub(r"[人名个项次]$", "", written) == str(abs(s[key].value)), (key, written)
    assert SELF_SPEC.appendix(ctx, stats)


def test_many_collectives_are_counted_and_the_count_marked(db, union):
    units = [add_sub_unit(db, name, kind="工会小组", parent_id=union["units"]["一车间"]) for name in ("乙班", "丙班", "丁班")]
    for unit in units:
        add_honour(db, "集体", "模范职工小家", "县区级", 2026, sub_unit_id=unit)
    ctx = make_context(db, options=ReportOptions(chinese_numerals=True))
    section = self_write(ctx, self_stats(ctx), None)
    paragraph = section.blocks[-1]
    assert paragraph.text == "本会被某区总工会评为“模范职工之家”；一车间、乙班、丙班等四个集体被评为县区级“模范职工小家”。"
    assert unmarked_digits(paragraph) == []
    assert ("self.home_honours", "四个") in {(m.key, paragraph.text[m.start:m.end]) for m in paragraph.marks}
