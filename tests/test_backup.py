import datetime as dt
import sqlite3

from gonghui_desk.backup import auto_backup_if_due, backup_now, backups_to_keep, list_backups, rotate
from gonghui_desk.paths import backups_dir_for


def test_auto_backup_once_a_day(db_path, store):
    store.create({"name": "张三"})
    first = auto_backup_if_due(db_path, today=dt.date(2026, 11, 22))
    assert first is not None and first.parent == backups_dir_for(db_path)
    assert auto_backup_if_due(db_path, today=dt.date(2026, 11, 22)) is None
    copy = sqlite3.connect(first)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT name FROM members").fetchall() == [("张三",)]
    copy.close()
    assert auto_backup_if_due(db_path, today=dt.date(2026, 11, 23)) is not None


def test_rotation_keeps_seven_daily_and_twelve_monthly():
    start = dt.date(2025, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range(700)]
    keep = backups_to_keep(days)
    newest = sorted(days)[-7:]
    assert set(newest) <= keep
    months = {(d.year, d.month) for d in keep}
    assert len(months) == 12
    assert len(keep) <= 7 + 12
    # the monthly copy is the last one of its month
    for d in keep - set(newest):
        assert (d + dt.timedelta(days=1)).month != d.month


def test_rotate_deletes_only_files_outside_the_rotation(db_path, db, tmp_path):
    folder = backups_dir_for(db_path)
    folder.mkdir()
    for i in range(40):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i * 3)
        (folder / f"{db_path.stem}-{day.isoformat()}.sqlite3").write_bytes(b"x")
    (folder / "keep-me.txt").write_text("not ours")
    removed = rotate(db_path)
    assert removed
    remaining = list_backups(db_path)
    assert len(remaining) <= 19
    assert (folder / "keep-me.txt").exists()


def test_backup_now_copies_a_live_database(db_path, store, tmp_path):
    store.create({"name": "王五"})
    target = backup_now(db_path, tmp_path / "usb" / "copy.sqlite3")
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM members").fetchone()[0] == 1
    copy.close()


def test_backup_now_reports_progress_and_cancels_without_leaving_a_file(db_path, store, tmp_path, monkeypatch):
    import pytest

    from gonghui_desk.db import connection
    from gonghui_desk.errors import Cancelled

    monkeypatch.setattr(connection, "BACKUP_STEP_PAGES", 2)  # a small file still takes several steps
    store.db.conn.executemany("INSERT INTO members (name) VALUES (?)", [(f"会员{i:05d}" * 20,) for i in range(400)])
    store.db.conn.commit()
    steps = []
    target = backup_now(db_path, tmp_path / "done.sqlite3", progress=lambda d, t, text: steps.append((d, t)))
    assert len(steps) > 3 and steps[-1] == (1, 1)
    page_steps = [d for d, t in steps if t > 1]
    assert page_steps == sorted(page_steps) and len(set(t for _, t in steps if t > 1)) == 1
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM members").fetchone()[0] == 400
    copy.close()

    calls = []

    def cancel_after_two_steps():
        calls.append(1)
        return len(calls) > 3

    cancelled = tmp_path / "usb" / "cancelled.sqlite3"
    with pytest.raises(Cancelled):
        backup_now(db_path, cancelled, is_cancelled=cancel_after_two_steps)
    assert len(calls) > 3  # it was asked between the copy's steps, not only before starting
    assert not cancelled.exists() and not cancelled.with_name(cancelled.name + ".part").exists()
