"""The periods a report covers (gonghui_desk.reports.periods)."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui_desk.errors import UserError
from gonghui_desk.reports.model import ReportPeriod
from gonghui_desk.reports.periods import (custom_period, half_period, period_for_kind, period_shape, period_words,
                                          previous_period, semester_period, term_period, year_period)
from gonghui_desk.union import UnionProfile, save_profile


def test_year_half_and_semester():
    assert year_period(2026) == ReportPeriod("2026-01-01", "2026-12-31", "2026年")
    assert year_period(2024).days == 366
    assert half_period(2026, 1) == ReportPeriod("2026-01-01", "2026-06-30", "2026年上半年")
    assert half_period(2026, 2) == ReportPeriod("2026-07-01", "2026-12-31", "2026年下半年")
    assert semester_period(2026, 1) == ReportPeriod("2026-09-01", "2027-01-31", "2026—2027学年第一学期")
    assert semester_period(2026, 2) == ReportPeriod("2027-02-01", "2027-07-31", "2026—2027学年第二学期")
    with pytest.raises(ValueError):
        half_period(2026, 3)
    with pytest.raises(ValueError):
        semester_period(2026, 0)


def test_custom_periods_are_named_by_their_shape():
    assert custom_period("2026-01-01", "2026-12-31") == year_period(2026)
    assert custom_period(dt.date(2026, 7, 1), dt.date(2026, 12, 31)) == half_period(2026, 2)
    assert custom_period("2025-09-01", "2026-01-31") == semester_period(2025, 1)
    assert custom_period("2026-02-01", "2026-07-31") == semester_period(2025, 2)
    assert custom_period("2026-03-01", "2026-03-31").label == "2026年3月"
    assert custom_period("2026-03-01", "2026-08-31").label == "2026年3月至8月"
    assert custom_period("2025-11-01", "2026-02-28").label == "2025年11月至2026年2月"
    assert custom_period("2026-03-05", "2026-08-20").label == "2026年3月5日至8月20日"
    assert custom_period("2025-12-05", "2026-01-20").label == "2025年12月5日至2026年1月20日"
    assert custom_period("2026-03-05", "2026-03-05").label == "2026年3月5日"
    assert custom_period("2026-03-05", "2026-04-20", "春季").label == "春季"
    with pytest.raises(UserError, match="晚于"):
        custom_period("2026-05-01", "2026-04-30")
    with pytest.raises(UserError, match="日期格式"):
        custom_period("2026-13-01", "2026-12-31")


def test_previous_periods():
    assert previous_period(year_period(2026)) == ReportPeriod("2025-01-01", "2025-12-31", "上年")
    assert previous_period(half_period(2026, 2)) == ReportPeriod("2026-01-01", "2026-06-30", "上半年")
    assert previous_period(half_period(2026, 1)) == ReportPeriod("2025-07-01", "2025-12-31", "上年下半年")
    assert previous_period(semester_period(2026, 1)) == ReportPeriod("2026-02-01", "2026-07-31", "上学期")
    assert previous_period(semester_period(2026, 2)) == ReportPeriod("2026-09-01", "2027-01-31", "上学期")
    assert previous_period(custom_period("2026-03-01", "2026-03-31")) == ReportPeriod("2026-02-01", "2026-02-28", "上月")
    assert previous_period(custom_period("2026-04-01", "2026-06-30")) == ReportPeriod("2026-01-01", "2026-03-31", "上季度")
    assert previous_period(custom_period("2026-01-01", "2026-04-30")) == ReportPeriod("2025-09-01", "2025-12-31", "上一期")
    odd = custom_period("2026-03-05", "2026-03-14")
    assert previous_period(odd) == ReportPeriod("2026-02-23", "2026-03-04", "上一期")
    assert previous_period(odd).days == odd.days


def test_period_shape_and_words():
    assert period_shape(year_period(2026)) == ("year", 2026, 0)
    assert period_shape(half_period(2026, 2)) == ("half", 2026, 2)
    assert period_shape(semester_period(2026, 2)) == ("semester", 2026, 2)
    assert period_shape(custom_period("2026-01-01", "2026-03-31")) == ("months", 2026, 3)
    assert period_shape(custom_period("2026-01-02", "2026-01-11")) == ("days", 0, 10)
    assert period_words(year_period(2026)) == "全年"
    assert period_words(half_period(2026, 1)) == "上半年"
    assert period_words(half_period(2026, 2)) == "下半年"
    assert period_words(semester_period(2026, 1)) == "本学期"
    assert period_words(custom_period("2026-03-01", "2026-03-31")) == "3月份"
    assert period_words(custom_period("2026-03-05", "2026-08-20")) == "这一时期"
    assert period_words(year_period(2026), "term") == "任期内"


def test_period_for_kind():
    assert period_for_kind("annual", dt.date(2026, 11, 22)) == year_period(2026)
    assert period_for_kind("annual", dt.date(2027, 1, 10)) == year_period(2026)
    assert period_for_kind("care", dt.date(2026, 2, 10)) == year_period(2025)
    assert period_for_kind("half", dt.date(2026, 7, 5)) == half_period(2026, 1)
    assert period_for_kind("half", dt.date(2026, 12, 20)) == half_period(2026, 2)
    assert period_for_kind("half", dt.date(2027, 1, 5)) == half_period(2026, 2)
    assert period_for_kind("semester", dt.date(2027, 1, 15)) == semester_period(2026, 1)
    assert period_for_kind("semester", dt.date(2026, 6, 30)) == semester_period(2025, 2)
    assert period_for_kind("semester", dt.date(2026, 10, 1)) == semester_period(2026, 1)
    assert period_for_kind("term", dt.date(2026, 1, 1)) is None  # no database to find the term in


def test_term_of_the_union_committee(db):
    today = dt.date(2026, 11, 22)
    assert term_period(db, today) is None
    save_profile(db, UnionProfile(name="测试中学工会委员会", kind="学校", term_number=5,
                                  term_elected_on="2021-12-10", term_expires_on="2026-12-09"))
    period = term_period(db, today)
    assert period == ReportPeriod("2021-12-10", "2026-11-22", "第五届工会委员会任期内（2021年12月至2026年11月）")
    assert period_for_kind("term", today, db) == period
    save_profile(db, UnionProfile(name="测试中学工会委员会", kind="学校", term_number=5,
                                  term_elected_on="2021-12-10", term_expires_on="2026-10-31"))
    assert term_period(db, today).date_to == "2026-10-31"  # an expired term: to its end
    save_profile(db, UnionProfile(name="测试中学工会委员会", kind="学校", term_elected_on="2023-03-01"))
    assert term_period(db, today) == ReportPeriod("2023-03-01", "2026-11-22", "本届工会委员会任期内（2023年3月以来）")


def test_term_of_the_congress_when_the_committee_term_is_unknown(db):
    save_profile(db, UnionProfile(name="某公司工会委员会", kind="企业"))
    db.execute("INSERT INTO congress_terms (number, started_on, ended_on) VALUES (2, '2016-05-01', '2021-04-30')")
    db.execute("INSERT INTO congress_terms (number, started_on, ended_on) VALUES (3, '2021-05-01', NULL)")
    db.execute("INSERT INTO congress_terms (number, started_on, ended_on, voided_at) "
               "VALUES (4, '2026-01-01', NULL, '2026-01-02T00:00:00')")
    db.conn.commit()
    today = dt.date(2026, 11, 22)
    assert term_period(db, today) == ReportPeriod("2021-05-01", "2026-11-22", "第三届职代会任期内（2021年5月以来）")
    assert term_period(db, dt.date(2019, 6, 1)) == ReportPeriod(
        "2016-05-01", "2019-06-01", "第二届职代会任期内（2016年5月至2019年6月）")
    assert term_period(db, dt.date(2010, 1, 1)) is None
