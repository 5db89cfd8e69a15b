"""interrupt_on_cancel: a cancel stops a long SQLite statement itself, not only the work after it."""

import sqlite3

import pytest

from gonghui_desk.errors import Cancelled
from gonghui_desk.jobs import interrupt_on_cancel

LONG_QUERY = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n WHERE i < 1e12"


def test_a_cancel_stops_a_running_statement_and_the_connection_stays_usable():
    conn = sqlite3.connect(":memory:")
    asked = []

    def cancelled_after_a_few_asks():
        asked.append(1)
        return len(asked) > 5

    with pytest.raises(Cancelled):
        with interrupt_on_cancel(conn, cancelled_after_a_few_asks, every=1000):
            conn.execute(LONG_QUERY).fetchone()  # would run for hours
    assert 6 <= len(asked) <= 7  # asked while the statement ran; it stopped at the first yes (and checked it)
    assert conn.execute("SELECT 40 + 2").fetchone() == (42,)
    asked.clear()
    conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
                 "SELECT count(*) FROM n").fetchone()
    assert asked == []  # the handler is gone after the block


def test_without_a_cancel_the_statement_and_other_errors_are_untouched():
    conn = sqlite3.connect(":memory:")
    with interrupt_on_cancel(conn, lambda: False, every=100):
        assert conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) "
                            "SELECT count(*) FROM n").fetchone() == (50000,)
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        with interrupt_on_cancel(conn, lambda: False):
            conn.execute("SELECT * FROM missing")
    with interrupt_on_cancel(conn, None):
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_report_cancelled_mid_query_stops_at_once(tmp_path):
    """The report builder runs its sections under interrupt_on_cancel: a cancel during the first section's
    queries raises Cancelled from inside the query."""
    import datetime as dt

    from gonghui_desk import modules
    from gonghui_desk.db import open_database
    from gonghui_desk.demo import generate_demo
    from gonghui_desk.reports.builder import build_report
    from gonghui_desk.reports.model import ReportRequest
    from gonghui_desk.reports.periods import year_period

    modules.load()
    db = open_database(tmp_path / "demo.sqlite3")
    generate_demo(db, kind="school", seed=3, today=dt.date(2025, 12, 31))
    asked = []
    with pytest.raises(Cancelled):
        build_report(db, ReportRequest("annual", year_period(2025)), today=dt.date(2026, 1, 10),
                     is_cancelled=lambda: asked.append(1) or len(asked) > 3)
    assert 4 <= len(asked) <= 5  # it stopped at the first yes
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] > 0  # the connection still works
    db.conn.close()
