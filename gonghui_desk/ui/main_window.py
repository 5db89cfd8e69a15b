"""The main window: navigation on the left, one page per module, menus and the status bar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QAction, QBrush, QColor, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow,
                               QMessageBox, QStackedWidget, QWidget)

from gonghui_desk import APP_TITLE, __version__, backup
from gonghui_desk.errors import UserError
from gonghui_desk.ui.app_context import AppContext, open_asking
from gonghui_desk.ui.backup_view import BackupView
from gonghui_desk.ui.care_view import CareView
from gonghui_desk.ui.events_view import EventsView
from gonghui_desk.ui.hardship_view import HardshipView
from gonghui_desk.ui.home_view import HomeView
from gonghui_desk.ui.honours_view import HonoursView
from gonghui_desk.ui.members_view import MembersView
from gonghui_desk.ui.placeholder_view import PlaceholderView
from gonghui_desk.ui.proposals_view import ProposalsView
from gonghui_desk.ui.recycle_bin_view import RecycleBinView
from gonghui_desk.ui.reminders_panel import RemindersPanel
from gonghui_desk.ui.summary_view import SummaryView
from gonghui_desk.ui.upstream_view import UpstreamView
from gonghui_desk.ui.workers import Job, run_job

ACCENT = "#b8322a"

STYLE_SHEET = f"""
QListWidget#navigation {{
    background: #f3f4f6; border: none; border-right: 1px solid #dcdfe4; outline: 0; padding-top: 8px;
}}
QListWidget#navigation::item {{ padding: 8px 14px; border-left: 3px solid transparent; }}
QListWidget#navigation::item:hover:!selected {{ background: #e7e9ee; }}
QListWidget#navigation::item:selected {{
    background: #ffffff; color: {ACCENT}; border-left: 3px solid {ACCENT}; font-weight: bold;
}}
QLabel#pageTitle {{ font-size: 16pt; font-weight: bold; }}
QLabel#unionName {{ font-size: 17pt; font-weight: bold; color: #222; }}
QLabel#dialogTitle {{ font-size: 14pt; font-weight: bold; }}
QLabel#sectionTitle {{ font-weight: bold; color: #444; }}
QLabel#mutedText {{ color: #6b6b6b; }}
QLabel#errorText {{ color: #c0392b; }}
QLabel#okText {{ color: #2e7d32; }}
QLabel#comingBadge {{
    background: #fdf0d5; color: #8a5a00; border: 1px solid #f0d090; border-radius: 9px; padding: 2px 10px;
}}
QFrame#placeholderCard {{ background: #ffffff; border: 1px solid #e3e3e3; border-radius: 8px; }}
QLabel#placeholderSummary {{ font-size: 11pt; }}
QWidget#homeBody {{ background: #fafafa; }}
QFrame#figureCard {{ background: #ffffff; border: 1px solid #e3e3e3; border-radius: 8px; }}
QLabel#figureLabel {{ color: #555; }}
QLabel#figureValue {{ font-size: 20pt; font-weight: bold; color: {ACCENT}; }}
QLabel#figureHint {{ color: #888; font-size: 8pt; }}
QStatusBar QLabel {{ padding: 0 6px; }}
"""


@dataclass(frozen=True)
class ModuleInfo:
    key: str
    title: str
    summary: str = ""
    features: tuple[str, ...] = ()


# The modules that are not built yet, and what each will do (shown on its placeholder page).
COMING_MODULES: tuple[ModuleInfo, ...] = ()


# The order of the navigation list, built pages and placeholders alike.
NAVIGATION_ORDER = ("home", "members", "care", "aid", "events", "honours", "proposals", "summary", "reports",
                    "recycle_bin", "backups")


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context: AppContext = context
        self.pages: dict[str, QWidget] = {}
        self.backup_job: Job | None = None
        self.resize(1200, 760)
        self.setMinimumSize(QSize(900, 600))
        self.setStyleSheet(STYLE_SHEET)
        self._build_menus()
        self._build_status_bar()
        self._build_pages()
        self.context.status_message.connect(self.show_status)
        self.context.lock_lost.connect(self.database_taken_over)
        from gonghui_desk.ui.lock_screen import IdleLock

        self.idle_lock = IdleLock(self)  # locks after the idle minutes when the database has a password

    # --- building ----------------------------------------------------------------------
    def _build_pages(self) -> None:
        """(Re)build the navigation and pages for ``self.context``."""
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(156)
        self.navigation.setFocusPolicy(Qt.StrongFocus)
        self.stack = QStackedWidget()
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)

        self.pages = {}
        self.home_view = HomeView(self.context)
        self.home_view.action_requested.connect(self._home_action)
        self._add_page("home", "首页", self.home_view)
        self.members_view = MembersView(self.context)
        self._add_page("members", "会员", self.members_view)
        self._build_care_pages()
        self.hardship_view = HardshipView(self.context)
        self._add_page("aid", "困难帮扶", self.hardship_view)
        self.events_view = EventsView(self.context)
        self._add_page("events", "活动竞赛", self.events_view)
        self._add_coming_pages(until="honours")  # the navigation keeps its order (NAVIGATION_ORDER)
        self.honours_view = HonoursView(self.context)
        self._add_page("honours", "荣誉", self.honours_view)
        self.proposals_view = ProposalsView(self.context)
        self._add_page("proposals", self.proposals_view.page_title(), self.proposals_view)  # 职代会提案 / 教代会提案
        self.summary_view = SummaryView(self.context)
        self._add_page("summary", "工作总结", self.summary_view)
        self.upstream_view = UpstreamView(self.context)
        self._add_page("reports", "上报报表", self.upstream_view)
        self.recycle_bin_view = RecycleBinView(self.context)  # 回收站: voided records, restorable
        self.recycle_bin_view.restored.connect(self._records_restored)
        self._add_page("recycle_bin", "回收站", self.recycle_bin_view)
        self._add_coming_pages()
        self.backup_view = BackupView(self.context, self)  # 备份与恢复: always the last page
        self._add_page("backups", "备份与恢复", self.backup_view)
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigation.setCurrentRow(0)
        old = self.takeCentralWidget()
        self.setCentralWidget(central)
        if old is not None:
            old.deleteLater()

        self.context.members_changed.connect(self.refresh_member_count)
        self.context.profile_changed.connect(self.refresh_profile)
        self.path_label.setText(f"数据库：{self.context.db_path}")
        self.path_label.setToolTip(str(self.context.db_path))
        if getattr(self.context, "network_folder", False):
            self.path_label.setText(f"数据库（网络文件夹）：{self.context.db_path}")
            self.path_label.setToolTip(f"{self.context.db_path}\n数据库在网络共享文件夹中：不使用 WAL 日志；"
                                       "同一时间只能在一台电脑上打开。")
        self.refresh_member_count()
        self.refresh_profile()

    def _add_coming_pages(self, until: str | None = None) -> None:
        """The placeholders of the modules not built yet and not added so far, in order; with
        ``until``, only those that come before that page in :data:`NAVIGATION_ORDER`."""
        for module in COMING_MODULES:
            if module.key in self.pages:
                continue
            if until is not None and (module.key not in NAVIGATION_ORDER
                                      or NAVIGATION_ORDER.index(module.key) > NAVIGATION_ORDER.index(until)):
                continue
            page = PlaceholderView(self._module_title(module), module.summary, module.features)
            self._add_page(module.key, self._module_title(module), page, coming=True)

    # --- care (慰问走访) -----------------------------------------------------------------
    def _build_care_pages(self) -> None:
        """The 慰问走访 page and the home page's reminder list."""
        self.care_view = CareView(self.context)
        self._add_page("care", "慰问走访", self.care_view)
        self.reminders_panel = RemindersPanel(self.context)
        self.home_view.set_reminders_widget(self.reminders_panel)

    def open_occasions_dialog(self):
        self.show_page("care")
        return self.care_view.open_occasions()

    def open_congress_dialog(self):
        """届次与代表 (the congress's terms, sessions and delegates), over the proposals page."""
        self.show_page("proposals")
        return self.proposals_view.open_congress()

    def open_value_lists_dialog(self):
        return self.hardship_view.open_value_lists()

    def open_change_log(self):
        """文件 → 查看修改记录…: the whole change log with its filters (kept as ``change_log_dialog``)."""
        from gonghui_desk.ui.change_log_dialog import open_change_log

        self.change_log_dialog = open_change_log(self, self.context)
        return self.change_log_dialog

    def _records_restored(self, areas) -> None:
        """The 回收站 restored records: the pages without a context signal of their own read again."""
        if "reports" in areas:
            self.summary_view.refresh()
        if "forms" in areas:
            self.upstream_view.refresh_mappings()

    def _module_title(self, module: ModuleInfo) -> str:
        return module.title

    def _add_page(self, key: str, title: str, page: QWidget, *, coming: bool = False) -> None:
        item = QListWidgetItem(title)
        item.setData(Qt.UserRole, key)
        item.setSizeHint(QSize(0, 40))
        if coming:
            item.setForeground(QBrush(QColor("#8a8a8a")))
            item.setToolTip(f"{title}（即将推出）")
        self.navigation.addItem(item)
        self.stack.addWidget(page)
        self.pages[key] = page
        number = len(self.pages)
        if number <= 9:
            item.setToolTip((item.toolTip() or title) + f"　Ctrl+{number}")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self.open_db_action = self._action(file_menu, "打开数据库…", self.choose_database, QKeySequence.Open)
        file_menu.addSeparator()
        self.fill_form_action = self._action(file_menu, "填写上级表格…", lambda: self._upstream_call("open_upstream_form"))
        self.builtin_forms_action = self._action(file_menu, "内置报表…", lambda: self.show_page("reports"))
        file_menu.addSeparator()
        self.backup_action = self._action(file_menu, "立即备份…", lambda: self._backup_call("back_up_now"), "Ctrl+B")
        self.restore_action = self._action(file_menu, "从备份恢复…", lambda: self._backup_call("choose_and_restore"))
        self.open_folder_action = self._action(file_menu, "打开数据所在文件夹", self.open_data_folder)
        file_menu.addSeparator()
        self.change_log_action = self._action(file_menu, "查看修改记录…", self.open_change_log)
        self.recycle_bin_action = self._action(file_menu, "回收站", lambda: self.show_page("recycle_bin"))
        file_menu.addSeparator()
        self.lock_action = self._action(file_menu, "锁定", self.lock_now, "Ctrl+L")
        self.quit_action = self._action(file_menu, "退出", self.close, "Ctrl+Q")

        members_menu = bar.addMenu("会员(&M)")
        self.new_member_action = self._action(members_menu, "新增会员",
                                              lambda: self._members_call("new_member"), QKeySequence.New)
        members_menu.addSeparator()
        self.import_action = self._action(members_menu, "导入名册…", lambda: self._members_call("start_import"))
        self.export_action = self._action(members_menu, "导出名册…", lambda: self._members_call("start_export"))
        self.template_action = self._action(members_menu, "下载导入模板…",
                                            lambda: self._members_call("download_template"))

        settings_menu = bar.addMenu("设置(&S)")
        self.profile_action = self._action(settings_menu, "工会信息…", self.open_profile_dialog)
        self.occasions_action = self._action(settings_menu, "慰问类别与标准…", self.open_occasions_dialog)
        self.value_lists_action = self._action(settings_menu, "选项表…", self.open_value_lists_dialog)
        self.congress_action = self._action(settings_menu, "届次与代表…", self.open_congress_dialog)
        settings_menu.addSeparator()
        self.privacy_action = self._action(settings_menu, "密码与隐私…", self.open_privacy_dialog)

        help_menu = bar.addMenu("帮助(&H)")
        self.about_action = self._action(help_menu, "关于", self.show_about)

        for number in range(1, 10):
            shortcut = QAction(self)
            shortcut.setShortcut(f"Ctrl+{number}")
            shortcut.triggered.connect(lambda checked=False, row=number - 1: self.navigation.setCurrentRow(row))
            self.addAction(shortcut)

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.count_label = QLabel()
        self.path_label = QLabel()
        self.path_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.path_label.setContentsMargins(0, 0, 12, 0)  # clear of the window's size grip
        status.addPermanentWidget(self.count_label)
        status.addPermanentWidget(self.path_label)

    # --- state -------------------------------------------------------------------------
    def refresh_member_count(self) -> None:
        self.count_label.setText(f"在册会员 {self.context.members.count_active()} 人")

    def refresh_profile(self) -> None:
        profile = self.context.profile()
        name = profile.name if profile.is_set_up else "未填写工会信息"
        self.setWindowTitle(f"{APP_TITLE} — {name}")
        for module in COMING_MODULES:
            page = self.pages.get(module.key)
            if page is not None:
                title = self._module_title(module)
                page.set_title(title)
                self.navigation.item(self.page_keys().index(module.key)).setText(title)
        if "proposals" in self.pages:  # the congress word follows the union's kind: 职代会提案 / 教代会提案
            item = self.navigation.item(self.page_keys().index("proposals"))
            title = self.proposals_view.page_title()
            item.setText(title)
            item.setToolTip(title + (item.toolTip()[item.toolTip().find("　"):] if "　" in item.toolTip() else ""))

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def page_keys(self) -> list[str]:
        return [self.navigation.item(row).data(Qt.UserRole) for row in range(self.navigation.count())]

    def show_page(self, key: str) -> None:
        self.navigation.setCurrentRow(self.page_keys().index(key))

    def current_page_key(self) -> str:
        return self.page_keys()[self.stack.currentIndex()]

    # --- actions -----------------------------------------------------------------------
    def _members_call(self, method: str) -> None:
        self.show_page("members")
        getattr(self.members_view, method)()

    def _backup_call(self, method: str):
        """文件 → 立即备份… / 从备份恢复…: the 备份与恢复 page's action, over that page."""
        self.show_page("backups")
        return getattr(self.backup_view, method)()

    def _upstream_call(self, method: str):
        self.show_page("reports")
        return getattr(self.upstream_view, method)()

    def _home_action(self, key: str) -> None:
        if key == "profile":
            self.open_profile_dialog()
        elif key == "new_member":
            self._members_call("new_member")
        elif key == "import":
            self._members_call("start_import")

    def open_profile_dialog(self):
        from gonghui_desk.ui.profile_dialog import ProfileDialog

        dialog = ProfileDialog(self.context, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_first_run(self):
        """The first-run dialog, window-modal over this window (does not block the caller)."""
        from gonghui_desk.ui.first_run_dialog import FirstRunDialog

        dialog = FirstRunDialog(self.context, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_about(self) -> QMessageBox:
        text = (f"<h3>{APP_TITLE}</h3><p>版本 {__version__}</p>"
                "<p>为基层工会兼职干部设计的离线工作台：会员名册、慰问走访、困难帮扶、活动竞赛、荣誉、"
                "提案和工作总结，数字都由台账记录自动统计。</p>"
                "<p>所有数据只保存在本机，不联网上传。软件每天自动备份一次，备份文件在数据库旁的 "
                "backups 文件夹中。</p>"
                f"<p>当前数据库：<br>{self.context.db_path}</p>")
        box = QMessageBox(QMessageBox.Information, f"关于{APP_TITLE}", text, QMessageBox.Ok, self)
        box.setTextFormat(Qt.RichText)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        return box

    def open_data_folder(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.context.db_path.parent)))

    def bring_to_front(self, requested_db: str | Path | None = None) -> None:
        """The app was started again: un-minimise and raise this window (see ui/single_instance.py).

        A different database asked for is not switched to (there may be unsaved work); the status bar says
        how to open it.
        """
        self.setWindowState((self.windowState() & ~Qt.WindowMinimized) | Qt.WindowActive)
        self.show()
        self.raise_()
        self.activateWindow()
        if not requested_db:
            return
        try:
            same = Path(requested_db).resolve() == self.context.db_path.resolve()
        except OSError:
            same = False
        if not same:
            self.show_status(f"{APP_TITLE}已在运行，当前打开的是“{self.context.db_path.name}”。"
                             f"要打开“{requested_db}”，请用“文件 → 打开数据库…”。", 60000)

    # --- switching database --------------------------------------------------------------
    def choose_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "打开数据库", str(self.context.db_path.parent),
                                              "基层工会工作台数据库 (*.sqlite3 *.sqlite *.db);;所有文件 (*)")
        if path:
            self.open_database(path)

    def open_database(self, path: str | Path) -> bool:
        """Switch this window to another database file; the current one stays open on failure."""
        path = Path(path)
        if path.resolve() == self.context.db_path.resolve():
            self.show_status("该数据库已经打开", 5000)
            return True
        try:
            new_context = open_asking(path, self)  # a database in use: says who, may offer 强制打开
            if new_context is None:
                return False
        except UserError as exc:
            QMessageBox.critical(self, "无法打开数据库", str(exc))
            return False
        except Exception as exc:  # unreadable, locked, permissions…
            QMessageBox.critical(self, "无法打开数据库", f"无法打开“{path}”：{exc}")
            return False
        from gonghui_desk.ui.lock_screen import ask_password

        if not ask_password(new_context, self, quit_text="取消"):  # its password before any of its data shows
            new_context.close()
            new_context.deleteLater()
            self.show_status(f"没有打开“{path.name}”：未输入密码", 8000)
            return False
        self.set_context(new_context)
        self.show_status(f"已打开数据库：{path}", 8000)
        if not new_context.profile().is_set_up:
            self.show_first_run()
        self.start_auto_backup()
        return True

    def database_taken_over(self, message: str) -> None:
        """The database was forced open elsewhere (or its lock file deleted): its connection is already closed;
        say so and close the window, so that nothing is written over the other program's changes."""
        QMessageBox.critical(self, f"{APP_TITLE} — 已停止使用这个数据库", message)
        self.close()

    def set_context(self, context: AppContext) -> None:
        old = self.context
        self.context = context
        context.status_message.connect(self.show_status)
        context.lock_lost.connect(self.database_taken_over)
        self._build_pages()
        if old is not None and old is not context:
            old.close()
            old.deleteLater()
        if getattr(self, "idle_lock", None) is not None:
            self.idle_lock.configure()  # the new file's password and idle minutes

    # --- privacy -------------------------------------------------------------------------
    def open_privacy_dialog(self):
        """设置 → 密码与隐私…: the password, the idle lock, what masking means (kept as ``privacy_dialog``)."""
        from gonghui_desk.ui.privacy_dialog import PrivacyDialog

        dialog = PrivacyDialog(self.context, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.changed.connect(self.idle_lock.configure)
        self.privacy_dialog = dialog
        dialog.open()
        return dialog

    def lock_now(self) -> bool:
        """文件 → 锁定: hide everything until the password is typed (without a password, say how to set one)."""
        if self.idle_lock.lock():
            return True
        if not self.idle_lock.is_locked:
            self.show_status("还没有设置密码：请先在“设置 → 密码与隐私…”中设置密码，才能锁定。", 8000)
        return False

    # --- backups -------------------------------------------------------------------------
    def start_auto_backup(self, today: dt.date | None = None) -> Job:
        """Today's automatic backup on a worker thread; the result goes to the status bar."""
        db_path = self.context.db_path

        def job(progress, is_cancelled):
            return backup.auto_backup_if_due(db_path, today=today)

        def done(target):
            if target is not None:
                self.show_status(f"已自动备份到 {target}", 15000)

        def failed(exc):
            self.show_status(f"自动备份失败：{exc}。请用“文件 → 立即备份…”手动备份。")

        self.backup_job = run_job(self, "自动备份", job, on_done=done, on_error=failed, show_dialog=False)
        return self.backup_job
