import datetime as dt

import pytest

from gonghui_desk.retirement import delay_months, statutory_retirement


@pytest.mark.parametrize("birth, sex, original, age_text, date", [
    # the worked examples of DOMAIN.md §6
    (dt.date(1965, 1, 1), "男", None, "60岁1个月", dt.date(2025, 2, 1)),
    (dt.date(1965, 12, 1), "男", None, "60岁3个月", dt.date(2026, 3, 1)),
    (dt.date(1971, 4, 1), "女", 55, "55岁4个月", dt.date(2026, 8, 1)),
    (dt.date(1995, 12, 1), "女", 50, "55岁", dt.date(2050, 12, 1)),
])
def test_worked_examples(birth, sex, original, age_text, date):
    result = statutory_retirement(birth, sex, original)
    assert result.age_text() == age_text
    assert result.date == date


@pytest.mark.parametrize("birth, sex, original, delay", [
    (dt.date(1964, 12, 31), "男", 60, 0),   # the month before the rule begins keeps the old age
    (dt.date(1965, 1, 1), "男", 60, 1),
    (dt.date(1965, 4, 30), "男", 60, 1),
    (dt.date(1965, 5, 1), "男", 60, 2),
    (dt.date(1976, 12, 1), "男", 60, 36),  # capped at 63
    (dt.date(1969, 12, 1), "女", 55, 0),
    (dt.date(1970, 1, 1), "女", 55, 1),
    (dt.date(1974, 12, 1), "女", 50, 0),
    (dt.date(1975, 1, 1), "女", 50, 1),
    (dt.date(1975, 3, 1), "女", 50, 2),
])
def test_boundaries_before_and_after_each_rule(birth, sex, original, delay):
    assert delay_months(birth, sex, original) == delay


def test_woman_without_original_age_is_not_guessed():
    assert statutory_retirement(dt.date(1980, 1, 1), "女", None) is None
    assert statutory_retirement(None, "男") is None
