"""The section 帮扶与送温暖 and the 送温暖工作总结's sections (gonghui_desk.care.report_sections and
gonghui_desk.hardship.report_sections): every figure hand-computed on a small database and checked against
independent SQL (on the demo databases too), every sentence's zero, singular, approximate, Chinese-numeral
and comparison cases, names and privacy, the marks, and the appendix tables."""

from __future__ import annotations

import dataclasses
import re

import pytest

import gonghui_desk.care.report_sections as care_sections
import gonghui_desk.hardship.report_sections as hardship_sections
from gonghui_desk import demo
from gonghui_desk.care.campaigns import CampaignInput, add_recipients, create_campaign, record_campaign, set_signed
from gonghui_desk.care.ledger import LedgerFilter, ledger_totals
from gonghui_desk.care.visits import VisitInput, VisitStore
from gonghui_desk.db import open_database
from gonghui_desk.documents import Paragraph, Section, Table, compose
from gonghui_desk.hardship.aid_ledger import AidFilter, aid_totals
from gonghui_desk.hardship.register import file_counts
from gonghui_desk.reports.builder import build_report_with_stats
from gonghui_desk.reports.model import ReportContext, ReportOptions, ReportRequest, Stat
from gonghui_desk.reports.periods import custom_period, half_period, previous_period, year_period
from gonghui_desk.reports.sections import registered_sections, section
from gonghui_desk.reports.text import PREVIOUS_SUFFIX, money_text
from gonghui_desk.vocabulary import vocabulary_for
from tests.conftest import TODAY
from tests.test_care_visits import add_member, occasion_id

Y2026, Y2025 = year_period(2026), year_period(2025)
TOPIC_KEYS = ["care_basics", "care_visits", "care_campaigns", "care_aid", "care_student_aid", "care_funds"]


# --- the hand-built database ------------------------------------------------------------------------------
@pytest.fixture
def care_db(ledger, store):
    """The aid ledger of conftest (张三, 李四 reopened, 王五) plus visits and a campaign:

    2026 visits made: 张三 生病住院 ×2 (1月 500元 with a leader; 5月 500元 + 水果100元), 张三's father 直系亲属去世
    (1000元), 李四 结婚 (1000元, 行政), 王五 退休 (500元), 钱七 生日 (蛋糕券200元), and the campaign
    "2026年春节慰问" (2月7日, 节日慰问, 300元 each to 王五 and 赵六, only 王五 signed). Left out: 赵六's
    pending hospital stay, a voided wedding. 2025: 李四's birthday (蛋糕券200元).
    Files: one 年度复核 of 张三's file in 2026 (and a voided one of 王五's, and one in 2025).
    """
    db = ledger["db"]
    members = dict(ledger["members"])
    members["赵六"] = add_member(store, "赵六", sub_unit_id=ledger["units"]["行政部"])
    members["钱七"] = add_member(store, "钱七", sub_unit_id=ledger["units"]["一车间"])
    visits = VisitStore(db, today=TODAY)

    def save(member: str, occasion: str, day: str | None, **values) -> int:
        return visits.save(VisitInput(member_id=members[member], occasion_id=occasion_id(db, occasion),
                                      visit_date=day, **values))

    ids = {
        "hospital": save("张三", "生病住院", "2026-01-10", illness="肺炎", cash_fen=50000, signed=True,
                         leader_went=True),
        "hospital_again": save("张三", "生病住院", "2026-05-10", illness="骨折", cash_fen=50000, goods_desc="水果",
                               goods_value_fen=10000),
        "father": save("张三", "直系亲属去世", "2026-03-01", recipient_relation="父母", recipient_name="张老汉",
                       cash_fen=100000),
        "wedding": save("李四", "结婚", "2026-04-01", cash_fen=100000, fund_source="行政"),
        "retired": save("王五", "退休", "2026-06-30", cash_fen=50000, fund_source="本级工会经费"),
        "birthday": save("钱七", "生日", "2026-08-08", goods_desc="蛋糕券", goods_value_fen=20000,
                         payment_form="蛋糕券"),
        "pending": save("赵六", "生病住院", None, event_date="2026-11-20", illness="阑尾炎", cash_fen=50000),
        "voided": save("王五", "结婚", "2026-06-01", cash_fen=100000),
        "last_year": save("李四", "生日", "2025-12-31", goods_desc="蛋糕券", goods_value_fen=20000,
                          payment_form="蛋糕券"),
    }
    visits.void(ids["voided"], "录错了人")
    campaign = create_campaign(db, CampaignInput("2026年春节慰问", "2026-02-07", occasion_id(db, "节日慰问"),
                                                 fund_source="上级工会补助", default_cash_fen=30000))
    add_recipients(db, campaign, [members["王五"], members["赵六"]])
    record_campaign(db, campaign, today=TODAY)
    set_signed(db, campaign, [members["王五"]])
    files = ledger["files"]
    db.conn.executemany("INSERT INTO hardship_reviews (file_id, review_date, result, voided_at) VALUES (?, ?, ?, ?)",
                        [(files["张三"], "2026-03-15", "继续帮扶", None),
                         (files["王五"], "2026-04-01", "继续帮扶", "2026-04-02T10:00:00"),
                         (files["张三"], "2025-03-15", "继续帮扶", None)])
    return {**ledger, "db": db, "members": members, "visits": ids, "campaign": campaign}


