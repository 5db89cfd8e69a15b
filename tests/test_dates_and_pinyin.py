import datetime as dt

import pytest

from gonghui_desk.dates import DateParseError, add_months, age_on, parse_date
from gonghui_desk.pinyin_keys import name_keys, sort_key


@pytest.mark.parametrize("raw", ["2024-05-03", "2024/5/3", "2024.5.3", "2024年5月3日", "20240503",
                                 "２０２４．５．３", " 2024-05-03 ", dt.datetime(2024, 5, 3, 0, 0), 45415,
                                 20240503, "2024-05-03 00:00:00"])
def test_accepted_date_styles(raw):
    assert parse_date(raw) == dt.date(2024, 5, 3)


@pytest.mark.parametrize("raw, expected", [("2024.5", dt.date(2024, 5, 1)), ("2024年5月", dt.date(2024, 5, 1)),
                                           ("202405", dt.date(2024, 5, 1))])
def test_year_and_month_mean_the_first_of_the_month(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2024-02-30", "明年", "5/3/2024", "2024-13-01"])
def test_unreadable_dates_are_refused_in_chinese(raw):
    with pytest.raises(DateParseError, match="日期"):
        parse_date(raw)


def test_empty_is_none():
    assert parse_date(None) is None and parse_date("  ") is None


def test_age_and_month_arithmetic():
    assert age_on(dt.date(1990, 6, 15), dt.date(2026, 6, 14)) == 35
    assert age_on(dt.date(1990, 6, 15), dt.date(2026, 6, 15)) == 36
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_pinyin_keys_for_search():
    full, initials = name_keys("张三")
    assert full == "zhangsan" and initials == "zs"


def test_surname_readings_include_the_surname_pronunciation():
    full, initials = name_keys("单田芳")
    assert "shantianfang" in full.split() and "stf" in initials.split()
    assert "zengguofan" in name_keys("曾国藩")[0].split()


def test_sort_key_orders_by_pinyin():
    names = ["赵六", "李四", "张三", "王五"]
    assert sorted(names, key=sort_key) == ["李四", "王五", "张三", "赵六"]


def test_a_surname_stays_together_whatever_the_given_name():
    names = ["陈辉坤", "程丹琴", "陈芳萍"]
    assert sorted(names, key=sort_key) == ["陈芳萍", "陈辉坤", "程丹琴"]
