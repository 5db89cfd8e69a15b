"""The 慰问台账 (care ledger): which visits match a filter, their rows, and their totals, in SQL.

The ledger page counts the visits matching a :class:`LedgerFilter` (:func:`count_ledger`) and
reads the rows it shows a page at a time by their position in the order (:func:`ledger_window`),
or for a short list asks for their ordered ids (:func:`ledger_ids`) and fetches rows by id
(:func:`ledger_rows`); exports read every row in batches (:func:`iter_ledger`). Voided visits
never appear.

A visit's date is its visit date, or for an event recorded but not yet visited (``visit_date``
NULL, "待走访") its event date. Totals count visits made only: 人次 (rows), 人 (distinct persons:
the member, or each relative by relation and name) and money. Pending events are counted apart
(:attr:`LedgerTotals.pending`) and their planned amounts are not in the money totals, because
nothing has been paid yet.

Visits of a member entry that was later voided (a mistaken or duplicate entry) stay in the
ledger: the money was paid all the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Iterator

import sqlite_utils

from gonghui_desk.db.batches import iter_query, rows_by_id
from gonghui_desk.db.member_queries import _escape_like, cached_sub_unit_paths
from gonghui_desk.db.windows import Window, count_or_ids, has_index, ordered_ids


@dataclass
class LedgerFilter:
    date_from: str | None = None  # ISO; on coalesce(visit_date, event_date)
    date_to: str | None = None
    occasion_ids: tuple[int, ...] | None = None
    sub_unit_ids: tuple[int, ...] | None = None  # the member's sub-unit (the caller expands descendants)
    fund_source: str | None = None
    search: str = ""  # member name, pinyin or initials (members.search_text)
    campaign_id: int | None = None
    pending: bool | None = None  # True: events not yet visited; False: visits made; None: both
    signed: bool | None = None


LEDGER_SORTS = ("visit_date", "member", "occasion", "sub_unit", "money")
VISIT_DAY_SQL = "coalesce(v.visit_date, v.event_date)"
# Each order but the visit day's, before the visit day and the id (see order_terms): (SQL, may be NULL).
_SORT_TERMS = {
    "member": (("m.name_sort", False),),
    "occasion": (("o.sort_order", False), ("o.id", False)),  # as the occasions are listed
    "sub_unit": (("m.sub_unit_id", True),),  # like the member list; units are mostly created in tree order
    "money": (("v.cash_fen + v.goods_value_fen", False),),
}
_SORT_SQL = {"visit_date": VISIT_DAY_SQL, **{order: terms[0][0] for order, terms in _SORT_TERMS.items()}}
_ROW_COLUMNS = """v.*, m.name AS member_name, m.status AS member_status,
                     m.voided_at IS NOT NULL AS member_voided, m.sub_unit_id AS sub_unit_id,
                     o.name AS occasion_name, c.name AS campaign_name,
                     v.cash_fen + v.goods_value_fen AS total_fen"""
_ROW_SOURCE = """visits v
              JOIN members m ON m.id = v.member_id
              JOIN care_occasions o ON o.id = v.occasion_id
              LEFT JOIN campaigns c ON c.id = v.campaign_id"""
_ROW_SQL = f"SELECT {_ROW_COLUMNS}\n              FROM {_ROW_SOURCE}"


# The index of the visit day (proposed with the list indexes of issue 11): a period is one range of it, and
# the ledger's default order walks it. Without it a period is written as two ranges of visits_date.
DAY_INDEX = "visits_day"  # ON visits(coalesce(visit_date, event_date)) WHERE voided_at IS NULL
# The visit day and every column of the filter: counting (and finding the few rows of a short list) reads
# only this index (proposed likewise).
FILTER_INDEX = "visits_filter"


def where_clause(f: LedgerFilter, *, member_ids: list[int] | None = None, by_day: bool = False,
                 plus: bool = False) -> tuple[str, list]:
    """The WHERE clause (on ``visits v``) of the visits matching ``f``, and its parameters.

    ``member_ids`` (:func:`matching_member_ids`) stands for the member terms of ``f`` (search and
    departments), found once for the many queries of a list's pages. ``by_day`` writes a period as a range of
    the visit day (one range of the :data:`DAY_INDEX` index); ``plus`` writes the filter's columns ``+v.column``
    so that SQLite uses no index for them (a page of a list walks the index of its order instead).
    """
    v = "+v." if plus else "v."
    clauses = ["v.voided_at IS NULL"]
    params: list = []
    if f.date_from or f.date_to:
        if by_day or plus:
            day = ("+" if plus else "") + VISIT_DAY_SQL
            for bound, operator in ((f.date_from, ">="), (f.date_to, "<=")):
                if bound:
                    clauses.append(f"{day} {operator} ?")
                    params.append(bound)
        else:
            # Visits by their visit date plus pending events by their event date, each a range of
            # the visit-date index: 25 times faster for a month than the same test written with OR,
            # for which SQLite scans a whole index.
            visit_terms, event_terms, bounds = [], [], []
            for bound, operator in ((f.date_from, ">="), (f.date_to, "<=")):
                if bound:
                    visit_terms.append(f"visit_date {operator} ?")
                    event_terms.append(f"event_date {operator} ?")
                    bounds.append(bound)
            clauses.append(f"""v.id IN (
            SELECT id FROM visits WHERE voided_at IS NULL AND {' AND '.join(visit_terms)}
            UNION ALL
            SELECT id FROM visits WHERE voided_at IS NULL AND visit_date IS NULL AND {' AND '.join(event_terms)})""")
            params += bounds + bounds
    if f.pending is not None:
        clauses.append(f"{v}visit_date IS NULL" if f.pending else f"{v}visit_date IS NOT NULL")
    if f.occasion_ids is not None:
        # one occasion stays indexable: its visits are a range of the occasion's day index, in day order
        o = "v." if len(f.occasion_ids) == 1 else v
        clauses.append(f"{o}occasion_id IN ({', '.join('?' * len(f.occasion_ids))})")
        params += f.occasion_ids
    if f.fund_source:
        clauses.append(f"{v}fund_source = ?")
        params.append(f.fund_source)
    if f.campaign_id is not None:
        clauses.append(f"{v}campaign_id = ?")
        params.append(f.campaign_id)
    if f.signed is not None:
        clauses.append(f"{v}signed = ?")
        params.append(int(f.signed))
    if member_ids is not None:
        clauses.append(f"{v}member_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(member_ids))
    else:
        member_where, member_params = _member_terms(f)
        if member_where:
            # The few matching members first, then their visits through the member index.
            clauses.append(f"v.member_id IN (SELECT m.id FROM members m WHERE {member_where})")
            params += member_params
    return " AND ".join(clauses), params


def _member_terms(f: LedgerFilter) -> tuple[str, list]:
    member_terms, member_params = [], []
    for term in f.search.lower().split():
        member_terms.append("m.search_text LIKE ? ESCAPE '\\'")
        member_params.append(f"%{_escape_like(term)}%")
    if f.sub_unit_ids is not None:
        member_terms.append(f"m.sub_unit_id IN ({', '.join('?' * len(f.sub_unit_ids))})")
        member_params += f.sub_unit_ids
    return " AND ".join(member_terms), member_params


def matching_member_ids(db: sqlite_utils.Database, f: LedgerFilter) -> list[int] | None:
    """The members whose visits ``f``'s search and departments let through (voided entries too: their visits
    stay in the ledger), or None when ``f`` has neither."""
    member_where, member_params = _member_terms(f)
    if not member_where:
        return None
    found = db.execute(f"SELECT json_group_array(m.id) FROM members m WHERE {member_where}",
                       member_params).fetchone()[0]
    return json.loads(found) if found else []


def order_terms(order: str) -> tuple[tuple[str, bool], ...]:
    """The ledger's order ``order`` ascending, as (SQL expression, may be NULL) terms; the last is the id."""
    if order not in _SORT_SQL:
        raise ValueError(f"unknown ledger order {order!r}; one of {LEDGER_SORTS}")
    day = ((VISIT_DAY_SQL, True), ("v.id", False))
    if order == "visit_date":
        return day
    return (*_SORT_TERMS[order], *day)


