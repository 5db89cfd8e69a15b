"""Databases as earlier versions of the app wrote them, made from the migration history (no binary files
committed), and the snapshots that tell whether an upgrade lost or changed anything.

:func:`database_at_version` makes a file with the first ``version`` migrations (exactly the schema that version
of the app created, its seeded rows included) and fills every table with the rows of a rich source database at
the latest version, for the columns that exist at that version. Everything is read from ``sqlite_master`` and
``PRAGMA table_info``, so a new migration gets its fixtures without anything written here — unless it drops,
renames or rewrites a column, which it must then declare in :data:`EXPECTED_CHANGES`.

:func:`snapshot` reads every table of a file (all columns, all rows by primary key); :func:`lost_or_changed`
lists, in words, each row or value of an old snapshot that is missing or different in a newer one;
:func:`schema` is a file's schema in a form that two files can be compared by.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from gonghui_desk.db import open_database
from gonghui_desk.db.migrations import MIGRATIONS

EXPECTED_CHANGES: dict[int, dict[str, dict[str, str]]] = {}
"""What a migration deliberately drops, renames or rewrites, so the upgrade tests stop comparing it:
``{migration version: {table: {column: why}}}``, with ``"*"`` as the column for a whole table dropped or renamed.
A file older than that version is then compared without those columns. Empty: every migration so far (1–8)
only adds tables, indexes, triggers and seeded rows."""

MAX_REPORTED = 5  # differences listed per table before "… and N more"


# --- reading a file ------------------------------------------------------------------------------------------
def connect(path: str | Path) -> sqlite3.Connection:
    """A plain connection for reading a fixture (no migration: ``open_database`` would upgrade it)."""
    return sqlite3.connect(str(path), isolation_level=None)


def tables(conn: sqlite3.Connection, schema: str = "main") -> list[str]:
    """The app's tables (SQLite's own ``sqlite_…`` tables left out), by name."""
    return [r[0] for r in conn.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name")]


def columns(conn: sqlite3.Connection, table: str, schema: str = "main") -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA {schema}.table_info("{table}")')]


def _key_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The primary key's columns in key order; the rowid when there is none."""
    info = sorted((r[5], r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")') if r[5])
    return [f'"{name}"' for _, name in info] or ["rowid"]


def snapshot(path: str | Path) -> dict[str, dict]:
    """``{table: {"columns": [...], "rows": {primary key: {column: value}}}}`` of every table of the file."""
    conn = connect(path)
    try:
        result = {}
        for table in tables(conn):
            names = columns(conn, table)
            keys = _key_columns(conn, table)
            selected = ", ".join([*keys, *(f'"{c}"' for c in names)])
            cursor = conn.execute(f'SELECT {selected} FROM "{table}" ORDER BY {", ".join(keys)}')
            rows = {}
            for row in cursor:
                key = row[:len(keys)]
                rows[key[0] if len(key) == 1 else key] = dict(zip(names, row[len(keys):]))
            result[table] = {"columns": names, "rows": rows}
        return result
    finally:
        conn.close()


def _normal(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def schema(path: str | Path) -> dict[str, object]:
    """The file's schema, normalised: each table's columns (name, type, not null, default, primary key position)
    and SQL, each index's and trigger's SQL (with the table it belongs to), and the version pragmas."""
    conn = connect(path)
    try:
        result: dict[str, object] = {
            "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
            "application_id": conn.execute("PRAGMA application_id").fetchone()[0],
        }
        for kind, name, table, sql in conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                "ORDER BY type, name"):
            entry = {"table": table, "sql": _normal(sql)}
            if kind == "table":
                entry["columns"] = [tuple(r[1:]) for r in conn.execute(f'PRAGMA table_info("{name}")')]
            result[f"{kind} {name}"] = entry
        return result
    finally:
        conn.close()


def triggers(path: str | Path) -> dict[str, str]:
    """``{trigger name: normalised SQL}``."""
    conn = connect(path)
    try:
        return {name: _normal(sql) for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")}
    finally:
        conn.close()


# --- the fixtures --------------------------------------------------------------------------------------------
def database_at_version(path: str | Path, version: int, source: str | Path) -> Path:
    """A new file at ``path`` as version ``version`` of the app would have it, full of ``source``'s rows.

    The schema is made by ``open_database`` with ``MIGRATIONS[:version]``; then, in one transaction, every table
    that exists at that version gets ``source``'s rows (for the columns that exist at that version) in place of
    what the migrations seeded. The triggers are dropped for the copy and made again from their own SQL, so the
    copy does not log itself, and foreign keys are off during it (``PRAGMA foreign_key_check`` must then be
    empty). A table with a ``table_name`` column (``audited_tables``, ``change_log``) keeps only the rows that
    name a table of that version: a version-1 file never logged a care visit.
    """
    path = Path(path)
    open_database(path, migrations=MIGRATIONS[:version]).conn.close()
    conn = connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("ATTACH DATABASE ? AS source", (str(source),))
        present = tables(conn)
        in_source = set(tables(conn, "source"))
        saved_triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                      "ORDER BY rowid").fetchall()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for name, _ in saved_triggers:
                conn.execute(f'DROP TRIGGER "{name}"')
            for table in present:
                conn.execute(f'DELETE FROM main."{table}"')
                if table not in in_source:
                    continue  # removed later: EXPECTED_CHANGES says so, and it stays empty here
                shared = [c for c in columns(conn, table) if c in set(columns(conn, table, "source"))]
                names = ", ".join(f'"{c}"' for c in shared)
                where = ""
                if "table_name" in shared:
                    where = f"WHERE table_name IN ({', '.join('?' * len(present))})"
                conn.execute(f'INSERT INTO main."{table}" ({names}) SELECT {names} FROM source."{table}" {where} '
                             f'ORDER BY {", ".join(_key_columns(conn, table))}',
                             present if where else ())
            for _, sql in saved_triggers:
                conn.execute(sql)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("DETACH DATABASE source")
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        assert not broken, f"the version-{version} fixture breaks foreign keys: {broken[:MAX_REPORTED]}"
    finally:
        conn.close()
    return path


# --- comparing -----------------------------------------------------------------------------------------------
def expected_changes_since(version: int) -> dict[str, dict[str, str]]:
    """The declared drops and rewrites of the migrations after ``version``, merged by table."""
    merged: dict[str, dict[str, str]] = {}
    for later, changes in sorted(EXPECTED_CHANGES.items()):
        if later > version:
            for table, cols in changes.items():
                merged.setdefault(table, {}).update(cols)
    return merged


def lost_or_changed(old: dict[str, dict], new: dict[str, dict], *,
                    expected: dict[str, dict[str, str]] | None = None) -> list[str]:
    """Each table, column, row or value of ``old`` that ``new`` lost or changed, in words (empty: nothing).
    Rows ``new`` has in addition (seeded by a later migration) are fine; ``expected`` (see
    :func:`expected_changes_since`) names the columns not to compare."""
    expected = expected or {}
    problems: list[str] = []
    for table, before in old.items():
        skip = expected.get(table, {})
        if "*" in skip:
            continue
        after = new.get(table)
        if after is None:
            problems.append(f"{table}: the table is gone ({len(before['rows'])} rows)")
            continue
        compared = [c for c in before["columns"] if c not in skip]
        gone = [c for c in compared if c not in after["columns"]]
        if gone:
            problems.append(f"{table}: columns gone: {', '.join(gone)}")
            compared = [c for c in compared if c not in gone]
        found = []
        for key, row in before["rows"].items():
            now = after["rows"].get(key)
            if now is None:
                found.append(f"{table}: row {key!r} lost")
                continue
            found += [f"{table}.{c} of row {key!r}: {row[c]!r} became {now[c]!r}"
                      for c in compared if row[c] != now[c] or type(row[c]) is not type(now[c])]
        problems += found[:MAX_REPORTED]
        if len(found) > MAX_REPORTED:
            problems.append(f"{table}: … and {len(found) - MAX_REPORTED} more")
    return problems