def make_ctx(db, period=Y2026, *, kind="annual", compare=False, **options) -> ReportContext:
    return ReportContext(db, period, ReportOptions(compare=compare, **options), vocabulary_for("企业"),
                         "测试机械厂工会委员会", TODAY, previous_period(period) if compare else None, kind=kind)


def stats_of(key: str, ctx: ReportContext) -> dict[str, Stat]:
    return {s.key: s for s in section(key).stats(ctx)}


def write(key: str, ctx: ReportContext, *, previous: bool = False) -> Section:
    spec = section(key)
    before = None
    if previous:
        before = spec.stats(dataclasses.replace(ctx, period=ctx.previous, previous=None, cache={}))
    return spec.write(ctx, spec.stats(ctx), before)


def paragraphs(sec: Section) -> list[str]:
    return [b.text for b in compose([sec]) if isinstance(b, Paragraph)]


def text_of(sec: Section) -> str:
    return "\n".join(paragraphs(sec))


# --- the figures, by hand ----------------------------------------------------------------------------------
def test_visit_figures_by_hand(care_db):
    db = care_db["db"]
    s = stats_of("care", make_ctx(db))
    v = {k.removeprefix("care.visits."): st.value for k, st in s.items() if k.startswith("care.visits.")}
    # 张三 ×2, his father, 李四, 王五 ×2 (退休, campaign), 钱七, 赵六 (campaign): 8 visits of 6 persons
    assert (v["times"], v["persons"], v["cash"], v["goods"], v["money"]) == (8, 6, 410000, 30000, 440000)
    assert (v["leader"], v["individual"], v["campaign_times"]) == (1, 6, 2)
    hospital = f"occasion[{occasion_id(db, '生病住院')}]"
    assert [v[f"{hospital}.{n}"] for n in ("times", "persons", "cash", "goods", "money")] == [2, 1, 100000, 10000,
                                                                                              110000]
    festival = f"occasion[{occasion_id(db, '节日慰问')}]"
    assert f"{festival}.times" not in v  # its only visits are the campaign's
    campaign = f"campaign[{care_db['campaign']}]"
    assert [v[f"{campaign}.{n}"] for n in ("times", "persons", "cash", "money", "signed")] == [2, 2, 60000, 60000, 1]
    assert (v["campaigns"], v["campaign_money"], v["campaign_signed"]) == (1, 60000, 1)
    assert v["month[2026-02].times"] == 2 and v["month[2026-05].money"] == 60000
    assert v["source[上级工会补助].money"] == 60000 and v["source[行政].money"] == 100000
    assert v["source[-].times"] == 4  # the visits typed without a fund source: 张三 ×2, his father, 钱七
    ids = care_db["visits"]
    assert s["care.visits.times"].table == "visits"
    assert set(s["care.visits.times"].ids) == {ids[k] for k in ("hospital", "hospital_again", "father", "wedding",
                                                                "retired", "birthday")} | set(
        r[0] for r in db.execute("SELECT id FROM visits WHERE campaign_id = ?", [care_db["campaign"]]))
    assert s["care.visits.leader"].ids == (ids["hospital"],)
    # the ledger counts the same
    totals = ledger_totals(db, LedgerFilter(date_from="2026-01-01", date_to="2026-12-31"))
    assert (totals.visits, totals.persons, totals.total_fen) == (v["times"], v["persons"], v["money"])


def test_file_and_aid_figures_by_hand(care_db):
    db = care_db["db"]
    s = {k: st.value for k, st in stats_of("care", make_ctx(db)).items()}
    # 在档 on 2026-11-22: 张三, 李四 (reopened 6月), 王五; 李四's old file left hardship in 3月
    assert [s[f"care.files.{n}"] for n in ("on_file", "on_file_persons", "new", "out", "cancelled", "reviewed")] == [
        3, 3, 1, 1, 0, 1]
    assert (s["care.files.category[特困]"], s["care.files.category[困难]"]) == (1, 2)
    # paid in 2026: 生活救助 ×2, 金秋助学, 节日送温暖 (old file), 临时救助 (reopened): 2 households
    assert [s[f"care.aid.{n}"] for n in ("times", "households", "persons", "cash", "goods", "money")] == [
        5, 2, 3, 580000, 20000, 600000]
    assert [s[f"care.aid.type[生活救助].{n}"] for n in ("times", "households", "money")] == [2, 1, 170000]
    assert [s[f"care.aid.source[{x}].money"] for x in ("上级帮扶资金", "本级经费", "行政", "社会捐助")] == [
        120000, 100000, 80000, 300000]
    assert [s[f"care.student_aid.{n}"] for n in ("students", "times", "households", "money")] == [1, 1, 1, 300000]
    counts = file_counts(db, "2026-01-01", TODAY.isoformat())
    assert (counts.on_file, counts.on_file_persons, counts.new, counts.out_of_hardship, counts.cancelled) == (
        3, 3, 1, 1, 0)
    totals = aid_totals(db, AidFilter(date_from="2026-01-01", date_to="2026-12-31"))
    assert (totals.payments, totals.households, totals.persons, totals.total_fen) == (5, 2, 3, 600000)
    payments = care_db["payments"]
    stat = stats_of("care", make_ctx(db))["care.student_aid.students"]
    assert stat.table == "aid_payments" and stat.ids == (payments["tuition"],) and stat.unit == "名"


