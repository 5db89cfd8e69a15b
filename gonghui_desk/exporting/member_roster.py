"""The member roster (会员花名册) as a printable .xlsx, in the column order of
:data:`gonghui_desk.members.ROSTER_COLUMNS`, so the file can be imported again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import sqlite_utils

from gonghui_desk.dates import age_on, parse_date
from gonghui_desk.db.member_queries import MemberFilter, count_members, iter_members, member_ids, member_rows
from gonghui_desk.exporting.xlsx import PROGRESS_EVERY, Column, signature_line, write_table
from gonghui_desk.idcard import mask_id_number, mask_phone
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel
from gonghui_desk.members import ROSTER_COLUMNS
from gonghui_desk.union import PATH_SEPARATOR, load_profile, sub_unit_paths, sub_units

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
ROSTER_SHEET_COLUMNS: tuple[Column, ...] = (SEQUENCE_COLUMN, *MEMBER_SHEET_COLUMNS)  # the exported roster's columns


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
                  mask_personal: bool = True, prepared_by: str = "", progress: Progress | None = None,
                  is_cancelled: IsCancelled | None = None, today: dt.date | None = None) -> int:
    """Write the members matching ``member_filter`` (all live members by default), in the
    member list's order, to ``path``; returns the number of members written.

    ID and phone numbers are masked (DOMAIN.md §7) unless ``mask_personal`` is False: the user asked
    for them in full for this output, and the caller records that
    (:func:`gonghui_desk.privacy.record_unmask`). Only a roster with full numbers imports again as it is.
    """
    member_filter = member_filter or MemberFilter()
    today = today or dt.date.today()
    subtitle = describe_filter(db, member_filter)
    if mask_personal:
        subtitle += "（身份证号、手机号已部分隐去）"
    return write_table(
        path, title=ROSTER_TITLE, union_name=load_profile(db).name, subtitle=subtitle, today=today,
        columns=ROSTER_SHEET_COLUMNS, rows=roster_records(db, member_filter, mask_personal=mask_personal, today=today),
        count_unit="人", prepared_by=prepared_by, freeze_columns=2, progress=progress, is_cancelled=is_cancelled,
        total=count_members(db, member_filter, today))


def roster_records(db: sqlite_utils.Database, member_filter: MemberFilter, *, mask_personal: bool = True,
                   today: dt.date | None = None):
    """The roster's rows, one dict per member in the member list's order, keyed by the columns of
    :data:`ROSTER_SHEET_COLUMNS`: numbered, placed in 部门/工会小组, 是否农民工 as 是/否, ID and phone numbers masked
    unless ``mask_personal`` is False. One query, read in batches."""
    placements = sub_unit_placements(db)
    no_place = ("", "")
    for seq, row in enumerate(iter_members(db, member_filter, today=today), 1):
        row["seq"] = seq  # each row is a fresh dict of its own
        row["sub_unit"], row["union_group"] = placements.get(row["sub_unit_id"], no_place)
        row["is_migrant_worker"] = "是" if row["is_migrant_worker"] else "否"
        if mask_personal:
            row["id_number"] = mask_id_number(row["id_number"])
            row["phone"] = mask_phone(row["phone"])
        yield row


# --- the member list on paper ------------------------------------------------------------------------
# The columns of the 会员 page's list (gonghui_desk.ui.member_model.MEMBER_COLUMNS), their texts
# worked out as the list shows them (:func:`list_cell_text`), in A4 landscape.
LIST_COLUMN_KEYS = ("name", "sex", "age", "sub_unit", "id_number", "phone", "political_status", "employment_type",
                    "join_date", "status")
_LIST_LABELS = {**dict(ROSTER_COLUMNS), "age": "年龄"}
_LIST_WIDTHS = {"name": 8, "sex": 4.5, "age": 4.5, "sub_unit": 17, "id_number": 17, "phone": 11.5,
                "political_status": 11, "employment_type": 8, "join_date": 10, "status": 6}
_LIST_KINDS = {"age": "int", "join_date": "date"}
_LIST_CENTERED = ("sex", "status")
LIST_PRINT_COLUMNS: dict[str, Column] = {
    key: Column(key, _LIST_LABELS[key], _LIST_WIDTHS[key], _LIST_KINDS.get(key, "text")) for key in LIST_COLUMN_KEYS}
_ORDER_LABELS = {**_LIST_LABELS, "name": "姓名拼音"}


def list_cell_text(row: dict, key: str, *, paths: dict[int, str], today: dt.date, masked: bool) -> str:
    """A member's text in a column of the member list, as the list shows it: the age on ``today``,
    the department's full path, ID and phone numbers masked or not, 已作废 for a voided entry."""
    if key == "age":
        if not row.get("birth_date"):
            return ""
        try:
            birth = parse_date(row["birth_date"])
        except ValueError:
            return ""
        return str(age_on(birth, today)) if birth else ""
    if key == "sub_unit":
        return paths.get(row.get("sub_unit_id"), "")
    if key == "id_number":
        return (mask_id_number if masked else str)(row.get("id_number") or "")
    if key == "phone":
        return (mask_phone if masked else str)(row.get("phone") or "")
    if key == "status":
        return "已作废" if row.get("voided_at") else (row.get("status") or "")
    value = row.get(key)
    return "" if value is None else str(value)


