"""The 帮扶台账 (aid ledger): which payments match a filter, their rows, and their totals, in SQL.

Shaped like the care ledger (:mod:`gonghui_desk.care.ledger`): the page asks for the ordered ids
of the payments matching an :class:`AidFilter`, fetches rows a page at a time (:func:`aid_rows`),
and exports read every row in batches (:func:`iter_aid`). Voided payments never appear.

Dates: ``date_from``/``date_to`` are on the payment date (``paid_on``), which only paid (发放)
payments have, so a date range shows paid payments only (through the ``paid_on`` index). Without
a date range, payments at every stage match (``stage`` narrows them).

Totals (:func:`aid_totals`) count paid payments only; applications not yet paid are counted apart
(:attr:`AidTotals.pending`) and their amounts are not in the money. The three "who" counts:

* 人次 (``payments``): rows.
* 户 (``households``): a household is the chain of a file and the files it was reopened from
  (``previous_file_id``), identified by the household head of the chain's first file. So a
  reopened file is the same household, and so is a second file opened for the same head without
  the link; a chain whose head changed (the spouse took over) stays one household.
* 人 (``persons``): the beneficiary: the student for a payment naming a student (金秋助学),
  identified by the ID number when the family-member row has one (the same student in a reopened
  file is one person) and by the row otherwise; else the household head (the member).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import sqlite_utils

from gonghui_desk.db.batches import iter_query, rows_by_id
from gonghui_desk.db.member_queries import _escape_like
from gonghui_desk.union import sub_unit_paths


@dataclass
class AidFilter:
    date_from: str | None = None  # ISO; on paid_on (paid payments only)
    date_to: str | None = None
    aid_types: tuple[str, ...] | None = None
    fund_sources: tuple[str, ...] | None = None
    sub_unit_ids: tuple[int, ...] | None = None  # the head's sub-unit (the caller expands descendants)
    search: str = ""  # the head's name, pinyin or initials, or the student's name
    stage: str | None = None  # 申请 / 审核 / 发放
    signed: bool | None = None
    file_id: int | None = None


AID_SORTS = ("paid_on", "applied_on", "member", "aid_type", "sub_unit", "money")
PAYMENT_DAY_SQL = "coalesce(a.paid_on, a.applied_on)"
_SORT_SQL = {
    "paid_on": PAYMENT_DAY_SQL,  # unpaid payments by their application date
    "applied_on": "a.applied_on",
    "member": "m.name_sort",
    "aid_type": "a.aid_type",
    "sub_unit": "m.sub_unit_id",
    "money": "a.cash_fen + a.goods_value_fen",
}
_ROW_SQL = """SELECT a.*, m.name AS member_name, m.status AS member_status, m.sub_unit_id AS sub_unit_id,
                     f.category AS file_category, f.status AS file_status,
                     s.name AS student_name, s.id_number AS student_id_number, s.relation AS student_relation,
                     a.cash_fen + a.goods_value_fen AS total_fen
              FROM aid_payments a
              JOIN members m ON m.id = a.member_id
              JOIN hardship_files f ON f.id = a.file_id
              LEFT JOIN hardship_family_members s ON s.id = a.student_family_member_id"""
PAID = "a.stage = '发放'"


def _in(column: str, values) -> tuple[str, list]:
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def where_clause(f: AidFilter) -> tuple[str, list]:
    """The WHERE clause (on ``aid_payments a``) of the payments matching ``f``, and its parameters."""
    clauses = ["a.voided_at IS NULL"]
    params: list = []
    if f.date_from or f.date_to:
        clauses.append("a.paid_on IS NOT NULL")
        for bound, operator in ((f.date_from, ">="), (f.date_to, "<=")):
            if bound:
                clauses.append(f"a.paid_on {operator} ?")
                params.append(bound)
    for column, chosen in (("a.aid_type", f.aid_types), ("a.fund_source", f.fund_sources)):
        if chosen is not None:
            clause, values = _in(column, chosen)
            clauses.append(clause)
            params += values
    if f.stage:
        clauses.append("a.stage = ?")
        params.append(f.stage)
    if f.signed is not None:
        clauses.append("a.signed = ?")
        params.append(int(f.signed))
    if f.file_id is not None:
        clauses.append("a.file_id = ?")
        params.append(f.file_id)
    if f.sub_unit_ids is not None:
        clause, values = _in("m.sub_unit_id", f.sub_unit_ids)
        clauses.append(f"a.member_id IN (SELECT m.id FROM members m WHERE {clause})")
        params += values
    for term in f.search.lower().split():
        like = f"%{_escape_like(term)}%"
        # the few matching heads (and students) first, then their payments through the indexes
        clauses.append("""(a.member_id IN (SELECT m.id FROM members m WHERE m.search_text LIKE ? ESCAPE '\\')
                           OR a.student_family_member_id IN (
                               SELECT s.id FROM hardship_family_members s WHERE s.name LIKE ? ESCAPE '\\'))""")
        params += [like, like]
    return " AND ".join(clauses), params


def _order_by(order: str, descending: bool) -> str:
    if order not in _SORT_SQL:
        raise ValueError(f"unknown aid ledger order {order!r}; one of {AID_SORTS}")
    direction = "DESC" if descending else "ASC"
    tie = "" if order == "paid_on" else f", {PAYMENT_DAY_SQL} {direction}"
    return f"{_SORT_SQL[order]} {direction}{tie}, a.id {direction}"


def aid_ids(db: sqlite_utils.Database, f: AidFilter, order: str = "paid_on", descending: bool = True) -> list[int]:
    """The ids of the payments matching ``f`` in the given order (newest first by default)."""
    where, params = where_clause(f)
    joins = " JOIN members m ON m.id = a.member_id" if order in ("member", "sub_unit") else ""
    sql = f"SELECT a.id FROM aid_payments a{joins} WHERE {where} ORDER BY {_order_by(order, descending)}"
    return [r[0] for r in db.execute(sql, params).fetchall()]


def _with_path(row: dict, paths: dict[int, str]) -> dict:
    row["sub_unit_path"] = paths.get(row["sub_unit_id"], "")
    row["student_name"] = row["student_name"] or ""
    return row


def aid_rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    """The rows of the given payments keyed by id: every payment column plus member_name (the head),
    member_status, sub_unit_id, sub_unit_path, file_category, file_status, student_name,
    student_id_number, student_relation and total_fen (cash plus goods value)."""
    paths = sub_unit_paths(db)
    return rows_by_id(db, _ROW_SQL, "a.id", ids, lambda row: _with_path(row, paths))


def iter_aid(db: sqlite_utils.Database, f: AidFilter, *, order: str = "paid_on", descending: bool = False,
             batch: int = 2000) -> Iterator[dict]:
    """Every row matching ``f`` (shaped like :func:`aid_rows`) in order, read in batches (exports)."""
    where, params = where_clause(f)
    paths = sub_unit_paths(db)
    return iter_query(db, f"{_ROW_SQL} WHERE {where} ORDER BY {_order_by(order, descending)}", params,
                      lambda row: _with_path(row, paths), batch=batch)


@dataclass
class AidTotals:
    payments: int = 0  # 人次: paid payments (rows)
    households: int = 0  # 户: distinct households (see the module text)
    persons: int = 0  # 人: distinct beneficiaries (the student, else the household head)
    cash_fen: int = 0
    goods_fen: int = 0
    pending: int = 0  # matching payments not yet paid (申请/审核), not in the figures above
    by_type: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # type -> (人次, 户, 分)
    by_source: dict[str, int] = field(default_factory=dict)  # fund source ('' when not given) -> 分

    @property
    def total_fen(self) -> int:
        return self.cash_fen + self.goods_fen


# Each file's household: the head of the first file of its reopening chain.
_HOUSEHOLDS_CTE = """WITH RECURSIVE chain(file_id, household) AS (
        SELECT id, member_id FROM hardship_files WHERE previous_file_id IS NULL
        UNION ALL
        SELECT f.id, c.household FROM hardship_files f JOIN chain c ON f.previous_file_id = c.file_id)"""
_PERSON_SQL = """CASE WHEN a.student_family_member_id IS NULL THEN 'm' || a.member_id
                      ELSE 's' || coalesce(nullif(s.id_number, ''), '#' || s.id) END"""
_HOUSEHOLD_SQL = "coalesce(h.household, a.member_id)"


def aid_totals(db: sqlite_utils.Database, f: AidFilter) -> AidTotals:
    """The totals of the payments matching ``f``: the counts and money in one query, then by type and
    by source (see the module text for what counts)."""
    where, params = where_clause(f)
    source = f"""FROM aid_payments a
                 LEFT JOIN chain h ON h.file_id = a.file_id
                 LEFT JOIN hardship_family_members s ON s.id = a.student_family_member_id
                 WHERE {where}"""
    row = db.execute(
        f"""{_HOUSEHOLDS_CTE}
            SELECT count(*) FILTER (WHERE {PAID}),
                   count(DISTINCT CASE WHEN {PAID} THEN {_HOUSEHOLD_SQL} END),
                   count(DISTINCT CASE WHEN {PAID} THEN {_PERSON_SQL} END),
                   coalesce(sum(a.cash_fen) FILTER (WHERE {PAID}), 0),
                   coalesce(sum(a.goods_value_fen) FILTER (WHERE {PAID}), 0),
                   count(*) FILTER (WHERE NOT {PAID})
            {source}""", params).fetchone()
    totals = AidTotals(*row)
    for aid_type, payments, households, money in db.execute(
            f"""{_HOUSEHOLDS_CTE}
                SELECT a.aid_type, count(*), count(DISTINCT {_HOUSEHOLD_SQL}), sum(a.cash_fen + a.goods_value_fen)
                {source} AND {PAID} GROUP BY a.aid_type ORDER BY 4 DESC, 1""", params):
        totals.by_type[aid_type] = (payments, households, money)
    for fund_source, money in db.execute(
            f"""SELECT a.fund_source, sum(a.cash_fen + a.goods_value_fen) FROM aid_payments a
                WHERE {where} AND {PAID} GROUP BY a.fund_source ORDER BY 2 DESC, 1""", params):
        totals.by_source[fund_source] = money
    return totals


def member_payments(db: sqlite_utils.Database, member_id: int) -> list[dict]:
    """The payments to a household head (every stage), newest first, with student_name and school."""
    return list(db.query(
        f"""SELECT a.*, s.name AS student_name, a.cash_fen + a.goods_value_fen AS total_fen
            FROM aid_payments a LEFT JOIN hardship_family_members s ON s.id = a.student_family_member_id
            WHERE a.member_id = ? AND a.voided_at IS NULL
            ORDER BY {PAYMENT_DAY_SQL} DESC, a.id DESC""", [member_id]))
