"""What proposals add to the member's history panel and to the home page's figures.

History (category "提案"): one line per live proposal of a live session the member filed — "提出提案
第3届第2次-007《增设职工夜班食堂》" — or co-signed — "附议提案 第3届第2次-007《…》" —, dated on the day it
was submitted.

Home figure: "职代会提案" (or 教代会…), the proposals received by the newest session, with the session's
title, 立案 and 立案率 and the ones overdue (逾期) in the hint (see :mod:`gonghui_desk.congress.register` for the definitions).

Importing this module registers both providers; :mod:`gonghui_desk.modules` imports it at start-up.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from gonghui_desk import history, stats
from gonghui_desk.congress.register import member_proposals, session_dashboard
from gonghui_desk.congress.store import CongressStore
from gonghui_desk.history import HistoryEntry

CATEGORY = "提案"
VERBS = {"提案人": "提出提案", "附议人": "附议提案"}


def proposal_summary(row: dict) -> str:
    """"提出提案 第3届第2次-007《增设职工夜班食堂》" (or 附议提案 … for a co-signer)."""
    return f"{VERBS[row['role']]} {row['number']}《{row['title']}》"


@history.register
def proposal_history(db: sqlite_utils.Database, member_id: int) -> list[HistoryEntry]:
    return [HistoryEntry(row["submitted_on"], CATEGORY, proposal_summary(row), "proposals", row["id"])
            for row in member_proposals(db, member_id)]


@stats.register
def proposal_figures(db: sqlite_utils.Database, today: dt.date) -> list[stats.Figure]:
    session = CongressStore(db, today).latest_session()
    if session is None:
        return []
    board = session_dashboard(db, session["id"], today)
    hint = f"{session['title']}：立案{board.registered}件"
    if board.received:
        hint += f"（立案率{board.filing_rate.text}）"
    if board.overdue:
        hint += f"；逾期未答复{board.overdue}件"
    return [stats.Figure(f"{session['kind']}提案", board.received, "件", hint=hint)]