def test_every_stat_has_a_basis_and_a_known_unit(care_db):
    ctx = make_ctx(care_db["db"], kind="care")
    for key in ["care", *TOPIC_KEYS]:
        for stat in section(key).stats(ctx if key != "care" else make_ctx(care_db["db"])):
            assert stat.basis and stat.label, stat
            assert stat.unit in ("人", "名", "人次", "户", "批", "元"), stat
            assert stat.key.startswith(key + "."), stat
            assert not stat.ids or stat.table in ("visits", "campaigns", "hardship_files", "aid_payments"), stat


# --- the text ------------------------------------------------------------------------------------------------
def test_the_annual_section_by_hand(care_db):
    sec = write("care", make_ctx(care_db["db"]))
    assert sec.title == "关爱职工生活，做好帮扶送温暖工作"
    assert [c.title for c in sec.children] == ["走访慰问", "集中慰问", "困难职工帮扶", "金秋助学"]
    visits, campaigns, hardship, students = (paragraphs(c) for c in sec.children)
    assert visits == [
        "2026年，工会共走访慰问职工8人次（涉及6人）；发放慰问金4100元、慰问品折合300元，合计4400元。"
        "其中日常走访慰问6人次，集中慰问2人次。",
        "围绕“必访”事项，看望生病住院职工2人次（涉及1人），发放慰问金1000元、慰问品折合100元；"
        "为新婚职工李四送去祝福，发放慰问金1000元；为退休职工王五送去退休慰问，发放慰问金500元；"
        "吊唁慰问直系亲属去世的职工1人次，发放慰问金1000元。党政领导参加走访慰问1人次。",
        "此外，为职工送上生日慰问1人次，送去慰问品折合200元。"]
    assert campaigns == ["全年开展“2026年春节慰问”，慰问2名职工，发放慰问金600元。"]
    assert hardship == [
        "截至2026年11月22日，在档困难职工家庭3户、3人，其中特困职工1户、困难职工2户。全年新建档1户，脱困1户；"
        "完成年度复核1户。",
        "全年发放帮扶资金6000元（含物资折款200元；含金秋助学助学金3000元），帮扶困难职工家庭2户、5人次。"
        "其中生活救助1户、2人次，1700元；临时救助1户，800元；节日送温暖1户，500元。"
        "资金来源上，社会捐助3000元、上级帮扶资金1200元、本级经费1000元、行政800元。"]
    assert students == ["2026年，开展“金秋助学”活动，资助困难职工家庭学生1名，发放助学金3000元。"]


def test_names_follow_the_option_and_never_name_the_sick_the_bereaved_or_students(care_db):
    named = text_of(write("care", make_ctx(care_db["db"])))
    anonymous = text_of(write("care", make_ctx(care_db["db"], names=False)))
    assert "为新婚职工李四送去祝福" in named and "为退休职工王五送去退休慰问" in named
    assert "为1名新婚职工送去祝福" in anonymous and "为1名退休职工送去退休慰问" in anonymous
    for text in (named, anonymous):
        assert "张三" not in text and "张老汉" not in text and "张小明" not in text and "赵六" not in text
    assert "李四" not in anonymous and "王五" not in anonymous


def test_several_names_and_more_than_a_few(db, store):
    ids = [add_member(store, name) for name in ("甲一", "乙二", "丙三", "丁四", "戊五", "己六")]
    visits = VisitStore(db, today=TODAY)
    retired = occasion_id(db, "退休")
    for n, member in enumerate(ids):
        visits.save(VisitInput(member_id=member, occasion_id=retired, visit_date=f"2026-03-0{n + 1}", cash_fen=50000))

    def retirement_clause(count: int) -> str:
        db.execute("UPDATE visits SET voided_at = NULL")
        db.execute("UPDATE visits SET voided_at = '2026-11-01' WHERE id NOT IN (SELECT id FROM visits ORDER BY id "
                   "LIMIT ?)", [count])
        text = text_of(write("care", make_ctx(db)))
        return re.search(r"为[^；。]*退休慰问", text).group(0)

    assert retirement_clause(2) == "为甲一、乙二2名退休职工送去退休慰问"
    assert retirement_clause(3) == "为甲一、乙二、丙三3名退休职工送去退休慰问"
    assert retirement_clause(5) == "为甲一、乙二、丙三等5名退休职工送去退休慰问"
    assert retirement_clause(6) == "为6名退休职工送去退休慰问"  # more than a few: counted, not named


def test_a_relatives_wedding_is_not_a_new_married_member(db, store):
    member = add_member(store, "甲一")
    visits = VisitStore(db, today=TODAY)
    visits.save(VisitInput(member_id=member, occasion_id=occasion_id(db, "结婚"), visit_date="2026-03-01",
                           recipient_relation="子女", recipient_name="甲小一", cash_fen=50000))
    visits.save(VisitInput(member_id=member, occasion_id=occasion_id(db, "生病住院"), visit_date="2026-04-01",
                           recipient_relation="配偶", recipient_name="乙二", cash_fen=50000, illness="肺炎"))
    text = text_of(write("care", make_ctx(db)))
    assert "结婚慰问1人次" in text and "新婚" not in text and "甲一" not in text
    assert "看望生病住院的职工及其家属1人次" in text


