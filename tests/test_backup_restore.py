"""Checking a backup and restoring from it: the live file changes only as a whole, and only after it was copied."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import time

import pytest

from gonghui_desk import backup
from gonghui_desk.backup import (AUTOMATIC, BEFORE_RESTORE, BEFORE_UPGRADE, MANUAL, backup_now, inspect_backup,
                                 list_all_backups, list_backups, restore_backup, rotate)
from gonghui_desk.db import open_database
from gonghui_desk.db.migrations import LATEST_VERSION, MIGRATIONS
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.members import MemberStore
from gonghui_desk.paths import backups_dir_for
from gonghui_desk.union import UnionProfile, save_profile
from tests.upgrade_fixtures import database_at_version, snapshot

NOW = dt.datetime(2026, 11, 22, 9, 30, 0)


@pytest.fixture
def live(tmp_path):
    """A closed live database with a profile and three members (one transferred out, one voided)."""
    path = tmp_path / "data" / "union.sqlite3"
    db = open_database(path)
    save_profile(db, UnionProfile(name="测试中学工会委员会", kind="学校"))
    store = MemberStore(db)
    store.create({"name": "张三", "sex": "男"})
    store.create({"name": "李四", "sex": "女"}, status="转出")
    voided = store.create({"name": "错录", "sex": "男"})
    store.void(voided, "录错了")
    db.conn.close()
    return path


def add_members(path, *names):
    db = open_database(path)
    store = MemberStore(db)
    for name in names:
        store.create({"name": name, "sex": "女"})
    db.conn.close()


def work_folders(path):
    return [p.name for p in path.parent.iterdir() if backup.WORK_PREFIX in p.name]


def live_files(path):
    """The live file's bytes (and its -wal's, if one is left)."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def integrity(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0], conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


# --- inspect ---------------------------------------------------------------------------------------------------
def test_inspect_reports_what_a_backup_holds_without_touching_it(live, tmp_path):
    copy = backup_now(live, tmp_path / "usb" / "备份.sqlite3")
    before = copy.read_bytes()
    info = inspect_backup(copy)
    assert info.ok and info.problems == []
    assert info.path == copy and info.size_bytes == len(before) and not info.encrypted
    assert info.modified.date() == dt.date.today()
    assert info.schema_version == LATEST_VERSION == info.latest_version
    assert not info.needs_migration and not info.too_new
    assert info.integrity_ok and info.integrity_message == "通过"
    assert info.union_name == "测试中学工会委员会"
    assert info.counts == {"在册会员": 1, "全部会员": 2, "慰问记录": 0, "困难职工档案": 0, "帮扶记录": 0, "活动": 0,
                           "荣誉": 0, "提案": 0, "工作总结草稿": 0}
    assert copy.read_bytes() == before
    assert sorted(p.name for p in copy.parent.iterdir()) == ["备份.sqlite3"]  # no -wal, -shm or journal made


def test_inspect_a_live_database_copied_with_its_wal(live, tmp_path):
    """A database copied while another program had it open: what sits in its -wal counts, and neither file
    is changed."""
    db = open_database(live)
    db.conn.execute("PRAGMA wal_autocheckpoint = 0")
    MemberStore(db).create({"name": "王五", "sex": "男"})
    try:
        before = live_files(live)
        assert before[1]  # the new member is only in the -wal
        info = inspect_backup(live)
        assert info.ok and info.counts["全部会员"] == 3
        assert live_files(live) == before
    finally:
        db.conn.close()


def test_inspect_an_old_version_says_it_will_be_upgraded(tmp_path, school_demo_file):
    old = database_at_version(tmp_path / "old.sqlite3", 3, school_demo_file)
    info = inspect_backup(old)
    assert info.ok and info.schema_version == 3 and info.needs_migration and not info.too_new
    assert set(info.counts) == {"在册会员", "全部会员", "慰问记录", "困难职工档案", "帮扶记录"}  # no 活动 at version 3
    assert info.counts["全部会员"] > 100 and info.counts["慰问记录"] > 0
    assert info.union_name


