"""Figures for the home page (首页). Later modules add their own figures through ``register``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from gonghui_desk.union import load_profile, sub_units

if TYPE_CHECKING:
    import sqlite_utils


@dataclass
class Figure:
    label: str
    value: int | str
    unit: str = "人"
    hint: str = ""


@dataclass
class HomeFigures:
    figures: list[Figure] = field(default_factory=list)
    by_sub_unit: list[tuple[str, int]] = field(default_factory=list)  # (name, members on the roll)
    membership_rate: float | None = None


FigureProvider = Callable[["sqlite_utils.Database", dt.date], list[Figure]]
_PROVIDERS: list[FigureProvider] = []


def register(provider: FigureProvider) -> FigureProvider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


ON_ROLL = "voided_at IS NULL AND status IN ('在册','退休')"


def member_counts(db: sqlite_utils.Database, today: dt.date) -> dict[str, int]:
    year_start = dt.date(today.year, 1, 1).isoformat()
    row = db.execute(
        f"""SELECT count(*),
                   coalesce(sum(sex = '女'), 0),
                   coalesce(sum(status = '退休'), 0),
                   coalesce(sum(is_migrant_worker = 1), 0),
                   coalesce(sum(join_date >= ? AND join_date <= ?), 0)
            FROM members WHERE {ON_ROLL}""",
        [year_start, today.isoformat()]).fetchone()
    return {"on_roll": row[0], "women": row[1], "retired": row[2], "migrant": row[3], "new_this_year": row[4]}


def home_figures(db: sqlite_utils.Database, today: dt.date | None = None) -> HomeFigures:
    today = today or dt.date.today()
    counts = member_counts(db, today)
    result = HomeFigures()
    result.figures = [
        Figure("在册会员", counts["on_roll"], hint="含退休会员"),
        Figure(f"{today.year}年新入会", counts["new_this_year"]),
        Figure("女会员", counts["women"]),
        Figure("退休会员", counts["retired"]),
        Figure("农民工会员", counts["migrant"]),
    ]
    staff = db.execute("SELECT staff_count FROM staff_counts WHERE year = ?", [today.year]).fetchone()
    working = counts["on_roll"] - counts["retired"]
    if staff and staff[0]:
        staff_word = load_profile(db).vocabulary.staff
        result.membership_rate = working / staff[0]
        result.figures.append(Figure("入会率", f"{result.membership_rate:.1%}", unit="",
                                     hint=f"在职会员{working}人 ÷ {today.year}年{staff_word}{staff[0]}人"))
    # members on the roll per top-level sub-unit (children counted in their top-level unit)
    units = sub_units(db)
    top_of = {}
    for unit in units:
        top_of[unit.id] = unit.id if unit.parent_id is None else top_of.get(unit.parent_id, unit.id)
    per_unit = dict(db.execute(f"SELECT sub_unit_id, count(*) FROM members WHERE {ON_ROLL} GROUP BY sub_unit_id")
                    .fetchall())
    totals: dict[int | None, int] = {}
    for unit_id, n in per_unit.items():
        key = top_of.get(unit_id) if unit_id is not None else None
        totals[key] = totals.get(key, 0) + n
    names = {u.id: u.name for u in units}
    result.by_sub_unit = [(names[k], v) for k, v in totals.items() if k is not None]
    result.by_sub_unit.sort(key=lambda kv: -kv[1])
    if totals.get(None):
        result.by_sub_unit.append(("未分配部门", totals[None]))
    for provider in _PROVIDERS:
        result.figures.extend(provider(db, today))
    return result
