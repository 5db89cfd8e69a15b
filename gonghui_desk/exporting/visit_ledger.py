"""The care ledger (慰问台账) as a printable .xlsx, for the visits a :class:`LedgerFilter` picks.

The columns, the rows, the subtitle and the totals line are defined here once; the .xlsx
export and the printed ledger (:func:`gonghui_desk.printing.ledger_print_table`) both use them.
The file can be imported again (:mod:`gonghui_desk.importing.visit_import`): its headers are
known column names, and a re-import adds nothing because every row is already recorded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import sqlite_utils

from gonghui_desk.care.campaigns import get_campaign
from gonghui_desk.care.ledger import LedgerFilter, LedgerTotals, iter_ledger, ledger_totals
from gonghui_desk.care.occasions import list_occasions
from gonghui_desk.exporting.member_roster import SEQUENCE_COLUMN
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.jobs import IsCancelled, Progress
from gonghui_desk.money import yuan_text
from gonghui_desk.union import load_profile, sub_units

LEDGER_TITLE = "慰问台账"
PENDING_TEXT = "待走访"  # in the 走访日期 column of an event not yet visited
MASKED_NOTE = "（亲属姓名、备注已隐去）"

LEDGER_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("member_name", "姓名", 8),
    Column("sub_unit_path", "部门", 12),
    Column("occasion_name", "慰问类别", 11),
    Column("recipient", "慰问对象", 12),
    Column("event_date", "事由日期", 12, "date"),
    Column("visit_date", "走访日期", 12, "date"),
    Column("visitors", "走访人员", 16),
    Column("cash_fen", "慰问金(元)", 10, "money"),
    Column("goods_desc", "慰问品", 12),
    Column("goods_value_fen", "慰问品价值(元)", 10, "money"),
    Column("payment_form", "发放形式", 8),
    Column("fund_source", "经费来源", 14),
    Column("signed_text", "签收", 8),
    Column("notes", "备注", 18),
)


def describe_ledger_filter(db: sqlite_utils.Database, f: LedgerFilter) -> str:
    """The subtitle of a ledger: its period and the filters in words."""
    if f.date_from and f.date_to:
        period = f"{f.date_from} 至 {f.date_to}"
    elif f.date_from or f.date_to:
        period = f"{f.date_from} 起" if f.date_from else f"至 {f.date_to}"
    else:
        period = "全部"
    parts = [f"期间：{period}"]
    if f.occasion_ids is not None:
        chosen = set(f.occasion_ids)
        parts.append(f"慰问类别：{'、'.join(o.name for o in list_occasions(db, include_voided=True) if o.id in chosen)}")
    if f.sub_unit_ids is not None:
        chosen = set(f.sub_unit_ids)
        parts.append(f"部门：{'、'.join(u.path for u in sub_units(db) if u.id in chosen and u.parent_id not in chosen)}")
    if f.fund_source:
        parts.append(f"经费来源：{f.fund_source}")
    if f.campaign_id is not None:
        campaign = get_campaign(db, f.campaign_id)
        parts.append(f"批次：{campaign['name'] if campaign else f.campaign_id}")
    if f.pending is not None:
        parts.append(f"仅{PENDING_TEXT}" if f.pending else "仅已走访")
    if f.signed is not None:
        parts.append("已签收" if f.signed else "未签收")
    if f.search.strip():
        parts.append(f"关键词：{f.search.strip()}")
    return "；".join(parts)


def ledger_subtitle(db: sqlite_utils.Database, f: LedgerFilter, *, mask_personal: bool = False) -> str:
    return describe_ledger_filter(db, f) + (MASKED_NOTE if mask_personal else "")


def totals_lines(totals: LedgerTotals) -> list[str]:
    """"合计：走访慰问 12 人次（9 人），慰问金 6,000 元，慰问品折合 800 元", and the pending events."""
    line = f"合计：走访慰问 {totals.visits} 人次（{totals.persons} 人），慰问金 {yuan_text(totals.cash_fen)} 元"
    if totals.goods_fen:
        line += f"，慰问品折合 {yuan_text(totals.goods_fen)} 元，共计 {yuan_text(totals.total_fen)} 元"
    lines = [line]
    if totals.pending:
        lines.append(f"注：另有{PENDING_TEXT} {totals.pending} 人次，未计入上述人次和金额。")
    return lines


def ledger_records(db: sqlite_utils.Database, f: LedgerFilter, *, mask_personal: bool = False,
                   order: str = "visit_date", descending: bool = False) -> Iterator[dict]:
    """The ledger's rows in date order (or ``order``, one of ``care.ledger.LEDGER_SORTS``), keyed by the
    :data:`LEDGER_COLUMNS` keys."""
    for seq, visit in enumerate(iter_ledger(db, f, order=order, descending=descending), 1):
        relative = visit["recipient_name"]
        if relative and mask_personal:
            relative = relative[0] + "某"
        yield {
            **visit,
            "seq": seq,
            "recipient": f"{visit['recipient_relation']}（{relative}）" if relative else visit["recipient_relation"],
            "visit_date": visit["visit_date"] or PENDING_TEXT,
            "cash_fen": visit["cash_fen"] or None,
            "goods_value_fen": visit["goods_value_fen"] or None,
            "signed_text": "已签收" if visit["signed"] else "未签收",
            "notes": "" if mask_personal else visit["notes"],
        }


def export_visit_ledger(db: sqlite_utils.Database, path: str | Path, f: LedgerFilter, *,
                        mask_personal: bool = False, prepared_by: str = "", progress: Progress | None = None,
                        is_cancelled: IsCancelled | None = None, today: dt.date | None = None) -> int:
    """Write the visits matching ``f`` to ``path`` in date order; returns the number of rows.

    ``mask_personal`` shortens relatives' names to "张某" and leaves out the notes (which often
    name an illness) for copies that leave the office (DOMAIN.md §7).
    """
    totals = ledger_totals(db, f)
    return write_table(
        path, title=LEDGER_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=ledger_subtitle(db, f, mask_personal=mask_personal),
        columns=LEDGER_COLUMNS, rows=ledger_records(db, f, mask_personal=mask_personal),
        total_lines=totals_lines(totals), prepared_by=prepared_by, freeze_columns=2, progress=progress,
        is_cancelled=is_cancelled, total=totals.visits + totals.pending)
