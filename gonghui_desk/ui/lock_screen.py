"""The app password at start, and the lock after idle time (:mod:`gonghui_desk.privacy` keeps the rules).

* :class:`UnlockPanel` — the password box, 解锁 and 退出程序 (or 取消), and the message line. A wrong password
  says so and clears the box; after 5 wrong tries in a row the box is disabled for 30 seconds, with the seconds
  counted down.
* :class:`PasswordDialog` — the panel in a dialog: at start, after the database opens and before the main window
  (and any data) is shown (:func:`ask_password`, from ``run_gui``), and when 文件 → 打开数据库… switches to a file
  that has a password (then 取消 keeps the file open now).
* :class:`IdleLock` — one per main window. With a password and :func:`~gonghui_desk.privacy.auto_lock_minutes`
  above 0 it watches the keyboard and mouse through an application-wide event filter; after that many minutes
  without input (or 文件 → 锁定) it locks: every other window of the app (dialogs, wizards, the print preview,
  message boxes) is hidden, the main window's menus, pages and status bar are hidden under a full-window
  :class:`LockScreen`, popups and tool tips close, and keyboard and mouse input anywhere but the lock screen is
  swallowed (shortcuts too). A window that opens while locked (a job's "导出完成" box) is hidden as well. The
  right password puts everything back as it was; 退出程序 closes the app.

The password guards the screen, not the file. ``run_dialog`` is the one place a dialog is executed modally, so
tests replace it and never block.
"""

from __future__ import annotations

import time
from typing import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QApplication, QDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QToolTip, QVBoxLayout, QWidget)

from gonghui_desk import APP_TITLE
from gonghui_desk.privacy import auto_lock_minutes, check_app_password, has_app_password

__all__ = ["IdleLock", "LOCKOUT_SECONDS", "LOCKOUT_TRIES", "LockScreen", "PasswordDialog", "UnlockPanel",
           "ask_password", "run_dialog"]

LOCKOUT_TRIES = 5
LOCKOUT_SECONDS = 30
CHECK_INTERVAL_MS = 5000  # how often the idle time is looked at
IDLE_LEAD = "长时间没有操作，为保护会员的个人信息，程序已锁定。"
MANUAL_LEAD = "程序已锁定，输入密码才能继续使用。"

# keyboard and mouse input: resets the idle time; while locked, swallowed outside the lock screen
_INPUT_EVENTS = frozenset((QEvent.KeyPress, QEvent.KeyRelease, QEvent.MouseButtonPress, QEvent.MouseButtonRelease,
                           QEvent.MouseButtonDblClick, QEvent.MouseMove, QEvent.Wheel, QEvent.TouchBegin,
                           QEvent.TouchUpdate, QEvent.TabletPress, QEvent.HoverMove))
_BLOCKED_EVENTS = _INPUT_EVENTS | {QEvent.ShortcutOverride, QEvent.ContextMenu, QEvent.Shortcut}

LOCK_STYLE = """
QWidget#lockScreen { background: #eef0f3; }
QFrame#lockCard { background: #ffffff; border: 1px solid #d6d9de; border-radius: 10px; }
QLabel#lockTitle { font-size: 16pt; font-weight: bold; color: #222; }
QLabel#lockMessage { color: #c0392b; }
"""


def run_dialog(dialog: QDialog) -> int:
    """Run ``dialog`` modally (tests replace this and answer it)."""
    return dialog.exec()


