"""The list of honours (荣誉名单) as a printable .xlsx and as a printed table, for the honours an
:class:`~gonghui_desk.honours.register.HonourFilter` picks, by level, highest first.

The columns, the rows, the subtitle and the totals block are defined here once; the .xlsx export
(:func:`export_honours`) and the printed list (:func:`honours_print_table`, a
:class:`~gonghui_desk.printing.PrintTable`) both use them. The totals count 项 by level, then
个人 (项 and 人), 集体 (项 and 个) and the union's own, and the honours still 推荐 or 申报.
A list of honours holds no ID or phone numbers, so nothing needs masking.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import sqlite_utils

from gonghui_desk.exporting.member_roster import SEQUENCE_COLUMN
from gonghui_desk.exporting.xlsx import Column, signature_line, write_table
from gonghui_desk.honours.register import (HonourFilter, HonourTotals, honour_totals, iter_honour_rows,
                                           totals_text)
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel
from gonghui_desk.union import load_profile

HONOURS_TITLE = "荣誉名单"
PROGRESS_EVERY = 1000

HONOUR_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("title", "荣誉称号", 22),
    Column("level", "级别", 9),
    Column("recipient_name", "获得者", 18),
    Column("recipient_kind", "类型", 6),
    Column("sub_unit_path", "部门", 16),
    Column("conferred_by", "授予单位", 18),
    Column("year", "年度", 7, "int"),
    Column("conferred_on", "日期", 11, "date"),
    Column("stage", "阶段", 6),
    Column("notes", "备注", 24),
)
# The printed list: the same columns, weighted to fit an A4 landscape line at 10 pt (a union's full
# name, about 12 characters, on one line as 获得者 or 授予单位).
_PRINT_WIDTHS = {"seq": 4, "title": 14, "level": 6, "recipient_name": 20, "recipient_kind": 4, "sub_unit_path": 8,
                 "conferred_by": 20, "year": 5, "conferred_on": 9, "stage": 4, "notes": 10}
HONOUR_PRINT_COLUMNS: tuple[Column, ...] = tuple(Column(c.key, c.label, _PRINT_WIDTHS[c.key], c.kind)
                                                 for c in HONOUR_COLUMNS)


ORDER_WORDS = {"level": ("按级别从高到低排列", "按级别从低到高排列"), "year": ("按年度排列", "按年度从近到远排列"),
               "title": ("按荣誉称号排列", "按荣誉称号倒序排列"), "recipient": ("按获得者排列", "按获得者倒序排列"),
               "stage": ("按阶段排列", "按阶段倒序排列")}


def describe_honour_filter(f: HonourFilter, order: str = "level", descending: bool = False) -> str:
    """The subtitle: the years, the filters and the order in words."""
    if f.year_from and f.year_to:
        years = f"{f.year_from}年" if f.year_from == f.year_to else f"{f.year_from}—{f.year_to}年"
    elif f.year_from or f.year_to:
        years = f"{f.year_from}年起" if f.year_from else f"至{f.year_to}年"
    else:
        years = "全部年度"
    parts = [f"年度：{years}"]
    for label, value in (("级别", f.level), ("阶段", f.stage), ("类型", f.recipient_kind)):
        if value:
            parts.append(f"{label}：{value}")
    if f.search.strip():
        parts.append(f"关键词：{f.search.strip()}")
    return "；".join(parts) + f"（{ORDER_WORDS.get(order, ORDER_WORDS['level'])[bool(descending)]}）"


def honours_totals_lines(totals: HonourTotals) -> list[str]:
    return [f"合计：{totals_text(totals)}"]


def honour_records(db: sqlite_utils.Database, f: HonourFilter, *, order: str = "level", descending: bool = False,
                   progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                   total: int = 0) -> Iterator[dict]:
    """The list's rows in order, keyed by the :data:`HONOUR_COLUMNS` keys; every 1000 rows the
    progress is reported and a cancel is checked for."""
    check_cancel(is_cancelled)
    for seq, honour in enumerate(iter_honour_rows(db, f, order=order, descending=descending), 1):
        yield {**honour, "seq": seq}
        if seq % PROGRESS_EVERY == 0:
            check_cancel(is_cancelled)
            if progress:
                progress(seq, total, f"已读取 {seq} 项")


def export_honours(db: sqlite_utils.Database, path: str | Path, f: HonourFilter, *, prepared_by: str = "",
                   order: str = "level", descending: bool = False, progress: Progress | None = None,
                   is_cancelled: IsCancelled | None = None, today: dt.date | None = None) -> int:
    """Write the honours matching ``f`` to ``path`` with the totals block; returns the number of rows."""
    totals = honour_totals(db, f)
    return write_table(
        path, title=HONOURS_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=describe_honour_filter(f, order, descending), columns=HONOUR_COLUMNS,
        rows=honour_records(db, f, order=order, descending=descending), total_lines=honours_totals_lines(totals),
        prepared_by=prepared_by, freeze_columns=2, progress=progress, is_cancelled=is_cancelled,
        total=totals.honours)


def honours_print_table(db: sqlite_utils.Database, f: HonourFilter, *, prepared_by: str = "",
                        today: dt.date | None = None, order: str = "level", descending: bool = False,
                        progress: Progress | None = None, is_cancelled: IsCancelled | None = None):
    """The printed 荣誉名单: A4 landscape, the .xlsx export's columns, and its totals block."""
    from gonghui_desk.printing import table_from_columns

    totals = honour_totals(db, f)
    records = honour_records(db, f, order=order, descending=descending, progress=progress,
                             is_cancelled=is_cancelled, total=totals.honours)
    return table_from_columns(
        HONOUR_PRINT_COLUMNS, records, title=HONOURS_TITLE, subtitle_lines=[describe_honour_filter(f, order, descending)],
        union_name=load_profile(db).name, date_text=f"制表日期：{(today or dt.date.today()).isoformat()}",
        total_lines=honours_totals_lines(totals), footer_line=signature_line(prepared_by), landscape=True,
        font_size_pt=10)


__all__ = ["HONOURS_TITLE", "HONOUR_COLUMNS", "HONOUR_PRINT_COLUMNS", "describe_honour_filter", "export_honours",
           "honour_records", "honours_print_table", "honours_totals_lines"]
