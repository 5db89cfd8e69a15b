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

import json
from dataclasses import dataclass, field
from typing import Iterator

import sqlite_utils

from gonghui_desk.db.batches import iter_query, rows_by_id
from gonghui_desk.db.member_queries import _escape_like, cached_sub_unit_paths
from gonghui_desk.db.windows import Window, count_or_ids, has_index, ordered_ids


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
_ROW_COLUMNS = """a.*, m.name AS member_name, m.status AS member_status, m.sub_unit_id AS sub_unit_id,
                     f.category AS file_category, f.status AS file_status,
                     s.name AS student_name, s.id_number AS student_id_number, s.relation AS student_relation,
                     a.cash_fen + a.goods_value_fen AS total_fen"""
_ROW_SOURCE = """aid_payments a
              JOIN members m ON m.id = a.member_id
              JOIN hardship_files f ON f.id = a.file_id
              LEFT JOIN hardship_family_members s ON s.id = a.student_family_member_id"""
_ROW_SQL = f"SELECT {_ROW_COLUMNS}\n              FROM {_ROW_SOURCE}"
_BY_MEMBER_SOURCE = """members m
              CROSS JOIN aid_payments a INDEXED BY aid_payments_member ON a.member_id = m.id
              JOIN hardship_files f ON f.id = a.file_id
              LEFT JOIN hardship_family_members s ON s.id = a.student_family_member_id"""
PAID = "a.stage = '发放'"


def _in(column: str, values) -> tuple[str, list]:
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


# The index of the payment day (proposed with the list indexes of issue 11): the ledger's default order walks it.
DAY_INDEX = "aid_payments_day"  # ON aid_payments(coalesce(paid_on, applied_on)) WHERE voided_at IS NULL
# Every column of the filter: counting (and finding the few rows of a short list) reads only this index.
FILTER_INDEX = "aid_payments_filter"


@dataclass
class MatchingPeople:
    """The people a filter's departments and search terms let through, found once for the many queries of a
    list's pages: the heads in the departments (None: any), and for each search term the matching heads and
    students."""

    heads: list[int] | None = None
    terms: list[tuple[list[int], list[int]]] = field(default_factory=list)


def matching_people(db: sqlite_utils.Database, f: AidFilter) -> MatchingPeople | None:
    """The :class:`MatchingPeople` of ``f``, or None when it has neither departments nor a search."""
    terms = f.search.lower().split()
    if f.sub_unit_ids is None and not terms:
        return None

    def ids(sql: str, params: list) -> list[int]:
        found = db.execute(f"SELECT json_group_array(id) FROM ({sql})", params).fetchone()[0]
        return json.loads(found) if found else []

    people = MatchingPeople()
    if f.sub_unit_ids is not None:
        clause, values = _in("m.sub_unit_id", f.sub_unit_ids)
        people.heads = ids(f"SELECT m.id FROM members m WHERE {clause}", values)
    for term in terms:
        like = f"%{_escape_like(term)}%"
        people.terms.append((ids("SELECT m.id FROM members m WHERE m.search_text LIKE ? ESCAPE '\\'", [like]),
                             ids("SELECT s.id FROM hardship_family_members s WHERE s.name LIKE ? ESCAPE '\\'",
                                 [like])))
    return people


