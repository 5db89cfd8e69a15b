"""What the care module adds to the member's history panel and to the home page's figures.

Importing this module registers both providers; the app and the command line import it at
start-up (nothing in ``gonghui_desk.care`` imports it, so there is no import cycle).
"""

from __future__ import annotations

import datetime as dt
import re

import sqlite_utils

from gonghui_desk import history, stats
from gonghui_desk.care.ledger import LedgerFilter, ledger_totals, member_visits
from gonghui_desk.history import HistoryEntry
from gonghui_desk.money import yuan_text

CATEGORY = "慰问"


def occasion_phrase(occasion_name: str) -> str:
    """"生病住院" -> "生病住院慰问"; names already ending in 慰问 (节日慰问) stay as they are."""
    return occasion_name if occasion_name.endswith("慰问") else f"{occasion_name}慰问"


def visit_summary(visit: dict) -> str:
    """One line for the history panel, e.g. "生病住院慰问（肺炎），慰问金500元，走访：王建国等"."""
    details = []
    if visit["recipient_relation"] != "本人":
        details.append(f"{visit['recipient_relation']}{visit['recipient_name']}")
    if visit["illness"]:
        details.append(visit["illness"])
    head = visit["campaign_name"] or occasion_phrase(visit["occasion_name"])
    parts = [head + (f"（{'，'.join(details)}）" if details else "")]
    if visit["visit_date"] is None:
        parts.append("待走访")
    if visit["cash_fen"]:
        parts.append(f"慰问金{yuan_text(visit['cash_fen'])}元")
    if visit["goods_desc"]:
        value = f"（价值{yuan_text(visit['goods_value_fen'])}元）" if visit["goods_value_fen"] else ""
        parts.append(f"慰问品{visit['goods_desc']}{value}")
    visitors = [v for v in re.split(r"[、，,;；\s]+", visit["visitors"]) if v]
    if visitors:
        parts.append(f"走访：{visitors[0]}" + ("等" if len(visitors) > 1 else ""))
    return "，".join(parts)


@history.register
def visit_history(db: sqlite_utils.Database, member_id: int) -> list[HistoryEntry]:
    return [HistoryEntry(v["visit_date"] or v["event_date"], CATEGORY, visit_summary(v), "visits", v["id"])
            for v in member_visits(db, member_id)]


@stats.register
def care_figures(db: sqlite_utils.Database, today: dt.date) -> list[stats.Figure]:
    totals = ledger_totals(db, LedgerFilter(date_from=f"{today.year}-01-01", date_to=today.isoformat()))
    money_hint = ""
    if totals.cash_fen and totals.goods_fen:
        money_hint = f"其中慰问金{yuan_text(totals.cash_fen)}元，慰问品{yuan_text(totals.goods_fen)}元"
    pending_hint = f"；另有{totals.pending}件待走访" if totals.pending else ""
    return [
        stats.Figure(f"{today.year}年慰问", totals.visits, "人次", hint=f"共{totals.persons}人{pending_hint}"),
        stats.Figure(f"{today.year}年慰问金额", yuan_text(totals.total_fen), "元", hint=money_hint),
    ]
