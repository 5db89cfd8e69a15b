"""The officer's preferences kept in the database (``app_settings``), so they travel with the file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gonghui_desk.db.connection import transaction

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils

RETIREMENT_REMINDER_MONTHS = "reminders.retirement_months"
DEFAULT_RETIREMENT_REMINDER_MONTHS = 6


def get_setting(db: sqlite_utils.Database | sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM app_settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(db: sqlite_utils.Database | sqlite3.Connection, key: str, value: str) -> None:
    with transaction(db) as conn:
        conn.execute("INSERT INTO app_settings(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, str(value)))


def retirement_reminder_months(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    """How many months ahead the home page lists statutory retirements (1–36, default 6)."""
    try:
        months = int(get_setting(db, RETIREMENT_REMINDER_MONTHS, DEFAULT_RETIREMENT_REMINDER_MONTHS))
    except ValueError:
        return DEFAULT_RETIREMENT_REMINDER_MONTHS
    return min(max(months, 1), 36)


def set_retirement_reminder_months(db: sqlite_utils.Database | sqlite3.Connection, months: int) -> None:
    set_setting(db, RETIREMENT_REMINDER_MONTHS, str(min(max(int(months), 1), 36)))


MIN_COSIGNERS = "proposals.min_cosigners"
DEFAULT_MIN_COSIGNERS = 2


def min_cosigners(db: sqlite_utils.Database) -> int:
    """How many co-signers (附议人) a delegate's proposal should have before it is filed without a warning
    (0–20, default 2)."""
    try:
        count = int(get_setting(db, MIN_COSIGNERS, DEFAULT_MIN_COSIGNERS))
    except ValueError:
        return DEFAULT_MIN_COSIGNERS
    return min(max(count, 0), 20)


def set_min_cosigners(db: sqlite_utils.Database, count: int) -> None:
    set_setting(db, MIN_COSIGNERS, str(min(max(int(count), 0), 20)))
