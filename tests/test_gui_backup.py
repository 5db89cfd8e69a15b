"""The 备份与恢复 page: the list of backups, 立即备份… (optionally encrypted), and a restore that is checked,
confirmed, run on a worker and reopens the window on the restored data."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gonghui_desk import backup
from gonghui_desk.backup_crypto import is_encrypted
from gonghui_desk.db import open_database
from gonghui_desk.db.migrations import LATEST_VERSION, MIGRATIONS
from gonghui_desk.paths import backups_dir_for
from gonghui_desk.ui.app import create_main_window, setup_application
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.backup_view import BackupView
from gonghui_desk.union import UnionProfile, save_profile

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(qtbot, profiled_db, db_path):
    ctx = AppContext(db_path)
    ctx.members.create({"name": "张三", "sex": "男"})
    ctx.members.create({"name": "李四", "sex": "女"})
    ctx.members.create({"name": "王五", "sex": "女"}, status="退休")
    yield ctx
    ctx.close()


@pytest.fixture
def window(qtbot, context):
    setup_application()
    win = create_main_window(context)
    qtbot.addWidget(win)
    win.show()
    yield win
    if win.context is not context:  # a restore opened the database again
        win.context.close()


@pytest.fixture
def page(window) -> BackupView:
    window.show_page("backups")
    return window.backup_view


def save_to(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(path), "")))


def names(ctx):
    return [r[0] for r in ctx.db.execute("SELECT name FROM members WHERE voided_at IS NULL ORDER BY id")]


def wait_dialog(qtbot, page, attribute):
    qtbot.waitUntil(lambda: getattr(page, attribute) is not None and getattr(page, attribute).isVisible(),
                    timeout=15000)
    return getattr(page, attribute)


def message_boxes(window, title):
    return [box for box in window.findChildren(QMessageBox) if box.windowTitle() == title and box.isVisible()]


# --- the page and its list ---------------------------------------------------------------------------------------
def test_the_page_is_last_and_lists_every_kind_of_backup(window, db_path, qtbot):
    assert window.page_keys()[-1] == "backups"
    assert window.navigation.item(window.navigation.count() - 1).text() == "备份与恢复"
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index("从备份恢复…") == texts.index("立即备份…") + 1
    backup.auto_backup_if_due(db_path, today=dt.date(2026, 11, 21))
    folder = backups_dir_for(db_path)
    shutil.copy(db_path, folder / "union-恢复前-20261120-081500.sqlite3")
    shutil.copy(db_path, db_path.with_name("union.v7-backup-20261001-100000.sqlite3"))
    window.show_page("backups")
    page = window.backup_view
    model = page.model
    rows = {model.index(r, 1).data(): [model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())}
    assert [model.headerData(c, Qt.Horizontal) for c in range(4)] == ["日期时间", "文件名", "大小", "类型"]
    assert rows["union-2026-11-21.sqlite3"][3] == "自动备份"
    assert rows["union-恢复前-20261120-081500.sqlite3"][:1] == ["2026-11-20 08:15"]
    assert rows["union-恢复前-20261120-081500.sqlite3"][3] == "恢复前的备份"
    assert rows["union.v7-backup-20261001-100000.sqlite3"][3] == "升级前的备份"
    assert all(row[2].endswith(" KB") for row in rows.values())
    assert model.index(0, 1).data() == "union-2026-11-21.sqlite3"  # newest first
    assert "不加密" in page.automatic_label.text()
    assert not page.restore_button.isEnabled()
    page.table.selectRow(0)
    assert page.restore_button.isEnabled() and page.selected_entry().kind == "自动备份"
    opened = []
    monkeypatch_open = pytest.MonkeyPatch()
    monkeypatch_open.setattr("gonghui_desk.ui.backup_view.open_folder", lambda path: opened.append(path))
    page.folder_button.click()
    monkeypatch_open.undo()
    assert opened == [folder / "union-2026-11-21.sqlite3"]


def test_an_empty_list_says_how_backups_are_made(page):
    assert page.model.rowCount() == 0 and page.stack.currentIndex() == 1
    assert "立即备份" in page.empty.text()


# --- back up now -------------------------------------------------------------------------------------------------
def test_back_up_now_from_the_file_menu(window, tmp_path, qtbot, monkeypatch):
    target = tmp_path / "usb" / "备份.sqlite3"
    save_to(monkeypatch, target)
    window.backup_action.trigger()
    assert window.current_page_key() == "backups"
    dialog = window.backup_view.backup_dialog
    assert dialog.isVisible() and not dialog.password_edit.isEnabled()
    dialog.accept()
    qtbot.waitUntil(lambda: "已备份到" in window.statusBar().currentMessage(), timeout=10000)
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM members").fetchone()[0] == 3
    copy.close()
    assert "另存到U盘" in window.backup_view.done_box.text()


def test_the_default_name_is_the_unions(page, monkeypatch):
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, start, kinds: asked.append((start, kinds)) or ("", "")))
    page.back_up_now().accept()
    today = dt.date.today().strftime("%Y%m%d")
    assert asked[0][0].endswith(f"测试中学工会委员会-备份-{today}.sqlite3")
    dialog = page.back_up_now()
    dialog.encrypt_check.setChecked(True)
    dialog.password_edit.setText("pw")
    dialog.confirm_edit.setText("pw")
    dialog.accept()
    assert asked[1][0].endswith(f"测试中学工会委员会-备份-{today}.ghbak") and "*.ghbak" in asked[1][1]


def test_an_encrypted_backup_needs_the_password_twice(page, tmp_path, qtbot, monkeypatch):
    save_to(monkeypatch, tmp_path / "usb" / "加密备份")  # no suffix typed: .ghbak is added
    dialog = page.back_up_now()
    dialog.encrypt_check.setChecked(True)
    assert dialog.password_edit.isEnabled() and "无法恢复" in dialog.rule_label.text()
    dialog.accept()
    assert dialog.isVisible() and dialog.error_label.text() == "请设置密码"
    dialog.password_edit.setText("工会2026")
    dialog.confirm_edit.setText("工会2025")
    dialog.accept()
    assert dialog.isVisible() and dialog.error_label.text() == "两次输入的密码不一致"
    dialog.confirm_edit.setText("工会2026")
    dialog.accept()
    target = tmp_path / "usb" / "加密备份.ghbak"
    qtbot.waitUntil(lambda: page.done_box is not None, timeout=15000)
    assert is_encrypted(target) and "刚才设置的密码" in page.done_box.text()
    info = backup.inspect_backup(target, password="工会2026")
    assert info.ok and info.counts["全部会员"] == 3


# --- restore -----------------------------------------------------------------------------------------------------
def test_the_confirmation_shows_the_check_and_the_counts(page, window, tmp_path, qtbot):
    copy = backup.backup_now(window.context.db_path, tmp_path / "copy.sqlite3")
    window.context.members.create({"name": "赵六", "sex": "男"})
    page.restore_from(copy)
    dialog = wait_dialog(qtbot, page, "restore_dialog")
    assert dialog.fields["文件"].text() == str(copy)
    assert dialog.fields["完整性检查"].text() == "通过"
    assert dialog.fields["结构版本"].text() == f"{LATEST_VERSION}（与本程序相同）"
    assert dialog.fields["工会名称"].text() == "测试中学工会委员会"
    shown = dialog.counts_shown()
    assert shown["在册会员"] == ("3", "4") and shown["全部会员"] == ("3", "4") and shown["慰问记录"] == ("0", "0")
    assert dialog.restore_button.isEnabled() and not dialog.problems_label.isVisible()
    dialog.reject()
    assert names(window.context) == ["张三", "李四", "王五", "赵六"]


def test_a_bad_file_cannot_be_restored(page, tmp_path, qtbot, monkeypatch):
    junk = tmp_path / "名单.sqlite3"
    junk.write_text("姓名,电话\n" * 100, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kwargs: (str(junk), "")))
    page.other_button.click()
    dialog = wait_dialog(qtbot, page, "restore_dialog")
    assert not dialog.restore_button.isEnabled()
    assert dialog.problems_label.isVisible() and "不是本软件的数据库文件" in dialog.problems_label.text()
    assert dialog.fields["完整性检查"].text() == "未检查"
    dialog.accept()  # refused: stays open
    assert dialog.isVisible()
    dialog.reject()


def test_an_older_backup_says_it_will_be_upgraded(page, tmp_path, qtbot):
    old = tmp_path / "old.sqlite3"
    db = open_database(old, migrations=MIGRATIONS[:3])
    db.conn.execute("INSERT INTO members (name, sex) VALUES ('老会员', '男')")
    db.conn.close()
    page.restore_from(old)
    dialog = wait_dialog(qtbot, page, "restore_dialog")
    assert dialog.fields["结构版本"].text() == f"3（恢复时将自动升级到版本 {LATEST_VERSION}）"
    assert dialog.counts_shown()["活动"] == ("—", "0")  # no such table at version 3
    assert dialog.restore_button.isEnabled()
    dialog.reject()


def test_restore_through_the_page_reopens_the_window_on_the_restored_data(page, window, db_path, tmp_path, qtbot):
    copy = backup.backup_now(db_path, tmp_path / "copy.sqlite3")
    window.context.members.create({"name": "赵六", "sex": "男"})
    window.context.members_changed.emit()
    old_context = window.context
    assert window.count_label.text() == "在册会员 4 人"
    window.backup_view.refresh()
    page.restore_from(copy)
    dialog = wait_dialog(qtbot, page, "restore_dialog")
    dialog.accept()
    run = window.last_restore
    qtbot.waitUntil(lambda: run.finished, timeout=20000)
    assert run.error is None and run.result is not None
    assert window.context is not old_context and window.context.db_path == db_path
    assert names(window.context) == ["张三", "李四", "王五"]
    assert window.count_label.text() == "在册会员 3 人"
    assert window.current_page_key() == "backups"
    assert "恢复前的数据已另存为" in run.box.text() and str(run.result.safety_copy) in run.box.text()
    kinds = [e.kind for e in window.backup_view.model.entries]
    assert "恢复前的备份" in kinds  # the new page lists the copy of what was there before
    safety = sqlite3.connect(run.result.safety_copy)
    assert safety.execute("SELECT count(*) FROM members").fetchone()[0] == 4
    safety.close()
    # the window works on the restored file: write and read through the new context
    window.context.members.create({"name": "恢复后", "sex": "男"})
    assert names(window.context)[-1] == "恢复后"
    assert not [p for p in db_path.parent.iterdir() if backup.WORK_PREFIX in p.name]


def test_an_encrypted_backup_asks_its_password_until_it_is_right(page, window, db_path, tmp_path, qtbot):
    sealed = backup.backup_now(db_path, tmp_path / "usb" / "备份.ghbak", password="工会2026")
    window.context.members.create({"name": "赵六", "sex": "男"})
    page.restore_from(sealed)
    asked = wait_dialog(qtbot, page, "password_dialog")
    assert not asked.ok_button.isEnabled() and not asked.error_label.isVisible()
    asked.password_edit.setText("工会2025")
    asked.accept()
    qtbot.waitUntil(lambda: page.password_dialog is not asked and page.password_dialog.isVisible(), timeout=15000)
    again = page.password_dialog
    assert again.error_label.text() == "密码不对，或备份文件已被改动"
    again.password_edit.setText("工会2026")
    again.accept()
    dialog = wait_dialog(qtbot, page, "restore_dialog")
    assert dialog.fields["大小"].text().endswith("（已加密）")
    assert dialog.counts_shown()["全部会员"] == ("3", "4")
    dialog.accept()
    run = window.last_restore
    qtbot.waitUntil(lambda: run.finished, timeout=20000)
    assert run.error is None and names(window.context) == ["张三", "李四", "王五"]


def test_a_failed_restore_reopens_the_unchanged_database(page, window, db_path, tmp_path, qtbot, monkeypatch):
    copy = backup.backup_now(db_path, tmp_path / "copy.sqlite3")
    window.context.members.create({"name": "赵六", "sex": "男"})

    def broken(*args):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(backup, "_copy_into_live", broken)
    old_context = window.context
    page.start_restore(copy)
    run = window.last_restore
    qtbot.waitUntil(lambda: run.finished, timeout=20000)
    assert run.result is None and "当前数据未作改动" in str(run.error)
    assert window.context is not old_context
    assert names(window.context) == ["张三", "李四", "王五", "赵六"]
    assert window.count_label.text() == "在册会员 4 人"
    boxes = message_boxes(window, "恢复失败")
    assert boxes and "disk I/O error" in boxes[0].text()
    assert "当前数据未作改动" in window.statusBar().currentMessage()


def test_a_restore_of_another_unions_file_changes_the_title(page, window, tmp_path, qtbot):
    other = tmp_path / "other.sqlite3"
    db = open_database(other)
    save_profile(db, UnionProfile(name="第二工会", kind="企业"))
    db.conn.close()
    page.start_restore(other)
    run = window.last_restore
    qtbot.waitUntil(lambda: run.finished, timeout=20000)
    assert run.error is None
    assert window.windowTitle().endswith("第二工会")
    assert window.count_label.text() == "在册会员 0 人"
