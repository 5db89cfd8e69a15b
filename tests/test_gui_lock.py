"""The app password on screen (gonghui_desk/ui/lock_screen.py, ui/privacy_dialog.py): the prompt at start and
when switching databases, the idle lock that hides every window until the password is typed, five wrong tries
and a wait, and 设置 → 密码与隐私…. No test runs a modal dialog: ``lock_screen.run_dialog`` is answered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QWidget

from gonghui_desk.privacy import (auto_lock_minutes, check_app_password, has_app_password, set_app_password,
                                  set_auto_lock_minutes)
from gonghui_desk.ui import app as app_module
from gonghui_desk.ui import lock_screen
from gonghui_desk.ui.app import create_main_window, run_gui, setup_application
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.lock_screen import IdleLock, LockScreen, PasswordDialog, UnlockPanel, ask_password
from gonghui_desk.ui.main_window import MainWindow
from gonghui_desk.ui.privacy_dialog import PrivacyDialog
from gonghui_desk.union import UnionProfile, save_profile

PASSWORD = "ghmm2026"

pytestmark = pytest.mark.usefixtures("no_job_left_running")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def context(qtbot, profiled_db, db_path):
    set_app_password(profiled_db, PASSWORD)
    ctx = AppContext(db_path)
    ctx.members.create({"name": "张三", "id_number": "110101198503070013", "phone": "13800138000"})
    yield ctx
    ctx.close()


@pytest.fixture
def window(qtbot, context, monkeypatch):
    monkeypatch.setattr(MainWindow, "start_auto_backup", lambda self, today=None: None)
    setup_application()
    win = create_main_window(context)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def answer(monkeypatch, password: str | None):
    """Let ``run_dialog`` type ``password`` and press 解锁 (None: press 退出程序/取消); the dialogs asked kept."""
    asked = []

    def run(dialog):
        asked.append(dialog)
        if password is None:
            dialog.panel.quit_button.click()
        else:
            dialog.panel.password_edit.setText(password)
            dialog.panel.unlock_button.click()
        return dialog.result()

    monkeypatch.setattr(lock_screen, "run_dialog", run)
    return asked


def type_into(panel: UnlockPanel, text: str) -> bool:
    panel.password_edit.setText(text)
    return panel.try_unlock()


# --- the panel and the dialog ------------------------------------------------------------------------------
def test_wrong_tries_say_so_and_the_fifth_makes_the_user_wait(qtbot):
    clock = Clock()
    panel = UnlockPanel(lambda password: password == PASSWORD, clock=clock)
    qtbot.addWidget(panel)
    unlocked = []
    panel.unlocked.connect(lambda: unlocked.append(True))
    panel.password_edit.setText("")
    assert not panel.try_unlock() and panel.message.text() == "请输入密码。"
    assert not type_into(panel, "wrong1")
    assert panel.message.text() == "密码不对，请重新输入（再错 4 次需等 30 秒）。" and panel.password_edit.text() == ""
    for attempt in range(3):
        type_into(panel, f"wrong{attempt + 2}")
    assert panel.message.text() == "密码不对，请重新输入（再错 1 次需等 30 秒）。"
    assert not type_into(panel, "wrong5")
    assert panel.waiting() and panel.seconds_left() == 30
    assert not panel.password_edit.isEnabled() and not panel.unlock_button.isEnabled()
    assert panel.message.text() == "密码已连续输错 5 次，请 30 秒后再试。"
    panel.password_edit.setText(PASSWORD)
    assert not panel.try_unlock() and not unlocked  # not even the right one while waiting
    clock.now += 12
    panel.tick()
    assert panel.message.text() == "密码已连续输错 5 次，请 18 秒后再试。"
    clock.now += 18
    panel.tick()
    assert not panel.waiting() and panel.password_edit.isEnabled() and panel.message.text() == "可以再试了。"
    assert type_into(panel, PASSWORD) and unlocked == [True] and panel.failures == 0 and panel.message.text() == ""


def test_the_countdown_runs_on_its_own(qtbot):
    panel = UnlockPanel(lambda password: False, lockout_seconds=0.3)
    qtbot.addWidget(panel)
    for attempt in range(5):
        type_into(panel, "x")
    assert not panel.password_edit.isEnabled()
    qtbot.waitUntil(lambda: panel.password_edit.isEnabled(), timeout=3000)
    assert panel.message.text() == "可以再试了。"


def test_the_dialog_accepts_the_right_password_and_quit_rejects(qtbot):
    dialog = PasswordDialog(lambda password: password == PASSWORD, file_name="union.sqlite3", union_name="测试工会")
    qtbot.addWidget(dialog)
    labels = " ".join(label.text() for label in dialog.findChildren(type(dialog.panel.message)))
    assert "测试工会" in labels and "union.sqlite3" in labels and dialog.panel.quit_button.text() == "退出程序"
    assert not type_into(dialog.panel, "wrong") and dialog.result() == 0 and "密码不对" in dialog.panel.message.text()
    assert type_into(dialog.panel, PASSWORD) and dialog.result() == QDialog.Accepted
    other = PasswordDialog(lambda password: True, quit_text="取消")
    qtbot.addWidget(other)
    assert other.panel.quit_button.text() == "取消"
    other.panel.quit_button.click()
    assert other.result() == QDialog.Rejected


def test_ask_password_only_when_one_is_set(qtbot, empty_context, monkeypatch):
    asked = answer(monkeypatch, PASSWORD)
    assert ask_password(empty_context) and asked == []  # no password: no dialog
    set_app_password(empty_context.db, PASSWORD)
    assert ask_password(empty_context) and len(asked) == 1
    answer(monkeypatch, None)
    assert not ask_password(empty_context)


# --- at start ----------------------------------------------------------------------------------------------
def test_run_gui_asks_before_the_window_and_quit_ends_it(qtbot, db_path, profiled_db, monkeypatch):
    set_app_password(profiled_db, PASSWORD)
    profiled_db.conn.close()
    windows = []
    monkeypatch.setattr(app_module, "create_main_window", lambda context: windows.append(context) or 1 / 0)
    monkeypatch.setattr(QApplication, "exec", lambda *args: pytest.fail("event loop started"))
    asked = answer(monkeypatch, None)
    assert run_gui(db_path) == 0
    assert len(asked) == 1 and windows == []  # 退出程序: no window, no data shown


def test_run_gui_opens_the_window_after_the_right_password(qtbot, db_path, profiled_db, monkeypatch):
    set_app_password(profiled_db, PASSWORD)
    profiled_db.conn.close()
    order = []
    real_create = app_module.create_main_window

    def create(context):
        order.append("window")
        return real_create(context)

    def run(dialog):
        order.append("password")
        dialog.panel.password_edit.setText(PASSWORD)
        dialog.panel.unlock_button.click()
        return dialog.result()

    monkeypatch.setattr(lock_screen, "run_dialog", run)
    monkeypatch.setattr(app_module, "create_main_window", create)
    monkeypatch.setattr(MainWindow, "start_auto_backup", lambda self, today=None: None)
    monkeypatch.setattr(QApplication, "exec", lambda *args: 0)
    monkeypatch.setattr(app_module, "restore_window_state", lambda window: None)
    monkeypatch.setattr(app_module, "save_window_state", lambda window: None)
    assert run_gui(db_path) == 0
    assert order == ["password", "window"]


# --- the idle lock -----------------------------------------------------------------------------------------
def lock_parts(window):
    return window.centralWidget(), window.menuBar(), window.statusBar()


def test_idle_time_locks_everything_until_the_password(window, qtbot):
    clock = Clock()
    idle = IdleLock(window, clock=clock)  # a second lock on the window, with a clock the test moves
    assert idle.minutes == 10 and idle.timeout_seconds == 600 and idle.timer.isActive()
    profile = window.open_profile_dialog()  # a dialog with data, open over the window
    qtbot.waitExposed(profile)
    clock.now += 599
    assert not idle.check_idle()
    clock.now += 1
    assert idle.check_idle() and idle.is_locked
    screen = idle.screen
    assert isinstance(screen, LockScreen) and screen.isVisible() and screen.geometry() == window.rect()
    assert any(lock_screen.IDLE_LEAD in label.text() for label in screen.findChildren(QLabel))
    assert all(not part.isVisible() for part in lock_parts(window))
    assert not profile.isVisible()  # every other window hidden
    assert screen.panel.password_edit.hasFocus() or not window.isActiveWindow()

    window.resize(1000, 700)
    assert screen.geometry() == window.rect()
    # keyboard input anywhere else is swallowed; the lock screen takes it
    search = window.members_view.search_edit
    QApplication.sendEvent(search, QKeyEvent(QEvent.KeyPress, Qt.Key_A, Qt.NoModifier, "a"))
    assert search.text() == ""
    QApplication.sendEvent(screen.panel.password_edit, QKeyEvent(QEvent.KeyPress, Qt.Key_A, Qt.NoModifier, "a"))
    assert screen.panel.password_edit.text() == "a"

    assert not type_into(screen.panel, "wrong") and idle.is_locked and "密码不对" in screen.panel.message.text()
    assert type_into(screen.panel, PASSWORD)
    assert not idle.is_locked and idle.idle_seconds() == 0
    assert all(part.isVisible() for part in lock_parts(window)) and profile.isVisible()
    QApplication.sendEvent(search, QKeyEvent(QEvent.KeyPress, Qt.Key_B, Qt.NoModifier, "b"))
    assert search.text() == "b"  # typing works again
    profile.reject()


def test_input_resets_the_idle_time(window, qtbot):
    clock = Clock()
    idle = IdleLock(window, clock=clock)
    clock.now += 500
    assert idle.idle_seconds() == 500
    QApplication.sendEvent(window.members_view.search_edit,
                           QKeyEvent(QEvent.KeyPress, Qt.Key_C, Qt.NoModifier, "c"))
    assert idle.idle_seconds() == 0
    clock.now += 599
    assert not idle.check_idle()


def test_the_timer_locks_by_itself(window, qtbot):
    window.idle_lock.set_timeout(0.2)
    qtbot.waitUntil(lambda: window.idle_lock.is_locked, timeout=5000)
    assert not window.centralWidget().isVisible()
    window.idle_lock.screen.panel.password_edit.setText(PASSWORD)
    window.idle_lock.screen.panel.unlock_button.click()
    assert not window.idle_lock.is_locked and window.centralWidget().isVisible()
    window.idle_lock.set_timeout(0)
    assert not window.idle_lock.timer.isActive()


def test_a_window_opening_while_locked_is_hidden_until_unlocked(window, qtbot):
    assert window.lock_now() and window.idle_lock.is_locked
    labels = [label.text() for label in window.idle_lock.screen.findChildren(QLabel)]
    assert any(lock_screen.MANUAL_LEAD in text for text in labels) and any("测试中学工会委员会" in t for t in labels)
    box = QMessageBox(QMessageBox.Information, "导出完成", "已导出 1 人的花名册：/tmp/花名册.xlsx", QMessageBox.Ok, window)
    box.open()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3000)
    assert box in window.idle_lock._hidden_windows
    window.idle_lock.unlock()
    assert box.isVisible()
    box.accept()


def test_a_dialog_closed_while_hidden_is_not_shown_again(window, qtbot):
    dialog = QDialog(window)
    dialog.open()
    window.lock_now()
    assert not dialog.isVisible()
    dialog.done(QDialog.Rejected)  # its job ended while locked
    window.idle_lock.unlock()
    assert not dialog.isVisible()


def test_shortcuts_do_nothing_while_locked(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.lock_now()
    page = window.current_page_key()
    assert page == "home"
    qtbot.keyClick(window.idle_lock.screen.panel.password_edit, Qt.Key_2, Qt.ControlModifier)  # 会员 page
    assert window.current_page_key() == page
    window.idle_lock.unlock()
    qtbot.keyClick(window.members_view.search_edit, Qt.Key_2, Qt.ControlModifier)
    assert window.current_page_key() == "members"  # the same keys work once unlocked


def test_without_a_password_nothing_locks(qtbot, empty_context, monkeypatch):
    monkeypatch.setattr(MainWindow, "start_auto_backup", lambda self, today=None: None)
    setup_application()
    win = create_main_window(empty_context)
    qtbot.addWidget(win)
    assert win.idle_lock.minutes == 0 and not win.idle_lock.timer.isActive() and not win.idle_lock._filtering
    assert not win.lock_now() and not win.idle_lock.is_locked
    assert "请先在“设置 → 密码与隐私…”中设置密码" in win.statusBar().currentMessage()


def test_the_menu_has_lock_and_privacy(window):
    assert window.lock_action.text() == "锁定" and window.lock_action.shortcut().toString() == "Ctrl+L"
    assert window.privacy_action.text() == "密码与隐私…"


# --- switching databases -----------------------------------------------------------------------------------
@pytest.fixture
def other_file(tmp_path):
    from gonghui_desk.db import open_database

    path = tmp_path / "other.sqlite3"
    db = open_database(path)
    save_profile(db, UnionProfile(name="另一个工会", kind="企业"))
    set_app_password(db, "other-pw")
    set_auto_lock_minutes(db, 30)
    db.conn.close()
    return path


def test_switching_to_a_file_with_a_password_asks_for_it(window, other_file, monkeypatch):
    first = window.context.db_path
    asked = answer(monkeypatch, None)  # 取消
    assert not window.open_database(other_file)
    assert len(asked) == 1 and asked[0].panel.quit_button.text() == "取消"
    assert window.context.db_path == first and "未输入密码" in window.statusBar().currentMessage()
    answer(monkeypatch, "other-pw")
    assert window.open_database(other_file)
    assert window.context.db_path == other_file and window.idle_lock.minutes == 30
    window.context.close()  # the file switched to (the first one was closed by the switch)


# --- 设置 → 密码与隐私… --------------------------------------------------------------------------------------
def test_the_privacy_dialog_sets_changes_and_removes_the_password(qtbot, empty_context):
    db = empty_context.db
    dialog = PrivacyDialog(empty_context)
    qtbot.addWidget(dialog)
    changes = []
    dialog.changed.connect(lambda: changes.append(True))
    assert dialog.set_button.text() == "设置密码" and not dialog.current_edit.isVisibleTo(dialog)
    assert not dialog.remove_button.isEnabled() and not dialog.lock_combo.isEnabled()
    dialog.new_edit.setText("abc")
    dialog.repeat_edit.setText("abc")
    assert not dialog.save_password() and dialog.message.text() == "密码至少要有4个字符。"
    dialog.new_edit.setText("abcd1234")
    dialog.repeat_edit.setText("abcd12345")
    assert not dialog.save_password() and dialog.message.text() == "两次输入的新密码不一样，请重新输入。"
    dialog.repeat_edit.setText("abcd1234")
    assert dialog.save_password() and check_app_password(db, "abcd1234") and changes == [True]
    assert dialog.message.text() == "密码已设置。下次打开程序时需要输入；10 分钟无操作后锁定。"
    assert dialog.set_button.text() == "修改密码" and dialog.current_edit.isVisibleTo(dialog)
    assert dialog.new_edit.text() == "" and dialog.lock_combo.isEnabled()

    dialog.current_edit.setText("wrong")
    dialog.new_edit.setText("new-pass")
    dialog.repeat_edit.setText("new-pass")
    assert not dialog.save_password() and dialog.message.text() == "当前密码不对，密码没有修改。"
    assert check_app_password(db, "abcd1234")
    dialog.current_edit.setText("abcd1234")
    assert dialog.save_password() and dialog.message.text() == "密码已修改。" and check_app_password(db, "new-pass")

    dialog.lock_combo.setCurrentIndex(dialog.lock_combo.findData(30))
    assert auto_lock_minutes(db) == 30 and dialog.message.text() == "已改为：30 分钟无操作后锁定。"
    dialog.lock_combo.setCurrentIndex(dialog.lock_combo.findData(0))
    assert auto_lock_minutes(db) == 0 and dialog.lock_combo.currentText() == "不自动锁定"

    dialog.current_edit.setText("abcd1234")
    assert not dialog.remove_password() and has_app_password(db)
    dialog.current_edit.setText("new-pass")
    assert dialog.remove_password() and not has_app_password(db)
    assert dialog.message.text() == "密码已取消：打开程序不再需要密码，也不再自动锁定。"
    assert len(changes) == 5
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.message)))
    assert "显示完整的身份证号、手机号和银行卡号" in texts and "密码只保护屏幕，不给数据库文件加密" in texts


def test_the_privacy_dialog_reconfigures_the_window_lock(window, qtbot):
    dialog = window.open_privacy_dialog()
    assert window.privacy_dialog is dialog and dialog.isVisible()
    dialog.lock_combo.setCurrentIndex(dialog.lock_combo.findData(5))
    assert window.idle_lock.minutes == 5 and window.idle_lock.timeout_seconds == 300
    dialog.current_edit.setText(PASSWORD)
    dialog.remove_password()
    assert window.idle_lock.minutes == 0 and not window.idle_lock.timer.isActive()
    dialog.reject()


def test_pictures_of_the_lock_screen_and_dialogs(window, qtbot, tmp_path):
    """Rendered offscreen (the files are looked at by hand while developing; here they must not be empty)."""
    window.resize(1000, 640)
    window.lock_now()
    picture = window.grab()
    assert not picture.isNull() and picture.width() == 1000
    window.idle_lock.unlock()
    dialog = PasswordDialog(lambda password: False, file_name="gonghui.sqlite3", union_name="测试中学工会委员会")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.grab().isNull()
    widget: QWidget = PrivacyDialog(window.context)
    qtbot.addWidget(widget)
    widget.show()
    assert not widget.grab().isNull()
