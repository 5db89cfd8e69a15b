"""The aid ledger (帮扶台账) as a printable .xlsx, for the payments an :class:`AidFilter` picks.

The columns, the rows, the subtitle and the totals block are defined here once; the .xlsx export
and the printed ledger (:func:`gonghui_desk.printing.aid_print_table`) both use them. The totals
block counts as the reports do (DOMAIN.md §3): 人次 (rows), 户 (households) and 人 (beneficiaries)
apart, then the money by type and by fund source; applications not yet paid are noted, not counted.

ID numbers are always masked (a ledger does not need them in full, DOMAIN.md §7);
``mask_personal`` also shortens the students' names to "张某" and leaves out the notes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import sqlite_utils

from gonghui_desk.exporting.member_roster import SEQUENCE_COLUMN
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.hardship.aid_ledger import AidFilter, AidTotals, aid_totals, iter_aid
from gonghui_desk.idcard import mask_id_number
from gonghui_desk.jobs import IsCancelled, Progress
from gonghui_desk.money import yuan_text
from gonghui_desk.union import load_profile, sub_units

AID_TITLE = "帮扶台账"
MASKED_NOTE = "（学生姓名、备注已隐去）"
NO_SOURCE = "未填来源"

AID_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("member_name", "户主", 8),
    Column("sub_unit_path", "部门", 12),
    Column("file_category", "困难类别", 8),
    Column("aid_type", "帮扶类型", 10),
    Column("student_name", "受助学生", 8),
    Column("student_id_masked", "学生身份证号", 20, "id"),
    Column("school", "录取学校", 14),
    Column("admission_year", "入学年份", 8, "int"),
    Column("cash_fen", "帮扶金额(元)", 10, "money"),
    Column("goods_desc", "帮扶物资", 12),
    Column("goods_value_fen", "物资价值(元)", 10, "money"),
    Column("fund_source", "资金来源", 12),
    Column("stage", "阶段", 6),
    Column("applied_on", "申请日期", 11, "date"),
    Column("paid_on", "发放日期", 11, "date"),
    Column("publicized_on", "公示日期", 11, "date"),
    Column("signed_text", "签收", 7),
    Column("notes", "备注", 16),
)
# the printed ledger leaves out what does not fit an A4 landscape line
PRINT_KEYS = ("seq", "member_name", "sub_unit_path", "aid_type", "student_name", "school", "cash_fen", "goods_desc",
              "goods_value_fen", "fund_source", "stage", "paid_on", "publicized_on", "signed_text")
AID_PRINT_COLUMNS: tuple[Column, ...] = tuple(c for c in AID_COLUMNS if c.key in PRINT_KEYS)


def describe_aid_filter(db: sqlite_utils.Database, f: AidFilter) -> str:
    """The subtitle of an aid ledger: its period (on the payment date) and the filters in words."""
    if f.date_from and f.date_to:
        period = f"发放日期 {f.date_from} 至 {f.date_to}"
    elif f.date_from or f.date_to:
        period = f"发放日期 {f.date_from} 起" if f.date_from else f"发放日期至 {f.date_to}"
    else:
        period = "全部"
    parts = [f"期间：{period}"]
    if f.aid_types is not None:
        parts.append(f"帮扶类型：{'、'.join(f.aid_types)}")
    if f.fund_sources is not None:
        parts.append(f"资金来源：{'、'.join(s or NO_SOURCE for s in f.fund_sources)}")
    if f.stage:
        parts.append(f"阶段：{f.stage}")
    if f.sub_unit_ids is not None:
        chosen = set(f.sub_unit_ids)
        parts.append(f"部门：{'、'.join(u.path for u in sub_units(db) if u.id in chosen and u.parent_id not in chosen)}")
    if f.signed is not None:
        parts.append("已签收" if f.signed else "未签收")
    if f.search.strip():
        parts.append(f"关键词：{f.search.strip()}")
    return "；".join(parts)


def aid_subtitle(db: sqlite_utils.Database, f: AidFilter, *, mask_personal: bool = False) -> str:
    return describe_aid_filter(db, f) + (MASKED_NOTE if mask_personal else "")


def aid_totals_lines(totals: AidTotals) -> list[str]:
    """The totals block: 人次/户/人 and the money, then a line by type and a line by fund source."""
    line = (f"合计：发放 {totals.payments} 人次，涉及 {totals.households} 户 {totals.persons} 人，"
            f"金额 {yuan_text(totals.total_fen) or '0'} 元")
    if totals.goods_fen:
        line += f"（现金 {yuan_text(totals.cash_fen) or '0'} 元，物资折合 {yuan_text(totals.goods_fen)} 元）"
    lines = [line]
    if totals.by_type:
        lines.append("按帮扶类型：" + "；".join(f"{aid_type} {payments} 人次 {households} 户 {yuan_text(money) or '0'} 元"
                                           for aid_type, (payments, households, money) in totals.by_type.items()))
    if totals.by_source:
        lines.append("按资金来源：" + "；".join(f"{source or NO_SOURCE} {yuan_text(money) or '0'} 元"
                                           for source, money in totals.by_source.items()))
    if totals.pending:
        lines.append(f"注：另有未发放（申请或审核中）{totals.pending} 条，未计入上述人次和金额。")
    return lines


def aid_records(db: sqlite_utils.Database, f: AidFilter, *, mask_personal: bool = False, order: str = "paid_on",
                descending: bool = False) -> Iterator[dict]:
    """The ledger's rows in date order (or ``order``, one of ``hardship.aid_ledger.AID_SORTS``), keyed by
    the :data:`AID_COLUMNS` keys."""
    for seq, payment in enumerate(iter_aid(db, f, order=order, descending=descending), 1):
        student = payment["student_name"]
        if student and mask_personal:
            student = student[0] + "某"
        yield {
            **payment,
            "seq": seq,
            "student_name": student,
            "student_id_masked": mask_id_number(payment["student_id_number"]),
            "cash_fen": payment["cash_fen"] or None,
            "goods_value_fen": payment["goods_value_fen"] or None,
            "signed_text": ("已签收" if payment["signed"] else "未签收") if payment["stage"] == "发放" else "",
            "notes": "" if mask_personal else payment["notes"],
        }


def export_aid_ledger(db: sqlite_utils.Database, path: str | Path, f: AidFilter, *, mask_personal: bool = False,
                      prepared_by: str = "", progress: Progress | None = None,
                      is_cancelled: IsCancelled | None = None, today: dt.date | None = None) -> int:
    """Write the payments matching ``f`` to ``path`` in date order with the totals block; returns
    the number of rows."""
    totals = aid_totals(db, f)
    return write_table(
        path, title=AID_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=aid_subtitle(db, f, mask_personal=mask_personal),
        columns=AID_COLUMNS, rows=aid_records(db, f, mask_personal=mask_personal),
        total_lines=aid_totals_lines(totals), prepared_by=prepared_by, freeze_columns=2, progress=progress,
        is_cancelled=is_cancelled, total=totals.payments + totals.pending)


__all__ = ["AID_COLUMNS", "AID_PRINT_COLUMNS", "AID_TITLE", "aid_records", "aid_subtitle", "aid_totals_lines",
           "describe_aid_filter", "export_aid_ledger"]