class UnlockPanel(QWidget):
    """The password box, 解锁 and 退出程序/取消; ``unlocked`` when ``check(password)`` is true,
    ``quit_requested`` on 退出程序. Wrong tries: a message; the fifth in a row a 30-second wait."""

    unlocked = Signal()
    quit_requested = Signal()

    def __init__(self, check: Callable[[str], bool], *, prompt: str = "请输入密码", quit_text: str = "退出程序",
                 lockout_seconds: float = LOCKOUT_SECONDS, clock: Callable[[], float] = time.monotonic,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._check = check
        self._clock = clock
        self.lockout_seconds = lockout_seconds
        self.failures = 0  # wrong tries in a row
        self._wait_until = 0.0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.prompt_label = QLabel(prompt)
        layout.addWidget(self.prompt_label)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.Password)
        self.password_edit.setPlaceholderText("密码")
        self.password_edit.setMinimumWidth(260)
        self.password_edit.returnPressed.connect(self.try_unlock)
        layout.addWidget(self.password_edit)
        self.message = QLabel()
        self.message.setObjectName("lockMessage")
        self.message.setStyleSheet("color: #c0392b;")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 2)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.quit_button = QPushButton(quit_text)
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.quit_requested)
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)

    # --- the wait after five wrong tries -----------------------------------------------------------------
    def waiting(self) -> bool:
        return self._clock() < self._wait_until

    def seconds_left(self) -> int:
        return max(0, int(self._wait_until - self._clock() + 0.999))

    def tick(self) -> None:
        """Once a second while waiting: the countdown, then the box again."""
        if self.waiting():
            self.message.setText(f"密码已连续输错 {LOCKOUT_TRIES} 次，请 {self.seconds_left()} 秒后再试。")
            return
        self._timer.stop()
        self.password_edit.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.message.setText("可以再试了。")
        self.password_edit.setFocus()

    # --- trying ------------------------------------------------------------------------------------------
    def try_unlock(self) -> bool:
        """Check the password typed; True (and ``unlocked``) when it is right."""
        if self.waiting():
            return False
        password = self.password_edit.text()
        if not password:
            self.message.setText("请输入密码。")
            return False
        if self._check(password):
            self.failures = 0
            self.password_edit.clear()
            self.message.clear()
            self.unlocked.emit()
            return True
        self.failures += 1
        self.password_edit.clear()
        if self.failures % LOCKOUT_TRIES == 0:
            self._wait_until = self._clock() + self.lockout_seconds
            self.password_edit.setEnabled(False)
            self.unlock_button.setEnabled(False)
            self._timer.start()
            self.tick()
        else:
            left = LOCKOUT_TRIES - self.failures % LOCKOUT_TRIES
            self.message.setText(f"密码不对，请重新输入（再错 {left} 次需等 {int(self.lockout_seconds)} 秒）。")
            self.password_edit.setFocus()
        return False

    def reset(self) -> None:
        """An empty box and no message (the count of wrong tries and any wait stay)."""
        self.password_edit.clear()
        if not self.waiting():
            self.message.clear()


class PasswordDialog(QDialog):
    """The password before the data is shown: at start, or before switching to another database."""

    def __init__(self, check: Callable[[str], bool], *, file_name: str = "", union_name: str = "",
                 quit_text: str = "退出程序", parent: QWidget | None = None, **panel_options):
        super().__init__(parent)
        self.setWindowTitle(f"{APP_TITLE} — 请输入密码")
        self.setStyleSheet(LOCK_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        title = QLabel(APP_TITLE)
        title.setObjectName("lockTitle")
        layout.addWidget(title)
        about = QLabel(_about_text(file_name, union_name, "这个数据库设置了打开密码。"))
        about.setWordWrap(True)
        about.setObjectName("mutedText")
        about.setStyleSheet("color: #555;")
        layout.addWidget(about)
        self.panel = UnlockPanel(check, quit_text=quit_text, **panel_options)
        self.panel.unlocked.connect(self.accept)
        self.panel.quit_requested.connect(self.reject)
        layout.addWidget(self.panel)
        self.setMinimumWidth(420)
        self.panel.password_edit.setFocus()


def _about_text(file_name: str, union_name: str, lead: str) -> str:
    parts = [lead]
    if union_name:
        parts.append(f"工会：{union_name}")
    if file_name:
        parts.append(f"数据库：{file_name}")
    return "\n".join(parts)


def ask_password(context, parent: QWidget | None = None, *, quit_text: str = "退出程序") -> bool:
    """True when ``context``'s database has no password or the right one was typed; False when the user chose
    ``quit_text`` (退出程序 at start, 取消 when switching databases) or closed the dialog."""
    if not has_app_password(context.conn):
        return True
    profile = context.profile()
    dialog = PasswordDialog(lambda password: check_app_password(context.conn, password),
                            file_name=context.db_path.name, union_name=profile.name if profile.is_set_up else "",
                            quit_text=quit_text, parent=parent)
    try:
        return run_dialog(dialog) == QDialog.Accepted
    finally:
        dialog.deleteLater()


class LockScreen(QWidget):
    """What the main window shows while locked: a plain background and the unlock card in its middle."""

    def __init__(self, window: QWidget, check: Callable[[str], bool], *, union_name: str = "", file_name: str = "",
                 lead: str = IDLE_LEAD, **panel_options):
        super().__init__(window)
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.setStyleSheet(LOCK_STYLE)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        row = QHBoxLayout()
        row.addStretch(1)
        card = QFrame()
        card.setObjectName("lockCard")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(28, 22, 28, 20)
        card_layout.setSpacing(10)
        title = QLabel("已锁定")
        title.setObjectName("lockTitle")
        card_layout.addWidget(title)
        about = QLabel(_about_text(file_name, union_name, lead))
        about.setWordWrap(True)
        about.setStyleSheet("color: #555;")
        card_layout.addWidget(about)
        self.panel = UnlockPanel(check, prompt="输入密码解锁：", **panel_options)
        card_layout.addWidget(self.panel)
        card.setFixedWidth(420)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)


