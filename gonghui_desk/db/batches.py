"""Reading many rows without holding a whole table: rows by id in chunks, and a query in batches.

The paged list models ask for the rows of the ids on screen (:func:`rows_by_id`); exports and
printouts walk a whole filtered query (:func:`iter_query`). Both turn each row into a dict and
pass it through the caller's ``shape`` (adding a sub-unit path, computed figures…).
"""

from __future__ import annotations

from typing import Callable, Iterator, Sequence

import sqlite_utils

ID_CHUNK = 500  # ids per "IN (…)": well under SQLite's limit of bound parameters
BATCH = 2000  # rows fetched at a time while iterating

Shape = Callable[[dict], dict]


def _same(row: dict) -> dict:
    return row


def rows_by_id(db: sqlite_utils.Database, select_sql: str, id_column: str, ids: Sequence[int],
               shape: Shape = _same) -> dict[int, dict]:
    """``{id: shape(row)}`` for the rows of ``select_sql`` (a SELECT without WHERE) whose
    ``id_column`` (e.g. ``"v.id"``) is one of ``ids``; each row must have an ``id`` column."""
    result: dict[int, dict] = {}
    ids = list(ids)
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        for row in db.query(f"{select_sql} WHERE {id_column} IN ({', '.join('?' * len(chunk))})", chunk):
            result[row["id"]] = shape(row)
    return result


def iter_query(db: sqlite_utils.Database, sql: str, params: Sequence | dict = (), shape: Shape = _same, *,
               batch: int = BATCH) -> Iterator[dict]:
    """Every row of ``sql`` as ``shape(dict)``, fetched ``batch`` rows at a time."""
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    while rows := cursor.fetchmany(batch):
        for row in rows:
            yield shape(dict(zip(names, row)))
