"""Shared fixtures. GUI tests run offscreen; no test may block on a modal dialog."""

from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gonghui_desk import modules  # noqa: E402
from gonghui_desk.db import open_database  # noqa: E402
from gonghui_desk.members import MemberStore  # noqa: E402
from gonghui_desk.union import UnionProfile, save_profile  # noqa: E402

modules.load()  # as the app does at start: every module's history, figure and demo providers

TODAY = dt.date(2026, 11, 22)

# Valid 18-digit ID numbers for tests (check characters computed by GB 11643).
VALID_IDS = {
    "man_1985": "110101198503070013",
    "woman_1990": "110101199001011229",
    "man_1965": "320102196501150016",
    "woman_lower_x": "11010519491231002x",
}


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "union.sqlite3"


@pytest.fixture
def db(db_path):
    database = open_database(db_path)
    yield database
    database.conn.close()


@pytest.fixture
def store(db):
    return MemberStore(db)


@pytest.fixture
def profiled_db(db):
    save_profile(db, UnionProfile(name="测试中学工会委员会", kind="学校", upstream_union="某县教育工会"))
    return db


@pytest.fixture
def empty_context(qtbot, db_path):
    """The GUI's context on a new database (no profile, no members)."""
    from gonghui_desk.ui.app_context import AppContext

    ctx = AppContext(db_path)
    yield ctx
    ctx.close()


@pytest.fixture
def context(empty_context):
    """Test modules that need members or a profile override this fixture."""
    return empty_context


@pytest.fixture
def no_job_left_running(qtbot):
    """For GUI tests that start worker jobs: each test ends only when its jobs have ended."""
    from gonghui_desk.ui.workers import Job

    yield
    qtbot.waitUntil(lambda: not Job._running, timeout=10000)
