"""Reading a long list by position: the rows [low, high) of a query in its order, without the rows before them.

A list of tens of thousands of records (members, visits, payments) is shown a page at a time. Instead of
asking SQL for every id in order (a sort of the whole list for each filter or order), the list counts its
rows and reads each page with ``ORDER BY … LIMIT … OFFSET …`` — from the start or, reversed, from the end,
whichever is nearer, or (keyset) from a page already read: the rows after its last row, or before its
first, skipping the rows in between with OFFSET. With an index on the order's terms SQLite walks the index
from there and reads only the rows it returns, so a page costs the same at the end of the list as at its
start, and a page next to one already read costs no more than the page.

:class:`Window` describes the query; :func:`read_window` reads one page and :func:`rank` finds a record's
position. ``gonghui_desk.ui.paged_model.PagedIdTableModel`` keeps the pages. A filter matching few rows is
better read as their ids, found by the filter's own index and sorted (:func:`count_or_ids`,
:func:`ordered_ids`): walking the order's index would read thousands of rows to fill a page.

:data:`gonghui_desk.db.migrations.LARGE_UNION_INDEXES` are the indexes these queries are written for; the lists check for the ones they need
(:func:`has_index`) and keep their older queries on a database without them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable, Sequence

import sqlite_utils


def _same(row: dict) -> dict:
    return row


@dataclass
class Window:
    """How to read the rows of a filter and an order by position.

    ``terms`` is the order, ascending, as (SQL expression, may be NULL) pairs; the last term must be unique
    (the row's id) so that the order is total. ``reverse`` shows the rows in the opposite order (a
    descending sort is the ascending order reversed, NULLs last, as SQLite's DESC). A page is
    ``SELECT {columns}, <terms> FROM {source} WHERE {where} ORDER BY <terms> LIMIT … OFFSET …``: with an index
    on the terms (and the filter's terms not usable by another index, e.g. written ``+column``) SQLite walks
    the index and reads only the rows it returns. ``shape`` finishes each row (paths, figures…).

    ``count`` is (FROM, WHERE, parameters) of the same rows for counting some of them (:func:`rank`) when
    another index or a scan does that faster; ``source``, ``where`` and ``params`` when None.
    """

    columns: str  # the SELECT list; must give the row's id as "id"
    source: str  # FROM …: the table and its joins
    where: str
    params: Sequence = ()
    terms: tuple[tuple[str, bool], ...] = ()
    reverse: bool = False
    shape: Callable[[dict], dict] = field(default=_same)
    count: tuple[str, str, Sequence] | None = None


def keyset_condition(terms: Sequence[tuple[str, bool]], keys: Sequence, after: bool) -> tuple[str, list]:
    """SQL true for the rows after (``after``) or before the row whose order values are ``keys``, in the
    ascending order of ``terms`` (SQLite puts NULLs first), and its parameters. The first term also gets a
    plain bound where it is exact, so that SQLite seeks in the index instead of walking from its start."""
    keys = list(keys)
    if all(v is not None for v in keys) and (after or not any(nullable for _, nullable in terms)):
        # a row value: SQLite seeks on it; exact here (a NULL in a row only ever compares lower)
        columns = ", ".join(expr for expr, _ in terms)
        return f"({columns}) {'>' if after else '<'} ({', '.join('?' * len(keys))})", keys
    ors, params, equal, equal_params = [], [], [], []
    for (expr, nullable), value in zip(terms, keys):
        step, step_params = None, []
        if after:
            step, step_params = (f"{expr} IS NOT NULL", []) if value is None else (f"{expr} > ?", [value])
        elif value is not None:
            step, step_params = (f"({expr} < ? OR {expr} IS NULL)" if nullable else f"{expr} < ?"), [value]
        if step is not None:
            ors.append("(" + " AND ".join(equal + [step]) + ")")
            params += equal_params + step_params
        if value is None:
            equal.append(f"{expr} IS NULL")
        else:
            equal.append(f"{expr} = ?")
            equal_params.append(value)
    condition = " OR ".join(ors) or "0"
    (first, nullable), value = terms[0], keys[0]
    if value is not None and (after or not nullable):
        return f"{first} {'>=' if after else '<='} ? AND ({condition})", [value] + params
    return f"({condition})", params


def read_window(db: sqlite_utils.Database, w: Window, count: int, low: int, high: int,
                anchor: tuple[bool, Sequence] | None = None, skip: int | None = None) -> list[tuple[dict, tuple]]:
    """The rows at positions [low, high) of the ascending order (of ``count`` rows), each with its order
    values, read forwards from the start (``anchor`` None, ``skip`` = ``low``) or backwards from the end
    (``anchor`` None, ``skip`` = ``count - high``), or (``anchor`` = (after, keys)) after / before the row
    with those order values, ``skip`` rows away."""
    if anchor is None:
        after = skip is None or skip == low
        skip = low if skip is None else skip
        condition, params = "", []
    else:
        after, keys = anchor
        condition, params = keyset_condition(w.terms, keys, after)
        condition = f" AND {condition}"
    direction = "ASC" if after else "DESC"
    terms = ", ".join(f"{expr} AS _k{i}" for i, (expr, _) in enumerate(w.terms))
    order = ", ".join(f"{expr} {direction}" for expr, _ in w.terms)
    cursor = db.execute(f"SELECT {w.columns}, {terms} FROM {w.source} WHERE {w.where}{condition} "
                        f"ORDER BY {order} LIMIT ? OFFSET ?", [*w.params, *params, high - low, skip])
    width = len(w.terms)
    names = [d[0] for d in cursor.description][:-width]
    rows = cursor.fetchall()
    if not after:
        rows.reverse()
    return [(w.shape(dict(zip(names, values[:-width]))), tuple(values[-width:])) for values in rows]


def rank(db: sqlite_utils.Database, w: Window, row_id) -> int | None:
    """The position of the row ``row_id`` in the ascending order (None when it is not among the rows): its
    order values, then the count of the rows before them."""
    id_term = w.terms[-1][0]
    terms = ", ".join(expr for expr, _ in w.terms)
    keys = db.execute(f"SELECT {terms} FROM {w.source} WHERE {w.where} AND {id_term} = ?",
                      [*w.params, row_id]).fetchone()
    if keys is None:
        return None
    condition, params = keyset_condition(w.terms, keys, after=False)
    source, where, where_params = w.count or (w.source, w.where, w.params)
    return db.execute(f"SELECT count(*) FROM {source} WHERE {where} AND {condition}",
                      [*where_params, *params]).fetchone()[0]


def window_ids(db: sqlite_utils.Database, w: Window) -> list:
    """Every id of the window in its shown order (for the rare caller that needs them all)."""
    order = ", ".join(f"{expr} {'DESC' if w.reverse else 'ASC'}" for expr, _ in w.terms)
    sql = f"SELECT {w.terms[-1][0]} FROM {w.source} WHERE {w.where} ORDER BY {order}"
    return [r[0] for r in db.execute(sql, list(w.params)).fetchall()]


def count_or_ids(db: sqlite_utils.Database, source: str, where: str, params: Sequence, *, limit: int,
                 id_column: str = "id") -> tuple[int, list | None]:
    """The number of rows of ``source`` matching ``where``, with their ids (unordered) when there are at most
    ``limit``: the first ``limit + 1`` matches, then a count when there are more. ``source`` should be a covering
    index (``INDEXED BY``) of the filter's columns, so that both read only the index."""
    found = db.execute(f"SELECT json_group_array(i) FROM (SELECT {id_column} AS i FROM {source} WHERE {where} "
                       f"LIMIT {int(limit) + 1})", list(params)).fetchone()[0]
    ids = json.loads(found) if found else []
    if len(ids) <= limit:
        return len(ids), ids
    return db.execute(f"SELECT count(*) FROM {source} WHERE {where}", list(params)).fetchone()[0], None


def ordered_ids(db: sqlite_utils.Database, ids: Sequence, *, table: str, joins: str = "", order_by: str) -> list:
    """``ids`` (of ``table``, given as ``"visits v"``) in the order ``order_by``: each row looked up by its key
    (with ``joins`` for the order's columns), then sorted — for the few thousand rows of a short list, found
    by a filter's own index."""
    alias = table.split()[-1]
    found = db.execute(f"SELECT json_group_array(id) FROM (SELECT {alias}.id AS id FROM json_each(?) AS j "
                       f"CROSS JOIN {table} ON {alias}.id = j.value {joins} ORDER BY {order_by})",
                       [json.dumps(list(ids))]).fetchone()[0]
    return json.loads(found) if found else []


# The indexes the long lists are written for (issue 11; for the schema's next migration). Each list checks
# for the ones it uses (has_index) and keeps its older queries on a database without them.
def drop_list_indexes(db: sqlite_utils.Database) -> None:
    """Drop the indexes of migration 9 (tests of the lists' older queries, which they take without them)."""
    from gonghui_desk.db.migrations import LARGE_UNION_INDEXES

    for ddl in LARGE_UNION_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {ddl.split()[2]}")
    db.execute("ANALYZE")
    db._gonghui_indexes = None  # read again


def has_index(db: sqlite_utils.Database, name: str) -> bool:
    """Whether the database has the index ``name`` (read once per connection): a query written for an index
    that an older database may lack takes its older form there."""
    names = getattr(db, "_gonghui_indexes", None)
    if names is None:
        names = frozenset(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))
        db._gonghui_indexes = names
    return name in names


__all__ = ["Window", "count_or_ids", "drop_list_indexes", "has_index", "keyset_condition",
           "ordered_ids", "rank", "read_window", "window_ids"]
