"""Statutory retirement age under the 2024 decision, in force from 2025-01-01 (DOMAIN.md §6).

The delay in months is ``min(cap, k // step + 1)`` where ``k`` counts months from the
first affected birth month; people born before it keep the old age. A woman's original
age (55 for 管理和技术岗位, 50 for 生产岗位) is a field of the member, never guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gonghui_desk.dates import add_months

# original age in years -> (first affected birth (year, month), months per step, cap in months)
_RULES = {
    ("男", 60): ((1965, 1), 4, 36),
    ("女", 55): ((1970, 1), 4, 36),
    ("女", 50): ((1975, 1), 2, 60),
}


@dataclass(frozen=True)
class Retirement:
    original_age: int
    delay_months: int
    date: dt.date  # the day the statutory age is reached

    @property
    def age_months(self) -> int:
        return self.original_age * 12 + self.delay_months

    def age_text(self) -> str:
        years, months = divmod(self.age_months, 12)
        return f"{years}岁" + (f"{months}个月" if months else "")


def delay_months(birth: dt.date, sex: str, original_age: int) -> int:
    first, step, cap = _RULES[(sex, original_age)]
    k = (birth.year - first[0]) * 12 + (birth.month - first[1])
    if k < 0:
        return 0
    return min(cap, k // step + 1)


def statutory_retirement(birth: dt.date | None, sex: str | None,
                         female_original_age: int | None = None) -> Retirement | None:
    """The statutory retirement of a person, or ``None`` when it cannot be known."""
    if birth is None or sex not in ("男", "女"):
        return None
    if sex == "男":
        original = 60
    elif female_original_age in (50, 55):
        original = female_original_age
    else:
        return None
    delay = delay_months(birth, sex, original)
    return Retirement(original, delay, add_months(birth, original * 12 + delay))
