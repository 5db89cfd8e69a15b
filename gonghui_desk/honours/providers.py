"""What the honours add to the shared registries: a member's 个人 honours in the history panel
(category 荣誉) and the home page's figure of the honours awarded this year.

Importing this module registers both; :mod:`gonghui_desk.modules` imports it at start-up. An
honour recorded with its year only is dated by the year ("2024"), which the history lists after
that year's dated entries.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from gonghui_desk import history, stats
from gonghui_desk.history import HistoryEntry
from gonghui_desk.honours.register import HonourFilter, honour_totals
from gonghui_desk.honours.store import AWARDED, HonourStore

CATEGORY = "荣誉"
STAGE_WORDS = {"推荐": "被推荐参评", "申报": "已申报", AWARDED: "被评为"}


def honour_summary(honour: dict) -> str:
    """One line for the history panel, e.g. "被评为市劳动模范（市级，市人民政府）"."""
    about = "，".join(t for t in (honour["level"], honour["conferred_by"]) if t)
    text = f"{STAGE_WORDS.get(honour['stage'], honour['stage'])}{honour['title']}" + (f"（{about}）" if about else "")
    if honour["stage"] != AWARDED:
        text += f"，{honour['year']}年度，尚未获评"
    return text


@history.register
def honour_history(db: sqlite_utils.Database, member_id: int) -> list[HistoryEntry]:
    return [HistoryEntry(h["conferred_on"] or str(h["year"]), CATEGORY, honour_summary(h), "honours", h["id"])
            for h in HonourStore(db).member_honours(member_id) if h["recipient_kind"] == "个人"]


@stats.register
def honour_figures(db: sqlite_utils.Database, today: dt.date) -> list[stats.Figure]:
    totals = honour_totals(db, HonourFilter(year_from=today.year, year_to=today.year))
    awarded = totals.by_stage.get(AWARDED, 0)
    if not totals.honours:
        return []
    parts = []
    awarded_totals = honour_totals(db, HonourFilter(year_from=today.year, year_to=today.year, stage=AWARDED))
    if awarded_totals.personal:
        parts.append(f"个人{awarded_totals.personal}项")
    if awarded_totals.collective:
        parts.append(f"集体{awarded_totals.collective}项")
    if awarded_totals.union:
        parts.append(f"本会{awarded_totals.union}项")
    hint = ("其中" if len(parts) > 1 else "") + "、".join(parts)
    pending = totals.honours - awarded
    if pending:
        hint += ("；" if hint else "") + f"另有{pending}项推荐、申报中"
    return [stats.Figure(f"{today.year}年获评荣誉", awarded, "项", hint=hint)]