def test_other_occasion_names_are_written_plainly(db, store):
    from gonghui_desk.care.occasions import Occasion, save_occasion

    new = save_occasion(db, Occasion(None, "家庭矛盾纠纷", is_must_visit=True))
    VisitStore(db, today=TODAY).save(VisitInput(member_id=add_member(store, "甲一"), occasion_id=new,
                                                visit_date="2026-03-01"))
    text = text_of(write("care", make_ctx(db)))
    assert text == ("2026年，工会共走访慰问职工1人次。\n围绕“必访”事项，家庭矛盾纠纷慰问1人次。")


def test_nothing_to_report_leaves_the_section_empty(db):
    ctx = make_ctx(db)
    stats = section("care").stats(ctx)
    assert stats and all(s.value == 0 for s in stats)
    sec = section("care").write(ctx, stats, None)
    assert not sec.has_body() and compose([sec]) == []
    assert section("care").appendix(ctx, stats) == []
    for key in TOPIC_KEYS:
        topic = make_ctx(db, kind="care")
        assert not write(key, topic).has_body(), key
        assert not section(key).appendix or section(key).appendix(topic, section(key).stats(topic)) == []


def test_a_year_without_data_is_empty_and_zero_is_never_written(care_db):
    ctx = make_ctx(care_db["db"], year_period(2020))
    assert not write("care", ctx).has_body()
    for options in ({}, {"approximate": True}, {"chinese_numerals": True}):
        text = text_of(write("care", make_ctx(care_db["db"], **options)))
        assert not re.search(r"(?<![\d.])0(人次|人|名|户|批次|元)", text), text
        assert "零" not in text


def test_one_part_with_data_has_no_lone_subsection(db, store):
    member = add_member(store, "甲一")
    VisitStore(db, today=TODAY).save(VisitInput(member_id=member, occasion_id=occasion_id(db, "生病住院"),
                                                visit_date="2026-03-01", cash_fen=50000, illness="肺炎"))
    sec = write("care", make_ctx(db))
    assert sec.children == [] and paragraphs(sec) == [
        "2026年，工会共走访慰问职工1人次；发放慰问金500元。",
        "围绕“必访”事项，看望生病住院职工1人次，发放慰问金500元。"]


def test_only_student_aid(ledger):
    db = ledger["db"]
    db.execute("UPDATE aid_payments SET voided_at = '2026-11-01' WHERE aid_type <> '金秋助学'")
    sec = write("care", make_ctx(db))
    assert paragraphs(sec.children[0])[1] == "全年发放帮扶资金3000元，帮扶困难职工家庭1户，均为金秋助学助学金。资金均来自社会捐助。"
    only_one_type = make_ctx(db, custom_period("2026-01-01", "2026-08-31"))
    db.execute("UPDATE aid_payments SET voided_at = NULL WHERE id = ?", [ledger["payments"]["living"]])
    assert "帮扶困难职工家庭1户，均为生活救助。" in text_of(write("care", only_one_type))


def test_chinese_numerals_for_small_counts(care_db):
    text = text_of(write("care", make_ctx(care_db["db"], chinese_numerals=True)))
    assert "走访慰问职工八人次（涉及六人）" in text
    assert "看望生病住院职工两人次（涉及一人）" in text
    assert "慰问两名职工" in text and "在档困难职工家庭三户、三人" in text
    assert "资助困难职工家庭学生一名" in text


def test_approximate_figures(db, store):
    member = add_member(store, "甲一")
    birthday = occasion_id(db, "生日")
    db.conn.executemany(
        "INSERT INTO visits (member_id, occasion_id, visit_date, goods_desc, goods_value_fen, payment_form) "
        "VALUES (?, ?, ?, '蛋糕券', 10050, '蛋糕券')", [(member, birthday, "2026-03-01")] * 157)
    exact = text_of(write("care", make_ctx(db)))
    assert "走访慰问职工157人次（涉及1人）；送去慰问品折合15778.5元" in exact
    approx = text_of(write("care", make_ctx(db, approximate=True)))
    assert "走访慰问职工150余人次（涉及1人）；送去慰问品折合1.5万余元" in approx
    assert "为职工送上生日慰问150余人次，送去慰问品折合1.5万余元" in approx


def test_exact_amounts_in_one_sentence_share_a_unit():
    options = ReportOptions()
    assert care_sections.money_texts(options, 1_580_000, 2_569_000, 4_149_000) == ["15800元", "25690元", "41490元"]
    assert care_sections.money_texts(options, 1_580_000, 350_000) == ["1.58万元", "3500元"]
    assert care_sections.money_texts(ReportOptions(approximate=True), 1_580_000, 2_569_000) == [
        money_text(1_580_000, ReportOptions(approximate=True)), money_text(2_569_000, ReportOptions(approximate=True))]


def test_comparisons_with_the_previous_year(care_db):
    ctx = make_ctx(care_db["db"], compare=True)
    assert ctx.previous.label == "上年"
    visits, campaigns, hardship, students = (paragraphs(c) for c in write("care", ctx, previous=True).children)
    # 2025: one birthday visit (200元); files 在档 on 2025-12-31: 张三, 李四 (old file), 王五; one payment (400元)
    assert visits[0] == ("2026年，工会共走访慰问职工8人次（涉及6人），比上年增加7人次；发放慰问金4100元、慰问品折合300元，"
                         "合计4400元，金额比上年增加4200元。其中日常走访慰问6人次，集中慰问2人次。")
    assert campaigns == ["全年开展“2026年春节慰问”，慰问2名职工，发放慰问金600元，慰问人次比上年增加2人次。"]
    assert hardship[0].endswith("其中特困职工1户、困难职工2户；在档户数与上年末持平。全年新建档1户，脱困1户；完成年度复核1户。")
    assert "帮扶资金比上年增加5600元，受助家庭比上年增加1户。" in hardship[1]
    assert students == ["2026年，开展“金秋助学”活动，资助困难职工家庭学生1名，比上年增加1名，发放助学金3000元。"]


