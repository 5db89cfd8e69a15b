import sqlite3

import pytest

from gonghui_desk.db import DatabaseTooNewError, NotOurDatabaseError, open_database, transaction
from gonghui_desk.db import changelog
from gonghui_desk.db.migrations import LATEST_VERSION, MIGRATIONS, Migration


def test_new_database_has_pragmas_and_latest_version(db):
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "members" in db.table_names()


def test_newer_file_is_refused_and_left_untouched(db_path):
    open_database(db_path).conn.close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNewError, match="更新版本"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE something (x)")
    conn.close()
    with pytest.raises(NotOurDatabaseError):
        open_database(other)


def test_non_sqlite_file_is_refused(tmp_path):
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(NotOurDatabaseError, match="不是 SQLite"):
        open_database(bogus)


def test_older_file_is_backed_up_beside_itself_before_migrating(db_path):
    db = open_database(db_path)
    db.execute("INSERT INTO members(name) VALUES ('张三')")
    db.conn.close()

    def add_column(conn):
        conn.execute("ALTER TABLE members ADD COLUMN shoe_size INTEGER")
        changelog.install_triggers(conn, "members")

    extended = MIGRATIONS + [Migration(LATEST_VERSION + 1, "test", add_column)]
    migrated = open_database(db_path, migrations=extended)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION + 1
    backups = list(db_path.parent.glob(f"{db_path.stem}.v{LATEST_VERSION}-backup-*.sqlite3"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert old.execute("SELECT name FROM members").fetchall() == [("张三",)]
    old.close()
    # the refreshed triggers log the new column
    migrated.execute("UPDATE members SET shoe_size = 42")
    last = changelog.entries_for(migrated.conn, "members", 1)[-1]
    assert last["changes"] == {"shoe_size": (None, 42)}
    migrated.conn.close()


def test_failed_migration_leaves_the_file_at_its_old_version(db_path):
    open_database(db_path).conn.close()

    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        open_database(db_path, migrations=MIGRATIONS + [Migration(LATEST_VERSION + 1, "broken", broken)])
    db = open_database(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert "half_done" not in db.table_names()
    db.conn.close()


def test_transaction_rolls_back_everything_on_error(db):
    with pytest.raises(ValueError):
        with transaction(db) as conn:
            conn.execute("INSERT INTO members(name) VALUES ('甲')")
            with transaction(db) as inner:  # nested use joins the outer transaction
                inner.execute("INSERT INTO members(name) VALUES ('乙')")
            raise ValueError
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 0


def test_change_log_records_insert_update_status_and_void(store, db):
    member_id = store.create({"name": "张三", "phone": "13800138000"})
    store.update(member_id, {"phone": "13900139000"})
    store.change_status(member_id, "转出", "2026-03-01", "调往其他学校")
    store.void(member_id, "重复录入")
    entries = changelog.entries_for(db.conn, "members", member_id)
    assert [e["action"] for e in entries] == ["insert", "update", "status", "void"]
    assert entries[1]["changes"] == {"phone": ("13800138000", "13900139000")}
    assert entries[2]["changes"]["status"] == ("在册", "转出")
    assert entries[0]["changed_at"][:4].isdigit()
    # the status history rows are logged as well
    assert db.execute("SELECT count(*) FROM change_log WHERE table_name = 'member_status_changes'").fetchone()[0] == 2


def test_saving_unchanged_values_logs_nothing(store, db):
    member_id = store.create({"name": "李四"})
    count = db.execute("SELECT count(*) FROM change_log").fetchone()[0]
    assert store.update(member_id, {"name": "李四"}) == {}
    assert db.execute("SELECT count(*) FROM change_log").fetchone()[0] == count
