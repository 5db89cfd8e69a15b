"""The change log, kept by the data layer itself.

Every audited table gets three SQLite triggers that write one ``change_log`` row per
insert, update and void/status change, with the whole old and new row as JSON. Because
the triggers live in the database, every writer (screens, importers, the command line,
later modules) is logged without doing anything. A migration that adds a column calls
:func:`install_triggers` again and the triggers pick the new column up.
"""

from __future__ import annotations

import json
import sqlite3

# Columns that are derived from others and would only add noise to the log.
IGNORED_COLUMNS = {"search_text", "name_sort", "updated_at", "created_at"}
# … and per table: a report draft's figures (stats_json) are recounted from the records and can list every
# member's id — megabytes in a large union, logged twice on every save; the draft's text is logged.
TABLE_IGNORED_COLUMNS = {"report_drafts": {"stats_json"}}

NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')"


def audited_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT table_name FROM audited_tables ORDER BY table_name").fetchall()
    return [r[0] for r in rows]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _json_row(prefix: str, columns: list[str]) -> str:
    parts = ", ".join(f"'{c}', {prefix}.\"{c}\"" for c in columns)
    return f"json_object({parts})"


def install_triggers(conn: sqlite3.Connection, table: str) -> None:
    """(Re)create the change-log triggers of ``table`` from its current columns."""
    conn.execute("INSERT OR IGNORE INTO audited_tables(table_name) VALUES (?)", (table,))
    ignored = IGNORED_COLUMNS | TABLE_IGNORED_COLUMNS.get(table, set())
    columns = [c for c in _columns(conn, table) if c not in ignored]
    old_json, new_json = _json_row("OLD", columns), _json_row("NEW", columns)
    key = "id" if "id" in columns else columns[0]
    if "voided_at" in columns and "status" in columns:
        action = ("CASE WHEN OLD.voided_at IS NOT NEW.voided_at THEN "
                  "CASE WHEN NEW.voided_at IS NULL THEN 'restore' ELSE 'void' END "
                  "WHEN OLD.status IS NOT NEW.status THEN 'status' ELSE 'update' END")
    elif "voided_at" in columns:
        action = ("CASE WHEN OLD.voided_at IS NOT NEW.voided_at THEN "
                  "CASE WHEN NEW.voided_at IS NULL THEN 'restore' ELSE 'void' END ELSE 'update' END")
    elif "status" in columns:
        action = "CASE WHEN OLD.status IS NOT NEW.status THEN 'status' ELSE 'update' END"
    else:
        action = "'update'"
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
    for kind in ("insert", "update", "delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS changelog_{table}_{kind}")
    conn.execute(
        f"""CREATE TRIGGER changelog_{table}_insert AFTER INSERT ON {table} BEGIN
            INSERT INTO change_log(changed_at, table_name, record_id, action, old_values, new_values)
            VALUES ({NOW_SQL}, '{table}', NEW."{key}", 'insert', NULL, {new_json});
        END"""
    )
    conn.execute(
        f"""CREATE TRIGGER changelog_{table}_update AFTER UPDATE ON {table}
        WHEN {changed} BEGIN
            INSERT INTO change_log(changed_at, table_name, record_id, action, old_values, new_values)
            VALUES ({NOW_SQL}, '{table}', NEW."{key}", {action}, {old_json}, {new_json});
        END"""
    )
    conn.execute(
        f"""CREATE TRIGGER changelog_{table}_delete AFTER DELETE ON {table} BEGIN
            INSERT INTO change_log(changed_at, table_name, record_id, action, old_values, new_values)
            VALUES ({NOW_SQL}, '{table}', OLD."{key}", 'delete', {old_json}, NULL);
        END"""
    )


def refresh_all_triggers(conn: sqlite3.Connection) -> None:
    for table in audited_tables(conn):
        install_triggers(conn, table)


def entries_for(conn: sqlite3.Connection, table: str, record_id) -> list[dict]:
    """The change log of one record, oldest first, with the JSON decoded and the diff computed."""
    rows = conn.execute(
        "SELECT id, changed_at, action, old_values, new_values FROM change_log "
        "WHERE table_name = ? AND record_id = ? ORDER BY id",
        (table, record_id),
    ).fetchall()
    result = []
    for row_id, changed_at, action, old, new in rows:
        old_values = json.loads(old) if old else {}
        new_values = json.loads(new) if new else {}
        changes = {
            k: (old_values.get(k), new_values.get(k))
            for k in sorted(set(old_values) | set(new_values))
            if old_values.get(k) != new_values.get(k)
        }
        result.append({"id": row_id, "changed_at": changed_at, "action": action,
                       "old": old_values, "new": new_values, "changes": changes})
    return result
