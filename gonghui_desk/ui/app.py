"""Starting the GUI: the QApplication, Chinese Qt texts, the font, the database and the main window."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

# The Qt-free modules the start needs come before PySide6: once imported, PySide6 reads the source of every module
# an import statement names (looking for "PySide6", for its __feature__ switching), 10–20 ms at start when the app
# runs from its sources (a bundle has none). A module imported before it is read only if named again afterwards.
from gonghui_desk import paths, privacy, settings, stats, union  # noqa: F401,I001  (see above)
from gonghui_desk.db import connection, file_lock  # noqa: F401

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from gonghui_desk import APP_NAME, APP_TITLE, __version__
from gonghui_desk.db.connection import DatabaseTooNewError, NotOurDatabaseError
from gonghui_desk.errors import UserError
from gonghui_desk.paths import resources_dir
from gonghui_desk.ui.app_context import AppContext, open_asking
from gonghui_desk.ui.main_window import MainWindow
from gonghui_desk.ui.single_instance import request_message, requested_database, start_guard
from gonghui_desk.ui.workers import Job

ORGANIZATION = "gonghui-desk"

# Preferred UI fonts, best first; the first one installed is used and the rest are fallbacks.
FONT_FAMILIES = {
    "win32": ["Microsoft YaHei UI", "Microsoft YaHei", "SimSun"],
    "darwin": ["PingFang SC", "Hiragino Sans GB", "Heiti SC"],
    "other": ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Droid Sans Fallback"],
}


def install_translations(app: QApplication) -> bool:
    """Qt's own Chinese texts (确定/取消, the file dialog…); False when the .qm files are missing."""
    QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China))
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
               str(resources_dir() / "translations")]
    installed = False
    for name in ("qtbase_zh_CN",):
        translator = QTranslator(app)
        for folder in folders:
            if folder and Path(folder).is_dir() and translator.load(name, folder):
                app.installTranslator(translator)
                installed = True
                break
    return installed


def choose_font(app: QApplication) -> QFont:
    """The platform's Chinese UI font at the platform's size (never smaller than 9 pt)."""
    font = QFont(app.font())
    key = sys.platform if sys.platform in FONT_FAMILIES else "other"
    installed = set(QFontDatabase.families())
    families = [name for name in FONT_FAMILIES[key] if name in installed]
    if families:
        font.setFamilies(families + [f for f in font.families() if f not in families])
    if font.pointSizeF() > 0 and font.pointSizeF() < 9:
        font.setPointSizeF(9)
    return font


def setup_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists, as under pytest-qt) with names, icon, texts and font.

    The modules' registries (:func:`gonghui_desk.modules.load`) are loaded by the main window when it needs them.
    """
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    icon = resources_dir() / "icon.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    if not app.property("gonghui_setup_done"):
        install_translations(app)
        app.setFont(choose_font(app))
        app.setProperty("gonghui_setup_done", True)
    return app


def open_context(db_path: str | Path) -> AppContext | None:
    """Open the database; on failure show why (without a parent window) and return None.

    A database another program holds: who holds it is shown, with 强制打开 when its lock is stale.
    """
    try:
        return open_asking(db_path)
    except (DatabaseTooNewError, NotOurDatabaseError, UserError) as exc:
        QMessageBox.critical(None, f"{APP_TITLE} — 无法打开数据库", str(exc))
    except (sqlite3.Error, OSError) as exc:
        QMessageBox.critical(None, f"{APP_TITLE} — 无法打开数据库",
                             f"无法打开数据库文件“{db_path}”：{exc}\n\n"
                             "请检查文件是否被其他程序占用，或是否有读写权限。")
    return None


def create_main_window(context: AppContext) -> MainWindow:
    """The main window for ``context``, not yet shown (tests build it without running the event loop)."""
    return MainWindow(context)


def restore_window_state(window: MainWindow) -> None:
    settings = QSettings(ORGANIZATION, APP_NAME)
    geometry = settings.value("main_window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)


def save_window_state(window: MainWindow) -> None:
    settings = QSettings(ORGANIZATION, APP_NAME)
    settings.setValue("main_window/geometry", window.saveGeometry())


def wait_for_jobs(msecs: int = 15000) -> None:
    """Let running worker threads finish before the application object goes away.

    Events are processed while waiting: a job's thread is told to quit through a queued signal.
    """
    deadline = time.monotonic() + msecs / 1000
    waited: set[Job] = set()
    while True:
        QCoreApplication.processEvents()  # may start a job (a timer's): waited for too
        jobs = [job for job in list(Job._running) if job not in waited]
        if not jobs or time.monotonic() >= deadline:
            break
        for job in jobs:
            waited.add(job)
            job.cancel()
            while job.thread.isRunning() and time.monotonic() < deadline:
                QCoreApplication.processEvents()
                job.wait(20)


ALREADY_RUNNING = f"{APP_TITLE}已在运行，已切换到正在运行的窗口。"


def run_gui(db_path: str | Path) -> int:
    """Open the GUI on ``db_path``; returns the exit status (1 when the database cannot be opened).

    When the app already runs for this user, its window is brought forward instead and 0 is returned
    without opening the database.
    """
    app = setup_application()
    guard = start_guard(request_message(db_path))
    if guard is None:
        try:
            print(ALREADY_RUNNING, file=sys.stderr)
        except (OSError, UnicodeError):  # no usable console (a windowed build)
            pass
        return 0
    try:
        context = open_context(db_path)
        if context is None:
            return 1
        from gonghui_desk.ui.lock_screen import ask_password

        if not ask_password(context):  # the app password, before any data is shown; 退出程序 ends here
            context.close()
            return 0
        window = create_main_window(context)
        guard.message_received.connect(lambda message: window.bring_to_front(requested_database(message)))
        restore_window_state(window)
        window.show()
        app.processEvents()  # the first paint now; the first-run dialog and the daily backup come after it
        if not context.profile().is_set_up:
            window.show_first_run()
        window.start_auto_backup()
        code = app.exec()
        wait_for_jobs()  # also delivers the finished jobs' results while the window still exists
        save_window_state(window)
        window.close()  # already closed when the event loop ended by closing it; stops the idle lock's checks
        window.context.close()  # the window may have switched to another database
        return code
    finally:
        guard.close()
