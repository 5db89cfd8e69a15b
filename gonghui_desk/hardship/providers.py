"""What the hardship files add to the shared registries: the household head's history entries,
the home page's figure, and the campaigns' ``hardship_only`` criterion (which the care
reminders' ``hardship_no_visit`` kind reads too).

Importing this module registers them; :mod:`gonghui_desk.modules` imports it at start-up.
:func:`review_due_reminders` lists the files whose yearly review is due, shaped like the care
reminders, for the reminders page to show.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from gonghui_desk import history, stats
from gonghui_desk.care.campaigns import HARDSHIP, register_criterion
from gonghui_desk.care.reminders import Reminder, register_kind
from gonghui_desk.hardship.files import NEXT_REVIEW_SQL, member_ids_with_open_file
from gonghui_desk.hardship.register import FileFilter, file_ids, file_rows
from gonghui_desk.history import HistoryEntry

CATEGORY = "帮扶"

register_criterion(HARDSHIP, member_ids_with_open_file)


def _what(file: dict) -> str:
    causes = "、".join(c for c in (file["main_cause"], file["secondary_cause"]) if c)
    details = "，".join(d for d in (file["category"], causes) if d)
    return f"（{details}）" if details else ""


@history.register
def hardship_history(db: sqlite_utils.Database, member_id: int) -> list[HistoryEntry]:
    entries = []
    files = list(db.query("SELECT * FROM hardship_files WHERE member_id = ? AND voided_at IS NULL ORDER BY id",
                          [member_id]))
    for file in files:
        verb = "重新建立困难职工档案" if file["previous_file_id"] else "建立困难职工档案"
        if file["status"] == "申请中":
            verb = "申请建立困难职工档案"
        who = f"，建档人：{file['opened_by']}" if file["opened_by"] else ""
        entries.append(HistoryEntry(file["opened_on"], CATEGORY, f"{verb}{_what(file)}{who}", "hardship_files",
                                    file["id"]))
        if file["closed_on"]:
            reason = f"：{file['close_reason']}" if file["close_reason"] else ""
            entries.append(HistoryEntry(file["closed_on"], CATEGORY, f"困难职工档案{file['status']}{reason}",
                                        "hardship_files", file["id"]))
    if files:
        ids = [f["id"] for f in files]
        for review in db.query(f"SELECT * FROM hardship_reviews WHERE file_id IN ({', '.join('?' * len(ids))}) "
                               "AND voided_at IS NULL ORDER BY review_date, id", ids):
            who = f"，复核人：{review['reviewer']}" if review["reviewer"] else ""
            entries.append(HistoryEntry(review["review_date"], CATEGORY,
                                        f"困难职工档案年度复核：{review['result']}{who}", "hardship_reviews",
                                        review["id"]))
    return entries


@stats.register
def hardship_figures(db: sqlite_utils.Database, today: dt.date) -> list[stats.Figure]:
    row = db.execute(
        f"""SELECT count(*), coalesce(sum({NEXT_REVIEW_SQL} < ?), 0) FROM hardship_files f
            WHERE f.status = '在档' AND f.voided_at IS NULL""", [today.isoformat()]).fetchone()
    hint = f"其中复核逾期{row[1]}户" if row[1] else ""
    return [stats.Figure("困难职工在档", row[0], "户", hint=hint)]


def review_due_reminders(db: sqlite_utils.Database, today: dt.date) -> list[Reminder]:
    """Files 在档 whose yearly review is overdue or due within register.DUE_SOON_DAYS, soonest first."""
    ids = file_ids(db, FileFilter(status=("在档",), review_due=True), order="next_review", descending=False,
                   today=today)
    rows = file_rows(db, ids, today=today)
    result = []
    for file_id in ids:
        row = rows[file_id]
        due = row["next_review_due"]
        text = (f"{row['member_name']}的困难职工档案应于{due}年度复核，已逾期" if row["review_overdue"]
                else f"{row['member_name']}的困难职工档案将于{due}到期复核")
        result.append(Reminder("hardship_review_due", row["member_id"], row["member_name"], due, text,
                               "open_member"))
    return result


register_kind("hardship_review_due", "困难职工档案待复核", review_due_reminders)