def test_a_decrease_and_other_period_words(care_db):
    ctx = make_ctx(care_db["db"], half_period(2026, 2), compare=True)
    assert ctx.previous.label == "上半年"
    text = text_of(write("care", ctx, previous=True))
    assert text.startswith("2026年下半年，工会共走访慰问职工1人次，比上半年减少6人次；")
    assert "截至2026年11月22日，在档困难职工家庭3户、3人" in text and "与上半年末持平" in text
    assert "下半年发放帮扶资金3800元" in text  # 金秋助学 (9月) and 临时救助 (7月)
    term = make_ctx(care_db["db"], custom_period("2021-12-01", "2026-11-30", "第五届工会委员会任期内"), kind="term")
    assert text_of(write("care", term)).startswith("任期内，工会共走访慰问职工9人次")


# --- the 送温暖工作总结 --------------------------------------------------------------------------------------------
def test_the_topic_report_sections_by_hand(care_db):
    assert [s.key for s in registered_sections("care") if not s.free_text] == TOPIC_KEYS
    ctx = make_ctx(care_db["db"], kind="care")
    assert paragraphs(write("care_basics", ctx)) == [
        "截至2026年11月22日，在档困难职工家庭3户、3人，其中特困职工1户、困难职工2户。全年新建档1户，脱困1户；"
        "完成年度复核1户。"]  # no main cause typed: no sentence on causes
    assert paragraphs(write("care_campaigns", ctx)) == [
        "全年开展“2026年春节慰问”，慰问2名职工，发放慰问金600元。",
        "发放签收表已签收1人次，签收率50%（已签收1人次÷发放2人次）。"]
    aid = write("care_aid", ctx)
    assert aid.title == "困难职工帮扶" and paragraphs(aid) == [
        "全年发放帮扶资金6000元（含物资折款200元；含金秋助学助学金3000元），帮扶困难职工家庭2户、5人次。"
        "其中生活救助1户、2人次，1700元；临时救助1户，800元；节日送温暖1户，500元。"]
    assert paragraphs(write("care_funds", ctx)) == [
        "全年送温暖工作共使用资金1.04万元。走访慰问发放慰问金和慰问品4400元，其中行政1000元、上级工会补助600元、"
        "本级工会经费500元、未注明来源的2300元；发放帮扶资金6000元，其中社会捐助3000元、"
        "上级帮扶资金1200元、本级经费1000元、行政800元。"]
    funds = stats_of("care_funds", ctx)
    assert funds["care_funds.money"].value == 1_040_000
    assert funds["care_funds.visits.money"].value + funds["care_funds.hardship.money"].value == 1_040_000


def test_a_cancelled_file_and_no_review(care_db):
    db = care_db["db"]
    db.execute("UPDATE hardship_files SET status = '注销', closed_on = '2026-10-01' WHERE id = ?",
               [care_db["files"]["王五"]])
    db.execute("UPDATE hardship_reviews SET voided_at = '2026-11-01'")
    assert paragraphs(write("care_basics", make_ctx(db, kind="care"))) == [
        "截至2026年11月22日，在档困难职工家庭2户、2人，其中特困职工1户、困难职工1户。全年新建档1户，脱困1户，注销1户。"]
    db.execute("UPDATE hardship_files SET category = '特困'")
    assert paragraphs(write("care_basics", make_ctx(db, custom_period("2026-10-01", "2026-10-31"), kind="care"))) == [
        "截至2026年10月31日，在档困难职工家庭2户、2人，均为特困职工。10月份注销1户。"]


def test_causes_and_complete_signatures_in_the_topic_report(care_db):
    db = care_db["db"]
    db.execute("UPDATE hardship_files SET main_cause = '因病' WHERE id = ?", [care_db["files"]["张三"]])
    db.execute("UPDATE hardship_files SET main_cause = '其他' WHERE id = ?", [care_db["files"]["王五"]])
    db.execute("UPDATE visits SET signed = 1 WHERE campaign_id IS NOT NULL")
    ctx = make_ctx(db, kind="care")
    assert paragraphs(write("care_basics", ctx))[1] == "从主要致困原因看，因病1户、其他原因1户、未填原因的1户。"
    assert paragraphs(write("care_campaigns", ctx))[1] == "各批次发放名单均已实名签收，共2人次。"