def _order_by(order: str, descending: bool) -> str:
    direction = "DESC" if descending else "ASC"
    return ", ".join(f"{expr} {direction}" for expr, _ in order_terms(order))


def ledger_ids(db: sqlite_utils.Database, f: LedgerFilter, *, order: str = "visit_date",
               descending: bool = True) -> list[int]:
    """The ids of the visits matching ``f`` in the given order (newest first by default)."""
    where, params = where_clause(f, by_day=has_index(db, DAY_INDEX))
    joins = ""
    if order in ("member", "sub_unit"):
        joins = " JOIN members m ON m.id = v.member_id"
    elif order == "occasion":
        joins = " JOIN care_occasions o ON o.id = v.occasion_id"
    sql = f"SELECT v.id FROM visits v{joins} WHERE {where} ORDER BY {_order_by(order, descending)}"
    return [r[0] for r in db.execute(sql, params).fetchall()]


def count_ledger(db: sqlite_utils.Database, f: LedgerFilter, *, member_ids: list[int] | None = None,
                 limit: int = 0) -> tuple[int, list[int] | None]:
    """The number of visits matching ``f`` (``member_ids``: see :func:`where_clause`), and their ids
    (unordered) when there are at most ``limit``: from the :data:`FILTER_INDEX` index (every filter column in
    it: no row of the table read), an occasion's index, or for some members' visits the member index."""
    where, params = where_clause(f, member_ids=member_ids, by_day=has_index(db, DAY_INDEX))
    return count_or_ids(db, "visits v", where, params, limit=limit, id_column="v.id")


def order_ledger_ids(db: sqlite_utils.Database, ids: list[int], *, order: str = "visit_date",
                     descending: bool = True) -> list[int]:
    """The visits ``ids`` in the ledger's order (for a short list, found by :func:`count_ledger`)."""
    return ordered_ids(db, ids, table="visits v", joins="JOIN members m ON m.id = v.member_id "
                       "JOIN care_occasions o ON o.id = v.occasion_id", order_by=_order_by(order, descending))


