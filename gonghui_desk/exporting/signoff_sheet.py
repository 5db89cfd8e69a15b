"""A campaign's sign-off sheet (发放签收表) as a printable .xlsx: A4 portrait, the header row
repeated on every page, a wide blank 签字 column and rows tall enough to sign in.

The columns and the subtitle are defined here once; the printed sheet
(:func:`gonghui_desk.printing.signoff_print_table`) uses them too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from gonghui_desk.care.campaigns import SignoffSheet, signoff_sheet
from gonghui_desk.exporting.member_roster import SEQUENCE_COLUMN
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.jobs import IsCancelled, Progress

SIGNOFF_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("name", "姓名", 9),
    Column("sub_unit", "部门", 13),
    Column("amount_text", "金额/物品", 32),
    Column("signature", "签字", 22),  # left blank for a pen
    Column("signed_on", "日期", 11),  # left blank for a pen
)
SIGNOFF_ROW_HEIGHT_MM = 12  # room for a handwritten name, on paper and in the .xlsx
POINTS_PER_MM = 72 / 25.4


def signoff_subtitle(sheet: SignoffSheet) -> str:
    parts = [f"慰问批次：{sheet.campaign_name}", f"慰问类别：{sheet.occasion_name}", f"发放日期：{sheet.campaign_date}"]
    if sheet.fund_source:
        parts.append(f"经费来源：{sheet.fund_source}")
    return "　".join(parts)


def export_signoff_sheet(db: sqlite_utils.Database, campaign_id: int, path: str | Path, *, prepared_by: str = "",
                         progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                         today: dt.date | None = None) -> int:
    """Write the sign-off sheet of ``campaign_id`` to ``path``; returns the number of recipients."""
    sheet = signoff_sheet(db, campaign_id)
    return write_table(
        path, title=sheet.title, union_name=sheet.union_name, subtitle=signoff_subtitle(sheet), today=today,
        columns=SIGNOFF_COLUMNS, rows=sheet.rows, total_lines=[sheet.total_text], landscape=False,
        prepared_by=prepared_by or sheet.prepared_by, row_height=round(SIGNOFF_ROW_HEIGHT_MM * POINTS_PER_MM),
        progress=progress, is_cancelled=is_cancelled, total=len(sheet.rows))
