"""The register of hardship files (困难职工档案名册): which files match a filter, their rows, and the
period counts, in SQL.

Like the care ledger, the register page asks for the ordered ids of the files matching a
:class:`FileFilter` and fetches the rows it shows a page at a time (:func:`file_rows`). Voided
files never appear. A file is a household (户); 人 is the sum of 家庭人口. The printed and
exported register (:mod:`gonghui_desk.exporting.hardship_register`) reads every matching file in
order a chunk at a time (:func:`iter_file_rows`) and sums them up in SQL (:func:`register_totals`).

Counts for a period (:func:`file_counts`): 新增 = files opened in the period (a reopened file
starts a new period and counts as 新增), 在档 = files opened on or before the period's last
day and not closed by then (applications, 申请中, are not on file yet), 脱困 and 注销 = files
closed that way in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterator

import sqlite_utils

from gonghui_desk import value_lists
from gonghui_desk.db.member_queries import _escape_like, cached_sub_unit_paths
from gonghui_desk.hardship.files import (ANNUAL_INCOME_SQL, NEXT_REVIEW_SQL, household_annual_income,
                                         income_per_person)

DUE_SOON_DAYS = 30  # a review due within this many days stands out on the register


@dataclass
class FileFilter:
    status: tuple[str, ...] | None = None  # None: every status
    category: str | None = None
    main_cause: str | None = None
    level: str | None = None
    sub_unit_ids: tuple[int, ...] | None = None  # the head's sub-unit (the caller expands descendants)
    search: str = ""  # head's name, pinyin or initials (members.search_text)
    review_due: bool | None = None  # True: files 在档 whose review is overdue or due within DUE_SOON_DAYS


FILE_SORTS = ("opened_on", "member", "category", "sub_unit", "next_review", "income_per_person")
_SORT_SQL = {
    "opened_on": "f.opened_on",
    "member": "m.name_sort",
    "category": "f.category",
    "sub_unit": "m.sub_unit_id",
    "next_review": NEXT_REVIEW_SQL,
    "income_per_person": f"{ANNUAL_INCOME_SQL} * 1.0 / f.household_size",
}
_CHUNK = 500


def where_clause(f: FileFilter, today: dt.date) -> tuple[str, list]:
    """The WHERE clause (on ``hardship_files f``) of the files matching ``f``, and its parameters."""
    clauses = ["f.voided_at IS NULL"]
    params: list = []
    if f.status is not None:
        clauses.append(f"f.status IN ({', '.join('?' * len(f.status))})" if f.status else "0")
        params += f.status
    for key in ("category", "main_cause", "level"):
        value = getattr(f, key)
        if value:
            clauses.append(f"f.{key} = ?")
            params.append(value)
    if f.review_due is not None:
        soon = (today + dt.timedelta(days=DUE_SOON_DAYS)).isoformat()
        due = f"(f.status = '在档' AND {NEXT_REVIEW_SQL} <= ?)"
        clauses.append(due if f.review_due else f"NOT {due}")
        params.append(soon)
    member_terms, member_params = [], []
    for term in f.search.lower().split():
        member_terms.append("m.search_text LIKE ? ESCAPE '\\'")
        member_params.append(f"%{_escape_like(term)}%")
    if f.sub_unit_ids is not None:
        member_terms.append(f"m.sub_unit_id IN ({', '.join('?' * len(f.sub_unit_ids))})")
        member_params += f.sub_unit_ids
    if member_terms:
        clauses.append(f"f.member_id IN (SELECT m.id FROM members m WHERE {' AND '.join(member_terms)})")
        params += member_params
    return " AND ".join(clauses), params


def file_ids(db: sqlite_utils.Database, f: FileFilter, *, order: str = "opened_on", descending: bool = True,
             today: dt.date | None = None) -> list[int]:
    """The ids of the files matching ``f`` in the given order (newest first by default)."""
    if order not in _SORT_SQL:
        raise ValueError(f"unknown register order {order!r}; one of {FILE_SORTS}")
    where, params = where_clause(f, today or dt.date.today())
    direction = "DESC" if descending else "ASC"
    joins = " JOIN members m ON m.id = f.member_id" if order in ("member", "sub_unit") else ""
    sql = (f"SELECT f.id FROM hardship_files f{joins} WHERE {where} "
           f"ORDER BY {_SORT_SQL[order]} {direction}, f.opened_on {direction}, f.id {direction}")
    return [r[0] for r in db.execute(sql, params).fetchall()]


# The row of a file for the register (file_rows, iter_file_rows); ``{extra}`` adds member columns.
_ROW_SQL = f"""SELECT f.*, m.name AS member_name, m.status AS member_status, m.sub_unit_id AS sub_unit_id,{{extra}}
                      (SELECT coalesce(sum(fm.monthly_income_fen), 0) FROM hardship_family_members fm
                       WHERE fm.file_id = f.id AND fm.voided_at IS NULL) AS family_monthly_income_fen,
                      {NEXT_REVIEW_SQL} AS next_review_due
               FROM hardship_files f JOIN members m ON m.id = f.member_id"""
_EXPORT_COLUMNS = """ m.sex AS member_sex, m.id_number AS member_id_number, m.phone AS member_phone,
                      (SELECT max(r.review_date) FROM hardship_reviews r
                       WHERE r.file_id = f.id AND r.voided_at IS NULL) AS last_review_date,"""


def file_rows(db: sqlite_utils.Database, ids: list[int], *, today: dt.date | None = None) -> dict[int, dict]:
    """The rows of the given files keyed by id: every file column plus member_name, member_status,
    sub_unit_id, sub_unit_path, family_monthly_income_fen, household_annual_income_fen,
    monthly_income_per_person_fen, next_review_due (None unless 在档), review_overdue and
    review_due_soon (due within DUE_SOON_DAYS, not yet overdue)."""
    finish = _row_finisher(db, today or dt.date.today())
    result: dict[int, dict] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for row in db.query(f"{_ROW_SQL.format(extra='')} WHERE f.id IN ({', '.join('?' * len(chunk))})", chunk):
            result[row["id"]] = finish(row)
    return result


def iter_file_rows(db: sqlite_utils.Database, f: FileFilter, *, order: str = "opened_on", descending: bool = False,
                   today: dt.date | None = None, batch: int = _CHUNK) -> Iterator[dict]:
    """Every file matching ``f`` in order (oldest first by default), read ``batch`` rows at a time
    (exports and printouts of tens of thousands of files): the :func:`file_rows` row plus the
    head's member_sex, member_id_number and member_phone, and last_review_date (None when the
    file was never reviewed)."""
    if order not in _SORT_SQL:
        raise ValueError(f"unknown register order {order!r}; one of {FILE_SORTS}")
    today = today or dt.date.today()
    where, params = where_clause(f, today)
    direction = "DESC" if descending else "ASC"
    finish = _row_finisher(db, today)
    cursor = db.execute(
        f"""{_ROW_SQL.format(extra=_EXPORT_COLUMNS)} WHERE {where}
            ORDER BY {_SORT_SQL[order]} {direction}, f.opened_on {direction}, f.id {direction}""",
        params)
    names = [d[0] for d in cursor.description]
    try:
        while rows := cursor.fetchmany(batch):
            for row in rows:
                yield finish(dict(zip(names, row)))
    finally:
        cursor.close()


def _row_finisher(db: sqlite_utils.Database, today: dt.date):
    """The function that completes a row of :data:`_ROW_SQL` with the computed fields."""
    today_text = today.isoformat()
    soon = (today + dt.timedelta(days=DUE_SOON_DAYS)).isoformat()
    paths = cached_sub_unit_paths(db)

    def finish(row: dict) -> dict:
        row["sub_unit_path"] = paths.get(row["sub_unit_id"], "")
        row["household_annual_income_fen"] = household_annual_income(
            row["monthly_income_fen"], row["other_annual_income_fen"], [row["family_monthly_income_fen"]])
        row["monthly_income_per_person_fen"] = income_per_person(row["household_annual_income_fen"],
                                                                 row["household_size"])
        if row["status"] != "在档":
            row["next_review_due"] = None
        due = row["next_review_due"]
        row["review_overdue"] = bool(due and due < today_text)
        row["review_due_soon"] = bool(due and today_text <= due <= soon)
        return row

    return finish


@dataclass
class FileCounts:
    new: int = 0  # 新增 (户): opened in the period
    on_file: int = 0  # 在档 (户) on the period's last day
    on_file_persons: int = 0  # 在档 (人): their 家庭人口
    out_of_hardship: int = 0  # 脱困 (户) in the period
    cancelled: int = 0  # 注销 (户) in the period


def file_counts(db: sqlite_utils.Database, date_from: str, date_to: str) -> FileCounts:
    """The period's counts (see the module text), in one query."""
    row = db.execute(
        """SELECT count(*) FILTER (WHERE opened_on >= :start),
                  count(*) FILTER (WHERE closed_on IS NULL OR closed_on > :end),
                  coalesce(sum(household_size) FILTER (WHERE closed_on IS NULL OR closed_on > :end), 0),
                  count(*) FILTER (WHERE status = '脱困' AND closed_on BETWEEN :start AND :end),
                  count(*) FILTER (WHERE status = '注销' AND closed_on BETWEEN :start AND :end)
           FROM hardship_files
           WHERE voided_at IS NULL AND status IN ('在档', '脱困', '注销') AND opened_on <= :end""",
        {"start": date_from, "end": date_to}).fetchone()
    return FileCounts(*row)