def corrupt(path, target):
    shutil.copy(path, target)
    data = bytearray(target.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle:middle + 4096] = b"\x5a" * 4096  # one whole page in the middle overwritten
    target.write_bytes(bytes(data))
    return target


def too_new(path, target):
    shutil.copy(path, target)
    conn = sqlite3.connect(target)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    return target


def other_app(target):
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('hello')")
    conn.commit()
    conn.close()
    return target


BAD_FILES = {
    "corrupt": ("文件已损坏", lambda live, folder: corrupt(big_backup(live, folder), folder / "corrupt.sqlite3")),
    "not sqlite": ("不是本软件的数据库文件（不是 SQLite 数据库）",
                   lambda live, folder: write(folder / "名单.sqlite3", "姓名,电话\n张三,13800000000\n" * 50)),
    "empty": ("不是本软件的数据库文件（文件是空的）", lambda live, folder: write(folder / "empty.sqlite3", "")),
    "other app": ("不是本软件的数据库文件（是其他软件的数据库）", lambda live, folder: other_app(folder / "other.sqlite3")),
    "too new": (f"由更新版本的基层工会工作台创建（结构版本 {LATEST_VERSION + 1}，本程序只支持到 {LATEST_VERSION}）",
                lambda live, folder: too_new(live, folder / "new.sqlite3")),
    "missing": ("找不到备份文件", lambda live, folder: folder / "nowhere.sqlite3"),
}


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def big_backup(live, folder):
    add_members(live, *(f"会员{i:03d}" for i in range(400)))
    return backup_now(live, folder / "big.sqlite3")


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_backup_is_listed_with_its_problem_and_never_restored(live, tmp_path, kind):
    expected, make = BAD_FILES[kind]
    folder = tmp_path / "usb"
    folder.mkdir()
    bad = make(live, folder)
    info = inspect_backup(bad)
    assert not info.ok and any(expected in problem for problem in info.problems), info.problems
    if kind == "too new":
        assert info.too_new and info.schema_version == LATEST_VERSION + 1
    if kind == "corrupt":
        assert not info.integrity_ok and info.integrity_message
    before = live_files(live)
    with pytest.raises(UserError) as raised:
        restore_backup(live, bad, now=NOW)
    assert "无法从该备份恢复" in str(raised.value) and expected in str(raised.value)
    assert live_files(live) == before
    assert not backups_dir_for(live).exists() or not list(backups_dir_for(live).iterdir())  # no safety copy
    assert work_folders(live) == []


# --- restore ---------------------------------------------------------------------------------------------------
def test_restore_round_trip(live, tmp_path):
    copy = backup_now(live, tmp_path / "usb" / "备份.sqlite3")
    at_backup = snapshot(copy)
    add_members(live, "王五", "赵六")
    db = open_database(live)
    save_profile(db, UnionProfile(name="改过的名称", kind="学校"))
    db.conn.close()
    before_restore = snapshot(live)
    assert before_restore != at_backup
    steps = []

    result = restore_backup(live, copy, now=NOW, progress=lambda done, total, text: steps.append(text))

    assert snapshot(live) == at_backup  # every table, change log included, exactly as in the backup
    assert integrity(live) == ("ok", LATEST_VERSION)
    assert result.from_version == LATEST_VERSION and result.info.counts["全部会员"] == 2
    assert result.safety_copy == backups_dir_for(live) / "union-恢复前-20261122-093000.sqlite3"
    assert snapshot(result.safety_copy) == before_restore
    assert integrity(result.safety_copy)[0] == "ok"
    assert "正在备份当前数据…" in steps and "正在写入数据库…" in steps and steps[-1] == "恢复完成"
    assert work_folders(live) == []
    assert copy.exists()  # the backup itself is left as it was
    # the app opens it as usual, in WAL mode, and can write to it
    db = open_database(live)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r[0] for r in db.execute("SELECT name FROM members WHERE voided_at IS NULL ORDER BY id")] == ["张三", "李四"]
    MemberStore(db).create({"name": "恢复后新增", "sex": "男"})
    db.conn.close()
    # a second restore the same second gets its own safety copy
    again = restore_backup(live, copy, now=NOW)
    assert again.safety_copy.name == "union-恢复前-20261122-093000-2.sqlite3"
    assert [e.kind for e in list_all_backups(live)] == [BEFORE_RESTORE, BEFORE_RESTORE]


