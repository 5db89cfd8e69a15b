"""The main window: navigation on the left, one page per module, menus and the status bar.

Start-up builds the navigation, the status bar and the home page only. Every other page is built, and its module
imported, when it is first shown or its attribute (``window.members_view`` …) first read; until then a
:class:`PageSlot` holds its place in the stack. On a large database the home page's figures and reminders are
computed on worker threads that start after the window's first paint, and the modules' registries
(:func:`gonghui_desk.modules.load`) are loaded then too, so that the window appears without waiting for them.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow,
                               QMessageBox, QStackedWidget, QWidget)

from gonghui_desk import APP_TITLE, __version__, modules
from gonghui_desk.db.connection import import_sqlite_utils_stepwise
from gonghui_desk.errors import UserError
from gonghui_desk.ui.app_context import AppContext, is_large_union, open_asking
from gonghui_desk.ui.home_view import HomeView
from gonghui_desk.ui.placeholder_view import PlaceholderView
from gonghui_desk.ui.reminders_panel import RemindersPanel
from gonghui_desk.ui.workers import Job, run_job, show_error

# The pages' modules (and what they import: openpyxl, python-docx, the report builders…) are imported when
# their page is first shown: see MainWindow.page.

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


# The built pages: navigation key -> (title, factory name). A page's module is imported and its widget built
# when the page is first shown (or its attribute first read): start-up builds only the home page.
PAGE_FACTORIES: dict[str, tuple[str, str]] = {
    "members": ("会员", "_new_members_view"),
    "care": ("慰问走访", "_new_care_view"),
    "aid": ("困难帮扶", "_new_hardship_view"),
    "events": ("活动竞赛", "_new_events_view"),
    "honours": ("荣誉", "_new_honours_view"),
    "proposals": ("职代会提案", "_new_proposals_view"),  # the navigation shows 教代会提案 for a school
    "summary": ("工作总结", "_new_summary_view"),
    "reports": ("上报报表", "_new_upstream_view"),
    "recycle_bin": ("回收站", "_new_recycle_bin_view"),
    "backups": ("备份与恢复", "_new_backup_view"),  # always the last page
}

# Fallback for background work waiting for the first paint (a window that is never shown, as in some tests).
FIRST_PAINT_FALLBACK_MS = 1000


class PageSlot(QWidget):
    """Holds a page's place in the stack until the page is first shown; then the page replaces it."""

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key


class Pages(Mapping):
    """``window.pages``: key -> page, in navigation order. Reading a page builds it if it is not built yet;
    ``key in pages``, ``len`` and iterating over the keys do not."""

    def __init__(self, window: "MainWindow"):
        self._window = window
        self._keys: list[str] = []
        self.built: dict[str, QWidget] = {}

    def add(self, key: str, page: QWidget | None) -> None:
        self._keys.append(key)
        if page is not None:
            self.built[key] = page

    def __getitem__(self, key: str) -> QWidget:
        if key not in self._keys:
            raise KeyError(key)
        return self._window.page(key)

    def __contains__(self, key) -> bool:
        return key in self._keys

    def __iter__(self):
        return iter(list(self._keys))

    def __len__(self) -> int:
        return len(self._keys)


def _page_property(key: str, doc: str) -> property:
    return property(lambda self: self.page(key), doc=doc)


