"""The register of hardship files (困难职工档案名册 / 困难职工花名册) as a printable .xlsx, for the
files a :class:`~gonghui_desk.hardship.register.FileFilter` picks.

The columns, the rows, the subtitle and the totals block are defined here once; the .xlsx export
and the printed register (:func:`gonghui_desk.printing.hardship_register_print_table`) both use
them. One row is one household (户); the totals block counts 户, 人 (the sum of 家庭人口), both
by 困难类别 and by 主要致困原因, and the files 在档 whose yearly review is overdue.

Rows are read from the database a chunk at a time (:func:`~gonghui_desk.hardship.register.iter_file_rows`)
and streamed to the writer, so a register of tens of thousands of files is never held in memory.

ID and phone numbers are masked by default (110101********1234, 138****5678; DOMAIN.md §7);
``mask_personal=False`` writes them in full, for the upstream union's own register.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import sqlite_utils

from gonghui_desk.exporting.member_roster import SEQUENCE_COLUMN
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.hardship.register import DUE_SOON_DAYS, FileFilter, RegisterTotals, iter_file_rows, register_totals
from gonghui_desk.idcard import mask_id_number, mask_phone
from gonghui_desk.jobs import IsCancelled, Progress
from gonghui_desk.union import load_profile, sub_units

REGISTER_TITLE = "困难职工档案名册"
MASKED_NOTE = "（身份证号、联系电话已隐去中间部分）"
NOT_GIVEN = "未填"
YES, NO = "是", "否"

REGISTER_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("member_name", "户主", 9),
    Column("member_sex", "性别", 5),
    Column("id_number", "身份证号", 21, "id"),
    Column("sub_unit_path", "部门", 16),
    Column("category", "困难类别", 10),
    Column("level", "建档标准", 9),
    Column("main_cause", "主要致困原因", 11),
    Column("secondary_cause", "次要致困原因", 11),
    Column("household_size", "家庭人口", 7, "int"),
    Column("household_annual_income_fen", "家庭年总收入(元)", 13, "money"),
    Column("monthly_income_per_person_fen", "家庭月人均收入(元)", 13, "money"),
    Column("health", "健康状况", 10),
    Column("housing_type", "住房类型", 10),
    Column("single_parent_text", "是否单亲", 7),
    Column("zero_employment_text", "是否零就业", 8),
    Column("phone", "联系电话", 14, "id"),
    Column("opened_on", "建档日期", 11, "date"),
    Column("last_review_date", "上次复核", 11, "date"),
    Column("next_review_due", "下次复核", 11, "date"),
    Column("status", "档案状态", 8),
    Column("closed_on", "脱困/注销日期", 12, "date"),
    Column("notes", "备注", 30),
)
# The printed register: what fits an A4 landscape line at 9 pt without wrapping a data cell
# (headers may take two lines). The widths are the print's weights; 主要致困原因 is printed as
# "致困原因" (the register page's name for its filter), to keep its header on one line.
_PRINT_LABELS = {"main_cause": "致困原因"}
_PRINT_WIDTHS = {"seq": 4, "member_name": 7, "member_sex": 4, "id_number": 15, "sub_unit_path": 10,
                 "category": 9, "level": 7, "main_cause": 8, "household_size": 5,
                 "monthly_income_per_person_fen": 8, "health": 8, "phone": 10, "opened_on": 9,
                 "next_review_due": 9, "status": 7}
REGISTER_PRINT_COLUMNS: tuple[Column, ...] = tuple(
    Column(c.key, _PRINT_LABELS.get(c.key, c.label), _PRINT_WIDTHS[c.key], c.kind)
    for c in REGISTER_COLUMNS if c.key in _PRINT_WIDTHS)


def describe_file_filter(db: sqlite_utils.Database, f: FileFilter) -> str:
    """The subtitle of a register: which files it lists, in words."""
    status = "、".join(f.status) if f.status else ("全部" if f.status is None else "无")
    parts = [f"档案状态：{status}"]
    for label, value in (("困难类别", f.category), ("主要致困原因", f.main_cause), ("建档标准", f.level)):
        if value:
            parts.append(f"{label}：{value}")
    if f.sub_unit_ids is not None:
        chosen = set(f.sub_unit_ids)
        parts.append(f"部门：{'、'.join(u.path for u in sub_units(db) if u.id in chosen and u.parent_id not in chosen)}")
    if f.search.strip():
        parts.append(f"户主：{f.search.strip()}")
    if f.review_due is True:
        parts.append(f"年度复核已逾期或{DUE_SOON_DAYS}天内到期")
    elif f.review_due is False:
        parts.append(f"年度复核未逾期且{DUE_SOON_DAYS}天内不到期")
    return "范围：" + "；".join(parts)


def register_subtitle(db: sqlite_utils.Database, f: FileFilter, *, mask_personal: bool = True) -> str:
    return describe_file_filter(db, f) + (MASKED_NOTE if mask_personal else "")


def _groups_text(groups: dict[str, tuple[int, int]]) -> str:
    return "；".join(f"{key or NOT_GIVEN} {households} 户 {persons} 人" for key, (households, persons) in groups.items())


def register_totals_lines(totals: RegisterTotals) -> list[str]:
    """The totals block: 户 and 人, by category, by main cause, and the overdue reviews."""
    lines = [f"合计：共 {totals.households} 户 {totals.persons} 人（人数为家庭人口之和）"]
    if totals.by_category:
        lines.append("按困难类别：" + _groups_text(totals.by_category))
    if totals.by_cause:
        lines.append("按主要致困原因：" + _groups_text(totals.by_cause))
    lines.append(f"年度复核逾期：{totals.review_overdue} 户")
    return lines


def register_records(db: sqlite_utils.Database, f: FileFilter, *, mask_personal: bool = True,
                     today: dt.date | None = None, order: str = "opened_on",
                     descending: bool = False) -> Iterator[dict]:
    """The register's rows (oldest file first unless ``order`` says otherwise), keyed by the
    :data:`REGISTER_COLUMNS` keys, read from the database a chunk at a time."""
    mask_id = mask_id_number if mask_personal else (lambda number: number or "")
    mask_tel = mask_phone if mask_personal else (lambda number: number or "")
    for seq, row in enumerate(iter_file_rows(db, f, order=order, descending=descending, today=today), 1):
        row["seq"] = seq
        row["id_number"] = mask_id(row["member_id_number"])
        row["phone"] = mask_tel(row["member_phone"])
        row["single_parent_text"] = YES if row["single_parent"] else NO
        row["zero_employment_text"] = YES if row["zero_employment"] else NO
        yield row


def export_hardship_register(db: sqlite_utils.Database, path: str | Path, f: FileFilter, *,
                             mask_personal: bool = True, prepared_by: str = "", today: dt.date | None = None,
                             progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                             order: str = "opened_on", descending: bool = False) -> int:
    """Write the files matching ``f`` to ``path`` with the totals block; returns the number of rows."""
    today = today or dt.date.today()
    totals = register_totals(db, f, today=today)
    return write_table(
        path, title=REGISTER_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=register_subtitle(db, f, mask_personal=mask_personal), columns=REGISTER_COLUMNS,
        rows=register_records(db, f, mask_personal=mask_personal, today=today, order=order, descending=descending),
        total_lines=register_totals_lines(totals), prepared_by=prepared_by, freeze_columns=2, progress=progress,
        is_cancelled=is_cancelled, total=totals.households)


__all__ = ["REGISTER_COLUMNS", "REGISTER_PRINT_COLUMNS", "REGISTER_TITLE", "describe_file_filter",
           "export_hardship_register", "register_records", "register_subtitle", "register_totals_lines"]
