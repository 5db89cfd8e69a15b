"""Dates as users type them, parsed into ``datetime.date`` (stored as ISO text).

Accepted: 2024-05-03, 2024/5/3, 2024.5.3, 2024年5月3日, 20240503, Excel date cells and
Excel serial day numbers; a year and month alone (2024.5, 2024年5月, 202405) means the
first day of that month, which is how rosters usually write 入会时间 and 出生年月. A number
too small to be a date serial (a year such as 2024 typed alone, a day, a month) is refused.
"""

from __future__ import annotations

import datetime as dt
import re

_FULLWIDTH = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Smaller numbers in a date cell are a day, a month or a year typed alone, not a day count:
# 2024 read as an Excel serial would be 1905-07-17. Serial 2101 is 1905-10-01.
EXCEL_FIRST_SERIAL = 2101


class DateParseError(ValueError):
    """The value is not a date this app can read; the message is Chinese."""


def _make(year: int, month: int, day: int, raw) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError(f"日期“{raw}”不存在") from None


def parse_date(value, *, allow_serial: bool = True) -> dt.date | None:
    """Return the date, ``None`` for an empty value, or raise :class:`DateParseError`."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return dt.date.fromisoformat(value)  # how the database stores dates: the fast path of exports
        except ValueError:
            pass
    if isinstance(value, bool):
        raise DateParseError(f"“{value}”不是日期")
    if isinstance(value, (int, float)):
        number = value
        whole = isinstance(number, int) or number.is_integer()
        if whole and 19000101 <= number <= 21001231:
            return parse_date(str(int(number)))
        if whole and 1900 <= number <= 2100:
            raise DateParseError(f"数字“{int(number)}”像是年份，不是完整的日期，请写成 {int(number)}-01-01 这样的形式")
        if allow_serial and EXCEL_FIRST_SERIAL <= number < 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(number))
        raise DateParseError(f"数字“{value}”不是日期，请写成 2024-05-03 这样的形式")
    text = str(value).strip().translate(_FULLWIDTH)
    if not text:
        return None
    text = re.sub(r"\s+", "", text)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), value)
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), value)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", text)
    if m:
        return _make(int(m[1]), int(m[2]), 1, value)
    m = re.fullmatch(r"(\d{4})(\d{2})", text)
    if m and 1 <= int(m[2]) <= 12:
        return _make(int(m[1]), int(m[2]), 1, value)
    m = re.fullmatch(r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})T?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?", text)
    if m:
        return parse_date(m[1])
    raise DateParseError(f"无法识别日期“{value}”，请写成 2024-05-03 这样的形式")


def to_iso(value) -> str | None:
    parsed = parse_date(value)
    return parsed.isoformat() if parsed else None


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def years_between(start: dt.date, day: dt.date) -> int:
    """Whole years from ``start`` to ``day`` (会龄, 工龄)."""
    return max(age_on(start, day), 0)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    import calendar

    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))