class MainWindow(QMainWindow):
    start_finished = Signal()  # the work deferred past the first paint is done (``started``)

    # The pages, built on first use (see PAGE_FACTORIES): reading one of these builds its page.
    members_view = _page_property("members", "会员")
    care_view = _page_property("care", "慰问走访")
    hardship_view = _page_property("aid", "困难帮扶")
    events_view = _page_property("events", "活动竞赛")
    honours_view = _page_property("honours", "荣誉")
    proposals_view = _page_property("proposals", "职代会提案 / 教代会提案")
    summary_view = _page_property("summary", "工作总结")
    upstream_view = _page_property("reports", "上报报表")
    recycle_bin_view = _page_property("recycle_bin", "回收站")
    backup_view = _page_property("backups", "备份与恢复")

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context: AppContext = context
        self.pages = Pages(self)
        self.backup_job: Job | None = None
        self._painted = self._closed = False
        self._start_steps = None  # the deferred start's steps once begun (see _start_background)
        self.started = False  # True once they are all done (start_finished)
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
        self.installEventFilter(self)  # the first paint starts the home page's background work (eventFilter)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self, self._start_background)  # never shown (tests)

    # --- building ----------------------------------------------------------------------
    def _build_pages(self) -> None:
        """(Re)build the navigation and the home page for ``self.context``; the other pages wait in the stack
        (:class:`PageSlot`) until first shown."""
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

        self.pages = Pages(self)
        self._large_union = is_large_union(self.context.conn)
        self._count_waits = self._large_union  # the status bar's count: after the first paint on a large union
        if not self._large_union:
            modules.load()  # the home page counts its figures now (on a large database: after the first paint)
        # the home page's figures and reminders go to worker threads on a large database: they start after the
        # window's first paint (see _start_background), never delaying it
        self.home_view = HomeView(self.context, deferred=True)
        self.home_view.action_requested.connect(self._home_action)
        self._add_page("home", "首页", self.home_view)
        self.reminders_panel = RemindersPanel(self.context, deferred=True)
        self.home_view.set_reminders_widget(self.reminders_panel)
        for key in NAVIGATION_ORDER[1:]:
            self._add_coming_pages(until=key)  # the navigation keeps its order (NAVIGATION_ORDER)
            if key in PAGE_FACTORIES:
                self._add_page(key, PAGE_FACTORIES[key][0], None)
        self._add_coming_pages()
        self.navigation.currentRowChanged.connect(self._row_changed)
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
        if self._painted:  # another database opened: its home page starts its background work at once
            self._start_steps = None
            self.started = False
            self._start_background()

    def page(self, key: str) -> QWidget:
        """The page ``key``, built now (its module imported) if it was not built yet."""
        page = self.pages.built.get(key)
        if page is not None:
            return page
        if key not in PAGE_FACTORIES:
            raise KeyError(key)
        modules.load()  # the pages use the modules' registries (no-op once loaded)
        slot = next(self.stack.widget(i) for i in range(self.stack.count())
                    if isinstance(self.stack.widget(i), PageSlot) and self.stack.widget(i).key == key)
        page = getattr(self, PAGE_FACTORIES[key][1])()
        self.pages.built[key] = page
        index = self.stack.indexOf(slot)
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(slot)
        slot.deleteLater()
        self.stack.setCurrentIndex(current)
        return page

    def built_page(self, key: str) -> QWidget | None:
        """The page ``key`` if it was built, else None (nothing is built)."""
        return self.pages.built.get(key)

    def build_all_pages(self) -> list[QWidget]:
        """Every page, built now (the self-check builds them all, so that a page that cannot be built shows)."""
        return [self.pages[key] for key in self.pages]

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self.navigation.item(row).data(Qt.UserRole)
        if key in PAGE_FACTORIES:
            try:
                self.page(key)
            except Exception as exc:  # noqa: BLE001 - a page that cannot be built: say so, stay where we were
                exc.traceback_text = traceback.format_exc()  # type: ignore[attr-defined]  # the box's details
                show_error(self, f"无法打开“{self.navigation.item(row).text()}”", exc)
                self.navigation.blockSignals(True)
                self.navigation.setCurrentRow(self.stack.currentIndex())
                self.navigation.blockSignals(False)
                return
        self.stack.setCurrentIndex(row)

    # the factories of PAGE_FACTORIES: each imports its page's module
    def _new_members_view(self) -> QWidget:
        from gonghui_desk.ui.members_view import MembersView

        return MembersView(self.context)

    def _new_care_view(self) -> QWidget:
        from gonghui_desk.ui.care_view import CareView

        return CareView(self.context)

    def _new_hardship_view(self) -> QWidget:
        from gonghui_desk.ui.hardship_view import HardshipView

        return HardshipView(self.context)

    def _new_events_view(self) -> QWidget:
        from gonghui_desk.ui.events_view import EventsView

        return EventsView(self.context)

    def _new_honours_view(self) -> QWidget:
        from gonghui_desk.ui.honours_view import HonoursView

        return HonoursView(self.context)

    def _new_proposals_view(self) -> QWidget:
        from gonghui_desk.ui.proposals_view import ProposalsView

        return ProposalsView(self.context)

    def _new_summary_view(self) -> QWidget:
        from gonghui_desk.ui.summary_view import SummaryView

        return SummaryView(self.context)

    def _new_upstream_view(self) -> QWidget:
        from gonghui_desk.ui.upstream_view import UpstreamView

        return UpstreamView(self.context)

    def _new_recycle_bin_view(self) -> QWidget:
        from gonghui_desk.ui.recycle_bin_view import RecycleBinView

        view = RecycleBinView(self.context)  # 回收站: voided records, restorable
        view.restored.connect(self._records_restored)
        return view

    def _new_backup_view(self) -> QWidget:
        from gonghui_desk.ui.backup_view import BackupView

        return BackupView(self.context, self)  # 备份与恢复

    # --- after the first paint ---------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        """Watches this window (installed in __init__) for its first paint only, then removes itself."""
        if watched is self and event.type() == QEvent.Paint and not self._painted:
            self._painted = True
            self.removeEventFilter(self)
            QTimer.singleShot(0, self, self._start_background)  # after this paint has reached the screen
        return False

    def _start_background(self) -> None:
        """Start the work that waited for the first paint (:meth:`_deferred_start`), one step per turn of the
        event loop so that the window answers the user between steps; once per opened database."""
        if self._closed or self._start_steps is not None:
            return
        self._start_steps = steps = self._deferred_start()
        self._next_start_step(steps)

    def _deferred_start(self):
        """What the first paint did not wait for, a step at a time (each yield lets the event loop run):
        sqlite-utils in parts (then ``context.db``), the modules' registries one module at a time, the status
        bar's count on a large database, then the home page's figures and reminders (on worker threads there)."""
        yield from import_sqlite_utils_stepwise()
        self.context.db  # noqa: B018  (wraps the connection in sqlite-utils)
        for _ in modules.load_stepwise():  # what the figures and reminders read (history, figure, reminder…)
            yield
        if self._count_waits:
            self._count_waits = False
            self.refresh_member_count()
        self.home_view.start_deferred()
        self.reminders_panel.start_deferred()

    def _next_start_step(self, steps) -> None:
        if steps is not self._start_steps or self._closed:  # another database opened meanwhile, or closed
            return
        try:
            next(steps)
        except StopIteration:
            self.started = True
            self.start_finished.emit()
            return
        except RuntimeError:  # the window was deleted before the fallback timer fired
            return
        QTimer.singleShot(0, self, partial(self._next_start_step, steps))

    def closeEvent(self, event) -> None:
        super().closeEvent(event)
        if event.isAccepted():
            self._closed = True  # no background work starts for a closed window

    def showEvent(self, event) -> None:
        was_closed, self._closed = self._closed, False
        super().showEvent(event)
        if was_closed and self._start_steps is not None and not self.started:  # closed amid the steps: go on
            QTimer.singleShot(0, self, partial(self._next_start_step, self._start_steps))

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
        if "reports" in areas and self.built_page("summary") is not None:  # a page built later reads anew
            self.summary_view.refresh()
        if "forms" in areas and self.built_page("reports") is not None:
            self.upstream_view.refresh_mappings()

    def _module_title(self, module: ModuleInfo) -> str:
        return module.title

    def _add_page(self, key: str, title: str, page: QWidget | None, *, coming: bool = False) -> None:
        """A navigation entry and its place in the stack: ``page``, or a :class:`PageSlot` (None) until shown."""
        item = QListWidgetItem(title)
        item.setData(Qt.UserRole, key)
        item.setSizeHint(QSize(0, 40))
        if coming:
            item.setForeground(QBrush(QColor("#8a8a8a")))
            item.setToolTip(f"{title}（即将推出）")
        self.navigation.addItem(item)
        self.stack.addWidget(page if page is not None else PageSlot(key))
        self.pages.add(key, page)
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
        action.triggered.connect(lambda checked=False: self._loaded_call(slot))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    @staticmethod
    def _loaded_call(slot):
        modules.load()  # a menu chosen before the first paint's background start: the registries first
        return slot()

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
        if self._count_waits:
            self.count_label.setText("在册会员 … 人")
            return
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
            title = f"{profile.vocabulary.congress_short}提案"  # as ProposalsView.page_title(), without building it
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
        modules.load()
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

        modules.load()  # its demo data uses every module's demo extension
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
        from gonghui_desk import backup

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
