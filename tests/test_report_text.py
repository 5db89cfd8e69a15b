"""How the report writes its figures (gonghui_desk.reports.text): units, zero and singular cases, Chinese
numerals, the 余/近/以上 idioms, money in 元/万元, comparisons, name lists and marked paragraphs."""

from __future__ import annotations

import pytest

from gonghui_desk.documents import Mark
from gonghui_desk.reports.model import ReportOptions, Stat
from gonghui_desk.reports.text import (MarkedText, change_text, count_phrase, headline_phrase, money_text, names_text,
                                       percent_phrase, stat_text)

EXACT = ReportOptions()
APPROX = ReportOptions(approximate=True)
CHINESE = ReportOptions(chinese_numerals=True)


@pytest.mark.parametrize("n, unit, text", [
    (1, "人", "1人"), (23, "人次", "23人次"), (3, "户", "3户"), (12, "件", "12件"), (5, "项", "5项"),
    (2, "期", "2期"), (4, "支", "4支"), (0, "场", "0场"), (1234, "人次", "1234人次")])
def test_counts_carry_their_measure_word(n, unit, text):
    assert count_phrase(n, unit) == text


@pytest.mark.parametrize("n, text", [(1, "一次"), (2, "两次"), (3, "三次"), (10, "十次"), (11, "11次"), (0, "0次")])
def test_small_counts_in_chinese_numerals(n, text):
    assert count_phrase(n, "次", CHINESE) == text


@pytest.mark.parametrize("n, text", [
    (5, "5人次"), (99, "99人次"), (100, "100人次"), (120, "120人次"),  # below 100, or round: exact
    (123, "120余人次"), (156, "150余人次"), (198, "近200人次"), (199, "近200人次"), (297, "290余人次"),
    (1234, "1200余人次"), (1299, "近1300人次"), (1000, "1000人次"), (9990, "近1万人次"),
    (10000, "1万人次"), (12345, "1.2万余人次"), (19950, "近2万人次"), (123456, "12万余人次")])
def test_approximate_counts(n, text):
    assert count_phrase(n, "人次", APPROX) == text


def test_approximate_counts_are_never_above_the_exact_figure_unless_near():
    for n in range(100, 20000, 7):
        text = count_phrase(n, "人", APPROX)
        if text.startswith("近"):
            continue
        number = text.removesuffix("人").removesuffix("余")
        value = float(number.removesuffix("万")) * (10000 if number.endswith("万") else 1)
        assert value <= n, (n, text)


@pytest.mark.parametrize("fen, text", [
    (0, "0元"), (100, "1元"), (8550, "85.5元"), (8505, "85.05元"), (360_000, "3600元"),
    (999_900, "9999元"), (1_000_000, "1万元"), (1_150_000, "1.15万元"), (1_152_300, "11523元"),
    (1_152_350, "11523.5元"), (12_500_000, "12.5万元"), (2_000_000_000, "2000万元")])
def test_money_exact(fen, text):
    assert money_text(fen) == text


@pytest.mark.parametrize("fen, text", [
    (8550, "85.5元"), (99_900, "999元"), (360_000, "3600元"), (365_000, "3600余元"), (369_000, "近3700元"),
    (999_000, "近1万元"), (1_000_000, "1万元"), (1_150_000, "1.15万元"), (1_152_300, "1.1万余元"),
    (1_185_000, "近1.2万元"), (5_234_500, "5.2万余元"), (52_345_600, "52万余元"), (52_990_000, "52.99万元"),
    (52_987_600, "近53万元")])
def test_money_approximate(fen, text):
    assert money_text(fen, APPROX) == text


@pytest.mark.parametrize("count, base, exact, approx", [
    (45, 48, "93.8%", "93%以上"), (1, 3, "33.3%", "33%以上"), (1, 2, "50%", "50%"), (5, 5, "100%", "100%"),
    (0, 7, "0%", "0%"), (1, 1000, "0.1%", "0.1%"), (999, 1000, "99.9%", "99%以上")])
def test_rates(count, base, exact, approx):
    assert percent_phrase(count, base) == exact
    assert percent_phrase(count, base, APPROX) == approx


def test_a_rate_needs_a_base():
    with pytest.raises(ValueError):
        percent_phrase(1, 0)


