"""The 金秋助学资助名单 (DOMAIN.md §2.5, §5): the students funded by 金秋助学 in a period, as a printable .xlsx
through :func:`~gonghui_desk.exporting.xlsx.write_table`.

One row per payment of the type :data:`~gonghui_desk.hardship.aid.STUDENT_AID` paid (发放) in the period, by its
payment date, read from the aid ledger (:func:`~gonghui_desk.hardship.aid_ledger.iter_aid`) in batches:
the student, the school admitted to, 入学年份 and 学制, the amount (cash plus goods at their value), the parent
(the member whose hardship file the student is on) with the parent's 部门 and 困难类别, the fund source, the
payment date and whether it was signed for. Applications still being approved and voided payments are left
out. The totals are the aid ledger's (:func:`~gonghui_desk.hardship.aid_ledger.aid_totals`): students (人,
by ID number), payments (人次), households (户) and the money. No ID numbers and no notes are written: the
list is what the upstream union and the public notice (公示) need. No Qt.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import sqlite_utils

from gonghui_desk.exporting.member_roster import SEQUENCE_COLUMN
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.hardship.aid import STUDENT_AID
from gonghui_desk.hardship.aid_ledger import AidFilter, AidTotals, aid_totals, iter_aid
from gonghui_desk.jobs import IsCancelled, Progress
from gonghui_desk.money import yuan_text
from gonghui_desk.union import load_profile

__all__ = ["GOLDEN_AUTUMN_COLUMNS", "GOLDEN_AUTUMN_TITLE", "export_golden_autumn", "golden_autumn_filter",
           "golden_autumn_lines", "golden_autumn_records"]

GOLDEN_AUTUMN_TITLE = "金秋助学资助名单"

GOLDEN_AUTUMN_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("student_name", "学生姓名", 9),
    Column("school", "录取学校", 20),
    Column("admission_year", "入学年份", 8, "int"),
    Column("schooling_years", "学制(年)", 7, "int"),
    Column("total_fen", "资助金额(元)", 12, "money"),
    Column("member_name", "家长(会员)", 9),
    Column("sub_unit_path", "部门", 14),
    Column("file_category", "困难类别", 9),
    Column("fund_source", "资金来源", 12),
    Column("paid_on", "发放日期", 11, "date"),
    Column("signed_text", "签收", 7),
)


def _iso(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def golden_autumn_filter(date_from: dt.date | str, date_to: dt.date | str) -> AidFilter:
    """The aid ledger's filter of the 金秋助学 payments paid in the period."""
    return AidFilter(date_from=_iso(date_from), date_to=_iso(date_to), aid_types=(STUDENT_AID,), stage="发放")


def golden_autumn_records(db: sqlite_utils.Database, date_from: dt.date | str, date_to: dt.date | str
                          ) -> Iterator[dict]:
    """The list's rows by payment date, keyed by the :data:`GOLDEN_AUTUMN_COLUMNS` keys."""
    for seq, payment in enumerate(iter_aid(db, golden_autumn_filter(date_from, date_to), order="paid_on"), 1):
        yield {**payment, "seq": seq, "signed_text": "已签收" if payment["signed"] else "未签收"}


def golden_autumn_lines(totals: AidTotals, pending: int = 0) -> list[str]:
    lines = [f"合计：资助学生 {totals.persons} 名（{totals.payments} 人次），涉及困难职工家庭 {totals.households} 户，"
             f"资助金额 {yuan_text(totals.total_fen) or '0'} 元"]
    if pending:
        lines.append(f"注：另有申请或审核中的金秋助学 {pending} 条，未列入本表。")
    return lines


def export_golden_autumn(db: sqlite_utils.Database, path: str | Path, date_from: dt.date | str,
                         date_to: dt.date | str, *, subtitle: str = "", prepared_by: str = "",
                         today: dt.date | None = None, progress: Progress | None = None,
                         is_cancelled: IsCancelled | None = None) -> int:
    """Write the 金秋助学资助名单 of the period to ``path``; returns the number of rows (人次)."""
    totals = aid_totals(db, golden_autumn_filter(date_from, date_to))
    # applications of the period not yet paid: by their application date
    pending = db.execute("SELECT count(*) FROM aid_payments WHERE voided_at IS NULL AND aid_type = ? "
                         "AND stage <> '发放' AND applied_on BETWEEN ? AND ?",
                         [STUDENT_AID, _iso(date_from), _iso(date_to)]).fetchone()[0]
    return write_table(
        path, title=GOLDEN_AUTUMN_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=subtitle or f"发放日期：{_iso(date_from)} 至 {_iso(date_to)}", columns=GOLDEN_AUTUMN_COLUMNS,
        rows=golden_autumn_records(db, date_from, date_to), total_lines=golden_autumn_lines(totals, pending),
        prepared_by=prepared_by, freeze_columns=2, progress=progress, is_cancelled=is_cancelled,
        total=totals.payments)
