"""What events add to the member's history panel and to the home page's figures.

History (category "活动"): one line per entry of the member in a live event that was not cancelled (their
team entries included), dated on the event's start date — "参加 第3届职工技能大赛（焊工）", or "报名参加 …"
while the event is still planned — and one line per result, dated on the event's last day — "第3届职工技能
大赛（焊工）决赛：获 一等奖，奖金 500 元，推荐参加 市级决赛".

Home figure: this year's events held so far (场次) with their 人次 and 人 (see
:mod:`gonghui_desk.events.register` for the counting rules), and the events still planned this year.

Importing this module registers both providers; :mod:`gonghui_desk.modules` imports it at start-up.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from gonghui_desk import history, stats
from gonghui_desk.events.register import EventFilter, held_counts, member_entries, member_results
from gonghui_desk.history import HistoryEntry
from gonghui_desk.money import yuan_text

CATEGORY = "活动"


def _what(row: dict) -> str:
    """"第3届职工技能大赛（焊工）", "职工篮球赛（男子篮球，一车间队）"."""
    details = [d for d in (row["item_name"], row["team_name"]) if d]
    return row["event_title"] + (f"（{'，'.join(details)}）" if details else "")


def entry_summary(entry: dict) -> str:
    """One history line for an entry, e.g. "参加 第3届职工技能大赛（焊工）"."""
    verb = "报名参加" if entry["event_status"] == "计划" else "参加"
    text = f"{verb} {_what(entry)}"
    if entry["organiser_kind"] != "本会" and entry["organiser"]:
        text += f"，{entry['organiser']}主办"
    return text


def result_summary(result: dict) -> str:
    """One history line for a result, e.g. "第3届职工技能大赛（焊工）决赛：获 一等奖，奖金 500 元，推荐参加 市级决赛"."""
    parts = []
    if result["rank"] is not None:
        parts.append(f"第{result['rank']}名")
    if result["grade"]:
        parts.append(f"获 {result['grade']}")
    text = "，".join(parts)
    if result["prize_fen"]:
        text += ("，" if text else "") + f"奖金 {yuan_text(result['prize_fen'])} 元"
    if result["promoted"]:
        upstream = f"推荐参加 {result['upstream_round']}" if result["upstream_round"] else "推荐参加上级比赛"
        if result["upstream_result"]:
            upstream += f"（{result['upstream_result']}）"
        text += ("，" if text else "") + upstream
    if not text:
        text = result["notes"]
    return f"{_what(result)}{result['stage']}：{text}"


@history.register
def event_history(db: sqlite_utils.Database, member_id: int) -> list[HistoryEntry]:
    # results first: newest first, a result reads above the entry it came from on the same day
    entries = [HistoryEntry(r["end_date"] or r["start_date"], CATEGORY, result_summary(r), "event_results", r["id"])
               for r in member_results(db, member_id) if r["event_status"] != "已取消"]
    entries += [HistoryEntry(e["start_date"], CATEGORY, entry_summary(e), "event_participants", e["id"])
                for e in member_entries(db, member_id) if e["event_status"] != "已取消"]
    return entries


@stats.register
def event_figures(db: sqlite_utils.Database, today: dt.date) -> list[stats.Figure]:
    totals = held_counts(db, EventFilter(date_from=f"{today.year}-01-01", date_to=today.isoformat()))
    planned = db.execute("SELECT count(*) FROM events WHERE voided_at IS NULL AND status = '计划' "
                         "AND start_date BETWEEN ? AND ?", [f"{today.year}-01-01", f"{today.year}-12-31"]).fetchone()[0]
    hint = f"{totals.person_times}人次，{totals.persons}人"
    if planned:
        hint += f"；另有{planned}场计划中"
    return [stats.Figure(f"{today.year}年活动", totals.events, "场", hint=hint)]
