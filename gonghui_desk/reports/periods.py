"""The periods a report covers and how the report names them.

* :func:`year_period` (2026 → "2026年"), :func:`half_period` ("2026年上半年", "2026年下半年"),
  :func:`semester_period` (the school year starting in September: 第一学期 9月1日–次年1月31日,
  第二学期 2月1日–7月31日; "2026—2027学年第一学期"), :func:`term_period` (the union committee's term, or
  else the congress term, from the records: "第五届工会委员会任期内（2021年12月至2026年11月）"),
  :func:`custom_period` (any two dates; a whole year, half-year or semester is named as such).
* :func:`previous_period`: the period of the same length just before, to compare with. Its label is the
  word a comparison uses: "上年", "上半年" (before a second half), "上年下半年" (before a first half), "上学期",
  "上一期" (anything else). A year, half-year or semester is followed back by the previous one of its kind;
  any other span by the same number of days (or of whole months) ending the day before it starts.
* :func:`period_for_kind`: the natural period of a report kind around ``today`` (the year just ended in
  January and February, the current year otherwise, and so on), for the wizard's first guess and the
  command line.
* :func:`period_words`: how the body says "in this period": "全年", "上半年", "本学期", "任期内", "这一时期".
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange

import sqlite_utils

from gonghui_desk.documents.wording import date_text
from gonghui_desk.errors import UserError
from gonghui_desk.reports.model import ReportPeriod

__all__ = ["custom_period", "half_period", "period_for_kind", "period_shape", "period_words", "previous_period",
           "semester_period", "term_period", "year_period"]


def _iso(day: dt.date | str) -> str:
    if isinstance(day, str):
        try:
            return dt.date.fromisoformat(day.strip()[:10]).isoformat()
        except ValueError:
            raise UserError(f"日期格式不对：{day}（应为 2026-01-31 这样的形式）") from None
    return day.isoformat()


def year_period(year: int) -> ReportPeriod:
    return ReportPeriod(f"{year:04d}-01-01", f"{year:04d}-12-31", f"{year}年")


def half_period(year: int, half: int) -> ReportPeriod:
    if half == 1:
        return ReportPeriod(f"{year:04d}-01-01", f"{year:04d}-06-30", f"{year}年上半年")
    if half == 2:
        return ReportPeriod(f"{year:04d}-07-01", f"{year:04d}-12-31", f"{year}年下半年")
    raise ValueError(f"half must be 1 or 2, not {half!r}")


def semester_period(school_year_start: int, semester: int) -> ReportPeriod:
    """第一学期 1 Sep – 31 Jan of the next year; 第二学期 1 Feb – 31 Jul of the next year."""
    y = school_year_start
    label = f"{y}—{y + 1}学年"
    if semester == 1:
        return ReportPeriod(f"{y:04d}-09-01", f"{y + 1:04d}-01-31", f"{label}第一学期")
    if semester == 2:
        return ReportPeriod(f"{y + 1:04d}-02-01", f"{y + 1:04d}-07-31", f"{label}第二学期")
    raise ValueError(f"semester must be 1 or 2, not {semester!r}")


def _month_text(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d.year}年{d.month}月"


def _span_text(date_from: str, date_to: str) -> str:
    """"2026年3月1日至8月31日" (the year once when both are in it), "2025年9月1日至2026年1月20日"."""
    a, b = dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to)
    if a == b:
        return date_text(a)
    if a.year == b.year:
        return f"{date_text(a)}至{b.month}月{b.day}日"
    return f"{date_text(a)}至{date_text(b)}"


def _term_label(what: str, date_from: str, date_to: str, open_ended: bool) -> str:
    start = _month_text(date_from)
    if open_ended:
        return f"{what}任期内（{start}以来）"
    end = _month_text(date_to)
    return f"{what}任期内（{start}至{end}）" if end != start else f"{what}任期内（{start}）"


def term_period(db: sqlite_utils.Database, today: dt.date | None = None) -> ReportPeriod | None:
    """The term the 工会工作报告 covers, up to ``today`` at the latest: the union committee's term from the
    profile (第N届, elected on, expires on) when its start is known, else the congress term running on
    ``today`` (or the newest one started by then). None when neither is recorded."""
    today = today or dt.date.today()
    day = today.isoformat()
    profile = next(iter(db.query(
        "SELECT name, kind, term_number, term_elected_on, term_expires_on FROM union_profile WHERE id = 1")), None)
    if profile and profile["term_elected_on"] and profile["term_elected_on"] <= day:
        start = _iso(profile["term_elected_on"])
        expires = _iso(profile["term_expires_on"]) if profile["term_expires_on"] else None
        end = min(expires, day) if expires else day
        number = profile["term_number"]
        what = f"第{_cn(number)}届工会委员会" if number else "本届工会委员会"
        return ReportPeriod(start, end, _term_label(what, start, end, expires is None))
    if "congress_terms" not in db.table_names():
        return None
    row = next(iter(db.query(
        """SELECT number, started_on, ended_on FROM congress_terms
           WHERE voided_at IS NULL AND started_on IS NOT NULL AND started_on <= ?
           ORDER BY (ended_on IS NULL OR ended_on >= ?) DESC, started_on DESC, number DESC LIMIT 1""",
        (day, day))), None)
    if row is None:
        return None
    from gonghui_desk.vocabulary import vocabulary_for

    short = vocabulary_for(profile["kind"] if profile else None).congress_short
    start = _iso(row["started_on"])
    end = min(_iso(row["ended_on"]), day) if row["ended_on"] else day
    return ReportPeriod(start, end, _term_label(f"第{_cn(row['number'])}届{short}", start, end, not row["ended_on"]))


def _cn(n: int) -> str:
    from gonghui_desk.documents.model import chinese_numeral

    return chinese_numeral(int(n))


def period_shape(period: ReportPeriod) -> tuple[str, int, int]:
    """What the dates are: ("year", 2026, 0), ("half", 2026, 1|2), ("semester", 2026, 1|2) (by the school
    year's start), ("months", year, month count) for whole months, else ("days", 0, day count)."""
    a, b = dt.date.fromisoformat(period.date_from), dt.date.fromisoformat(period.date_to)
    if a.month == 1 and a.day == 1 and b == dt.date(a.year, 12, 31):
        return ("year", a.year, 0)
    if a.day == 1 and a.month in (1, 7) and b.year == a.year and b == dt.date(a.year, a.month + 5, 30 + (a.month == 7)):
        return ("half", a.year, 1 if a.month == 1 else 2)
    if (a.month, a.day) == (9, 1) and b == dt.date(a.year + 1, 1, 31):
        return ("semester", a.year, 1)
    if (a.month, a.day) == (2, 1) and b == dt.date(a.year, 7, 31):
        return ("semester", a.year - 1, 2)
    if a.day == 1 and b.day == monthrange(b.year, b.month)[1] and a <= b:
        return ("months", a.year, (b.year - a.year) * 12 + b.month - a.month + 1)
    return ("days", 0, (b - a).days + 1)


def custom_period(date_from: dt.date | str, date_to: dt.date | str, label: str = "") -> ReportPeriod:
    """Any two dates (both inclusive). Without a ``label``, a whole year, half-year or semester is named as
    such ("2026年上半年"), a whole month "2026年3月", else the dates ("2026年3月1日至8月31日")."""
    start, end = _iso(date_from), _iso(date_to)
    if start > end:
        raise UserError(f"开始日期（{date_text(start)}）晚于结束日期（{date_text(end)}）")
    if label:
        return ReportPeriod(start, end, label)
    period = ReportPeriod(start, end, "")
    shape, year, n = period_shape(period)
    if shape == "year":
        return year_period(year)
    if shape == "half":
        return half_period(year, n)
    if shape == "semester":
        return semester_period(year, n)
    if shape == "months" and n == 1:
        return ReportPeriod(start, end, _month_text(start))
    if shape == "months" and start[:4] == end[:4] and n > 1:
        return ReportPeriod(start, end, f"{_month_text(start)}至{dt.date.fromisoformat(end).month}月")
    if shape == "months":
        return ReportPeriod(start, end, f"{_month_text(start)}至{_month_text(end)}")
    return ReportPeriod(start, end, _span_text(start, end))


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def previous_period(period: ReportPeriod) -> ReportPeriod:
    """The period of the same length just before ``period``; its label is the comparison's word."""
    shape, year, n = period_shape(period)
    if shape == "year":
        p = year_period(year - 1)
        return ReportPeriod(p.date_from, p.date_to, "上年")
    if shape == "half":
        p = half_period(year - 1, 2) if n == 1 else half_period(year, 1)
        return ReportPeriod(p.date_from, p.date_to, "上年下半年" if n == 1 else "上半年")
    if shape == "semester":
        p = semester_period(year - 1, 2) if n == 1 else semester_period(year, 1)
        return ReportPeriod(p.date_from, p.date_to, "上学期")
    start = dt.date.fromisoformat(period.date_from)
    if shape == "months":
        begin = _add_months(start, -n)
        return ReportPeriod(begin.isoformat(), (start - dt.timedelta(days=1)).isoformat(),
                            "上月" if n == 1 else "上季度" if n == 3 and start.month in (1, 4, 7, 10) else "上一期")
    end = start - dt.timedelta(days=1)
    begin = end - dt.timedelta(days=period.days - 1)
    return ReportPeriod(begin.isoformat(), end.isoformat(), "上一期")


def period_for_kind(kind: str, today: dt.date | None = None, db: sqlite_utils.Database | None = None
                    ) -> ReportPeriod | None:
    """The period a report of ``kind`` most likely covers when written on ``today``: the year (the last one
    until the end of February), the half-year just ended or running, the semester just ended or running, the
    term (None when it is unknown), and the year for the topic reports."""
    today = today or dt.date.today()
    if kind == "term":
        return term_period(db, today) if db is not None else None
    if kind == "half":
        if today.month <= 2:
            return half_period(today.year - 1, 2)
        return half_period(today.year, 1 if today.month <= 8 else 2)
    if kind == "semester":
        if today.month >= 9:
            return semester_period(today.year, 1)
        if today.month <= 2:
            return semester_period(today.year - 1, 1)
        return semester_period(today.year - 1, 2)
    return year_period(today.year - 1 if today.month <= 2 else today.year)


def period_words(period: ReportPeriod, kind: str = "annual") -> str:
    """How the body says "in this period": 全年 · 上半年/下半年 · 本学期 · 任期内 · N月份 · 这一时期."""
    if kind == "term":
        return "任期内"
    shape, _, n = period_shape(period)
    if shape == "year":
        return "全年"
    if shape == "half":
        return "上半年" if n == 1 else "下半年"
    if shape == "semester":
        return "本学期"
    if shape == "months" and n == 1:
        return f"{dt.date.fromisoformat(period.date_from).month}月份"
    return "这一时期"
