"""The 竞赛获奖名单 of a period (DOMAIN.md §5): the awards of every event held in the period, as a printable
.xlsx through :func:`~gonghui_desk.exporting.xlsx.write_table`.

It is the one-event 获奖名单 (:func:`gonghui_desk.exporting.events.award_list`: the results with a grade, a
rank, a prize or a promotion, a team written with its members) for each event **held** (已举办) whose start
date falls in the period, by date, with the event's name in the first column. The totals are the event
register's totals of the same events (:func:`gonghui_desk.events.register.event_totals`, DOMAIN.md §3):
获奖 人次 (a team's award once per member) and 人 (distinct persons), awards to a sub-unit or the union apart,
by grade, the prize money and the promotions to upstream rounds. Planned, cancelled and voided events, and
voided results, are left out. A list of awards holds no ID or phone numbers. No Qt.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import sqlite_utils

from gonghui_desk.events.register import HELD, EventFilter, EventTotals, event_totals, iter_events
from gonghui_desk.exporting.events import AWARD_COLUMNS, award_list
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel
from gonghui_desk.money import yuan_text
from gonghui_desk.union import load_profile

__all__ = ["PERIOD_AWARD_COLUMNS", "PERIOD_AWARDS_TITLE", "export_period_awards", "period_award_lines",
           "period_award_records", "period_filter"]

PERIOD_AWARDS_TITLE = "竞赛获奖名单"
PERIOD_AWARD_COLUMNS: tuple[Column, ...] = (
    AWARD_COLUMNS[0], Column("event_title", "活动名称", 22), *AWARD_COLUMNS[1:])


def _iso(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def period_filter(date_from: dt.date | str, date_to: dt.date | str) -> EventFilter:
    """The events held (已举办) whose start date is in the period."""
    return EventFilter(date_from=_iso(date_from), date_to=_iso(date_to), status=HELD)


def period_award_records(db: sqlite_utils.Database, date_from: dt.date | str, date_to: dt.date | str, *,
                         is_cancelled: IsCancelled | None = None) -> Iterator[dict]:
    """The rows of every held event's 获奖名单 in the period, by start date, numbered across the events and
    keyed by the :data:`PERIOD_AWARD_COLUMNS` keys."""
    seq = 0
    for event in iter_events(db, period_filter(date_from, date_to), order="start_date"):
        check_cancel(is_cancelled)
        rows, _lines = award_list(db, event["id"])
        for row in rows:
            seq += 1
            yield {**row, "seq": seq, "event_title": event["title"]}


def period_award_lines(totals: EventTotals) -> list[str]:
    """"合计：获奖 12 人次（10 人），另有集体奖 1 项，奖金合计 6,000 元；推荐参加上级比赛 2 人次（2 人）" and the
    awards by grade."""
    t = totals
    line = f"合计：已举办活动 {t.events} 场，获奖 {t.awards} 人次（{t.winners} 人）"
    if t.collective_awards:
        line += f"，另有集体奖 {t.collective_awards} 项"
    line += f"，奖金合计 {yuan_text(t.prize_fen) or '0'} 元"
    if t.promoted:
        line += f"；推荐参加上级比赛 {t.promoted} 人次（{t.promoted_persons} 人）"
    lines = [line]
    if t.by_grade:
        lines.append("按等级：" + "；".join(f"{grade} {times} 人次（{persons} 人）"
                                         for grade, (persons, times) in t.by_grade.items()))
    lines.append("说明：团体获奖按队员每人计1人次；授予部门或本会的集体奖（组织奖等）另计，不计入人次。")
    return lines


def export_period_awards(db: sqlite_utils.Database, path: str | Path, date_from: dt.date | str,
                         date_to: dt.date | str, *, subtitle: str = "", prepared_by: str = "",
                         today: dt.date | None = None, progress: Progress | None = None,
                         is_cancelled: IsCancelled | None = None) -> int:
    """Write the 竞赛获奖名单 of the period to ``path``; returns the number of rows."""
    totals = event_totals(db, period_filter(date_from, date_to), today=today)
    return write_table(
        path, title=PERIOD_AWARDS_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=subtitle or f"活动日期：{_iso(date_from)} 至 {_iso(date_to)}（已举办的活动，按日期排列）",
        columns=PERIOD_AWARD_COLUMNS, rows=period_award_records(db, date_from, date_to, is_cancelled=is_cancelled),
        total_lines=period_award_lines(totals), prepared_by=prepared_by, freeze_columns=2, progress=progress,
        is_cancelled=is_cancelled)
