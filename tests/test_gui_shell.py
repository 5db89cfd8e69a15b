"""The application shell: main window, navigation, status bar, home page, switching and backups."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QLibraryInfo
from PySide6.QtWidgets import QApplication, QMessageBox

from gonghui_desk.db import open_database
from gonghui_desk.ui import app as app_module
from gonghui_desk.ui.app import create_main_window, open_context, run_gui, setup_application
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.charts import HorizontalBarChart, merge_tail
from gonghui_desk.ui.first_run_dialog import FirstRunDialog
from gonghui_desk.ui.main_window import COMING_MODULES, MainWindow
from gonghui_desk.ui.placeholder_view import PlaceholderView
from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile, set_staff_count

TODAY = dt.date.today()


pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(qtbot, profiled_db, db_path):
    unit = add_sub_unit(profiled_db, "高一年级组")
    other = add_sub_unit(profiled_db, "行政后勤")
    child = add_sub_unit(profiled_db, "语文组", kind="工会小组", parent_id=unit)
    ctx = AppContext(db_path)
    ctx.members.create({"name": "张三", "sex": "男", "sub_unit_id": child, "join_date": "2015-09-01"})
    ctx.members.create({"name": "李四", "sex": "女", "sub_unit_id": unit, "join_date": TODAY.isoformat()})
    ctx.members.create({"name": "王五", "sex": "女", "sub_unit_id": other, "join_date": "2001-09-01"},
                       status="退休")
    ctx.unit_ids = {"高一年级组": unit, "行政后勤": other, "语文组": child}
    yield ctx
    ctx.close()


@pytest.fixture
def window(qtbot, context):
    setup_application()
    win = create_main_window(context)
    qtbot.addWidget(win)
    win.show()
    return win


def too_new_database(path):
    db = open_database(path)
    db.conn.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    return path


def test_main_window_opens_with_title_pages_and_menus(window, context):
    assert isinstance(window, MainWindow)
    assert window.windowTitle() == "基层工会工作台 — 测试中学工会委员会"
    assert window.width() >= 1000 and window.height() >= 700
    keys = window.page_keys()
    assert keys[:4] == ["home", "members", "care", "aid"]
    # 活动竞赛 and 荣誉 are built (test_gui_events.py, test_gui_honours.py)
    assert keys[4:] == ["events", "honours", "proposals", "summary", "reports", "recycle_bin", "backups"]
    assert window.current_page_key() == "home"
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["文件(&F)", "会员(&M)", "设置(&S)", "帮助(&H)"]
    assert window.backup_action.text() == "立即备份…"
    assert window.open_db_action.text() == "打开数据库…"
    assert window.profile_action.text() == "工会信息…"


def test_navigation_switches_pages(window, qtbot):
    window.navigation.setCurrentRow(1)
    assert window.stack.currentWidget() is window.pages["members"]
    assert window.current_page_key() == "members"
    window.show_page("aid")
    assert window.stack.currentWidget() is window.pages["aid"]
    assert window.navigation.currentItem().text() == "困难帮扶"
    window.show_page("home")
    assert window.stack.currentWidget() is window.home_view


def test_placeholders_describe_each_coming_module(window):
    titles = {window.navigation.item(row).data(0x0100): window.navigation.item(row).text()
              for row in range(window.navigation.count())}
    for module in COMING_MODULES:
        page = window.pages[module.key]
        assert isinstance(page, PlaceholderView)
        assert page.summary and len(page.summary) > 10
        assert page.features
    assert titles["care"] == "慰问走访"  # built: no longer a placeholder (see test_gui_care.py)
    assert not isinstance(window.pages["care"], PlaceholderView)
    # the congress word follows the union's kind: a school has 教代会
    assert titles["proposals"] == "教代会提案"
    assert not isinstance(window.pages["proposals"], PlaceholderView)  # built: see test_gui_proposals.py
    assert not any("提案" in page.title for page in window.pages.values() if isinstance(page, PlaceholderView))
    assert not isinstance(window.pages["aid"], PlaceholderView)  # built: see test_gui_hardship.py
    assert not isinstance(window.pages["honours"], PlaceholderView)  # built: see test_gui_honours.py
    assert not isinstance(window.pages["events"], PlaceholderView)  # built: see test_gui_events.py
    assert not isinstance(window.pages["summary"], PlaceholderView)  # built: see test_gui_report_page.py
    assert {titles[k] for k in ("aid", "events", "honours", "summary", "reports")} == {
        "困难帮扶", "活动竞赛", "荣誉", "工作总结", "上报报表"}


def test_status_bar_shows_path_and_member_count(window, context, db_path):
    assert str(db_path) in window.path_label.text()
    assert window.count_label.text() == "在册会员 3 人"
    context.members.create({"name": "赵六", "sex": "男"})
    context.members_changed.emit()
    assert window.count_label.text() == "在册会员 4 人"


def test_home_figures_and_refresh_after_adding_a_member(window, context):
    home = window.home_view
    figures = home.figure_texts()
    assert figures["在册会员"] == "3人"
    assert figures[f"{TODAY.year}年新入会"] == "1人"
    assert figures["女会员"] == "2人"
    assert figures["退休会员"] == "1人"
    assert figures["农民工会员"] == "0人"
    assert "入会率" not in figures  # no staff count yet
    assert home.name_label.text() == "测试中学工会委员会"
    assert "学校工会" in home.details_label.text() and "某县教育工会" in home.details_label.text()
    assert dict(home.chart.items()) == {"高一年级组": 2, "行政后勤": 1}
    assert home.reminder_labels[0].text() == "暂无提醒"

    context.members.create({"name": "赵六", "sex": "女", "is_migrant_worker": "是",
                            "sub_unit_id": context.unit_ids["行政后勤"], "join_date": TODAY.isoformat()})
    context.members_changed.emit()
    figures = home.figure_texts()
    assert figures["在册会员"] == "4人"
    assert figures[f"{TODAY.year}年新入会"] == "2人"
    assert figures["女会员"] == "3人"
    assert figures["农民工会员"] == "1人"
    assert dict(home.chart.items()) == {"高一年级组": 2, "行政后勤": 2}

    set_staff_count(context.db, TODAY.year, 6)
    context.profile_changed.emit()
    assert home.figure_texts()["入会率"] == "50.0%"  # 3 working members of 6 staff


def test_home_without_profile_offers_setup(qtbot, empty_context):
    win = create_main_window(empty_context)
    qtbot.addWidget(win)
    win.show()
    assert win.windowTitle().endswith("未填写工会信息")
    assert win.home_view.name_label.text() == "尚未填写工会信息"
    assert win.home_view.setup_button.isVisible()
    assert win.home_view.figure_texts()["在册会员"] == "0人"
    assert win.home_view.chart.items() == []
    dialog = win.show_first_run()  # window-modal, does not block
    assert isinstance(dialog, FirstRunDialog) and dialog.isVisible()
    dialog.name_edit.setText("新工会")
    dialog.accept()
    assert win.windowTitle() == "基层工会工作台 — 新工会"
    assert not win.home_view.setup_button.isVisible()


def test_profile_changes_update_title_and_vocabulary(window, context):
    profile = context.profile()
    profile.name, profile.kind = "某某机械厂工会", "企业"
    save_profile(context.db, profile)
    context.profile_changed.emit()
    assert window.windowTitle() == "基层工会工作台 — 某某机械厂工会"
    assert window.navigation.item(window.page_keys().index("proposals")).text() == "职代会提案"
    assert window.pages["proposals"].title == "职代会提案"


def test_member_menu_actions_go_to_the_members_page(window, monkeypatch):
    calls = []
    for name in ("new_member", "start_import", "start_export", "download_template"):
        monkeypatch.setattr(window.members_view, name, lambda name=name: calls.append(name))
    window.new_member_action.trigger()
    assert window.current_page_key() == "members"
    window.show_page("home")
    window.import_action.trigger()
    window.export_action.trigger()
    window.template_action.trigger()
    assert calls == ["new_member", "start_import", "start_export", "download_template"]


def test_profile_and_about_open_without_blocking(window, qtbot):
    dialog = window.open_profile_dialog()
    assert dialog.isVisible() and dialog.windowTitle() == "工会信息"
    dialog.reject()
    box = window.show_about()
    assert box.isVisible() and "基层工会工作台" in box.text()
    box.close()


def test_open_another_database(window, tmp_path, qtbot, monkeypatch):
    other_path = tmp_path / "other.sqlite3"
    other = open_database(other_path)
    save_profile(other, UnionProfile(name="第二工会", kind="企业"))
    other.conn.close()
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName",
                        lambda *args, **kwargs: (str(other_path), ""))
    old_context = window.context
    window.open_db_action.trigger()
    assert window.context is not old_context
    assert window.context.db_path == other_path
    assert window.windowTitle() == "基层工会工作台 — 第二工会"
    assert str(other_path) in window.path_label.text()
    assert window.count_label.text() == "在册会员 0 人"
    assert window.home_view.figure_texts()["在册会员"] == "0人"
    assert window.current_page_key() == "home"
    # the new database's signals reach the rebuilt pages
    window.context.members.create({"name": "新人", "sex": "男"})
    window.context.members_changed.emit()
    assert window.count_label.text() == "在册会员 1 人"
    assert window.home_view.figure_texts()["在册会员"] == "1人"
    qtbot.waitUntil(lambda: not window.backup_job.thread.isRunning(), timeout=10000)
    window.context.close()  # the fixture closes the first database; this one's lock goes with its context


def test_open_database_failure_keeps_the_current_one(window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args, **kwargs: shown.append(args) or QMessageBox.Ok)
    old_context = window.context
    assert window.open_database(too_new_database(tmp_path / "new.sqlite3")) is False
    assert shown and "更新版本" in shown[0][2]
    assert window.context is old_context
    assert window.count_label.text() == "在册会员 3 人"


def test_backup_now_writes_a_copy(window, tmp_path, qtbot, monkeypatch):
    target = tmp_path / "copies" / "备份.sqlite3"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    window.backup_action.trigger()
    window.backup_view.backup_dialog.accept()  # 立即备份 without a password (tests/test_gui_backup.py)
    qtbot.waitUntil(lambda: "已备份到" in window.statusBar().currentMessage(), timeout=10000)
    assert target.exists()
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM members").fetchone()[0] == 3
    copy.close()


def test_automatic_backup_reports_in_the_status_bar(window, db_path, qtbot):
    job = window.start_auto_backup()
    qtbot.waitUntil(lambda: "已自动备份到" in window.statusBar().currentMessage(), timeout=10000)
    qtbot.waitUntil(lambda: not job.thread.isRunning(), timeout=10000)
    assert list((db_path.parent / "backups").glob("*.sqlite3"))


def test_automatic_backup_failure_is_shown_not_raised(window, qtbot, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr("gonghui_desk.backup.auto_backup_if_due", broken)
    job = window.start_auto_backup()
    qtbot.waitUntil(lambda: "自动备份失败" in window.statusBar().currentMessage(), timeout=10000)
    qtbot.waitUntil(lambda: not job.thread.isRunning(), timeout=10000)
    assert "磁盘已满" in window.statusBar().currentMessage()


def test_run_gui_refuses_a_too_new_database_without_blocking(qtbot, tmp_path, monkeypatch):
    path = too_new_database(tmp_path / "too-new.sqlite3")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args, **kwargs: shown.append(args) or QMessageBox.Ok)

    def no_event_loop(*args, **kwargs):
        raise AssertionError("the event loop must not start")

    monkeypatch.setattr(QApplication, "exec", no_event_loop)
    assert run_gui(path) == 1
    assert len(shown) == 1
    assert "更新版本" in shown[0][2]
    before = path.read_bytes()
    assert open_context(path) is None  # still refused, and the file was not touched
    assert path.read_bytes() == before


def test_run_gui_refuses_a_foreign_file(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is not a database at all" * 10)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args, **kwargs: shown.append(args) or QMessageBox.Ok)
    monkeypatch.setattr(QApplication, "exec", lambda *args: pytest.fail("event loop started"))
    assert run_gui(path) == 1
    assert "不是本软件的数据库" in shown[0][2]


def test_run_gui_on_a_new_database_asks_for_the_profile(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "fresh" / "union.sqlite3"
    asked = []
    monkeypatch.setattr(MainWindow, "show_first_run", lambda self: asked.append(self))
    monkeypatch.setattr(QApplication, "exec", lambda *args: 0)
    monkeypatch.setattr(app_module, "restore_window_state", lambda window: None)
    monkeypatch.setattr(app_module, "save_window_state", lambda window: None)
    assert run_gui(path) == 0
    assert len(asked) == 1
    assert path.exists()
    assert list((path.parent / "backups").glob("union-*.sqlite3"))  # the daily backup ran


def test_application_setup_installs_chinese_texts(qtbot):
    app = setup_application()
    assert app.applicationName() == "gonghui-desk"
    assert not app.windowIcon().isNull()
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if (folder / "qtbase_zh_CN.qm").exists():
        assert app.translate("QPlatformTheme", "Cancel") == "取消"
        assert app.translate("QPlatformTheme", "OK") == "确定"
    else:  # a Qt build without translations: English buttons, and no crash
        assert app.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_bar_chart_merges_the_tail_and_paints(qtbot):
    items = [(f"单位{i}", 20 - i) for i in range(15)]
    merged = merge_tail(items, 5)
    assert merged[:4] == items[:4] and merged[4] == ("其他11个", sum(v for _, v in items[4:]))
    chart = HorizontalBarChart(max_bars=5)
    qtbot.addWidget(chart)
    chart.set_data(items)
    assert len(chart.items()) == 5
    chart.resize(400, chart.sizeHint().height())
    assert not chart.grab().isNull()
    chart.set_data([])
    assert chart.items() == [] and not chart.grab().isNull()


def test_open_data_folder_opens_the_database_folder(window, db_path, monkeypatch):
    opened = []
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl", lambda url: opened.append(url) or True)
    window.open_folder_action.trigger()
    assert [url.toLocalFile() for url in opened] == [str(db_path.parent)]
