"""Two member lists the upstream union asks for (DOMAIN.md §2.2, §5), as printable .xlsx files through
:func:`~gonghui_desk.exporting.xlsx.write_table`:

* 会员信息采集表 (:func:`export_member_info`): one row per member on the roll (在册 or 退休) on a day, with
  every field of the 工会会员登记表 — 姓名, 性别, 民族, 身份证号, 出生日期, 政治面貌, 学历, 手机号, 部门,
  工会小组, 职务/岗位, 职称, 用工形式, 户籍类型, 是否农民工, 入会日期, 会员证号, 参加工作日期, 婚姻状况,
  劳模类型, the status on that day and 备注. The roll is read from the status history
  (:func:`~gonghui_desk.reports.member_sections.status_on_day_sql`), as the summary report counts it, so
  a list for a past day lists the roll as it was then. Voided (mistaken) entries never appear.
* 新入会会员名单 (:func:`export_new_members`): the members whose 入会日期 falls in a period, whatever their
  status now (as the report's 新发展会员 counts them), by 入会日期.

Both are upstream registers: ID and phone numbers are written as text, masked (110101********1234) unless
``mask_personal=False`` asks for them in full (the caller records that with
:func:`gonghui_desk.privacy.record_unmask`). The rows are read from
the database in batches and streamed to the file, so 100,000 members are never held in memory. No Qt.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import sqlite_utils

from gonghui_desk.db.batches import iter_query
from gonghui_desk.exporting.member_roster import MEMBER_SHEET_COLUMNS, SEQUENCE_COLUMN, sub_unit_placements
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.jobs import IsCancelled, Progress
from gonghui_desk.privacy import mask_record
from gonghui_desk.reports.member_sections import status_on_day_sql
from gonghui_desk.union import load_profile

__all__ = ["MEMBER_INFO_COLUMNS", "MEMBER_INFO_TITLE", "NEW_MEMBER_COLUMNS", "NEW_MEMBERS_TITLE", "export_member_info",
           "export_new_members", "member_info_records", "new_member_records", "new_member_summary", "roll_summary"]

MEMBER_INFO_TITLE = "会员信息采集表"
NEW_MEMBERS_TITLE = "新入会会员名单"
ON_ROLL = ("在册", "退休")
MASKED_KEYS = ("id_number", "phone")
MASKED_NOTE = "（身份证号、手机号已部分隐去）"
STATUS_WORDS = {"在册": "在职", "退休": "退休"}  # how the collection form names the two states of the roll

_BY_KEY = {c.key: c for c in MEMBER_SHEET_COLUMNS}
_INFO_KEYS = ("name", "sex", "ethnicity", "id_number", "birth_date", "political_status", "education", "phone",
              "sub_unit", "union_group", "position", "professional_title", "employment_type", "household_type",
              "is_migrant_worker", "join_date", "card_number", "work_start_date", "marital_status",
              "model_worker_type")
MEMBER_INFO_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN, *(_BY_KEY[k] for k in _INFO_KEYS), Column("day_status", "会员状态", 8), _BY_KEY["notes"])

_NEW_KEYS = ("name", "sex", "ethnicity", "id_number", "birth_date", "political_status", "education", "phone",
             "sub_unit", "union_group", "position", "employment_type", "is_migrant_worker", "join_date",
             "card_number")
NEW_MEMBER_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN, *(_BY_KEY[k] for k in _NEW_KEYS), Column("status", "目前状态", 8), _BY_KEY["notes"])

_ROLL_SQL = f"""SELECT * FROM (SELECT m.*, {status_on_day_sql('m')} AS day_status FROM members m
                               WHERE m.voided_at IS NULL)
                WHERE day_status IN ('在册', '退休')"""
_NEW_SQL = "SELECT m.* FROM members m WHERE m.voided_at IS NULL AND m.join_date BETWEEN ? AND ?"


def _iso(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def _shaped(db: sqlite_utils.Database, rows: Iterator[dict]) -> Iterator[dict]:
    """Numbered rows with 部门 and 工会小组 from the sub-unit tree and 是否农民工 in words."""
    placements = sub_unit_placements(db)
    for seq, row in enumerate(rows, 1):
        row["seq"] = seq
        row["sub_unit"], row["union_group"] = placements.get(row["sub_unit_id"], ("", ""))
        row["is_migrant_worker"] = "是" if row["is_migrant_worker"] else "否"
        if "day_status" in row:
            row["day_status"] = STATUS_WORDS.get(row["day_status"], row["day_status"])
        yield row


def roll_summary(db: sqlite_utils.Database, day: dt.date | str) -> dict[str, int]:
    """The members on the roll on ``day``: total, working (在册), retired (退休), women, migrant (农民工)."""
    row = db.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE day_status = '在册'), count(*) FILTER (WHERE day_status = '退休'),
                   count(*) FILTER (WHERE sex = '女'), count(*) FILTER (WHERE is_migrant_worker = 1)
            FROM ({_ROLL_SQL})""", [_iso(day), _iso(day)]).fetchone()
    return dict(zip(("total", "working", "retired", "women", "migrant"), row))