def test_restore_from_an_older_version_migrates(live, tmp_path, school_demo_file):
    old = database_at_version(tmp_path / "旧版备份.sqlite3", 3, school_demo_file)
    old_rows = snapshot(old)
    result = restore_backup(live, old, now=NOW)
    assert result.from_version == 3 and result.info.needs_migration
    assert integrity(live) == ("ok", LATEST_VERSION)
    restored = snapshot(live)
    for table in ("members", "visits", "hardship_files", "aid_payments"):
        assert restored[table]["rows"] == old_rows[table]["rows"]
    assert "events" in restored and "proposals" in restored  # the later versions' tables are there
    assert sorted(p.name for p in live.parent.iterdir()) == ["backups", "union.sqlite3"]  # no upgrade copy left
    assert snapshot(old) == old_rows


def test_restore_from_a_file_made_by_the_first_three_migrations(live, tmp_path):
    old_path = tmp_path / "v3.sqlite3"
    db = open_database(old_path, migrations=MIGRATIONS[:3])
    db.conn.execute("INSERT INTO members (name, sex, status) VALUES ('老会员', '男', '在册')")
    db.conn.execute("INSERT INTO members (name, sex, status) VALUES ('退休会员', '女', '退休')")
    db.conn.execute("INSERT INTO members (name, sex, status) VALUES ('调走的', '女', '转出')")
    db.conn.close()
    info = inspect_backup(old_path)
    assert info.schema_version == 3 and info.counts["在册会员"] == 2 and info.counts["全部会员"] == 3  # 退休 on the roll
    restore_backup(live, old_path, now=NOW)
    db = open_database(live)
    assert [r[0] for r in db.execute("SELECT name FROM members ORDER BY id")] == ["老会员", "退休会员", "调走的"]
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    db.conn.close()


@pytest.mark.parametrize("page_size", [1024, 8192, 65536])
def test_restore_a_backup_with_another_page_size_into_a_wal_database(live, tmp_path, page_size):
    copy = backup_now(live, tmp_path / "copy.sqlite3")
    conn = sqlite3.connect(copy)
    conn.execute(f"PRAGMA page_size = {page_size}")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == page_size
    conn.close()
    at_backup = snapshot(copy)
    add_members(live, "王五")
    restore_backup(live, copy, now=NOW)
    assert snapshot(live) == at_backup
    conn = sqlite3.connect(live)
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_a_failure_while_writing_leaves_the_live_file_as_it_was(live, tmp_path, monkeypatch):
    copy = big_backup(live, tmp_path)  # 400 members more: many pages to write
    add_members(live, "王五")
    before_bytes = live_files(live)
    before = snapshot(live)
    calls = []

    def half_way(work, live_conn, progress):
        def fail_after_some_pages(status, remaining, total):
            calls.append(remaining)
            if len(calls) == 3:
                raise OSError("磁盘已满")

        work.backup(live_conn, pages=4, progress=fail_after_some_pages)  # raising in it aborts the copy

    monkeypatch.setattr(backup, "_copy_into_live", half_way)
    with pytest.raises(UserError, match="恢复失败，当前数据未作改动：磁盘已满"):
        restore_backup(live, copy, now=NOW)
    assert len(calls) == 3 and calls[-1] > 0  # it stopped with pages still to write
    assert live.read_bytes() == before_bytes[0]
    assert snapshot(live) == before and integrity(live) == ("ok", LATEST_VERSION)
    assert work_folders(live) == []
    # the copy of the current data made before writing is there, and equal to it
    (safety,) = [e.path for e in list_all_backups(live) if e.kind == BEFORE_RESTORE]
    assert snapshot(safety) == before


