"""What aid adds to the member's history panel (on the household head) and to the home page's figures.

Importing this module registers both providers; ``gonghui_desk.modules`` imports it at start-up.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from gonghui_desk import history, stats
from gonghui_desk.hardship.aid_ledger import AidFilter, aid_totals, member_payments
from gonghui_desk.history import HistoryEntry
from gonghui_desk.money import yuan_text

CATEGORY = "帮扶"
STAGE_WORDS = {"申请": "申请中", "审核": "已审核，待发放", "发放": "已发放"}


def payment_summary(payment: dict) -> str:
    """One line for the history panel, e.g. "金秋助学 3,000元（学生：张小明，某某大学）已发放"."""
    amounts = []
    if payment["cash_fen"]:
        amounts.append(f"{yuan_text(payment['cash_fen'])}元")
    if payment["goods_desc"]:
        value = f"（价值{yuan_text(payment['goods_value_fen'])}元）" if payment["goods_value_fen"] else ""
        amounts.append(f"{payment['goods_desc']}{value}")
    text = payment["aid_type"] + (" " + "，".join(amounts) if amounts else "")
    if payment["student_name"]:
        school = f"，{payment['school']}" if payment["school"] else ""
        text += f"（学生：{payment['student_name']}{school}）"
    return text + STAGE_WORDS.get(payment["stage"], payment["stage"])


@history.register
def aid_history(db: sqlite_utils.Database, member_id: int) -> list[HistoryEntry]:
    return [HistoryEntry(p["paid_on"] or p["applied_on"], CATEGORY, payment_summary(p), "aid_payments", p["id"])
            for p in member_payments(db, member_id)]


@stats.register
def aid_figures(db: sqlite_utils.Database, today: dt.date) -> list[stats.Figure]:
    totals = aid_totals(db, AidFilter(date_from=f"{today.year}-01-01", date_to=today.isoformat()))
    return [stats.Figure(f"{today.year}年帮扶", totals.payments, "人次",
                         hint=f"{yuan_text(totals.total_fen)}元，{totals.households}户{totals.persons}人")]
