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


@pytest.fixture(autouse=True)
def own_instance_key(monkeypatch):
    """run_gui in a test never talks to the developer's running app nor to a parallel test run."""
    import uuid

    monkeypatch.setenv("GONGHUI_DESK_INSTANCE_KEY", f"gonghui-desk-test-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def no_job_left_running(qtbot):
    """For GUI tests that start worker jobs: each test ends only when its jobs have ended."""
    from gonghui_desk.ui.workers import Job

    yield
    qtbot.waitUntil(lambda: not Job._running, timeout=10000)


@pytest.fixture
def ledger(db, store):
    """A hand-made aid ledger: three households (one reopened), payments in every stage, one voided."""
    from gonghui_desk.hardship.aid import AidInput, AidStore
    from gonghui_desk.union import ensure_sub_unit_path
    from tests.test_care_visits import add_member
    from tests.test_hardship_aid import add_file

    units = {"一车间": ensure_sub_unit_path(db, "一车间"),
             "甲班": ensure_sub_unit_path(db, "一车间/甲班", kind="工会小组"),
             "行政部": ensure_sub_unit_path(db, "行政部")}
    members = {"张三": add_member(store, "张三", sub_unit_id=units["甲班"]),
               "李四": add_member(store, "李四", sub_unit_id=units["一车间"]),
               "王五": add_member(store, "王五", sub_unit_id=units["行政部"])}
    files = {}
    files["张三"], family = add_file(db, members["张三"], category="特困",
                                     family=(("张小明", "子女", "110101200801010019"),))
    # 李四's file closed (脱困) and reopened as a new period: one household
    files["李四旧"], _ = add_file(db, members["李四"], status="脱困", opened_on="2024-01-01", closed_on="2026-03-01")
    files["李四"], _ = add_file(db, members["李四"], opened_on="2026-06-01", previous_file_id=files["李四旧"])
    files["王五"], _ = add_file(db, members["王五"])
    aid = AidStore(db, today=TODAY)

    def pay(file: str, aid_type: str, day: str | None, cash: int, *, stage: str = "发放", **values) -> int:
        applied = values.pop("applied_on", day or "2026-10-01")
        payment_id = aid.apply(AidInput(file_id=files[file], aid_type=aid_type, cash_fen=cash, applied_on=applied,
                                        **values))
        if stage in ("审核", "发放"):
            aid.approve(payment_id, applied, "李主席")
        if stage == "发放":
            aid.pay(payment_id, day, "王会计")
        return payment_id

    payments = {
        "living": pay("张三", "生活救助", "2026-01-10", 100000, fund_source="本级经费"),
        "living_again": pay("张三", "生活救助", "2026-05-10", 50000, goods_desc="米面油", goods_value_fen=20000,
                            fund_source="上级帮扶资金"),
        "tuition": pay("张三", "金秋助学", "2026-09-01", 300000, fund_source="社会捐助", school="某某大学",
                       student_family_member_id=family["张小明"], admission_year=2026),
        "old_file": pay("李四旧", "节日送温暖", "2026-01-20", 50000, fund_source="上级帮扶资金"),
        "reopened": pay("李四", "临时救助", "2026-07-01", 80000, fund_source="行政"),
        "applied": pay("王五", "生活救助", None, 100000, stage="申请"),
        "approved": pay("王五", "生活救助", None, 60000, stage="审核"),
        "voided": pay("王五", "临时救助", "2026-04-01", 70000),
        "last_year": pay("张三", "生活救助", "2025-12-20", 40000, fund_source="本级经费"),
    }
    aid.void(payments["voided"], "重复发放，已追回")
    aid.set_signed([payments["living_again"]])
    return {"db": db, "members": members, "files": files, "payments": payments, "units": units}


@pytest.fixture(scope="session")
def school_demo_file(tmp_path_factory):
    """A demo school union (two years of records up to TODAY), made once per run: copy it before writing."""
    from gonghui_desk import demo

    path = tmp_path_factory.mktemp("school_demo") / "demo.sqlite3"
    db = open_database(path)
    demo.generate_demo(db, kind="school", seed=1, today=TODAY)
    db.conn.close()
    return path


@pytest.fixture
def school_demo_context(qtbot, school_demo_file, tmp_path):
    """The app's context on a fresh copy of :func:`school_demo_file`."""
    import shutil

    from gonghui_desk.ui.app_context import AppContext

    path = tmp_path / "demo.sqlite3"
    shutil.copy(school_demo_file, path)
    ctx = AppContext(path)
    yield ctx
    ctx.close()