def test_a_failure_raised_by_the_backup_step_is_a_user_error(live, tmp_path, monkeypatch):
    copy = backup_now(live, tmp_path / "copy.sqlite3")
    add_members(live, "王五")
    before = live_files(live)

    def broken(*args):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(backup, "_copy_into_live", broken)
    with pytest.raises(UserError, match="当前数据未作改动：disk I/O error"):
        restore_backup(live, copy, now=NOW)
    assert live_files(live) == before
    assert work_folders(live) == []


def test_cancelling_before_the_write_changes_nothing(live, tmp_path):
    copy = backup_now(live, tmp_path / "copy.sqlite3")
    add_members(live, "王五")
    before = live_files(live)
    texts = []
    with pytest.raises(Cancelled):
        restore_backup(live, copy, now=NOW, progress=lambda d, t, text: texts.append(text),
                       is_cancelled=lambda: "正在检查升级后的数据…" in texts)
    assert live_files(live) == before
    assert not backups_dir_for(live).exists()  # cancelled before the safety copy
    assert work_folders(live) == []


def test_restore_refuses_while_the_database_is_being_written(live, tmp_path, monkeypatch):
    copy = backup_now(live, tmp_path / "copy.sqlite3")
    monkeypatch.setattr(backup, "_connect", lambda path: sqlite3.connect(str(path), isolation_level=None, timeout=0.2))
    monkeypatch.setattr(backup, "LOCK_WAIT_SECONDS", 0.5)  # Python's backup loop alone would wait for ever
    before = live_files(live)
    holder = sqlite3.connect(live, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(UserError, match="数据库正被使用"):
            restore_backup(live, copy, now=NOW)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert live_files(live) == before
    assert work_folders(live) == []


def test_restore_onto_a_new_computer(tmp_path, live):
    copy = backup_now(live, tmp_path / "usb" / "copy.sqlite3")
    new_path = tmp_path / "new-pc" / "gonghui.sqlite3"
    result = restore_backup(new_path, copy, now=NOW)
    assert result.safety_copy is None
    assert snapshot(new_path) == snapshot(copy) and integrity(new_path) == ("ok", LATEST_VERSION)
    # a refused restore onto a new place leaves nothing there
    other = tmp_path / "other-pc" / "gonghui.sqlite3"
    with pytest.raises(UserError):
        restore_backup(other, write(tmp_path / "junk.sqlite3", "junk"), now=NOW)
    assert not other.exists()


def test_restore_from_the_live_file_itself_is_refused(live):
    with pytest.raises(UserError, match="正在使用的数据库文件本身"):
        restore_backup(live, live)


def test_leftovers_are_removed_at_start_and_by_the_next_restore(live, tmp_path):
    leftover = live.parent / f".union{backup.WORK_PREFIX}abc123"  # a restore killed half-way
    leftover.mkdir()
    (leftover / "restore.sqlite3").write_bytes(b"decrypted data")
    inspected = live.parent / f".inspect{backup.WORK_PREFIX}def456"  # a check of a backup killed half-way
    inspected.mkdir()
    folder = backups_dir_for(live)
    folder.mkdir()
    part = folder / "union-2026-11-20.sqlite3.part"  # an automatic backup killed before its rename
    part.write_bytes(b"a plain copy")
    (folder / "union-2026-11-20.sqlite3.part-journal").write_bytes(b"")
    recent = live.parent / f".union{backup.WORK_PREFIX}now"  # a command line backing up beside the window now
    recent.mkdir()
    old = time.time() - backup.LEFTOVER_AGE_SECONDS - 5
    for item in (leftover, inspected, part):
        os.utime(item, (old, old))
    keep = {p.name for p in folder.iterdir()} - {part.name}

    backup.auto_backup_if_due(live, today=dt.date(2026, 11, 22))  # the next start: only what is an hour old
    assert not leftover.exists() and not inspected.exists() and not part.exists() and recent.exists()
    assert keep <= {p.name for p in folder.iterdir()}

    copy = backup_now(live, tmp_path / "copy.sqlite3")
    restore_backup(live, copy, now=NOW)  # a restore holds the database: it removes every left-over
    assert work_folders(live) == []


# --- encrypted backups -----------------------------------------------------------------------------------------
def test_encrypted_backup_restores_only_with_its_password(live, tmp_path):
    sealed = backup_now(live, tmp_path / "usb" / "备份.ghbak", password="工会2026")
    assert sealed.read_bytes().startswith(b"GONGHUI-BACKUP\x00")
    assert "张三".encode() not in sealed.read_bytes()
    assert sorted(p.name for p in live.parent.iterdir()) == ["union.sqlite3"]  # no plain copy left behind
    assert sorted(p.name for p in sealed.parent.iterdir()) == ["备份.ghbak"]

    info = inspect_backup(sealed)
    assert info.encrypted and info.needs_password and not info.ok and info.counts == {}
    assert info.problems == ["需要密码：这是加密的备份，请输入备份时设置的密码"]
    info = inspect_backup(sealed, password="工会2025")
    assert info.wrong_password and info.problems == ["密码不对，或备份文件已被改动"]
    info = inspect_backup(sealed, password="工会2026")
    assert info.ok and info.counts["全部会员"] == 2 and info.union_name == "测试中学工会委员会"

    add_members(live, "王五")
    before = live_files(live)
    with pytest.raises(UserError, match="密码不对，或备份文件已被改动"):
        restore_backup(live, sealed, password="工会2025", now=NOW)
    with pytest.raises(UserError, match="需要密码"):
        restore_backup(live, sealed, now=NOW)
    assert live_files(live) == before and work_folders(live) == []
    result = restore_backup(live, sealed, password="工会2026", now=NOW)
    assert result.info.encrypted
    db = open_database(live)
    assert [r[0] for r in db.execute("SELECT name FROM members WHERE voided_at IS NULL ORDER BY id")] == ["张三", "李四"]
    db.conn.close()
    assert work_folders(live) == []


def test_backup_now_refuses_an_empty_password(live, tmp_path):
    with pytest.raises(UserError, match="请设置密码"):
        backup_now(live, tmp_path / "x.ghbak", password="")
    assert not (tmp_path / "x.ghbak").exists()


def test_a_cancelled_encrypted_backup_leaves_nothing(live, tmp_path):
    with pytest.raises(Cancelled):
        backup_now(live, tmp_path / "usb" / "x.ghbak", password="pw", is_cancelled=lambda: True)
    assert not (tmp_path / "usb").exists() or not list((tmp_path / "usb").iterdir())
    assert work_folders(live) == []


# --- the list of backups and the rotation ----------------------------------------------------------------------
def test_rotation_never_deletes_copies_made_before_a_restore_or_an_upgrade(live, tmp_path):
    folder = backups_dir_for(live)
    folder.mkdir()
    for i in range(40):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i * 3)
        shutil.copy(live, folder / f"union-{day.isoformat()}.sqlite3")
    safety = [folder / "union-恢复前-20260105-101500.sqlite3", folder / "union-恢复前-20250105-101500-2.sqlite3"]
    for path in safety:
        shutil.copy(live, path)
    upgrade_copy = live.with_name("union.v3-backup-20250101-080000.sqlite3")
    shutil.copy(live, upgrade_copy)
    manual = folder / "测试中学工会委员会-备份-20260301.sqlite3"
    shutil.copy(live, manual)
    removed = rotate(live)
    assert removed and all(p.name.startswith("union-2") for p in removed)
    assert all(p.exists() for p in [*safety, upgrade_copy, manual])
    assert len(list_backups(live)) <= 19
    # restores go on making safety copies, and the daily backup's rotation leaves them too
    result = restore_backup(live, manual, now=NOW)
    backup.auto_backup_if_due(live, today=dt.date(2026, 12, 31))
    assert result.safety_copy.exists() and all(p.exists() for p in safety)

    entries = list_all_backups(live)
    kinds = {e.path.name: e.kind for e in entries}
    assert kinds["union-恢复前-20260105-101500.sqlite3"] == BEFORE_RESTORE
    assert kinds["union-恢复前-20250105-101500-2.sqlite3"] == BEFORE_RESTORE
    assert kinds["union.v3-backup-20250101-080000.sqlite3"] == BEFORE_UPGRADE
    assert kinds["测试中学工会委员会-备份-20260301.sqlite3"] == MANUAL
    assert kinds["union-2026-12-31.sqlite3"] == AUTOMATIC
    assert [e.made for e in entries] == sorted((e.made for e in entries), reverse=True)
    by_name = {e.path.name: e for e in entries}
    assert by_name["union-恢复前-20260105-101500.sqlite3"].made == dt.datetime(2026, 1, 5, 10, 15)
    assert by_name["union.v3-backup-20250101-080000.sqlite3"].made == dt.datetime(2025, 1, 1, 8, 0)
    assert by_name["union-2026-12-31.sqlite3"].made.date() == dt.date(2026, 12, 31)
    assert by_name["union-2026-12-31.sqlite3"].size_bytes == (folder / "union-2026-12-31.sqlite3").stat().st_size


