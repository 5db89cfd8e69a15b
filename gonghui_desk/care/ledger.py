"""The 慰问台账 (care ledger): which visits match a filter, their rows, and their totals, in SQL.

The ledger page asks for the ordered ids of the visits matching a :class:`LedgerFilter` and
fetches the rows it shows a page at a time (:func:`ledger_rows`); exports read every row in
batches (:func:`iter_ledger`). Voided visits never appear.

A visit's date is its visit date, or for an event recorded but not yet visited (``visit_date``
NULL, "待走访") its event date. Totals count visits made only: 人次 (rows), 人 (distinct persons:
the member, or each relative by relation and name) and money. Pending events are counted apart
(:attr:`LedgerTotals.pending`) and their planned amounts are not in the money totals, because
nothing has been paid yet.

Visits of a member entry that was later voided (a mistaken or duplicate entry) stay in the
ledger: the money was paid all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import sqlite_utils

from gonghui_desk.db.batches import iter_query, rows_by_id
from gonghui_desk.db.member_queries import _escape_like
from gonghui_desk.union import sub_unit_paths


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
_SORT_SQL = {
    "visit_date": VISIT_DAY_SQL,
    "member": "m.name_sort",
    "occasion": "o.sort_order",
    "sub_unit": "m.sub_unit_id",  # like the member list; the demo and most unions create units in tree order
    "money": "v.cash_fen + v.goods_value_fen",
}
_ROW_SQL = """SELECT v.*, m.name AS member_name, m.status AS member_status,
                     m.voided_at IS NOT NULL AS member_voided, m.sub_unit_id AS sub_unit_id,
                     o.name AS occasion_name, c.name AS campaign_name,
                     v.cash_fen + v.goods_value_fen AS total_fen
              FROM visits v
              JOIN members m ON m.id = v.member_id
              JOIN care_occasions o ON o.id = v.occasion_id
              LEFT JOIN campaigns c ON c.id = v.campaign_id"""


def where_clause(f: LedgerFilter) -> tuple[str, list]:
    """The WHERE clause (on ``visits v``) of the visits matching ``f``, and its parameters."""
    clauses = ["v.voided_at IS NULL"]
    params: list = []
    if f.date_from or f.date_to:
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
        clauses.append("v.visit_date IS NULL" if f.pending else "v.visit_date IS NOT NULL")
    if f.occasion_ids is not None:
        clauses.append(f"v.occasion_id IN ({', '.join('?' * len(f.occasion_ids))})")
        params += f.occasion_ids
    if f.fund_source:
        clauses.append("v.fund_source = ?")
        params.append(f.fund_source)
    if f.campaign_id is not None:
        clauses.append("v.campaign_id = ?")
        params.append(f.campaign_id)
    if f.signed is not None:
        clauses.append("v.signed = ?")
        params.append(int(f.signed))
    member_terms, member_params = [], []
    for term in f.search.lower().split():
        member_terms.append("m.search_text LIKE ? ESCAPE '\\'")
        member_params.append(f"%{_escape_like(term)}%")
    if f.sub_unit_ids is not None:
        member_terms.append(f"m.sub_unit_id IN ({', '.join('?' * len(f.sub_unit_ids))})")
        member_params += f.sub_unit_ids
    if member_terms:
        # The few matching members first, then their visits through the member index.
        clauses.append(f"v.member_id IN (SELECT m.id FROM members m WHERE {' AND '.join(member_terms)})")
        params += member_params
    return " AND ".join(clauses), params


def _order_by(order: str, descending: bool) -> str:
    if order not in _SORT_SQL:
        raise ValueError(f"unknown ledger order {order!r}; one of {LEDGER_SORTS}")
    direction = "DESC" if descending else "ASC"
    tie = "" if order == "visit_date" else f", {VISIT_DAY_SQL} {direction}"
    return f"{_SORT_SQL[order]} {direction}{tie}, v.id {direction}"


def ledger_ids(db: sqlite_utils.Database, f: LedgerFilter, *, order: str = "visit_date",
               descending: bool = True) -> list[int]:
    """The ids of the visits matching ``f`` in the given order (newest first by default)."""
    where, params = where_clause(f)
    joins = ""
    if order in ("member", "sub_unit"):
        joins = " JOIN members m ON m.id = v.member_id"
    elif order == "occasion":
        joins = " JOIN care_occasions o ON o.id = v.occasion_id"
    sql = f"SELECT v.id FROM visits v{joins} WHERE {where} ORDER BY {_order_by(order, descending)}"
    return [r[0] for r in db.execute(sql, params).fetchall()]


def _with_path(row: dict, paths: dict[int, str]) -> dict:
    row["sub_unit_path"] = paths.get(row["sub_unit_id"], "")
    row["member_voided"] = bool(row["member_voided"])
    return row


def ledger_rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    """The rows of the given visits keyed by id: every visit column plus member_name,
    member_status, member_voided, sub_unit_id, sub_unit_path, occasion_name, campaign_name and
    total_fen (cash plus goods value)."""
    paths = sub_unit_paths(db)
    return rows_by_id(db, _ROW_SQL, "v.id", ids, lambda row: _with_path(row, paths))


def iter_ledger(db: sqlite_utils.Database, f: LedgerFilter, *, order: str = "visit_date",
                descending: bool = False, batch: int = 2000) -> Iterator[dict]:
    """Every row matching ``f`` (shaped like :func:`ledger_rows`) in order, read in batches (exports)."""
    where, params = where_clause(f)
    paths = sub_unit_paths(db)
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
    where, params = where_clause(f)
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
