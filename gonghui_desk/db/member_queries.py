"""The member list's queries: filters, ordering and paging, all in SQL.

The list model counts the members matching a filter and reads the rows it shows a page at a
time by their position in the order (``window_terms``: ``ORDER BY … LIMIT``, from the nearest page
already read), or, for a short list or a search in name order, keeps their ordered ids; the whole
table is never loaded into the GUI.

Scans (a count, a search) read the ``members_list`` index (:func:`member_source`): every filter
column and the search text are in it, a third of the table's size.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Iterable

import sqlite_utils

from gonghui_desk.dates import add_years
from gonghui_desk.db.batches import iter_query, rows_by_id

AGE_BANDS = {
    "30岁以下": (None, 30),
    "30–39岁": (30, 40),
    "40–49岁": (40, 50),
    "50–59岁": (50, 60),
    "60岁及以上": (60, None),
}

SORT_COLUMNS = {
    "name": "m.name_sort",
    "sex": "m.sex",
    "age": "m.birth_date",  # ascending age = descending birth date; handled below
    "sub_unit": "m.sub_unit_id",
    "id_number": "m.id_number",
    "phone": "m.phone",
    "political_status": "m.political_status",
    "employment_type": "m.employment_type",
    "join_date": "m.join_date",
    "status": "m.status",
    "id": "m.id",
}

# Sort keys whose column can be NULL (see paged_model.keyset_condition).
NULLABLE_SORTS = frozenset({"sex", "age", "sub_unit", "id_number", "join_date"})
# Sort keys whose column is in the members_list index.
LIST_INDEX_SORTS = frozenset({"name", "sex", "age", "sub_unit", "join_date", "status", "id"})

LIST_COLUMNS = ("id", "name", "sex", "birth_date", "sub_unit_id", "id_number", "phone",
                "political_status", "employment_type", "join_date", "status", "is_migrant_worker",
                "model_worker_type", "voided_at")


@dataclass
class MemberFilter:
    search: str = ""
    status: str | tuple[str, ...] | None = None  # one status, several (在册+退休), or None: every status
    voided: bool = False  # True: only voided (mistaken) entries
    sub_unit_ids: tuple[int, ...] | None = None  # a sub-unit and its descendants
    sex: str | None = None
    age_band: str | None = None
    migrant: bool | None = None
    model_worker: bool | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clause(f: MemberFilter, today: dt.date | None = None, *, plus: bool = False) -> tuple[str, list]:
    """The WHERE clause (on ``members m``) of the members matching ``f``, and its parameters.

    ``plus`` writes the filter's columns ``+m.column``, so that SQLite uses no index for them: a page of
    the list then walks the index of its order and stops after the page (a filter matching few members
    is read as a list of ids instead, see ``MemberTableModel``).
    """
    today = today or dt.date.today()
    m = "+m." if plus else "m."
    clauses = ["m.voided_at IS NOT NULL" if f.voided else "m.voided_at IS NULL"]  # as is: the partial indexes
    params: list = []
    for term in f.search.lower().split():
        clauses.append(f"{m}search_text LIKE ? ESCAPE '\\'")
        params.append(f"%{_escape_like(term)}%")
    if isinstance(f.status, tuple):
        clauses.append(f"{m}status IN ({', '.join('?' * len(f.status))})")
        params.extend(f.status)
    elif f.status:
        clauses.append(f"{m}status = ?")
        params.append(f.status)
    if f.sub_unit_ids:
        clauses.append(f"{m}sub_unit_id IN ({', '.join('?' * len(f.sub_unit_ids))})")
        params.extend(f.sub_unit_ids)
    if f.sex:
        clauses.append(f"{m}sex = ?")
        params.append(f.sex)
    if f.age_band:
        low, high = AGE_BANDS[f.age_band]
        # age >= low  <=>  birth_date <= today - low years ; age < high <=> birth_date > today - high years
        if low is not None:
            clauses.append(f"{m}birth_date <= ?")
            params.append(add_years(today, -low).isoformat())
        if high is not None:
            clauses.append(f"{m}birth_date > ?")
            params.append(add_years(today, -high).isoformat())
    if f.migrant is not None:
        clauses.append(f"{m}is_migrant_worker = ?")
        params.append(1 if f.migrant else 0)
    if f.model_worker is not None:
        clauses.append(f"{m}model_worker_type != ''" if f.model_worker else f"{m}model_worker_type = ''")
    return " AND ".join(clauses), params


def member_source(f: MemberFilter, *, order: str = "name") -> str:
    """The FROM clause that scans the members matching ``f`` fastest: the ``members_list`` index (every filter
    column and the search text in a third of the table's size; SQLite would rather scan the table, or walk
    the birth-date index reading the table row by row for an age band) — unless ``f`` picks departments,
    whose index finds their few members, or voided entries, which are not in it. A query that also reads the
    column of an ``order`` not in ``members_list`` scans the table."""
    if f.voided or f.sub_unit_ids:
        return "members m"
    return "members m INDEXED BY members_list" if order in LIST_INDEX_SORTS else "members m NOT INDEXED"


def order_terms(order: str) -> tuple[tuple[str, bool], ...]:
    """The list's order ``order`` ascending as (SQL expression, may be NULL) terms, the last one unique."""
    column = SORT_COLUMNS.get(order, "m.name_sort")
    if column == "m.name_sort":
        return ("m.name_sort", False), ("m.id", False)
    if column == "m.id":
        return (("m.id", False),)
    return (column, order in NULLABLE_SORTS), ("m.name_sort", False), ("m.id", False)