def test_several_campaigns_with_dates_in_the_topic_report(care_db):
    db, members = care_db["db"], care_db["members"]
    summer = create_campaign(db, CampaignInput("2026年夏送清凉", "2026-07-10", occasion_id(db, "夏季高温"),
                                               payment_form="实物", default_goods="绿豆", default_goods_value_fen=6000))
    add_recipients(db, summer, [members["张三"], members["李四"], members["钱七"]])
    record_campaign(db, summer, today=TODAY)
    assert paragraphs(write("care_campaigns", make_ctx(db, kind="care")))[0] == (
        "全年共组织2批次集中慰问，慰问5人次，金额合计780元。2月7日开展“2026年春节慰问”，慰问2名职工，"
        "发放慰问金600元；7月10日开展“2026年夏送清凉”，慰问3名职工，送去慰问品折合180元。")
    annual = paragraphs(write("care", make_ctx(db)).children[1])[0]
    assert annual == ("全年共组织2批次集中慰问，慰问5人次，金额合计780元。其中“2026年春节慰问”慰问2名职工，发放慰问金600元；"
                      "“2026年夏送清凉”慰问3名职工，送去慰问品折合180元。")


def test_many_campaigns_are_summed_up_by_series(care_db):
    db, members = care_db["db"], care_db["members"]
    festival = occasion_id(db, "节日慰问")
    for name, day in (("2023年春节慰问", "2023-01-10"), ("2024年春节慰问", "2024-02-01"), ("2025年春节慰问", "2025-01-20"),
                      ("2023年中秋慰问", "2023-09-25"), ("2024年中秋慰问", "2024-09-12"), ("2025年中秋慰问", "2025-10-01")):
        campaign = create_campaign(db, CampaignInput(name, day, festival, default_cash_fen=10000))
        add_recipients(db, campaign, [members["钱七"]])
        record_campaign(db, campaign, today=TODAY)
    ctx = make_ctx(db, custom_period("2023-01-01", "2026-11-22"))
    stats = stats_of("care", ctx)
    assert stats["care.visits.series[春节慰问].campaigns"].value == 4
    assert stats["care.visits.series[春节慰问].times"].value == 5 and stats["care.visits.series[中秋慰问].cash"].value == 30000
    assert paragraphs(write("care", ctx).children[1]) == [
        "这一时期共组织7批次集中慰问，慰问8人次，金额合计1200元。其中“春节慰问”4批次，慰问5人次，发放慰问金900元；"
        "“中秋慰问”3批次，慰问3人次，发放慰问金300元。"]
    assert "care.visits.series[春节慰问].times" not in stats_of("care", make_ctx(db))  # a few: one by one


# --- the marks --------------------------------------------------------------------------------------------------
_FIGURE = re.compile(r"^(近)?([\d.]+)(万)?(余)?(人次|人|名|户|批次|元|%)?$")
_CN = {c: n for n, c in enumerate("零一二三四五六七八九")} | {"两": 2, "十": 10}


def _value_of(text: str, stat: Stat) -> float | None:
    """The value a marked text states (None for a name); exact texts must equal the stat."""
    if text and text[0] in _CN and len(text) <= 4:
        digits = text.rstrip("人次名户批元")
        return 10 if digits == "十" else _CN[digits]
    match = _FIGURE.match(text)
    if not match:
        return None
    number = float(match.group(2)) * (10_000 if match.group(3) else 1)
    return number * 100 if match.group(5) == "元" else number


def check_marks(blocks, stats: dict[str, Stat]) -> int:
    """Every mark names a stat of the report and states its value; no figure stands outside a mark
    (dates and campaign names aside). Returns how many marks were checked."""
    checked = 0
    for block in blocks:
        if not isinstance(block, Paragraph):
            continue
        text = block.text
        unmarked = list(text)
        for mark in block.marks:
            assert mark.key in stats, (mark.key, text)
            stat = stats[mark.key]
            piece = text[mark.start:mark.end]
            for i in range(mark.start, mark.end):
                unmarked[i] = " "
            value = _value_of(piece, stat)
            if value is None or "%" in piece:
                continue
            approx = "余" in piece or "近" in piece
            if approx:
                assert (value <= stat.value) if "余" in piece else (value >= stat.value), (piece, stat)
            else:
                assert value == stat.value, (piece, stat)
            checked += 1
        rest = re.sub(r"“[^”]*”|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|\d{4}年", "", "".join(unmarked))
        assert not re.search(r"\d", rest), (rest, text)
    return checked


@pytest.mark.parametrize("options", [{}, {"approximate": True}, {"chinese_numerals": True}, {"names": False}])
def test_every_figure_is_marked_with_its_stat(care_db, options):
    for kind, keys in (("annual", ("care",)), ("care", tuple(TOPIC_KEYS))):
        request = ReportRequest(kind, Y2026, keys, ReportOptions(compare=True, **options))
        doc, stats = build_report_with_stats(care_db["db"], request, today=TODAY)
        assert check_marks(doc.blocks, stats) > 20
        assert any(k.endswith(PREVIOUS_SUFFIX) for b in doc.blocks if isinstance(b, Paragraph) for k in
                   (m.key for m in b.marks))


def test_headline_figures_in_the_opening(care_db):
    doc, _ = build_report_with_stats(care_db["db"], ReportRequest("annual", Y2026, ("care",)), today=TODAY)
    assert "走访慰问职工8人次，发放慰问金和慰问品4400元，帮扶困难职工家庭2户，发放帮扶资金6000元" in doc.blocks[0].text
    doc, _ = build_report_with_stats(care_db["db"], ReportRequest("care", Y2026), today=TODAY)
    assert ("走访慰问职工8人次，发放慰问金和慰问品4400元；帮扶困难职工家庭2户，发放帮扶资金6000元；"
            "资助困难职工家庭学生1名，发放助学金3000元") in doc.blocks[0].text