@dataclass
class RegisterTotals:
    """The totals block of a register (the files matching a filter, whatever their status)."""
    households: int = 0  # 户
    persons: int = 0  # 人: the sum of 家庭人口
    review_overdue: int = 0  # files 在档 whose yearly review is overdue
    by_category: dict[str, tuple[int, int]] = field(default_factory=dict)  # 困难类别 ('' unset) -> (户, 人)
    by_cause: dict[str, tuple[int, int]] = field(default_factory=dict)  # 主要致困原因 ('' unset) -> (户, 人)


def register_totals(db: sqlite_utils.Database, f: FileFilter, *, today: dt.date | None = None) -> RegisterTotals:
    """户, 人, the overdue reviews, and 户/人 by category and by main cause of the files matching
    ``f``, in one query; the groups come in the order of their value lists, unknown values after."""
    today = today or dt.date.today()
    where, params = where_clause(f, today)
    totals = RegisterTotals()
    for category, cause, households, persons, overdue in db.execute(
            f"""SELECT f.category, f.main_cause, count(*), coalesce(sum(f.household_size), 0),
                       count(*) FILTER (WHERE f.status = '在档' AND {NEXT_REVIEW_SQL} < ?)
                FROM hardship_files f WHERE {where} GROUP BY f.category, f.main_cause""",
            [today.isoformat(), *params]).fetchall():
        totals.households += households
        totals.persons += persons
        totals.review_overdue += overdue
        for groups, key in ((totals.by_category, category or ""), (totals.by_cause, cause or "")):
            had = groups.get(key, (0, 0))
            groups[key] = (had[0] + households, had[1] + persons)
    totals.by_category = _in_list_order(db, "hardship.category", totals.by_category)
    totals.by_cause = _in_list_order(db, "hardship.cause", totals.by_cause)
    return totals


def _in_list_order(db: sqlite_utils.Database, list_key: str, groups: dict[str, tuple[int, int]]) -> dict:
    rank = {value: i for i, value in enumerate(value_lists.values(db, list_key))}
    return dict(sorted(groups.items(), key=lambda item: (item[0] == "", rank.get(item[0], len(rank)), item[0])))