def order_by(order: str, descending: bool) -> str:
    """ORDER BY terms of the list's order (ascending age is descending birth date)."""
    if order == "age":
        descending = not descending
    direction = "DESC" if descending else "ASC"
    return ", ".join(f"{expr} {direction}" for expr, _ in order_terms(order))


def member_ids(db: sqlite_utils.Database, f: MemberFilter, *, order: str = "name",
               descending: bool = False, today: dt.date | None = None) -> list[int]:
    where, params = where_clause(f, today)
    sql = f"SELECT m.id FROM members m WHERE {where} ORDER BY {order_by(order, descending)}"
    return [r[0] for r in db.execute(sql, params).fetchall()]


def scanned_ids(db: sqlite_utils.Database, f: MemberFilter, *, order: str = "name", descending: bool = False,
                today: dt.date | None = None) -> list[int]:
    """:func:`member_ids` read in one scan of :func:`member_source` (its own order when sorted by name; sorted
    after the scan otherwise): what a search in name order costs whatever the number of members found."""
    where, params = where_clause(f, today)
    found = db.execute(f"SELECT json_group_array(id) FROM (SELECT m.id FROM {member_source(f)} WHERE {where} "
                       f"ORDER BY {order_by(order, descending)})", params).fetchone()[0]
    return json.loads(found) if found else []


def count_or_ids(db: sqlite_utils.Database, f: MemberFilter, today: dt.date | None = None, *,
                 limit: int) -> tuple[int, list[int] | None]:
    """The number of members matching ``f``, with their ids (unordered) when there are at most ``limit``:
    one scan of :func:`member_source` (the first ``limit + 1`` matches, then a count when there are more)."""
    where, params = where_clause(f, today)
    source = member_source(f)
    found = json.loads(db.execute(f"SELECT json_group_array(id) FROM (SELECT m.id FROM {source} WHERE {where} "
                                  f"LIMIT {int(limit) + 1})", params).fetchone()[0])
    if len(found) <= limit:
        return len(found), found
    return db.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0], None


def ordered_ids(db: sqlite_utils.Database, ids: Iterable[int], *, order: str = "name",
                descending: bool = False) -> list[int]:
    """``ids`` (members) in the list's order: each row looked up by its key, then sorted (for a few thousand)."""
    found = db.execute(f"SELECT json_group_array(id) FROM (SELECT m.id FROM json_each(?) AS j "
                       f"CROSS JOIN members m ON m.id = j.value ORDER BY {order_by(order, descending)})",
                       [json.dumps(list(ids))]).fetchone()[0]
    return json.loads(found) if found else []


