"""A member's history panel: everything recorded about one person, from every module.

Each module registers a provider ``(db, member_id) -> list[HistoryEntry]``; the member card
shows the merged list, newest first. The members module itself provides status changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sqlite_utils


@dataclass(frozen=True)
class HistoryEntry:
    date: str  # ISO date
    category: str  # 会籍 / 慰问 / 帮扶 / 活动 / 荣誉 / 提案 …
    summary: str
    table: str = ""
    record_id: int | None = None


HistoryProvider = Callable[[sqlite_utils.Database, int], list[HistoryEntry]]
_PROVIDERS: list[HistoryProvider] = []


def register(provider: HistoryProvider) -> HistoryProvider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def member_history(db: sqlite_utils.Database, member_id: int) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    for provider in _PROVIDERS:
        entries.extend(provider(db, member_id))
    return sorted(entries, key=lambda e: (e.date, e.category), reverse=True)


@register
def _status_changes(db: sqlite_utils.Database, member_id: int) -> list[HistoryEntry]:
    entries = []
    for row in db.query("SELECT * FROM member_status_changes WHERE member_id = ? ORDER BY id", [member_id]):
        if row["old_status"] is None:
            text = f"建档，状态“{row['new_status']}”"
        else:
            text = f"状态由“{row['old_status']}”变为“{row['new_status']}”"
        if row["reason"] and row["reason"] != "建立档案":
            text += f"（{row['reason']}）"
        entries.append(HistoryEntry(row["effective_date"], "会籍", text, "member_status_changes", row["id"]))
    return entries
