"""The report builder (gonghui_desk.reports.builder) with small fake sections on a hand-built database:
the choice and order of sections, the opening and closing, headline figures, marks, comparisons, the
appendix, progress and 取消, and every figure checked against independent SQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from gonghui_desk.documents import Heading, Paragraph, Section, Table, number_headings
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.reports.builder import (NO_DATA_PROMPT, available_sections, build_report, build_report_with_stats,
                                          records_for, register_records_view, report_context, report_stats, report_title)
from gonghui_desk.reports.free_text import unfilled_prompts
from gonghui_desk.reports.model import ReportOptions, ReportRequest, SectionSpec, Stat
from gonghui_desk.reports.periods import custom_period, half_period, period_words, semester_period, year_period
from gonghui_desk.reports.sections import (isolated_sections, register_section, registered_sections, section,
                                           temporary_sections, unregister_section)
from gonghui_desk.reports.text import MarkedText, names_text, stat_text
from gonghui_desk.union import UnionProfile, save_profile

TODAY = dt.date(2026, 11, 22)
Y2026 = year_period(2026)


# --- fake sections ------------------------------------------------------------------------------------------
def _ids(db, sql, *params) -> tuple[int, ...]:
    return tuple(r[0] for r in db.execute(sql, params).fetchall())


def self_stats(ctx):
    p = ctx.period
    joined = _ids(ctx.db, "SELECT id FROM members WHERE voided_at IS NULL AND join_date BETWEEN ? AND ? ORDER BY id",
                  p.date_from, p.date_to)
    women = _ids(ctx.db, "SELECT id FROM members WHERE voided_at IS NULL AND sex = '女' AND join_date BETWEEN ? AND ? "
                 "ORDER BY id", p.date_from, p.date_to)
    return [Stat("fake_self.joined", "发展新会员", len(joined), "人", f"{p.label}入会的会员", "members", joined),
            Stat("fake_self.women", "女会员", len(women), "人", f"{p.label}入会的女会员", "members", women)]


def self_write(ctx, stats, previous):
    joined, women = stats
    text = MarkedText(ctx.options)
    if joined.value:
        names = [r[0] for r in ctx.db.execute(
            f"SELECT name FROM members WHERE id IN ({','.join('?' * len(joined.ids))}) ORDER BY id", joined.ids)]
        text.add(f"{period_words(ctx.period, ctx.kind)}新发展会员")
        text.figure(joined, names_text(names, joined.value, "人", names_wanted=ctx.options.names))
        if women.value:
            text.add("(其中女会员").figure(women).add(")")
        if previous:
            text.add(",").change(joined, previous[0], ctx.previous.label)
        text.add("。")
    return Section("加强自身建设，提升服务水平", [text.paragraph()] if text else [])


def self_appendix(ctx, stats):
    joined, women = stats
    return [Table(("项目", "人数"), [("新入会会员", str(joined.value)), ("其中女会员", str(women.value))]),
            Table(("空表",), [])]


def care_stats(ctx):
    p = ctx.period
    where = "voided_at IS NULL AND visit_date BETWEEN ? AND ?"
    ids = _ids(ctx.db, f"SELECT id FROM visits WHERE {where} ORDER BY id", p.date_from, p.date_to)
    persons = ctx.db.execute(f"SELECT count(DISTINCT member_id) FROM visits WHERE {where}",
                             (p.date_from, p.date_to)).fetchone()[0]
    cash = ctx.db.execute(f"SELECT coalesce(sum(cash_fen), 0) FROM visits WHERE {where}",
                          (p.date_from, p.date_to)).fetchone()[0]
    return [Stat("fake_care.visits", "走访慰问会员", len(ids), "人次", "每条慰问记录1人次", "visits", ids),
            Stat("fake_care.persons", "慰问会员", persons, "人", "不同的会员"),
            Stat("fake_care.cash", "发放慰问金", cash, "元", "慰问记录的现金合计")]


def care_write(ctx, stats, previous):
    visits, persons, cash = stats
    if not visits.value:
        return Section("")
    text = MarkedText(ctx.options).add("走访慰问会员").figure(visits).add("（").figure(persons).add("），发放慰问金")
    text.figure(cash)
    if previous:
        text.add("，慰问人次").change(visits, previous[0], ctx.previous.label)
    return Section("", [text.add("。").paragraph()])


def empty_stats(ctx):
    return [Stat("fake_empty.sessions", "召开教代会", 0, "次")]


def empty_write(ctx, stats, previous):
    return Section("推进民主管理，落实校务公开")


SELF = SectionSpec("fake_self", "加强自身建设，提升服务水平", 70, self_stats, self_write, appendix=self_appendix,
                   headline=("fake_self.joined", "fake_self.women"))
CARE = SectionSpec("fake_care", "关心关爱职工", 40, care_stats, care_write,
                   title_for=lambda ctx: f"关心关爱{ctx.vocabulary.staff}，把温暖送到心坎",
                   headline=("fake_care.visits", "fake_care.cash"), kinds=("annual", "half", "semester", "term", "care"))
EMPTY = SectionSpec("fake_empty", "推进民主管理，落实校务公开", 20, empty_stats, empty_write,
                    headline=("fake_empty.sessions",))
TOPIC = SectionSpec("fake_topic", "专题", 45, lambda ctx: [Stat("fake_topic.n", "专题", 1, "项")],
                    lambda ctx, s, p: Section("专题", [Paragraph("专题一项。")]), kinds=("care",))


@pytest.fixture
def fakes():
    with isolated_sections(SELF, CARE, EMPTY, TOPIC):
        yield


@pytest.fixture
def hand(profiled_db, store):
    return make_hand(profiled_db, store)


def make_hand(db, store):
    """Five members and five visits: 2026 — 张三, 李四 (女), 孙七 (女) joined; 3 visits to 2 members
    (1300元) and a voided one; 2025 — 王五 (女) joined, one visit (200元)."""
    ids = {}
    for name, sex, joined in [("张三", "男", "2026-03-01"), ("李四", "女", "2026-05-10"), ("王五", "女", "2025-06-01"),
                              ("赵六", "男", "2020-01-01"), ("孙七", "女", "2026-11-01")]:
        ids[name] = store.create({"name": name, "sex": sex, "join_date": joined})
    for member, day, cash, voided in [("张三", "2026-04-02", 50000, None), ("张三", "2026-09-12", 50000, None),
                                      ("赵六", "2026-10-01", 30000, None), ("赵六", "2026-10-02", 99900, "2026-10-03"),
                                      ("王五", "2025-08-08", 20000, None)]:
        db.execute("INSERT INTO visits (member_id, occasion_id, visit_date, cash_fen, voided_at) VALUES (?, 1, ?, ?, ?)",
                   (ids[member], day, cash, voided))
    db.conn.commit()
    return db


# independent SQL for every figure of the fake sections in 2026 (other formulations than the sections')
INDEPENDENT = {
    "fake_self.joined": "SELECT count(*) FROM members WHERE voided_at IS NULL AND substr(join_date, 1, 4) = '2026'",
    "fake_self.women": "SELECT sum(sex = '女') FROM members WHERE voided_at IS NULL AND join_date LIKE '2026-%'",
    "fake_care.visits": "SELECT count(*) FROM visits WHERE voided_at IS NULL AND strftime('%Y', visit_date) = '2026'",
    "fake_care.persons": "SELECT count(*) FROM (SELECT member_id FROM visits WHERE voided_at IS NULL "
                         "AND visit_date LIKE '2026%' GROUP BY member_id)",
    "fake_care.cash": "SELECT total(cash_fen) FROM visits WHERE voided_at IS NULL AND visit_date LIKE '2026%'",
}


def all_marks(doc):
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            for mark in block.marks:
                yield block.text[mark.start:mark.end], mark.key


# --- the registry --------------------------------------------------------------------------------------------
def test_registry_helpers():
    spec = SectionSpec("fake_x", "X", 99, lambda ctx: [], lambda ctx, s, p: Section("X"))
    with temporary_sections(spec):
        assert section("fake_x") is spec and spec in registered_sections("annual")
        with pytest.raises(ValueError, match="twice"):
            register_section(SectionSpec("fake_x", "Y", 1, lambda ctx: [], lambda ctx, s, p: Section("Y")))
    with pytest.raises(KeyError):
        section("fake_x")
    register_section(spec)
    assert unregister_section("fake_x") is spec and unregister_section("fake_x") is None
    plans = section("plans")
    other = SectionSpec("plans", "别的打算", 90, lambda ctx: [], lambda ctx, s, p: Section("别的打算"))
    with temporary_sections(other, replace=True):
        assert section("plans") is other
    assert section("plans") is plans
    with isolated_sections(spec):
        assert [s.key for s in registered_sections()] == ["politics", "problems", "plans", "fake_x"]
    assert "fake_x" not in [s.key for s in registered_sections()]


# --- available sections --------------------------------------------------------------------------------------
def test_available_sections(hand, fakes):
    previews = available_sections(hand, "annual", Y2026, today=TODAY)
    assert [p.key for p in previews] == ["politics", "fake_empty", "fake_care", "fake_self", "problems", "plans"]
    by_key = {p.key: p for p in previews}
    assert by_key["fake_care"].title == "关心关爱教职工，把温暖送到心坎"  # the union's words
    assert by_key["fake_care"].has_data and by_key["fake_care"].default_included
    assert by_key["fake_care"].figures_text == "走访慰问会员 3人次、慰问会员 2人、发放慰问金 1300元"
    assert not by_key["fake_empty"].has_data and not by_key["fake_empty"].default_included
    assert by_key["politics"].free_text and by_key["politics"].default_included and not by_key["politics"].stats
    assert by_key["plans"].title == "2027年工作打算"
    topic = [p.key for p in available_sections(hand, "care", Y2026, today=TODAY)]
    assert topic == ["fake_care", "fake_topic", "problems", "plans"]  # kinds=("care",) only in the topic report
    with pytest.raises(UserError):
        available_sections(hand, "monthly", Y2026)


# --- the document --------------------------------------------------------------------------------------------
def test_default_report(hand, fakes):
    doc, stats = build_report_with_stats(hand, ReportRequest("annual", Y2026), today=TODAY)
    assert doc.title == "测试中学工会2026年度工作总结"
    assert doc.salutation == "" and doc.signer == "测试中学工会委员会" and doc.date_text == "2026年11月22日"
    headings = [(n, b.text) for b, n in zip(doc.blocks, number_headings(doc)) if isinstance(b, Heading)]
    assert headings == [("一、", "加强思想政治引领，凝聚广大教职工"), ("二、", "关心关爱教职工，把温暖送到心坎"),
                        ("三、", "加强自身建设，提升服务水平"), ("四、", "存在的问题和不足"), ("五、", "2027年工作打算")]
    opening = doc.blocks[0].text
    assert opening.startswith("2026年，测试中学工会在测试中学党组织和某县教育工会的领导下，"
                              "以习近平新时代中国特色社会主义思想为指导，围绕学校教育教学中心工作，团结带领广大教职工，")
    assert ("全年，走访慰问会员3人次，发放慰问金1300元；发展新会员3人，女会员2人。现将一年来的工作总结如下：" in opening)
    assert opening.endswith("现将一年来的工作总结如下：")
    assert [key for _, key in all_marks(doc)][:4] == ["fake_care.visits", "fake_care.cash", "fake_self.joined",
                                                      "fake_self.women"]
    body = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert "走访慰问会员3人次（2人），发放慰问金1300元。" in body
    assert "全年新发展会员张三、李四、孙七3人（其中女会员2人）。" in body
    assert len(unfilled_prompts(doc)) == 4  # politics 2, problems 1, plans 1
    plans = body[-1]
    assert "围绕思想政治引领、帮扶和送温暖" not in plans  # fake keys are not topics
    assert [f.label for f in doc.figures] == ["走访慰问会员", "慰问会员", "发放慰问金", "发展新会员", "女会员"]
    assert doc.figures[2].value == "1300元" and doc.figures[0].basis == "每条慰问记录1人次"
    assert set(stats) == set(INDEPENDENT)


def test_every_figure_agrees_with_independent_sql(hand, fakes):
    for options in (ReportOptions(), ReportOptions(approximate=True, chinese_numerals=True, names=False)):
        doc, stats = build_report_with_stats(hand, ReportRequest("annual", Y2026, options=options), today=TODAY)
        for key, sql in INDEPENDENT.items():
            assert stats[key].value == int(hand.execute(sql).fetchone()[0]), key
        marks = list(all_marks(doc))
        assert {key for _, key in marks} == set(INDEPENDENT)
        for text, key in marks:
            if key == "fake_self.joined":
                assert text.endswith(stat_text(stats[key], options)) or text.endswith(f"{stats[key].value}人")
            else:
                assert text == stat_text(stats[key], options), (text, key)
        # no figure in the text that is not marked, apart from dates and the period
        for block in doc.blocks:
            if isinstance(block, Paragraph):
                plain = block.text
                for mark in sorted(block.marks, key=lambda m: -m.start):
                    plain = plain[:mark.start] + plain[mark.end:]
                plain = re.sub(r"\d{4}年(\d{1,2}月(\d{1,2}日)?)?", "", plain)
                assert not re.search(r"\d", plain), plain


def test_report_stats_match_the_document(hand, fakes):
    request = ReportRequest("annual", Y2026, options=ReportOptions(compare=True))
    doc, stats = build_report_with_stats(hand, request, today=TODAY)
    assert report_stats(hand, request, TODAY) == stats
    assert stats["fake_care.visits@previous"].value == 1 and stats["fake_care.visits@previous"].label == "上年走访慰问会员"
    assert stats["fake_self.joined@previous"].ids == (3,)


def test_explicit_sections_order_and_empty_sections(hand, fakes):
    request = ReportRequest("annual", Y2026, sections=("fake_self", "fake_empty", "fake_care", "fake_self", "plans"))
    doc = build_report(hand, request, today=TODAY)
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    assert headings == ["加强自身建设，提升服务水平", "推进民主管理，落实校务公开", "关心关爱教职工，把温暖送到心坎",
                        "2027年工作打算"]
    empty = doc.blocks[doc.blocks.index(Heading(1, "推进民主管理，落实校务公开")) + 1]
    assert empty.text == f"【请填写：{NO_DATA_PROMPT}】"
    # the headline follows the order of the sections chosen; a headline stat of 0 is left out
    assert "全年，发展新会员3人，女会员2人；走访慰问会员3人次，发放慰问金1300元。" in doc.blocks[0].text
    assert "召开教代会" not in doc.blocks[0].text
    with pytest.raises(UserError, match="没有这一部分"):
        build_report(hand, ReportRequest("annual", Y2026, sections=("nope",)), today=TODAY)


def test_no_headline_and_free_text_only(hand, fakes):
    doc = build_report(hand, ReportRequest("annual", Y2026, sections=("politics", "plans")), today=TODAY)
    assert "全年，" not in doc.blocks[0].text and doc.blocks[0].text.endswith("现将一年来的工作总结如下：")
    assert not list(all_marks(doc)) and doc.figures == []


def test_an_empty_year_leaves_the_data_sections_out(hand, fakes):
    doc = build_report(hand, ReportRequest("annual", year_period(2019)), today=TODAY)
    assert [b.text for b in doc.blocks if isinstance(b, Heading)] == [
        "加强思想政治引领，凝聚广大教职工", "存在的问题和不足", "2020年工作打算"]


def test_comparison_with_the_previous_period(hand, fakes):
    request = ReportRequest("annual", Y2026, options=ReportOptions(compare=True))
    doc = build_report(hand, request, today=TODAY)
    body = [b for b in doc.blocks if isinstance(b, Paragraph)]
    care = next(b for b in body if b.text.startswith("走访慰问会员"))
    assert care.text == "走访慰问会员3人次（2人），发放慰问金1300元，慰问人次比上年增加2人次。"
    assert [m.key for m in care.marks][-1] == "fake_care.visits@previous"
    joined = next(b for b in body if b.text.startswith("全年新发展会员"))
    assert joined.text.endswith("比上年增加2人。")
    labels = [f.label for f in doc.figures]
    assert "上年走访慰问会员" in labels and "上年发放慰问金" in labels
    half = build_report(hand, ReportRequest("half", half_period(2026, 2), options=ReportOptions(compare=True)),
                        today=TODAY)
    assert any("比上半年" in b.text for b in half.blocks if isinstance(b, Paragraph))


def test_options_reach_the_sections(hand, fakes):
    anonymous = build_report(hand, ReportRequest("annual", Y2026, options=ReportOptions(names=False, chinese_numerals=True)),
                             today=TODAY)
    texts = [b.text for b in anonymous.blocks if isinstance(b, Paragraph)]
    assert "全年新发展会员3人（其中女会员两人）。" in texts
    assert "走访慰问会员三人次（两人），发放慰问金1300元。" in texts


def test_appendix(hand, fakes):
    plain = build_report(hand, ReportRequest("annual", Y2026), today=TODAY)
    assert not any(isinstance(b, Table) for b in plain.blocks)
    doc = build_report(hand, ReportRequest("annual", Y2026, options=ReportOptions(appendix=True)), today=TODAY)
    headings = [(n, b.text) for b, n in zip(doc.blocks, number_headings(doc)) if isinstance(b, Heading)]
    assert headings[-2:] == [("六、", "主要工作数据"), ("（一）", "加强自身建设，提升服务水平")]
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert tables == [Table(("项目", "人数"), [("新入会会员", "3"), ("其中女会员", "2")])]  # the empty one dropped


def test_titles():
    def title(kind, period, name="测试中学工会委员会", custom=""):
        return report_title(name, ReportRequest(kind, period, title=custom))

    assert title("annual", Y2026) == "测试中学工会2026年度工作总结"
    assert title("half", half_period(2026, 1)) == "测试中学工会2026年上半年工作总结"
    assert title("semester", semester_period(2026, 1)) == "测试中学工会2026—2027学年第一学期工作总结"
    assert title("care", Y2026) == "测试中学工会2026年送温暖工作总结"
    assert title("term", Y2026) == "测试中学工会委员会工作报告"
    assert title("term", Y2026, "某公司") == "某公司工会工作报告"
    assert title("annual", custom_period("2026-03-01", "2026-08-31")) == "测试中学工会2026年3月至8月工作总结"
    assert title("annual", Y2026, "某公司工会") == "某公司工会2026年度工作总结"
    assert title("annual", Y2026, custom="我的总结") == "我的总结"


def test_term_report(hand, fakes):
    save_profile(hand, UnionProfile(name="测试中学工会委员会", kind="学校", upstream_union="某县教育工会",
                                    term_number=5, term_elected_on="2021-12-10", term_expires_on="2026-12-09"))
    from gonghui_desk.reports.periods import term_period

    period = term_period(hand, TODAY)
    doc = build_report(hand, ReportRequest("term", period), today=TODAY)
    assert doc.title == "测试中学工会委员会工作报告" and doc.salutation == "各位代表、同志们："
    assert doc.blocks[0].text == "我代表第五届工会委员会向大会报告工作，请予审议。"
    opening = doc.blocks[1].text
    assert opening.startswith("第五届工会委员会自2021年12月产生以来，在测试中学党组织和某县教育工会的领导下，")
    assert "五年来，走访慰问会员4人次，发放慰问金1500元；发展新会员4人，女会员3人。" in opening
    assert opening.endswith("现将五年来的主要工作报告如下：")
    assert doc.blocks[-1].text.startswith("各位代表、同志们！")
    assert [b.text for b in doc.blocks if isinstance(b, Heading)][-1] == "今后工作的建议"


def test_care_topic_report(hand, fakes):
    doc = build_report(hand, ReportRequest("care", Y2026), today=TODAY)
    assert doc.title == "测试中学工会2026年送温暖工作总结"
    assert doc.blocks[0].text == ("2026年，测试中学工会在测试中学党组织和某县教育工会的领导下，以习近平新时代中国特色社会主义"
                                  "思想为指导，开展走访慰问和困难帮扶工作。全年，走访慰问会员3人次，发放慰问金1300元。"
                                  "现将2026年送温暖工作情况总结如下：")
    assert [b.text for b in doc.blocks if isinstance(b, Heading)] == [
        "关心关爱教职工，把温暖送到心坎", "专题", "存在的问题和不足", "2027年工作打算"]


def test_other_unions_and_periods(db, fakes):
    save_profile(db, UnionProfile(name="某机械厂工会", kind="企业"))
    doc = build_report(db, ReportRequest("semester", semester_period(2026, 1), sections=("politics",)), today=TODAY)
    assert doc.blocks[0].text.startswith("2026—2027学年第一学期，某机械厂工会在某机械厂党组织和上级工会的领导下，")
    assert "围绕企业生产经营中心任务，团结带领广大职工" in doc.blocks[0].text
    assert doc.blocks[0].text.endswith("现将本学期的工作总结如下：")
    assert "职业道德建设" in doc.blocks[3].text
    custom = build_report(db, ReportRequest("annual", custom_period("2026-03-05", "2026-08-20"), sections=("plans",)),
                          today=TODAY)
    assert custom.blocks[0].text.endswith("现将这一时期的工作总结如下：")
    assert [b.text for b in custom.blocks if isinstance(b, Heading)] == ["下一步工作打算"]


def test_plans_prompt_names_the_topics_of_the_report(hand):
    real = {key: SectionSpec(key, f"标题{key}", order, lambda ctx, k=key: [Stat(f"{k}.n", "项", 1, "项")],
                             lambda ctx, s, p, k=key: Section(f"标题{k}", [Paragraph("一项。")]))
            for key, order in (("democracy", 20), ("care", 40), ("women", 60))}
    with isolated_sections(*real.values()):
        doc = build_report(hand, ReportRequest("annual", Y2026), today=TODAY)
    assert "围绕思想政治引领、民主管理、帮扶和送温暖、女职工工作等方面" in doc.blocks[-1].text


def test_progress_and_cancel(hand, fakes):
    steps = []
    build_report(hand, ReportRequest("annual", Y2026, options=ReportOptions(compare=True)), today=TODAY,
                 progress=lambda done, total, text: steps.append((done, total, text)))
    totals = {total for _, total, _ in steps}
    assert len(totals) == 1 and steps[-1][0] == steps[-1][1] == totals.pop()
    assert [d for d, _, _ in steps] == sorted(d for d, _, _ in steps)
    assert any(text.startswith("统计上年") for _, _, text in steps)
    calls = []

    def cancel_on_second():
        calls.append(1)
        return len(calls) >= 2

    with pytest.raises(Cancelled):
        build_report(hand, ReportRequest("annual", Y2026), today=TODAY, is_cancelled=cancel_on_second)


def test_clashing_stat_keys_are_refused(hand):
    one = SectionSpec("fake_a", "A", 30, lambda ctx: [Stat("same", "甲", 1, "人")],
                      lambda ctx, s, p: Section("A", [Paragraph("甲")]))
    two = SectionSpec("fake_b", "B", 31, lambda ctx: [Stat("same", "乙", 2, "人")],
                      lambda ctx, s, p: Section("B", [Paragraph("乙")]))
    with isolated_sections(one, two):
        with pytest.raises(ValueError, match="same"):
            build_report(hand, ReportRequest("annual", Y2026), today=TODAY)


def test_a_section_must_give_stats_and_a_section(hand):
    bad = SectionSpec("fake_bad", "坏", 30, lambda ctx: [1], lambda ctx, s, p: Section("坏"))
    with isolated_sections(bad), pytest.raises(TypeError, match="not a Stat"):
        build_report(hand, ReportRequest("annual", Y2026), today=TODAY)
    worse = SectionSpec("fake_bad", "坏", 30, lambda ctx: [Stat("x", "x", 1, "人")], lambda ctx, s, p: "文字")
    with isolated_sections(worse), pytest.raises(TypeError, match="not a Section"):
        build_report(hand, ReportRequest("annual", Y2026), today=TODAY)


def test_report_context(hand):
    ctx = report_context(hand, ReportRequest("half", half_period(2026, 1), ("a", "b"), ReportOptions(compare=True)),
                         "2026-07-02")
    assert ctx.today == dt.date(2026, 7, 2) and ctx.kind == "half" and ctx.sections == ("a", "b")
    assert ctx.previous.label == "上年下半年" and ctx.union_name == "测试中学工会委员会"
    assert ctx.vocabulary.staff == "教职工"
    assert report_context(hand, ReportRequest("annual", Y2026)).previous is None


# --- the records behind a figure ---------------------------------------------------------------------------
def test_records_for(hand, fakes):
    stats = report_stats(hand, ReportRequest("annual", Y2026), TODAY)
    header, rows = records_for(hand, "members", stats["fake_self.joined"].ids)
    assert header == ("姓名", "性别", "部门", "状态", "入会日期")
    assert sorted(rows) == sorted([("张三", "男", "", "在册", "2026-03-01"), ("李四", "女", "", "在册", "2026-05-10"),
                                   ("孙七", "女", "", "在册", "2026-11-01")])
    header, rows = records_for(hand, "visits", stats["fake_care.visits"].ids)
    assert header[:4] == ("慰问日期", "会员", "慰问对象", "慰问类别")
    assert rows[0] == ("2026-04-02", "张三", "本人", "生病住院", "500", "", "0")
    assert [r[0] for r in rows] == ["2026-04-02", "2026-09-12", "2026-10-01"]
    assert len(records_for(hand, "visits", stats["fake_care.visits"].ids, limit=2)[1]) == 2
    assert records_for(hand, "visits", []) == ((), [])
    with pytest.raises(UserError):
        records_for(hand, "no_such_table", [1])
    header, rows = records_for(hand, "staff_counts", [])  # no ids: nothing
    assert rows == []
    hand.execute("INSERT INTO staff_counts (year, staff_count) VALUES (2026, 88)")
    hand.conn.commit()
    header, rows = records_for(hand, "care_occasions", [1])  # a table without a view: its own columns
    assert "name" in header and rows[0][header.index("name")] == "生病住院"
    register_records_view("care_occasions", ("类别",), "SELECT t.name FROM care_occasions t", "t.id")
    try:
        assert records_for(hand, "care_occasions", [2, 1]) == (("类别",), [("生病住院",), ("结婚",)])
    finally:
        from gonghui_desk.reports import builder

        builder.RECORD_VIEWS.pop("care_occasions")


def test_every_record_view_runs(hand):
    from gonghui_desk.reports.builder import RECORD_VIEWS

    for table, (header, _, _) in RECORD_VIEWS.items():
        got_header, rows = records_for(hand, table, [1, 2, 3])
        assert got_header == header
        assert all(len(row) == len(header) for row in rows), table


@pytest.mark.parametrize("start, words", [("2021-12-10", "五年来"), ("2025-03-29", "一年多来"), ("2024-11-01", "两年来"),
                                          ("2023-06-01", "三年多来"), ("2026-05-01", "任期内")])
def test_how_long_a_term_has_run(start, words):
    from gonghui_desk.reports.builder import _years_text

    assert _years_text(custom_period(start, "2026-11-22")) == words