def member_info_records(db: sqlite_utils.Database, day: dt.date | str) -> Iterator[dict]:
    """The members on the roll on ``day`` in name order, keyed by the :data:`MEMBER_INFO_COLUMNS` keys."""
    rows = iter_query(db, f"{_ROLL_SQL} ORDER BY name_sort, id", [_iso(day), _iso(day)])
    return _shaped(db, rows)


def _masked(rows: Iterator[dict], mask_personal: bool) -> Iterator[dict]:
    return (mask_record(row, MASKED_KEYS) for row in rows) if mask_personal else rows


def _subtitle(subtitle: str, mask_personal: bool) -> str:
    return subtitle + (MASKED_NOTE if mask_personal else "")


def export_member_info(db: sqlite_utils.Database, path: str | Path, day: dt.date | str, *, subtitle: str = "",
                       mask_personal: bool = True, prepared_by: str = "", today: dt.date | None = None,
                       progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> int:
    """Write the 会员信息采集表 of the roll on ``day`` to ``path``; returns the number of members. ID and phone
    numbers are masked unless ``mask_personal`` is False."""
    counts = roll_summary(db, day)
    lines = [f"合计：共 {counts['total']} 人，其中在职 {counts['working']} 人、退休 {counts['retired']} 人；"
             f"女会员 {counts['women']} 人，农民工会员 {counts['migrant']} 人"]
    return write_table(
        path, title=MEMBER_INFO_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=_subtitle(subtitle or f"截至 {_iso(day)} 在册（含退休）会员", mask_personal),
        columns=MEMBER_INFO_COLUMNS, rows=_masked(member_info_records(db, day), mask_personal), total_lines=lines,
        prepared_by=prepared_by, freeze_columns=2,
        progress=progress, is_cancelled=is_cancelled, total=counts["total"])


def new_member_summary(db: sqlite_utils.Database, date_from: dt.date | str, date_to: dt.date | str) -> dict[str, int]:
    """The members who joined in the period: total, women, migrant (农民工), and those still on the roll now."""
    row = db.execute(
        """SELECT count(*), count(*) FILTER (WHERE m.sex = '女'), count(*) FILTER (WHERE m.is_migrant_worker = 1),
                   count(*) FILTER (WHERE m.status IN ('在册', '退休'))
            FROM members m WHERE m.voided_at IS NULL AND m.join_date BETWEEN ? AND ?""",
        [_iso(date_from), _iso(date_to)]).fetchone()
    return dict(zip(("total", "women", "migrant", "on_roll"), row))


def new_member_records(db: sqlite_utils.Database, date_from: dt.date | str, date_to: dt.date | str) -> Iterator[dict]:
    """The members whose 入会日期 is in the period, by 入会日期 then name, keyed by :data:`NEW_MEMBER_COLUMNS`."""
    rows = iter_query(db, f"{_NEW_SQL} ORDER BY m.join_date, m.name_sort, m.id", [_iso(date_from), _iso(date_to)])
    return _shaped(db, rows)


def export_new_members(db: sqlite_utils.Database, path: str | Path, date_from: dt.date | str, date_to: dt.date | str,
                       *, subtitle: str = "", mask_personal: bool = True, prepared_by: str = "",
                       today: dt.date | None = None, progress: Progress | None = None,
                       is_cancelled: IsCancelled | None = None) -> int:
    """Write the 新入会会员名单 of the period to ``path``; returns the number of members. ID and phone numbers are
    masked unless ``mask_personal`` is False."""
    counts = new_member_summary(db, date_from, date_to)
    line = f"合计：新入会会员 {counts['total']} 人，其中女会员 {counts['women']} 人，农民工会员 {counts['migrant']} 人"
    if counts["on_roll"] < counts["total"]:
        line += f"；其中 {counts['total'] - counts['on_roll']} 人现已转出、退会或去世（仍列入本期新入会）"
    return write_table(
        path, title=NEW_MEMBERS_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=_subtitle(subtitle or f"入会日期：{_iso(date_from)} 至 {_iso(date_to)}", mask_personal),
        columns=NEW_MEMBER_COLUMNS, rows=_masked(new_member_records(db, date_from, date_to), mask_personal),
        total_lines=[line], prepared_by=prepared_by,
        freeze_columns=2, progress=progress, is_cancelled=is_cancelled, total=counts["total"])