# --- the appendix ---------------------------------------------------------------------------------------------------
def _column_sum(table: Table, column: int) -> float:
    return sum(float(row[column]) for row in table.rows[:-1])


def test_the_appendix_tables_add_up(care_db):
    ctx = make_ctx(care_db["db"])
    stats = section("care").stats(ctx)
    tables = section("care").appendix(ctx, stats)
    headers = [t.header[0] for t in tables]
    assert headers == ["慰问类别", "慰问月份", "慰问经费来源", "困难类别（2026年11月22日在档）", "帮扶类型", "帮扶资金来源"]
    occasions, months, sources, categories, types, aid_sources = tables
    assert occasions.rows[-1] == ("合计", "8", "6", "4100", "300", "4400")
    assert ("集中慰问：2026年春节慰问", "2", "2", "600", "0", "600") in occasions.rows
    assert ("生病住院", "2", "1", "1000", "100", "1100") in occasions.rows
    for table, columns in ((occasions, (1, 3, 4, 5)), (months, (1, 2)), (sources, (1, 2)), (categories, (1,)),
                           (types, (1, 3)), (aid_sources, (1, 2))):
        for column in columns:
            assert _column_sum(table, column) == float(table.rows[-1][column]), (table.header, column)
    assert months.rows[0] == ("2026年1月", "1", "500")
    assert types.rows[-1] == ("合计", "5", "2", "6000")
    topic = make_ctx(care_db["db"], kind="care")
    assert [t.header[0] for t in section("care_funds").appendix(topic, section("care_funds").stats(topic))] == [
        "慰问经费来源", "帮扶资金来源"]
    campaigns = section("care_campaigns").appendix(topic, section("care_campaigns").stats(topic))[0]
    assert campaigns.rows == (("2026年春节慰问", "2026年2月7日", "2", "600", "0", "1"), ("合计", "", "2", "600", "0", "1"))


# --- the demo databases against independent SQL --------------------------------------------------------------------
@pytest.fixture(scope="module", params=["school", "company"])
def demo_db(request, tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("care_report") / f"{request.param}.sqlite3")
    demo.generate_demo(db, kind=request.param, seed=11, today=TODAY)
    yield db
    db.conn.close()


def _independent(db, start: str, end: str, stock: str) -> dict[str, int]:
    """The figures straight from the tables, written without the ledgers' code."""
    one = lambda sql, *p: db.execute(sql, p).fetchone()[0]  # noqa: E731
    made = "voided_at IS NULL AND visit_date IS NOT NULL AND visit_date >= ? AND visit_date <= ?"
    paid = "voided_at IS NULL AND stage = '发放' AND paid_on >= ? AND paid_on <= ?"
    on_record = "voided_at IS NULL AND status <> '申请中'"
    heads = {}
    rows = db.execute("SELECT id, member_id, previous_file_id FROM hardship_files").fetchall()
    parent = {r[0]: r[2] for r in rows}
    head = {r[0]: r[1] for r in rows}
    for file_id in parent:
        first = file_id
        while parent[first] is not None:
            first = parent[first]
        heads[file_id] = head[first]
    paid_files = [r[0] for r in db.execute(f"SELECT file_id FROM aid_payments WHERE {paid}", (start, end))]
    return {
        "visits.times": one(f"SELECT count(*) FROM visits WHERE {made}", start, end),
        "visits.persons": one(f"SELECT count(*) FROM (SELECT DISTINCT member_id, recipient_relation, recipient_name "
                              f"FROM visits WHERE {made})", start, end),
        "visits.money": one(f"SELECT total(cash_fen) + total(goods_value_fen) FROM visits WHERE {made}", start, end),
        "visits.campaign_times": one(f"SELECT count(*) FROM visits WHERE {made} AND campaign_id IS NOT NULL",
                                     start, end),
        "visits.campaigns": one(f"SELECT count(DISTINCT campaign_id) FROM visits WHERE {made}", start, end),
        "visits.leader": one(f"SELECT count(*) FROM visits WHERE {made} AND leader_went = 1", start, end),
        "files.on_file": one(f"SELECT count(*) FROM hardship_files WHERE {on_record} AND opened_on <= ? "
                             "AND (closed_on IS NULL OR closed_on > ?)", stock, stock),
        "files.on_file_persons": one(f"SELECT total(household_size) FROM hardship_files WHERE {on_record} "
                                     "AND opened_on <= ? AND (closed_on IS NULL OR closed_on > ?)", stock, stock),
        "files.new": one(f"SELECT count(*) FROM hardship_files WHERE {on_record} AND opened_on BETWEEN ? AND ?",
                         start, end),
        "files.out": one(f"SELECT count(*) FROM hardship_files WHERE {on_record} AND status = '脱困' "
                         "AND closed_on BETWEEN ? AND ?", start, end),
        "files.reviewed": one("SELECT count(DISTINCT r.file_id) FROM hardship_reviews r JOIN hardship_files f "
                              "ON f.id = r.file_id WHERE r.voided_at IS NULL AND f.voided_at IS NULL "
                              "AND f.status <> '申请中' AND r.review_date BETWEEN ? AND ?", start, end),
        "aid.times": len(paid_files),
        "aid.households": len({heads[f] for f in paid_files}),
        "aid.money": one(f"SELECT total(cash_fen) + total(goods_value_fen) FROM aid_payments WHERE {paid}", start, end),
        "student_aid.students": one(
            "SELECT count(DISTINCT coalesce(nullif(s.id_number, ''), '#' || s.id)) FROM aid_payments a "
            "JOIN hardship_family_members s ON s.id = a.student_family_member_id WHERE a.aid_type = '金秋助学' "
            "AND a.voided_at IS NULL AND a.stage = '发放' AND a.paid_on >= ? AND a.paid_on <= ?", start, end),
        "student_aid.money": one(f"SELECT total(cash_fen) + total(goods_value_fen) FROM aid_payments WHERE {paid} "
                                 "AND aid_type = '金秋助学'", start, end),
    }