def ledger_window(db: sqlite_utils.Database, f: LedgerFilter, *, order: str = "visit_date", descending: bool = True,
                  member_ids: list[int] | None = None) -> Window:
    """The visits matching ``f`` in ``order`` as a :class:`~gonghui_desk.db.windows.Window` (rows shaped like
    :func:`ledger_rows`): read a page at a time through the index of the order — the visit day, the amount,
    the member's name or department (members first, then their visits), the occasion — the filter's own
    terms checked on the way, except a period when the order is the visit day (then a range of it)."""
    by_day = order == "visit_date" and has_index(db, DAY_INDEX)
    if by_day:  # the period a range of the day index, the rest not from an index
        rest, rest_params = where_clause(replace(f, date_from=None, date_to=None), member_ids=member_ids, plus=True)
        where, params = f"{_day_range(f)} AND {rest}", _day_params(f) + rest_params
    else:
        where, params = where_clause(f, member_ids=member_ids, plus=True)
    paths = cached_sub_unit_paths(db)
    count = ("visits v JOIN members m ON m.id = v.member_id JOIN care_occasions o ON o.id = v.occasion_id",
             *where_clause(f, member_ids=member_ids, by_day=has_index(db, DAY_INDEX)))
    return Window(_ROW_COLUMNS, _ROW_SOURCE, where, params, order_terms(order), reverse=descending,
                  shape=lambda row: _with_path(row, paths), count=count)


def _day_range(f: LedgerFilter) -> str:
    terms = [f"{VISIT_DAY_SQL} {op} ?" for bound, op in ((f.date_from, ">="), (f.date_to, "<=")) if bound]
    return " AND ".join(terms) or "1"


def _day_params(f: LedgerFilter) -> list:
    return [bound for bound in (f.date_from, f.date_to) if bound]


def _with_path(row: dict, paths: dict[int, str]) -> dict:
    row["sub_unit_path"] = paths.get(row["sub_unit_id"], "")
    row["member_voided"] = bool(row["member_voided"])
    return row


def ledger_rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    """The rows of the given visits keyed by id: every visit column plus member_name,
    member_status, member_voided, sub_unit_id, sub_unit_path, occasion_name, campaign_name and
    total_fen (cash plus goods value)."""
    paths = cached_sub_unit_paths(db)
    return rows_by_id(db, _ROW_SQL, "v.id", ids, lambda row: _with_path(row, paths))


def iter_ledger(db: sqlite_utils.Database, f: LedgerFilter, *, order: str = "visit_date",
                descending: bool = False, batch: int = 2000) -> Iterator[dict]:
    """Every row matching ``f`` (shaped like :func:`ledger_rows`) in order, read in batches (exports)."""
    where, params = where_clause(f, by_day=has_index(db, DAY_INDEX))
    paths = cached_sub_unit_paths(db)
    return iter_query(db, f"{_ROW_SQL} WHERE {where} ORDER BY {_order_by(order, descending)}", params,
                      lambda row: _with_path(row, paths), batch=batch)


@dataclass
class LedgerTotals:
    visits: int = 0  # 人次: visits made (rows)
    persons: int = 0  # 人: distinct persons visited, a relative being a person of their own
    members: int = 0  # distinct members whose family was visited
    cash_fen: int = 0
    goods_fen: int = 0
    pending: int = 0  # events recorded but not yet visited (not in the figures above)

    @property
    def total_fen(self) -> int:
        return self.cash_fen + self.goods_fen


def ledger_totals(db: sqlite_utils.Database, f: LedgerFilter) -> LedgerTotals:
    """The totals of the visits matching ``f``, in one query (see the module text for what counts)."""
    where, params = where_clause(f, by_day=has_index(db, DAY_INDEX))
    done = "v.visit_date IS NOT NULL"
    row = db.execute(
        f"""SELECT count(*) FILTER (WHERE {done}),
                   count(DISTINCT CASE WHEN {done} THEN
                       v.member_id || '|' || v.recipient_relation || '|' || v.recipient_name END),
                   count(DISTINCT CASE WHEN {done} THEN v.member_id END),
                   coalesce(sum(v.cash_fen) FILTER (WHERE {done}), 0),
                   coalesce(sum(v.goods_value_fen) FILTER (WHERE {done}), 0),
                   count(*) FILTER (WHERE NOT {done})
            FROM visits v WHERE {where}""", params).fetchone()
    return LedgerTotals(*row)


def member_visits(db: sqlite_utils.Database, member_id: int) -> list[dict]:
    """A member's visits (made or pending), newest first, with occasion_name and campaign_name."""
    return list(db.query(
        f"""SELECT v.*, o.name AS occasion_name, c.name AS campaign_name,
                   v.cash_fen + v.goods_value_fen AS total_fen
            FROM visits v JOIN care_occasions o ON o.id = v.occasion_id
            LEFT JOIN campaigns c ON c.id = v.campaign_id
            WHERE v.member_id = ? AND v.voided_at IS NULL
            ORDER BY {VISIT_DAY_SQL} DESC, v.id DESC""", [member_id]))