def describe_order(order: str, descending: bool) -> str:
    """"按入会日期降序" (the member list's sort, in words)."""
    return f"按{_ORDER_LABELS.get(order, _ORDER_LABELS['name'])}{'降序' if descending else '升序'}"


def roster_print_table(db: sqlite_utils.Database, member_filter: MemberFilter | None = None, *,
                       columns: Sequence[str] = LIST_COLUMN_KEYS, order: str = "name", descending: bool = False,
                       mask_personal: bool = True, prepared_by: str = "", today: dt.date | None = None,
                       progress: Progress | None = None, is_cancelled: IsCancelled | None = None):
    """The member list as the 会员 page shows it, on A4 landscape: the members matching
    ``member_filter`` in its order (``order`` and ``descending``, a column key as
    :func:`~gonghui_desk.db.member_queries.member_ids` takes it), numbered, in ``columns`` (keys of
    :data:`LIST_PRINT_COLUMNS`, in the order shown); ID and phone numbers masked unless
    ``mask_personal`` is False. ``progress(done, total, text)`` and ``is_cancelled()`` are called
    every 1000 rows, as the exports do."""
    from gonghui_desk.printing import table_from_columns

    member_filter = member_filter or MemberFilter()
    today = today or dt.date.today()
    unknown = [key for key in columns if key not in LIST_PRINT_COLUMNS]
    if unknown:
        raise ValueError(f"unknown member list columns {unknown}")
    check_cancel(is_cancelled)
    ids = member_ids(db, member_filter, order=order, descending=descending, today=today)
    paths = sub_unit_paths(db)

    def records():
        for start in range(0, len(ids), PROGRESS_EVERY):
            check_cancel(is_cancelled)
            if progress and start:
                progress(start, len(ids), f"已读取 {start} 人")
            chunk = ids[start:start + PROGRESS_EVERY]
            rows = member_rows(db, chunk)
            for seq, member_id in enumerate(chunk, start + 1):
                row = rows[member_id]
                yield {"seq": seq, **{key: list_cell_text(row, key, paths=paths, today=today, masked=mask_personal)
                                      for key in columns}}

    order_text = describe_order(order, descending)
    table = table_from_columns(
        (SEQUENCE_COLUMN, *(LIST_PRINT_COLUMNS[key] for key in columns)), records(), title=ROSTER_TITLE,
        subtitle_lines=[describe_filter(db, member_filter),
                        order_text + ("；身份证号、手机号已部分隐去" if mask_personal else "")],
        union_name=load_profile(db).name, date_text=f"制表日期：{today.isoformat()}",
        total_lines=[f"合计：共 {len(ids)} 人"], footer_line=signature_line(prepared_by), landscape=True,
        font_size_pt=10)
    table.columns = [column._replace(align="center") if key in _LIST_CENTERED else column
                     for key, column in zip(("seq", *columns), table.columns)]
    return table