def test_comparisons():
    assert change_text(120, 100, "人次") == "比上年增加20人次"
    assert change_text(97, 100, "件", "上半年") == "比上半年减少3件"
    assert change_text(5, 5, "次", "上学期") == "与上学期持平"
    assert change_text(1_150_000, 1_000_000, "元", money=True) == "比上年增加1500元"
    assert change_text(2_150_000, 1_000_000, "元", money=True) == "比上年增加1.15万元"
    assert change_text(120, 100, "人次", percent=True) == "比上年增加20人次，增长20%"
    assert change_text(50, 80, "人次", percent=True) == "比上年减少30人次，下降37.5%"
    assert change_text(5, 0, "人次", percent=True) == "比上年增加5人次"  # no percentage of nothing
    assert change_text(3, 1, "项", options=CHINESE) == "比上年增加两项"
    assert change_text(1456, 1200, "人次", options=APPROX) == "比上年增加250余人次"


def test_names():
    assert names_text(["张三", "李四", "王五"], 5) == "张三、李四、王五等5名"
    assert names_text(["张三", "李四"], 2) == "张三、李四2名"
    assert names_text(["张三"], 1, "位") == "张三1位"
    assert names_text(["张三", "李四"], 2, names_wanted=False) == "2名"
    assert names_text([], 4) == "4名"
    many = [f"人{i}" for i in range(8)]
    assert names_text(many, 8) == "人0、人1、人2、人3、人4等8名"
    assert names_text(many[:4], 4) == "人0、人1、人2、人3等4名"  # four named: still 等


def test_stat_text_and_headline_phrase():
    visits = Stat("care.visits", "慰问人次", 23, "人次")
    money = Stat("care.cash", "发放慰问金", 1_150_000, "元")
    assert stat_text(visits) == "23人次" and stat_text(money) == "1.15万元"
    assert money.is_money and not visits.is_money
    assert headline_phrase(visits) == "慰问"
    assert headline_phrase(money) == "发放慰问金"
    assert headline_phrase(Stat("x", "人次", 3, "人次")) == "人次"  # never empty
    assert headline_phrase(Stat("x", "举办活动", 3, "场")) == "举办活动"


def test_marked_text_marks_each_figure():
    visits = Stat("care.visits", "慰问人次", 23, "人次")
    money = Stat("care.cash", "慰问金", 1_150_000, "元")
    text = MarkedText().add("全年走访慰问生病住院会员").figure(visits).add(",发放慰问金").figure(money).add("。")
    paragraph = text.paragraph()
    assert paragraph.text == "全年走访慰问生病住院会员23人次，发放慰问金1.15万元。"  # full-width punctuation
    assert paragraph.marks == (Mark(12, 16, "care.visits"), Mark(22, 28, "care.cash"))
    for mark in paragraph.marks:
        assert paragraph.text[mark.start:mark.end] in ("23人次", "1.15万元")


def test_punctuation_after_a_figure_goes_full_width():
    stat = Stat("members.joined", "新入会会员", 12, "人")
    text = MarkedText().add("新发展会员").figure(stat).add(",其中女会员").add("(含").figure(stat).add(")")
    assert text.text == "新发展会员12人，其中女会员（含12人）"
    assert MarkedText().add("rate (").figure(stat).add(")").text == "rate (12人)"  # English brackets stay
    assert MarkedText().add("共").figure(stat).add(";").text == "共12人；"
    assert MarkedText().add("total ").add(", ok").text == "total , ok"  # English stays


def test_marked_text_options_rates_changes_and_extend():
    stat = Stat("events.count", "活动", 3, "场")
    text = MarkedText(CHINESE).add("举办活动").figure(stat)
    assert text.text == "举办活动三场" and text.marks[0] == Mark(4, 6, "events.count")
    text.add("，").change(stat, Stat("events.count", "活动", 1, "场"), "上年")
    assert text.text == "举办活动三场，比上年增加两场"
    assert text.marks[1] == Mark(7, 14, "events.count@previous")
    rate = Stat("proposals.replied", "已答复", 17, "件", basis="答复率＝已答复17件÷立案23件＝73.9%", base=23)
    assert stat_text(rate) == "73.9%" and stat_text(rate, ReportOptions(approximate=True)) == "73%以上"
    with pytest.raises(ValueError):
        MarkedText().rate(Stat("x", "已答复", 17, "件"))  # a count is not a rate
    other = MarkedText().add("答复率为").rate(rate)
    assert other.text == "答复率为73.9%" and other.marks == (Mark(4, 9, "proposals.replied"),)
    text.add("；").extend(other)
    assert text.text.endswith("；答复率为73.9%")
    start = text.text.index("73.9%")
    assert text.marks[-1] == Mark(start, start + 5, "proposals.replied")
    assert len(text) == len(text.text) and text and not MarkedText()
    assert MarkedText().figure(stat, "").text == ""  # an empty figure leaves no mark