def _transient(widget: QWidget) -> bool:
    """A tool tip, menu or other popup: closed by the lock, never shown again by the unlock."""
    return widget.windowType() in (Qt.ToolTip, Qt.Popup, Qt.SplashScreen)


class IdleLock(QObject):
    """Locks ``window`` (a MainWindow: ``context``, ``centralWidget()``, ``menuBar()``, ``statusBar()``) after
    the idle minutes of its database, or when :meth:`lock` is called. See the module text."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window, *, clock: Callable[[], float] = time.monotonic,
                 check_interval_ms: int = CHECK_INTERVAL_MS):
        super().__init__(window)
        self.window = window
        self._clock = clock
        self._last_input = clock()
        self._filtering = False
        self.minutes = 0
        self.timeout_seconds: float = 0  # 0: never locks by itself
        self.screen: LockScreen | None = None
        self._hidden_windows: list[QWidget] = []
        self._hidden_parts: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setInterval(check_interval_ms)
        self.timer.timeout.connect(self.check_idle)
        window.installEventFilter(self)  # its resizing, for the lock screen
        self.configure()

    # --- settings ----------------------------------------------------------------------------------------
    @property
    def db(self):
        return self.window.context.conn  # settings read at start-up: the plain connection

    def configure(self) -> None:
        """Read the idle minutes of the window's database again (after the settings or the file changed)."""
        self.minutes = auto_lock_minutes(self.db)
        self.set_timeout(self.minutes * 60)

    def set_timeout(self, seconds: float) -> None:
        """Lock after ``seconds`` without input (0: never by itself)."""
        self.timeout_seconds = max(0.0, float(seconds))
        self.touch()
        if self.timeout_seconds:
            self.timer.setInterval(min(self.timer.interval(), max(int(self.timeout_seconds * 1000 / 2), 50)))
            self.timer.start()
        else:
            self.timer.stop()
        self._update_filter()

    def _update_filter(self) -> None:
        wanted = bool(self.timeout_seconds) or self.is_locked
        app = QApplication.instance()
        if wanted and not self._filtering and app is not None:
            app.installEventFilter(self)
            self._filtering = True
        elif not wanted and self._filtering and app is not None:
            app.removeEventFilter(self)
            self._filtering = False

    # --- idle time ---------------------------------------------------------------------------------------
    def touch(self) -> None:
        self._last_input = self._clock()

    def idle_seconds(self) -> float:
        return self._clock() - self._last_input

    def check_idle(self) -> bool:
        """Lock when the idle time has run out; True when it locked now."""
        if self.is_locked or not self.timeout_seconds or self.idle_seconds() < self.timeout_seconds:
            return False
        if not self.window.isVisible():  # closed (or not shown yet): nothing to hide
            return False
        return self.lock(idle=True)

    # --- locking -----------------------------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def lock(self, *, idle: bool = False) -> bool:
        """Hide everything behind the lock screen (``idle``: because of the idle time, which it says); False
        (nothing done) without a password or when already locked."""
        if self.is_locked or not has_app_password(self.db):
            return False
        popup = QApplication.activePopupWidget()
        while popup is not None:
            popup.close()
            next_popup = QApplication.activePopupWidget()
            popup = None if next_popup is popup else next_popup
        QToolTip.hideText()
        self._hidden_windows = []
        for widget in QApplication.topLevelWidgets():
            if widget is not self.window and widget.isVisible():
                self._hide_window(widget)
        self._hidden_windows = [w for w in self._hidden_windows if not _transient(w)]
        self._hidden_parts = [part for part in (self.window.centralWidget(), self.window.menuBar(),
                                                self.window.statusBar()) if part is not None and part.isVisible()]
        for part in self._hidden_parts:
            part.hide()
        profile = self.window.context.profile()
        self.screen = LockScreen(self.window, self._check, union_name=profile.name if profile.is_set_up else "",
                                 file_name=self.window.context.db_path.name, lead=IDLE_LEAD if idle else MANUAL_LEAD)
        self.screen.panel.unlocked.connect(self.unlock)
        self.screen.panel.quit_requested.connect(self.quit)
        self.screen.setGeometry(self.window.rect())
        self.screen.show()
        self.screen.raise_()
        self.screen.panel.password_edit.setFocus()
        self._update_filter()
        self.locked.emit()
        return True

    def _check(self, password: str) -> bool:
        return check_app_password(self.db, password)

    def _hide_window(self, widget: QWidget) -> None:
        widget.hide()
        self._hidden_windows.append(widget)
        if isinstance(widget, QDialog):  # closed while hidden (its job ended…): not shown again
            widget.finished.connect(lambda *args, w=widget: self._forget(w))

    def _forget(self, widget: QWidget) -> None:
        if widget in self._hidden_windows:
            self._hidden_windows.remove(widget)

    def unlock(self) -> None:
        """Show again what the lock hid."""
        if self.screen is None:
            return
        screen, self.screen = self.screen, None
        screen.hide()
        screen.deleteLater()
        for part in self._hidden_parts:
            if shiboken6.isValid(part):
                part.show()
        self._hidden_parts = []
        for widget in self._hidden_windows:
            if shiboken6.isValid(widget) and widget.isHidden():
                widget.show()
        self._hidden_windows = []
        self.touch()
        self._update_filter()
        self.unlocked.emit()

    def quit(self) -> None:
        """退出程序 on the lock screen: close the app (the lock screen stays until it is gone)."""
        self.window.close()
        QApplication.instance().quit()

    # --- the event filter ----------------------------------------------------------------------------------
    def stop(self) -> None:
        """The window closed: no more idle checks and no application-wide filter (its database may be closed)."""
        self.timer.stop()
        self.timeout_seconds = 0
        if self._filtering:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            self._filtering = False

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if watched is self.window and kind == QEvent.Close:
            self.stop()  # the app is ending (退出程序 on the lock screen closes the window too)
            return False
        if watched is self.window and kind == QEvent.Resize and self.screen is not None:
            self.screen.setGeometry(self.window.rect())
            return False
        if self.screen is None:
            if kind in _INPUT_EVENTS:
                self._last_input = self._clock()
            return False
        if kind == QEvent.Show and isinstance(watched, QWidget) and watched.isWindow() \
                and watched is not self.window:
            # a window opening while locked (a job's message box…): hidden too, shown again on unlock
            if watched not in self._hidden_windows and not _transient(watched):
                self._hidden_windows.append(watched)
                if isinstance(watched, QDialog):
                    watched.finished.connect(lambda *args, w=watched: self._forget(w))
            QTimer.singleShot(0, watched, watched.hide)
            return False
        if kind in _BLOCKED_EVENTS:
            if kind == QEvent.Shortcut:
                return True
            if isinstance(watched, QWidget):
                return not (watched is self.screen or self.screen.isAncestorOf(watched))
        return False
