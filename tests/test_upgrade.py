"""Upgrade (issue 9): a database written by any earlier schema version opens with today's app, is backed up
beside itself, and is migrated without losing or changing a single row or value.

The old files are made here from the migration history (tests/upgrade_fixtures.py), never committed: a rich
source database at the latest version (the session's school demo, plus what the demo leaves empty written through
the core) is copied into a file made with the first N migrations, for every N from 1 to LATEST_VERSION - 1. A new
migration therefore extends every test below by itself; one that drops, renames or rewrites a column must declare
it in ``upgrade_fixtures.EXPECTED_CHANGES``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

from gonghui_desk.care.ledger import LedgerFilter, ledger_totals
from gonghui_desk.care.occasions import list_cap_groups, save_cap_group
from gonghui_desk.congress.register import ProposalFilter, status_counts
from gonghui_desk.db import open_database
from gonghui_desk.db.connection import APPLICATION_ID
from gonghui_desk.db.member_queries import MemberFilter, count_members
from gonghui_desk.db.migrations import LATEST_VERSION, MIGRATIONS, Migration
from gonghui_desk.events.register import EventFilter, event_totals
from gonghui_desk.form_fill.mappings import SavedMapping, list_mappings, save_mapping
from gonghui_desk.form_fill.sources import ROSTER
from gonghui_desk.hardship.aid_ledger import AidFilter, aid_totals
from gonghui_desk.hardship.register import FileFilter, register_totals
from gonghui_desk.members import STATUSES, MemberStore
from gonghui_desk.reports.builder import build_report_with_stats
from gonghui_desk.reports.drafts import list_drafts, save_draft, update_draft
from gonghui_desk.reports.model import ReportRequest
from gonghui_desk.reports.periods import year_period
from gonghui_desk.settings import (
    min_cosigners, retirement_reminder_months, set_min_cosigners, set_retirement_reminder_months,
)
from gonghui_desk.stats import member_counts
from gonghui_desk.union import load_profile, sub_units
from tests.conftest import TODAY
from tests.upgrade_fixtures import (
    database_at_version, expected_changes_since, lost_or_changed, schema, snapshot, tables, triggers,
)

OLD_VERSIONS = [m.version for m in MIGRATIONS if m.version < LATEST_VERSION]
YEAR = (f"{TODAY.year}-01-01", f"{TODAY.year}-12-31")
STAMP = dt.datetime(2026, 11, 22, 9, 30, 0)

UNFILLED_TABLES: dict[str, str] = {}
"""Tables the source cannot give a row, with the reason; every other table must have rows at every version,
or the no-loss check would silently check nothing for it."""


@functools.cache
def tables_at(version: int) -> frozenset[str]:
    """The tables the first ``version`` migrations create (read from a file made with them)."""
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "schema.sqlite3", migrations=MIGRATIONS[:version])
        try:
            return frozenset(tables(db.conn))
        finally:
            db.conn.close()


# --- the source: every table has rows --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def source_file(school_demo_file, tmp_path_factory) -> Path:
    """The school demo at the latest version, with what the demo leaves empty written through the core."""
    path = tmp_path_factory.mktemp("upgrade_source") / "source.sqlite3"
    shutil.copy(school_demo_file, path)
    db = open_database(path)
    set_retirement_reminder_months(db, 12)  # app_settings
    set_min_cosigners(db, 3)
    save_cap_group(db, "节日慰问品", 220000)  # care_cap_groups
    request = ReportRequest("care", year_period(TODAY.year))  # report_drafts: one saved, then edited
    document, stats = build_report_with_stats(db, request, today=TODAY)
    draft = save_draft(db, request, document, stats=stats)
    edited = "送温暖工作总结（修改稿）"
    update_draft(db, draft, dataclasses.replace(document, title=edited), title=edited)
    save_mapping(db, SavedMapping(  # form_mappings
        name="会员信息采集表", source=ROSTER.key, params={"status": "在册"}, sheet_name="Sheet1", header_row=3,
        headers={1: "姓名", 2: "性别", 3: "出生日期"}, columns={1: "name", 2: "sex", 3: "birth_date"}))
    db.conn.close()
    return path


# Reads of today's code whose answers must not change by upgrading: (what, tables it needs, function of db).
READS = [
    ("会员人数（按状态）", {"members"},
     lambda db: {s: count_members(db, MemberFilter(status=s), TODAY) for s in STATUSES}),
    ("作废会员", {"members"}, lambda db: count_members(db, MemberFilter(voided=True), TODAY)),
    ("首页会员数字", {"members"}, lambda db: member_counts(db, TODAY)),
    ("组织机构", {"sub_units"}, lambda db: [(u.id, u.name, u.parent_id, u.kind) for u in sub_units(db)]),
    ("工会信息", {"union_profile"}, load_profile),
    ("设置", {"app_settings"}, lambda db: (retirement_reminder_months(db), min_cosigners(db))),
    ("慰问合计上限", {"care_cap_groups"}, list_cap_groups),
    ("本年慰问合计", {"visits"}, lambda db: ledger_totals(db, LedgerFilter(*YEAR))),
    ("困难职工档案", {"hardship_files"}, lambda db: register_totals(db, FileFilter(), today=TODAY)),
    ("帮扶合计", {"aid_payments"}, lambda db: aid_totals(db, AidFilter())),
    ("本年活动", {"events"}, lambda db: event_totals(db, EventFilter(*YEAR), today=TODAY)),
    ("提案状态", {"proposals"}, lambda db: status_counts(db, ProposalFilter(), today=TODAY)),
    ("总结草稿", {"report_drafts"}, lambda db: [(d["id"], d["title"], d["saved_at"]) for d in list_drafts(db)]),
    ("表格对应关系", {"form_mappings"}, list_mappings),
]


@pytest.fixture(scope="module")
def source_reads(source_file) -> dict[str, object]:
    db = open_database(source_file)
    try:
        return {what: read(db) for what, _, read in READS}
    finally:
        db.conn.close()


@pytest.fixture(scope="module")
def fresh_file(tmp_path_factory) -> Path:
    """A database created new at the latest version."""
    path = tmp_path_factory.mktemp("upgrade_fresh") / "new.sqlite3"
    open_database(path).conn.close()
    return path


def test_the_source_has_rows_in_every_table_and_the_reads_have_something_to_compare(source_file, source_reads):
    counts = {t: r for t, r in _row_counts(source_file).items() if t not in UNFILLED_TABLES}
    assert set(counts) | set(UNFILLED_TABLES) == tables_at(LATEST_VERSION)
    assert [t for t, n in counts.items() if n == 0] == []
    assert source_reads["本年慰问合计"].total_fen > 0 and source_reads["本年慰问合计"].visits > 0
    by_status = source_reads["会员人数（按状态）"]
    assert by_status["在册"] > 0 and by_status["退休"] > 0
    assert source_reads["困难职工档案"].households > 0 and source_reads["帮扶合计"].cash_fen > 0
    assert source_reads["本年活动"].events > 0 and sum(source_reads["提案状态"].values()) > 0
    assert source_reads["总结草稿"] and source_reads["表格对应关系"] and source_reads["慰问合计上限"]


def _row_counts(path) -> dict[str, int]:
    return {t: len(data["rows"]) for t, data in snapshot(path).items()}


# --- one old file per version, upgraded --------------------------------------------------------------------------
@dataclasses.dataclass
class Upgrade:
    version: int
    path: Path  # the file, migrated to the latest version (copy it before writing)
    before: dict  # its snapshot before the upgrade
    after: dict  # … and after
    application_id: int  # before the upgrade


@pytest.fixture(scope="module", params=OLD_VERSIONS, ids=lambda v: f"v{v}")
def upgrade(request, source_file, tmp_path_factory) -> Upgrade:
    version = request.param
    path = database_at_version(tmp_path_factory.mktemp(f"upgrade_v{version}") / "union.sqlite3", version, source_file)
    before = snapshot(path)
    conn = sqlite3.connect(path)
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    conn.close()
    open_database(path, now=STAMP).conn.close()  # today's app opens it: backs it up, then migrates
    return Upgrade(version, path, before, snapshot(path), application_id)


def test_the_old_file_is_what_that_version_wrote_with_rows_in_every_table(upgrade):
    assert set(upgrade.before) == tables_at(upgrade.version)
    empty = [t for t, data in upgrade.before.items() if not data["rows"] and t not in UNFILLED_TABLES]
    assert empty == [], f"the version-{upgrade.version} fixture has no rows in {empty}: nothing would be checked"
    # the bookkeeping names only that version's tables
    logged = {r["table_name"] for r in upgrade.before["change_log"]["rows"].values()}
    assert logged <= tables_at(upgrade.version)
    assert {r["table_name"] for r in upgrade.before["audited_tables"]["rows"].values()} <= tables_at(upgrade.version)


def test_the_upgrade_keeps_every_row_and_value_and_leaves_a_backup(upgrade):
    version, path = upgrade.version, upgrade.path
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == upgrade.application_id == APPLICATION_ID
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    # no row lost, no value changed, in any table the old version had
    problems = lost_or_changed(upgrade.before, upgrade.after, expected=expected_changes_since(version))
    assert problems == [], f"upgrading a version-{version} file lost or changed:\n" + "\n".join(problems)
    # the tables added since are there
    assert set(upgrade.after) == tables_at(LATEST_VERSION)
    # the old file was copied beside itself first, as it was
    backups = list(path.parent.glob(f"{path.stem}.v{version}-backup-*{path.suffix}"))
    assert [b.name for b in backups] == [f"{path.stem}.v{version}-backup-20261122-093000{path.suffix}"]
    backup = sqlite3.connect(backups[0])
    assert backup.execute("PRAGMA user_version").fetchone()[0] == version
    backup.close()
    assert snapshot(backups[0]) == upgrade.before


def test_the_upgraded_schema_is_that_of_a_new_database(upgrade, fresh_file):
    """A migration that only works on an empty database (or behaves by the data) shows up here."""
    got, want = schema(upgrade.path), schema(fresh_file)
    differing = sorted(k for k in got.keys() | want.keys() if got.get(k) != want.get(k))
    assert differing == [], "\n".join(f"{k}:\n  upgraded: {got.get(k)}\n  new:      {want.get(k)}" for k in differing)


def test_the_change_log_triggers_are_those_of_a_new_database(upgrade, fresh_file):
    got, want = triggers(upgrade.path), triggers(fresh_file)
    assert got == want
    audited = {r["table_name"] for r in upgrade.after["audited_tables"]["rows"].values()}
    assert audited == {r["table_name"] for r in snapshot(fresh_file)["audited_tables"]["rows"].values()}
    assert set(got) == {f"changelog_{t}_{kind}" for t in audited for kind in ("insert", "update", "delete")}
    assert "stats_json" not in got["changelog_report_drafts_update"]  # migration 8


def test_todays_code_reads_the_same_answers_from_the_upgraded_file(upgrade, source_reads):
    db = open_database(upgrade.path)
    try:
        compared = 0
        for what, needs, read in READS:
            if needs <= tables_at(upgrade.version):
                assert read(db) == source_reads[what], what
                compared += 1
    finally:
        db.conn.close()
    assert compared >= 5  # every version has at least the member register's reads


def test_todays_code_writes_to_the_upgraded_file_and_logs_it(upgrade, tmp_path):
    path = tmp_path / "union.sqlite3"
    shutil.copy(upgrade.path, path)
    db = open_database(path)
    try:
        last_log = db.execute("SELECT max(id) FROM change_log").fetchone()[0]
        store = MemberStore(db)
        new_id = store.create({"name": "升级后新会员", "sex": "女", "phone": "13800138000",
                               "join_date": "2026-11-20"})
        existing = db.execute("SELECT min(id) FROM members WHERE status = '在册' AND voided_at IS NULL").fetchone()[0]
        store.update_clean(existing, {"phone": "13900139000"})
        store.change_status(existing, "转出", "2026-11-21", "调往其他学校")
        request = ReportRequest("annual", year_period(TODAY.year))
        document, stats = build_report_with_stats(db, request, today=TODAY)
        draft = save_draft(db, request, document, stats=stats)
        logged = [(table, record, action, new) for table, record, action, new in db.execute(
            "SELECT table_name, record_id, action, new_values FROM change_log WHERE id > ? ORDER BY id", [last_log])]
        assert [(t, a) for t, r, a, _ in logged if t == "members"] == [("members", "insert"), ("members", "update"),
                                                                      ("members", "status")]
        assert [r for t, r, _, _ in logged if t == "members"] == [str(new_id), str(existing), str(existing)]
        assert [a for t, _, a, _ in logged if t == "member_status_changes"] == ["insert", "insert"]
        drafts = [json.loads(new) for t, r, _, new in logged if t == "report_drafts"]
        assert len(drafts) == 1 and "document_json" in drafts[0] and "stats_json" not in drafts[0]
        assert store.get(new_id)["name"] == "升级后新会员" and store.get(existing)["status"] == "转出"
        assert draft in [d["id"] for d in list_drafts(db)]
    finally:
        db.conn.close()


# --- the oldest file in the whole app -----------------------------------------------------------------------------
@pytest.fixture
def oldest_file(source_file, tmp_path) -> Path:
    return database_at_version(tmp_path / "union.sqlite3", 1, source_file)


def test_a_version_1_file_gives_a_summary_report_and_opens_in_the_main_window(
        qtbot, oldest_file, source_file, no_job_left_running):
    from gonghui_desk.ui.app import create_main_window, setup_application
    from gonghui_desk.ui.app_context import AppContext

    request = ReportRequest("annual", year_period(TODAY.year))
    source = open_database(source_file)
    want_doc, want = build_report_with_stats(source, request, today=TODAY)
    on_roll = member_counts(source, TODAY)["on_roll"]
    source.conn.close()

    setup_application()
    ctx = AppContext(oldest_file)  # the app itself migrates the file on opening it
    try:
        assert ctx.db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        doc, got = build_report_with_stats(ctx.db, request, today=TODAY)
        assert doc.title == want_doc.title and doc.signer == load_profile(ctx.db).name != ""
        # the organisation and members part counts from version-1 tables only: the same figures as on the source
        own = {k: s for k, s in want.items() if k.startswith("self.") and (not s.table or s.table in tables_at(1))}
        assert len(own) > 10 and own["self.members_end"].value > 0
        assert {k: got[k] for k in own} == own
        assert "care.visits.times" not in got  # no care visits existed at version 1: that part is left out

        window = create_main_window(ctx)
        qtbot.addWidget(window)
        window.show()
        home = window.home_view
        assert home.name_label.text() == load_profile(ctx.db).name
        assert home.figure_texts()["在册会员"] == f"{on_roll}人"
        window.show_page("members")
        assert window.current_page_key() == "members"
        window.close()
    finally:
        ctx.close()


# --- the checker itself -----------------------------------------------------------------------------------------
def test_the_check_names_a_lost_row_and_a_changed_value(source_file, tmp_path):
    """A deliberately bad migration: the no-loss check must say what it lost, row by row."""
    path = database_at_version(tmp_path / "union.sqlite3", LATEST_VERSION, source_file)
    before = snapshot(path)
    visit, lost_visit = min(before["visits"]["rows"]), max(before["visits"]["rows"])
    history = max(before["member_status_changes"]["rows"])

    def careless(conn):
        conn.execute("DELETE FROM visits WHERE id = ?", [lost_visit])
        conn.execute("DELETE FROM member_status_changes WHERE id = ?", [history])
        conn.execute("UPDATE visits SET cash_fen = cash_fen + 1 WHERE id = ?", [visit])

    open_database(path, migrations=[*MIGRATIONS, Migration(LATEST_VERSION + 1, "careless", careless)]).conn.close()
    after = snapshot(path)
    problems = lost_or_changed(before, after)
    cash = before["visits"]["rows"][visit]["cash_fen"]
    assert problems == [f"member_status_changes: row {history!r} lost",
                        f"visits.cash_fen of row {visit!r}: {cash!r} became {cash + 1!r}",
                        f"visits: row {lost_visit!r} lost"]
    # a change declared for that migration is not reported
    assert not any(p.startswith("visits.") for p in lost_or_changed(
        before, after, expected={"visits": {"cash_fen": "rounded to whole yuan"}}))
