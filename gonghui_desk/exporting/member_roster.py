"""The member roster (会员花名册) as a printable .xlsx, in the column order of
:data:`gonghui_desk.members.ROSTER_COLUMNS`, so the file can be imported again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from gonghui_desk.db.member_queries import MemberFilter, count_members, iter_members
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.idcard import mask_id_number, mask_phone
from gonghui_desk.jobs import IsCancelled, Progress
from gonghui_desk.members import ROSTER_COLUMNS
from gonghui_desk.union import PATH_SEPARATOR, load_profile, sub_units

ROSTER_TITLE = "会员花名册"

_KINDS = {"id_number": "id", "phone": "id", "card_number": "id", "birth_date": "date", "join_date": "date",
          "work_start_date": "date", "status_date": "date", "female_retirement_age": "int"}
_WIDTHS = {"name": 10, "sex": 6, "ethnicity": 8, "id_number": 21, "birth_date": 12, "phone": 14,
           "sub_unit": 16, "union_group": 10, "position": 12, "professional_title": 12, "join_date": 12,
           "card_number": 15, "work_start_date": 13, "model_worker_type": 11, "female_retirement_age": 10,
           "status": 7, "status_date": 12, "notes": 24}

# The roster's columns with their spreadsheet kinds; the import template uses them too.
MEMBER_SHEET_COLUMNS: tuple[Column, ...] = tuple(
    Column(key, label, _WIDTHS.get(key, 10), _KINDS.get(key, "text")) for key, label in ROSTER_COLUMNS)
SEQUENCE_COLUMN = Column("seq", "序号", 6, "int")


def sub_unit_placements(db: sqlite_utils.Database) -> dict[int, tuple[str, str]]:
    """Sub-unit id -> (部门, 工会小组): a 工会小组 shows under its parent's path, any other
    unit is the 部门 itself with no group."""
    placements = {}
    for unit in sub_units(db):
        if unit.kind == "工会小组":
            parent_path = unit.path.rpartition(PATH_SEPARATOR)[0]
            placements[unit.id] = (parent_path, unit.name)
        else:
            placements[unit.id] = (unit.path, "")
    return placements


def describe_filter(db: sqlite_utils.Database, member_filter: MemberFilter) -> str:
    """The subtitle of a roster: which members it lists, in words."""
    status = member_filter.status
    parts = [f"状态：{'、'.join(status) if isinstance(status, tuple) else status or '全部'}"]
    if member_filter.voided:
        parts.append("已作废的记录")
    if member_filter.sub_unit_ids:
        chosen = set(member_filter.sub_unit_ids)
        tops = [u.path for u in sub_units(db) if u.id in chosen and u.parent_id not in chosen]
        parts.append(f"部门：{'、'.join(tops)}")
    if member_filter.sex:
        parts.append(f"性别：{member_filter.sex}")
    if member_filter.age_band:
        parts.append(f"年龄：{member_filter.age_band}")
    if member_filter.migrant is not None:
        parts.append("农民工" if member_filter.migrant else "非农民工")
    if member_filter.model_worker is not None:
        parts.append("劳模" if member_filter.model_worker else "非劳模")
    if member_filter.search.strip():
        parts.append(f"关键词：{member_filter.search.strip()}")
    return "范围：" + "；".join(parts)


def export_roster(db: sqlite_utils.Database, path: str | Path, member_filter: MemberFilter | None = None, *,
                  mask_personal: bool = False, prepared_by: str = "", progress: Progress | None = None,
                  is_cancelled: IsCancelled | None = None, today: dt.date | None = None) -> int:
    """Write the members matching ``member_filter`` (all live members by default), in the
    member list's order, to ``path``; returns the number of members written.

    ``mask_personal`` hides the middle of ID and phone numbers (DOMAIN.md §7) for copies
    that leave the office.
    """
    member_filter = member_filter or MemberFilter()
    today = today or dt.date.today()
    placements = sub_unit_placements(db)
    subtitle = describe_filter(db, member_filter)
    if mask_personal:
        subtitle += "（身份证号、手机号已部分隐去）"

    def rows():
        members = iter_members(db, member_filter, today=today)
        for seq, member in enumerate(members, 1):
            row = dict(member)
            row["seq"] = seq
            row["sub_unit"], row["union_group"] = placements.get(member["sub_unit_id"], ("", ""))
            row["is_migrant_worker"] = "是" if member["is_migrant_worker"] else "否"
            if mask_personal:
                row["id_number"] = mask_id_number(member["id_number"])
                row["phone"] = mask_phone(member["phone"])
            yield row

    return write_table(
        path, title=ROSTER_TITLE, union_name=load_profile(db).name, subtitle=subtitle, today=today,
        columns=(SEQUENCE_COLUMN, *MEMBER_SHEET_COLUMNS), rows=rows(), count_unit="人",
        prepared_by=prepared_by, freeze_columns=2, progress=progress, is_cancelled=is_cancelled,
        total=count_members(db, member_filter, today))