@pytest.mark.parametrize("period", [Y2026, Y2025, half_period(2026, 1), custom_period("2024-11-01", "2026-11-22")])
def test_demo_figures_agree_with_independent_sql(demo_db, period):
    ctx = make_ctx(demo_db, period)
    stats = stats_of("care", ctx)
    expected = _independent(demo_db, period.date_from, period.date_to, care_sections.stock_date(ctx))
    assert expected["visits.times"] > 0
    for name, value in expected.items():
        assert stats[f"care.{name}"].value == value, name
    for prefix, names in (("care_visits", ("times", "persons", "money", "leader")),
                          ("care_basics", ("on_file", "new", "out", "reviewed")),
                          ("care_aid", ("times", "households", "money")),
                          ("care_student_aid", ("students", "money"))):
        topic = stats_of(prefix, make_ctx(demo_db, period, kind="care"))
        part = {"care_visits": "visits", "care_basics": "files", "care_aid": "aid",
                "care_student_aid": "student_aid"}[prefix]
        for name in names:
            assert topic[f"{prefix}.{name}"].value == expected[f"{part}.{name}"], (prefix, name)
    ledger = ledger_totals(demo_db, LedgerFilter(date_from=period.date_from, date_to=period.date_to))
    assert (ledger.visits, ledger.persons, ledger.cash_fen, ledger.goods_fen) == tuple(
        stats[f"care.visits.{n}"].value for n in ("times", "persons", "cash", "goods"))
    aid = aid_totals(demo_db, AidFilter(date_from=period.date_from, date_to=period.date_to))
    assert (aid.payments, aid.households, aid.persons, aid.total_fen) == tuple(
        stats[f"care.aid.{n}"].value for n in ("times", "households", "persons", "money"))
    counts = file_counts(demo_db, period.date_from, care_sections.stock_date(ctx))
    assert (counts.on_file, counts.new, counts.out_of_hardship, counts.cancelled) == tuple(
        stats[f"care.files.{n}"].value for n in ("on_file", "new", "out", "cancelled"))
    # every group's ids are its records, and the groups add up to the totals
    groups = [s for k, s in stats.items() if re.match(r"care\.visits\.(occasion|campaign)\[\d+\]\.times$", k)]
    assert sum(s.value for s in groups) == stats["care.visits.times"].value
    assert sorted(i for s in groups for i in s.ids) == sorted(stats["care.visits.times"].ids)
    for s in stats.values():
        if s.unit != "元" and s.ids and s.unit in ("人次",):
            assert len(s.ids) == s.value, s.key
    types = [s for k, s in stats.items() if re.match(r"care\.aid\.type\[.*\]\.money$", k)]
    assert sum(s.value for s in types) == stats["care.aid.money"].value


@pytest.mark.parametrize("kind", ["annual", "care"])
def test_demo_report_text_states_the_stats(demo_db, kind):
    keys = ("care",) if kind == "annual" else tuple(TOPIC_KEYS)
    for options in (ReportOptions(compare=True, appendix=True), ReportOptions(approximate=True, names=False)):
        doc, stats = build_report_with_stats(demo_db, ReportRequest(kind, Y2026, keys, options), today=TODAY)
        assert check_marks(doc.blocks, stats) > 10
        text = "\n".join(b.text for b in doc.blocks if isinstance(b, Paragraph))
        assert "金秋助学" in text and "困难" in text
        students = {r[0] for r in demo_db.execute("SELECT s.name FROM aid_payments a JOIN hardship_family_members s "
                                                  "ON s.id = a.student_family_member_id")}
        assert students and not any(name in text for name in students)


def test_period_words_and_comparison_labels(care_db):
    db = care_db["db"]
    assert care_sections.period_word(make_ctx(db)) == "全年"
    assert care_sections.opener(make_ctx(db)) == "2026年"
    assert care_sections.opener(make_ctx(db, custom_period("2021-12-01", "2026-11-30", "第五届委员会任期内（2021年12月至"
                                                                                       "2026年11月）"), kind="term")) == "任期内"
    assert care_sections.compare_label(make_ctx(db, compare=True)) == "上年"
    assert care_sections.compare_label(make_ctx(db, compare=True), stock=True) == "上年末"
    assert care_sections.stock_date(make_ctx(db)) == "2026-11-22"
    assert care_sections.stock_date(make_ctx(db, Y2025)) == "2025-12-31"


def test_the_parts_are_registered_by_their_modules():
    assert [p.key for p in care_sections.care_parts()] == ["visits", "hardship"]
    assert section("care").order == 40 and section("care").kinds == ("annual", "half", "semester", "term")
    assert section("care").headline == ("care.visits.times", "care.visits.money", "care.aid.households",
                                        "care.aid.money")
    assert hardship_sections.STUDENT_AID == "金秋助学"