def test_default_backup_name():
    day = dt.date(2026, 11, 22)
    assert backup.default_backup_name("测试中学工会委员会", "gonghui", today=day) == "测试中学工会委员会-备份-20261122.sqlite3"
    assert backup.default_backup_name("", "gonghui", today=day, encrypted=True) == "gonghui-备份-20261122.ghbak"
    assert backup.default_backup_name('A/B:工会?', "gonghui", today=day) == "AB工会-备份-20261122.sqlite3"


# --- the command line ------------------------------------------------------------------------------------------
def test_command_line_backup_and_restore(live, tmp_path, capsys):
    from gonghui_desk.cli import main

    secret = tmp_path / "pw.txt"
    secret.write_text("工会2026\n", encoding="utf-8")
    sealed = tmp_path / "usb" / "备份.ghbak"
    assert main(["backup", "--db", str(live), "-o", str(sealed), "--password-file", str(secret)]) == 0
    assert "已加密" in capsys.readouterr().out and sealed.exists()
    at_backup = snapshot(live)
    add_members(live, "王五")

    before = live_files(live)
    assert main(["restore", "--db", str(live), str(sealed)]) == 1  # no password: the problem, nothing changed
    err = capsys.readouterr().err
    assert "需要密码" in err and "当前数据未作改动" in err
    assert main(["restore", "--db", str(live), str(sealed), "--password-file", str(secret)]) == 2  # not confirmed
    out, err = capsys.readouterr()
    assert "完整性检查：通过" in out and "记录数：在册会员 1，全部会员 2" in out and "--yes" in err
    assert live_files(live) == before

    assert main(["restore", "--db", str(live), str(sealed), "--password-file", str(secret), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "恢复前的数据已另存为" in out
    assert snapshot(live) == at_backup
    assert not live.with_name(live.name + ".lock").exists()  # the command's lock was released


def test_restore_over_a_damaged_live_file(live, tmp_path):
    """Restoring is what a damaged database needs: the damaged file is kept as the safety copy."""
    copy = big_backup(live, tmp_path)
    at_backup = snapshot(copy)
    damaged = corrupt(live, tmp_path / "damaged.sqlite3")
    shutil.copy(damaged, live)
    result = restore_backup(live, copy, now=NOW)
    assert snapshot(live) == at_backup and integrity(live) == ("ok", LATEST_VERSION)
    assert result.safety_copy.stat().st_size == damaged.stat().st_size
    # a file that is not a database at all cannot be written into: say what to do, keep it
    live.write_bytes(b"garbage" * 1000)
    with pytest.raises(UserError, match="当前数据库文件已严重损坏.*改名或移到别处"):
        restore_backup(live, copy, now=NOW)
    assert live.read_bytes() == b"garbage" * 1000
    assert (backups_dir_for(live) / "union-恢复前-20261122-093000-2.sqlite3").read_bytes() == b"garbage" * 1000
    assert work_folders(live) == []