def matching_ids(db: sqlite_utils.Database, f: MemberFilter, today: dt.date | None = None, *,
                 within: Iterable[int] | None = None) -> set[int]:
    """The ids of the members matching ``f``, unordered: one scan of :func:`member_source`, no sort.

    ``within`` restricts the check to these ids (the previous matches when the search text only got
    longer, see :func:`search_narrows`), which reads just those rows.
    """
    where, params = where_clause(f, today)
    if within is not None:
        # CROSS JOIN makes SQLite walk the given ids and look each row up by its key.
        source = "json_each(?) AS j CROSS JOIN members m ON m.id = j.value"
        params = [json.dumps(list(within))] + params
    else:
        source = member_source(f)
    # One JSON array instead of a Python row per member: much cheaper for large results.
    found = db.execute(f"SELECT json_group_array(m.id) FROM {source} WHERE {where}", params).fetchone()[0]
    return set(json.loads(found)) if found else set()


def search_narrows(old_search: str, new_search: str) -> bool:
    """True when every member matching ``new_search`` also matches ``old_search``.

    Every search term must be a substring of the search text (see :func:`where_clause`), so
    this holds when each old term is part of some new term ("zh" → "zhang", "王" → "王 138").
    """
    old_terms, new_terms = old_search.lower().split(), new_search.lower().split()
    return bool(old_terms) and all(any(t in u for u in new_terms) for t in old_terms)


def count_members(db: sqlite_utils.Database, f: MemberFilter, today: dt.date | None = None) -> int:
    where, params = where_clause(f, today)
    return db.execute(f"SELECT count(*) FROM {member_source(f)} WHERE {where}", params).fetchone()[0]


def member_rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    """The list columns of the given members, keyed by id."""
    cols = ", ".join(f"m.{c}" for c in LIST_COLUMNS)
    return rows_by_id(db, f"SELECT {cols} FROM members m", "m.id", ids)


def iter_members(db: sqlite_utils.Database, f: MemberFilter, *, order: str = "name",
                 today: dt.date | None = None, batch: int = 2000):
    """Every full member row matching ``f`` in list order, fetched in batches (for exports)."""
    where, params = where_clause(f, today)
    column = SORT_COLUMNS.get(order, "m.name_sort")
    sql = f"SELECT m.* FROM members m WHERE {where} ORDER BY {column}, m.id"
    return iter_query(db, sql, params, batch=batch)


def status_on_sql(member_column: str, day_param: str = "?") -> str:
    """SQL for a member's status on a day, from the status history (NULL: not yet a member then)."""
    return (f"(SELECT s.new_status FROM member_status_changes s WHERE s.member_id = {member_column} "
            f"AND s.effective_date <= {day_param} ORDER BY s.effective_date DESC, s.id DESC LIMIT 1)")


def off_roll_warnings(db, member_ids: list[int], day: str, chunk: int = 50_000) -> list[str]:
    """One warning per member (in the order given) who was not 在册 on ``day``: "张三在 2026-03-01 尚未入会",
    "李四在 2026-03-01 的会员状态为“退休”" — for records that are allowed but worth a second look."""
    warnings = []
    for start in range(0, len(member_ids), chunk):
        for name, status in db.execute(
                f"""SELECT name, status FROM (
                        SELECT m.name, {status_on_sql('m.id')} AS status, j.key AS position
                        FROM json_each(?) j JOIN members m ON m.id = j.value)
                    WHERE status IS NOT '在册' ORDER BY position""",
                [day, json.dumps(member_ids[start:start + chunk])]):
            warnings.append(f"{name}在 {day} 尚未入会" if status is None
                            else f"{name}在 {day} 的会员状态为“{status}”")
    return warnings


def cached_sub_unit_paths(db: sqlite_utils.Database) -> dict[int, str]:
    """``union.sub_unit_paths(db)`` (do not change it), read again only after something was written to the
    database, by this connection or another: the list pages ask for it on every filter change and page, and
    building it for a thousand sub-units costs some 20 ms."""
    from gonghui_desk.union import sub_unit_paths

    stamp = data_stamp(db)
    cached = getattr(db, "_gonghui_sub_unit_paths", None)
    if cached is None or cached[0] != stamp:
        cached = (stamp, sub_unit_paths(db))
        db._gonghui_sub_unit_paths = cached
    return cached[1]


def data_stamp(db: sqlite_utils.Database) -> tuple[int, int]:
    """A value that changes whenever something is written to the database, by this connection or another:
    what is worked out from the data may be kept until then."""
    conn = db.conn
    return conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]