def where_clause(f: AidFilter, *, people: MatchingPeople | None = None, plus: bool = False) -> tuple[str, list]:
    """The WHERE clause (on ``aid_payments a``) of the payments matching ``f``, and its parameters.

    ``people`` (:func:`matching_people`) stands for the departments and search of ``f``; ``plus`` writes the
    filter's columns ``+a.column`` so that SQLite uses no index for them (a page of a list walks the index of
    its order instead).
    """
    a = "+a." if plus else "a."
    clauses = ["a.voided_at IS NULL"]
    params: list = []
    if f.date_from or f.date_to:
        # some people's payments: through the member index, not a range of the payment date
        day = "+a." if plus or people is not None else "a."
        clauses.append(f"{day}paid_on IS NOT NULL")
        for bound, operator in ((f.date_from, ">="), (f.date_to, "<=")):
            if bound:
                clauses.append(f"{day}paid_on {operator} ?")
                params.append(bound)
    # one type stays indexable: its payments are a range of the type's day index, in day order
    kind = "a." if f.aid_types is not None and len(f.aid_types) == 1 else a
    for column, chosen in ((f"{kind}aid_type", f.aid_types), (f"{a}fund_source", f.fund_sources)):
        if chosen is not None:
            clause, values = _in(column, chosen)
            clauses.append(clause)
            params += values
    if f.stage:
        clauses.append(f"{a}stage = ?")
        params.append(f.stage)
    if f.signed is not None:
        clauses.append(f"{a}signed = ?")
        params.append(int(f.signed))
    if f.file_id is not None:
        clauses.append(f"{a}file_id = ?")
        params.append(f.file_id)
    if people is not None:
        if people.heads is not None:
            clauses.append(f"{a}member_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(people.heads))
        for heads, students in people.terms:
            clauses.append(f"""({a}member_id IN (SELECT value FROM json_each(?))
                               OR {a}student_family_member_id IN (SELECT value FROM json_each(?)))""")
            params += [json.dumps(heads), json.dumps(students)]
        return " AND ".join(clauses), params
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


def order_terms(order: str) -> tuple[tuple[str, bool], ...]:
    """The aid ledger's order ``order`` ascending, as (SQL expression, may be NULL) terms; the last is the id."""
    if order not in _SORT_SQL:
        raise ValueError(f"unknown aid ledger order {order!r}; one of {AID_SORTS}")
    day = ((PAYMENT_DAY_SQL, False), ("a.id", False))
    if order == "paid_on":
        return day
    return (_SORT_SQL[order], order == "sub_unit"), *day


def _order_by(order: str, descending: bool) -> str:
    direction = "DESC" if descending else "ASC"
    return ", ".join(f"{expr} {direction}" for expr, _ in order_terms(order))


def aid_ids(db: sqlite_utils.Database, f: AidFilter, order: str = "paid_on", descending: bool = True) -> list[int]:
    """The ids of the payments matching ``f`` in the given order (newest first by default)."""
    where, params = where_clause(f)
    joins = " JOIN members m ON m.id = a.member_id" if order in ("member", "sub_unit") else ""
    sql = f"SELECT a.id FROM aid_payments a{joins} WHERE {where} ORDER BY {_order_by(order, descending)}"
    return [r[0] for r in db.execute(sql, params).fetchall()]


def count_aid(db: sqlite_utils.Database, f: AidFilter, *, people: MatchingPeople | None = None,
              limit: int = 0) -> tuple[int, list[int] | None]:
    """The number of payments matching ``f`` (``people``: see :func:`where_clause`), and their ids when there
    are at most ``limit`` (from the :data:`FILTER_INDEX` index when the database has it: every filter column
    in it)."""
    where, params = where_clause(f, people=people)
    return count_or_ids(db, "aid_payments a", where, params, limit=limit, id_column="a.id")


def order_aid_ids(db: sqlite_utils.Database, ids: list[int], *, order: str = "paid_on",
                  descending: bool = True) -> list[int]:
    """The payments ``ids`` in the ledger's order (for a short list, found by :func:`count_aid`)."""
    return ordered_ids(db, ids, table="aid_payments a", joins="JOIN members m ON m.id = a.member_id",
                       order_by=_order_by(order, descending))


def aid_window(db: sqlite_utils.Database, f: AidFilter, *, order: str = "paid_on", descending: bool = True,
               people: MatchingPeople | None = None) -> Window:
    """The payments matching ``f`` in ``order`` as a :class:`~gonghui_desk.db.windows.Window` (rows shaped like
    :func:`aid_rows`), read a page at a time through the index of the order, the filter's terms checked on the
    way — a period, when the order is the payment day, being a range of that index."""
    where, params = where_clause(f, people=people, plus=True)
    if order == "paid_on" and has_index(db, DAY_INDEX) and (f.date_from or f.date_to):
        # paid payments only: their day is the payment date, and the period a range of the day index
        bounds = [(bound, op) for bound, op in ((f.date_from, ">="), (f.date_to, "<=")) if bound]
        where = " AND ".join([f"{PAYMENT_DAY_SQL} {op} ?" for _, op in bounds] + [where])
        params = [bound for bound, _ in bounds] + params
    paths = cached_sub_unit_paths(db)
    count = ("aid_payments a JOIN members m ON m.id = a.member_id", *where_clause(f, people=people))
    # by the head's name or department: the members in that order first (few of them have payments), then
    # their payments; SQLite would rather read every file's payments and sort them
    source = _BY_MEMBER_SOURCE if order in ("member", "sub_unit") else _ROW_SOURCE
    return Window(_ROW_COLUMNS, source, where, params, order_terms(order), reverse=descending,
                  shape=lambda row: _with_path(row, paths), count=count)


def _with_path(row: dict, paths: dict[int, str]) -> dict:
    row["sub_unit_path"] = paths.get(row["sub_unit_id"], "")
    row["student_name"] = row["student_name"] or ""
    return row


def aid_rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    """The rows of the given payments keyed by id: every payment column plus member_name (the head),
    member_status, sub_unit_id, sub_unit_path, file_category, file_status, student_name,
    student_id_number, student_relation and total_fen (cash plus goods value)."""
    paths = cached_sub_unit_paths(db)
    return rows_by_id(db, _ROW_SQL, "a.id", ids, lambda row: _with_path(row, paths))


def iter_aid(db: sqlite_utils.Database, f: AidFilter, *, order: str = "paid_on", descending: bool = False,
             batch: int = 2000) -> Iterator[dict]:
    """Every row matching ``f`` (shaped like :func:`aid_rows`) in order, read in batches (exports)."""
    where, params = where_clause(f)
    paths = cached_sub_unit_paths(db)
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
    where, params = where_clause(f, people=matching_people(db, f))
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
    # GROUP BY +a.aid_type: the rows found through the filter's own index and grouped after, not the whole
    # type index walked for its order
    for aid_type, payments, households, money in db.execute(
            f"""{_HOUSEHOLDS_CTE}
                SELECT a.aid_type, count(*), count(DISTINCT {_HOUSEHOLD_SQL}), sum(a.cash_fen + a.goods_value_fen)
                {source} AND {PAID} GROUP BY +a.aid_type ORDER BY 4 DESC, 1""", params):
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
